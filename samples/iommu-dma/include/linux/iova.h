/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IOVA allocator: first-fit over a bitmap of the IOMMU aperture, one bit per
 * page. Private to the library: drivers get IOVAs from dma_map_sg().
 */
#ifndef _LINUX_IOVA_H
#define _LINUX_IOVA_H

#include <linux/types.h>

#define IOVA_MAX_PAGES	2048	/* 8 MiB of aperture with 4 KiB pages */

struct iova_domain {
	unsigned long start_pfn;	/* first page of the aperture */
	unsigned long npages;		/* pages in the aperture */
	unsigned long used;		/* pages allocated */
	unsigned long bitmap[IOVA_MAX_PAGES / BITS_PER_LONG];
};

int iova_domain_init(struct iova_domain *iovad, dma_addr_t base, size_t size);
/* size in bytes, a multiple of PAGE_SIZE; returns the IOVA, 0 when the aperture is full. */
dma_addr_t alloc_iova(struct iova_domain *iovad, size_t size);
void free_iova(struct iova_domain *iovad, dma_addr_t iova, size_t size);

/* Internals. */
long iova_find_free(struct iova_domain *iovad, unsigned long npages);
int iova_bitmap_test(const struct iova_domain *iovad, unsigned long bit);
void iova_bitmap_set(struct iova_domain *iovad, unsigned long first, unsigned long npages);
void iova_bitmap_clear(struct iova_domain *iovad, unsigned long first, unsigned long npages);

#endif /* _LINUX_IOVA_H */
