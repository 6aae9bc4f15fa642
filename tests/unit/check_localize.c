// SPDX-License-Identifier: GPL-2.0-only
/*
 * The localize engine through its API: plans (counts, hits, names, kept),
 * every refusal and warning with its exact text, the rewritten image read
 * back (symbols, relocations, groups, .llvm_addrsig, extended numbering) and
 * compared byte by byte with the input, and the atomic writer. Inputs come
 * from the independent writer in tests/fixtures/loc-elfbuild.h.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <symfence/localize.h>
#include <symfence/object.h>
#include <symfence/output.h>
#include <symfence/selection.h>

#include "../fixtures/loc-elfbuild.h"

Suite *suite_localize(void);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#ifndef SHT_LLVM_ADDRSIG
#define SHT_LLVM_ADDRSIG 0x6fff4c03
#endif
#define SHT_CREL 0x40000014
#define SHN_LIVEPATCH 0xff20

#include "diags.h"

#define ck_assert_diag(want)                                                                       \
	ck_assert_msg(strstr(diags.text, want), "expected '%s' in:\n%s", want, diags.text)

static size_t count_lines(const char *needle)
{
	const char *p = diags.text;
	size_t n = 0;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/* A selection: the listed names, selector id = position in the list. */
struct names {
	const char *const *names;
	size_t n;
	size_t calls;		  /* how often select was asked */
	char asked[64][32];	  /* the first names asked about */
	Elf32_Word shndx_of_high; /* shndx passed for a symbol named "high" */
};

static int select_names(void *arg, const char *name, const GElf_Sym *sym, Elf32_Word shndx)
{
	struct names *s = arg;
	size_t i;

	if (s->calls < ARRAY_LEN(s->asked))
		snprintf(s->asked[s->calls], sizeof(s->asked[0]), "%s", name);
	s->calls++;
	if (!strcmp(name, "high"))
		s->shndx_of_high = shndx;
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], name))
			return (int)i;
	return -1;
}

/* Selector 0 for every name that starts with the prefix in arg. */
static int select_prefix(void *arg, const char *name, const GElf_Sym *sym, Elf32_Word shndx)
{
	return strncmp(name, arg, strlen(arg)) ? -1 : 0;
}

static const struct variant {
	int cls;
	bool msb, rela;
} variants[] = {
	{ ELFCLASS64, false, true },  /* x86_64, aarch64 */
	{ ELFCLASS64, true, true },   /* s390x */
	{ ELFCLASS32, false, false }, /* arm */
	{ ELFCLASS32, true, false },  /* mips */
	{ ELFCLASS32, true, true },   /* powerpc */
};

/*
 * The base object: .text and .data, locals (file, section, "loc"), then
 * foo, bar (functions), ext (undefined), var (data); relocations in .text
 * against bar, ext, foo and in .data against var and the section symbol.
 */
enum { S_FILE = 1, S_TEXT, S_LOC, S_FOO, S_BAR, S_EXT, S_VAR, S_COUNT };
enum { SEC_TEXT = 1, SEC_DATA };

/* The base object, with an extra named local (a label) after the others when extra is set. */
static struct tb *base_with_local(const struct variant *v, const char *extra)
{
	struct tb *t = tb_new(v->cls, v->msb, v->rela);
	size_t sec, foo, bar, ext, var;

