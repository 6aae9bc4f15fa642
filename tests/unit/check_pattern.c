// SPDX-License-Identifier: GPL-2.0-only
/*
 * The glob matchers and the pattern index. libc's fnmatch(3) is the oracle
 * for the globs it shares with us; the index is checked against a plain scan
 * of every pattern.
 */
#include <check.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <symfence/rules.h>

#include "pattern.h"

START_TEST(test_symbol_globs)
{
	ck_assert(sf_glob_match("dmac_*", "dmac_flush_range", false, false));
	ck_assert(sf_glob_match("dmac_*", "dmac_", false, false));
	ck_assert(!sf_glob_match("dmac_*", "dmac", false, false));
	ck_assert(sf_glob_match("*_range", "dmac_flush_range", false, false));
	ck_assert(sf_glob_match("dma?_*", "dmac_x", false, false));
	ck_assert(!sf_glob_match("dma?_*", "dma_x", false, false));
	ck_assert(sf_glob_match("[ab]c", "bc", false, false));
	ck_assert(!sf_glob_match("[ab]c", "cc", false, false));
	ck_assert(sf_glob_match("[!ab]c", "cc", false, false));
	ck_assert(sf_glob_match("[^ab]c", "cc", false, false));
	ck_assert(!sf_glob_match("[!ab]c", "ac", false, false));
	ck_assert(sf_glob_match("x[a-c]y", "xby", false, false));
	ck_assert(!sf_glob_match("x[a-c]y", "xdy", false, false));
	ck_assert(sf_glob_match("[]]", "]", false, false));
	ck_assert(sf_glob_match("[!]]", "a", false, false));
	ck_assert(sf_glob_match("[a-]", "-", false, false));
	ck_assert(sf_glob_match("*a*b*c*", "xxaxxbxxcxx", false, false));
	ck_assert(!sf_glob_match("*a*b*c*d", "xxaxxbxxcxx", false, false));
	ck_assert(sf_glob_match("foo.cold", "foo.cold", false, false));
	ck_assert(!sf_glob_match("foo", "foo_bar", false, false));
	/* Symbols: '*' crosses anything, a '-' is not a '_'. */
	ck_assert(sf_glob_match("a*b", "a/x/b", false, false));
	ck_assert(!sf_glob_match("a-b", "a_b", false, false));
}
END_TEST

/* Many stars on a long name must stay fast (the matcher gives up early). */
START_TEST(test_many_stars_fast)
{
	char name[4001];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert(!sf_glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", name, false, false));
	ck_assert(!sf_glob_match("**/*a*a*a*a*a*a*a*a*a*a*a*a*b", name, true, false));
}
END_TEST

START_TEST(test_against_fnmatch)
{
	static const char *const pats[] = {
		"*",	 "a*",	    "*a",	 "a*b",	  "*a*",       "a?c",	  "[a-c]*",
		"[!a]*", "*[0-9]",  "??",	 "a*b*c", "*_*",       "x[]]y",	  "[!]a]?",
		"*.o",	 "lib/*.o", "lib/*/x.o", "*/*",	  "lib/a?c/*", "[l]ib/*",
	};
	static const char *const names[] = {
		"",	     "a",   "b",      "ab",  "abc",	"acb",	       "a_b",
		"xa",	     "x]y", "a1",     "a/b", "lib/x.o", "lib/a/x.o",   "lib/abc/d",
		"lib/x/y.o", "x.o", "aabbcc", "]a",  "zz",	"lib/a/b/x.o",
	};
	size_t i, j;

	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		for (j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
			bool want = !fnmatch(pats[i], names[j], 0);
			bool want_path = !fnmatch(pats[i], names[j], FNM_PATHNAME);

			ck_assert_msg(sf_glob_match(pats[i], names[j], false, false) == want,
				      "'%s' on '%s'", pats[i], names[j]);
			ck_assert_msg(sf_glob_match(pats[i], names[j], true, false) == want_path,
				      "path '%s' on '%s'", pats[i], names[j]);
		}
	}
}
END_TEST

