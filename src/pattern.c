// SPDX-License-Identifier: GPL-2.0-only
/* Glob matching and the pattern index behind the rules language. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <symfence/pattern.h>
#include <symfence/rules.h>

#include "internal.h"
#include "pattern.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define NONE SIZE_MAX

static inline unsigned char fold_char(unsigned char c, bool fold)
{
	return fold && c == '_' ? '-' : c;
}

/*
 * A bracket expression starting at p ('['): *first gets its first member
 * (after '!' or '^'), *neg whether it is negated. Returns the closing ']', or
 * NULL when there is none (then the '[' is an ordinary character).
 */
static const char *bracket(const char *p, const char **first, bool *neg)
{
	const char *q = p + 1;

	*neg = *q == '!' || *q == '^';
	if (*neg)
		q++;
	*first = q;
	if (*q == ']') /* a ']' first is a member */
		q++;
	while (*q && *q != ']')
		q++;
	return *q ? q : NULL;
}

static bool in_range(unsigned char lo, unsigned char hi, unsigned char c, bool fold)
{
	if (lo <= c && c <= hi)
		return true;
	if (fold && (c == '-' || c == '_')) {
		c = c == '-' ? '_' : '-';
		return lo <= c && c <= hi;
	}
	return false;
}

static bool bracket_hit(const char *first, const char *close, bool neg, unsigned char c, bool fold)
{
	const char *q = first;
	bool hit = false;

	while (q < close) {
		if (q + 2 < close && q[1] == '-') {
			hit |= in_range((unsigned char)q[0], (unsigned char)q[2], c, fold);
			q += 3;
		} else {
			hit |= in_range((unsigned char)q[0], (unsigned char)q[0], c, fold);
			q++;
		}
	}
	return hit != neg;
}

const char *sf_glob_check(const char *pat, bool object, char *buf, size_t size)
{
	const char *p, *q, *first, *close;
	bool neg;

	for (p = pat; *p; p++) {
		if (*p == '\\') {
			snprintf(buf, size, "backslash escapes are not supported");
			return buf;
		}
		if (*p != '[')
			continue;
		close = bracket(p, &first, &neg);
		if (!close) {
			snprintf(buf, size, "unterminated '['");
			return buf;
		}
		for (q = first; q < close; q++) {
			if (q + 2 < close && q[1] == '-') {
				if ((unsigned char)q[0] > (unsigned char)q[2]) {
					snprintf(buf, size, "reversed range '%c-%c'", q[0], q[2]);
					return buf;
				}
				q += 2;
			}
		}
		p = close;
	}
	if (object && p > pat && p[-1] == '/') {
		snprintf(buf, size,
			 "ends with '/' (to name the objects in a directory, write '%s*.o')", pat);
		return buf;
	}
	return NULL;
}

bool sf_glob_literal(const char *pat)
{
	return !pat[strcspn(pat, "*?[")];
}

enum { M_MATCH, M_NOMATCH, M_ABORT_ALL, M_ABORT_TO_STARSTAR };

/*
 * The matcher of git's wildmatch, in our words: a '*' tries every extent of
 * the text, but gives up early when the rest cannot match anywhere further
 * (ABORT_ALL: the text ran out; ABORT_TO_STARSTAR: a single '*' met a '/'),
 * which keeps patterns with many stars polynomial.
 */