	tb_section(t, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, 0, 0, NULL, 64);
	tb_section(t, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0, 0, 0, NULL, 16);
	tb_symbol(t, "base.c", STB_LOCAL, STT_FILE, SHN_ABS, 0, 0);
	sec = tb_symbol(t, "", STB_LOCAL, STT_SECTION, TB_REAL(SEC_TEXT), 0, 0);
	tb_symbol(t, "loc", STB_LOCAL, STT_FUNC, TB_REAL(SEC_TEXT), 0, 4);
	if (extra)
		tb_symbol(t, extra, STB_LOCAL, STT_OBJECT, TB_REAL(SEC_DATA), 8, 4);
	foo = tb_symbol(t, "foo", STB_GLOBAL, STT_FUNC, TB_REAL(SEC_TEXT), 8, 8);
	bar = tb_symbol(t, "bar", STB_GLOBAL, STT_FUNC, TB_REAL(SEC_TEXT), 16, 8);
	ext = tb_symbol(t, "ext", STB_GLOBAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
	var = tb_symbol(t, "var", STB_GLOBAL, STT_OBJECT, TB_REAL(SEC_DATA), 0, 4);
	tb_reloc(t, SEC_TEXT, 1, bar, 2, -4);
	tb_reloc(t, SEC_TEXT, 5, ext, 2, -4);
	tb_reloc(t, SEC_TEXT, 9, foo, 2, -4);
	tb_reloc(t, SEC_DATA, 0, var, 1, 0);
	tb_reloc(t, SEC_DATA, 8, sec, 1, 16);
	return t;
}

static struct tb *base(const struct variant *v)
{
	return base_with_local(v, NULL);
}

/* Everything one plan needs, released by done(). */
struct run {
	struct tb *t;
	struct symfence_object *obj;
	struct symfence_plan *plan;
	struct names sel;
	unsigned char *out;
	size_t out_size;
	struct symfence_object *back; /* out, read back */
	int err;
};

static void plan_names(struct run *r, const char *const *names, size_t n, bool strip, bool verify)
{
	struct symfence_localize_opts opts = { 0 };

	if (!r->t->img)
		tb_finish(r->t);
	ck_assert_int_eq(
		symfence_object_open_mem(&ctx, "t.o", r->t->img, r->t->size, false, &r->obj), 0);
	r->sel.names = names;
	r->sel.n = n;
	opts.select = select_names;
	opts.select_arg = &r->sel;
	opts.nselectors = n;
	opts.strip_signature = strip;
	opts.verify = verify;
	r->err = symfence_localize_plan(&ctx, r->obj, &opts, &r->plan);
	if (r->err)
		ck_assert_ptr_null(r->plan);
	else
		ck_assert_ptr_nonnull(r->plan);
}

static void apply(struct run *r)
{
	ck_assert_int_eq(symfence_plan_apply(&ctx, r->plan, &r->out, &r->out_size), 0);
	ck_assert_ptr_nonnull(r->out);
	ck_assert_int_eq(
		symfence_object_open_mem(&ctx, "out.o", r->out, r->out_size, false, &r->back), 0);
}

static void done(struct run *r)
{
	symfence_object_free(r->back);
	free(r->out);
	symfence_plan_free(r->plan);
	symfence_object_free(r->obj);
	tb_free(r->t);
}

/* Index of the symbol named name in obj (the first one), or -1. */
static long sym_index(struct symfence_object *obj, const char *name)
{
	size_t i;

	for (i = 0; i < symfence_object_nsyms(obj); i++) {
		const char *n;

		symfence_object_sym(obj, i, NULL, NULL, &n);
		if (!strcmp(n, name))
			return (long)i;
	}
	return -1;
}

/* The symbol index field of relocation j of section sec, straight from the image. */
static uint64_t raw_rel_sym(const struct tb *t, const unsigned char *img, size_t sec, size_t j)
{
	size_t es = tb_rel_size(t);
	const unsigned char *p = img + tb_get_shdr(t, img, sec, TB_SH_OFFSET) + j * es;

	if (t->cls == ELFCLASS64)
		return tb_get(p + 8, 8, t->msb) >> 32;
	return tb_get(p + 4, 4, t->msb) >> 8;
}

/* Identity of a symbol, binding aside. */
static void same_symbol(struct symfence_object *a, size_t ia, struct symfence_object *b, size_t ib)
{
	GElf_Sym x, y;
	Elf32_Word sx, sy;
	const char *nx, *ny;

	ck_assert_int_eq(symfence_object_sym(a, ia, &x, &sx, &nx), 0);
	ck_assert_int_eq(symfence_object_sym(b, ib, &y, &sy, &ny), 0);
	ck_assert_str_eq(nx, ny);
	ck_assert_uint_eq(sx, sy);
	ck_assert_uint_eq(x.st_value, y.st_value);
	ck_assert_uint_eq(x.st_size, y.st_size);
	ck_assert_int_eq(GELF_ST_TYPE(x.st_info), GELF_ST_TYPE(y.st_info));
	ck_assert_int_eq(x.st_other, y.st_other);
}

static void mark_shdr(const struct tb *t, unsigned char *mask, size_t i, enum tb_field f)
{
	size_t w, at = tb_shdr_at(t, i, f, &w);

	memset(mask + at, 1, w);
}

/*
 * The output read back: same sections; every relocation and group names the
 * same symbol; the named symbols (and only they) became local, right after
 * the old locals; sh_info is the first non-local; bytes outside the symbol
 * fields are the input's.
 */
static void check_rewrite(struct run *r, const char *const *localized, size_t n)
{
	struct tb *t = r->t;
	struct symfence_object *in = r->obj, *out = r->back;
	size_t i, j, first = symfence_object_shdr(in, t->symtab)->sh_info, nlocal = 0;
	unsigned char *mask;

	ck_assert_uint_eq(symfence_object_shnum(out), symfence_object_shnum(in));
	ck_assert_uint_eq(symfence_object_nsyms(out), symfence_object_nsyms(in));
	ck_assert_uint_eq(symfence_object_shdr(out, t->symtab)->sh_info, first + n);

	/* bindings: locals first; the localized names follow the old locals */
	for (i = 0; i < symfence_object_nsyms(out); i++) {
		GElf_Sym s;
		const char *name;

		symfence_object_sym(out, i, &s, NULL, &name);
		if (GELF_ST_BIND(s.st_info) == STB_LOCAL)
			ck_assert_uint_eq(i, nlocal++);
	}
	ck_assert_uint_eq(nlocal, first + n);
	for (i = 0; i < n; i++) {
		long k = sym_index(out, localized[i]);
		GElf_Sym s;

		ck_assert_int_ge(k, (long)first);
		ck_assert_int_lt(k, (long)(first + n));
		symfence_object_sym(out, (size_t)k, &s, NULL, NULL);
		ck_assert_int_eq(GELF_ST_BIND(s.st_info), STB_LOCAL);
		same_symbol(in, (size_t)sym_index(in, localized[i]), out, (size_t)k);
	}
	for (i = 0; i < first; i++) /* old locals keep their place */
		same_symbol(in, i, out, i);

	/* every symbol of the input is in the output, with the same binding unless localized */
	for (i = 1; i < symfence_object_nsyms(in); i++) {
		GElf_Sym a, b;
		const char *name;
		long k;
		bool loc = false;

		symfence_object_sym(in, i, &a, NULL, &name);
		if (i < first || !*name)
			continue;
		k = sym_index(out, name);
		for (j = 0; j < n; j++)
			loc |= !strcmp(localized[j], name);
		ck_assert_int_ge(k, (long)first);
		symfence_object_sym(out, (size_t)k, &b, NULL, NULL);
		same_symbol(in, i, out, (size_t)k);
		ck_assert_int_eq(GELF_ST_BIND(b.st_info),
				 loc ? STB_LOCAL : GELF_ST_BIND(a.st_info));
	}

	/* relocations and groups, from the raw bytes of both images */
	mask = calloc(1, r->out_size > t->size ? r->out_size : t->size);
	ck_assert_ptr_nonnull(mask);
	for (i = 1; i < t->shnum; i++) {
		const GElf_Shdr *sh = symfence_object_shdr(in, i);
		size_t es = tb_rel_size(t), lo, hi;

		if (sh->sh_type == SHT_REL || sh->sh_type == SHT_RELA) {
			if (t->cls == ELFCLASS64) {
				lo = t->msb ? 8 : 12;
				hi = lo + 4;
			} else {
				lo = t->msb ? 4 : 5;
				hi = lo + 3;
			}
			for (j = 0; j < sh->sh_size / es; j++) {
				uint64_t a = raw_rel_sym(t, t->img, i, j);
				uint64_t b = raw_rel_sym(t, r->out, i, j);

				ck_assert_uint_lt(b, symfence_object_nsyms(out));
				same_symbol(in, a, out, b);
				memset(mask + sh->sh_offset + j * es + lo, 1, hi - lo);
			}
		}
		if (sh->sh_type == SHT_GROUP) {
			same_symbol(in, sh->sh_info, out, symfence_object_shdr(out, i)->sh_info);
			mark_shdr(t, mask, i, TB_SH_INFO);
		}
		if (sh->sh_type == SHT_SYMTAB || sh->sh_type == SHT_SYMTAB_SHNDX)
			memset(mask + sh->sh_offset, 1, sh->sh_size);
		if (sh->sh_type == SHT_LLVM_ADDRSIG) {
			memset(mask + sh->sh_offset, 1, sh->sh_size);
			mark_shdr(t, mask, i, TB_SH_OFFSET);
			mark_shdr(t, mask, i, TB_SH_SIZE);
		}
	}
	mark_shdr(t, mask, t->symtab, TB_SH_INFO);
	for (i = 0; i < t->size && i < r->out_size; i++)
		if (!mask[i])
			ck_assert_msg(t->img[i] == r->out[i], "byte 0x%zx changed", i);
	free(mask);
}

START_TEST(test_plan_and_apply)
{
	static const char *const want[] = { "bar", "var" };
	struct run r = { .t = base(&variants[_i]) };
	const size_t *hits;

	plan_names(&r, want, 2, false, false);
	ck_assert_int_eq(r.err, 0);
	ck_assert_uint_eq(ctx.errors + ctx.warnings, 0);
	ck_assert_uint_eq(symfence_plan_count(r.plan), 2);
	ck_assert_str_eq(symfence_plan_name(r.plan, 0), "bar");
	ck_assert_str_eq(symfence_plan_name(r.plan, 1), "var");
	ck_assert_str_eq(symfence_plan_name(r.plan, 2), "");
	hits = symfence_plan_hits(r.plan);
	ck_assert_uint_eq(hits[0], 1);
	ck_assert_uint_eq(hits[1], 1);
	ck_assert_uint_eq(symfence_plan_kept(r.plan), 1); /* foo; ext is undefined */
	/* select is asked about every named non-local symbol, and only those */
	ck_assert_uint_eq(r.sel.calls, 4);
	ck_assert_str_eq(r.sel.asked[0], "foo");
	ck_assert_str_eq(r.sel.asked[3], "var");

	apply(&r);
	ck_assert_uint_eq(r.out_size, r.t->size);
	check_rewrite(&r, want, 2);
	done(&r);
}
END_TEST

START_TEST(test_verify_option)
{
	static const char *const want[] = { "foo", "var" };
	struct run r = { .t = base(&variants[_i]) };

	plan_names(&r, want, 2, false, true);
	ck_assert_int_eq(r.err, 0);
	apply(&r);
	ck_assert_uint_eq(ctx.errors, 0);
	check_rewrite(&r, want, 2);
	done(&r);
}
END_TEST

START_TEST(test_nothing_selected)
{
	/* loc is local: not selectable */
	static const char *const want[] = { "no_such_symbol", "loc" };
	struct run r = { .t = base(&variants[_i]) };

	plan_names(&r, want, 2, false, false);
	ck_assert_int_eq(r.err, 0);
	ck_assert_uint_eq(symfence_plan_count(r.plan), 0);
	ck_assert_uint_eq(symfence_plan_hits(r.plan)[0], 0);
	ck_assert_uint_eq(symfence_plan_hits(r.plan)[1], 0);
	ck_assert_uint_eq(symfence_plan_kept(r.plan), 3);
	ck_assert_int_eq(symfence_plan_apply(&ctx, r.plan, &r.out, &r.out_size), 0);
	ck_assert_uint_eq(r.out_size, r.t->size);
	ck_assert_int_eq(memcmp(r.out, r.t->img, r.t->size), 0);
	ck_assert_uint_eq(ctx.errors + ctx.warnings, 0);
	done(&r);
}
END_TEST

/* Selector 0 for every name but "ext". */
static int select_all_but_ext(void *arg, const char *name, const GElf_Sym *sym, Elf32_Word shndx)
{
	return strcmp(name, "ext") ? 0 : -1;
}

START_TEST(test_hits_count_each_symbol)
{
	static const char *const all[] = { "foo", "bar", "var" };
	struct symfence_localize_opts opts = { .select = select_prefix,
					       .select_arg = "",
					       .nselectors = 1 };
	struct run r = { .t = base(&variants[_i]) };

	tb_finish(r.t);
	ck_assert_int_eq(symfence_object_open_mem(&ctx, "t.o", r.t->img, r.t->size, false, &r.obj),
			 0);

	/* one selector for every name: the undefined ext is refused, and only it */
	ck_assert_int_eq(symfence_localize_plan(&ctx, r.obj, &opts, &r.plan), -EPERM);
	ck_assert_ptr_null(r.plan);
	ck_assert_uint_eq(count_lines(": error: "), 1);
	ck_assert_diag("t.o: error: cannot localize 'ext': it is undefined here");

	/* one selector for three symbols */
	opts.select = select_all_but_ext;
	ck_assert_int_eq(symfence_localize_plan(&ctx, r.obj, &opts, &r.plan), 0);
	ck_assert_uint_eq(symfence_plan_hits(r.plan)[0], 3);
	ck_assert_uint_eq(symfence_plan_count(r.plan), 3);
	ck_assert_uint_eq(symfence_plan_kept(r.plan), 0);
	apply(&r);
	check_rewrite(&r, all, 3);
	done(&r);
}
END_TEST

/* Refusals of one symbol: status, message, and the plan is not made. */
static void expect_refusal(struct tb *t, const char *name, const char *message)
{
	const char *names[] = { name };
	struct run r = { .t = t };

	plan_names(&r, names, 1, false, false);
	ck_assert_msg(r.err == -EPERM, "'%s' was not refused (plan returned %d), expected: %s",
		      name, r.err, message);
	ck_assert_diag(message);
	ck_assert_uint_eq(ctx.errors, 1);
	done(&r);
}

START_TEST(test_refuse_undefined)
{
	expect_refusal(
		base(&variants[_i]), "ext",
		"t.o: error: cannot localize 'ext': it is undefined here (only referenced; localize it in the object that defines it)");
}
END_TEST

START_TEST(test_refuse_common)
{
	struct tb *t = base(&variants[_i]);

	tb_symbol(t, "comm", STB_GLOBAL, STT_OBJECT, SHN_COMMON, 8, 4);
	expect_refusal(
		t, "comm",
		"t.o: error: cannot localize 'comm': it is SHN_COMMON (build with -fno-common or link with ld -d)");
}
END_TEST

START_TEST(test_refuse_livepatch)
{
	struct tb *t = base(&variants[_i]);

	tb_symbol(t, ".klp.sym.vmlinux.printk,0", STB_GLOBAL, STT_FUNC, SHN_LIVEPATCH, 0, 0);
	expect_refusal(
		t, ".klp.sym.vmlinux.printk,0",
		"t.o: error: cannot localize '.klp.sym.vmlinux.printk,0': it is a livepatch symbol (SHN_LIVEPATCH)");
}
END_TEST

/*
 * Special section indices judged by the machine: processor commons are
 * refused as commons, every other special index but SHN_ABS as unknown.
 */
static const struct {
	uint16_t machine, shndx;
	const char *message; /* NULL: localized */
} special_indices[] = {
	{ EM_X86_64, 0xff02,
	  "t.o: error: cannot localize 'sp': it is SHN_X86_64_LCOMMON, a common symbol (build with -fno-common or link with ld -d)" },
	{ EM_MIPS, 0xff03,
	  "t.o: error: cannot localize 'sp': it is SHN_MIPS_SCOMMON, a common symbol (build with -fno-common or link with ld -d)" },
	{ EM_MIPS, 0xff00, "it is SHN_MIPS_ACOMMON, a common symbol" },
	{ EM_MIPS, 0xff04,
	  "t.o: error: cannot localize 'sp': its section index 0xff04 (SHN_MIPS_SUNDEFINED) is special, and symfence does not know it to be safe to localize" },
	{ 164 /* EM_HEXAGON */, 0xff00, "it is SHN_HEXAGON_SCOMMON, a common symbol" },
	{ 164, 0xff03, "it is SHN_HEXAGON_SCOMMON_4, a common symbol" },
	{ EM_TI_C6000, 0xff00, "it is SHN_TIC6X_SCOMMON, a common symbol" },
	{ EM_X86_64, 0xff00,
	  "t.o: error: cannot localize 'sp': its section index 0xff00 (processor-specific, unknown for machine 62) is special, and symfence does not know it to be safe to localize" },
	{ EM_X86_64, 0xff03,
	  "its section index 0xff03 (processor-specific, unknown for machine 62)" },
	{ EM_X86_64, 0xff40, "its section index 0xff40 (reserved, unknown for machine 62)" },
	{ EM_X86_64, 0xff21, "its section index 0xff21 (OS-specific, unknown for machine 62)" },
	{ EM_AARCH64, 0xff02,
	  "its section index 0xff02 (processor-specific, unknown for machine 183)" },
	{ EM_X86_64, SHN_ABS, NULL },
	{ EM_MIPS, SHN_ABS, NULL },
};

START_TEST(test_refuse_special_indices)
{
	size_t vi = (size_t)_i % ARRAY_LEN(variants), k = (size_t)_i / ARRAY_LEN(variants);
	static const char *const names[] = { "sp" };
	struct tb *t = base(&variants[vi]);

	if (special_indices[k].machine == EM_MIPS && variants[vi].cls == ELFCLASS64) {
		tb_free(t); /* 64-bit MIPS is refused as a whole */
		return;
	}
	t->e_machine = special_indices[k].machine;
	tb_symbol(t, "sp", STB_GLOBAL, STT_OBJECT, special_indices[k].shndx, 8, 4);
	if (special_indices[k].message) {
		expect_refusal(t, "sp", special_indices[k].message);
	} else {
		struct run r = { .t = t };

		plan_names(&r, names, 1, false, false);
		ck_assert_int_eq(r.err, 0);
		apply(&r);
		check_rewrite(&r, names, 1);
		done(&r);
	}
}
END_TEST

START_TEST(test_hits_when_refused)
{
	/* a refused plan still says which requests matched: "nope" did not */
	static const char *const names[] = { "ext", "nope", "bar" };
	struct symfence_localize_opts opts = { 0 };
	struct symfence_object *obj = NULL;
	struct symfence_plan *plan = (void *)1;
	struct tb *t = base(&variants[_i]);
	struct names sel = { .names = names, .n = 3 };
	size_t hits[3] = { 7, 7, 7 };

	tb_finish(t);
	ck_assert_int_eq(symfence_object_open_mem(&ctx, "t.o", t->img, t->size, false, &obj), 0);
	opts.select = select_names;
	opts.select_arg = &sel;
	opts.nselectors = 3;
	opts.hits = hits;
	ck_assert_int_eq(symfence_localize_plan(&ctx, obj, &opts, &plan), -EPERM);
	ck_assert_ptr_null(plan);
	ck_assert_uint_eq(hits[0], 1);
	ck_assert_uint_eq(hits[1], 0);
	ck_assert_uint_eq(hits[2], 1);
	symfence_object_free(obj);
	tb_free(t);
}
END_TEST

START_TEST(test_refuse_unique_and_odd_bindings)
{
	struct tb *t = base(&variants[_i]);

	tb_symbol(t, "uniq", STB_GNU_UNIQUE, STT_OBJECT, TB_REAL(SEC_DATA), 8, 4);
	expect_refusal(
		t, "uniq",
		"t.o: error: cannot localize 'uniq': it is STB_GNU_UNIQUE, which asks for one definition in the whole program; a local copy would break that");
	setup();
	t = base(&variants[_i]);
	tb_symbol(t, "proc", 13 /* STB_LOPROC */, STT_OBJECT, TB_REAL(SEC_DATA), 8, 4);
	expect_refusal(
		t, "proc",
		"t.o: error: cannot localize 'proc': its binding 13 is neither STB_GLOBAL nor STB_WEAK, and symfence does not know what localizing it means");
}
END_TEST

/* A COMDAT group [GRP_COMDAT, .text.inl] with signature "inl" and a second global "inl_member". */
static struct tb *with_group(const struct variant *v, uint32_t flags)
{
	struct tb *t = base(v);
	size_t inl = tb_section(t, ".text.inl", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR | SHF_GROUP,
				0, 0, 0, NULL, 16);
	size_t sig = tb_symbol(t, "inl", STB_WEAK, STT_FUNC, TB_REAL(inl), 0, 8);
	uint32_t w[2] = { flags, (uint32_t)inl };

