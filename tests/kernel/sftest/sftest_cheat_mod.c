// SPDX-License-Identifier: GPL-2.0-only
/* A module that calls the tty layer's private tty_ldisc_lock(). */
#include <linux/module.h>
#include <linux/tty.h>

int tty_ldisc_lock(struct tty_struct *tty, unsigned long timeout);
void tty_ldisc_unlock(struct tty_struct *tty);

struct tty_struct *sftest_mod_tty;

static int __init sftest_cheat_mod_init(void)
{
	if (sftest_mod_tty && !tty_ldisc_lock(sftest_mod_tty, 0))
		tty_ldisc_unlock(sftest_mod_tty);
	return 0;
}
module_init(sftest_cheat_mod_init);
MODULE_LICENSE("GPL");
