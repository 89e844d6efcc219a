/* strmap.h - a string-keyed hash map of counts (open addressing).
 *
 * Keys are copied; strmap_free releases them.  Functions that can allocate
 * return -1 when memory runs out (the map is then unchanged). */
#ifndef QUARRY_STRMAP_H
#define QUARRY_STRMAP_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a 64 of s[0..n): the hash of the map, for other tables too. */
uint64_t str_hash(const void *s, size_t n);
/* The same, continued from h (start with STR_HASH_INIT): hash a stream a
 * chunk at a time. */
#define STR_HASH_INIT 0xcbf29ce484222325ULL
uint64_t str_hash_more(uint64_t h, const void *s, size_t n);
/* One byte c more into hash h: for a loop that reads the bytes anyway. */
#define STR_HASH_STEP(h, c) (((h) ^ (unsigned char)(c)) * 0x100000001b3ULL)

struct strmap_entry {
	char *key;
	long count;
	long aux;      /* free for the caller */
	uint64_t hash; /* str_hash of the key: probes compare it first */
};

struct strmap {
	struct strmap_entry *e;
	size_t cap, n;
};

#define STRMAP_INIT {NULL, 0, 0}

/* The entry for key[0..len), added with count 0 if new; NULL on
 * out-of-memory.  The pointer is valid until the next add. */
struct strmap_entry *strmap_get(struct strmap *m, const char *key, size_t len);
/* strmap_get with h = str_hash(key, len) already known (a caller that
 * hashed the key for a table of its own does not hash it twice). */
struct strmap_entry *strmap_get_hashed(struct strmap *m, const char *key,
				       size_t len, uint64_t h);
/* The entry for key, or NULL. */
struct strmap_entry *strmap_find(const struct strmap *m, const char *key);
void strmap_free(struct strmap *m);
/* Drop the entries counted fewer than min times (lossy counting keeps a
 * growing map bounded).  Returns the number left, or -1 on out-of-memory
 * (the map is then unchanged). */
long strmap_prune(struct strmap *m, long min);

/* Iterate: for (i = 0; i < m->cap; i++) if (m->e[i].key) ... */

#endif