static int wild(const char *pstart, const char *p, const char *t, const char *te, bool path,
		bool fold)
{
	const char *first, *close;
	bool neg;

	for (; *p; p++, t++) {
		if (*p == '*') {
			const char *star = p;
			bool cross = !path;
			int r;

			if (p[1] == '*') {
				while (p[1] == '*')
					p++;
				cross = true;
			}
			p++;
			/* "**" followed by '/' at the start of a component: no directory at all. */
			if (path && cross && *p == '/' && (star == pstart || star[-1] == '/') &&
			    wild(pstart, p + 1, t, te, path, fold) == M_MATCH)
				return M_MATCH;
			if (!*p) {
				if (!cross && memchr(t, '/', (size_t)(te - t)))
					return M_ABORT_TO_STARSTAR;
				return M_MATCH;
			}
			for (;; t++) {
				r = wild(pstart, p, t, te, path, fold);
				if (r != M_NOMATCH) {
					if (!cross || r != M_ABORT_TO_STARSTAR)
						return r;
				} else if (!cross && t < te && *t == '/') {
					return M_ABORT_TO_STARSTAR;
				}
				if (t == te)
					return M_ABORT_ALL;
			}
		}
		if (t == te)
			return M_ABORT_ALL;
		if (*p == '?') {
			if (path && *t == '/')
				return M_NOMATCH;
			continue;
		}
		if (*p == '[' && (close = bracket(p, &first, &neg))) {
			if (path && *t == '/')
				return M_NOMATCH;
			if (!bracket_hit(first, close, neg, (unsigned char)*t, fold))
				return M_NOMATCH;
			p = close;
			continue;
		}
		if (fold_char((unsigned char)*p, fold) != fold_char((unsigned char)*t, fold))
			return M_NOMATCH;
	}
	return t == te ? M_MATCH : M_NOMATCH;
}

static bool glob_match_n(const char *pat, const char *s, size_t len, bool path, bool fold)
{
	return wild(pat, pat, s, s + len, path, fold) == M_MATCH;
}

bool sf_glob_match(const char *pat, const char *s, bool path, bool fold)
{
	return glob_match_n(pat, s, strlen(s), path, fold);
}

const char *const sf_module_suffixes[SF_NMODULE_SUFFIXES] = { ".ko", ".ko.xz", ".ko.zst",
							      ".ko.gz" };

const char *sf_skip_dot_slash(const char *s)
{
	while (s[0] == '.' && s[1] == '/')
		s += 2;
	return s;
}

size_t sf_module_name_len(const char *path, const char **basep)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t i, len = strlen(base), sfx;

	*basep = base;
	for (i = 0; i < SF_NMODULE_SUFFIXES; i++) {
		sfx = strlen(sf_module_suffixes[i]);
		if (len > sfx && !strcmp(base + len - sfx, sf_module_suffixes[i]))
			return len - sfx;
	}
	if (!slash && !strchr(path, '.'))
		return len; /* a bare module name, as in /proc/modules */
	return 0;
}

bool symfence_object_pattern_match(const char *pattern, const char *path)
{
	const char *base;
	size_t len, modlen;

	pattern = sf_skip_dot_slash(pattern);
	path = sf_skip_dot_slash(path);
	if (strchr(pattern, '/'))
		return sf_glob_match(pattern, path, true, false);
	modlen = sf_module_name_len(path, &base);
	len = strlen(base);
	if (!modlen)
		return glob_match_n(pattern, base, len, true, false);
	/* A module: its file name, its name with ".ko", its module name; '-' and '_' equal. */
	return glob_match_n(pattern, base, len, true, true) ||
	       (modlen + 3 < len && glob_match_n(pattern, base, modlen + 3, true, true)) ||
	       glob_match_n(pattern, base, modlen, true, true);
}

uint64_t sf_hash_step(uint64_t h, unsigned char c, bool fold)
{
	return (h ^ fold_char(c, fold)) * FNV_PRIME;
}

uint64_t sf_hash(const char *s, size_t len, bool fold)
{
	uint64_t h = FNV_OFFSET;
	size_t i;

	for (i = 0; i < len; i++)
		h = sf_hash_step(h, (unsigned char)s[i], fold);
	return h;
}

static bool key_equal(const char *a, const char *b, size_t len, bool fold)
{
	size_t i;

	if (!fold)
		return !memcmp(a, b, len);
	for (i = 0; i < len; i++)
		if (fold_char((unsigned char)a[i], true) != fold_char((unsigned char)b[i], true))
			return false;
	return true;
}

static struct sf_hent *slot(const struct sf_htab *ht, uint64_t hash, const char *key, size_t len)
{
	/*
	 * FNV's low bits barely change between names that differ in their last
	 * characters (f1, f2, ...): take the top bits of hash * 2^64/phi
	 * (Fibonacci hashing) so linear probing does not run into clusters.
	 */
	size_t mask = ht->cap - 1;
	size_t i = (size_t)((hash * 0x9e3779b97f4a7c15ull) >> (64 - __builtin_ctzll(ht->cap)));
	struct sf_hent *e;

