// SPDX-License-Identifier: GPL-2.0-only
/*
 * The audit's output: the text report (diagnostics through the context, one
 * formatter for every tool), JSON (docs/audit-json-schema.md), SARIF 2.1.0,
 * GitHub workflow commands, and baseline files. Every format says the same
 * thing in the same order: the findings of each input in input order, then
 * the stale waivers and baseline entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <symfence/audit.h>
#include <symfence/localize.h>
#include <symfence/output.h>
#include <symfence/symfence.h>

#include "audit_int.h"
#include "internal.h"

static const char *const kind_names[] = {
	[SYMFENCE_FIND_REFERENCE] = "reference",
	[SYMFENCE_FIND_WEAK_REFERENCE] = "weak-reference",
	[SYMFENCE_FIND_DEFINITION] = "definition",
};

/* "cam_probe+0x2c", ".text+0x2c", or NULL (definitions, unrelocated references); malloc'd. */
static char *finding_where(const struct symfence_finding *f)
{
	char *s = NULL;

	if (f->kind == SYMFENCE_FIND_DEFINITION || (!f->function && !f->section))
		return NULL;
	if (asprintf(&s, "%s+0x%llx", f->function ? f->function : f->section,
		     (unsigned long long)f->offset) < 0)
		return NULL;
	return s;
}

/*
 * The message of a finding's line, without the position; malloc'd. The
 * bracket says why the symbol is private: the rule's position and its
 * pattern, or "not public"; the parentheses, how many references and what
 * suppressed it.
 */
static char *finding_message(const struct symfence_finding *f)
{
	const char *lib = symfence_library_name(f->lib);
	struct symfence_pattern_info info = { 0 };
	char *notes = NULL, *rule = NULL, *s = NULL, count[48] = "";
	int n = -1;

	if (f->count > 1)
		snprintf(count, sizeof(count), "%u references", f->count);
	if (f->suppressed == SYMFENCE_SUPPRESS_WAIVER)
		n = asprintf(&notes, " (%s%swaived by %s:%u)", count, *count ? ", " : "",
			     f->suppress_file, f->suppress_line);
	else if (f->suppressed == SYMFENCE_SUPPRESS_BASELINE)
		n = asprintf(&notes, " (%s%sin baseline %s:%u)", count, *count ? ", " : "",
			     f->suppress_file, f->suppress_line);
	else
		n = asprintf(&notes, "%s%s%s", *count ? " (" : "", count, *count ? ")" : "");
	if (n < 0)
		return NULL;
	if (f->pattern >= 0) {
		symfence_library_pattern(f->lib, SYMFENCE_PAT_PRIVATE, (size_t)f->pattern, &info);
		n = asprintf(&rule, "[%s:%u: '%s']", f->rule_file, f->rule_line, info.text);
	} else {
		n = asprintf(&rule, "[%s:%u: not public]", f->rule_file, f->rule_line);
	}
	if (n < 0) {
		free(notes);
		return NULL;
	}
	switch (f->kind) {
	case SYMFENCE_FIND_REFERENCE:
		n = asprintf(&s, "reference to private symbol '%s' of library '%s'%s %s", f->symbol,
			     lib, notes, rule);
		break;
	case SYMFENCE_FIND_WEAK_REFERENCE:
		n = asprintf(
			&s,
			"weak reference to private symbol '%s' of library '%s' (it becomes NULL once the library is sealed)%s %s",
			f->symbol, lib, notes, rule);
		break;
	case SYMFENCE_FIND_DEFINITION:
		n = asprintf(
			&s,
			"definition of private symbol '%s' of library '%s' outside the library (references would bind to it once the library is sealed)%s %s",
			f->symbol, lib, notes, rule);
		break;
	}
	free(notes);
	free(rule);
	return n < 0 ? NULL : s;
}

/* A stale entry's kind, as JSON, SARIF and GitHub name it. */
static const char *stale_rule(const struct sf_stale *s)
{
	return s->kind == SF_STALE_WAIVER     ? "stale-waiver"
	       : s->kind == SF_STALE_BASELINE ? "stale-baseline"
					      : "stale-pattern";
}

static const char *directive_name(enum symfence_pattern_kind k)
{
	return k == SYMFENCE_PAT_PRIVATE  ? "private"
	       : k == SYMFENCE_PAT_PUBLIC ? "public"
	       : k == SYMFENCE_PAT_ALLOW  ? "allow"
					  : "waive";
}

