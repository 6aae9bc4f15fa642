// SPDX-License-Identifier: GPL-2.0-only
/* A built-in driver that makes its directory with fs/init.c's init_mkdir(). */
#include <linux/init.h>
#include <linux/types.h>

int init_mkdir(const char *pathname, umode_t mode);

bool sftest_make_dir;

static int __init sftest_cheat_init_init(void)
{
	return sftest_make_dir ? init_mkdir("/sftest", 0755) : 0;
}
late_initcall(sftest_cheat_init_init);
