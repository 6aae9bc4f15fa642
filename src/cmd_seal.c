// SPDX-License-Identifier: GPL-2.0-only
/*
 * symfence seal: partially link a library with the real linker (ld -r), then
 * localize its private symbols in the result, after checking each can be
 * localized safely and verifying the rewrite.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static const char seal_usage[] =
	"Usage: symfence seal -r RULES [-l LIBRARY] -o OUT.o [OBJECT... | @FILE...] [-- LD-ARGS...]\n\n"
	"Partially links the library's objects with the real linker (ld -r), then turns\n"
	"the library's private symbols into local ones, so nothing outside can link to them.\n"
	"Objects come from the command line (@FILE: the blank-separated paths in FILE, like\n"
	"kbuild's .mod files), else from the library's 'objects' patterns.\n\n"
	"  -r, --rules FILE     rules file (repeatable)\n"
	"  -l, --library NAME   the library to seal (needed when the rules have several)\n"
	"  -o, --output OUT     the composite object to write (atomically)\n"
	"      --root DIR       object patterns are relative to DIR (default: .)\n"
	"      --ld LINKER      the linker (default: $LD, else ${CROSS_COMPILE}ld, else ld)\n"
	"  -q, --quiet          no summary line\n"
	"  -v, --verbose        show the linker command and the symbols localized\n"
	"  -h, --help           show this help\n\n"
	"LD-ARGS after '--' go to the linker before the objects (e.g. -m elf_x86_64, -EL).\n"
	"Exit status: 0 sealed, 1 a private symbol cannot be localized safely,\n"
	"2 usage, rules, linker or input error.\n";

enum { OPT_ROOT = 256, OPT_LD };

static const struct option seal_options[] = {
	{ "rules", required_argument, NULL, 'r' },
	{ "library", required_argument, NULL, 'l' },
	{ "output", required_argument, NULL, 'o' },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "ld", required_argument, NULL, OPT_LD },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The linker command: --ld, else $LD, else ${CROSS_COMPILE}ld, else ld; split on blanks. */
static char **seal_linker_argv(const char *ld_opt, size_t *argc)
{
	const char *ld = ld_opt, *cross = getenv("CROSS_COMPILE");
	char *copy = NULL, *word, *save = NULL, **argv;
	size_t n = 0;

	if (!ld || !*ld)
		ld = getenv("LD");
	if (!ld || !*ld) {
		if (asprintf(&copy, "%sld", cross ? cross : "") < 0)
			return NULL;
	} else {
		copy = strdup(ld);
	}
	if (!copy)
		return NULL;
	argv = calloc(strlen(copy) + 2, sizeof(*argv));
	if (!argv) {
		free(copy);
		return NULL;
	}
	for (word = strtok_r(copy, " \t", &save); word; word = strtok_r(NULL, " \t", &save))
		argv[n++] = strdup(word);
	free(copy);
	*argc = n;
	return argv;
}

/* Writes one argument of a GNU response file: blanks, quotes and backslashes escaped. */
static void seal_rsp_arg(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (strchr(" \t\n'\"\\", *s))
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('\n', f);
}

