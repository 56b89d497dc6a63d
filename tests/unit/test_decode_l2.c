/*
 * test_decode_l2.c - the link layers added for tunnels and carriers:
 * decode/dec_ether.c (MPLS with the pseudowire control word, PPPoE and
 * PPP, PBB, VN-Tag), decode/dec_ppp.c (DLT_PPP, DLT_PPP_SERIAL,
 * DLT_C_HDLC, DLT_PPP_ETHER) and IEEE 802.3br mPackets
 * (DLT_ETHERNET_MPACKET).  Real frames (tunnel_frames.h: pcaps/tun-l2.pcap)
 * whole and cut at every byte offset; the PPP link types wrap the IPv4 SYN
 * of tcp-http-curl.pcap#3 (frames.h) in the headers of their
 * specifications; nested chains (PPPoE in a VLAN carrying MPLS, and a VLAN
 * inside Ethernet over MPLS inside PPPoE) are put together from the real
 * headers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "frames.h"
#include "tunnel_frames.h"

/* A frame whose one IP packet is a TCP SYN from `src` to dst:8080. */
struct lcase {
	const char *name;
	int dlt;
	const uint8_t *f;
	uint32_t len;
	const char *src, *dst;
	uint16_t sport;
	uint16_t vlan;		/* 0: none */
};

