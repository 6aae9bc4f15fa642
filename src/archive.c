// SPDX-License-Identifier: GPL-2.0-only
/*
 * ar archives, read as binutils' bfd reads them (bfd/archive.c), since GNU ar
 * and ld are what wrote and what link the archives we audit. Every member has
 * a 60-byte header: name[16] date[12] uid[6] gid[6] mode[8] size[10] "`\n".
 *
 * The size is a decimal number, read as sscanf("%u") reads the field: leading
 * blanks, digits, then anything. Names:
 *
 *   "/               "  the SysV symbol table     } skipped
 *   "/SYM64/         "  its 64-bit variant        }
 *   "__.SYMDEF       "  the BSD symbol table (also "__.SYMDEF/", "__.SYMDEF
 *                       SORTED", and as a BSD long name "__.SYMDEF[_64][ SORTED]")
 *   "//              "  the GNU/SysV long-name table, also "ARFILENAMES/": names
 *                       end at '\n', less a '/' right before it; '\\' reads '/'
 *   "/123            "  the name at 123 in that table: the number is read as
 *                       strtol() reads it, so whatever follows it is ignored.
 *                       GNU ar writes a 15-character name of a thin archive as
 *                       "/123           /" (the '/' of the short name is left).
 *                       In a thin archive "/123:456" is the member whose header
 *                       is at 456 in the archive named at 123 (456 > 0).
 *   " 123            "  the same, pseudo-BSD (when the field has no '/')
 *   "#1/23           "  BSD 4.4: the name is the 23 bytes after the header (up
 *                       to a NUL), counted in the size; inline in thin archives
 *   "name.o/         "  a short name: it ends at the first NUL, else at the
 *   "name.o          "  first '/', else at the first ' ', within 15 bytes (bfd's
 *                       ar_max_namelen for ELF); with none it is those 15 bytes
 *
 * Members start on even offsets (padded with '\n'), except that a thin
 * archive's members have no data and are not padded. A thin archive keeps its
 * symbol and name tables inline; its members are files named relative to it.
 *
 * Where bfd reads more than this, we refuse rather than guess: a number that
 * is negative, or none at all where a table index or a nested offset should
 * be (bfd's strtol() gives 0), a long name without a name table, an empty
 * name, and a header cut short at the end of the file (bfd stops there
 * quietly; we say the archive is truncated, so that no member goes unaudited
 * unnoticed). The symbol and name tables are recognised wherever they are,
 * not only first.
 *
 * The writer writes thin archives only, as GNU ar does (bfd's
 * _bfd_write_archive_contents() for ELF targets): see sf_ar_thin_image().
 */
#include <stdio.h>
#include <string.h>

#include <symfence/diag.h>
#include <symfence/object.h>

#include "archive.h"
#include "input.h"
#include "internal.h"

#define AR_MAGIC_LEN 8
#define AR_HDR_LEN 60
#define AR_NAME_LEN 16
#define AR_MAX_NAMELEN 15 /* bfd's ar_max_namelen for ELF targets */
#define AR_SIZE 48	  /* offset of the size field */
#define AR_FMAG 58	  /* offset of "`\n", which ends every number read below */

bool sf_is_archive(const unsigned char *p, size_t size)
{
	enum sf_file_kind k = sf_file_kind_of(p, size);

	return k == SF_FILE_AR || k == SF_FILE_THIN_AR;
}

struct ar_walk {
	struct symfence_ctx *ctx;
	const char *file;
	const unsigned char *p;
	size_t size;
	bool thin;
	bool symtab;		    /* a symbol table was seen */
	const unsigned char *names; /* the long-name table, NULL until one is seen */
	size_t nnames;
	char *buf; /* the current member's name */
	size_t cap;
};

#define ar_corrupt(w, ...)                                                                         \
	(symfence_error((w)->ctx, (w)->file, "corrupt archive: " __VA_ARGS__), -EINVAL)

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/*
 * A decimal number in the header h from *i, as strtol() reads it: blanks, an
 * optional '+', at least one digit; *i is left after the digits. The header's
 * "`\n" stops it, so nothing past the header is read.
 */
static bool ar_number(const unsigned char *h, size_t *i, uint64_t *out)
{
	uint64_t v = 0;
	size_t j = *i;

	while (j < AR_FMAG && is_blank(h[j]))
		j++;
	if (j < AR_FMAG && h[j] == '+')
		j++;
	if (j >= AR_FMAG || !is_digit(h[j]))
		return false;
	for (; j < AR_FMAG && is_digit(h[j]); j++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(h[j] - '0');
	}
	*i = j;
	*out = v;
	return true;
}

