// SPDX-License-Identifier: GPL-2.0-only
/*
 * The input layer's shared pieces: the table of magics (each kind, and every
 * buffer too short to hold a whole magic), the one list of module suffixes and
 * module names, in-memory decompression, the kept diagnostics, the @FILE list
 * reader (blanks, newlines, NUL bytes, empty files) and the directory walk
 * (order, hidden entries, symbolic links, other kinds of files, errors).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "input.h"
#include "internal.h"
#include "pattern.h"

/* ---- the table of magics ---- */

static const struct {
	const char *bytes;
	size_t len;
	enum sf_file_kind kind;
} kinds[] = {
	{ "\x7f"
	  "ELF\x02\x01\x01",
	  7, SF_FILE_ELF },
	{ "!<arch>\n/       ", 16, SF_FILE_AR },
	{ "!<thin>\n", 8, SF_FILE_THIN_AR },
	{ "\xfd"
	  "7zXZ\0\0\x04",
	  8, SF_FILE_XZ },
	{ "\x28\xb5\x2f\xfd\x24", 5, SF_FILE_ZSTD },
	{ "\x1f\x8b\x08", 3, SF_FILE_GZIP },
	{ "BC\xc0\xde\x35\x14", 6, SF_FILE_BITCODE },
	{ "\xde\xc0\x17\x0b\0\0\0\0", 8, SF_FILE_BITCODE_WRAPPER },
};

/* The shortest prefix of each magic that tells its kind. */
static const size_t magic_len[] = { 4, 8, 8, 6, 4, 2, 4, 4 };

START_TEST(test_kind_each)
{
	ck_assert_uint_eq(ARRAY_SIZE(magic_len), ARRAY_SIZE(kinds));
	ck_assert_int_eq(sf_file_kind_of((const unsigned char *)kinds[_i].bytes, kinds[_i].len),
			 kinds[_i].kind);
	ck_assert_int_eq(sf_file_kind_of((const unsigned char *)kinds[_i].bytes, magic_len[_i]),
			 kinds[_i].kind);
}
END_TEST

START_TEST(test_kind_short)
{
	const unsigned char *p = (const unsigned char *)kinds[_i].bytes;
	unsigned char *copy;
	size_t n;

	/* Every buffer shorter than the magic is unknown (a copy: nothing past it is read). */
	for (n = 0; n < magic_len[_i]; n++) {
		copy = malloc(n ? n : 1);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, p, n);
		ck_assert_int_eq(sf_file_kind_of(copy, n), SF_FILE_UNKNOWN);
		free(copy);
	}
}
END_TEST

