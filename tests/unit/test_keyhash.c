/*
 * test_keyhash.c - porttop's own SipHash-2-4 (lib/keyhash.c, which
 * replaced libsodium's so that the Windows build has the same one):
 * the reference vectors of the SipHash paper (key 00..0f, messages
 * 00..n-1), and every length from 0 to 200 against libsodium's
 * crypto_shorthash under random keys: flow uids (flowtable/uid.c) must
 * not change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "../../lib/keyhash.h"
#include "../../lib/rand.h"

static void reference_vectors(void **state)
{
	static const struct { size_t len; uint64_t h; } v[] = {
		{ 0, 0x726fdb47dd0e0e31ULL }, { 7, 0xab0200f58b01d137ULL },
		{ 8, 0x93f5f5799a932462ULL }, { 15, 0xa129ca6149be45e5ULL },
	};
	uint8_t key[16], msg[64];

	(void)state;
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_true(siphash24(msg, v[i].len, key) == v[i].h);
}

static void same_as_libsodium(void **state)
{
	uint8_t key[16], msg[200], out[8];

	(void)state;
	assert_true(sodium_init() >= 0);
	for (int round = 0; round < 20; round++) {
		assert_int_equal(os_random(key, sizeof(key)), 0);
		assert_int_equal(os_random(msg, sizeof(msg)), 0);
		for (size_t len = 0; len <= sizeof(msg); len++) {
			uint64_t want = 0;

			crypto_shorthash(out, msg, len, key);
			for (int i = 7; i >= 0; i--)
				want = want << 8 | out[i];
			assert_true(siphash24(msg, len, key) == want);
		}
	}
}

static void keyed_run(void **state)
{
	uint8_t seed[16] = { 1, 2, 3 };

	(void)state;
	assert_int_equal(keyhash_init(seed), 0);
	assert_true(keyhash("porttop", 7) == siphash24("porttop", 7, seed));
	assert_int_equal(keyhash_init(NULL), 0);	/* a random key */
	assert_true(keyhash("porttop", 7) != siphash24("porttop", 7, seed));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reference_vectors),
		cmocka_unit_test(same_as_libsodium),
		cmocka_unit_test(keyed_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
