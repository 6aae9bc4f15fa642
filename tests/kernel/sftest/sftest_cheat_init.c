// SPDX-License-Identifier: GPL-2.0-only
/*
 * A built-in driver that makes a directory with fs/init.c's init_mkdir(),
 * which is for init/ only.
 */
#include <linux/kernel.h>
#include <linux/init.h>

/* as include/linux/init_syscalls.h declares it (that header includes nothing) */
int __init init_mkdir(const char *pathname, umode_t mode);

const char *sftest_init_dir;

static int __init sftest_cheat_init_init(void)
{
	if (sftest_init_dir)
		init_mkdir(sftest_init_dir, 0755);
	return 0;
}
late_initcall(sftest_cheat_init_init);
