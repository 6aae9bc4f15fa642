// SPDX-License-Identifier: GPL-2.0-only
/* symfence audit: references to private symbols in objects, archives and modules. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <symfence/audit.h>
#include <symfence/output.h>
#include <symfence/rules.h>

#include "cli.h"

static const char audit_usage[] =
	"Usage: symfence audit -r RULES [-r RULES...] [OPTIONS] PATH...\n\n"
	"Finds references to the private symbols of the rules' libraries in objects (.o),\n"
	"kernel modules (.ko, .ko.xz, .ko.zst, .ko.gz), archives (.a, thin archives such as\n"
	"vmlinux.a and built-in.a), directories (searched recursively), @FILE lists of paths\n"
	"and modules.order files.\n\n"
	"  -r, --rules FILE           rules to audit against (repeatable)\n"
	"      --root DIR             object patterns are relative to DIR (default: .)\n"
	"  -f, --format FORMAT        text (default), json, sarif or github\n"
	"  -o, --output FILE          write the report to FILE (atomically) instead of standard\n"
	"                             error (text) or standard output (json, sarif, github)\n"
	"      --baseline FILE        violations listed in FILE are notes: only new ones fail\n"
	"      --write-baseline FILE  write the violations found (not waived) to FILE\n"
	"      --vmlinux FILE         what vmlinux defines (ELF vmlinux or vmlinux.o, System.map\n"
	"                             or Module.symvers), for libraries without objects\n"
	"  -j, --jobs N               worker threads (default: one per available CPU)\n"
	"  -q, --quiet                print nothing when nothing is wrong (no notes, no summary)\n"
	"      --group-by KEY         text report by symbol, library or object (with counts)\n"
	"      --strict               stale patterns, waivers and baseline entries are errors\n"
	"  -h, --help                 show this help\n\n"
	"Each violation is one line per (object, function, symbol):\n"
	"  OBJECT: FUNCTION+0xOFF: error: reference to private symbol 'S' of library 'L' [RULES:LINE: 'PATTERN']\n"
	"followed, when the object has DWARF, by its source line:\n"
	"  SOURCE:LINE: note: 'S' is referenced here\n"
	"After an object's findings comes, once per object, the hint of each library it\n"
	"breaks (the rules' hint \"...\" line; not for findings all waived or in the baseline):\n"
	"  OBJECT: note: hint: TEXT\n"
	"(with --group-by, once per group instead). A summary line ends every run (on\n"
	"standard error): symfence: audited N objects: E errors, W warnings, K notes.\n\n"
	"Exit status:\n"
	"  0  clean: no errors (warnings and notes do not fail)\n"
	"  1  violations: errors (a reference to a private symbol not waived nor in the\n"
	"     baseline; with --strict also stale patterns, waivers and baseline entries)\n"
	"  2  usage error, bad rules or baseline, an input that could not be read, or a\n"
	"     library whose definitions could not be read; 2 wins over 1 (an incomplete\n"
	"     audit is a failure). --write-baseline does not change the status.\n";

enum { OPT_ROOT = 256, OPT_BASELINE, OPT_WRITE_BASELINE, OPT_GROUP_BY, OPT_VMLINUX, OPT_STRICT };

static const struct option audit_options[] = {
	{ "rules", required_argument, NULL, 'r' },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "write-baseline", required_argument, NULL, OPT_WRITE_BASELINE },
	{ "jobs", required_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "group-by", required_argument, NULL, OPT_GROUP_BY },
	{ "vmlinux", required_argument, NULL, OPT_VMLINUX },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

enum format { FMT_TEXT, FMT_JSON, FMT_SARIF, FMT_GITHUB };

static int parse_format(const char *s, enum format *fmt)
{
	static const char *const names[] = { "text", "json", "sarif", "github" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*fmt = (enum format)i;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_group(const char *s, enum symfence_audit_group *by)
{
	if (!strcmp(s, "symbol"))
		*by = SYMFENCE_GROUP_SYMBOL;
	else if (!strcmp(s, "library"))
		*by = SYMFENCE_GROUP_LIBRARY;
	else if (!strcmp(s, "object"))
		*by = SYMFENCE_GROUP_OBJECT;
	else
		return -EINVAL;
	return 0;
}

static int write_format(const struct symfence_audit *audit, enum format fmt,
			enum symfence_audit_group by, FILE *out, const char *summary)
{
	struct symfence_ctx fctx;

	switch (fmt) {
	case FMT_TEXT:
		symfence_ctx_init(&fctx, symfence_diag_print, out);
		symfence_audit_report_text_grouped(&fctx, audit, by);
		fprintf(out, "%s\n", summary);
		break;
	case FMT_JSON:
		return symfence_audit_write_json(audit, out);
	case FMT_SARIF:
		return symfence_audit_write_sarif(audit, out);
	case FMT_GITHUB:
		return symfence_audit_write_github(audit, out);
	}
	return ferror(out) ? -EIO : 0;
}

/*
 * Whether two names are one file: the same inode, or, for names that do not
 * exist yet (an output), the same name in the same directory.
 */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	const char *ba = strrchr(a, '/'), *bb = strrchr(b, '/');
	char *da, *db;
	bool same;

	if (!stat(a, &sa) && !stat(b, &sb))
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (!stat(a, &sa) || !stat(b, &sb))
		return false;
	if (strcmp(ba ? ba + 1 : a, bb ? bb + 1 : b))
		return false;
	da = ba ? strndup(a, (size_t)(ba - a) + 1) : strdup(".");
	db = bb ? strndup(b, (size_t)(bb - b) + 1) : strdup(".");
	same = da && db && !stat(da, &sa) && !stat(db, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
	free(da);
	free(db);
	return same;
}

