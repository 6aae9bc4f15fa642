// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ar archive walk on archives written here byte by byte: regular and thin,
 * short names of every length, GNU/SysV and BSD long names, the header GNU ar
 * 2.40 writes for a 15-character name in a thin archive, the number forms bfd
 * reads, symbol tables, and corrupt archives (one error each, nothing read
 * outside the image). tests/integration/t-archive.sh checks the same walk on
 * archives that GNU ar and llvm-ar write.
 *
 * The thin-archive writer against what GNU ar 2.40 wrote for the same member
 * lists (the expected images below are its output, for "ar cDPrST" and
 * "ar cDPrT" run in the archive's directory), read back by the walk; and the
 * symbols it lists for an object (t-seal-archive.sh compares whole archives
 * with GNU ar's, cmp).
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <symfence/diag.h>
#include <symfence/object.h>

#include "../fixtures/loc-elfbuild.h"
#include "archive.h"
#include "diags.h"
#include "internal.h"

/* An archive being written: its bytes and the data offset of each member added. */
struct ar_image {
	unsigned char buf[32768];
	size_t pos;
};

static void ar_begin(struct ar_image *a, bool thin)
{
	memcpy(a->buf, thin ? "!<thin>\n" : "!<arch>\n", 8);
	a->pos = 8;
}

/* A header: the name field as given (at most 16 bytes, padded with spaces), size, "`\n". */
static void ar_header(struct ar_image *a, const char *name, size_t size)
{
	char h[61];

	ck_assert_uint_le(strlen(name), 16);
	snprintf(h, sizeof(h), "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", name, "0", "0", "0", "644", size);
	ck_assert_uint_lt(a->pos + 60, sizeof(a->buf));
	memcpy(a->buf + a->pos, h, 60);
	a->pos += 60;
}

/* The header's raw 16-byte name field, for names printf cannot pad (NULs). */
static void ar_header_raw(struct ar_image *a, const void *field, size_t size)
{
	ar_header(a, "", size);
	memcpy(a->buf + a->pos - 60, field, 16);
}

/* Data, padded to an even offset as regular archives are; returns where it starts. */
static size_t ar_data(struct ar_image *a, const void *data, size_t size)
{
	size_t at = a->pos;

	ck_assert_uint_lt(a->pos + size + 1, sizeof(a->buf));
	memcpy(a->buf + a->pos, data, size);
	a->pos += size;
	if (a->pos & 1)
		a->buf[a->pos++] = '\n';
	return at;
}

#define MAX_SEEN 128

struct seen {
	char *names[MAX_SEEN];
	uint64_t header[MAX_SEEN], offset[MAX_SEEN], size[MAX_SEEN], nested_at[MAX_SEEN];
	bool nested[MAX_SEEN], thin[MAX_SEEN];
	int n;
	int stop_after; /* return 7 after this many members, when nonzero */
};

static int take_member(void *arg, const struct sf_ar_member *m)
{
	struct seen *s = arg;

	ck_assert_int_lt(s->n, MAX_SEEN);
	ck_assert_uint_eq(strlen(m->name), m->namelen);
	s->names[s->n] = strdup(m->name);
	s->header[s->n] = m->header;
	s->offset[s->n] = m->offset;
	s->size[s->n] = m->size;
	s->nested[s->n] = m->nested;
	s->nested_at[s->n] = m->nested_at;
	s->thin[s->n] = m->thin;
	s->n++;
	return s->stop_after && s->n == s->stop_after ? 7 : 0;
}

static void seen_free(struct seen *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		free(s->names[i]);
	memset(s, 0, sizeof(*s));
}

static int walk(const struct ar_image *a, struct seen *s)
{
	return sf_ar_walk(&ctx, "t.a", a->buf, a->pos, take_member, s);
}

/* A name of length len: a name of its own for each length, with '/' and ' ' as asked. */
static void make_name(char *out, size_t len, bool dirs, bool space)
{
	size_t i;

	for (i = 0; i < len; i++)
		out[i] = (char)('a' + (i + len) % 26);
	if (dirs)
		for (i = 2; i + 1 < len; i += 5)
			out[i] = '/';
	if (space && len >= 3)
		out[len / 2] = ' ';
	out[len] = '\0';
}

START_TEST(test_ar_regular)
{
	static const char names[] = "a_very_long_member_name.o/\nsecond_long_member_name.o/\n";
	struct ar_image a;
	struct seen s = { 0 };
	size_t o1, o2, o3, o4;

	ar_begin(&a, false);
	ar_header(&a, "/", 8); /* symbol table: skipped */
	ar_data(&a, "\0\0\0\0\0\0\0\0", 8);
	ar_header(&a, "//", sizeof(names) - 1);
	ar_data(&a, names, sizeof(names) - 1);
	ar_header(&a, "short.o/", 5);
	o1 = ar_data(&a, "AAAAA", 5); /* odd: padded */
	ar_header(&a, "/0", 4);
	o2 = ar_data(&a, "BBBB", 4);
	ar_header(&a, "/27", 3);
	o3 = ar_data(&a, "CCC", 3);
	ar_header(&a, "#1/12", 12 + 6); /* BSD: the name follows the header */
	o4 = ar_data(&a, "bsd_name.o\0\0DDDDDD", 18) + 12;

	ck_assert_int_eq(walk(&a, &s), 0);
	ck_assert_int_eq(s.n, 4);
	ck_assert(!s.thin[0]);
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
	seen_free(&s);
}
END_TEST

START_TEST(test_ar_thin)
{
	static const char names[] = "drivers/net/foo.o/\nlib/reg.a/\n";
	struct ar_image a;
	struct seen s = { 0 };

	ar_begin(&a, true);
	ar_header(&a, "//", sizeof(names) - 1);
	ar_data(&a, names, sizeof(names) - 1);
	ar_header(&a, "/0", 1234);   /* no data follows in a thin archive */
	ar_header(&a, "/19:84", 99); /* a member of lib/reg.a, header at 84 */
	ar_header(&a, "/19:0", 5);   /* an origin of 0 is no nested member (bfd: > 0) */

	ck_assert_int_eq(walk(&a, &s), 0);
	ck_assert_int_eq(s.n, 3);
	ck_assert(s.thin[0]);
	ck_assert_str_eq(s.names[0], "drivers/net/foo.o");
	ck_assert_uint_eq(s.size[0], 1234);
	ck_assert(!s.nested[0]);
	ck_assert_str_eq(s.names[1], "lib/reg.a");
	ck_assert(s.nested[1]);
	ck_assert_uint_eq(s.nested_at[1], 84);
	ck_assert(!s.nested[2]);
	ck_assert_uint_eq(ctx.errors, 0);
	seen_free(&s);
}
END_TEST

/*
 * GNU ar 2.40 writes a 15-character name of a thin archive as a short name
 * "kernel/signal.o/", then overwrites bytes 0-14 with "/<offset>" and spaces:
 * the '/' in byte 15 stays (vmlinux.a of every kernel build). bfd reads the
 * number and ignores the rest; so do we, in thin and regular archives alike.
 */
START_TEST(test_ar_gnu_15_char_quirk)
{
	static const char names[] = "kernel/signal.o/\ndrivers/cam.o/\nmm/page_alloc.o/\n";
	struct ar_image a;
	struct seen s = { 0 };
	int thin;

	for (thin = 0; thin < 2; thin++) {
		ar_begin(&a, thin);
		ar_header(&a, "//", sizeof(names) - 1);
		ar_data(&a, names, sizeof(names) - 1);
		ar_header(&a, "/0             /", 4);
		if (!thin)
			ar_data(&a, "AAAA", 4);
		ar_header(&a, "/17", 4);
		if (!thin)
			ar_data(&a, "BBBB", 4);
		ar_header(&a, "/32            /", 4);
		if (!thin)
			ar_data(&a, "CCCC", 4);

		ck_assert_int_eq(walk(&a, &s), 0);
		ck_assert_int_eq(s.n, 3);
		ck_assert_str_eq(s.names[0], "kernel/signal.o");
		ck_assert_str_eq(s.names[1], "drivers/cam.o");
		ck_assert_str_eq(s.names[2], "mm/page_alloc.o");
		ck_assert(!s.nested[0] && !s.nested[2]);
		ck_assert_uint_eq(s.size[2], 4);
		if (!thin)
			ck_assert_int_eq(memcmp(a.buf + s.offset[2], "CCCC", 4), 0);
		seen_free(&s);
	}
	ck_assert_uint_eq(ctx.errors, 0);
	ck_assert_uint_eq(diags.len, 0);
}
END_TEST

/* Short names of every length 1..15 as GNU ar writes them ("name/"), and bfd's other endings. */
START_TEST(test_ar_short_names)
{
	static const struct {
		const char *field; /* 16 bytes */
		const char *name;
	} forms[] = {
		{ "abcdefghijklmno/", "abcdefghijklmno" },
		{ "abcdefghijklmnop", "abcdefghijklmno" }, /* no end in 15 bytes: those 15 */
		{ "abcdefghijklmno ", "abcdefghijklmno" },
		{ "bsd_style.o     ", "bsd_style.o" },	/* no '/': ends at the space */
		{ "with space.o/   ", "with space.o" }, /* SysV: spaces are part of it */
		{ "a b c d e f g h/", "a" },  /* 15 with spaces: the '/' is past 15 (bfd; ar t) */
		{ "a/b.o/          ", "a" },  /* the first '/' ends it, as in bfd */
		{ "#1              ", "#1" }, /* "#1/" without digits: a short name */
		{ "#1/x            ", "#1" },
		{ "nul.o\0/////////x", "nul.o" }, /* a NUL ends it before anything else */
	};
	char field[17], name[16];
	struct ar_image a;
	struct seen s = { 0 };
	size_t len, i;

	ar_begin(&a, false);
	for (len = 1; len <= 15; len++) {
		make_name(name, len, false, len < 15);
		snprintf(field, sizeof(field), "%s/", name);
		ar_header(&a, field, len);
		ar_data(&a, name, len);
	}
	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		ar_header_raw(&a, forms[i].field, 1);
		ar_data(&a, "x", 1);
	}
	ck_assert_int_eq(walk(&a, &s), 0);
	ck_assert_int_eq(s.n, 15 + (int)ARRAY_SIZE(forms));
	for (len = 1; len <= 15; len++) {
		make_name(name, len, false, len < 15);
		ck_assert_str_eq(s.names[len - 1], name);
		ck_assert_uint_eq(s.size[len - 1], len);
		ck_assert_int_eq(memcmp(a.buf + s.offset[len - 1], name, len), 0);
	}
	for (i = 0; i < ARRAY_SIZE(forms); i++)
		ck_assert_str_eq(s.names[15 + i], forms[i].name);
	ck_assert_uint_eq(ctx.errors, 0);
	seen_free(&s);
}
END_TEST

/* Long names of every length 1..40, with and without directories and spaces, from "//". */
START_TEST(test_ar_long_names)
{
	char table[8192], field[17], name[41], data[41];
	size_t tlen = 0, at[3][41], len;
	struct ar_image a;
	struct seen s = { 0 };
	int v, thin;

	for (v = 0; v < 3; v++)
		for (len = 1; len <= 40; len++) {
			make_name(name, len, v == 1, v == 2);
			at[v][len] = tlen;
			tlen += (size_t)sprintf(table + tlen, "%s/\n", name);
		}
	for (thin = 0; thin < 2; thin++) {
		ar_begin(&a, thin);
		ar_header(&a, "/", 4);
		ar_data(&a, "\0\0\0\0", 4);
		ar_header(&a, "//", tlen);
		ar_data(&a, table, tlen);
		for (v = 0; v < 3; v++)
			for (len = 1; len <= 40; len++) {
				snprintf(field, sizeof(field), "/%zu", at[v][len]);
				ar_header(&a, field, len + 1);
				memset(data, '.', len);
				data[len] = 'x';
				if (!thin)
					ar_data(&a, data, len + 1);
			}
		ck_assert_int_eq(walk(&a, &s), 0);
		ck_assert_int_eq(s.n, 120);
		for (v = 0; v < 3; v++)
			for (len = 1; len <= 40; len++) {
				int k = v * 40 + (int)len - 1;

				make_name(name, len, v == 1, v == 2);
				ck_assert_str_eq(s.names[k], name);
				ck_assert_uint_eq(s.size[k], len + 1);
				ck_assert(s.thin[k] == thin);
				if (!thin)
					ck_assert_int_eq(a.buf[s.offset[k] + len], 'x');
			}
		seen_free(&s);
	}
	ck_assert_uint_eq(ctx.errors, 0);
}
END_TEST

/* The name table's other spellings: no '/' before '\n', '\\' for '/', no final '\n'. */
START_TEST(test_ar_name_table_forms)
{
	static const char names[] = "dos\\dir\\file.o/\nno_slash_here.o\nlast_without_newline.o/";
	struct ar_image a;
	struct seen s = { 0 };

	ar_begin(&a, false);
	ar_header(&a, "//", sizeof(names) - 1);
	ar_data(&a, names, sizeof(names) - 1);
	ar_header(&a, "/0", 1);
	ar_data(&a, "x", 1);
	ar_header(&a, "/16", 1);
	ar_data(&a, "x", 1);
	ar_header(&a, "/32", 1);
	ar_data(&a, "x", 1);
	ck_assert_int_eq(walk(&a, &s), 0);
	ck_assert_int_eq(s.n, 3);
	ck_assert_str_eq(s.names[0], "dos/dir/file.o");
	ck_assert_str_eq(s.names[1], "no_slash_here.o");
	ck_assert_str_eq(s.names[2],
			 "last_without_newline.o/"); /* bfd drops '/' only before '\n' */
	seen_free(&s);

	/* The pseudo-BSD table "ARFILENAMES/" and its " <index>" names. */
	ar_begin(&a, false);
	ar_header(&a, "ARFILENAMES/", 24);
	ar_data(&a, "first_long_name.o\nsec.o\n", 24);
	ar_header(&a, " 18", 1);
	ar_data(&a, "x", 1);
	ar_header(&a, " 0", 1);
	ar_data(&a, "x", 1);
	ck_assert_int_eq(walk(&a, &s), 0);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.names[0], "sec.o");
	ck_assert_str_eq(s.names[1], "first_long_name.o");
	ck_assert_uint_eq(ctx.errors, 0);
	seen_free(&s);
}
END_TEST