/* Runs the linker; its own messages go to our stderr as they are. */
static int seal_run_linker(struct symfence_ctx *ctx, char **ldv, size_t ldc, char **ld_args,
			   size_t nld_args, char **objs, size_t nobjs, const char *tmp_out,
			   const char *rsp)
{
	char **argv;
	size_t n = 0, i;
	pid_t pid;
	int status;
	FILE *f;

	f = fopen(rsp, "w");
	if (!f) {
		symfence_error(ctx, rsp, "cannot create the linker response file: %s",
			       strerror(errno));
		return -errno;
	}
	for (i = 0; i < nobjs; i++)
		seal_rsp_arg(f, objs[i]);
	if (fclose(f)) {
		symfence_error(ctx, rsp, "cannot write the linker response file: %s",
			       strerror(errno));
		return -EIO;
	}

	argv = calloc(ldc + nld_args + 6, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	for (i = 0; i < ldc; i++)
		argv[n++] = ldv[i];
	for (i = 0; i < nld_args; i++)
		argv[n++] = ld_args[i];
	argv[n++] = "-r";
	argv[n++] = "-o";
	argv[n++] = (char *)tmp_out;
	if (asprintf(&argv[n], "@%s", rsp) < 0) {
		free(argv);
		return -ENOMEM;
	}
	n++;
	if (ctx->verbose) {
		fprintf(stderr, "symfence: running");
		for (i = 0; i < n; i++)
			fprintf(stderr, " %s", argv[i]);
		fprintf(stderr, "  (%s lists %zu objects)\n", rsp, nobjs);
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "symfence: error: cannot run the linker '%s': %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	free(argv[n - 1]);
	free(argv);
	if (pid < 0) {
		symfence_error(ctx, NULL, "cannot start the linker: %s", strerror(errno));
		return -errno;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOENT; /* already said why */
	if (WIFEXITED(status))
		symfence_error(ctx, NULL,
			       "the linker '%s' failed (exit status %d); its messages are above",
			       ldv[0], WEXITSTATUS(status));
	else
		symfence_error(ctx, NULL, "the linker '%s' was killed by signal %d", ldv[0],
			       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return -EIO;
}

/*
 * The objects to link, owned copies: each argument, or for @FILE the words of
 * FILE (blank-separated, as in kbuild's .mod files).
 */
static int seal_object_list(struct symfence_ctx *ctx, char **args, size_t nargs, char ***objs,
			    size_t *nobjs)
{
	char **list = NULL, **grown, *text = NULL, *word, *save;
	size_t n = 0, cap = 0, len = 0, i;
	FILE *f;

	for (i = 0; i < nargs; i++) {
		bool at = args[i][0] == '@';

		if (at) {
			f = fopen(args[i] + 1, "r");
			if (!f || getdelim(&text, &len, '\0', f) < 0) {
				symfence_error(ctx, args[i] + 1, "cannot read the object list: %s",
					       f ? "empty file" : strerror(errno));
				if (f)
					fclose(f);
				goto fail;
			}
			fclose(f);
		}
		for (word = at ? strtok_r(text, " \t\r\n", &save) : args[i]; word;
		     word = at ? strtok_r(NULL, " \t\r\n", &save) : NULL) {
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				grown = realloc(list, cap * sizeof(*list));
				if (!grown)
					goto nomem;
				list = grown;
			}
			list[n] = strdup(word);
			if (!list[n])
				goto nomem;
			n++;
		}
	}
	free(text);
	*objs = list;
	*nobjs = n;
	return 0;
nomem:
	symfence_error(ctx, NULL, "out of memory");
fail:
	free(text);
	while (n)
		free(list[--n]);
	free(list);
	return -ENOMEM;
}

/* The library to seal: -l NAME, else the only library of the rules that has objects. */
static const struct symfence_library *
seal_pick_library(struct symfence_ctx *ctx, const struct symfence_policy *policy, const char *name)
{
	const struct symfence_library *lib = NULL;
	size_t i, n = 0;

	if (name) {
		const char *hint;

		lib = symfence_policy_find(policy, name);
		if (lib)
			return lib;
		hint = symfence_policy_suggest_library(policy, name);
		if (hint)
			symfence_error(ctx, NULL,
				       "no library '%s' in the rules (did you mean '%s'?)", name,
				       hint);
		else
			symfence_error(ctx, NULL, "no library '%s' in the rules", name);
		return NULL;
	}
	for (i = 0; i < symfence_policy_nlibs(policy); i++)
		if (symfence_library_npatterns(symfence_policy_lib(policy, i),
					       SYMFENCE_PAT_OBJECTS)) {
			lib = symfence_policy_lib(policy, i);
			n++;
		}
	if (n == 1)
		return lib;
	symfence_error(
		ctx, NULL,
		n ? "the rules describe %zu libraries with objects: name one with -l LIBRARY"
		  : "the rules describe no library with objects: name one with -l LIBRARY and give its objects",
		n);
	return NULL;
}

int cmd_seal(struct symfence_ctx *ctx, int argc, char **argv)
{
	struct symfence_localize_opts opts = { .verify = true };
	struct symfence_selection *sel = NULL;
	struct symfence_policy *policy = NULL;
	struct symfence_object *obj = NULL;
	struct symfence_plan *plan = NULL;
	const struct symfence_library *lib;
	const char **rules = NULL, *library = NULL, *output = NULL, *root = NULL, *ld_opt = NULL;
	char **objs = NULL, **ldv = NULL, **ld_args = NULL, *tmp_out = NULL, *rsp = NULL;
	char *outcopy = NULL;
	size_t nrules = 0, nobjs = 0, ldc = 0, nld_args = 0, i, *hits = NULL;
	struct symfence_output_guard guard;
	struct stat st;
	bool quiet = false, clash = false;
	int c, fd, err, status = SYMFENCE_EXIT_FAILURE;

	rules = calloc((size_t)argc, sizeof(*rules));
	if (!rules || symfence_selection_new(&sel)) {
		free(rules);
		return SYMFENCE_EXIT_FAILURE;
	}
	/* Linker arguments follow the first "--"; options and objects precede it. */
	for (i = 1; i < (size_t)argc; i++)
		if (!strcmp(argv[i], "--")) {
			ld_args = argv + i + 1;
			nld_args = (size_t)argc - i - 1;
			argc = (int)i;
			break;
		}
	optind = 1;
	while ((c = getopt_long(argc, argv, ":r:l:o:qvh", seal_options, NULL)) != -1) {
		switch (c) {
		case 'r':
			rules[nrules++] = optarg;
			break;
		case 'l':
			library = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_ROOT:
			root = optarg;
			break;
		case OPT_LD:
			ld_opt = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'v':
			ctx->verbose++;
			break;
		case 'h':
			fputs(seal_usage, stdout);
			status = SYMFENCE_EXIT_OK;
			goto out;
		default:
			status = cli_bad_option(ctx, "seal", c, argv);
			goto out;
		}
	}
	if (!nrules || !output) {
		status = cli_usage_error(ctx, "seal",
					 !nrules ? "no rules: give -r RULES"
						 : "no output: give -o OUT.o");
		goto out;
	}
	/* The output may not be an input: checked before anything is read or written. */
	symfence_output_guard_init(&guard, output);
	for (i = 0; i < nrules; i++)
		clash |= symfence_output_guard_check(ctx, &guard, "the rules file", rules[i]) != 0;
	for (i = (size_t)optind; i < (size_t)argc; i++)
		clash |= symfence_output_guard_check(
				 ctx, &guard, argv[i][0] == '@' ? "the object list" : "the object",
				 argv[i] + (argv[i][0] == '@')) != 0;
	if (clash)
		goto out;
	if (seal_object_list(ctx, argv + optind, (size_t)(argc - optind), &objs, &nobjs))
		goto out;

	if (symfence_policy_load(ctx, rules, nrules, &policy))
		goto out;
	for (i = 0; i < symfence_policy_nfiles(policy); i++) /* the included ones */
		clash |= symfence_output_guard_check(ctx, &guard, "the rules file",
						     symfence_policy_file(policy, i)) != 0;
	if (clash)
		goto out;
	lib = seal_pick_library(ctx, policy, library);
	if (!lib)
		goto out;
	if (!nobjs) {
		free(objs);
		objs = NULL;
		if (symfence_library_expand_objects(ctx, lib, root, &objs, &nobjs))
			goto out;
		if (root && strcmp(root, "."))
			for (i = 0; i < nobjs; i++) {
				char *full;

				if (asprintf(&full, "%s/%s", root, objs[i]) < 0)
					goto out;
				free(objs[i]);
				objs[i] = full;
			}
	}
	if (!nobjs) {
		symfence_error(ctx, NULL, "library '%s' has no objects to seal",
			       symfence_library_name(lib));
		goto out;
	}
	/* Objects from @FILE lists and patterns (a stale output that a pattern matches). */
	for (i = 0; i < nobjs; i++)
		clash |= symfence_output_guard_check(ctx, &guard, "the object", objs[i]) != 0;
	if (clash)
		goto out;

	ldv = seal_linker_argv(ld_opt, &ldc);
	if (!ldv || !ldc) {
		symfence_error(ctx, NULL, "no linker to run (check --ld, LD and CROSS_COMPILE)");
		goto out;
	}
	outcopy = strdup(output);
	if (!outcopy || asprintf(&tmp_out, "%s/.%s.symfence-ld.XXXXXX", dirname(outcopy),
				 strrchr(output, '/') ? strrchr(output, '/') + 1 : output) < 0) {
		tmp_out = NULL;
		goto out;
	}
	fd = mkostemp(tmp_out, O_CLOEXEC);
	if (fd < 0) {
		symfence_error(ctx, output, "cannot create a temporary file beside the output: %s",
			       strerror(errno));
		free(tmp_out);
		tmp_out = NULL;
		goto out;
	}
	close(fd);
	if (asprintf(&rsp, "%s.rsp", tmp_out) < 0) {
		rsp = NULL;
		goto out;
	}
	if (seal_run_linker(ctx, ldv, ldc, ld_args, nld_args, objs, nobjs, tmp_out, rsp))
		goto out;
	/* Our temporary is there, empty, until the linker writes it: say so, not "empty file". */
	if (stat(tmp_out, &st) || st.st_size == 0) {
		symfence_error(ctx, NULL, "the linker '%s' exited 0 but produced no output",
			       ldv[0]);
		goto out;
	}

	if (symfence_object_open_named(ctx, tmp_out, output, &obj))
		goto out;
	err = symfence_selection_add_library(sel, lib);
	if (err)
		goto out;
	opts.select = symfence_selection_match;
	opts.select_arg = sel;
	opts.nselectors = symfence_selection_count(sel);
	hits = calloc(opts.nselectors + 1, sizeof(*hits));
	if (!hits) {
		symfence_error(ctx, NULL, "out of memory");
		goto out;
	}
	opts.hits = hits;
	err = symfence_localize_plan(ctx, obj, &opts, &plan);
	if (err && err != -EPERM)
		goto out;
	/* Every problem of the request: the refusals, then the patterns that matched nothing. */
	if (symfence_selection_report_unmatched(ctx, sel, hits, obj, "the linked library", false))
		goto out;
	if (err) {
		status = SYMFENCE_EXIT_POLICY;
		goto out;
	}
	/* The mode ld -r gives its output: 0666 less the umask. */
	if (symfence_plan_write(ctx, plan, output, 0666 & ~cli_umask()))
		goto out;
	if (ctx->verbose)
		for (i = 0; i < symfence_plan_count(plan); i++)
			fprintf(stderr, "symfence: localized '%s'\n", symfence_plan_name(plan, i));
	if (!quiet)
		printf("symfence: sealed %s: %zu private symbol%s localized, %zu public\n",
		       symfence_library_name(lib), symfence_plan_count(plan),
		       symfence_plan_count(plan) == 1 ? "" : "s", symfence_plan_kept(plan));
	status = SYMFENCE_EXIT_OK;
out:
	free(hits);
	symfence_plan_free(plan);
	symfence_object_free(obj);
	if (tmp_out)
		unlink(tmp_out);
	if (rsp)
		unlink(rsp);
	free(tmp_out);
	free(rsp);
	free(outcopy);
	if (ldv)
		for (i = 0; i < ldc; i++)
			free(ldv[i]);
	free(ldv);
	for (i = 0; objs && i < nobjs; i++)
		free(objs[i]);
	free(objs);
	symfence_policy_free(policy);
	symfence_selection_free(sel);
	free(rules);
	return status;
}
