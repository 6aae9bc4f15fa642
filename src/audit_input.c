// SPDX-License-Identifier: GPL-2.0-only
/*
 * The audit's inputs: each command-line argument is expanded at once, in the
 * main thread, into a flat list of objects (units) in a deterministic order.
 * Directories are walked in name order; "@FILE" lists and modules.order are
 * read; archives are walked (archive.c) and thin archives' members read from
 * their paths relative to the archive.
 * Every file is taken once, however many ways it is reached (by inode).
 * Decompression of .ko.xz/.ko.zst/.ko.gz is done in memory by the workers.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <symfence/selection.h>

#include "archive.h"
#include "audit_int.h"
#include "internal.h"

#define MAX_NESTING 16 /* @FILE in @FILE, thin archive in thin archive */
#define XZ_MEMLIMIT ((uint64_t)256 << 20)

/* ---- decompression ---- */

enum sf_compression sf_compression_of(const unsigned char *p, size_t size)
{
	if (size >= 6 && !memcmp(p,
				 "\xfd"
				 "7zXZ\0",
				 6))
		return SF_COMP_XZ;
	if (size >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		return SF_COMP_ZSTD;
	if (size >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return SF_COMP_GZIP;
	return SF_COMP_NONE;
}

const char *sf_compression_name(enum sf_compression c)
{
	switch (c) {
	case SF_COMP_XZ:
		return "xz";
	case SF_COMP_ZSTD:
		return "zstd";
	case SF_COMP_GZIP:
		return "gzip";
	case SF_COMP_NONE:
		break;
	}
	return "uncompressed";
}

/* Output buffer that grows by doubling up to max + 1 bytes (one more byte than allowed). */
struct sf_outbuf {
	unsigned char *p;
	size_t cap, max;
};

/* 0, -EFBIG when the output would pass max, -ENOMEM. */
static int outbuf_grow(struct sf_outbuf *o)
{
	size_t cap;
	unsigned char *p;

	if (o->cap > o->max)
		return -EFBIG;
	cap = o->cap > o->max / 2 ? o->max + 1 : o->cap * 2;
	p = realloc(o->p, cap);
	if (!p)
		return -ENOMEM;
	o->p = p;
	o->cap = cap;
	return 0;
}

static int outbuf_init(struct sf_outbuf *o, size_t guess, size_t max)
{
	o->max = max;
	o->cap = guess < 65536 ? 65536 : guess;
	if (o->cap > max + 1)
		o->cap = max + 1;
	o->p = malloc(o->cap);
	return o->p ? 0 : -ENOMEM;
}

static const char *lzma_error(lzma_ret r)
{
	switch (r) {
	case LZMA_MEM_ERROR:
		return "out of memory";
	case LZMA_MEMLIMIT_ERROR:
		return "it needs more than 256 MiB of memory to decompress";
	case LZMA_FORMAT_ERROR:
		return "not in the .xz format";
	case LZMA_OPTIONS_ERROR:
		return "unsupported compression options";
	case LZMA_DATA_ERROR:
		return "corrupt data";
	case LZMA_BUF_ERROR:
		return "truncated data";
	default:
		return "internal error";
	}
}

static int unxz(struct symfence_ctx *ctx, const char *name, const unsigned char *in, size_t size,
		struct sf_outbuf *o, size_t *outsize)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r;
	int err = 0;

	r = lzma_stream_decoder(&s, XZ_MEMLIMIT, LZMA_CONCATENATED);
	if (r != LZMA_OK) {
		symfence_error(ctx, name, "cannot decompress (xz): %s", lzma_error(r));
		return -EINVAL;
	}
	s.next_in = in;
	s.avail_in = size;
	for (;;) {
		s.next_out = o->p + s.total_out;
		s.avail_out = o->cap - s.total_out;
		r = lzma_code(&s, LZMA_FINISH);
		if (r == LZMA_STREAM_END)
			break;
		if (r == LZMA_OK) {
			/*
			 * Progress: go on. With all the input given, a stream that
			 * is cut short makes liblzma say LZMA_BUF_ERROR on the next
			 * call, which cannot make progress either.
			 */
			if (s.avail_out == 0) {
				err = outbuf_grow(o);
				if (err)
					break;
			}
			continue;
		}
		symfence_error(ctx, name, "cannot decompress (xz): %s", lzma_error(r));
		err = -EINVAL;
		break;
	}
	*outsize = s.total_out;
	lzma_end(&s);
	return err;
}

static int unzstd(struct symfence_ctx *ctx, const char *name, const unsigned char *in, size_t size,
		  struct sf_outbuf *o, size_t *outsize)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	ZSTD_inBuffer ib = { in, size, 0 };
	ZSTD_outBuffer ob = { o->p, o->cap, 0 };
	int err = 0;

