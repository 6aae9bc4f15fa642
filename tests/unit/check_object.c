// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ELF access layer: objects opened from memory and from files, in every
 * class and byte order, with extended section numbering, and rejected with
 * the right message when a header or table is broken. Inputs come from the
 * independent writer in tests/fixtures/loc-elfbuild.h. The relocation
 * accessor is also checked against readelf on objects that gcc, the ARM cross
 * gcc and clang --target build here, in each class, byte order and kind.
 */
#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <symfence/object.h>

#include "../fixtures/loc-elfbuild.h"
#include "object_int.h"

Suite *suite_object(void);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#include "diags.h"

/* The variants every layout test runs on. */
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

/* Symbol indices of the base object. */
enum { S_FILE = 1, S_TEXT, S_LOC, S_FOO, S_BAR, S_EXT, S_VAR, S_COUNT };

static struct tb *base(const struct variant *v)
{
	struct tb *t = tb_new(v->cls, v->msb, v->rela);
	size_t text =
		tb_section(t, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, 0, 0, NULL, 64);
	size_t data =
		tb_section(t, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0, 0, 0, NULL, 16);

	tb_symbol(t, "base.c", STB_LOCAL, STT_FILE, SHN_ABS, 0, 0);
	tb_symbol(t, "", STB_LOCAL, STT_SECTION, TB_REAL(text), 0, 0);
	tb_symbol(t, "loc", STB_LOCAL, STT_FUNC, TB_REAL(text), 0, 4);
	tb_symbol(t, "foo", STB_GLOBAL, STT_FUNC, TB_REAL(text), 8, 8);
	tb_symbol(t, "bar", STB_GLOBAL, STT_FUNC, TB_REAL(text), 16, 8);
	tb_symbol(t, "ext", STB_GLOBAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
	tb_symbol(t, "var", STB_GLOBAL, STT_OBJECT, TB_REAL(data), 0, 4);
	tb_reloc(t, text, 1, S_BAR, 2, -4);
	tb_reloc(t, text, 5, S_EXT, 2, -4);
	tb_reloc(t, data, 0, S_VAR, 1, 0);
	tb_reloc(t, data, 8, S_TEXT, 1, 16);
	return t;
}

static int open_img(const unsigned char *img, size_t size, struct symfence_object **obj)
{
	return symfence_object_open_mem(&ctx, "mem.o", (void *)img, size, false, obj);
}

START_TEST(test_open_mem_variants)
{
	const struct variant *v = &variants[_i];
	struct symfence_object *obj = NULL;
	struct tb *t = base(v);
	const char *name;
	GElf_Sym sym;
	Elf32_Word shndx;
	size_t size;

	tb_finish(t);
	ck_assert_int_eq(open_img(t->img, t->size, &obj), 0);
	ck_assert_ptr_nonnull(obj);
	ck_assert_uint_eq(ctx.errors, 0);
	ck_assert_str_eq(symfence_object_name(obj), "mem.o");
	ck_assert_ptr_nonnull(symfence_object_elf(obj));
	ck_assert_uint_eq(symfence_object_mode(obj), 0);
	ck_assert_ptr_eq(symfence_object_image(obj, &size), t->img);
	ck_assert_uint_eq(size, t->size);
	ck_assert_uint_eq(symfence_object_shnum(obj), t->shnum);
	ck_assert_uint_eq(symfence_object_symtab(obj), t->symtab);
	ck_assert_uint_eq(symfence_object_nsyms(obj), S_COUNT);
	ck_assert_str_eq(symfence_object_secname(obj, 1), ".text");
	ck_assert_str_eq(symfence_object_secname(obj, t->symtab), ".symtab");
	ck_assert_str_eq(symfence_object_secname(obj, t->shnum), "");
	ck_assert_uint_eq(symfence_object_shdr(obj, t->symtab)->sh_type, SHT_SYMTAB);
	ck_assert_uint_eq(symfence_object_shdr(obj, t->symtab)->sh_info, S_FOO);
	ck_assert_uint_eq(symfence_object_shdr(obj, 2)->sh_size, 16);
	ck_assert_ptr_null(symfence_object_shdr(obj, t->shnum));

	ck_assert_int_eq(symfence_object_sym(obj, S_BAR, &sym, &shndx, &name), 0);
	ck_assert_str_eq(name, "bar");
	ck_assert_uint_eq(shndx, 1);
	ck_assert_uint_eq(sym.st_value, 16);
	ck_assert_uint_eq(sym.st_size, 8);
	ck_assert_int_eq(GELF_ST_BIND(sym.st_info), STB_GLOBAL);
	ck_assert_int_eq(GELF_ST_TYPE(sym.st_info), STT_FUNC);
	ck_assert_int_eq(symfence_object_sym(obj, S_EXT, NULL, &shndx, &name), 0);
	ck_assert_str_eq(name, "ext");
	ck_assert_uint_eq(shndx, SHN_UNDEF);
	ck_assert_int_eq(symfence_object_sym(obj, S_FILE, NULL, &shndx, NULL), 0);
	ck_assert_uint_eq(shndx, SHN_ABS);
	ck_assert_int_eq(symfence_object_sym(obj, S_TEXT, NULL, NULL, &name), 0);
	ck_assert_str_eq(name, "");
	ck_assert_int_eq(symfence_object_sym(obj, S_COUNT, &sym, NULL, NULL), -ERANGE);

	ck_assert_ptr_nonnull(symfence_object_data(&ctx, obj, 1));
	ck_assert_uint_eq(symfence_object_data(&ctx, obj, 1)->d_size, 64);
	ck_assert_ptr_null(symfence_object_data(&ctx, obj, 0));
	ck_assert_ptr_null(symfence_object_data(&ctx, obj, t->shnum));
	ck_assert_uint_eq(ctx.errors, 2);
	ck_assert_ptr_nonnull(strstr(diags.text, "mem.o: error: section index 0 is out of range"));

	symfence_object_free(obj);
	tb_free(t);
}
END_TEST

START_TEST(test_free_null)
{
	symfence_object_free(NULL);
}
END_TEST

START_TEST(test_sym_in_section)
{
	static const struct {
		Elf64_Half st_shndx;
		bool in_section;
	} cases[] = {
		{ SHN_UNDEF, false },  { SHN_ABS, false },
		{ SHN_COMMON, false }, { 0xff20, false }, /* SHN_LIVEPATCH */
		{ 1, true },	       { SHN_LORESERVE - 1, true },
		{ SHN_XINDEX, true }, /* the real index is in .symtab_shndx */
	};
	size_t k;

	for (k = 0; k < ARRAY_LEN(cases); k++) {
		GElf_Sym sym = { .st_shndx = cases[k].st_shndx };

		ck_assert_msg(symfence_sym_in_section(&sym) == cases[k].in_section, "st_shndx 0x%x",
			      cases[k].st_shndx);
	}
}
END_TEST

START_TEST(test_open_take_ownership)
{
	struct symfence_object *obj = NULL;
	struct tb *t = base(&variants[0]);
	unsigned char *copy;

	tb_finish(t);
	copy = malloc(t->size);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, t->img, t->size);
	ck_assert_int_eq(symfence_object_open_mem(&ctx, "owned.o", copy, t->size, true, &obj), 0);
	ck_assert_ptr_eq(symfence_object_image(obj, NULL), copy);
	symfence_object_free(obj); /* frees copy; valgrind/ASan would flag a leak */

