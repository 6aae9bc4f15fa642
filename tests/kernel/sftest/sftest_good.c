// SPDX-License-Identifier: GPL-2.0-only
/* A module that uses only the tty layer's public, exported API. */
#include <linux/module.h>
#include <linux/tty.h>

static struct tty_port sftest_port;

static int __init sftest_good_init(void)
{
	tty_port_init(&sftest_port);
	return 0;
}

static void __exit sftest_good_exit(void)
{
	tty_port_destroy(&sftest_port);
}

module_init(sftest_good_init);
module_exit(sftest_good_exit);
MODULE_LICENSE("GPL");
