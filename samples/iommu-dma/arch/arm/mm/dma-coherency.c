// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU cache coherency for non-coherent DMA, ARM style: an inner cache
 * maintained on virtual addresses (dmac_*) and an outer cache maintained on
 * physical addresses (outer_*), both reduced to the platform's single
 * primitive cpu_cache_op().
 *
 * Before the device reads memory, dirty lines are cleaned (written back);
 * before the CPU reads what the device wrote, stale lines are invalidated.
 * Towards the device the inner cache goes first, towards the CPU the outer
 * cache does, so that no level refills from the other with stale data.
 */
#include <asm/cacheflush.h>
#include <asm/cpu-cache.h>
#include <asm/outercache.h>
#include <linux/dma-map-ops.h>
#include <linux/mm.h>

/*
 * Applies op to the lines (of line bytes) covering [start, end). Invalidating
 * a partial line would also discard the CPU's data that shares it, so such
 * edge lines are cleaned and invalidated instead.
 */
void arm_cache_maint_range(int op, unsigned long line, unsigned long start, unsigned long end)
{
	unsigned long first = start & ~(line - 1);
	unsigned long last = (end + line - 1) & ~(line - 1);
	int level = op & CACHE_OP_OUTER;

	if (start >= end)
		return;
	if ((op & ~CACHE_OP_OUTER) != CACHE_OP_INV) {
		cpu_cache_op(op, first, last);
		return;
	}
	if (start != first) {
		cpu_cache_op(level | CACHE_OP_FLUSH, first, first + line);
		first += line;
	}
	if (end != last && last > first) {
		cpu_cache_op(level | CACHE_OP_FLUSH, last - line, last);
		last -= line;
	}
	if (first < last)
		cpu_cache_op(op, first, last);
}

void dmac_clean_range(const void *start, const void *end)
{
	arm_cache_maint_range(CACHE_OP_CLEAN, L1_CACHE_BYTES, (unsigned long)start,
			      (unsigned long)end);
}

void dmac_inv_range(const void *start, const void *end)
{
	arm_cache_maint_range(CACHE_OP_INV, L1_CACHE_BYTES, (unsigned long)start,
			      (unsigned long)end);
}

void dmac_flush_range(const void *start, const void *end)
{
	arm_cache_maint_range(CACHE_OP_FLUSH, L1_CACHE_BYTES, (unsigned long)start,
			      (unsigned long)end);
}

void outer_clean_range(phys_addr_t start, phys_addr_t end)
{
	arm_cache_maint_range(CACHE_OP_OUTER | CACHE_OP_CLEAN, OUTER_CACHE_BYTES, start, end);
}

void outer_inv_range(phys_addr_t start, phys_addr_t end)
{
	arm_cache_maint_range(CACHE_OP_OUTER | CACHE_OP_INV, OUTER_CACHE_BYTES, start, end);
}

void outer_flush_range(phys_addr_t start, phys_addr_t end)
{
	arm_cache_maint_range(CACHE_OP_OUTER | CACHE_OP_FLUSH, OUTER_CACHE_BYTES, start, end);
}

/*
 * To the device: clean what it will read; invalidate what it will write, so
 * that no dirty line is evicted over its data later; both for bidirectional
 * buffers (as ARMv6 does with CONFIG_DMA_CACHE_RWFO).
 */
void arch_sync_dma_for_device(phys_addr_t paddr, size_t size, enum dma_data_direction dir)
{
	const char *vaddr = __va(paddr);

	switch (dir) {
	case DMA_TO_DEVICE:
		dmac_clean_range(vaddr, vaddr + size);
		outer_clean_range(paddr, paddr + size);
		break;
	case DMA_FROM_DEVICE:
		dmac_inv_range(vaddr, vaddr + size);
		outer_inv_range(paddr, paddr + size);
		break;
	default:
		dmac_flush_range(vaddr, vaddr + size);
		outer_flush_range(paddr, paddr + size);
		break;
	}
}

/* To the CPU: drop lines the CPU may have speculatively loaded during the DMA. */
void arch_sync_dma_for_cpu(phys_addr_t paddr, size_t size, enum dma_data_direction dir)
{
	const char *vaddr = __va(paddr);

	if (dir == DMA_TO_DEVICE)
		return;
	outer_inv_range(paddr, paddr + size);
	dmac_inv_range(vaddr, vaddr + size);
}
