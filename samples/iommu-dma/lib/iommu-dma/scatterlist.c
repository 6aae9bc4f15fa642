// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scatterlist helpers: building a list, walking it across chained arrays.
 * Public API, used by every driver that does DMA.
 */
#include <linux/mm.h>
#include <linux/scatterlist.h>

void sg_init_table(struct scatterlist *sgl, unsigned int nents)
{
	unsigned int i;

	for (i = 0; i < nents; i++) {
		sgl[i].page_link = 0;
		sgl[i].offset = 0;
		sgl[i].length = 0;
		sgl[i].dma_address = 0;
		sgl[i].dma_length = 0;
	}
	if (nents)
		sg_mark_end(&sgl[nents - 1]);
}

/* Points sg at buf, keeping its chain and end markers. */
void sg_set_buf(struct scatterlist *sg, const void *buf, unsigned int buflen)
{
	unsigned long addr = (unsigned long)buf;

	sg->page_link = (addr & PAGE_MASK) | (sg->page_link & SG_END);
	sg->offset = offset_in_page(addr);
	sg->length = buflen;
}

void sg_init_one(struct scatterlist *sg, const void *buf, unsigned int buflen)
{
	sg_init_table(sg, 1);
	sg_set_buf(sg, buf, buflen);
}

void sg_mark_end(struct scatterlist *sg)
{
	sg->page_link |= SG_END;
	sg->page_link &= ~SG_CHAIN;
}

/*
 * Turns the last entry of prv (prv_nents entries) into a link to sgl: that
 * entry carries no data any more.
 */
void sg_chain(struct scatterlist *prv, unsigned int prv_nents, struct scatterlist *sgl)
{
	struct scatterlist *link = &prv[prv_nents - 1];

	link->offset = 0;
	link->length = 0;
	link->page_link = (unsigned long)sgl | SG_CHAIN;
}

/* The entry after sg, following chain links; NULL after the last. */
struct scatterlist *sg_next(struct scatterlist *sg)
{
	if (sg_is_last(sg))
		return NULL;
	sg++;
	if (sg_is_chain(sg))
		sg = sg_chain_ptr(sg);
	return sg;
}

int sg_nents(struct scatterlist *sg)
{
	int nents;

	for (nents = 0; sg; sg = sg_next(sg))
		nents++;
	return nents;
}

void *sg_virt(struct scatterlist *sg)
{
	return (void *)((sg->page_link & ~SG_PAGE_LINK_MASK) + sg->offset);
}

phys_addr_t sg_phys(struct scatterlist *sg)
{
	return __pa(sg_virt(sg));
}
