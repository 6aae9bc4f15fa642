// SPDX-License-Identifier: GPL-2.0-only
/*
 * Path helpers shared by the audit's inputs, the rules and the thin archives of
 * seal: lexical ones, and the reading of @FILE lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Removes "." components and empty ones, and folds "dir/.." lexically, in place. */
void sf_path_normalise(char *path)
{
	char *p = path, *out, *start, *prev;
	size_t len;

	if (*p == '/')
		p++;
	out = start = p;
	while (*p) {
		len = strcspn(p, "/");
		prev = out;
		while (prev > start && prev[-1] != '/')
			prev--; /* the last component written: [prev, out) */
		if (len == 0 || (len == 1 && p[0] == '.')) {
			/* nothing */
		} else if (len == 2 && !strncmp(p, "..", 2) && out > start &&
			   !(out - prev == 2 && !strncmp(prev, "..", 2))) {
			out = prev > start ? prev - 1 : start;
		} else if (!(len == 2 && !strncmp(p, "..", 2) && start > path && out == start)) {
			if (out > start)
				*out++ = '/'; /* out < p: nothing unread is overwritten */
			memmove(out, p, len);
			out += len;
		}
		p += len + (p[len] == '/');
	}
	*out = '\0';
	if (!*path)
		strcpy(path, ".");
}

/* dir/name, without "./" when dir is "." and without a doubled '/'. */
char *sf_path_join(const char *dir, size_t dirlen, const char *name, size_t namelen)
{
	char *s;

	if (name[0] == '/' || (dirlen == 1 && dir[0] == '.'))
		dirlen = 0;
	s = malloc(dirlen + namelen + 2);
	if (!s)
		return NULL;
	memcpy(s, dir, dirlen);
	if (dirlen && dir[dirlen - 1] != '/')
		s[dirlen++] = '/';
	memcpy(s + dirlen, name, namelen);
	s[dirlen + namelen] = '\0';
	return s;
}

size_t sf_path_dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return 1; /* "." */
	return slash == path ? 1 : (size_t)(slash - path);
}

const char *sf_path_dir(const char *path)
{
	return strrchr(path, '/') ? path : ".";
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int sf_read_words(const char *path, unsigned int flags, sf_word_fn *fn, void *arg)
{
	char *text = NULL, *p, *end, *word, *grown, c;
	size_t len = 0, cap = 0, got;
	int err = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	/* The whole file; what a read error leaves out is not there (as getline() would stop). */
	do {
		if (cap - len < 4096) {
			grown = realloc(text, cap + 65536);
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			text = grown;
			cap += 65536;
		}
		got = fread(text + len, 1, cap - len - 1, f);
		len += got;
	} while (got);
	fclose(f);
	if (!err && !len)
		err = -ENODATA;
	if (err) {
		free(text);
		return err;
	}
	text[len] = '\0';
	for (p = text, end = text + len; p < end && !err;) {
		if (!*p) { /* a NUL byte: the end of its line, or of the list */
			if (!(flags & SF_WORDS_NUL_ENDS_LINE) || !(p = memchr(p, '\n', end - p)))
				break;
			continue;
		}
		if (is_blank(*p)) {
			p++;
			continue;
		}
		for (word = p; p < end && *p && !is_blank(*p); p++)
			;
		c = *p;
		*p = '\0';
		err = fn(arg, word);
		*p = c;
	}
	free(text);
	return err;
}
