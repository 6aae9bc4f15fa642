// SPDX-License-Identifier: GPL-2.0-only
/*
 * The inputs of every command that reads objects (src/input.h): each argument
 * is expanded at once, in the caller's thread, into a flat list of objects in a
 * deterministic order. Directories are walked in name order; "@FILE" lists and
 * modules.order are read; archives are walked (archive.c) and thin archives'
 * members read from their paths relative to the archive. Every file is taken
 * once, however many ways it is reached (by inode). Reading an object's bytes
 * (sf_image_read) decompresses .ko.xz/.ko.zst/.ko.gz in memory.
 */
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

#include <symfence/audit.h>
#include <symfence/input.h>
#include <symfence/object.h>
#include <symfence/selection.h>

#include "archive.h"
#include "input.h"
#include "internal.h"
#include "pattern.h"

#define MAX_NESTING 16 /* @FILE in @FILE, thin archive in thin archive */
#define XZ_MEMLIMIT ((uint64_t)256 << 20)

/* ---- kept diagnostics ---- */

void sf_log_append(void *arg, const struct symfence_diag *d)
{
	struct sf_log *log = arg;
	struct sf_logged *e;

	if (sf_grow(log->v, log->cap, log->n + 1, 4))
		return;
	e = &log->v[log->n];
	e->severity = d->severity;
	e->file = sf_strdup(d->file);
	e->where = sf_strdup(d->where);
	e->message = sf_strdup(d->message);
	e->line = d->line;
	e->col = d->col;
	if (e->message)
		log->n++;
}

void sf_log_replay(struct symfence_ctx *ctx, const struct sf_log *log)
{
	size_t i;

	for (i = 0; i < log->n; i++) {
		const struct sf_logged *e = &log->v[i];

		symfence_report(ctx, e->severity, e->file, e->line, e->col, e->where, "%s",
				e->message);
	}
}

void sf_log_free(struct sf_log *log)
{
	size_t i;

	for (i = 0; i < log->n; i++) {
		free(log->v[i].file);
		free(log->v[i].where);
		free(log->v[i].message);
	}
	free(log->v);
	memset(log, 0, sizeof(*log));
}

/* ---- what a file is, by its magic ---- */

/* The one table of magic numbers: a file kind per entry (as kmod's libkmod-file.c). */
static const struct {
	enum sf_file_kind kind;
	size_t len;
	const char *magic;
} magics[] = {
	{ SF_FILE_ELF, SELFMAG, ELFMAG },
	{ SF_FILE_AR, 8, "!<arch>\n" },
	{ SF_FILE_THIN_AR, 8, "!<thin>\n" },
	{ SF_FILE_XZ, 6, "\xfd\x37\x7a\x58\x5a\x00" }, /* "\xfd" "7zXZ\0" */
	{ SF_FILE_ZSTD, 4, "\x28\xb5\x2f\xfd" },
	{ SF_FILE_GZIP, 2, "\x1f\x8b" },
	{ SF_FILE_BITCODE, 4, "BC\xc0\xde" },
	{ SF_FILE_BITCODE_WRAPPER, 4, "\xde\xc0\x17\x0b" },
};

#define MAX_MAGIC 8 /* the longest magic above */

enum sf_file_kind sf_file_kind_of(const unsigned char *p, size_t size)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(magics); i++)
		if (size >= magics[i].len && !memcmp(p, magics[i].magic, magics[i].len))
			return magics[i].kind;
	return SF_FILE_UNKNOWN;
}

enum sf_file_kind sf_file_kind_of_file(const char *path)
{
	unsigned char magic[MAX_MAGIC];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n;

	if (fd < 0)
		return SF_FILE_UNKNOWN;
	n = read(fd, magic, sizeof(magic));
	close(fd);
	return n > 0 ? sf_file_kind_of(magic, (size_t)n) : SF_FILE_UNKNOWN;
}

/* ---- decompression ---- */

static enum sf_compression compression_of_kind(enum sf_file_kind k)
{
	switch (k) {
	case SF_FILE_XZ:
		return SF_COMP_XZ;
	case SF_FILE_ZSTD:
		return SF_COMP_ZSTD;
	case SF_FILE_GZIP:
		return SF_COMP_GZIP;
	default:
		return SF_COMP_NONE;
	}
}

