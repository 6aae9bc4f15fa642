// SPDX-License-Identifier: GPL-2.0-only
/*
 * The audit's scanner. For each object, only the section headers and the
 * symbol table are read first; every global or weak name goes through the
 * policy once per worker (a per-worker cache). Only objects that reference or
 * define a private symbol get their relocations read (to name the function
 * and offset of each reference) and their DWARF read (for the source line).
 *
 * Workers write into their own units only; everything is reported later, in
 * input order, by the main thread, so the output does not depend on -j.
 */
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <symfence/audit.h>
#include <symfence/localize.h>
#include <symfence/object.h>
#include <symfence/selection.h>
#include <symfence/symfence.h>

#include "audit_int.h"
#include "internal.h"
#include "object_int.h"

/* ---- findings ---- */

void sf_finding_release(struct sf_finding *f)
{
	free((char *)f->pub.function);
	free((char *)f->pub.section);
	free((char *)f->pub.symbol);
	free((char *)f->pub.src_file);
}

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

static int cmp_fold(const void *x, const void *y)
{
	const struct sf_finding *a = x, *b = y;
	int c = CMP(a->pub.kind, b->pub.kind);

	c = c ? c : strcmp(a->pub.symbol, b->pub.symbol);
	c = c ? c : CMP(a->group, b->group);
	c = c ? c : CMP(a->shndx, b->shndx);
	return c ? c : CMP(a->secoff, b->secoff);
}

static int cmp_reading(const void *x, const void *y)
{
	const struct sf_finding *a = x, *b = y;
	bool da = a->pub.kind == SYMFENCE_FIND_DEFINITION,
	     db = b->pub.kind == SYMFENCE_FIND_DEFINITION;
	int c = CMP(da, db);

	c = c ? c : CMP(a->shndx, b->shndx);
	c = c ? c : CMP(a->secoff, b->secoff);
	c = c ? c : strcmp(a->pub.symbol, b->pub.symbol);
	return c ? c : CMP(a->pub.kind, b->pub.kind);
}

size_t sf_findings_fold(struct sf_finding *v, size_t n)
{
	size_t i, out = 0;

	if (!n)
		return 0;
	sf_sort(v, n, sizeof(*v), cmp_fold);
	for (i = 1; i < n; i++) {
		struct sf_finding *last = &v[out];

		if (last->pub.kind == v[i].pub.kind && last->group == v[i].group &&
		    !strcmp(last->pub.symbol, v[i].pub.symbol))
			last->pub.count += v[i].pub.count;
		else
			v[++out] = v[i];
	}
	out++;
	sf_sort(v, out, sizeof(*v), cmp_reading);
	return out;
}

static bool has_public(const struct symfence_library *lib)
{
	return symfence_library_npatterns(lib, SYMFENCE_PAT_PUBLIC) > 0;
}

/* ---- which patterns matched something ---- */

static void hits_free(const struct symfence_audit *a, struct sf_hits *h)
{
	size_t l;

	for (l = 0; l < a->nlibs; l++) {
		if (h->priv)
			free(h->priv[l]);
		if (h->pub)
			free(h->pub[l]);
	}
	free(h->priv);
	free(h->pub);
	memset(h, 0, sizeof(*h));
}

static int hits_init(const struct symfence_audit *a, struct sf_hits *h)
{
	size_t l;

	h->priv = sf_xcalloc(a->nlibs, sizeof(*h->priv));
	h->pub = sf_xcalloc(a->nlibs, sizeof(*h->pub));
	if (!h->priv || !h->pub)
		goto nomem;
	for (l = 0; l < a->nlibs; l++) {
		const struct symfence_library *lib = symfence_policy_lib(a->policy, l);

		h->priv[l] = sf_xcalloc(symfence_library_npatterns(lib, SYMFENCE_PAT_PRIVATE), 1);
		h->pub[l] = sf_xcalloc(symfence_library_npatterns(lib, SYMFENCE_PAT_PUBLIC), 1);
		if (!h->priv[l] || !h->pub[l])
			goto nomem;
	}
	return 0;
nomem:
	hits_free(a, h);
	return -ENOMEM;
}

static void mark(void *arg, size_t i)
{
	((bool *)arg)[i] = true;
}

/* Every private and public pattern that matches name. */
static void hits_mark(const struct symfence_audit *a, struct sf_hits *h, const char *name)
{
	size_t l;

	for (l = 0; l < a->nlibs; l++) {
		const struct symfence_library *lib = symfence_policy_lib(a->policy, l);

		symfence_library_match_symbol_each(lib, SYMFENCE_PAT_PRIVATE, name, mark,
						   h->priv[l]);
		symfence_library_match_symbol_each(lib, SYMFENCE_PAT_PUBLIC, name, mark, h->pub[l]);
	}
}

static void hits_merge(const struct symfence_audit *a, struct sf_hits *to,
		       const struct sf_hits *from)
{
	size_t l, i;

	for (l = 0; l < a->nlibs; l++) {
		const struct symfence_library *lib = symfence_policy_lib(a->policy, l);

		for (i = 0; i < symfence_library_npatterns(lib, SYMFENCE_PAT_PRIVATE); i++)
			to->priv[l][i] |= from->priv[l][i];
		for (i = 0; i < symfence_library_npatterns(lib, SYMFENCE_PAT_PUBLIC); i++)
			to->pub[l][i] |= from->pub[l][i];
	}
}

/* ---- the audit ---- */

int symfence_audit_new(struct symfence_ctx *ctx, const struct symfence_policy *policy,
		       const struct symfence_audit_opts *opts, struct symfence_audit **out)
{
	struct symfence_audit *a;

	*out = NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		goto nomem;
	a->policy = policy;
	a->nlibs = symfence_policy_nlibs(policy);
	a->jobs = opts ? opts->jobs : 0;
	a->max_decompressed = opts && opts->max_decompressed ? opts->max_decompressed
							     : SYMFENCE_AUDIT_MAX_DECOMPRESSED;
	if (opts && opts->root && strcmp(opts->root, ".")) {
		a->root = strdup(opts->root);
		if (!a->root)
			goto nomem;
	}
	a->in.root = a->root;
	a->root_abs = realpath(a->root ? a->root : ".", NULL);
	if (!a->root_abs) {
		symfence_error(ctx, a->root ? a->root : ".",
			       "cannot resolve the root directory: %s", strerror(errno));
		symfence_audit_free(a);
		return -ENOENT;
	}
	a->libdefs = sf_xcalloc(a->nlibs, sizeof(*a->libdefs));
	a->libseen = sf_xcalloc(a->nlibs, sizeof(*a->libseen));
	a->strict = opts && opts->strict;
	if (!a->libdefs || !a->libseen || hits_init(a, &a->hits))
		goto nomem;
	*out = a;
	return 0;
nomem:
	symfence_error(ctx, NULL, "out of memory");
	symfence_audit_free(a);
	return -ENOMEM;
}

