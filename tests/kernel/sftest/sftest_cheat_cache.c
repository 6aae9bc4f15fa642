// SPDX-License-Identifier: GPL-2.0-only
/*
 * A built-in ARM driver that does its own cache maintenance: dmac_flush_range()
 * (v7_dma_flush_range() on ARMv7) instead of the DMA API. The classic case.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <asm/cacheflush.h>

char sftest_cache_buf[64];
int sftest_cache_flush;

static int __init sftest_cheat_cache_init(void)
{
	if (sftest_cache_flush)
		dmac_flush_range(sftest_cache_buf, sftest_cache_buf + sizeof(sftest_cache_buf));
	return 0;
}
device_initcall(sftest_cheat_cache_init);
