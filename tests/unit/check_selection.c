// SPDX-License-Identifier: GPL-2.0-only
/*
 * The selection: names from -s and symbols files (read as GNU objcopy reads
 * them), a library's private set (its private patterns, and with public
 * patterns every definition that matches none), the libraries an object
 * belongs to, and the report of what matched nothing.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <symfence/localize.h>
#include <symfence/rules.h>
#include <symfence/selection.h>

#include "diags.h"
#include "tmpdir.h"

static struct symfence_policy *policy;
static struct symfence_selection *sel;

static void put(const char *name, const char *text, size_t len)
{
	FILE *f = fopen(tmpdir_at(name), "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static const char rules[] = "library dma\n"
			    "\tobjects  lib/dma/*.o\n"
			    "\tprivate  dma_cache_* dma_lock\n"
			    "library tty\n"
			    "\tobjects  drivers/tty/*.o\n"
			    "\tpublic   tty_register_*\n";

static void sel_setup(void)
{
	const char *file;

	setup();
	tmpdir_make("check_selection");
	put("a.rules", rules, strlen(rules));
	file = tmpdir_at("a.rules");
	ck_assert_int_eq(symfence_policy_load(&ctx, &file, 1, &policy), 0);
	ck_assert_int_eq(symfence_selection_new(&sel), 0);
}

static void sel_teardown(void)
{
	symfence_selection_free(sel);
	sel = NULL;
	symfence_policy_free(policy);
	policy = NULL;
	tmpdir_remove();
}

static int match(const char *name, Elf32_Word shndx)
{
	GElf_Sym sym = { 0 };

	sym.st_info = GELF_ST_INFO(STB_GLOBAL, STT_FUNC);
	sym.st_shndx = (Elf64_Half)shndx;
	return symfence_selection_match(sel, name, &sym, shndx);
}

START_TEST(test_names)
{
	ck_assert_int_eq(symfence_selection_add_name(sel, "foo", NULL, 0), 0);
	ck_assert_int_eq(symfence_selection_add_name(sel, "bar", NULL, 0), 0);
	ck_assert_int_eq(symfence_selection_add_name(sel, "foo", NULL, 0), 0); /* kept once */
	ck_assert_uint_eq(symfence_selection_count(sel), 2);
	ck_assert_int_eq(match("foo", 1), 0);
	ck_assert_int_eq(match("bar", SHN_UNDEF), 1);
	ck_assert_int_eq(match("baz", 1), -1);
	ck_assert_int_eq(match("fo", 1), -1);
}
END_TEST

/* What GNU objcopy and llvm-objcopy read (keep-global-symbols.test): blanks, comments, empties. */
START_TEST(test_symbols_file)
{
	static const char text[] = "  alpha  \n"
				   "\n"
				   "beta # a comment\n"
				   "# only a comment\n"
				   "\tgamma\r\n"
				   "delta epsilon\n";

	put("syms", text, sizeof(text) - 1);
	ck_assert_int_eq(symfence_selection_add_file(&ctx, sel, tmpdir_at("syms")), 0);
	ck_assert_uint_eq(symfence_selection_count(sel), 4);
	ck_assert_int_eq(match("alpha", 1), 0);
	ck_assert_int_eq(match("beta", 1), 1);
	ck_assert_int_eq(match("gamma", 1), 2);
	ck_assert_int_eq(match("delta", 1), 3);
	ck_assert_int_eq(match("epsilon", 1), -1);
	ck_assert_int_eq(match("delta epsilon", 1), -1);
	ck_assert_ptr_nonnull(strstr(
		diags.text,
		"syms:6:7: warning: ignoring 'epsilon' after the symbol name, as GNU objcopy does"));
}
END_TEST

START_TEST(test_symbols_file_nul)
{
	static const char text[] = "one\ntw\0o\nthree\n";
	size_t n = symfence_selection_count(sel);

	put("syms", text, sizeof(text) - 1);
	ck_assert_int_eq(symfence_selection_add_file(&ctx, sel, tmpdir_at("syms")), -EINVAL);
	ck_assert_ptr_nonnull(
		strstr(diags.text,
		       "syms:2:3: error: NUL byte in the symbols file (symbols files are text)"));
	/* every line is read: the others are there */
	ck_assert_uint_eq(symfence_selection_count(sel), n + 2);
	ck_assert_int_ge(match("three", 1), 0);
	ck_assert_int_eq(symfence_selection_add_file(&ctx, sel, tmpdir_at("nope")), -ENOENT);
	ck_assert_ptr_nonnull(
		strstr(diags.text, "nope: error: cannot open: No such file or directory"));
}
END_TEST

START_TEST(test_library_private)
{
	const struct symfence_library *dma = symfence_policy_find(policy, "dma");

	ck_assert_ptr_nonnull(dma);
	ck_assert_int_eq(symfence_selection_add_library(sel, dma), 0);
	ck_assert_uint_eq(symfence_selection_count(sel), 2); /* its two private patterns */
	ck_assert_int_eq(match("dma_cache_flush", 1), 0);
	ck_assert_int_eq(match("dma_cache_flush", SHN_UNDEF), 0);
	ck_assert_int_eq(match("dma_lock", 1), 1);
	ck_assert_int_eq(match("dma_map_sg", 1), -1);
}
END_TEST

