/* test_u64map.c - the inode/id hash map: edge keys, growth to many keys,
 * absent keys, and reserve keeping its promise of no growth. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/u64map.h"

/* Spreads i over the whole 64-bit range (a bijection, so no repeats). */
static uint64_t spread(uint64_t i)
{
	return i * 0x9e3779b97f4a7c15ull;
}

static void test_put_get(void **state)
{
	struct u64map m = { 0 };
	uint32_t *v;
	int added = -1;
	(void)state;

	/* a zeroed map is an empty map */
	assert_null(u64map_get(&m, 1));
	assert_null(u64map_get(&m, 0));

	v = u64map_put(&m, 1, &added);
	assert_non_null(v);
	assert_int_equal(added, 1);
	assert_int_equal(*v, U64MAP_EMPTY); /* the caller fills it in */
	*v = 10;
	assert_int_equal(m.used, 1);

	v = u64map_get(&m, 1);
	assert_non_null(v);
	assert_int_equal(*v, 10);

	/* a second put of the same key finds the stored value */
	added = -1;
	v = u64map_put(&m, 1, &added);
	assert_int_equal(added, 0);
	assert_int_equal(*v, 10);
	assert_int_equal(m.used, 1);

	/* the slot is writable through get */
	*u64map_get(&m, 1) = 11;
	assert_int_equal(*u64map_get(&m, 1), 11);

	/* every value but U64MAP_EMPTY can be stored */
	v = u64map_put(&m, 2, &added);
	assert_int_equal(added, 1);
	*v = U64MAP_EMPTY - 1;
	v = u64map_put(&m, 3, &added);
	*v = 0;
	assert_int_equal(*u64map_get(&m, 2), U64MAP_EMPTY - 1);
	assert_int_equal(*u64map_get(&m, 3), 0);
	assert_int_equal(*u64map_get(&m, 1), 11);
	assert_null(u64map_get(&m, 4));
	assert_int_equal(m.used, 3);

	u64map_free(&m);
	assert_null(m.keys);
	assert_null(m.vals);
	assert_int_equal(m.cap, 0);
	assert_int_equal(m.used, 0);
	assert_null(u64map_get(&m, 1));
	/* and it can be used again after free */
	v = u64map_put(&m, 1, &added);
	assert_int_equal(added, 1);
	*v = 5;
	assert_int_equal(*u64map_get(&m, 1), 5);
	u64map_free(&m);
	/* freeing twice is harmless */
	u64map_free(&m);
}

static void test_edge_keys(void **state)
{
	struct u64map m = { 0 };
	int added;
	(void)state;

	*u64map_put(&m, 0, &added) = 100;
	assert_int_equal(added, 1);
	assert_null(u64map_get(&m, UINT64_MAX));
	*u64map_put(&m, UINT64_MAX, &added) = 200;
	assert_int_equal(added, 1);
	*u64map_put(&m, UINT64_MAX - 1, &added) = 300;
	assert_int_equal(added, 1);
	*u64map_put(&m, 1ull << 32, &added) = 400;
	assert_int_equal(added, 1);
	*u64map_put(&m, 1ull << 63, &added) = 500;
	assert_int_equal(added, 1);

	assert_int_equal(*u64map_get(&m, 0), 100);
	assert_int_equal(*u64map_get(&m, UINT64_MAX), 200);
	assert_int_equal(*u64map_get(&m, UINT64_MAX - 1), 300);
	assert_int_equal(*u64map_get(&m, 1ull << 32), 400);
	assert_int_equal(*u64map_get(&m, 1ull << 63), 500);
	assert_null(u64map_get(&m, 1));
	assert_null(u64map_get(&m, (1ull << 32) + 1));
	assert_null(u64map_get(&m, UINT32_MAX));

	assert_int_equal(*u64map_put(&m, 0, &added), 100);
	assert_int_equal(added, 0);
	assert_int_equal(*u64map_put(&m, UINT64_MAX, &added), 200);
	assert_int_equal(added, 0);
	assert_int_equal(m.used, 5);
	u64map_free(&m);
}

/* Keys that differ only in their high bits: without mixing they would all
 * land in one slot. */
static void test_high_bit_keys(void **state)
{
	struct u64map m = { 0 };
	int added;
	(void)state;

	for (uint32_t i = 0; i < 4096; i++) {
		*u64map_put(&m, (uint64_t)i << 40, &added) = i;
		assert_int_equal(added, 1);
	}
	for (uint32_t i = 0; i < 4096; i++) {
		const uint32_t *v = u64map_get(&m, (uint64_t)i << 40);
		assert_non_null(v);
		assert_int_equal(*v, i);
		assert_null(u64map_get(&m, ((uint64_t)i << 40) | 1));
	}
	u64map_free(&m);
}