void symfence_audit_free(struct symfence_audit *a)
{
	size_t i, j;

	if (!a)
		return;
	for (i = 0; i < a->nunits; i++) {
		struct sf_unit *u = &a->units[i];

		if (!a->ran)
			for (j = 0; j < u->nfindings; j++)
				sf_finding_release(&u->findings[j]);
		if (!a->ran)
			free(u->findings);
		sf_log_free(&u->log);
		free(u->file);
		free(u->display);
		free(u->path);
	}
	free(a->units);
	for (i = 0; i < a->nfindings; i++)
		sf_finding_release(&a->findings[i]);
	free(a->findings);
	for (i = 0; i < a->nstale; i++) {
		free(a->stale[i].object);
		free(a->stale[i].symbol);
	}
	free(a->stale);
	for (i = 0; i < a->nbaseline; i++) {
		free(a->baseline[i].object);
		free(a->baseline[i].symbol);
	}
	free(a->baseline);
	free(a->baseline_path);
	for (i = 0; a->libdefs && i < a->nlibs; i++)
		sf_htab_free(&a->libdefs[i]);
	free(a->libdefs);
	sf_htab_free(&a->vmdefs);
	hits_free(a, &a->hits);
	free(a->libseen);
	for (i = 0; i < a->nstrs; i++)
		free(a->strs[i]);
	free(a->strs);
	sf_log_free(&a->global);
	sf_inputs_free(&a->in);
	free(a->root);
	free(a->root_abs);
	free(a);
}

/* ---- the inputs ---- */

char *sf_policy_path(const struct symfence_audit *a, const char *path)
{
	return sf_rule_path(path, a->root, a->root_abs);
}

static struct sf_unit *new_unit(struct symfence_audit *a)
{
	struct sf_unit *u;

	if (sf_grow(a->units, a->cap, a->nunits + 1, 64))
		return NULL;
	u = &a->units[a->nunits++];
	memset(u, 0, sizeof(*u));
	return u;
}

int symfence_audit_add_input(struct symfence_ctx *ctx, struct symfence_audit *a, const char *arg)
{
	int err = sf_inputs_add(&a->in, arg);
	size_t i;

	/* What the expansion found becomes the units, in its order. */
	for (i = 0; i < a->in.n; i++) {
		struct sf_input *in = &a->in.v[i];
		struct sf_unit *u = err ? NULL : new_unit(a);

		if (!u || (in->name && !(u->path = sf_policy_path(a, in->name)))) {
			err = -ENOMEM;
			sf_input_release(in);
			continue;
		}
		u->file = in->file;
		u->member = in->member;
		u->offset = in->offset;
		u->size = in->size;
		u->display = in->display;
		u->log = in->log;
		u->unreadable = in->unreadable;
		free(in->name);
		memset(in, 0, sizeof(*in));
	}
	a->in.n = 0;
	if (err)
		symfence_error(ctx, arg, "out of memory");
	return err;
}

int symfence_audit_check_output(struct symfence_ctx *ctx, const struct symfence_audit *a,
				const char *output)
{
	const char *input = sf_inputs_taken(&a->in, output);

	if (!input)
		return 0;
	symfence_error(ctx, NULL, "output '%s' is the same file as the input '%s'", output, input);
	return -EEXIST;
}

/* ---- reading one unit ---- */

static bool is_bitcode(const unsigned char *p, size_t size)
{
	enum sf_file_kind k = sf_file_kind_of(p, size);

	return k == SF_FILE_BITCODE || k == SF_FILE_BITCODE_WRAPPER;
}

/* 0 with *obj; 1 skipped (reported); a negative errno (reported). */
static int load_unit(struct symfence_ctx *ctx, const struct symfence_audit *a,
		     const struct sf_unit *u, struct sf_image *img, struct symfence_object **obj)
{
	int err;

	*obj = NULL;
	err = sf_image_read(ctx, u->file, u->member, u->offset, u->size, u->display,
			    a->max_decompressed, img);
	if (err)
		return err;
	if (is_bitcode(img->p, img->size)) {
		symfence_warning(
			ctx, u->display,
			"LLVM bitcode (built with -flto?), not audited: audit the objects after the LTO link");
		return 1;
	}
	err = symfence_object_open_mem(ctx, u->display, (void *)img->p, img->size, false, obj);
	if (err)
		return err;
	if (sf_obj_ehdr(*obj)->e_type != ET_REL) {
		symfence_error(
			ctx, u->display,
			"not a relocatable object (an executable or shared object?); audit .o and .ko files and archives");
		symfence_object_free(*obj);
		*obj = NULL;
		return -EINVAL;
	}
	return 0;
}

/* ---- the policy, cached per worker ---- */

/*
 * libdefs values. A name only local symbols of the library's objects define
 * (a sealed library's private symbols, its static helpers) is the library's
 * unless an input outside it or --vmlinux defines it as a global: then that
 * global is another symbol, which references bind to.
 */
#define SF_DEF_GLOBAL SIZE_MAX /* a global or weak symbol (sf_htab_put's default) */
#define SF_DEF_LOCAL 0
/* A classification through an SF_DEF_LOCAL name: scan_unit() looks for such globals. */
#define SF_BY_LOCAL (SIZE_MAX / 2 + 1)

struct sf_worker {
	struct symfence_audit *a;
	atomic_size_t *next;
	struct sf_htab cache; /* name -> classification */
	char **chunks;	      /* the cache's keys */
	size_t nchunks;
	char *chunk;
	size_t left;
	size_t stride;		/* classification = 1 + lib * stride + pattern + 1 */
	signed char *exempt;	/* [nlibs] for the current unit: -1 not known yet */
	struct sf_finding *raw; /* scratch: one per relocation */
	size_t nraw, rawcap;
	struct sf_hits hits; /* this worker's: merged after the scan */
	/* SF_BY_LOCAL names defined as globals outside their library (keys: the cache's) */
	struct sf_htab shadow;
};

static const char *worker_dup(struct sf_worker *w, const char *s, size_t len)
{
	char *p, **v;

	if (w->left < len + 1) {
		size_t size = len + 1 > 65536 ? len + 1 : 65536;

		v = realloc(w->chunks, (w->nchunks + 1) * sizeof(*v));
		if (!v)
			return NULL;
		w->chunks = v;
		w->chunk = malloc(size);
		if (!w->chunk) {
			w->left = 0;
			return NULL;
		}
		w->chunks[w->nchunks++] = w->chunk;
		w->left = size;
	}
	p = w->chunk;
	memcpy(p, s, len);
	p[len] = '\0';
	w->chunk += len + 1;
	w->left -= len + 1;
	return p;
}

static void worker_free(struct sf_worker *w)
{
	size_t i;

	sf_htab_free(&w->cache);
	sf_htab_free(&w->shadow);
	for (i = 0; i < w->nchunks; i++)
		free(w->chunks[i]);
	free(w->chunks);
	free(w->exempt);
	free(w->raw);
	hits_free(w->a, &w->hits);
}

/*
 * Which library makes name private, and how; 0 when none. Each name comes
 * here once per worker: it also marks the patterns it matches.
 */
static size_t classify_uncached(struct sf_worker *w, const char *name, uint64_t hash, size_t len)
{
	const struct symfence_audit *a = w->a;
	size_t i, by_local = 0;
	struct sf_hent *e;
	int p;

	hits_mark(a, &w->hits, name);
	for (i = 0; i < a->nlibs; i++) {
		p = symfence_library_match_symbol(symfence_policy_lib(a->policy, i),
						  SYMFENCE_PAT_PRIVATE, name);
		if (p >= 0)
			return 1 + i * w->stride + (size_t)p + 1;
	}
	for (i = 0; i < a->nlibs; i++) {
		const struct symfence_library *lib = symfence_policy_lib(a->policy, i);

		/* As seal does: a module's entry points are never private by "not public". */
		if (!a->libdefs[i].n || !has_public(lib) ||
		    !(e = sf_htab_get(&a->libdefs[i], hash, name, len)) ||
		    symfence_library_match_symbol(lib, SYMFENCE_PAT_PUBLIC, name) >= 0 ||
		    symfence_module_entry_point(name))
			continue;
		/* A library's global wins over a library's local: only a local can be shadowed. */
		if (e->val != SF_DEF_LOCAL)
			return 1 + i * w->stride;
		if (!by_local)
			by_local = (1 + i * w->stride) | SF_BY_LOCAL;
	}
	/*
	 * (Only an audited object shadows a library's local, never --vmlinux:
	 * a vmlinux built without the seal lists the library's own private
	 * helpers as globals, and would pass their callers.)
	 */
	return by_local;
}

