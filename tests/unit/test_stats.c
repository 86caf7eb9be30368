/* test_stats.c - the latency histogram: bucket bounds over the whole
 * 64-bit range, exact percentiles of known distributions (nearest rank),
 * the documented 1/256 bound against sorted samples, and an exact mean
 * past 64 bits of sum. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "serve/stats.h"

static struct stats_hist *new_hist(void)
{
	struct stats_hist *h = malloc(sizeof *h);

	assert_non_null(h);
	stats_reset(h);
	return h;
}

/* v lies in its bucket, the bucket is at most 1/128 of its values wide,
 * and buckets are in value order. */
static void check_bucket(uint64_t v)
{
	size_t i = stats_index(v);
	uint64_t low = stats_bucket_low(i), w = stats_bucket_width(i);

	assert_true(i < STATS_BUCKETS);
	assert_true(low <= v);
	assert_true(v - low < w);
	if (low < 2 * STATS_SUB)
		assert_int_equal(w, 1);
	else
		assert_true(w <= low / STATS_SUB);
	if (v > 0)
		assert_true(stats_index(v - 1) <= i);
}

static void test_buckets(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < 70000; v++)
		check_bucket(v);
	for (unsigned b = 0; b < 64; b++) {
		uint64_t p = (uint64_t)1 << b;

		check_bucket(p);
		check_bucket(p - 1);
		check_bucket(p + 1);
		check_bucket(p + p / 2);
	}
	check_bucket(UINT64_MAX);
	check_bucket(UINT64_MAX - 1);
	assert_int_equal(stats_index(UINT64_MAX), STATS_BUCKETS - 1);
	/* exact buckets below 256, then two values a bucket */
	assert_int_equal(stats_index(255), 255);
	assert_int_equal(stats_bucket_low(stats_index(257)), 256);
	assert_int_equal(stats_bucket_width(stats_index(257)), 2);
	/* each bucket follows the previous one without a gap */
	for (size_t i = 1; i < STATS_BUCKETS; i++)
		assert_int_equal(stats_bucket_low(i - 1) +
					 stats_bucket_width(i - 1),
				 stats_bucket_low(i));
}

static void test_empty(void **state)
{
	struct stats_hist *h = new_hist();
	(void)state;

	assert_int_equal(h->n, 0);
	assert_int_equal(stats_percentile(h, 500), 0);
	assert_int_equal(stats_percentile(h, 1000), 0);
	assert_true(stats_mean(h) == 0);
	free(h);
}

/* 1..100 once each: every value has its own bucket, so percentiles are
 * the nearest-rank values exactly. */
static void test_uniform_exact(void **state)
{
	struct stats_hist *h = new_hist();
	(void)state;

	for (uint64_t v = 100; v >= 1; v--)
		stats_add(h, v);
	assert_int_equal(h->n, 100);
	assert_int_equal(h->min, 1);
	assert_int_equal(h->max, 100);
	assert_true(stats_mean(h) == 50.5);
	assert_int_equal(stats_percentile(h, 0), 1);
	assert_int_equal(stats_percentile(h, 10), 1);  /* rank 1 */
	assert_int_equal(stats_percentile(h, 11), 2);  /* rank ceil(1.1) */
	assert_int_equal(stats_percentile(h, 500), 50);
	assert_int_equal(stats_percentile(h, 501), 51);
	assert_int_equal(stats_percentile(h, 900), 90);
	assert_int_equal(stats_percentile(h, 990), 99);
	assert_int_equal(stats_percentile(h, 999), 100);
	assert_int_equal(stats_percentile(h, 1000), 100);
	assert_int_equal(stats_percentile(h, 5000), 100); /* capped */
	free(h);
}

/* Three values: the rank is ceil(n * p), not an interpolation. */
static void test_nearest_rank(void **state)
{
	struct stats_hist *h = new_hist();
	(void)state;

	stats_add(h, 30);
	stats_add(h, 10);
	stats_add(h, 20);
	assert_int_equal(stats_percentile(h, 100), 10); /* rank 1 */
	assert_int_equal(stats_percentile(h, 333), 10); /* 0.999 -> 1 */
	assert_int_equal(stats_percentile(h, 334), 20); /* 1.002 -> 2 */
	assert_int_equal(stats_percentile(h, 500), 20);
	assert_int_equal(stats_percentile(h, 667), 30); /* 2.001 -> 3 */
	assert_int_equal(stats_percentile(h, 900), 30);
	assert_true(stats_mean(h) == 20);
	free(h);
}

/* 1..1000: above 256 a percentile is the middle of its bucket, so the
 * expected values follow from the bucket layout. */
