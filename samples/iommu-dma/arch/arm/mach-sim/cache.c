// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated board's cache primitive: the operation and the range are
 * written to a cache controller's registers. Not part of the library; the
 * host test harness provides its own cpu_cache_op() that records a trace.
 */
#include <asm/cpu-cache.h>

static struct sim_cache_regs {
	volatile unsigned long start, end, op;	/* writing op starts the operation */
} sim_cache;

void cpu_cache_op(int op, unsigned long start, unsigned long end)
{
	sim_cache.start = start;
	sim_cache.end = end;
	sim_cache.op = op;
}
