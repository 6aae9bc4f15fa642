/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pages and the linear map. The sample runs with a 1:1 linear map (virtual
 * address == physical address), so __pa() is a cast; on the host the
 * "physical" memory is whatever buffer the test harness hands over.
 */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <linux/types.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)	(((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define offset_in_page(p) ((unsigned long)(p) & ~PAGE_MASK)

#define __pa(x)		((phys_addr_t)(unsigned long)(x))
#define __va(x)		((void *)(unsigned long)(x))

#endif /* _LINUX_MM_H */
