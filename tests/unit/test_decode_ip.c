/*
 * test_decode_ip.c - the length-field traps of IPv4 and IPv6
 * (decode/dec_ip.c), built by patching real frames (frames.h): IHL < 5,
 * total length against IHL and the frame (and 0), IPv6 payload length 0,
 * extension headers longer than the datagram, every extension header type,
 * chains up to and past the cap, and IPv4 source routes.  The transport
 * headers' traps are in test_decode_l4.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "frames.h"

/* ---- IPv4 header length and total length ---- */

static void ipv4_ihl_below_5_is_invalid(void **state)
{
	struct dec_pkt p;

	(void)state;
	for (int ihl = 0; ihl < 5; ihl++) {
		T_COPY(b, f_tcp_syn);
		b[14] = (uint8_t)(0x40 | ihl);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_INVALID);
		T_COPY(r, f_raw4);
		r[0] = (uint8_t)(0x40 | ihl);
		assert_int_equal(decode(DLT_RAW, r, sizeof(r), &p), DEC_INVALID);
		/* Truncated until the 20-byte fixed header is there. */
		for (uint32_t c = 0; c <= sizeof(b); c++)
			assert_int_equal(t_decode(&d, DLT_EN10MB, b, c,
						  sizeof(b), TS, &p),
					 c < 34 ? DEC_TRUNCATED : DEC_INVALID);
	}
}

static void ipv4_total_length_below_ihl_is_invalid(void **state)
{
	struct dec_pkt p;

	(void)state;
	for (uint16_t tot = 1; tot < 20; tot++) {
		T_COPY(b, f_tcp_syn);
		t_put16(b, IP4_TOT, tot);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_INVALID);
	}
	/* With options: suricata-detect-ipopts#2 has IHL 8 (32 bytes). */
	for (uint16_t tot = 1; tot < 32; tot++) {
		T_COPY(b, f_opt_lsrr);
		t_put16(b, 2, tot);
		assert_int_equal(decode(DLT_IPV4, b, sizeof(b), &p),
				 DEC_INVALID);
	}
	/* Exactly the header: no room for the TCP ports. */
	{
		T_COPY(b, f_opt_lsrr);
		t_put16(b, 2, 32);
		assert_int_equal(decode(DLT_IPV4, b, sizeof(b), &p),
				 DEC_INVALID);
	}
}

static void ipv4_total_length_over_the_frame_is_clamped(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* tcp-http-curl#6 (139 bytes of IP) claiming 1500. */
	{
		T_COPY(b, f_tcp_data);
		t_put16(b, IP4_TOT, 1500);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.ip_bad_len, 1);
		assert_int_equal(p.ip_len, 139);
		assert_int_equal(p.l4_len, 119);
		assert_int_equal(p.payload_len, 87);
		assert_int_equal(p.wire_len, 153);
		assert_int_equal(p.sport, 44986);
		assert_int_equal(p.dport, 8080);
		assert_int_equal(p.l4, DEC_L4_PORTS | DEC_L4_HDR);
	}
	/* One byte over. */
	{
		T_COPY(b, f_tcp_data);
		t_put16(b, IP4_TOT, 140);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.ip_bad_len, 1);
		assert_int_equal(p.ip_len, 139);
	}
	/* A padded frame can only be clamped to the frame, padding and all:
	 * cisco-fabric-path#1 (28 bytes of IP in 46) claiming 0xffff. */
	{
		T_COPY(b, f_padded);
		t_put16(b, IP4_TOT, 0xffff);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.ip_bad_len, 1);
		assert_int_equal(p.ip_len, 46);
		assert_int_equal(p.l4_len, 26);
		assert_int_equal(p.payload_len, 0);	/* the UDP length: 8 */
	}
	/* Not set for a frame cut by the snaplen (caplen < wire length). */
	assert_int_equal(t_decode(&d, DLT_EN10MB, f_tcp_data, 60,
				  sizeof(f_tcp_data), TS, &p),
			 DEC_OK);
	assert_int_equal(p.ip_bad_len, 0);
	assert_int_equal(p.ip_len, 139);
}

