// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ELF access layer: open an object (file or memory), validate the parts
 * every command relies on (headers, section table, section names, the symbol
 * table and its strings), and give index-based access where index == ELF
 * section or symbol index, with SHN_XINDEX resolved in one place.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <symfence/object.h>

#include "input.h"
#include "internal.h"
#include "object_int.h"

static int sf_libelf_init(struct symfence_ctx *ctx)
{
	static int done;

	if (done)
		return 0;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		symfence_error(ctx, NULL, "libelf is out of date: %s", elf_errmsg(-1));
		return -EINVAL;
	}
	done = 1;
	return 0;
}

bool symfence_sym_in_section(const GElf_Sym *sym)
{
	return sym->st_shndx != SHN_UNDEF &&
	       (sym->st_shndx < SHN_LORESERVE || sym->st_shndx == SHN_XINDEX);
}

/* What inputs that are not ELF, but that users do hand us, are (told by input.c's magics). */
static const char *sf_not_elf_kind(const unsigned char *p, size_t size)
{
	switch (sf_file_kind_of(p, size)) {
	case SF_FILE_BITCODE:
		return "LLVM bitcode, not an ELF object (built with -flto? seal after LTO or without it)";
	case SF_FILE_BITCODE_WRAPPER:
		return "LLVM bitcode wrapper, not an ELF object (built with -flto?)";
	case SF_FILE_AR:
		return "an ar archive, not an object (pass its members, or use 'symfence audit')";
	case SF_FILE_THIN_AR:
		return "a thin archive, not an object (use 'symfence audit')";
	case SF_FILE_XZ:
		return "xz-compressed; decompress it first, or use 'symfence audit'";
	case SF_FILE_ZSTD:
		return "zstd-compressed; decompress it first, or use 'symfence audit'";
	case SF_FILE_GZIP:
		return "gzip-compressed; decompress it first, or use 'symfence audit'";
	case SF_FILE_ELF: /* too short to be one */
	case SF_FILE_UNKNOWN:
		break;
	}
	return "not an ELF file";
}

