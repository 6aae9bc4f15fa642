// SPDX-License-Identifier: GPL-2.0-only
/*
 * Thin archives for seal --archive (see <symfence/archive.h>): the member
 * list read with the archive walk, the library's members picked by its
 * objects patterns, the order check of the kernel's tables (initcall.c),
 * and the new archive written by the GNU ar writer (archive.c).
 */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <symfence/archive.h>
#include <symfence/output.h>
#include <symfence/selection.h>

#include "archive.h"
#include "initcall.h"
#include "input.h"
#include "internal.h"

struct thin_member {
	char *name;    /* as stored */
	char *file;    /* the name joined to the archive's directory */
	char *display; /* "ARCHIVE(name)", for messages */
	uint64_t size;
	unsigned long long dev, ino;
	bool selected;
	struct symfence_object *obj; /* the selected ones, open */
};

struct symfence_archive {
	char *path;
	unsigned int mode;
	bool symtab;
	struct thin_member *m;
	size_t n, cap;
	size_t *sel; /* positions of the selected members */
	size_t nsel;
};

struct open_walk {
	struct symfence_ctx *ctx;
	struct symfence_archive *ar;
};

/* Is the file an archive? (By its magic; a file that cannot be read is not.) */
static bool file_is_archive(const char *file)
{
	enum sf_file_kind k = sf_file_kind_of_file(file);

	return k == SF_FILE_AR || k == SF_FILE_THIN_AR;
}

static int take_member(void *arg, const struct sf_ar_member *m)
{
	struct open_walk *w = arg;
	struct symfence_archive *ar = w->ar;
	struct thin_member *t;
	struct stat st;

	if (sf_grow(ar->m, ar->cap, ar->n + 1, 256))
		goto nomem;
	t = &ar->m[ar->n];
	memset(t, 0, sizeof(*t));
	t->name = strdup(m->name);
	t->file =
		sf_path_join(sf_path_dir(ar->path), sf_path_dir_len(ar->path), m->name, m->namelen);
	if (!t->name || !t->file || asprintf(&t->display, "%s(%s)", ar->path, m->name) < 0) {
		t->display = NULL;
		free(t->name);
		free(t->file);
		goto nomem;
	}
	ar->n++;
	if (m->nested || file_is_archive(t->file)) {
		symfence_error(
			w->ctx, t->display,
			"an archive inside the thin archive: seal --archive cannot rewrite it as it was; add the archive's members instead");
		return -EINVAL;
	}
	if (stat(t->file, &st)) {
		symfence_error(w->ctx, t->display, "cannot stat: %s", strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st.st_mode)) {
		symfence_error(w->ctx, t->display, "not a regular file");
		return -EINVAL;
	}
	t->size = (uint64_t)st.st_size;
	t->dev = (unsigned long long)st.st_dev;
	t->ino = (unsigned long long)st.st_ino;
	return 0;
nomem:
	symfence_error(w->ctx, ar->path, "out of memory");
	return -ENOMEM;
}

void symfence_archive_free(struct symfence_archive *ar)
{
	size_t i;

	if (!ar)
		return;
	for (i = 0; i < ar->n; i++) {
		free(ar->m[i].name);
		free(ar->m[i].file);
		free(ar->m[i].display);
		symfence_object_free(ar->m[i].obj);
	}
	free(ar->m);
	free(ar->sel);
	free(ar->path);
	free(ar);
}

