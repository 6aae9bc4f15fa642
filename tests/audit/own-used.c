// SPDX-License-Identifier: GPL-2.0-only
/* A definition of a private name outside the library, used four times: one finding, at it. */
void dmac_inv_range(void *start, void *end);

static char buf[64];

void dmac_inv_range(void *start, void *end)
{
	__asm__ volatile("" : : "r"(start), "r"(end) : "memory");
}

int own_probe(void)
{
	dmac_inv_range(buf, buf + 1);
	dmac_inv_range(buf, buf + 2);
	return 0;
}

int own_remove(void)
{
	dmac_inv_range(buf, buf + 3);
	return 0;
}

void (*const own_ops[])(void *, void *) = { dmac_inv_range };
