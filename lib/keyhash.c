/* keyhash.c - see keyhash.h.  SipHash-2-4 from libsodium. */
#include <sodium.h>
#include <string.h>

#include "keyhash.h"

static unsigned char hash_key[crypto_shorthash_KEYBYTES];

int keyhash_init(const uint8_t seed[16])
{
	if (sodium_init() < 0)
		return -1;
	if (seed)
		memcpy(hash_key, seed, sizeof(hash_key));
	else
		randombytes_buf(hash_key, sizeof(hash_key));
	return 0;
}

uint64_t keyhash(const void *key, size_t len)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;

	crypto_shorthash(out, key, len, hash_key);
	memcpy(&h, out, sizeof(h));
	return h;
}
