/* SPDX-License-Identifier: GPL-2.0-only */
/* ar archives, regular and thin: a walk over the members with a callback. */
#ifndef SYMFENCE_ARCHIVE_H
#define SYMFENCE_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct symfence_ctx;

/* One member of an ar archive, as sf_ar_parse() hands it over. */
struct sf_ar_member {
	const char *name; /* long names resolved; not NUL-terminated */
	size_t namelen;
	uint64_t header; /* offset of its header in the archive */
	uint64_t offset; /* of its data (regular archives) */
	uint64_t size;
	bool nested; /* thin: a member of the archive 'name', header at nested_at */
	uint64_t nested_at;
};

/*
 * Walks the members of the archive image (regular or thin; GNU and BSD long
 * names; symbol tables skipped). *thin tells which. fn's nonzero return stops
 * the walk and is returned. A corrupt archive is reported and gives -EINVAL.
 */
int sf_ar_parse(struct symfence_ctx *ctx, const char *name, const unsigned char *p, size_t size,
		bool *thin, int (*fn)(void *arg, const struct sf_ar_member *m), void *arg);

bool sf_is_archive(const unsigned char *p, size_t size);

#endif