enum sf_compression sf_compression_of(const unsigned char *p, size_t size)
{
	return compression_of_kind(sf_file_kind_of(p, size));
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

size_t sf_strip_compression(const char *path)
{
	size_t n = strlen(path), i, m;

	/* Every module suffix after ".ko" is a compression's. */
	for (i = 1; i < SF_NMODULE_SUFFIXES; i++) {
		m = strlen(sf_module_suffixes[i]);
		if (n > m && !strcmp(path + n - m, sf_module_suffixes[i]))
			return n - m + 3;
	}
	return n;
}

bool sf_module_name(const char *path, char *buf, size_t size)
{
	const char *base;
	size_t n = sf_module_name_len(path, &base), i;

	/* Not a bare name ("foo", as in /proc/modules: nothing after it): a file's name. */
	if (!n || !base[n] || n >= size)
		return false;
	for (i = 0; i < n; i++)
		buf[i] = base[i] == '-' ? '_' : base[i];
	buf[i] = '\0';
	return true;
}

char *sf_rule_path(const char *path, const char *root, const char *root_abs)
{
	char *copy = strndup(path, sf_strip_compression(path));
	const char *rel;
	char *res;

	if (!copy)
		return NULL;
	sf_path_normalise(copy);
	rel = copy[0] == '/' ? symfence_relative_path(copy, root_abs)
			     : symfence_relative_path(copy, root);
	res = strdup(rel);
	free(copy);
	return res;
}

/* ---- the list ---- */

static struct sf_input *new_input(struct sf_inputs *s)
{
	struct sf_input *in;

	if (sf_grow(s->v, s->cap, s->n + 1, 64))
		return NULL;
	in = &s->v[s->n++];
	memset(in, 0, sizeof(*in));
	return in;
}

/* An input that could not be read: an entry with nothing to read and its error. */
static int __attribute__((format(printf, 4, 5)))
input_error(struct sf_inputs *s, const char *file, unsigned int line, const char *fmt, ...)
{
	struct sf_input *in = new_input(s);
	struct symfence_ctx ictx;
	va_list ap;

	if (!in)
		return -ENOMEM;
	in->unreadable = true;
	symfence_ctx_init(&ictx, sf_log_append, &in->log);
	va_start(ap, fmt);
	symfence_vreport(&ictx, SYMFENCE_ERROR, file, line, 0, NULL, fmt, ap);
	va_end(ap);
	return 0;
}

/* Diagnostics kept in log (a corrupt archive) become an unreadable entry of their own. */
static int log_input(struct sf_inputs *s, struct sf_log *log)
{
	struct sf_input *in = new_input(s);

	if (!in) {
		sf_log_free(log);
		return -ENOMEM;
	}
	in->log = *log;
	in->unreadable = true;
	memset(log, 0, sizeof(*log));
	return 0;
}

static size_t devino_slot(const struct sf_inputs *s, dev_t dev, ino_t ino)
{
	return (size_t)(ino * 0x9e3779b97f4a7c15ULL ^ dev) & (s->seencap - 1);
}

/* True when the file was taken already; otherwise remembers it (by the name path). */
static bool seen(struct sf_inputs *s, const struct stat *st, const char *path)
{
	size_t mask, i;

	if (s->nseen * 2 >= s->seencap) {
		size_t cap = s->seencap ? 2 * s->seencap : 256, j;
		struct sf_devino *v = calloc(cap, sizeof(*v));

		if (!v)
			return false; /* read it twice rather than fail */
		for (j = 0; j < s->seencap; j++) {
			if (!s->seen[j].ino)
				continue;
			i = (size_t)(s->seen[j].ino * 0x9e3779b97f4a7c15ULL ^ s->seen[j].dev) &
			    (cap - 1);
			while (v[i].ino)
				i = (i + 1) & (cap - 1);
			v[i] = s->seen[j];
		}
		free(s->seen);
		s->seen = v;
		s->seencap = cap;
	}
	mask = s->seencap - 1;
	i = devino_slot(s, st->st_dev, st->st_ino);
	for (; s->seen[i].ino; i = (i + 1) & mask)
		if (s->seen[i].ino == st->st_ino && s->seen[i].dev == st->st_dev)
			return true;
	s->seen[i].dev = st->st_dev;
	s->seen[i].ino = st->st_ino ? st->st_ino : 1;
	s->seen[i].path = strdup(path);
	s->nseen++;
	return false;
}

const char *sf_inputs_taken(const struct sf_inputs *s, const char *path)
{
	struct stat st;
	size_t i;

	if (!s->seencap || stat(path, &st))
		return NULL; /* a file that does not exist is none of the inputs */
	for (i = devino_slot(s, st.st_dev, st.st_ino); s->seen[i].ino;
	     i = (i + 1) & (s->seencap - 1))
		if (s->seen[i].ino == st.st_ino && s->seen[i].dev == st.st_dev)
			return s->seen[i].path ? s->seen[i].path : path;
	return NULL;
}

void sf_input_release(struct sf_input *in)
{
	sf_log_free(&in->log);
	free(in->file);
	free(in->display);
	free(in->name);
	memset(in, 0, sizeof(*in));
}

void sf_inputs_free(struct sf_inputs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		sf_input_release(&s->v[i]);
	free(s->v);
	for (i = 0; i < s->seencap; i++)
		free(s->seen[i].path);
	free(s->seen);
	memset(s, 0, sizeof(*s));
}

/* A whole file to read; file and display are taken over. */
static int add_object(struct sf_inputs *s, char *file, char *display)
{
	struct sf_input *in = new_input(s);

	if (!in || !(in->name = strdup(file))) {
		free(file);
		free(display);
		return -ENOMEM;
	}
	in->file = file;
	in->display = display;
	return 0;
}

static int add_file(struct sf_inputs *s, const char *path, bool by_suffix, int depth);

struct ar_walk {
	struct sf_inputs *s;
	const char *path; /* the archive */
	int depth;
};

static int ar_member(void *arg, const struct sf_ar_member *m)
{
	struct ar_walk *w = arg;
	struct sf_inputs *s = w->s;
	const char *name = m->name;
	char *file = NULL, *display = NULL;
	struct sf_input *in;
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
				err = input_error(s, display, 0,
						  "archives nested more than %d deep", MAX_NESTING);
				goto out;
			}
			err = add_file(s, file, false, w->depth + 1);
			goto out;
		}
		if (stat(file, &st)) {
			err = input_error(s, display, 0, "cannot open '%s': %s", file,
					  strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode)) { /* a FIFO must not be opened: it would block */
			err = input_error(s, display, 0, "not a regular file");
			goto out;
		}
		err = 0;
		if (!seen(s, &st, file)) {
			err = add_object(s, file, display);
			file = display = NULL;
		}
		goto out;
	}
	in = new_input(s);
	if (!in)
		goto out;
	in->name = file; /* where the member's own file would be */
	file = NULL;
	in->file = strdup(w->path);
	in->member = true;
	in->offset = m->offset;
	in->size = m->size;
	in->display = display;
	display = NULL;
	err = in->file ? 0 : -ENOMEM;
