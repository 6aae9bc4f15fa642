/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Objects read as symfence audit reads them, for the other commands that read
 * objects (rules show, localize). An argument names an object (.o, .ko), a
 * compressed module (.ko.xz, .ko.zst, .ko.gz: decompressed in memory with
 * liblzma, libzstd or zlib, the codec told from the magic), an archive
 * (regular or thin: each member), a directory (recursively: the objects,
 * modules and archives in it), an "@FILE" list or a modules.order.
 */
#ifndef SYMFENCE_INPUT_H
#define SYMFENCE_INPUT_H

#include <stddef.h>

#include <symfence/diag.h>
#include <symfence/object.h>

struct symfence_inputs;

int symfence_inputs_new(struct symfence_ctx *ctx, struct symfence_inputs **out);
void symfence_inputs_free(struct symfence_inputs *inputs);

/*
 * Expands arg into the objects it names, in a deterministic order (directories
 * in name order, archives in member order), each file once however it is
 * reached. What cannot be read is reported at once and left out; a directory
 * without objects is warned about. Returns 0, -EINVAL when some of it could
 * not be read (the rest is added), or -ENOMEM (reported).
 */
int symfence_inputs_add(struct symfence_ctx *ctx, struct symfence_inputs *inputs, const char *arg);

size_t symfence_inputs_count(const struct symfence_inputs *inputs);
/* How diagnostics name object i: "x.ko.xz", "dir/lib.a(y.o)". */
const char *symfence_inputs_display(const struct symfence_inputs *inputs, size_t i);
/*
 * Object i's path as object patterns match it, as the audit matches it:
 * lexically normalised, relative to the current directory (absolute paths
 * below it too), without a compression suffix; an archive member's is the
 * path of a file of its name beside the archive.
 */
const char *symfence_inputs_path(const struct symfence_inputs *inputs, size_t i);

/* Opens object i: read from its file or archive and decompressed. Errors name it. */
int symfence_inputs_open(struct symfence_ctx *ctx, const struct symfence_inputs *inputs, size_t i,
			 struct symfence_object **out);

/*
 * Opens the one file path as an object: a compressed one (xz, zstd or gzip,
 * told from its magic) is decompressed in memory, anything else is opened as
 * symfence_object_open() opens it (and refused as it refuses it: an archive,
 * a directory). *compression (may be NULL) gets "xz", "zstd" or "gzip", or
 * NULL when the file is not compressed; *mode (may be NULL) the file's
 * permission bits.
 */
int symfence_inputs_open_file(struct symfence_ctx *ctx, const char *path, const char **compression,
			      unsigned int *mode, struct symfence_object **out);

#endif
