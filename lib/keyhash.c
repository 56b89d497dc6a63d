/* keyhash.c - see keyhash.h.  SipHash (Aumasson and Bernstein) written
 * out so that every platform has the same one: SipHash-2-4, the function
 * libsodium's crypto_shorthash computes, and SipHash-1-3, the tables'
 * hash; the run's key from os_random(). */
#include <string.h>

#include "keyhash.h"
#include "rand.h"

static uint8_t hash_key[16];

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

/* Little-endian load; memcpy compiles to one move on little-endian
 * hosts (a byte loop was 4x slower in the flow table's profile). */
static inline uint64_t le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* The state in four locals, not an array: they stay in registers. */
#define SIPROUND					\
	do {						\
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0;	\
		v0 = ROTL(v0, 32);			\
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;	\
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;	\
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2;	\
		v2 = ROTL(v2, 32);			\
	} while (0)

/* SipHash-c-d: c rounds a block, d at the end (constants once inlined:
 * the loops unroll). */
static inline uint64_t sip(const void *in, size_t len, const uint8_t key[16],
			   int c, int d)
{
	const uint8_t *p = in;
	uint64_t k0 = le64(key), k1 = le64(key + 8), m;
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
	uint8_t last[8] = { 0 };
	size_t left = len;

	for (; left >= 8; left -= 8, p += 8) {
		m = le64(p);
		v3 ^= m;
		for (int r = 0; r < c; r++)
			SIPROUND;
		v0 ^= m;
	}
	memcpy(last, p, left);
	last[7] = (uint8_t)len;
	m = le64(last);
	v3 ^= m;
	for (int r = 0; r < c; r++)
		SIPROUND;
	v0 ^= m;
	v2 ^= 0xff;
	for (int r = 0; r < d; r++)
		SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t siphash24(const void *in, size_t len, const uint8_t key[16])
{
	return sip(in, len, key, 2, 4);
}

uint64_t siphash13(const void *in, size_t len, const uint8_t key[16])
{
	return sip(in, len, key, 1, 3);
}

int keyhash_init(const uint8_t seed[16])
{
	if (seed)
		memcpy(hash_key, seed, sizeof(hash_key));
	else if (os_random(hash_key, sizeof(hash_key)) != 0)
		return -1;
	return 0;
}

uint64_t keyhash(const void *key, size_t len)
{
	return siphash13(key, len, hash_key);
}