static void ipv4_total_length_zero_uses_the_frame(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* A TSO/GSO segment seen before the split: the frame is the length. */
	{
		T_COPY(b, f_tcp_data);
		t_put16(b, IP4_TOT, 0);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.ip_bad_len, 0);
		assert_int_equal(p.ip_len, 139);
		assert_int_equal(p.l4_len, 119);
		assert_int_equal(p.payload_len, 87);
	}
	/* With a larger wire length than captured (snaplen): the wire. */
	{
		T_COPY(b, f_tcp_data);
		t_put16(b, IP4_TOT, 0);
		assert_int_equal(t_decode(&d, DLT_EN10MB, b, sizeof(b), 65000,
					  TS, &p),
				 DEC_OK);
		assert_int_equal(p.ip_len, 65000 - 14);
		assert_int_equal(p.l4_len, 65000 - 34);
		assert_int_equal(p.payload_len, 65000 - 34 - 32);
	}
	/* Padding is in the frame, so it counts here; the UDP length still
	 * says what the payload is. */
	{
		T_COPY(b, f_padded);
		t_put16(b, IP4_TOT, 0);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.ip_len, 46);
		assert_int_equal(p.l4_len, 26);
		assert_int_equal(p.payload_len, 0);
	}
}

/* ---- IPv6 payload length ---- */

static void ipv6_payload_length_zero(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* Without Hop-by-Hop: no payload (ip_len 40), so UDP has no room for
	 * its ports. */
	{
		T_COPY(b, f_udp6);
		t_put16(b, IP6_PLEN, 0);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_INVALID);
		assert_int_equal(p.ip_len, 40);
		assert_int_equal(p.l4_len, 0);
		assert_int_equal(p.ip_bad_len, 0);
	}
	/* ... and with No Next Header (59) that is a whole packet. */
	{
		T_COPY(b, f_udp6);
		t_put16(b, IP6_PLEN, 0);
		b[IP6_NH] = 59;
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.ip_len, 40);
		assert_int_equal(p.l4_len, 0);
		assert_int_equal(p.proto, 59);
		assert_int_equal(p.l4, 0);
		t_assert_addr(p.src, "fd00:99::1");
	}
	/* With Hop-by-Hop (a jumbogram): the frame is the length.
	 * pppoe-icmpv6#22 (IPv6 at 22, 76 bytes). */
	{
		T_COPY(b, f_pppoe_hbh);
		t_put16(b, 22 + 4, 0);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.ip_len, 76);
		assert_int_equal(p.l4_len, 28);
		assert_int_equal(p.sport, 143);
	}
}

static void ipv6_payload_length_over_the_frame_is_clamped(void **state)
{
	struct dec_pkt p;

	(void)state;
	T_COPY(b, f_udp6);
	t_put16(b, IP6_PLEN, 1000);
	assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
	assert_int_equal(p.ip_bad_len, 1);
	assert_int_equal(p.ip_len, 80);
	assert_int_equal(p.l4_len, 40);
	assert_int_equal(p.payload_len, 32);
	assert_int_equal(p.dport, 9999);
}

/* ---- IPv6 extension headers ---- */

static void ipv6_ext_header_longer_than_the_datagram_is_invalid(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* zeek-ipv6-http-atomic-frag#4: 28 bytes of payload, an 8-byte
	 * Destination Options header (length 0) and 20 of TCP. */
	for (int hl = 3; hl < 256; hl++) {	/* (hl + 1) * 8 > 28 */
		T_COPY(b, f_dstopt);
		b[L4_6 + 1] = (uint8_t)hl;
		assert_int_equal(eth(b, sizeof(b), &p), DEC_INVALID);
	}
	/* pppoe-icmpv6#22: a Hop-by-Hop header in 36 bytes of payload. */
	for (int hl = 5; hl < 256; hl++) {	/* (hl + 1) * 8 > 36 */
		T_COPY(b, f_pppoe_hbh);
		b[62 + 1] = (uint8_t)hl;
		assert_int_equal(eth(b, sizeof(b), &p), DEC_INVALID);
	}
	/* A Fragment header (8 bytes) in a datagram with 7 bytes of payload:
	 * zeek-ipv6-http-atomic-frag#16. */
	{
		T_COPY(b, f_atomic);
		t_put16(b, IP6_PLEN, 7);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_INVALID);
	}
	/* Longer than the capture but within the datagram: truncated. */
	{
		T_COPY(b, f_dstopt);
		b[L4_6 + 1] = 1;	/* 16 bytes: TCP then gets 12 */
		for (uint32_t c = 0; c < L4_6 + 16 + 4; c++)
			assert_int_equal(t_decode(&d, DLT_EN10MB, b, c,
						  sizeof(b), TS, &p),
					 DEC_TRUNCATED);
	}
}