	copy = malloc(8);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, "garbage!", 8);
	ck_assert_int_lt(symfence_object_open_mem(&ctx, "owned.o", copy, 8, true, &obj), 0);
	ck_assert_ptr_null(obj);
	tb_free(t);
}
END_TEST

START_TEST(test_no_symtab)
{
	struct symfence_object *obj = NULL;
	struct tb *t = tb_new(ELFCLASS64, false, true);

	tb_section(t, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, 0, 0, NULL, 4);
	tb_finish(t);
	/* turn .symtab into an empty PROGBITS section: no symbol table at all */
	tb_set_shdr(t, t->img, t->symtab, TB_SH_TYPE, SHT_PROGBITS);
	ck_assert_int_eq(open_img(t->img, t->size, &obj), 0);
	ck_assert_uint_eq(symfence_object_symtab(obj), 0);
	ck_assert_uint_eq(symfence_object_nsyms(obj), 0);
	ck_assert_int_eq(symfence_object_sym(obj, 0, NULL, NULL, NULL), -ERANGE);
	symfence_object_free(obj);
	tb_free(t);
}
END_TEST

static char tmpdir[64];

static void make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/check-object.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(const char *file)
{
	char path[128];

	if (file) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, file);
		unlink(path);
	}
	rmdir(tmpdir);
}

START_TEST(test_open_file)
{
	struct symfence_object *obj = NULL;
	struct tb *t = base(&variants[2]);
	char path[128];
	FILE *f;

	tb_finish(t);
	make_tmpdir();
	snprintf(path, sizeof(path), "%s/a.o", tmpdir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(t->img, 1, t->size, f), t->size);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0640), 0);

	ck_assert_int_eq(symfence_object_open(&ctx, path, &obj), 0);
	ck_assert_str_eq(symfence_object_name(obj), path);
	ck_assert_uint_eq(symfence_object_mode(obj), 0640);
	ck_assert_uint_eq(symfence_object_nsyms(obj), S_COUNT);
	ck_assert_int_eq(memcmp(symfence_object_image(obj, NULL), t->img, t->size), 0);
	symfence_object_free(obj);

	ck_assert_int_eq(chmod(path, 04755), 0);
	ck_assert_int_eq(symfence_object_open(&ctx, path, &obj), 0);
	ck_assert_uint_eq(symfence_object_mode(obj), 04755);
	symfence_object_free(obj);
	remove_tmpdir("a.o");
	tb_free(t);
}
END_TEST