/* Is the 16-byte name field f exactly s, padded with spaces? */
static bool field_is(const unsigned char *f, const char *s)
{
	size_t n = strlen(s), i;

	if (memcmp(f, s, n))
		return false;
	for (i = n; i < AR_NAME_LEN; i++)
		if (f[i] != ' ')
			return false;
	return true;
}

static bool is_symdef(const char *name)
{
	static const char *const symdefs[] = { "__.SYMDEF", "__.SYMDEF SORTED", "__.SYMDEF_64",
					       "__.SYMDEF_64 SORTED" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(symdefs); i++)
		if (!strcmp(name, symdefs[i]))
			return true;
	return false;
}

/* Copies len bytes of name into w->buf, NUL-terminated; '\\' becomes '/' when slashes says so. */
static int set_name(struct ar_walk *w, const void *name, size_t len, bool slashes)
{
	size_t i;

	if (len >= w->cap) {
		size_t cap = len < 256 ? 256 : len + 1;
		char *buf = realloc(w->buf, cap);

		if (!buf) {
			symfence_error(w->ctx, w->file, "out of memory");
			return -ENOMEM;
		}
		w->buf = buf;
		w->cap = cap;
	}
	memcpy(w->buf, name, len);
	w->buf[len] = '\0';
	if (slashes)
		for (i = 0; i < len; i++)
			if (w->buf[i] == '\\')
				w->buf[i] = '/';
	return 0;
}

/* The name at the index that follows h[0] ('/' or ' '), and in a thin archive its nested offset. */
static int long_name(struct ar_walk *w, const unsigned char *h, uint64_t pos,
		     struct sf_ar_member *m)
{
	const unsigned char *s, *end;
	uint64_t index, nested = 0;
	size_t i = 1, len;

	if (!ar_number(h, &i, &index) ||
	    (w->thin && h[i] == ':' && (i++, !ar_number(h, &i, &nested))))
		return ar_corrupt(w, "bad member name at offset 0x%llx", (unsigned long long)pos);
	if (!w->names || index >= w->nnames)
		return ar_corrupt(w, "member name at offset 0x%llx points outside the name table",
				  (unsigned long long)pos);
	s = w->names + index;
	end = w->names + w->nnames;
	for (len = 0; s + len < end && s[len] != '\n' && s[len]; len++)
		;
	if (s + len < end && s[len] == '\n' && len && s[len - 1] == '/')
		len--;
	m->nested = nested > 0;
	m->nested_at = nested;
	return set_name(w, s, len, true);
}

/*
 * The member whose header is at pos: its name into w->buf and m, its data and
 * where the next header may be. 1 for a symbol or name table (skipped).
 */
static int read_member(struct ar_walk *w, uint64_t pos, struct sf_ar_member *m, uint64_t *next)
{
	const unsigned char *h = w->p + pos, *e;
	uint64_t data = pos + AR_HDR_LEN, size;
	size_t i = AR_SIZE;
	bool special = false;
	int err;

	if (h[AR_FMAG] != '`' || h[AR_FMAG + 1] != '\n' || !ar_number(h, &i, &size))
		return ar_corrupt(w, "bad member header at offset 0x%llx", (unsigned long long)pos);
	memset(m, 0, sizeof(*m));
	m->header = pos;
	m->thin = w->thin;
	if (field_is(h, "/") || field_is(h, "/SYM64/") || field_is(h, "__.SYMDEF") ||
	    field_is(h, "__.SYMDEF/") || !memcmp(h, "__.SYMDEF SORTED", AR_NAME_LEN)) {
		special = w->symtab = true;
	} else if (field_is(h, "//") || field_is(h, "ARFILENAMES/")) {
		special = true;
		if (size <= w->size - data) {
			w->names = w->p + data;
			w->nnames = (size_t)size;
		}
	} else if (h[0] == '/' || (h[0] == ' ' && !memchr(h, '/', AR_MAX_NAMELEN))) {
		err = long_name(w, h, pos, m);
		if (err)
			return err;
	} else if (!memcmp(h, "#1/", 3) && is_digit(h[3])) {
		uint64_t len;

		/* The name is inline even in a thin archive: it must lie in the file. */
		i = 3;
		if (!ar_number(h, &i, &len) || len > size || len > w->size - data)
			return ar_corrupt(w, "bad member name at offset 0x%llx",
					  (unsigned long long)pos);
		err = set_name(w, w->p + data, strnlen((const char *)w->p + data, (size_t)len),
			       false);
		if (err)
			return err;
		data += len;
		size -= len;
		special = is_symdef(w->buf);
		w->symtab |= special;
	} else {
		e = memchr(h, '\0', AR_MAX_NAMELEN);
		if (!e)
			e = memchr(h, '/', AR_MAX_NAMELEN);
		if (!e)
			e = memchr(h, ' ', AR_MAX_NAMELEN);
		err = set_name(w, h, e ? (size_t)(e - h) : AR_MAX_NAMELEN, false);
		if (err)
			return err;
	}
	if (special || !w->thin) {
		if (size > w->size - data)
			return ar_corrupt(w, "member at offset 0x%llx extends past the end",
					  (unsigned long long)pos);
		*next = data + size;
		*next += *next & 1;
	} else {
		*next = data; /* a thin archive's member: only its header (and a BSD name) is here
			       */
	}
	if (special)
		return 1;
	m->name = w->buf;
	m->namelen = strlen(w->buf);
	if (!m->namelen)
		return ar_corrupt(w, "member at offset 0x%llx has no name",
				  (unsigned long long)pos);
	m->offset = data;
	m->size = size;
	return 0;
}

