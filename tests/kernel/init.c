// SPDX-License-Identifier: GPL-2.0-only
/*
 * /init of the test kernels' initramfs: one line on the console, through the
 * sealed tty layer, then exit (the kernel panics and, with panic=-1 and
 * qemu's -no-reboot, qemu stops).
 */
#include <unistd.h>

int main(void)
{
	static const char line[] = "symfence-init: hello from init, through the sealed tty layer\n";

	return write(1, line, sizeof(line) - 1) == sizeof(line) - 1 ? 0 : 1;
}
