/*
 * keyhash.h - the keyed hash behind the fragment map and the flow table.
 *
 * Both tables are indexed by bytes strangers choose, so the hash is keyed
 * with a per-run secret: SipHash-2-4 (libsodium's crypto_shorthash).  Without
 * the key an attacker cannot build colliding tuples.  Tests may fix the key
 * so that runs are repeatable; nothing in an output depends on it.
 */
#ifndef PORTTOP_KEYHASH_H
#define PORTTOP_KEYHASH_H

#include <stddef.h>
#include <stdint.h>

/* keyhash_init: set the 16-byte hash key.  seed == NULL draws it from
 * getrandom(2) (libsodium's randombytes).  Call once before any table is
 * used.  Returns 0, or -1 if libsodium cannot initialise. */
int keyhash_init(const uint8_t seed[16]);

/* keyhash: 64-bit SipHash-2-4 of len bytes at key under the run's key. */
uint64_t keyhash(const void *key, size_t len);

#endif
