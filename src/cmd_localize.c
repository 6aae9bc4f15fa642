// SPDX-License-Identifier: GPL-2.0-only
/* symfence localize: the checked rewrite alone, on an existing relocatable object. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <symfence/input.h>
#include <symfence/rules.h>
#include <symfence/selection.h>

#include "cli.h"

static const char localize_usage[] =
	"Usage: symfence localize (-s SYMBOL... | --symbols-file FILE | -r RULES [-l LIBRARY])\n"
	"                         IN (-o OUT | --in-place)\n\n"
	"Turns the chosen global symbols of the relocatable object IN into local ones,\n"
	"after checking that each can be localized safely. Nothing else in the file changes.\n"
	"A compressed IN (.ko.xz, .ko.zst, .ko.gz) is read decompressed and written\n"
	"uncompressed, with -o only; archives and directories are refused.\n\n"
	"  -s, --symbol SYMBOL      localize SYMBOL (repeatable)\n"
	"      --symbols-file FILE  localize the names listed in FILE, one per line ('#' comments)\n"
	"  -r, --rules FILE         localize the private symbols of the rules' libraries (repeatable)\n"
	"  -l, --library NAME       with -r: only this library (default: the libraries whose\n"
	"                           objects patterns match IN)\n"
	"      --root DIR           with -r: object patterns are relative to DIR (default: .)\n"
	"  -o, --output OUT         write the result to OUT (atomically; not IN itself)\n"
	"      --in-place           replace IN (atomically; a symlink's target is replaced)\n"
	"      --allow-missing      a -s name that is not in IN is not an error\n"
	"      --strip-signature    drop an appended module signature instead of refusing\n"
	"  -v, --verbose            list the symbols localized\n"
	"  -h, --help               show this help\n\n"
	"Exit status: 0 done, 1 a symbol cannot be localized safely, 2 usage or input error.\n";

enum { OPT_SYMBOLS_FILE = 256, OPT_IN_PLACE, OPT_ALLOW_MISSING, OPT_STRIP_SIG, OPT_ROOT };

static const struct option localize_options[] = {
	{ "symbol", required_argument, NULL, 's' },
	{ "symbols-file", required_argument, NULL, OPT_SYMBOLS_FILE },
	{ "rules", required_argument, NULL, 'r' },
	{ "library", required_argument, NULL, 'l' },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "output", required_argument, NULL, 'o' },
	{ "in-place", no_argument, NULL, OPT_IN_PLACE },
	{ "allow-missing", no_argument, NULL, OPT_ALLOW_MISSING },
	{ "strip-signature", no_argument, NULL, OPT_STRIP_SIG },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* ".xz", ".zst" or ".gz" when path ends in one, else NULL. */
static const char *compression_suffix(const char *path)
{
	static const char *const suffixes[] = { ".xz", ".zst", ".gz" };
	size_t n = strlen(path), m, i;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		m = strlen(suffixes[i]);
		if (n > m && !strcmp(path + n - m, suffixes[i]))
			return suffixes[i];
	}
	return NULL;
}

