// SPDX-License-Identifier: GPL-2.0-only
/* A weak reference: once the library is sealed it silently becomes NULL. */
extern void dmac_flush_range(void *start, void *end) __attribute__((weak));

int weak_flush(void *p)
{
	if (dmac_flush_range)
		dmac_flush_range(p, p);
	return 0;
}