/* A global definition of name outside its library: the library's local is another symbol. */
static int shadow(struct sf_worker *w, const char *name)
{
	size_t len = strlen(name);
	struct sf_hent *e = sf_htab_get(&w->cache, sf_hash(name, len, false), name, len);

	return e && sf_htab_put(&w->shadow, e->key, len) ? 0 : -ENOMEM;
}

static size_t classify(struct sf_worker *w, const char *name)
{
	size_t len = strlen(name), v;
	uint64_t hash = sf_hash(name, len, false);
	struct sf_hent *e = sf_htab_get(&w->cache, hash, name, len);
	const char *key;

	if (e)
		return e->val;
	v = classify_uncached(w, name, hash, len);
	key = worker_dup(w, name, len);
	if (key) {
		e = sf_htab_put(&w->cache, key, len);
		if (e)
			e->val = v;
	}
	return v;
}

static bool exempt(struct sf_worker *w, const struct sf_unit *u, size_t lib)
{
	const struct symfence_library *l;

	if (w->exempt[lib] < 0) {
		l = symfence_policy_lib(w->a->policy, lib);
		w->exempt[lib] =
			symfence_library_match_object(l, SYMFENCE_PAT_OBJECTS, u->path) >= 0 ||
			symfence_library_match_object(l, SYMFENCE_PAT_ALLOW, u->path) >= 0;
	}
	return w->exempt[lib];
}

/* ---- locating references ---- */

struct sf_func {
	size_t shndx, sym;
	uint64_t value, size;
	int rank; /* global before weak before local */
	const char *name;
};

static int cmp_func(const void *x, const void *y)
{
	const struct sf_func *a = x, *b = y;
	int c = CMP(a->shndx, b->shndx);

	c = c ? c : CMP(a->value, b->value);
	c = c ? c : CMP(a->rank, b->rank);
	return c ? c : CMP(a->sym, b->sym);
}

/* The function symbols of obj that have a size, sorted by (section, address). */
static struct sf_func *function_index(struct symfence_object *obj, size_t *n)
{
	size_t nsyms = symfence_object_nsyms(obj), i;
	struct sf_func *v = sf_xcalloc(nsyms, sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (i = 1; i < nsyms; i++) {
		GElf_Sym s;
		Elf32_Word shndx;
		const char *name;
		int type, bind, rank;

		if (symfence_object_sym(obj, i, &s, &shndx, &name))
			continue;
		type = GELF_ST_TYPE(s.st_info);
		bind = GELF_ST_BIND(s.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || !s.st_size || !*name ||
		    !symfence_sym_in_section(&s))
			continue;
		/* Globals first; init_module and cleanup_module last (see covering()). */
		if (symfence_module_entry_point(name))
			rank = 3;
		else
			rank = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
		v[(*n)++] = (struct sf_func){ shndx, i, s.st_value, s.st_size, rank, name };
	}
	sf_sort(v, *n, sizeof(*v), cmp_func);
	return v;
}

/* The function covering offset off of section shndx, or NULL. */
static const struct sf_func *covering(const struct sf_func *v, size_t n, size_t shndx, uint64_t off)
{
	size_t lo = 0, hi = n, k;

	while (lo < hi) { /* first entry after (shndx, off) */
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].shndx < shndx || (v[mid].shndx == shndx && v[mid].value <= off))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || v[lo - 1].shndx != shndx)
		return NULL;
	/*
	 * Aliases share an address: the best ranked one that covers off. A
	 * module's init_module and cleanup_module are aliases module_init()
	 * and module_exit() make of the driver's own function: that one is named.
	 */
	for (k = lo - 1; k > 0 && v[k - 1].shndx == shndx && v[k - 1].value == v[lo - 1].value; k--)
		;
	for (; k < lo; k++)
		if (off - v[k].value < v[k].size)
			return &v[k];
	return NULL;
}

/* A symbol of the object that is a finding, by symbol index. */
struct sf_flag {
	size_t sym;
	enum symfence_finding_kind kind;
	size_t lib;
	int pattern;
	const char *name;
	Elf32_Word shndx; /* 0 when not in a real section (SHN_UNDEF, SHN_ABS, SHN_COMMON) */
	uint64_t value;
	bool referenced;
};

static struct sf_finding *raw_add(struct sf_worker *w)
{
	if (sf_grow(w->raw, w->rawcap, w->nraw + 1, 64))
		return NULL;
	memset(&w->raw[w->nraw], 0, sizeof(w->raw[0]));
	return &w->raw[w->nraw++];
}

static struct sf_finding *raw_flag(struct sf_worker *w, const struct sf_flag *fl)
{
	struct sf_finding *f = raw_add(w);

	if (!f)
		return NULL;
	f->pub.kind = fl->kind;
	f->pub.symbol = fl->name;
	f->pub.pattern = fl->pattern;
	f->lib = fl->lib;
	f->group = SIZE_MAX;
	return f;
}

/* One raw finding per relocation that names a flagged symbol, from SHF_ALLOC sections. */
static int locate(struct symfence_ctx *ctx, struct sf_worker *w, struct symfence_object *obj,
		  struct sf_flag *flags, size_t nflags, const size_t *flag_of)
{
	size_t shnum = symfence_object_shnum(obj), symtab = symfence_object_symtab(obj);
	size_t nfuncs, s, j;
	struct sf_func *funcs = function_index(obj, &nfuncs);
	int err = 0;

	if (!funcs)
		return -ENOMEM;
	for (s = 1; s < shnum && !err; s++) {
		const GElf_Shdr *sh = symfence_object_shdr(obj, s), *target;
		size_t n;

		if ((sh->sh_type != SHT_REL && sh->sh_type != SHT_RELA) || sh->sh_link != symtab)
			continue;
		err = symfence_object_check_relocs(ctx, obj, s);
		if (err)
			break;
		target = symfence_object_shdr(obj, sh->sh_info);
		if (!(target->sh_flags & SHF_ALLOC))
			continue;
		n = sf_obj_nrels(obj, s);
		for (j = 0; j < n; j++) {
			const struct sf_func *fn;
			struct sf_finding *f;
			struct sf_rel r;
			size_t sym;

			sf_obj_rel(obj, s, j, &r);
			sym = r.sym; /* < nsyms: checked above */
			if (flag_of[sym] == SIZE_MAX)
				continue;
			/* A definition is one finding, at the definition, however used. */
			if (flags[flag_of[sym]].kind == SYMFENCE_FIND_DEFINITION)
				continue;
			flags[flag_of[sym]].referenced = true;
			f = raw_flag(w, &flags[flag_of[sym]]);
			if (!f) {
				err = -ENOMEM;
				break;
			}
			f->shndx = sh->sh_info;
			f->secoff = r.offset;
			f->pub.count = 1;
			f->pub.section = symfence_object_secname(obj, sh->sh_info);
			fn = covering(funcs, nfuncs, sh->sh_info, r.offset);
			if (fn) {
				f->pub.function = fn->name;
				f->pub.offset = r.offset - fn->value;
				f->group = fn->sym;
			} else {
				f->pub.offset = r.offset;
				f->group = SIZE_MAX - sh->sh_info;
			}
		}
	}
	/* Definitions, and references that no relocation of the code uses. */
	for (j = 0; j < nflags && !err; j++) {
		struct sf_finding *f;

		if (flags[j].kind != SYMFENCE_FIND_DEFINITION && flags[j].referenced)
			continue;
		f = raw_flag(w, &flags[j]);
		if (!f) {
			err = -ENOMEM;
			break;
		}
		if (flags[j].kind == SYMFENCE_FIND_DEFINITION) {
			f->shndx = flags[j].shndx;
			f->secoff = flags[j].value;
			f->pub.offset = flags[j].value;
			if (f->shndx)
				f->pub.section = symfence_object_secname(obj, f->shndx);
		}
	}
	free(funcs);
	return err;
}