/* An output that names a file the audit reads, or the other output: reported, true. */
static bool output_clash(struct symfence_ctx *ctx, const char *output, const char *other,
			 const char *const *rules, size_t nrules, const char *baseline,
			 const char *const *vmlinux, size_t nvmlinux, char *const *inputs,
			 int ninputs)
{
	const char *kind = NULL, *name = NULL;
	size_t i;
	int j;

	if (other && same_file(output, other))
		kind = "the other output", name = other;
	for (i = 0; !kind && i < nrules; i++)
		if (same_file(output, rules[i]))
			kind = "the rules file", name = rules[i];
	if (!kind && baseline && same_file(output, baseline))
		kind = "the baseline", name = baseline;
	for (i = 0; !kind && i < nvmlinux; i++)
		if (same_file(output, vmlinux[i]))
			kind = "the input", name = vmlinux[i];
	for (j = 0; !kind && j < ninputs; j++) {
		const char *in = inputs[j][0] == '@' ? inputs[j] + 1 : inputs[j];

		if (same_file(output, in))
			kind = "the input", name = inputs[j];
	}
	if (!kind)
		return false;
	symfence_error(ctx, NULL, "output '%s' is the same file as %s '%s'", output, kind, name);
	return true;
}

/*
 * Whether output is one of the rules files the policy was read from, includes
 * too (every file that holds a library or a pattern): reported, true.
 */
static bool output_is_rules(struct symfence_ctx *ctx, const struct symfence_policy *policy,
			    const char *output)
{
	const char *last = NULL; /* a file's patterns share its name: stat each file once */
	size_t l, k, i, n;

	for (l = 0; l < symfence_policy_nlibs(policy); l++) {
		const struct symfence_library *lib = symfence_policy_lib(policy, l);

		for (k = 0; k < SYMFENCE_PAT_KINDS; k++) {
			n = symfence_library_npatterns(lib, (enum symfence_pattern_kind)k);
			for (i = 0; i <= n; i++) {
				struct symfence_pattern_info info = { 0 };
				const char *file = symfence_library_file(lib);

				if (i < n) {
					symfence_library_pattern(lib, (enum symfence_pattern_kind)k,
								 i, &info);
					file = info.file;
				}
				if (file == last)
					continue;
				last = file;
				if (same_file(output, file)) {
					symfence_error(
						ctx, NULL,
						"output '%s' is the same file as the rules file '%s'",
						output, file);
					return true;
				}
			}
		}
	}
	return false;
}

/* The report to stdout, or into memory and then atomically to output. */
static int write_report(struct symfence_ctx *ctx, const struct symfence_audit *audit,
			enum format fmt, enum symfence_audit_group by, const char *output,
			const char *summary)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *mem;
	int err;

	if (!output) {
		err = write_format(audit, fmt, by, stdout, summary);
		if (err || fflush(stdout)) {
			symfence_error(ctx, NULL, "cannot write the report: %s", strerror(errno));
			return -EIO;
		}
		return 0;
	}
	mem = open_memstream(&buf, &size);
	if (!mem) {
		symfence_error(ctx, NULL, "out of memory");
		return -ENOMEM;
	}
	err = write_format(audit, fmt, by, mem, summary);
	if (fclose(mem) || err) {
		symfence_error(ctx, NULL, "out of memory");
		free(buf);
		return -ENOMEM;
	}
	err = symfence_write_atomic(ctx, output, buf, size, 0644);
	free(buf);
	return err;
}

