/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shell-glob matching for symbol and object patterns, and the index that keeps
 * thousands of patterns from costing name x pattern work: exact names in a
 * hash table, globs bucketed by their literal prefix (or, when that is empty,
 * their literal suffix), so a lookup hashes each prefix and suffix of the name
 * once (O(len)) and runs the full matcher only on the few candidates found.
 */
#ifndef SYMFENCE_PATTERN_INT_H
#define SYMFENCE_PATTERN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Checks the glob syntax of pat. Returns NULL when it is valid, otherwise
 * what is wrong ("unterminated '['"), written into buf. Object patterns must
 * not end in '/'.
 */
const char *sf_glob_check(const char *pat, bool object, char *buf, size_t size);

/* True when pat has no '*', '?' or '['. */
bool sf_glob_literal(const char *pat);

/*
 * Matches the whole of s against pat. With path, '*', '?' and '[...]' do not
 * match '/', '**' does, and "**" followed by '/' also matches no directory at
 * all. With fold, '-' and '_' are the same character.
 */
bool sf_glob_match(const char *pat, const char *s, bool path, bool fold);

/* s without its leading "./" (any number of them). */
const char *sf_skip_dot_slash(const char *s);

/*
 * The endings of a module's file name: ".ko", then ".ko" and each compression
 * the input layer decompresses (input.c). The one list of them.
 */
#define SF_NMODULE_SUFFIXES 4
extern const char *const sf_module_suffixes[SF_NMODULE_SUFFIXES];

/*
 * For a module path (.ko, .ko.xz, .ko.zst, .ko.gz, or a bare name with no '/'
 * and no '.'), the length of its module name, which starts at *base (the file
 * name); 0 for anything else.
 */
size_t sf_module_name_len(const char *path, const char **base);

/* A hash table of strings; fold makes '-' and '_' compare equal. */
struct sf_hent {
	uint64_t hash;
	const char *key; /* NULL: free slot */
	size_t len;
	size_t val;
};

struct sf_htab {
	struct sf_hent *ents;
	size_t cap, n;
	bool fold;
};

uint64_t sf_hash_step(uint64_t h, unsigned char c, bool fold);
uint64_t sf_hash(const char *s, size_t len, bool fold);
/* The entry for key, or NULL. */
struct sf_hent *sf_htab_get(const struct sf_htab *ht, uint64_t hash, const char *key, size_t len);
/*
 * The entry for key, added with val = SIZE_MAX when it was not there (the key
 * is borrowed and must outlive the table). NULL when out of memory.
 */
struct sf_hent *sf_htab_put(struct sf_htab *ht, const char *key, size_t len);
void sf_htab_free(struct sf_htab *ht);

/* Patterns indexed for "which of them match this string". */
struct sf_index {
	struct sf_htab exact, prefix, suffix; /* values: first pattern of the chain */
	size_t *next;			      /* chain links by pattern, SIZE_MAX ends */
	size_t *always;			      /* globs with no literal prefix or suffix */
	size_t nalways, maxprefix, maxsuffix;
};

/* Indexes n patterns (borrowed; they must stay valid). Returns 0 or -ENOMEM. */
int sf_index_build(struct sf_index *ix, const char *const *pats, size_t n);
void sf_index_free(struct sf_index *ix);

/*
 * Smallest i < best among the candidate patterns for subject (its first len
 * bytes): those that may match it, for which ok(arg, i) says it really does;
 * best when there is none. With an ok that always says no, it visits every
 * candidate.
 */
size_t sf_index_first(const struct sf_index *ix, const char *subject, size_t len, size_t best,
		      bool (*ok)(void *arg, size_t i), void *arg);

/* Edit distance (with transpositions) between a and b, stopping above max. */
unsigned int sf_edit_distance(const char *a, const char *b, unsigned int max);

/*
 * "Did you mean": offered the candidates one at a time, keeps the one closest
 * to word: the same but for case (or, with prefix, one that word of 3 or more
 * characters abbreviates) at once, else the nearest within 2 edits that are
 * at most a third of word. best stays NULL when none is close.
 */
struct sf_suggest {
	const char *word;
	size_t len;
	bool prefix;
	const char *best;
	unsigned int bestd; /* 0 once a final match is found */
};

void sf_suggest_init(struct sf_suggest *s, const char *word, bool prefix);
void sf_suggest_offer(struct sf_suggest *s, const char *candidate);

#endif
