/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The object's layout and the library's internal accessors to it, for the
 * files that patch or scan it (localize.c, audit.c). They are inline because
 * they run in the loops over every section, symbol and relocation; the
 * callers have checked their indices. The public accessors (symfence/object.h)
 * are these, out of line and range-checked.
 *
 * Raw bytes of the file are read and written only through sf_field_get() and
 * sf_field_put(), which name the field as <elf.h> does, and relocations only
 * through sf_obj_rel(): no numeric offset of an ELF field anywhere else.
 */
#ifndef SYMFENCE_OBJECT_INT_H
#define SYMFENCE_OBJECT_INT_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "internal.h"

struct sf_section {
	GElf_Shdr shdr;
	Elf_Scn *scn;
	const char *name;
};

struct symfence_object {
	char *name;
	const unsigned char *image; /* the file's bytes: a read-only mapping or a buffer */
	size_t size;
	void *owned; /* malloc'd image to free, or NULL */
	bool mapped; /* image is our mmap */
	mode_t mode; /* permission bits of the file, 0 for memory */
	Elf *elf;
	GElf_Ehdr ehdr;
	int cls;  /* ELFCLASS32 or ELFCLASS64 */
	bool msb; /* big endian */
	size_t shnum, shstrndx;
	struct sf_section *sec;		     /* [shnum]; slot 0 is SHN_UNDEF */
	size_t symtab, symtab_shndx, strtab; /* section indices, 0 when absent */
	size_t nsyms;
	Elf_Data *symdata, *shndxdata;
	const char *strs; /* symbol string table, NUL-terminated at strsize - 1 */
	size_t strsize;
};

/* ---- the object ---- */

static inline const char *sf_obj_name(const struct symfence_object *obj)
{
	return obj->name;
}

static inline const GElf_Ehdr *sf_obj_ehdr(const struct symfence_object *obj)
{
	return &obj->ehdr;
}

static inline bool sf_obj_is64(const struct symfence_object *obj)
{
	return obj->cls == ELFCLASS64;
}

static inline bool sf_obj_msb(const struct symfence_object *obj)
{
	return obj->msb;
}

/* The file's bytes (never written: possibly a read-only mapping), and how many. */
static inline const unsigned char *sf_obj_image(const struct symfence_object *obj)
{
	return obj->image;
}

static inline size_t sf_obj_size(const struct symfence_object *obj)
{
	return obj->size;
}

/* ---- sections (i < shnum) ---- */

static inline size_t sf_obj_shnum(const struct symfence_object *obj)
{
	return obj->shnum;
}

static inline const GElf_Shdr *sf_obj_shdr(const struct symfence_object *obj, size_t i)
{
	return &obj->sec[i].shdr;
}

static inline const char *sf_obj_secname(const struct symfence_object *obj, size_t i)
{
	return obj->sec[i].name;
}

/* Where section header i lies in the file (i == shnum: where the table ends). */
static inline uint64_t sf_obj_shdr_offset(const struct symfence_object *obj, size_t i)
{
	return obj->ehdr.e_shoff + (uint64_t)i * obj->ehdr.e_shentsize;
}

/* ---- the symbol table (symfence_object_sym() reads a symbol) ---- */

/* Section indices of .symtab and .symtab_shndx, 0 when absent. */
static inline size_t sf_obj_symtab(const struct symfence_object *obj)
{
	return obj->symtab;
}

static inline size_t sf_obj_symtab_shndx(const struct symfence_object *obj)
{
	return obj->symtab_shndx;
}

static inline size_t sf_obj_nsyms(const struct symfence_object *obj)
{
	return obj->nsyms;
}

/* ---- raw fields, as libkmod's elf reader names them ---- */

/*
 * The offset and width of a field of an ELF structure in obj's class:
 * sf_field_off(obj, Shdr, sh_info) is offsetof(Elf64_Shdr, sh_info) for an
 * ELF64 object, offsetof(Elf32_Shdr, sh_info) for an ELF32 one.
 */