START_TEST(test_object_patterns)
{
	/* With a '/': the path; '*' and '?' stop at '/', '**' crosses it. */
	ck_assert(symfence_object_pattern_match("lib/iommu-dma/*.o", "lib/iommu-dma/map.o"));
	ck_assert(symfence_object_pattern_match("lib/iommu-dma/*.o", "./lib/iommu-dma/map.o"));
	ck_assert(symfence_object_pattern_match("./lib/iommu-dma/*.o", "lib/iommu-dma/map.o"));
	ck_assert(!symfence_object_pattern_match("lib/*.o", "lib/iommu-dma/map.o"));
	ck_assert(!symfence_object_pattern_match("lib/?", "lib//"));
	ck_assert(!symfence_object_pattern_match("lib[/]x", "lib/x"));
	ck_assert(symfence_object_pattern_match("lib/**.o", "lib/iommu-dma/map.o"));
	ck_assert(symfence_object_pattern_match("lib/**/map.o", "lib/iommu-dma/map.o"));
	ck_assert(symfence_object_pattern_match("lib/**/map.o", "lib/a/b/c/map.o"));
	ck_assert(symfence_object_pattern_match("lib/**/map.o", "lib/map.o"));
	ck_assert(symfence_object_pattern_match("**/map.o", "map.o"));
	ck_assert(symfence_object_pattern_match("**/map.o", "x/map.o"));
	ck_assert(!symfence_object_pattern_match("**/map.o", "xmap.o"));
	ck_assert(symfence_object_pattern_match("drivers/**", "drivers/a/b.ko"));
	ck_assert(!symfence_object_pattern_match("drivers/*", "drivers/a/b.ko"));
	ck_assert(!symfence_object_pattern_match("lib/iommu-dma/*.o", "lib/iommu_dma/map.o"));
	ck_assert(!symfence_object_pattern_match("arm-smmu.o", "lib/arm-smmu.o.c"));

	/* Without a '/': the file name. */
	ck_assert(symfence_object_pattern_match("arm-smmu*.o", "drivers/iommu/arm-smmu-v3.o"));
	ck_assert(symfence_object_pattern_match("map.o", "map.o"));
	ck_assert(!symfence_object_pattern_match("arm_smmu.o", "drivers/iommu/arm-smmu.o"));
	ck_assert(!symfence_object_pattern_match("iommu", "drivers/iommu/arm-smmu.o"));

	/* Modules: file name or module name, '-' and '_' equal. */
	ck_assert(symfence_object_pattern_match("arm_smmu", "drivers/iommu/arm-smmu.ko"));
	ck_assert(symfence_object_pattern_match("arm-smmu", "drivers/iommu/arm_smmu.ko.xz"));
	ck_assert(symfence_object_pattern_match("arm_smmu.ko", "arm-smmu.ko.zst"));
	ck_assert(symfence_object_pattern_match("arm-smmu.ko.gz", "x/arm_smmu.ko.gz"));
	ck_assert(symfence_object_pattern_match("arm?smmu*", "arm-smmu-v3.ko"));
	ck_assert(symfence_object_pattern_match("arm[_]smmu", "arm-smmu.ko"));
	ck_assert(!symfence_object_pattern_match("arm_smmu", "drivers/iommu/arm-smmu-v3.ko"));
	ck_assert(!symfence_object_pattern_match("arm_smmu.ko", "arm-smmu.ko.gz.sig"));
	/* A bare name is a module name, as /proc/modules lists them. */
	ck_assert(symfence_object_pattern_match("arm-smmu", "arm_smmu"));
	ck_assert(!symfence_object_pattern_match("drivers/iommu/arm-smmu.ko", "arm_smmu"));
}
END_TEST

START_TEST(test_glob_check)
{
	char buf[256];

	ck_assert_ptr_null(sf_glob_check("dmac_*", false, buf, sizeof(buf)));
	ck_assert_ptr_null(sf_glob_check("[]a]x", false, buf, sizeof(buf)));
	ck_assert_ptr_null(sf_glob_check("lib/**/*.o", true, buf, sizeof(buf)));
	ck_assert_str_eq(sf_glob_check("foo[ab", false, buf, sizeof(buf)), "unterminated '['");
	ck_assert_str_eq(sf_glob_check("foo[]", false, buf, sizeof(buf)), "unterminated '['");
	ck_assert_str_eq(sf_glob_check("foo[!]", false, buf, sizeof(buf)), "unterminated '['");
	ck_assert_str_eq(sf_glob_check("x[z-a]", false, buf, sizeof(buf)), "reversed range 'z-a'");
	ck_assert_str_eq(sf_glob_check("a\\*", false, buf, sizeof(buf)),
			 "backslash escapes are not supported");
	ck_assert_str_eq(sf_glob_check("lib/x/", true, buf, sizeof(buf)),
			 "ends with '/' (to name the objects in a directory, write 'lib/x/*.o')");
	ck_assert_ptr_null(sf_glob_check("lib/x/", false, buf, sizeof(buf)));
	ck_assert(sf_glob_literal("dmac_flush_range"));
	ck_assert(!sf_glob_literal("dmac_*"));
	ck_assert(!sf_glob_literal("a[b]"));
	ck_assert(!sf_glob_literal("a?"));
}
END_TEST

