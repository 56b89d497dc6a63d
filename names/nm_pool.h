/*
 * nm_pool.h - interned strings (names/ internal): each distinct string
 * is stored once, in chunks that never move, and stays until the pool is
 * freed, so a pointer to it can be handed to any thread and kept in any
 * record (a report's flows) for as long as the pool lives.
 *
 * One writer (nm_pool_get); readers only hold the pointers it returned.
 * Bounded: at most max_bytes of strings; past that nm_pool_get returns
 * NULL (the caller counts it).  The index is keyed with the run's
 * SipHash key (lib/keyhash.h): the strings come from strangers' packets.
 */
#ifndef PORTTOP_NM_POOL_H
#define PORTTOP_NM_POOL_H

#include <stddef.h>

struct nm_pool;

/* nm_pool_new: an empty pool of at most max_bytes of strings (NUL bytes
 * included).  NULL when out of memory. */
struct nm_pool *nm_pool_new(size_t max_bytes);
void nm_pool_free(struct nm_pool *p);

/* nm_pool_get: the pool's copy of s (NUL-terminated, at most 1023
 * bytes): the same pointer for equal strings.  NULL when the pool is full
 * or memory is short. */
const char *nm_pool_get(struct nm_pool *p, const char *s);

/* nm_pool_used: bytes of strings held. */
size_t nm_pool_used(const struct nm_pool *p);

#endif