/* Build ipv6-tcp-udp#16 with the extension headers types[0..n) between
 * the IPv6 header and UDP.  AH (51) is 24 bytes (payload length 4, RFC
 * 4302 counts 4-byte words minus 2), the others 8 (a PadN option). */
static uint32_t ext_chain(uint8_t *b, const uint8_t *types, uint32_t n)
{
	uint32_t off = L4_6, nh_at = IP6_NH;

	memcpy(b, f_udp6, L4_6);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len = types[i] == 51 ? 24 : 8;

		b[nh_at] = types[i];
		memset(b + off, 0, len);
		if (types[i] == 51)
			b[off + 1] = 4;
		else if (types[i] != 44)
			b[off + 2] = 1, b[off + 3] = 4;	/* PadN */
		nh_at = off;
		off += len;
	}
	b[nh_at] = 17;
	memcpy(b + off, f_udp6 + L4_6, 40);
	t_put16(b, IP6_PLEN, (uint16_t)(off + 40 - L4_6));
	return off + 40;
}

static void assert_chain_udp(const struct dec_pkt *p, uint32_t len)
{
	assert_int_equal(p->ipv, 6);
	assert_int_equal(p->proto, 17);
	assert_int_equal(p->sport, 36579);
	assert_int_equal(p->dport, 9999);
	assert_int_equal(p->ip_len, len - 14);
	assert_int_equal(p->l4_len, 40);
	assert_int_equal(p->payload_len, 32);
	assert_int_equal(p->frag, DEC_FRAG_NONE);
}

static void ipv6_every_ext_header_type(void **state)
{
	/* Hop-by-Hop, Routing, Destination Options, Fragment (atomic), AH,
	 * Mobility, HIP, Shim6, Destination Options. */
	static const uint8_t types[] = { 0, 43, 60, 44, 51, 135, 139, 140, 60 };
	uint8_t b[L4_6 + 16 * 8 + 40];
	struct dec_pkt p;

	(void)state;
	uint32_t len = ext_chain(b, types, sizeof(types));
	assert_int_equal(eth(b, len, &p), DEC_OK);
	assert_chain_udp(&p, len);
	/* AH alone: its length is in 4-byte words (24 bytes here, where
	 * the 8-byte-unit formula would say 40). */
	len = ext_chain(b, (const uint8_t[]){ 51 }, 1);
	assert_int_equal(eth(b, len, &p), DEC_OK);
	assert_chain_udp(&p, len);
	/* ESP (50) and No Next Header (59) end the chain: port-less. */
	static const uint8_t ends[] = { 50, 59 };
	for (size_t i = 0; i < 2; i++) {
		len = ext_chain(b, (const uint8_t[]){ 60 }, 1);
		b[L4_6] = ends[i];
		assert_int_equal(eth(b, len, &p), DEC_OK);
		assert_int_equal(p.proto, ends[i]);
		assert_int_equal(p.l4, 0);
		assert_int_equal(p.ip_len, len - 14);
		assert_int_equal(p.l4_len, 40);
	}
}

static void ipv6_ext_header_chain_cap(void **state)
{
	static uint8_t types[200];
	static uint8_t b[L4_6 + 200 * 8 + 40];
	struct dec_pkt p;

	(void)state;
	memset(types, 60, sizeof(types));
	for (uint32_t n = 0; n <= 128; n++) {
		uint32_t len = ext_chain(b, types, n);

		assert_int_equal(eth(b, len, &p), DEC_OK);
		assert_chain_udp(&p, len);
	}
	for (uint32_t n = 129; n <= 200; n++) {
		uint32_t len = ext_chain(b, types, n);

		assert_int_equal(eth(b, len, &p), DEC_INVALID);
	}
	/* Exactly the cap, cut at every byte: truncated until the ports. */
	{
		uint32_t len = ext_chain(b, types, 128);
		uint32_t ports = L4_6 + 128 * 8 + 4;

		for (uint32_t c = 0; c <= len; c++) {
			int st = t_decode(&d, DLT_EN10MB, b, c, len, TS, &p);

			assert_int_equal(st, c < ports ? DEC_TRUNCATED
						       : DEC_OK);
			if (st == DEC_OK)
				assert_int_equal(p.dport, 9999);
		}
	}
	/* Past the cap, cut at every byte: never OK. */
	{
		uint32_t len = ext_chain(b, types, 129);

		for (uint32_t c = 0; c <= len; c++) {
			int st = t_decode(&d, DLT_EN10MB, b, c, len, TS, &p);

			/* The walk reads each header's first two bytes; the
			 * 128th starts at L4_6 + 127 * 8, then the cap. */
			assert_int_equal(st, c < L4_6 + 127 * 8 + 2
						     ? DEC_TRUNCATED
						     : DEC_INVALID);
		}
	}
}

