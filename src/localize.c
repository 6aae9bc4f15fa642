// SPDX-License-Identifier: GPL-2.0-only
/*
 * The localize engine.
 *
 * plan:  validate everything that names symbols by index (relocations,
 *        groups, address-significance tables), select the symbols to localize,
 *        refuse what cannot be localized safely, and build one map
 *        old index -> new index: existing locals keep their indices, newly
 *        localized symbols follow them in their old order, globals after.
 * apply: copy the file and patch, in place, only what holds symbol indices:
 *        .symtab (entries permuted, binding byte changed), .symtab_shndx
 *        (permuted), each relocation's symbol field, SHT_GROUP sh_info,
 *        .symtab sh_info and .llvm_addrsig. Sizes never change, except that
 *        .llvm_addrsig moves to the end of the file in the rare case its
 *        re-encoded indices no longer fit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <symfence/localize.h>
#include <symfence/output.h>

#include "internal.h"
#include "object_int.h"

#ifndef SHT_LLVM_ADDRSIG
#define SHT_LLVM_ADDRSIG 0x6fff4c03
#endif
#ifndef SHT_CREL
#define SHT_CREL 0x40000014
#endif
#ifndef SHN_LIVEPATCH
#define SHN_LIVEPATCH 0xff20
#endif

#define MODSIG_MAGIC "~Module signature appended~\n"

/* The kernel's struct module_signature, which precedes MODSIG_MAGIC at the end of a signed .ko. */
struct sf_module_signature {
	uint8_t algo, hash, id_type, signer_len, key_id_len, pad[3];
	uint32_t sig_len; /* big endian */
};

struct symfence_plan {
	struct symfence_object *obj; /* borrowed */
	uint32_t *map;		     /* [nsyms] old index -> new index */
	uint32_t *order;	     /* [nsyms] new index -> old index */
	size_t first_global;	     /* old .symtab sh_info */
	size_t nlocalized, nkept;
	size_t *hits; /* [nselectors] */
	size_t nselectors;
	size_t elf_size; /* bytes of the image to copy (signature dropped) */
	bool verify;
	unsigned char *addrsig; /* re-encoded .llvm_addrsig, or NULL */
	size_t addrsig_size;
	size_t addrsig_sec;
};

/* Per-symbol facts gathered by one pass over relocations and groups. */
struct sf_scan {
	unsigned char *exported;   /* [nsyms] referenced from __ksymtab* / .export_symbol */
	uint32_t *comdat_of_sec;   /* [shnum] COMDAT group section of a member, or 0 */
	uint32_t *signature_of;	   /* [nsyms] COMDAT group whose signature it is, or 0 */
	const char **export_names; /* names X of __ksymtab_X / __export_symbol_X symbols */
	size_t nexport_names;
};

/* Remembers X for a __ksymtab_X or __export_symbol_X symbol, which EXPORT_SYMBOL(X) leaves. */
static void sf_note_export_name(struct sf_scan *scan, const char *name)
{
	if (name[0] != '_')
		return;
	if (!strncmp(name, "__ksymtab_", 10))
		scan->export_names[scan->nexport_names++] = name + 10;
	else if (!strncmp(name, "__export_symbol_", 16))
		scan->export_names[scan->nexport_names++] = name + 16;
}

/* __ksymtab* (final) and ___ksymtab+sym (per-symbol, before the link), .export_symbol (6.5+). */
static bool sf_is_export_section(const char *name)
{
	return !strncmp(name, "__ksymtab", 9) || !strncmp(name, "___ksymtab", 10) ||
	       !strcmp(name, ".export_symbol");
}

static bool sf_is_lto_section(const char *name)
{
	return !strncmp(name, ".gnu.lto_", 9) || !strcmp(name, ".llvm.lto") ||
	       !strcmp(name, ".llvmbc") || !strncmp(name, ".gnu.offload_lto_", 17);
}

static int sf_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool sf_sorted_has(const char **names, size_t n, const char *name)
{
	return n && bsearch(&name, names, n, sizeof(*names), sf_cmp_str);
}

/* Decodes one ULEB128 at *p (< end); returns false when truncated or too long. */
static bool sf_uleb(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	unsigned int shift = 0;

	*v = 0;
	while (*p < end) {
		unsigned char b = *(*p)++;

		if (shift >= 64 || (shift == 63 && (b & 0x7e)))
			return false;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return true;
		shift += 7;
	}
	return false;
}

static size_t sf_uleb_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* Writes v in exactly len bytes (len >= its minimal length): padding is 0x80 continuation groups.
 */
static void sf_uleb_put(unsigned char *p, uint64_t v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		p[i] = (unsigned char)((v >> (7 * i)) & 0x7f);
		if (i + 1 < len)
			p[i] |= 0x80;
		if (7 * (i + 1) >= 64)
			v = 0;
	}
}