/* Numbers as bfd reads them: strtol() for the index, sscanf("%u") for the size. */
START_TEST(test_ar_number_forms)
{
	static const char names[] = "zero.o/\none.o/\n";
	struct ar_image a;
	struct seen s = { 0 };

	ar_begin(&a, false);
	ar_header(&a, "//", sizeof(names) - 1);
	ar_data(&a, names, sizeof(names) - 1);
	ar_header(&a, "/8xyz", 1); /* anything after the digits */
	ar_data(&a, "x", 1);
	ar_header(&a, "/  8", 1); /* blanks before them */
	ar_data(&a, "x", 1);
	ar_header(&a, "/+0", 1);
	ar_data(&a, "x", 1);
	ar_header(&a, "/0:99", 1); /* a nested offset means nothing in a regular archive */
	ar_data(&a, "x", 1);
	ar_header(&a, "plain.o/", 0);
	memcpy(a.buf + a.pos - 12, "  3x      ", 10); /* size: blanks, digits, anything */
	ar_data(&a, "abc", 3);
	ar_header(&a, "/0", 0);
	memcpy(a.buf + a.pos - 12, "+2        ", 10);
	ar_data(&a, "ab", 2);
	ck_assert_int_eq(walk(&a, &s), 0);
	ck_assert_int_eq(s.n, 6);
	ck_assert_str_eq(s.names[0], "one.o");
	ck_assert_str_eq(s.names[1], "one.o");
	ck_assert_str_eq(s.names[2], "zero.o");
	ck_assert_str_eq(s.names[3], "zero.o");
	ck_assert(!s.nested[3]);
	ck_assert_str_eq(s.names[4], "plain.o");
	ck_assert_uint_eq(s.size[4], 3);
	ck_assert_uint_eq(s.size[5], 2);
	ck_assert_uint_eq(ctx.errors, 0);
	seen_free(&s);
}
END_TEST