static const struct lcase cases[] = {
	{ "mpls", DLT_EN10MB, f_mpls_syn, sizeof(f_mpls_syn), "10.90.13.1",
	  "10.90.13.2", 41392, 0 },
	{ "eompls", DLT_EN10MB, f_eompls_syn, sizeof(f_eompls_syn),
	  "10.90.14.1", "10.90.14.2", 44794, 0 },
	{ "pppoe", DLT_EN10MB, f_pppoe_syn, sizeof(f_pppoe_syn), "10.90.15.1",
	  "10.90.15.2", 48432, 0 },
	{ "pbb", DLT_EN10MB, f_pbb_syn, sizeof(f_pbb_syn), "10.90.16.1",
	  "10.90.16.2", 46042, 0 },
	{ "vntag", DLT_EN10MB, f_vntag_syn, sizeof(f_vntag_syn), "10.90.17.1",
	  "10.90.17.2", 47454, 0 },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void check_syn(const struct dec_pkt *p, const char *src,
		      const char *dst, uint16_t sport, uint16_t vlan)
{
	assert_int_equal(p->proto, P_TCP);
	t_assert_addr(p->src, src);
	t_assert_addr(p->dst, dst);
	assert_int_equal(p->sport, sport);
	assert_int_equal(p->dport, 8080);
	assert_int_equal(p->tcp_flags, DEC_TH_SYN);
	assert_int_equal(p->vlan, vlan ? vlan : DEC_NO_VLAN);
	assert_int_equal(p->ip_len, 60);
	assert_int_equal(p->carrier, 0);	/* not tunnels */
}

static void whole(void **state)
{
	const struct lcase *c = *state;
	struct dec_pkt p;

	assert_int_equal(t_decode(&d, c->dlt, c->f, c->len, c->len, TS, &p),
			 DEC_OK);
	assert_int_equal(d.layers, 1);
	check_syn(&p, c->src, c->dst, c->sport, c->vlan);
	assert_int_equal(p.wire_len, c->len);
}

static void cut(void **state)
{
	const struct lcase *c = *state;
	struct dec_pkt p;
	uint32_t key_end;
	int bad = 0;

	assert_int_equal(t_decode(&d, c->dlt, c->f, c->len, c->len, TS, &p),
			 DEC_OK);
	key_end = p.l4_off + 4;
	for (uint32_t cap = 0; cap <= c->len; cap++) {
		int st = t_decode(&d, c->dlt, c->f, cap, c->len, TS, &p);
		int want = cap < key_end ? DEC_TRUNCATED : DEC_OK;

		if (st != want || (st == DEC_OK && p.sport != c->sport)) {
			print_error("%s: caplen %u: status %d, want %d\n",
				    c->name, cap, st, want);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d wrong results", bad);
}

/* ---- MPLS ------------------------------------------------------------------- */

static void mpls_payload_guess(void **state)
{
	struct dec_pkt p;

	(void)state;
	{	/* first nibble 1: an OAM channel, not decoded */
		T_COPY(b, f_mpls_syn);
		b[22] = 0x10;
		assert_int_equal(eth(b, sizeof(b), &p), DEC_UNSUPPORTED);
	}
	{	/* first nibble 0 but the frame ends in the control word */
		assert_int_equal(t_decode(&d, DLT_EN10MB, f_eompls_syn, 20,
					  sizeof(f_eompls_syn), TS, &p),
				 DEC_TRUNCATED);
	}
	{	/* a stack of 8 labels is the cap; 9 is invalid */
		uint8_t b[128];
		uint32_t n;

		for (n = 8; n <= 9; n++) {
			memcpy(b, f_mpls_syn, 14);
			for (uint32_t i = 0; i < n; i++) {
				uint32_t lse = (16 + i) << 12 | 64 |
					       (i + 1 == n ? 0x100 : 0);

				b[14 + 4 * i] = (uint8_t)(lse >> 24);
				b[15 + 4 * i] = (uint8_t)(lse >> 16);
				b[16 + 4 * i] = (uint8_t)(lse >> 8);
				b[17 + 4 * i] = (uint8_t)lse;
			}
			memcpy(b + 14 + 4 * n, f_mpls_syn + 22,
			       sizeof(f_mpls_syn) - 22);
			assert_int_equal(eth(b, 14 + 4 * n + sizeof(f_mpls_syn)
						    - 22, &p),
					 n == 8 ? DEC_OK : DEC_INVALID);
		}
	}
}

/* ---- PPP link types ---------------------------------------------------------- */

#define SYN_IP (f_tcp_syn + 14)
#define SYN_IP_LEN ((uint32_t)sizeof(f_tcp_syn) - 14)

/* hdr, then the IPv4 SYN, as a frame of dlt. */
static int wrap(int dlt, const uint8_t *hdr, uint32_t hlen,
		struct dec_pkt *p)
{
	uint8_t b[256];

	memcpy(b, hdr, hlen);
	memcpy(b + hlen, SYN_IP, SYN_IP_LEN);
	return t_decode(&d, dlt, b, hlen + SYN_IP_LEN, hlen + SYN_IP_LEN, TS,
			p);
}

static void ppp_link_types(void **state)
{
	static const uint8_t hdlc[] = { 0xff, 0x03, 0x00, 0x21 };
	static const uint8_t bare[] = { 0x00, 0x21 };
	static const uint8_t pfc[] = { 0x21 };
	static const uint8_t chdlc[] = { 0x0f, 0x00, 0x08, 0x00 };
	static const uint8_t chdlc_bc[] = { 0x8f, 0x00, 0x08, 0x00 };
	static const uint8_t pppoe[] = { 0x11, 0x00, 0x00, 0x42, 0x00, 0x3e,
					 0x00, 0x21 };
	static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21 };
	static const uint8_t bad_ctl[] = { 0xff, 0x05, 0x00, 0x21 };
	static const uint8_t other_addr[] = { 0x42, 0x00, 0x08, 0x00 };
	struct dec_pkt p;

	(void)state;
	assert_int_equal(wrap(DLT_PPP, hdlc, 4, &p), DEC_OK);
	check_syn(&p, "10.99.0.1", "10.99.0.2", 44986, 0);
	assert_int_equal(wrap(DLT_PPP, bare, 2, &p), DEC_OK);
	assert_int_equal(wrap(DLT_PPP, pfc, 1, &p), DEC_OK);
	assert_int_equal(wrap(DLT_PPP_SERIAL, hdlc, 4, &p), DEC_OK);
	assert_int_equal(wrap(DLT_PPP_SERIAL, chdlc, 4, &p), DEC_OK);
	assert_int_equal(wrap(DLT_PPP_SERIAL, chdlc_bc, 4, &p), DEC_OK);
	assert_int_equal(wrap(DLT_C_HDLC, chdlc, 4, &p), DEC_OK);
	check_syn(&p, "10.99.0.1", "10.99.0.2", 44986, 0);
	assert_int_equal(wrap(DLT_PPP_ETHER, pppoe, 8, &p), DEC_OK);
	check_syn(&p, "10.99.0.1", "10.99.0.2", 44986, 0);
	/* not IP: LCP; not PPP in HDLC framing: another control byte;
	 * Cisco HDLC with an unknown address */
	assert_int_equal(wrap(DLT_PPP, lcp, 4, &p), DEC_UNSUPPORTED);
	assert_int_equal(wrap(DLT_PPP, bad_ctl, 4, &p), DEC_INVALID);
	assert_int_equal(wrap(DLT_C_HDLC, other_addr, 4, &p), DEC_UNSUPPORTED);
	/* cut anywhere before the ports: truncated, never more */
	for (uint32_t c = 0; c < 4 + 20 + 4; c++) {
		uint8_t b[256];

		memcpy(b, hdlc, 4);
		memcpy(b + 4, SYN_IP, SYN_IP_LEN);
		assert_int_equal(t_decode(&d, DLT_PPP_SERIAL, b, c,
					  4 + SYN_IP_LEN, TS, &p),
				 DEC_TRUNCATED);
	}
}

/* ---- nested link chains ----------------------------------------------------- */

/* Ethernet, 802.1Q VLAN 100, PPPoE session, PPP (MPLS unicast 0x0281),
 * an MPLS label, then the IPv4 SYN: MPLS inside PPPoE inside a VLAN. */
static void mpls_in_pppoe_in_vlan(void **state)
{
	uint8_t b[256];
	uint32_t n = 12;
	struct dec_pkt p;

	(void)state;
	memcpy(b, f_pppoe_syn, 12);			/* MAC addresses */
	t_put16(b, n, 0x8100);
	t_put16(b, n + 2, 100);
	t_put16(b, n + 4, 0x8864);
	n += 6;
	memcpy(b + n, f_pppoe_syn + 14, 6);		/* PPPoE header */
	t_put16(b, n + 4, (uint16_t)(2 + 4 + SYN_IP_LEN));
	t_put16(b, n + 6, 0x0281);
	n += 8;
	memcpy(b + n, f_mpls_syn + 18, 4);		/* bottom label */
	n += 4;
	memcpy(b + n, SYN_IP, SYN_IP_LEN);
	n += SYN_IP_LEN;
	assert_int_equal(eth(b, n, &p), DEC_OK);
	check_syn(&p, "10.99.0.1", "10.99.0.2", 44986, 100);
	for (uint32_t c = 0; c < n - SYN_IP_LEN + 24; c++)
		assert_int_equal(t_decode(&d, DLT_EN10MB, b, c, n, TS, &p),
				 DEC_TRUNCATED);
}

/* PPPoE, PPP MPLS, a label with the control word (Ethernet over MPLS),
 * then an Ethernet frame with a VLAN tag 7 carrying the IPv4 SYN. */
static void vlan_in_eompls_in_pppoe(void **state)
{
	uint8_t b[256];
	uint32_t n = 12;
	struct dec_pkt p;

	(void)state;
	memcpy(b, f_pppoe_syn, 14);
	n = 14;
	memcpy(b + n, f_pppoe_syn + 14, 6);
	t_put16(b, n + 6, 0x0281);
	n += 8;
	memcpy(b + n, f_eompls_syn + 14, 8);		/* label, control word */
	n += 8;
	memcpy(b + n, f_eompls_syn + 22, 12);		/* inner MACs */
	t_put16(b, n + 12, 0x8100);
	t_put16(b, n + 14, 7);
	t_put16(b, n + 16, 0x0800);
	n += 18;
	memcpy(b + n, SYN_IP, SYN_IP_LEN);
	n += SYN_IP_LEN;
	t_put16(b, 18, (uint16_t)(n - 20));		/* PPPoE length */
	assert_int_equal(eth(b, n, &p), DEC_OK);
	check_syn(&p, "10.99.0.1", "10.99.0.2", 44986, 7);
}

/* ---- IEEE 802.3br mPackets ----------------------------------------------------- */

static uint32_t mpacket(uint8_t *b, int align, uint8_t smd)
{
	uint32_t n = 0;

	if (align)
		b[n++] = 0x50;
	memset(b + n, 0x55, 6);
	n += 6;
	b[n++] = smd;
	memcpy(b + n, f_tcp_syn, sizeof(f_tcp_syn));
	n += sizeof(f_tcp_syn);
	memset(b + n, 0, 4);				/* mCRC */
	return n + 4;
}

static void mpackets(void **state)
{
	static const uint8_t frames[] = { 0xd5, 0xe6, 0x4c, 0x7f, 0xb3 };
	static const uint8_t others[] = { 0x61, 0x52, 0x9e, 0x2a, 0x07, 0x19 };
	uint8_t b[256];
	struct dec_pkt p;
	uint32_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(frames); i++)
		for (int a = 0; a < 2; a++) {
			n = mpacket(b, a, frames[i]);
			assert_int_equal(t_decode(&d, 274, b, n, n, TS, &p),
					 DEC_OK);
			assert_int_equal(p.sport, 44986);
			assert_int_equal(p.ip_len, 60);	/* not the mCRC */
		}
	for (size_t i = 0; i < sizeof(others); i++) {
		n = mpacket(b, 0, others[i]);
		assert_int_equal(t_decode(&d, 274, b, n, n, TS, &p),
				 DEC_UNSUPPORTED);
	}
	/* all preamble: truncated however long */
	memset(b, 0x55, 64);
	for (n = 0; n <= 64; n++)
		assert_int_equal(t_decode(&d, 274, b, n, 64, TS, &p),
				 DEC_TRUNCATED);
}

int main(void)
{
	static struct CMUnitTest t[2 * NCASES + 8];
	static char tn[2 * NCASES][48];
	size_t n = 0;

	for (size_t i = 0; i < NCASES; i++) {
		snprintf(tn[n], sizeof(tn[0]), "whole: %s", cases[i].name);
		t[n] = (struct CMUnitTest){ .name = tn[n], .test_func = whole,
					    .initial_state = (void *)&cases[i] };
		n++;
		snprintf(tn[n], sizeof(tn[0]), "cut: %s", cases[i].name);
		t[n] = (struct CMUnitTest){ .name = tn[n], .test_func = cut,
					    .initial_state = (void *)&cases[i] };
		n++;
	}
	t[n++] = (struct CMUnitTest)cmocka_unit_test(mpls_payload_guess);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(ppp_link_types);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(mpls_in_pppoe_in_vlan);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(vlan_in_eompls_in_pppoe);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(mpackets);
	return _cmocka_run_group_tests("test_decode_l2", t, n, t_group_setup,
				       t_group_teardown);
}
