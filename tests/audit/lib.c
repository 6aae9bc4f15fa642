// SPDX-License-Identifier: GPL-2.0-only
/* The "library": private cache maintenance, one public entry point, one helper it forgot to list. */
void dmac_flush_range(void *start, void *end)
{
	__asm__ volatile("" : : "r"(start), "r"(end) : "memory");
}

void dmac_inv_range(void *start, void *end)
{
	__asm__ volatile("" : : "r"(start), "r"(end) : "memory");
}

int lib_helper(void)
{
	return 3;
}

int dma_map_sg(void *sg)
{
	dmac_flush_range(sg, (char *)sg + 64);
	return lib_helper();
}
