#include "core/strmap.h"

#include <stdlib.h>
#include <string.h>

struct strmap {
	char *arena;
	size_t arena_len, arena_cap;
	size_t *offset;            /* id -> offset in arena */
	size_t n, cap;
	uint32_t *slots;           /* UINT32_MAX: empty */
	size_t n_slots;
};

uint64_t strmap_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

struct strmap *strmap_new(void)
{
	struct strmap *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->n_slots = 64;
	m->slots = malloc(m->n_slots * sizeof(*m->slots));
	if (!m->slots) {
		free(m);
		return NULL;
	}
	memset(m->slots, 0xff, m->n_slots * sizeof(*m->slots));
	return m;
}

void strmap_free(struct strmap *m)
{
	if (!m)
		return;
	free(m->arena);
	free(m->offset);
	free(m->slots);
	free(m);
}

static size_t slot_of(const struct strmap *m, const char *s, uint64_t h)
{
	size_t mask = m->n_slots - 1;
	for (size_t k = h & mask;; k = (k + 1) & mask) {
		uint32_t v = m->slots[k];
		if (v == UINT32_MAX || strcmp(m->arena + m->offset[v], s) == 0)
			return k;
	}
}

long strmap_find(const struct strmap *m, const char *s)
{
	uint32_t v = m->slots[slot_of(m, s, strmap_hash(s))];
	return v == UINT32_MAX ? -1 : (long)v;
}

static int rehash(struct strmap *m)
{
	size_t n_slots = m->n_slots * 2;
	uint32_t *slots = malloc(n_slots * sizeof(*slots));
	if (!slots)
		return -1;
	memset(slots, 0xff, n_slots * sizeof(*slots));
	free(m->slots);
	m->slots = slots;
	m->n_slots = n_slots;
	for (size_t i = 0; i < m->n; i++) {
		const char *s = m->arena + m->offset[i];
		m->slots[slot_of(m, s, strmap_hash(s))] = (uint32_t)i;
	}
	return 0;
}

long strmap_add(struct strmap *m, const char *s, int *added)
{
	if (added)
		*added = 0;
	size_t k = slot_of(m, s, strmap_hash(s));
	if (m->slots[k] != UINT32_MAX)
		return (long)m->slots[k];
	if (m->n >= UINT32_MAX - 1)
		return -1;
	size_t len = strlen(s) + 1;
	if (m->arena_len + len > m->arena_cap) {
		size_t cap = m->arena_cap ? m->arena_cap : 4096;
		while (cap < m->arena_len + len)
			cap *= 2;
		char *a = realloc(m->arena, cap);
		if (!a)
			return -1;
		m->arena = a;
		m->arena_cap = cap;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		size_t *o = realloc(m->offset, cap * sizeof(*o));
		if (!o)
			return -1;
		m->offset = o;
		m->cap = cap;
	}
	memcpy(m->arena + m->arena_len, s, len);
	m->offset[m->n] = m->arena_len;
	m->arena_len += len;
	m->slots[k] = (uint32_t)m->n;
	m->n++;
	if (2 * m->n > m->n_slots && rehash(m) < 0) {
		/* The id stays valid: only the index could not grow. Undo it. */
		m->n--;
		m->arena_len -= len;
		m->slots[slot_of(m, s, strmap_hash(s))] = UINT32_MAX;
		return -1;
	}
	if (added)
		*added = 1;
	return (long)(m->n - 1);
}

const char *strmap_name(const struct strmap *m, size_t id)
{
	return m->arena + m->offset[id];
}

size_t strmap_size(const struct strmap *m)
{
	return m->n;
}
