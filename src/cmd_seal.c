// SPDX-License-Identifier: GPL-2.0-only
/*
 * symfence seal: partially link a library with the real linker (ld -r), then
 * localize its private symbols in the result, after checking each can be
 * localized safely and verifying the rewrite. A composition of the library's
 * verbs: pick, link, open, plan, report, write.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char seal_usage[] =
	"Usage: symfence seal -r RULES [-l LIBRARY] -o OUT.o [OBJECT... | @FILE...] [-- LD-ARGS...]\n"
	"       symfence seal -r RULES [-l LIBRARY] --archive ARCHIVE -o OUT.o [-- LD-ARGS...]\n\n"
	"Partially links the library's objects with the real linker (ld -r), then turns\n"
	"the library's private symbols into local ones, so nothing outside can link to them.\n"
	"Objects come from the command line (@FILE: the blank-separated paths in FILE, like\n"
	"kbuild's .mod files), else from the library's 'objects' patterns.\n"
	"With --archive, they are the members of the thin archive ARCHIVE (vmlinux.a) that\n"
	"the 'objects' patterns match, and OUT.o replaces them in ARCHIVE, at the first one's\n"
	"place; refused when that would change the order of the initcalls.\n\n"
	"  -r, --rules FILE     rules file (repeatable)\n"
	"  -l, --library NAME   the library to seal (needed when the rules have several)\n"
	"  -o, --output OUT     the composite object to write (atomically)\n"
	"      --archive AR     seal the library's members of the thin archive AR in AR\n"
	"      --root DIR       object patterns are relative to DIR (default: ., with\n"
	"                       --archive the archive's directory)\n"
	"      --ld LINKER      the linker (default: $LD, else ${CROSS_COMPILE}ld, else ld)\n"
	"  -q, --quiet          no summary line\n"
	"  -v, --verbose        show the linker command and the symbols localized\n"
	"  -h, --help           show this help\n\n"
	"LD-ARGS after '--' go to the linker before the objects (e.g. -m elf_x86_64, -EL).\n"
	"Exit status: 0 sealed, 1 a private symbol cannot be localized safely (or, with\n"
	"--archive, the initcall order would change), 2 usage, rules, linker or input error.\n";

enum { OPT_ROOT = 256, OPT_LD, OPT_ARCHIVE };

static const struct option seal_options[] = {
	{ "rules", required_argument, NULL, 'r' },
	{ "library", required_argument, NULL, 'l' },
	{ "output", required_argument, NULL, 'o' },
	{ "archive", required_argument, NULL, OPT_ARCHIVE },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "ld", required_argument, NULL, OPT_LD },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The command line, parsed. */
struct seal_args {
	const char **rules;
	size_t nrules;
	const char *library, *output, *root, *archive;
	char **args; /* OBJECT and @FILE arguments */
	size_t nargs;
	struct symfence_link_opts link;
	bool quiet;
};

/* Parses argv into a; returns -1 to go on, else the exit status (--help, a usage error). */
static int seal_parse(struct symfence_ctx *ctx, int argc, char **argv, struct seal_args *a)
{
	size_t i;
	int c;

	/* Linker arguments follow the first "--"; options and objects precede it. */
	for (i = 1; i < (size_t)argc; i++)
		if (!strcmp(argv[i], "--")) {
			a->link.args = argv + i + 1;
			a->link.nargs = (size_t)argc - i - 1;
			argc = (int)i;
			break;
		}
	optind = 1;
	while ((c = getopt_long(argc, argv, ":r:l:o:qvh", seal_options, NULL)) != -1) {
		switch (c) {
		case 'r':
			a->rules[a->nrules++] = optarg;
			break;
		case 'l':
			a->library = optarg;
			break;
		case 'o':
			a->output = optarg;
			break;
		case OPT_ROOT:
			a->root = optarg;
			break;
		case OPT_ARCHIVE:
			a->archive = optarg;
			break;
		case OPT_LD:
			a->link.ld = optarg;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'v':
			ctx->verbose++;
			break;
		case 'h':
			fputs(seal_usage, stdout);
			return SYMFENCE_EXIT_OK;
		default:
			return cli_bad_option(ctx, "seal", c, argv);
		}
	}
	a->args = argv + optind;
	a->nargs = (size_t)(argc - optind);
	if (!a->nrules || !a->output)
		return cli_usage_error(ctx, "seal",
				       !a->nrules ? "no rules: give -r RULES"
						  : "no output: give -o OUT.o");
	if (a->archive && a->nargs)
		return cli_usage_error(
			ctx, "seal",
			"--archive excludes OBJECT arguments: the library's members in the archive are what is linked");
	return -1;
}