/* BSD 4.4 names "#1/<len>" of every length 1..40, odd lengths leaving odd data offsets. */
START_TEST(test_ar_bsd_names)
{
	char field[17], name[41], data[64];
	size_t len, pad, at[41];
	struct ar_image a;
	struct seen s = { 0 };

	ar_begin(&a, false);
	for (len = 1; len <= 40; len++) {
		make_name(name, len, false, len % 2 == 0);
		pad = len % 3; /* NULs after the name, counted in its length */
		snprintf(field, sizeof(field), "#1/%zu", len + pad);
		memset(data, 0, sizeof(data));
		memcpy(data, name, len);
		data[len + pad] = 'D';
		ar_header(&a, field, len + pad + 1);
		at[len] = ar_data(&a, data, len + pad + 1) + len + pad;
	}
	ck_assert_int_eq(walk(&a, &s), 0);
	ck_assert_int_eq(s.n, 40);
	for (len = 1; len <= 40; len++) {
		make_name(name, len, false, len % 2 == 0);
		ck_assert_str_eq(s.names[len - 1], name);
		ck_assert_uint_eq(s.offset[len - 1], at[len]);
		ck_assert_uint_eq(s.size[len - 1], 1);
		ck_assert_int_eq(a.buf[s.offset[len - 1]], 'D');
	}
	ck_assert_uint_eq(ctx.errors, 0);
	seen_free(&s);
}
END_TEST

