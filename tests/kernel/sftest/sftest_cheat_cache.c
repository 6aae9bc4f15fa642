// SPDX-License-Identifier: GPL-2.0-only
/*
 * A built-in ARM driver that cleans its buffer from the cache itself, with
 * the cache maintenance routine, instead of the DMA API.
 */
#include <linux/init.h>
#include <linux/types.h>

void v7_dma_flush_range(const void *start, const void *end);

char sftest_buf[64];
bool sftest_flush;

static int __init sftest_cheat_cache_init(void)
{
	if (sftest_flush)
		v7_dma_flush_range(sftest_buf, sftest_buf + sizeof(sftest_buf));
	return 0;
}
late_initcall(sftest_cheat_cache_init);