START_TEST(test_open_file_errors)
{
	struct symfence_object *obj = (void *)1;
	char path[128];
	int fd;

	make_tmpdir();
	snprintf(path, sizeof(path), "%s/missing.o", tmpdir);
	ck_assert_int_eq(symfence_object_open(&ctx, path, &obj), -ENOENT);
	ck_assert_ptr_null(obj);
	ck_assert_ptr_nonnull(
		strstr(diags.text, "missing.o: error: cannot open: No such file or directory"));

	ck_assert_int_eq(symfence_object_open(&ctx, tmpdir, &obj), -EINVAL);
	ck_assert_ptr_nonnull(strstr(diags.text, ": error: not a regular file"));

	snprintf(path, sizeof(path), "%s/empty.o", tmpdir);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(symfence_object_open(&ctx, path, &obj), -EINVAL);
	ck_assert_ptr_nonnull(strstr(diags.text, "empty.o: error: empty file"));
	ck_assert_uint_eq(ctx.errors, 3);
	remove_tmpdir("empty.o");
}
END_TEST

static const struct {
	const char *bytes;
	size_t len;
	const char *message;
} not_elf[] = {
	{ "BC\xc0\xde\x35\x14\x00\x00", 8, "mem.o: error: LLVM bitcode, not an ELF object" },
	{ "\xde\xc0\x17\x0b\x00\x00\x00\x00", 8, "mem.o: error: LLVM bitcode wrapper" },
	{ "!<arch>\n/               ", 24, "mem.o: error: an ar archive, not an object" },
	{ "!<thin>\n/               ", 24, "mem.o: error: a thin archive" },
	{ "\xfd"
	  "7zXZ\x00\x00\x04",
	  8, "mem.o: error: xz-compressed" },
	{ "\x28\xb5\x2f\xfd\x00\x00", 6, "mem.o: error: zstd-compressed" },
	{ "\x1f\x8b\x08\x00", 4, "mem.o: error: gzip-compressed" },
	{ "hello, world\n", 13, "mem.o: error: not an ELF file" },
	{ "\x7f"
	  "ELF\x02\x01\x01",
	  7, "mem.o: error: not an ELF file" }, /* truncated header */
};

START_TEST(test_not_elf)
{
	struct symfence_object *obj = (void *)1;
	char buf[64];

	memcpy(buf, not_elf[_i].bytes, not_elf[_i].len);
	ck_assert_int_eq(open_img((unsigned char *)buf, not_elf[_i].len, &obj), -EINVAL);
	ck_assert_ptr_null(obj);
	ck_assert_uint_eq(ctx.errors, 1);
	ck_assert_msg(strstr(diags.text, not_elf[_i].message), "expected '%s', got '%s'",
		      not_elf[_i].message, diags.text);
}
END_TEST

/* One broken field at a time; each must be refused with its own message. */
typedef void (*mutate_fn)(struct tb *t, unsigned char *img, size_t *size);

static void m_truncate(struct tb *t, unsigned char *img, size_t *size)
{
	*size = 10;
}

static void m_truncate_ehdr(struct tb *t, unsigned char *img, size_t *size)
{
	*size = t->cls == ELFCLASS64 ? 60 : 50;
}

/* A file cut inside its section header table (a truncated download of a .ko). */
static void m_truncate_shdrs(struct tb *t, unsigned char *img, size_t *size)
{
	size_t shoff =
		t->cls == ELFCLASS64 ? tb_get(img + 40, 8, t->msb) : tb_get(img + 32, 4, t->msb);

	*size = shoff + 10;
}

static void m_class(struct tb *t, unsigned char *img, size_t *size)
{
	img[EI_CLASS] = 3;
}

static void m_data(struct tb *t, unsigned char *img, size_t *size)
{
	img[EI_DATA] = 0;
}

static void m_version(struct tb *t, unsigned char *img, size_t *size)
{
	img[EI_VERSION] = 2;
}

static void m_shentsize(struct tb *t, unsigned char *img, size_t *size)
{
	tb_put(img + (t->cls == ELFCLASS64 ? 58 : 46), 2, 50, t->msb);
}

static void m_sec_outside(struct tb *t, unsigned char *img, size_t *size)
{
	tb_set_shdr(t, img, 1, TB_SH_OFFSET, t->size - 8);
}

static void m_sec_link(struct tb *t, unsigned char *img, size_t *size)
{
	tb_set_shdr(t, img, 1, TB_SH_LINK, t->shnum + 5);
}

static void m_shstrndx(struct tb *t, unsigned char *img, size_t *size)
{
	tb_put(img + (t->cls == ELFCLASS64 ? 62 : 50), 2, t->shnum + 1, t->msb);
}

static void m_shstr_type(struct tb *t, unsigned char *img, size_t *size)
{
	tb_set_shdr(t, img, t->shstrtab, TB_SH_TYPE, SHT_PROGBITS);
}

