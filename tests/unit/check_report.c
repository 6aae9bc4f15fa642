// SPDX-License-Identifier: GPL-2.0-only
/*
 * The report formats of the audit: text, JSON, SARIF and GitHub workflow
 * commands, on an audit of objects gcc compiles here, named with the bytes
 * that break naive writers (a quote, a backslash, a byte that is not UTF-8, a
 * newline, a comma and a colon). Every document must be valid UTF-8 without
 * raw control characters, and say the same finding.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <symfence/audit.h>
#include <symfence/rules.h>

#include "diags.h"
#include "tmpdir.h"

static struct symfence_policy *policy;
static struct symfence_audit *audit;

/* The objects: one name with a quote, a backslash and 0xff; one with a newline, ',' and ':'. */
#define ODD                                                                                        \
	"ch\xff"                                                                                   \
	"e\"a\\t.o"
#define NL "n\nl,x:y.o"

static const char rules[] = "library dma\n"
			    "\tobjects  lib/*.o\n"
			    "\tprivate  dma_secret\n"
			    "\thint     \"use the \\\"API\\\" (100%)\"\n";

/* Compiled once for the suite (an unchecked fixture runs in the parent). */
static void compile(void)
{
	char cmd[2048];
	FILE *f;

	tmpdir_make("check_report");
	f = fopen(tmpdir_at("c.c"), "w");
	ck_assert_ptr_nonnull(f);
	fputs("extern void dma_secret(void);\n"
	      "void caller(void) { dma_secret(); dma_secret(); }\n",
	      f);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && gcc -O2 -g0 -c c.c -o c.o && cp c.o '%s' && cp c.o '%s'", tmpdir, ODD,
		 NL);
	ck_assert_msg(system(cmd) == 0, "%s", cmd);
	f = fopen(tmpdir_at("d.rules"), "w");
	ck_assert_ptr_nonnull(f);
	fputs(rules, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void cleanup(void)
{
	tmpdir_remove();
}

/* An audit of one object, by its name relative to the temp dir. */
static void run(const char *object)
{
	struct symfence_audit_opts opts = { .root = tmpdir, .jobs = 1 };
	const char *file = tmpdir_at("d.rules");

	setup();
	ck_assert_int_eq(symfence_policy_load(&ctx, &file, 1, &policy), 0);
	ck_assert_int_eq(symfence_audit_new(&ctx, policy, &opts, &audit), 0);
	ck_assert_int_eq(symfence_audit_add_input(&ctx, audit, tmpdir_at(object)), 0);
	ck_assert_int_eq(symfence_audit_run(&ctx, audit), 0);
	ck_assert_uint_eq(symfence_audit_nfindings(audit), 1);
	ck_assert_int_eq(symfence_audit_status(audit), 1);
}

static void teardown(void)
{
	symfence_audit_free(audit);
	audit = NULL;
	symfence_policy_free(policy);
	policy = NULL;
}

/* A document as a string: the writer's output through a memory stream. */
static char *doc;
static size_t doclen;

static void write_doc(int (*writer)(const struct symfence_audit *, FILE *))
{
	FILE *f;

	free(doc);
	doc = NULL;
	f = open_memstream(&doc, &doclen);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(writer(audit, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* Valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF), no raw controls but '\n'. */
static void assert_clean_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned int c = *p, len, cp, i;

		if (c < 0x80) {
			ck_assert_msg(c >= 0x20 || c == '\n', "raw control 0x%02x at %zu", c,
				      (size_t)(p - (const unsigned char *)s));
			p++;
			continue;
		}
		len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
		ck_assert_msg(len && p + len <= end, "bad UTF-8 lead 0x%02x", c);
		cp = c & (0x7f >> len);
		for (i = 1; i < len; i++) {
			ck_assert_msg((p[i] & 0xc0) == 0x80, "bad UTF-8 continuation");
			cp = cp << 6 | (p[i] & 0x3f);
		}
		ck_assert(cp >= (len == 2 ? 0x80u : len == 3 ? 0x800u : 0x10000u));
		ck_assert(cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff));
		p += len;
	}
}

#define has(text) ck_assert_msg(strstr(doc, text), "no '%s' in:\n%s", text, doc)