static int sf_load_sections(struct symfence_ctx *ctx, struct symfence_object *obj)
{
	const char *name = obj->name;
	Elf_Scn *scn = NULL;
	size_t i, entsize;
	Elf_Data *d;

	if (elf_getshdrnum(obj->elf, &obj->shnum))
		return sf_elf_error(ctx, name, "elf_getshdrnum");
	if (obj->shnum == 0)
		return sf_malformed(ctx, name, "object has no section header table");
	/*
	 * With extended numbering elf_getshdrstrndx() reads section 0's sh_link;
	 * for a foreign-endian image in memory it would pread() from a file
	 * descriptor it does not have, unless the section headers are loaded.
	 */
	if (!gelf_getshdr(elf_getscn(obj->elf, 0), &(GElf_Shdr){ 0 }))
		return sf_elf_error(ctx, name, "gelf_getshdr");
	if (elf_getshdrstrndx(obj->elf, &obj->shstrndx))
		return sf_elf_error(ctx, name, "elf_getshdrstrndx");
	if (obj->shstrndx == SHN_UNDEF || obj->shstrndx >= obj->shnum)
		return sf_malformed(ctx, name, "section name table index %zu is out of range",
				    obj->shstrndx);

	obj->sec = sf_xcalloc(obj->shnum, sizeof(*obj->sec));
	if (!obj->sec)
		return symfence_error(ctx, name, "out of memory for %zu sections", obj->shnum),
		       -ENOMEM;

	for (i = 0; (scn = elf_nextscn(obj->elf, scn)) != NULL; i++) {
		size_t idx = elf_ndxscn(scn);
		struct sf_section *s;

		if (idx == SHN_UNDEF || idx >= obj->shnum)
			return sf_malformed(ctx, name, "section index %zu is out of range", idx);
		s = &obj->sec[idx];
		s->scn = scn;
		if (!gelf_getshdr(scn, &s->shdr))
			return sf_elf_error(ctx, name, "gelf_getshdr");
		if (s->shdr.sh_type != SHT_NOBITS &&
		    (s->shdr.sh_offset > obj->size ||
		     obj->size - s->shdr.sh_offset < s->shdr.sh_size))
			return sf_malformed(
				ctx, name,
				"section %zu lies outside the file (offset 0x%llx, size 0x%llx, file size 0x%zx)",
				idx, (unsigned long long)s->shdr.sh_offset,
				(unsigned long long)s->shdr.sh_size, obj->size);
		if (s->shdr.sh_link >= obj->shnum)
			return sf_malformed(ctx, name,
					    "section %zu links to section %u, which does not exist",
					    idx, s->shdr.sh_link);
	}
	/* Section 0 must be SHT_NULL (its other fields are tolerated: tools leave junk there). */
	{
		Elf_Scn *zero = elf_getscn(obj->elf, 0);
		GElf_Shdr z;

		if (!zero || !gelf_getshdr(zero, &z))
			return sf_elf_error(ctx, name, "gelf_getshdr");
		if (z.sh_type != SHT_NULL)
			return sf_malformed(ctx, name, "section 0 has type 0x%x, not SHT_NULL",
					    z.sh_type);
	}
	if (i + 1 != obj->shnum)
		return sf_malformed(ctx, name, "section table has %zu entries, the header says %zu",
				    i + 1, obj->shnum);

	/* Section names: a string table whose last byte ends the last string. */
	if (obj->sec[obj->shstrndx].shdr.sh_type != SHT_STRTAB)
		return sf_malformed(ctx, name,
				    "section name table (section %zu) is not a string table",
				    obj->shstrndx);
	d = elf_getdata(obj->sec[obj->shstrndx].scn, NULL);
	if (!d)
		return sf_elf_error(ctx, name, "elf_getdata");
	if (!d->d_buf || d->d_size == 0 || ((const char *)d->d_buf)[d->d_size - 1] != '\0')
		return sf_malformed(ctx, name, "section name table is empty or not NUL-terminated");
	for (i = 1; i < obj->shnum; i++) {
		if (obj->sec[i].shdr.sh_name >= d->d_size)
			return sf_malformed(
				ctx, name,
				"section %zu has a name offset outside the section name table", i);
		obj->sec[i].name = (const char *)d->d_buf + obj->sec[i].shdr.sh_name;
	}
	obj->sec[0].name = "";

	/* The symbol table: at most one, well formed. */
	for (i = 1; i < obj->shnum; i++) {
		if (obj->sec[i].shdr.sh_type != SHT_SYMTAB)
			continue;
		if (obj->symtab)
			return sf_malformed(ctx, name,
					    "more than one symbol table (sections %zu and %zu)",
					    obj->symtab, i);
		obj->symtab = i;
	}
	if (!obj->symtab)
		return 0;

	entsize = gelf_fsize(obj->elf, ELF_T_SYM, 1, EV_CURRENT);
	if (obj->sec[obj->symtab].shdr.sh_entsize != entsize ||
	    obj->sec[obj->symtab].shdr.sh_size % entsize)
		return sf_malformed(
			ctx, name,
			"symbol table has entry size %llu and size %llu, expected entries of %zu bytes",
			(unsigned long long)obj->sec[obj->symtab].shdr.sh_entsize,
			(unsigned long long)obj->sec[obj->symtab].shdr.sh_size, entsize);
	if (obj->sec[obj->symtab].shdr.sh_flags & SHF_COMPRESSED)
		return sf_malformed(ctx, name, "symbol table is compressed (SHF_COMPRESSED)");
	obj->nsyms = obj->sec[obj->symtab].shdr.sh_size / entsize;
	obj->symdata = elf_getdata(obj->sec[obj->symtab].scn, NULL);
	if (!obj->symdata)
		return sf_elf_error(ctx, name, "elf_getdata");
	if (obj->sec[obj->symtab].shdr.sh_info > obj->nsyms)
		return sf_malformed(ctx, name, "symbol table sh_info %u is beyond its %zu symbols",
				    obj->sec[obj->symtab].shdr.sh_info, obj->nsyms);

	obj->strtab = obj->sec[obj->symtab].shdr.sh_link;
	if (!obj->strtab || obj->sec[obj->strtab].shdr.sh_type != SHT_STRTAB)
		return sf_malformed(ctx, name, "symbol table is not linked to a string table");
	d = elf_getdata(obj->sec[obj->strtab].scn, NULL);
	if (!d)
		return sf_elf_error(ctx, name, "elf_getdata");
	if (!d->d_buf || d->d_size == 0 || ((const char *)d->d_buf)[d->d_size - 1] != '\0')
		return sf_malformed(ctx, name,
				    "symbol string table is empty or not NUL-terminated");
	obj->strs = d->d_buf;
	obj->strsize = d->d_size;

	for (i = 1; i < obj->shnum; i++) {
		const GElf_Shdr *sh = &obj->sec[i].shdr;

		if (sh->sh_type != SHT_SYMTAB_SHNDX || sh->sh_link != obj->symtab)
			continue;
		if (obj->symtab_shndx)
			return sf_malformed(ctx, name,
					    "more than one extended section index table");
		if (sh->sh_size != obj->nsyms * sizeof(Elf32_Word))
			return sf_malformed(
				ctx, name,
				"extended section index table has %llu bytes for %zu symbols",
				(unsigned long long)sh->sh_size, obj->nsyms);
		obj->symtab_shndx = i;
		obj->shndxdata = elf_getdata(obj->sec[i].scn, NULL);
		if (!obj->shndxdata)
			return sf_elf_error(ctx, name, "elf_getdata");
	}
	return 0;
}

