/*
 * keyhash.h - the keyed hash behind porttop's hash tables (the fragment
 * map, the flow table, the names, the reports' tables).
 *
 * They are indexed by bytes strangers choose, so the hash is keyed with a
 * per-run secret: SipHash-1-3, the reduced-round SipHash that Rust's
 * standard HashMap and CPython's str hash (PEP 456, since 3.11) use
 * against hash flooding, written out in keyhash.c; it takes 9 rounds for
 * a 40-byte key where SipHash-2-4 takes 16 (SipHash-2-4 was 9.6 % of a
 * ports report's profile).  Without the key an attacker cannot build
 * colliding tuples.  Tests may fix the key so that runs are repeatable;
 * nothing in an output depends on it.
 */
#ifndef PORTTOP_KEYHASH_H
#define PORTTOP_KEYHASH_H

#include <stddef.h>
#include <stdint.h>

/* keyhash_init: set the 16-byte hash key.  seed == NULL draws it from the
 * system (lib/rand.h: getrandom(2), BCryptGenRandom).  Call once before
 * any table is used.  Returns 0, or -1 if no random key can be had. */
int keyhash_init(const uint8_t seed[16]);

/* siphash24: SipHash-2-4 of len bytes at in under key: the 8 bytes
 * libsodium's crypto_shorthash writes, read little-endian.  siphash13:
 * SipHash-1-3, the same shape with 1 round a block and 3 at the end (the
 * reference implementation's cROUNDS and dROUNDS; Rust's SipHasher13). */
uint64_t siphash24(const void *in, size_t len, const uint8_t key[16]);
uint64_t siphash13(const void *in, size_t len, const uint8_t key[16]);

/* keyhash: 64-bit SipHash-1-3 of len bytes at key under the run's key. */
uint64_t keyhash(const void *key, size_t len);

#endif
