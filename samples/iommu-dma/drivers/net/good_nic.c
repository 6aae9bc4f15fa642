// SPDX-License-Identifier: GPL-2.0-only
/*
 * A well-behaved network driver: it hands buffers to its device only through
 * the DMA API, which takes care of the IOMMU and of the CPU caches. It links
 * against the sealed iommu-dma library and passes symfence's audit.
 */
#include <linux/dma-mapping.h>
#include <linux/errno.h>

#include "good_nic.h"

int good_nic_probe(struct good_nic *nic)
{
	unsigned int i;

	nic->dev.name = "good_nic";
	for (i = 0; i < GOOD_NIC_RING; i++)
		nic->tx_ring[i].flags = 0;
	nic->rx_desc.flags = 0;
	nic->tx_head = 0;
	nic->tx_nents = 0;
	return 0;
}

/* Queues one frame made of nfrags buffers; returns the descriptors used. */
int good_nic_xmit(struct good_nic *nic, void *const frags[], const unsigned int lens[],
		  int nfrags)
{
	struct scatterlist *sg;
	struct good_nic_desc *desc;
	int i, count;

	if (nfrags < 1 || nfrags > GOOD_NIC_MAX_FRAGS || nic->tx_nents)
		return -EINVAL;
	sg_init_table(nic->tx_sg, nfrags);
	for (i = 0; i < nfrags; i++)
		sg_set_buf(&nic->tx_sg[i], frags[i], lens[i]);

	count = dma_map_sg(&nic->dev, nic->tx_sg, nfrags, DMA_TO_DEVICE);
	if (!count)
		return -ENOMEM;
	nic->tx_nents = nfrags;
	for_each_sg(nic->tx_sg, sg, count, i) {
		desc = &nic->tx_ring[nic->tx_head++ % GOOD_NIC_RING];
		desc->addr = sg_dma_address(sg);
		desc->len = sg_dma_len(sg);
		desc->flags = GOOD_NIC_DESC_OWN;
	}
	return count;
}

/* The device has sent the frame: give the buffers back. */
void good_nic_tx_complete(struct good_nic *nic)
{
	dma_unmap_sg(&nic->dev, nic->tx_sg, nic->tx_nents, DMA_TO_DEVICE);
	nic->tx_nents = 0;
}

int good_nic_rx_start(struct good_nic *nic, void *buf, unsigned int len)
{
	sg_init_one(nic->rx_sg, buf, len);
	if (!dma_map_sg(&nic->dev, nic->rx_sg, 1, DMA_FROM_DEVICE))
		return -ENOMEM;
	nic->rx_desc.addr = sg_dma_address(nic->rx_sg);
	nic->rx_desc.len = sg_dma_len(nic->rx_sg);
	nic->rx_desc.flags = GOOD_NIC_DESC_OWN;
	return 0;
}

/* The device has written a frame: after the unmap the CPU sees it. */
void good_nic_rx_done(struct good_nic *nic)
{
	dma_unmap_sg(&nic->dev, nic->rx_sg, 1, DMA_FROM_DEVICE);
	nic->rx_desc.flags = 0;
}
