/* SPDX-License-Identifier: GPL-2.0-only */
/* libsymfence: everything the symfence tool is made of. */
#ifndef SYMFENCE_SYMFENCE_H
#define SYMFENCE_SYMFENCE_H

#include <symfence/audit.h>
#include <symfence/diag.h>
#include <symfence/object.h>
#include <symfence/input.h>
#include <symfence/localize.h>
#include <symfence/output.h>
#include <symfence/rules.h>
#include <symfence/selection.h>
#include <symfence/link.h>
#include <symfence/archive.h>

#define SYMFENCE_VERSION "0.1.0"

/* Exit statuses shared by every command. */
enum {
	SYMFENCE_EXIT_OK = 0,
	SYMFENCE_EXIT_POLICY = 1,  /* a violation, or a symbol that cannot be localized */
	SYMFENCE_EXIT_FAILURE = 2, /* usage, bad rules, unreadable input, internal failure */
};

#endif
