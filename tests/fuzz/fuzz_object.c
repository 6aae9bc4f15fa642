// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: the ELF reader, the localize planner and the rewrite.
 *
 * The input is the bytes of an object. It is opened in memory (the fuzzer's
 * own buffer, so a write into the input is caught), planned with a selector
 * that picks every other global (and, in a second round, none), and applied
 * with the self-verification on. Invariants checked:
 *   - every failure reports at least one error, each one line naming the file;
 *   - a successful rewrite re-opens cleanly and plans again (nothing selected);
 *   - with nothing to localize the output is byte-identical to the input;
 *   - the self-verification never finds an "internal error" in our own rewrite.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <symfence/localize.h>
#include <symfence/object.h>

#include "fuzz_common.h"

#define NAME "fuzz.o"
#define MODSIG "~Module signature appended~\n"

struct pick {
	unsigned int calls;
	unsigned int every;	/* 0: none, 1: all, 2: every other */
};

static int pick_some(void *arg, const char *name, const GElf_Sym *sym, Elf32_Word shndx)
{
	struct pick *p = arg;

	(void)name;
	(void)sym;
	(void)shndx;
	if (!p->every)
		return -1;
	return p->calls++ % p->every == 0 ? 0 : -1;
}

/* Plans and applies; returns the output (malloc'd) or NULL, with the error checks done. */
static unsigned char *localize(struct symfence_object *obj, unsigned int every, bool strip,
			       size_t *out_size, size_t *nlocalized)
{
	struct fuzz_diags diags = { .expect_file = NAME };
	struct symfence_ctx ctx;
	struct pick pick = { .every = every };
	struct symfence_localize_opts opts = {
		.select = pick_some,
		.select_arg = &pick,
		.nselectors = 1,
		.strip_signature = strip,
		.verify = true,
	};
	struct symfence_plan *plan = NULL;
	unsigned char *out = NULL;
	int err;

	symfence_ctx_init(&ctx, fuzz_diag, &diags);
	err = symfence_localize_plan(&ctx, obj, &opts, &plan);
	if (err) {
		fuzz_assert(err == -EINVAL || err == -EPERM, "plan returned %d", err);
		fuzz_assert(diags.errors > 0, "plan failed (%d) without an error message", err);
		fuzz_assert(!plan, "plan failed but gave a plan");
		return NULL;
	}
	fuzz_assert(diags.errors == 0, "plan succeeded but reported %u errors", diags.errors);
	*nlocalized = symfence_plan_count(plan);
	for (size_t i = 0; i < *nlocalized; i++)
		fuzz_assert(symfence_plan_name(plan, i) != NULL, "no name for localized %zu", i);
	err = symfence_plan_apply(&ctx, plan, &out, out_size);
	fuzz_check("verify", err != -EIO, "self-verification failed: the rewrite is inconsistent");
	if (err) {
		fuzz_assert(diags.errors > 0, "apply failed (%d) without an error message", err);
		out = NULL;
	}
	symfence_plan_free(plan);
	return out;
}

#ifndef SHT_LLVM_ADDRSIG
#define SHT_LLVM_ADDRSIG 0x6fff4c03
#endif

static bool is_patched(const GElf_Shdr *sh)
{
	switch (sh->sh_type) {
	case SHT_SYMTAB:
	case SHT_SYMTAB_SHNDX:
	case SHT_REL:
	case SHT_RELA:
	case SHT_GROUP:
	case SHT_LLVM_ADDRSIG:
		return true;
	}
	return false;
}

static bool ranges_meet(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/*
 * The known bugs that FUZZ_IGNORE can step over: "overlap", a table the
 * rewrite patches sharing bytes with another section, the ELF header or the
 * section header table; "nosymtab", an object without a .symtab (whose
 * relocations and groups are not validated, and which sf_verify misreads). Such inputs are only opened, not rewritten.
 */
static bool known_bug(struct symfence_object *obj)
{
	size_t n = symfence_object_shnum(obj), i, j;
	GElf_Ehdr eh;

	if (!gelf_getehdr(symfence_object_elf(obj), &eh))
		return false;
	for (i = 1; i < n; i++) {
		const GElf_Shdr *a = symfence_object_shdr(obj, i);

		if (!is_patched(a) || a->sh_type == SHT_NOBITS || !fuzz_ignored("overlap"))
			continue;
		if (ranges_meet(a->sh_offset, a->sh_size, 0, eh.e_ehsize) ||
		    ranges_meet(a->sh_offset, a->sh_size, eh.e_shoff, (uint64_t)n * eh.e_shentsize))
			return true;
		for (j = 1; j < n; j++) {
			const GElf_Shdr *b = symfence_object_shdr(obj, j);

			if (j != i && b->sh_type != SHT_NOBITS &&
			    ranges_meet(a->sh_offset, a->sh_size, b->sh_offset, b->sh_size))
				return true;
		}
	}
	return !symfence_object_symtab(obj) && fuzz_ignored("nosymtab");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_diags diags = { .expect_file = NAME };
	struct symfence_object *obj = NULL, *again = NULL;
	struct symfence_ctx ctx;
	unsigned char *out = NULL, *same = NULL, *same2;
	size_t out_size = 0, same_size = 0, n = 0, n2 = 0;
	bool strip = size & 1;
	int err;

	symfence_ctx_init(&ctx, fuzz_diag, &diags);
	err = symfence_object_open_mem(&ctx, NAME, (void *)data, size, false, &obj);
	if (err) {
		fuzz_assert(diags.errors > 0, "open failed (%d) without an error message", err);
		fuzz_assert(!obj, "open failed but gave an object");
		return 0;
	}
	fuzz_assert(diags.errors == 0, "open succeeded but reported %u errors", diags.errors);
	if (known_bug(obj)) {
		symfence_object_free(obj);
		return 0;
	}

	/* Nothing selected: a byte-identical copy (unless a signature is stripped). */
	same = localize(obj, 0, false, &same_size, &n);
	if (same) {
		fuzz_assert(n == 0, "nothing selected but %zu localized", n);
		fuzz_assert(same_size == size && !memcmp(same, data, size),
			    "nothing to localize, but the output differs from the input");
	}

	out = localize(obj, 2, strip, &out_size, &n);
	if (out) {
		/* The result must read back and plan again, with nothing left to do. */
		diags.errors = 0;
		err = symfence_object_open_mem(&ctx, NAME, out, out_size, false, &again);
		fuzz_assert(!err, "the rewritten object does not re-open");
		fuzz_assert(symfence_object_nsyms(again) == symfence_object_nsyms(obj),
			    "symbol count changed");
		same2 = localize(again, 0, strip, &same_size, &n2);
		/* (Unless it still ends in a signature: one of several appended.) */
		fuzz_assert(same2 || (out_size >= sizeof(MODSIG) - 1 &&
				      !memcmp(out + out_size - (sizeof(MODSIG) - 1), MODSIG,
					      sizeof(MODSIG) - 1)),
			    "the rewritten object does not plan again");
		free(same2);
		/* Everything else too: must not crash, whatever it says. */
		free(localize(again, 1, strip, &same_size, &n2));
		symfence_object_free(again);
	}

	free(out);
	free(same);
	symfence_object_free(obj);
	return 0;
}