out:
	free(file);
	free(display);
	return err;
}

static int add_archive(struct sf_inputs *s, const char *path, int depth)
{
	struct sf_log log = { 0 };
	struct symfence_ctx ictx;
	const unsigned char *p;
	struct ar_walk w = { s, path, depth };
	size_t size;
	int err;

	symfence_ctx_init(&ictx, sf_log_append, &log);
	if (sf_map_file(&ictx, path, &p, &size, NULL))
		return log_input(s, &log);
	err = sf_ar_walk(&ictx, path, p, size, ar_member, &w);
	munmap((void *)p, size);
	if (err == -ENOMEM) {
		sf_log_free(&log);
		return err;
	}
	return log.n ? log_input(s, &log) : 0;
}

static bool archive_magic(const char *path)
{
	enum sf_file_kind k = sf_file_kind_of_file(path);

	return k == SF_FILE_AR || k == SF_FILE_THIN_AR;
}

/* A file: an archive (by its suffix, or by its magic) or an object, unless taken already. */
static int add_file(struct sf_inputs *s, const char *path, bool by_suffix, int depth)
{
	struct stat st;
	char *file, *display;

	if (stat(path, &st))
		return input_error(s, path, 0, "cannot open: %s", strerror(errno));
	if (!S_ISREG(st.st_mode)) /* a FIFO or a device: never opened, never waited on */
		return input_error(s, path, 0, "not a regular file");
	if (seen(s, &st, path))
		return 0;
	if (by_suffix ? ends_with(path, ".a") : archive_magic(path))
		return add_archive(s, path, depth);
	file = strdup(path);
	display = strdup(path);
	if (!file || !display) {
		free(file);
		free(display);
		return -ENOMEM;
	}
	return add_object(s, file, display);
}

