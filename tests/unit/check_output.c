// SPDX-License-Identifier: GPL-2.0-only
/*
 * The output layer: a temporary file beside its destination, and two
 * outputs renamed into place together (seal --archive: the object and the
 * archive), the first restored when the second cannot be.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <symfence/localize.h>
#include <symfence/output.h>

#include "diags.h"

Suite *suite_output(void);

#define ck_assert_diag(want)                                                                       \
	ck_assert_msg(strstr(diags.text, want), "expected '%s' in:\n%s", want, diags.text)

static char dir[64];

static void make_dir(void)
{
	setup();
	strcpy(dir, "/tmp/check-output.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* The files in dir, other than "." and "..". */
static size_t files(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The contents of name ("" when it does not exist). */
static const char *get(const char *name)
{
	static char buf[64];
	char path[128];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return "";
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static char *at(const char *name)
{
	char *p;

	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
	return p;
}

/* A temporary beside name holding text, as symfence_write_temp_iov() makes it. */
static char *temp(const char *name, const char *text)
{
	struct iovec iov = { (void *)text, strlen(text) };
	char *path = at(name), *tmp;

	ck_assert_int_eq(symfence_write_temp_iov(&ctx, path, &iov, 1, 0640, &tmp), 0);
	free(path);
	return tmp;
}

static void clean(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_write_temp)
{
	struct iovec iov[2] = { { "hel", 3 }, { "lo", 2 } };
	char *path = at("out.o"), *tmp, *bad = at("no/such/out.o");
	struct stat st;

	ck_assert_int_eq(symfence_write_temp_iov(&ctx, path, iov, 2, 0640, &tmp), 0);
	ck_assert_ptr_nonnull(strstr(tmp, "/.out.o.symfence."));
	ck_assert_int_eq(strncmp(tmp, dir, strlen(dir)), 0);
	ck_assert_int_eq(stat(tmp, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_str_eq(get(strrchr(tmp, '/') + 1), "hello");
	ck_assert_int_eq(access(path, F_OK), -1); /* not renamed */
	ck_assert_uint_eq(files(), 1);
	unlink(tmp);
	free(tmp);

	tmp = (char *)1;
	ck_assert_int_lt(symfence_write_temp_iov(&ctx, bad, iov, 2, 0644, &tmp), 0);
	ck_assert_ptr_null(tmp);
	ck_assert_diag("/no/such/out.o: error: cannot create a temporary file in '");
	ck_assert_uint_eq(files(), 0);
	free(path);
	free(bad);
	clean();
}
END_TEST

/* Both in place, over old files or none; nothing else left. */
START_TEST(test_rename_both)
{
	char *a = at("a.o"), *b = at("b.a"), *ta, *tb;
	struct stat st;
	int round;

	for (round = 0; round < 2; round++) {
		if (round) {
			put("a.o", "old a");
			put("b.a", "old b");
		}
		ta = temp("a.o", "new a");
		tb = temp("b.a", "new b");
		ck_assert_int_eq(symfence_rename_both(&ctx, ta, a, tb, b), 0);
		ck_assert_str_eq(get("a.o"), "new a");
		ck_assert_str_eq(get("b.a"), "new b");
		ck_assert_int_eq(stat(a, &st), 0);
		ck_assert_uint_eq(st.st_mode & 07777, 0640);
		ck_assert_uint_eq(files(), 2);
		free(ta);
		free(tb);
		unlink(a);
		unlink(b);
	}
	ck_assert_uint_eq(ctx.errors, 0);
	free(a);
	free(b);
	clean();
}
END_TEST

/*
 * The second rename fails (the destination is a directory that is not
 * empty): the first output is back as it was, the same file, and no
 * temporary is left; without an old first output, there is none after.
 */
START_TEST(test_rename_both_second_fails)
{
	char *a = at("a.o"), *b = at("b.a"), *inner = at("b.a/x"), *ta, *tb;
	struct stat before, after;

	ck_assert_int_eq(mkdir(b, 0755), 0);
	put("b.a/x", "x");
	put("a.o", "old a");
	ck_assert_int_eq(stat(a, &before), 0);
	ta = temp("a.o", "new a");
	tb = temp("b.a", "new b");
	ck_assert_int_lt(symfence_rename_both(&ctx, ta, a, tb, b), 0);
	ck_assert_diag("/b.a: error: cannot rename the output into place: ");
	ck_assert_uint_eq(ctx.errors, 1);
	ck_assert_str_eq(get("a.o"), "old a");
	ck_assert_int_eq(stat(a, &after), 0);
	ck_assert_uint_eq(after.st_ino, before.st_ino);
	ck_assert_uint_eq(files(), 2); /* a.o and the directory */
	free(ta);
	free(tb);

	unlink(a);
	ta = temp("a.o", "new a");
	tb = temp("b.a", "new b");
	ck_assert_int_lt(symfence_rename_both(&ctx, ta, a, tb, b), 0);
	ck_assert_int_eq(access(a, F_OK), -1);
	ck_assert_uint_eq(files(), 1);
	free(ta);
	free(tb);
	free(a);
	free(b);
	free(inner);
	clean();
}
END_TEST

/* The first rename fails: nothing changes, both temporaries go. */
START_TEST(test_rename_both_first_fails)
{
	char *a = at("a.o"), *b = at("b.a"), *ta, *tb;

	ck_assert_int_eq(mkdir(a, 0755), 0);
	put("a.o/x", "x");
	put("b.a", "old b");
	ta = temp("a.o", "new a");
	tb = temp("b.a", "new b");
	ck_assert_int_lt(symfence_rename_both(&ctx, ta, a, tb, b), 0);
	ck_assert_diag("/a.o: error: cannot rename the output into place: ");
	ck_assert_uint_eq(ctx.errors, 1);
	ck_assert_str_eq(get("b.a"), "old b");
	ck_assert_str_eq(get("a.o/x"), "x");
	ck_assert_uint_eq(files(), 2);
	free(ta);
	free(tb);
	free(a);
	free(b);
	clean();
}
END_TEST

Suite *suite_output(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("atomic");

	tcase_add_checked_fixture(tc, make_dir, NULL);
	tcase_add_test(tc, test_write_temp);
	tcase_add_test(tc, test_rename_both);
	tcase_add_test(tc, test_rename_both_second_fails);
	tcase_add_test(tc, test_rename_both_first_fails);
	suite_add_tcase(s, tc);
	return s;
}