/* Object-level checks: what kind of file this is, before looking at symbols. */
static int sf_check_object(struct symfence_ctx *ctx, struct symfence_object *obj,
			   const struct symfence_localize_opts *opts, size_t *elf_size)
{
	const size_t mlen = sizeof(MODSIG_MAGIC) - 1, slen = sizeof(struct sf_module_signature);
	const GElf_Ehdr *eh = sf_obj_ehdr(obj);
	const unsigned char *image = sf_obj_image(obj);
	const char *file = sf_obj_name(obj);
	size_t i, shnum = sf_obj_shnum(obj), size = sf_obj_size(obj);

	switch (eh->e_type) {
	case ET_REL:
		break;
	case ET_EXEC:
		return sf_malformed(
			ctx, file,
			"cannot localize symbols in an executable (ET_EXEC): symfence rewrites relocatable objects (.o, .ko)");
	case ET_DYN:
		return sf_malformed(
			ctx, file,
			"cannot localize symbols in a shared object (ET_DYN): symfence rewrites relocatable objects (.o, .ko)");
	default:
		return sf_malformed(
			ctx, file,
			"cannot localize symbols in an ELF file of type %u: symfence rewrites relocatable objects (.o, .ko)",
			eh->e_type);
	}
	if (eh->e_machine == EM_MIPS && sf_obj_is64(obj))
		return sf_malformed(
			ctx, file,
			"64-bit MIPS objects are not supported (their relocations pack several symbols per entry)");

	for (i = 1; i < shnum; i++)
		if (sf_is_lto_section(sf_obj_secname(obj, i)))
			return sf_malformed(
				ctx, file,
				"cannot rewrite an LTO object (section '%s'): it holds compiler IR, not final code; build the library without LTO or seal after the LTO link",
				sf_obj_secname(obj, i));

	*elf_size = size;
	if (size > mlen + slen && !memcmp(image + size - mlen, MODSIG_MAGIC, mlen)) {
		const unsigned char *info = image + size - mlen - slen;
		uint64_t siglen = sf_get(info + offsetof(struct sf_module_signature, sig_len),
					 sizeof(((struct sf_module_signature *)0)->sig_len), true);

		if (!opts->strip_signature)
			return sf_malformed(
				ctx, file,
				"module has an appended signature, which localizing would invalidate (use --strip-signature, then sign the result again)");
		if (siglen > size - mlen - slen)
			return sf_malformed(ctx, file,
					    "module signature length %llu is larger than the file",
					    (unsigned long long)siglen);
		*elf_size = size - mlen - slen - (size_t)siglen;
		for (i = 1; i < shnum; i++) {
			const GElf_Shdr *sh = sf_obj_shdr(obj, i);

			if (sh->sh_type != SHT_NOBITS && sh->sh_offset + sh->sh_size > *elf_size)
				return sf_malformed(
					ctx, file,
					"section '%s' overlaps the appended module signature",
					sf_obj_secname(obj, i));
		}
		if (sf_obj_shdr_offset(obj, shnum) > *elf_size) /* the end of the header table */
			return sf_malformed(
				ctx, file,
				"section header table overlaps the appended module signature");
	}
	return 0;
}

/*
 * One pass over every section that refers to the symbol table: check it is a
 * kind we rewrite and that every index in it is in range; note exports and
 * COMDAT groups on the way.
 */
static int sf_scan_linked(struct symfence_ctx *ctx, struct symfence_object *obj,
			  struct sf_scan *scan)
{
	size_t shnum = sf_obj_shnum(obj), symtab = sf_obj_symtab(obj), nsyms = sf_obj_nsyms(obj);
	const char *file = sf_obj_name(obj);
	size_t i, j;

	for (i = 1; i < shnum; i++) {
		const GElf_Shdr *sh = sf_obj_shdr(obj, i);
		const char *secname = sf_obj_secname(obj, i);
		bool is_rel = sh->sh_type == SHT_REL || sh->sh_type == SHT_RELA;
		Elf_Data *d;

		if (is_rel) { /* every relocation section, even without a symbol table */
			int err = symfence_object_check_relocs(ctx, obj, i);

			if (err)
				return err;
		} else if (sh->sh_type == SHT_GROUP && (!symtab || sh->sh_link != symtab)) {
			return sf_malformed(ctx, file,
					    "group section '%s' is not linked to the symbol table",
					    secname);
		}
		if (!symtab || sh->sh_link != symtab)
			continue;
		switch (sh->sh_type) {
		case SHT_REL:
		case SHT_RELA:
		case SHT_GROUP:
		case SHT_SYMTAB_SHNDX:
		case SHT_LLVM_ADDRSIG:
			break;
		case SHT_STRTAB: /* a string table that happens to link back; no indices */
			continue;
		case SHT_NOBITS: /* a separate debug file's emptied relocations: no indices */
			continue;
		case SHT_CREL:
			return sf_malformed(
				ctx, file,
				"section '%s' is SHT_CREL (compact relocations), whose symbol indices symfence cannot renumber; build without -Wa,--crel; nothing written",
				secname);
		default:
			return sf_malformed(
				ctx, file,
				"section '%s' (type 0x%x) refers to the symbol table in a way symfence does not know; nothing written",
				secname, sh->sh_type);
		}
		if (sh->sh_type == SHT_SYMTAB_SHNDX)
			continue;
		if (sh->sh_flags & SHF_COMPRESSED)
			return sf_malformed(
				ctx, file,
				"section '%s' is compressed (SHF_COMPRESSED); decompress the object first (objcopy --decompress-debug-sections)",
				secname);
		if (is_rel) {
			size_t n = sf_obj_nrels(obj, i);
			struct sf_rel r;

			if (!sf_is_export_section(sf_obj_secname(obj, sh->sh_info)))
				continue;
			for (j = 0; j < n; j++) {
				sf_obj_rel(obj, i, j, &r);
				scan->exported[r.sym] = 1;
			}
			continue;
		}
		d = symfence_object_data(ctx, obj, i);
		if (!d)
			return -EINVAL;
		if (sh->sh_type == SHT_GROUP) {
			const Elf32_Word *w = d->d_buf;
			size_t n = d->d_size / sizeof(Elf32_Word);

			if (sh->sh_entsize != sizeof(Elf32_Word) || n == 0 ||
			    d->d_size % sizeof(Elf32_Word))
				return sf_malformed(
					ctx, file,
					"group section '%s' has a bad size or entry size", secname);
			if (sh->sh_info >= nsyms)
				return sf_malformed(
					ctx, file,
					"group section '%s' names signature symbol %u, beyond the %zu symbols",
					secname, sh->sh_info, nsyms);
			for (j = 1; j < n; j++)
				if (w[j] == 0 || w[j] >= shnum)
					return sf_malformed(
						ctx, file,
						"group section '%s' lists section %u, which does not exist",
						secname, w[j]);
			if (!(w[0] & GRP_COMDAT))
				continue;
			scan->signature_of[sh->sh_info] = (uint32_t)i;
			for (j = 1; j < n; j++)
				scan->comdat_of_sec[w[j]] = (uint32_t)i;
		} else { /* SHT_LLVM_ADDRSIG */
			/* An empty section has no buffer: no arithmetic on NULL. */
			const unsigned char *p = d->d_buf, *end = p ? p + d->d_size : p;
			uint64_t v;

			while (p < end) {
				if (!sf_uleb(&p, end, &v))
					return sf_malformed(
						ctx, file,
						"section '%s' has a malformed ULEB128 entry",
						secname);
				if (v >= nsyms)
					return sf_malformed(
						ctx, file,
						"section '%s' names symbol %llu, beyond the %zu symbols",
						secname, (unsigned long long)v, nsyms);
			}
		}
	}
	return 0;
}