/* ---- source lines ---- */

static bool has_dwarf(const struct symfence_object *obj)
{
	size_t i;

	for (i = 1; i < symfence_object_shnum(obj); i++) {
		const char *name = symfence_object_secname(obj, i);

		if (!strcmp(name, ".debug_line") || !strcmp(name, ".zdebug_line"))
			return true;
	}
	return false;
}

/*
 * Source lines through libdwfl, which relocates the DWARF of a relocatable
 * object (it lays the sections out and applies .rela.debug_*). It works on a
 * private copy: relocating writes into the image. One object at a time:
 * elfutils is not built thread-safe everywhere, and only objects with
 * findings get here.
 */
static pthread_mutex_t dwarf_lock = PTHREAD_MUTEX_INITIALIZER;

static void source_lines(const struct symfence_audit *a, struct symfence_object *obj,
			 struct sf_finding *v, size_t n)
{
	static char *debuginfo_path;
	static const Dwfl_Callbacks cb = {
		.find_elf = dwfl_build_id_find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.section_address = dwfl_offline_section_address,
		.debuginfo_path = &debuginfo_path,
	};
	const unsigned char *image;
	Dwfl_Module *mod;
	Dwfl *dwfl = NULL;
	char *copy = NULL;
	GElf_Addr bias;
	size_t size, i;
	Elf *elf;

	image = symfence_object_image(obj, &size);
	copy = malloc(size);
	if (!copy)
		return;
	memcpy(copy, image, size);
	dwfl = dwfl_begin(&cb);
	if (!dwfl)
		goto out;
	dwfl_report_begin(dwfl);
	mod = dwfl_report_offline_memory(dwfl, symfence_object_name(obj), symfence_object_name(obj),
					 copy, size);
	if (dwfl_report_end(dwfl, NULL, NULL) || !mod)
		goto out;
	elf = dwfl_module_getelf(mod, &bias);
	if (!elf)
		goto out;
	for (i = 0; i < n; i++) {
		const char *file;
		Dwfl_Line *line;
		GElf_Shdr sh;
		Elf_Scn *scn;
		int lineno = 0;

		if (!v[i].shndx || !(scn = elf_getscn(elf, v[i].shndx)) || !gelf_getshdr(scn, &sh))
			continue;
		line = dwfl_module_getsrc(mod, sh.sh_addr + bias + v[i].secoff);
		file = line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
		if (!file || lineno <= 0)
			continue;
		if (file[0] == '/')
			file = symfence_relative_path(file, a->root_abs);
		v[i].pub.src_file = strdup(file);
		v[i].pub.src_line = (unsigned int)lineno;
	}
out:
	dwfl_end(dwfl);
	free(copy);
}

/* ---- scanning ---- */

static void rule_of(struct sf_finding *f, const struct symfence_library *lib)
{
	struct symfence_pattern_info info = { 0 };

	if (f->pub.pattern >= 0)
		symfence_library_pattern(lib, SYMFENCE_PAT_PRIVATE, (size_t)f->pub.pattern, &info);
	else if (symfence_library_npatterns(lib, SYMFENCE_PAT_PUBLIC))
		symfence_library_pattern(lib, SYMFENCE_PAT_PUBLIC, 0, &info);
	f->pub.rule_file = info.file ? info.file : symfence_library_file(lib);
	f->pub.rule_line = info.file ? info.line : symfence_library_line(lib);
	f->pub.rule_col = info.file ? info.col : 0;
}

/* The worker's raw findings, folded, become the unit's (with copied strings). */
static int keep_findings(struct sf_worker *w, struct sf_unit *u, struct symfence_object *obj)
{
	size_t n = sf_findings_fold(w->raw, w->nraw), i;
	struct sf_finding *v = sf_xcalloc(n, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct sf_finding *f = &v[i];

		*f = w->raw[i];
		f->pub.lib = symfence_policy_lib(w->a->policy, f->lib);
		f->pub.object = u->display;
		f->pub.path = u->path;
		f->pub.symbol = strdup(f->pub.symbol);
		f->pub.function = sf_strdup(f->pub.function);
		f->pub.section = sf_strdup(f->pub.section);
		rule_of(f, f->pub.lib);
		if (!f->pub.symbol) {
			u->findings = v;
			u->nfindings = i + 1;
			return -ENOMEM;
		}
	}
	u->findings = v;
	u->nfindings = n;
	if (has_dwarf(obj)) {
		pthread_mutex_lock(&dwarf_lock);
		source_lines(w->a, obj, v, n);
		pthread_mutex_unlock(&dwarf_lock);
	}
	return 0;
}

static void scan_unit(struct sf_worker *w, struct sf_unit *u)
{
	struct symfence_object *obj = NULL;
	struct sf_image img = { 0 };
	struct symfence_ctx uctx;
	struct sf_flag *flags = NULL;
	size_t *flag_of = NULL, nflags = 0, nsyms, i;
	bool lto = false;
	int err;

	symfence_ctx_init(&uctx, sf_log_append, &u->log);
	err = load_unit(&uctx, w->a, u, &img, &obj);
	if (err) {
		u->unreadable = err < 0;
		u->skipped = err > 0;
		goto out;
	}
	memset(w->exempt, -1, w->a->nlibs);
	nsyms = symfence_object_nsyms(obj);
	for (i = 1; i < nsyms; i++) {
		GElf_Sym s;
		Elf32_Word shndx;
		const char *name;
		size_t v, lib;
		int bind, type;

		if (symfence_object_sym(obj, i, &s, &shndx, &name))
			continue;
		bind = GELF_ST_BIND(s.st_info);
		type = GELF_ST_TYPE(s.st_info);
		if (type == STT_SECTION || type == STT_FILE || !*name)
			continue;
		if (bind == STB_LOCAL) {
			/* A sealed library defines its private symbols as locals: they match. */
			if (shndx != SHN_UNDEF)
				hits_mark(w->a, &w->hits, name);
			continue;
		}
		if (name[0] == '_' && !strcmp(name, "__gnu_lto_slim"))
			lto = true;
		v = classify(w, name);
		if (!v)
			continue;
		lib = ((v & ~SF_BY_LOCAL) - 1) / w->stride;
		if ((v & SF_BY_LOCAL) && shndx != SHN_UNDEF &&
		    symfence_library_match_object(symfence_policy_lib(w->a->policy, lib),
						  SYMFENCE_PAT_OBJECTS, u->path) < 0) {
			err = shadow(w, name);
			if (err)
				goto out;
			continue;
		}
		v &= ~SF_BY_LOCAL;
		if (exempt(w, u, lib))
			continue;
		if (!flags) {
			flags = sf_xcalloc(nsyms, sizeof(*flags));
			flag_of = sf_xcalloc(nsyms, sizeof(*flag_of));
			if (!flags || !flag_of) {
				err = -ENOMEM;
				goto out;
			}
			memset(flag_of, 0xff, nsyms * sizeof(*flag_of));
		}
		flag_of[i] = nflags;
		flags[nflags++] = (struct sf_flag){
			.sym = i,
			.kind = shndx != SHN_UNDEF ? SYMFENCE_FIND_DEFINITION
				: bind == STB_WEAK ? SYMFENCE_FIND_WEAK_REFERENCE
						   : SYMFENCE_FIND_REFERENCE,
			.lib = lib,
			.pattern = (int)((v - 1) % w->stride) - 1,
			.name = name,
			.shndx = symfence_sym_in_section(&s) ? shndx : 0,
			.value = s.st_value,
		};
	}
	if (lto) {
		symfence_warning(
			&uctx, u->display,
			"GCC LTO object without machine code (-flto without -ffat-lto-objects), not audited: audit the objects after the LTO link");
		u->skipped = true;
		goto out;
	}
	u->audited = true;
	if (!nflags)
		goto out;
	w->nraw = 0;
	err = locate(&uctx, w, obj, flags, nflags, flag_of);
	if (!err)
		err = keep_findings(w, u, obj);
	if (err && uctx.errors)
		u->unreadable = true;
out:
	if (err == -ENOMEM) {
		symfence_error(&uctx, u->display, "out of memory");
		u->unreadable = true;
	}
	free(flags);
	free(flag_of);
	symfence_object_free(obj);
	sf_image_release(&img);
}

