// SPDX-License-Identifier: GPL-2.0-only
/*
 * A small SMMU driver: it points the hardware at the DMA domain's page table
 * and models the hardware's translation, with a TLB that the DMA layer must
 * flush after every unmap.
 *
 * It is an allowed friend of the iommu-dma library (rules/iommu-dma.rules):
 * it calls the private page-table helpers iommu_pgtable_base() and
 * iommu_pgtable_iova_to_phys(). Since those are local symbols in the sealed
 * library, this object is sealed into the library's composite object with it.
 */
#include <linux/errno.h>
#include <linux/iommu.h>
#include <linux/mm.h>

#define SMMU_CR0_SMMUEN		0x1	/* translation enabled */
#define SMMU_TLB_ENTRIES	8

struct smmu_tlb_entry {
	dma_addr_t iova;	/* page */
	phys_addr_t phys;	/* page */
	int valid;
};

/* The "hardware": its registers and its TLB. */
static struct arm_smmu_lite {
	u32 cr0;
	phys_addr_t ttbr;	/* translation table base */
	unsigned int next_victim;
	struct smmu_tlb_entry tlb[SMMU_TLB_ENTRIES];
} smmu;

static int arm_smmu_lite_attach_dev(struct iommu_domain *domain, struct device *dev)
{
	phys_addr_t base = iommu_pgtable_base(&domain->pgtbl);

	if ((smmu.cr0 & SMMU_CR0_SMMUEN) && smmu.ttbr != base)
		return -EBUSY;	/* one domain at a time */
	smmu.ttbr = base;
	smmu.cr0 |= SMMU_CR0_SMMUEN;
	return 0;
}

static void arm_smmu_lite_flush_iotlb(struct iommu_domain *domain, dma_addr_t iova, size_t size)
{
	unsigned int i;

	for (i = 0; i < SMMU_TLB_ENTRIES; i++)
		if (smmu.tlb[i].iova >= iova && smmu.tlb[i].iova - iova < size)
			smmu.tlb[i].valid = 0;
}

static phys_addr_t arm_smmu_lite_iova_to_phys(struct iommu_domain *domain, dma_addr_t iova)
{
	dma_addr_t page = iova & PAGE_MASK;
	struct smmu_tlb_entry *e;
	phys_addr_t phys;
	unsigned int i;

	if (!(smmu.cr0 & SMMU_CR0_SMMUEN))
		return 0;
	for (i = 0; i < SMMU_TLB_ENTRIES; i++)
		if (smmu.tlb[i].valid && smmu.tlb[i].iova == page)
			return smmu.tlb[i].phys | offset_in_page(iova);

	/* TLB miss: walk the table at TTBR, as the hardware would. */
	phys = iommu_pgtable_iova_to_phys(__va(smmu.ttbr), page);
	if (!phys)
		return 0;
	e = &smmu.tlb[smmu.next_victim++ % SMMU_TLB_ENTRIES];
	e->iova = page;
	e->phys = phys;
	e->valid = 1;
	return phys | offset_in_page(iova);
}

const struct iommu_ops iommu_hw_ops = {
	.attach_dev = arm_smmu_lite_attach_dev,
	.flush_iotlb = arm_smmu_lite_flush_iotlb,
	.iova_to_phys = arm_smmu_lite_iova_to_phys,
};
