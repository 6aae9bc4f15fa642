// SPDX-License-Identifier: GPL-2.0-only
/*
 * The order of the kernel's order-sensitive tables across a seal
 * (initcall.c): which sections are tables, the entries read from objects
 * (RELA and REL with implicit addends, section symbols named by what is
 * defined there), and the check on entry lists: kept orders pass, every
 * kind of swap is refused with the pair named, and a sealed object whose
 * entries are not its members' is an error. Objects come from
 * tests/fixtures/loc-elfbuild.h; t-seal-archive.sh checks real ones.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <symfence/object.h>

#include "../fixtures/loc-elfbuild.h"
#include "diags.h"
#include "initcall.h"
#include "internal.h"

Suite *suite_initcall(void);

#define ck_assert_diag(want)                                                                       \
	ck_assert_msg(strstr(diags.text, want), "expected '%s' in:\n%s", want, diags.text)

START_TEST(test_groups)
{
	static const struct {
		const char *sec, *group, *kind;
	} cases[] = {
		{ ".initcall6.init", ".initcall6.init", "run initcall" },
		{ ".initcall6.init.foo", ".initcall6.init", "run initcall" },
		{ ".initcall6s.init", ".initcall6s.init", "run initcall" },
		{ ".initcallearly.init", ".initcallearly.init", "run initcall" },
		{ ".initcall0.init", ".initcall0.init", "run initcall" },
		{ ".initcallrootfs.init", ".initcallrootfs.init", "run initcall" },
		{ ".initcallrootfss.init", ".initcallrootfss.init", "run initcall" },
		{ ".con_initcall.init", ".con_initcall.init", "run console initcall" },
		{ ".init.setup", ".init.setup", "order __setup entry" },
		{ "__param", "__param", "order module parameter" },
		{ ".init_array", ".init_array", "run constructor" },
		{ ".init_array.00100", ".init_array.00100", "run constructor" },
		{ ".ctors", ".ctors", "run constructor" },
		{ ".ctors.65435", ".ctors.65435", "run constructor" },
		{ ".initcall8.init", NULL, NULL },
		{ ".initcall", NULL, NULL },
		{ ".init.setupx", NULL, NULL },
		{ "__paramx", NULL, NULL },
		{ ".text", NULL, NULL },
		{ ".init.text", NULL, NULL },
	};
	const char *kind, *g;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		g = sf_order_group(cases[i].sec, &kind);
		if (!cases[i].group) {
			ck_assert_msg(!g, "%s is no table", cases[i].sec);
			continue;
		}
		ck_assert_msg(g && !strcmp(g, cases[i].group), "%s: group %s", cases[i].sec, g);
		ck_assert_str_eq(kind, cases[i].kind);
	}
}
END_TEST

/* A list being built by hand. */
static void add(struct sf_order_list *l, const char *group, size_t member, size_t sec, uint64_t off,
		const char *target)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		ck_assert_ptr_nonnull(l->v);
	}
	l->v[l->n++] = (struct sf_order_entry){ strdup(group), member, sec, off, strdup(target) };
}

/* Members m0.o .. m5.o; the library is m1, m3 and m4. */
static const char *const names[] = { "m0.o", "m1.o", "m2.o", "m3.o", "m4.o", "m5.o" };
static const bool lib[] = { false, true, false, true, true, false };
static const struct sf_order_ctx oc = { "v.a", "lib", names, lib, 1 };

static struct sf_order_list before, after;

static void lists_setup(void)
{
	setup();
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
}

static void lists_teardown(void)
{
	sf_order_list_free(&before);
	sf_order_list_free(&after);
}