static int worker_init(struct sf_worker *w, struct symfence_audit *a, atomic_size_t *next)
{
	size_t i, stride = 1;

	memset(w, 0, sizeof(*w));
	w->a = a;
	w->next = next;
	for (i = 0; i < a->nlibs; i++) {
		size_t n = symfence_library_npatterns(symfence_policy_lib(a->policy, i),
						      SYMFENCE_PAT_PRIVATE);

		if (n + 1 > stride)
			stride = n + 1;
	}
	w->stride = stride;
	w->exempt = malloc(a->nlibs ? a->nlibs : 1);
	if (!w->exempt || hits_init(a, &w->hits))
		return -ENOMEM;
	return 0;
}

static void *worker_main(void *arg)
{
	struct sf_worker *w = arg;
	size_t i;

	while ((i = atomic_fetch_add(w->next, 1)) < w->a->nunits)
		if (w->a->units[i].file)
			scan_unit(w, &w->a->units[i]);
	return NULL;
}

static unsigned int cpus(void)
{
	cpu_set_t set;
	long n;

	if (!sched_getaffinity(0, sizeof(set), &set) && CPU_COUNT(&set) > 0)
		return (unsigned int)CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned int)n : 1;
}

/*
 * The findings through a library's local name that an input outside the
 * library defines as a global: references bind to that one. The workers'
 * shadow tables borrow their caches' keys: before worker_free().
 */
static int drop_shadowed(struct symfence_audit *a, const struct sf_worker *w, unsigned int jobs)
{
	struct sf_htab all = { 0 };
	size_t i, j, k, n;
	int err = 0;

	for (i = 0; i < jobs && !err; i++)
		for (k = 0; k < w[i].shadow.cap && !err; k++)
			if (w[i].shadow.ents[k].key &&
			    !sf_htab_put(&all, w[i].shadow.ents[k].key, w[i].shadow.ents[k].len))
				err = -ENOMEM;
	for (i = 0; i < a->nunits && all.n && !err; i++) {
		struct sf_unit *u = &a->units[i];

		for (j = n = 0; j < u->nfindings; j++) {
			const char *s = u->findings[j].pub.symbol;
			size_t len = strlen(s);

			if (sf_htab_get(&all, sf_hash(s, len, false), s, len))
				sf_finding_release(&u->findings[j]);
			else
				u->findings[n++] = u->findings[j];
		}
		u->nfindings = n;
	}
	sf_htab_free(&all);
	return err;
}

static int scan_all(struct symfence_ctx *ctx, struct symfence_audit *a)
{
	unsigned int jobs = a->jobs ? a->jobs : cpus(), started = 0, i;
	struct sf_worker *w;
	pthread_t *tids;
	atomic_size_t next = 0;
	int err = 0;

	if (jobs > a->nunits)
		jobs = a->nunits ? (unsigned int)a->nunits : 1;
	w = sf_xcalloc(jobs, sizeof(*w));
	tids = sf_xcalloc(jobs, sizeof(*tids));
	if (!w || !tids) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < jobs && !err; i++)
		err = worker_init(&w[i], a, &next);
	if (err)
		goto out;
	for (i = 1; i < jobs; i++) {
		if (pthread_create(&tids[i], NULL, worker_main, &w[i]))
			break; /* fewer threads, same result */
		started++;
	}
	worker_main(&w[0]);
	for (i = 1; i <= started; i++)
		pthread_join(tids[i], NULL);
	for (i = 0; i < jobs; i++)
		hits_merge(a, &a->hits, &w[i].hits);
	err = drop_shadowed(a, w, jobs);
out:
	for (i = 0; w && i < jobs; i++)
		worker_free(&w[i]);
	free(w);
	free(tids);
	if (err)
		symfence_error(ctx, NULL, "out of memory");
	return err;
}

/* ---- pass 1: what the libraries with public patterns define ---- */

static int keep_str(struct symfence_audit *a, const char *s, size_t len, const char **out)
{
	if (sf_grow(a->strs, a->strcap, a->nstrs + 1, 256))
		return -ENOMEM;
	a->strs[a->nstrs] = strndup(s, len);
	if (!a->strs[a->nstrs])
		return -ENOMEM;
	*out = a->strs[a->nstrs++];
	return 0;
}

/* A global wins over a local of the same name (another object's static helper). */
int sf_audit_define(struct symfence_audit *a, struct sf_htab *defs, const char *name, size_t len)
{
	uint64_t hash = sf_hash(name, len, false);
	struct sf_hent *e;
	const char *key;
	int err;

	if (!len)
		return 0;
	e = sf_htab_get(defs, hash, name, len);
	if (e) {
		e->val = SF_DEF_GLOBAL;
		return 0;
	}
	err = keep_str(a, name, len, &key);
	if (!err && !sf_htab_put(defs, key, len))
		err = -ENOMEM;
	return err;
}

/* The names obj defines as globals (or weak) go into defs; *count (may be NULL) counts them. */
int sf_audit_define_object(struct symfence_audit *a, struct sf_htab *defs,
			   struct symfence_object *obj, size_t *count)
{
	size_t i, nsyms = symfence_object_nsyms(obj);
	int err = 0;

	for (i = 1; i < nsyms && !err; i++) {
		GElf_Sym s;
		Elf32_Word shndx;
		const char *name;

		if (symfence_object_sym(obj, i, &s, &shndx, &name) || shndx == SHN_UNDEF ||
		    GELF_ST_BIND(s.st_info) == STB_LOCAL || !*name)
			continue;
		err = sf_audit_define(a, defs, name, strlen(name));
		if (count)
			(*count)++;
	}
	return err;
}

/*
 * The names obj defines as locals, as SF_DEF_LOCAL unless already there: a
 * sealed library's private symbols are locals. Any type localize makes local
 * (not section or file symbols); not the assembler's own labels (.L*) and
 * mapping symbols ($a, $d, $t, $x...), which no reference names.
 */
static int define_locals(struct symfence_audit *a, struct sf_htab *defs,
			 struct symfence_object *obj)
{
	size_t i, len, nsyms = symfence_object_nsyms(obj);
	struct sf_hent *e;
	const char *key;
	int err = 0, type;