#define MANY 100000u

static void test_growth(void **state)
{
	struct u64map m = { 0 };
	int added;
	(void)state;

	/* dense keys (like inode numbers) and spread keys, interleaved */
	for (uint32_t i = 0; i < MANY; i++) {
		uint32_t *v = u64map_put(&m, 1000000 + (uint64_t)i, &added);
		assert_int_equal(added, 1);
		*v = i;
		v = u64map_put(&m, spread((uint64_t)i + MANY * 4), &added);
		assert_int_equal(added, 1);
		*v = MANY + i;
	}
	assert_int_equal(m.used, 2 * MANY);
	/* a power of two, at most half full */
	assert_int_equal(m.cap & (m.cap - 1), 0);
	assert_true(m.cap >= 2 * m.used);

	for (uint32_t i = 0; i < MANY; i++) {
		const uint32_t *v = u64map_get(&m, 1000000 + (uint64_t)i);
		if (v == NULL || *v != i)
			fail_msg("dense key %u lost", (unsigned)i);
		v = u64map_get(&m, spread((uint64_t)i + MANY * 4));
		if (v == NULL || *v != MANY + i)
			fail_msg("spread key %u lost", (unsigned)i);
	}
	/* absent keys: next to the dense run, and other spread keys */
	for (uint32_t i = 0; i < MANY; i++) {
		if (u64map_get(&m, 1000000 + (uint64_t)MANY + i) != NULL)
			fail_msg("absent dense key %u found", (unsigned)i);
		if (u64map_get(&m, spread(i)) != NULL)
			fail_msg("absent spread key %u found", (unsigned)i);
	}
	assert_null(u64map_get(&m, 999999));
	/* putting them all again adds nothing */
	for (uint32_t i = 0; i < MANY; i++) {
		uint32_t *v = u64map_put(&m, 1000000 + (uint64_t)i, &added);
		if (added || *v != i)
			fail_msg("second put of %u", (unsigned)i);
	}
	assert_int_equal(m.used, 2 * MANY);
	u64map_free(&m);
}

static void test_reserve(void **state)
{
	struct u64map m = { 0 };
	const uint64_t *keys;
	size_t cap;
	int added;
	(void)state;

	u64map_reserve(&m, 1000);
	assert_int_equal(m.used, 0);
	assert_int_equal(m.cap & (m.cap - 1), 0);
	assert_true(m.cap >= 2000);
	assert_null(u64map_get(&m, 0));
	assert_null(u64map_get(&m, 5));
	cap = m.cap;
	keys = m.keys;
	for (uint32_t i = 0; i < 1000; i++) {
		*u64map_put(&m, spread(i), &added) = i * 3;
		assert_int_equal(added, 1);
	}
	/* reserved room: no growth, so no rehash */
	assert_int_equal(m.cap, cap);
	assert_ptr_equal(m.keys, keys);
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(*u64map_get(&m, spread(i)), i * 3);

	/* asking for less than there is room for changes nothing */
	u64map_reserve(&m, 10);
	assert_int_equal(m.cap, cap);
	assert_ptr_equal(m.keys, keys);

	/* reserving more rehashes and keeps every entry */
	u64map_reserve(&m, 50000);
	assert_true(m.cap >= 100000);
	assert_int_equal(m.cap & (m.cap - 1), 0);
	assert_int_equal(m.used, 1000);
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(*u64map_get(&m, spread(i)), i * 3);
	assert_null(u64map_get(&m, spread(1000)));
	cap = m.cap;
	for (uint32_t i = 1000; i < 50000; i++)
		*u64map_put(&m, spread(i), &added) = i * 3;
	assert_int_equal(m.cap, cap);
	assert_int_equal(m.used, 50000);
	for (uint32_t i = 0; i < 50000; i++)
		if (*u64map_get(&m, spread(i)) != i * 3)
			fail_msg("key %u after reserve", (unsigned)i);
	u64map_free(&m);

	/* reserve of 0 on an empty map still gives a usable map */
	u64map_reserve(&m, 0);
	assert_true(m.cap > 0);
	assert_null(u64map_get(&m, 0));
	*u64map_put(&m, 0, &added) = 7;
	assert_int_equal(*u64map_get(&m, 0), 7);
	u64map_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_edge_keys),
		cmocka_unit_test(test_high_bit_keys),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_reserve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
