/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Diagnostics: the library never prints. Every message goes through one
 * reporting function to a callback the caller installs; one formatter turns a
 * diagnostic into its single line, whatever kind it is:
 *
 *   rules position   file:line:col: error: message
 *   source position  file:line: note: message
 *   object position  object: func+0x2c: error: message
 *   whole file       object: error: message
 *   the tool itself  symfence: error: message
 */
#ifndef SYMFENCE_DIAG_H
#define SYMFENCE_DIAG_H

#include <stdarg.h>
#include <stddef.h>

enum symfence_severity {
	SYMFENCE_NOTE,
	SYMFENCE_WARNING,
	SYMFENCE_ERROR,
};

struct symfence_diag {
	enum symfence_severity severity;
	const char *file;  /* rules file, object or source path; NULL: the tool */
	unsigned int line; /* 0 when there is no line */
	unsigned int col;  /* 0 when there is no column */
	const char *where; /* "func+0x2c" inside an object; NULL when none */
	const char *message;
};

typedef void (*symfence_diag_fn)(void *arg, const struct symfence_diag *d);

/*
 * The context every library call takes: where diagnostics go, and how many
 * of each severity were reported. Calls on one context are serialised by the
 * caller (audit workers collect findings and report from one thread).
 */
struct symfence_ctx {
	symfence_diag_fn report;
	void *report_arg;
	unsigned int errors;
	unsigned int warnings;
	int verbose;
};

void symfence_ctx_init(struct symfence_ctx *ctx, symfence_diag_fn fn, void *arg);

void symfence_report(struct symfence_ctx *ctx, enum symfence_severity sev, const char *file,
		     unsigned int line, unsigned int col, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
void symfence_vreport(struct symfence_ctx *ctx, enum symfence_severity sev, const char *file,
		      unsigned int line, unsigned int col, const char *where, const char *fmt,
		      va_list ap) __attribute__((format(printf, 7, 0)));

/* Shorthands for the common kinds. */
#define symfence_error(ctx, file, ...)                                                             \
	symfence_report(ctx, SYMFENCE_ERROR, file, 0, 0, NULL, __VA_ARGS__)
#define symfence_warning(ctx, file, ...)                                                           \
	symfence_report(ctx, SYMFENCE_WARNING, file, 0, 0, NULL, __VA_ARGS__)
#define symfence_note(ctx, file, ...)                                                              \
	symfence_report(ctx, SYMFENCE_NOTE, file, 0, 0, NULL, __VA_ARGS__)

const char *symfence_severity_name(enum symfence_severity sev);

/*
 * The one formatter: writes the diagnostic's line (no newline) into buf, like
 * snprintf, and returns the length it needed.
 */
int symfence_diag_format(const struct symfence_diag *d, char *buf, size_t size);

/* A callback that prints each diagnostic on its own line to the FILE * in arg. */
void symfence_diag_print(void *arg, const struct symfence_diag *d);

#endif
