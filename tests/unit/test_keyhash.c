/*
 * test_keyhash.c - porttop's own SipHash-2-4 (lib/keyhash.c, which
 * replaced libsodium's so that the Windows build has the same one):
 * the reference vectors of the SipHash paper (key 00..0f, messages
 * 00..n-1), and every length from 0 to 200 against libsodium's
 * crypto_shorthash under random keys: flow uids (flowtable/uid.c) must
 * not change.  SipHash-1-3, the tables' hash: the 64 vectors of Rust's
 * libcore (library/coretests/tests/hash/sip.rs, test_siphash_1_3: key
 * 00..0f, message i the bytes 0..i-1, each hash's 8 bytes little-endian
 * in hex).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "../../lib/keyhash.h"
#include "../../lib/rand.h"

/* The reference vectors' input: key 00..0f, message bytes 00..3f. */
static void reference_input(uint8_t key[16], uint8_t msg[64])
{
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
}

static void reference_vectors(void **state)
{
	static const struct { size_t len; uint64_t h; } v[] = {
		{ 0, 0x726fdb47dd0e0e31ULL }, { 7, 0xab0200f58b01d137ULL },
		{ 8, 0x93f5f5799a932462ULL }, { 15, 0xa129ca6149be45e5ULL },
	};
	uint8_t key[16], msg[64];

	(void)state;
	reference_input(key, msg);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_true(siphash24(msg, v[i].len, key) == v[i].h);
}

static void siphash13_vectors(void **state)
{
	static const char *const v[64] = {
		"dcc40f055801acab", "93ca577df39bf4c9", "4dd4c74d029bcb82", "fbf7dde7b80af88b",
		"2883d388605775cf", "673b53492fd5f9de", "a7229fc5502b0dc5", "4011b19b987d92d3",
		"8e9a298d11959036", "e43d066cb38ea425", "7f09ff92ee85de79", "52c34df9c118c170",
		"a2d9b457b184a378", "a7ff29120c766f30", "345df9c011a15a60", "5699512a6dd820d3",
		"668b907d1add4fcc", "0cd8db639068f29c", "3ee673b49c38fc8f", "1c7d298de59d1ff2",
		"40e0cca6462fdcc0", "44f8452bfeab92b9", "2e8720a39b7bfe7f", "23c1e6da7f0e5a52",
		"8c9c3467b2ae64f4", "79095b702859cd45", "a51399cae3353e3a", "353bde4a4ec71da9",
		"0dd06cef02ed0bfb", "f4e1b14ab43cd988", "63e6c543d6110f54", "bcd1218c1fdd7023",
		"0db6a7166c7b1581", "bff98f7ae5b9544d", "3e752a1f78129f75", "916b18bfbea3a1ce",
		"0662a2add308f52c", "5730c3a32d1c10b6", "a1363aae9674f4b3", "9283107b54576b62",
		"3115e4993236d2c1", "44d91a3f92c17c66", "258813c8fe4f7065", "a64989c2d180f224",
		"6b87f8faed1ccac2", "9621049ffc4b16c2", "23d6b168939c6ea1", "fd14518b9c16fb49",
		"464c07dff843319f", "b386cc1224affdc6", "8f09520ad149af7e", "9a2f299d5513f31c",
		"121ff4a2dd304ac4", "d01ea74389e9fa36", "e6bcf0734cb38f31", "80e9a77036bf7aa2",
		"756d3c24dbc0bcb4", "1315b7fd52d8f823", "088a7da64d5f038f", "48f1e8b7e5d09cd8",
		"ee44a6f7bce6f4f6", "f237180fd89ac5ae", "e094664b15f6b2c3", "a8b3bbb76290199d"
	};
	uint8_t key[16], msg[64];

	(void)state;
	reference_input(key, msg);
	for (size_t len = 0; len < 64; len++) {
		uint64_t h = siphash13(msg, len, key);
		char hex[17];

		for (int i = 0; i < 8; i++)	/* little-endian bytes */
			snprintf(hex + 2 * i, 3, "%02x", (unsigned)(h >> (8 * i)) & 0xff);
		assert_string_equal(hex, v[len]);
	}
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
	assert_true(keyhash("porttop", 7) == siphash13("porttop", 7, seed));
	assert_int_equal(keyhash_init(NULL), 0);	/* a random key */
	assert_true(keyhash("porttop", 7) != siphash13("porttop", 7, seed));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reference_vectors),
		cmocka_unit_test(siphash13_vectors),
		cmocka_unit_test(same_as_libsodium),
		cmocka_unit_test(keyed_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