int symfence_archive_open(struct symfence_ctx *ctx, const char *path, struct symfence_archive **out)
{
	struct symfence_archive *ar = calloc(1, sizeof(*ar));
	struct open_walk w = { ctx, ar };
	struct sf_ar_info info = { false };
	const unsigned char *p = NULL;
	size_t size = 0;
	int err;

	*out = NULL;
	if (!ar || !(ar->path = strdup(path))) {
		free(ar);
		symfence_error(ctx, path, "out of memory");
		return -ENOMEM;
	}
	err = sf_map_file(ctx, path, &p, &size, &ar->mode);
	if (err)
		goto out;
	if (sf_file_kind_of(p, size) != SF_FILE_THIN_AR) {
		symfence_error(
			ctx, path,
			sf_is_archive(p, size)
				? "not a thin archive: its members are inside it, and seal --archive rewrites thin archives (ar T), whose members are files"
				: "not an archive (no !<thin> magic)");
		err = -EINVAL;
		goto out;
	}
	err = sf_ar_walk_info(ctx, path, p, size, take_member, &w, &info);
	ar->symtab = info.symtab;
out:
	if (p)
		munmap((void *)p, size);
	if (err) {
		symfence_archive_free(ar);
		return err;
	}
	*out = ar;
	return 0;
}

const char *symfence_archive_path(const struct symfence_archive *ar)
{
	return ar->path;
}

size_t symfence_archive_count(const struct symfence_archive *ar)
{
	return ar->n;
}

const char *symfence_archive_member(const struct symfence_archive *ar, size_t i)
{
	return i < ar->n ? ar->m[i].name : NULL;
}

const char *symfence_archive_member_file(const struct symfence_archive *ar, size_t i)
{
	return i < ar->n ? ar->m[i].file : NULL;
}

bool symfence_archive_has_symtab(const struct symfence_archive *ar)
{
	return ar->symtab;
}

size_t symfence_archive_nselected(const struct symfence_archive *ar)
{
	return ar->nsel;
}

size_t symfence_archive_selected(const struct symfence_archive *ar, size_t i)
{
	return ar->sel[i];
}

/*
 * What the objects patterns see of a member named name: the name, or with
 * root (even "."), its path relative to root (lexically; a relative path is
 * taken from the current directory when root is absolute). NULL: out of memory.
 */
static char *pattern_path(const struct symfence_archive *ar, const char *name, const char *root)
{
	char *full, *r, *abs = NULL, cwd[PATH_MAX];
	const char *rel;

	if (!root)
		return strdup(symfence_relative_path(name, NULL));
	full = sf_path_join(sf_path_dir(ar->path), sf_path_dir_len(ar->path), name, strlen(name));
	r = strdup(root);
	if (full && r && root[0] == '/' && full[0] != '/' && getcwd(cwd, sizeof(cwd)) &&
	    asprintf(&abs, "%s/%s", cwd, full) >= 0) {
		free(full);
		full = abs;
	}
	if (!full || !r) {
		free(full);
		free(r);
		return NULL;
	}
	sf_path_normalise(full);
	sf_path_normalise(r);
	rel = symfence_relative_path(full, r);
	rel = strdup(rel);
	free(full);
	free(r);
	return (char *)rel;
}

/*
 * GNU ar's name for a thin archive's member (bfd's adjust_relative_path()):
 * the member's real path less the leading components it shares with the
 * archive's, with "../" for each directory of the archive's that is left.
 */
static char *relative_name(const char *member, const char *archive)
{
	const char *p = member, *r = archive, *e1, *e2;
	size_t up = 0, i;
	char *out;

	for (;;) {
		e1 = p + strcspn(p, "/");
		e2 = r + strcspn(r, "/");
		if (!*e1 || !*e2 || e1 - p != e2 - r || strncmp(p, r, (size_t)(e1 - p)))
			break;
		p = e1 + 1;
		r = e2 + 1;
	}
	for (; *r; r++)
		up += *r == '/';
	out = malloc(3 * up + strlen(p) + 1);
	if (!out)
		return NULL;
	for (i = 0; i < up; i++)
		memcpy(out + 3 * i, "../", 3);
	strcpy(out + 3 * up, p);
	return out;
}

