/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the library's own files; not part of the public API. */
#ifndef SYMFENCE_INTERNAL_H
#define SYMFENCE_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <libelf.h>

#include <symfence/diag.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Reports a failed libelf call by name, with libelf's own message; evaluates to -EINVAL. */
#define sf_elf_error(ctx, file, call)                                                              \
	(symfence_error(ctx, file, "%s() failed: %s", call, elf_errmsg(-1)), -EINVAL)

/* Reports a malformed object; evaluates to -EINVAL. */
#define sf_malformed(ctx, file, ...) (symfence_error(ctx, file, __VA_ARGS__), -EINVAL)

/* Big- or little-endian loads and stores of n bytes (n <= 8), for patching file images. */
static inline uint64_t sf_get(const unsigned char *p, size_t n, bool msb)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[msb ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

static inline void sf_put(unsigned char *p, size_t n, uint64_t v, bool msb)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[msb ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

/*
 * Maps the regular file path read-only (opened without blocking, so a FIFO is
 * refused rather than waited on): *p and *size, and *mode (may be NULL) its
 * permission bits. Errors are reported naming path.
 */
struct symfence_ctx;
int sf_map_file(struct symfence_ctx *ctx, const char *path, const unsigned char **p, size_t *size,
		unsigned int *mode);

/*
 * Creates a file of its own beside path: ".BASE.TAG.XXXXXX" in path's
 * directory (mkostemp: mode 0600, close-on-exec). *tmp gets its name
 * (malloc'd); returns its descriptor, or a negative errno with the error
 * reported naming path. The one temporary-file scheme of the library.
 */
int sf_temp_beside(struct symfence_ctx *ctx, const char *path, const char *tag, char **tmp);

/* Removes "." components and empty ones, and folds "dir/.." lexically, in place. */
void sf_path_normalise(char *path);
/* dir/name (the first dirlen bytes of dir), without "./" when dir is "." and without a doubled '/'.
 */
char *sf_path_join(const char *dir, size_t dirlen, const char *name, size_t namelen);
/* The directory of path, as sf_path_join() takes it: sf_path_dir() and sf_path_dir_len() bytes. */
const char *sf_path_dir(const char *path);
size_t sf_path_dir_len(const char *path);

/* qsort() that accepts an empty (possibly NULL) array: qsort(NULL, 0, ...) is undefined. */
static inline void sf_sort(void *base, size_t n, size_t size,
			   int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

void *sf_xcalloc(size_t n, size_t size); /* calloc, NULL only for n * size overflow or OOM */
char *sf_strdup(const char *s);

#endif
