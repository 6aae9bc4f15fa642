/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Read access to one ELF relocatable object (a .o or a .ko) through libelf.
 * The object owns its mapping (or buffer) and its libelf handle; section
 * arrays are indexed by ELF section index (slot 0 is SHN_UNDEF), and the one
 * symbol accessor understands SHN_XINDEX.
 */
#ifndef SYMFENCE_OBJECT_H
#define SYMFENCE_OBJECT_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>

#include <symfence/diag.h>

struct symfence_object;

/*
 * Opens path read-only (mmap). The headers, the section table, the symbol
 * table and its string table are validated; on failure an error naming the
 * file has been reported and a negative errno is returned.
 */
int symfence_object_open(struct symfence_ctx *ctx, const char *path, struct symfence_object **out);

/* The same, with diagnostics naming the object name rather than path (seal's ld -r output). */
int symfence_object_open_named(struct symfence_ctx *ctx, const char *path, const char *name,
			       struct symfence_object **out);

/*
 * The same on bytes in memory (a decompressed module, an archive member).
 * name is used in diagnostics. With take, the object owns buf (malloc'd) and
 * frees it; otherwise buf must outlive the object.
 */
int symfence_object_open_mem(struct symfence_ctx *ctx, const char *name, void *buf, size_t size,
			     bool take, struct symfence_object **out);

void symfence_object_free(struct symfence_object *obj);

const char *symfence_object_name(const struct symfence_object *obj);
Elf *symfence_object_elf(const struct symfence_object *obj);
/* Permission bits of the file it was opened from (0 for memory). */
unsigned int symfence_object_mode(const struct symfence_object *obj);
const unsigned char *symfence_object_image(const struct symfence_object *obj, size_t *size);

/* Number of sections including slot 0 (extended numbering resolved). */
size_t symfence_object_shnum(const struct symfence_object *obj);
/* Section header of index i (i < shnum), NULL for an invalid index. */
const GElf_Shdr *symfence_object_shdr(const struct symfence_object *obj, size_t i);
const char *symfence_object_secname(const struct symfence_object *obj, size_t i);
/* Index of .symtab, 0 when the object has none. */
size_t symfence_object_symtab(const struct symfence_object *obj);
size_t symfence_object_nsyms(const struct symfence_object *obj);

/*
 * Symbol i: *sym gets the entry, *shndx (may be NULL) the real section index
 * (st_shndx, or the .symtab_shndx entry when st_shndx is SHN_XINDEX; test
 * symfence_sym_in_section() before using it as a section index), and
 * *name (may be NULL) its name ("" when it has none). Returns 0, or -ERANGE.
 */
int symfence_object_sym(const struct symfence_object *obj, size_t i, GElf_Sym *sym,
			Elf32_Word *shndx, const char **name);

/*
 * Checks relocation section i (SHT_REL or SHT_RELA): linked to the symbol
 * table, the right entry size, an existing target section, every symbol index
 * in range. Reports what is wrong and returns -EINVAL; 0 when it is sound.
 */
int symfence_object_check_relocs(struct symfence_ctx *ctx, const struct symfence_object *obj,
				 size_t i);

/* The section's data as libelf converted it, NULL with an error reported. */
Elf_Data *symfence_object_data(struct symfence_ctx *ctx, struct symfence_object *obj, size_t i);

/*
 * True when sym is defined in a real section: not SHN_UNDEF and not a special
 * index (SHN_ABS, SHN_COMMON, SHN_LIVEPATCH, ...). Judged from the raw
 * st_shndx: with extended numbering a real section index may be >= 0xff00.
 */
bool symfence_sym_in_section(const GElf_Sym *sym);

#endif
