/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scatterlists: a buffer described as a list of (page, offset, length)
 * pieces. dma_map_sg() fills in the device's view: the DMA address and length
 * of each DMA segment, in the first entries of the list. Public API.
 */
#ifndef _LINUX_SCATTERLIST_H
#define _LINUX_SCATTERLIST_H

#include <linux/types.h>

struct scatterlist {
	unsigned long page_link;	/* page address | SG_CHAIN | SG_END */
	unsigned int offset;		/* of the data in the page */
	unsigned int length;		/* of the data, bytes */
	dma_addr_t dma_address;		/* set by dma_map_sg() */
	unsigned int dma_length;	/* set by dma_map_sg(); 0 after the last segment */
};

#define SG_CHAIN	0x01UL	/* page_link points to the next array of entries */
#define SG_END		0x02UL	/* the last entry of the list */
#define SG_PAGE_LINK_MASK (SG_CHAIN | SG_END)

#define sg_is_chain(sg)		((sg)->page_link & SG_CHAIN)
#define sg_is_last(sg)		((sg)->page_link & SG_END)
#define sg_chain_ptr(sg)	((struct scatterlist *)((sg)->page_link & ~SG_PAGE_LINK_MASK))

#define sg_dma_address(sg)	((sg)->dma_address)
#define sg_dma_len(sg)		((sg)->dma_length)

#define for_each_sg(sglist, sg, nr, __i) \
	for (__i = 0, sg = (sglist); __i < (nr); __i++, sg = sg_next(sg))

void sg_init_table(struct scatterlist *sgl, unsigned int nents);
void sg_init_one(struct scatterlist *sg, const void *buf, unsigned int buflen);
void sg_set_buf(struct scatterlist *sg, const void *buf, unsigned int buflen);
void sg_mark_end(struct scatterlist *sg);
void sg_chain(struct scatterlist *prv, unsigned int prv_nents, struct scatterlist *sgl);
struct scatterlist *sg_next(struct scatterlist *sg);
int sg_nents(struct scatterlist *sg);
void *sg_virt(struct scatterlist *sg);
phys_addr_t sg_phys(struct scatterlist *sg);

#endif /* _LINUX_SCATTERLIST_H */