static void m_shstr_unterminated(struct tb *t, unsigned char *img, size_t *size)
{
	size_t off = tb_get_shdr(t, img, t->shstrtab, TB_SH_OFFSET);

	img[off + tb_get_shdr(t, img, t->shstrtab, TB_SH_SIZE) - 1] = 'x';
}

static void m_sec_name(struct tb *t, unsigned char *img, size_t *size)
{
	tb_set_shdr(t, img, 1, TB_SH_NAME, 0x7fffff);
}

static void m_two_symtabs(struct tb *t, unsigned char *img, size_t *size)
{
	tb_set_shdr(t, img, 2, TB_SH_TYPE, SHT_SYMTAB);
}

static void m_sym_entsize(struct tb *t, unsigned char *img, size_t *size)
{
	tb_set_shdr(t, img, t->symtab, TB_SH_ENTSIZE, 1);
}

static void m_sym_info(struct tb *t, unsigned char *img, size_t *size)
{
	tb_set_shdr(t, img, t->symtab, TB_SH_INFO, S_COUNT + 1);
}

static void m_sym_link(struct tb *t, unsigned char *img, size_t *size)
{
	tb_set_shdr(t, img, t->symtab, TB_SH_LINK, 1);
}

static void m_str_unterminated(struct tb *t, unsigned char *img, size_t *size)
{
	size_t off = tb_get_shdr(t, img, t->strtab, TB_SH_OFFSET);

	img[off + tb_get_shdr(t, img, t->strtab, TB_SH_SIZE) - 1] = 'x';
}

static void m_sym_name(struct tb *t, unsigned char *img, size_t *size)
{
	tb_set_sym(t, img, S_FOO, TB_ST_NAME, 0x7fffff);
}

static void m_sym_shndx(struct tb *t, unsigned char *img, size_t *size)
{
	tb_set_sym(t, img, S_FOO, TB_ST_SHNDX, t->shnum + 3);
}

static void m_sym_xindex(struct tb *t, unsigned char *img, size_t *size)
{
	tb_set_sym(t, img, S_FOO, TB_ST_SHNDX, SHN_XINDEX);
}

static void m_shoff(struct tb *t, unsigned char *img, size_t *size)
{
	if (t->cls == ELFCLASS64)
		tb_put(img + 40, 8, t->size + 4096, t->msb);
	else
		tb_put(img + 32, 4, t->size + 4096, t->msb);
}

static const struct {
	const char *what;
	mutate_fn mutate;
	const char *message;
} malformed[] = {
	{ "truncated header", m_truncate, "mem.o: error: not an ELF file" },
	{ "truncated ELF header", m_truncate_ehdr, "mem.o: error: the ELF header is truncated: " },
	{ "truncated section header table", m_truncate_shdrs,
	  "mem.o: error: the section header table lies outside the file (offset 0x" },
	{ "bad class", m_class, "mem.o: error: unknown ELF class 3" },
	{ "bad data encoding", m_data, "mem.o: error: unknown ELF data encoding 0" },
	{ "bad version", m_version, "mem.o: error: unknown ELF version 2" },
	{ "bad e_shentsize", m_shentsize, "mem.o: error: section header size 50 is wrong" },
	{ "section outside the file", m_sec_outside,
	  "mem.o: error: section 1 lies outside the file" },
	{ "sh_link out of range", m_sec_link, "mem.o: error: section 1 links to section" },
	{ "e_shstrndx out of range", m_shstrndx, "mem.o: error: section name table index" },
	{ "section names not a string table", m_shstr_type, "section name table (section" },
	{ "section names unterminated", m_shstr_unterminated,
	  "mem.o: error: section name table is empty or not NUL-terminated" },
	{ "section name offset", m_sec_name, "mem.o: error: section 1 has a name offset outside" },
	{ "two symbol tables", m_two_symtabs, "mem.o: error: more than one symbol table" },
	{ "symbol entry size", m_sym_entsize, "mem.o: error: symbol table has entry size 1" },
	{ "symtab sh_info", m_sym_info,
	  "mem.o: error: symbol table sh_info 9 is beyond its 8 symbols" },
	{ "symtab sh_link", m_sym_link,
	  "mem.o: error: symbol table is not linked to a string table" },
	{ "strtab unterminated", m_str_unterminated,
	  "mem.o: error: symbol string table is empty or not NUL-terminated" },
	{ "symbol name offset", m_sym_name,
	  "mem.o: error: symbol 4 has a name offset outside the string table" },
	{ "symbol section index", m_sym_shndx, "mem.o: error: symbol 4 has section index" },
	{ "SHN_XINDEX without table", m_sym_xindex,
	  "mem.o: error: symbol 4 uses SHN_XINDEX but the object has no .symtab_shndx" },
	{ "e_shoff beyond the file", m_shoff,
	  "mem.o: error: the section header table lies outside the file (offset 0x" },
};

