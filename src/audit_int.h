/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The audit's own layout, shared by audit.c (inputs and scanning) and
 * audit_report.c (output formats, baseline files), and by their unit tests.
 * What it reads, and how, is the input layer's (input.h).
 */
#ifndef SYMFENCE_AUDIT_INT_H
#define SYMFENCE_AUDIT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <symfence/audit.h>

#include "archive.h"
#include "input.h"
#include "pattern.h"

/* A finding as the scanner builds it: the public part and how to sort and locate it. */
struct sf_finding {
	struct symfence_finding pub;
	size_t unit;	 /* input order */
	size_t lib;	 /* index in the policy */
	size_t shndx;	 /* section of the first reference (or of the definition) */
	uint64_t secoff; /* offset in that section */
	size_t group;	 /* covering function's symbol index, or SIZE_MAX - shndx */
};

/*
 * Sorts one object's findings and folds those with the same kind, group
 * (function, or section when no function covers) and symbol into one line
 * whose count is the sum and whose position is the lowest offset. The result
 * is in reading order: section, offset, symbol; definitions last. Strings are
 * not touched (while scanning they are borrowed from the object). Returns the
 * new count.
 */
size_t sf_findings_fold(struct sf_finding *v, size_t n);
void sf_finding_release(struct sf_finding *f);

/* One object to audit: a file, or a member's bytes inside an archive. */
struct sf_unit {
	char *file;  /* the file to read; NULL: nothing to read (an input error) */
	bool member; /* bytes [offset, offset + size) of file */
	uint64_t offset, size;
	char *display; /* as diagnostics show it */
	char *path;    /* as the rules match it */
	bool library;  /* owned by a library with public patterns: read in pass 1 */
	/* results */
	struct sf_log log;
	struct sf_finding *findings;
	size_t nfindings;
	bool unreadable, skipped, audited;
};

struct sf_baseline_entry {
	char *object, *symbol;
	unsigned int line;
	size_t hits;
};

enum sf_stale_kind {
	SF_STALE_WAIVER,   /* a waive entry whose object was audited, and no violation */
	SF_STALE_BASELINE, /* a baseline entry whose object was audited, and no violation */
	SF_STALE_PATTERN,  /* a private, public or allow pattern that matches nothing */
};

/* A stale entry: a warning, or an error with --strict. */
struct sf_stale {
	enum sf_stale_kind kind;
	enum symfence_pattern_kind directive; /* SF_STALE_PATTERN: private, public or allow */
	enum symfence_severity severity;
	const char *file;
	unsigned int line, col;
	char *object, *symbol; /* the two words; for a pattern, the one its directive matches */
	const char *library;   /* waivers and patterns */
};

/* Which private and public patterns of each library matched a name, [nlibs][npatterns]. */
struct sf_hits {
	bool **priv, **pub;
};

struct symfence_audit {
	const struct symfence_policy *policy;
	size_t nlibs;
	char *root;	/* as given, NULL for "." */
	char *root_abs; /* absolute, for absolute paths */
	unsigned int jobs;
	size_t max_decompressed;

	struct sf_unit *units;
	size_t nunits, cap;
	struct sf_inputs in; /* the files taken (the entries themselves become units) */

	/* Names defined by the objects of each library that has public patterns. */
	struct sf_htab *libdefs; /* [nlibs] */
	bool *libseen;		 /* [nlibs]: one of its objects was read */
	char **strs;		 /* owned keys of libdefs and vmdefs */
	size_t nstrs, strcap;
	struct sf_htab vmdefs; /* --vmlinux: what vmlinux defines, for audit-only libraries */
	bool have_vmlinux;
	size_t incomplete; /* libraries with public patterns whose definitions are missing */
	bool strict;
	struct sf_log global; /* run diagnostics not tied to an input */

	char *baseline_path;
	struct sf_baseline_entry *baseline; /* sorted by object, symbol */
	size_t nbaseline;

	struct sf_finding *findings; /* every unit's, in input order */
	size_t nfindings;
	struct sf_stale *stale;
	size_t nstale;
	struct sf_hits hits; /* patterns that matched a symbol of the inputs or a definition */
	bool ran;
};

/* audit.c: what a library defines. Names are copied; 0 or -ENOMEM. */
int sf_audit_define(struct symfence_audit *a, struct sf_htab *defs, const char *name, size_t len);
struct symfence_object;
/* The names obj defines as global or weak symbols; *count (may be NULL) counts them. */
int sf_audit_define_object(struct symfence_audit *a, struct sf_htab *defs,
			   struct symfence_object *obj, size_t *count);

/*
 * audit_report.c: a word of a baseline line, malloc'd: a byte that would end the
 * word or the line (blanks, controls, '#', bytes that are not part of valid
 * UTF-8; the C1 controls) is written \xHH, a backslash \\. NULL: out of memory.
 */
char *sf_baseline_escape(const char *s);
/*
 * The reverse, in place: \\ and \xHH (any case); any other backslash stands
 * for itself (baselines written before the escapes). -1 when done; the offset
 * of a \x00 (which no name holds) otherwise.
 */
ssize_t sf_baseline_unescape(char *s);

/* path as the rules match it (sf_rule_path() below the audit's root), malloc'd. */
char *sf_policy_path(const struct symfence_audit *a, const char *path);

#endif