/* ---- IPv4 options ---- */

/* suricata-detect-ipopts#2: IHL 8, options at 20..31:
 * 83 0b 04 01.02.03.04 05.06.07.08 00 (LSRR to 1.2.3.4 then 5.6.7.8, EOL);
 * header destination 13.14.15.16. */
static void ipv4_source_route_final_destination(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* The real one: the last hop is the destination. */
	assert_int_equal(decode(DLT_IPV4, f_opt_lsrr, sizeof(f_opt_lsrr), &p),
			 DEC_OK);
	t_assert_addr(p.dst, "5.6.7.8");
	t_assert_addr(p.src, "9.10.11.12");
	/* After a NOP. */
	{
		T_COPY(b, f_opt_lsrr);
		memmove(b + 21, f_opt_lsrr + 20, 11);
		b[20] = 1;
		assert_int_equal(decode(DLT_IPV4, b, sizeof(b), &p), DEC_OK);
		t_assert_addr(p.dst, "5.6.7.8");
	}
	/* One-hop route (length 7), padded with NOPs. */
	{
		T_COPY(b, f_opt_lsrr);
		b[21] = 7;
		memset(b + 27, 1, 5);
		assert_int_equal(decode(DLT_IPV4, b, sizeof(b), &p), DEC_OK);
		t_assert_addr(p.dst, "1.2.3.4");
	}
	/* After EOL: not an option any more. */
	{
		T_COPY(b, f_opt_lsrr);
		memmove(b + 21, f_opt_lsrr + 20, 11);
		b[20] = 0;
		assert_int_equal(decode(DLT_IPV4, b, sizeof(b), &p), DEC_OK);
		t_assert_addr(p.dst, "13.14.15.16");
	}
	/* Malformed lengths: the header's destination stays.  0 and 1
	 * (below the minimum), 2 (no route), 3 (empty route), 6 and 12
	 * (not 3 + 4k), 39 and 255 (past the 12 bytes of options). */
	static const uint8_t lens[] = { 0, 1, 2, 3, 6, 12, 39, 255 };
	for (size_t i = 0; i < sizeof(lens); i++) {
		T_COPY(b, f_opt_lsrr);
		b[21] = lens[i];
		assert_int_equal(decode(DLT_IPV4, b, sizeof(b), &p), DEC_OK);
		t_assert_addr(p.dst, "13.14.15.16");
		assert_int_equal(p.dport, 80);
	}
	/* The same route in a record-route option (7) is not a route. */
	{
		T_COPY(b, f_opt_lsrr);
		b[20] = 7;
		assert_int_equal(decode(DLT_IPV4, b, sizeof(b), &p), DEC_OK);
		t_assert_addr(p.dst, "13.14.15.16");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_ihl_below_5_is_invalid),
		cmocka_unit_test(ipv4_total_length_below_ihl_is_invalid),
		cmocka_unit_test(ipv4_total_length_over_the_frame_is_clamped),
		cmocka_unit_test(ipv4_total_length_zero_uses_the_frame),
		cmocka_unit_test(ipv6_payload_length_zero),
		cmocka_unit_test(ipv6_payload_length_over_the_frame_is_clamped),
		cmocka_unit_test(
			ipv6_ext_header_longer_than_the_datagram_is_invalid),
		cmocka_unit_test(ipv6_every_ext_header_type),
		cmocka_unit_test(ipv6_ext_header_chain_cap),
		cmocka_unit_test(ipv4_source_route_final_destination),
	};

	return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