struct sf_keyed {
	Elf32_Word shndx;
	GElf_Addr value;
	size_t idx;
};

static int sf_cmp_keyed(const void *a, const void *b)
{
	const struct sf_keyed *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static bool sf_is_named_object(const GElf_Sym *sym)
{
	int type = GELF_ST_TYPE(sym->st_info);

	return type != STT_SECTION && type != STT_FILE;
}

bool symfence_module_entry_point(const char *name)
{
	return !strcmp(name, "init_module") || !strcmp(name, "cleanup_module");
}

#define SF_EM_HEXAGON 164
#define SF_EM_L1OM 180
#define SF_EM_K1OM 181

/*
 * Special section indices (SHN_LORESERVE..SHN_HIRESERVE) that processors
 * define for common symbols: like SHN_COMMON, they have no section yet and
 * the linker merges them by name. Any other special index but SHN_ABS,
 * SHN_COMMON and SHN_LIVEPATCH is refused as unknown, named here when known.
 */
static const struct sf_special {
	uint16_t machine, shndx;
	bool common;
	const char *name;
} sf_specials[] = {
	{ EM_X86_64, 0xff02, true, "SHN_X86_64_LCOMMON" },
	{ SF_EM_L1OM, 0xff02, true, "SHN_X86_64_LCOMMON" },
	{ SF_EM_K1OM, 0xff02, true, "SHN_X86_64_LCOMMON" },
	{ EM_MIPS, 0xff00, true, "SHN_MIPS_ACOMMON" },
	{ EM_MIPS, 0xff01, false, "SHN_MIPS_TEXT" },
	{ EM_MIPS, 0xff02, false, "SHN_MIPS_DATA" },
	{ EM_MIPS, 0xff03, true, "SHN_MIPS_SCOMMON" },
	{ EM_MIPS, 0xff04, false, "SHN_MIPS_SUNDEFINED" },
	{ EM_MIPS_RS3_LE, 0xff00, true, "SHN_MIPS_ACOMMON" },
	{ EM_MIPS_RS3_LE, 0xff03, true, "SHN_MIPS_SCOMMON" },
	{ SF_EM_HEXAGON, 0xff00, true, "SHN_HEXAGON_SCOMMON" },
	{ SF_EM_HEXAGON, 0xff01, true, "SHN_HEXAGON_SCOMMON_1" },
	{ SF_EM_HEXAGON, 0xff02, true, "SHN_HEXAGON_SCOMMON_2" },
	{ SF_EM_HEXAGON, 0xff03, true, "SHN_HEXAGON_SCOMMON_4" },
	{ SF_EM_HEXAGON, 0xff04, true, "SHN_HEXAGON_SCOMMON_8" },
	{ EM_TI_C6000, 0xff00, true, "SHN_TIC6X_SCOMMON" },
	{ EM_IA_64, 0xff00, true, "SHN_IA_64_ANSI_COMMON" },
	{ EM_PARISC, 0xff00, true, "SHN_PARISC_ANSI_COMMON" },
	{ EM_PARISC, 0xff01, true, "SHN_PARISC_HUGE_COMMON" },
	{ EM_V850, 0xff00, true, "SHN_V850_SCOMMON" },
	{ EM_V850, 0xff01, true, "SHN_V850_TCOMMON" },
	{ EM_V850, 0xff02, true, "SHN_V850_ZCOMMON" },
	{ EM_M32R, 0xff00, true, "SHN_M32R_SCOMMON" },
};

static const struct sf_special *sf_special_index(uint16_t machine, uint16_t shndx)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sf_specials); i++)
		if (sf_specials[i].machine == machine && sf_specials[i].shndx == shndx)
			return &sf_specials[i];
	return NULL;
}

/*
 * A selected symbol with a special section index (st_shndx, not an escape):
 * true when that index is refused (reported).
 */
static bool sf_refuse_special(struct symfence_ctx *ctx, const struct symfence_object *obj,
			      const GElf_Sym *sym, const char *name)
{
	uint16_t shndx = sym->st_shndx, machine = sf_obj_ehdr(obj)->e_machine;
	const char *file = sf_obj_name(obj);
	const struct sf_special *sp;
	char what[64];

	if (shndx < SHN_LORESERVE || shndx == SHN_ABS || shndx == SHN_XINDEX)
		return false;
	if (shndx == SHN_COMMON) {
		symfence_error(
			ctx, file,
			"cannot localize '%s': it is SHN_COMMON (build with -fno-common or link with ld -d)",
			name);
		return true;
	}
	if (shndx == SHN_LIVEPATCH) {
		symfence_error(
			ctx, file,
			"cannot localize '%s': it is a livepatch symbol (SHN_LIVEPATCH), resolved by the livepatch core at load time",
			name);
		return true;
	}
	sp = sf_special_index(machine, shndx);
	if (sp && sp->common) {
		symfence_error(
			ctx, file,
			"cannot localize '%s': it is %s, a common symbol (build with -fno-common or link with ld -d)",
			name, sp->name);
		return true;
	}
	if (sp)
		snprintf(what, sizeof(what), "%s", sp->name);
	else
		snprintf(what, sizeof(what), "%s, unknown for machine %u",
			 shndx <= SHN_HIPROC ? "processor-specific"
			 : shndx <= SHN_HIOS ? "OS-specific"
					     : "reserved",
			 machine);
	symfence_error(
		ctx, file,
		"cannot localize '%s': its section index 0x%x (%s) is special, and symfence does not know it to be safe to localize",
		name, shndx, what);
	return true;
}