	if (!d)
		return -ENOMEM;
	for (;;) {
		size_t r = ZSTD_decompressStream(d, &ob, &ib);

		if (ZSTD_isError(r)) {
			symfence_error(ctx, name, "cannot decompress (zstd): %s",
				       ZSTD_getErrorName(r));
			err = -EINVAL;
			break;
		}
		if (r == 0 && ib.pos == ib.size)
			break;
		if (ob.pos == ob.size) {
			err = outbuf_grow(o);
			if (err)
				break;
			ob.dst = o->p;
			ob.size = o->cap;
			continue;
		}
		if (ib.pos == ib.size) {
			symfence_error(ctx, name, "cannot decompress (zstd): %s", "truncated data");
			err = -EINVAL;
			break;
		}
	}
	*outsize = ob.pos;
	ZSTD_freeDCtx(d);
	return err;
}

static int ungzip(struct symfence_ctx *ctx, const char *name, const unsigned char *in, size_t size,
		  struct sf_outbuf *o, size_t *outsize)
{
	z_stream z;
	size_t total = 0;
	int r, err = 0;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return -ENOMEM;
	z.next_in = (unsigned char *)in;
	for (;;) {
		size_t inleft = size - (size_t)(z.next_in - in);

		z.avail_in = inleft > UINT_MAX ? UINT_MAX : (unsigned int)inleft;
		z.next_out = o->p + total;
		z.avail_out = o->cap - total > UINT_MAX ? UINT_MAX : (unsigned int)(o->cap - total);
		r = inflate(&z, Z_NO_FLUSH);
		total = (size_t)(z.next_out - o->p);
		inleft = size - (size_t)(z.next_in - in);
		if (r == Z_STREAM_END) {
			/* gzip allows several members one after the other. */
			if (inleft >= 2 && z.next_in[0] == 0x1f && z.next_in[1] == 0x8b) {
				inflateReset(&z);
				continue;
			}
			break;
		}
		if (r == Z_OK || (r == Z_BUF_ERROR && inleft)) {
			if (total == o->cap) {
				err = outbuf_grow(o);
				if (err)
					break;
			}
			continue;
		}
		symfence_error(ctx, name, "cannot decompress (gzip): %s",
			       r == Z_BUF_ERROR ? "truncated data"
			       : z.msg		? z.msg
						: "corrupt data");
		err = -EINVAL;
		break;
	}
	*outsize = total;
	inflateEnd(&z);
	return err;
}

int sf_decompress(struct symfence_ctx *ctx, const char *name, enum sf_compression c,
		  const unsigned char *in, size_t size, size_t max, unsigned char **out,
		  size_t *outsize)
{
	struct sf_outbuf o;
	size_t guess = size > SIZE_MAX / 4 ? SIZE_MAX : size * 4;
	int err;

	*out = NULL;
	*outsize = 0;
	if (c == SF_COMP_ZSTD) {
		unsigned long long n = ZSTD_getFrameContentSize(in, size);

		if (n != ZSTD_CONTENTSIZE_UNKNOWN && n != ZSTD_CONTENTSIZE_ERROR && n <= max)
			guess = (size_t)n + 1; /* +1: the end is seen without a reallocation */
	}
	err = outbuf_init(&o, guess, max);
	if (err) {
		symfence_error(ctx, name, "out of memory");
		return err;
	}
	switch (c) {
	case SF_COMP_XZ:
		err = unxz(ctx, name, in, size, &o, outsize);
		break;
	case SF_COMP_ZSTD:
		err = unzstd(ctx, name, in, size, &o, outsize);
		break;
	case SF_COMP_GZIP:
		err = ungzip(ctx, name, in, size, &o, outsize);
		break;
	case SF_COMP_NONE:
		err = -EINVAL;
		break;
	}
	if (!err && *outsize > max) /* it ended exactly in the spare byte */
		err = -EFBIG;
	if (err == -EFBIG)
		symfence_error(ctx, name,
			       "decompresses to more than %zu MiB; refused as a decompression bomb",
			       max >> 20);
	else if (err == -ENOMEM)
		symfence_error(ctx, name, "out of memory while decompressing");
	if (err) {
		free(o.p);
		*outsize = 0;
		return err;
	}
	*out = o.p;
	return 0;
}