/* Only the first member has entries (the ARM DMA case): nothing moves. */
START_TEST(test_kept_first_only)
{
	add(&before, ".initcall2.init", 1, 3, 0, "atomic_pool_init");
	add(&before, ".init.setup", 1, 5, 0, "__setup_str_early_coherent_pool");
	add(&before, ".init.setup", 1, 5, 8, "early_coherent_pool");
	add(&before, ".initcall2.init", 2, 4, 0, "other_init"); /* between: stays after */
	add(&after, ".init.setup", 1, 9, 0, "__setup_str_early_coherent_pool");
	add(&after, ".init.setup", 1, 9, 8, "early_coherent_pool");
	add(&after, ".initcall2.init", 1, 7, 0, "atomic_pool_init");
	ck_assert_int_eq(sf_order_check(&ctx, &oc, &before, &after), 0);
	ck_assert_uint_eq(ctx.errors, 0);
}
END_TEST

/* A later member's entry would overtake another member's: refused, both named. */
START_TEST(test_overtakes_other_member)
{
	add(&before, ".initcall6.init", 1, 3, 0, "a_init");
	add(&before, ".initcall6.init", 2, 3, 0, "b_init");
	add(&before, ".initcall6.init", 3, 3, 0, "c_init");
	add(&after, ".initcall6.init", 1, 5, 0, "a_init");
	add(&after, ".initcall6.init", 1, 5, 8, "c_init");
	ck_assert_int_eq(sf_order_check(&ctx, &oc, &before, &after), -EPERM);
	ck_assert_diag(
		"v.a: error: sealing 'lib' would run initcall 'c_init' (m3.o, .initcall6.init) before 'b_init' (m2.o): the sealed object takes the place of the library's first member, 'm1.o'\n");
	ck_assert_uint_eq(ctx.errors, 1);
}
END_TEST

/* Another table, another order: entries of different tables never compare. */
START_TEST(test_tables_apart)
{
	add(&before, ".initcall6.init", 1, 3, 0, "a_init");
	add(&before, ".initcall6.init", 2, 3, 0, "b_init");
	add(&before, ".initcall7.init", 3, 4, 0, "c_late");
	add(&before, "__param", 5, 4, 0, "after_all"); /* after the library: untouched */
	add(&before, "__param", 0, 4, 0, "before_all");
	add(&before, "__param", 4, 6, 0, "lib_param");
	add(&after, ".initcall6.init", 1, 5, 0, "a_init");
	add(&after, ".initcall7.init", 1, 6, 0, "c_late");
	add(&after, "__param", 1, 7, 0, "lib_param");
	ck_assert_int_eq(sf_order_check(&ctx, &oc, &before, &after), 0);
	/* the same with a member between that has a parameter: m4's moves ahead of it */
	add(&before, "__param", 2, 4, 16, "between_param");
	ck_assert_int_eq(sf_order_check(&ctx, &oc, &before, &after), -EPERM);
	ck_assert_diag(
		"sealing 'lib' would order module parameter 'lib_param' (m4.o, __param) before 'between_param' (m2.o)");
}
END_TEST

/* The sealed object orders the library's own entries otherwise: refused too. */
START_TEST(test_link_reorders)
{
	add(&before, ".initcall4.init", 1, 3, 0, "first");
	add(&before, ".initcall4.init", 1, 3, 8, "second");
	add(&before, ".initcall4.init", 3, 2, 0, "third");
	add(&after, ".initcall4.init", 1, 5, 0, "first");
	add(&after, ".initcall4.init", 1, 5, 8, "third");
	add(&after, ".initcall4.init", 1, 5, 16, "second");
	ck_assert_int_eq(sf_order_check(&ctx, &oc, &before, &after), -EPERM);
	ck_assert_diag(
		"sealing 'lib' would run initcall 'third' (m3.o, .initcall4.init) before 'second' (m1.o): the link put them in that order in the sealed object\n");
}
END_TEST

/* Within a member: section order, then offset (the table's order in the file). */
START_TEST(test_section_then_offset)
{
	add(&before, ".initcall6.init", 1, 4, 0, "in_later_section");
	add(&before, ".initcall6.init", 1, 3, 8, "second");
	add(&before, ".initcall6.init", 1, 3, 0, "first");
	add(&after, ".initcall6.init", 1, 2, 0, "first");
	add(&after, ".initcall6.init", 1, 2, 8, "second");
	add(&after, ".initcall6.init", 1, 3, 0, "in_later_section");
	ck_assert_int_eq(sf_order_check(&ctx, &oc, &before, &after), 0);
}
END_TEST

