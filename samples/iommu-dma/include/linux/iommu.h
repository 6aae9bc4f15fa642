/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IOMMU domains. The library keeps one DMA domain (an IOVA space and its page
 * table) shared by the devices behind the IOMMU. The IOMMU driver built into
 * the image provides iommu_hw_ops; it is sealed into the library's composite
 * object because it needs the page-table helpers.
 */
#ifndef _LINUX_IOMMU_H
#define _LINUX_IOMMU_H

#include <linux/device.h>
#include <linux/dma-direction.h>
#include <linux/io-pgtable.h>
#include <linux/iova.h>

#define IOMMU_APERTURE_BASE	0x10000000UL
#define IOMMU_APERTURE_SIZE	(IOVA_MAX_PAGES * 4096UL)

struct iommu_domain {
	int ready;
	struct iova_domain iovad;
	struct io_pgtable pgtbl;
};

/* Implemented by the IOMMU driver. */
struct iommu_ops {
	int (*attach_dev)(struct iommu_domain *domain, struct device *dev);
	/* Forget cached translations of [iova, iova + size) after an unmap. */
	void (*flush_iotlb)(struct iommu_domain *domain, dma_addr_t iova, size_t size);
	/* What the device sees at iova (a hardware table walk); 0 if nothing. */
	phys_addr_t (*iova_to_phys)(struct iommu_domain *domain, dma_addr_t iova);
};

extern const struct iommu_ops iommu_hw_ops;

/* Public API: bus code attaches devices, tests ask what a device would see. */
int iommu_attach_device(struct device *dev);
void iommu_detach_device(struct device *dev);
phys_addr_t iommu_iova_to_phys(struct device *dev, dma_addr_t iova);

/* Internals of the DMA layer (lib/iommu-dma/dma-iommu.c). */
extern struct iommu_domain iommu_default_domain;
int iommu_dma_init_domain(struct iommu_domain *domain, dma_addr_t base, size_t size);
unsigned long iommu_dma_prot(enum dma_data_direction dir);
dma_addr_t iommu_dma_map_segment(struct iommu_domain *domain, phys_addr_t paddr, size_t len,
				 unsigned long prot);
void iommu_dma_unmap_segment(struct iommu_domain *domain, dma_addr_t dma_addr, size_t len);
struct scatterlist;
int iommu_dma_add_segment(struct iommu_domain *domain, struct scatterlist **seg,
			  phys_addr_t paddr, size_t len, unsigned long prot);
void iommu_dma_unmap_segments(struct iommu_domain *domain, struct scatterlist *sgl, int nents);

#endif /* _LINUX_IOMMU_H */