/* An object, a module or an archive, by its name. */
static bool object_name(const char *name)
{
	size_t i;

	for (i = 0; i < SF_NMODULE_SUFFIXES; i++)
		if (ends_with(name, sf_module_suffixes[i]))
			return true;
	return ends_with(name, ".o") || ends_with(name, ".a");
}

struct dir_walk {
	struct sf_inputs *s;
	size_t found;  /* files taken */
	size_t failed; /* entries that could not be read (each reported) */
};

static int walk_entry(void *arg, const struct sf_walk_entry *e)
{
	struct dir_walk *w = arg;

	switch (e->what) {
	case SF_WALK_DIR:
		return e->depth > 256; /* nested deeper: not entered */
	case SF_WALK_DIR_ERROR:
		w->failed++;
		return input_error(w->s, e->path, 0, "cannot open directory: %s", strerror(e->err));
	case SF_WALK_STAT_ERROR:
		w->failed++;
		return input_error(w->s, e->path, 0, "cannot stat: %s", strerror(e->err));
	case SF_WALK_FILE:
		if (!object_name(e->name))
			return 0;
		w->found++;
		return add_file(w->s, e->path, true, 0);
	}
	return 0;
}

/*
 * Objects, modules and archives below dir, in name order; hidden entries and
 * symlinked directories are skipped.
 */
static int walk(struct dir_walk *w, const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		w->failed++;
		return input_error(w->s, dir, 0, "cannot open directory: %s", strerror(errno));
	}
	return sf_walk_dir(fd, dir, SF_WALK_SORTED | SF_WALK_LSTAT, walk_entry, w);
}

static int add_arg(struct sf_inputs *s, const char *arg, int depth);

struct list_walk {
	struct sf_inputs *s;
	int depth;
};

static int list_word(void *arg, const char *word)
{
	struct list_walk *w = arg;

	return add_arg(w->s, word, w->depth + 1);
}

/* @FILE: arguments separated by white space (as kbuild writes them for ar and ld). */
static int add_list(struct sf_inputs *s, const char *list, int depth)
{
	struct list_walk w = { s, depth };
	int err;

	if (depth >= MAX_NESTING)
		return input_error(s, list, 0, "@FILE lists nested more than %d deep", MAX_NESTING);
	err = sf_read_words(list, SF_WORDS_NUL_ENDS_LINE, list_word, &w);
	if (err == -ENODATA) /* empty, or not readable as a file: no arguments */
		return 0;
	if (err && err != -ENOMEM)
		return input_error(s, list, 0, "cannot open: %s", strerror(-err));
	return err;
}