static char *stale_message(const struct sf_stale *s)
{
	char *m = NULL;
	int n;

	if (s->kind == SF_STALE_WAIVER)
		n = asprintf(&m, "waiver '%s %s' of library '%s' matches no violation; remove it",
			     s->object, s->symbol, s->library);
	else if (s->kind == SF_STALE_PATTERN && s->directive == SYMFENCE_PAT_WAIVE)
		n = asprintf(&m, "waiver '%s %s' of library '%s' matches no audited object",
			     s->object, s->symbol, s->library);
	else if (s->kind == SF_STALE_PATTERN && s->directive == SYMFENCE_PAT_ALLOW)
		n = asprintf(&m, "allow pattern '%s' of library '%s' matches no audited object",
			     s->object, s->library);
	else if (s->kind == SF_STALE_PATTERN)
		n = asprintf(
			&m,
			"%s pattern '%s' of library '%s' matches no symbol the audited objects define or reference",
			directive_name(s->directive), s->symbol, s->library);
	else
		n = asprintf(
			&m,
			"baseline entry '%s %s' matches no violation; remove it or rewrite the baseline with --write-baseline",
			s->object, s->symbol);
	return n < 0 ? NULL : m;
}

/* ---- text ---- */

/* A finding's line and, when DWARF names it, its source line. */
static void report_finding(struct symfence_ctx *ctx, const struct symfence_finding *f)
{
	char *where = finding_where(f), *msg = finding_message(f);

	symfence_report(ctx, f->severity, f->object, 0, 0, where, "%s",
			msg ? msg : "out of memory");
	if (f->src_file)
		symfence_report(ctx, SYMFENCE_NOTE, f->src_file, f->src_line, 0, NULL,
				"'%s' is %s here", f->symbol,
				f->kind == SYMFENCE_FIND_DEFINITION ? "defined" : "referenced");
	free(where);
	free(msg);
}

/*
 * The hints of the libraries that have findings in v[0..n) that are not
 * suppressed: each library's once, in the order they appear, as notes on file
 * (the object) or, when file is NULL, on the library's rules position.
 */
static void report_hints(struct symfence_ctx *ctx, const struct sf_finding *const *v, size_t n,
			 const char *file)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct symfence_finding *f = &v[i]->pub;
		const char *hint = symfence_library_hint(f->lib);

		if (!hint || f->suppressed != SYMFENCE_SUPPRESS_NONE)
			continue;
		for (j = 0; j < i; j++)
			if (v[j]->lib == v[i]->lib &&
			    v[j]->pub.suppressed == SYMFENCE_SUPPRESS_NONE)
				break;
		if (j < i)
			continue; /* said already */
		if (file)
			symfence_report(ctx, SYMFENCE_NOTE, file, 0, 0, NULL, "hint: %s", hint);
		else
			symfence_report(ctx, SYMFENCE_NOTE, symfence_library_file(f->lib),
					symfence_library_line(f->lib), 0, NULL, "hint: %s", hint);
	}
}