/* Entries alike (two static foo_init): matched in turn, so a kept order passes. */
START_TEST(test_alike_entries)
{
	add(&before, ".initcall6.init", 1, 3, 0, "foo_init");
	add(&before, ".initcall6.init", 3, 3, 0, "foo_init");
	add(&before, ".initcall5.init", 2, 3, 0, "between"); /* another table */
	add(&after, ".initcall6.init", 1, 5, 0, "foo_init");
	add(&after, ".initcall6.init", 1, 5, 8, "foo_init");
	ck_assert_int_eq(sf_order_check(&ctx, &oc, &before, &after), 0);
	ck_assert_uint_eq(ctx.errors, 0);
}
END_TEST

/* A sealed object whose entries are not its members': the order cannot be checked. */
START_TEST(test_cannot_check)
{
	add(&before, ".initcall6.init", 1, 3, 0, "a_init");
	add(&after, ".initcall6.init", 1, 5, 0, "a_init");
	add(&after, ".initcall6.init", 1, 5, 8, "extra_init");
	ck_assert_int_eq(sf_order_check(&ctx, &oc, &before, &after), -EINVAL);
	ck_assert_diag(
		"v.a: error: cannot check the order of '.initcall6.init': the sealed object has 2 entries, the library's members 1\n");
	sf_order_list_free(&after);
	add(&after, ".initcall6.init", 1, 5, 0, ".init.text+0x10");
	ck_assert_int_eq(sf_order_check(&ctx, &oc, &before, &after), -EINVAL);
	ck_assert_diag(
		"cannot check the order of '.initcall6.init': the sealed object's entry '.init.text+0x10' is none of the library's members' (did the link rename or drop a symbol?)\n");
	/* and an entry the sealed object lost */
	sf_order_list_free(&after);
	ck_assert_int_eq(sf_order_check(&ctx, &oc, &before, &after), -EINVAL);
	ck_assert_diag("the sealed object has 0 entries, the library's members 1");
}
END_TEST

/* Every table is checked: two refusals are two errors; one that cannot be checked wins. */
START_TEST(test_every_table)
{
	add(&before, ".initcall6.init", 1, 3, 0, "a6");
	add(&before, ".initcall6.init", 2, 3, 0, "b6");
	add(&before, ".initcall6.init", 4, 3, 0, "c6");
	add(&before, ".con_initcall.init", 2, 4, 0, "b_con");
	add(&before, ".con_initcall.init", 3, 4, 0, "c_con");
	add(&after, ".initcall6.init", 1, 5, 0, "a6");
	add(&after, ".initcall6.init", 1, 5, 8, "c6");
	add(&after, ".con_initcall.init", 1, 6, 0, "c_con");
	ck_assert_int_eq(sf_order_check(&ctx, &oc, &before, &after), -EPERM);
	ck_assert_uint_eq(ctx.errors, 2);
	ck_assert_diag(
		"would run console initcall 'c_con' (m3.o, .con_initcall.init) before 'b_con'");
	ck_assert_diag("would run initcall 'c6' (m4.o, .initcall6.init) before 'b6' (m2.o)");
	add(&after, ".init_array", 1, 7, 0, "nowhere");
	ck_assert_int_eq(sf_order_check(&ctx, &oc, &before, &after), -EINVAL);
}
END_TEST

/*
 * An object with two tables and a relocation elsewhere: RELA (x86_64) or
 * REL with the addends in the section (ARM). The entries name the static
 * function a section symbol points at (not the ARM mapping symbol there),
 * a global symbol, and a place no symbol names.
 */
