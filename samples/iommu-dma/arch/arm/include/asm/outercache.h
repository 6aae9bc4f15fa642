/* SPDX-License-Identifier: GPL-2.0-only */
/* Outer (L2) cache maintenance on physical ranges [start, end). Private. */
#ifndef _ASM_OUTERCACHE_H
#define _ASM_OUTERCACHE_H

#include <linux/types.h>

void outer_clean_range(phys_addr_t start, phys_addr_t end);
void outer_inv_range(phys_addr_t start, phys_addr_t end);
void outer_flush_range(phys_addr_t start, phys_addr_t end);

#endif /* _ASM_OUTERCACHE_H */