static void test_uniform_buckets(void **state)
{
	struct stats_hist *h = new_hist();
	(void)state;

	for (uint64_t v = 1; v <= 1000; v++)
		stats_add(h, v);
	/* rank 500 is 500, in [500, 501] (width 2): middle 500 */
	assert_int_equal(stats_percentile(h, 500), 500);
	/* rank 900 is 900, in [900, 903] (width 4): middle 901 */
	assert_int_equal(stats_percentile(h, 900), 901);
	/* rank 990 is 990, in [988, 991]: middle 989 */
	assert_int_equal(stats_percentile(h, 990), 989);
	/* rank 200 is 200: exact */
	assert_int_equal(stats_percentile(h, 200), 200);
	/* rank 999 is 999 in [996, 999]; the bucket holds max's neighbours
	 * but not max itself: middle 997 */
	assert_int_equal(stats_percentile(h, 999), 997);
	assert_int_equal(stats_percentile(h, 1000), 1000);
	assert_true(stats_mean(h) == 500.5);
	free(h);
}

/* A single value, however large, comes back exactly at every rank: the
 * bucket is cut to [min, max]. */
static void test_constant(void **state)
{
	struct stats_hist *h = new_hist();
	(void)state;

	for (int i = 0; i < 1000; i++)
		stats_add(h, 123456789);
	for (unsigned p = 0; p <= 1000; p += 50)
		assert_int_equal(stats_percentile(h, p), 123456789);
	assert_true(stats_mean(h) == 123456789.0);
	free(h);
}

/* 99% at 3000 ns and 1% at 5 ms: the tail shows from p99.1 on, and the
 * bulk's percentile is cut to min. */
static void test_bimodal(void **state)
{
	struct stats_hist *h = new_hist();
	(void)state;

	for (int i = 0; i < 990; i++)
		stats_add(h, 3000);
	for (int i = 0; i < 10; i++)
		stats_add(h, 5000000);
	/* 3000 is in [2992, 3007]; cut to min: [3000, 3007], middle 3003 */
	assert_int_equal(stats_percentile(h, 500), 3003);
	assert_int_equal(stats_percentile(h, 990), 3003);
	/* 5000000 is in [4980736, 5013503], cut to max: [.., 5000000] */
	assert_int_equal(stats_percentile(h, 991), 4990368);
	assert_int_equal(stats_percentile(h, 1000), 5000000);
	assert_int_equal(h->min, 3000);
	assert_int_equal(h->max, 5000000);
	assert_true(stats_mean(h) == (990.0 * 3000 + 10.0 * 5000000) / 1000);
	free(h);
}

/* The sum passes 2^64: the mean stays exact. */
static void test_mean_128(void **state)
{
	struct stats_hist *h = new_hist();
	const uint64_t big = UINT64_MAX / 2 + 1; /* 2^63 */
	(void)state;

	for (int i = 0; i < 4; i++)
		stats_add(h, big);
	assert_int_equal(h->sum_hi, 2);
	assert_int_equal(h->sum_lo, 0);
	assert_true(stats_mean(h) == 9223372036854775808.0);
	stats_add(h, 0);
	assert_true(stats_mean(h) == 4.0 * 9223372036854775808.0 / 5);
	assert_int_equal(h->min, 0);
	assert_int_equal(stats_percentile(h, 1000), big);
	free(h);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Log-spread pseudo-random values from 1 ns to about 17 s: every
 * percentile within 1/256 of the sorted samples' nearest rank. */
static void test_against_sorted(void **state)
{
	enum { N = 200000 };
	struct stats_hist *h = new_hist();
	uint64_t *v = malloc(N * sizeof *v), x = 88172645463325252ull;
	long double sum = 0;
	(void)state;

	assert_non_null(v);
	for (int i = 0; i < N; i++) {
		/* xorshift64 */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v[i] = (x >> 30) >> (x % 34);
		stats_add(h, v[i]);
		sum += (long double)v[i];
	}
	qsort(v, N, sizeof *v, cmp_u64);
	assert_int_equal(h->min, v[0]);
	assert_int_equal(h->max, v[N - 1]);
	for (unsigned p = 1; p <= 1000; p++) {
		uint64_t rank = ((uint64_t)N * p + 999) / 1000;
		uint64_t want = v[rank - 1], got = stats_percentile(h, p);
		uint64_t diff = got > want ? got - want : want - got;

		if (want < 256)
			assert_int_equal(got, want);
		else
			assert_true(diff * 256 <= want);
	}
	{
		long double mean = sum / N, got = stats_mean(h);
		long double err = got > mean ? got - mean : mean - got;

		assert_true(err <= mean * 1e-12L);
	}
	free(v);
	free(h);
}

static void test_reset(void **state)
{
	struct stats_hist *h = new_hist();
	(void)state;

	stats_add(h, 5);
	stats_add(h, 500000);
	stats_reset(h);
	assert_int_equal(h->n, 0);
	assert_int_equal(h->sum_lo, 0);
	assert_int_equal(stats_percentile(h, 500), 0);
	stats_add(h, 7);
	assert_int_equal(h->min, 7);
	assert_int_equal(h->max, 7);
	assert_int_equal(stats_percentile(h, 500), 7);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_uniform_exact),
		cmocka_unit_test(test_nearest_rank),
		cmocka_unit_test(test_uniform_buckets),
		cmocka_unit_test(test_constant),
		cmocka_unit_test(test_bimodal),
		cmocka_unit_test(test_mean_128),
		cmocka_unit_test(test_against_sorted),
		cmocka_unit_test(test_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