static void report_stale(struct symfence_ctx *ctx, const struct symfence_audit *a)
{
	size_t i;

	for (i = 0; i < a->nstale; i++) {
		const struct sf_stale *s = &a->stale[i];
		char *msg = stale_message(s);

		symfence_report(ctx, s->severity, s->file, s->line, s->col, NULL, "%s",
				msg ? msg : "out of memory");
		free(msg);
	}
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/*
 * What a group of findings adds up to: "7 references, 1 definition in 3
 * objects (6 errors, 1 warning, 1 note)", into buf (without the objects when
 * by_object).
 */
static void group_counts(const struct sf_finding *const *v, size_t n, bool by_object, char *buf,
			 size_t size)
{
	size_t refs = 0, defs = 0, objects = 0, sev[3] = { 0 }, i;
	int len = 0;

	for (i = 0; i < n; i++) {
		const struct symfence_finding *f = &v[i]->pub;

		if (f->kind == SYMFENCE_FIND_DEFINITION)
			defs++;
		else
			refs += f->count ? f->count : 1; /* 0: named by the symbol table only */
		sev[f->severity]++;
		objects += !i || v[i - 1]->unit != v[i]->unit;
	}
	if (refs)
		len = snprintf(buf, size, "%zu reference%s", refs, plural(refs));
	if (defs)
		len += snprintf(buf + len, size - (size_t)len, "%s%zu definition%s",
				refs ? ", " : "", defs, plural(defs));
	if (!by_object)
		len += snprintf(buf + len, size - (size_t)len, " in %zu object%s", objects,
				plural(objects));
	snprintf(buf + len, size - (size_t)len, " (%zu error%s, %zu warning%s, %zu note%s)",
		 sev[SYMFENCE_ERROR], plural(sev[SYMFENCE_ERROR]), sev[SYMFENCE_WARNING],
		 plural(sev[SYMFENCE_WARNING]), sev[SYMFENCE_NOTE], plural(sev[SYMFENCE_NOTE]));
}

/* By library, then (for symbols) by symbol; input order within a group. */
static int cmp_group(const void *x, const void *y, void *arg)
{
	const struct sf_finding *a = *(const struct sf_finding *const *)x;
	const struct sf_finding *b = *(const struct sf_finding *const *)y;
	int c = (a->lib > b->lib) - (a->lib < b->lib);

	if (!c && *(const enum symfence_audit_group *)arg == SYMFENCE_GROUP_SYMBOL)
		c = strcmp(a->pub.symbol, b->pub.symbol);
	return c ? c : (a > b) - (a < b);
}

static bool same_group(enum symfence_audit_group by, const struct sf_finding *a,
		       const struct sf_finding *b)
{
	switch (by) {
	case SYMFENCE_GROUP_NONE:
	case SYMFENCE_GROUP_OBJECT:
		return a->unit == b->unit;
	case SYMFENCE_GROUP_LIBRARY:
		return a->lib == b->lib;
	case SYMFENCE_GROUP_SYMBOL:
		return a->lib == b->lib && !strcmp(a->pub.symbol, b->pub.symbol);
	}
	return false;
}

static void report_group(struct symfence_ctx *ctx, enum symfence_audit_group by,
			 const struct sf_finding *const *v, size_t n)
{
	const struct symfence_finding *f = &v[0]->pub;
	char counts[256];
	size_t i;

	group_counts(v, n, by == SYMFENCE_GROUP_OBJECT, counts, sizeof(counts));
	if (by == SYMFENCE_GROUP_OBJECT)
		symfence_report(ctx, SYMFENCE_NOTE, f->object, 0, 0, NULL, "%s", counts);
	else if (by == SYMFENCE_GROUP_SYMBOL)
		symfence_report(ctx, SYMFENCE_NOTE, f->rule_file, f->rule_line, f->rule_col, NULL,
				"'%s' of library '%s': %s", f->symbol,
				symfence_library_name(f->lib), counts);
	else if (by == SYMFENCE_GROUP_LIBRARY)
		symfence_report(ctx, SYMFENCE_NOTE, symfence_library_file(f->lib),
				symfence_library_line(f->lib), 0, NULL, "library '%s': %s",
				symfence_library_name(f->lib), counts);
	for (i = 0; i < n; i++)
		report_finding(ctx, &v[i]->pub);
	report_hints(ctx, v, n,
		     by == SYMFENCE_GROUP_NONE || by == SYMFENCE_GROUP_OBJECT ? f->object : NULL);
}

void symfence_audit_report_text_grouped(struct symfence_ctx *ctx, const struct symfence_audit *a,
					enum symfence_audit_group by)
{
	const struct sf_finding **v = sf_xcalloc(a->nfindings, sizeof(*v));
	size_t i, j, start;

	if (!v) {
		symfence_error(ctx, NULL, "out of memory");
		return;
	}
	for (i = 0; i < a->nfindings; i++)
		v[i] = &a->findings[i];
	if (by == SYMFENCE_GROUP_NONE || by == SYMFENCE_GROUP_OBJECT) {
		/* Input order: each input's diagnostics, then its findings. */
		sf_log_replay(ctx, &a->global);
		for (i = 0, j = 0; i < a->nunits; i++) {
			sf_log_replay(ctx, &a->units[i].log);
			for (start = j; j < a->nfindings && v[j]->unit == i; j++)
				;
			if (j > start)
				report_group(ctx, by, v + start, j - start);
		}
	} else {
		/* Every input's diagnostics first: the groups cross the inputs. */
		sf_log_replay(ctx, &a->global);
		for (i = 0; i < a->nunits; i++)
			sf_log_replay(ctx, &a->units[i].log);
		if (a->nfindings > 1)
			qsort_r(v, a->nfindings, sizeof(*v), cmp_group, &by);
		for (start = 0; start < a->nfindings; start = j) {
			for (j = start + 1; j < a->nfindings && same_group(by, v[start], v[j]); j++)
				;
			report_group(ctx, by, v + start, j - start);
		}
	}
	report_stale(ctx, a);
	free(v);
}

void symfence_audit_report_text(struct symfence_ctx *ctx, const struct symfence_audit *a)
{
	symfence_audit_report_text_grouped(ctx, a, SYMFENCE_GROUP_NONE);
}

void symfence_audit_report_diagnostics(struct symfence_ctx *ctx, const struct symfence_audit *a)
{
	size_t i;

	sf_log_replay(ctx, &a->global);
	for (i = 0; i < a->nunits; i++)
		sf_log_replay(ctx, &a->units[i].log);
	report_stale(ctx, a);
}

/* ---- JSON ---- */

/* Length of the valid UTF-8 sequence at s (2 to 4 bytes), or 0 when there is none. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0; /* overlong */
	else if (c == 0xed)
		hi = 0x9f; /* UTF-16 surrogates */
	else if (c == 0xf0)
		lo = 0x90; /* overlong */
	else if (c == 0xf4)
		hi = 0x8f; /* beyond U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/*
 * A JSON string. Names and paths are bytes from the inputs: valid UTF-8 is
 * kept, control characters are escaped, and a byte that is not part of valid
 * UTF-8 becomes \u00XX (the character of that value, as Latin-1 reads it),
 * so that the document is always valid UTF-8 and valid JSON.
 */
static void json_str(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	if (!s) {
		fputs("null", out);
		return;
	}
	putc('"', out);
	while (*s) {
		size_t n = 0, seq;
		unsigned char c;

		for (;;) { /* the plain run at once: putc per byte is slow */
			c = s[n];
			if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
				n++;
			else if (c >= 0x80 && (seq = utf8_seq(s + n)))
				n += seq;
			else
				break;
		}
		fwrite(s, 1, n, out);
		s += n;
		c = *s;
		if (!c)
			break;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else
			fprintf(out, "\\u%04x", c);
		s++;
	}
	putc('"', out);
}

/* Every diagnostic that is not a finding, in order (kept logs, then stale entries). */
struct diag_walk {
	const struct symfence_audit *a;
	size_t unit; /* SIZE_MAX: the global log */
	size_t i;
};

static const struct sf_logged *next_logged(struct diag_walk *w)
{
	const struct sf_log *log;

	for (;;) {
		log = w->unit == SIZE_MAX      ? &w->a->global
		      : w->unit < w->a->nunits ? &w->a->units[w->unit].log
					       : NULL;
		if (!log)
			return NULL;
		if (w->i < log->n)
			return &log->v[w->i++];
		w->unit++;
		w->i = 0;
	}
}

static char *logged_text(const struct sf_logged *e)
{
	struct symfence_diag d = { e->severity, e->file, e->line, e->col, e->where, e->message };
	int n = symfence_diag_format(&d, NULL, 0);
	char *s = malloc((size_t)n + 1);

	if (s)
		symfence_diag_format(&d, s, (size_t)n + 1);
	return s;
}

static void json_summary(FILE *out, const struct symfence_audit *a)
{
	struct symfence_audit_summary s;

	symfence_audit_summary(a, &s);
	fprintf(out,
		"  \"summary\": {\"objects\": %zu, \"errors\": %zu, \"warnings\": %zu, \"notes\": %zu, \"waived\": %zu, \"baselined\": %zu, \"stale\": %zu, \"unreadable\": %zu, \"skipped\": %zu, \"status\": %d, \"incomplete\": %zu},\n",
		s.objects, s.errors, s.warnings, s.notes, s.waived, s.baselined, s.stale,
		s.unreadable, s.skipped, symfence_audit_status(a), s.incomplete);
}

static void json_finding(FILE *out, const struct sf_finding *sf)
{
	const struct symfence_finding *f = &sf->pub;
	struct symfence_pattern_info info = { 0 };
	char module[256], *where = finding_where(f), *msg = finding_message(f);
	char *text = NULL;
	struct symfence_diag d = { f->severity, f->object, 0, 0, where, msg };
	int n;

	n = symfence_diag_format(&d, NULL, 0);
	text = msg ? malloc((size_t)n + 1) : NULL;
	if (text)
		symfence_diag_format(&d, text, (size_t)n + 1);
	if (f->pattern >= 0)
		symfence_library_pattern(f->lib, SYMFENCE_PAT_PRIVATE, (size_t)f->pattern, &info);
	fputs("    {\"kind\": ", out);
	json_str(out, kind_names[f->kind]);
	fputs(", \"severity\": ", out);
	json_str(out, symfence_severity_name(f->severity));
	fputs(", \"object\": ", out);
	json_str(out, f->object);
	fputs(", \"path\": ", out);
	json_str(out, f->path);
	fputs(", \"module\": ", out);
	json_str(out, sf_module_name(f->path, module, sizeof(module)) ? module : NULL);
	fputs(", \"function\": ", out);
	json_str(out, f->function);
	fputs(", \"section\": ", out);
	json_str(out, f->section);
	fprintf(out, ", \"offset\": %llu, \"where\": ", (unsigned long long)f->offset);
	json_str(out, where);
	fputs(", \"symbol\": ", out);
	json_str(out, f->symbol);
	fputs(", \"library\": ", out);
	json_str(out, symfence_library_name(f->lib));
	fputs(", \"rule\": {\"kind\": ", out);
	json_str(out, f->pattern >= 0 ? "private" : "not-public");
	fputs(", \"pattern\": ", out);
	json_str(out, info.text);
	fputs(", \"file\": ", out);
	json_str(out, f->rule_file);
	fprintf(out, ", \"line\": %u, \"col\": %u}, \"count\": %u, \"source\": ", f->rule_line,
		f->rule_col, f->count);
	if (f->src_file) {
		fputs("{\"file\": ", out);
		json_str(out, f->src_file);
		fprintf(out, ", \"line\": %u}", f->src_line);
	} else {
		fputs("null", out);
	}
	fputs(", \"hint\": ", out);
	json_str(out, symfence_library_hint(f->lib));
	fputs(", \"suppressed\": ", out);
	if (f->suppressed != SYMFENCE_SUPPRESS_NONE) {
		fputs("{\"by\": ", out);
		json_str(out, f->suppressed == SYMFENCE_SUPPRESS_WAIVER ? "waiver" : "baseline");
		fputs(", \"file\": ", out);
		json_str(out, f->suppress_file);
		fprintf(out, ", \"line\": %u, \"col\": %u}", f->suppress_line, f->suppress_col);
	} else {
		fputs("null", out);
	}
	fputs(", \"message\": ", out);
	json_str(out, msg);
	fputs(", \"text\": ", out);
	json_str(out, text);
	putc('}', out);
	free(where);
	free(msg);
	free(text);
}

int symfence_audit_write_json(const struct symfence_audit *a, FILE *out)
{
	struct diag_walk w = { a, SIZE_MAX, 0 };
	const struct sf_logged *e;
	size_t i;

	fprintf(out,
		"{\n  \"schema\": \"symfence-audit\",\n  \"version\": 1,\n  \"tool\": {\"name\": \"symfence\", \"version\": \"%s\"},\n",
		SYMFENCE_VERSION);
	json_summary(out, a);
	fputs("  \"findings\": [", out);
	for (i = 0; i < a->nfindings; i++) {
		fputs(i ? ",\n" : "\n", out);
		json_finding(out, &a->findings[i]);
	}
	fputs(a->nfindings ? "\n  ],\n" : "],\n", out);
	fputs("  \"stale\": [", out);
	for (i = 0; i < a->nstale; i++) {
		const struct sf_stale *s = &a->stale[i];
		char *msg = stale_message(s);

		fputs(i ? ",\n    {\"kind\": " : "\n    {\"kind\": ", out);
		json_str(out, s->kind == SF_STALE_WAIVER     ? "waiver"
			      : s->kind == SF_STALE_BASELINE ? "baseline"
							     : "pattern");
		fputs(", \"file\": ", out);
		json_str(out, s->file);
		fprintf(out, ", \"line\": %u, \"col\": %u, \"object\": ", s->line, s->col);
		json_str(out, s->object);
		fputs(", \"symbol\": ", out);
		json_str(out, s->symbol);
		fputs(", \"library\": ", out);
		json_str(out, s->library);
		fputs(", \"message\": ", out);
		json_str(out, msg);
		fputs(", \"directive\": ", out);
		json_str(out, s->kind == SF_STALE_PATTERN  ? directive_name(s->directive)
			      : s->kind == SF_STALE_WAIVER ? "waive"
							   : NULL);
		fputs(", \"severity\": ", out);
		json_str(out, symfence_severity_name(s->severity));
		putc('}', out);
		free(msg);
	}
	fputs(a->nstale ? "\n  ],\n" : "],\n", out);
	fputs("  \"diagnostics\": [", out);
	for (i = 0; (e = next_logged(&w)); i++) {
		char *text = logged_text(e);

		fputs(i ? ",\n    {\"severity\": " : "\n    {\"severity\": ", out);
		json_str(out, symfence_severity_name(e->severity));
		fputs(", \"file\": ", out);
		json_str(out, e->file);
		fprintf(out, ", \"line\": %u, \"col\": %u, \"message\": ", e->line, e->col);
		json_str(out, e->message);
		fputs(", \"text\": ", out);
		json_str(out, text);
		putc('}', out);
		free(text);
	}
	fputs(i ? "\n  ]\n}\n" : "]\n}\n", out);
	return ferror(out) ? -EIO : 0;
}

/* ---- SARIF ---- */

static const struct {
	const char *id, *name, *text, *level;
} sarif_rules[] = {
	{ "private-reference", "PrivateSymbolReference",
	  "An object outside a library references one of the library's private symbols.", "error" },
	{ "private-weak-reference", "PrivateSymbolWeakReference",
	  "A weak reference to a private symbol silently becomes NULL once the library is sealed.",
	  "warning" },
	{ "private-definition", "PrivateSymbolDefinition",
	  "A global definition of a library's private symbol outside the library would take its place once the library is sealed.",
	  "warning" },
	{ "stale-waiver", "StaleWaiver", "A waive entry of the rules matches no violation.",
	  "warning" },
	{ "stale-baseline", "StaleBaselineEntry", "A baseline entry matches no violation.",
	  "warning" },
	{ "stale-pattern", "StalePattern",
	  "A private, public or allow pattern matches nothing in the audited objects.", "warning" },
};

/* A relative URI reference: unreserved and path characters kept, the rest %-encoded. */
static void json_uri(FILE *out, const char *s)
{
	static const char keep[] = "-._~/!$&'()*+,;=:@";

	putc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (c && strchr(keep, c)))
			putc(c, out);
		else
			fprintf(out, "%%%02X", c);
	}
	putc('"', out);
}

