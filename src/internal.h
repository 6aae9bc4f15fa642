/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the library's own files; not part of the public API. */
#ifndef SYMFENCE_INTERNAL_H
#define SYMFENCE_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libelf.h>

#include <symfence/diag.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Reports a failed libelf call by name, with libelf's own message; evaluates to -EINVAL. */
#define sf_elf_error(ctx, file, call)                                                              \
	(symfence_error(ctx, file, "%s() failed: %s", call, elf_errmsg(-1)), -EINVAL)

/* Reports a malformed object; evaluates to -EINVAL. */
#define sf_malformed(ctx, file, ...) (symfence_error(ctx, file, __VA_ARGS__), -EINVAL)

/*
 * Big- or little-endian loads and stores of n bytes (n <= 8), for reading and
 * patching file images at any alignment. The widths of ELF fields are one
 * load or store each: they run for every relocation of an object.
 */
#define SF_HOST_MSB (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)

static inline uint64_t sf_get(const unsigned char *p, size_t n, bool msb)
{
	uint64_t v = 0;
	uint32_t v32;
	uint16_t v16;
	size_t i;

	switch (n) {
	case 8:
		memcpy(&v, p, 8);
		return msb == SF_HOST_MSB ? v : __builtin_bswap64(v);
	case 4:
		memcpy(&v32, p, 4);
		return msb == SF_HOST_MSB ? v32 : __builtin_bswap32(v32);
	case 2:
		memcpy(&v16, p, 2);
		return msb == SF_HOST_MSB ? v16 : __builtin_bswap16(v16);
	}
	for (i = 0; i < n; i++)
		v |= (uint64_t)p[msb ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

static inline void sf_put(unsigned char *p, size_t n, uint64_t v, bool msb)
{
	uint32_t v32 = (uint32_t)v;
	uint16_t v16 = (uint16_t)v;
	size_t i;

	switch (n) {
	case 8:
		v = msb == SF_HOST_MSB ? v : __builtin_bswap64(v);
		memcpy(p, &v, 8);
		return;
	case 4:
		v32 = msb == SF_HOST_MSB ? v32 : __builtin_bswap32(v32);
		memcpy(p, &v32, 4);
		return;
	case 2:
		v16 = msb == SF_HOST_MSB ? v16 : __builtin_bswap16(v16);
		memcpy(p, &v16, 2);
		return;
	}
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

/* One word of a list (sf_read_words); non-zero stops the reading, and is returned. */
typedef int sf_word_fn(void *arg, const char *word);

#define SF_WORDS_NUL_ENDS_LINE 1 /* a NUL byte ends its line only, not the whole list */

/*
 * An @FILE list: calls fn for each word of the file path, in order; words are
 * separated by blanks (spaces, tabs, CRs and newlines), as kbuild writes them
 * for ar and ld. Text after a NUL byte is ignored, to the end of the file (or,
 * with SF_WORDS_NUL_ENDS_LINE, of the line). 0; what fn returned; -errno (errno
 * kept) when path cannot be opened; -ENODATA, fn never called, when not one
 * byte can be read (an empty file, a directory); -ENOMEM.
 */
int sf_read_words(const char *path, unsigned int flags, sf_word_fn *fn, void *arg);

/* What the directory walk (sf_walk_dir) tells its caller of. */
enum sf_walk_what {
	SF_WALK_FILE,	    /* a regular file, or a symbolic link to one */
	SF_WALK_DIR,	    /* a directory, before it is entered: fn returns 1 to skip it */
	SF_WALK_DIR_ERROR,  /* a directory that cannot be read: err */
	SF_WALK_STAT_ERROR, /* an entry whose type cannot be told (lstat fails): err */
};

struct sf_walk_entry {
	enum sf_walk_what what;
	const char *path; /* the walk's path and the names below it, joined by sf_path_join() */
	const char *name; /* its last component (an error's directory: NULL for the walk's own) */
	int depth;	  /* 0: the walk's directory; 1: an entry in it, and so on */
	int err;	  /* the errno of an error */
};

/* A negative errno stops the walk, which returns it; other values go on. */
typedef int sf_walk_fn(void *arg, const struct sf_walk_entry *e);

#define SF_WALK_SORTED 1 /* each directory's entries in strcmp() order, not readdir()'s */
#define SF_WALK_LSTAT 2	 /* lstat every entry (not trusting d_type): its failures are told */

/*
 * Walks the directory open at fd (taken over: closed by the walk), which path
 * names, recursively: every regular file, and symbolic link to one, and every
 * directory, never through a symbolic link. Entries whose names start with
 * '.' (".", "..", hidden files and directories) are skipped, as are other
 * kinds of files and dangling links. 0, a negative errno fn returned, or
 * -ENOMEM.
 */
int sf_walk_dir(int fd, const char *path, unsigned int flags, sf_walk_fn *fn, void *arg);

/* qsort() that accepts an empty (possibly NULL) array: qsort(NULL, 0, ...) is undefined. */
static inline void sf_sort(void *base, size_t n, size_t size,
			   int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

void *sf_xcalloc(size_t n, size_t size); /* calloc, NULL only for n * size overflow or OOM */
char *sf_strdup(const char *s);

/*
 * The capacity that holds need elements: cap (min when 0) doubled as often as
 * needed. Returns false when it would overflow a size_t.
 */
static inline bool sf_grow_cap(size_t cap, size_t need, size_t min, size_t *out)
{
	size_t n = cap ? cap : min ? min : 1;

	while (n < need) {
		if (n > SIZE_MAX / 2)
			return false;
		n *= 2;
	}
	*out = n;
	return true;
}

/*
 * Grows the array *v of *cap elements of size bytes to hold at least need,
 * doubling its capacity (from min when it is empty). 0, or -ENOMEM with *v and
 * *cap untouched (also when need * size overflows). Use it through sf_grow().
 */
static inline int sf_grow_array(void *v, size_t *cap, size_t need, size_t size, size_t min)
{
	void *p;
	size_t n;

	if (need <= *cap)
		return 0;
	if (!sf_grow_cap(*cap, need, min, &n))
		return -ENOMEM;
	memcpy(&p, v, sizeof(p)); /* v points to some T *: no type-punned store through void ** */
	p = reallocarray(p, n, size);
	if (!p)
		return -ENOMEM;
	memcpy(v, &p, sizeof(p));
	*cap = n;
	return 0;
}

/* sf_grow(arr, cap, need, min): arr is a T * lvalue, cap its size_t capacity (in elements). */
#define sf_grow(arr, cap, need, min) sf_grow_array(&(arr), &(cap), (need), sizeof(*(arr)), (min))

#endif
