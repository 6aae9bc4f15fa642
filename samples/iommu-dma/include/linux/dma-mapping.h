/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The DMA API: the only way drivers hand memory to a device. Mapping takes
 * care of the IOMMU and of CPU cache coherency; drivers never do either
 * themselves. Public API.
 */
#ifndef _LINUX_DMA_MAPPING_H
#define _LINUX_DMA_MAPPING_H

#include <linux/device.h>
#include <linux/dma-direction.h>
#include <linux/scatterlist.h>

/*
 * Maps nents entries for dev: returns the number of DMA segments (physically
 * contiguous entries are merged), each described by sg_dma_address() and
 * sg_dma_len() of the first entries; 0 on failure (nothing stays mapped).
 */
int dma_map_sg(struct device *dev, struct scatterlist *sg, int nents,
	       enum dma_data_direction dir);
/* nents and dir as passed to dma_map_sg(), not its return value. */
void dma_unmap_sg(struct device *dev, struct scatterlist *sg, int nents,
		  enum dma_data_direction dir);
/* Ownership transfers while the list stays mapped. */
void dma_sync_sg_for_cpu(struct device *dev, struct scatterlist *sg, int nents,
			 enum dma_data_direction dir);
void dma_sync_sg_for_device(struct device *dev, struct scatterlist *sg, int nents,
			    enum dma_data_direction dir);

#endif /* _LINUX_DMA_MAPPING_H */
