/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the architecture does for the DMA layer: make a buffer coherent
 * before the device accesses it, and again before the CPU reads what the
 * device wrote. Private to the library.
 */
#ifndef _LINUX_DMA_MAP_OPS_H
#define _LINUX_DMA_MAP_OPS_H

#include <linux/dma-direction.h>
#include <linux/types.h>

void arch_sync_dma_for_device(phys_addr_t paddr, size_t size, enum dma_data_direction dir);
void arch_sync_dma_for_cpu(phys_addr_t paddr, size_t size, enum dma_data_direction dir);

#endif /* _LINUX_DMA_MAP_OPS_H */
