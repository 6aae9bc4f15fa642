/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The order of the kernel's order-sensitive tables across the objects of an
 * archive, before and after a seal: initcalls, console initcalls, __setup
 * and early_param entries, module parameters, constructors. The kernel's
 * linker script (include/asm-generic/vmlinux.lds.h) gathers each with one
 * KEEP(*(pattern)): its entries run, or are searched, in input-file order,
 * then section order, then offset. Sealing moves a library's entries to the
 * place of its first member; initcall.c finds the pairs that would change
 * order. Internal: symfence_archive_check_order() is the public verb.
 */
#ifndef SYMFENCE_INITCALL_H
#define SYMFENCE_INITCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct symfence_ctx;
struct symfence_object;

/* One entry of a table: a relocation in one of its sections. */
struct sf_order_entry {
	char *group;   /* the table: ".initcall6.init", "__param", ".init_array.00100" */
	size_t member; /* the object's position in the archive */
	size_t sec;    /* the section's index in that object */
	uint64_t off;  /* the relocation's offset in the section */
	char *target;  /* what it points at: "foo_init", "foo+0x4", ".init.text+0x40" */
};

struct sf_order_list {
	struct sf_order_entry *v;
	size_t n, cap;
};

void sf_order_list_free(struct sf_order_list *list);

/*
 * The table a section belongs to (the KEEP() pattern without its '*', or
 * for the SORT()ed .init_array.N and .ctors.N the name itself), NULL for
 * none; *kind (may be NULL) says what its entries are, for messages
 * ("run initcall", "order module parameter").
 */
const char *sf_order_group(const char *secname, const char **kind);

/*
 * Appends the table entries of obj, an archive member at position member
 * (the sealed object: at its first member's), to list: one per relocation
 * in a table's sections, named by its target. A symbol's name is the
 * target; a section symbol's offset is named by the symbol defined there
 * (a function first), else shown as "section+0xoff". Malformed relocations
 * are reported (-EINVAL).
 */
int sf_order_collect(struct symfence_ctx *ctx, const struct symfence_object *obj, size_t member,
		     struct sf_order_list *list);

/* What sf_order_check() needs to know about the archive and the library. */
struct sf_order_ctx {
	const char *archive;	    /* names the archive in messages */
	const char *library;	    /* the library's name */
	const char *const *members; /* each member's name, by position */
	const bool *in_library;	    /* by position */
	size_t first;		    /* the library's first member: where the sealed object goes */
};

/*
 * Compares the order of every table's entries before the seal (before: the
 * entries of the library's members and of every other member that lies
 * between them, positions as in the archive) with the order after it (after:
 * the sealed object's own entries, in its order, at the first member's place;
 * the other members' where they were). Each sealed entry is matched with the
 * library entry of the same group and target (the n-th with the n-th when
 * several are alike). Every table whose order would change is reported, with
 * the first pair that swaps: -EPERM. -EINVAL when the sealed object's entries
 * are not its members' (a count or a target that differs): the order cannot
 * be checked.
 */
int sf_order_check(struct symfence_ctx *ctx, const struct sf_order_ctx *oc,
		   const struct sf_order_list *before, const struct sf_order_list *after);

#endif
