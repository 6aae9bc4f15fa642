// SPDX-License-Identifier: GPL-2.0-only
/* symfence rules: check rules files, or show what their patterns match. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <symfence/input.h>
#include <symfence/rules.h>

#include "cli.h"

static const char rules_usage[] =
	"Usage: symfence rules check [--strict] RULES...\n"
	"       symfence rules show [-l LIBRARY] RULES [PATH...]\n"
	"       symfence rules show [-l LIBRARY] -r RULES [-r RULES]... [PATH...]\n\n"
	"Validates rules files (see symfence-rules(5)), or prints each library with its\n"
	"directives and patterns and, given objects, what each pattern matches in them.\n"
	"Run 'symfence rules check --help' or 'symfence rules show --help' for details.\n\n"
	"Exit status: 0 valid, 2 a rules file has errors, or a usage or input error.\n";

static const char check_usage[] =
	"Usage: symfence rules check [--strict] RULES...\n\n"
	"Reads the rules files and what they include, and reports every error (and\n"
	"warning) as FILE:LINE:COL. Prints nothing when the rules are valid.\n\n"
	"      --strict     warnings fail too\n"
	"  -h, --help       show this help\n\n"
	"Exit status: 0 valid, 2 errors (or warnings with --strict), or a usage error.\n";

static const char show_usage[] =
	"Usage: symfence rules show [-l LIBRARY] RULES [PATH...]\n"
	"       symfence rules show [-l LIBRARY] -r RULES [-r RULES]... [PATH...]\n\n"
	"Prints each library, its directives and patterns with where they were written.\n"
	"Given paths, it also lists under each pattern what it matches in the objects they\n"
	"name: the objects for objects and allow patterns, the global symbols the objects\n"
	"define for public and private patterns, and, for a library with public patterns,\n"
	"the symbols that are private because no public pattern matches them. A public or\n"
	"private pattern that matches no symbol is stale: it gets a warning.\n"
	"PATHs are read as 'symfence audit' reads them: objects (.o), modules (.ko, .ko.xz,\n"
	".ko.zst, .ko.gz), archives (each member, shown as ARCHIVE(MEMBER)), directories\n"
	"(recursively), @FILE lists and modules.order files.\n\n"
	"  -r, --rules FILE     a rules file (repeatable; without -r, the first argument)\n"
	"  -l, --library NAME   only this library\n"
	"  -h, --help           show this help\n\n"
	"Exit status: 0 shown, 2 the rules have errors, an object cannot be read, or a\n"
	"usage error.\n";

enum { OPT_STRICT = 256 };

static const struct option rules_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct option check_options[] = {
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct option show_options[] = {
	{ "rules", required_argument, NULL, 'r' },
	{ "library", required_argument, NULL, 'l' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int rules_check(struct symfence_ctx *ctx, int argc, char **argv)
{
	struct symfence_policy *policy = NULL;
	bool strict = false;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", check_options, NULL)) != -1) {
		switch (c) {
		case OPT_STRICT:
			strict = true;
			break;
		case 'h':
			fputs(check_usage, stdout);
			return SYMFENCE_EXIT_OK;
		default:
			return cli_bad_option(ctx, "rules check", c, argv);
		}
	}
	if (optind == argc)
		return cli_usage_error(ctx, "rules check", "no rules file given");
	if (symfence_policy_load(ctx, (const char *const *)argv + optind, (size_t)(argc - optind),
				 &policy))
		return SYMFENCE_EXIT_FAILURE;
	symfence_policy_free(policy);
	return strict && ctx->warnings ? SYMFENCE_EXIT_FAILURE : SYMFENCE_EXIT_OK;
}

/* A global symbol one of the given objects defines. */
struct defsym {
	char *name;
	size_t obj;
};

struct shown {
	struct symfence_inputs *inputs; /* the objects, archive members and modules given */
	size_t nobjects;
	struct defsym *syms; /* sorted by name, then object */
	size_t nsyms;
	/* For the library being shown: */
	bool *member;  /* by object: it belongs to the library */
	size_t *names; /* index in syms of each distinct name a member defines */
	size_t nnames;
};

static int cmp_defsym(const void *a, const void *b)
{
	const struct defsym *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	return r ? r : (x->obj > y->obj) - (x->obj < y->obj);
}