/* Refusals for one selected symbol; returns true when it may be localized. */
static bool sf_check_selected(struct symfence_ctx *ctx, struct symfence_object *obj,
			      const struct sf_scan *scan, size_t i, const GElf_Sym *sym,
			      Elf32_Word shndx, const char *name)
{
	const char *file = sf_obj_name(obj);

	if (sym->st_shndx == SHN_UNDEF) {
		symfence_error(
			ctx, file,
			"cannot localize '%s': it is undefined here (only referenced; localize it in the object that defines it)",
			name);
		return false;
	}
	if (sf_refuse_special(ctx, obj, sym, name))
		return false;
	if (symfence_module_entry_point(name)) {
		symfence_error(
			ctx, file,
			"cannot localize '%s': it is a module entry point (module_init/module_exit), which the module's .mod.o calls",
			name);
		return false;
	}
	if (scan->signature_of[i]) {
		symfence_error(
			ctx, file,
			"cannot localize '%s': it is the signature of COMDAT group section '%s'; COMDAT groups are merged by name across objects",
			name, sf_obj_secname(obj, scan->signature_of[i]));
		return false;
	}
	if (symfence_sym_in_section(sym) && scan->comdat_of_sec[shndx]) {
		symfence_error(
			ctx, file,
			"cannot localize '%s': it is defined in section '%s' of a COMDAT group (inline or template code shared between objects)",
			name, sf_obj_secname(obj, shndx));
		return false;
	}
	if (GELF_ST_BIND(sym->st_info) == STB_GNU_UNIQUE) {
		symfence_error(
			ctx, file,
			"cannot localize '%s': it is STB_GNU_UNIQUE, which asks for one definition in the whole program; a local copy would break that",
			name);
		return false;
	}
	if (GELF_ST_BIND(sym->st_info) != STB_GLOBAL && GELF_ST_BIND(sym->st_info) != STB_WEAK) {
		symfence_error(
			ctx, file,
			"cannot localize '%s': its binding %u is neither STB_GLOBAL nor STB_WEAK, and symfence does not know what localizing it means",
			name, GELF_ST_BIND(sym->st_info));
		return false;
	}
	if (scan->exported[i] || sf_sorted_has(scan->export_names, scan->nexport_names, name)) {
		symfence_error(
			ctx, file,
			"cannot localize '%s': it is exported (EXPORT_SYMBOL); an exported symbol cannot be private: drop the export or the private rule",
			name);
		return false;
	}
	return true;
}

/* What one pass over the symbol table gathers for the checks that follow it. */
struct sf_symlists {
	uint32_t *cands; /* selected symbols, in table order */
	size_t ncands;
	struct sf_keyed *kept; /* definitions in sections that stay global */
	size_t nkept;
	const char **locals; /* names of existing named locals */
	size_t nlocals;
};

/* The first entry of the sorted kept[] at (shndx, value), or NULL. */
static const struct sf_keyed *sf_kept_at(const struct sf_symlists *l, Elf32_Word shndx,
					 GElf_Addr value)
{
	size_t lo = 0, hi = l->nkept;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct sf_keyed *k = &l->kept[mid];

		if (k->shndx < shndx || (k->shndx == shndx && k->value < value))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < l->nkept && l->kept[lo].shndx == shndx && l->kept[lo].value == value)
		return &l->kept[lo];
	return NULL;
}

/* Weak definitions, global aliases that stay global, clashes with existing locals. */
static void sf_warn_selected(struct symfence_ctx *ctx, const struct symfence_object *obj,
			     struct sf_symlists *l)
{
	size_t c;

	sf_sort(l->locals, l->nlocals, sizeof(*l->locals), sf_cmp_str);
	sf_sort(l->kept, l->nkept, sizeof(*l->kept), sf_cmp_keyed);
	for (c = 0; c < l->ncands; c++) {
		const struct sf_keyed *hit = NULL;
		GElf_Sym sym;
		Elf32_Word shndx;
		const char *name, *alias;

		symfence_object_sym(obj, l->cands[c], &sym, &shndx, &name);
		if (GELF_ST_BIND(sym.st_info) == STB_WEAK)
			symfence_warning(
				ctx, sf_obj_name(obj),
				"localizing weak definition '%s': this object's own references now bind to it even where another object defines '%s'",
				name, name);
		if (sf_sorted_has(l->locals, l->nlocals, name))
			symfence_warning(
				ctx, sf_obj_name(obj),
				"localized '%s' has the same name as an existing local symbol; debuggers and kallsyms will show two",
				name);
		if (symfence_sym_in_section(&sym) && sf_is_named_object(&sym))
			hit = sf_kept_at(l, shndx, sym.st_value);
		if (hit) {
			symfence_object_sym(obj, hit->idx, NULL, NULL, &alias);
			symfence_warning(
				ctx, sf_obj_name(obj),
				"'%s' has a global alias '%s' at the same address, which stays global: other objects can still reach it through '%s'",
				name, alias, alias);
		}
	}
}