	for (;; i = (i + 1) & mask) {
		e = &ht->ents[i];
		if (!e->key ||
		    (e->hash == hash && e->len == len && key_equal(e->key, key, len, ht->fold)))
			return e;
	}
}

struct sf_hent *sf_htab_get(const struct sf_htab *ht, uint64_t hash, const char *key, size_t len)
{
	struct sf_hent *e;

	if (!ht->n)
		return NULL;
	e = slot(ht, hash, key, len);
	return e->key ? e : NULL;
}

static int htab_grow(struct sf_htab *ht)
{
	struct sf_htab bigger = { .n = ht->n, .fold = ht->fold };
	size_t i;

	if (!sf_grow_cap(ht->cap, ht->cap + 1, 16,
			 &bigger.cap)) /* doubled: rehashed, not realloc'd */
		return -ENOMEM;
	bigger.ents = sf_xcalloc(bigger.cap, sizeof(*bigger.ents));
	if (!bigger.ents)
		return -ENOMEM;
	for (i = 0; i < ht->cap; i++)
		if (ht->ents[i].key)
			*slot(&bigger, ht->ents[i].hash, ht->ents[i].key, ht->ents[i].len) =
				ht->ents[i];
	free(ht->ents);
	*ht = bigger;
	return 0;
}

static struct sf_hent *htab_put_hashed(struct sf_htab *ht, uint64_t hash, const char *key,
				       size_t len)
{
	struct sf_hent *e;

	if ((ht->n + 1) * 2 > ht->cap && htab_grow(ht))
		return NULL;
	e = slot(ht, hash, key, len);
	if (!e->key) {
		*e = (struct sf_hent){ .hash = hash, .key = key, .len = len, .val = NONE };
		ht->n++;
	}
	return e;
}

struct sf_hent *sf_htab_put(struct sf_htab *ht, const char *key, size_t len)
{
	return htab_put_hashed(ht, sf_hash(key, len, ht->fold), key, len);
}

void sf_htab_free(struct sf_htab *ht)
{
	free(ht->ents);
	ht->ents = NULL;
	ht->cap = ht->n = 0;
}

/*
 * The literal ends of a glob: its prefix is what comes before the first
 * wildcard, its suffix what follows the last one ("**" and the '/' after it
 * count as one wildcard, since they may match nothing at all).
 */
static void literal_ends(const char *pat, size_t *prefix, size_t *suffix_start)
{
	const char *p, *first, *close;
	size_t end = 0;
	bool neg;

	*prefix = strcspn(pat, "*?[");
	for (p = pat; *p; p++) {
		if (*p == '*') {
			while (p[1] == '*')
				p++;
			if (p[1] == '/' && p > pat && p[-1] == '*')
				p++;
			end = (size_t)(p - pat) + 1;
		} else if (*p == '?') {
			end = (size_t)(p - pat) + 1;
		} else if (*p == '[' && (close = bracket(p, &first, &neg))) {
			p = close;
			end = (size_t)(p - pat) + 1;
		}
	}
	*suffix_start = end;
}

static uint64_t hash_reversed(const char *s, size_t len)
{
	uint64_t h = FNV_OFFSET;

	while (len--)
		h = sf_hash_step(h, (unsigned char)s[len], true);
	return h;
}

