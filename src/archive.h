/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ar archives, regular ("!<arch>") and thin ("!<thin>"), read as binutils'
 * bfd reads them: a walk over the members with a callback. archive.c says
 * which forms are understood.
 */
#ifndef SYMFENCE_ARCHIVE_H
#define SYMFENCE_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct symfence_ctx;

/* One member of an ar archive, as sf_ar_walk() hands it over. */
struct sf_ar_member {
	const char *name; /* long names resolved, NUL-terminated; valid until fn returns */
	size_t namelen;
	uint64_t header; /* offset of its header in the archive */
	uint64_t offset; /* of its data in the archive (regular archives only) */
	uint64_t size;	 /* of its data, as its header says */
	bool thin;	 /* the archive is thin: the member is the file 'name' */
	bool nested;	 /* thin: a member of the archive 'name', its header at nested_at */
	uint64_t nested_at;
};

typedef int sf_ar_member_fn(void *arg, const struct sf_ar_member *m);

/* True when p starts with the magic of a regular or a thin archive. */
bool sf_is_archive(const unsigned char *p, size_t size);

/*
 * Calls fn for each member of the archive image p (its symbol tables and name
 * tables skipped), in archive order. fn's nonzero return stops the walk and is
 * returned. A corrupt archive is reported (one error naming name) and gives
 * -EINVAL, out of memory -ENOMEM; the members before it have been handed over.
 */
int sf_ar_walk(struct symfence_ctx *ctx, const char *name, const unsigned char *p, size_t size,
	       sf_ar_member_fn *fn, void *arg);

#endif
