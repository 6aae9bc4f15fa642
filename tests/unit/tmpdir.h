/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For Check suites: a temporary directory per test (or per suite), and the
 * paths in it. tmpdir_make("name") in a fixture, tmpdir_remove() after it;
 * tmpdir_at("x") is "DIR/x" (four at a time stay valid).
 */
#ifndef SYMFENCE_TEST_TMPDIR_H
#define SYMFENCE_TEST_TMPDIR_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static char tmpdir[64];

static void tmpdir_make(const char *name)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/%s.XXXXXX", name);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* Removes it whole, directories made read-only included. */
static void tmpdir_remove(void)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s'; rm -rf '%s'", tmpdir, tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *tmpdir_at(const char *name)
{
	static char b[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(b[k], sizeof(b[k]), "%s/%s", tmpdir, name);
	return b[k];
}

#endif
