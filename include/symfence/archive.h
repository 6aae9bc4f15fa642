/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Thin archives as seal --archive rewrites them: vmlinux.a, where kbuild
 * gathers every built-in object (GNU ar cDPrST: no symbol table, member
 * names relative to the archive's directory). The caller owns the loop:
 *
 *   symfence_archive_open()          the member list; refuses what cannot be rewritten
 *   symfence_archive_check_output()  the sealed object's member name; refuses a second seal
 *   symfence_archive_select()        the library's members (and checks they are objects)
 *   ... link them, localize (symfence_link(), symfence_localize_plan()) ...
 *   symfence_archive_check_order()   the initcalls and other tables keep their order
 *   symfence_archive_write_sealed()  the new archive, to a temporary beside it
 *   symfence_rename_both()           the object and the archive, together
 */
#ifndef SYMFENCE_ARCHIVE_H
#define SYMFENCE_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>

#include <symfence/diag.h>
#include <symfence/localize.h>
#include <symfence/object.h>
#include <symfence/output.h>
#include <symfence/rules.h>

struct symfence_archive;

/*
 * Reads the thin archive path: its members in order, whether it has a
 * symbol table, each member's file (which must exist). Refused, with one
 * error: a regular archive, and a member that is an archive or a member of
 * one (neither can be rewritten as it was).
 */
int symfence_archive_open(struct symfence_ctx *ctx, const char *path,
			  struct symfence_archive **out);
void symfence_archive_free(struct symfence_archive *ar);

const char *symfence_archive_path(const struct symfence_archive *ar);
size_t symfence_archive_count(const struct symfence_archive *ar);
/* Member i's name as the archive stores it: relative to the archive's directory. */
const char *symfence_archive_member(const struct symfence_archive *ar, size_t i);
/* Member i's file, to open: its name joined to the archive's directory. */
const char *symfence_archive_member_file(const struct symfence_archive *ar, size_t i);
bool symfence_archive_has_symtab(const struct symfence_archive *ar);

/*
 * The sealed object's member name, into *name (malloc'd): output's path
 * relative to the archive's directory, both resolved to real paths (with
 * "../" where needed), as GNU ar names thin members. Refused, reported: an
 * output that is the archive or one of its members' files (the guard's
 * file), an archive that already has a member of that name (a second seal),
 * and a name that lib's objects patterns match (relative to root as in
 * symfence_archive_select()), which a later seal would take for a member.
 */
int symfence_archive_check_output(struct symfence_ctx *ctx, const struct symfence_archive *ar,
				  const struct symfence_library *lib, const char *root,
				  const struct symfence_output_guard *guard, char **name);

/*
 * Selects lib's members: those whose names match its objects patterns (the
 * names as stored; with root, the member's path relative to root), in
 * archive order. Each is opened and must be an ELF relocatable object.
 * Reported: no member matches, a pattern that matches no member.
 */
int symfence_archive_select(struct symfence_ctx *ctx, struct symfence_archive *ar,
			    const struct symfence_library *lib, const char *root);
size_t symfence_archive_nselected(const struct symfence_archive *ar);
/* The position in the archive of the i-th selected member. */
size_t symfence_archive_selected(const struct symfence_archive *ar, size_t i);

/*
 * Checks that putting sealed (the linked library) at the place of the first
 * selected member keeps the order of every entry of the kernel's
 * order-sensitive tables (initcalls of each level, console initcalls,
 * __setup and early_param, module parameters, constructors) among the
 * members' and the sealed object's. Refused (-EPERM): a pair that would
 * swap, both named; an error (-EINVAL): entries that cannot be matched.
 */
int symfence_archive_check_order(struct symfence_ctx *ctx, const struct symfence_archive *ar,
				 const char *library, const struct symfence_object *sealed);

/*
 * Writes, to a temporary file beside the archive (*tmp, with the archive's
 * mode), the archive with the selected members replaced by one member named
 * name at the first one's place, every other member in its order: byte for
 * byte what GNU ar writes for that member list (ar cDPrST, or ar cDPrT when
 * the archive had a symbol table). file is the new member's contents (its
 * size and, for the symbol table, its symbols), as it is now.
 */
int symfence_archive_write_sealed(struct symfence_ctx *ctx, const struct symfence_archive *ar,
				  const char *name, const char *file, char **tmp);

#endif