START_TEST(test_malformed)
{
	size_t k = (size_t)_i / ARRAY_LEN(variants), vi = (size_t)_i % ARRAY_LEN(variants);
	struct symfence_object *obj = (void *)1;
	struct tb *t = base(&variants[vi]);
	unsigned char *img;
	size_t size;

	tb_finish(t);
	size = t->size;
	img = malloc(size);
	ck_assert_ptr_nonnull(img);
	memcpy(img, t->img, size);
	malformed[k].mutate(t, img, &size);
	ck_assert_msg(open_img(img, size, &obj) < 0, "%s (variant %zu) was accepted",
		      malformed[k].what, vi);
	ck_assert_ptr_null(obj);
	ck_assert_uint_ge(ctx.errors, 1);
	ck_assert_msg(strstr(diags.text, malformed[k].message), "%s: expected '%s', got '%s'",
		      malformed[k].what, malformed[k].message, diags.text);
	free(img);
	tb_free(t);
}
END_TEST

/* More than 0xff00 sections: e_shnum and e_shstrndx escape to section 0, symbols to .symtab_shndx.
 */
static struct tb *many_sections(size_t extra, size_t *high, bool msb)
{
	struct tb *t = tb_new(ELFCLASS64, msb, true);
	size_t text =
		tb_section(t, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, 0, 0, NULL, 16);
	size_t i, last = 0;

	for (i = 0; i < extra; i++)
		last = tb_section(t, ".text.f", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, 0, 0,
				  NULL, 0);
	tb_symbol(t, "low", STB_GLOBAL, STT_FUNC, TB_REAL(text), 4, 4);
	tb_symbol(t, "high", STB_GLOBAL, STT_FUNC, TB_REAL(last), 0, 0);
	tb_symbol(t, "edge", STB_GLOBAL, STT_FUNC, TB_REAL(SHN_LORESERVE - 1), 0, 0);
	tb_symbol(t, "abs", STB_GLOBAL, STT_NOTYPE, SHN_ABS, 0x1234, 0);
	tb_reloc(t, text, 0, 2, 1, 0);
	*high = last;
	return t;
}

START_TEST(test_extended_numbering)
{
	struct symfence_object *obj = NULL;
	size_t high;
	struct tb *t = many_sections(65300, &high, _i == 1); /* x86_64, then s390x */
	Elf32_Word shndx;
	const char *name;

	tb_finish(t);
	ck_assert_uint_ge(t->shnum, SHN_LORESERVE);
	ck_assert_msg(open_img(t->img, t->size, &obj) == 0, "%s-endian object refused: %s",
		      _i ? "big" : "little", diags.text);
	ck_assert_uint_eq(symfence_object_shnum(obj), t->shnum);
	ck_assert_uint_eq(symfence_object_symtab(obj), t->symtab);
	ck_assert_str_eq(symfence_object_secname(obj, t->shstrtab), ".shstrtab");
	ck_assert_str_eq(symfence_object_secname(obj, high), ".text.f");
	ck_assert_int_eq(symfence_object_sym(obj, 2, NULL, &shndx, &name), 0);
	ck_assert_str_eq(name, "high");
	ck_assert_uint_eq(shndx, high);
	ck_assert_int_eq(symfence_object_sym(obj, 3, NULL, &shndx, &name), 0);
	ck_assert_uint_eq(shndx, SHN_LORESERVE - 1);
	ck_assert_int_eq(symfence_object_sym(obj, 4, NULL, &shndx, &name), 0);
	ck_assert_uint_eq(shndx, SHN_ABS); /* special, not an escape */
	ck_assert_int_eq(symfence_object_sym(obj, 1, NULL, &shndx, NULL), 0);
	ck_assert_uint_eq(shndx, 1);
	symfence_object_free(obj);
	tb_free(t);
}
END_TEST

START_TEST(test_extended_numbering_malformed)
{
	struct symfence_object *obj = (void *)1;
	size_t high, off;
	struct tb *t = many_sections(65300, &high, false);

	tb_finish(t);
	ck_assert_uint_ne(t->symtab_shndx, 0);
	off = tb_get_shdr(t, t->img, t->symtab_shndx, TB_SH_OFFSET);

	/* the escaped index of symbol 2 points past the last section */
	tb_put(t->img + off + 4 * 2, 4, t->shnum + 7, t->msb);
	ck_assert_int_eq(open_img(t->img, t->size, &obj), -EINVAL);
	ck_assert_ptr_nonnull(
		strstr(diags.text, "mem.o: error: symbol 2 has extended section index"));
	tb_put(t->img + off + 4 * 2, 4, high, t->msb);

	/* the table has one entry too few */
	tb_set_shdr(t, t->img, t->symtab_shndx, TB_SH_SIZE, 4 * 4);
	ck_assert_int_eq(open_img(t->img, t->size, &obj), -EINVAL);
	ck_assert_ptr_nonnull(
		strstr(diags.text,
		       "mem.o: error: extended section index table has 16 bytes for 5 symbols"));
	ck_assert_ptr_null(obj);
	tb_free(t);
}
END_TEST

/* ---- the relocation accessor ---- */