/* Every spelling of a symbol table is skipped, in regular and thin archives (inline in both). */
START_TEST(test_ar_symbol_tables)
{
	struct ar_image a;
	struct seen s = { 0 };
	int thin;

	for (thin = 0; thin < 2; thin++) {
		ar_begin(&a, thin);
		ar_header(&a, "/", 5);
		ar_data(&a, "\0\0\0\0\0", 5);
		ar_header(&a, "/SYM64/", 8);
		ar_data(&a, "\0\0\0\0\0\0\0\0", 8);
		ar_header(&a, "__.SYMDEF", 3);
		ar_data(&a, "abc", 3);
		ar_header(&a, "__.SYMDEF/", 4);
		ar_data(&a, "abcd", 4);
		ar_header(&a, "__.SYMDEF SORTED", 4);
		ar_data(&a, "abcd", 4);
		ar_header(&a, "#1/20", 24); /* Mach-O, llvm-ar --format=darwin */
		ar_data(&a, "__.SYMDEF SORTED\0\0\0\0abcd", 24);
		ar_header(&a, "#1/12", 13); /* llvm-ar --format=bsd */
		ar_data(&a, "__.SYMDEF\0\0\0a", 13);
		ar_header(&a, "#1/20", 24);
		ar_data(&a, "__.SYMDEF_64\0\0\0\0\0\0\0\0abcd", 24);
		ar_header(&a, "#1/20", 20);
		ar_data(&a, "__.SYMDEF_64 SORTED\0", 20);
		ar_header(&a, "real.o/", 2);
		if (!thin)
			ar_data(&a, "xy", 2);
		ck_assert_int_eq(walk(&a, &s), 0);
		ck_assert_int_eq(s.n, 1);
		ck_assert_str_eq(s.names[0], "real.o");
		seen_free(&s);
	}
	ck_assert_uint_eq(ctx.errors, 0);
}
END_TEST