START_TEST(test_edit_distance)
{
	ck_assert_uint_eq(sf_edit_distance("privat", "private", 2), 1);
	ck_assert_uint_eq(sf_edit_distance("pirvate", "private", 2), 1);
	ck_assert_uint_eq(sf_edit_distance("prvte", "private", 2), 2);
	ck_assert_uint_eq(sf_edit_distance("same", "same", 2), 0);
	ck_assert_uint_eq(sf_edit_distance("xyz", "library", 2), 3);
}
END_TEST

static const char *suggest(const char *word, bool prefix, const char *const *cands)
{
	struct sf_suggest s;

	sf_suggest_init(&s, word, prefix);
	for (; *cands; cands++)
		sf_suggest_offer(&s, *cands);
	return s.best;
}

START_TEST(test_suggest)
{
	static const char *const syms[] = { "lib_helper", "lib_help", "dma_map_sg", NULL };
	static const char *const libs[] = { "iommu-dma", "cam", NULL };

	ck_assert_str_eq(suggest("lib_helpr", false, syms), "lib_helper");
	ck_assert_str_eq(suggest("lib_hlep", false, syms), "lib_help"); /* a transposition */
	ck_assert_str_eq(suggest("DMA_MAP_SG", false, syms), "dma_map_sg");
	ck_assert_ptr_null(suggest("lib", false, syms)); /* no prefixes for symbols */
	ck_assert_ptr_null(suggest("zzz_qqq", false, syms));
	ck_assert_str_eq(suggest("iommu", true, libs), "iommu-dma"); /* a prefix, with prefix */
	ck_assert_str_eq(suggest("iommu_dma", true, libs), "iommu-dma");
	ck_assert_ptr_null(suggest("io", true, libs)); /* too short to abbreviate */
	ck_assert_ptr_null(suggest("x", true, libs));
}
END_TEST

static bool glob_ok(void *arg, size_t i)
{
	const char *const *q = arg; /* q[0]: the name; q + 1: the patterns */

	return sf_glob_match(q[1 + i], q[0], false, false);
}

static char *random_name(unsigned int *seed)
{
	size_t n = 1 + (size_t)rand_r(seed) % 8, i;
	char *w = malloc(n + 1);

	for (i = 0; i < n; i++)
		w[i] = "abc_-"[rand_r(seed) % 5];
	w[n] = '\0';
	return w;
}

/* Mostly literal characters, with a wildcard now and then, and at least two literals. */
static char *random_glob(unsigned int *seed)
{
	static const char *const wild[] = { "*", "?", "[ab]", "[!a]", "[a-c]", "**" };
	char *w = calloc(64, 1);
	size_t n = 2 + (size_t)rand_r(seed) % 6, i, lits = 0;

	for (i = 0; i < n || lits < 2; i++) {
		if (rand_r(seed) % 10 < 3) {
			strcat(w, wild[rand_r(seed) % 6]);
		} else {
			w[strlen(w)] = "abc_-"[rand_r(seed) % 5];
			lits++;
		}
	}
	return w;
}

/* A name the glob matches: each wildcard replaced by characters it accepts. */
static char *instance(const char *glob, unsigned int *seed)
{
	char *w = calloc(strlen(glob) * 4 + 1, 1), *o = w;
	const char *p;
	int k;

	for (p = glob; *p; p++) {
		if (*p == '*') {
			for (k = rand_r(seed) % 4; k > 0; k--)
				*o++ = "abc_-"[rand_r(seed) % 5];
		} else if (*p == '?') {
			*o++ = "abc_-"[rand_r(seed) % 5];
		} else if (*p == '[') {
			*o++ = p[1] == '!' ? 'c' : 'b'; /* in [ab], [!a] and [a-c] */
			p = strchr(p, ']');
		} else {
			*o++ = *p;
		}
	}
	return w;
}

