// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOVA allocator: first-fit over a bitmap of the aperture, one bit per page.
 * Freed ranges are reused at once, lowest address first, which makes the
 * allocator's behaviour easy to check from outside.
 */
#include <linux/errno.h>
#include <linux/iova.h>
#include <linux/mm.h>

int iova_domain_init(struct iova_domain *iovad, dma_addr_t base, size_t size)
{
	unsigned long i;

	if ((base | size) & ~PAGE_MASK || !size || size >> PAGE_SHIFT > IOVA_MAX_PAGES)
		return -EINVAL;
	iovad->start_pfn = base >> PAGE_SHIFT;
	iovad->npages = size >> PAGE_SHIFT;
	iovad->used = 0;
	for (i = 0; i < ARRAY_SIZE(iovad->bitmap); i++)
		iovad->bitmap[i] = 0;
	return 0;
}

int iova_bitmap_test(const struct iova_domain *iovad, unsigned long bit)
{
	return (iovad->bitmap[bit / BITS_PER_LONG] >> (bit % BITS_PER_LONG)) & 1;
}

void iova_bitmap_set(struct iova_domain *iovad, unsigned long first, unsigned long npages)
{
	unsigned long bit;

	for (bit = first; bit < first + npages; bit++)
		iovad->bitmap[bit / BITS_PER_LONG] |= 1UL << (bit % BITS_PER_LONG);
	iovad->used += npages;
}

void iova_bitmap_clear(struct iova_domain *iovad, unsigned long first, unsigned long npages)
{
	unsigned long bit;

	for (bit = first; bit < first + npages; bit++)
		iovad->bitmap[bit / BITS_PER_LONG] &= ~(1UL << (bit % BITS_PER_LONG));
	iovad->used -= npages;
}

/* Index of the first run of npages free pages, or -1. */
long iova_find_free(struct iova_domain *iovad, unsigned long npages)
{
	unsigned long bit, run = 0;

	for (bit = 0; bit < iovad->npages; bit++) {
		run = iova_bitmap_test(iovad, bit) ? 0 : run + 1;
		if (run == npages)
			return (long)(bit + 1 - npages);
	}
	return -1;
}

dma_addr_t alloc_iova(struct iova_domain *iovad, size_t size)
{
	unsigned long npages = size >> PAGE_SHIFT;
	long first;

	if (!npages || size & ~PAGE_MASK)
		return 0;
	first = iova_find_free(iovad, npages);
	if (first < 0)
		return 0;
	iova_bitmap_set(iovad, first, npages);
	return (iovad->start_pfn + first) << PAGE_SHIFT;
}

void free_iova(struct iova_domain *iovad, dma_addr_t iova, size_t size)
{
	unsigned long first = (iova >> PAGE_SHIFT) - iovad->start_pfn;
	unsigned long npages = size >> PAGE_SHIFT;

	if (iova >> PAGE_SHIFT < iovad->start_pfn || first + npages > iovad->npages)
		return;
	iova_bitmap_clear(iovad, first, npages);
}
