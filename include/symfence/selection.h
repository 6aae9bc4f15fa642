/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What to localize: a list of selectors, each an exact name (from -s or a
 * symbols file) or a library's private set (its private patterns, plus, when
 * it has public patterns, every definition that matches none of them). Plugs
 * into the localize planner as its select callback, then reports the
 * selectors that matched nothing, each at the place it was written.
 */
#ifndef SYMFENCE_SELECTION_H
#define SYMFENCE_SELECTION_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>

#include <symfence/diag.h>
#include <symfence/object.h>
#include <symfence/rules.h>

struct symfence_selection;

int symfence_selection_new(struct symfence_selection **out);
void symfence_selection_free(struct symfence_selection *sel);

/* An exact symbol name; file/line say where it was given (file NULL: the command line). */
int symfence_selection_add_name(struct symfence_selection *sel, const char *name, const char *file,
				unsigned int line);
/*
 * Names from a file as GNU objcopy reads them: one per line, blanks around it
 * and '#' comments ignored, of several words the first (the rest is warned
 * about). A NUL byte is an error at its file:line:col; every line is read.
 */
int symfence_selection_add_file(struct symfence_ctx *ctx, struct symfence_selection *sel,
				const char *path);
/* The private set of one library. */
int symfence_selection_add_library(struct symfence_selection *sel,
				   const struct symfence_library *lib);
/*
 * The libraries to use for object_path: the one named (error when the policy
 * has none of that name), else every library whose objects patterns match the
 * path relative to root (error when there is none).
 */
int symfence_selection_add_policy(struct symfence_ctx *ctx, struct symfence_selection *sel,
				  const struct symfence_policy *policy, const char *library,
				  const char *root, const char *object_path);

size_t symfence_selection_count(const struct symfence_selection *sel);
size_t symfence_selection_nlibs(const struct symfence_selection *sel);
const struct symfence_library *symfence_selection_lib(const struct symfence_selection *sel,
						      size_t i);

/* The symfence_select_fn for symfence_localize_opts (arg is the selection). */
int symfence_selection_match(void *arg, const char *name, const GElf_Sym *sym, Elf32_Word shndx);

/*
 * Reports every selector with no hit, as an error (a warning with
 * allow_missing), saying "already local" for a name obj (may be NULL) has as
 * a local; object names the object in messages. Returns -ENOENT when an
 * error was reported.
 */
int symfence_selection_report_unmatched(struct symfence_ctx *ctx,
					const struct symfence_selection *sel, const size_t *hits,
					const struct symfence_object *obj, const char *object,
					bool allow_missing);

/*
 * The localize plan for sel's symbols in obj, with every problem of the
 * request reported: the symbols that cannot be localized safely, then the
 * selectors that matched nothing (as symfence_selection_report_unmatched(),
 * object naming obj). opts gives the other options (verify, strip_signature);
 * the selection's fields are set here. 0 with *plan; -EPERM when a symbol
 * cannot be localized (a policy failure); -ENOENT when a selector matched
 * nothing (reported first, whatever else failed); -EINVAL for a malformed
 * object; -ENOMEM.
 */
struct symfence_plan;
struct symfence_localize_opts;
int symfence_selection_plan(struct symfence_ctx *ctx, struct symfence_selection *sel,
			    struct symfence_object *obj, const struct symfence_localize_opts *opts,
			    const char *object, bool allow_missing, struct symfence_plan **plan);

/* Path of object relative to root (root NULL or ".": the path without a leading "./"). */
const char *symfence_relative_path(const char *path, const char *root);

#endif
