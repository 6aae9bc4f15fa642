// SPDX-License-Identifier: GPL-2.0-only
/* Diagnostics: one reporting function, one formatter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <symfence/diag.h>

#include "internal.h"

void symfence_ctx_init(struct symfence_ctx *ctx, symfence_diag_fn fn, void *arg)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->report = fn;
	ctx->report_arg = arg;
}

const char *symfence_severity_name(enum symfence_severity sev)
{
	switch (sev) {
	case SYMFENCE_NOTE:
		return "note";
	case SYMFENCE_WARNING:
		return "warning";
	case SYMFENCE_ERROR:
		break;
	}
	return "error";
}

/*
 * Names come from the files we read: a newline or escape in a symbol or
 * section name must not break the one-line rule or drive the terminal.
 * Control bytes become '?' in place (the message keeps its length).
 */
static void sf_escape_controls(char *msg)
{
	for (; *msg; msg++)
		if ((unsigned char)*msg < 0x20 || *msg == 0x7f)
			*msg = '?';
}

void symfence_vreport(struct symfence_ctx *ctx, enum symfence_severity sev, const char *file,
		      unsigned int line, unsigned int col, const char *where, const char *fmt,
		      va_list ap)
{
	struct symfence_diag d = {
		.severity = sev,
		.file = file,
		.line = line,
		.col = col,
		.where = where,
	};
	char small[512], *msg = small;
	va_list aq;
	int len;

	if (sev == SYMFENCE_ERROR)
		ctx->errors++;
	else if (sev == SYMFENCE_WARNING)
		ctx->warnings++;
	if (!ctx->report)
		return;

	va_copy(aq, ap);
	len = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (len >= (int)sizeof(small)) {
		msg = malloc((size_t)len + 1);
		if (msg)
			vsnprintf(msg, (size_t)len + 1, fmt, ap);
		else
			msg = small; /* truncated rather than lost */
	}
	sf_escape_controls(msg);
	d.message = msg;
	ctx->report(ctx->report_arg, &d);
	if (msg != small)
		free(msg);
}

void symfence_report(struct symfence_ctx *ctx, enum symfence_severity sev, const char *file,
		     unsigned int line, unsigned int col, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	symfence_vreport(ctx, sev, file, line, col, where, fmt, ap);
	va_end(ap);
}

int symfence_diag_format(const struct symfence_diag *d, char *buf, size_t size)
{
	const char *sev = symfence_severity_name(d->severity);
	const char *file = d->file ? d->file : "symfence";
	int n;

	if (d->file && d->line && d->col)
		n = snprintf(buf, size, "%s:%u:%u: %s: %s", file, d->line, d->col, sev, d->message);
	else if (d->file && d->line)
		n = snprintf(buf, size, "%s:%u: %s: %s", file, d->line, sev, d->message);
	else if (d->where)
		n = snprintf(buf, size, "%s: %s: %s: %s", file, d->where, sev, d->message);
	else
		n = snprintf(buf, size, "%s: %s: %s", file, sev, d->message);
	/* File names come from the inputs too: a newline in a path must not end the line. */
	if (size)
		sf_escape_controls(buf);
	return n;
}

void symfence_diag_print(void *arg, const struct symfence_diag *d)
{
	FILE *out = arg ? arg : stderr;
	char small[1024], *line = small;
	int len = symfence_diag_format(d, small, sizeof(small));

	if (len >= (int)sizeof(small)) {
		line = malloc((size_t)len + 1);
		if (line)
			symfence_diag_format(d, line, (size_t)len + 1);
		else
			line = small;
	}
	fprintf(out, "%s\n", line);
	if (line != small)
		free(line);
}
