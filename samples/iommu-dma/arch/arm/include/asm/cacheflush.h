/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inner cache maintenance on kernel virtual ranges [start, end). Private to
 * the DMA layer: drivers call dma_sync_sg_for_device()/dma_sync_sg_for_cpu(),
 * which know which operation each direction needs and also handle the outer
 * cache. This header is visible to everyone; that is why symfence exists.
 */
#ifndef _ASM_CACHEFLUSH_H
#define _ASM_CACHEFLUSH_H

void dmac_clean_range(const void *start, const void *end);
void dmac_inv_range(const void *start, const void *end);
void dmac_flush_range(const void *start, const void *end);

/* Shared by the inner and outer helpers: one range, partial lines handled. */
void arm_cache_maint_range(int op, unsigned long line, unsigned long start, unsigned long end);

#endif /* _ASM_CACHEFLUSH_H */