int cmd_localize(struct symfence_ctx *ctx, int argc, char **argv)
{
	struct symfence_selection *sel = NULL;
	struct symfence_policy *policy = NULL;
	struct symfence_object *obj = NULL;
	struct symfence_plan *plan = NULL;
	const char **rules = NULL;
	size_t nrules = 0, i;
	const char *library = NULL, *output = NULL, *root = NULL, *input;
	bool in_place = false, allow_missing = false, by_names = false;
	struct symfence_localize_opts opts = { 0 };
	char *target = NULL;
	size_t nreqs = 0;
	struct {
		const char *arg;
		bool file; /* --symbols-file, else -s */
	} *reqs = NULL;
	struct symfence_output_guard guard;
	bool clash = false, bad_request = false;
	const char *compression = NULL, *suffix;
	struct stat st;
	unsigned int mode;
	int c, err, status = SYMFENCE_EXIT_FAILURE;

	rules = calloc((size_t)argc, sizeof(*rules));
	reqs = calloc((size_t)argc, sizeof(*reqs));
	if (!rules || !reqs || symfence_selection_new(&sel)) {
		free(rules);
		free(reqs);
		return SYMFENCE_EXIT_FAILURE;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, ":s:r:l:o:vh", localize_options, NULL)) != -1) {
		switch (c) {
		case 's':
		case OPT_SYMBOLS_FILE: /* read once the output is known not to be one of them */
			by_names = true;
			reqs[nreqs].file = c == OPT_SYMBOLS_FILE;
			reqs[nreqs++].arg = optarg;
			break;
		case 'r':
			rules[nrules++] = optarg;
			break;
		case 'l':
			library = optarg;
			break;
		case OPT_ROOT:
			root = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_IN_PLACE:
			in_place = true;
			break;
		case OPT_ALLOW_MISSING:
			allow_missing = true;
			break;
		case OPT_STRIP_SIG:
			opts.strip_signature = true;
			break;
		case 'v':
			ctx->verbose++;
			break;
		case 'h':
			fputs(localize_usage, stdout);
			status = SYMFENCE_EXIT_OK;
			goto out;
		default:
			status = cli_bad_option(ctx, "localize", c, argv);
			goto out;
		}
	}
	if (optind + 1 != argc) {
		status = cli_usage_error(ctx, "localize",
					 optind == argc ? "no input object given"
							: "exactly one input object is allowed");
		goto out;
	}
	input = argv[optind];
	if (!by_names && !nrules) {
		status = cli_usage_error(
			ctx, "localize",
			"nothing to localize: give -s SYMBOL, --symbols-file FILE or -r RULES");
		goto out;
	}
	if (by_names && nrules) {
		status = cli_usage_error(ctx, "localize",
					 "-r cannot be combined with -s or --symbols-file");
		goto out;
	}
	if (library && !nrules) {
		status = cli_usage_error(ctx, "localize", "-l needs -r RULES");
		goto out;
	}
	if (!output == !in_place) {
		status = cli_usage_error(ctx, "localize",
					 output ? "-o and --in-place exclude each other"
						: "no output: give -o OUT or --in-place");
		goto out;
	}

	/* -o may not name IN (--in-place rewrites it), a rules file or a symbols file. */
	symfence_output_guard_init(&guard, output);
	clash |= symfence_output_guard_check(ctx, &guard, "the object", input) != 0;
	for (i = 0; i < nrules; i++)
		clash |= symfence_output_guard_check(ctx, &guard, "the rules file", rules[i]) != 0;
	for (i = 0; i < nreqs; i++)
		if (reqs[i].file)
			clash |= symfence_output_guard_check(ctx, &guard, "the symbols file",
							     reqs[i].arg) != 0;
	if (clash)
		goto out;
	suffix = output ? compression_suffix(output) : NULL;
	if (suffix) {
		symfence_error(
			ctx, output,
			"symfence writes uncompressed objects: name the output without '%s' (and compress it afterwards)",
			suffix);
		goto out;
	}
	if (!stat(input, &st) && S_ISDIR(st.st_mode)) {
		symfence_error(
			ctx, input,
			"a directory, not an object: localize rewrites one object (name it; 'symfence audit' reads directories)");
		goto out;
	}

	for (i = 0; i < nreqs; i++) { /* every symbols file's errors, then stop */
		err = reqs[i].file ? symfence_selection_add_file(ctx, sel, reqs[i].arg)
				   : symfence_selection_add_name(sel, reqs[i].arg, NULL, 0);
		if (err == -ENOMEM)
			goto out;
		bad_request |= err != 0;
	}
	if (bad_request)
		goto out;
	if (nrules) {
		if (symfence_policy_load(ctx, rules, nrules, &policy))
			goto out;
		for (i = 0; i < symfence_policy_nfiles(policy); i++) /* the included ones */
			clash |= symfence_output_guard_check(ctx, &guard, "the rules file",
							     symfence_policy_file(policy, i)) != 0;
		if (clash)
			goto out;
		if (symfence_selection_add_policy(ctx, sel, policy, library, root, input))
			goto out;
	}

	/* A compressed module is read decompressed; the result is written uncompressed. */
	if (symfence_inputs_open_file(ctx, input, &compression, &mode, &obj))
		goto out;
	if (compression && in_place) {
		symfence_error(
			ctx, input,
			"%s-compressed, and symfence writes uncompressed objects: give -o OUT.ko instead of --in-place (and compress OUT afterwards)",
			compression);
		goto out;
	}
	err = symfence_selection_plan(ctx, sel, obj, &opts, input, allow_missing && by_names,
				      &plan);
	if (err) {
		if (err == -EPERM)
			status = SYMFENCE_EXIT_POLICY;
		goto out;
	}

	if (in_place) {
		target = realpath(input, NULL);
		if (!target) {
			symfence_error(ctx, input, "cannot resolve the path: %s", strerror(errno));
			goto out;
		}
	}
	/*
	 * The input's mode; a new file (-o) less the umask, like cp and llvm-objcopy.
	 * Replacing IN (--in-place) keeps it as it was.
	 */
	if (!in_place)
		mode &= ~cli_umask();
	if (symfence_plan_write(ctx, plan, in_place ? target : output, mode))
		goto out;
	cli_show_localized(ctx, plan);
	status = SYMFENCE_EXIT_OK;
out:
	free(target);
	symfence_plan_free(plan);
	symfence_object_free(obj);
	symfence_policy_free(policy);
	symfence_selection_free(sel);
	free(rules);
	free(reqs);
	return status;
}