	for (i = 1; i < nsyms && !err; i++) {
		GElf_Sym s;
		Elf32_Word shndx;
		const char *name;

		if (symfence_object_sym(obj, i, &s, &shndx, &name) || shndx == SHN_UNDEF ||
		    GELF_ST_BIND(s.st_info) != STB_LOCAL || !*name || name[0] == '$' ||
		    !strncmp(name, ".L", 2))
			continue;
		type = GELF_ST_TYPE(s.st_info);
		len = strlen(name);
		if (type == STT_SECTION || type == STT_FILE ||
		    sf_htab_get(defs, sf_hash(name, len, false), name, len))
			continue;
		err = keep_str(a, name, len, &key);
		if (!err && !(e = sf_htab_put(defs, key, len)))
			err = -ENOMEM;
		if (!err)
			e->val = SF_DEF_LOCAL;
	}
	return err;
}

/* One object of the library: its definitions. 0, 1 when it cannot be read (reported in ctx). */
static int collect_definitions(struct symfence_ctx *ctx, struct symfence_audit *a,
			       const struct sf_unit *u, size_t lib)
{
	struct symfence_object *obj = NULL;
	struct sf_image img = { 0 };
	int err;

	if (load_unit(ctx, a, u, &img, &obj)) {
		sf_image_release(&img);
		return 1;
	}
	err = sf_audit_define_object(a, &a->libdefs[lib], obj, NULL);
	if (!err)
		err = define_locals(a, &a->libdefs[lib], obj);
	symfence_object_free(obj);
	sf_image_release(&img);
	return err;
}

/*
 * The objects its objects patterns match below the root, for a library none of
 * whose objects is among the inputs. 0 when all were read; 1 when they could
 * not all be found or read (reported into gctx); or -ENOMEM.
 */
static int definitions_from_disk(struct symfence_ctx *gctx, struct symfence_audit *a, size_t l)
{
	const struct symfence_library *lib = symfence_policy_lib(a->policy, l);
	char **paths = NULL;
	size_t n = 0, i;
	int err, bad = 0;

	err = symfence_library_expand_objects(gctx, lib, a->root, &paths, &n);
	if (err)
		return err == -ENOMEM ? err : 1;
	for (i = 0; i < n && err >= 0; i++) {
		struct sf_unit u = { .path = paths[i] };

		if (a->root && asprintf(&u.file, "%s/%s", a->root, paths[i]) < 0)
			u.file = NULL;
		else if (!a->root)
			u.file = strdup(paths[i]);
		u.display = u.file; /* the file to look at when it cannot be read */
		err = u.file ? collect_definitions(gctx, a, &u, l) : -ENOMEM;
		bad |= err > 0;
		free(u.file);
	}
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return err < 0 ? err : bad;
}

static int library_pass(struct symfence_ctx *ctx, struct symfence_audit *a)
{
	struct symfence_ctx gctx, quiet;
	size_t i, l, k;
	int err = 0, r;

	/* The library's objects among the inputs; pass 2 reports those that cannot be read. */
	symfence_ctx_init(&quiet, NULL, NULL);
	for (i = 0; i < a->nunits && !err; i++) {
		if (!a->units[i].file)
			continue;
		for (l = 0; l < a->nlibs && !err; l++) {
			const struct symfence_library *lib = symfence_policy_lib(a->policy, l);

			if (!has_public(lib) ||
			    symfence_library_match_object(lib, SYMFENCE_PAT_OBJECTS,
							  a->units[i].path) < 0)
				continue;
			/* One that cannot be read makes the run fail (exit 2) in pass 2. */
			r = collect_definitions(&quiet, a, &a->units[i], l);
			if (r < 0)
				err = r;
			a->libseen[l] = true;
		}
	}
	/* Otherwise from the disk, or (audit-only libraries) from --vmlinux: never by halves. */
	symfence_ctx_init(&gctx, sf_log_append, &a->global);
	for (l = 0; l < a->nlibs && !err; l++) {
		const struct symfence_library *lib = symfence_policy_lib(a->policy, l);
		const char *root = a->root;

		if (a->libseen[l])
			continue;
		if (!has_public(lib)) {
			/*
			 * Only to tell a private pattern that names something from a
			 * stale one when the library is not among the inputs: quietly,
			 * and nothing is amiss when it is not found.
			 */
			if (symfence_library_npatterns(lib, SYMFENCE_PAT_OBJECTS)) {
				r = definitions_from_disk(&quiet, a, l);
				err = r < 0 ? r : 0;
			}
			continue;
		}
		if (!symfence_library_npatterns(lib, SYMFENCE_PAT_OBJECTS)) {
			if (!a->have_vmlinux) {
				a->incomplete++;
				symfence_report(
					&gctx, SYMFENCE_ERROR, symfence_library_file(lib),
					symfence_library_line(lib), 0, NULL,
					"library '%s' has public patterns and no objects (its symbols live in vmlinux): give what vmlinux defines with --vmlinux FILE (vmlinux, vmlinux.o, System.map or Module.symvers)",
					symfence_library_name(lib));
				continue;
			}
			for (k = 0; k < a->vmdefs.cap && !err; k++)
				if (a->vmdefs.ents[k].key &&
				    !sf_htab_put(&a->libdefs[l], a->vmdefs.ents[k].key,
						 a->vmdefs.ents[k].len))
					err = -ENOMEM;
			a->libseen[l] = true;
			continue;
		}
		r = definitions_from_disk(&gctx, a, l);
		if (r < 0) {
			err = r;
		} else if (r) {
			a->incomplete++;
			symfence_report(
				&gctx, SYMFENCE_ERROR, symfence_library_file(lib),
				symfence_library_line(lib), 0, NULL,
				"library '%s' has public patterns, but its objects are not among the inputs and not all found and read under %s%s%s: pass them (or vmlinux.a) too, or run from the build root or give --root DIR",
				symfence_library_name(lib), root ? "'" : "the current directory",
				root ? root : "", root ? "'" : "");
		} else {
			a->libseen[l] = true;
		}
	}
	if (err)
		symfence_error(ctx, NULL, "out of memory");
	return err;
}

/* ---- after the scan: waivers, the baseline, stale entries ---- */

static int cmp_baseline(const void *x, const void *y)
{
	const struct sf_baseline_entry *a = x, *b = y;
	int c = strcmp(a->object, b->object);

	c = c ? c : strcmp(a->symbol, b->symbol);
	return c ? c : CMP(a->line, b->line);
}

