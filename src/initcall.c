// SPDX-License-Identifier: GPL-2.0-only
/*
 * Order-sensitive tables across a seal (see initcall.h). The tables are
 * those include/asm-generic/vmlinux.lds.h gathers with one KEEP() each:
 *
 *   INIT_CALLS    .initcallearly.init, then per level 0..7 and rootfs
 *                 .initcallN.init* and .initcallNs.init* (each its own KEEP)
 *   CON_INITCALL  .con_initcall.init
 *   INIT_SETUP    .init.setup (__setup, early_param)
 *   __param       module parameters of built-in code
 *   KERNEL_CTORS  .ctors and .init_array, and their SORT()ed .N variants,
 *                 where each name is a table of its own
 *
 * Within a table the order is that of the input files, then of the
 * sections in a file, then of the offsets: an entry is a relocation there
 * (a .long fn - . or a pointer per initcall, several per struct of the
 * other tables), named by what it points at. The entries after a seal are
 * read from the sealed object itself, not assumed.
 */
#include <stdio.h>
#include <string.h>

#include <symfence/object.h>

#include "initcall.h"
#include "internal.h"
#include "object_int.h"

/* The KEEP() patterns of INIT_CALLS, less their '*': a section whose name starts so. */
static const char *const initcall_groups[] = {
	".initcallearly.init", ".initcall0.init",      ".initcall0s.init",	".initcall1.init",
	".initcall1s.init",    ".initcall2.init",      ".initcall2s.init",	".initcall3.init",
	".initcall3s.init",    ".initcall4.init",      ".initcall4s.init",	".initcall5.init",
	".initcall5s.init",    ".initcall6.init",      ".initcall6s.init",	".initcall7.init",
	".initcall7s.init",    ".initcallrootfs.init", ".initcallrootfss.init",
};

/* The tables named exactly, and what their entries are. */
static const struct {
	const char *name, *kind;
} exact_groups[] = {
	{ ".con_initcall.init", "run console initcall" },
	{ ".init.setup", "order __setup entry" },
	{ "__param", "order module parameter" },
	{ ".init_array", "run constructor" },
	{ ".ctors", "run constructor" },
};

const char *sf_order_group(const char *secname, const char **kind)
{
	size_t i;

	if (kind)
		*kind = "run initcall";
	for (i = 0; i < ARRAY_SIZE(initcall_groups); i++)
		if (!strncmp(secname, initcall_groups[i], strlen(initcall_groups[i])))
			return initcall_groups[i];
	if (kind)
		*kind = "run constructor";
	if (!strncmp(secname, ".init_array.", 12) || !strncmp(secname, ".ctors.", 7))
		return secname; /* SORT(.init_array.*): each name in its turn */
	for (i = 0; i < ARRAY_SIZE(exact_groups); i++)
		if (!strcmp(secname, exact_groups[i].name)) {
			if (kind)
				*kind = exact_groups[i].kind;
			return exact_groups[i].name;
		}
	return NULL;
}

void sf_order_list_free(struct sf_order_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++) {
		free(list->v[i].group);
		free(list->v[i].target);
	}
	free(list->v);
	memset(list, 0, sizeof(*list));
}

/*
 * How good a name a symbol is for the place it is defined at: a function
 * first, then data, then anything else named; never a section, a file, an
 * assembler label (.L) or an ARM/AArch64 mapping symbol ($a, $d, $x).
 */
static int name_rank(const GElf_Sym *sym, const char *name)
{
	int type = GELF_ST_TYPE(sym->st_info);

	if (!*name || type == STT_SECTION || type == STT_FILE || name[0] == '$' ||
	    !strncmp(name, ".L", 2))
		return 0;
	return type == STT_FUNC ? 3 : type == STT_OBJECT ? 2 : 1;
}

/* The best name of what is defined at value in section shndx, NULL for none. */
static const char *name_at(const struct symfence_object *obj, Elf32_Word shndx, uint64_t value)
{
	const char *best = NULL, *name;
	int best_rank = 0, rank;
	Elf32_Word sh;
	GElf_Sym sym;
	size_t k;

	for (k = 1; k < obj->nsyms; k++) {
		if (symfence_object_sym(obj, k, &sym, &sh, &name) ||
		    !symfence_sym_in_section(&sym) || sh != shndx || sym.st_value != value)
			continue;
		rank = name_rank(&sym, name);
		if (rank > best_rank) {
			best = name;
			best_rank = rank;
		}
	}
	return best;
}

