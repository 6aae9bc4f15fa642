/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IOMMU page tables: two levels over a 32-bit IOVA space, 4 KiB pages.
 * Level 1 has 1024 entries, each pointing to a level 2 table of 1024 PTEs
 * taken from a static pool. Private to the library, except that the IOMMU
 * driver (an allowed friend) reads them: iommu_pgtable_base() to program the
 * hardware, iommu_pgtable_iova_to_phys() for its table walks.
 */
#ifndef _LINUX_IO_PGTABLE_H
#define _LINUX_IO_PGTABLE_H

#include <linux/types.h>

typedef unsigned long iopte_t;

#define IOPTE_VALID	0x1UL
#define IOPTE_READ	0x2UL	/* the device may read the page */
#define IOPTE_WRITE	0x4UL	/* the device may write the page */
#define IOPTE_FLAGS	0xfffUL

#define IOPGTABLE_L1_SHIFT	22
#define IOPGTABLE_ENTRIES	1024
#define IOPGTABLE_L2_POOL	4	/* level 2 tables, 4 MiB of IOVA each */

struct io_pgtable {
	iopte_t l1[IOPGTABLE_ENTRIES];	/* level 2 table address | IOPTE_VALID */
};

int iommu_pgtable_init(struct io_pgtable *pgt);
phys_addr_t iommu_pgtable_base(struct io_pgtable *pgt);
/* prot: IOPTE_READ | IOPTE_WRITE. Pages already mapped are refused (-EEXIST). */
int iommu_pgtable_map(struct io_pgtable *pgt, dma_addr_t iova, phys_addr_t paddr, size_t size,
		      unsigned long prot);
/* Returns the bytes that were mapped. */
size_t iommu_pgtable_unmap(struct io_pgtable *pgt, dma_addr_t iova, size_t size);
/* 0 when iova is not mapped. */
phys_addr_t iommu_pgtable_iova_to_phys(struct io_pgtable *pgt, dma_addr_t iova);

/* Internals. */
iopte_t *pgtable_alloc_l2(void);
iopte_t *pgtable_walk(struct io_pgtable *pgt, dma_addr_t iova, int alloc);
iopte_t pgtable_mk_pte(phys_addr_t paddr, unsigned long prot);

#endif /* _LINUX_IO_PGTABLE_H */
