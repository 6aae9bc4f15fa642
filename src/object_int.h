/* SPDX-License-Identifier: GPL-2.0-only */
/* The object's layout, shared by the library files that patch or scan it. */
#ifndef SYMFENCE_OBJECT_INT_H
#define SYMFENCE_OBJECT_INT_H

#include <gelf.h>
#include <stdbool.h>
#include <sys/types.h>

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

/* Offset (and width) of r_info in a REL or RELA entry: the same in both. */
static inline size_t sf_rel_info_off(const struct symfence_object *obj)
{
	return obj->cls == ELFCLASS32 ? 4 : 8;
}

#endif
