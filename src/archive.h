/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ar archives, regular ("!<arch>") and thin ("!<thin>"), read as binutils'
 * bfd reads them: a walk over the members with a callback. archive.c says
 * which forms are understood.
 */
#ifndef SYMFENCE_ARCHIVE_INT_H
#define SYMFENCE_ARCHIVE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct symfence_ctx;
struct symfence_object;

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

/* What a walk saw besides the members. */
struct sf_ar_info {
	bool symtab; /* a symbol table: "/", "/SYM64/" or a BSD "__.SYMDEF" */
};

/* sf_ar_walk(), and what it saw besides the members into *info. */
int sf_ar_walk_info(struct symfence_ctx *ctx, const char *name, const unsigned char *p, size_t size,
		    sf_ar_member_fn *fn, void *arg, struct sf_ar_info *info);

/* One member of a thin archive to write. */
struct sf_ar_entry {
	const char *name; /* as stored: its path relative to the archive's directory */
	uint64_t size;	  /* of its file, for its header */
	const char *syms; /* its symbol-table names, each NUL-terminated, back to back */
	size_t symslen;	  /* bytes of syms */
	size_t nsyms;
};

/*
 * The thin archive of these members, in this order, byte for byte as GNU ar
 * (binutils 2.40) writes it with "ar cDPrT" (symtab) or "ar cDPrST" run in
 * the archive's directory with the names as given: every name in the "//"
 * table (one entry for consecutive equal names), a 15-character name's
 * header keeping the '/' that ends its short form, deterministic headers
 * (date, uid and gid 0, mode 644), and with symtab a "/" table of each
 * member's names at the offset of its header. *out is malloc'd. archive
 * names the archive in messages.
 */
int sf_ar_thin_image(struct symfence_ctx *ctx, const char *archive, const struct sf_ar_entry *m,
		     size_t n, bool symtab, unsigned char **out, size_t *size);

/*
 * The names GNU ar lists for the ELF file obj in an archive's symbol table:
 * those of its defined global, weak and STB_GNU_UNIQUE symbols, and of its
 * common ones, in symbol-table order (bfd: BSF_GLOBAL, BSF_WEAK,
 * BSF_GNU_UNIQUE or a common section, not undefined). *syms is malloc'd
 * (NULL when there are none), as sf_ar_entry wants them.
 */
int sf_ar_symbols(struct symfence_ctx *ctx, const struct symfence_object *obj, char **syms,
		  size_t *symslen, size_t *nsyms);

#endif
