/* stats.c - the log-linear latency histogram: recording costs a count
 * leading zeros and an increment, so it can sit inside a timed loop. */
#include "config.h"

#include "serve/stats.h"

#include <string.h>

void stats_reset(struct stats_hist *h)
{
	memset(h, 0, sizeof *h);
	h->min = UINT64_MAX;
}

size_t stats_index(uint64_t v)
{
	unsigned shift;

	if (v < STATS_SUB)
		return (size_t)v;
	/* the top STATS_SUB_BITS + 1 bits of v, after the octave's offset */
	shift = (unsigned)(63 - __builtin_clzll(v)) - STATS_SUB_BITS;
	return (size_t)shift * STATS_SUB + (size_t)(v >> shift);
}

uint64_t stats_bucket_low(size_t i)
{
	unsigned shift;

	if (i < 2 * STATS_SUB)
		return i;
	shift = (unsigned)(i / STATS_SUB) - 1;
	return (uint64_t)(i - (size_t)shift * STATS_SUB) << shift;
}

uint64_t stats_bucket_width(size_t i)
{
	if (i < 2 * STATS_SUB)
		return 1;
	return (uint64_t)1 << ((unsigned)(i / STATS_SUB) - 1);
}

void stats_add(struct stats_hist *h, uint64_t v)
{
	h->counts[stats_index(v)]++;
	h->n++;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->sum_lo += v;
	if (h->sum_lo < v)
		h->sum_hi++;
}

uint64_t stats_percentile(const struct stats_hist *h, unsigned permille)
{
	uint64_t rank, seen = 0;

	if (h->n == 0)
		return 0;
	if (permille > 1000)
		permille = 1000;
	/* ceil(n * permille / 1000) without overflowing n * permille */
	rank = h->n / 1000 * permille +
	       ((h->n % 1000) * permille + 999) / 1000;
	if (rank <= 1)
		return h->min;
	if (rank >= h->n)
		return h->max;
	for (size_t i = 0; i < STATS_BUCKETS; i++) {
		seen += h->counts[i];
		if (seen >= rank) {
			/* the middle of what the bucket can hold, which is
			 * never below min nor above max */
			uint64_t lo = stats_bucket_low(i);
			uint64_t hi = lo + (stats_bucket_width(i) - 1);

			if (lo < h->min)
				lo = h->min;
			if (hi > h->max)
				hi = h->max;
			return lo + (hi - lo) / 2;
		}
	}
	return h->max;
}

double stats_mean(const struct stats_hist *h)
{
	if (h->n == 0)
		return 0;
	return ((double)h->sum_hi * 18446744073709551616.0 +
		(double)h->sum_lo) /
	       (double)h->n;
}
