/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The input layer every command that reads objects shares (audit, rules show,
 * localize): a path is expanded into a flat list of objects in a deterministic
 * order (directories walked in name order, "@FILE" lists and modules.order read,
 * archives walked by archive.c, thin archives' members read from their paths),
 * each file taken once however it is reached (by inode); an object's bytes are
 * read from its file or its archive and, when compressed (xz, zstd, gzip: told
 * from the magic), decompressed in memory with liblzma, libzstd or zlib.
 * include/symfence/input.h is the public face of it.
 */
#ifndef SYMFENCE_INPUT_INT_H
#define SYMFENCE_INPUT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <symfence/diag.h>

/* A diagnostic kept for later: the audit's workers and the expansion never report directly. */
struct sf_logged {
	enum symfence_severity severity;
	char *file, *where, *message;
	unsigned int line, col;
};

struct sf_log {
	struct sf_logged *v;
	size_t n, cap;
};

/* The symfence_diag_fn that appends to the struct sf_log in arg. */
void sf_log_append(void *arg, const struct symfence_diag *d);
/* Reports every kept diagnostic through ctx, in order. */
void sf_log_replay(struct symfence_ctx *ctx, const struct sf_log *log);
void sf_log_free(struct sf_log *log);

/* ---- what a file is, by its magic ---- */

/* What the first bytes of a file say it is (one entry each in input.c's table of magics). */
enum sf_file_kind {
	SF_FILE_UNKNOWN,
	SF_FILE_ELF,		 /* "\x7fELF" */
	SF_FILE_AR,		 /* "!<arch>\n" */
	SF_FILE_THIN_AR,	 /* "!<thin>\n" */
	SF_FILE_XZ,		 /* fd 37 7a 58 5a 00 */
	SF_FILE_ZSTD,		 /* 28 b5 2f fd */
	SF_FILE_GZIP,		 /* 1f 8b */
	SF_FILE_BITCODE,	 /* "BC" c0 de: LLVM bitcode */
	SF_FILE_BITCODE_WRAPPER, /* de c0 17 0b: LLVM bitcode in its wrapper */
};

/* The kind of the size bytes at p; SF_FILE_UNKNOWN when no magic is whole in them. */
enum sf_file_kind sf_file_kind_of(const unsigned char *p, size_t size);
/*
 * The kind of the file at path by its first bytes (opened without blocking);
 * SF_FILE_UNKNOWN when it cannot be read.
 */
enum sf_file_kind sf_file_kind_of_file(const char *path);

/* ---- compression ---- */

enum sf_compression {
	SF_COMP_NONE,
	SF_COMP_XZ,
	SF_COMP_ZSTD,
	SF_COMP_GZIP,
};

/* The compression the magic at p says (sf_file_kind_of); SF_COMP_NONE for any other kind. */
enum sf_compression sf_compression_of(const unsigned char *p, size_t size);
const char *sf_compression_name(enum sf_compression c);
/*
 * Decompresses in memory into a malloc'd *out. More than max bytes of output
 * is refused as a decompression bomb. Errors are reported naming name.
 */
int sf_decompress(struct symfence_ctx *ctx, const char *name, enum sf_compression c,
		  const unsigned char *in, size_t size, size_t max, unsigned char **out,
		  size_t *outsize);

/* The length of path without a compression suffix after ".ko" (".ko.xz" -> ".ko"). */
size_t sf_strip_compression(const char *path);
/*
 * The module name of a .ko[.xz|.zst|.gz] path as the kernel spells it ('-'
 * becomes '_'), into buf; false when path is not a module.
 */
bool sf_module_name(const char *path, char *buf, size_t size);
/*
 * path as object patterns match it, malloc'd: without a compression suffix,
 * lexically normalised, relative to root (NULL: ".") or, when absolute, to
 * root_abs (root made absolute).
 */
char *sf_rule_path(const char *path, const char *root, const char *root_abs);

/* ---- expanding arguments into objects ---- */

/* One object to read, or (file NULL) only what was said about an input. */
struct sf_input {
	char *file;  /* the file to read; NULL: nothing to read */
	bool member; /* bytes [offset, offset + size) of file, a regular archive */
	uint64_t offset, size;
	char *display;	   /* as diagnostics show it: "x.ko.xz", "dir/lib.a(y.o)" */
	char *name;	   /* as the rules see it (before sf_rule_path): the file, or the
			      member's path beside its archive; NULL when file is */
	struct sf_log log; /* what the expansion said about it */
	bool unreadable;   /* log holds the error that says why */
};

struct sf_devino {
	dev_t dev;
	ino_t ino;
	char *path; /* the name it was taken by, for messages (NULL when out of memory) */
};

struct sf_inputs {
	const char *root;   /* modules.order entries are looked for below it too; NULL: "." */
	struct sf_input *v; /* what the expansion found, in order; callers may take entries
			       (and set n back to 0) */
	size_t n, cap;
	struct sf_devino *seen; /* files already taken, hashed by inode */
	size_t nseen, seencap;
};

/*
 * Expands one argument: a .o/.ko/.ko.{xz,zst,gz}, an archive (thin or not, by
 * its magic), a directory (recursively: the objects, modules and archives in
 * it, by suffix), "@FILE" (a list of arguments) or a modules.order. An input
 * that cannot be read becomes an unreadable entry; only -ENOMEM fails.
 */
int sf_inputs_add(struct sf_inputs *s, const char *arg);
/* The name by which the file path names (by inode) was taken, or NULL. */
const char *sf_inputs_taken(const struct sf_inputs *s, const char *path);
void sf_input_release(struct sf_input *in);
/* Releases the entries left in v and the table of files taken. */
void sf_inputs_free(struct sf_inputs *s);

/* ---- reading one ---- */

/* An object's bytes: mapped, read from an archive, or decompressed. */
struct sf_image {
	const unsigned char *map; /* our mapping, or NULL */
	size_t mapsize;
	unsigned char *buf; /* malloc'd, or NULL */
	const unsigned char *p;
	size_t size;
	enum sf_compression compression; /* how the file was compressed */
	unsigned int mode;		 /* permission bits of the file (0 for members) */
};

/*
 * The bytes of the object in the file (whole, or member's [offset, offset +
 * size)), decompressed, up to max bytes, when compressed. An archive is
 * refused (it is never read as one object: sf_inputs_add walks it). Errors are
 * reported naming display; 0 or a negative errno. img is released by the
 * caller (sf_image_release) whatever the result.
 */
int sf_image_read(struct symfence_ctx *ctx, const char *file, bool member, uint64_t offset,
		  uint64_t size, const char *display, size_t max, struct sf_image *img);
void sf_image_release(struct sf_image *img);

#endif