struct sf_extent {
	uint64_t off, end;
	size_t idx; /* section index; 0: the ELF header, SIZE_MAX: the section header table */
};

/*
 * Sorts by offset in linear time (LSD radix, 11-bit digits, as many passes as
 * the file size needs): ld -r puts the relocation sections after the code they
 * apply to while the header table interleaves them, and qsort() of 320,000
 * sections would cost more than the rest of opening the object.
 */
static int sf_sort_extents(struct sf_extent *ext, size_t n, uint64_t max)
{
	struct sf_extent *tmp = malloc(n * sizeof(*tmp)), *src = ext, *dst = tmp, *t;
	unsigned int shift;
	size_t i;

	if (n < 64) { /* a module's few sections: insertion sort beats clearing buckets */
		for (i = 1; i < n; i++) {
			struct sf_extent e = ext[i];
			size_t j = i;

			for (; j > 0 && ext[j - 1].off > e.off; j--)
				ext[j] = ext[j - 1];
			ext[j] = e;
		}
		free(tmp);
		return 0;
	}
	if (!tmp)
		return -ENOMEM;
	for (shift = 0; shift < 64 && (max >> shift); shift += 11) {
		size_t count[2048] = { 0 }, sum = 0, c;

		for (i = 0; i < n; i++)
			count[(src[i].off >> shift) & 2047]++;
		for (i = 0; i < 2048; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i].off >> shift) & 2047]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != ext)
		memcpy(ext, src, n * sizeof(*ext));
	free(tmp);
	return 0;
}

static const char *sf_extent_name(const struct symfence_object *obj, const struct sf_extent *e,
				  char *buf, size_t size)
{
	if (e->idx == 0)
		return "the ELF header";
	if (e->idx == SIZE_MAX)
		return "the section header table";
	snprintf(buf, size, "section %zu '%s'", e->idx, obj->sec[e->idx].name);
	return buf;
}

/*
 * No two sections with contents may share bytes, nor share them with the ELF
 * header or the section header table: a rewrite of one would change another.
 * Objects are almost always laid out in header order, so sorting is rarely needed.
 */
static int sf_check_layout(struct symfence_ctx *ctx, struct symfence_object *obj)
{
	struct sf_extent *ext;
	size_t i, n = 0;
	bool sorted = true;
	int err = 0;

	ext = sf_xcalloc(obj->shnum + 1, sizeof(*ext));
	if (!ext)
		return symfence_error(ctx, obj->name, "out of memory"), -ENOMEM;
	ext[n++] = (struct sf_extent){ 0, obj->ehdr.e_ehsize, 0 };
	for (i = 1; i < obj->shnum; i++) {
		const GElf_Shdr *sh = &obj->sec[i].shdr;

		if (sh->sh_type == SHT_NOBITS || sh->sh_size == 0)
			continue;
		ext[n] = (struct sf_extent){ sh->sh_offset, sh->sh_offset + sh->sh_size, i };
		sorted = sorted && ext[n].off >= ext[n - 1].off;
		n++;
	}
	if (!sorted && sf_sort_extents(ext, n, obj->size)) {
		free(ext);
		return symfence_error(ctx, obj->name, "out of memory"), -ENOMEM;
	}
	for (i = 1; i < n && !err; i++)
		if (ext[i].off < ext[i - 1].end) {
			char a[128], b[128];

			err = sf_malformed(ctx, obj->name, "%s and %s overlap (at offset 0x%llx)",
					   sf_extent_name(obj, &ext[i - 1], a, sizeof(a)),
					   sf_extent_name(obj, &ext[i], b, sizeof(b)),
					   (unsigned long long)ext[i].off);
		}
	/* The section header table against every extent: one pass, no sort needed. */
	if (!err && obj->ehdr.e_shoff) {
		struct sf_extent t = { obj->ehdr.e_shoff,
				       obj->ehdr.e_shoff +
					       (uint64_t)obj->shnum * obj->ehdr.e_shentsize,
				       SIZE_MAX };

		if (t.end > obj->size)
			err = sf_malformed(
				ctx, obj->name,
				"the section header table lies outside the file (offset 0x%llx, %zu entries of %u bytes, file size 0x%zx)",
				(unsigned long long)t.off, obj->shnum, obj->ehdr.e_shentsize,
				obj->size);
		for (i = 0; i < n && !err; i++)
			if (ext[i].off < t.end && t.off < ext[i].end) {
				char a[128], b[128];

				err = sf_malformed(
					ctx, obj->name, "%s and %s overlap (at offset 0x%llx)",
					sf_extent_name(obj, &ext[i], a, sizeof(a)),
					sf_extent_name(obj, &t, b, sizeof(b)),
					(unsigned long long)(ext[i].off > t.off ? ext[i].off
										: t.off));
			}
	}
	free(ext);
	return err;
}

