/*
 * flood.c - writes the captures of the flood benchmark (tests/bench/
 * flood.sh) as pcap to stdout:
 *
 *   flood random N        N TCP SYNs from random sources (10.0.0.0/8 and
 *                         random ports) to 192.0.2.1:80: N distinct
 *                         tuples, a SYN flood with spoofed sources
 *   flood collide SEED K R  K distinct SYN tuples to 192.0.2.1:80 whose
 *                         flow-table keys all hash to one index slot of a
 *                         porttop run with --max-flows 4096 and
 *                         PORTTOP_HASH_SEED=SEED (32 hex digits), each sent
 *                         R times: a hash-flooding attack on a known key
 *
 * The collisions use porttop's own keyed hash (lib/keyhash.c) on the
 * flow table's compact IPv4 key (flowtable/ft.c, key_hash: a, b, pa, pb,
 * vlan, proto, flags; a the lower address).  Ethernet, 54-byte frames.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/keyhash.h"

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void put_u16be(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = (uint8_t)v; }

static void syn(uint32_t src, uint16_t sport, uint32_t t)
{
	uint8_t f[54] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00 };
	uint8_t *ip = f + 14, *tcp = f + 34;
	uint32_t rec[4] = { 1700000000u + t / 1000000, t % 1000000, 54, 54 };
	uint32_t sum = 0;

	ip[0] = 0x45;
	put_u16be(ip + 2, 40);
	ip[8] = 64;
	ip[9] = 6;
	ip[12] = (uint8_t)(src >> 24), ip[13] = (uint8_t)(src >> 16);
	ip[14] = (uint8_t)(src >> 8), ip[15] = (uint8_t)src;
	ip[16] = 192, ip[17] = 0, ip[18] = 2, ip[19] = 1;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	put_u16be(ip + 10, (uint16_t)~(sum + (sum >> 16)));
	put_u16be(tcp, sport);
	put_u16be(tcp + 2, 80);
	tcp[12] = 5 << 4;
	tcp[13] = 0x02;
	put_u16be(tcp + 14, 1024);
	fwrite(rec, 4, 4, stdout);
	fwrite(f, 1, sizeof(f), stdout);
}

/* The compact key ft.c hashes for a SYN src:sport -> 192.0.2.1:80
 * (192.0.2.1 sorts after 10.x, so the source is endpoint a). */
static uint64_t key_hash(uint32_t src, uint16_t sport)
{
	uint8_t b[16] = { 0 };
	uint16_t dport = 80, vlan = 0xffff;

	b[0] = (uint8_t)(src >> 24), b[1] = (uint8_t)(src >> 16);
	b[2] = (uint8_t)(src >> 8), b[3] = (uint8_t)src;
	b[4] = 192, b[5] = 0, b[6] = 2, b[7] = 1;
	memcpy(b + 8, &sport, 2);
	memcpy(b + 10, &dport, 2);
	memcpy(b + 12, &vlan, 2);
	b[14] = 6;
	b[15] = 0x04;		/* FT_K_PORTS */
	return keyhash(b, sizeof(b));
}

int main(int argc, char **argv)
{
	uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1 };

	if (argc < 3) {
		fprintf(stderr, "usage: flood random N | flood collide SEED K R\n");
		return 2;
	}
	fwrite(hdr, 4, 6, stdout);
	if (!strcmp(argv[1], "random")) {
		long n = atol(argv[2]);

		for (long i = 0; i < n; i++) {
			uint64_t r = next();

			syn(0x0a000000u | (uint32_t)(r & 0xffffff),
			    (uint16_t)(1024 + (r >> 24) % 64000), (uint32_t)i);
		}
		return 0;
	}
	if (argc < 5)
		return 2;
	uint8_t seed[16];
	for (int i = 0; i < 16; i++) {
		unsigned v;

		if (sscanf(argv[2] + 2 * i, "%2x", &v) != 1)
			return 2;
		seed[i] = (uint8_t)v;
	}
	keyhash_init(seed);
	long k = atol(argv[3]), rounds = atol(argv[4]), found = 0;
	uint32_t *src = malloc((size_t)k * 4);
	uint16_t *sp = malloc((size_t)k * 2);
	const uint64_t mask = 8192 - 1;	/* index of --max-flows 4096 */
	uint64_t want = key_hash(0x0a000001u, 1024) & mask;

	while (found < k) {
		uint64_t r = next();
		uint32_t s = 0x0a000000u | (uint32_t)(r & 0xffffff);
		uint16_t p = (uint16_t)(1024 + (r >> 24) % 64000);

		if ((key_hash(s, p) & mask) == want) {
			src[found] = s;
			sp[found++] = p;
		}
	}
	for (long r = 0; r < rounds; r++)
		for (long i = 0; i < k; i++)
			syn(src[i], sp[i], (uint32_t)(r * k + i));
	return 0;
}