int cmd_audit(struct symfence_ctx *ctx, int argc, char **argv)
{
	struct symfence_audit_opts opts = { 0 };
	struct symfence_policy *policy = NULL;
	struct symfence_audit *audit = NULL;
	const char *output = NULL, *baseline = NULL, *write_baseline = NULL;
	const char **rules = NULL, **vmlinux = NULL;
	enum format fmt = FMT_TEXT;
	enum symfence_audit_group by = SYMFENCE_GROUP_NONE;
	bool grouped = false;
	size_t nrules = 0, nvmlinux = 0, k;
	char summary[512], *end;
	struct symfence_audit_summary sum;
	bool quiet = false, silent;
	long jobs;
	int c, i, status = SYMFENCE_EXIT_FAILURE;

	rules = calloc((size_t)argc, sizeof(*rules));
	vmlinux = calloc((size_t)argc, sizeof(*vmlinux));
	if (!rules || !vmlinux) {
		free(rules);
		free(vmlinux);
		return SYMFENCE_EXIT_FAILURE;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, ":r:f:o:j:qh", audit_options, NULL)) != -1) {
		switch (c) {
		case 'r':
			rules[nrules++] = optarg;
			break;
		case OPT_ROOT:
			opts.root = optarg;
			break;
		case 'f':
			if (parse_format(optarg, &fmt)) {
				status = cli_usage_error(
					ctx, "audit",
					"unknown format '%s' (text, json, sarif or github)",
					optarg);
				goto out;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_BASELINE:
			baseline = optarg;
			break;
		case OPT_WRITE_BASELINE:
			write_baseline = optarg;
			break;
		case OPT_VMLINUX:
			vmlinux[nvmlinux++] = optarg;
			break;
		case OPT_STRICT:
			opts.strict = true;
			break;
		case 'j':
			errno = 0;
			jobs = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || jobs < 1 || jobs > 4096) {
				status = cli_usage_error(
					ctx, "audit",
					"-j needs a number of jobs from 1 to 4096, not '%s'",
					optarg);
				goto out;
			}
			opts.jobs = (unsigned int)jobs;
			break;
		case 'q':
			quiet = true;
			break;
		case OPT_GROUP_BY:
			if (parse_group(optarg, &by)) {
				status = cli_usage_error(
					ctx, "audit",
					"unknown --group-by '%s' (symbol, library or object)",
					optarg);
				goto out;
			}
			grouped = true;
			break;
		case 'h':
			fputs(audit_usage, stdout);
			status = SYMFENCE_EXIT_OK;
			goto out;
		default:
			status = cli_bad_option(ctx, "audit", c, argv);
			goto out;
		}
	}
	if (grouped && fmt != FMT_TEXT) {
		status = cli_usage_error(ctx, "audit",
					 "--group-by is for the text report, not --format %s",
					 fmt == FMT_JSON    ? "json"
					 : fmt == FMT_SARIF ? "sarif"
							    : "github");
		goto out;
	}
	if (!nrules) {
		status = cli_usage_error(ctx, "audit", "no rules given: use -r RULES");
		goto out;
	}
	if (optind == argc) {
		status = cli_usage_error(
			ctx, "audit",
			"no input given: name objects, modules, archives or directories");
		goto out;
	}

	/* An output must not replace what the audit reads: refused before anything is read. */
	if ((output && output_clash(ctx, output, write_baseline, rules, nrules, baseline, vmlinux,
				    nvmlinux, argv + optind, argc - optind)) ||
	    (write_baseline && output_clash(ctx, write_baseline, NULL, rules, nrules, baseline,
					    vmlinux, nvmlinux, argv + optind, argc - optind)))
		goto out;
	if (symfence_policy_load(ctx, rules, nrules, &policy))
		goto out;
	if ((output && output_is_rules(ctx, policy, output)) ||
	    (write_baseline && output_is_rules(ctx, policy, write_baseline)))
		goto out;
	if (symfence_audit_new(ctx, policy, &opts, &audit))
		goto out;
	for (i = optind; i < argc; i++)
		if (symfence_audit_add_input(ctx, audit, argv[i]))
			goto out;
	/* Files found in directories, lists and archives: still before any is read. */
	if ((output && symfence_audit_check_output(ctx, audit, output)) ||
	    (write_baseline && symfence_audit_check_output(ctx, audit, write_baseline)))
		goto out;
	if (baseline && symfence_audit_load_baseline(ctx, audit, baseline))
		goto out;
	for (k = 0; k < nvmlinux; k++)
		if (symfence_audit_load_vmlinux(ctx, audit, vmlinux[k]))
			goto out;
	if (symfence_audit_run(ctx, audit))
		goto out;

	symfence_audit_summary_line(audit, summary, sizeof(summary));
	symfence_audit_summary(audit, &sum);
	/* -q: nothing at all on standard error when nothing is wrong, as kbuild's tools do */
	silent = quiet && !sum.errors && !sum.warnings && !sum.unreadable && !sum.incomplete;
	if (fmt == FMT_TEXT && !output) {
		if (!silent)
			symfence_audit_report_text_grouped(ctx, audit, by);
	} else {
		symfence_audit_report_diagnostics(ctx, audit);
		if (write_report(ctx, audit, fmt, by, output, summary))
			goto out;
	}
	if (!silent)
		fprintf(stderr, "%s\n", summary);
	if (write_baseline && symfence_audit_write_baseline(ctx, audit, write_baseline))
		goto out;
	status = symfence_audit_status(audit);
out:
	symfence_audit_free(audit);
	symfence_policy_free(policy);
	free(rules);
	free(vmlinux);
	return status;
}