int sf_ar_walk(struct symfence_ctx *ctx, const char *name, const unsigned char *p, size_t size,
	       sf_ar_member_fn *fn, void *arg)
{
	return sf_ar_walk_info(ctx, name, p, size, fn, arg, NULL);
}

int sf_ar_walk_info(struct symfence_ctx *ctx, const char *name, const unsigned char *p, size_t size,
		    sf_ar_member_fn *fn, void *arg, struct sf_ar_info *info)
{
	struct ar_walk w = { .ctx = ctx, .file = name, .p = p, .size = size };
	struct sf_ar_member m;
	uint64_t pos = AR_MAGIC_LEN, next = 0;
	int ret = 0;

	if (!sf_is_archive(p, size))
		return ar_corrupt(&w, "no archive magic");
	w.thin = sf_file_kind_of(p, size) == SF_FILE_THIN_AR;
	while (!ret && pos < size) {
		if (size - pos < AR_HDR_LEN) {
			ret = ar_corrupt(&w, "truncated member header at offset 0x%llx",
					 (unsigned long long)pos);
			break;
		}
		ret = read_member(&w, pos, &m, &next);
		if (ret < 0)
			break;
		ret = ret ? 0 : fn(arg, &m);
		pos = next;
	}
	free(w.buf);
	if (info)
		info->symtab = w.symtab;
	return ret;
}

/*
 * The writer. A header's fields are written as bfd's _bfd_ar_spacepad()
 * does: the number, then spaces to the field's width.
 */
#define AR_DATE 16
#define AR_UID 28
#define AR_GID 34
#define AR_MODE 40

static void put_field(unsigned char *h, size_t at, size_t width, const char *fmt,
		      unsigned long long v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), fmt, v);

	memcpy(h + at, buf, (size_t)n < width ? (size_t)n : width);
}

/* A header: spaces, name (when given), the numbers (those < 0 left blank), size, "`\n". */
static void put_header(unsigned char *h, const char *name, long long date, long long uid,
		       long long gid, long long mode, uint64_t size)
{
	memset(h, ' ', AR_HDR_LEN);
	if (name)
		memcpy(h, name, strlen(name));
	if (date >= 0)
		put_field(h, AR_DATE, 12, "%llu", (unsigned long long)date);
	if (uid >= 0)
		put_field(h, AR_UID, 6, "%llu", (unsigned long long)uid);
	if (gid >= 0)
		put_field(h, AR_GID, 6, "%llu", (unsigned long long)gid);
	if (mode >= 0)
		put_field(h, AR_MODE, 8, "%llo", (unsigned long long)mode);
	put_field(h, AR_SIZE, 10, "%llu", (unsigned long long)size);
	memcpy(h + AR_FMAG, "`\n", 2);
}

static void put_be32(unsigned char *p, uint64_t v)
{
	sf_put(p, 4, v, true);
}

