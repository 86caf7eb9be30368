/* u64map.c - linear probing at most half full; keys are mixed first, since
 * inode numbers and uids are dense and would cluster. */
#include "config.h"

#include "util/u64map.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static size_t u64map_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (size_t)k;
}

static void u64map_rehash(struct u64map *m, size_t cap)
{
	uint64_t *keys = m->keys;
	uint32_t *vals = m->vals;
	size_t old = m->cap;

	m->keys = xreallocarray(NULL, cap, sizeof(*m->keys));
	m->vals = xreallocarray(NULL, cap, sizeof(*m->vals));
	memset(m->vals, 0xff, cap * sizeof(*m->vals));
	m->cap = cap;
	for (size_t i = 0; i < old; i++) {
		size_t k;
		if (vals[i] == U64MAP_EMPTY)
			continue;
		k = u64map_hash(keys[i]) & (cap - 1);
		while (m->vals[k] != U64MAP_EMPTY)
			k = (k + 1) & (cap - 1);
		m->keys[k] = keys[i];
		m->vals[k] = vals[i];
	}
	free(keys);
	free(vals);
}

void u64map_reserve(struct u64map *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 64;

	while (cap < (n + 1) * 2)
		cap *= 2;
	if (cap != m->cap)
		u64map_rehash(m, cap);
}

void u64map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

void u64map_clear(struct u64map *m)
{
	if (m->cap > 0)
		memset(m->vals, 0xff, m->cap * sizeof(*m->vals));
	m->used = 0;
}

uint32_t *u64map_get(const struct u64map *m, uint64_t key)
{
	size_t k;

	if (m->cap == 0)
		return NULL;
	k = u64map_hash(key) & (m->cap - 1);
	while (m->vals[k] != U64MAP_EMPTY) {
		if (m->keys[k] == key)
			return &m->vals[k];
		k = (k + 1) & (m->cap - 1);
	}
	return NULL;
}

uint32_t *u64map_put(struct u64map *m, uint64_t key, int *added)
{
	uint32_t *v = u64map_get(m, key);
	size_t k;

	*added = v == NULL;
	if (v != NULL)
		return v;
	u64map_reserve(m, m->used + 1);
	k = u64map_hash(key) & (m->cap - 1);
	while (m->vals[k] != U64MAP_EMPTY)
		k = (k + 1) & (m->cap - 1);
	m->keys[k] = key;
	m->used++;
	return &m->vals[k];
}
