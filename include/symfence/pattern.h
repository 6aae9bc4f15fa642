/* SPDX-License-Identifier: GPL-2.0-only */
/* The rules' patterns (src/pattern.c), as tools outside the rules match paths with them. */
#ifndef SYMFENCE_PATTERN_H
#define SYMFENCE_PATTERN_H

#include <stdbool.h>

/*
 * Does the objects pattern match path? With a '/' the pattern matches the
 * path ('*' stops at '/', '**' crosses it; leading "./" ignored); without one
 * it matches the file name, or for a module (.ko, .ko.xz, .ko.zst, .ko.gz)
 * also its name with ".ko" and its module name, '-' and '_' equal.
 */
bool symfence_object_pattern_match(const char *pattern, const char *path);

#endif