/* Every symbol's name and section index must be in range; checked once here. */
static int sf_check_symbols(struct symfence_ctx *ctx, struct symfence_object *obj)
{
	size_t i;

	for (i = 0; i < obj->nsyms; i++) {
		GElf_Sym sym;
		Elf32_Word shndx;

		if (!gelf_getsym(obj->symdata, (int)i, &sym))
			return sf_elf_error(ctx, obj->name, "gelf_getsym");
		if (sym.st_name >= obj->strsize)
			return sf_malformed(ctx, obj->name,
					    "symbol %zu has a name offset outside the string table",
					    i);
		shndx = sym.st_shndx;
		if (shndx == SHN_XINDEX) {
			if (!obj->shndxdata)
				return sf_malformed(
					ctx, obj->name,
					"symbol %zu uses SHN_XINDEX but the object has no .symtab_shndx",
					i);
			shndx = ((const Elf32_Word *)obj->shndxdata->d_buf)[i];
			if (shndx == SHN_UNDEF || shndx >= obj->shnum)
				return sf_malformed(
					ctx, obj->name,
					"symbol %zu has extended section index %u, beyond the %zu sections",
					i, shndx, obj->shnum);
		} else if (shndx < SHN_LORESERVE && shndx >= obj->shnum) {
			return sf_malformed(
				ctx, obj->name,
				"symbol %zu has section index %u, beyond the %zu sections", i,
				shndx, obj->shnum);
		}
	}
	return 0;
}

/*
 * The ELF header's own fields, read before libelf sees the file: libelf
 * refuses a truncated header as "invalid ELF file data" and takes a section
 * header table beyond the end of the file for no table at all.
 */
static int sf_check_ehdr(struct symfence_ctx *ctx, const struct symfence_object *obj)
{
	const unsigned char *p = obj->image;
	size_t ehsize = sf_struct_size(obj, Ehdr), shsize = sf_struct_size(obj, Shdr);
	uint64_t shoff, shentsize, shnum;

	if (obj->size < ehsize)
		return sf_malformed(
			ctx, obj->name,
			"the ELF header is truncated: the file has %zu bytes, an ELF%d header %zu",
			obj->size, sf_obj_is64(obj) ? 64 : 32, ehsize);
	shoff = sf_field_get(obj, p, Ehdr, e_shoff);
	shentsize = sf_field_get(obj, p, Ehdr, e_shentsize);
	shnum = sf_field_get(obj, p, Ehdr, e_shnum);
	if (!shoff)
		return 0; /* no table: said once the sections are counted */
	if (shentsize != shsize)
		return sf_malformed(ctx, obj->name,
				    "section header size %u is wrong for this ELF class",
				    (unsigned int)shentsize);
	/* With extended numbering (e_shnum 0) section 0 must be there to say how many. */
	if (shoff > obj->size || (shnum ? shnum : 1) * shsize > obj->size - shoff)
		return sf_malformed(
			ctx, obj->name,
			"the section header table lies outside the file (offset 0x%llx, %llu entries of %zu bytes, file size 0x%zx)",
			(unsigned long long)shoff, (unsigned long long)(shnum ? shnum : 1), shsize,
			obj->size);
	return 0;
}

