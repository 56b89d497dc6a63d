/* sort.c - see sort.h. */
#include <string.h>

#include "sort.h"

/* LSD radix sort of keys below 2^55 (five 11-bit digits), then unique. */
size_t sort_unique_u64(uint64_t *a, size_t n, uint64_t *tmp)
{
	if (n == 0)
		return 0;	/* a may be NULL: memcpy(NULL, ..., 0) is UB */
	for (int shift = 0; shift < 55; shift += 11) {
		size_t cnt[2049];	/* on the stack: the view and a
					   report may sort at once */

		memset(cnt, 0, sizeof(cnt));
		for (size_t i = 0; i < n; i++)
			cnt[((a[i] >> shift) & 0x7ff) + 1]++;
		for (int b = 0; b < 2048; b++)
			cnt[b + 1] += cnt[b];
		for (size_t i = 0; i < n; i++)
			tmp[cnt[(a[i] >> shift) & 0x7ff]++] = a[i];
		uint64_t *t = a;
		a = tmp;
		tmp = t;
	}
	/* five passes leave the result in the other buffer: copy it back */
	memcpy(tmp, a, n * sizeof(*a));
	a = tmp;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (m == 0 || a[i] != a[m - 1])
			a[m++] = a[i];
	return m;
}
