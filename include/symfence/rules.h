/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rules language (see symfence-rules(5)): parsed once into an immutable
 * policy, then queried. Symbol patterns are shell globs; exact names live in a
 * hash set and globs are compiled once. Object patterns with a '/' match the
 * path relative to the build root ('*' stops at '/', '**' crosses it); without
 * one they match the file name, or the module name with '-' and '_' equal.
 */
#ifndef SYMFENCE_RULES_H
#define SYMFENCE_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include <symfence/diag.h>
#include <symfence/pattern.h>

struct symfence_policy;
struct symfence_library;

enum symfence_pattern_kind {
	SYMFENCE_PAT_OBJECTS,
	SYMFENCE_PAT_PUBLIC,
	SYMFENCE_PAT_PRIVATE,
	SYMFENCE_PAT_ALLOW,
	SYMFENCE_PAT_WAIVE, /* text: the object pattern; symbol: the symbol pattern */
	SYMFENCE_PAT_KINDS,
};

struct symfence_pattern_info {
	const char *text;   /* the pattern as written (for waive: the object pattern) */
	const char *symbol; /* waive only: the symbol pattern */
	const char *file;   /* rules file it was read from */
	unsigned int line, col;
};

/*
 * Parses the files (and what they include) into a policy. Every error is
 * reported with file:line:col (several per file, capped); then -EINVAL.
 */
int symfence_policy_load(struct symfence_ctx *ctx, const char *const *files, size_t nfiles,
			 struct symfence_policy **out);
void symfence_policy_free(struct symfence_policy *policy);

/* Every rules file read, the included ones too, as diagnostics name them. */
size_t symfence_policy_nfiles(const struct symfence_policy *policy);
const char *symfence_policy_file(const struct symfence_policy *policy, size_t i);

size_t symfence_policy_nlibs(const struct symfence_policy *policy);
const struct symfence_library *symfence_policy_lib(const struct symfence_policy *policy, size_t i);
const struct symfence_library *symfence_policy_find(const struct symfence_policy *policy,
						    const char *name);
/* For "did you mean": the library name closest to a name that is not one, or NULL. */
const char *symfence_policy_suggest_library(const struct symfence_policy *policy, const char *name);
/* The library whose objects patterns match path (relative to the root), or NULL. */
const struct symfence_library *symfence_policy_owner(const struct symfence_policy *policy,
						     const char *path);

const char *symfence_library_name(const struct symfence_library *lib);
const char *symfence_library_file(const struct symfence_library *lib);
unsigned int symfence_library_line(const struct symfence_library *lib);
const char *symfence_library_hint(const struct symfence_library *lib); /* NULL: none */

size_t symfence_library_npatterns(const struct symfence_library *lib,
				  enum symfence_pattern_kind kind);
void symfence_library_pattern(const struct symfence_library *lib, enum symfence_pattern_kind kind,
			      size_t i, struct symfence_pattern_info *info);

/* Index of the first pattern of that kind matching name, or -1. */
int symfence_library_match_symbol(const struct symfence_library *lib,
				  enum symfence_pattern_kind kind, const char *name);
/*
 * Every pattern of that kind (public, private; waive: its symbol) matching
 * name, in no particular order: fn(arg, i) for each. Returns how many.
 */
size_t symfence_library_match_symbol_each(const struct symfence_library *lib,
					  enum symfence_pattern_kind kind, const char *name,
					  void (*fn)(void *arg, size_t i), void *arg);
/* Object patterns (objects, allow): index of the first match of path, or -1. */
int symfence_library_match_object(const struct symfence_library *lib,
				  enum symfence_pattern_kind kind, const char *path);
/* Index of the waive entry covering (path, symbol), or -1. */
int symfence_library_waived(const struct symfence_library *lib, const char *path,
			    const char *symbol);

/*
 * Is name private to lib by its private patterns? (The "defined but not
 * public" half needs the library's definitions; callers that have them test
 * symfence_library_match_symbol(lib, SYMFENCE_PAT_PUBLIC, name) < 0 too.)
 */
static inline bool symfence_library_private(const struct symfence_library *lib, const char *name)
{
	return symfence_library_match_symbol(lib, SYMFENCE_PAT_PRIVATE, name) >= 0;
}

/*
 * Expands the objects patterns against the files below root (the directory
 * symfence runs in when NULL): *paths gets a sorted, malloc'd array of
 * malloc'd relative paths. A pattern matching no file is an error.
 */
int symfence_library_expand_objects(struct symfence_ctx *ctx, const struct symfence_library *lib,
				    const char *root, char ***paths, size_t *npaths);

/*
 * The same, as paths to open: each joined to root (unless root is NULL or
 * "."). For seal, which links them.
 */
int symfence_library_object_files(struct symfence_ctx *ctx, const struct symfence_library *lib,
				  const char *root, char ***paths, size_t *npaths);

/*
 * The library a seal means: the one named (with "did you mean" when there is
 * none of that name), else the only library of the policy that has objects
 * patterns. NULL, with the reason reported, when there is no such library.
 */
const struct symfence_library *symfence_policy_pick(struct symfence_ctx *ctx,
						    const struct symfence_policy *policy,
						    const char *name);

#endif