static bool defined_global(const GElf_Sym *sym, Elf32_Word shndx)
{
	unsigned char bind = GELF_ST_BIND(sym->st_info), type = GELF_ST_TYPE(sym->st_info);

	return shndx != SHN_UNDEF && type != STT_SECTION && type != STT_FILE &&
	       (bind == STB_GLOBAL || bind == STB_WEAK || bind == STB_GNU_UNIQUE);
}

/* Each argument as the audit reads it; every input that cannot be read is reported. */
static int read_objects(struct symfence_ctx *ctx, struct shown *s, char **args, size_t nargs)
{
	struct symfence_object *obj = NULL;
	size_t o, i, cap = 0;
	const char *name;
	Elf32_Word shndx;
	GElf_Sym sym;
	int err, bad = 0;
	void *p;

	if (symfence_inputs_new(ctx, &s->inputs))
		return -1;
	for (i = 0; i < nargs; i++) {
		err = symfence_inputs_add(ctx, s->inputs, args[i]);
		if (err == -ENOMEM)
			return -1;
		bad |= err != 0;
	}
	s->nobjects = symfence_inputs_count(s->inputs);
	for (o = 0; o < s->nobjects; o++) {
		if (symfence_inputs_open(ctx, s->inputs, o, &obj)) {
			bad = 1;
			continue;
		}
		for (i = 1; i < symfence_object_nsyms(obj); i++) {
			if (symfence_object_sym(obj, i, &sym, &shndx, &name) || !*name ||
			    !defined_global(&sym, shndx))
				continue;
			if (s->nsyms == cap) {
				cap = cap ? cap * 2 : 256;
				p = reallocarray(s->syms, cap, sizeof(*s->syms));
				if (!p)
					goto nomem;
				s->syms = p;
			}
			s->syms[s->nsyms].name = strdup(name);
			s->syms[s->nsyms].obj = o;
			if (!s->syms[s->nsyms++].name)
				goto nomem;
		}
		symfence_object_free(obj);
		obj = NULL;
	}
	if (bad)
		return -1;
	if (s->nsyms > 1)
		qsort(s->syms, s->nsyms, sizeof(*s->syms), cmp_defsym);
	s->member = calloc(s->nobjects + 1, sizeof(*s->member));
	s->names = calloc(s->nsyms + 1, sizeof(*s->names));
	if (!s->member || !s->names)
		goto nomem;
	return 0;
nomem:
	symfence_object_free(obj);
	symfence_error(ctx, NULL, "out of memory");
	return -1;
}

/*
 * The library's own objects: the given ones its objects patterns match, or all
 * of them for a library without objects (its symbols live elsewhere). Then the
 * distinct names they define. Returns how many objects belong.
 */
static size_t select_members(const struct symfence_library *lib, struct shown *s)
{
	bool all = !symfence_library_npatterns(lib, SYMFENCE_PAT_OBJECTS);
	size_t o, i, n = 0;

	for (o = 0; o < s->nobjects; o++) {
		s->member[o] = all || symfence_library_match_object(
					      lib, SYMFENCE_PAT_OBJECTS,
					      symfence_inputs_path(s->inputs, o)) >= 0;
		n += s->member[o];
	}
	s->nnames = 0;
	for (i = 0; i < s->nsyms; i++) {
		if (!s->member[s->syms[i].obj])
			continue;
		if (!s->nnames || strcmp(s->syms[i].name, s->syms[s->names[s->nnames - 1]].name))
			s->names[s->nnames++] = i;
	}
	return n;
}

/* "name  (a.o, b.o)" for the distinct name n, with the member objects defining it. */
static void print_symbol(const struct shown *s, size_t n)
{
	const char *sep = "";
	size_t i = s->names[n];

	printf("      %s  (", s->syms[i].name);
	for (; i < s->nsyms && !strcmp(s->syms[i].name, s->syms[s->names[n]].name); i++) {
		if (!s->member[s->syms[i].obj])
			continue;
		printf("%s%s", sep, symfence_inputs_display(s->inputs, s->syms[i].obj));
		sep = ", ";
	}
	printf(")\n");
}

struct collect {
	size_t name;   /* the distinct name being matched */
	size_t **hits; /* per pattern: names matched */
	size_t *nhits;
	bool oom;
};

static void collect_hit(void *arg, size_t i)
{
	struct collect *c = arg;
	size_t *p;

	if (!(c->nhits[i] & (c->nhits[i] - 1))) { /* 0, 1, 2, 4, ...: full */
		p = reallocarray(c->hits[i], c->nhits[i] ? c->nhits[i] * 2 : 1, sizeof(*p));
		if (!p) {
			c->oom = true;
			return;
		}
		c->hits[i] = p;
	}
	c->hits[i][c->nhits[i]++] = c->name;
}

