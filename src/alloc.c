// SPDX-License-Identifier: GPL-2.0-only
/* The library's small allocation helpers (internal.h). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void *sf_xcalloc(size_t n, size_t size)
{
	return calloc(n ? n : 1, size ? size : 1);
}

char *sf_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}
