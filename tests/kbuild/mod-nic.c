// SPDX-License-Identifier: GPL-2.0-only
/* Module glue of sfdemo_nic.ko: drivers/net/good_nic.c uses only the DMA API. */
#include <linux/module.h>

MODULE_DESCRIPTION("symfence sample: a network driver that uses the DMA API");
MODULE_LICENSE("GPL");