/* GitHub needs region.startLine: 1 when the line is not known. */
static void sarif_location(FILE *out, const char *uri, unsigned int line, unsigned int col,
			   const char *function)
{
	fputs("{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", out);
	json_uri(out, uri);
	fprintf(out, "}, \"region\": {\"startLine\": %u", line ? line : 1);
	if (col)
		fprintf(out, ", \"startColumn\": %u", col);
	fputs("}}", out);
	if (function) {
		fputs(", \"logicalLocations\": [{\"name\": ", out);
		json_str(out, function);
		fputs(", \"kind\": \"function\"}]", out);
	}
	putc('}', out);
}

static void sarif_result(FILE *out, const struct symfence_finding *f)
{
	char *where = finding_where(f), *msg = finding_message(f), *text = NULL;
	const char *hint = symfence_library_hint(f->lib);
	const char *level = f->severity == SYMFENCE_ERROR     ? "error"
			    : f->severity == SYMFENCE_WARNING ? "warning"
							      : "note";

	if (asprintf(&text, "%s: %s%s%s%s%s", f->object, where ? where : "", where ? ": " : "",
		     msg ? msg : "", hint ? " Hint: " : "", hint ? hint : "") < 0)
		text = NULL;
	fprintf(out,
		"        {\"ruleId\": \"%s\", \"ruleIndex\": %d, \"level\": \"%s\", \"message\": {\"text\": ",
		sarif_rules[f->kind].id, (int)f->kind, level);
	json_str(out, text);
	fputs("}, \"locations\": [", out);
	sarif_location(out, f->src_file ? f->src_file : f->path, f->src_line, 0, f->function);
	fputs("], \"partialFingerprints\": {\"symfenceFinding/v1\": ", out);
	free(text);
	if (asprintf(&text, "%s:%s:%s:%s", sarif_rules[f->kind].id, f->path,
		     f->function ? f->function : "", f->symbol) < 0)
		text = NULL;
	json_str(out, text);
	fputs("}", out);
	if (f->suppressed != SYMFENCE_SUPPRESS_NONE) {
		free(text);
		if (asprintf(&text, "%s at %s:%u",
			     f->suppressed == SYMFENCE_SUPPRESS_WAIVER ? "waived"
								       : "in the baseline",
			     f->suppress_file, f->suppress_line) < 0)
			text = NULL;
		fputs(", \"suppressions\": [{\"kind\": \"external\", \"justification\": ", out);
		json_str(out, text);
		fputs("}]", out);
	}
	fputs(", \"properties\": {\"object\": ", out);
	json_str(out, f->object);
	fputs(", \"symbol\": ", out);
	json_str(out, f->symbol);
	fputs(", \"library\": ", out);
	json_str(out, symfence_library_name(f->lib));
	fprintf(out, ", \"count\": %u}}", f->count);
	free(text);
	free(where);
	free(msg);
}

