// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: the audit's inputs.
 *
 * Always: the input layer (src/archive.c, src/input.c) on the bytes in memory. An ar
 * archive (regular or thin) is walked and each inline member is opened as an
 * object; an xz/zstd/gzip stream is decompressed (with a small bomb limit)
 * and the result is treated the same way (one level deep); anything else is
 * opened as an object. Checked: members lie inside the archive, failures
 * report an error, every diagnostic is one line.
 *
 * With FUZZ_AUDIT_FULL (set by fuzz.mk once src/audit.c exists): the input is
 * also written to a file (named .o, .ko.xz or .a after its magic) and run
 * through the public audit API with a fixed policy, one worker.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <symfence/object.h>

#include "audit_int.h"
#include "fuzz_common.h"

#define NAME "fuzz.ko"
#define MAX_OUT ((size_t)8 << 20)

static void take(const unsigned char *p, size_t size, int depth);

static void open_object(const unsigned char *p, size_t size)
{
	struct fuzz_diags diags = { .expect_file = NAME };
	struct symfence_object *obj = NULL;
	struct symfence_ctx ctx;
	unsigned char *copy;
	int err;

	/* An exact-size copy, so that ASan sees any read past the member. */
	copy = malloc(size ? size : 1);
	fuzz_assert(copy, "out of memory");
	memcpy(copy, p, size);
	symfence_ctx_init(&ctx, fuzz_diag, &diags);
	err = symfence_object_open_mem(&ctx, NAME, copy, size, true, &obj);
	if (err) {
		fuzz_assert(diags.errors > 0, "open failed (%d) without an error message", err);
		return;
	}
	for (size_t i = 0; i < symfence_object_nsyms(obj); i++) {
		GElf_Sym sym;
		Elf32_Word shndx;
		const char *name;

		fuzz_assert(!symfence_object_sym(obj, i, &sym, &shndx, &name),
			    "symbol %zu unreadable", i);
		fuzz_assert(name, "symbol %zu has no name", i);
		if (symfence_sym_in_section(&sym))
			fuzz_assert(shndx < symfence_object_shnum(obj),
				    "symbol %zu in section %u of %zu", i, shndx,
				    symfence_object_shnum(obj));
	}
	symfence_object_free(obj);
}

struct walk {
	const unsigned char *p;
	size_t size;
	int depth;
	unsigned int members;
};

static int member(void *arg, const struct sf_ar_member *m)
{
	struct walk *w = arg;
	char name[64];
	size_t n;

	fuzz_assert(m->namelen > 0, "member with an empty name");
	fuzz_assert(strlen(m->name) == m->namelen, "member name not NUL-terminated at its length");
	fuzz_assert(m->header + 60 <= w->size, "member header 0x%llx past the end",
		    (unsigned long long)m->header);
	n = m->namelen < sizeof(name) - 1 ? m->namelen : sizeof(name) - 1;
	memcpy(name, m->name, n);	/* the name must be readable (inside the buffer) */
	name[n] = '\0';
	sf_module_name(name, name, sizeof(name));
	if (m->thin)
		return 0;	/* the data lives in another file */
	fuzz_assert(m->offset <= w->size && m->size <= w->size - m->offset,
		    "member [0x%llx, +0x%llx) outside the %zu-byte archive",
		    (unsigned long long)m->offset, (unsigned long long)m->size, w->size);
	if (++w->members > 64)
		return 1;	/* enough */
	take(w->p + m->offset, (size_t)m->size, w->depth + 1);
	return 0;
}