/* Re-encodes .llvm_addrsig through the map; in place when it fits, padded to its old size. */
static int sf_plan_addrsig(struct symfence_ctx *ctx, struct symfence_plan *plan)
{
	struct symfence_object *obj = plan->obj;
	const unsigned char *p, *end;
	size_t i, need = 0, n = 0, k;
	uint64_t *vals = NULL, v;
	Elf_Data *d;

	/* sh_link 0 marks a stale table (objcopy and ld -r leave it so): lld ignores it, so do we.
	 */
	for (i = 1; i < sf_obj_shnum(obj); i++) {
		const GElf_Shdr *sh = sf_obj_shdr(obj, i);

		if (sh->sh_type != SHT_LLVM_ADDRSIG || sh->sh_link != sf_obj_symtab(obj))
			continue;
		if (plan->addrsig_sec)
			return sf_malformed(ctx, sf_obj_name(obj),
					    "more than one .llvm_addrsig section");
		plan->addrsig_sec = i;
	}
	if (!plan->addrsig_sec)
		return 0;
	i = plan->addrsig_sec;
	d = symfence_object_data(ctx, obj, i);
	if (!d)
		return -EINVAL;
	vals = sf_xcalloc(d->d_size, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	p = d->d_buf;
	end = p ? p + d->d_size : p;
	while (p < end && sf_uleb(&p, end, &v)) { /* validated by sf_scan_linked */
		vals[n] = plan->map[v];
		need += sf_uleb_len(vals[n]);
		n++;
	}
	plan->addrsig_size = need > d->d_size ? need : d->d_size;
	plan->addrsig = malloc(plan->addrsig_size ? plan->addrsig_size : 1);
	if (!plan->addrsig) {
		free(vals);
		return -ENOMEM;
	}
	/* Spread the spare bytes over the entries, at most 9 extra per entry (10-byte ULEB). */
	{
		size_t spare = plan->addrsig_size - need, off = 0;

		for (k = 0; k < n; k++) {
			size_t len = sf_uleb_len(vals[k]);
			size_t extra = spare < 10 - len ? spare : 10 - len;

			sf_uleb_put(plan->addrsig + off, vals[k], len + extra);
			off += len + extra;
			spare -= extra;
		}
		if (spare) { /* too few entries to absorb the padding: keep the shorter size */
			plan->addrsig_size -= spare;
		}
	}
	free(vals);
	return 0;
}

int symfence_localize_plan(struct symfence_ctx *ctx, struct symfence_object *obj,
			   const struct symfence_localize_opts *opts, struct symfence_plan **out)
{
	struct symfence_plan *plan = NULL;
	struct sf_scan scan = { 0 };
	struct sf_symlists l = { 0 };
	unsigned char *selected = NULL;
	size_t nsyms = sf_obj_nsyms(obj), symtab = sf_obj_symtab(obj);
	const char *file = sf_obj_name(obj);
	size_t i, c, next, refused = 0;
	int err;

	*out = NULL;
	plan = calloc(1, sizeof(*plan));
	if (!plan)
		return -ENOMEM;
	plan->obj = obj;
	plan->verify = opts->verify;
	plan->nselectors = opts->nselectors;
	plan->hits = sf_xcalloc(opts->nselectors, sizeof(*plan->hits));
	plan->map = sf_xcalloc(nsyms, sizeof(*plan->map));
	plan->order = sf_xcalloc(nsyms, sizeof(*plan->order));
	selected = sf_xcalloc(nsyms, 1);
	scan.exported = sf_xcalloc(nsyms, 1);
	scan.signature_of = sf_xcalloc(nsyms, sizeof(*scan.signature_of));
	scan.comdat_of_sec = sf_xcalloc(sf_obj_shnum(obj), sizeof(*scan.comdat_of_sec));
	scan.export_names = sf_xcalloc(nsyms, sizeof(*scan.export_names));
	l.cands = sf_xcalloc(nsyms, sizeof(*l.cands));
	l.kept = sf_xcalloc(nsyms, sizeof(*l.kept));
	l.locals = sf_xcalloc(nsyms, sizeof(*l.locals));
	err = -ENOMEM;
	if (!plan->hits || !plan->map || !plan->order || !selected || !scan.exported ||
	    !scan.signature_of || !scan.comdat_of_sec || !scan.export_names || !l.cands ||
	    !l.kept || !l.locals) {
		symfence_error(ctx, file, "out of memory planning %zu symbols", nsyms);
		goto fail;
	}

	err = sf_check_object(ctx, obj, opts, &plan->elf_size);
	if (!err)
		err = sf_scan_linked(ctx, obj, &scan);
	if (err)
		goto fail;
	plan->first_global = symtab ? sf_obj_shdr(obj, symtab)->sh_info : 0;
	if (nsyms && plan->first_global == 0) {
		err = sf_malformed(ctx, file,
				   "symbol table sh_info is 0, but symbol 0 is always local");
		goto fail;
	}

	/* One pass: bindings against sh_info, exports by name, selection, what stays. */
	for (i = 0; i < nsyms; i++) {
		GElf_Sym sym;
		Elf32_Word shndx;
		const char *name;
		bool local;
		int id;

		symfence_object_sym(obj, i, &sym, &shndx, &name);
		local = GELF_ST_BIND(sym.st_info) == STB_LOCAL;
		if (i < plan->first_global) {
			if (!local) {
				err = sf_malformed(
					ctx, file,
					"symbol %zu ('%s') is not local but precedes the symbol table's first global (sh_info %zu)",
					i, name, plan->first_global);
				goto fail;
			}
			if (*name && sf_is_named_object(&sym))
				l.locals[l.nlocals++] = name;
			sf_note_export_name(&scan, name); /* __ksymtab_X is static */
			continue;
		}
		if (local) {
			err = sf_malformed(
				ctx, file,
				"symbol %zu ('%s') is local but follows the symbol table's first global (sh_info %zu)",
				i, name, plan->first_global);
			goto fail;
		}
		if (!*name)
			continue;
		sf_note_export_name(&scan, name);
		id = opts->select(opts->select_arg, name, &sym, shndx);
		if (id >= 0) {
			if ((size_t)id < plan->nselectors)
				plan->hits[id]++;
			selected[i] = 1;
			l.cands[l.ncands++] = (uint32_t)i;
		} else if (symfence_sym_in_section(&sym)) {
			if (sf_is_named_object(&sym))
				l.kept[l.nkept++] = (struct sf_keyed){ shndx, sym.st_value, i };
			plan->nkept++;
		} else if (sym.st_shndx != SHN_UNDEF) {
			plan->nkept++; /* SHN_ABS, SHN_COMMON: defined, stays global */
		}
	}
	sf_sort(scan.export_names, scan.nexport_names, sizeof(*scan.export_names), sf_cmp_str);
	if (opts->hits && opts->nselectors)
		memcpy(opts->hits, plan->hits, opts->nselectors * sizeof(*opts->hits));

	for (c = 0; c < l.ncands; c++) {
		GElf_Sym sym;
		Elf32_Word shndx;
		const char *name;

		i = l.cands[c];
		symfence_object_sym(obj, i, &sym, &shndx, &name);
		if (!sf_check_selected(ctx, obj, &scan, i, &sym, shndx, name))
			refused++;
	}
	if (refused) {
		err = -EPERM;
		goto fail;
	}
	plan->nlocalized = l.ncands;
	sf_warn_selected(ctx, obj, &l);

	/* The map: locals stay, selected follow in their old order, then the rest. */
	for (i = 0; i < plan->first_global; i++)
		plan->map[i] = (uint32_t)i;
	next = plan->first_global;
	for (c = 0; c < l.ncands; c++)
		plan->map[l.cands[c]] = (uint32_t)next++;
	for (i = plan->first_global; i < nsyms; i++)
		if (!selected[i])
			plan->map[i] = (uint32_t)next++;
	for (i = 0; i < nsyms; i++)
		plan->order[plan->map[i]] = (uint32_t)i;

	if (plan->nlocalized) {
		err = sf_plan_addrsig(ctx, plan);
		if (err)
			goto fail;
	}
	err = 0;
	*out = plan;
	plan = NULL;
fail:
	free(selected);
	free(scan.exported);
	free(scan.signature_of);
	free(scan.comdat_of_sec);
	free(scan.export_names);
	free(l.cands);
	free(l.kept);
	free(l.locals);
	symfence_plan_free(plan);
	return err;
}

size_t symfence_plan_count(const struct symfence_plan *plan)
{
	return plan->nlocalized;
}

size_t symfence_plan_kept(const struct symfence_plan *plan)
{
	return plan->nkept;
}

const size_t *symfence_plan_hits(const struct symfence_plan *plan)
{
	return plan->hits;
}

const char *symfence_plan_name(const struct symfence_plan *plan, size_t i)
{
	const char *name = "";

	if (i < plan->nlocalized)
		symfence_object_sym(plan->obj, plan->order[plan->first_global + i], NULL, NULL,
				    &name);
	return name;
}

void symfence_plan_free(struct symfence_plan *plan)
{
	if (!plan)
		return;
	free(plan->map);
	free(plan->order);
	free(plan->hits);
	free(plan->addrsig);
	free(plan);
}

/*
 * The rewrite as a list of patches over the input image: each a byte range
 * and its new contents. Applied to a copy (for seal's self-check), or
 * written out with the untouched parts straight from the input's mapping.
 */
struct sf_patch {
	size_t off, len;
	unsigned char *data;
};

struct sf_patches {
	struct sf_patch *p;
	size_t n, cap;
	unsigned char **blocks; /* the arena: owned blocks holding patch data */
	size_t nblocks, used, room;
	size_t size; /* size of the output */
};

static void sf_patches_free(struct sf_patches *ps)
{
	size_t i;

	for (i = 0; i < ps->nblocks; i++)
		free(ps->blocks[i]);
	free(ps->blocks);
	free(ps->p);
	memset(ps, 0, sizeof(*ps));
}

/* A new patch of len bytes at off, initialised from init (len bytes) when not NULL. */
static unsigned char *sf_patch_add(struct sf_patches *ps, size_t off, size_t len,
				   const unsigned char *init)
{
	static unsigned char nothing[1];
	unsigned char *data;

	if (!len) /* an empty section: nothing to write, and no place in the order */
		return nothing;
	if (sf_grow(ps->p, ps->cap, ps->n + 1, 64))
		return NULL;
	if (len > ps->room - ps->used || !ps->nblocks) {
		size_t room = len > (1u << 20) ? len : (1u << 20);
		unsigned char **b = realloc(ps->blocks, (ps->nblocks + 1) * sizeof(*b));

		if (!b)
			return NULL;
		ps->blocks = b;
		b[ps->nblocks] = malloc(room);
		if (!b[ps->nblocks])
			return NULL;
		ps->nblocks++;
		ps->used = 0;
		ps->room = room;
	}
	data = ps->blocks[ps->nblocks - 1] + ps->used;
	ps->used += len;
	if (init)
		memcpy(data, init, len);
	ps->p[ps->n++] = (struct sf_patch){ off, len, data };
	return data;
}

/* A patch of the width bytes at at: v, in the object's byte order. */
static int sf_patch_value(const struct symfence_object *obj, struct sf_patches *ps, uint64_t at,
			  size_t width, uint64_t v)
{
	unsigned char *p = sf_patch_add(ps, (size_t)at, width, NULL);

	if (!p)
		return -ENOMEM;
	sf_put(p, width, v, sf_obj_msb(obj));
	return 0;
}

/* Patches one field (sh_offset, sh_size, sh_info) of section header idx. */
#define sf_patch_shdr(obj, ps, idx, field, v)                                                      \
	sf_patch_value(obj, ps, sf_obj_shdr_offset(obj, idx) + sf_field_off(obj, Shdr, field),     \
		       sf_field_size(obj, Shdr, field), v)

/* The relocation sections with an entry whose symbol moved: patched copies. */
static int sf_patch_relocs(const struct symfence_plan *plan, struct sf_patches *ps)
{
	const struct symfence_object *obj = plan->obj;
	size_t i, j, shnum = sf_obj_shnum(obj);

	for (i = 1; i < shnum; i++) {
		const GElf_Shdr *sh = sf_obj_shdr(obj, i);
		unsigned char *dst = NULL;
		size_t n;

		if (sh->sh_type != SHT_REL && sh->sh_type != SHT_RELA)
			continue;
		n = sf_obj_nrels(obj, i);
		for (j = 0; j < n; j++) {
			struct sf_rel r;
			size_t nsym;

			sf_obj_rel(obj, i, j, &r);
			nsym = plan->map[r.sym];
			if (nsym == r.sym)
				continue;
			if (!dst) { /* the section's bytes are in the file: checked at open */
				dst = sf_patch_add(ps, sh->sh_offset, sh->sh_size,
						   sf_obj_image(obj) + sh->sh_offset);
				if (!dst)
					return -ENOMEM;
			}
			sf_rel_set_info(obj, dst + j * sh->sh_entsize, nsym, r.type);
		}
	}
	return 0;
}

static int sf_cmp_patch(const void *a, const void *b)
{
	const struct sf_patch *x = a, *y = b;

	return (x->off > y->off) - (x->off < y->off);
}

/* Every patch of the plan, sorted; overlapping patches mean overlapping sections. */
static int sf_plan_patches(struct symfence_ctx *ctx, const struct symfence_plan *plan,
			   struct sf_patches *ps)
{
	const struct symfence_object *obj = plan->obj;
	const unsigned char *image = sf_obj_image(obj);
	size_t i, lo = plan->first_global, hi = plan->first_global + plan->nlocalized;
	size_t nsyms = sf_obj_nsyms(obj), symtab = sf_obj_symtab(obj);
	int err = 0;

	memset(ps, 0, sizeof(*ps));
	ps->size = plan->elf_size;
	if (!plan->nlocalized)
		return 0;

	/* .symtab: entries permuted (raw, so no conversion); binding byte of the new locals. */
	{
		const GElf_Shdr *sh = sf_obj_shdr(obj, symtab);
		size_t es = sh->sh_entsize, info = sf_field_off(obj, Sym, st_info);
		unsigned char *dst =
			sf_patch_add(ps, sh->sh_offset + lo * es, (nsyms - lo) * es, NULL);

		if (!dst)
			goto nomem;
		for (i = lo; i < nsyms; i++, dst += es) {
			memcpy(dst, image + sh->sh_offset + (size_t)plan->order[i] * es, es);
			if (i < hi)
				dst[info] = (unsigned char)GELF_ST_INFO(STB_LOCAL,
									GELF_ST_TYPE(dst[info]));
		}
		err = sf_patch_shdr(obj, ps, symtab, sh_info, hi);
	}
	if (!err && sf_obj_symtab_shndx(obj)) { /* permuted as .symtab is */
		size_t off = sf_obj_shdr(obj, sf_obj_symtab_shndx(obj))->sh_offset;
		const size_t xs = sizeof(Elf32_Word);
		unsigned char *dst = sf_patch_add(ps, off + xs * lo, xs * (nsyms - lo), NULL);

		if (!dst)
			goto nomem;
		for (i = lo; i < nsyms; i++, dst += xs)
			memcpy(dst, image + off + xs * (size_t)plan->order[i], xs);
	}
	if (!err)
		err = sf_patch_relocs(plan, ps);
	for (i = 1; !err && i < sf_obj_shnum(obj); i++) {
		const GElf_Shdr *sh = sf_obj_shdr(obj, i);

		if (sh->sh_type == SHT_GROUP && sh->sh_link == symtab)
			err = sf_patch_shdr(obj, ps, i, sh_info, plan->map[sh->sh_info]);
	}
	if (!err && plan->addrsig_sec) {
		const GElf_Shdr *sh = sf_obj_shdr(obj, plan->addrsig_sec);
		size_t at = plan->addrsig_size <= sh->sh_size ? sh->sh_offset : ps->size;

		if (!sf_patch_add(ps, at, plan->addrsig_size, plan->addrsig))
			goto nomem;
		if (at == ps->size) { /* grown: moved to the end of the file */
			err = sf_patch_shdr(obj, ps, plan->addrsig_sec, sh_offset, at);
			ps->size += plan->addrsig_size;
		}
		if (!err && plan->addrsig_size != sh->sh_size)
			err = sf_patch_shdr(obj, ps, plan->addrsig_sec, sh_size,
					    plan->addrsig_size);
	}
	if (err)
		goto nomem;

	sf_sort(ps->p, ps->n, sizeof(*ps->p), sf_cmp_patch);
	for (i = 1; i < ps->n; i++)
		if (ps->p[i - 1].off + ps->p[i - 1].len > ps->p[i].off) {
			size_t at = ps->p[i].off;

			sf_patches_free(ps);
			return sf_malformed(
				ctx, sf_obj_name(obj),
				"sections that name symbols overlap each other or the section header table (at offset 0x%zx)",
				at);
		}
	return 0;
nomem:
	sf_patches_free(ps);
	symfence_error(ctx, sf_obj_name(obj), "out of memory");
	return -ENOMEM;
}

/* The symbol-table entry at index n of image (which may be the input or the output). */
static const unsigned char *sf_sym_at(const struct symfence_object *obj, const unsigned char *image,
				      size_t n)
{
	const GElf_Shdr *sh = sf_obj_shdr(obj, sf_obj_symtab(obj));

	return image + sh->sh_offset + n * sh->sh_entsize;
}

/*
 * seal's self-check, on the bytes of the result against the input: every
 * symbol entry is the input's entry it was moved from, with only the binding
 * changed and LOCAL exactly for the locals; every relocation keeps its bytes
 * but the symbol field, and that names the same symbol (same entry bytes
 * but the binding); every group names the same signature; sh_info is the
 * first global. No libelf here: re-reading 320,000 sections through it cost
 * more than the rewrite (the fuzzers check that libelf reads every result).
 */
static int sf_verify(struct symfence_ctx *ctx, const struct symfence_plan *plan,
		     const unsigned char *buf, size_t size)
{
	const struct symfence_object *in = plan->obj;
	const unsigned char *image = sf_obj_image(in);
	size_t nsyms = sf_obj_nsyms(in), symtab = sf_obj_symtab(in), xs = sizeof(Elf32_Word);
	size_t es = sf_obj_shdr(in, symtab)->sh_entsize, info = sf_field_off(in, Sym, st_info);
	size_t hi = plan->first_global + plan->nlocalized;
	size_t i, j;
	const char *what = NULL;

	/* Two entries are the same symbol when all bytes but the binding nibble agree. */
#define SAME_SYMBOL(a, b)                                                                          \
	(!memcmp((a), (b), info) && ((a)[info] & 0xf) == ((b)[info] & 0xf) &&                      \
	 !memcmp((a) + info + 1, (b) + info + 1, es - info - 1))

	if (size < plan->elf_size)
		what = "the rewritten object is shorter than the input";
	if (!symtab) /* nothing names a symbol: nothing can have moved */
		return what ? (symfence_error(ctx, sf_obj_name(in), "internal error: %s", what),
			       -EIO)
			    : 0;
	for (i = 0; !what && i < nsyms; i++) {
		const unsigned char *o = sf_sym_at(in, buf, i),
				    *n = sf_sym_at(in, image, plan->order[i]);
		bool local = (o[info] >> 4) == STB_LOCAL;

		if (!SAME_SYMBOL(o, n) || local != (i < hi))
			what = "a symbol changed in the rewrite";
		if (!what && sf_obj_symtab_shndx(in)) {
			size_t off = sf_obj_shdr(in, sf_obj_symtab_shndx(in))->sh_offset;

			if (memcmp(buf + off + xs * i, image + off + xs * (size_t)plan->order[i],
				   xs))
				what = "an extended section index changed in the rewrite";
		}
	}
	for (i = 1; !what && i < sf_obj_shnum(in); i++) {
		const GElf_Shdr *sh = sf_obj_shdr(in, i);
		size_t n;

		if (sh->sh_type == SHT_GROUP && sh->sh_link == symtab) {
			size_t sig =
				sf_field_get(in, buf + sf_obj_shdr_offset(in, i), Shdr, sh_info);

			if (sig >= nsyms || !SAME_SYMBOL(sf_sym_at(in, buf, sig),
							 sf_sym_at(in, image, sh->sh_info)))
				what = "a group no longer names its signature symbol";
			continue;
		}
		if (sh->sh_type != SHT_REL && sh->sh_type != SHT_RELA)
			continue;
		n = sf_obj_nrels(in, i);
		for (j = 0; !what && j < n; j++) {
			struct sf_rel o, r; /* the input's and the result's */

			sf_obj_rel(in, i, j, &o);
			sf_rel_decode(in, buf + sh->sh_offset + j * sh->sh_entsize,
				      sh->sh_type == SHT_RELA, &r);
			if (r.offset != o.offset || r.type != o.type || r.addend != o.addend ||
			    r.sym >= nsyms ||
			    !SAME_SYMBOL(sf_sym_at(in, buf, r.sym), sf_sym_at(in, image, o.sym)))
				what = "a relocation no longer names the same symbol";
		}
	}
	if (!what && sf_field_get(in, buf + sf_obj_shdr_offset(in, symtab), Shdr, sh_info) != hi)
		what = "the symbol table's sh_info is not its first global";
#undef SAME_SYMBOL
	if (!what)
		return 0;
	symfence_error(ctx, sf_obj_name(in),
		       "internal error: %s; nothing written (please report this with the input)",
		       what);
	return -EIO;
}

int symfence_plan_apply(struct symfence_ctx *ctx, const struct symfence_plan *plan,
			unsigned char **out, size_t *out_size)
{
	struct sf_patches ps;
	unsigned char *buf;
	size_t i;
	int err;

	*out = NULL;
	*out_size = 0;
	err = sf_plan_patches(ctx, plan, &ps);
	if (err)
		return err;
	buf = malloc(ps.size ? ps.size : 1);
	if (!buf) {
		symfence_error(ctx, sf_obj_name(plan->obj), "out of memory for a %zu-byte output",
			       ps.size);
		sf_patches_free(&ps);
		return -ENOMEM;
	}
	memcpy(buf, sf_obj_image(plan->obj), plan->elf_size);
	for (i = 0; i < ps.n; i++)
		memcpy(buf + ps.p[i].off, ps.p[i].data, ps.p[i].len);
	if (plan->verify) {
		err = sf_verify(ctx, plan, buf, ps.size);
		if (err) {
			free(buf);
			buf = NULL;
		}
	}
	*out = buf;
	*out_size = buf ? ps.size : 0;
	sf_patches_free(&ps);
	return err;
}

/* Writes the rewritten object: to path atomically, or with tmp to a temporary beside it. */
static int plan_write(struct symfence_ctx *ctx, const struct symfence_plan *plan, const char *path,
		      unsigned int mode, char **tmp)
{
	struct sf_patches ps;
	struct iovec *iov;
	size_t i, n = 0, at = 0;
	int err;

	if (plan->verify) { /* the self-check needs the whole image in memory */
		unsigned char *buf;
		size_t size;

		err = symfence_plan_apply(ctx, plan, &buf, &size);
		if (!err) {
			struct iovec one = { buf, size };

			err = tmp ? symfence_write_temp_iov(ctx, path, &one, 1, mode, tmp)
				  : symfence_write_atomic_iov(ctx, path, &one, 1, mode);
		}
		free(buf);
		return err;
	}
	err = sf_plan_patches(ctx, plan, &ps);
	if (err)
		return err;
	iov = calloc(2 * ps.n + 1, sizeof(*iov));
	if (!iov) {
		sf_patches_free(&ps);
		symfence_error(ctx, sf_obj_name(plan->obj), "out of memory");
		return -ENOMEM;
	}
	/* The untouched stretches come straight from the input's mapping. */
	for (i = 0; i < ps.n; i++) {
		if (ps.p[i].off > at)
			iov[n++] = (struct iovec){ (void *)(sf_obj_image(plan->obj) + at),
						   ps.p[i].off - at };
		iov[n++] = (struct iovec){ ps.p[i].data, ps.p[i].len };
		at = ps.p[i].off + ps.p[i].len;
	}
	if (at < plan->elf_size)
		iov[n++] = (struct iovec){ (void *)(sf_obj_image(plan->obj) + at),
					   plan->elf_size - at };
	err = tmp ? symfence_write_temp_iov(ctx, path, iov, n, mode, tmp)
		  : symfence_write_atomic_iov(ctx, path, iov, n, mode);
	free(iov);
	sf_patches_free(&ps);
	return err;
}

int symfence_plan_write(struct symfence_ctx *ctx, const struct symfence_plan *plan,
			const char *path, unsigned int mode)
{
	return plan_write(ctx, plan, path, mode, NULL);
}

int symfence_plan_write_temp(struct symfence_ctx *ctx, const struct symfence_plan *plan,
			     const char *path, unsigned int mode, char **tmp)
{
	*tmp = NULL;
	return plan_write(ctx, plan, path, mode, tmp);
}
