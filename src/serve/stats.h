/* stats.h - latency statistics in bounded memory: a log-linear histogram
 * (HDR-style) with exact count, min, max and mean, for sockscope bench. */
#ifndef SOCKSCOPE_SERVE_STATS_H
#define SOCKSCOPE_SERVE_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Values below 2^(STATS_SUB_BITS+1) have a bucket each (exact); above,
 * every power of two is cut into 2^STATS_SUB_BITS equal buckets, so a
 * bucket is at most 1/128 of the values it holds wide. */
#define STATS_SUB_BITS 7
#define STATS_SUB (1u << STATS_SUB_BITS)
/* the largest index is that of UINT64_MAX: (63 - 7) * 128 + 255 */
#define STATS_BUCKETS ((65 - STATS_SUB_BITS) * STATS_SUB)

/* About 59 KiB whatever the number of values: allocate it, or keep one
 * and stats_reset() it between runs. */
struct stats_hist {
	uint64_t n;
	uint64_t min, max;
	uint64_t sum_lo, sum_hi; /* exact sum, 128 bits */
	uint64_t counts[STATS_BUCKETS];
};

void stats_reset(struct stats_hist *h);
void stats_add(struct stats_hist *h, uint64_t v);

/* The bucket a value falls in, and the range [low, low + width) a
 * bucket holds. */
size_t stats_index(uint64_t v);
uint64_t stats_bucket_low(size_t i);
uint64_t stats_bucket_width(size_t i);

/* The nearest-rank percentile: the value of rank ceil(n * permille / 1000)
 * (at least 1) among the values sorted ascending, e.g. 500 for the median
 * and 990 for p99; 1000 gives the max. What is returned is the middle
 * (rounded down) of the values that value's bucket can hold, cut to
 * [min, max]: exact below 256, otherwise within 1/256 (0.4%) of the true
 * value; rank 1 is min and rank n is max, exactly. 0 when there are no
 * values. */
uint64_t stats_percentile(const struct stats_hist *h, unsigned permille);

/* The exact mean (0 when there are no values). */
double stats_mean(const struct stats_hist *h);

#endif
