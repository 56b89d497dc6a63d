/*
 * grow.h - arrays that grow by doubling.
 */
#ifndef PORTTOP_GROW_H
#define PORTTOP_GROW_H

#include <stddef.h>

/* grow_array: make the array *p hold at least need items of size bytes
 * (*cap items now; it doubles, from 1024).  0, or -1 when out of memory
 * (*p and *cap unchanged). */
int grow_array(void **p, size_t *cap, size_t need, size_t size);

#endif
