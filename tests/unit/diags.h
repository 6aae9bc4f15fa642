/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For Check suites: a context whose diagnostics are collected as formatted
 * lines (symfence_diag_format, one per line) in diags.text; setup() clears
 * them before each test.
 */
#ifndef SYMFENCE_TEST_DIAGS_H
#define SYMFENCE_TEST_DIAGS_H

#include <string.h>

#include <symfence/diag.h>

struct diags {
	char text[32768];
	size_t len;
};

static void collect(void *arg, const struct symfence_diag *d)
{
	struct diags *g = arg;
	int n = symfence_diag_format(d, g->text + g->len, sizeof(g->text) - g->len - 1);

	if (n > 0 && g->len + (size_t)n + 1 < sizeof(g->text)) {
		g->len += (size_t)n;
		g->text[g->len++] = '\n';
		g->text[g->len] = '\0';
	}
}

static struct diags diags;
static struct symfence_ctx ctx;

static void setup(void)
{
	memset(&diags, 0, sizeof(diags));
	symfence_ctx_init(&ctx, collect, &diags);
}

#endif
