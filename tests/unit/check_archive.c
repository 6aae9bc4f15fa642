// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ar archive walk on archives written here byte by byte: regular and thin,
 * GNU and BSD long names, symbol tables, corrupt headers.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <symfence/diag.h>

#include "archive.h"

/* Appends a member header: name field as given (padded to 16), size, "`\n". */
static size_t ar_header(char *buf, size_t pos, const char *name, size_t size)
{
	char h[61];

	snprintf(h, sizeof(h), "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", name, "0", "0", "0", "644", size);
	memcpy(buf + pos, h, 60);
	return pos + 60;
}

static size_t ar_data(char *buf, size_t pos, const char *data, size_t size)
{
	memcpy(buf + pos, data, size);
	pos += size;
	if (pos & 1)
		buf[pos++] = '\n';
	return pos;
}

struct seen_members {
	char names[8][64];
	uint64_t offset[8], size[8], nested_at[8];
	bool nested[8];
	int n;
};

static int collect(void *arg, const struct sf_ar_member *m)
{
	struct seen_members *s = arg;

	ck_assert_int_lt(s->n, 8);
	ck_assert_uint_lt(m->namelen, 64);
	memcpy(s->names[s->n], m->name, m->namelen);
	s->names[s->n][m->namelen] = '\0';
	s->offset[s->n] = m->offset;
	s->size[s->n] = m->size;
	s->nested[s->n] = m->nested;
	s->nested_at[s->n] = m->nested_at;
	s->n++;
	return 0;
}

START_TEST(test_ar_regular)
{
	static const char names[] = "a_very_long_member_name.o/\nsecond_long_member_name.o/\n";
	char buf[2048];
	struct seen_members s = { 0 };
	struct symfence_ctx ctx;
	size_t pos = 8, o1, o2, o3, o4;
	bool thin = true;

	symfence_ctx_init(&ctx, NULL, NULL);
	memcpy(buf, "!<arch>\n", 8);
	pos = ar_header(buf, pos, "/", 8); /* symbol table: skipped */
	pos = ar_data(buf, pos, "\0\0\0\0\0\0\0\0", 8);
	pos = ar_header(buf, pos, "//", sizeof(names) - 1);
	pos = ar_data(buf, pos, names, sizeof(names) - 1);
	pos = ar_header(buf, pos, "short.o/", 5);
	o1 = pos;
	pos = ar_data(buf, pos, "AAAAA", 5); /* odd: padded */
	pos = ar_header(buf, pos, "/0", 4);
	o2 = pos;
	pos = ar_data(buf, pos, "BBBB", 4);
	pos = ar_header(buf, pos, "/27", 3);
	o3 = pos;
	pos = ar_data(buf, pos, "CCC", 3);
	pos = ar_header(buf, pos, "#1/12", 12 + 6); /* BSD: the name follows the header */
	o4 = pos + 12;
	pos = ar_data(buf, pos, "bsd_name.o\0\0DDDDDD", 18);

	ck_assert_int_eq(sf_ar_parse(&ctx, "t.a", (unsigned char *)buf, pos, &thin, collect, &s),
			 0);
	ck_assert(!thin);
	ck_assert_int_eq(s.n, 4);
	ck_assert_str_eq(s.names[0], "short.o");
	ck_assert_str_eq(s.names[1], "a_very_long_member_name.o");
	ck_assert_str_eq(s.names[2], "second_long_member_name.o");
	ck_assert_str_eq(s.names[3], "bsd_name.o");
	ck_assert_uint_eq(s.offset[0], o1);
	ck_assert_uint_eq(s.size[0], 5);
	ck_assert_uint_eq(s.offset[1], o2);
	ck_assert_uint_eq(s.offset[2], o3);
	ck_assert_uint_eq(s.size[2], 3);
	ck_assert_uint_eq(s.offset[3], o4);
	ck_assert_uint_eq(s.size[3], 6);
	ck_assert_uint_eq(ctx.errors, 0);
}
END_TEST

START_TEST(test_ar_thin)
{
	static const char names[] = "drivers/net/foo.o/\nlib/reg.a/\n";
	char buf[1024];
	struct seen_members s = { 0 };
	struct symfence_ctx ctx;
	size_t pos = 8;
	bool thin = false;

	symfence_ctx_init(&ctx, NULL, NULL);
	memcpy(buf, "!<thin>\n", 8);
	pos = ar_header(buf, pos, "//", sizeof(names) - 1);
	pos = ar_data(buf, pos, names, sizeof(names) - 1);
	pos = ar_header(buf, pos, "/0", 1234);	 /* no data follows in a thin archive */
	pos = ar_header(buf, pos, "/19:84", 99); /* a member of lib/reg.a, header at 84 */

	ck_assert_int_eq(sf_ar_parse(&ctx, "t.a", (unsigned char *)buf, pos, &thin, collect, &s),
			 0);
	ck_assert(thin);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.names[0], "drivers/net/foo.o");
	ck_assert_uint_eq(s.size[0], 1234);
	ck_assert(!s.nested[0]);
	ck_assert_str_eq(s.names[1], "lib/reg.a");
	ck_assert(s.nested[1]);
	ck_assert_uint_eq(s.nested_at[1], 84);
}
END_TEST

START_TEST(test_ar_corrupt)
{
	char buf[512];
	struct seen_members s = { 0 };
	struct symfence_ctx ctx;
	size_t pos;
	bool thin;

	symfence_ctx_init(&ctx, NULL, NULL);
	memcpy(buf, "!<arch>\n", 8);
	pos = ar_header(buf, 8, "x.o/", 100); /* longer than the file */
	pos = ar_data(buf, pos, "xx", 2);
	ck_assert_int_eq(sf_ar_parse(&ctx, "t.a", (unsigned char *)buf, pos, &thin, collect, &s),
			 -EINVAL);
	ck_assert_uint_eq(ctx.errors, 1);

	pos = ar_header(buf, 8, "x.o/", 2);
	buf[8 + 58] = '!'; /* bad header magic */
	pos = ar_data(buf, pos, "xx", 2);
	ck_assert_int_eq(sf_ar_parse(&ctx, "t.a", (unsigned char *)buf, pos, &thin, collect, &s),
			 -EINVAL);

	pos = ar_header(buf, 8, "/5", 2); /* a long name without a name table */
	pos = ar_data(buf, pos, "xx", 2);
	ck_assert_int_eq(sf_ar_parse(&ctx, "t.a", (unsigned char *)buf, pos, &thin, collect, &s),
			 -EINVAL);

	pos = ar_header(buf, 8, "x.o/", 2);
	memcpy(buf + 8 + 48, "12x4      ", 10); /* not a number */
	ck_assert_int_eq(
		sf_ar_parse(&ctx, "t.a", (unsigned char *)buf, pos + 2, &thin, collect, &s),
		-EINVAL);
	ck_assert_uint_eq(ctx.errors, 4);
	ck_assert_int_eq(s.n, 0);
	ck_assert(!sf_is_archive((const unsigned char *)"!<arch", 6));
}
END_TEST

Suite *suite_archive(void);
Suite *suite_archive(void)
{
	Suite *s = suite_create("archive");
	TCase *tc = tcase_create("walk");

	tcase_add_test(tc, test_ar_regular);
	tcase_add_test(tc, test_ar_thin);
	tcase_add_test(tc, test_ar_corrupt);
	suite_add_tcase(s, tc);
	return s;
}
