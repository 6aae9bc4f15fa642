// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DMA API on top of an IOMMU. dma_map_sg() walks the scatterlist, merges
 * physically contiguous entries into DMA segments, gives each segment IOVA
 * space and page-table entries, stores the segments in the first entries of
 * the list, and finally makes every entry coherent for the device.
 * dma_unmap_sg() undoes it in reverse.
 */
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/errno.h>
#include <linux/iommu.h>
#include <linux/mm.h>

struct iommu_domain iommu_default_domain;

int iommu_dma_init_domain(struct iommu_domain *domain, dma_addr_t base, size_t size)
{
	int ret;

	ret = iova_domain_init(&domain->iovad, base, size);
	if (!ret)
		ret = iommu_pgtable_init(&domain->pgtbl);
	if (!ret)
		domain->ready = 1;
	return ret;
}

int iommu_attach_device(struct device *dev)
{
	struct iommu_domain *domain = &iommu_default_domain;
	int ret;

	if (!domain->ready) {
		ret = iommu_dma_init_domain(domain, IOMMU_APERTURE_BASE, IOMMU_APERTURE_SIZE);
		if (ret)
			return ret;
	}
	ret = iommu_hw_ops.attach_dev(domain, dev);
	if (ret)
		return ret;
	dev->iommu_domain = domain;
	return 0;
}

void iommu_detach_device(struct device *dev)
{
	dev->iommu_domain = NULL;
}

phys_addr_t iommu_iova_to_phys(struct device *dev, dma_addr_t iova)
{
	if (!dev->iommu_domain)
		return 0;
	return iommu_hw_ops.iova_to_phys(dev->iommu_domain, iova);
}

/* The device reads what goes to it and writes what comes from it. */
unsigned long iommu_dma_prot(enum dma_data_direction dir)
{
	switch (dir) {
	case DMA_TO_DEVICE:
		return IOPTE_READ;
	case DMA_FROM_DEVICE:
		return IOPTE_WRITE;
	default:
		return IOPTE_READ | IOPTE_WRITE;
	}
}

/* Maps the pages under [paddr, paddr + len): the DMA address of paddr, 0 on failure. */
dma_addr_t iommu_dma_map_segment(struct iommu_domain *domain, phys_addr_t paddr, size_t len,
				 unsigned long prot)
{
	phys_addr_t first = paddr & PAGE_MASK;
	size_t size = PAGE_ALIGN(paddr + len) - first;
	dma_addr_t iova;

	iova = alloc_iova(&domain->iovad, size);
	if (!iova)
		return 0;
	if (iommu_pgtable_map(&domain->pgtbl, iova, first, size, prot)) {
		free_iova(&domain->iovad, iova, size);
		return 0;
	}
	return iova + offset_in_page(paddr);
}

void iommu_dma_unmap_segment(struct iommu_domain *domain, dma_addr_t dma_addr, size_t len)
{
	dma_addr_t iova = dma_addr & PAGE_MASK;
	size_t size = PAGE_ALIGN(dma_addr + len) - iova;

	iommu_pgtable_unmap(&domain->pgtbl, iova, size);
	iommu_hw_ops.flush_iotlb(domain, iova, size);
	free_iova(&domain->iovad, iova, size);
}

/*
 * Maps [paddr, paddr + len) and records it as the next DMA segment in *seg,
 * advancing *seg. Returns 0 or -ENOMEM.
 */
int iommu_dma_add_segment(struct iommu_domain *domain, struct scatterlist **seg,
			  phys_addr_t paddr, size_t len, unsigned long prot)
{
	dma_addr_t dma = iommu_dma_map_segment(domain, paddr, len, prot);

	if (!dma)
		return -ENOMEM;
	sg_dma_address(*seg) = dma;
	sg_dma_len(*seg) = len;
	*seg = sg_next(*seg);
	return 0;
}

/* Unmaps the segments stored in the first entries of sgl (dma_length 0 ends them). */
void iommu_dma_unmap_segments(struct iommu_domain *domain, struct scatterlist *sgl, int nents)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i) {
		if (!sg_dma_len(sg))
			break;
		iommu_dma_unmap_segment(domain, sg_dma_address(sg), sg_dma_len(sg));
		sg_dma_len(sg) = 0;
	}
}

int dma_map_sg(struct device *dev, struct scatterlist *sgl, int nents,
	       enum dma_data_direction dir)
{
	struct iommu_domain *domain = dev->iommu_domain;
	unsigned long prot = iommu_dma_prot(dir);
	struct scatterlist *sg, *seg = sgl;
	phys_addr_t start = 0, phys;
	size_t len = 0;
	int i, count = 0;

	if (!domain || nents <= 0 || dir == DMA_NONE)
		return 0;
	for_each_sg(sgl, sg, nents, i)
		sg_dma_len(sg) = 0;

	/*
	 * One DMA segment per run of physically contiguous entries, mapped
	 * when the run ends. Segments are stored from the first entry on:
	 * seg never overtakes sg, and only the dma_* fields are written.
	 */
	for_each_sg(sgl, sg, nents, i) {
		phys = sg_phys(sg);
		if (len && phys == start + len) {
			len += sg->length;
			continue;
		}
		if (len) {
			if (iommu_dma_add_segment(domain, &seg, start, len, prot))
				goto fail;
			count++;
		}
		start = phys;
		len = sg->length;
	}
	if (iommu_dma_add_segment(domain, &seg, start, len, prot))
		goto fail;
	count++;

	if (!dev->dma_coherent)
		for_each_sg(sgl, sg, nents, i)
			arch_sync_dma_for_device(sg_phys(sg), sg->length, dir);
	return count;

fail:
	iommu_dma_unmap_segments(domain, sgl, count);
	return 0;
}

void dma_unmap_sg(struct device *dev, struct scatterlist *sgl, int nents,
		  enum dma_data_direction dir)
{
	if (!dev->iommu_domain)
		return;
	dma_sync_sg_for_cpu(dev, sgl, nents, dir);
	iommu_dma_unmap_segments(dev->iommu_domain, sgl, nents);
}

void dma_sync_sg_for_cpu(struct device *dev, struct scatterlist *sgl, int nents,
			 enum dma_data_direction dir)
{
	struct scatterlist *sg;
	int i;

	if (dev->dma_coherent)
		return;
	for_each_sg(sgl, sg, nents, i)
		arch_sync_dma_for_cpu(sg_phys(sg), sg->length, dir);
}

void dma_sync_sg_for_device(struct device *dev, struct scatterlist *sgl, int nents,
			    enum dma_data_direction dir)
{
	struct scatterlist *sg;
	int i;

	if (dev->dma_coherent)
		return;
	for_each_sg(sgl, sg, nents, i)
		arch_sync_dma_for_device(sg_phys(sg), sg->length, dir);
}
