/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one cache primitive the platform provides. On hardware it would be a
 * loop of cache maintenance instructions (inner) or writes to the outer cache
 * controller; the sample's platforms (arch/arm/mach-sim, the host test
 * harness) implement it as a no-op or by recording a trace.
 */
#ifndef _ASM_CPU_CACHE_H
#define _ASM_CPU_CACHE_H

#define CACHE_OP_CLEAN	0x1	/* write dirty lines back to memory */
#define CACHE_OP_INV	0x2	/* discard lines */
#define CACHE_OP_FLUSH	(CACHE_OP_CLEAN | CACHE_OP_INV)
#define CACHE_OP_OUTER	0x10	/* the outer (L2) cache, physical addresses */

#define L1_CACHE_BYTES		64	/* inner cache line */
#define OUTER_CACHE_BYTES	32	/* outer cache line (PL310-like) */

/* One operation on whole lines covering [start, end). */
void cpu_cache_op(int op, unsigned long start, unsigned long end);

#endif /* _ASM_CPU_CACHE_H */