int symfence_audit_write_sarif(const struct symfence_audit *a, FILE *out)
{
	struct symfence_audit_summary sum;
	struct diag_walk w = { a, SIZE_MAX, 0 };
	const struct sf_logged *e;
	size_t i, n = 0;

	symfence_audit_summary(a, &sum);
	fprintf(out,
		"{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\"driver\": {\"name\": \"symfence\", \"version\": \"%s\", \"semanticVersion\": \"%s\", \"rules\": [\n",
		SYMFENCE_VERSION, SYMFENCE_VERSION);
	for (i = 0; i < ARRAY_SIZE(sarif_rules); i++) {
		fprintf(out,
			"        {\"id\": \"%s\", \"name\": \"%s\", \"shortDescription\": {\"text\": ",
			sarif_rules[i].id, sarif_rules[i].name);
		json_str(out, sarif_rules[i].text);
		fputs("}, \"fullDescription\": {\"text\": ", out);
		json_str(out, sarif_rules[i].text);
		fprintf(out,
			"}, \"defaultConfiguration\": {\"level\": \"%s\"}, \"help\": {\"text\": \"See symfence(1), DIAGNOSTICS.\"}}%s\n",
			sarif_rules[i].level, i + 1 < ARRAY_SIZE(sarif_rules) ? "," : "");
	}
	fprintf(out,
		"      ]}},\n      \"invocations\": [{\"executionSuccessful\": %s, \"toolExecutionNotifications\": [",
		sum.unreadable || sum.incomplete ? "false" : "true");
	while ((e = next_logged(&w))) {
		fputs(n++ ? ",\n        " : "\n        ", out);
		fprintf(out, "{\"level\": \"%s\", \"message\": {\"text\": ",
			e->severity == SYMFENCE_ERROR	  ? "error"
			: e->severity == SYMFENCE_WARNING ? "warning"
							  : "note");
		json_str(out, e->message);
		fputs("}", out);
		if (e->file) {
			fputs(", \"locations\": [", out);
			sarif_location(out, e->file, e->line, e->col, NULL);
			fputs("]", out);
		}
		fputs("}", out);
	}
	fputs("]}],\n      \"results\": [", out);
	n = 0;
	for (i = 0; i < a->nfindings; i++) {
		fputs(n++ ? ",\n" : "\n", out);
		sarif_result(out, &a->findings[i].pub);
	}
	for (i = 0; i < a->nstale; i++) {
		const struct sf_stale *s = &a->stale[i];
		char *msg = stale_message(s);

		fputs(n++ ? ",\n" : "\n", out);
		fprintf(out,
			"        {\"ruleId\": \"%s\", \"ruleIndex\": %d, \"level\": \"%s\", \"message\": {\"text\": ",
			stale_rule(s), 3 + (int)s->kind,
			s->severity == SYMFENCE_ERROR ? "error" : "warning");
		json_str(out, msg);
		fputs("}, \"locations\": [", out);
		sarif_location(out, s->file, s->line, s->col, NULL);
		fputs("]}", out);
		free(msg);
	}
	fputs(n ? "\n      ]\n    }\n  ]\n}\n" : "]\n    }\n  ]\n}\n", out);
	return ferror(out) ? -EIO : 0;
}