START_TEST(test_ar_stop)
{
	struct ar_image a;
	struct seen s = { .stop_after = 2 };
	int i;

	ar_begin(&a, false);
	for (i = 0; i < 4; i++) {
		ar_header(&a, "m.o/", 2);
		ar_data(&a, "xy", 2);
	}
	ck_assert_int_eq(walk(&a, &s), 7);
	ck_assert_int_eq(s.n, 2);
	seen_free(&s);
	ar_begin(&a, true);
	ck_assert_int_eq(walk(&a, &s), 0); /* empty */
	ck_assert_int_eq(s.n, 0);
}
END_TEST

/* Each corrupt archive: -EINVAL, exactly one error line naming it, no member after the fault. */
static void __attribute__((format(printf, 4, 5)))
expect_corrupt(const struct ar_image *a, size_t size, int members, const char *fmt, ...)
{
	struct seen s = { 0 };
	char want[256], msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memset(&diags, 0, sizeof(diags));
	symfence_ctx_init(&ctx, collect, &diags);
	ck_assert_int_eq(sf_ar_walk(&ctx, "t.a", a->buf, size, take_member, &s), -EINVAL);
	ck_assert_uint_eq(ctx.errors, 1);
	snprintf(want, sizeof(want), "t.a: error: corrupt archive: %s\n", msg);
	ck_assert_str_eq(diags.text, want);
	ck_assert_int_eq(s.n, members);
	seen_free(&s);
}

