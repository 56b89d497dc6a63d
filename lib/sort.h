/*
 * sort.h - sorting keys whose order strangers cannot make slow.
 */
#ifndef PORTTOP_SORT_H
#define PORTTOP_SORT_H

#include <stddef.h>
#include <stdint.h>

/* sort_unique_u64: sort n keys below 2^55 in a (LSD radix, five 11-bit
 * digits: linear whatever the keys; tmp holds n keys) and drop repeats;
 * returns how many remain, in a[0..]. */
size_t sort_unique_u64(uint64_t *a, size_t n, uint64_t *tmp);

#endif