START_TEST(test_collect)
{
	bool rela = _i == 0;
	struct tb *t = tb_new(rela ? ELFCLASS64 : ELFCLASS32, false, rela);
	size_t ptr = rela ? 8 : 4, text, ic, setup_sec, data, rodata, stext, srodata, bar;
	unsigned char ic_data[16] = { 0 }, setup_data[16] = { 0 };
	struct sf_order_list l = { 0 };
	struct symfence_object *obj;

	if (!rela) { /* the addends in the section */
		tb_put(ic_data, 4, 0x10, false);
		tb_put(setup_data, 4, 0x4, false);
	}
	text = tb_section(t, ".init.text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, 0, 0, NULL,
			  64);
	rodata = tb_section(t, ".rodata", SHT_PROGBITS, SHF_ALLOC, 0, 0, 0, NULL, 16);
	ic = tb_section(t, ".initcall6.init", SHT_PROGBITS, SHF_ALLOC, 0, 0, 0, ic_data, 2 * ptr);
	setup_sec =
		tb_section(t, ".init.setup", SHT_PROGBITS, SHF_ALLOC, 0, 0, 0, setup_data, 2 * ptr);
	data = tb_section(t, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0, 0, 0, NULL, 8);
	tb_symbol(t, "f.c", STB_LOCAL, STT_FILE, SHN_ABS, 0, 0);
	stext = tb_symbol(t, "", STB_LOCAL, STT_SECTION, TB_REAL(text), 0, 0);
	srodata = tb_symbol(t, "", STB_LOCAL, STT_SECTION, TB_REAL(rodata), 0, 0);
	tb_symbol(t, "$a", STB_LOCAL, STT_NOTYPE, TB_REAL(text), 0x10, 0);
	tb_symbol(t, ".Ltmp0", STB_LOCAL, STT_NOTYPE, TB_REAL(text), 0x10, 0);
	tb_symbol(t, "foo_init", STB_LOCAL, STT_FUNC, TB_REAL(text), 0x10, 8);
	bar = tb_symbol(t, "bar_init", STB_GLOBAL, STT_FUNC, TB_REAL(text), 0x20, 8);
	tb_reloc(t, ic, 0, stext, rela ? 1 : 2, rela ? 0x10 : 0);
	tb_reloc(t, ic, ptr, bar, rela ? 1 : 2, 0);
	tb_reloc(t, setup_sec, 0, srodata, rela ? 1 : 2, rela ? 0x4 : 0);
	tb_reloc(t, data, 0, bar, rela ? 1 : 2, 0); /* no table */
	tb_finish(t);
	ck_assert_int_eq(symfence_object_open_mem(&ctx, "t.o", t->img, t->size, false, &obj), 0);
	ck_assert_int_eq(sf_order_collect(&ctx, obj, 7, &l), 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.v[0].group, ".initcall6.init");
	ck_assert_uint_eq(l.v[0].member, 7);
	ck_assert_uint_eq(l.v[0].sec, ic);
	ck_assert_uint_eq(l.v[0].off, 0);
	ck_assert_str_eq(l.v[0].target, "foo_init");
	ck_assert_uint_eq(l.v[1].off, ptr);
	ck_assert_str_eq(l.v[1].target, "bar_init");
	ck_assert_str_eq(l.v[2].group, ".init.setup");
	ck_assert_uint_eq(l.v[2].sec, setup_sec);
	ck_assert_str_eq(l.v[2].target, ".rodata+0x4");
	ck_assert_uint_eq(ctx.errors, 0);
	sf_order_list_free(&l);
	symfence_object_free(obj);
	tb_free(t);
}
END_TEST

Suite *suite_initcall(void)
{
	Suite *s = suite_create("initcall");
	TCase *tc = tcase_create("order");

	tcase_add_checked_fixture(tc, lists_setup, lists_teardown);
	tcase_add_test(tc, test_groups);
	tcase_add_test(tc, test_kept_first_only);
	tcase_add_test(tc, test_overtakes_other_member);
	tcase_add_test(tc, test_tables_apart);
	tcase_add_test(tc, test_link_reorders);
	tcase_add_test(tc, test_section_then_offset);
	tcase_add_test(tc, test_alike_entries);
	tcase_add_test(tc, test_cannot_check);
	tcase_add_test(tc, test_every_table);
	tcase_add_loop_test(tc, test_collect, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
