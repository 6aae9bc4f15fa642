// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rules language: lexer, parser, includes, every diagnostic with its exact
 * text, the queries, expanding objects patterns, and every file in rules/.
 */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <symfence/rules.h>

static char dir[256];
static char *diags; /* every diagnostic line, each ending in '\n', temp dir removed */
static size_t diagslen;
static struct symfence_ctx ctx;
static struct symfence_policy *policy;

/* Appends src to diags with every "DIR/" dropped and any other "DIR" shown as "TMP". */
static void append_clean(const char *src)
{
	size_t dl = strlen(dir), need = strlen(src) + 2;
	char *o;

	diags = realloc(diags, diagslen + need + 1);
	o = diags + diagslen;
	while (*src) {
		if (!strncmp(src, dir, dl)) {
			src += dl;
			if (*src == '/')
				src++;
			else
				o = stpcpy(o, "TMP");
			continue;
		}
		*o++ = *src++;
	}
	*o++ = '\n';
	*o = '\0';
	diagslen = (size_t)(o - diags);
}

static void capture(void *arg, const struct symfence_diag *d)
{
	char line[4096];

	symfence_diag_format(d, line, sizeof(line));
	append_clean(line);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/symfence-rules.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	symfence_ctx_init(&ctx, capture, NULL);
	free(diags);
	diags = strdup("");
	diagslen = 0;
	policy = NULL;
}