static const char *const kind_names[SYMFENCE_PAT_KINDS] = {
	[SYMFENCE_PAT_OBJECTS] = "objects", [SYMFENCE_PAT_PUBLIC] = "public",
	[SYMFENCE_PAT_PRIVATE] = "private", [SYMFENCE_PAT_ALLOW] = "allow",
	[SYMFENCE_PAT_WAIVE] = "waive",
};

/*
 * Symbol patterns of one kind, each followed, when match, by the symbols it
 * matches; a pattern that matches none gets a warning (it is stale).
 */
static int show_symbol_patterns(struct symfence_ctx *ctx, const struct symfence_library *lib,
				enum symfence_pattern_kind kind, const struct shown *s, bool match)
{
	size_t i, j, n = symfence_library_npatterns(lib, kind);
	struct collect c = { 0 };
	struct symfence_pattern_info info;
	int err = 0;

	c.hits = calloc(n + 1, sizeof(*c.hits));
	c.nhits = calloc(n + 1, sizeof(*c.nhits));
	if (!c.hits || !c.nhits)
		goto nomem;
	for (c.name = 0; match && c.name < s->nnames; c.name++)
		symfence_library_match_symbol_each(lib, kind, s->syms[s->names[c.name]].name,
						   collect_hit, &c);
	if (c.oom)
		goto nomem;
	for (i = 0; i < n; i++) {
		symfence_library_pattern(lib, kind, i, &info);
		printf("  %-8s %s  [%s:%u:%u]\n", kind_names[kind], info.text, info.file, info.line,
		       info.col);
		if (!match)
			continue;
		if (!c.nhits[i]) {
			printf("      (matches nothing)\n");
			symfence_report(
				ctx, SYMFENCE_WARNING, info.file, info.line, info.col, NULL,
				"%s pattern '%s' of library '%s' matches no global symbol the given objects define",
				kind_names[kind], info.text, symfence_library_name(lib));
		}
		/* Names were tried in sorted order: hits are sorted. */
		for (j = 0; j < c.nhits[i]; j++)
			print_symbol(s, c.hits[i][j]);
	}
	goto out;
nomem:
	symfence_error(ctx, NULL, "out of memory");
	err = -1;
out:
	for (i = 0; c.hits && i < n; i++)
		free(c.hits[i]);
	free(c.hits);
	free(c.nhits);
	return err;
}

static void show_object_patterns(const struct symfence_library *lib,
				 enum symfence_pattern_kind kind, const struct shown *s)
{
	struct symfence_pattern_info info;
	size_t i, o, n = symfence_library_npatterns(lib, kind);

	for (i = 0; i < n; i++) {
		symfence_library_pattern(lib, kind, i, &info);
		printf("  %-8s %s  [%s:%u:%u]\n", kind_names[kind], info.text, info.file, info.line,
		       info.col);
		for (o = 0; o < s->nobjects; o++)
			if (symfence_object_pattern_match(info.text,
							  symfence_inputs_path(s->inputs, o)))
				printf("      %s\n", symfence_inputs_display(s->inputs, o));
	}
}

static void show_hint(const char *hint)
{
	const char *p;

	printf("  hint     \"");
	for (p = hint; *p; p++)
		printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
	printf("\"\n");
}

static int show_library(struct symfence_ctx *ctx, const struct symfence_library *lib,
			struct shown *s)
{
	struct symfence_pattern_info info;
	bool match = false, any = false;
	size_t i;

