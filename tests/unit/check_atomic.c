// SPDX-License-Identifier: GPL-2.0-only
/*
 * Atomic output, as every command writes (symfence_write_atomic: a temporary
 * file beside the destination, then rename), and the guard that refuses an
 * output that is an input. (check_output.c: the temporaries and the two
 * outputs of seal --archive.)
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <symfence/localize.h>
#include <symfence/output.h>

#include "diags.h"
#include "tmpdir.h"

static void out_setup(void)
{
	setup();
	tmpdir_make("check_atomic");
}

static void out_teardown(void)
{
	tmpdir_remove();
}

/* The number of entries of the temp dir (no temporary left behind). */
static int entries(const char *sub)
{
	DIR *d = opendir(sub ? tmpdir_at(sub) : tmpdir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static char *slurp(const char *path, size_t *len)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(f);
	*len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return buf;
}

START_TEST(test_write_mode)
{
	struct stat st;
	size_t len;

	ck_assert_int_eq(symfence_write_atomic(&ctx, tmpdir_at("out.o"), "hello", 5, 0640), 0);
	ck_assert_int_eq(stat(tmpdir_at("out.o"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(memcmp(slurp(tmpdir_at("out.o"), &len), "hello", 5), 0);
	ck_assert_uint_eq(len, 5);
	/* replaced as a whole, with the new mode; nothing else in the directory */
	ck_assert_int_eq(symfence_write_atomic(&ctx, tmpdir_at("out.o"), "hi", 2, 0755), 0);
	ck_assert_int_eq(stat(tmpdir_at("out.o"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0755);
	ck_assert_uint_eq(st.st_size, 2);
	ck_assert_int_eq(entries(NULL), 1);
	ck_assert_uint_eq(diags.len, 0);
}
END_TEST

/* A replaced file is a new inode: a hard link to the old one keeps the old text. */
START_TEST(test_write_new_inode)
{
	size_t len;

	ck_assert_int_eq(symfence_write_atomic(&ctx, tmpdir_at("a"), "old", 3, 0644), 0);
	ck_assert_int_eq(link(tmpdir_at("a"), tmpdir_at("b")), 0);
	ck_assert_int_eq(symfence_write_atomic(&ctx, tmpdir_at("a"), "new", 3, 0644), 0);
	ck_assert_int_eq(memcmp(slurp(tmpdir_at("b"), &len), "old", 3), 0);
	ck_assert_int_eq(memcmp(slurp(tmpdir_at("a"), &len), "new", 3), 0);
}
END_TEST

/* More pieces than one writev takes. */
START_TEST(test_write_iov)
{
	enum { N = IOV_MAX * 2 + 7 };
	static struct iovec iov[N];
	static char want[N * 3];
	size_t i, len;
	char *got;

	for (i = 0; i < N; i++) {
		want[3 * i] = (char)('a' + i % 26);
		want[3 * i + 1] = (char)('A' + i % 26);
		want[3 * i + 2] = (char)('0' + i % 10);
		iov[i].iov_base = want + 3 * i;
		iov[i].iov_len = i % 5 ? 3 : 0; /* some empty pieces too */
	}
	ck_assert_int_eq(symfence_write_atomic_iov(&ctx, tmpdir_at("v"), iov, N, 0644), 0);
	got = slurp(tmpdir_at("v"), &len);
	for (i = 0; i < N; i++)
		if (i % 5) {
			ck_assert_int_eq(memcmp(got, want + 3 * i, 3), 0);
			got += 3;
			len -= 3;
		}
	ck_assert_uint_eq(len, 0);
}
END_TEST

/* A write that fails (the file size limit): an error, the old file untouched, no temporary. */
START_TEST(test_write_fails_cleanly)
{
	struct rlimit rl = { 3, 3 };
	size_t len;

	ck_assert_int_eq(symfence_write_atomic(&ctx, tmpdir_at("x"), "ok", 2, 0644), 0);
	signal(SIGXFSZ, SIG_IGN); /* (each test runs in a process of its own) */
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	ck_assert_int_lt(symfence_write_atomic(&ctx, tmpdir_at("x"), "lost", 4, 0644), 0);
	ck_assert_ptr_nonnull(
		strstr(diags.text, "x: error: cannot write the output: File too large"));
	ck_assert_int_eq(memcmp(slurp(tmpdir_at("x"), &len), "ok", 2), 0);
	ck_assert_uint_eq(len, 2);
	ck_assert_int_eq(entries(NULL), 1);
}
END_TEST

START_TEST(test_write_no_dir)
{
	ck_assert_int_eq(symfence_write_atomic(&ctx, tmpdir_at("none/x"), "x", 1, 0644), -ENOENT);
	ck_assert_ptr_nonnull(
		strstr(diags.text, "none/x: error: cannot create a temporary file in"));
	ck_assert_int_eq(entries(NULL), 0);
}
END_TEST

/* Renaming onto a directory fails: the temporary is removed. */
START_TEST(test_write_rename_fails)
{
	ck_assert_int_eq(mkdir(tmpdir_at("d"), 0755), 0);
	ck_assert_int_eq(mkdir(tmpdir_at("d/sub"), 0755), 0);
	ck_assert_int_lt(symfence_write_atomic(&ctx, tmpdir_at("d/sub"), "x", 1, 0644), 0);
	ck_assert_ptr_nonnull(
		strstr(diags.text, "d/sub: error: cannot rename the output into place"));
	ck_assert_int_eq(entries("d"), 1);
	ck_assert_int_eq(entries("d/sub"), 0);
}
END_TEST

START_TEST(test_guard)
{
	struct symfence_output_guard g;
	char in[512];

	/* an output that does not exist names no input */
	symfence_output_guard_init(&g, tmpdir_at("out"));
	ck_assert(!symfence_output_guard_same(&g, tmpdir_at("out")));
	ck_assert_int_eq(symfence_output_guard_check(&ctx, &g, "the object", tmpdir_at("out")), 0);

	ck_assert_int_eq(symfence_write_atomic(&ctx, tmpdir_at("in.o"), "x", 1, 0644), 0);
	ck_assert_int_eq(symfence_write_atomic(&ctx, tmpdir_at("other.o"), "x", 1, 0644), 0);
	ck_assert_int_eq(link(tmpdir_at("in.o"), tmpdir_at("hard.o")), 0);
	ck_assert_int_eq(symlink("in.o", tmpdir_at("soft.o")), 0);
	/* (the guard keeps the path: not one of tmpdir_at()'s buffers) */
	strcpy(in, tmpdir_at("in.o"));
	symfence_output_guard_init(&g, in);
	ck_assert(symfence_output_guard_same(&g, tmpdir_at("in.o")));
	ck_assert(symfence_output_guard_same(&g, tmpdir_at("hard.o")));
	ck_assert(symfence_output_guard_same(&g, tmpdir_at("soft.o")));
	ck_assert(!symfence_output_guard_same(&g, tmpdir_at("other.o")));
	ck_assert(!symfence_output_guard_same(&g, tmpdir_at("missing.o")));
	ck_assert_int_eq(symfence_output_guard_check(&ctx, &g, "the object", tmpdir_at("other.o")),
			 0);
	ck_assert_uint_eq(diags.len, 0);
	ck_assert_int_eq(
		symfence_output_guard_check(&ctx, &g, "the rules file", tmpdir_at("hard.o")),
		-EEXIST);
	ck_assert_ptr_nonnull(
		strstr(diags.text, "in.o: error: the output is the same file as the rules file '"));
	ck_assert_ptr_nonnull(strstr(diags.text, "hard.o'; nothing written\n"));
}
END_TEST

Suite *suite_atomic(void);
Suite *suite_atomic(void)
{
	Suite *s = suite_create("atomic");
	TCase *tc = tcase_create("write");

	tcase_add_checked_fixture(tc, out_setup, out_teardown);
	tcase_add_test(tc, test_write_mode);
	tcase_add_test(tc, test_write_new_inode);
	tcase_add_test(tc, test_write_iov);
	tcase_add_test(tc, test_write_fails_cleanly);
	tcase_add_test(tc, test_write_no_dir);
	tcase_add_test(tc, test_write_rename_fails);
	tcase_add_test(tc, test_guard);
	suite_add_tcase(s, tc);
	return s;
}