static void teardown(void)
{
	symfence_policy_free(policy);
	policy = NULL;
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The temp dir path of name (one of a few rotating buffers). */
static const char *at(const char *name)
{
	static char bufs[8][PATH_MAX];
	static unsigned int n;
	char *b = bufs[n++ % 8];

	snprintf(b, PATH_MAX, "%s/%s", dir, name);
	return b;
}

static void mkdirs(const char *name)
{
	char path[PATH_MAX], *p;

	snprintf(path, sizeof(path), "%s", at(name));
	for (p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
}

static void put(const char *name, const char *text)
{
	FILE *f;

	mkdirs(name);
	f = fopen(at(name), "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Loads the named files (NULL-terminated) of the temp dir into policy. */
static int load_files(const char *first, ...)
{
	const char *files[16];
	size_t n = 0;
	va_list ap;

	va_start(ap, first);
	for (const char *f = first; f && n < 16; f = va_arg(ap, const char *))
		files[n++] = strdup(at(f));
	va_end(ap);
	symfence_policy_free(policy);
	policy = NULL;
	int err = symfence_policy_load(&ctx, files, n, &policy);

	while (n--)
		free((char *)files[n]);
	return err;
}

#define load(...) load_files(__VA_ARGS__, NULL)

/* Loading text as a.rules fails with exactly these diagnostics. */
static void expect_errors(const char *text, const char *want)
{
	put("a.rules", text);
	ck_assert_int_eq(load("a.rules"), -EINVAL);
	ck_assert_ptr_null(policy);
	ck_assert_str_eq(diags, want);
}

/* ---- diagnostics ---- */

START_TEST(test_unknown_directive)
{
	put("rules/iommu-dma.rules", "# rules/iommu-dma.rules\n"
				     "library iommu-dma\n"
				     "    objects  lib/iommu-dma/*.o\n"
				     "    privat   dmac_*\n");
	ck_assert_int_eq(load("rules/iommu-dma.rules"), -EINVAL);
	ck_assert_str_eq(
		diags,
		"rules/iommu-dma.rules:4:5: error: unknown directive 'privat' (did you mean 'private'?)\n");
	ck_assert_uint_eq(ctx.errors, 1);
}
END_TEST

START_TEST(test_unknown_directive_suggestions)
{
	expect_errors("library x\n"
		      "  private a\n"
		      "frobnicate a\n"
		      "obj a.o\n"
		      "PRIVATE a\n"
		      "pirvate a\n"
		      "  hnt \"x\"\n"
		      "wavie a b\n"
		      "inclde x\n"
		      "pub x\n"
		      "\"quoted\" x\n",
		      "a.rules:3:1: error: unknown directive 'frobnicate'\n"
		      "a.rules:4:1: error: unknown directive 'obj' (did you mean 'objects'?)\n"
		      "a.rules:5:1: error: unknown directive 'PRIVATE' (did you mean 'private'?)\n"
		      "a.rules:6:1: error: unknown directive 'pirvate' (did you mean 'private'?)\n"
		      "a.rules:7:3: error: unknown directive 'hnt' (did you mean 'hint'?)\n"
		      "a.rules:8:1: error: unknown directive 'wavie' (did you mean 'waive'?)\n"
		      "a.rules:9:1: error: unknown directive 'inclde' (did you mean 'include'?)\n"
		      "a.rules:10:1: error: unknown directive 'pub' (did you mean 'public'?)\n"
		      "a.rules:11:1: error: unknown directive 'quoted'\n");
}
END_TEST

START_TEST(test_outside_library)
{
	put("c.rules", "library c\n  private cc\n");
	expect_errors(
		"# comment\n"
		"private a b\n"
		"public c\n"
		"library x\n"
		"  private a\n"
		"include c.rules\n"
		"  waive x.o y\n"
		"  hint \"h\"\n",
		"a.rules:2:1: error: 'private' outside a library (start a block with 'library NAME')\n"
		"a.rules:7:3: error: 'waive' outside a library (start a block with 'library NAME')\n");
}
END_TEST

/* A misspelled 'library' is one error, not one more per line of its block. */
START_TEST(test_misspelled_library)
{
	expect_errors("libary x\n"
		      "  private a\n"
		      "  public b\n",
		      "a.rules:1:1: error: unknown directive 'libary' (did you mean 'library'?)\n");
}
END_TEST

START_TEST(test_empty_pattern_list)
{
	expect_errors(
		"library x\n"
		"  private\n"
		"  objects # nothing here\n"
		"  public \\\n"
		"\n"
		"  allow\n"
		"  private a\n",
		"a.rules:2:3: error: empty pattern list: 'private' needs at least one pattern\n"
		"a.rules:3:3: error: empty pattern list: 'objects' needs at least one pattern\n"
		"a.rules:4:3: error: empty pattern list: 'public' needs at least one pattern\n"
		"a.rules:6:3: error: empty pattern list: 'allow' needs at least one pattern\n");
}
END_TEST

START_TEST(test_quotes)
{
	expect_errors(
		"library x\n"
		"  private a\n"
		"  hint \"unterminated\n"
		"  hint \"bad \\n escape\"\n"
		"  hint \"ends in a backslash\\\n",
		"a.rules:3:8: error: unterminated quoted string\n"
		"a.rules:4:13: error: unknown escape '\\n' in quoted string (only \\\" and \\\\ are escapes)\n"
		"a.rules:5:8: error: unterminated quoted string\n");
}
END_TEST

START_TEST(test_nul_byte)
{
	/* "private iommu_\0map" must not become "private iommu_" */
	static const char text[] = "library x\n  private iommu_\0map lib_a\n  objects a\0.o\n";
	FILE *f = fopen(at("a.rules"), "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, sizeof(text) - 1, f), sizeof(text) - 1);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(load("a.rules"), -EINVAL);
	ck_assert_str_eq(
		diags, "a.rules:2:17: error: NUL byte in the rules file (rules files are text)\n"
		       "a.rules:3:12: error: NUL byte in the rules file (rules files are text)\n");
	ck_assert_ptr_null(policy);
}
END_TEST

START_TEST(test_bad_patterns)
{
	expect_errors(
		"library x\n"
		"  private ok foo[ab bar[z-a] a\\b\n"
		"  objects lib/x/ fine.o\n"
		"  waive a.o x[\n"
		"  waive dir/ y\n"
		"  allow [!]\n",
		"a.rules:2:14: error: bad pattern 'foo[ab': unterminated '['\n"
		"a.rules:2:21: error: bad pattern 'bar[z-a]': reversed range 'z-a'\n"
		"a.rules:2:30: error: bad pattern 'a\\b': backslash escapes are not supported\n"
		"a.rules:3:11: error: bad pattern 'lib/x/': ends with '/' (to name the objects in a directory, write 'lib/x/*.o')\n"
		"a.rules:4:13: error: bad pattern 'x[': unterminated '['\n"
		"a.rules:5:9: error: bad pattern 'dir/': ends with '/' (to name the objects in a directory, write 'dir/*.o')\n"
		"a.rules:6:9: error: bad pattern '[!]': unterminated '['\n");
}
END_TEST

START_TEST(test_duplicate_library)
{
	put("a.rules", "library x\n  private a\n");
	put("b.rules", "# b\nlibrary x\n  private b\n");
	ck_assert_int_eq(load("a.rules", "b.rules"), -EINVAL);
	ck_assert_str_eq(
		diags, "b.rules:2:9: error: duplicate library 'x' (first defined at a.rules:1)\n");
}
END_TEST

START_TEST(test_private_in_two_libraries)
{
	expect_errors(
		"library one\n"
		"  private dmac_* shared_name\n"
		"library two\n"
		"  private dmac_* shared_name dmac_flush_range\n",
		"a.rules:4:11: error: 'dmac_*' is private in library 'two' and in library 'one' (a.rules:2:11)\n"
		"a.rules:4:18: error: 'shared_name' is private in library 'two' and in library 'one' (a.rules:2:18)\n"
		"a.rules:4:30: error: 'dmac_flush_range' is private in library 'two' and, through 'dmac_*', in library 'one' (a.rules:2:11)\n");
}
END_TEST

/* The exact name is reported whichever library comes first. */
START_TEST(test_private_name_before_glob)
{
	put("a.rules", "library one\n  private dmac_flush_range\n");
	put("b.rules", "library two\n  private dmac_*\n");
	ck_assert_int_eq(load("a.rules", "b.rules"), -EINVAL);
	ck_assert_str_eq(
		diags,
		"a.rules:2:11: error: 'dmac_flush_range' is private in library 'one' and, through 'dmac_*', in library 'two' (b.rules:2:11)\n");
}
END_TEST

START_TEST(test_public_and_private)
{
	expect_errors(
		"library x\n"
		"  public  dma_map_sg dma_sync_* dma_unmap_sg\n"
		"  private dma_sync_* dma_*\n",
		"a.rules:2:11: error: 'dma_map_sg' is both public and private in library 'x' (private through 'dma_*' at a.rules:3:22)\n"
		"a.rules:2:22: error: 'dma_sync_*' is both public and private in library 'x' (private at a.rules:3:11)\n"
		"a.rules:2:33: error: 'dma_unmap_sg' is both public and private in library 'x' (private through 'dma_*' at a.rules:3:22)\n");
}
END_TEST

/* A private exception inside a public glob is fine: private wins. */
START_TEST(test_private_exception_to_public)
{
	put("a.rules", "library x\n  public dma_*\n  private dma_debug_dump\n");
	ck_assert_int_eq(load("a.rules"), 0);
	ck_assert_str_eq(diags, "");
	ck_assert(symfence_library_private(symfence_policy_lib(policy, 0), "dma_debug_dump"));
}
END_TEST

START_TEST(test_include_cycle)
{
	put("a.rules", "include b.rules\n");
	put("b.rules", "library b\n  private x\ninclude a.rules\n");
	ck_assert_int_eq(load("a.rules"), -EINVAL);
	ck_assert_str_eq(diags,
			 "b.rules:3:9: error: include cycle: a.rules -> b.rules -> a.rules\n");
}
END_TEST

START_TEST(test_include_cycle_through_subdir)
{
	put("a.rules", "library a\n  private a\n\ninclude   sub/b.rules\n");
	put("sub/b.rules", "include ../a.rules\n");
	ck_assert_int_eq(load("a.rules"), -EINVAL);
	ck_assert_str_eq(
		diags,
		"sub/b.rules:1:9: error: include cycle: a.rules -> sub/b.rules -> a.rules\n");
}
END_TEST

START_TEST(test_include_self)
{
	put("c.rules", "library c\n  private c\ninclude c.rules\n");
	ck_assert_int_eq(load("c.rules"), -EINVAL);
	ck_assert_str_eq(diags, "c.rules:3:9: error: include cycle: c.rules -> c.rules\n");
}
END_TEST

START_TEST(test_unreadable_include)
{
	mkdirs("sub/x");
	expect_errors(
		"library x\n"
		"  private a\n"
		"include missing.rules\n"
		"include sub\n",
		"a.rules:3:9: error: cannot include 'missing.rules': No such file or directory\n"
		"a.rules:4:9: error: cannot include 'sub': Is a directory\n");
}
END_TEST

START_TEST(test_unreadable_file)
{
	ck_assert_int_eq(load("nope.rules"), -EINVAL);
	ck_assert_str_eq(diags,
			 "nope.rules: error: cannot read rules file: No such file or directory\n");
}
END_TEST

START_TEST(test_waive_words)
{
	expect_errors("library x\n"
		      "  private a\n"
		      "  waive a.o\n"
		      "  waive a.o b c\n"
		      "  waive\n"
		      "  waive a.o b\n",
		      "a.rules:3:3: error: 'waive' takes two words, OBJECT SYMBOL (got 1)\n"
		      "a.rules:4:15: error: 'waive' takes two words, OBJECT SYMBOL (got 3)\n"
		      "a.rules:5:3: error: 'waive' takes two words, OBJECT SYMBOL (got 0)\n");
}
END_TEST

START_TEST(test_hint_errors)
{
	expect_errors(
		"library x\n"
		"  private a\n"
		"  hint \"first\"\n"
		"  hint \"second\"\n"
		"  hint unquoted\n"
		"  hint \"a\" \"b\"\n"
		"  hint\n",
		"a.rules:4:3: error: library 'x' already has a hint (at a.rules:3:3)\n"
		"a.rules:5:8: error: 'hint' takes one quoted string, as in: hint \"use dma_map_sg()\"\n"
		"a.rules:6:12: error: 'hint' takes one quoted string, as in: hint \"use dma_map_sg()\"\n"
		"a.rules:7:3: error: 'hint' takes one quoted string, as in: hint \"use dma_map_sg()\"\n");
}
END_TEST

START_TEST(test_library_and_include_words)
{
	expect_errors("library\n"
		      "library a b\n"
		      "include\n"
		      "include x y\n",
		      "a.rules:1:1: error: 'library' takes exactly one name\n"
		      "a.rules:2:11: error: 'library' takes exactly one name\n"
		      "a.rules:3:1: error: 'include' takes exactly one file name\n"
		      "a.rules:4:11: error: 'include' takes exactly one file name\n");
}
END_TEST

START_TEST(test_too_many_errors)
{
	char text[2048] = "library x\n  private a\n", want[4096] = "";
	int i;

	for (i = 3; i <= 30; i++) {
		strcat(text, "bogus\n");
		if (i < 23)
			sprintf(want + strlen(want),
				"a.rules:%d:1: error: unknown directive 'bogus'\n", i);
	}
	strcat(want, "a.rules: error: too many errors, stopping\n");
	put("b.rules", "bogus\n");
	put("a.rules", text);
	ck_assert_int_eq(load("a.rules", "b.rules"), -EINVAL);
	/* The cap is per file: b.rules is still read and reported. */
	strcat(want, "b.rules:1:1: error: unknown directive 'bogus'\n");
	ck_assert_str_eq(diags, want);
	ck_assert_uint_eq(ctx.errors, 22);
}
END_TEST

START_TEST(test_warnings)
{
	put("a.rules", "library empty\n"
		       "  objects e.o\n"
		       "library x\n"
		       "  private a b a\n"
		       "  waive m.o a\n"
		       "  waive m.o a\n");
	ck_assert_int_eq(load("a.rules"), 0);
	ck_assert_ptr_nonnull(policy);
	ck_assert_str_eq(
		diags,
		"a.rules:1:9: warning: library 'empty' has no 'private' or 'public' patterns: it hides nothing\n"
		"a.rules:4:15: warning: 'a' is listed twice in 'private' of library 'x' (first at a.rules:4:11)\n"
		"a.rules:6:9: warning: 'm.o a' is listed twice in 'waive' of library 'x' (first at a.rules:5:9)\n");
	ck_assert_uint_eq(ctx.warnings, 3);
	ck_assert_uint_eq(ctx.errors, 0);
}
END_TEST

/* Several kinds of error in one file are all reported, in order. */
START_TEST(test_several_errors)
{
	expect_errors(
		"library x\n"
		"  privat a\n"
		"  private [\n"
		"  hint unquoted\n"
		"  private ok\n",
		"a.rules:2:3: error: unknown directive 'privat' (did you mean 'private'?)\n"
		"a.rules:3:11: error: bad pattern '[': unterminated '['\n"
		"a.rules:4:8: error: 'hint' takes one quoted string, as in: hint \"use dma_map_sg()\"\n");
}
END_TEST

/* ---- the language ---- */

static void expect_pattern(const struct symfence_library *lib, enum symfence_pattern_kind kind,
			   size_t i, const char *text, unsigned int line, unsigned int col)
{
	struct symfence_pattern_info info;

	ck_assert_uint_gt(symfence_library_npatterns(lib, kind), i);
	symfence_library_pattern(lib, kind, i, &info);
	ck_assert_str_eq(info.text, text);
	ck_assert_uint_eq(info.line, line);
	ck_assert_uint_eq(info.col, col);
}

START_TEST(test_continuations_and_comments)
{
	const struct symfence_library *lib;

	put("a.rules", "library x   # a comment after words\n"
		       "\tprivate a \\\n"
		       "\t        b \\    # a comment after the backslash\n"
		       "\t        c\\\n"
		       "\t        d#not_a_pattern\n"
		       "  public \"quoted word\" e\r\n"
		       "  objects x.o \\\n");
	ck_assert_int_eq(load("a.rules"), 0);
	ck_assert_str_eq(diags, "");
	lib = symfence_policy_find(policy, "x");
	ck_assert_ptr_nonnull(lib);
	ck_assert_uint_eq(symfence_library_npatterns(lib, SYMFENCE_PAT_PRIVATE), 4);
	expect_pattern(lib, SYMFENCE_PAT_PRIVATE, 0, "a", 2, 10);
	expect_pattern(lib, SYMFENCE_PAT_PRIVATE, 1, "b", 3, 10);
	expect_pattern(lib, SYMFENCE_PAT_PRIVATE, 2, "c", 4, 10);
	expect_pattern(lib, SYMFENCE_PAT_PRIVATE, 3, "d", 5, 10);
	expect_pattern(lib, SYMFENCE_PAT_PUBLIC, 0, "quoted word", 6, 10);
	expect_pattern(lib, SYMFENCE_PAT_PUBLIC, 1, "e", 6, 24);
	expect_pattern(lib, SYMFENCE_PAT_OBJECTS, 0, "x.o", 7, 11);
	ck_assert_uint_eq(symfence_library_npatterns(lib, SYMFENCE_PAT_OBJECTS), 1);
}
END_TEST

START_TEST(test_hint_escapes)
{
	const struct symfence_library *lib;

	put("a.rules", "\xef\xbb\xbflibrary x\n"
		       "  private a\n"
		       "  hint \"say \\\"hi\\\" \\\\ # not a comment\"  # a comment\n");
	ck_assert_int_eq(load("a.rules"), 0);
	lib = symfence_policy_lib(policy, 0);
	ck_assert_str_eq(symfence_library_hint(lib), "say \"hi\" \\ # not a comment");
	ck_assert_uint_eq(symfence_library_line(lib), 1);
	ck_assert_str_eq(symfence_library_name(lib), "x");
}
END_TEST

/* Includes are relative to the including file; a file read twice counts once. */
START_TEST(test_includes)
{
	put("rules/main.rules", "include sub/common.rules\ninclude other.rules\n"
				"library main\n  private m\n");
	put("rules/sub/common.rules", "library common\n  private c\ninclude ../other.rules\n");
	put("rules/other.rules", "library other\n  private o\n");
	ck_assert_int_eq(load("rules/main.rules", "rules/other.rules", "rules/main.rules"), 0);
	ck_assert_str_eq(diags, "");
	ck_assert_uint_eq(symfence_policy_nlibs(policy), 3);
	ck_assert_str_eq(symfence_library_name(symfence_policy_lib(policy, 0)), "common");
	ck_assert_str_eq(symfence_library_name(symfence_policy_lib(policy, 1)), "other");
	ck_assert_str_eq(symfence_library_name(symfence_policy_lib(policy, 2)), "main");
	ck_assert_ptr_null(symfence_policy_lib(policy, 3));
	ck_assert_str_eq(symfence_library_file(symfence_policy_lib(policy, 1)),
			 at("rules/sub/../other.rules"));
	ck_assert_ptr_null(symfence_policy_find(policy, "nope"));
}
END_TEST

START_TEST(test_symbol_queries)
{
	const struct symfence_library *lib;

	put("a.rules", "library iommu-dma\n"
		       "  public   dma_map_sg dma_sync_sg_for_*\n"
		       "  private  arch_sync_dma_* dmac_* dmac_flush_range outer_? [xy]_helper\n"
		       "  waive    drivers/legacy/old_cam.o dmac_flush_range\n"
		       "  waive    cam*.ko dmac_*\n");
	ck_assert_int_eq(load("a.rules"), 0);
	lib = symfence_policy_find(policy, "iommu-dma");
	ck_assert_ptr_nonnull(lib);
	/* The first pattern that matches, in the order written. */
	ck_assert_int_eq(
		symfence_library_match_symbol(lib, SYMFENCE_PAT_PRIVATE, "dmac_flush_range"), 1);
	ck_assert_int_eq(
		symfence_library_match_symbol(lib, SYMFENCE_PAT_PRIVATE, "arch_sync_dma_for_cpu"),
		0);
	ck_assert_int_eq(symfence_library_match_symbol(lib, SYMFENCE_PAT_PRIVATE, "outer_x"), 3);
	ck_assert_int_eq(symfence_library_match_symbol(lib, SYMFENCE_PAT_PRIVATE, "outer_xy"), -1);
	ck_assert_int_eq(symfence_library_match_symbol(lib, SYMFENCE_PAT_PRIVATE, "y_helper"), 4);
	ck_assert_int_eq(symfence_library_match_symbol(lib, SYMFENCE_PAT_PRIVATE, "z_helper"), -1);
	ck_assert_int_eq(
		symfence_library_match_symbol(lib, SYMFENCE_PAT_PUBLIC, "dma_sync_sg_for_cpu"), 1);
	ck_assert_int_eq(symfence_library_match_symbol(lib, SYMFENCE_PAT_PUBLIC, "dma_map_sg"), 0);
	ck_assert_int_eq(symfence_library_match_symbol(lib, SYMFENCE_PAT_PUBLIC, "dma_map"), -1);
	ck_assert_int_eq(symfence_library_match_symbol(lib, SYMFENCE_PAT_OBJECTS, "dma_map_sg"),
			 -1);
	ck_assert(symfence_library_private(lib, "dmac_inv_range"));
	ck_assert(!symfence_library_private(lib, "dma_map_sg"));
	/* Waivers: the entry covering (object, symbol). */
	ck_assert_int_eq(
		symfence_library_waived(lib, "drivers/legacy/old_cam.o", "dmac_flush_range"), 0);
	ck_assert_int_eq(
		symfence_library_waived(lib, "./drivers/legacy/old_cam.o", "dmac_flush_range"), 0);
	ck_assert_int_eq(symfence_library_waived(lib, "drivers/legacy/old_cam.o", "dmac_inv_range"),
			 -1);
	ck_assert_int_eq(symfence_library_waived(lib, "drivers/media/cam_x.ko", "dmac_inv_range"),
			 1);
	ck_assert_int_eq(
		symfence_library_waived(lib, "drivers/media/cam-x.ko.xz", "dmac_flush_range"), 1);
	ck_assert_int_eq(symfence_library_waived(lib, "drivers/media/cam.o", "dmac_flush_range"),
			 -1);
	ck_assert_int_eq(symfence_library_match_object(lib, SYMFENCE_PAT_WAIVE, "x/cam1.ko"), 1);
}
END_TEST

static void count_match(void *arg, size_t i)
{
	((unsigned int *)arg)[i]++;
}

START_TEST(test_match_each)
{
	const struct symfence_library *lib;
	unsigned int seen[5] = { 0 };

	put("a.rules", "library x\n  private dmac_* *_range dmac_flush_range outer_* d*\n");
	ck_assert_int_eq(load("a.rules"), 0);
	lib = symfence_policy_lib(policy, 0);
	ck_assert_uint_eq(symfence_library_match_symbol_each(lib, SYMFENCE_PAT_PRIVATE,
							     "dmac_flush_range", count_match, seen),
			  4);
	ck_assert_uint_eq(seen[0], 1);
	ck_assert_uint_eq(seen[1], 1);
	ck_assert_uint_eq(seen[2], 1);
	ck_assert_uint_eq(seen[3], 0);
	ck_assert_uint_eq(seen[4], 1);
	ck_assert_uint_eq(symfence_library_match_symbol_each(lib, SYMFENCE_PAT_PUBLIC,
							     "dmac_flush_range", count_match, seen),
			  0);
}
END_TEST

START_TEST(test_object_queries)
{
	const struct symfence_library *dma, *smmu;

	put("a.rules", "library iommu-dma\n"
		       "  objects  lib/iommu-dma/*.o ./arch/arm/mm/dma-coherency.o **/dma-glue.o\n"
		       "  private  dmac_*\n"
		       "  allow    drivers/iommu/arm-smmu*.o arm_smmu_v3 drivers/gpu/**\n"
		       "library smmu\n"
		       "  objects  arm-smmu.o\n"
		       "  private  smmu_*\n");
	ck_assert_int_eq(load("a.rules"), 0);
	dma = symfence_policy_find(policy, "iommu-dma");
	smmu = symfence_policy_find(policy, "smmu");
	ck_assert_ptr_eq(symfence_policy_owner(policy, "lib/iommu-dma/map.o"), dma);
	ck_assert_ptr_eq(symfence_policy_owner(policy, "./lib/iommu-dma/map.o"), dma);
	ck_assert_ptr_eq(symfence_policy_owner(policy, "arch/arm/mm/dma-coherency.o"), dma);
	ck_assert_ptr_eq(symfence_policy_owner(policy, "dma-glue.o"), dma);
	ck_assert_ptr_eq(symfence_policy_owner(policy, "a/b/dma-glue.o"), dma);
	ck_assert_ptr_null(symfence_policy_owner(policy, "lib/iommu-dma/sub/map.o"));
	ck_assert_ptr_null(symfence_policy_owner(policy, "lib/iommu-dma/map.c"));
	ck_assert_ptr_eq(symfence_policy_owner(policy, "drivers/iommu/arm-smmu.o"), smmu);
	ck_assert_ptr_null(symfence_policy_owner(policy, "drivers/iommu/arm-smmu.ko"));
	ck_assert_int_eq(symfence_library_match_object(dma, SYMFENCE_PAT_OBJECTS,
						       "arch/arm/mm/dma-coherency.o"),
			 1);
	ck_assert_int_eq(symfence_library_match_object(dma, SYMFENCE_PAT_ALLOW,
						       "drivers/iommu/arm-smmu-v3.o"),
			 0);
	ck_assert_int_eq(symfence_library_match_object(dma, SYMFENCE_PAT_ALLOW,
						       "drivers/iommu/arm-smmu-v3.ko"),
			 1);
	ck_assert_int_eq(
		symfence_library_match_object(dma, SYMFENCE_PAT_ALLOW, "arm_smmu_v3.ko.zst"), 1);
	ck_assert_int_eq(symfence_library_match_object(dma, SYMFENCE_PAT_ALLOW, "arm_smmu_v3"), 1);
	ck_assert_int_eq(
		symfence_library_match_object(dma, SYMFENCE_PAT_ALLOW, "drivers/gpu/drm/x/y.ko"),
		2);
	ck_assert_int_eq(
		symfence_library_match_object(dma, SYMFENCE_PAT_ALLOW, "drivers/media/y.ko"), -1);
	ck_assert_int_eq(symfence_library_match_object(dma, SYMFENCE_PAT_PRIVATE, "dmac_x"), -1);
}
END_TEST

START_TEST(test_pattern_info)
{
	const struct symfence_library *lib;
	struct symfence_pattern_info info;

	put("a.rules",
	    "library x\n  private a\n  waive drivers/legacy/old_cam.o dmac_flush_range\n");
	ck_assert_int_eq(load("a.rules"), 0);
	lib = symfence_policy_lib(policy, 0);
	symfence_library_pattern(lib, SYMFENCE_PAT_WAIVE, 0, &info);
	ck_assert_str_eq(info.text, "drivers/legacy/old_cam.o");
	ck_assert_str_eq(info.symbol, "dmac_flush_range");
	ck_assert_str_eq(info.file, at("a.rules"));
	ck_assert_uint_eq(info.line, 3);
	ck_assert_uint_eq(info.col, 9);
	symfence_library_pattern(lib, SYMFENCE_PAT_PRIVATE, 0, &info);
	ck_assert_ptr_null(info.symbol);
	ck_assert_ptr_null(symfence_library_hint(lib));
	ck_assert_uint_eq(symfence_library_npatterns(lib, SYMFENCE_PAT_ALLOW), 0);
}
END_TEST

/* Thousands of patterns: the policy is built and queried without name x pattern work. */
START_TEST(test_many_patterns)
{
	const struct symfence_library *lib;
	struct timespec t0, t1;
	char name[64];
	FILE *f;
	int i, hits = 0;

	mkdirs("big.rules");
	f = fopen(at("big.rules"), "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "library big\n");
	for (i = 0; i < 20000; i++)
		fprintf(f, "  private sym_%d%s\n", i, i % 2 ? "" : "_*");
	for (i = 0; i < 2000; i++)
		fprintf(f, "  private *_tail%d\n", i);
	fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(load("big.rules"), 0);
	lib = symfence_policy_lib(policy, 0);
	for (i = 0; i < 200000; i++) {
		snprintf(name, sizeof(name), i % 3 ? "sym_%d_x" : "other_tail%d", i % 25000);
		hits += symfence_library_private(lib, name);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Even lines are globs sym_N_*, N even; tails *_tailN, N < 2000. */
	ck_assert_int_gt(hits, 0);
	ck_assert_int_eq(symfence_library_match_symbol(lib, SYMFENCE_PAT_PRIVATE, "sym_18_x"), 18);
	ck_assert_int_eq(symfence_library_match_symbol(lib, SYMFENCE_PAT_PRIVATE, "sym_19"), 19);
	ck_assert_int_eq(symfence_library_match_symbol(lib, SYMFENCE_PAT_PRIVATE, "sym_19_x"), -1);
	ck_assert_int_eq(symfence_library_match_symbol(lib, SYMFENCE_PAT_PRIVATE, "a_tail1999"),
			 21999);
	/* A name x pattern scan would take minutes here; be generous with a shared machine. */
	ck_assert_double_lt((double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, 3.0);
}
END_TEST

/* ---- expanding objects ---- */

static void touch(const char *name)
{
	put(name, "");
}

START_TEST(test_expand_objects)
{
	const struct symfence_library *lib;
	char **paths = NULL;
	size_t n = 0, i;

	touch("tree/lib/iommu-dma/b.o");
	touch("tree/lib/iommu-dma/a.o");
	touch("tree/lib/iommu-dma/a.c");
	touch("tree/lib/iommu-dma/sub/d.o");
	touch("tree/lib/iommu-dma/.a.o.cmd");
	touch("tree/arch/arm/mm/dma-coherency.o");
	touch("tree/.hidden/d.o");
	ck_assert_int_eq(symlink("a.o", at("tree/lib/iommu-dma/link.o")), 0);
	ck_assert_int_eq(symlink("lib", at("tree/linkdir")), 0);
	put("a.rules",
	    "library x\n"
	    "  objects lib/iommu-dma/*.o ./arch/arm/mm/dma-coherency.o lib/iommu-dma/a.o\n"
	    "  private x\n"
	    "library y\n"
	    "  objects **/d.o\n"
	    "  private y\n"
	    "library z\n"
	    "  objects lib/**/*.o missing/*.o gone.o\n"
	    "  private z\n"
	    "library w\n"
	    "  private w\n");
	ck_assert_int_eq(load("a.rules"), 0);

	lib = symfence_policy_find(policy, "x");
	ck_assert_int_eq(symfence_library_expand_objects(&ctx, lib, at("tree"), &paths, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(paths[0], "arch/arm/mm/dma-coherency.o");
	ck_assert_str_eq(paths[1], "lib/iommu-dma/a.o");
	ck_assert_str_eq(paths[2], "lib/iommu-dma/b.o");
	ck_assert_str_eq(paths[3], "lib/iommu-dma/link.o");
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);

	/* The whole tree, but not hidden directories nor symbolic links to directories. */
	lib = symfence_policy_find(policy, "y");
	ck_assert_int_eq(symfence_library_expand_objects(&ctx, lib, at("tree"), &paths, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(paths[0], "lib/iommu-dma/sub/d.o");
	free(paths[0]);
	free(paths);

	lib = symfence_policy_find(policy, "z");
	ck_assert_int_eq(symfence_library_expand_objects(&ctx, lib, at("tree"), &paths, &n),
			 -ENOENT);
	ck_assert_ptr_null(paths);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(
		diags,
		"a.rules:8:22: error: objects pattern 'missing/*.o' of library 'z' matches no file under 'tree'\n"
		"a.rules:8:34: error: objects pattern 'gone.o' of library 'z' matches no file under 'tree'\n");

	/* No objects: nothing to expand, and that is not an error. */
	lib = symfence_policy_find(policy, "w");
	ck_assert_int_eq(symfence_library_expand_objects(&ctx, lib, at("tree"), &paths, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(paths);
}
END_TEST

START_TEST(test_expand_objects_cwd)
{
	const struct symfence_library *lib;
	char **paths = NULL, cwd[PATH_MAX];
	size_t n = 0;

	touch("tree/x/a.o");
	put("a.rules", "library x\n  objects x/*.o y/*.o\n  private x\n");
	ck_assert_int_eq(load("a.rules"), 0);
	lib = symfence_policy_lib(policy, 0);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(at("tree")), 0);
	ck_assert_int_eq(symfence_library_expand_objects(&ctx, lib, NULL, &paths, &n), -ENOENT);
	ck_assert_int_eq(chdir(cwd), 0);
	ck_assert_str_eq(
		diags,
		"a.rules:2:17: error: objects pattern 'y/*.o' of library 'x' matches no file under the current directory\n");
}
END_TEST

START_TEST(test_expand_objects_bad_root)
{
	const struct symfence_library *lib;
	char **paths = NULL;
	size_t n = 0;

	put("a.rules", "library x\n  objects x/*.o\n  private x\n");
	ck_assert_int_eq(load("a.rules"), 0);
	lib = symfence_policy_lib(policy, 0);
	ck_assert_int_eq(symfence_library_expand_objects(&ctx, lib, at("none"), &paths, &n),
			 -ENOENT);
	ck_assert_str_eq(diags, "none: error: cannot read directory: No such file or directory\n");
}
END_TEST

/* ---- the rules files of the repository ---- */

START_TEST(test_repository_rules_parse)
{
	const char *top = getenv("TOP") ? getenv("TOP") : ".";
	char pattern[PATH_MAX];
	glob_t g;
	size_t i;

	snprintf(pattern, sizeof(pattern), "%s/rules/*.rules", top);
	ck_assert_int_eq(glob(pattern, 0, NULL, &g), 0);
	ck_assert_uint_gt(g.gl_pathc, 0);
	for (i = 0; i < g.gl_pathc; i++) {
		const char *file = g.gl_pathv[i];

		diagslen = 0;
		diags[0] = '\0';
		symfence_ctx_init(&ctx, capture, NULL);
		symfence_policy_free(policy);
		policy = NULL;
		ck_assert_msg(!symfence_policy_load(&ctx, &file, 1, &policy), "%s:\n%s", file,
			      diags);
		ck_assert_msg(ctx.warnings == 0, "%s:\n%s", file, diags);
		ck_assert_uint_gt(symfence_policy_nlibs(policy), 0);
	}
	globfree(&g);
}
END_TEST

Suite *suite_rules(void);

Suite *suite_rules(void)
{
	Suite *s = suite_create("rules");
	TCase *diag = tcase_create("diagnostics"), *lang = tcase_create("language");
	TCase *expand = tcase_create("expand"), *repo = tcase_create("repository");

	tcase_add_checked_fixture(diag, setup, teardown);
	tcase_add_test(diag, test_unknown_directive);
	tcase_add_test(diag, test_unknown_directive_suggestions);
	tcase_add_test(diag, test_outside_library);
	tcase_add_test(diag, test_misspelled_library);
	tcase_add_test(diag, test_empty_pattern_list);
	tcase_add_test(diag, test_quotes);
	tcase_add_test(diag, test_nul_byte);
	tcase_add_test(diag, test_bad_patterns);
	tcase_add_test(diag, test_duplicate_library);
	tcase_add_test(diag, test_private_in_two_libraries);
	tcase_add_test(diag, test_private_name_before_glob);
	tcase_add_test(diag, test_public_and_private);
	tcase_add_test(diag, test_private_exception_to_public);
	tcase_add_test(diag, test_include_cycle);
	tcase_add_test(diag, test_include_cycle_through_subdir);
	tcase_add_test(diag, test_include_self);
	tcase_add_test(diag, test_unreadable_include);
	tcase_add_test(diag, test_unreadable_file);
	tcase_add_test(diag, test_waive_words);
	tcase_add_test(diag, test_hint_errors);
	tcase_add_test(diag, test_library_and_include_words);
	tcase_add_test(diag, test_too_many_errors);
	tcase_add_test(diag, test_warnings);
	tcase_add_test(diag, test_several_errors);
	suite_add_tcase(s, diag);

	tcase_add_checked_fixture(lang, setup, teardown);
	tcase_add_test(lang, test_continuations_and_comments);
	tcase_add_test(lang, test_hint_escapes);
	tcase_add_test(lang, test_includes);
	tcase_add_test(lang, test_symbol_queries);
	tcase_add_test(lang, test_match_each);
	tcase_add_test(lang, test_object_queries);
	tcase_add_test(lang, test_pattern_info);
	tcase_add_test(lang, test_many_patterns);
	tcase_set_timeout(lang, 30);
	suite_add_tcase(s, lang);

	tcase_add_checked_fixture(expand, setup, teardown);
	tcase_add_test(expand, test_expand_objects);
	tcase_add_test(expand, test_expand_objects_cwd);
	tcase_add_test(expand, test_expand_objects_bad_root);
	suite_add_tcase(s, expand);

	tcase_add_checked_fixture(repo, setup, teardown);
	tcase_add_test(repo, test_repository_rules_parse);
	suite_add_tcase(s, repo);
	return s;
}