/* What relocation symbol symi plus addend points at, as a name (malloc'd). */
static char *target_name(const struct symfence_object *obj, size_t symi, int64_t addend)
{
	const char *name = "", *found;
	uint64_t value;
	Elf32_Word shndx = 0;
	GElf_Sym sym;
	char *out;
	int n;

	if (symfence_object_sym(obj, symi, &sym, &shndx, &name))
		memset(&sym, 0, sizeof(sym));
	if (symi && GELF_ST_TYPE(sym.st_info) != STT_SECTION && *name) {
		if (!addend)
			return strdup(name);
		n = asprintf(
			&out, "%s%s0x%llx", name, addend < 0 ? "-" : "+",
			(unsigned long long)(addend < 0 ? -(uint64_t)addend : (uint64_t)addend));
		return n < 0 ? NULL : out;
	}
	value = sym.st_value + (uint64_t)addend;
	if (!symi || !symfence_sym_in_section(&sym) || shndx >= obj->shnum)
		n = asprintf(&out, "0x%llx", (unsigned long long)value);
	else if ((found = name_at(obj, shndx, value)) != NULL)
		return strdup(found);
	else
		n = asprintf(&out, "%s+0x%llx", obj->sec[shndx].name, (unsigned long long)value);
	return n < 0 ? NULL : out;
}

/* A REL relocation's addend: the field it patches, as wide as a pointer (when it fits). */
static int64_t implicit_addend(const struct symfence_object *obj, size_t target, uint64_t off)
{
	const GElf_Shdr *sh = &obj->sec[target].shdr;
	size_t width = obj->cls == ELFCLASS32 ? 4 : 8;
	uint64_t v;

	if (sh->sh_type == SHT_NOBITS || off > sh->sh_size || sh->sh_size - off < 4)
		return 0;
	if (sh->sh_size - off < width)
		width = 4;
	v = sf_get(obj->image + sh->sh_offset + off, width, obj->msb);
	return width == 4 ? (int64_t)(int32_t)v : (int64_t)v;
}

static int add_entry(struct symfence_ctx *ctx, const struct symfence_object *obj,
		     struct sf_order_list *list, const char *group, size_t member, size_t sec,
		     uint64_t off, char *target)
{
	struct sf_order_entry *e;

	if (sf_grow(list->v, list->cap, list->n + 1, 64))
		goto nomem;
	e = &list->v[list->n];
	e->group = target ? strdup(group) : NULL;
	if (!e->group)
		goto nomem;
	e->member = member;
	e->sec = sec;
	e->off = off;
	e->target = target;
	list->n++;
	return 0;
nomem:
	free(target);
	symfence_error(ctx, obj->name, "out of memory");
	return -ENOMEM;
}

int sf_order_collect(struct symfence_ctx *ctx, const struct symfence_object *obj, size_t member,
		     struct sf_order_list *list)
{
	size_t i, j, n, target;
	const char *group;
	int64_t addend;
	uint64_t off;
	int err;

	for (i = 1; i < obj->shnum; i++) {
		const GElf_Shdr *sh = &obj->sec[i].shdr;

		if (sh->sh_type != SHT_REL && sh->sh_type != SHT_RELA)
			continue;
		target = sh->sh_info;
		if (target == 0 || target >= obj->shnum ||
		    !(group = sf_order_group(obj->sec[target].name, NULL)))
			continue;
		err = symfence_object_check_relocs(ctx, obj, i);
		if (err)
			return err;
		n = sf_obj_nrels(obj, i);
		for (j = 0; j < n; j++) {
			struct sf_rel r;

			sf_obj_rel(obj, i, j, &r);
			off = r.offset;
			addend = sh->sh_type == SHT_RELA ? r.addend
							 : implicit_addend(obj, target, off);
			err = add_entry(ctx, obj, list, group, member, target, off,
					target_name(obj, r.sym, addend));
			if (err)
				return err;
		}
	}
	return 0;
}

/* Entries in table order: by member, section, offset. */
static int cmp_entry(const void *a, const void *b)
{
	const struct sf_order_entry *x = *(const struct sf_order_entry *const *)a;
	const struct sf_order_entry *y = *(const struct sf_order_entry *const *)b;

	if (x->member != y->member)
		return x->member < y->member ? -1 : 1;
	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x < y ? -1 : x > y; /* stable */
}

/* The entries of list in group g, in table order: *v malloc'd (NULL when none). */
static int group_entries(const struct sf_order_list *list, const char *g,
			 const struct sf_order_entry ***v, size_t *n)
{
	size_t i, k = 0;

	*v = NULL;
	*n = 0;
	for (i = 0; i < list->n; i++)
		k += !strcmp(list->v[i].group, g);
	if (!k)
		return 0;
	*v = calloc(k, sizeof(**v));
	if (!*v)
		return -ENOMEM;
	for (i = 0, k = 0; i < list->n; i++)
		if (!strcmp(list->v[i].group, g))
			(*v)[k++] = &list->v[i];
	sf_sort(*v, k, sizeof(**v), cmp_entry);
	*n = k;
	return 0;
}