/* ---- names and paths ---- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static const char *const compressed_suffixes[] = { ".xz", ".zst", ".gz" };

/* Length of path without a compression suffix after ".ko". */
static size_t strip_compression(const char *path)
{
	size_t n = strlen(path), i, m;

	for (i = 0; i < ARRAY_SIZE(compressed_suffixes); i++) {
		m = strlen(compressed_suffixes[i]);
		if (n > m + 3 && !strcmp(path + n - m, compressed_suffixes[i]) &&
		    !strncmp(path + n - m - 3, ".ko", 3))
			return n - m;
	}
	return n;
}

bool sf_module_name(const char *path, char *buf, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t n, i;

	base = base ? base + 1 : path;
	n = strip_compression(base);
	if (n <= 3 || strncmp(base + n - 3, ".ko", 3) || n - 3 >= size)
		return false;
	for (i = 0; i < n - 3; i++)
		buf[i] = base[i] == '-' ? '_' : base[i];
	buf[i] = '\0';
	return true;
}

char *sf_policy_path(const struct symfence_audit *a, const char *path)
{
	char *copy = strndup(path, strip_compression(path));
	const char *rel;
	char *res;

	if (!copy)
		return NULL;
	sf_path_normalise(copy);
	rel = copy[0] == '/' ? symfence_relative_path(copy, a->root_abs)
			     : symfence_relative_path(copy, a->root);
	res = strdup(rel);
	free(copy);
	return res;
}

/* ---- the unit list ---- */

static struct sf_unit *new_unit(struct symfence_audit *a)
{
	struct sf_unit *u;

	if (a->nunits == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 64;

		u = realloc(a->units, cap * sizeof(*u));
		if (!u)
			return NULL;
		a->units = u;
		a->cap = cap;
	}
	u = &a->units[a->nunits++];
	memset(u, 0, sizeof(*u));
	return u;
}

/* An input that could not be read: a unit with nothing to read and its error. */
static int __attribute__((format(printf, 4, 5)))
input_error(struct symfence_audit *a, const char *file, unsigned int line, const char *fmt, ...)
{
	struct sf_unit *u = new_unit(a);
	struct symfence_ctx uctx;
	va_list ap;

	if (!u)
		return -ENOMEM;
	u->unreadable = true;
	symfence_ctx_init(&uctx, sf_log_append, &u->log);
	va_start(ap, fmt);
	symfence_vreport(&uctx, SYMFENCE_ERROR, file, line, 0, NULL, fmt, ap);
	va_end(ap);
	return 0;
}

/* Diagnostics kept in log (a corrupt archive) become an unreadable unit of their own. */
static int log_unit(struct symfence_audit *a, struct sf_log *log)
{
	struct sf_unit *u = new_unit(a);

	if (!u) {
		sf_log_free(log);
		return -ENOMEM;
	}
	u->log = *log;
	u->unreadable = true;
	memset(log, 0, sizeof(*log));
	return 0;
}

static size_t devino_slot(const struct symfence_audit *a, dev_t dev, ino_t ino)
{
	return (size_t)(ino * 0x9e3779b97f4a7c15ULL ^ dev) & (a->seencap - 1);
}