	tb_symbol(t, "inl_member", STB_WEAK, STT_FUNC, TB_REAL(inl), 8, 8);
	tb_words_section(t, ".group", SHT_GROUP, TB_SYMTAB, (uint32_t)sig, w, 2);
	tb_reloc(t, SEC_TEXT, 20, sig, 2, -4);
	return t;
}

START_TEST(test_refuse_comdat)
{
	static const char *const names[] = { "inl", "inl_member", "bar" };
	struct run r = { .t = with_group(&variants[_i], GRP_COMDAT) };

	/* both refusals are reported, not only the first; bar alone would be fine */
	plan_names(&r, names, 3, false, false);
	ck_assert_int_eq(r.err, -EPERM);
	ck_assert_diag(
		"t.o: error: cannot localize 'inl': it is the signature of COMDAT group section '.group'; COMDAT groups are merged by name across objects");
	ck_assert_diag(
		"t.o: error: cannot localize 'inl_member': it is defined in section '.text.inl' of a COMDAT group (inline or template code shared between objects)");
	ck_assert_uint_eq(ctx.errors, 2);
	done(&r);
}
END_TEST

START_TEST(test_plain_group_signature)
{
	/* a group without GRP_COMDAT is not merged by name: its signature may become local */
	static const char *const names[] = { "inl", "inl_member" };
	struct run r = { .t = with_group(&variants[_i], 0) };

	plan_names(&r, names, 2, false, false);
	ck_assert_int_eq(r.err, 0);
	ck_assert_uint_eq(symfence_plan_count(r.plan), 2);
	apply(&r);
	check_rewrite(&r, names, 2); /* includes the group's sh_info */
	ck_assert_uint_ne(symfence_object_shdr(r.back, tb_find(r.t, ".group"))->sh_info,
			  symfence_object_shdr(r.obj, tb_find(r.t, ".group"))->sh_info);
	done(&r);
}
END_TEST

START_TEST(test_group_signature_kept_moves)
{
	/* localizing a later symbol moves a COMDAT signature: sh_info must follow it */
	static const char *const names[] = { "tail" };
	struct run r = { .t = with_group(&variants[_i], GRP_COMDAT) };

	tb_symbol(r.t, "tail", STB_GLOBAL, STT_FUNC, TB_REAL(SEC_TEXT), 40, 4);
	plan_names(&r, names, 1, false, false);
	ck_assert_int_eq(r.err, 0);
	apply(&r);
	check_rewrite(&r, names, 1);
	ck_assert_uint_eq(symfence_object_shdr(r.back, tb_find(r.t, ".group"))->sh_info,
			  symfence_object_shdr(r.obj, tb_find(r.t, ".group"))->sh_info + 1);
	done(&r);
}
END_TEST

/* bar referenced from a relocation in an export section, by another name. */
static struct tb *with_export_reloc(const struct variant *v, const char *secname)
{
	struct tb *t = base(v);
	size_t ks = tb_section(t, secname, SHT_PROGBITS, SHF_ALLOC, 0, 0, 0, NULL, 16);