START_TEST(test_library_public)
{
	const struct symfence_library *tty = symfence_policy_find(policy, "tty");

	ck_assert_int_eq(symfence_selection_add_name(sel, "named", NULL, 0), 0);
	ck_assert_int_eq(symfence_selection_add_library(sel, tty), 0);
	/* one name, then "defined, not public" */
	ck_assert_uint_eq(symfence_selection_count(sel), 2);
	ck_assert_int_eq(match("tty_ldisc_lock", 1), 1);
	ck_assert_int_eq(match("tty_register_driver", 1), -1);
	/* only what the library defines: a reference is not its symbol */
	ck_assert_int_eq(match("printk", SHN_UNDEF), -1);
	/* the entry points <module>.mod.o calls stay global */
	ck_assert_int_eq(match("init_module", 1), -1);
	ck_assert_int_eq(match("cleanup_module", 1), -1);
	ck_assert_int_eq(match("named", SHN_UNDEF), 0);
}
END_TEST

START_TEST(test_policy_by_object)
{
	/* an absolute path below the root (a real directory: it is resolved) */
	ck_assert_int_eq(symfence_selection_add_policy(&ctx, sel, policy, NULL, tmpdir,
						       tmpdir_at("lib/dma/cache.o")),
			 0);
	ck_assert_uint_eq(symfence_selection_nlibs(sel), 1);
	ck_assert_str_eq(symfence_library_name(symfence_selection_lib(sel, 0)), "dma");
	ck_assert_ptr_null(symfence_selection_lib(sel, 1));
	/* relative ones as the audit reads them: "./", "dir/..", a compression suffix */
	ck_assert_int_eq(symfence_selection_add_policy(&ctx, sel, policy, NULL, NULL,
						       "./drivers/x/../tty/tty_io.o"),
			 0);
	ck_assert_uint_eq(symfence_selection_nlibs(sel), 2);
	ck_assert_int_eq(symfence_selection_add_policy(&ctx, sel, policy, NULL, NULL, "mm/x.o"),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(
		diags.text,
		"mm/x.o: error: belongs to no library of the rules (name one with -l LIBRARY)"));
}
END_TEST

START_TEST(test_policy_by_name)
{
	ck_assert_int_eq(symfence_selection_add_policy(&ctx, sel, policy, "tty", NULL, "mm/x.o"),
			 0);
	ck_assert_uint_eq(symfence_selection_nlibs(sel), 1);
	ck_assert_int_eq(symfence_selection_add_policy(&ctx, sel, policy, "dna", NULL, "x.o"),
			 -ENOENT);
	ck_assert_ptr_nonnull(
		strstr(diags.text, "error: no library 'dna' in the rules (did you mean 'dma'?)"));
	ck_assert_int_eq(symfence_selection_add_policy(&ctx, sel, policy, "zzzzzzzz", NULL, "x.o"),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(diags.text, "error: no library 'zzzzzzzz' in the rules\n"));
}
END_TEST

START_TEST(test_report_unmatched)
{
	static const char text[] = "fromfile\n";
	const struct symfence_library *dma = symfence_policy_find(policy, "dma");
	size_t hits[8] = { 0 };

	put("syms", text, sizeof(text) - 1);
	ck_assert_int_eq(symfence_selection_add_name(sel, "cli_name", NULL, 0), 0);
	ck_assert_int_eq(symfence_selection_add_file(&ctx, sel, tmpdir_at("syms")), 0);
	ck_assert_int_eq(symfence_selection_add_library(sel, dma), 0);
	ck_assert_uint_eq(symfence_selection_count(sel), 4);
	hits[3] = 1; /* dma_lock matched; dma_cache_* did not */
	ck_assert_int_eq(symfence_selection_report_unmatched(&ctx, sel, hits, NULL, "x.o", false),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(
		diags.text,
		"x.o: error: symbol 'cli_name' is not in this object (--allow-missing ignores this)\n"));
	ck_assert_ptr_nonnull(
		strstr(diags.text, "syms:1:1: error: symbol 'fromfile' is not in x.o\n"));
	ck_assert_ptr_nonnull(strstr(
		diags.text,
		"a.rules:3:11: error: private pattern 'dma_cache_*' of library 'dma' matches no symbol in x.o\n"));
	ck_assert_ptr_null(strstr(diags.text, "'dma_lock'"));

	/* --allow-missing: names are warnings; a private pattern is still an error */
	memset(&diags, 0, sizeof(diags));
	hits[2] = 1;
	ck_assert_int_eq(symfence_selection_report_unmatched(&ctx, sel, hits, NULL, "x.o", true),
			 0);
	ck_assert_ptr_nonnull(
		strstr(diags.text, "x.o: warning: symbol 'cli_name' is not in this object\n"));
	hits[0] = hits[1] = 1;
	memset(&diags, 0, sizeof(diags));
	ck_assert_int_eq(symfence_selection_report_unmatched(&ctx, sel, hits, NULL, "x.o", false),
			 0);
	ck_assert_uint_eq(diags.len, 0);
}
END_TEST

START_TEST(test_relative_path)
{
	ck_assert_str_eq(symfence_relative_path("/b/lib/x.o", "/b"), "lib/x.o");
	ck_assert_str_eq(symfence_relative_path("/b/lib/x.o", "/b//"), "lib/x.o");
	ck_assert_str_eq(symfence_relative_path("/bb/lib/x.o", "/b"), "/bb/lib/x.o");
	ck_assert_str_eq(symfence_relative_path("././lib/x.o", NULL), "lib/x.o");
	ck_assert_str_eq(symfence_relative_path("./lib/x.o", "."), "lib/x.o");
}
END_TEST

Suite *suite_selection(void);
Suite *suite_selection(void)
{
	Suite *s = suite_create("selection");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, sel_setup, sel_teardown);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_symbols_file);
	tcase_add_test(tc, test_symbols_file_nul);
	tcase_add_test(tc, test_library_private);
	tcase_add_test(tc, test_library_public);
	tcase_add_test(tc, test_policy_by_object);
	tcase_add_test(tc, test_policy_by_name);
	tcase_add_test(tc, test_report_unmatched);
	tcase_add_test(tc, test_relative_path);
	suite_add_tcase(s, tc);
	return s;
}
