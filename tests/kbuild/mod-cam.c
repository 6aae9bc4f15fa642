// SPDX-License-Identifier: GPL-2.0-only
/* Module glue of sfdemo_cam.ko: drivers/idiotic/cam.c calls dmac_flush_range(). */
#include <linux/module.h>

MODULE_DESCRIPTION("symfence sample: a camera driver that does its own cache maintenance");
MODULE_LICENSE("GPL");