START_TEST(test_ar_corrupt)
{
	static const char names[] = "one.o/\n\ntwo.o/\n";
	struct ar_image a;
	size_t h;

	ar_begin(&a, false);
	ar_header(&a, "x.o/", 100); /* longer than the file */
	ar_data(&a, "xx", 2);
	expect_corrupt(&a, a.pos, 0, "member at offset 0x8 extends past the end");

	ar_begin(&a, false);
	ar_header(&a, "x.o/", 2);
	a.buf[8 + 58] = '!'; /* bad header magic */
	ar_data(&a, "xx", 2);
	expect_corrupt(&a, a.pos, 0, "bad member header at offset 0x8");

	ar_begin(&a, false);
	ar_header(&a, "x.o/", 2);
	memcpy(a.buf + 8 + 48, "  x       ", 10); /* no digits */
	ar_data(&a, "xx", 2);
	expect_corrupt(&a, a.pos, 0, "bad member header at offset 0x8");
	memcpy(a.buf + 8 + 48, "-2        ", 10);
	expect_corrupt(&a, a.pos, 0, "bad member header at offset 0x8");

	ar_begin(&a, false);
	ar_header(&a, "/5", 2); /* a long name without a name table */
	ar_data(&a, "xx", 2);
	expect_corrupt(&a, a.pos, 0, "member name at offset 0x8 points outside the name table");

	ar_begin(&a, false);
	ar_header(&a, "//", sizeof(names) - 1);
	ar_data(&a, names, sizeof(names) - 1);
	ar_header(&a, "/0", 2);
	ar_data(&a, "xx", 2);
	h = a.pos;
	ar_header(&a, "/15", 2); /* the table's size */
	ar_data(&a, "xx", 2);
	expect_corrupt(&a, a.pos, 1, "member name at offset 0x%zx points outside the name table",
		       h);
	memcpy(a.buf + h, "/7  ", 4); /* the empty entry "\n" */
	expect_corrupt(&a, a.pos, 1, "member at offset 0x%zx has no name", h);
	memcpy(a.buf + h, "/x  ", 4);
	expect_corrupt(&a, a.pos, 1, "bad member name at offset 0x%zx", h);
	memcpy(a.buf + h, "/-1 ", 4);
	expect_corrupt(&a, a.pos, 1, "bad member name at offset 0x%zx", h);
	memcpy(a.buf + h, "/999999999999999", 16); /* runs on into the date, as strtol() does */
	expect_corrupt(&a, a.pos, 1, "member name at offset 0x%zx points outside the name table",
		       h);

	ar_begin(&a, true);
	ar_header(&a, "//", sizeof(names) - 1);
	ar_data(&a, names, sizeof(names) - 1);
	h = a.pos;
	ar_header(&a, "/0:x", 2); /* thin: a nested offset that is no number */
	expect_corrupt(&a, a.pos, 0, "bad member name at offset 0x%zx", h);

	ar_begin(&a, false);
	ar_header(&a, "#1/100", 20); /* the name is longer than the member */
	ar_data(&a, "name.o\0\0\0\0xxxxxxxxxx", 20);
	expect_corrupt(&a, a.pos, 0, "bad member name at offset 0x8");

	ar_begin(&a, true);
	ar_header(&a, "#1/20", 99); /* thin: the name must still lie in the file */
	ar_data(&a, "name.o", 6);
	expect_corrupt(&a, a.pos, 0, "bad member name at offset 0x8");

	ar_begin(&a, false);
	ar_header(&a, "#1/4", 4);
	ar_data(&a, "\0\0\0\0", 4);
	expect_corrupt(&a, a.pos, 0, "member at offset 0x8 has no name");

	ar_begin(&a, false);
	ar_header(&a, "a.o/", 2);
	ar_data(&a, "xx", 2);
	h = a.pos;
	ar_header(&a, "b.o/", 2);
	ar_data(&a, "xx", 2);
	expect_corrupt(&a, a.pos - 3, 1, "truncated member header at offset 0x%zx", h);
	expect_corrupt(&a, h + 1, 1, "truncated member header at offset 0x%zx", h);

	ar_begin(&a, false);
	ar_header(&a, "//", 4000); /* a name table past the end is no name table */
	expect_corrupt(&a, a.pos, 0, "member at offset 0x8 extends past the end");

	expect_corrupt(&a, 6, 0, "no archive magic");
	ck_assert(!sf_is_archive((const unsigned char *)"!<arch", 6));
	ck_assert(!sf_is_archive((const unsigned char *)"!<arch>\r", 8));
	ck_assert(sf_is_archive((const unsigned char *)"!<thin>\n", 8));
}
END_TEST

/*
 * Every archive a member may end: the walk never reads outside the image
 * (checked by ASan in 'make check SANITIZE=...'; here, on a heap copy of each
 * prefix) and either succeeds or reports exactly one error.
 */
START_TEST(test_ar_every_prefix)
{
	static const char names[] = "kernel/signal.o/\nsome_long_name.o/\n";
	struct ar_image a;
	size_t n;

	ar_begin(&a, false);
	ar_header(&a, "/", 4);
	ar_data(&a, "\0\0\0\0", 4);
	ar_header(&a, "//", sizeof(names) - 1);
	ar_data(&a, names, sizeof(names) - 1);
	ar_header(&a, "/0             /", 3);
	ar_data(&a, "abc", 3);
	ar_header(&a, "#1/7", 9);
	ar_data(&a, "bsd.o\0\0xy", 9);
	ar_header(&a, "short.o/", 1);
	ar_data(&a, "z", 1);
	for (n = 0; n <= a.pos; n++) {
		unsigned char *copy = malloc(n ? n : 1);
		struct seen s = { 0 };
		int err;

		memcpy(copy, a.buf, n);
		memset(&diags, 0, sizeof(diags));
		symfence_ctx_init(&ctx, collect, &diags);
		err = sf_ar_walk(&ctx, "t.a", copy, n, take_member, &s);
		ck_assert(err == 0 || err == -EINVAL);
		ck_assert_uint_eq(ctx.errors, err ? 1 : 0);
		ck_assert(!strchr(diags.text, '\n') || strchr(diags.text, '\n')[1] == '\0');
		seen_free(&s);
		free(copy);
	}
}
END_TEST

