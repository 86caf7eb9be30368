/* u64map.h - an open-addressing hash map from 64-bit keys to 32-bit
 * values (usually indexes into the owner's own arrays). */
#ifndef SOCKSCOPE_UTIL_U64MAP_H
#define SOCKSCOPE_UTIL_U64MAP_H

#include <stddef.h>
#include <stdint.h>

/* The one value that cannot be stored: it marks an empty slot. */
#define U64MAP_EMPTY UINT32_MAX

struct u64map {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap; /* a power of two, or 0 */
	size_t used;
};

/* Room for n keys without growing (a zeroed map needs no init). */
void u64map_reserve(struct u64map *m, size_t n);
void u64map_free(struct u64map *m);
/* Empty the map, keeping its room. */
void u64map_clear(struct u64map *m);

/* The value slot of key, or NULL if the key is absent. */
uint32_t *u64map_get(const struct u64map *m, uint64_t key);
/* The value slot of key, added (as U64MAP_EMPTY) if absent: the caller
 * stores a value in it at once. Sets *added. */
uint32_t *u64map_put(struct u64map *m, uint64_t key, int *added);

#endif
