// SPDX-License-Identifier: GPL-2.0-only
/*
 * The audit's internal pieces: module names and policy paths,
 * in-memory decompression (the buffers are compressed here with the
 * libraries' own encoders), and the sort and fold of findings.
 */
#include <check.h>
#include <errno.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include <symfence/audit.h>

#include "audit_int.h"

/* ---- names ---- */

START_TEST(test_module_name)
{
	char buf[64];

	ck_assert(sf_module_name("kernel/drivers/net/foo-bar.ko.xz", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "foo_bar");
	ck_assert(sf_module_name("a-b_c.ko", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "a_b_c");
	ck_assert(sf_module_name("/x/y/snd-hda.ko.zst", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "snd_hda");
	ck_assert(sf_module_name("e1000e.ko.gz", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "e1000e");
	ck_assert(!sf_module_name("foo.o", buf, sizeof(buf)));
	ck_assert(!sf_module_name("foo.ko.bz2", buf, sizeof(buf)));
	ck_assert(!sf_module_name("dir.ko/foo.o", buf, sizeof(buf)));
	ck_assert(!sf_module_name(".ko", buf, sizeof(buf)));
	ck_assert(!sf_module_name("averyveryverylongmodulename.ko", buf, 8));
}
END_TEST

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

/* ---- decompression ---- */

static unsigned char *sample(size_t size)
{
	unsigned char *p = malloc(size);
	size_t i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < size; i++) /* compressible, not trivial */
		p[i] = (unsigned char)((i * 7) ^ (i >> 9));
	memcpy(p, "\177ELF", 4);
	return p;
}

static unsigned char *xz(const unsigned char *in, size_t size, size_t *out)
{
	size_t cap = lzma_stream_buffer_bound(size);
	unsigned char *buf = malloc(cap);

	*out = 0;
	ck_assert_int_eq(
		lzma_easy_buffer_encode(1, LZMA_CHECK_CRC32, NULL, in, size, buf, out, cap),
		LZMA_OK);
	return buf;
}

static unsigned char *zst(const unsigned char *in, size_t size, size_t *out)
{
	size_t cap = ZSTD_compressBound(size);
	unsigned char *buf = malloc(cap);

	*out = ZSTD_compress(buf, cap, in, size, 3);
	ck_assert(!ZSTD_isError(*out));
	return buf;
}

static unsigned char *gz(const unsigned char *in, size_t size, size_t *out)
{
	size_t cap = size + 1024;
	unsigned char *buf = malloc(cap);
	z_stream z;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)in;
	z.avail_in = (unsigned int)size;
	z.next_out = buf;
	z.avail_out = (unsigned int)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out = z.total_out;
	deflateEnd(&z);
	return buf;
}

static void round_trip(enum sf_compression c,
		       unsigned char *(*enc)(const unsigned char *, size_t, size_t *))
{
	const size_t size = 300000; /* more than the first output buffer guess */
	unsigned char *plain = sample(size), *packed, *out = NULL;
	struct symfence_ctx ctx;
	size_t psize, osize;

	symfence_ctx_init(&ctx, NULL, NULL);
	packed = enc(plain, size, &psize);
	ck_assert_int_eq(sf_compression_of(packed, psize), c);
	ck_assert_int_eq(sf_decompress(&ctx, "x", c, packed, psize, size, &out, &osize), 0);
	ck_assert_uint_eq(osize, size);
	ck_assert(!memcmp(out, plain, size));
	free(out);

	/* One byte over the limit is a bomb; nothing is returned. */
	ck_assert_int_eq(sf_decompress(&ctx, "x", c, packed, psize, size - 1, &out, &osize),
			 -EFBIG);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(ctx.errors, 1);

	/* Truncated input is an error, not a short result. */
	ck_assert_int_lt(sf_decompress(&ctx, "x", c, packed, psize / 2, size, &out, &osize), 0);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(ctx.errors, 2);
	free(packed);
	free(plain);
}

START_TEST(test_decompress_xz)
{
	round_trip(SF_COMP_XZ, xz);
}
END_TEST

START_TEST(test_decompress_zstd)
{
	round_trip(SF_COMP_ZSTD, zst);
}
END_TEST

START_TEST(test_decompress_gzip)
{
	round_trip(SF_COMP_GZIP, gz);
}
END_TEST

START_TEST(test_compression_magic)
{
	ck_assert_int_eq(sf_compression_of((const unsigned char *)"\177ELF\2\1\1", 7),
			 SF_COMP_NONE);
	ck_assert_int_eq(sf_compression_of((const unsigned char *)"\x1f", 1), SF_COMP_NONE);
	ck_assert_str_eq(sf_compression_name(SF_COMP_ZSTD), "zstd");
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
static void capture(void *arg, const struct symfence_diag *d)
{
	char *buf = arg;
	size_t len = strlen(buf);

	symfence_diag_format(d, buf + len, 512 - len);
	strcat(buf, "|");
}

START_TEST(test_log_replay)
{
	struct sf_log log = { 0 };
	struct symfence_ctx keep, out;
	char buf[512] = "";

	symfence_ctx_init(&keep, sf_log_append, &log);
	symfence_error(&keep, "a.ko", "cannot open: %s", "No such file or directory");
	symfence_report(&keep, SYMFENCE_WARNING, "b.o", 0, 0, "f+0x4", "w %d", 1);
	symfence_ctx_init(&out, capture, buf);
	sf_log_replay(&out, &log);
	ck_assert_str_eq(
		buf,
		"a.ko: error: cannot open: No such file or directory|b.o: f+0x4: warning: w 1|");
	ck_assert_uint_eq(out.errors, 1);
	ck_assert_uint_eq(out.warnings, 1);
	sf_log_free(&log);
}
END_TEST

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

	tcase_add_test(tc, test_module_name);
	tcase_add_test(tc, test_policy_path);
	tcase_add_test(tc, test_decompress_xz);
	tcase_add_test(tc, test_decompress_zstd);
	tcase_add_test(tc, test_decompress_gzip);
	tcase_add_test(tc, test_compression_magic);
	tcase_add_test(tc, test_fold);
	tcase_add_test(tc, test_log_replay);
	tcase_add_test(tc, test_baseline_escape);
	suite_add_tcase(s, tc);
	return s;
}
