/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The audit: find references to private symbols in objects, archives and
 * kernel modules. The caller owns the loop:
 *
 *   symfence_audit_new()          policy and options
 *   symfence_audit_add_input()    each PATH (object, module, archive, directory, @FILE,
 *                                 modules.order), expanded at once into a list of objects
 *   symfence_audit_load_baseline()
 *   symfence_audit_run()          scans with worker threads; nothing is reported yet
 *   symfence_audit_report_*()     the findings in input order, whatever the number of workers
 *   symfence_audit_status()       the exit status
 *
 * Workers never touch the caller's context: each object's diagnostics are
 * kept with it and reported (replayed) in input order by the report calls.
 */
#ifndef SYMFENCE_AUDIT_H
#define SYMFENCE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <symfence/diag.h>
#include <symfence/rules.h>

/* Decompressed modules larger than this are refused as decompression bombs. */
#define SYMFENCE_AUDIT_MAX_DECOMPRESSED ((size_t)1 << 30)

struct symfence_audit_opts {
	const char *root;	 /* object paths are matched relative to it; NULL: "." */
	unsigned int jobs;	 /* worker threads; 0: one per available CPU */
	size_t max_decompressed; /* 0: SYMFENCE_AUDIT_MAX_DECOMPRESSED */
	bool strict;		 /* stale patterns, waivers and baseline entries are errors */
};

enum symfence_finding_kind {
	SYMFENCE_FIND_REFERENCE,      /* undefined GLOBAL reference: error */
	SYMFENCE_FIND_WEAK_REFERENCE, /* undefined WEAK reference: warning (it becomes NULL) */
	SYMFENCE_FIND_DEFINITION,     /* global definition outside the library: warning */
};

enum symfence_suppression {
	SYMFENCE_SUPPRESS_NONE,
	SYMFENCE_SUPPRESS_WAIVER,   /* a 'waive OBJECT SYMBOL' of the library */
	SYMFENCE_SUPPRESS_BASELINE, /* an entry of the --baseline file */
};

/* One line of the report: (object, function or section, symbol), with a count. */
struct symfence_finding {
	enum symfence_finding_kind kind;
	enum symfence_severity severity; /* after waivers and the baseline */
	const char *object;		 /* as shown: "foo.ko.xz", "lib/lib.a(bar.o)" */
	const char *path;     /* as matched by the rules: relative to the root, no .xz/.zst/.gz */
	const char *function; /* STT_FUNC covering the first reference; NULL: none */
	const char *section;  /* section of the first reference (definitions: of the symbol) */
	uint64_t offset;      /* from the function's start, or from the section's when none */
	const char *symbol;
	const struct symfence_library *lib;
	int pattern;	       /* index of the private pattern; -1: defined, matches no public */
	const char *rule_file; /* that pattern's (or the first public pattern's) position */
	unsigned int rule_line, rule_col;
	unsigned int count;   /* relocations folded into this line; 0 for definitions */
	const char *src_file; /* from DWARF; NULL when the object has none */
	unsigned int src_line;
	enum symfence_suppression suppressed;
	const char *suppress_file; /* the waive entry or baseline line */
	unsigned int suppress_line, suppress_col;
};

struct symfence_audit;

int symfence_audit_new(struct symfence_ctx *ctx, const struct symfence_policy *policy,
		       const struct symfence_audit_opts *opts, struct symfence_audit **out);
void symfence_audit_free(struct symfence_audit *audit);

/*
 * Expands one argument into objects: a .o/.ko/.ko.{xz,zst,gz}, an archive
 * (thin or not), a directory (recursively), "@FILE" (a list of arguments) or
 * a modules.order. A file that cannot be read is recorded as unreadable and
 * reported with the others; only an out-of-memory condition fails.
 */
int symfence_audit_add_input(struct symfence_ctx *ctx, struct symfence_audit *audit,
			     const char *arg);

/*
 * Refuses an output that is one of the files the inputs added so far name
 * (objects, modules, archives, thin archives' members, found in directories
 * and lists too): reports "output 'X' is the same file as the input 'Y'" and
 * returns -EEXIST. 0 when it is none of them (or does not exist).
 */
int symfence_audit_check_output(struct symfence_ctx *ctx, const struct symfence_audit *audit,
				const char *output);

/*
 * Known violations: "OBJECT SYMBOL" per line, '#' comments; in each word \\
 * is a backslash and \xHH a byte (symfence_audit_write_baseline() escapes so
 * every path and name fits; any other backslash stands for itself). A syntax
 * error is reported with file:line:col and gives -EINVAL.
 */
