// SPDX-License-Identifier: GPL-2.0-only
/*
 * What vmlinux defines (symfence audit --vmlinux FILE), for the audit-only
 * libraries with public patterns: every global vmlinux defines that no public
 * pattern matches is private. Three forms are read, told apart by their
 * contents:
 *
 *   an ELF vmlinux or vmlinux.o  its defined global and weak symbols
 *   a System.map                 "ADDRESS TYPE NAME" (nm -n, as scripts/mksysmap
 *                                writes it): the global types (upper case but U
 *                                and N, and u)
 *   a Module.symvers             "CRC<TAB>NAME<TAB>MODULE<TAB>EXPORT[<TAB>NS]": the
 *                                names whose module is vmlinux
 */
#include <ctype.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <symfence/audit.h>
#include <symfence/object.h>

#include "audit_int.h"
#include "internal.h"

enum map_kind { MAP_SYSTEM_MAP, MAP_SYMVERS };

/* The fields of one line, split at blanks (System.map) or tabs (Module.symvers). */
static size_t split(const char *p, size_t len, bool tabs, const char **f, size_t *flen, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len && n < max + 1) {
		size_t start;

		if (!tabs)
			while (i < len && (p[i] == ' ' || p[i] == '\t'))
				i++;
		if (i == len)
			break;
		start = i;
		while (i < len && (tabs ? p[i] != '\t' : p[i] != ' ' && p[i] != '\t'))
			i++;
		if (n < max) {
			f[n] = p + start;
			flen[n] = i - start;
		}
		n++;
		if (tabs && i < len)
			i++; /* the tab */
	}
	return n;
}

static bool all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

static bool system_map_line(const char **f, const size_t *flen, size_t n)
{
	return n == 3 && all_hex(f[0], flen[0]) && flen[1] == 1 && isalpha((unsigned char)*f[1]);
}

static bool symvers_line(const char **f, const size_t *flen, size_t n)
{
	return (n == 4 || n == 5) && flen[0] > 2 && !strncmp(f[0], "0x", 2) &&
	       all_hex(f[0] + 2, flen[0] - 2) && flen[1] && flen[2];
}

/* nm's letters for a global definition: upper case but undefined and debugging, and unique. */
static bool global_type(char t)
{
	return (isupper((unsigned char)t) && t != 'U' && t != 'N') || t == 'u';
}

static int load_map(struct symfence_ctx *ctx, struct symfence_audit *a, const char *path,
		    const char *p, size_t size, size_t *added)
{
	enum map_kind kind = MAP_SYSTEM_MAP;
	unsigned int lineno = 0;
	bool known = false;
	size_t pos = 0;
	int err = 0;

	while (pos < size && !err) {
		const char *line = p + pos, *nl = memchr(line, '\n', size - pos), *f[5];
		size_t len = nl ? (size_t)(nl - line) : size - pos, flen[5], n;

		pos += len + 1;
		lineno++;
		if (len && line[len - 1] == '\r')
			len--;
		n = split(line, len, known && kind == MAP_SYMVERS, f, flen, 5);
		if (!n)
			continue;
		if (!known) {
			/* The first line says what the file is. */
			if (system_map_line(f, flen, n)) {
				kind = MAP_SYSTEM_MAP;
			} else if ((n = split(line, len, true, f, flen, 5)) &&
				   symvers_line(f, flen, n)) {
				kind = MAP_SYMVERS;
			} else {
				symfence_error(
					ctx, path,
					"not a vmlinux (ELF), a System.map or a Module.symvers (line %u is none of their forms)",
					lineno);
				return -EINVAL;
			}
			known = true;
		}
		if (kind == MAP_SYSTEM_MAP && !system_map_line(f, flen, n)) {
			symfence_report(ctx, SYMFENCE_ERROR, path, lineno, 0, NULL,
					"not a System.map line (expected 'ADDRESS TYPE SYMBOL')");
			return -EINVAL;
		}
		if (kind == MAP_SYMVERS && !symvers_line(f, flen, n)) {
			symfence_report(
				ctx, SYMFENCE_ERROR, path, lineno, 0, NULL,
				"not a Module.symvers line (expected 'CRC<TAB>SYMBOL<TAB>MODULE<TAB>EXPORT')");
			return -EINVAL;
		}
		if (kind == MAP_SYSTEM_MAP && !global_type(*f[1]))
			continue;
		if (kind == MAP_SYMVERS && (flen[2] != 7 || strncmp(f[2], "vmlinux", 7)))
			continue;
		err = sf_audit_define(a, &a->vmdefs, kind == MAP_SYMVERS ? f[1] : f[2],
				      kind == MAP_SYMVERS ? flen[1] : flen[2]);
		(*added)++;
	}
	if (!err && !*added)
		symfence_error(
			ctx, path,
			kind == MAP_SYMVERS
				? "lists no symbol of vmlinux (a Module.symvers of external modules only?)"
				: "lists no global symbol");
	return err ? err : *added ? 0 : -EINVAL;
}

int symfence_audit_load_vmlinux(struct symfence_ctx *ctx, struct symfence_audit *a,
				const char *path)
{
	const unsigned char *p;
	size_t size, added = 0;
	int err;

	err = sf_map_file(ctx, path, &p, &size, NULL);
	if (err)
		return err;
	if (size >= SELFMAG && !memcmp(p, ELFMAG, SELFMAG)) {
		struct symfence_object *obj;

		err = symfence_object_open_mem(ctx, path, (void *)p, size, false, &obj);
		if (!err) {
			err = sf_audit_define_object(a, &a->vmdefs, obj, &added);
			symfence_object_free(obj);
			if (!err && !added) {
				symfence_error(
					ctx, path,
					"defines no global symbol (stripped? give its System.map)");
				err = -EINVAL;
			}
		}
	} else {
		err = load_map(ctx, a, path, (const char *)p, size, &added);
	}
	munmap((void *)p, size);
	if (err == -ENOMEM)
		symfence_error(ctx, path, "out of memory");
	if (!err)
		a->have_vmlinux = true;
	return err;
}
