/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the library's own files; not part of the public API. */
#ifndef SYMFENCE_INTERNAL_H
#define SYMFENCE_INTERNAL_H

#include <errno.h>
#include <libelf.h>

#include <symfence/diag.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Reports a failed libelf call by name, with libelf's own message; evaluates to -EINVAL. */
#define sf_elf_error(ctx, file, call) \
	(symfence_error(ctx, file, "%s() failed: %s", call, elf_errmsg(-1)), -EINVAL)

/* Reports a malformed object; evaluates to -EINVAL. */
#define sf_malformed(ctx, file, ...) (symfence_error(ctx, file, __VA_ARGS__), -EINVAL)

void *sf_xcalloc(size_t n, size_t size);	/* calloc, NULL only for n * size overflow or OOM */
char *sf_strdup(const char *s);

#endif