int symfence_audit_load_baseline(struct symfence_ctx *ctx, struct symfence_audit *audit,
				 const char *path);

/*
 * The symbols vmlinux defines, for the libraries without objects patterns
 * (audit-only: their symbols live in vmlinux) that have public patterns:
 * path is an ELF vmlinux or vmlinux.o (its defined globals), a System.map
 * (its global symbols, as nm types them) or a Module.symvers (the symbols it
 * lists for vmlinux); which one is told from its contents. May be called
 * more than once: the definitions add up. A file that is none of them, or
 * defines nothing, is reported; then -EINVAL.
 */
int symfence_audit_load_vmlinux(struct symfence_ctx *ctx, struct symfence_audit *audit,
				const char *path);

/*
 * Scans every object; findings are then sorted, waived and checked against
 * the baseline. A library with public patterns needs the names it defines:
 * from its objects among the inputs, else from its objects patterns below the
 * root, else (audit-only) from symfence_audit_load_vmlinux(). Without them it
 * is reported as an error (exit status 2), not checked by halves.
 */
int symfence_audit_run(struct symfence_ctx *ctx, struct symfence_audit *audit);

size_t symfence_audit_nfindings(const struct symfence_audit *audit);
const struct symfence_finding *symfence_audit_finding(const struct symfence_audit *audit, size_t i);

struct symfence_audit_summary {
	size_t objects;			/* ELF objects audited */
	size_t errors, warnings, notes; /* findings by final severity; warnings + stale entries */
	size_t waived, baselined;	/* notes, by cause */
	size_t stale;			/* waivers and baseline entries that matched nothing */
	size_t unreadable;		/* inputs that could not be read */
	size_t skipped;			/* LLVM bitcode and GCC LTO objects */
	size_t incomplete;		/* libraries whose definitions could not be had */
};

void symfence_audit_summary(const struct symfence_audit *audit, struct symfence_audit_summary *sum);
/* "symfence: audited N objects: ..." (no newline), like snprintf. */
int symfence_audit_summary_line(const struct symfence_audit *audit, char *buf, size_t size);

/* 0 clean, 1 errors, 2 something could not be read or checked (2 wins over 1). */
int symfence_audit_status(const struct symfence_audit *audit);

/*
 * The text report: every diagnostic of the run, in input order, through ctx
 * (findings with their hint and source lines, unreadable inputs, stale
 * waivers and baseline entries). The summary line is not included.
 */
void symfence_audit_report_text(struct symfence_ctx *ctx, const struct symfence_audit *audit);

/* How the text report orders its findings (symfence audit --group-by). */
enum symfence_audit_group {
	SYMFENCE_GROUP_NONE,	/* input order; each library's hint once per object */
	SYMFENCE_GROUP_OBJECT,	/* the same, each object's findings after a line that counts them */
	SYMFENCE_GROUP_SYMBOL,	/* by library, then symbol: who uses it and how often */
	SYMFENCE_GROUP_LIBRARY, /* by library; its hint once, after its findings */
};

/*
 * The text report with the findings grouped: a note line that counts each
 * group's references, definitions, objects and severities, then its findings
 * in input order, then the hint. The inputs' own diagnostics come first when
 * the groups cross inputs. SYMFENCE_GROUP_NONE is symfence_audit_report_text().
 */
void symfence_audit_report_text_grouped(struct symfence_ctx *ctx,
					const struct symfence_audit *audit,
					enum symfence_audit_group by);
/*
 * For the machine formats: only the diagnostics that are not findings
 * (unreadable inputs, skipped objects, stale entries) through ctx.
 */
void symfence_audit_report_diagnostics(struct symfence_ctx *ctx,
				       const struct symfence_audit *audit);
/* docs/audit-json-schema.md */
int symfence_audit_write_json(const struct symfence_audit *audit, FILE *out);
/* SARIF 2.1.0, for GitHub code scanning and other SARIF consumers. */
int symfence_audit_write_sarif(const struct symfence_audit *audit, FILE *out);
/* GitHub Actions workflow commands: "::error file=...,line=...::message". */
int symfence_audit_write_github(const struct symfence_audit *audit, FILE *out);
/*
 * The violations not waived by the rules, as a baseline file (sorted, with a
 * header); blanks, controls, '#', '\\' and bytes that are not UTF-8 escaped.
 */
int symfence_audit_write_baseline(struct symfence_ctx *ctx, const struct symfence_audit *audit,
				  const char *path);

#endif