	tb_reloc(t, ks, 0, S_BAR, 1, 0);
	return t;
}

static const char *const export_sections[] = { "___ksymtab+bar", "___ksymtab_gpl+bar", "__ksymtab",
					       ".export_symbol" };

START_TEST(test_refuse_exported_by_relocation)
{
	size_t vi = (size_t)_i % ARRAY_LEN(variants), k = (size_t)_i / ARRAY_LEN(variants);

	expect_refusal(
		with_export_reloc(&variants[vi], export_sections[k]), "bar",
		"t.o: error: cannot localize 'bar': it is exported (EXPORT_SYMBOL); an exported symbol cannot be private: drop the export or the private rule");
}
END_TEST

START_TEST(test_export_reloc_does_not_taint_others)
{
	/* the export relocation names bar; foo and var stay localizable */
	static const char *const names[] = { "foo", "var" };
	struct run r = { .t = with_export_reloc(&variants[_i], ".export_symbol") };

	plan_names(&r, names, 2, false, false);
	ck_assert_int_eq(r.err, 0);
	apply(&r);
	check_rewrite(&r, names, 2);
	done(&r);
}
END_TEST

START_TEST(test_refuse_exported_by_name)
{
	/*
	 * The kernel's labels: __ksymtab_foo (a static struct kernel_symbol or an
	 * asm label, before 6.5) and __export_symbol_foo (6.5+) are LOCAL in real
	 * objects; a global one is checked too.
	 */
	static const char *const labels[] = { "__ksymtab_foo", "__export_symbol_foo" };
	size_t vi = (size_t)_i % ARRAY_LEN(variants), k = (size_t)_i / ARRAY_LEN(variants);
	const char *label = labels[k % 2];
	struct tb *t;

	if (k < 2) {
		t = base_with_local(&variants[vi], label);
	} else {
		t = base(&variants[vi]);
		tb_symbol(t, label, STB_GLOBAL, STT_OBJECT, TB_REAL(SEC_DATA), 8, 4);
	}
	expect_refusal(t, "foo",
		       "t.o: error: cannot localize 'foo': it is exported (EXPORT_SYMBOL)");
}
END_TEST

/* Object-level refusals: -EINVAL, one message, no plan. */
static void expect_invalid(struct tb *t, const char *message)
{
	static const char *const names[] = { "bar" };
	struct run r = { .t = t };

	plan_names(&r, names, 1, false, false);
	ck_assert_int_eq(r.err, -EINVAL);
	ck_assert_diag(message);
	ck_assert_uint_eq(ctx.errors, 1);
	done(&r);
}

START_TEST(test_refuse_file_types)
{
	static const struct {
		uint16_t type;
		const char *message;
	} cases[] = {
		{ ET_EXEC,
		  "t.o: error: cannot localize symbols in an executable (ET_EXEC): symfence rewrites relocatable objects (.o, .ko)" },
		{ ET_DYN,
		  "t.o: error: cannot localize symbols in a shared object (ET_DYN): symfence rewrites relocatable objects (.o, .ko)" },
		{ ET_CORE,
		  "t.o: error: cannot localize symbols in an ELF file of type 4: symfence rewrites relocatable objects (.o, .ko)" },
	};
	size_t k;

	for (k = 0; k < ARRAY_LEN(cases); k++) {
		struct tb *t = base(&variants[_i]);

		t->e_type = cases[k].type;
		setup();
		expect_invalid(t, cases[k].message);
	}
}
END_TEST

START_TEST(test_refuse_mips64)
{
	struct tb *t = base(&variants[1]);

	t->e_machine = EM_MIPS;
	expect_invalid(t, "t.o: error: 64-bit MIPS objects are not supported");
}
END_TEST

START_TEST(test_refuse_lto)
{
	static const char *const names[] = { ".gnu.lto_main.0.1a2b", ".gnu.lto_.symtab.0",
					     ".llvm.lto", ".llvmbc", ".gnu.offload_lto_.opts" };
	struct tb *t = base(&variants[_i % ARRAY_LEN(variants)]);
	const char *name = names[_i / ARRAY_LEN(variants)];
	char message[256];

	tb_section(t, name, SHT_PROGBITS, 0, 0, 0, 0, NULL, 8);
	snprintf(
		message, sizeof(message),
		"t.o: error: cannot rewrite an LTO object (section '%s'): it holds compiler IR, not final code",
		name);
	expect_invalid(t, message);
}
END_TEST

START_TEST(test_refuse_unknown_linked_section)
{
	struct tb *t = base(&variants[_i]);

	tb_section(t, ".crel.text", SHT_CREL, SHF_INFO_LINK, TB_SYMTAB, SEC_TEXT, 1, NULL, 4);
	expect_invalid(
		t,
		"t.o: error: section '.crel.text' is SHT_CREL (compact relocations), whose symbol indices symfence cannot renumber; build without -Wa,--crel; nothing written");
	setup();
	t = base(&variants[_i]);
	tb_section(t, ".odd", 0x6ffffff0, 0, TB_SYMTAB, 0, 1, NULL, 4);
	expect_invalid(
		t,
		"t.o: error: section '.odd' (type 0x6ffffff0) refers to the symbol table in a way symfence does not know; nothing written");
}
END_TEST

START_TEST(test_nobits_linked_to_symtab_is_fine)
{
	/* a separate debug file (eu-strip -f): relocation sections emptied to SHT_NOBITS */
	static const char *const names[] = { "bar", "var" };
	struct run r = { .t = base(&variants[_i]) };

	tb_section(r.t, ".rela.text.gone", SHT_NOBITS, SHF_INFO_LINK, TB_SYMTAB, SEC_TEXT, 24, NULL,
		   48);
	plan_names(&r, names, 2, false, false);
	ck_assert_int_eq(r.err, 0);
	apply(&r);
	check_rewrite(&r, names, 2);
	done(&r);
}
END_TEST

START_TEST(test_strtab_linked_to_symtab_is_fine)
{
	static const char *const names[] = { "bar" };
	struct run r = { .t = base(&variants[_i]) };

	tb_section(r.t, ".strtab.odd", SHT_STRTAB, 0, TB_SYMTAB, 0, 0, "\0a\0", 3);
	plan_names(&r, names, 1, false, false);
	ck_assert_int_eq(r.err, 0);
	apply(&r);
	check_rewrite(&r, names, 1);
	done(&r);
}
END_TEST

/* Broken tables that name symbols: each mutation after tb_finish, each with its message. */
typedef void (*mutate_fn)(struct tb *t);

static size_t rel_of(const struct tb *t, size_t target)
{
	size_t i;

	for (i = 1; i < t->nsec; i++)
		if ((t->sec[i].type == SHT_REL || t->sec[i].type == SHT_RELA) &&
		    t->sec[i].info == target)
			return i;
	return 0;
}

static void m_rel_link(struct tb *t)
{
	tb_set_shdr(t, t->img, rel_of(t, SEC_TEXT), TB_SH_LINK, t->strtab);
}

static void m_rel_entsize(struct tb *t)
{
	tb_set_shdr(t, t->img, rel_of(t, SEC_TEXT), TB_SH_ENTSIZE, 5);
}

static void m_rel_info(struct tb *t)
{
	tb_set_shdr(t, t->img, rel_of(t, SEC_TEXT), TB_SH_INFO, 0);
}

static void m_rel_info_big(struct tb *t)
{
	tb_set_shdr(t, t->img, rel_of(t, SEC_TEXT), TB_SH_INFO, t->shnum + 2);
}

static void m_rel_sym(struct tb *t)
{
	size_t es = tb_rel_size(t), sec = rel_of(t, SEC_TEXT);
	unsigned char *p = t->img + tb_get_shdr(t, t->img, sec, TB_SH_OFFSET) + 1 * es;

	if (t->cls == ELFCLASS64)
		tb_put(p + 8, 8, ((uint64_t)5000 << 32) | 2, t->msb);
	else
		tb_put(p + 4, 4, (5000 << 8) | 2, t->msb);
}

static void m_rel_sym_huge(struct tb *t)
{
	size_t es = tb_rel_size(t), sec = rel_of(t, SEC_TEXT);
	unsigned char *p = t->img + tb_get_shdr(t, t->img, sec, TB_SH_OFFSET) + 1 * es;

	if (t->cls == ELFCLASS64)
		tb_put(p + 8, 8, ((uint64_t)0xfffffff0 << 32) | 2, t->msb);
	else
		tb_put(p + 4, 4, (0xfffff0u << 8) | 2, t->msb);
}

static void m_rel_compressed(struct tb *t)
{
	tb_set_shdr(t, t->img, rel_of(t, SEC_TEXT), TB_SH_FLAGS, SHF_INFO_LINK | SHF_COMPRESSED);
}

static void m_sh_info_low(struct tb *t)
{
	tb_set_shdr(t, t->img, t->symtab, TB_SH_INFO, S_FOO - 1);
}

static void m_sh_info_high(struct tb *t)
{
	tb_set_shdr(t, t->img, t->symtab, TB_SH_INFO, S_FOO + 1);
}

static void m_sh_info_zero(struct tb *t)
{
	tb_set_shdr(t, t->img, t->symtab, TB_SH_INFO, 0);
}

static const struct {
	const char *what;
	mutate_fn mutate;
	const char *message;
} broken[] = {
	{ "relocations linked elsewhere", m_rel_link, "t.o: error: relocation section '.rel" },
	{ "relocation entry size", m_rel_entsize, "has entry size 5, expected" },
	{ "relocations for section 0", m_rel_info, "applies to section 0, which does not exist" },
	{ "relocations for a missing section", m_rel_info_big, "which does not exist" },
	{ "relocation symbol out of range", m_rel_sym, "t.o: error: relocation 1 of '.rel" },
	{ "relocation symbol far out of range", m_rel_sym_huge,
	  "t.o: error: relocation 1 of '.rel" },
	{ "compressed relocations", m_rel_compressed, "is compressed (SHF_COMPRESSED)" },
	{ "global before sh_info", m_sh_info_high,
	  "t.o: error: symbol 4 ('foo') is not local but precedes the symbol table's first global (sh_info 5)" },
	{ "local after sh_info", m_sh_info_low,
	  "t.o: error: symbol 3 ('loc') is local but follows the symbol table's first global (sh_info 3)" },
	{ "sh_info zero", m_sh_info_zero, "t.o: error: symbol " },
};

START_TEST(test_broken_tables)
{
	size_t k = (size_t)_i / ARRAY_LEN(variants), vi = (size_t)_i % ARRAY_LEN(variants);
	static const char *const names[] = { "bar" };
	struct run r = { .t = base(&variants[vi]) };

	tb_finish(r.t);
	broken[k].mutate(r.t);
	plan_names(&r, names, 1, false, false);
	ck_assert_msg(r.err == -EINVAL, "%s (variant %zu): plan returned %d", broken[k].what, vi,
		      r.err);
	ck_assert_msg(strstr(diags.text, broken[k].message),
		      "%s (variant %zu): expected '%s' in:\n%s", broken[k].what, vi,
		      broken[k].message, diags.text);
	done(&r);
}
END_TEST

static void m_group_entsize(struct tb *t)
{
	tb_set_shdr(t, t->img, tb_find(t, ".group"), TB_SH_ENTSIZE, 8);
}

static void m_group_sig(struct tb *t)
{
	tb_set_shdr(t, t->img, tb_find(t, ".group"), TB_SH_INFO, 999);
}

static void m_group_member(struct tb *t)
{
	size_t off = tb_get_shdr(t, t->img, tb_find(t, ".group"), TB_SH_OFFSET);

	tb_put(t->img + off + 4, 4, t->shnum + 9, t->msb);
}

static void m_group_member0(struct tb *t)
{
	size_t off = tb_get_shdr(t, t->img, tb_find(t, ".group"), TB_SH_OFFSET);

	tb_put(t->img + off + 4, 4, 0, t->msb);
}

static const struct {
	const char *what;
	mutate_fn mutate;
	const char *message;
} broken_groups[] = {
	{ "group entry size", m_group_entsize,
	  "t.o: error: group section '.group' has a bad size or entry size" },
	{ "group signature", m_group_sig,
	  "t.o: error: group section '.group' names signature symbol 999" },
	{ "group member", m_group_member, "t.o: error: group section '.group' lists section" },
	{ "group member 0", m_group_member0, "t.o: error: group section '.group' lists section 0" },
};

START_TEST(test_broken_groups)
{
	size_t k = (size_t)_i / ARRAY_LEN(variants), vi = (size_t)_i % ARRAY_LEN(variants);
	static const char *const names[] = { "bar" };
	struct run r = { .t = with_group(&variants[vi], GRP_COMDAT) };

	tb_finish(r.t);
	broken_groups[k].mutate(r.t);
	plan_names(&r, names, 1, false, false);
	ck_assert_msg(r.err == -EINVAL, "%s: plan returned %d", broken_groups[k].what, r.err);
	ck_assert_diag(broken_groups[k].message);
	done(&r);
}
END_TEST

/* ULEB128, as LLVM writes .llvm_addrsig. */
static size_t uleb(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	do {
		p[n] = v & 0x7f;
		v >>= 7;
		if (v)
			p[n] |= 0x80;
		n++;
	} while (v);
	return n;
}

/* Decodes all entries of an .llvm_addrsig; returns their number. */
static size_t unuleb(const unsigned char *p, size_t size, uint64_t *out, size_t max)
{
	size_t n = 0, i = 0;

	while (i < size) {
		uint64_t v = 0;
		unsigned int shift = 0;

		do {
			ck_assert_uint_lt(i, size);
			v |= (uint64_t)(p[i] & 0x7f) << shift;
			shift += 7;
		} while (p[i++] & 0x80);
		ck_assert_uint_lt(n, max);
		out[n++] = v;
	}
	return n;
}

/*
 * 140 globals g0..g139 after 2 locals, then "sel"; .llvm_addrsig lists the
 * globals the mask selects. Index 127 is the last one-byte ULEB.
 */
static struct tb *with_addrsig(const struct variant *v, bool (*listed)(size_t k))
{
	struct tb *t = tb_new(v->cls, v->msb, v->rela);
	unsigned char sig[512];
	size_t k, n = 0, text;
	char name[16];