/* The index finds the same first match as trying every pattern in order. */
START_TEST(test_index_equals_scan)
{
	enum { NPATS = 3000, NNAMES = 20000 };
	const char **q = calloc(NPATS + 1, sizeof(*q));
	struct sf_index ix;
	unsigned int seed = 42;
	size_t i, j, found, want, hits = 0, late = 0;
	char *name;

	for (i = 0; i < NPATS; i++)
		q[1 + i] = random_glob(&seed);
	ck_assert_int_eq(sf_index_build(&ix, q + 1, NPATS), 0);
	for (i = 0; i < NNAMES; i++) {
		name = i % 2 ? random_name(&seed) : instance(q[1 + rand_r(&seed) % NPATS], &seed);
		q[0] = name;
		found = sf_index_first(&ix, name, strlen(name), SIZE_MAX, glob_ok, q);
		want = SIZE_MAX;
		for (j = 0; j < NPATS && want == SIZE_MAX; j++)
			if (!fnmatch(q[1 + j], name, 0))
				want = j;
		ck_assert_msg(found == want, "'%s': index says %zu, a scan says %zu", name, found,
			      want);
		hits += want != SIZE_MAX;
		late += want != SIZE_MAX && want > 100;
		free(name);
	}
	/* The test tried real matches, and not only on the first few patterns. */
	ck_assert_uint_gt(hits, NNAMES / 10);
	ck_assert_uint_gt(late, NNAMES / 20);
	ck_assert_uint_lt(hits, NNAMES);
	sf_index_free(&ix);
	for (i = 0; i < NPATS; i++)
		free((char *)q[1 + i]);
	free(q);
}
END_TEST

static bool count_ok(void *arg, size_t i)
{
	(*(size_t *)arg)++;
	return false;
}

/* Literal-prefix and -suffix patterns are not even tried on names they cannot match. */
START_TEST(test_index_is_selective)
{
	enum { N = 5000 };
	char **pats = calloc(N, sizeof(*pats));
	struct sf_index ix;
	size_t i, tried = 0;

	for (i = 0; i < N; i++)
		ck_assert_int_ge(asprintf(&pats[i], i % 2 ? "sym%zu_*" : "*_tail%zu", i), 0);
	ck_assert_int_eq(sf_index_build(&ix, (const char *const *)pats, N), 0);
	sf_index_first(&ix, "sym17_x", 7, SIZE_MAX, count_ok, &tried);
	ck_assert_uint_le(tried, 2);
	tried = 0;
	sf_index_first(&ix, "x_tail42", 8, SIZE_MAX, count_ok, &tried);
	ck_assert_uint_le(tried, 2);
	tried = 0;
	sf_index_first(&ix, "unrelated", 9, SIZE_MAX, count_ok, &tried);
	ck_assert_uint_eq(tried, 0);
	sf_index_free(&ix);
	for (i = 0; i < N; i++)
		free(pats[i]);
	free(pats);
}
END_TEST

START_TEST(test_htab)
{
	struct sf_htab ht = { .fold = true };
	struct sf_hent *e;
	char keys[1000][8];
	size_t i;

	for (i = 0; i < 1000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k_%zu", i);
		e = sf_htab_put(&ht, keys[i], strlen(keys[i]));
		ck_assert_ptr_nonnull(e);
		ck_assert_uint_eq(e->val, SIZE_MAX);
		e->val = i;
	}
	ck_assert_uint_eq(ht.n, 1000);
	e = sf_htab_get(&ht, sf_hash("k-500", 5, true), "k-500", 5); /* folded */
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->val, 500);
	ck_assert_ptr_null(sf_htab_get(&ht, sf_hash("k_1000", 6, true), "k_1000", 6));
	sf_htab_free(&ht);
}
END_TEST

Suite *suite_pattern(void);

Suite *suite_pattern(void)
{
	Suite *s = suite_create("pattern");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_symbol_globs);
	tcase_add_test(tc, test_many_stars_fast);
	tcase_add_test(tc, test_against_fnmatch);
	tcase_add_test(tc, test_object_patterns);
	tcase_add_test(tc, test_glob_check);
	tcase_add_test(tc, test_edit_distance);
	tcase_add_test(tc, test_suggest);
	tcase_add_test(tc, test_index_equals_scan);
	tcase_add_test(tc, test_index_is_selective);
	tcase_add_test(tc, test_htab);
	suite_add_tcase(s, tc);
	return s;
}
