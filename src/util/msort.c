/* msort.c - a stable merge sort of index arrays. */
#include "config.h"

#include "util/msort.h"

#include <string.h>

void msort_u32(uint32_t *a, uint32_t *tmp, size_t n,
	       int (*cmp)(void *ud, uint32_t x, uint32_t y), void *ud)
{
	size_t h, i, j, k;

	if (n < 2)
		return;
	h = n / 2;
	msort_u32(a, tmp, h, cmp, ud);
	msort_u32(a + h, tmp, n - h, cmp, ud);
	/* already in order: the common case for a re-sort */
	if (cmp(ud, a[h - 1], a[h]) <= 0)
		return;
	memcpy(tmp, a, h * sizeof(*a));
	i = 0;
	j = h;
	k = 0;
	while (i < h && j < n) {
		if (cmp(ud, a[j], tmp[i]) < 0)
			a[k++] = a[j++];
		else
			a[k++] = tmp[i++];
	}
	while (i < h)
		a[k++] = tmp[i++];
}
