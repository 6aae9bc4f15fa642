// SPDX-License-Identifier: GPL-2.0-only
/*
 * A built-in driver that takes the line discipline lock itself: the tty
 * layer's private tty_ldisc_lock() (drivers/tty/tty.h, not an API).
 */
#include <linux/init.h>
#include <linux/tty.h>

int tty_ldisc_lock(struct tty_struct *tty, unsigned long timeout);
void tty_ldisc_unlock(struct tty_struct *tty);

struct tty_struct *sftest_tty;

static int __init sftest_cheat_builtin_init(void)
{
	if (sftest_tty && !tty_ldisc_lock(sftest_tty, 0))
		tty_ldisc_unlock(sftest_tty);
	return 0;
}
device_initcall(sftest_cheat_builtin_init);
