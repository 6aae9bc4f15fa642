// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rules language (symfence-rules(5)): a line-oriented lexer, a parser that
 * follows includes, the checks that need the whole policy, and the queries.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <symfence/rules.h>

#include "internal.h"
#include "pattern.h"

#define MAX_DIAGS_PER_FILE 20
#define NONE SIZE_MAX

struct rfile {
	const char *name; /* as diagnostics show it */
	dev_t dev;
	ino_t ino;
	unsigned int ndiags, nerrors;
	bool stopped; /* too many diagnostics */
	bool open;    /* being read: on the include stack */
};

struct pat {
	const char *text;   /* as written */
	const char *key;    /* what is matched: the text, without "./" for objects */
	const char *symbol; /* waive: the symbol pattern */
	const struct symfence_library *lib;
	const struct rfile *file;
	unsigned int line, col;
	bool literal; /* of the symbol pattern: no wildcard */
};

struct patlist {
	struct pat *v;
	size_t n, cap;
	struct sf_index ix; /* symbol kinds and waive: by symbol; objects, allow: by path */
};

struct symfence_library {
	const char *name;
	const struct rfile *file;
	unsigned int line, col;
	const char *hint;
	unsigned int hint_line, hint_col;
	bool duplicate; /* a second library of that name: reported, left out of checks */
	struct patlist pats[SYMFENCE_PAT_KINDS];
};

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

struct symfence_policy {
	struct symfence_library **libs;
	size_t nlibs, libcap;
	struct rfile **files;
	size_t nfiles, filecap;
	struct sf_htab names; /* library name -> index in libs */
	struct chunk *strings;
};

struct word {
	const char *text;
	unsigned int line, col;
	bool quoted;
};

struct loader {
	struct symfence_ctx *ctx;
	struct symfence_policy *pol;
	struct rfile **stack; /* the include chain being read */
	size_t depth, stackcap;
	struct word *words; /* the logical line being read */
	size_t nwords, wordcap;
	char *buf; /* a quoted string being read */
	size_t buflen, bufcap;
	struct symfence_library *lib; /* the open block, NULL outside one */
	bool quiet_orphans;	      /* "outside a library" was said for this stretch */
	int err;		      /* -ENOMEM once memory ran out */
};

static const char *const kind_names[SYMFENCE_PAT_KINDS] = {
	[SYMFENCE_PAT_OBJECTS] = "objects", [SYMFENCE_PAT_PUBLIC] = "public",
	[SYMFENCE_PAT_PRIVATE] = "private", [SYMFENCE_PAT_ALLOW] = "allow",
	[SYMFENCE_PAT_WAIVE] = "waive",
};

static const char *const directives[] = {
	"library", "objects", "public", "private", "allow", "waive", "hint", "include",
};