/* ---- GitHub workflow commands ---- */

/* Escapes for the message (data) or, with property, a key=value property. */
static void gh_escape(FILE *out, const char *s, bool property)
{
	for (; s && *s; s++) {
		if (*s == '%')
			fputs("%25", out);
		else if (*s == '\r')
			fputs("%0D", out);
		else if (*s == '\n')
			fputs("%0A", out);
		else if (property && *s == ':')
			fputs("%3A", out);
		else if (property && *s == ',')
			fputs("%2C", out);
		else
			putc(*s, out);
	}
}

static const char *gh_level(enum symfence_severity sev)
{
	return sev == SYMFENCE_ERROR ? "error" : sev == SYMFENCE_WARNING ? "warning" : "notice";
}

static void gh_command(FILE *out, enum symfence_severity sev, const char *file, unsigned int line,
		       unsigned int col, const char *title, const char *msg, const char *more)
{
	fprintf(out, "::%s ", gh_level(sev));
	if (file) {
		fputs("file=", out);
		gh_escape(out, file, true);
		if (line)
			fprintf(out, ",line=%u", line);
		if (col)
			fprintf(out, ",col=%u", col);
		putc(',', out);
	}
	fputs("title=", out);
	gh_escape(out, title, true);
	fputs("::", out);
	gh_escape(out, msg, false);
	if (more) {
		fputs("%0A", out);
		gh_escape(out, more, false);
	}
	putc('\n', out);
}