/* The real path of file, which need not exist: its directory's real path and its name. */
static char *real_file(struct symfence_ctx *ctx, const char *file)
{
	char *copy = strdup(file), *dir, *real, *out = NULL;
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;

	if (!copy)
		return NULL;
	dir = dirname(copy);
	real = realpath(dir, NULL);
	if (!real)
		symfence_error(ctx, file, "cannot resolve the path: %s", strerror(errno));
	else if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		symfence_error(ctx, file, "cannot resolve the path: %s", strerror(EISDIR));
	else if (asprintf(&out, "%s%s%s", real, strcmp(real, "/") ? "/" : "", base) < 0)
		out = NULL;
	free(real);
	free(copy);
	return out;
}

/* Has the archive a member that lib's objects patterns match? */
static bool library_in(const struct symfence_archive *ar, const struct symfence_library *lib,
		       const char *root)
{
	bool found = false;
	size_t i;

	for (i = 0; !found && i < ar->n; i++) {
		char *path = pattern_path(ar, ar->m[i].name, root);

		found = path && symfence_library_match_object(lib, SYMFENCE_PAT_OBJECTS, path) >= 0;
		free(path);
	}
	return found;
}

int symfence_archive_check_output(struct symfence_ctx *ctx, const struct symfence_archive *ar,
				  const struct symfence_library *lib, const char *root,
				  const struct symfence_output_guard *guard, char **name)
{
	char *rout = NULL, *rar = NULL, *rel = NULL, *matched = NULL;
	struct symfence_pattern_info info;
	size_t i;
	int err = -EINVAL, k;

	*name = NULL;
	rout = real_file(ctx, guard->path);
	if (!rout)
		return -ENOENT;
	rar = realpath(ar->path, NULL);
	if (!rar) {
		symfence_error(ctx, ar->path, "cannot resolve the path: %s", strerror(errno));
		goto out;
	}
	rel = relative_name(rout, rar);
	matched = rel ? pattern_path(ar, rel, root) : NULL;
	if (!matched)
		goto nomem;
	if (symfence_output_guard_check(ctx, guard, "the archive", ar->path))
		goto out;
	/*
	 * A member of the output's name is the output's file. With the library's
	 * members gone, it is the sealed object of an earlier seal; else it is
	 * one of the inputs.
	 */
	for (i = 0; i < ar->n; i++)
		if (!strcmp(ar->m[i].name, rel))
			break;
	if (i < ar->n && !library_in(ar, lib, root)) {
		symfence_error(
			ctx, ar->path,
			"already sealed: it has a member named like the output, '%s'; seal the archive as ar made it, once",
			rel);
		goto out;
	}
	for (i = 0; guard->exists && i < ar->n; i++)
		if (ar->m[i].dev == guard->dev && ar->m[i].ino == guard->ino &&
		    symfence_output_guard_check(ctx, guard, "the member", ar->m[i].file))
			goto out;
	k = symfence_library_match_object(lib, SYMFENCE_PAT_OBJECTS, matched);
	if (k >= 0) {
		symfence_library_pattern(lib, SYMFENCE_PAT_OBJECTS, (size_t)k, &info);
		symfence_error(
			ctx, guard->path,
			"the output would be the member '%s', which the objects pattern '%s' of library '%s' matches: a later seal would link it; name the output elsewhere",
			rel, info.text, symfence_library_name(lib));
		goto out;
	}
	*name = rel;
	rel = NULL;
	err = 0;
	goto out;
nomem:
	symfence_error(ctx, ar->path, "out of memory");
	err = -ENOMEM;
out:
	free(rout);
	free(rar);
	free(rel);
	free(matched);
	return err;
}