/* Strings live as long as the policy, in a few large chunks. */
static char *pol_strndup(struct symfence_policy *pol, const char *s, size_t len)
{
	struct chunk *c = pol->strings;
	char *p;

	if (!c || c->size - c->used < len + 1) {
		size_t size = len + 1 > 16384 ? len + 1 : 16384;

		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->used = 0;
		c->size = size;
		c->next = pol->strings;
		pol->strings = c;
	}
	p = c->data + c->used;
	if (len) /* an empty quoted string may come with s == NULL */
		memcpy(p, s, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

static void lvreport(struct loader *ld, struct rfile *f, enum symfence_severity sev,
		     unsigned int line, unsigned int col, const char *fmt, va_list ap)
{
	if (f->stopped)
		return;
	if (++f->ndiags > MAX_DIAGS_PER_FILE) {
		f->stopped = true;
		symfence_error(ld->ctx, f->name, "too many errors, stopping");
		return;
	}
	symfence_vreport(ld->ctx, sev, f->name, line, col, NULL, fmt, ap);
}

static int lerror(struct loader *ld, struct rfile *f, unsigned int line, unsigned int col,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void lwarning(struct loader *ld, struct rfile *f, unsigned int line, unsigned int col,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Reports an error in a rules file; returns -EINVAL. */
static int lerror(struct loader *ld, struct rfile *f, unsigned int line, unsigned int col,
		  const char *fmt, ...)
{
	va_list ap;

	f->nerrors++;
	va_start(ap, fmt);
	lvreport(ld, f, SYMFENCE_ERROR, line, col, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Warnings come from the checks after reading, and only for files without errors. */
static void lwarning(struct loader *ld, struct rfile *f, unsigned int line, unsigned int col,
		     const char *fmt, ...)
{
	va_list ap;

	if (f->nerrors)
		return;
	va_start(ap, fmt);
	lvreport(ld, f, SYMFENCE_WARNING, line, col, fmt, ap);
	va_end(ap);
}

static int nomem(struct loader *ld)
{
	if (!ld->err)
		symfence_error(ld->ctx, NULL, "out of memory");
	ld->err = -ENOMEM;
	return -ENOMEM;
}

/* ---- lexer ---- */

static int add_word(struct loader *ld, const char *s, size_t len, unsigned int line,
		    unsigned int col, bool quoted)
{
	struct word *w;

	if (sf_grow(ld->words, ld->wordcap, ld->nwords + 1, 8))
		return nomem(ld);
	w = &ld->words[ld->nwords];
	w->text = pol_strndup(ld->pol, s, len);
	if (!w->text)
		return nomem(ld);
	w->line = line;
	w->col = col;
	w->quoted = quoted;
	ld->nwords++;
	return 0;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Only blanks, then maybe a comment, up to the end of the line? */
static bool rest_is_empty(const char *s, size_t n)
{
	while (n && blank(*s))
		s++, n--;
	return !n || *s == '#';
}

/* A quoted string starting at s[i] ('"'); returns where it ends, or n when it does not. */
static size_t lex_quoted(struct loader *ld, struct rfile *f, const char *s, size_t i, size_t n,
			 unsigned int line, bool *bad)
{
	size_t start = i++;

	ld->buflen = 0;
	for (; i < n && s[i] != '"'; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			if (s[i + 1] == '"' || s[i + 1] == '\\') {
				i++;
			} else {
				lerror(ld, f, line, (unsigned int)i + 1,
				       "unknown escape '\\%c' in quoted string (only \\\" and \\\\ are escapes)",
				       s[i + 1]);
				*bad = true;
			}
		}
		if (sf_grow(ld->buf, ld->bufcap, ld->buflen + 1, 8)) {
			nomem(ld);
			return n;
		}
		ld->buf[ld->buflen++] = s[i];
	}
	if (i == n) {
		lerror(ld, f, line, (unsigned int)start + 1, "unterminated quoted string");
		*bad = true;
		return n;
	}
	add_word(ld, ld->buf, ld->buflen, line, (unsigned int)start + 1, true);
	return i + 1;
}

/*
 * Splits one physical line into words appended to ld->words. Returns true
 * when the line ends in a '\' (before any comment): the next line continues it.
 */
static bool lex_line(struct loader *ld, struct rfile *f, const char *s, size_t n, unsigned int line,
		     bool *bad)
{
	size_t i = 0, start;

	while (i < n && !ld->err) {
		if (blank(s[i])) {
			i++;
			continue;
		}
		if (s[i] == '#')
			break;
		if (s[i] == '"') {
			i = lex_quoted(ld, f, s, i, n, line, bad);
			continue;
		}
		start = i;
		while (i < n && !blank(s[i]) && s[i] != '#' && s[i] != '"')
			i++;
		if (s[i - 1] == '\\' && rest_is_empty(s + i, n - i)) {
			if (i - start > 1)
				add_word(ld, s + start, i - start - 1, line,
					 (unsigned int)start + 1, false);
			return true;
		}
		add_word(ld, s + start, i - start, line, (unsigned int)start + 1, false);
	}
	return false;
}

/* ---- parser ---- */

static const char *suggest_directive(const char *word)
{
	struct sf_suggest sug;
	size_t i;

	sf_suggest_init(&sug, word, true);
	for (i = 0; i < ARRAY_SIZE(directives); i++)
		sf_suggest_offer(&sug, directives[i]);
	return sug.best;
}

static int add_pattern(struct loader *ld, struct rfile *f, enum symfence_pattern_kind kind,
		       const struct word *w, const struct word *symbol)
{
	struct patlist *pl = &ld->lib->pats[kind];
	bool object = kind == SYMFENCE_PAT_OBJECTS || kind == SYMFENCE_PAT_ALLOW ||
		      kind == SYMFENCE_PAT_WAIVE;
	char why[256];
	const char *bad;
	struct pat *p;

	bad = sf_glob_check(w->text, object, why, sizeof(why));
	if (bad)
		return lerror(ld, f, w->line, w->col, "bad pattern '%s': %s", w->text, bad);
	if (symbol) {
		bad = sf_glob_check(symbol->text, false, why, sizeof(why));
		if (bad)
			return lerror(ld, f, symbol->line, symbol->col, "bad pattern '%s': %s",
				      symbol->text, bad);
	}
	if (sf_grow(pl->v, pl->cap, pl->n + 1, 8))
		return nomem(ld);
	p = &pl->v[pl->n++];
	p->text = w->text;
	p->key = object ? sf_skip_dot_slash(w->text) : w->text;
	p->symbol = symbol ? symbol->text : NULL;
	p->lib = ld->lib;
	p->file = f;
	p->line = w->line;
	p->col = w->col;
	p->literal = sf_glob_literal(symbol ? symbol->text : w->text);
	return 0;
}

static int open_library(struct loader *ld, struct rfile *f, const struct word *dir,
			const struct word *args, size_t nargs)
{
	struct symfence_policy *pol = ld->pol;
	struct symfence_library *lib;
	struct sf_hent *e;

	ld->lib = NULL;
	ld->quiet_orphans = true; /* the block's lines are not orphans, whatever happens */
	if (nargs != 1) {
		const struct word *at = nargs ? &args[1] : dir;

		return lerror(ld, f, at->line, at->col, "'library' takes exactly one name");
	}
	if (sf_grow(pol->libs, pol->libcap, pol->nlibs + 1, 8))
		return nomem(ld);
	lib = sf_xcalloc(1, sizeof(*lib));
	if (!lib)
		return nomem(ld);
	pol->libs[pol->nlibs] = lib;
	lib->name = args[0].text;
	lib->file = f;
	lib->line = args[0].line;
	lib->col = args[0].col;
	e = sf_htab_put(&pol->names, lib->name, strlen(lib->name));
	if (!e) {
		free(lib);
		return nomem(ld);
	}
	pol->nlibs++;
	ld->lib = lib;
	if (e->val != NONE) {
		const struct symfence_library *first = pol->libs[e->val];

		/* Its lines are still read, for their own errors, but it is left out of checks. */
		lib->duplicate = true;
		return lerror(ld, f, lib->line, lib->col,
			      "duplicate library '%s' (first defined at %s:%u)", lib->name,
			      first->file->name, first->line);
	}
	e->val = pol->nlibs - 1;
	return 0;
}

static int set_hint(struct loader *ld, struct rfile *f, const struct word *dir,
		    const struct word *args, size_t nargs)
{
	struct symfence_library *lib = ld->lib;

	if (nargs != 1 || !args[0].quoted) {
		const struct word *at = !nargs ? dir : !args[0].quoted ? &args[0] : &args[1];

		return lerror(ld, f, at->line, at->col,
			      "'hint' takes one quoted string, as in: hint \"use dma_map_sg()\"");
	}
	if (lib->hint)
		return lerror(ld, f, dir->line, dir->col,
			      "library '%s' already has a hint (at %s:%u:%u)", lib->name,
			      lib->file->name, lib->hint_line, lib->hint_col);
	lib->hint = args[0].text;
	lib->hint_line = dir->line;
	lib->hint_col = dir->col;
	return 0;
}

static void parse_file(struct loader *ld, const char *name, struct rfile *includer,
		       const struct word *at);

static int include(struct loader *ld, struct rfile *f, const struct word *dir,
		   const struct word *args, size_t nargs)
{
	const char *slash = strrchr(f->name, '/'), *name;
	size_t dirlen;
	char *path;

	/* An include ends the library block before it. */
	ld->lib = NULL;
	ld->quiet_orphans = false;
	if (nargs != 1) {
		const struct word *at = nargs ? &args[1] : dir;

		return lerror(ld, f, at->line, at->col, "'include' takes exactly one file name");
	}
	name = args[0].text;
	dirlen = slash && name[0] != '/' ? (size_t)(slash - f->name) + 1 : 0;
	path = malloc(dirlen + strlen(name) + 1);
	if (!path)
		return nomem(ld);
	memcpy(path, f->name, dirlen);
	strcpy(path + dirlen, name);
	parse_file(ld, path, f, &args[0]);
	free(path);
	ld->lib = NULL;
	ld->quiet_orphans = false;
	return 0;
}

static int directive(struct loader *ld, struct rfile *f)
{
	const struct word *dir = &ld->words[0], *args = dir + 1;
	size_t i, nargs = ld->nwords - 1;
	const char *d = dir->text, *hint;
	int kind = -1;

	if (!strcmp(d, "library"))
		return open_library(ld, f, dir, args, nargs);
	if (!strcmp(d, "include"))
		return include(ld, f, dir, args, nargs);
	for (i = 0; i < SYMFENCE_PAT_KINDS; i++)
		if (!strcmp(d, kind_names[i]))
			kind = (int)i;
	if (kind < 0 && strcmp(d, "hint")) {
		hint = suggest_directive(d);
		if (!ld->lib)
			ld->quiet_orphans = true; /* probably a misspelled 'library' */
		if (hint)
			return lerror(ld, f, dir->line, dir->col,
				      "unknown directive '%s' (did you mean '%s'?)", d, hint);
		return lerror(ld, f, dir->line, dir->col, "unknown directive '%s'", d);
	}
	if (!ld->lib) {
		if (ld->quiet_orphans)
			return -EINVAL;
		ld->quiet_orphans = true;
		return lerror(ld, f, dir->line, dir->col,
			      "'%s' outside a library (start a block with 'library NAME')", d);
	}
	if (kind < 0)
		return set_hint(ld, f, dir, args, nargs);
	if (kind == SYMFENCE_PAT_WAIVE) {
		if (nargs != 2) {
			const struct word *at = nargs < 2 ? dir : &args[2];

			return lerror(ld, f, at->line, at->col,
				      "'waive' takes two words, OBJECT SYMBOL (got %zu)", nargs);
		}
		return add_pattern(ld, f, SYMFENCE_PAT_WAIVE, &args[0], &args[1]);
	}
	if (!nargs)
		return lerror(ld, f, dir->line, dir->col,
			      "empty pattern list: '%s' needs at least one pattern", d);
	for (i = 0; i < nargs && !ld->err; i++)
		add_pattern(ld, f, kind, &args[i], NULL);
	return 0;
}

static void parse_text(struct loader *ld, struct rfile *f, const char *text, size_t len)
{
	const char *line, *eol, *nul;
	size_t pos = 0, n;
	unsigned int lineno = 0;
	bool bad = false, more;

	ld->lib = NULL;
	ld->quiet_orphans = false;
	ld->nwords = 0;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos = 3; /* a UTF-8 byte order mark */
	while (pos < len && !f->stopped && !ld->err) {
		line = text + pos;
		eol = memchr(line, '\n', len - pos);
		n = eol ? (size_t)(eol - line) : len - pos;
		pos += n + 1;
		lineno++;
		nul = memchr(line, '\0', n);
		if (nul) { /* it would cut the word it is in: "iommu_\0map" read as "iommu_" */
			lerror(ld, f, lineno, (unsigned int)(nul - line) + 1,
			       "NUL byte in the rules file (rules files are text)");
			bad = true;
		}
		more = lex_line(ld, f, line, n, lineno, &bad);
		if (more && pos < len)
			continue;
		if (ld->nwords && !bad && !ld->err)
			directive(ld, f);
		ld->nwords = 0;
		bad = false;
	}
}

#define SF_RULES_MAX (16u << 20)

static int read_all(int fd, char **data, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ssize_t r;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (sf_grow(buf, cap, n + 1, 4096)) {
			free(buf);
			return -ENOMEM;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			free(buf);
			return (int)r;
		}
		if (!r)
			break;
		n += (size_t)r;
		if (n > SF_RULES_MAX) { /* /dev/zero or a runaway pipe, not rules */
			free(buf);
			return -EFBIG;
		}
	}
	*data = buf;
	*len = n;
	return 0;
}

static int report_cycle(struct loader *ld, struct rfile *includer, const struct word *at,
			const struct rfile *again)
{
	char *chain = NULL;
	size_t size = 0, i = 0;
	FILE *m = open_memstream(&chain, &size);
	int err;

	if (!m)
		return nomem(ld);
	while (ld->stack[i] != again)
		i++;
	for (; i < ld->depth; i++)
		fprintf(m, "%s -> ", ld->stack[i]->name);
	fprintf(m, "%s", again->name);
	if (fclose(m)) {
		free(chain);
		return nomem(ld);
	}
	err = lerror(ld, includer, at->line, at->col, "include cycle: %s", chain);
	free(chain);
	return err;
}

/*
 * Reads one file (at: the include's file name in includer, NULL for a file
 * named by the caller). A file already read is not read again; one still
 * being read closes a cycle.
 */
static void parse_file(struct loader *ld, const char *name, struct rfile *includer,
		       const struct word *at)
{
	struct symfence_policy *pol = ld->pol;
	struct rfile *f = NULL;
	char *text = NULL;
	struct stat st;
	size_t i, len = 0;
	const char *why = NULL;
	int fd, err;

	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		err = errno;
		goto unreadable;
	}
	for (i = 0; i < pol->nfiles; i++) {
		if (pol->files[i]->dev != st.st_dev || pol->files[i]->ino != st.st_ino)
			continue;
		if (pol->files[i]->open)
			report_cycle(ld, includer, at, pol->files[i]);
		goto out;
	}
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode)) {
		why = "not a file or a pipe";
		goto unreadable;
	}
	err = S_ISDIR(st.st_mode) ? EISDIR : -read_all(fd, &text, &len);
	if (err == EFBIG)
		why = "larger than 16 MiB, not a rules file";
	if (err == ENOMEM)
		goto nomem;
	if (err)
		goto unreadable;
	if (sf_grow(pol->files, pol->filecap, pol->nfiles + 1, 8) ||
	    sf_grow(ld->stack, ld->stackcap, ld->depth + 1, 8))
		goto nomem;
	f = sf_xcalloc(1, sizeof(*f));
	if (!f)
		goto nomem;
	f->name = pol_strndup(pol, name, strlen(name));
	if (!f->name) {
		free(f);
		goto nomem;
	}
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	pol->files[pol->nfiles++] = f;
	f->open = true;
	ld->stack[ld->depth++] = f;
	parse_text(ld, f, text, len);
	ld->depth--;
	f->open = false;
	goto out;

unreadable:
	if (!why)
		why = strerror(err);
	if (includer)
		lerror(ld, includer, at->line, at->col, "cannot include '%s': %s", name, why);
	else
		symfence_error(ld->ctx, name, "cannot read rules file: %s", why);
	goto out;
nomem:
	nomem(ld);
out:
	free(text);
	if (fd >= 0)
		close(fd);
}

/* ---- checks that need the whole policy ---- */

static struct rfile *file_of(const struct pat *p)
{
	return (struct rfile *)p->file;
}

static const struct pat *pat_at(const struct sf_hent *e)
{
	return (const struct pat *)(uintptr_t)e->val;
}

/* The same pattern twice in one list of one library: harmless, but a slip. */
static void check_repeats(struct loader *ld, const struct symfence_library *lib,
			  enum symfence_pattern_kind kind)
{
	const struct patlist *pl = &lib->pats[kind];
	struct sf_htab seen = { 0 };
	const struct pat *p, *first;
	const char *key;
	struct sf_hent *e;
	size_t i;

	for (i = 0; i < pl->n; i++) {
		p = &pl->v[i];
		key = p->text;
		if (p->symbol) {
			char *both;

			if (asprintf(&both, "%s %s", p->text, p->symbol) < 0 ||
			    !(key = pol_strndup(ld->pol, both, strlen(both))))
				nomem(ld);
			free(both);
			if (ld->err)
				break;
		}
		e = sf_htab_put(&seen, key, strlen(key));
		if (!e) {
			nomem(ld);
			break;
		}
		if (e->val == NONE) {
			e->val = i;
			continue;
		}
		first = &pl->v[e->val];
		lwarning(ld, file_of(p), p->line, p->col,
			 "'%s' is listed twice in '%s' of library '%s' (first at %s:%u:%u)", key,
			 kind_names[kind], lib->name, first->file->name, first->line, first->col);
	}
	sf_htab_free(&seen);
}

static void check_library(struct loader *ld, const struct symfence_library *lib)
{
	const struct patlist *pub = &lib->pats[SYMFENCE_PAT_PUBLIC];
	const struct patlist *priv = &lib->pats[SYMFENCE_PAT_PRIVATE];
	struct sf_htab privtext = { 0 };
	const struct pat *p, *q;
	struct sf_hent *e;
	size_t i;
	int j;

	for (i = 0; i < SYMFENCE_PAT_KINDS; i++)
		check_repeats(ld, lib, i);
	if (!pub->n && !priv->n)
		lwarning(ld, (struct rfile *)lib->file, lib->line, lib->col,
			 "library '%s' has no 'private' or 'public' patterns: it hides nothing",
			 lib->name);

	for (i = 0; i < priv->n && !ld->err; i++) {
		e = sf_htab_put(&privtext, priv->v[i].text, strlen(priv->v[i].text));
		if (!e)
			nomem(ld);
		else if (e->val == NONE)
			e->val = (uintptr_t)&priv->v[i];
	}
	for (i = 0; i < pub->n && !ld->err; i++) {
		p = &pub->v[i];
		e = sf_htab_get(&privtext, sf_hash(p->text, strlen(p->text), false), p->text,
				strlen(p->text));
		if (e) {
			q = pat_at(e);
			lerror(ld, file_of(p), p->line, p->col,
			       "'%s' is both public and private in library '%s' (private at %s:%u:%u)",
			       p->text, lib->name, q->file->name, q->line, q->col);
			continue;
		}
		if (!p->literal)
			continue;
		j = symfence_library_match_symbol(lib, SYMFENCE_PAT_PRIVATE, p->text);
		if (j < 0)
			continue;
		q = &priv->v[j];
		lerror(ld, file_of(p), p->line, p->col,
		       "'%s' is both public and private in library '%s' (private through '%s' at %s:%u:%u)",
		       p->text, lib->name, q->text, q->file->name, q->line, q->col);
	}
	sf_htab_free(&privtext);
}

/* A symbol private in two libraries: same pattern text, or a name one library's glob matches. */
static void check_across(struct loader *ld)
{
	struct symfence_policy *pol = ld->pol;
	const struct symfence_library *lib, *other;
	const struct patlist *priv;
	struct sf_htab seen = { 0 };
	const struct pat *p, *q;
	struct sf_hent *e;
	size_t li, lj, i;
	int j;

	for (li = 0; li < pol->nlibs && !ld->err; li++) {
		lib = pol->libs[li];
		priv = &lib->pats[SYMFENCE_PAT_PRIVATE];
		for (i = 0; !lib->duplicate && i < priv->n; i++) {
			p = &priv->v[i];
			e = sf_htab_put(&seen, p->text, strlen(p->text));
			if (!e) {
				nomem(ld);
				break;
			}
			if (e->val == NONE) {
				e->val = (uintptr_t)p;
			} else if ((q = pat_at(e))->lib != lib) {
				lerror(ld, file_of(p), p->line, p->col,
				       "'%s' is private in library '%s' and in library '%s' (%s:%u:%u)",
				       p->text, lib->name, q->lib->name, q->file->name, q->line,
				       q->col);
				continue;
			}
			if (!p->literal)
				continue;
			for (lj = 0; lj < pol->nlibs; lj++) {
				other = pol->libs[lj];
				if (other == lib || other->duplicate)
					continue;
				j = symfence_library_match_symbol(other, SYMFENCE_PAT_PRIVATE,
								  p->text);
				if (j < 0)
					continue;
				q = &other->pats[SYMFENCE_PAT_PRIVATE].v[j];
				if (q->literal) /* the same text: said above, from its side */
					continue;
				lerror(ld, file_of(p), p->line, p->col,
				       "'%s' is private in library '%s' and, through '%s', in library '%s' (%s:%u:%u)",
				       p->text, lib->name, q->text, other->name, q->file->name,
				       q->line, q->col);
			}
		}
	}
	sf_htab_free(&seen);
}

static int build_indexes(struct symfence_library *lib)
{
	const char **keys;
	struct patlist *pl;
	size_t k, i;
	int err = 0;

	for (k = 0; k < SYMFENCE_PAT_KINDS && !err; k++) {
		pl = &lib->pats[k];
		keys = sf_xcalloc(pl->n, sizeof(*keys));
		if (!keys)
			return -ENOMEM;
		for (i = 0; i < pl->n; i++)
			keys[i] = pl->v[i].symbol ? pl->v[i].symbol : pl->v[i].key;
		err = sf_index_build(&pl->ix, keys, pl->n);
		free(keys);
	}
	return err;
}

int symfence_policy_load(struct symfence_ctx *ctx, const char *const *files, size_t nfiles,
			 struct symfence_policy **out)
{
	struct loader ld = { .ctx = ctx };
	unsigned int errors = ctx->errors;
	size_t i;
	int err;

	*out = NULL;
	ld.pol = sf_xcalloc(1, sizeof(*ld.pol));
	if (!ld.pol) {
		symfence_error(ctx, NULL, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < nfiles && !ld.err; i++)
		parse_file(&ld, files[i], NULL, NULL);
	for (i = 0; i < ld.pol->nlibs && !ld.err; i++)
		if (build_indexes(ld.pol->libs[i]))
			nomem(&ld);
	for (i = 0; i < ld.pol->nlibs && !ld.err; i++)
		if (!ld.pol->libs[i]->duplicate)
			check_library(&ld, ld.pol->libs[i]);
	if (!ld.err)
		check_across(&ld);

	err = ld.err ? ld.err : ctx->errors != errors ? -EINVAL : 0;
	free(ld.stack);
	free(ld.words);
	free(ld.buf);
	if (err) {
		symfence_policy_free(ld.pol);
		return err;
	}
	*out = ld.pol;
	return 0;
}

void symfence_policy_free(struct symfence_policy *pol)
{
	struct chunk *c, *next;
	size_t i, k;

	if (!pol)
		return;
	for (i = 0; i < pol->nlibs; i++) {
		for (k = 0; k < SYMFENCE_PAT_KINDS; k++) {
			free(pol->libs[i]->pats[k].v);
			sf_index_free(&pol->libs[i]->pats[k].ix);
		}
		free(pol->libs[i]);
	}
	for (i = 0; i < pol->nfiles; i++)
		free(pol->files[i]);
	for (c = pol->strings; c; c = next) {
		next = c->next;
		free(c);
	}
	sf_htab_free(&pol->names);
	free(pol->libs);
	free(pol->files);
	free(pol);
}

/* ---- queries ---- */

size_t symfence_policy_nlibs(const struct symfence_policy *pol)
{
	return pol->nlibs;
}

size_t symfence_policy_nfiles(const struct symfence_policy *pol)
{
	return pol->nfiles;
}

const char *symfence_policy_file(const struct symfence_policy *pol, size_t i)
{
	return i < pol->nfiles ? pol->files[i]->name : NULL;
}

const struct symfence_library *symfence_policy_lib(const struct symfence_policy *pol, size_t i)
{
	return i < pol->nlibs ? pol->libs[i] : NULL;
}

const struct symfence_library *symfence_policy_find(const struct symfence_policy *pol,
						    const char *name)
{
	size_t len = strlen(name);
	struct sf_hent *e = sf_htab_get(&pol->names, sf_hash(name, len, false), name, len);

	return e ? pol->libs[e->val] : NULL;
}

const char *symfence_policy_suggest_library(const struct symfence_policy *pol, const char *name)
{
	struct sf_suggest sug;
	size_t i;

	sf_suggest_init(&sug, name, true);
	for (i = 0; i < pol->nlibs; i++)
		sf_suggest_offer(&sug, pol->libs[i]->name);
	return sug.best;
}

const struct symfence_library *symfence_policy_owner(const struct symfence_policy *pol,
						     const char *path)
{
	size_t i;

	for (i = 0; i < pol->nlibs; i++)
		if (symfence_library_match_object(pol->libs[i], SYMFENCE_PAT_OBJECTS, path) >= 0)
			return pol->libs[i];
	return NULL;
}

const char *symfence_library_name(const struct symfence_library *lib)
{
	return lib->name;
}

const char *symfence_library_file(const struct symfence_library *lib)
{
	return lib->file->name;
}

unsigned int symfence_library_line(const struct symfence_library *lib)
{
	return lib->line;
}

const char *symfence_library_hint(const struct symfence_library *lib)
{
	return lib->hint;
}

size_t symfence_library_npatterns(const struct symfence_library *lib,
				  enum symfence_pattern_kind kind)
{
	return kind < SYMFENCE_PAT_KINDS ? lib->pats[kind].n : 0;
}

void symfence_library_pattern(const struct symfence_library *lib, enum symfence_pattern_kind kind,
			      size_t i, struct symfence_pattern_info *info)
{
	const struct pat *p = &lib->pats[kind].v[i];

	info->text = p->text;
	info->symbol = p->symbol;
	info->file = p->file->name;
	info->line = p->line;
	info->col = p->col;
}

struct query {
	const struct patlist *pl;
	const char *symbol;
	const char *path;
};

static bool symbol_matches(const struct pat *p, const char *name)
{
	const char *pat = p->symbol ? p->symbol : p->key;

	return p->literal ? !strcmp(pat, name) : sf_glob_match(pat, name, false, false);
}

static bool symbol_ok(void *arg, size_t i)
{
	const struct query *q = arg;

	return symbol_matches(&q->pl->v[i], q->symbol);
}

static int as_index(size_t i)
{
	return i == NONE ? -1 : (int)i;
}

int symfence_library_match_symbol(const struct symfence_library *lib,
				  enum symfence_pattern_kind kind, const char *name)
{
	struct query q = { .symbol = name };

	if (kind != SYMFENCE_PAT_PUBLIC && kind != SYMFENCE_PAT_PRIVATE &&
	    kind != SYMFENCE_PAT_WAIVE)
		return -1;
	q.pl = &lib->pats[kind];
	return as_index(sf_index_first(&q.pl->ix, name, strlen(name), NONE, symbol_ok, &q));
}

struct each {
	struct query q;
	void (*fn)(void *arg, size_t i);
	void *arg;
	size_t n;
};

/* Reports each match and says no, so that every candidate is tried. */
static bool each_ok(void *arg, size_t i)
{
	struct each *e = arg;

	if (symbol_ok(&e->q, i)) {
		e->fn(e->arg, i);
		e->n++;
	}
	return false;
}

size_t symfence_library_match_symbol_each(const struct symfence_library *lib,
					  enum symfence_pattern_kind kind, const char *name,
					  void (*fn)(void *arg, size_t i), void *arg)
{
	struct each e = { .q = { .symbol = name }, .fn = fn, .arg = arg };

	if (kind != SYMFENCE_PAT_PUBLIC && kind != SYMFENCE_PAT_PRIVATE &&
	    kind != SYMFENCE_PAT_WAIVE)
		return 0;
	e.q.pl = &lib->pats[kind];
	sf_index_first(&e.q.pl->ix, name, strlen(name), NONE, each_ok, &e);
	return e.n;
}

/*
 * The first object pattern of pl for which ok says yes, among the candidates
 * for path: those indexed under the path, its file name, and for a module its
 * "name.ko" and module name.
 */
static size_t first_object(const struct patlist *pl, const char *path,
			   bool (*ok)(void *arg, size_t i), void *arg)
{
	size_t best, modlen, len;
	const char *base;

	path = sf_skip_dot_slash(path);
	best = sf_index_first(&pl->ix, path, strlen(path), NONE, ok, arg);
	modlen = sf_module_name_len(path, &base);
	len = strlen(base);
	if (base != path)
		best = sf_index_first(&pl->ix, base, len, best, ok, arg);
	if (modlen && modlen + 3 < len)
		best = sf_index_first(&pl->ix, base, modlen + 3, best, ok, arg);
	if (modlen && modlen < len)
		best = sf_index_first(&pl->ix, base, modlen, best, ok, arg);
	return best;
}

static bool object_ok(void *arg, size_t i)
{
	const struct query *q = arg;

	return symfence_object_pattern_match(q->pl->v[i].key, q->path);
}

int symfence_library_match_object(const struct symfence_library *lib,
				  enum symfence_pattern_kind kind, const char *path)
{
	struct query q = { .path = path };
	size_t i;

	if (kind == SYMFENCE_PAT_OBJECTS || kind == SYMFENCE_PAT_ALLOW) {
		q.pl = &lib->pats[kind];
		return as_index(first_object(q.pl, path, object_ok, &q));
	}
	if (kind == SYMFENCE_PAT_WAIVE) { /* indexed by symbol: look at each */
		q.pl = &lib->pats[kind];
		for (i = 0; i < q.pl->n; i++)
			if (object_ok(&q, i))
				return (int)i;
	}
	return -1;
}

static bool waive_ok(void *arg, size_t i)
{
	return symbol_ok(arg, i) && object_ok(arg, i);
}

int symfence_library_waived(const struct symfence_library *lib, const char *path,
			    const char *symbol)
{
	struct query q = { .pl = &lib->pats[SYMFENCE_PAT_WAIVE], .path = path, .symbol = symbol };

	return as_index(sf_index_first(&q.pl->ix, symbol, strlen(symbol), NONE, waive_ok, &q));
}

/* ---- expanding objects patterns against the tree ---- */

struct walk {
	struct symfence_ctx *ctx;
	const struct patlist *pl;
	const char *path;  /* the file being tried */
	const char *shown; /* the directory walked, for messages */
	bool *hit;	   /* by pattern */
	bool matched;
	char **out;
	size_t n, cap;
	int err;
};

/* Marks every pattern matching w->path; never "the first", so all are tried. */
static bool mark_ok(void *arg, size_t i)
{
	struct walk *w = arg;

	if (symfence_object_pattern_match(w->pl->v[i].key, w->path))
		w->hit[i] = w->matched = true;
	return false;
}

static void walk_file(struct walk *w, const char *rel)
{
	char *copy;

	w->path = rel;
	w->matched = false;
	first_object(w->pl, rel, mark_ok, w);
	if (!w->matched)
		return;
	copy = strdup(rel);
	if (!copy || sf_grow(w->out, w->cap, w->n + 1, 8)) {
		free(copy);
		w->err = -ENOMEM;
		return;
	}
	w->out[w->n++] = copy;
}

static int walk_entry(void *arg, const struct sf_walk_entry *e)
{
	struct walk *w = arg;

	if (e->what == SF_WALK_DIR_ERROR) {
		w->err = -e->err;
		symfence_error(w->ctx, e->depth ? e->path : w->shown, "cannot read directory: %s",
			       strerror(e->err));
	} else if (strlen(e->path) >= PATH_MAX) { /* not a path that can be opened: skipped */
		return e->what == SF_WALK_DIR;
	} else if (e->what == SF_WALK_FILE) {
		walk_file(w, e->path);
	} else if (e->what == SF_WALK_DIR) {
		return 0;
	} /* SF_WALK_STAT_ERROR: a file that went away, or that cannot be told: skipped */
	return w->err == -ENOMEM ? -ENOMEM : 0;
}

/*
 * The files below the directory open at fd (closed here), as paths that start
 * with prefix ("" or "dir/"); shown names it in messages.
 */
static void walk_dir(struct walk *w, int fd, const char *prefix, const char *shown)
{
	int err;

	w->shown = shown;
	err = sf_walk_dir(fd, prefix, 0, walk_entry, w);
	if (err == -ENOMEM)
		w->err = err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory a path pattern's matches all lie in ("" for any), as a length of key. */
static size_t fixed_dir(const char *key)
{
	size_t lit = strcspn(key, "*?[");

	while (lit && key[lit - 1] != '/')
		lit--;
	return lit ? lit - 1 : 0;
}

/*
 * Where to look: only below the fixed directories of the patterns, when they
 * all have one; else the whole root. Returns the count of starts in *starts.
 */
static int walk_starts(const struct patlist *pl, char ***starts, size_t *nstarts)
{
	size_t i, j, n = 0, kept, len;
	char **s;

	*starts = NULL;
	*nstarts = 0;
	for (i = 0; i < pl->n; i++)
		if (!fixed_dir(pl->v[i].key))
			return 0;
	s = sf_xcalloc(pl->n, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (i = 0; i < pl->n; i++) {
		s[n] = strndup(pl->v[i].key, fixed_dir(pl->v[i].key));
		if (!s[n++])
			goto nomem;
	}
	sf_sort(s, n, sizeof(*s), cmp_str);
	/* Keep a directory only when it is not, and is not in, one kept before. */
	for (i = 0, kept = 0; i < n; i++) {
		for (j = 0; j < kept; j++) {
			len = strlen(s[j]);
			if (!strncmp(s[i], s[j], len) && (!s[i][len] || s[i][len] == '/'))
				break;
		}
		if (j < kept)
			free(s[i]);
		else
			s[kept++] = s[i];
	}
	*starts = s;
	*nstarts = kept;
	return 0;
nomem:
	while (n--)
		free(s[n]);
	free(s);
	return -ENOMEM;
}

int symfence_library_expand_objects(struct symfence_ctx *ctx, const struct symfence_library *lib,
				    const char *root, char ***paths, size_t *npaths)
{
	const struct patlist *pl = &lib->pats[SYMFENCE_PAT_OBJECTS];
	struct walk w = { .ctx = ctx, .pl = pl };
	char **starts = NULL, *prefix = NULL, *where = NULL;
	size_t i, j, nstarts = 0;
	int rootfd = -1, fd;

	*paths = NULL;
	*npaths = 0;
	if (!pl->n)
		return 0;
	w.hit = sf_xcalloc(pl->n, sizeof(*w.hit));
	if (!w.hit || walk_starts(pl, &starts, &nstarts)) {
		w.err = -ENOMEM;
		goto out;
	}
	rootfd = open(root ? root : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		w.err = -errno;
		symfence_error(ctx, root ? root : ".", "cannot read directory: %s",
			       strerror(errno));
		goto out;
	}
	if (!nstarts) {
		fd = dup(rootfd);
		if (fd >= 0)
			walk_dir(&w, fd, "", root ? root : ".");
	}
	for (i = 0; i < nstarts && w.err != -ENOMEM; i++) {
		fd = openat(rootfd, starts[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue; /* its patterns match nothing: said below */
		/* "dir/": sf_path_join() keeps a start "." or "a/" as it is ("./x", "a//x"). */
		free(prefix);
		if (asprintf(&prefix, "%s/", starts[i]) < 0) {
			prefix = NULL;
			close(fd);
			w.err = -ENOMEM;
			break;
		}
		walk_dir(&w, fd, prefix, starts[i]);
	}
	if (w.err == -ENOMEM)
		goto out;

	if (!root || asprintf(&where, "'%s'", root) < 0)
		where = NULL;
	for (i = 0; i < pl->n; i++) {
		if (w.hit[i])
			continue;
		symfence_report(ctx, SYMFENCE_ERROR, pl->v[i].file->name, pl->v[i].line,
				pl->v[i].col, NULL,
				"objects pattern '%s' of library '%s' matches no file under %s",
				pl->v[i].text, lib->name, where ? where : "the current directory");
		w.err = w.err ? w.err : -ENOENT;
	}
	if (w.err)
		goto out;
	sf_sort(w.out, w.n, sizeof(*w.out), cmp_str);
	for (i = 0, j = 0; i < w.n; i++) {
		if (j && !strcmp(w.out[i], w.out[j - 1]))
			free(w.out[i]);
		else
			w.out[j++] = w.out[i];
	}
	*paths = w.out;
	*npaths = j;
	w.out = NULL;
	w.n = 0;
out:
	if (w.err == -ENOMEM)
		symfence_error(ctx, NULL, "out of memory");
	for (i = 0; i < w.n; i++)
		free(w.out[i]);
	free(w.out);
	for (i = 0; i < nstarts; i++)
		free(starts[i]);
	free(starts);
	free(where);
	free(prefix);
	free(w.hit);
	if (rootfd >= 0)
		close(rootfd);
	return w.err;
}

int symfence_library_object_files(struct symfence_ctx *ctx, const struct symfence_library *lib,
				  const char *root, char ***paths, size_t *npaths)
{
	char **v, *full;
	size_t n, i;
	int err;

	err = symfence_library_expand_objects(ctx, lib, root, &v, &n);
	if (err)
		return err;
	for (i = 0; root && strcmp(root, ".") && i < n; i++) {
		if (asprintf(&full, "%s/%s", root, v[i]) < 0) {
			symfence_error(ctx, NULL, "out of memory");
			while (n)
				free(v[--n]);
			free(v);
			return -ENOMEM;
		}
		free(v[i]);
		v[i] = full;
	}
	*paths = v;
	*npaths = n;
	return 0;
}

const struct symfence_library *symfence_policy_pick(struct symfence_ctx *ctx,
						    const struct symfence_policy *policy,
						    const char *name)
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
