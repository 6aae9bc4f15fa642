/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Output that never destroys input: every file symfence writes goes to a
 * temporary beside its destination and is renamed into place (two outputs
 * together, or neither), and an output that names an input is refused first.
 */
#ifndef SYMFENCE_OUTPUT_H
#define SYMFENCE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include <symfence/diag.h>

/*
 * Writes size bytes to path atomically: a temporary file in path's directory
 * with the given mode, then rename. On failure nothing is left behind and an
 * existing path is untouched.
 */
int symfence_write_atomic(struct symfence_ctx *ctx, const char *path, const void *buf, size_t size,
			  unsigned int mode);
/* The same, from n pieces (written with writev, IOV_MAX at a time). */
struct iovec;
int symfence_write_atomic_iov(struct symfence_ctx *ctx, const char *path, const struct iovec *iov,
			      size_t n, unsigned int mode);
/*
 * The first half: the pieces written to a new temporary file beside path
 * (".BASE.symfence.XXXXXX" in its directory), with the given mode; *tmp gets
 * its name (malloc'd), for the caller to rename into place or unlink. On
 * failure no file is left.
 */
int symfence_write_temp_iov(struct symfence_ctx *ctx, const char *path, const struct iovec *iov,
			    size_t n, unsigned int mode, char **tmp);

/*
 * Two outputs that change together or not at all: renames tmp1 over path1,
 * keeping the old path1, then tmp2 over path2; when the second rename fails,
 * path1 gets its old file back (or is removed, if it did not exist). The
 * temporaries are gone on return, unless restoring path1 failed too: then
 * the message names the file that holds its old contents.
 */
int symfence_rename_both(struct symfence_ctx *ctx, const char *tmp1, const char *path1,
			 const char *tmp2, const char *path2);

/*
 * The file an output path names, to refuse an output that is also an input:
 * the same device and inode (the same name, a hard link, a symbolic link).
 * An output that does not exist yet names no input.
 */
struct symfence_output_guard {
	const char *path;
	bool exists;
	unsigned long long dev, ino;
};

void symfence_output_guard_init(struct symfence_output_guard *g, const char *path);
/* Is path the output's file? */
bool symfence_output_guard_same(const struct symfence_output_guard *g, const char *path);
/*
 * Refuses path when it is the output's file: "the output is the same file as
 * WHAT 'path'" (what: "the object", "the rules file", ...); -EEXIST. 0 otherwise.
 */
int symfence_output_guard_check(struct symfence_ctx *ctx, const struct symfence_output_guard *g,
				const char *what, const char *path);

#endif