	printf("library %s  [%s:%u]\n", symfence_library_name(lib), symfence_library_file(lib),
	       symfence_library_line(lib));
	show_object_patterns(lib, SYMFENCE_PAT_OBJECTS, s);
	if (s->nobjects) {
		match = select_members(lib, s) > 0;
		if (!match)
			printf("  (none of the given objects belongs to this library)\n");
	}
	if (show_symbol_patterns(ctx, lib, SYMFENCE_PAT_PUBLIC, s, match) ||
	    show_symbol_patterns(ctx, lib, SYMFENCE_PAT_PRIVATE, s, match))
		return -1;
	if (match && symfence_library_npatterns(lib, SYMFENCE_PAT_PUBLIC)) {
		printf("  private because not public:\n");
		for (i = 0; i < s->nnames; i++) {
			const char *name = s->syms[s->names[i]].name;

			if (symfence_library_match_symbol(lib, SYMFENCE_PAT_PUBLIC, name) >= 0 ||
			    symfence_library_private(lib, name))
				continue;
			print_symbol(s, i);
			any = true;
		}
		if (!any)
			printf("      (none)\n");
	}
	show_object_patterns(lib, SYMFENCE_PAT_ALLOW, s);
	for (i = 0; i < symfence_library_npatterns(lib, SYMFENCE_PAT_WAIVE); i++) {
		symfence_library_pattern(lib, SYMFENCE_PAT_WAIVE, i, &info);
		printf("  waive    %s %s  [%s:%u:%u]\n", info.text, info.symbol, info.file,
		       info.line, info.col);
	}
	if (symfence_library_hint(lib))
		show_hint(symfence_library_hint(lib));
	return 0;
}

static int rules_show(struct symfence_ctx *ctx, int argc, char **argv)
{
	struct symfence_policy *policy = NULL;
	const struct symfence_library *lib;
	struct shown s = { 0 };
	const char **rules = NULL, *library = NULL;
	size_t nrules = 0, i;
	int c, status = SYMFENCE_EXIT_FAILURE;

	rules = calloc((size_t)argc + 1, sizeof(*rules));
	if (!rules)
		return SYMFENCE_EXIT_FAILURE;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":r:l:h", show_options, NULL)) != -1) {
		switch (c) {
		case 'r':
			rules[nrules++] = optarg;
			break;
		case 'l':
			library = optarg;
			break;
		case 'h':
			fputs(show_usage, stdout);
			status = SYMFENCE_EXIT_OK;
			goto out;
		default:
			status = cli_bad_option(ctx, "rules show", c, argv);
			goto out;
		}
	}
	if (nrules) /* with -r, the other arguments are objects */
		for (i = (size_t)optind; i < (size_t)argc; i++) {
			size_t len = strlen(argv[i]);

			if (len > 6 && !strcmp(argv[i] + len - 6, ".rules")) {
				status = cli_usage_error(
					ctx, "rules show",
					"'%s' is a rules file, but with -r the other arguments are objects: give it with -r too",
					argv[i]);
				goto out;
			}
		}
	if (!nrules && optind < argc)
		rules[nrules++] = argv[optind++];
	if (!nrules) {
		status = cli_usage_error(ctx, "rules show", "no rules file given");
		goto out;
	}
	if (symfence_policy_load(ctx, rules, nrules, &policy))
		goto out;
	if (library && !symfence_policy_find(policy, library)) {
		const char *hint = symfence_policy_suggest_library(policy, library);

		if (hint)
			status = cli_usage_error(
				ctx, "rules show",
				"no library '%s' in these rules (did you mean '%s'?)", library,
				hint);
		else
			status = cli_usage_error(ctx, "rules show",
						 "no library '%s' in these rules", library);
		goto out;
	}
	if (read_objects(ctx, &s, argv + optind, (size_t)(argc - optind)))
		goto out;
	for (i = 0; i < symfence_policy_nlibs(policy); i++) {
		lib = symfence_policy_lib(policy, i);
		if (library && strcmp(library, symfence_library_name(lib)))
			continue;
		if (i && !library)
			printf("\n");
		if (show_library(ctx, lib, &s))
			goto out;
	}
	status = SYMFENCE_EXIT_OK;
out:
	for (i = 0; i < s.nsyms; i++)
		free(s.syms[i].name);
	free(s.syms);
	free(s.names);
	free(s.member);
	symfence_inputs_free(s.inputs);
	symfence_policy_free(policy);
	free(rules);
	return status;
}

int cmd_rules(struct symfence_ctx *ctx, int argc, char **argv)
{
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+:h", rules_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(rules_usage, stdout);
			return SYMFENCE_EXIT_OK;
		default:
			return cli_bad_option(ctx, "rules", c, argv);
		}
	}
	if (optind == argc)
		return cli_usage_error(ctx, "rules", "missing subcommand: check or show");
	if (!strcmp(argv[optind], "check"))
		return rules_check(ctx, argc - optind, argv + optind);
	if (!strcmp(argv[optind], "show"))
		return rules_show(ctx, argc - optind, argv + optind);
	return cli_usage_error(ctx, "rules", "unknown subcommand '%s' (check or show)",
			       argv[optind]);
}