/* Opens a selected member: it must be an ELF relocatable object. */
static int open_member(struct symfence_ctx *ctx, struct thin_member *t)
{
	char type[24];
	GElf_Ehdr eh = { 0 };
	int err;

	err = symfence_object_open_named(ctx, t->file, t->display, &t->obj);
	if (err)
		return err;
	if (gelf_getehdr(symfence_object_elf(t->obj), &eh) && eh.e_type == ET_REL)
		return 0;
	snprintf(type, sizeof(type), "e_type %u", (unsigned int)eh.e_type);
	symfence_error(ctx, t->display,
		       "not a relocatable object (%s); only relocatable objects (.o) can be sealed",
		       eh.e_type == ET_EXEC   ? "ET_EXEC"
		       : eh.e_type == ET_DYN  ? "ET_DYN"
		       : eh.e_type == ET_CORE ? "ET_CORE"
					      : type);
	return -EINVAL;
}

int symfence_archive_select(struct symfence_ctx *ctx, struct symfence_archive *ar,
			    const struct symfence_library *lib, const char *root)
{
	size_t npat = symfence_library_npatterns(lib, SYMFENCE_PAT_OBJECTS), i, k;
	struct symfence_pattern_info info;
	bool *hit = sf_xcalloc(npat + 1, sizeof(*hit));
	char *path;
	int err = 0;

	free(ar->sel);
	ar->sel = sf_xcalloc(ar->n + 1, sizeof(*ar->sel));
	ar->nsel = 0;
	if (!hit || !ar->sel)
		goto nomem;
	for (i = 0; i < ar->n; i++) {
		path = pattern_path(ar, ar->m[i].name, root);
		if (!path)
			goto nomem;
		ar->m[i].selected = false;
		for (k = 0; k < npat; k++) {
			symfence_library_pattern(lib, SYMFENCE_PAT_OBJECTS, k, &info);
			if (symfence_object_pattern_match(info.text, path))
				hit[k] = ar->m[i].selected = true;
		}
		free(path);
		if (ar->m[i].selected)
			ar->sel[ar->nsel++] = i;
	}
	if (!ar->nsel) {
		symfence_error(ctx, ar->path,
			       "no member matches the objects patterns of library '%s'",
			       symfence_library_name(lib));
		err = -ENOENT;
		goto out;
	}
	for (k = 0; k < npat; k++) {
		if (hit[k])
			continue;
		symfence_library_pattern(lib, SYMFENCE_PAT_OBJECTS, k, &info);
		symfence_report(ctx, SYMFENCE_ERROR, info.file, info.line, info.col, NULL,
				"objects pattern '%s' of library '%s' matches no member of '%s'",
				info.text, symfence_library_name(lib), ar->path);
		err = -ENOENT;
	}
	for (i = 0; !err && i < ar->nsel; i++)
		if (!ar->m[ar->sel[i]].obj && open_member(ctx, &ar->m[ar->sel[i]]))
			err = -EINVAL; /* each is reported */
	for (i = 0; i < ar->nsel; i++)
		if (err) {
			symfence_object_free(ar->m[ar->sel[i]].obj);
			ar->m[ar->sel[i]].obj = NULL;
		}
	goto out;
nomem:
	symfence_error(ctx, ar->path, "out of memory");
	err = -ENOMEM;
out:
	free(hit);
	return err;
}

int symfence_archive_check_order(struct symfence_ctx *ctx, const struct symfence_archive *ar,
				 const char *library, const struct symfence_object *sealed)
{
	struct sf_order_list before = { 0 }, after = { 0 };
	const char **names = sf_xcalloc(ar->n + 1, sizeof(*names));
	bool *in_lib = sf_xcalloc(ar->n + 1, sizeof(*in_lib));
	struct sf_order_ctx oc = { ar->path, library, names, in_lib, 0 };
	size_t i, last = 0, was;
	int err = -ENOMEM;

	if (!ar->nsel) {
		err = -EINVAL;
		goto out;
	}
	if (!names || !in_lib) {
		symfence_error(ctx, ar->path, "out of memory");
		goto out;
	}
	oc.first = ar->sel[0];
	for (i = 0; i < ar->n; i++) {
		names[i] = ar->m[i].name;
		in_lib[i] = ar->m[i].selected;
	}
	/* The library's entries; the last member that has any bounds what can move. */
	for (i = 0; i < ar->nsel; i++) {
		was = before.n;
		err = sf_order_collect(ctx, ar->m[ar->sel[i]].obj, ar->sel[i], &before);
		if (err)
			goto out;
		if (before.n > was)
			last = ar->sel[i];
	}
	/* The other members between the first and that one: their entries could be overtaken. */
	for (i = oc.first + 1; i < last; i++) {
		struct symfence_object *obj;

		if (in_lib[i])
			continue;
		err = symfence_object_open_named(ctx, ar->m[i].file, ar->m[i].display, &obj);
		if (err)
			goto out;
		err = sf_order_collect(ctx, obj, i, &before);
		symfence_object_free(obj);
		if (err)
			goto out;
	}
	err = sf_order_collect(ctx, sealed, oc.first, &after);
	if (!err)
		err = sf_order_check(ctx, &oc, &before, &after);
out:
	sf_order_list_free(&before);
	sf_order_list_free(&after);
	free(names);
	free(in_lib);
	return err;
}