/* seal -v: the linker command. */
static void seal_show(void *arg, char *const *argv, size_t argc, const char *rsp, size_t nobjs)
{
	const struct symfence_ctx *ctx = arg;
	size_t i;

	if (!ctx->verbose)
		return;
	fprintf(stderr, "symfence: running");
	for (i = 0; i < argc; i++)
		fprintf(stderr, " %s", argv[i]);
	fprintf(stderr, "  (%s lists %zu objects)\n", rsp, nobjs);
}

/* Refuses an output that is one of paths (what: "the object", ...); true when it is. */
static bool seal_clash(struct symfence_ctx *ctx, const struct symfence_output_guard *guard,
		       const char *what, char *const *paths, size_t n)
{
	bool clash = false;
	size_t i;

	for (i = 0; i < n; i++)
		clash |= symfence_output_guard_check(ctx, guard, what, paths[i]) != 0;
	return clash;
}

/*
 * The objects to link: the arguments (OBJECT, @FILE), else the library's
 * objects patterns; none of them the output.
 */
static int seal_objects(struct symfence_ctx *ctx, const struct seal_args *a,
			const struct symfence_library *lib,
			const struct symfence_output_guard *guard, char ***objs, size_t *nobjs)
{
	int err;

	err = symfence_link_list(ctx, a->args, a->nargs, objs, nobjs);
	if (!err && !*nobjs) {
		free(*objs);
		err = symfence_library_object_files(ctx, lib, a->root, objs, nobjs);
	}
	if (err)
		return err;
	if (!*nobjs) {
		symfence_error(ctx, NULL, "library '%s' has no objects to seal",
			       symfence_library_name(lib));
		return -ENOENT;
	}
	/* Objects from @FILE lists and patterns (a stale output that a pattern matches). */
	return seal_clash(ctx, guard, "the object", *objs, *nobjs) ? -EEXIST : 0;
}

/*
 * The objects to link with --archive: the library's members of the archive
 * (whose member name the output gets, in *name), in archive order.
 */
static int seal_members(struct symfence_ctx *ctx, const struct seal_args *a,
			const struct symfence_library *lib,
			const struct symfence_output_guard *guard, struct symfence_archive *ar,
			char **name, char ***objs, size_t *nobjs)
{
	size_t i, n;

	if (symfence_archive_check_output(ctx, ar, lib, a->root, guard, name) ||
	    symfence_archive_select(ctx, ar, lib, a->root))
		return -EINVAL;
	n = symfence_archive_nselected(ar);
	*objs = calloc(n, sizeof(**objs));
	if (!*objs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		size_t at = symfence_archive_selected(ar, i);

		(*objs)[i] = strdup(symfence_archive_member_file(ar, at));
		if (!(*objs)[i]) {
			symfence_strv_free(*objs, i);
			*objs = NULL;
			return -ENOMEM;
		}
		if (ctx->verbose)
			fprintf(stderr, "symfence: member %zu of %s: %s\n", at + 1, a->archive,
				symfence_archive_member(ar, at));
	}
	*nobjs = n;
	return 0;
}

/*
 * With --archive: checks the initcall order, then writes the sealed object
 * and the archive, both or neither. Returns an exit status.
 */
static int seal_write_archive(struct symfence_ctx *ctx, const struct seal_args *a,
			      const struct symfence_library *lib, struct symfence_archive *ar,
			      const char *name, const struct symfence_object *obj,
			      const struct symfence_plan *plan)
{
	char *tmp_obj = NULL, *tmp_ar = NULL;
	int err;

	err = symfence_archive_check_order(ctx, ar, symfence_library_name(lib), obj);
	if (err)
		return err == -EPERM ? SYMFENCE_EXIT_POLICY : SYMFENCE_EXIT_FAILURE;
	err = symfence_plan_write_temp(ctx, plan, a->output, 0666 & ~cli_umask(), &tmp_obj);
	if (!err)
		err = symfence_archive_write_sealed(ctx, ar, name, tmp_obj, &tmp_ar);
	if (!err)
		err = symfence_rename_both(ctx, tmp_obj, a->output, tmp_ar, a->archive);
	else if (tmp_obj)
		unlink(tmp_obj);
	free(tmp_obj);
	free(tmp_ar);
	return err ? SYMFENCE_EXIT_FAILURE : SYMFENCE_EXIT_OK;
}

/*
 * Links objs and plans the localization of lib's private symbols in the
 * result: *tmp is the linked object, *obj and *plan its plan. Returns an exit
 * status (SYMFENCE_EXIT_OK to go on).
 */
static int seal_link_plan(struct symfence_ctx *ctx, const struct seal_args *a,
			  const struct symfence_library *lib, char **objs, size_t nobjs, char **tmp,
			  struct symfence_object **obj, struct symfence_plan **plan)
{
	struct symfence_localize_opts opts = { .verify = true };
	struct symfence_selection *sel = NULL;
	int err, status = SYMFENCE_EXIT_FAILURE;

