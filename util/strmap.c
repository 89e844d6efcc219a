/* strmap.c - open-addressing string map with linear probing. */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

uint64_t str_hash_more(uint64_t h, const void *s, size_t n)
{
	const unsigned char *p = s;
	size_t i;

	for (i = 0; i < n; i++)
		h = STR_HASH_STEP(h, p[i]);
	return h;
}

uint64_t str_hash(const void *s, size_t n)
{
	return str_hash_more(STR_HASH_INIT, s, n);
}

/* Where hash h sits among the cap slots of e (or the empty slot where
 * it belongs): the rehash of grow and strmap_prune. */
static size_t empty_slot(const struct strmap_entry *e, size_t cap, uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);

	while (e[i].key)
		i = (i + 1) & (cap - 1);
	return i;
}

static int grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i;
	struct strmap_entry *e = calloc(cap, sizeof(*e));

	if (e == NULL)
		return -1;
	for (i = 0; i < m->cap; i++)
		if (m->e[i].key != NULL)
			e[empty_slot(e, cap, m->e[i].hash)] = m->e[i];
	free(m->e);
	m->e = e;
	m->cap = cap;
	return 0;
}

struct strmap_entry *strmap_get(struct strmap *m, const char *key, size_t len)
{
	return strmap_get_hashed(m, key, len, str_hash(key, len));
}

struct strmap_entry *strmap_get_hashed(struct strmap *m, const char *key,
				       size_t len, uint64_t hv)
{
	size_t h;

	if ((m->n + 1) * 2 > m->cap && grow(m) != 0)
		return NULL;
	h = (size_t)hv & (m->cap - 1);
	while (m->e[h].key) {
		if (m->e[h].hash == hv && strncmp(m->e[h].key, key, len) == 0 &&
		    m->e[h].key[len] == '\0')
			return &m->e[h];
		h = (h + 1) & (m->cap - 1);
	}
	m->e[h].key = malloc(len + 1);
	if (m->e[h].key == NULL)
		return NULL;
	memcpy(m->e[h].key, key, len);
	m->e[h].key[len] = '\0';
	m->e[h].count = 0;
	m->e[h].aux = 0;
	m->e[h].hash = hv;
	m->n++;
	return &m->e[h];
}

struct strmap_entry *strmap_find(const struct strmap *m, const char *key)
{
	uint64_t hv = str_hash(key, strlen(key));
	size_t h;

	if (m->cap == 0)
		return NULL;
	h = (size_t)hv & (m->cap - 1);
	while (m->e[h].key) {
		if (m->e[h].hash == hv && strcmp(m->e[h].key, key) == 0)
			return &m->e[h];
		h = (h + 1) & (m->cap - 1);
	}
	return NULL;
}

void strmap_free(struct strmap *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->cap; i++)
		free(m->e[i].key);
	free(m->e);
	m->e = NULL;
	m->cap = m->n = 0;
}

long strmap_prune(struct strmap *m, long min)
{
	struct strmap_entry *old = m->e;
	size_t cap = m->cap, i;

	m->e = calloc(cap, sizeof(*m->e));
	if (m->e == NULL) {
		m->e = old;
		return -1;
	}
	m->n = 0;
	for (i = 0; i < cap; i++) {
		if (old[i].key == NULL)
			continue;
		if (old[i].count < min) {
			free(old[i].key);
			continue;
		}
		m->e[empty_slot(m->e, cap, old[i].hash)] = old[i];
		m->n++;
	}
	free(old);
	return (long)m->n;
}