static void take(const unsigned char *p, size_t size, int depth)
{
	struct fuzz_diags diags = { .expect_file = NAME };
	struct symfence_ctx ctx;
	enum sf_compression c;
	int err;

	symfence_ctx_init(&ctx, fuzz_diag, &diags);
	if (depth > 2)
		return;
	if (sf_is_archive(p, size)) {
		struct walk w = { .p = p, .size = size, .depth = depth };

		/* Known bug "thinbsd": a BSD name in a thin archive is read past the end. */
		if (p[2] == 't' && memmem(p, size, "#1/", 3) && fuzz_ignored("thinbsd"))
			return;

		err = sf_ar_walk(&ctx, NAME, p, size, member, &w);
		if (err < 0)
			fuzz_assert(diags.errors > 0, "archive refused (%d) without an error", err);
		return;
	}
	c = sf_compression_of(p, size);
	sf_compression_name(c);
	if (c != SF_COMP_NONE) {
		unsigned char *out = NULL;
		size_t outsize = 0;

		err = sf_decompress(&ctx, NAME, c, p, size, MAX_OUT, &out, &outsize);
		if (err) {
			fuzz_assert(diags.errors > 0, "decompression failed (%d) without an error",
				    err);
			fuzz_assert(!out, "decompression failed but gave output");
			return;
		}
		fuzz_assert(outsize <= MAX_OUT, "decompressed %zu bytes, over the limit", outsize);
		take(out, outsize, depth + 1);
		free(out);
		return;
	}
	open_object(p, size);
}

#ifdef FUZZ_AUDIT_FULL
#include <symfence/rules.h>

static char dir[256];
static struct symfence_policy *policy;

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct symfence_ctx ctx;
	char rules[300];
	const char *files[1] = { rules };
	FILE *f;

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/symfence-fuzz-audit.XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	fuzz_assert(mkdtemp(dir), "mkdtemp failed");
	snprintf(rules, sizeof(rules), "%s/fuzz.rules", dir);
	f = fopen(rules, "w");
	fuzz_assert(f, "cannot write %s", rules);
	fputs("library lib\n    objects lib/*.o\n    private lib_* *_helper* s*\n"
	      "    allow friend*.o\n    waive x.o lib_w\n"
	      "library api\n    public api_*\n    private f*\n", f);
	fclose(f);
	symfence_ctx_init(&ctx, symfence_diag_print, stderr);
	fuzz_assert(!symfence_policy_load(&ctx, files, 1, &policy), "fixed policy does not load");
	return 0;
}

static void audit_file(const uint8_t *data, size_t size)
{
	struct fuzz_diags diags = { 0 };
	struct symfence_audit_opts opts = { .root = dir, .jobs = 1, .max_decompressed = MAX_OUT };
	struct symfence_audit *audit = NULL;
	struct symfence_audit_summary sum;
	struct symfence_ctx ctx;
	const char *suffix = ".o";
	char path[320], line[512];
	FILE *null;
	int fd;

	if (sf_is_archive(data, size))
		suffix = ".a";
	else if (sf_compression_of(data, size) == SF_COMP_XZ)
		suffix = ".ko.xz";
	else if (sf_compression_of(data, size) == SF_COMP_ZSTD)
		suffix = ".ko.zst";
	else if (sf_compression_of(data, size) == SF_COMP_GZIP)
		suffix = ".ko.gz";
	snprintf(path, sizeof(path), "%s/in%s", dir, suffix);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	fuzz_assert(fd >= 0, "cannot write %s", path);
	fuzz_assert(write(fd, data, size) == (ssize_t)size, "short write");
	close(fd);

	symfence_ctx_init(&ctx, fuzz_diag, &diags);
	fuzz_assert(!symfence_audit_new(&ctx, policy, &opts, &audit), "audit_new failed");
	if (symfence_audit_add_input(&ctx, audit, path) == 0 &&
	    symfence_audit_run(&ctx, audit) == 0) {
		symfence_audit_report_text(&ctx, audit);
		null = fopen("/dev/null", "w");
		if (null) {
			symfence_audit_write_json(audit, null);
			symfence_audit_write_sarif(audit, null);
			symfence_audit_write_github(audit, null);
			fclose(null);
		}
		symfence_audit_summary(audit, &sum);
		symfence_audit_summary_line(audit, line, sizeof(line));
		if (symfence_audit_status(audit) == 2)
			fuzz_assert(diags.errors > 0, "status 2 without an error message");
	}
	symfence_audit_free(audit);
	unlink(path);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	take(data, size, 0);
#ifdef FUZZ_AUDIT_FULL
	if (sf_is_archive(data, size) && data[2] == 't' && memmem(data, size, "#1/", 3) &&
	    fuzz_ignored("thinbsd"))
		return 0;
	audit_file(data, size);
#endif
	return 0;
}