	text = tb_section(t, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, 0, 0, NULL, 1024);
	tb_symbol(t, "a.c", STB_LOCAL, STT_FILE, SHN_ABS, 0, 0);
	for (k = 0; k < 140; k++) {
		snprintf(name, sizeof(name), "g%zu", k);
		tb_symbol(t, name, STB_GLOBAL, STT_FUNC, TB_REAL(text), 4 * k, 4);
		if (listed(k))
			n += uleb(sig + n, 2 + k);
	}
	tb_symbol(t, "sel", STB_GLOBAL, STT_FUNC, TB_REAL(text), 1000, 4);
	tb_reloc(t, text, 0, 2 + 139, 2, 0);
	tb_reloc(t, text, 4, 2 + 125, 2, 0);
	tb_reloc(t, text, 8, 2 + 140, 2, 0);
	tb_section(t, ".llvm_addrsig", SHT_LLVM_ADDRSIG, SHF_EXCLUDE, TB_SYMTAB, 0, 0, sig, n);
	t->sec[t->nsec - 1].align = 1;
	return t;
}

static bool all_listed(size_t k)
{
	return true;
}

static bool ends_listed(size_t k)
{
	return k < 10 || k >= 130;
}

/* The output's .llvm_addrsig names the same symbols, in the same order, as the input's. */
static void check_addrsig(struct run *r)
{
	size_t sec = tb_find(r->t, ".llvm_addrsig"), n, m, k;
	const GElf_Shdr *a = symfence_object_shdr(r->obj, sec),
			*b = symfence_object_shdr(r->back, sec);
	uint64_t va[200], vb[200];

	n = unuleb(r->t->img + a->sh_offset, a->sh_size, va, 200);
	m = unuleb(r->out + b->sh_offset, b->sh_size, vb, 200);
	ck_assert_uint_eq(n, m);
	for (k = 0; k < n; k++)
		same_symbol(r->obj, va[k], r->back, vb[k]);
}

START_TEST(test_addrsig_grows)
{
	/* sel moves before g0..g139: g125 (index 127) needs two bytes, the section one more */
	static const char *const names[] = { "sel" };
	struct run r = { .t = with_addrsig(&variants[_i], all_listed) };
	size_t sec;
	const GElf_Shdr *a, *b;

	plan_names(&r, names, 1, false, false);
	ck_assert_int_eq(r.err, 0);
	apply(&r);
	sec = tb_find(r.t, ".llvm_addrsig");
	a = symfence_object_shdr(r.obj, sec);
	b = symfence_object_shdr(r.back, sec);
	ck_assert_uint_eq(b->sh_size, a->sh_size + 1);
	ck_assert_uint_eq(b->sh_offset, r.t->size); /* moved to the end of the file */
	ck_assert_uint_eq(r.out_size, r.t->size + b->sh_size);
	ck_assert_uint_eq(b->sh_flags, a->sh_flags);
	ck_assert_uint_eq(b->sh_link, a->sh_link);
	check_addrsig(&r);
	check_rewrite(&r, names, 1);
	done(&r);
}
END_TEST

START_TEST(test_addrsig_shrinks)
{
	/* g130..g139 (two-byte indices) become 2..11; g0..g9 stay one byte: padded to the old size
	 */
	static const char *const names[] = { "g130", "g131", "g132", "g133", "g134",
					     "g135", "g136", "g137", "g138", "g139" };
	struct run r = { .t = with_addrsig(&variants[_i], ends_listed) };
	size_t sec;

	plan_names(&r, names, 10, false, false);
	ck_assert_int_eq(r.err, 0);
	apply(&r);
	sec = tb_find(r.t, ".llvm_addrsig");
	ck_assert_uint_eq(r.out_size, r.t->size);
	ck_assert_uint_eq(symfence_object_shdr(r.back, sec)->sh_offset,
			  symfence_object_shdr(r.obj, sec)->sh_offset);
	ck_assert_uint_le(symfence_object_shdr(r.back, sec)->sh_size,
			  symfence_object_shdr(r.obj, sec)->sh_size);
	check_addrsig(&r);
	check_rewrite(&r, names, 10);
	done(&r);
}
END_TEST

START_TEST(test_addrsig_untouched_without_change)
{
	/* g0 is first already: nothing moves, the bytes stay */
	static const char *const names[] = { "g0" };
	struct run r = { .t = with_addrsig(&variants[_i], all_listed) };
	size_t sec;
	const GElf_Shdr *a;

	plan_names(&r, names, 1, false, false);
	ck_assert_int_eq(r.err, 0);
	apply(&r);
	sec = tb_find(r.t, ".llvm_addrsig");
	a = symfence_object_shdr(r.obj, sec);
	ck_assert_uint_eq(r.out_size, r.t->size);
	ck_assert_int_eq(memcmp(r.out + a->sh_offset, r.t->img + a->sh_offset, a->sh_size), 0);
	check_rewrite(&r, names, 1);
	done(&r);
}
END_TEST

START_TEST(test_addrsig_malformed)
{
	static const char *const names[] = { "sel" };
	struct run r = { .t = with_addrsig(&variants[_i / 2], all_listed) };
	size_t sec, off, size;

	tb_finish(r.t);
	sec = tb_find(r.t, ".llvm_addrsig");
	off = tb_get_shdr(r.t, r.t->img, sec, TB_SH_OFFSET);
	size = tb_get_shdr(r.t, r.t->img, sec, TB_SH_SIZE);
	if (_i % 2) {
		r.t->img[off + size - 1] = 0x80; /* the last entry never ends */
		plan_names(&r, names, 1, false, false);
		ck_assert_diag("t.o: error: section '.llvm_addrsig' has a malformed ULEB128 entry");
	} else {
		r.t->img[off] = 0xc8; /* 200: there are 143 symbols */
		r.t->img[off + 1] = 0x01;
		plan_names(&r, names, 1, false, false);
		ck_assert_diag(
			"t.o: error: section '.llvm_addrsig' names symbol 200, beyond the 143 symbols");
	}
	ck_assert_int_eq(r.err, -EINVAL);
	done(&r);
}
END_TEST

START_TEST(test_warnings)
{
	/* weak: wk; alias: al shares bar's address and stays global; dup: a local "foo" exists */
	static const char *const names[] = { "wk", "bar", "foo" };
	struct tb *t = tb_new(variants[_i].cls, variants[_i].msb, variants[_i].rela);
	size_t text =
		tb_section(t, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, 0, 0, NULL, 64);
	struct run r = { .t = t };

	tb_symbol(t, "foo", STB_LOCAL, STT_FUNC, TB_REAL(text), 40, 4);
	tb_symbol(t, "", STB_LOCAL, STT_SECTION, TB_REAL(text), 0, 0);
	tb_symbol(t, "wk", STB_WEAK, STT_FUNC, TB_REAL(text), 0, 4);
	tb_symbol(t, "bar", STB_GLOBAL, STT_FUNC, TB_REAL(text), 16, 8);
	tb_symbol(t, "al", STB_GLOBAL, STT_FUNC, TB_REAL(text), 16, 8);
	tb_symbol(t, "foo", STB_GLOBAL, STT_FUNC, TB_REAL(text), 24, 8);
	tb_symbol(t, "other", STB_GLOBAL, STT_FUNC, TB_REAL(text), 40,
		  4); /* same address as local foo */
	tb_reloc(t, text, 0, 6, 2, 0);
	tb_reloc(t, text, 4, 1, 2, 0);
	plan_names(&r, names, 3, false, false);
	ck_assert_int_eq(r.err, 0);
	ck_assert_uint_eq(ctx.errors, 0);
	ck_assert_diag(
		"t.o: warning: localizing weak definition 'wk': this object's own references now bind to it even where another object defines 'wk'");
	ck_assert_diag(
		"t.o: warning: 'bar' has a global alias 'al' at the same address, which stays global: other objects can still reach it through 'al'");
	ck_assert_diag(
		"t.o: warning: localized 'foo' has the same name as an existing local symbol; debuggers and kallsyms will show two");
	ck_assert_uint_eq(ctx.warnings, 3);
	apply(&r);
	/* the relocation against the global foo still names it, not the old local foo */
	{
		uint64_t s = raw_rel_sym(t, r.out, rel_of(t, text), 0);
		GElf_Sym sym;

		symfence_object_sym(r.back, s, &sym, NULL, NULL);
		ck_assert_uint_eq(sym.st_value, 24);
	}
	done(&r);
}
END_TEST

START_TEST(test_no_alias_warning_when_both_go)
{
	static const char *const names[] = { "bar", "al" };
	struct tb *t = tb_new(ELFCLASS64, false, true);
	size_t text =
		tb_section(t, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, 0, 0, NULL, 64);
	struct run r = { .t = t };

	tb_symbol(t, "bar", STB_GLOBAL, STT_FUNC, TB_REAL(text), 16, 8);
	tb_symbol(t, "al", STB_GLOBAL, STT_FUNC, TB_REAL(text), 16, 8);
	tb_symbol(t, "abs_a", STB_GLOBAL, STT_NOTYPE, SHN_ABS, 16, 0); /* not an address in .text */
	plan_names(&r, names, 2, false, false);
	ck_assert_int_eq(r.err, 0);
	ck_assert_uint_eq(ctx.warnings, 0);
	done(&r);
}
END_TEST

/* Appends a fake module signature: siglen bytes, struct module_signature, the magic. */
static unsigned char *sign(const struct tb *t, size_t siglen, uint32_t claimed, size_t *size)
{
	static const char magic[] = "~Module signature appended~\n";
	unsigned char *img = malloc(t->size + siglen + 12 + sizeof(magic) - 1);

	ck_assert_ptr_nonnull(img);
	memcpy(img, t->img, t->size);
	memset(img + t->size, 0xa5, siglen);
	memset(img + t->size + siglen, 0, 12);
	img[t->size + siglen + 2] = 2; /* id_type PKEY_ID_PKCS7 */
	tb_put(img + t->size + siglen + 8, 4, claimed, true);
	memcpy(img + t->size + siglen + 12, magic, sizeof(magic) - 1);
	*size = t->size + siglen + 12 + sizeof(magic) - 1;
	return img;
}

START_TEST(test_module_signature)
{
	static const char *const names[] = { "bar" };
	struct symfence_localize_opts opts = { .select = select_names, .nselectors = 1 };
	struct names s = { .names = names, .n = 1 };
	struct symfence_object *obj = NULL, *plain = NULL;
	struct symfence_plan *plan = NULL, *plan2 = NULL;
	struct tb *t = base(&variants[_i]);
	unsigned char *img, *out = NULL, *out2 = NULL;
	size_t size, out_size, out2_size;

	opts.select_arg = &s;
	tb_finish(t);
	img = sign(t, 300, 300, &size);
	ck_assert_int_eq(symfence_object_open_mem(&ctx, "m.ko", img, size, false, &obj), 0);

	ck_assert_int_eq(symfence_localize_plan(&ctx, obj, &opts, &plan), -EINVAL);
	ck_assert_diag(
		"m.ko: error: module has an appended signature, which localizing would invalidate (use --strip-signature, then sign the result again)");

	opts.strip_signature = true;
	ck_assert_int_eq(symfence_localize_plan(&ctx, obj, &opts, &plan), 0);
	ck_assert_int_eq(symfence_plan_apply(&ctx, plan, &out, &out_size), 0);
	ck_assert_uint_eq(out_size, t->size);

	/* the same as localizing the unsigned object */
	ck_assert_int_eq(symfence_object_open_mem(&ctx, "p.o", t->img, t->size, false, &plain), 0);
	ck_assert_int_eq(symfence_localize_plan(&ctx, plain, &opts, &plan2), 0);
	ck_assert_int_eq(symfence_plan_apply(&ctx, plan2, &out2, &out2_size), 0);
	ck_assert_uint_eq(out2_size, out_size);
	ck_assert_int_eq(memcmp(out, out2, out_size), 0);
	ck_assert_int_ne(memcmp(out, t->img, out_size), 0);
	symfence_plan_free(plan);
	plan = NULL;
	free(out);
	out = NULL;

	/* nothing selected: the ELF part, byte for byte */
	s.n = 0;
	opts.nselectors = 0;
	ck_assert_int_eq(symfence_localize_plan(&ctx, obj, &opts, &plan), 0);
	ck_assert_int_eq(symfence_plan_apply(&ctx, plan, &out, &out_size), 0);
	ck_assert_uint_eq(out_size, t->size);
	ck_assert_int_eq(memcmp(out, t->img, t->size), 0);

	symfence_plan_free(plan);
	symfence_plan_free(plan2);
	symfence_object_free(obj);
	symfence_object_free(plain);
	free(out);
	free(out2);
	free(img);
	tb_free(t);
}
END_TEST

START_TEST(test_module_signature_bad_length)
{
	static const char *const names[] = { "bar" };
	struct symfence_localize_opts opts = { .select = select_names,
					       .nselectors = 1,
					       .strip_signature = true };
	struct names s = { .names = names, .n = 1 };
	struct symfence_object *obj = NULL;
	struct symfence_plan *plan = NULL;
	struct tb *t = base(&variants[0]);
	unsigned char *img;
	size_t size;

	opts.select_arg = &s;
	tb_finish(t);

	/* claims more bytes than the file has */
	img = sign(t, 16, 0x7fffffff, &size);
	ck_assert_int_eq(symfence_object_open_mem(&ctx, "m.ko", img, size, false, &obj), 0);
	ck_assert_int_eq(symfence_localize_plan(&ctx, obj, &opts, &plan), -EINVAL);
	ck_assert_diag("m.ko: error: module signature length 2147483647 is larger than the file");
	symfence_object_free(obj);
	free(img);

	/* claims more than was appended: the cut would fall inside the section headers */
	img = sign(t, 16, 16 + 64, &size);
	ck_assert_int_eq(symfence_object_open_mem(&ctx, "m.ko", img, size, false, &obj), 0);
	ck_assert_int_eq(symfence_localize_plan(&ctx, obj, &opts, &plan), -EINVAL);
	ck_assert_diag("m.ko: error: section header table overlaps the appended module signature");
	ck_assert_ptr_null(plan);
	symfence_object_free(obj);
	free(img);
	tb_free(t);
}
END_TEST

START_TEST(test_extended_numbering)
{
	static const char *const names[] = { "high", "edge", "low" };
	struct tb *t = tb_new(ELFCLASS64, _i == 1, true);
	size_t text =
		tb_section(t, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, 0, 0, NULL, 16);
	size_t i, last = 0, hi;
	struct run r = { .t = t };

	for (i = 0; i < 65300; i++)
		last = tb_section(t, ".text.f", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, 0, 0,
				  NULL, 0);
	tb_symbol(t, "", STB_LOCAL, STT_SECTION, TB_REAL(last - 1), 0, 0);
	tb_symbol(t, "keep_high", STB_GLOBAL, STT_FUNC, TB_REAL(last - 2), 0, 0);
	tb_symbol(t, "low", STB_GLOBAL, STT_FUNC, TB_REAL(text), 4, 4);
	hi = tb_symbol(t, "high", STB_GLOBAL, STT_FUNC, TB_REAL(last), 0, 0);
	tb_symbol(t, "edge", STB_GLOBAL, STT_FUNC, TB_REAL(SHN_LORESERVE - 1), 0, 0);
	tb_symbol(t, "abs", STB_GLOBAL, STT_NOTYPE, SHN_ABS, 0x1234, 0);
	tb_reloc(t, text, 0, hi, 1, 0);
	tb_reloc(t, text, 8, 2, 1, 0);
	tb_reloc(t, text, 12, 1, 1, 0);
	plan_names(&r, names, 3, false, true);
	ck_assert_int_eq(r.err, 0);
	ck_assert_uint_eq(r.sel.shndx_of_high, last); /* resolved through .symtab_shndx */
	ck_assert_uint_eq(symfence_plan_count(r.plan), 3);
	apply(&r);
	check_rewrite(&r, names, 3);
	{
		Elf32_Word shndx;
		long k = sym_index(r.back, "high");

		symfence_object_sym(r.back, (size_t)k, NULL, &shndx, NULL);
		ck_assert_uint_eq(shndx, last);
		k = sym_index(r.back, "keep_high");
		symfence_object_sym(r.back, (size_t)k, NULL, &shndx, NULL);
		ck_assert_uint_eq(shndx, last - 2);
	}
	done(&r);
}
END_TEST

START_TEST(test_selection_repeated_name)
{
	/* -s bar -s bar (or a symbols file naming bar twice) is one request, satisfied */
	struct symfence_localize_opts opts = { .select = symfence_selection_match };
	struct symfence_selection *sel = NULL;
	struct run r = { .t = base(&variants[0]) };

	tb_finish(r.t);
	ck_assert_int_eq(symfence_selection_new(&sel), 0);
	ck_assert_int_eq(symfence_selection_add_name(sel, "bar", NULL, 0), 0);
	ck_assert_int_eq(symfence_selection_add_name(sel, "var", NULL, 0), 0);
	ck_assert_int_eq(symfence_selection_add_name(sel, "bar", NULL, 0), 0);
	opts.select_arg = sel;
	opts.nselectors = symfence_selection_count(sel);
	ck_assert_int_eq(symfence_object_open_mem(&ctx, "t.o", r.t->img, r.t->size, false, &r.obj),
			 0);
	ck_assert_int_eq(symfence_localize_plan(&ctx, r.obj, &opts, &r.plan), 0);
	ck_assert_uint_eq(symfence_plan_count(r.plan), 2);
	ck_assert_msg(symfence_selection_report_unmatched(&ctx, sel, symfence_plan_hits(r.plan),
							  r.obj, "t.o", false) == 0,
		      "a repeated name was reported as missing:\n%s", diags.text);
	ck_assert_uint_eq(ctx.errors, 0);
	symfence_selection_free(sel);
	done(&r);
}
END_TEST

START_TEST(test_empty_addrsig_beside_relocations)
{
	/*
	 * An empty .llvm_addrsig has the offset of the relocation section laid out
	 * after it; patching both is no overlap (a zero-length range overlaps nothing).
	 */
	static const char *const names[] = { "var" };
	struct run r = { .t = base(&variants[_i]) };

	tb_section(r.t, ".llvm_addrsig", SHT_LLVM_ADDRSIG, SHF_EXCLUDE, TB_SYMTAB, 0, 0, NULL, 0);
	tb_finish(r.t);
	ck_assert_uint_eq(tb_get_shdr(r.t, r.t->img, tb_find(r.t, ".llvm_addrsig"), TB_SH_OFFSET),
			  tb_get_shdr(r.t, r.t->img, rel_of(r.t, SEC_TEXT), TB_SH_OFFSET));
	plan_names(&r, names, 1, false, false);
	ck_assert_int_eq(r.err, 0);
	ck_assert_msg(symfence_plan_apply(&ctx, r.plan, &r.out, &r.out_size) == 0,
		      "apply failed:\n%s", diags.text);
	ck_assert_int_eq(symfence_object_open_mem(&ctx, "out.o", r.out, r.out_size, false, &r.back),
			 0);
	check_rewrite(&r, names, 1);
	done(&r);
}
END_TEST

START_TEST(test_overlapping_relocation_sections)
{
	/* .rel[a].data made to share .rel[a].text's bytes: refused when the object is opened */
	struct run r = { .t = base(&variants[_i]) };
	size_t rt, rd;

	tb_finish(r.t);
	rt = rel_of(r.t, SEC_TEXT);
	rd = rel_of(r.t, SEC_DATA);
	tb_set_shdr(r.t, r.t->img, rd, TB_SH_OFFSET, tb_get_shdr(r.t, r.t->img, rt, TB_SH_OFFSET));
	tb_set_shdr(r.t, r.t->img, rd, TB_SH_SIZE, tb_get_shdr(r.t, r.t->img, rt, TB_SH_SIZE));
	ck_assert_int_eq(symfence_object_open_mem(&ctx, "t.o", r.t->img, r.t->size, false, &r.obj),
			 -EINVAL);
	ck_assert_ptr_null(r.obj);
	ck_assert_diag("' overlap (at offset 0x");
	done(&r);
}
END_TEST

/* The atomic writer. */
static char tmpdir[64];

static size_t leftovers(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += strstr(e->d_name, ".symfence.") != NULL;
	closedir(d);
	return n;
}

START_TEST(test_write_atomic)
{
	char path[128], bad[160], buf[16];
	struct stat st;
	FILE *f;

	strcpy(tmpdir, "/tmp/check-localize.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/out.o", tmpdir);

	ck_assert_int_eq(symfence_write_atomic(&ctx, path, "hello", 5, 0640), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_uint_eq(st.st_size, 5);

	/* replaces an existing file, with the new mode */
	ck_assert_int_eq(symfence_write_atomic(&ctx, path, "bye", 3, 0755), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0755);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf), f), 3);
	fclose(f);
	ck_assert_int_eq(memcmp(buf, "bye", 3), 0);
	ck_assert_uint_eq(leftovers(), 0);

	/* a directory that does not exist: an error, nothing created */
	snprintf(bad, sizeof(bad), "%s/no/such/dir/out.o", tmpdir);
	ck_assert_int_lt(symfence_write_atomic(&ctx, bad, "x", 1, 0644), 0);
	ck_assert_diag("/no/such/dir/out.o: error: cannot create a temporary file in '");
	ck_assert_uint_eq(ctx.errors, 1);

	/* the destination is a directory: rename fails, the temporary file is removed */
	snprintf(bad, sizeof(bad), "%s/sub", tmpdir);
	ck_assert_int_eq(mkdir(bad, 0755), 0);
	ck_assert_int_lt(symfence_write_atomic(&ctx, bad, "x", 1, 0644), 0);
	ck_assert_diag("/sub: error: cannot rename the output into place: ");
	ck_assert_uint_eq(leftovers(), 0);
	rmdir(bad);

	unlink(path);
	ck_assert_int_eq(rmdir(tmpdir), 0);
}
END_TEST