/* Every class, byte order and kind, ELF64 REL included (no toolchain of ours makes it). */
static const struct variant rel_variants[] = {
	{ ELFCLASS64, false, true },  { ELFCLASS64, true, true },  { ELFCLASS64, false, false },
	{ ELFCLASS64, true, false },  { ELFCLASS32, false, true }, { ELFCLASS32, true, true },
	{ ELFCLASS32, false, false }, { ELFCLASS32, true, false },
};

/* Relocations whose fields use every byte they have (and symbols past index 255). */
static const struct {
	uint64_t offset;
	size_t sym;
	uint32_t type64, type32;
	int64_t addend;
} rel_cases[] = {
	{ 0x0, 1, 1, 1, 0 },
	{ 0x10, 255, 0x2a, 0x2a, -4 },
	{ 0x1234, 256, 0x00abcdef, 0xfe, 0x7fffffff },
	{ 0x89abcdef, 300, 0xfedcba98, 0x80, -0x80000000LL },
	{ 0x123456789aULL, 299, 0x7fffffff, 0x7f, 0x123456789abcLL },
	{ 0xfffffffffffffff0ULL, 2, 0xffffffff, 0xff, -0x123456789abcLL },
};

enum { REL_NSYMS = 302 };

static struct tb *rel_object(const struct variant *v)
{
	struct tb *t = tb_new(v->cls, v->msb, v->rela);
	bool is64 = v->cls == ELFCLASS64;
	size_t text =
		tb_section(t, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, 0, 0, NULL, 16);
	size_t k;

	for (k = 1; k < REL_NSYMS; k++) {
		char name[16];

		snprintf(name, sizeof(name), "u%zu", k);
		tb_symbol(t, name, STB_GLOBAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
	}
	for (k = 0; k < ARRAY_LEN(rel_cases); k++)
		tb_reloc(t, text, is64 ? rel_cases[k].offset : (uint32_t)rel_cases[k].offset,
			 rel_cases[k].sym, is64 ? rel_cases[k].type64 : rel_cases[k].type32,
			 rel_cases[k].addend);
	tb_finish(t);
	return t;
}

/* The relocation section of rel_object(). */
static size_t rel_section(const struct symfence_object *obj, const struct variant *v)
{
	size_t i, sec = 0;

	for (i = 1; i < symfence_object_shnum(obj); i++)
		if (symfence_object_shdr(obj, i)->sh_type == (v->rela ? SHT_RELA : SHT_REL))
			sec = i;
	ck_assert_uint_ne(sec, 0);
	return sec;
}

/* The addend expected: RELA keeps what its class holds; a REL entry has none. */
static int64_t rel_addend(const struct variant *v, int64_t addend)
{
	if (!v->rela)
		return 0;
	return v->cls == ELFCLASS64 ? addend : (int32_t)addend;
}

START_TEST(test_rel_accessor)
{
	const struct variant *v = &rel_variants[_i];
	bool is64 = v->cls == ELFCLASS64;
	struct symfence_object *obj = NULL;
	struct tb *t = rel_object(v);
	size_t sec, k;

	ck_assert_int_eq(open_img(t->img, t->size, &obj), 0);
	sec = rel_section(obj, v);
	ck_assert_int_eq(symfence_object_check_relocs(&ctx, obj, sec), 0);
	ck_assert_uint_eq(sf_obj_nrels(obj, sec), ARRAY_LEN(rel_cases));
	for (k = 0; k < ARRAY_LEN(rel_cases); k++) {
		struct sf_rel r;

		sf_obj_rel(obj, sec, k, &r);
		ck_assert_uint_eq(r.offset,
				  is64 ? rel_cases[k].offset : (uint32_t)rel_cases[k].offset);
		ck_assert_uint_eq(r.sym, rel_cases[k].sym);
		ck_assert_uint_eq(r.type, is64 ? rel_cases[k].type64 : rel_cases[k].type32);
		ck_assert_int_eq(r.addend, rel_addend(v, rel_cases[k].addend));
	}
	symfence_object_free(obj);
	tb_free(t);
}
END_TEST

/* A new symbol index in a copy of the entries: only r_info's symbol bits change. */
START_TEST(test_rel_set_info)
{
	const struct variant *v = &rel_variants[_i];
	struct symfence_object *obj = NULL;
	struct tb *t = rel_object(v);
	const GElf_Shdr *sh;
	unsigned char *copy;
	size_t k;

	ck_assert_int_eq(open_img(t->img, t->size, &obj), 0);
	sh = symfence_object_shdr(obj, rel_section(obj, v));
	copy = malloc(sh->sh_size);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, t->img + sh->sh_offset, sh->sh_size);
	for (k = 0; k < ARRAY_LEN(rel_cases); k++) {
		unsigned char *e = copy + k * sh->sh_entsize;
		struct sf_rel r, n;

		sf_rel_decode(obj, e, v->rela, &r);
		sf_rel_set_info(obj, e, REL_NSYMS - 1 - k, r.type);
		sf_rel_decode(obj, e, v->rela, &n);
		ck_assert_uint_eq(n.sym, REL_NSYMS - 1 - k);
		ck_assert_uint_eq(n.type, r.type);
		ck_assert_uint_eq(n.offset, r.offset);
		ck_assert_int_eq(n.addend, r.addend);
		sf_rel_set_info(obj, e, r.sym, r.type); /* back: the input's bytes again */
	}
	ck_assert_int_eq(memcmp(copy, t->img + sh->sh_offset, sh->sh_size), 0);
	free(copy);
	symfence_object_free(obj);
	tb_free(t);
}
END_TEST