/* The symbol-table names of the ELF file at path (display names it), for GNU ar's table. */
static int member_symbols(struct symfence_ctx *ctx, const char *path, const char *display,
			  struct sf_ar_entry *e, char **owned)
{
	struct symfence_object *obj;
	unsigned char magic[4] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), err;
	ssize_t n = fd >= 0 ? read(fd, magic, sizeof(magic)) : -1;

	if (fd >= 0)
		close(fd);
	if (n == (ssize_t)sizeof(magic) && memcmp(magic, ELFMAG, SELFMAG)) {
		symfence_error(
			ctx, display,
			"not an ELF object: the archive has a symbol table, and what GNU ar would list for this member is not known");
		return -EINVAL;
	}
	err = symfence_object_open_named(ctx, path, display, &obj);
	if (err)
		return err;
	err = sf_ar_symbols(ctx, obj, owned, &e->symslen, &e->nsyms);
	e->syms = *owned;
	symfence_object_free(obj);
	return err;
}

int symfence_archive_write_sealed(struct symfence_ctx *ctx, const struct symfence_archive *ar,
				  const char *name, const char *file, char **tmp)
{
	struct sf_ar_entry *e = sf_xcalloc(ar->n + 1, sizeof(*e));
	char **owned = sf_xcalloc(ar->n + 1, sizeof(*owned));
	unsigned char *img = NULL;
	size_t n = 0, size = 0, i;
	struct iovec iov;
	struct stat st;
	int err = -ENOMEM;

	*tmp = NULL;
	if (!e || !owned) {
		symfence_error(ctx, ar->path, "out of memory");
		goto out;
	}
	if (!ar->nsel) {
		err = -EINVAL;
		goto out;
	}
	if (stat(file, &st)) {
		err = -errno;
		symfence_error(ctx, file, "cannot stat: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < ar->n; i++) {
		const char *path = ar->m[i].file, *display = ar->m[i].display;

		if (ar->m[i].selected && i != ar->sel[0])
			continue;
		if (i == ar->sel[0]) {
			e[n] = (struct sf_ar_entry){ name, (uint64_t)st.st_size, NULL, 0, 0 };
			path = display = file;
		} else {
			e[n] = (struct sf_ar_entry){ ar->m[i].name, ar->m[i].size, NULL, 0, 0 };
		}
		if (ar->symtab) {
			err = member_symbols(ctx, path, display, &e[n], &owned[n]);
			if (err)
				goto out;
		}
		n++;
	}
	err = sf_ar_thin_image(ctx, ar->path, e, n, ar->symtab, &img, &size);
	if (err)
		goto out;
	iov = (struct iovec){ img, size };
	err = symfence_write_temp_iov(ctx, ar->path, &iov, 1, ar->mode, tmp);
out:
	for (i = 0; owned && i < ar->n + 1; i++)
		free(owned[i]);
	free(owned);
	free(e);
	free(img);
	return err;
}