int symfence_audit_write_github(const struct symfence_audit *a, FILE *out)
{
	struct diag_walk w = { a, SIZE_MAX, 0 };
	const struct sf_logged *e;
	size_t i;

	while ((e = next_logged(&w))) {
		char *text = logged_text(e);

		gh_command(out, e->severity, e->file, e->line, e->col, "symfence", text, NULL);
		free(text);
	}
	for (i = 0; i < a->nfindings; i++) {
		const struct symfence_finding *f = &a->findings[i].pub;
		const char *hint = symfence_library_hint(f->lib);
		char *where = finding_where(f), *msg = finding_message(f), *text = NULL;
		char *more = NULL;

		if (asprintf(&text, "%s: %s%s%s", f->object, where ? where : "", where ? ": " : "",
			     msg ? msg : "") < 0)
			text = NULL;
		if (hint && f->suppressed == SYMFENCE_SUPPRESS_NONE &&
		    asprintf(&more, "hint: %s", hint) < 0)
			more = NULL;
		gh_command(out, f->severity, f->src_file ? f->src_file : f->path, f->src_line, 0,
			   sarif_rules[f->kind].id, text, more);
		free(more);
		free(text);
		free(where);
		free(msg);
	}
	for (i = 0; i < a->nstale; i++) {
		const struct sf_stale *s = &a->stale[i];
		char *msg = stale_message(s);

		gh_command(out, s->severity, s->file, s->line, s->col, stale_rule(s), msg, NULL);
		free(msg);
	}
	return ferror(out) ? -EIO : 0;
}