/*
 * Objects from real compilers, each class, byte order and relocation kind
 * they make, read by the accessor and by readelf (the oracle). Built once for
 * the test case, before its tests run.
 */
static const struct compiled {
	const char *name, *cc;
	int cls;
	bool msb, rela;
} compiled[] = {
	{ "x86_64", "gcc", ELFCLASS64, false, true },
	{ "aarch64_be", "clang --target=aarch64_be-linux-gnu", ELFCLASS64, true, true },
	{ "s390x", "clang --target=s390x-linux-gnu", ELFCLASS64, true, true },
	{ "riscv32", "clang --target=riscv32-linux-gnu", ELFCLASS32, false, true },
	{ "powerpc", "clang --target=powerpc-linux-gnu", ELFCLASS32, true, true },
	{ "arm", "arm-linux-gnueabihf-gcc", ELFCLASS32, false, false },
	{ "i386", "clang --target=i386-linux-gnu", ELFCLASS32, false, false },
	{ "mips", "clang --target=mips-linux-gnu", ELFCLASS32, true, false },
};

static const char compiled_src[] = "extern int ext_var;\n"
				   "extern char ext_arr[];\n"
				   "extern void ext_fn(int);\n"
				   "static int local_var = 5;\n"
				   "int *p = &ext_var + 3;\n"
				   "char *q = ext_arr - 8;\n"
				   "int *r = &local_var;\n"
				   "void f(void) { ext_fn(ext_var + local_var); }\n"
				   "void g(void) { ext_fn(ext_arr[100]); f(); }\n";

static char compiled_dir[256];
static int compiled_status[ARRAY_LEN(compiled)]; /* the compiler's and readelf's: 0 when built */

static void compiled_setup(void)
{
	char cmd[1024];
	size_t k;
	FILE *f;

	for (k = 0; k < ARRAY_LEN(compiled); k++)
		compiled_status[k] = -1;
	snprintf(compiled_dir, sizeof(compiled_dir), "%s/check-object-rel.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(compiled_dir)) {
		compiled_dir[0] = '\0';
		return;
	}
	snprintf(cmd, sizeof(cmd), "%s/rel.c", compiled_dir);
	f = fopen(cmd, "w");
	if (!f)
		return;
	fputs(compiled_src, f);
	fclose(f);
	for (k = 0; k < ARRAY_LEN(compiled); k++) {
		const char *n = compiled[k].name;

		snprintf(
			cmd, sizeof(cmd),
			"cd '%s' && %s -O1 -fno-common -c rel.c -o %s.o >%s.log 2>&1 && readelf -rW %s.o >%s.rel 2>>%s.log",
			compiled_dir, compiled[k].cc, n, n, n, n, n);
		compiled_status[k] = system(cmd);
	}
}

static void compiled_teardown(void)
{
	char cmd[512];

	if (!compiled_dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", compiled_dir);
	if (system(cmd))
		fprintf(stderr, "check_object: cannot remove %s\n", compiled_dir);
}

/* One relocation as readelf -rW prints it. */
struct oracle_rel {
	char sec[64], sym[128];
	uint64_t offset, info;
	int64_t addend;
};

static uint64_t hex(const char *s)
{
	return strtoull(s, NULL, 16);
}

/* readelf's relocations of the object, as it prints them (in section order). */
static size_t oracle_read(const char *path, bool rela, struct oracle_rel *v, size_t max)
{
	char line[1024], sec[64] = "", *tok[16], *save, *q;
	size_t n = 0, ntok;
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		struct oracle_rel *o;

		if (!strncmp(line, "Relocation section '", 20)) {
			q = strchr(line + 20, '\'');
			ck_assert_ptr_nonnull(q);
			*q = '\0';
			ck_assert_uint_lt(strlen(line + 20), sizeof(sec));
			memcpy(sec, line + 20, strlen(line + 20) + 1);
			continue;
		}
		if (!isxdigit((unsigned char)line[0]))
			continue; /* the column headers, blank lines */
		for (ntok = 0; ntok < ARRAY_LEN(tok); ntok++) {
			tok[ntok] = strtok_r(ntok ? NULL : line, " \t\n", &save);
			if (!tok[ntok])
				break;
		}
		ck_assert_uint_ge(ntok, 3);
		ck_assert_uint_lt(n, max);
		o = &v[n++];
		memset(o, 0, sizeof(*o));
		snprintf(o->sec, sizeof(o->sec), "%s", sec);
		o->offset = hex(tok[0]);
		o->info = hex(tok[1]);
		/* offset info type [value name] [+|- addend]; with no symbol: offset info type
		 * [addend] */
		if (ntok >= 5)
			snprintf(o->sym, sizeof(o->sym), "%s", tok[4]);
		if (rela && ntok >= 4) {
			const char *a = tok[ntok - 1];
			bool neg = a[0] == '-' || !strcmp(tok[ntok - 2], "-");

			o->addend = (int64_t)hex(a[0] == '-' ? a + 1 : a);
			if (neg)
				o->addend = -o->addend;
		}
	}
	fclose(f);
	return n;
}

