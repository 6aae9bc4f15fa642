// SPDX-License-Identifier: GPL-2.0-only
/*
 * Path helpers shared by the audit's inputs, the rules and the thin archives of
 * seal: lexical ones, the reading of @FILE lists and the directory walk.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* ---- the directory walk ---- */

struct walk_name {
	char *name;
	unsigned char type; /* d_type */
};

static int cmp_walk_names(const void *a, const void *b)
{
	return strcmp(((const struct walk_name *)a)->name, ((const struct walk_name *)b)->name);
}

/* What fn says: a negative errno stops the walk; anything else goes on. */
static int walk_say(sf_walk_fn *fn, void *arg, struct sf_walk_entry *e)
{
	int r = fn(arg, e);

	return r < 0 ? r : 0;
}

static int walk_fd(int fd, const char *path, int depth, unsigned int flags, sf_walk_fn *fn,
		   void *arg)
{
	struct sf_walk_entry e = { .path = path, .depth = depth };
	struct walk_name *v = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	struct stat st;
	DIR *d = fdopendir(fd);
	int err = 0, sub;

	if (!d) {
		e.what = SF_WALK_DIR_ERROR;
		e.err = errno;
		close(fd);
		return walk_say(fn, arg, &e);
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.') /* ".", "..", and hidden directories and files */
			continue;
		if (sf_grow(v, cap, n + 1, 64) || !(v[n].name = strdup(de->d_name))) {
			err = -ENOMEM;
			break;
		}
		v[n++].type = de->d_type;
	}
	if (!err && (flags & SF_WALK_SORTED))
		sf_sort(v, n, sizeof(*v), cmp_walk_names);
	for (i = 0; i < n && !err; i++) {
		const char *name = v[i].name;
		unsigned char type = v[i].type;
		char *p = sf_path_join(path, strlen(path), name, strlen(name));

		if (!p) {
			err = -ENOMEM;
			break;
		}
		e = (struct sf_walk_entry){ .path = p, .name = name, .depth = depth + 1 };
		if ((flags & SF_WALK_LSTAT) || type == DT_UNKNOWN || type == DT_LNK) {
			if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW)) {
				e.what = SF_WALK_STAT_ERROR;
				e.err = errno;
				err = walk_say(fn, arg, &e);
				free(p);
				continue;
			}
			/* Symbolic links: followed to files, never to directories. */
			if (S_ISLNK(st.st_mode) &&
			    (fstatat(dirfd(d), name, &st, 0) || S_ISDIR(st.st_mode)))
				type = DT_UNKNOWN;
			else
				type = S_ISDIR(st.st_mode)   ? DT_DIR
				       : S_ISREG(st.st_mode) ? DT_REG
							     : DT_UNKNOWN;
		}
		if (type == DT_REG) {
			e.what = SF_WALK_FILE;
			err = walk_say(fn, arg, &e);
		} else if (type == DT_DIR) {
			e.what = SF_WALK_DIR;
			err = fn(arg, &e);
			if (!err) {
				sub = openat(dirfd(d), name,
					     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (sub >= 0) {
					err = walk_fd(sub, p, depth + 1, flags, fn, arg);
				} else {
					e.what = SF_WALK_DIR_ERROR;
					e.err = errno;
					err = walk_say(fn, arg, &e);
				}
			}
			err = err < 0 ? err : 0;
		}
		free(p);
	}
	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	closedir(d);
	return err;
}

int sf_walk_dir(int fd, const char *path, unsigned int flags, sf_walk_fn *fn, void *arg)
{
	return walk_fd(fd, path, 0, flags, fn, arg);
}