Suite *suite_localize(void)
{
	Suite *s = suite_create("localize");
	TCase *tc = tcase_create("plan");
	const int nv = (int)ARRAY_LEN(variants);

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_plan_and_apply, 0, nv);
	tcase_add_loop_test(tc, test_verify_option, 0, nv);
	tcase_add_loop_test(tc, test_nothing_selected, 0, nv);
	tcase_add_loop_test(tc, test_hits_count_each_symbol, 0, nv);
	tcase_add_loop_test(tc, test_refuse_undefined, 0, nv);
	tcase_add_loop_test(tc, test_refuse_common, 0, nv);
	tcase_add_loop_test(tc, test_refuse_livepatch, 0, nv);
	tcase_add_loop_test(tc, test_refuse_special_indices, 0,
			    (int)ARRAY_LEN(special_indices) * nv);
	tcase_add_loop_test(tc, test_refuse_unique_and_odd_bindings, 0, nv);
	tcase_add_loop_test(tc, test_hits_when_refused, 0, nv);
	tcase_add_loop_test(tc, test_refuse_comdat, 0, nv);
	tcase_add_loop_test(tc, test_plain_group_signature, 0, nv);
	tcase_add_loop_test(tc, test_group_signature_kept_moves, 0, nv);
	tcase_add_loop_test(tc, test_refuse_exported_by_relocation, 0,
			    nv * (int)ARRAY_LEN(export_sections));
	tcase_add_loop_test(tc, test_export_reloc_does_not_taint_others, 0, nv);
	tcase_add_loop_test(tc, test_refuse_exported_by_name, 0, 4 * nv);
	tcase_add_loop_test(tc, test_refuse_file_types, 0, nv);
	tcase_add_test(tc, test_refuse_mips64);
	tcase_add_loop_test(tc, test_refuse_lto, 0, 5 * nv);
	tcase_add_loop_test(tc, test_refuse_unknown_linked_section, 0, nv);
	tcase_add_loop_test(tc, test_strtab_linked_to_symtab_is_fine, 0, nv);
	tcase_add_loop_test(tc, test_nobits_linked_to_symtab_is_fine, 0, nv);
	tcase_add_loop_test(tc, test_broken_tables, 0, (int)ARRAY_LEN(broken) * nv);
	tcase_add_loop_test(tc, test_broken_groups, 0, (int)ARRAY_LEN(broken_groups) * nv);
	tcase_add_loop_test(tc, test_addrsig_grows, 0, nv);
	tcase_add_loop_test(tc, test_addrsig_shrinks, 0, nv);
	tcase_add_loop_test(tc, test_addrsig_untouched_without_change, 0, nv);
	tcase_add_loop_test(tc, test_addrsig_malformed, 0, 2 * nv);
	tcase_add_loop_test(tc, test_warnings, 0, nv);
	tcase_add_test(tc, test_no_alias_warning_when_both_go);
	tcase_add_loop_test(tc, test_module_signature, 0, nv);
	tcase_add_test(tc, test_module_signature_bad_length);
	tcase_add_loop_test(tc, test_extended_numbering, 0, 2);
	tcase_add_test(tc, test_selection_repeated_name);
	tcase_add_loop_test(tc, test_empty_addrsig_beside_relocations, 0, nv);
	tcase_add_loop_test(tc, test_overlapping_relocation_sections, 0, nv);
	tcase_add_test(tc, test_write_atomic);
	suite_add_tcase(s, tc);
	return s;
}
