/*
 * uid.c - flow uids, Zeek's conn.log `uid` field (see ft.h: ft_uid).
 *
 * Zeek draws its uids at random (or from a seed file: ZEEK_SEED_FILE) and
 * writes them "C" + base 62 of 96 bits.  porttop's must be the same for
 * the same input, so reports stay byte-identical run to run, and must
 * name the parents of tunnelled flows: SipHash-2-4 (lib/keyhash.h, as
 * libsodium's crypto_shorthash) of the flow's first packet time and creation id under
 * a fixed key, 64 bits in Zeek's shape.  The time makes two runs over
 * different traffic differ; the id (unique in a run) keeps two flows of
 * one run apart.  The time is taken in whole microseconds, what a pcap
 * file keeps: a live run (nanoseconds) and its -w file give the same
 * uids.
 */
#include "../lib/keyhash.h"
#include "ft.h"

uint64_t ft_uid(int64_t first_ns, uint64_t id)
{
	static const uint8_t key[16] = {
		'p', 'o', 'r', 't', 't', 'o', 'p', ' ',
		'f', 'l', 'o', 'w', ' ', 'u', 'i', 'd',
	};
	unsigned char in[16];
	uint64_t t = (uint64_t)(first_ns / 1000), v;

	for (int i = 0; i < 8; i++) {	/* little-endian on every host */
		in[i] = (unsigned char)(t >> 8 * i);
		in[8 + i] = (unsigned char)(id >> 8 * i);
	}
	v = siphash24(in, sizeof(in), key);
	return v ? v : 1;	/* 0 means "no uid" in parent lists */
}

void ft_uid_text(uint64_t uid, char out[FT_UID_TEXT])
{
	static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "abcdefghijklmnopqrstuvwxyz";
	char rev[12];
	int n = 0, k = 0;

	do {
		rev[n++] = digits[uid % 62];
		uid /= 62;
	} while (uid);
	out[k++] = 'C';
	while (n)
		out[k++] = rev[--n];
	out[k] = '\0';
}
