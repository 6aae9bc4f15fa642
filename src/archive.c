// SPDX-License-Identifier: GPL-2.0-only
/*
 * ar archives: the members of a regular or thin archive image, with GNU and
 * BSD long names resolved and the symbol tables skipped.
 */
#include <ctype.h>
#include <string.h>

#include <symfence/diag.h>

#include "archive.h"
#include "internal.h"

bool sf_is_archive(const unsigned char *p, size_t size)
{
	return size >= 8 && (!memcmp(p, "!<arch>\n", 8) || !memcmp(p, "!<thin>\n", 8));
}

/* A decimal field of an archive header: digits, then spaces to its end. */
static bool ar_decimal(const unsigned char *f, size_t width, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (!width || !isdigit(f[0]))
		return false;
	for (; i < width && isdigit(f[i]); i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(f[i] - '0');
	}
	for (; i < width; i++)
		if (f[i] != ' ')
			return false;
	*out = v;
	return true;
}

#define ar_corrupt(ctx, name, ...)                                                                 \
	(symfence_error(ctx, name, "corrupt archive: " __VA_ARGS__), -EINVAL)

int sf_ar_parse(struct symfence_ctx *ctx, const char *name, const unsigned char *p, size_t size,
		bool *thin, int (*fn)(void *arg, const struct sf_ar_member *m), void *arg)
{
	const unsigned char *strtab = NULL;
	uint64_t strsize = 0, pos = 8;

	if (!sf_is_archive(p, size))
		return ar_corrupt(ctx, name, "no archive magic");
	*thin = p[2] == 't';
	while (pos + (pos & 1) < size) {
		const unsigned char *h;
		struct sf_ar_member m = { 0 };
		uint64_t msize, data;
		bool inline_data, skip = false;
		int ret;

		pos += pos & 1;
		if (size - pos < 60)
			return ar_corrupt(ctx, name, "truncated member header at offset 0x%llx",
					  (unsigned long long)pos);
		h = p + pos;
		if (h[58] != '`' || h[59] != '\n' || !ar_decimal(h + 48, 10, &msize))
			return ar_corrupt(ctx, name, "bad member header at offset 0x%llx",
					  (unsigned long long)pos);
		data = pos + 60;
		/* Thin archives keep only their symbol and name tables inline. */
		inline_data = !*thin || (h[0] == '/' && !isdigit(h[1]));
		if (inline_data && msize > size - data)
			return ar_corrupt(ctx, name, "member at offset 0x%llx extends past the end",
					  (unsigned long long)pos);
		m.header = pos;
		if (!memcmp(h, "//              ", 16)) {
			strtab = p + data;
			strsize = msize;
			skip = true;
		} else if (h[0] == '/' && (h[1] == ' ' || !memcmp(h, "/SYM64/ ", 8))) {
			skip = true; /* the symbol table */
		} else if (h[0] == '/' && isdigit(h[1])) {
			uint64_t off = 0, nested = 0;
			const unsigned char *colon = memchr(h + 1, ':', 15);
			size_t w1 = colon ? (size_t)(colon - h) - 1 : 15;
			const unsigned char *e;

			if (!ar_decimal(h + 1, w1, &off) ||
			    (colon && (!*thin || !ar_decimal(colon + 1, 15 - w1 - 1, &nested))))
				return ar_corrupt(ctx, name, "bad member name at offset 0x%llx",
						  (unsigned long long)pos);
			if (!strtab || off >= strsize)
				return ar_corrupt(
					ctx, name,
					"member name at offset 0x%llx points outside the name table",
					(unsigned long long)pos);
			m.name = (const char *)strtab + off;
			e = memchr(m.name, '\n', strsize - off);
			m.namelen = e ? (size_t)((const char *)e - m.name) : strsize - off;
			if (m.namelen && m.name[m.namelen - 1] == '/')
				m.namelen--;
			m.nested = colon != NULL;
			m.nested_at = nested;
		} else if (!memcmp(h, "#1/", 3)) {
			uint64_t len;

			/* The name is inline even in a thin archive: it must lie in the file. */
			if (!ar_decimal(h + 3, 13, &len) || len > msize || len > size - data)
				return ar_corrupt(ctx, name, "bad member name at offset 0x%llx",
						  (unsigned long long)pos);
			m.name = (const char *)p + data;
			m.namelen = strnlen(m.name, len);
			data += len;
			msize -= len;
			pos += len;
			skip = m.namelen >= 9 && !memcmp(m.name, "__.SYMDEF", 9);
		} else {
			m.name = (const char *)h;
			m.namelen = 16;
			while (m.namelen && m.name[m.namelen - 1] == ' ')
				m.namelen--;
			if (m.namelen && m.name[m.namelen - 1] == '/')
				m.namelen--;
			skip = m.namelen >= 9 && !memcmp(m.name, "__.SYMDEF", 9);
		}
		if (!skip) {
			if (!m.namelen || memchr(m.name, '\0', m.namelen))
				return ar_corrupt(ctx, name, "member at offset 0x%llx has no name",
						  (unsigned long long)pos);
			m.offset = data;
			m.size = msize;
			ret = fn(arg, &m);
			if (ret)
				return ret;
		}
		pos = data + (inline_data ? msize : 0);
	}
	return 0;
}
