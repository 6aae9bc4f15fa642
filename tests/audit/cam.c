// SPDX-License-Identifier: GPL-2.0-only
/* A driver that cheats: it calls the library's private helpers directly. */
extern void dmac_flush_range(void *start, void *end);
extern void dmac_inv_range(void *start, void *end);
extern int dma_map_sg(void *sg);
extern int lib_helper(void);

static char buf[64];

int cam_probe(void)
{
	dma_map_sg(buf);
	dmac_flush_range(buf, buf + 64);
	dmac_flush_range(buf, buf + 32);
	return lib_helper();
}

int cam_remove(void)
{
	dmac_inv_range(buf, buf + 64);
	return 0;
}

/* A reference from data, outside any function. */
void (*const cam_ops[])(void *, void *) = { dmac_inv_range };