int sf_ar_thin_image(struct symfence_ctx *ctx, const char *archive, const struct sf_ar_entry *m,
		     size_t n, bool symtab, unsigned char **out, size_t *size)
{
	uint64_t names = 0, nsyms = 0, strs = 0, map = 0, first, total, at;
	uint64_t *stroff = NULL;
	unsigned char *img = NULL, *p;
	size_t i, j;

	*out = NULL;
	*size = 0;
	stroff = sf_xcalloc(n + 1, sizeof(*stroff));
	if (!stroff)
		goto nomem;
	/* The "//" table: every name, "name/\n"; a name equal to the one before is not repeated. */
	for (i = 0; i < n; i++) {
		if (i && !strcmp(m[i].name, m[i - 1].name)) {
			stroff[i] = stroff[i - 1];
			continue;
		}
		stroff[i] = names;
		names += strlen(m[i].name) + 2;
	}
	for (i = 0; symtab && i < n; i++) {
		nsyms += m[i].nsyms;
		strs += m[i].symslen;
	}
	if (symtab)
		map = 4 + 4 * nsyms + strs;
	/* Each table's size is even in its header, the pad byte after its data. */
	first = AR_MAGIC_LEN + (symtab ? AR_HDR_LEN + map + (map & 1) : 0) +
		(names ? AR_HDR_LEN + names + (names & 1) : 0);
	total = first + (uint64_t)n * AR_HDR_LEN;
	if (symtab && first + (n ? (uint64_t)(n - 1) * AR_HDR_LEN : 0) > UINT32_MAX) {
		free(stroff);
		symfence_error(ctx, archive, "too many members for a 32-bit symbol table");
		return -EFBIG;
	}
	if (total > SIZE_MAX || !(img = malloc((size_t)total)))
		goto nomem;
	memcpy(img, "!<thin>\n", AR_MAGIC_LEN);
	p = img + AR_MAGIC_LEN;
	if (symtab) {
		/* bfd's coff_write_armap(): count, each symbol's member offset, the names. */
		put_header(p, "/", 0, 0, 0, 0, map + (map & 1));
		p += AR_HDR_LEN;
		put_be32(p, nsyms);
		p += 4;
		for (i = 0; i < n; i++)
			for (j = 0; j < m[i].nsyms; j++, p += 4)
				put_be32(p, first + (uint64_t)i * AR_HDR_LEN);
		for (i = 0; i < n; i++) {
			if (m[i].symslen)
				memcpy(p, m[i].syms, m[i].symslen);
			p += m[i].symslen;
		}
		if (map & 1)
			*p++ = '\0';
	}
	if (names) {
		put_header(p, "//", -1, -1, -1, -1, names + (names & 1));
		p += AR_HDR_LEN;
		for (i = 0; i < n; i++) {
			if (i && !strcmp(m[i].name, m[i - 1].name))
				continue;
			at = strlen(m[i].name);
			memcpy(p, m[i].name, at);
			p += at;
			*p++ = '/';
			*p++ = '\n';
		}
		if (names & 1)
			*p++ = '\n';
	}
	for (i = 0; i < n; i++, p += AR_HDR_LEN) {
		char num[16];

		if (m[i].size > 9999999999ULL) {
			free(img);
			free(stroff);
			symfence_error(ctx, archive, "member '%s' is too large for an ar header",
				       m[i].name);
			return -EFBIG;
		}
		put_header(p, NULL, 0, 0, 0, 0644, m[i].size);
		/*
		 * "/N": the name's offset in the table, in bytes 0-14. Byte 15 is
		 * what bfd's short name left there: the '/' after a name of 15.
		 */
		snprintf(num, sizeof(num), "/%llu", (unsigned long long)stroff[i]);
		memcpy(p, num, strlen(num));
		if (strlen(m[i].name) == AR_MAX_NAMELEN)
			p[AR_MAX_NAMELEN] = '/';
	}
	free(stroff);
	*out = img;
	*size = (size_t)total;
	return 0;
nomem:
	free(stroff);
	symfence_error(ctx, archive, "out of memory");
	return -ENOMEM;
}

int sf_ar_symbols(struct symfence_ctx *ctx, const struct symfence_object *obj, char **syms,
		  size_t *symslen, size_t *nsyms)
{
	size_t i, len = 0, cap = 0, n = 0, l;
	const char *name;
	char *buf = NULL, *grown;
	GElf_Sym sym;
	int bind;

	*syms = NULL;
	*symslen = *nsyms = 0;
	for (i = 1; i < symfence_object_nsyms(obj); i++) {
		if (symfence_object_sym(obj, i, &sym, NULL, &name))
			continue;
		bind = GELF_ST_BIND(sym.st_info);
		if (sym.st_shndx == SHN_UNDEF ||
		    !(bind == STB_GLOBAL || bind == STB_WEAK || bind == STB_GNU_UNIQUE ||
		      sym.st_shndx == SHN_COMMON))
			continue;
		l = strlen(name) + 1;
		if (len + l > cap) {
			cap = (len + l) * 2 + 256;
			grown = realloc(buf, cap);
			if (!grown) {
				free(buf);
				symfence_error(ctx, symfence_object_name(obj), "out of memory");
				return -ENOMEM;
			}
			buf = grown;
		}
		memcpy(buf + len, name, l);
		len += l;
		n++;
	}
	*syms = buf;
	*symslen = len;
	*nsyms = n;
	return 0;
}
