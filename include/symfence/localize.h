/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The localize engine: validate an object completely, plan the new symbol
 * order, then copy the file and patch the few tables that name symbols by
 * index (.symtab, .symtab_shndx, relocations, SHT_GROUP sh_info,
 * .llvm_addrsig). Nothing else changes.
 */
#ifndef SYMFENCE_LOCALIZE_H
#define SYMFENCE_LOCALIZE_H

#include <stdbool.h>
#include <stddef.h>

#include <symfence/diag.h>
#include <symfence/object.h>

/*
 * Decides whether the global or weak symbol name (with its entry and real
 * section index; SHN_UNDEF when only referenced) should become local. Returns
 * a selector id >= 0 (which request asked for it: a pattern, a -s name) or -1
 * for "keep global". The id is passed back in the plan so callers can find
 * requests that matched nothing.
 */
typedef int (*symfence_select_fn)(void *arg, const char *name, const GElf_Sym *sym,
				  Elf32_Word shndx);

struct symfence_localize_opts {
	symfence_select_fn select;
	void *select_arg;
	size_t nselectors;    /* ids are < nselectors; hits[] in the plan has this size */
	size_t *hits;	      /* optional [nselectors]: the plan's hits, also when it is refused */
	bool strip_signature; /* drop an appended module signature instead of refusing */
	bool verify;	      /* re-read the result and check every relocation (seal) */
};

struct symfence_plan;

/*
 * init_module and cleanup_module, the aliases module_init() and module_exit()
 * define: <module>.mod.o calls them, so they are never private. The "not
 * public" rule passes them over; a private pattern or -s naming one is refused.
 */
bool symfence_module_entry_point(const char *name);

/*
 * Validates obj and plans the rewrite. Every symbol that cannot be localized
 * safely is reported (not only the first); then -EPERM is returned, with
 * opts->hits filled (so that the caller can report the requests that matched
 * nothing too). A malformed object gives -EINVAL. Warnings (weak, aliases,
 * local collisions) are reported and do not fail.
 */
int symfence_localize_plan(struct symfence_ctx *ctx, struct symfence_object *obj,
			   const struct symfence_localize_opts *opts, struct symfence_plan **out);

/* How many symbols become local, and how many selected ones each selector hit. */
size_t symfence_plan_count(const struct symfence_plan *plan);
const size_t *symfence_plan_hits(const struct symfence_plan *plan);
/* Name of the i-th symbol that becomes local (i < count), in symbol-table order. */
const char *symfence_plan_name(const struct symfence_plan *plan, size_t i);
/* Number of global (or weak) definitions that stay global. */
size_t symfence_plan_kept(const struct symfence_plan *plan);

/*
 * Builds the rewritten image in memory: a copy of the input with the tables
 * patched. *out is malloc'd; the caller frees it.
 */
int symfence_plan_apply(struct symfence_ctx *ctx, const struct symfence_plan *plan,
			unsigned char **out, size_t *out_size);

/*
 * Writes the rewritten object to path atomically (see symfence_write_atomic),
 * the untouched parts straight from the input: no copy of the whole file in
 * memory. With opts.verify it builds and checks the image first.
 */
int symfence_plan_write(struct symfence_ctx *ctx, const struct symfence_plan *plan,
			const char *path, unsigned int mode);
/* The same into a temporary file beside path (see symfence_write_temp_iov), not renamed. */
int symfence_plan_write_temp(struct symfence_ctx *ctx, const struct symfence_plan *plan,
			     const char *path, unsigned int mode, char **tmp);

void symfence_plan_free(struct symfence_plan *plan);

#endif