/* The order check of one table. */
static int check_group(struct symfence_ctx *ctx, const struct sf_order_ctx *oc,
		       const struct sf_order_list *before, const struct sf_order_list *after,
		       const char *g)
{
	const struct sf_order_entry **b = NULL, **a = NULL, *top = NULL;
	size_t nb = 0, na = 0, nlib = 0, nprefix = 0, nlater = 0, i, j, *rank = NULL, top_rank = 0;
	const char *kind = NULL;
	bool *used = NULL;
	int err = -ENOMEM;

	sf_order_group(g, &kind);
	if (group_entries(before, g, &b, &nb) || group_entries(after, g, &a, &na))
		goto out;
	for (i = 0; i < nb; i++) {
		nlib += oc->in_library[b[i]->member];
		nprefix += !oc->in_library[b[i]->member] && b[i]->member < oc->first;
	}
	if (na != nlib) {
		symfence_error(
			ctx, oc->archive,
			"cannot check the order of '%s': the sealed object has %zu entries, the library's members %zu",
			g, na, nlib);
		err = -EINVAL;
		goto out;
	}
	rank = sf_xcalloc(nb + 1, sizeof(*rank));
	used = sf_xcalloc(nb + 1, sizeof(*used));
	if (!rank || !used)
		goto out;
	/*
	 * After the seal: the members before the first, then the sealed
	 * object's entries in its own order, then the other members'.
	 */
	for (j = 0; j < na; j++) {
		for (i = 0; i < nb; i++)
			if (!used[i] && oc->in_library[b[i]->member] &&
			    !strcmp(b[i]->target, a[j]->target))
				break;
		if (i == nb) {
			symfence_error(
				ctx, oc->archive,
				"cannot check the order of '%s': the sealed object's entry '%s' is none of the library's members' (did the link rename or drop a symbol?)",
				g, a[j]->target);
			err = -EINVAL;
			goto out;
		}
		used[i] = true;
		rank[i] = nprefix + j;
	}
	for (i = 0; i < nb; i++)
		if (!oc->in_library[b[i]->member])
			rank[i] = b[i]->member < oc->first ? i : nprefix + na + nlater++;
	/* The first entry that comes before one it used to follow: that pair swaps. */
	err = 0;
	for (i = 0; i < nb; i++) {
		if (top && rank[i] < top_rank) {
			if (oc->in_library[b[i]->member] && oc->in_library[top->member])
				symfence_error(
					ctx, oc->archive,
					"sealing '%s' would %s '%s' (%s, %s) before '%s' (%s): the link put them in that order in the sealed object",
					oc->library, kind, b[i]->target, oc->members[b[i]->member],
					g, top->target, oc->members[top->member]);
			else
				symfence_error(
					ctx, oc->archive,
					"sealing '%s' would %s '%s' (%s, %s) before '%s' (%s): the sealed object takes the place of the library's first member, '%s'",
					oc->library, kind, b[i]->target, oc->members[b[i]->member],
					g, top->target, oc->members[top->member],
					oc->members[oc->first]);
			err = -EPERM;
			break;
		}
		if (!top || rank[i] > top_rank) {
			top = b[i];
			top_rank = rank[i];
		}
	}
out:
	if (err == -ENOMEM)
		symfence_error(ctx, oc->archive, "out of memory");
	free(b);
	free(a);
	free(rank);
	free(used);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int sf_order_check(struct symfence_ctx *ctx, const struct sf_order_ctx *oc,
		   const struct sf_order_list *before, const struct sf_order_list *after)
{
	const char **groups = sf_xcalloc(before->n + after->n + 1, sizeof(*groups));
	size_t n = 0, i;
	int err = 0, e;

	if (!groups) {
		symfence_error(ctx, oc->archive, "out of memory");
		return -ENOMEM;
	}
	/* The tables that the library has entries in: only those can change order. */
	for (i = 0; i < before->n; i++)
		if (oc->in_library[before->v[i].member])
			groups[n++] = before->v[i].group;
	for (i = 0; i < after->n; i++)
		groups[n++] = after->v[i].group;
	sf_sort(groups, n, sizeof(*groups), cmp_str);
	for (i = 0; i < n; i++) {
		if (i && !strcmp(groups[i], groups[i - 1]))
			continue;
		e = check_group(ctx, oc, before, after, groups[i]);
		if (e == -ENOMEM) {
			err = e;
			break;
		}
		if (e == -EINVAL || (e && !err))
			err = e;
	}
	free(groups);
	return err;
}