static int sf_object_init(struct symfence_ctx *ctx, struct symfence_object *obj)
{
	const unsigned char *p = obj->image;
	int err;

	err = sf_libelf_init(ctx);
	if (err)
		return err;
	if (obj->size < EI_NIDENT || memcmp(p, ELFMAG, SELFMAG))
		return sf_malformed(ctx, obj->name, "%s", sf_not_elf_kind(p, obj->size));
	if (p[EI_CLASS] != ELFCLASS32 && p[EI_CLASS] != ELFCLASS64)
		return sf_malformed(ctx, obj->name, "unknown ELF class %u", p[EI_CLASS]);
	if (p[EI_DATA] != ELFDATA2LSB && p[EI_DATA] != ELFDATA2MSB)
		return sf_malformed(ctx, obj->name, "unknown ELF data encoding %u", p[EI_DATA]);
	if (p[EI_VERSION] != EV_CURRENT)
		return sf_malformed(ctx, obj->name, "unknown ELF version %u", p[EI_VERSION]);
	obj->cls = p[EI_CLASS];
	obj->msb = p[EI_DATA] == ELFDATA2MSB;
	err = sf_check_ehdr(ctx, obj);
	if (err)
		return err;

	obj->elf = elf_memory((char *)obj->image, obj->size);
	if (!obj->elf)
		return sf_elf_error(ctx, obj->name, "elf_memory");
	if (elf_kind(obj->elf) != ELF_K_ELF)
		return sf_malformed(ctx, obj->name, "not an ELF file");
	if (!gelf_getehdr(obj->elf, &obj->ehdr))
		return sf_elf_error(ctx, obj->name, "gelf_getehdr");

	err = sf_load_sections(ctx, obj);
	if (!err)
		err = sf_check_layout(ctx, obj);
	return err ? err : sf_check_symbols(ctx, obj);
}

int symfence_object_open_mem(struct symfence_ctx *ctx, const char *name, void *buf, size_t size,
			     bool take, struct symfence_object **out)
{
	struct symfence_object *obj;
	int err;

	*out = NULL;
	obj = calloc(1, sizeof(*obj));
	if (!obj || !(obj->name = strdup(name))) {
		free(obj);
		if (take)
			free(buf);
		symfence_error(ctx, name, "out of memory");
		return -ENOMEM;
	}
	obj->image = buf;
	obj->size = size;
	obj->owned = take ? buf : NULL;
	err = sf_object_init(ctx, obj);
	if (err) {
		symfence_object_free(obj);
		return err;
	}
	*out = obj;
	return 0;
}

int symfence_object_open(struct symfence_ctx *ctx, const char *path, struct symfence_object **out)
{
	return symfence_object_open_named(ctx, path, path, out);
}

int sf_map_file(struct symfence_ctx *ctx, const char *path, const unsigned char **p, size_t *size,
		unsigned int *mode)
{
	struct stat st;
	void *map;
	int fd, err;

	*p = NULL;
	*size = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block us */
	if (fd < 0) {
		err = -errno;
		symfence_error(ctx, path, "cannot open: %s", strerror(errno));
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		symfence_error(ctx, path, "cannot stat: %s", strerror(errno));
		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		symfence_error(ctx, path,
			       S_ISREG(st.st_mode) ? "empty file" : "not a regular file");
		close(fd);
		return -EINVAL;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		err = -errno;
		symfence_error(ctx, path, "cannot map: %s", strerror(errno));
		return err;
	}
	*p = map;
	*size = (size_t)st.st_size;
	if (mode)
		*mode = st.st_mode & 07777;
	return 0;
}

int symfence_object_open_named(struct symfence_ctx *ctx, const char *path, const char *name,
			       struct symfence_object **out)
{
	struct symfence_object *obj = NULL;
	const unsigned char *map;
	unsigned int mode;
	size_t size;
	int err;

	*out = NULL;
	err = sf_map_file(ctx, path, &map, &size, &mode);
	if (err)
		return err;
	err = symfence_object_open_mem(ctx, name, (void *)map, size, false, &obj);
	if (err) {
		munmap((void *)map, size);
		return err;
	}
	obj->mapped = true;
	obj->mode = mode;
	*out = obj;
	return 0;
}

void symfence_object_free(struct symfence_object *obj)
{
	if (!obj)
		return;
	if (obj->elf)
		elf_end(obj->elf);
	if (obj->mapped)
		munmap((void *)obj->image, obj->size);
	free(obj->owned);
	free(obj->sec);
	free(obj->name);
	free(obj);
}