/* Tries dir/base, dir/base.xz, .zst, .gz; 1 when one was added. */
static int try_module(struct sf_inputs *s, const char *dir, const char *base)
{
	struct stat st;
	size_t i;
	int err;

	/* base as it is, then with each compression suffix (what follows ".ko" in a module's). */
	for (i = 0; i < SF_NMODULE_SUFFIXES; i++) {
		char *path = NULL, *joined = sf_path_join(dir, strlen(dir), base, strlen(base));

		if (!joined || asprintf(&path, "%s%s", joined, sf_module_suffixes[i] + 3) < 0) {
			free(joined);
			return -ENOMEM;
		}
		free(joined);
		if (!stat(path, &st) && S_ISREG(st.st_mode)) {
			err = add_file(s, path, false, 0);
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
static int add_modules_order(struct sf_inputs *s, const char *order)
{
	char *line = NULL, *dir = NULL;
	const char *dirs[2];
	unsigned int lineno = 0;
	size_t cap = 0, d, n;
	FILE *f;
	int err = 0, found;

	f = fopen(order, "re");
	if (!f)
		return input_error(s, order, 0, "cannot open: %s", strerror(errno));
	dir = strndup(sf_path_dir(order), sf_path_dir_len(order));
	if (!dir) {
		fclose(f);
		return -ENOMEM;
	}
	dirs[0] = dir;
	dirs[1] = s->root ? s->root : ".";
	/* (The message below names them, whole, so that it can be grepped for.) */
	_Static_assert(SF_NMODULE_SUFFIXES == 4,
		       "the module suffixes are .ko, .ko.xz, .ko.zst, .ko.gz");
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
			found = try_module(s, dirs[d], first);
			if (!found && second)
				found = try_module(s, dirs[d], second);
		}
		free(base);
		if (found < 0)
			err = found;
		else if (!found)
			err = input_error(
				s, order, lineno,
				"module '%s' not found (looked for .ko, .ko.xz, .ko.zst, .ko.gz and .o next to it)",
				e);
	}
	free(line);
	free(dir);
	fclose(f);
	return err;
}

static int add_arg(struct sf_inputs *s, const char *arg, int depth)
{
	const char *base = strrchr(arg, '/');
	struct dir_walk w = { s, 0, 0 };
	struct stat st;
	int err;

	if (arg[0] == '@')
		return add_list(s, arg + 1, depth);
	if (!strcmp(base ? base + 1 : arg, "modules.order"))
		return add_modules_order(s, arg);
	if (stat(arg, &st))
		return input_error(s, arg, 0, "cannot open: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return add_file(s, arg, false, 0);
	err = walk(&w, arg);
	/* Not when a part could not be read: that error is the one line to say. */
	if (!err && !w.found && !w.failed) {
		struct sf_input *in = new_input(s);
		struct symfence_ctx ictx;

		if (!in)
			return -ENOMEM;
		symfence_ctx_init(&ictx, sf_log_append, &in->log);
		symfence_warning(&ictx, arg, "no objects, modules or archives in this directory");
	}
	return err;
}

int sf_inputs_add(struct sf_inputs *s, const char *arg)
{
	return add_arg(s, arg, 0);
}

/* ---- reading one ---- */

void sf_image_release(struct sf_image *img)
{
	if (img->map)
		munmap((void *)img->map, img->mapsize);
	free(img->buf);
	memset(img, 0, sizeof(*img));
}

static int read_member(struct symfence_ctx *ctx, const char *file, uint64_t offset, uint64_t size,
		       const char *display, struct sf_image *img)
{
	struct stat st;
	size_t done = 0;
	int fd, err = 0;

	if (size > SIZE_MAX || !(img->buf = malloc(size ? (size_t)size : 1))) {
		symfence_error(ctx, display, "out of memory");
		return -ENOMEM;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		symfence_error(ctx, display, "cannot open: %s", strerror(errno));
		return err;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) { /* a thin member may be a FIFO */
		symfence_error(ctx, display, "not a regular file");
		close(fd);
		return -EINVAL;
	}
	while (done < size) {
		ssize_t r = pread(fd, img->buf + done, (size_t)size - done, (off_t)(offset + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r ? -errno : -EIO;
			symfence_error(ctx, display, "cannot read: %s",
				       r ? strerror(errno) : "the archive is truncated");
			break;
		}
		done += (size_t)r;
	}
	close(fd);
	img->p = img->buf;
	img->size = done;
	return err;
}

int sf_image_read(struct symfence_ctx *ctx, const char *file, bool member, uint64_t offset,
		  uint64_t size, const char *display, size_t max, struct sf_image *img)
{
	unsigned char *out;
	size_t outsize;
	int err;

	memset(img, 0, sizeof(*img));
	if (member) {
		err = read_member(ctx, file, offset, size, display, img);
	} else {
		err = sf_map_file(ctx, file, &img->map, &img->mapsize, &img->mode);
		img->p = img->map;
		img->size = img->mapsize;
	}
	if (err)
		return err;
	img->compression = sf_compression_of(img->p, img->size);
	if (img->compression != SF_COMP_NONE) {
		err = sf_decompress(ctx, display, img->compression, img->p, img->size, max, &out,
				    &outsize);
		if (err)
			return err;
		if (img->map)
			munmap((void *)img->map, img->mapsize);
		free(img->buf);
		img->map = NULL;
		img->mapsize = 0;
		img->buf = out;
		img->p = out;
		img->size = outsize;
	}
	if (sf_is_archive(img->p, img->size)) {
		symfence_error(
			ctx, display,
			"an archive inside an archive or a compressed file is not supported; extract it first");
		return -EINVAL;
	}
	return 0;
}

/* ---- the public face (include/symfence/input.h) ---- */

struct symfence_inputs {
	struct sf_inputs s; /* v[0, n): the objects, each with a file to read */
	char **paths;	    /* [n]: as object patterns match them */
	size_t pathcap;
	char *cwd; /* absolute, for absolute paths */
};

int symfence_inputs_new(struct symfence_ctx *ctx, struct symfence_inputs **out)
{
	struct symfence_inputs *in = calloc(1, sizeof(*in));

	*out = NULL;
	if (!in) {
		symfence_error(ctx, NULL, "out of memory");
		return -ENOMEM;
	}
	in->cwd = realpath(".", NULL);
	if (!in->cwd) {
		symfence_error(ctx, ".", "cannot resolve the path: %s", strerror(errno));
		free(in);
		return -ENOENT;
	}
	*out = in;
	return 0;
}

void symfence_inputs_free(struct symfence_inputs *in)
{
	size_t i;

	if (!in)
		return;
	for (i = 0; i < in->s.n; i++)
		free(in->paths[i]);
	free(in->paths);
	sf_inputs_free(&in->s);
	free(in->cwd);
	free(in);
}

int symfence_inputs_add(struct symfence_ctx *ctx, struct symfence_inputs *in, const char *arg)
{
	size_t first = in->s.n, i, kept = first;
	bool unreadable = false;
	int err = sf_inputs_add(&in->s, arg);

	if (!err && in->s.n > in->pathcap) {
		char **v = realloc(in->paths, in->s.n * sizeof(*v));

		if (v) {
			in->paths = v;
			in->pathcap = in->s.n;
		} else {
			err = -ENOMEM;
		}
	}
	/* What the expansion said is said now; what has nothing to read is left out. */
	for (i = first; i < in->s.n; i++) {
		struct sf_input *e = &in->s.v[i];

		sf_log_replay(ctx, &e->log);
		sf_log_free(&e->log);
		unreadable |= e->unreadable;
		if (!err && e->file && !(in->paths[kept] = sf_rule_path(e->name, NULL, in->cwd)))
			err = -ENOMEM;
		if (err || !e->file) {
			sf_input_release(e);
			continue;
		}
		in->s.v[kept++] = *e;
	}
	in->s.n = kept;
	if (err) {
		symfence_error(ctx, arg, "out of memory");
		return err;
	}
	return unreadable ? -EINVAL : 0;
}

size_t symfence_inputs_count(const struct symfence_inputs *in)
{
	return in->s.n;
}

const char *symfence_inputs_display(const struct symfence_inputs *in, size_t i)
{
	return in->s.v[i].display;
}

const char *symfence_inputs_path(const struct symfence_inputs *in, size_t i)
{
	return in->paths[i];
}

/* An image read (and perhaps decompressed) as an object; img is released. */
static int open_image(struct symfence_ctx *ctx, const char *file, const char *display,
		      struct sf_image *img, struct symfence_object **out)
{
	unsigned char *buf = img->buf;

	if (!buf) { /* a whole file as it is: the object maps it itself */
		sf_image_release(img);
		return symfence_object_open_named(ctx, file, display, out);
	}
	img->buf = NULL;
	return symfence_object_open_mem(ctx, display, buf, img->size, true, out);
}

int symfence_inputs_open(struct symfence_ctx *ctx, const struct symfence_inputs *in, size_t i,
			 struct symfence_object **out)
{
	const struct sf_input *e = &in->s.v[i];
	struct sf_image img;
	int err;

	*out = NULL;
	err = sf_image_read(ctx, e->file, e->member, e->offset, e->size, e->display,
			    SYMFENCE_AUDIT_MAX_DECOMPRESSED, &img);
	if (!err)
		err = open_image(ctx, e->file, e->display, &img, out);
	sf_image_release(&img);
	return err;
}

int symfence_inputs_open_file(struct symfence_ctx *ctx, const char *path, const char **compression,
			      unsigned int *mode, struct symfence_object **out)
{
	struct sf_image img;
	int err;

	*out = NULL;
	if (compression)
		*compression = NULL;
	if (compression_of_kind(sf_file_kind_of_file(path)) == SF_COMP_NONE) {
		/* As it is: what is not an object (an archive, a directory) is refused there. */
		err = symfence_object_open(ctx, path, out);
		if (!err && mode)
			*mode = symfence_object_mode(*out);
		return err;
	}
	err = sf_image_read(ctx, path, false, 0, 0, path, SYMFENCE_AUDIT_MAX_DECOMPRESSED, &img);
	if (!err) {
		if (compression && img.compression != SF_COMP_NONE)
			*compression = sf_compression_name(img.compression);
		if (mode)
			*mode = img.mode;
		err = open_image(ctx, path, path, &img, out);
	}
	sf_image_release(&img);
	return err;
}