static struct sf_baseline_entry *baseline_find(struct symfence_audit *a, const char *object,
					       const char *symbol)
{
	struct sf_baseline_entry key = { (char *)object, (char *)symbol, 0, 0 };
	size_t lo = 0, hi = a->nbaseline;

	while (lo < hi) { /* the first entry not below (object, symbol) */
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_baseline(&a->baseline[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < a->nbaseline && !strcmp(a->baseline[lo].object, object) &&
	    !strcmp(a->baseline[lo].symbol, symbol))
		return &a->baseline[lo];
	return NULL;
}

int symfence_audit_load_baseline(struct symfence_ctx *ctx, struct symfence_audit *a,
				 const char *path)
{
	char *line = NULL, *words[3], *save;
	unsigned int lineno = 0;
	size_t cap = 0, n, i;
	FILE *f;
	int err = 0;

	f = fopen(path, "re");
	if (!f) {
		err = -errno;
		symfence_error(ctx, path, "cannot open the baseline: %s", strerror(errno));
		return err;
	}
	free(a->baseline_path);
	a->baseline_path = strdup(path);
	if (!a->baseline_path)
		err = -ENOMEM;
	while (!err && getline(&line, &cap, f) >= 0) {
		struct sf_baseline_entry *v;

		lineno++;
		line[strcspn(line, "#")] = '\0';
		for (n = 0; n < 3; n++) {
			words[n] = strtok_r(n ? NULL : line, " \t\r\n", &save);
			if (!words[n])
				break;
		}
		if (!n)
			continue;
		if (n != 2) {
			unsigned int col = (unsigned int)((n > 2 ? words[2] : words[0]) - line) + 1;

			symfence_report(
				ctx, SYMFENCE_ERROR, path, lineno, col, NULL,
				"expected 'OBJECT SYMBOL' (a baseline line names one object and one symbol)");
			err = -EINVAL;
			continue;
		}
		for (i = 0; i < 2; i++) {
			ssize_t nul = sf_baseline_unescape(words[i]);

			if (nul < 0)
				continue;
			symfence_report(
				ctx, SYMFENCE_ERROR, path, lineno,
				(unsigned int)(words[i] - line + nul) + 1, NULL,
				"'%s' stands for a NUL byte, which no object path or symbol name holds",
				"\\x00");
			err = -EINVAL;
		}
		if (err)
			continue;
		v = realloc(a->baseline, (a->nbaseline + 1) * sizeof(*v));
		if (!v) {
			err = -ENOMEM;
			break;
		}
		a->baseline = v;
		v[a->nbaseline] =
			(struct sf_baseline_entry){ strdup(words[0]), strdup(words[1]), lineno, 0 };
		if (!v[a->nbaseline].object || !v[a->nbaseline].symbol) {
			free(v[a->nbaseline].object);
			free(v[a->nbaseline].symbol);
			err = -ENOMEM;
			break;
		}
		a->nbaseline++;
	}
	free(line);
	fclose(f);
	if (err == -ENOMEM)
		symfence_error(ctx, NULL, "out of memory");
	sf_sort(a->baseline, a->nbaseline, sizeof(*a->baseline), cmp_baseline);
	/* A repeated entry is dropped: the first line stands for it. */
	for (i = n = 0; i < a->nbaseline; i++) {
		if (n && !strcmp(a->baseline[n - 1].object, a->baseline[i].object) &&
		    !strcmp(a->baseline[n - 1].symbol, a->baseline[i].symbol)) {
			free(a->baseline[i].object);
			free(a->baseline[i].symbol);
			continue;
		}
		a->baseline[n++] = a->baseline[i];
	}
	a->nbaseline = n;
	return err;
}

static void suppress(struct symfence_audit *a, struct sf_finding *f, size_t **whits)
{
	struct symfence_finding *p = &f->pub;
	struct sf_baseline_entry *b;
	int wv = symfence_library_waived(p->lib, p->path, p->symbol);

	p->severity = p->kind == SYMFENCE_FIND_REFERENCE ? SYMFENCE_ERROR : SYMFENCE_WARNING;
	if (wv >= 0) {
		struct symfence_pattern_info info;

		symfence_library_pattern(p->lib, SYMFENCE_PAT_WAIVE, (size_t)wv, &info);
		p->suppressed = SYMFENCE_SUPPRESS_WAIVER;
		p->suppress_file = info.file;
		p->suppress_line = info.line;
		p->suppress_col = info.col;
		p->severity = SYMFENCE_NOTE;
		whits[f->lib][wv]++;
	} else if ((b = baseline_find(a, p->path, p->symbol))) {
		p->suppressed = SYMFENCE_SUPPRESS_BASELINE;
		p->suppress_file = a->baseline_path;
		p->suppress_line = b->line;
		p->severity = SYMFENCE_NOTE;
		b->hits++;
	}
}

static int add_stale(struct symfence_audit *a, const struct sf_stale *s)
{
	struct sf_stale *v = realloc(a->stale, (a->nstale + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	a->stale = v;
	v[a->nstale] = *s;
	v[a->nstale].severity = a->strict ? SYMFENCE_ERROR : SYMFENCE_WARNING;
	v[a->nstale].object = sf_strdup(s->object);
	v[a->nstale].symbol = sf_strdup(s->symbol);
	if ((s->object && !v[a->nstale].object) || (s->symbol && !v[a->nstale].symbol)) {
		free(v[a->nstale].object);
		free(v[a->nstale].symbol);
		return -ENOMEM;
	}
	a->nstale++;
	return 0;
}

static int cmp_line(const void *x, const void *y)
{
	const struct sf_baseline_entry *const *a = x, *const *b = y;

	return CMP((*a)->line, (*b)->line);
}

/*
 * What the inputs let the audit judge. A waiver or baseline entry is stale
 * only when an object it names was audited and none it names failed to be:
 * auditing one directory says nothing of the other directories' waivers. A
 * pattern that matches nothing is only said when every input was read.
 */
enum coverage { COVER_NONE, COVER_AUDITED, COVER_UNKNOWN };

static enum coverage waiver_coverage(const struct symfence_audit *a, const char *pattern)
{
	enum coverage c = COVER_NONE;
	size_t i;

	for (i = 0; i < a->nunits; i++) {
		const struct sf_unit *u = &a->units[i];

		if (!u->path || !symfence_object_pattern_match(pattern, u->path))
			continue;
		if (!u->audited)
			return COVER_UNKNOWN;
		c = COVER_AUDITED;
	}
	return c;
}

static int cmp_str_ptr(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static bool all_read(const struct symfence_audit *a)
{
	size_t i;

	if (a->incomplete)
		return false;
	for (i = 0; i < a->nunits; i++)
		if (a->units[i].unreadable || a->units[i].skipped)
			return false;
	return true;
}

/* The private, public and allow patterns of lib that match nothing the inputs hold. */
static int stale_patterns(struct symfence_audit *a, size_t l)
{
	static const enum symfence_pattern_kind kinds[] = { SYMFENCE_PAT_PRIVATE,
							    SYMFENCE_PAT_PUBLIC,
							    SYMFENCE_PAT_ALLOW };
	const struct symfence_library *lib = symfence_policy_lib(a->policy, l);
	size_t k, i, u;

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		for (i = 0; i < symfence_library_npatterns(lib, kinds[k]); i++) {
			struct symfence_pattern_info info;
			bool hit = false;

			symfence_library_pattern(lib, kinds[k], i, &info);
			if (kinds[k] == SYMFENCE_PAT_PRIVATE)
				hit = a->hits.priv[l][i];
			else if (kinds[k] == SYMFENCE_PAT_PUBLIC)
				hit = a->hits.pub[l][i];
			for (u = 0; kinds[k] == SYMFENCE_PAT_ALLOW && !hit && u < a->nunits; u++)
				hit = a->units[u].audited &&
				      symfence_object_pattern_match(info.text, a->units[u].path);
			if (hit)
				continue;
			if (add_stale(a, &(struct sf_stale){
						 .kind = SF_STALE_PATTERN,
						 .directive = kinds[k],
						 .file = info.file,
						 .line = info.line,
						 .col = info.col,
						 .object = kinds[k] == SYMFENCE_PAT_ALLOW
								   ? (char *)info.text
								   : NULL,
						 .symbol = kinds[k] == SYMFENCE_PAT_ALLOW
								   ? NULL
								   : (char *)info.text,
						 .library = symfence_library_name(lib),
					 }))
				return -ENOMEM;
		}
	}
	return 0;
}

static int finish(struct symfence_audit *a)
{
	size_t **whits = sf_xcalloc(a->nlibs, sizeof(*whits));
	struct sf_baseline_entry **stale_base = NULL;
	const char **audited = NULL, **unsure = NULL;
	size_t i, j, total = 0, nstale_base = 0, naudited = 0, nunsure = 0;
	enum coverage cover;
	bool judge_patterns;
	int err = -ENOMEM;

	if (!whits)
		return -ENOMEM;
	for (i = 0; i < a->nlibs; i++) {
		whits[i] = sf_xcalloc(symfence_library_npatterns(symfence_policy_lib(a->policy, i),
								 SYMFENCE_PAT_WAIVE),
				      sizeof(**whits));
		if (!whits[i])
			goto out;
	}
	for (i = 0; i < a->nunits; i++)
		total += a->units[i].nfindings;
	a->findings = sf_xcalloc(total, sizeof(*a->findings));
	if (!a->findings)
		goto out;
	for (i = 0; i < a->nunits; i++) {
		struct sf_unit *u = &a->units[i];
		struct sf_finding *start = &a->findings[a->nfindings];

		for (j = 0; j < u->nfindings; j++) {
			u->findings[j].unit = i;
			suppress(a, &u->findings[j], whits);
			a->findings[a->nfindings++] = u->findings[j];
		}
		free(u->findings);
		u->findings = start; /* now a view into a->findings */
	}
	a->ran = true;

	/* The names the libraries' definitions hold count as found, as the inputs' do. */
	for (i = 0; i < a->nstrs; i++)
		hits_mark(a, &a->hits, a->strs[i]);
	judge_patterns = all_read(a);
	for (i = 0; i < a->nlibs; i++) {
		const struct symfence_library *lib = symfence_policy_lib(a->policy, i);

		if (judge_patterns && stale_patterns(a, i))
			goto out;
		for (j = 0; j < symfence_library_npatterns(lib, SYMFENCE_PAT_WAIVE); j++) {
			struct symfence_pattern_info info;

			if (whits[i][j])
				continue;
			symfence_library_pattern(lib, SYMFENCE_PAT_WAIVE, j, &info);
			cover = waiver_coverage(a, info.text);
			/*
			 * About objects this run did not audit: not stale (auditing one
			 * directory says nothing of another's waivers), but a pattern
			 * that matches no input, as such.
			 */
			if (cover == COVER_UNKNOWN || (cover == COVER_NONE && !judge_patterns))
				continue;
			if (add_stale(a, &(struct sf_stale){
						 .kind = cover == COVER_AUDITED ? SF_STALE_WAIVER
										: SF_STALE_PATTERN,
						 .directive = SYMFENCE_PAT_WAIVE,
						 .file = info.file,
						 .line = info.line,
						 .col = info.col,
						 .object = (char *)info.text,
						 .symbol = (char *)info.symbol,
						 .library = symfence_library_name(lib) }))
				goto out;
		}
	}

	/* Baseline entries: stale only for an object audited here, none of its names unread. */
	audited = sf_xcalloc(a->nunits, sizeof(*audited));
	unsure = sf_xcalloc(a->nunits, sizeof(*unsure));
	stale_base = sf_xcalloc(a->nbaseline, sizeof(*stale_base));
	if (!audited || !unsure || !stale_base)
		goto out;
	for (i = 0; i < a->nunits; i++) {
		if (!a->units[i].path)
			continue;
		if (a->units[i].audited)
			audited[naudited++] = a->units[i].path;
		else
			unsure[nunsure++] = a->units[i].path;
	}
	sf_sort(audited, naudited, sizeof(*audited), cmp_str_ptr);
	sf_sort(unsure, nunsure, sizeof(*unsure), cmp_str_ptr);
	for (i = 0; i < a->nbaseline; i++) {
		const char *key = a->baseline[i].object;

		if (a->baseline[i].hits || !naudited ||
		    !bsearch(&key, audited, naudited, sizeof(*audited), cmp_str_ptr) ||
		    (nunsure && bsearch(&key, unsure, nunsure, sizeof(*unsure), cmp_str_ptr)))
			continue;
		stale_base[nstale_base++] = &a->baseline[i];
	}
	sf_sort(stale_base, nstale_base, sizeof(*stale_base), cmp_line);
	for (i = 0; i < nstale_base; i++)
		if (add_stale(a, &(struct sf_stale){ .kind = SF_STALE_BASELINE,
						     .file = a->baseline_path,
						     .line = stale_base[i]->line,
						     .object = stale_base[i]->object,
						     .symbol = stale_base[i]->symbol }))
			goto out;
	err = 0;
out:
	for (i = 0; i < a->nlibs; i++)
		free(whits[i]);
	free(whits);
	free(stale_base);
	free(audited);
	free(unsure);
	return err;
}

int symfence_audit_run(struct symfence_ctx *ctx, struct symfence_audit *a)
{
	int err;

	if (a->ran)
		return -EINVAL;
	err = library_pass(ctx, a);
	if (!err)
		err = scan_all(ctx, a);
	if (!err) {
		err = finish(a);
		if (err)
			symfence_error(ctx, NULL, "out of memory");
	}
	return err;
}

size_t symfence_audit_nfindings(const struct symfence_audit *a)
{
	return a->nfindings;
}

const struct symfence_finding *symfence_audit_finding(const struct symfence_audit *a, size_t i)
{
	return i < a->nfindings ? &a->findings[i].pub : NULL;
}

void symfence_audit_summary(const struct symfence_audit *a, struct symfence_audit_summary *sum)
{
	size_t i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < a->nunits; i++) {
		sum->objects += a->units[i].audited;
		sum->unreadable += a->units[i].unreadable;
		sum->skipped += a->units[i].skipped;
	}
	for (i = 0; i < a->nfindings; i++) {
		const struct symfence_finding *f = &a->findings[i].pub;

		if (f->severity == SYMFENCE_ERROR)
			sum->errors++;
		else if (f->severity == SYMFENCE_WARNING)
			sum->warnings++;
		else
			sum->notes++;
		sum->waived += f->suppressed == SYMFENCE_SUPPRESS_WAIVER;
		sum->baselined += f->suppressed == SYMFENCE_SUPPRESS_BASELINE;
	}
	sum->stale = a->nstale;
	for (i = 0; i < a->nstale; i++) {
		if (a->stale[i].severity == SYMFENCE_ERROR)
			sum->errors++;
		else
			sum->warnings++;
	}
	sum->incomplete = a->incomplete;
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

int symfence_audit_summary_line(const struct symfence_audit *a, char *buf, size_t size)
{
	struct symfence_audit_summary s;
	char extra[160] = "", notes[80] = "";

	symfence_audit_summary(a, &s);
	if (s.waived && s.baselined)
		snprintf(notes, sizeof(notes), " (%zu waived, %zu in baseline)", s.waived,
			 s.baselined);
	else if (s.waived || s.baselined)
		snprintf(notes, sizeof(notes), " (%zu %s)", s.waived + s.baselined,
			 s.waived ? "waived" : "in baseline");
	if (s.unreadable)
		snprintf(extra, sizeof(extra), "; %zu input%s could not be read", s.unreadable,
			 plural(s.unreadable));
	if (s.skipped)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 "; %zu skipped (LTO or bitcode)", s.skipped);
	if (s.incomplete)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 "; %zu librar%s not checked (definitions missing)", s.incomplete,
			 s.incomplete == 1 ? "y" : "ies");
	return snprintf(
		buf, size,
		"symfence: audited %zu object%s: %zu error%s, %zu warning%s, %zu note%s%s%s",
		s.objects, plural(s.objects), s.errors, plural(s.errors), s.warnings,
		plural(s.warnings), s.notes, plural(s.notes), notes, extra);
}

int symfence_audit_status(const struct symfence_audit *a)
{
	struct symfence_audit_summary s;

	symfence_audit_summary(a, &s);
	if (s.unreadable || s.incomplete)
		return SYMFENCE_EXIT_FAILURE;
	return s.errors ? SYMFENCE_EXIT_POLICY : SYMFENCE_EXIT_OK;
}