int sf_index_build(struct sf_index *ix, const char *const *pats, size_t n)
{
	struct sf_hent *e;
	size_t i, len, pre, sufstart, nglob = 0;

	memset(ix, 0, sizeof(*ix));
	ix->exact.fold = ix->prefix.fold = ix->suffix.fold = true;
	ix->next = sf_xcalloc(n, sizeof(*ix->next));
	ix->always = sf_xcalloc(n, sizeof(*ix->always));
	if (!ix->next || !ix->always)
		goto nomem;
	/* Backwards, so that every chain is in ascending order. */
	for (i = n; i--;) {
		len = strlen(pats[i]);
		literal_ends(pats[i], &pre, &sufstart);
		if (pre == len) {
			e = sf_htab_put(&ix->exact, pats[i], len);
		} else if (pre && pre >= len - sufstart) {
			e = sf_htab_put(&ix->prefix, pats[i], pre);
			if (pre > ix->maxprefix)
				ix->maxprefix = pre;
		} else if (sufstart < len) {
			e = htab_put_hashed(&ix->suffix,
					    hash_reversed(pats[i] + sufstart, len - sufstart),
					    pats[i] + sufstart, len - sufstart);
			if (len - sufstart > ix->maxsuffix)
				ix->maxsuffix = len - sufstart;
		} else {
			ix->always[n - 1 - nglob++] = i;
			continue;
		}
		if (!e)
			goto nomem;
		ix->next[i] = e->val;
		e->val = i;
	}
	/* always[] was filled from the end: move it to the front, ascending. */
	memmove(ix->always, ix->always + n - nglob, nglob * sizeof(*ix->always));
	ix->nalways = nglob;
	return 0;
nomem:
	sf_index_free(ix);
	return -ENOMEM;
}

void sf_index_free(struct sf_index *ix)
{
	sf_htab_free(&ix->exact);
	sf_htab_free(&ix->prefix);
	sf_htab_free(&ix->suffix);
	free(ix->next);
	free(ix->always);
	memset(ix, 0, sizeof(*ix));
}

static size_t first_in_chain(const struct sf_index *ix, const struct sf_hent *e, size_t best,
			     bool (*ok)(void *arg, size_t i), void *arg)
{
	size_t i;

	for (i = e ? e->val : NONE; i != NONE && i < best; i = ix->next[i])
		if (ok(arg, i))
			return i;
	return best;
}

size_t sf_index_first(const struct sf_index *ix, const char *subject, size_t len, size_t best,
		      bool (*ok)(void *arg, size_t i), void *arg)
{
	size_t i, k;
	uint64_t h;

	if (ix->exact.n)
		best = first_in_chain(
			ix, sf_htab_get(&ix->exact, sf_hash(subject, len, true), subject, len),
			best, ok, arg);
	h = FNV_OFFSET;
	for (k = 1; k <= len && k <= ix->maxprefix; k++) {
		h = sf_hash_step(h, (unsigned char)subject[k - 1], true);
		best = first_in_chain(ix, sf_htab_get(&ix->prefix, h, subject, k), best, ok, arg);
	}
	h = FNV_OFFSET;
	for (k = 1; k <= len && k <= ix->maxsuffix; k++) {
		h = sf_hash_step(h, (unsigned char)subject[len - k], true);
		best = first_in_chain(ix, sf_htab_get(&ix->suffix, h, subject + len - k, k), best,
				      ok, arg);
	}
	for (i = 0; i < ix->nalways && ix->always[i] < best; i++)
		if (ok(arg, ix->always[i]))
			return ix->always[i];
	return best;
}

unsigned int sf_edit_distance(const char *a, const char *b, unsigned int max)
{
	unsigned int d[3][65], i, j, la = strlen(a), lb = strlen(b), cost, v;
	unsigned int *prev2 = d[0], *prev = d[1], *cur = d[2], *tmp;

	if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			cost = a[i - 1] != b[j - 1];
			v = prev[j - 1] + cost;
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
		tmp = prev2;
		prev2 = prev;
		prev = cur;
		cur = tmp;
	}
	return prev[lb] > max ? max + 1 : prev[lb];
}

void sf_suggest_init(struct sf_suggest *s, const char *word, bool prefix)
{
	s->word = word;
	s->len = strlen(word);
	s->prefix = prefix;
	s->best = NULL;
	s->bestd = 3;
}

void sf_suggest_offer(struct sf_suggest *s, const char *candidate)
{
	unsigned int d;

	if (s->bestd == 0)
		return;
	if (!strcasecmp(s->word, candidate) ||
	    (s->prefix && s->len >= 3 && !strncmp(s->word, candidate, s->len))) {
		s->best = candidate;
		s->bestd = 0;
		return;
	}
	d = sf_edit_distance(s->word, candidate, 2);
	if (d < s->bestd && d * 3 <= s->len + 1) {
		s->bestd = d;
		s->best = candidate;
	}
}
