// SPDX-License-Identifier: GPL-2.0-only
/*
 * The audit's internal pieces: the paths the rules match, the sort and fold
 * of findings, and the escapes of baseline files. (The input layer's pieces,
 * module names, decompression and the kept diagnostics: check_input.c.)
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <symfence/audit.h>

#include "audit_int.h"

/* ---- rule paths ---- */

START_TEST(test_policy_path)
{
	struct symfence_audit a;
	char *p;

	memset(&a, 0, sizeof(a));
	a.root_abs = "/build/linux";
#define EXPECT_PATH(in, out)                                                                       \
	do {                                                                                       \
		p = sf_policy_path(&a, in);                                                        \
		ck_assert_ptr_nonnull(p);                                                          \
		ck_assert_str_eq(p, out);                                                          \
		free(p);                                                                           \
	} while (0)
	EXPECT_PATH("drivers/net/foo.ko.xz", "drivers/net/foo.ko");
	EXPECT_PATH("./drivers/./net//foo.ko.zst", "drivers/net/foo.ko");
	EXPECT_PATH("drivers/net/../iommu/x.o", "drivers/iommu/x.o");
	EXPECT_PATH("../other/x.o", "../other/x.o");
	EXPECT_PATH("a/../../x.o", "../x.o");
	EXPECT_PATH("/build/linux/lib/a.o", "lib/a.o");
	EXPECT_PATH("/build/linux/lib/../mm/b.ko.gz", "mm/b.ko");
	EXPECT_PATH("/elsewhere/c.o", "/elsewhere/c.o");
	EXPECT_PATH("/../c.o", "/c.o");
	EXPECT_PATH("x.o.xz", "x.o.xz"); /* only modules lose a compression suffix */
	a.root = "out";
	EXPECT_PATH("out/drivers/x.o", "drivers/x.o");
#undef EXPECT_PATH
}
END_TEST

/* ---- findings ---- */

static struct sf_finding raw(enum symfence_finding_kind kind, const char *sym, size_t group,
			     size_t shndx, uint64_t off)
{
	struct sf_finding f;

	memset(&f, 0, sizeof(f));
	f.pub.kind = kind;
	f.pub.symbol = sym;
	f.pub.count = kind == SYMFENCE_FIND_DEFINITION ? 0 : 1;
	f.pub.offset = off;
	f.group = group;
	f.shndx = shndx;
	f.secoff = off;
	return f;
}

START_TEST(test_fold)
{
	struct sf_finding v[] = {
		raw(SYMFENCE_FIND_DEFINITION, "dmac_own", SIZE_MAX, 2, 0x90),
		raw(SYMFENCE_FIND_REFERENCE, "dmac_b", 7, 2, 0x40),
		raw(SYMFENCE_FIND_REFERENCE, "dmac_a", 7, 2, 0x30),
		raw(SYMFENCE_FIND_REFERENCE, "dmac_a", 7, 2, 0x18),	 /* same function */
		raw(SYMFENCE_FIND_REFERENCE, "dmac_a", 9, 2, 0x60),	 /* another one */
		raw(SYMFENCE_FIND_WEAK_REFERENCE, "dmac_a", 7, 2, 0x20), /* another kind */
		raw(SYMFENCE_FIND_REFERENCE, "dmac_a", 7, 2, 0x28),
		raw(SYMFENCE_FIND_REFERENCE, "dmac_c", SIZE_MAX - 5, 5, 0x8), /* no function */
		raw(SYMFENCE_FIND_REFERENCE, "dmac_c", SIZE_MAX - 5, 5, 0x4),
	};
	size_t n = sf_findings_fold(v, sizeof(v) / sizeof(v[0]));

	ck_assert_uint_eq(n, 6);
	/* Reading order: section, offset; definitions last. */
	ck_assert_str_eq(v[0].pub.symbol, "dmac_a");
	ck_assert_uint_eq(v[0].secoff, 0x18);
	ck_assert_uint_eq(v[0].pub.count, 3);
	ck_assert_int_eq(v[0].pub.kind, SYMFENCE_FIND_REFERENCE);
	ck_assert_int_eq(v[1].pub.kind, SYMFENCE_FIND_WEAK_REFERENCE);
	ck_assert_uint_eq(v[1].pub.count, 1);
	ck_assert_str_eq(v[2].pub.symbol, "dmac_b");
	ck_assert_str_eq(v[3].pub.symbol, "dmac_a");
	ck_assert_uint_eq(v[3].group, 9);
	ck_assert_str_eq(v[4].pub.symbol, "dmac_c");
	ck_assert_uint_eq(v[4].secoff, 0x4);
	ck_assert_uint_eq(v[4].pub.count, 2);
	ck_assert_int_eq(v[5].pub.kind, SYMFENCE_FIND_DEFINITION);
	ck_assert_uint_eq(sf_findings_fold(v, 0), 0);
}
END_TEST

/* Kept diagnostics come back in order, through the one formatter. */

/* ---- baseline words ---- */

START_TEST(test_baseline_escape)
{
	static const char *const words[] = {
		"plain/path.o",	    "with space.o", "tab\there.o",   "new\nline.o",
		"back\\slash.o",    "hash#x.o",	    "latin1-\xe9.o", "utf8-\xc3\xa9.o",
		"c1-\xc2\x85.o",    "x\\x41.o",	    "\x7f\x01",	     "\xed\xa0\x80 (a surrogate)",
		"\xf4\x90\x80\x80",
	};
	static const char *const escaped[] = {
		"plain/path.o",		"with\\x20space.o", "tab\\x09here.o",
		"new\\x0aline.o",	"back\\\\slash.o",  "hash\\x23x.o",
		"latin1-\\xe9.o",	"utf8-\xc3\xa9.o",  "c1-\\xc2\\x85.o",
		"x\\\\x41.o",		"\\x7f\\x01",	    "\\xed\\xa0\\x80\\x20(a\\x20surrogate)",
		"\\xf4\\x90\\x80\\x80",
	};
	char buf[128];
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		char *e = sf_baseline_escape(words[i]);

		ck_assert_ptr_nonnull(e);
		ck_assert_str_eq(e, escaped[i]);
		ck_assert(!strpbrk(e, " \t\n\r#"));
		ck_assert_int_eq(sf_baseline_unescape(e), -1);
		ck_assert_str_eq(e, words[i]);
		free(e);
	}
	/* Upper case hex; a backslash that starts no escape stands for itself (old baselines). */
	strcpy(buf, "A\\X41\\x4A\\q\\x4\\");
	ck_assert_int_eq(sf_baseline_unescape(buf), -1);
	ck_assert_str_eq(buf, "A\\X41J\\q\\x4\\");
	strcpy(buf, "ab\\x00c");
	ck_assert_int_eq(sf_baseline_unescape(buf), 2);
}
END_TEST

Suite *suite_audit(void);
Suite *suite_audit(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_policy_path);
	tcase_add_test(tc, test_fold);
	tcase_add_test(tc, test_baseline_escape);
	suite_add_tcase(s, tc);
	return s;
}
