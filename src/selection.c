// SPDX-License-Identifier: GPL-2.0-only
/* The selection: which global symbols to localize, and which requests matched nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <symfence/localize.h>
#include <symfence/selection.h>

#include "input.h"
#include "internal.h"
#include "pattern.h"

struct sf_name {
	const char *name; /* points into names_buf or argv */
	char *owned;
	const char *file; /* NULL: command line */
	unsigned int line;
	size_t id;
};

struct sf_libsel {
	const struct symfence_library *lib;
	size_t base; /* ids base .. base + nprivate - 1: private patterns */
	size_t nprivate;
	bool has_public; /* id base + nprivate: "defined, not public" */
};

struct symfence_selection {
	struct sf_name *names; /* in the order given; a name given twice is kept once */
	size_t nnames, cap;
	struct sf_htab index; /* name -> its entry in names[] */
	struct sf_libsel *libs;
	size_t nlibs;
	size_t count; /* ids handed out */
	char **files; /* owned copies of symbols-file paths */
	size_t nfiles;
};

int symfence_selection_new(struct symfence_selection **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void symfence_selection_free(struct symfence_selection *sel)
{
	size_t i;

	if (!sel)
		return;
	for (i = 0; i < sel->nnames; i++)
		free(sel->names[i].owned);
	for (i = 0; i < sel->nfiles; i++)
		free(sel->files[i]);
	free(sel->files);
	free(sel->names);
	sf_htab_free(&sel->index);
	free(sel->libs);
	free(sel);
}

static int sf_add_name(struct symfence_selection *sel, const char *name, char *owned,
		       const char *file, unsigned int line)
{
	struct sf_hent *e;

	if (sf_grow(sel->names, sel->cap, sel->nnames + 1, 16)) {
		free(owned);
		return -ENOMEM;
	}
	e = sf_htab_put(&sel->index, name, strlen(name));
	if (!e) {
		free(owned);
		return -ENOMEM;
	}
	if (e->val != SIZE_MAX) { /* given twice: the first place stands */
		free(owned);
		return 0;
	}
	e->val = sel->nnames;
	sel->names[sel->nnames++] = (struct sf_name){ name, owned, file, line, sel->count++ };
	return 0;
}

int symfence_selection_add_name(struct symfence_selection *sel, const char *name, const char *file,
				unsigned int line)
{
	return sf_add_name(sel, name, NULL, file, line);
}

static bool sf_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/*
 * One line of a symbols file, as GNU objcopy reads it: what follows '#' is a
 * comment, blanks around the name are dropped, and of several words only the
 * first is the name (the rest is warned about: llvm-objcopy would take the
 * whole line as one name). Returns the name (in line, NUL-terminated), or NULL.
 */
static char *sf_symbols_line(struct symfence_ctx *ctx, const char *path, unsigned int lineno,
			     char *line)
{
	char *s = line, *e, *rest, *end;

	e = strchr(s, '#');
	if (e)
		*e = '\0';
	while (sf_blank(*s))
		s++;
	for (e = s; *e && !sf_blank(*e); e++)
		;
	for (rest = e; sf_blank(*rest); rest++)
		;
	if (*rest) {
		for (end = rest + strlen(rest); sf_blank(end[-1]); end--)
			;
		*end = '\0';
		symfence_report(
			ctx, SYMFENCE_WARNING, path, lineno, (unsigned int)(rest - line) + 1, NULL,
			"ignoring '%s' after the symbol name, as GNU objcopy does (llvm-objcopy takes the whole line as one name)",
			rest);
	}
	*e = '\0';
	return *s ? s : NULL;
}

int symfence_selection_add_file(struct symfence_ctx *ctx, struct symfence_selection *sel,
				const char *path)
{
	char *line = NULL, *copy, **files, *name;
	size_t cap = 0;
	unsigned int lineno = 0;
	ssize_t len;
	FILE *f;
	int err = 0;

	f = fopen(path, "r");
	if (!f) {
		err = -errno;
		symfence_error(ctx, path, "cannot open: %s", strerror(errno));
		return err;
	}
	files = realloc(sel->files, (sel->nfiles + 1) * sizeof(*files));
	copy = strdup(path);
	if (!files || !copy) {
		if (files)
			sel->files = files;
		free(copy);
		fclose(f);
		return -ENOMEM;
	}
	sel->files = files;
	sel->files[sel->nfiles++] = copy;
	while ((len = getline(&line, &cap, f)) >= 0) {
		const char *nul = memchr(line, '\0', (size_t)len);

		lineno++;
		if (nul) { /* the two objcopys read it differently: refuse rather than guess */
			symfence_report(ctx, SYMFENCE_ERROR, path, lineno,
					(unsigned int)(nul - line) + 1, NULL,
					"NUL byte in the symbols file (symbols files are text)");
			err = -EINVAL;
			continue;
		}
		name = sf_symbols_line(ctx, path, lineno, line);
		if (!name)
			continue;
		name = strdup(name);
		if (!name || sf_add_name(sel, name, name, copy, lineno)) {
			err = -ENOMEM;
			break;
		}
	}
	if (!err && ferror(f)) {
		err = -EIO;
		symfence_error(ctx, path, "cannot read: %s", strerror(errno));
	}
	free(line);
	fclose(f);
	return err;
}

int symfence_selection_add_library(struct symfence_selection *sel,
				   const struct symfence_library *lib)
{
	struct sf_libsel *libs = realloc(sel->libs, (sel->nlibs + 1) * sizeof(*libs));
	struct sf_libsel *l;

	if (!libs)
		return -ENOMEM;
	sel->libs = libs;
	l = &libs[sel->nlibs++];
	l->lib = lib;
	l->base = sel->count;
	l->nprivate = symfence_library_npatterns(lib, SYMFENCE_PAT_PRIVATE);
	l->has_public = symfence_library_npatterns(lib, SYMFENCE_PAT_PUBLIC) > 0;
	sel->count += l->nprivate + (l->has_public ? 1 : 0);
	return 0;
}

const char *symfence_relative_path(const char *path, const char *root)
{
	size_t n;

	if (root && strcmp(root, ".")) {
		n = strlen(root);
		while (n > 1 && root[n - 1] == '/')
			n--;
		if (!strncmp(path, root, n) && path[n] == '/')
			path += n + 1;
	}
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	return path;
}

int symfence_selection_add_policy(struct symfence_ctx *ctx, struct symfence_selection *sel,
				  const struct symfence_policy *policy, const char *library,
				  const char *root, const char *object_path)
{
	char *root_abs, *rel;
	size_t i, found = 0;
	int err = 0;

	if (library) {
		const struct symfence_library *lib = symfence_policy_find(policy, library);

		if (!lib) {
			const char *hint = symfence_policy_suggest_library(policy, library);

			if (hint)
				symfence_error(ctx, NULL,
					       "no library '%s' in the rules (did you mean '%s'?)",
					       library, hint);
			else
				symfence_error(ctx, NULL, "no library '%s' in the rules", library);
			return -ENOENT;
		}
		return symfence_selection_add_library(sel, lib);
	}
	/* The path as the audit matches it: normalised, below the root, no .xz/.zst/.gz. */
	root_abs = realpath(root ? root : ".", NULL);
	rel = sf_rule_path(object_path, root, root_abs);
	free(root_abs);
	if (!rel)
		return -ENOMEM;
	for (i = 0; i < symfence_policy_nlibs(policy) && !err; i++) {
		const struct symfence_library *lib = symfence_policy_lib(policy, i);

		if (symfence_library_match_object(lib, SYMFENCE_PAT_OBJECTS, rel) < 0)
			continue;
		err = symfence_selection_add_library(sel, lib);
		found++;
	}
	free(rel);
	if (err)
		return err;
	if (!found) {
		symfence_error(ctx, object_path,
			       "belongs to no library of the rules (name one with -l LIBRARY)");
		return -ENOENT;
	}
	return 0;
}

size_t symfence_selection_count(const struct symfence_selection *sel)
{
	return sel->count;
}

size_t symfence_selection_nlibs(const struct symfence_selection *sel)
{
	return sel->nlibs;
}

const struct symfence_library *symfence_selection_lib(const struct symfence_selection *sel,
						      size_t i)
{
	return i < sel->nlibs ? sel->libs[i].lib : NULL;
}

int symfence_selection_match(void *arg, const char *name, const GElf_Sym *sym, Elf32_Word shndx)
{
	struct symfence_selection *sel = arg;
	size_t i;

	if (sel->nnames) {
		size_t len = strlen(name);
		const struct sf_hent *e =
			sf_htab_get(&sel->index, sf_hash(name, len, false), name, len);

		if (e)
			return (int)sel->names[e->val].id;
	}
	for (i = 0; i < sel->nlibs; i++) {
		const struct sf_libsel *l = &sel->libs[i];
		int p = symfence_library_match_symbol(l->lib, SYMFENCE_PAT_PRIVATE, name);

		if (p >= 0)
			return (int)(l->base + (size_t)p);
		if (l->has_public && shndx != SHN_UNDEF && !symfence_module_entry_point(name) &&
		    symfence_library_match_symbol(l->lib, SYMFENCE_PAT_PUBLIC, name) < 0)
			return (int)(l->base + l->nprivate);
	}
	return -1;
}

/* Suggestions cost a pass over the symbols each: only for the first few names. */
#define SF_MAX_SUGGESTIONS 8

/*
 * The global or weak name obj defines closest to name, for "did you mean", or
 * NULL. Not an undefined one: it could not be localized here.
 */
static const char *sf_suggest_symbol(const struct symfence_object *obj, const char *name)
{
	struct sf_suggest sug;
	size_t i;

	sf_suggest_init(&sug, name, false);
	for (i = 1; obj && i < symfence_object_nsyms(obj) && sug.bestd; i++) {
		GElf_Sym sym;
		const char *n;

		if (!symfence_object_sym(obj, i, &sym, NULL, &n) && *n &&
		    GELF_ST_BIND(sym.st_info) != STB_LOCAL && sym.st_shndx != SHN_UNDEF)
			sf_suggest_offer(&sug, n);
	}
	return sug.best;
}

/* Is name the name of a local symbol of obj? (Only asked about names that matched nothing.) */
static bool sf_local_named(const struct symfence_object *obj, const char *name)
{
	size_t i;

	for (i = 1; obj && i < symfence_object_nsyms(obj); i++) {
		GElf_Sym sym;
		const char *n;

		if (!symfence_object_sym(obj, i, &sym, NULL, &n) &&
		    GELF_ST_BIND(sym.st_info) == STB_LOCAL && !strcmp(n, name))
			return true;
	}
	return false;
}

int symfence_selection_report_unmatched(struct symfence_ctx *ctx,
					const struct symfence_selection *sel, const size_t *hits,
					const struct symfence_object *obj, const char *object,
					bool allow_missing)
{
	enum symfence_severity sev = allow_missing ? SYMFENCE_WARNING : SYMFENCE_ERROR;
	size_t i, j, nsuggested = 0;
	int err = 0;

	for (i = 0; i < sel->nnames; i++) {
		const struct sf_name *n = &sel->names[i];
		const char *what, *hint = NULL;
		char mean[256] = "";

		if (hits[n->id])
			continue;
		if (sf_local_named(obj, n->name)) {
			what = "is already local in";
		} else {
			what = "is not in";
			/* errors only: --allow-missing runs may miss many names on purpose */
			if (!allow_missing && nsuggested < SF_MAX_SUGGESTIONS) {
				nsuggested++;
				hint = sf_suggest_symbol(obj, n->name);
			}
		}
		if (hint)
			snprintf(mean, sizeof(mean), " (did you mean '%s'?)", hint);
		if (n->file)
			symfence_report(ctx, sev, n->file, n->line, 1, NULL, "symbol '%s' %s %s%s",
					n->name, what, object, mean);
		else
			symfence_report(ctx, sev, object, 0, 0, NULL,
					"symbol '%s' %s this object%s%s", n->name, what, mean,
					allow_missing ? "" : " (--allow-missing ignores this)");
		if (!allow_missing)
			err = -ENOENT;
	}
	for (i = 0; i < sel->nlibs; i++) {
		const struct sf_libsel *l = &sel->libs[i];

		for (j = 0; j < l->nprivate; j++) {
			struct symfence_pattern_info info;

			if (hits[l->base + j])
				continue;
			symfence_library_pattern(l->lib, SYMFENCE_PAT_PRIVATE, j, &info);
			symfence_report(
				ctx, SYMFENCE_ERROR, info.file, info.line, info.col, NULL,
				"private pattern '%s' of library '%s' matches no symbol in %s",
				info.text, symfence_library_name(l->lib), object);
			err = -ENOENT;
		}
	}
	return err;
}

int symfence_selection_plan(struct symfence_ctx *ctx, struct symfence_selection *sel,
			    struct symfence_object *obj, const struct symfence_localize_opts *opts,
			    const char *object, bool allow_missing, struct symfence_plan **plan)
{
	struct symfence_localize_opts o = *opts;
	size_t *hits;
	int err, unmatched;

	*plan = NULL;
	o.select = symfence_selection_match;
	o.select_arg = sel;
	o.nselectors = symfence_selection_count(sel);
	hits = calloc(o.nselectors + 1, sizeof(*hits));
	if (!hits) {
		symfence_error(ctx, NULL, "out of memory");
		return -ENOMEM;
	}
	o.hits = hits;
	err = symfence_localize_plan(ctx, obj, &o, plan);
	if (err && err != -EPERM) {
		free(hits);
		return err;
	}
	/* Every problem of the request: the refusals, then the requests that matched nothing. */
	unmatched = symfence_selection_report_unmatched(ctx, sel, hits, obj, object, allow_missing);
	free(hits);
	if (unmatched || err) {
		symfence_plan_free(*plan);
		*plan = NULL;
		return unmatched ? unmatched : err;
	}
	return 0;
}
