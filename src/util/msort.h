/* msort.h - a stable merge sort of index arrays (row or entry numbers)
 * by a caller's comparison: equal keys keep their order. */
#ifndef SOCKSCOPE_UTIL_MSORT_H
#define SOCKSCOPE_UTIL_MSORT_H

#include <stddef.h>
#include <stdint.h>

/* Sort a[0..n) with cmp (<0, 0, >0); tmp holds at least n / 2 + 1
 * entries. */
void msort_u32(uint32_t *a, uint32_t *tmp, size_t n,
	       int (*cmp)(void *ud, uint32_t x, uint32_t y), void *ud);

#endif
