// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: the rules parser and its queries, and the glob matcher.
 *
 * rules.h has no in-memory parser, so the input is written to in.rules in a
 * private temporary directory that also holds files to include (a valid
 * library, a file that includes itself, a directory). Inputs that mention
 * 'include' together with a '/' are skipped: an include of /dev/zero or a
 * FIFO would read forever (that is a property of any file reader, not a
 * parser bug). When the policy loads, every pattern is matched against
 * itself and against fixed names and paths.
 *
 * A second, independent use of the same bytes: split at the first NUL (or
 * in the middle) into a glob and a subject, checked then matched by the
 * matcher in pattern.c, in symbol and path mode.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <symfence/rules.h>

#include "fuzz_common.h"
#include "pattern.h"

static char dir[256], in_path[300];

static void put_file(const char *name, const char *text)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fuzz_assert(f, "cannot create %s", path);
	fputs(text, f);
	fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	char sub[300];

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/symfence-fuzz-rules.XXXXXX", base);
	fuzz_assert(mkdtemp(dir), "mkdtemp failed");
	snprintf(in_path, sizeof(in_path), "%s/in.rules", dir);
	put_file("common.rules", "library common\n    private common_*\n    public api\n");
	put_file("cycle.rules", "include cycle.rules\nlibrary cyc\n    private c*\n");
	put_file("bad.rules", "librar x\n    privat y\n");
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	mkdir(sub, 0755);
	return 0;
}

static const char *const names[] = {
	"", "a", "dmac_flush_range", "arch_sync_dma_for_device", "dma_map_sg", "common_x", "api",
	"[", "*", "\\", "x/y", "ab*cd",
};
static const char *const paths[] = {
	"", "a.o", "lib/iommu-dma/x.o", "drivers/iommu/arm-smmu-v3.o", "foo-bar.ko", "foo_bar.ko",
	"./a/b/c.o", "a/../b.o", "/abs/x.o", "mod.ko.xz", "x/y/z/w.o",
};

static void query(const struct symfence_policy *pol)
{
	size_t l, k, i, j;

	for (i = 0; i < ARRAY_SIZE_(paths); i++)
		symfence_policy_owner(pol, paths[i]);
	for (l = 0; l < symfence_policy_nlibs(pol); l++) {
		const struct symfence_library *lib = symfence_policy_lib(pol, l);

		fuzz_assert(symfence_policy_find(pol, symfence_library_name(lib)),
			    "library '%s' cannot be found by name", symfence_library_name(lib));
		symfence_library_hint(lib);
		for (k = 0; k < SYMFENCE_PAT_KINDS; k++) {
			size_t n = symfence_library_npatterns(lib, k);

			for (i = 0; i < n; i++) {
				struct symfence_pattern_info info;

				symfence_library_pattern(lib, k, i, &info);
				fuzz_assert(info.text && info.file && info.line > 0,
					    "pattern %zu of kind %zu has no position", i, k);
				if (k == SYMFENCE_PAT_OBJECTS || k == SYMFENCE_PAT_ALLOW) {
					symfence_library_match_object(lib, k, info.text);
					symfence_object_pattern_match(info.text, info.text);
				} else if (k == SYMFENCE_PAT_WAIVE) {
					symfence_library_waived(lib, info.text, info.symbol);
				} else {
					symfence_library_match_symbol(lib, k, info.text);
				}
			}
			for (j = 0; j < ARRAY_SIZE_(names); j++) {
				if (k == SYMFENCE_PAT_OBJECTS || k == SYMFENCE_PAT_ALLOW)
					continue;
				symfence_library_match_symbol(lib, k, names[j]);
			}
			for (j = 0; j < ARRAY_SIZE_(paths); j++)
				if (k == SYMFENCE_PAT_OBJECTS || k == SYMFENCE_PAT_ALLOW)
					symfence_library_match_object(lib, k, paths[j]);
		}
		for (j = 0; j < ARRAY_SIZE_(paths); j++)
			symfence_library_waived(lib, paths[j], names[j % ARRAY_SIZE_(names)]);
	}
}

static void glob(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t split = nul ? (size_t)(nul - data) : size / 2;
	char *pat, *subject, why[128];
	int object;

	if (size > 4096)
		return;
	pat = strndup((const char *)data, split);
	subject = strndup((const char *)data + split + (nul ? 1 : 0), size - split - (nul ? 1 : 0));
	fuzz_assert(pat && subject, "out of memory");
	for (object = 0; object < 2; object++) {
		if (sf_glob_check(pat, object, why, sizeof(why)))
			continue;
		sf_glob_literal(pat);
		sf_glob_match(pat, subject, object, object);
		sf_glob_match(pat, pat, object, !object);
		if (object)
			symfence_object_pattern_match(pat, subject);
	}
	free(pat);
	free(subject);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_diags diags = { 0 };
	struct symfence_policy *pol = NULL;
	struct symfence_ctx ctx;
	const char *files[1] = { in_path };
	int fd, err;

	glob(data, size);
	if (memmem(data, size, "include", 7) && memchr(data, '/', size))
		return 0;

	fd = open(in_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	fuzz_assert(fd >= 0, "cannot write %s", in_path);
	fuzz_assert(write(fd, data, size) == (ssize_t)size, "short write");
	close(fd);

	symfence_ctx_init(&ctx, fuzz_diag, &diags);
	err = symfence_policy_load(&ctx, files, 1, &pol);
	if (err) {
		fuzz_assert(err == -EINVAL, "policy_load returned %d", err);
		fuzz_assert(diags.errors > 0, "policy_load failed without an error message");
		fuzz_assert(!pol, "policy_load failed but gave a policy");
		return 0;
	}
	fuzz_assert(diags.errors == 0, "policy loaded but %u errors were reported", diags.errors);
	query(pol);
	symfence_policy_free(pol);
	return 0;
}
