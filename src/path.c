// SPDX-License-Identifier: GPL-2.0-only
/* Lexical path helpers shared by the audit's inputs and the thin archives of seal. */
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