START_TEST(test_rel_accessor_compiled)
{
	const struct compiled *c = &compiled[_i];
	struct oracle_rel want[256];
	struct symfence_object *obj = NULL;
	size_t n, got = 0, i, j, negative = 0;
	char path[512];

	ck_assert_msg(compiled_status[_i] == 0, "%s: '%s' or readelf failed: see %s/%s.log",
		      c->name, c->cc, compiled_dir, c->name);
	snprintf(path, sizeof(path), "%s/%s.rel", compiled_dir, c->name);
	n = oracle_read(path, c->rela, want, ARRAY_LEN(want));
	ck_assert_uint_gt(n, 4);
	snprintf(path, sizeof(path), "%s/%s.o", compiled_dir, c->name);
	ck_assert_int_eq(symfence_object_open(&ctx, path, &obj), 0);
	ck_assert_int_eq(sf_obj_is64(obj), c->cls == ELFCLASS64);
	ck_assert_int_eq(sf_obj_msb(obj), c->msb);

	for (i = 1; i < symfence_object_shnum(obj); i++) {
		const GElf_Shdr *sh = symfence_object_shdr(obj, i);

		if (sh->sh_type != SHT_REL && sh->sh_type != SHT_RELA)
			continue;
		ck_assert_int_eq(sh->sh_type == SHT_RELA, c->rela);
		ck_assert_int_eq(symfence_object_check_relocs(&ctx, obj, i), 0);
		for (j = 0; j < sf_obj_nrels(obj, i); j++, got++) {
			const struct oracle_rel *o = &want[got];
			const char *name;
			Elf32_Word shndx;
			struct sf_rel r;
			GElf_Sym sym;

			ck_assert_uint_lt(got, n);
			sf_obj_rel(obj, i, j, &r);
			ck_assert_str_eq(symfence_object_secname(obj, i), o->sec);
			ck_assert_uint_eq(r.offset, o->offset);
			if (c->cls == ELFCLASS64) {
				ck_assert_uint_eq(r.sym, o->info >> 32);
				ck_assert_uint_eq(r.type, o->info & 0xffffffffu);
			} else {
				ck_assert_uint_eq(r.sym, o->info >> 8);
				ck_assert_uint_eq(r.type, o->info & 0xff);
			}
			ck_assert_int_eq(r.addend, o->addend);
			negative += r.addend < 0;
			/* readelf names the symbol (a section symbol by its section's name) */
			ck_assert_int_eq(symfence_object_sym(obj, r.sym, &sym, &shndx, &name), 0);
			if (!*name && GELF_ST_TYPE(sym.st_info) == STT_SECTION)
				name = symfence_object_secname(obj, shndx);
			if (r.sym)
				ck_assert_str_eq(name, o->sym);
		}
	}
	ck_assert_uint_eq(got, n);
	if (c->rela) /* q = ext_arr - 8 */
		ck_assert_uint_gt(negative, 0);
	ck_assert_uint_eq(ctx.errors, 0);
	symfence_object_free(obj);
}
END_TEST

Suite *suite_object(void)
{
	Suite *s = suite_create("object");
	TCase *tc = tcase_create("open");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_open_mem_variants, 0, ARRAY_LEN(variants));
	tcase_add_test(tc, test_free_null);
	tcase_add_test(tc, test_sym_in_section);
	tcase_add_test(tc, test_open_take_ownership);
	tcase_add_test(tc, test_no_symtab);
	tcase_add_test(tc, test_open_file);
	tcase_add_test(tc, test_open_file_errors);
	tcase_add_loop_test(tc, test_not_elf, 0, ARRAY_LEN(not_elf));
	tcase_add_loop_test(tc, test_malformed, 0, ARRAY_LEN(malformed) * ARRAY_LEN(variants));
	tcase_add_loop_test(tc, test_extended_numbering, 0, 2);
	tcase_add_test(tc, test_extended_numbering_malformed);
	tcase_add_loop_test(tc, test_rel_accessor, 0, ARRAY_LEN(rel_variants));
	tcase_add_loop_test(tc, test_rel_set_info, 0, ARRAY_LEN(rel_variants));
	suite_add_tcase(s, tc);

	tc = tcase_create("compiled");
	tcase_add_unchecked_fixture(tc, compiled_setup, compiled_teardown);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_rel_accessor_compiled, 0, ARRAY_LEN(compiled));
	suite_add_tcase(s, tc);
	return s;
}