	if (symfence_link(ctx, &a->link, objs, nobjs, a->output, tmp) ||
	    symfence_object_open_named(ctx, *tmp, a->output, obj))
		return status;
	if (symfence_selection_new(&sel) || symfence_selection_add_library(sel, lib))
		goto out;
	err = symfence_selection_plan(ctx, sel, *obj, &opts, "the linked library", false, plan);
	status = !err		 ? SYMFENCE_EXIT_OK
		 : err == -EPERM ? SYMFENCE_EXIT_POLICY
				 : SYMFENCE_EXIT_FAILURE;
out:
	symfence_selection_free(sel);
	return status;
}

/* The summary: with --archive, also how many members the sealed object replaced. */
static void seal_report(struct symfence_ctx *ctx, const struct seal_args *a,
			const struct symfence_library *lib, const struct symfence_plan *plan,
			const struct symfence_archive *ar, const char *name)
{
	size_t n = symfence_plan_count(plan), m = ar ? symfence_archive_nselected(ar) : 0;

	cli_show_localized(ctx, plan);
	if (a->quiet)
		return;
	printf("symfence: sealed %s: %zu private symbol%s localized, %zu public",
	       symfence_library_name(lib), n, n == 1 ? "" : "s", symfence_plan_kept(plan));
	if (ar)
		printf("; %zu member%s of %s replaced by %s", m, m == 1 ? "" : "s", a->archive,
		       name);
	printf("\n");
}

int cmd_seal(struct symfence_ctx *ctx, int argc, char **argv)
{
	struct seal_args a = { .link = { .show = seal_show, .show_arg = ctx } };
	struct symfence_archive *ar = NULL;
	struct symfence_policy *policy = NULL;
	struct symfence_object *obj = NULL;
	struct symfence_plan *plan = NULL;
	const struct symfence_library *lib;
	struct symfence_output_guard guard;
	char **objs = NULL, *linked = NULL, *member = NULL;
	size_t nobjs = 0, i;
	bool clash = false;
	int status;

	a.rules = calloc((size_t)argc, sizeof(*a.rules));
	if (!a.rules)
		return SYMFENCE_EXIT_FAILURE;
	status = seal_parse(ctx, argc, argv, &a);
	if (status >= 0)
		goto out;
	status = SYMFENCE_EXIT_FAILURE;
	/* The output may not be an input: checked before anything is read or written. */
	symfence_output_guard_init(&guard, a.output);
	clash = seal_clash(ctx, &guard, "the rules file", (char **)a.rules, a.nrules);
	if (a.archive) /* its members as soon as it is read */
		clash |= symfence_output_guard_check(ctx, &guard, "the archive", a.archive) != 0;
	for (i = 0; i < a.nargs; i++)
		clash |= symfence_output_guard_check(ctx, &guard,
						     a.args[i][0] == '@' ? "the object list"
									 : "the object",
						     a.args[i] + (a.args[i][0] == '@')) != 0;
	if (clash || symfence_policy_load(ctx, a.rules, a.nrules, &policy))
		goto out;
	for (i = 0; i < symfence_policy_nfiles(policy); i++) /* the included ones */
		clash |= symfence_output_guard_check(ctx, &guard, "the rules file",
						     symfence_policy_file(policy, i)) != 0;
	lib = clash ? NULL : symfence_policy_pick(ctx, policy, a.library);
	if (!lib)
		goto out;
	if (a.archive ? symfence_archive_open(ctx, a.archive, &ar) ||
				seal_members(ctx, &a, lib, &guard, ar, &member, &objs, &nobjs)
		      : seal_objects(ctx, &a, lib, &guard, &objs, &nobjs))
		goto out;
	status = seal_link_plan(ctx, &a, lib, objs, nobjs, &linked, &obj, &plan);
	if (status != SYMFENCE_EXIT_OK)
		goto out;
	/* The mode ld -r gives its output: 0666 less the umask. */
	if (ar)
		status = seal_write_archive(ctx, &a, lib, ar, member, obj, plan);
	else if (symfence_plan_write(ctx, plan, a.output, 0666 & ~cli_umask()))
		status = SYMFENCE_EXIT_FAILURE;
	if (status == SYMFENCE_EXIT_OK)
		seal_report(ctx, &a, lib, plan, ar, member);
out:
	symfence_plan_free(plan);
	symfence_object_free(obj);
	if (linked)
		unlink(linked);
	free(linked);
	symfence_strv_free(objs, nobjs);
	free(member);
	symfence_archive_free(ar);
	symfence_policy_free(policy);
	free(a.rules);
	return status;
}
