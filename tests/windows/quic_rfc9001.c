/*
 * quic_rfc9001.c - RFC 9001 Appendix A's vectors through porttop.exe's
 * own QUIC code (decode/dec_quic.c, dec_quic_crypto.c on
 * dec_quic_prim_win.c: Windows' CNG), run under wine by
 * tests/windows/run.sh: A.1's client keys from the Destination
 * Connection ID, A.2's header protection mask, A.2's packet read to its
 * server_name (example.com) and, with one ciphertext byte changed, to
 * none; A.3's server Initial, which the client's keys do not open, to
 * none; another version's DCID, no keys.  test_names.c checks the same
 * on Linux (with cmocka and libcrypto, which the MinGW build has not):
 * this program prints "ok N - what" or "not ok N - what" per check and
 * exits 1 when one fails.
 */
#include <stdio.h>
#include <string.h>

#include "../../decode/dec_names.h"
#include "../../decode/dec_quic_crypto.h"
#include "../unit/quic_rfc9001.h"

static int failed, n;

static void ok(int cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, what);
	failed |= !cond;
}

static size_t unhex(uint8_t *b, const char *h)
{
	size_t len = 0;
	unsigned v;

	for (; h[0] && h[1] && sscanf(h, "%2x", &v) == 1; h += 2)
		b[len++] = (uint8_t)v;
	return len;
}

int main(void)
{
	struct dec_quic_keys k, want;
	uint8_t dcid[8], sample[16], mask[5], want_mask[5];
	uint8_t pkt[1200], srv[256];
	char name[DEC_NAME_MAX] = "";
	struct rd_span s = { pkt, 0 };

	unhex(dcid, A1_DCID);
	unhex(want.key, A1_KEY), unhex(want.iv, A1_IV), unhex(want.hp, A1_HP);
	ok(dec_quic_initial_keys(DEC_QUIC_V1, dcid, 8, &k) &&
	   !memcmp(k.key, want.key, 16) && !memcmp(k.iv, want.iv, 12) &&
	   !memcmp(k.hp, want.hp, 16), "A.1 client key, iv and hp");
	unhex(sample, A2_SAMPLE), unhex(want_mask, A2_MASK);
	ok(dec_quic_hp_mask(&k, sample, mask) && !memcmp(mask, want_mask, 5),
	   "A.2 header protection mask");
	s.len = (uint32_t)unhex(pkt, A2_PACKET);
	ok(s.len == sizeof(pkt) && dec_quic_sni(&s, true, name) == DEC_NM_OK &&
	   !strcmp(name, "example.com"), "A.2 packet names example.com");
	pkt[600] ^= 1;
	ok(dec_quic_sni(&s, true, name) == DEC_NM_NONE,
	   "A.2 packet with a changed byte: the tag does not authenticate");
	s = (struct rd_span){ srv, (uint32_t)unhex(srv, A3_PACKET) };
	ok(dec_quic_sni(&s, true, name) == DEC_NM_NONE,
	   "A.3 server Initial: not opened with the client's keys");
	ok(!dec_quic_initial_keys(0xff00001d, dcid, 8, &k),
	   "draft-29's version: no keys");
	return failed;
}