/* "ar cDPrST t.a a b2345678901234 kernel/signal.o c23456789012345x d/e/f.o d/e/f.o ../up.o" */
static const char gnu_thin[] = "!<thin>\n//                                              72  "
			       "      `\na/\nb2345678901234/\nkernel/signal.o/\nc23456789012345x"
			       "/\nd/e/f.o/\n../up.o/\n/0              0           0     0     "
			       "644     1         `\n/3              0           0     0     "
			       "644     2         `\n/19            /0           0     0     "
			       "644     3         `\n/36             0           0     0     "
			       "644     4         `\n/54             0           0     0     "
			       "644     5         `\n/54             0           0     0     "
			       "644     5         `\n/63             0           0     0     "
			       "644     7         `\n";

static const struct sf_ar_entry gnu_thin_members[] = {
	{ "a", 1, NULL, 0, 0 },
	{ "b2345678901234", 2, NULL, 0, 0 },
	{ "kernel/signal.o", 3, NULL, 0, 0 }, /* 15 characters: the '/' in byte 15 */
	{ "c23456789012345x", 4, NULL, 0, 0 },
	{ "d/e/f.o", 5, NULL, 0, 0 },
	{ "d/e/f.o", 5, NULL, 0, 0 }, /* the same name again: the same table entry */
	{ "../up.o", 7, NULL, 0, 0 },
};

START_TEST(test_ar_write_gnu_thin)
{
	unsigned char *img;
	size_t size;
	struct seen s = { 0 };
	struct sf_ar_info info = { true };
	size_t i;

	ck_assert_int_eq(sf_ar_thin_image(&ctx, "t.a", gnu_thin_members,
					  ARRAY_SIZE(gnu_thin_members), false, &img, &size),
			 0);
	ck_assert_uint_eq(size, sizeof(gnu_thin) - 1);
	ck_assert_int_eq(memcmp(img, gnu_thin, size), 0);
	/* and the walk reads back what was written */
	ck_assert_int_eq(sf_ar_walk_info(&ctx, "t.a", img, size, take_member, &s, &info), 0);
	ck_assert(!info.symtab);
	ck_assert_int_eq(s.n, (int)ARRAY_SIZE(gnu_thin_members));
	for (i = 0; i < ARRAY_SIZE(gnu_thin_members); i++) {
		ck_assert_str_eq(s.names[i], gnu_thin_members[i].name);
		ck_assert_uint_eq(s.size[i], gnu_thin_members[i].size);
		ck_assert(s.thin[i] && !s.nested[i]);
	}
	ck_assert_uint_eq(ctx.errors, 0);
	seen_free(&s);
	free(img);
}
END_TEST

/*
 * "ar cDPrT t2.a x.o z.o sub/long-name-y.o": x.o defines alpha and use,
 * has the common gamma_ and the weak beta (and references delta); z.o
 * defines nothing global; long-name-y.o defines eps.
 */
static const char gnu_thin_symtab[] =
	"!<thin>\n/               0           0     0     0       50  "
	"      `\n\000\000\000\005\000\000\000\320\000\000\000\320\000\000\000\320\000\000\000\320"
	"\000\000\001Halpha\000use\000gamma_\000beta\000eps\000//"
	"                                              30        `\nx."
	"o/\nz.o/\nsub/long-name-y.o/\n\n/0              0           0   "
	"  0     644     1352      `\n/5              0           0   "
	"  0     644     832       `\n/10             0           0   "
	"  0     644     840       `\n";

static const char x_syms[] = "alpha\0use\0gamma_\0beta";

static const struct sf_ar_entry gnu_symtab_members[] = {
	{ "x.o", 1352, x_syms, sizeof(x_syms), 4 },
	{ "z.o", 832, NULL, 0, 0 },
	{ "sub/long-name-y.o", 840, "eps", 4, 1 },
};

START_TEST(test_ar_write_gnu_thin_symtab)
{
	unsigned char *img;
	size_t size;
	struct seen s = { 0 };
	struct sf_ar_info info = { false };

	ck_assert_int_eq(sf_ar_thin_image(&ctx, "t2.a", gnu_symtab_members,
					  ARRAY_SIZE(gnu_symtab_members), true, &img, &size),
			 0);
	ck_assert_uint_eq(size, sizeof(gnu_thin_symtab) - 1);
	ck_assert_int_eq(memcmp(img, gnu_thin_symtab, size), 0);
	ck_assert_int_eq(sf_ar_walk_info(&ctx, "t2.a", img, size, take_member, &s, &info), 0);
	ck_assert(info.symtab);
	ck_assert_int_eq(s.n, 3);
	ck_assert_str_eq(s.names[2], "sub/long-name-y.o");
	ck_assert_uint_eq(s.header[0], 0xd0); /* where the symbol table says it is */
	ck_assert_uint_eq(s.header[2], 0x148);
	seen_free(&s);
	free(img);
}
END_TEST

