/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the libFuzzer harnesses: a diagnostic callback that checks what
 * every diagnostic must be (one line, formatted by the one formatter) and
 * counts errors, and an abort that says which invariant broke.
 */
#ifndef SYMFENCE_FUZZ_COMMON_H
#define SYMFENCE_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <symfence/diag.h>

#define ARRAY_SIZE_(a) (sizeof(a) / sizeof((a)[0]))

struct fuzz_diags {
	unsigned int errors;
	const char *expect_file;	/* when set, every error must name this file */
};

/* Aborts (a crash libFuzzer records) with the broken invariant. */
#define fuzz_assert(cond, ...)                                                         \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "fuzz invariant broken at %s:%d: ", __FILE__,  \
				__LINE__);                                             \
			fprintf(stderr, __VA_ARGS__);                                  \
			fputc('\n', stderr);                                           \
			abort();                                                       \
		}                                                                      \
	} while (0)

/*
 * Invariants with a known, reported bug can be switched off by class while
 * the bug is open: FUZZ_IGNORE=lines,verify (run.sh reads tests/fuzz/known).
 */
static inline int fuzz_ignored(const char *cls)
{
	const char *list = getenv("FUZZ_IGNORE"), *p;
	size_t n = strlen(cls);

	for (p = list; p && (p = strstr(p, cls)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return 1;
	return 0;
}

#define fuzz_check(cls, cond, ...) fuzz_assert(fuzz_ignored(cls) || (cond), __VA_ARGS__)

static void fuzz_diag(void *arg, const struct symfence_diag *d)
{
	struct fuzz_diags *s = arg;
	char line[256];
	int len;

	len = symfence_diag_format(d, line, sizeof(line));
	fuzz_assert(len > 0, "diagnostic formats to nothing");
	fuzz_assert(d->message, "diagnostic without a message");
	fuzz_check("lines", !strchr(d->message, '\n'),
		    "diagnostic is not one line: '%s'", d->message);
	if (d->severity == SYMFENCE_ERROR) {
		s->errors++;
		if (s->expect_file)
			fuzz_assert(d->file && !strcmp(d->file, s->expect_file),
				    "error does not name the input: '%s'", line);
	}
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "%s\n", line);
}

#endif