/* True when the file was taken already; otherwise remembers it (by the name path). */
static bool seen(struct symfence_audit *a, const struct stat *st, const char *path)
{
	size_t mask, i;

	if (a->nseen * 2 >= a->seencap) {
		size_t cap = a->seencap ? 2 * a->seencap : 256, j;
		struct sf_devino *v = calloc(cap, sizeof(*v));

		if (!v)
			return false; /* audit it twice rather than fail */
		for (j = 0; j < a->seencap; j++) {
			if (!a->seen[j].ino)
				continue;
			i = (size_t)(a->seen[j].ino * 0x9e3779b97f4a7c15ULL ^ a->seen[j].dev) &
			    (cap - 1);
			while (v[i].ino)
				i = (i + 1) & (cap - 1);
			v[i] = a->seen[j];
		}
		free(a->seen);
		a->seen = v;
		a->seencap = cap;
	}
	mask = a->seencap - 1;
	i = (size_t)(st->st_ino * 0x9e3779b97f4a7c15ULL ^ st->st_dev) & mask;
	for (; a->seen[i].ino; i = (i + 1) & mask)
		if (a->seen[i].ino == st->st_ino && a->seen[i].dev == st->st_dev)
			return true;
	a->seen[i].dev = st->st_dev;
	a->seen[i].ino = st->st_ino ? st->st_ino : 1;
	a->seen[i].path = strdup(path);
	a->nseen++;
	return false;
}

int symfence_audit_check_output(struct symfence_ctx *ctx, const struct symfence_audit *a,
				const char *output)
{
	struct stat st;
	size_t i;

	if (!a->seencap || stat(output, &st))
		return 0; /* a file that does not exist is none of the inputs */
	for (i = devino_slot(a, st.st_dev, st.st_ino); a->seen[i].ino;
	     i = (i + 1) & (a->seencap - 1)) {
		if (a->seen[i].ino == st.st_ino && a->seen[i].dev == st.st_dev) {
			symfence_error(ctx, NULL, "output '%s' is the same file as the input '%s'",
				       output, a->seen[i].path ? a->seen[i].path : output);
			return -EEXIST;
		}
	}
	return 0;
}

/* A whole file to scan; display and file are taken over. */
static int add_object(struct symfence_audit *a, char *file, char *display)
{
	struct sf_unit *u = new_unit(a);

	if (!u || !(u->path = sf_policy_path(a, file))) {
		free(file);
		free(display);
		return -ENOMEM;
	}
	u->file = file;
	u->display = display;
	return 0;
}

static int add_file(struct symfence_audit *a, const char *path, bool by_suffix, int depth);

struct ar_walk {
	struct symfence_audit *a;
	const char *path; /* the archive */
	int depth;
};

static int ar_member(void *arg, const struct sf_ar_member *m)
{
	struct ar_walk *w = arg;
	struct symfence_audit *a = w->a;
	const char *name = m->name;
	char *file = NULL, *display = NULL;
	struct sf_unit *u;
	struct stat st;
	int err = -ENOMEM;

	if (asprintf(&display, "%s(%s)", w->path, name) < 0)
		return -ENOMEM;
	file = sf_path_join(sf_path_dir(w->path), sf_path_dir_len(w->path), name, m->namelen);
	if (!file)
		goto out;
	if (m->thin) {
		if (m->nested || ends_with(name, ".a")) {
			/* An archive in a thin archive: its members, once however often named. */
			if (w->depth >= MAX_NESTING) {
				err = input_error(a, display, 0,
						  "archives nested more than %d deep", MAX_NESTING);
				goto out;
			}
			err = add_file(a, file, false, w->depth + 1);
			goto out;
		}
		if (stat(file, &st)) {
			err = input_error(a, display, 0, "cannot open '%s': %s", file,
					  strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode)) { /* a FIFO must not be opened: it would block */
			err = input_error(a, display, 0, "not a regular file");
			goto out;
		}
		err = 0;
		if (!seen(a, &st, file)) {
			err = add_object(a, file, display);
			file = display = NULL;
		}
		goto out;
	}
	u = new_unit(a);
	if (!u || !(u->path = sf_policy_path(a, file)))
		goto out;
	u->file = strdup(w->path);
	u->member = true;
	u->offset = m->offset;
	u->size = m->size;
	u->display = display;
	display = NULL;
	err = u->file ? 0 : -ENOMEM;
out:
	free(file);
	free(display);
	return err;
}