const char *symfence_object_name(const struct symfence_object *obj)
{
	return sf_obj_name(obj);
}

Elf *symfence_object_elf(const struct symfence_object *obj)
{
	return obj->elf;
}

unsigned int symfence_object_mode(const struct symfence_object *obj)
{
	return obj->mode;
}

const unsigned char *symfence_object_image(const struct symfence_object *obj, size_t *size)
{
	if (size)
		*size = sf_obj_size(obj);
	return sf_obj_image(obj);
}

size_t symfence_object_shnum(const struct symfence_object *obj)
{
	return sf_obj_shnum(obj);
}

const GElf_Shdr *symfence_object_shdr(const struct symfence_object *obj, size_t i)
{
	return i < sf_obj_shnum(obj) ? sf_obj_shdr(obj, i) : NULL;
}

const char *symfence_object_secname(const struct symfence_object *obj, size_t i)
{
	return i < sf_obj_shnum(obj) ? sf_obj_secname(obj, i) : "";
}

size_t symfence_object_symtab(const struct symfence_object *obj)
{
	return sf_obj_symtab(obj);
}

size_t symfence_object_nsyms(const struct symfence_object *obj)
{
	return sf_obj_nsyms(obj);
}

int symfence_object_sym(const struct symfence_object *obj, size_t i, GElf_Sym *sym,
			Elf32_Word *shndx, const char **name)
{
	GElf_Sym tmp;

	if (i >= obj->nsyms)
		return -ERANGE;
	if (!sym)
		sym = &tmp;
	if (!gelf_getsym(obj->symdata, (int)i, sym))
		return -ERANGE;
	if (shndx)
		*shndx = sym->st_shndx == SHN_XINDEX
				 ? ((const Elf32_Word *)obj->shndxdata->d_buf)[i]
				 : sym->st_shndx;
	if (name)
		*name = obj->strs + sym->st_name;
	return 0;
}

int symfence_object_check_relocs(struct symfence_ctx *ctx, const struct symfence_object *obj,
				 size_t i)
{
	const GElf_Shdr *sh = &obj->sec[i].shdr;
	const char *secname = obj->sec[i].name;
	size_t es, n, j;

	es = gelf_fsize(obj->elf, sh->sh_type == SHT_REL ? ELF_T_REL : ELF_T_RELA, 1, EV_CURRENT);
	if (!obj->symtab || sh->sh_link != obj->symtab)
		return sf_malformed(ctx, obj->name,
				    "relocation section '%s' is not linked to the symbol table",
				    secname);
	if (sh->sh_entsize != es || sh->sh_size % es)
		return sf_malformed(ctx, obj->name,
				    "relocation section '%s' has entry size %llu, expected %zu",
				    secname, (unsigned long long)sh->sh_entsize, es);
	if (sh->sh_info == 0 || sh->sh_info >= obj->shnum)
		return sf_malformed(
			ctx, obj->name,
			"relocation section '%s' applies to section %u, which does not exist",
			secname, sh->sh_info);
	if (sh->sh_flags & SHF_COMPRESSED)
		return sf_malformed(
			ctx, obj->name,
			"section '%s' is compressed (SHF_COMPRESSED); decompress the object first (objcopy --decompress-debug-sections)",
			secname);
	/* Read raw: libelf's per-section setup costs more than the entries when every
	 * function has its own section. Offsets were validated at open. */
	n = sf_obj_nrels(obj, i);
	for (j = 0; j < n; j++) {
		struct sf_rel r;

		sf_obj_rel(obj, i, j, &r);
		if (r.sym >= obj->nsyms)
			return sf_malformed(
				ctx, obj->name,
				"relocation %zu of '%s' names symbol %zu, beyond the %zu symbols",
				j, secname, r.sym, obj->nsyms);
	}
	return 0;
}

Elf_Data *symfence_object_data(struct symfence_ctx *ctx, struct symfence_object *obj, size_t i)
{
	Elf_Data *d;

	if (i == 0 || i >= obj->shnum) {
		symfence_error(ctx, obj->name, "section index %zu is out of range", i);
		return NULL;
	}
	d = elf_getdata(obj->sec[i].scn, NULL);
	if (!d)
		(void)sf_elf_error(ctx, obj->name, "elf_getdata");
	return d;
}
