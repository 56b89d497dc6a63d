/* keyhash.c - see keyhash.h.  SipHash-2-4 (Aumasson and Bernstein), the
 * function libsodium's crypto_shorthash computes, written out so that
 * every platform has the same one; the run's key from os_random(). */
#include <string.h>

#include "keyhash.h"
#include "rand.h"

static uint8_t hash_key[16];

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void sipround(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

uint64_t siphash24(const void *in, size_t len, const uint8_t key[16])
{
	const uint8_t *p = in;
	uint64_t k0 = le64(key), k1 = le64(key + 8), m;
	uint64_t v[4] = { 0x736f6d6570736575ULL ^ k0, 0x646f72616e646f6dULL ^ k1,
			  0x6c7967656e657261ULL ^ k0, 0x7465646279746573ULL ^ k1 };
	uint8_t last[8] = { 0 };
	size_t left = len;

	for (; left >= 8; left -= 8, p += 8) {
		m = le64(p);
		v[3] ^= m;
		sipround(v);
		sipround(v);
		v[0] ^= m;
	}
	memcpy(last, p, left);
	last[7] = (uint8_t)len;
	m = le64(last);
	v[3] ^= m;
	sipround(v);
	sipround(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
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
	return siphash24(key, len, hash_key);
}
