// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOMMU page-table writer: a two-level table in static memory. Level 1
 * entries hold the address of a level 2 table from a fixed pool; level 2
 * entries (PTEs) hold the physical page and the device's permissions.
 */
#include <linux/errno.h>
#include <linux/io-pgtable.h>
#include <linux/mm.h>

iopte_t pgtable_l2_pool[IOPGTABLE_L2_POOL][IOPGTABLE_ENTRIES] __attribute__((aligned(4096)));
unsigned int pgtable_l2_used;

iopte_t *pgtable_alloc_l2(void)
{
	iopte_t *table;
	unsigned int i;

	if (pgtable_l2_used == IOPGTABLE_L2_POOL)
		return NULL;
	table = pgtable_l2_pool[pgtable_l2_used++];
	for (i = 0; i < IOPGTABLE_ENTRIES; i++)
		table[i] = 0;
	return table;
}

int iommu_pgtable_init(struct io_pgtable *pgt)
{
	unsigned int i;

	for (i = 0; i < IOPGTABLE_ENTRIES; i++)
		pgt->l1[i] = 0;
	return 0;
}

phys_addr_t iommu_pgtable_base(struct io_pgtable *pgt)
{
	return __pa(pgt->l1);
}

iopte_t pgtable_mk_pte(phys_addr_t paddr, unsigned long prot)
{
	return (paddr & PAGE_MASK) | (prot & (IOPTE_READ | IOPTE_WRITE)) | IOPTE_VALID;
}

/* The PTE for iova; the level 2 table is allocated when alloc is set. NULL: none. */
iopte_t *pgtable_walk(struct io_pgtable *pgt, dma_addr_t iova, int alloc)
{
	unsigned long l1 = (iova >> IOPGTABLE_L1_SHIFT) & (IOPGTABLE_ENTRIES - 1);
	unsigned long l2 = (iova >> PAGE_SHIFT) & (IOPGTABLE_ENTRIES - 1);
	iopte_t *table;

	if (iova >> IOPGTABLE_L1_SHIFT >= IOPGTABLE_ENTRIES)
		return NULL;
	if (!(pgt->l1[l1] & IOPTE_VALID)) {
		if (!alloc)
			return NULL;
		table = pgtable_alloc_l2();
		if (!table)
			return NULL;
		pgt->l1[l1] = __pa(table) | IOPTE_VALID;
	}
	table = __va(pgt->l1[l1] & ~IOPTE_FLAGS);
	return &table[l2];
}

int iommu_pgtable_map(struct io_pgtable *pgt, dma_addr_t iova, phys_addr_t paddr, size_t size,
		      unsigned long prot)
{
	size_t done;
	iopte_t *pte;

	if ((iova | paddr | size) & ~PAGE_MASK)
		return -EINVAL;
	for (done = 0; done < size; done += PAGE_SIZE) {
		pte = pgtable_walk(pgt, iova + done, 1);
		if (!pte || *pte & IOPTE_VALID) {
			iommu_pgtable_unmap(pgt, iova, done);
			return pte ? -EEXIST : -ENOMEM;
		}
		*pte = pgtable_mk_pte(paddr + done, prot);
	}
	return 0;
}

size_t iommu_pgtable_unmap(struct io_pgtable *pgt, dma_addr_t iova, size_t size)
{
	size_t done, unmapped = 0;
	iopte_t *pte;

	for (done = 0; done < size; done += PAGE_SIZE) {
		pte = pgtable_walk(pgt, iova + done, 0);
		if (pte && *pte & IOPTE_VALID) {
			*pte = 0;
			unmapped += PAGE_SIZE;
		}
	}
	return unmapped;
}

phys_addr_t iommu_pgtable_iova_to_phys(struct io_pgtable *pgt, dma_addr_t iova)
{
	iopte_t *pte = pgtable_walk(pgt, iova, 0);

	if (!pte || !(*pte & IOPTE_VALID))
		return 0;
	return (*pte & PAGE_MASK) | offset_in_page(iova);
}