/* Objects are shown as they were given: the temp dir, then text. */
static const char *in_dir(const char *text)
{
	static char b[1024];

	snprintf(b, sizeof(b), "%s/%s", tmpdir, text);
	return b;
}

START_TEST(test_text)
{
	const struct symfence_finding *f;

	run(ODD);
	f = symfence_audit_finding(audit, 0);
	ck_assert_str_eq(f->symbol, "dma_secret");
	ck_assert_str_eq(f->function, "caller");
	ck_assert_uint_eq(f->count, 2);
	ck_assert_uint_eq(f->rule_line, 3);
	symfence_audit_report_text(&ctx, audit);
	ck_assert_ptr_nonnull(strstr(diags.text, ": caller+0x"));
	ck_assert_ptr_nonnull(strstr(
		diags.text,
		": error: reference to private symbol 'dma_secret' of library 'dma' (2 references) ["));
	ck_assert_ptr_nonnull(strstr(diags.text, "d.rules:3: 'dma_secret']\n"));
	ck_assert_ptr_nonnull(strstr(diags.text, ": note: hint: use the \"API\" (100%)\n"));
}
END_TEST

START_TEST(test_json)
{
	run(ODD);
	write_doc(symfence_audit_write_json);
	assert_clean_utf8(doc, doclen);
	/* the object's name: quote and backslash escaped, 0xff as the character U+00FF */
	has(in_dir("ch\\u00ffe\\\"a\\\\t.o\", \"path\": \"ch\\u00ffe\\\"a\\\\t.o\""));
	has("\"kind\": \"reference\", \"severity\": \"error\"");
	has("\"function\": \"caller\"");
	has("\"symbol\": \"dma_secret\", \"library\": \"dma\"");
	has("\"rule\": {\"kind\": \"private\", \"pattern\": \"dma_secret\"");
	has("\"line\": 3, \"col\": 11}, \"count\": 2");
	has("\"hint\": \"use the \\\"API\\\" (100%)\"");
	has("\"summary\": {\"objects\": 1, \"errors\": 1, \"warnings\": 0");
	has("\"status\": 1");
}
END_TEST

START_TEST(test_json_newline)
{
	run(NL);
	write_doc(symfence_audit_write_json);
	assert_clean_utf8(doc, doclen);
	has(in_dir("n\\nl,x:y.o\", \"path\": \"n\\nl,x:y.o\""));
	/* one finding per line of the document: the newline did not split it */
	ck_assert_ptr_null(strstr(doc, "\"n\nl"));
}
END_TEST

START_TEST(test_sarif)
{
	run(ODD);
	write_doc(symfence_audit_write_sarif);
	assert_clean_utf8(doc, doclen);
	has("\"version\": \"2.1.0\"");
	has("{\"ruleId\": \"private-reference\", \"ruleIndex\": 0, \"level\": \"error\"");
	/* the location is a URI: the odd bytes %-encoded */
	has("\"artifactLocation\": {\"uri\": \"ch%FFe%22a%5Ct.o\"}");
	has("\"region\": {\"startLine\": 1}");
	has("\"logicalLocations\": [{\"name\": \"caller\", \"kind\": \"function\"}]");
	has("Hint: use the \\\"API\\\" (100%)");
	has(in_dir(
		"ch\\u00ffe\\\"a\\\\t.o\", \"symbol\": \"dma_secret\", \"library\": \"dma\", \"count\": 2}"));
}
END_TEST

START_TEST(test_github)
{
	char *nl;

	run(NL);
	write_doc(symfence_audit_write_github);
	/* one command, one line: the newline, ',' and ':' of the file property escaped */
	has("::error file=n%0Al%2Cx%3Ay.o,title=private-reference::/tmp/check_report.");
	has(in_dir("n%0Al,x:y.o: caller+0x"));
	has("reference to private symbol 'dma_secret' of library 'dma' (2 references)");
	/* the hint on the same command, '%' escaped */
	has("%0Ahint: use the \"API\" (100%25)\n");
	nl = strchr(doc, '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert_uint_eq((size_t)(nl - doc) + 1, doclen);
}
END_TEST

Suite *suite_report(void);
Suite *suite_report(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("formats");

	tcase_add_unchecked_fixture(tc, compile, cleanup);
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_json_newline);
	tcase_add_test(tc, test_sarif);
	tcase_add_test(tc, test_github);
	suite_add_tcase(s, tc);
	return s;
}