#define sf_field_off(obj, type, field)                                                             \
	(sf_obj_is64(obj) ? offsetof(Elf64_##type, field) : offsetof(Elf32_##type, field))
#define sf_field_size(obj, type, field)                                                            \
	(sf_obj_is64(obj) ? sizeof(((Elf64_##type *)0)->field) : sizeof(((Elf32_##type *)0)->field))
/* The size of the structure in obj's class. */
#define sf_struct_size(obj, type) (sf_obj_is64(obj) ? sizeof(Elf64_##type) : sizeof(Elf32_##type))

/* The field of the structure of that type at p, read or written in obj's byte order. */
#define sf_field_get(obj, p, type, field)                                                          \
	sf_get((p) + sf_field_off(obj, type, field), sf_field_size(obj, type, field),              \
	       sf_obj_msb(obj))
#define sf_field_put(obj, p, type, field, v)                                                       \
	sf_put((p) + sf_field_off(obj, type, field), sf_field_size(obj, type, field), (v),         \
	       sf_obj_msb(obj))

/* ---- relocations ---- */

/* One relocation entry, decoded. */
struct sf_rel {
	uint64_t offset; /* r_offset */
	size_t sym;	 /* symbol index */
	uint32_t type;
	int64_t addend; /* r_addend; 0 for SHT_REL, whose addend is in the bytes relocated */
};

/* r_info: the one place it is decoded and encoded (<elf.h>'s ELF32_R_* and ELF64_R_*). */
static inline size_t sf_r_sym(const struct symfence_object *obj, uint64_t info)
{
	return sf_obj_is64(obj) ? (size_t)ELF64_R_SYM(info) : (size_t)ELF32_R_SYM(info);
}

static inline uint32_t sf_r_type(const struct symfence_object *obj, uint64_t info)
{
	return sf_obj_is64(obj) ? (uint32_t)ELF64_R_TYPE(info) : (uint32_t)ELF32_R_TYPE(info);
}

static inline uint64_t sf_r_info(const struct symfence_object *obj, uint64_t sym, uint32_t type)
{
	return sf_obj_is64(obj) ? (uint64_t)ELF64_R_INFO(sym, type)
				: (uint64_t)ELF32_R_INFO(sym, type);
}

/*
 * The relocation entry at p, an SHT_RELA entry when rela, else SHT_REL, in
 * obj's class and byte order. p may point into another image than obj's (a
 * rewritten copy).
 */
static inline void sf_rel_decode(const struct symfence_object *obj, const unsigned char *p,
				 bool rela, struct sf_rel *r)
{
	uint64_t info = sf_field_get(obj, p, Rel, r_info);

	r->offset = sf_field_get(obj, p, Rel, r_offset);
	r->sym = sf_r_sym(obj, info);
	r->type = sf_r_type(obj, info);
	r->addend = 0;
	if (rela)
		r->addend = sf_obj_is64(obj) ? (int64_t)sf_field_get(obj, p, Rela, r_addend)
					     : (int32_t)sf_field_get(obj, p, Rela, r_addend);
}

/* Rewrites the symbol and type of the relocation entry at p (a copy, never obj's image). */
static inline void sf_rel_set_info(const struct symfence_object *obj, unsigned char *p, size_t sym,
				   uint32_t type)
{
	sf_field_put(obj, p, Rel, r_info, sf_r_info(obj, sym, type));
}

/* The number of entries of relocation section i. */
static inline size_t sf_obj_nrels(const struct symfence_object *obj, size_t i)
{
	const GElf_Shdr *sh = &obj->sec[i].shdr;

	return sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
}

/*
 * Relocation j of section i, SHT_REL or SHT_RELA, read from the file's bytes:
 * ELF32 and ELF64, either byte order. Its entry size and the symbol index of
 * every entry are checked by symfence_object_check_relocs() (the offsets at open).
 */
static inline void sf_obj_rel(const struct symfence_object *obj, size_t i, size_t j,
			      struct sf_rel *r)
{
	const GElf_Shdr *sh = &obj->sec[i].shdr;

	sf_rel_decode(obj, obj->image + sh->sh_offset + j * sh->sh_entsize, sh->sh_type == SHT_RELA,
		      r);
}

#endif