/* An odd-sized symbol table and name table: each padded to an even size, and said so. */
START_TEST(test_ar_write_padding)
{
	static const struct sf_ar_entry one[] = { { "ab.o", 10, "ab", 3, 1 } };
	static const char want[] = "!<thin>\n"
				   "/               0           0     0     0       12        `\n"
				   "\000\000\000\001\000\000\000\222ab\000\000"
				   "//                                              6         `\n"
				   "ab.o/\n"
				   "/0              0           0     0     644     10        `\n";
	unsigned char *img;
	size_t size;

	ck_assert_int_eq(sf_ar_thin_image(&ctx, "p.a", one, 1, true, &img, &size), 0);
	ck_assert_uint_eq(size, sizeof(want) - 1);
	ck_assert_int_eq(memcmp(img, want, size), 0);
	free(img);
	/* "ab.o/\n" is even; "abc.o/\n" is not: a '\n' pads the table */
	{
		static const struct sf_ar_entry odd[] = { { "abc.o", 1, NULL, 0, 0 } };
		static const char want2[] =
			"!<thin>\n"
			"//                                              8         `\n"
			"abc.o/\n\n"
			"/0              0           0     0     644     1         `\n";

		ck_assert_int_eq(sf_ar_thin_image(&ctx, "p.a", odd, 1, false, &img, &size), 0);
		ck_assert_uint_eq(size, sizeof(want2) - 1);
		ck_assert_int_eq(memcmp(img, want2, size), 0);
		free(img);
	}
}
END_TEST

/* What an object puts in the symbol table: defined global, weak, unique and common symbols. */
START_TEST(test_ar_symbols)
{
	struct tb *t = tb_new(ELFCLASS64, false, true);
	struct symfence_object *obj;
	char *syms;
	size_t len, n;
	static const char want[] = "g\0w\0q\0c\0a";

	tb_section(t, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, 0, 0, NULL, 16);
	tb_section(t, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0, 0, 0, NULL, 16);
	tb_symbol(t, "f.c", STB_LOCAL, STT_FILE, SHN_ABS, 0, 0);
	tb_symbol(t, "l", STB_LOCAL, STT_FUNC, TB_REAL(1), 0, 4);
	tb_symbol(t, "g", STB_GLOBAL, STT_FUNC, TB_REAL(1), 4, 4);
	tb_symbol(t, "u", STB_GLOBAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
	tb_symbol(t, "w", STB_WEAK, STT_FUNC, TB_REAL(1), 8, 4);
	tb_symbol(t, "wu", STB_WEAK, STT_NOTYPE, SHN_UNDEF, 0, 0);
	tb_symbol(t, "q", STB_GNU_UNIQUE, STT_OBJECT, TB_REAL(2), 0, 4);
	tb_symbol(t, "c", STB_GLOBAL, STT_OBJECT, SHN_COMMON, 4, 4);
	tb_symbol(t, "a", STB_GLOBAL, STT_NOTYPE, SHN_ABS, 0x1234, 0);
	tb_finish(t);
	ck_assert_int_eq(symfence_object_open_mem(&ctx, "s.o", t->img, t->size, false, &obj), 0);
	ck_assert_int_eq(sf_ar_symbols(&ctx, obj, &syms, &len, &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(len, sizeof(want));
	ck_assert_int_eq(memcmp(syms, want, len), 0);
	free(syms);
	symfence_object_free(obj);
	tb_free(t);
}
END_TEST

Suite *suite_archive(void);
Suite *suite_archive(void)
{
	Suite *s = suite_create("archive");
	TCase *tc = tcase_create("walk");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_ar_regular);
	tcase_add_test(tc, test_ar_thin);
	tcase_add_test(tc, test_ar_gnu_15_char_quirk);
	tcase_add_test(tc, test_ar_short_names);
	tcase_add_test(tc, test_ar_long_names);
	tcase_add_test(tc, test_ar_name_table_forms);
	tcase_add_test(tc, test_ar_number_forms);
	tcase_add_test(tc, test_ar_bsd_names);
	tcase_add_test(tc, test_ar_symbol_tables);
	tcase_add_test(tc, test_ar_stop);
	tcase_add_test(tc, test_ar_corrupt);
	tcase_add_test(tc, test_ar_every_prefix);
	suite_add_tcase(s, tc);
	tc = tcase_create("write");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_ar_write_gnu_thin);
	tcase_add_test(tc, test_ar_write_gnu_thin_symtab);
	tcase_add_test(tc, test_ar_write_padding);
	tcase_add_test(tc, test_ar_symbols);
	suite_add_tcase(s, tc);
	return s;
}