START_TEST(test_kind_other)
{
	static const struct {
		const char *bytes;
		size_t len;
	} other[] = {
		{ "", 0 },
		{ "hello, world", 12 },
		{ "\x7f"
		  "ELX",
		  4 },
		{ "!<arch>X", 8 },
		{ "!<thin>", 7 },
		{ "\xfd"
		  "7zXZ\x01",
		  6 }, /* the sixth byte of xz's magic is 0 */
		{ "\x28\xb5\x2f\xfe", 4 },
		{ "\x1f\x8c", 2 },
		{ "BC\xc0\xdf", 4 },
		{ "\xde\xc0\x17\x0c", 4 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(other); i++)
		ck_assert_msg(sf_file_kind_of((const unsigned char *)other[i].bytes,
					      other[i].len) == SF_FILE_UNKNOWN,
			      "entry %zu", i);
}
END_TEST

START_TEST(test_kind_compression)
{
	ck_assert_int_eq(sf_compression_of((const unsigned char *)kinds[3].bytes, 8), SF_COMP_XZ);
	ck_assert_int_eq(sf_compression_of((const unsigned char *)kinds[4].bytes, 5), SF_COMP_ZSTD);
	ck_assert_int_eq(sf_compression_of((const unsigned char *)kinds[5].bytes, 3), SF_COMP_GZIP);
	ck_assert_int_eq(sf_compression_of((const unsigned char *)kinds[0].bytes, 7), SF_COMP_NONE);
	ck_assert_int_eq(sf_compression_of((const unsigned char *)kinds[3].bytes, 5), SF_COMP_NONE);
}
END_TEST

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_input.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* tmpdir/name with the len bytes of content; its path, malloc'd. */
static char *write_file(const char *name, const void *content, size_t len)
{
	char *path;
	FILE *f;

	ck_assert_int_ge(asprintf(&path, "%s/%s", tmpdir, name), 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(content, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

START_TEST(test_kind_of_file)
{
	char *path;

	path = write_file("thin.a", "!<thin>\nmore", 12);
	ck_assert_int_eq(sf_file_kind_of_file(path), SF_FILE_THIN_AR);
	free(path);
	path = write_file("x.gz", "\x1f\x8b", 2);
	ck_assert_int_eq(sf_file_kind_of_file(path), SF_FILE_GZIP);
	free(path);
	path = write_file("short.a", "!<arch>", 7);
	ck_assert_int_eq(sf_file_kind_of_file(path), SF_FILE_UNKNOWN);
	free(path);
	path = write_file("empty", "", 0);
	ck_assert_int_eq(sf_file_kind_of_file(path), SF_FILE_UNKNOWN);
	free(path);
	ck_assert_int_eq(sf_file_kind_of_file("/nonexistent/file"), SF_FILE_UNKNOWN);
	ck_assert_int_eq(sf_file_kind_of_file(tmpdir), SF_FILE_UNKNOWN); /* a directory */
}
END_TEST

/* ---- module suffixes ---- */

START_TEST(test_module_suffixes)
{
	char buf[16];

	ck_assert_str_eq(sf_module_suffixes[0], ".ko");
	ck_assert_uint_eq(sf_strip_compression("a/foo.ko.xz"), strlen("a/foo.ko"));
	ck_assert_uint_eq(sf_strip_compression("foo.ko.zst"), strlen("foo.ko"));
	ck_assert_uint_eq(sf_strip_compression("foo.ko.gz"), strlen("foo.ko"));
	ck_assert_uint_eq(sf_strip_compression("foo.ko"), strlen("foo.ko"));
	ck_assert_uint_eq(sf_strip_compression("foo.o.xz"), strlen("foo.o.xz")); /* not a module */
	ck_assert_uint_eq(sf_strip_compression(".ko.xz"), strlen(".ko.xz"));
	ck_assert_uint_eq(sf_strip_compression("x.ko.bz2"), strlen("x.ko.bz2"));
	/* sf_module_name() is sf_module_name_len() for files: a bare name is none. */
	ck_assert(!sf_module_name("foo", buf, sizeof(buf)));
	ck_assert(!sf_module_name("foo.ko.", buf, sizeof(buf)));
	ck_assert(sf_module_name("d/x-y.ko.gz", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "x_y");
	ck_assert(sf_module_name("abc.ko", buf, 4));
	ck_assert(!sf_module_name("abcd.ko", buf, 4));
}
END_TEST

/* ---- @FILE lists ---- */

struct words {
	char got[256];
	int stop_at; /* the word to return 1 for, or 0 */
	int n;
};

static int collect(void *arg, const char *word)
{
	struct words *w = arg;

	snprintf(w->got + strlen(w->got), sizeof(w->got) - strlen(w->got), "[%s]", word);
	return ++w->n == w->stop_at ? 1 : 0;
}

/* A string literal and its length, NUL bytes inside it counted. */
#define LIT(s) s, sizeof(s) - 1

/* The words of a file with these bytes, as "[a][b]"; the result in *err. */
static const char *words_of(const void *content, size_t len, unsigned int flags, int stop_at,
			    int *err)
{
	static struct words w;
	char *path = write_file("list", content, len);

	memset(&w, 0, sizeof(w));
	w.stop_at = stop_at;
	*err = sf_read_words(path, flags, collect, &w);
	free(path);
	return w.got;
}

START_TEST(test_words)
{
	int err;

	ck_assert_str_eq(words_of(LIT("a.o b.o\tc.o\n"), 0, 0, &err), "[a.o][b.o][c.o]");
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(words_of(LIT("  a.o  \r\n\n\t b/c.o"), 0, 0, &err), "[a.o][b/c.o]");
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(words_of(LIT("x"), 0, 0, &err), "[x]"); /* no newline at the end */
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(words_of(LIT(" \n\t\r\n"), 0, 0, &err), ""); /* blanks only: no words */
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(words_of(LIT(""), 0, 0, &err), ""); /* empty: said apart */
	ck_assert_int_eq(err, -ENODATA);
	/* What fn returns stops the reading. */
	ck_assert_str_eq(words_of(LIT("a b c"), 0, 2, &err), "[a][b]");
	ck_assert_int_eq(err, 1);
}
END_TEST

START_TEST(test_words_nul)
{
	int err;

	/* A NUL byte ends the list; with SF_WORDS_NUL_ENDS_LINE only its line. */
	ck_assert_str_eq(words_of(LIT("a b\0c d\ne f"), 0, 0, &err), "[a][b]");
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(words_of(LIT("a b\0c d\ne f"), SF_WORDS_NUL_ENDS_LINE, 0, &err),
			 "[a][b][e][f]");
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(words_of(LIT("\0"), 0, 0, &err), ""); /* one byte: not empty */
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(words_of(LIT("ab\0"), SF_WORDS_NUL_ENDS_LINE, 0, &err), "[ab]");
	ck_assert_int_eq(err, 0);
}
END_TEST

START_TEST(test_words_big)
{
	/* More than one read's worth: words across the reads' boundaries. */
	size_t n = 200000, i;
	char *big = malloc(n), *path;
	struct words w = { 0 };

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < n; i++)
		big[i] = i % 10 == 9 ? '\n' : 'x';
	path = write_file("big", big, n);
	ck_assert_int_eq(sf_read_words(path, 0, collect, &w), 0);
	ck_assert_int_eq(w.n, 20000);
	free(path);
	free(big);
}
END_TEST

START_TEST(test_words_errors)
{
	struct words w = { 0 };

	ck_assert_int_eq(sf_read_words("/nonexistent/list", 0, collect, &w), -ENOENT);
	ck_assert_int_eq(sf_read_words(tmpdir, 0, collect, &w), -ENODATA); /* a directory */
	ck_assert_int_eq(w.n, 0);
}
END_TEST

/* ---- the directory walk ---- */

struct seen {
	char got[1024];
	const char *skip; /* a directory's name not to enter */
	int stop_after;	  /* stop (-EINTR) at this entry, or 0 */
	int n;
};

static int record(void *arg, const struct sf_walk_entry *e)
{
	static const char *const what[] = { "F", "D", "DE", "SE" };
	struct seen *s = arg;
	size_t len = strlen(s->got);

	snprintf(s->got + len, sizeof(s->got) - len, "%s%s:%s@%d", len ? " " : "", what[e->what],
		 e->path, e->depth);
	if (++s->n == s->stop_after)
		return -EINTR;
	if (e->what == SF_WALK_DIR_ERROR && !e->depth)
		ck_assert_ptr_null(e->name);
	return e->what == SF_WALK_DIR && s->skip && !strcmp(e->name, s->skip);
}

static void make_tree(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && mkdir -p t/b t/a/sub t/.hid t/z && touch t/c.o t/a/x.o t/a/sub/y.o "
		 "t/.h.o t/.hid/q.o t/b/2 t/b/1 && ln -s c.o t/lnk.o && ln -s a t/lnkdir && "
		 "ln -s nowhere t/dangling && mkfifo t/fifo",
		 tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The walk of tmpdir/t under prefix (its path as entries show it). */
static const char *walk_tree(const char *prefix, unsigned int flags, struct seen *s, int *err)
{
	char *dir;
	int fd;

	ck_assert_int_ge(asprintf(&dir, "%s/t", tmpdir), 0);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	free(dir);
	*err = sf_walk_dir(fd, prefix, flags, record, s);
	return s->got;
}

START_TEST(test_walk_sorted)
{
	struct seen s = { 0 };
	int err;

	make_tree();
	/* Name order; hidden entries, the FIFO, a dangling link and a link to a directory skipped.
	 */
	ck_assert_str_eq(walk_tree("t", SF_WALK_SORTED, &s, &err),
			 "D:t/a@1 D:t/a/sub@2 F:t/a/sub/y.o@3 F:t/a/x.o@2 D:t/b@1 F:t/b/1@2 "
			 "F:t/b/2@2 F:t/c.o@1 F:t/lnk.o@1 D:t/z@1");
	ck_assert_int_eq(err, 0);
	memset(&s, 0, sizeof(s));
	ck_assert_str_eq(walk_tree("t", SF_WALK_SORTED | SF_WALK_LSTAT, &s, &err),
			 "D:t/a@1 D:t/a/sub@2 F:t/a/sub/y.o@3 F:t/a/x.o@2 D:t/b@1 F:t/b/1@2 "
			 "F:t/b/2@2 F:t/c.o@1 F:t/lnk.o@1 D:t/z@1");
	/* Paths as sf_path_join() makes them: "." and "" add nothing, "t/" no second '/'. */
	memset(&s, 0, sizeof(s));
	s.skip = "a";
	ck_assert_str_eq(walk_tree(".", SF_WALK_SORTED, &s, &err),
			 "D:a@1 D:b@1 F:b/1@2 F:b/2@2 F:c.o@1 F:lnk.o@1 D:z@1");
	memset(&s, 0, sizeof(s));
	s.skip = "b";
	ck_assert_str_eq(walk_tree("t/", SF_WALK_SORTED, &s, &err),
			 "D:t/a@1 D:t/a/sub@2 F:t/a/sub/y.o@3 F:t/a/x.o@2 D:t/b@1 F:t/c.o@1 "
			 "F:t/lnk.o@1 D:t/z@1");
	memset(&s, 0, sizeof(s));
	s.skip = "a";
	ck_assert_str_eq(walk_tree("", SF_WALK_SORTED, &s, &err),
			 "D:a@1 D:b@1 F:b/1@2 F:b/2@2 F:c.o@1 F:lnk.o@1 D:z@1");
}
END_TEST

static int cmp_words(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_walk_unsorted)
{
	struct seen s = { 0 };
	char *words[32], *save, *w;
	size_t n = 0, i;
	char joined[1024] = "";
	int err;

	/* readdir()'s order: the same entries, each directory's before what is below the next. */
	make_tree();
	walk_tree("t", 0, &s, &err);
	ck_assert_int_eq(err, 0);
	for (w = strtok_r(s.got, " ", &save); w && n < 32; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	qsort(words, n, sizeof(*words), cmp_words);
	for (i = 0; i < n; i++)
		snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s",
			 i ? " " : "", words[i]);
	ck_assert_str_eq(joined, "D:t/a/sub@2 D:t/a@1 D:t/b@1 D:t/z@1 F:t/a/sub/y.o@3 F:t/a/x.o@2 "
				 "F:t/b/1@2 F:t/b/2@2 F:t/c.o@1 F:t/lnk.o@1");
}
END_TEST

START_TEST(test_walk_stop_and_errors)
{
	struct seen s = { 0 };
	char cmd[256];
	int err, fd;

	make_tree();
	s.stop_after = 3;
	ck_assert_str_eq(walk_tree("t", SF_WALK_SORTED, &s, &err),
			 "D:t/a@1 D:t/a/sub@2 F:t/a/sub/y.o@3");
	ck_assert_int_eq(err, -EINTR);
	/* Not a directory: the walk's own directory cannot be read (no name: it is the walk's). */
	memset(&s, 0, sizeof(s));
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sf_walk_dir(fd, "null", 0, record, &s), 0);
	ck_assert_str_eq(s.got, "DE:null@0");
	if (geteuid() == 0)
		return; /* root reads what the modes forbid */
	/* A directory that cannot be read; one that can be read, not searched (lstat fails). */
	snprintf(
		cmd, sizeof(cmd),
		"cd '%s/t' && rm -rf b a/sub z && chmod 0 a && mkdir z && touch z/f && chmod 0444 z",
		tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	memset(&s, 0, sizeof(s));
	walk_tree("t", SF_WALK_SORTED | SF_WALK_LSTAT, &s, &err);
	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(s.got, "D:t/a@1 DE:t/a@1 F:t/c.o@1 F:t/lnk.o@1 D:t/z@1 SE:t/z/f@2");
	snprintf(cmd, sizeof(cmd), "chmod 0755 '%s/t/a' '%s/t/z'", tmpdir, tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- module names ---- */

START_TEST(test_module_name)
{
	char buf[64];

	ck_assert(sf_module_name("kernel/drivers/net/foo-bar.ko.xz", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "foo_bar");
	ck_assert(sf_module_name("a-b_c.ko", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "a_b_c");
	ck_assert(sf_module_name("/x/y/snd-hda.ko.zst", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "snd_hda");
	ck_assert(sf_module_name("e1000e.ko.gz", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "e1000e");
	ck_assert(!sf_module_name("foo.o", buf, sizeof(buf)));
	ck_assert(!sf_module_name("foo.ko.bz2", buf, sizeof(buf)));
	ck_assert(!sf_module_name("dir.ko/foo.o", buf, sizeof(buf)));
	ck_assert(!sf_module_name(".ko", buf, sizeof(buf)));
	ck_assert(!sf_module_name("averyveryverylongmodulename.ko", buf, 8));
}
END_TEST

/* ---- decompression (the buffers compressed with the libraries' own encoders) ---- */

static unsigned char *sample(size_t size)
{
	unsigned char *p = malloc(size);
	size_t i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < size; i++) /* compressible, not trivial */
		p[i] = (unsigned char)((i * 7) ^ (i >> 9));
	memcpy(p, "\177ELF", 4);
	return p;
}

static unsigned char *xz(const unsigned char *in, size_t size, size_t *out)
{
	size_t cap = lzma_stream_buffer_bound(size);
	unsigned char *buf = malloc(cap);

	*out = 0;
	ck_assert_int_eq(
		lzma_easy_buffer_encode(1, LZMA_CHECK_CRC32, NULL, in, size, buf, out, cap),
		LZMA_OK);
	return buf;
}

static unsigned char *zst(const unsigned char *in, size_t size, size_t *out)
{
	size_t cap = ZSTD_compressBound(size);
	unsigned char *buf = malloc(cap);

	*out = ZSTD_compress(buf, cap, in, size, 3);
	ck_assert(!ZSTD_isError(*out));
	return buf;
}

static unsigned char *gz(const unsigned char *in, size_t size, size_t *out)
{
	size_t cap = size + 1024;
	unsigned char *buf = malloc(cap);
	z_stream z;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)in;
	z.avail_in = (unsigned int)size;
	z.next_out = buf;
	z.avail_out = (unsigned int)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out = z.total_out;
	deflateEnd(&z);
	return buf;
}

static void round_trip(enum sf_compression c,
		       unsigned char *(*enc)(const unsigned char *, size_t, size_t *))
{
	const size_t size = 300000; /* more than the first output buffer guess */
	unsigned char *plain = sample(size), *packed, *out = NULL;
	struct symfence_ctx ctx;
	size_t psize, osize;

	symfence_ctx_init(&ctx, NULL, NULL);
	packed = enc(plain, size, &psize);
	ck_assert_int_eq(sf_compression_of(packed, psize), c);
	ck_assert_int_eq(sf_decompress(&ctx, "x", c, packed, psize, size, &out, &osize), 0);
	ck_assert_uint_eq(osize, size);
	ck_assert(!memcmp(out, plain, size));
	free(out);

	/* One byte over the limit is a bomb; nothing is returned. */
	ck_assert_int_eq(sf_decompress(&ctx, "x", c, packed, psize, size - 1, &out, &osize),
			 -EFBIG);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(ctx.errors, 1);

	/* Truncated input is an error, not a short result. */
	ck_assert_int_lt(sf_decompress(&ctx, "x", c, packed, psize / 2, size, &out, &osize), 0);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(ctx.errors, 2);
	free(packed);
	free(plain);
}

START_TEST(test_decompress_xz)
{
	round_trip(SF_COMP_XZ, xz);
}
END_TEST

START_TEST(test_decompress_zstd)
{
	round_trip(SF_COMP_ZSTD, zst);
}
END_TEST

START_TEST(test_decompress_gzip)
{
	round_trip(SF_COMP_GZIP, gz);
}
END_TEST

START_TEST(test_compression_magic)
{
	ck_assert_int_eq(sf_compression_of((const unsigned char *)"\177ELF\2\1\1", 7),
			 SF_COMP_NONE);
	ck_assert_int_eq(sf_compression_of((const unsigned char *)"\x1f", 1), SF_COMP_NONE);
	ck_assert_str_eq(sf_compression_name(SF_COMP_ZSTD), "zstd");
}
END_TEST

static void capture(void *arg, const struct symfence_diag *d)
{
	char *buf = arg;
	size_t len = strlen(buf);

	symfence_diag_format(d, buf + len, 512 - len);
	strcat(buf, "|");
}

START_TEST(test_log_replay)
{
	struct sf_log log = { 0 };
	struct symfence_ctx keep, out;
	char buf[512] = "";

	symfence_ctx_init(&keep, sf_log_append, &log);
	symfence_error(&keep, "a.ko", "cannot open: %s", "No such file or directory");
	symfence_report(&keep, SYMFENCE_WARNING, "b.o", 0, 0, "f+0x4", "w %d", 1);
	symfence_ctx_init(&out, capture, buf);
	sf_log_replay(&out, &log);
	ck_assert_str_eq(
		buf,
		"a.ko: error: cannot open: No such file or directory|b.o: f+0x4: warning: w 1|");
	ck_assert_uint_eq(out.errors, 1);
	ck_assert_uint_eq(out.warnings, 1);
	sf_log_free(&log);
}
END_TEST
Suite *suite_input(void);

Suite *suite_input(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("magic");

	tcase_add_loop_test(tc, test_kind_each, 0, ARRAY_SIZE(kinds));
	tcase_add_loop_test(tc, test_kind_short, 0, ARRAY_SIZE(kinds));
	tcase_add_test(tc, test_kind_other);
	tcase_add_test(tc, test_kind_compression);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_kind_of_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("modules");
	tcase_add_test(tc, test_module_suffixes);
	tcase_add_test(tc, test_module_name);
	suite_add_tcase(s, tc);
	tc = tcase_create("decompress");
	tcase_add_test(tc, test_decompress_xz);
	tcase_add_test(tc, test_decompress_zstd);
	tcase_add_test(tc, test_decompress_gzip);
	tcase_add_test(tc, test_compression_magic);
	suite_add_tcase(s, tc);
	tc = tcase_create("log");
	tcase_add_test(tc, test_log_replay);
	suite_add_tcase(s, tc);
	tc = tcase_create("words");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_words);
	tcase_add_test(tc, test_words_nul);
	tcase_add_test(tc, test_words_big);
	tcase_add_test(tc, test_words_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("walk");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_walk_sorted);
	tcase_add_test(tc, test_walk_unsorted);
	tcase_add_test(tc, test_walk_stop_and_errors);
	suite_add_tcase(s, tc);
	return s;
}