static int add_archive(struct symfence_audit *a, const char *path, int depth)
{
	struct sf_log log = { 0 };
	struct symfence_ctx uctx;
	const unsigned char *p;
	struct ar_walk w = { a, path, depth };
	size_t size;
	int err;

	symfence_ctx_init(&uctx, sf_log_append, &log);
	if (sf_map_file(&uctx, path, &p, &size, NULL))
		return log_unit(a, &log);
	err = sf_ar_walk(&uctx, path, p, size, ar_member, &w);
	munmap((void *)p, size);
	if (err == -ENOMEM) {
		sf_log_free(&log);
		return err;
	}
	return log.n ? log_unit(a, &log) : 0;
}

static bool archive_magic(const char *path)
{
	unsigned char magic[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	bool res;

	if (fd < 0)
		return false;
	res = read(fd, magic, sizeof(magic)) == sizeof(magic) && sf_is_archive(magic, 8);
	close(fd);
	return res;
}

/* A file: an archive (by its suffix, or by its magic) or an object, unless taken already. */
static int add_file(struct symfence_audit *a, const char *path, bool by_suffix, int depth)
{
	struct stat st;
	char *file, *display;

	if (stat(path, &st))
		return input_error(a, path, 0, "cannot open: %s", strerror(errno));
	if (!S_ISREG(st.st_mode)) /* a FIFO or a device: never opened, never waited on */
		return input_error(a, path, 0, "not a regular file");
	if (seen(a, &st, path))
		return 0;
	if (by_suffix ? ends_with(path, ".a") : archive_magic(path))
		return add_archive(a, path, depth);
	file = strdup(path);
	display = strdup(path);
	if (!file || !display) {
		free(file);
		free(display);
		return -ENOMEM;
	}
	return add_object(a, file, display);
}

static bool auditable_name(const char *name)
{
	static const char *const suffixes[] = { ".o", ".ko", ".ko.xz", ".ko.zst", ".ko.gz", ".a" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(suffixes); i++)
		if (ends_with(name, suffixes[i]))
			return true;
	return false;
}

static int cmp_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/*
 * Objects, modules and archives below dir, in name order; hidden entries and
 * symlinked directories are skipped. *found counts the files taken, *failed
 * the entries that could not be read (each reported).
 */
static int walk(struct symfence_audit *a, const char *dir, int depth, size_t *found, size_t *failed)
{
	char **names = NULL, **v;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d;
	int err = 0;

	d = opendir(dir);
	if (!d) {
		(*failed)++;
		return input_error(a, dir, 0, "cannot open directory: %s", strerror(errno));
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = realloc(names, cap * sizeof(*names));
			if (!v) {
				err = -ENOMEM;
				break;
			}
			names = v;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			err = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (!err)
		sf_sort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && !err; i++) {
		char *path = sf_path_join(dir, strlen(dir), names[i], strlen(names[i]));
		struct stat st;

		if (!path) {
			err = -ENOMEM;
			break;
		}
		if (lstat(path, &st)) {
			(*failed)++;
			err = input_error(a, path, 0, "cannot stat: %s", strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			if (depth < 256)
				err = walk(a, path, depth + 1, found, failed);
		} else if (auditable_name(names[i]) &&
			   (S_ISREG(st.st_mode) ||
			    (S_ISLNK(st.st_mode) && !stat(path, &st) && S_ISREG(st.st_mode)))) {
			(*found)++;
			err = add_file(a, path, true, 0);
		}
		free(path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return err;
}

static int add_arg(struct symfence_audit *a, const char *arg, int depth);

/* @FILE: arguments separated by white space (as kbuild writes them for ar and ld). */
static int add_list(struct symfence_audit *a, const char *list, int depth)
{
	char *line = NULL, *tok, *save;
	size_t cap = 0;
	FILE *f;
	int err = 0;

	if (depth >= MAX_NESTING)
		return input_error(a, list, 0, "@FILE lists nested more than %d deep", MAX_NESTING);
	f = fopen(list, "re");
	if (!f)
		return input_error(a, list, 0, "cannot open: %s", strerror(errno));
	while (!err && getline(&line, &cap, f) >= 0)
		for (tok = strtok_r(line, " \t\r\n", &save); tok && !err;
		     tok = strtok_r(NULL, " \t\r\n", &save))
			err = add_arg(a, tok, depth + 1);
	free(line);
	fclose(f);
	return err;
}

/* Tries dir/base, dir/base.xz, .zst, .gz; 1 when one was added. */
static int try_module(struct symfence_audit *a, const char *dir, const char *base)
{
	static const char *const sfx[] = { "", ".xz", ".zst", ".gz" };
	struct stat st;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(sfx); i++) {
		char *path = NULL, *joined = sf_path_join(dir, strlen(dir), base, strlen(base));

		if (!joined || asprintf(&path, "%s%s", joined, sfx[i]) < 0) {
			free(joined);
			return -ENOMEM;
		}
		free(joined);
		if (!stat(path, &st) && S_ISREG(st.st_mode)) {
			err = add_file(a, path, false, 0);
			free(path);
			return err ? err : 1;
		}
		free(path);
	}
	return 0;
}

/*
 * modules.order: one module per line, relative to the file's directory (an
 * installed tree) or to the root (kbuild's subdirectory lists). A ".o" entry
 * (kernels since 6.2) names the .ko beside it; the .o itself is the fallback.
 */
static int add_modules_order(struct symfence_audit *a, const char *order)
{
	char *line = NULL, *dir = NULL;
	const char *dirs[2];
	unsigned int lineno = 0;
	size_t cap = 0, d, n;
	FILE *f;
	int err = 0, found;

	f = fopen(order, "re");
	if (!f)
		return input_error(a, order, 0, "cannot open: %s", strerror(errno));
	dir = strndup(sf_path_dir(order), sf_path_dir_len(order));
	if (!dir) {
		fclose(f);
		return -ENOMEM;
	}
	dirs[0] = dir;
	dirs[1] = a->root ? a->root : ".";
	while (!err && getline(&line, &cap, f) >= 0) {
		char *e = line, *base = NULL;

		lineno++;
		e += strspn(e, " \t");
		n = strcspn(e, " \t\r\n#");
		e[n] = '\0';
		if (!*e)
			continue;
		/*
		 * Older kernels list foo.o and mean foo.ko; 6.1 lists foo.ko, which
		 * before modfinal does not exist yet: then the foo.o modpost reads.
		 */
		if ((ends_with(e, ".o") && asprintf(&base, "%.*sko", (int)(n - 1), e) < 0) ||
		    (ends_with(e, ".ko") && asprintf(&base, "%.*so", (int)(n - 2), e) < 0)) {
			err = -ENOMEM;
			break;
		}
		found = 0;
		for (d = 0; d < 2 && !found; d++) {
			const char *first = ends_with(e, ".o") ? base : e;
			const char *second = ends_with(e, ".o") ? e : base;

			if (d && !strcmp(dirs[0], dirs[1]))
				break;
			found = try_module(a, dirs[d], first);
			if (!found && second)
				found = try_module(a, dirs[d], second);
		}
		free(base);
		if (found < 0)
			err = found;
		else if (!found)
			err = input_error(
				a, order, lineno,
				"module '%s' not found (looked for .ko, .ko.xz, .ko.zst, .ko.gz and .o next to it)",
				e);
	}
	free(line);
	free(dir);
	fclose(f);
	return err;
}

static int add_arg(struct symfence_audit *a, const char *arg, int depth)
{
	const char *base = strrchr(arg, '/');
	struct stat st;
	size_t found = 0, failed = 0;
	int err;

	if (arg[0] == '@')
		return add_list(a, arg + 1, depth);
	if (!strcmp(base ? base + 1 : arg, "modules.order"))
		return add_modules_order(a, arg);
	if (stat(arg, &st))
		return input_error(a, arg, 0, "cannot open: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return add_file(a, arg, false, 0);
	err = walk(a, arg, 0, &found, &failed);
	/* Not when a part could not be read: that error is the one line to say. */
	if (!err && !found && !failed) {
		struct sf_unit *u = new_unit(a);
		struct symfence_ctx uctx;

		if (!u)
			return -ENOMEM;
		symfence_ctx_init(&uctx, sf_log_append, &u->log);
		symfence_warning(&uctx, arg, "no objects, modules or archives in this directory");
	}
	return err;
}

int symfence_audit_add_input(struct symfence_ctx *ctx, struct symfence_audit *audit,
			     const char *arg)
{
	int err = add_arg(audit, arg, 0);

	if (err)
		symfence_error(ctx, arg, "out of memory");
	return err;
}