/* ---- baseline files ---- */

char *sf_baseline_escape(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char *buf = NULL;
	size_t size = 0, seq;
	FILE *out = open_memstream(&buf, &size);

	if (!out)
		return NULL;
	while (*s) {
		if (*s > 0x20 && *s < 0x7f && *s != '#' && *s != '\\') {
			putc(*s++, out);
		} else if (*s == '\\') {
			fputs("\\\\", out);
			s++;
		} else if (*s >= 0x80 && (seq = utf8_seq(s)) && !(s[0] == 0xc2 && s[1] < 0xa0)) {
			fwrite(s, 1, seq, out); /* UTF-8 stays as it is, but for the C1 controls */
			s += seq;
		} else {
			fprintf(out, "\\x%02x", *s++);
		}
	}
	if (fclose(out)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

ssize_t sf_baseline_unescape(char *str)
{
	unsigned char *s = (unsigned char *)str, *out = s;
	int hi, lo;

	while (*s) {
		if (s[0] == '\\' && s[1] == '\\') {
			*out++ = '\\';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'x' && (hi = hexval(s[2])) >= 0 &&
			   (lo = hexval(s[3])) >= 0) {
			if (!hi && !lo)
				return (char *)s - str;
			*out++ = (unsigned char)(hi << 4 | lo);
			s += 4;
		} else {
			*out++ = *s++; /* any other backslash stands for itself, as it always did */
		}
	}
	*out = '\0';
	return -1;
}

static int cmp_line(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int symfence_audit_write_baseline(struct symfence_ctx *ctx, const struct symfence_audit *a,
				  const char *path)
{
	char **lines = sf_xcalloc(a->nfindings, sizeof(*lines));
	char *buf = NULL;
	size_t size = 0, i, n = 0;
	FILE *out = NULL;
	int err = -ENOMEM;

	if (!lines)
		goto out;
	for (i = 0; i < a->nfindings; i++) {
		const struct symfence_finding *f = &a->findings[i].pub;

		if (f->suppressed == SYMFENCE_SUPPRESS_WAIVER)
			continue;
		char *obj = sf_baseline_escape(f->path), *sym = sf_baseline_escape(f->symbol);
		int r = obj && sym ? asprintf(&lines[n], "%s %s", obj, sym) : -1;

		free(obj);
		free(sym);
		if (r < 0)
			goto out;
		n++;
	}
	sf_sort(lines, n, sizeof(*lines), cmp_line);
	out = open_memstream(&buf, &size);
	if (!out)
		goto out;
	fprintf(out,
		"# symfence audit baseline: known violations, one \"OBJECT SYMBOL\" per line.\n"
		"# A byte that would end a word or the line (a blank, a control, '#', one that is\n"
		"# not UTF-8) is written \\xHH, a backslash \\\\.\n"
		"# Written by 'symfence audit --write-baseline'; with '--baseline FILE' they are\n"
		"# reported as notes and only new violations fail the audit.\n");
	for (i = 0; i < n; i++)
		if (!i || strcmp(lines[i], lines[i - 1]))
			fprintf(out, "%s\n", lines[i]);
	if (fclose(out)) {
		out = NULL;
		goto out;
	}
	out = NULL;
	err = symfence_write_atomic(ctx, path, buf, size, 0644);
	goto done;
out:
	symfence_error(ctx, path, "out of memory");
done:
	if (out)
		fclose(out);
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(buf);
	return err;
}
