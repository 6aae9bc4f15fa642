/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The real linker, as seal runs it: "LD LD-ARGS -r -o TMP @RSP", the objects
 * in a response file (so the list may be long), the output a temporary file
 * beside the destination for the caller to check, rewrite and rename. The
 * linker's own messages go to our standard error as they are.
 */
#ifndef SYMFENCE_LINK_H
#define SYMFENCE_LINK_H

#include <stddef.h>

#include <symfence/diag.h>

struct symfence_link_opts {
	/* The linker, split on blanks; NULL or "": $LD, else ${CROSS_COMPILE}ld, else ld. */
	const char *ld;
	char *const *args; /* LD-ARGS: before -r and the objects */
	size_t nargs;
	/* Called with the command just before it runs (for seal -v); may be NULL. */
	void (*show)(void *arg, char *const *argv, size_t argc, const char *rsp, size_t nobjs);
	void *show_arg;
};

/* Frees n malloc'd strings and their malloc'd array (NULL is fine). */
void symfence_strv_free(char **v, size_t n);

/*
 * The linker command's words, as symfence_link() runs it: *argv (malloc'd,
 * its words too). Reports "no linker to run" when the command is empty.
 */
int symfence_link_command(struct symfence_ctx *ctx, const char *ld, char ***argv, size_t *argc);

/*
 * The objects that seal's arguments name, as owned copies: each argument,
 * and for "@FILE" the blank-separated words of FILE (as in kbuild's .mod
 * files). An @FILE that cannot be read, or is empty, is reported.
 */
int symfence_link_list(struct symfence_ctx *ctx, char *const *args, size_t nargs, char ***objs,
		       size_t *nobjs);

/*
 * Links the nobjs objects, in order, with ld -r into a new temporary file
 * beside dest (".BASE.symfence-ld.XXXXXX" in dest's directory): *out gets its
 * name (malloc'd); the caller renames or unlinks it. A linker that cannot be
 * run, fails, is killed or writes nothing is reported; then no file is left.
 */
int symfence_link(struct symfence_ctx *ctx, const struct symfence_link_opts *opts,
		  char *const *objs, size_t nobjs, const char *dest, char **out);

#endif
