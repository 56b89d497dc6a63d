/*
 * test_decode_l4.c - the length-field traps of the transport headers
 * (decode/dec_l4.c), built by patching real frames (frames.h): TCP data
 * offset below 5 words or beyond the segment, UDP length below 8 or
 * against the IP length, ICMP too short for type and code, and the
 * datagram an ICMP error quotes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "frames.h"

/* A frame that ends inside the ports while its IP total length says more
 * is truncated, not invalid: no length field is impossible, the bytes just
 * end.  tcp-http-curl#6 (IP total length 139) in a frame that ends 3 bytes
 * into TCP. */
static void frame_shorter_than_ip_length_before_ports_is_truncated(
	void **state)
{
	struct dec_pkt p;

	(void)state;
	assert_int_equal(t_decode(&d, DLT_EN10MB, f_tcp_data, 37, 37, TS, &p),
			 DEC_TRUNCATED);
}

/* ---- TCP data offset ---- */

static void tcp_data_offset_below_5_is_invalid(void **state)
{
	struct dec_pkt p;

	(void)state;
	for (int doff = 0; doff < 5; doff++) {
		T_COPY(b, f_tcp_syn);
		b[TCP4_DOFF] = (uint8_t)(doff << 4);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_INVALID);
		/* Cut before the offset is readable: the ports still count;
		 * once the 20-byte header is captured the offset condemns
		 * it. */
		for (uint32_t c = 0; c <= sizeof(b); c++) {
			int st = t_decode(&d, DLT_EN10MB, b, c, sizeof(b), TS,
					  &p);

			if (c < TCP4 + 4) {
				assert_int_equal(st, DEC_TRUNCATED);
			} else if (c < TCP4 + 20) {
				assert_int_equal(st, DEC_OK);
				assert_int_equal(p.l4, DEC_L4_PORTS);
				assert_int_equal(p.sport, 44986);
			} else {
				assert_int_equal(st, DEC_INVALID);
			}
		}
	}
}

static void tcp_data_offset_beyond_the_segment_is_invalid(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* tcp-http-curl#3: a 40-byte segment (data offset 10). */
	for (int doff = 11; doff < 16; doff++) {
		T_COPY(b, f_tcp_syn);
		b[TCP4_DOFF] = (uint8_t)(doff << 4);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_INVALID);
	}
	/* tcp-refused#4: a 20-byte segment. */
	for (int doff = 6; doff < 16; doff++) {
		T_COPY(b, f_tcp_rst);
		b[TCP4_DOFF] = (uint8_t)(doff << 4);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_INVALID);
	}
	/* The whole segment as header: no payload. */
	assert_int_equal(eth(f_tcp_syn, sizeof(f_tcp_syn), &p), DEC_OK);
	assert_int_equal(p.payload_len, 0);
	/* A data offset into the payload is fine: tcp-http-curl#6 with 60
	 * bytes of "header" leaves 119 - 60 = 59 bytes of payload. */
	{
		T_COPY(b, f_tcp_data);
		b[TCP4_DOFF] = 0xf0;
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.payload_len, 59);
		assert_int_equal(p.tcp_flags, DEC_TH_PSH | DEC_TH_ACK);
	}
	/* The data offset is checked against the IP length, not the frame:
	 * padding does not make room for options.  tcp-refused#4 padded to
	 * 60 bytes, data offset 6 (24 bytes > the 20 of the segment). */
	{
		uint8_t b[60];

		memset(b, 0, sizeof(b));
		memcpy(b, f_tcp_rst, sizeof(f_tcp_rst));
		b[TCP4_DOFF] = 0x60;
		assert_int_equal(eth(b, sizeof(b), &p), DEC_INVALID);
	}
}

/* An IP total length that leaves the TCP segment shorter than its 20-byte
 * fixed header (tcp-refused#4 with total length 32: 12 bytes) is invalid:
 * the length field, not the capture, is short.  A tiny first fragment
 * (RFC 1858) and a frame shorter than its IP length still count. */
static void tcp_segment_shorter_than_its_header_is_invalid(void **state)
{
	struct dec_pkt p;

	(void)state;
	for (uint16_t seg = 4; seg < 20; seg++) {
		T_COPY(b, f_tcp_rst);
		t_put16(b, IP4_TOT, (uint16_t)(20 + seg));
		assert_int_equal(eth(b, sizeof(b), &p), DEC_INVALID);
	}
}

/* A first fragment may be that short (RFC 1858's tiny fragment): it has the
 * ports, so it counts.  zeek-ipv4-fragmented-4#2 cut to 8 bytes of TCP. */
static void tcp_tiny_first_fragment_keeps_its_ports(void **state)
{
	struct dec_pkt p;
	struct dec fd;

	(void)state;
	assert_int_equal(dec_init(&fd, 16), 0);
	T_COPY(b, f_f4_first);
	t_put16(b, IP4_TOT, 28);
	assert_int_equal(t_decode(&fd, DLT_EN10MB, b, sizeof(b), sizeof(b), TS,
				  &p),
			 DEC_OK);
	assert_int_equal(p.frag, DEC_FRAG_FIRST);
	assert_int_equal(p.l4_len, 8);
	assert_int_equal(p.l4, DEC_L4_PORTS);
	assert_int_equal(p.sport, 7790);
	assert_int_equal(p.dport, 80);
	dec_free(&fd);
}

/* ---- UDP length ---- */

static void udp_length_below_8_is_invalid(void **state)
{
	struct dec_pkt p;

	(void)state;
	for (uint16_t ulen = 0; ulen < 8; ulen++) {
		T_COPY(b, f_udp4);
		t_put16(b, UDP4_LEN, ulen);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_INVALID);
	}
	for (uint16_t ulen = 1; ulen < 8; ulen++) {
		T_COPY(b, f_udp6);
		t_put16(b, L4_6 + 4, ulen);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_INVALID);
	}
	/* IPv6 UDP length 0 takes the length from IP (RFC 2675; Linux does
	 * the same for any IPv6 datagram). */
	{
		T_COPY(b, f_udp6);
		t_put16(b, L4_6 + 4, 0);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.payload_len, 32);
		assert_int_equal(p.l4, DEC_L4_PORTS | DEC_L4_HDR);
	}
}

static void udp_length_against_the_ip_length(void **state)
{
	static const struct {
		uint16_t ulen;
		uint32_t payload;
	} cases[] = {
		{ 8, 0 }, { 20, 12 }, { 40, 32 },
		/* more than IP leaves (40): clamped to it */
		{ 41, 32 }, { 1000, 32 }, { 0xffff, 32 },
	};
	struct dec_pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_COPY(b, f_udp4);
		t_put16(b, UDP4_LEN, cases[i].ulen);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.payload_len, cases[i].payload);
		assert_int_equal(p.l4_len, 40);
		assert_int_equal(p.ip_len, 60);
	}
}

/* An IP total length that leaves fewer than 8 bytes for UDP
 * (udp-echo-unreach#3 with total length 26: 6 bytes) is invalid, and never
 * reports more payload than the datagram holds. */
static void udp_datagram_shorter_than_its_header_is_invalid(void **state)
{
	struct dec_pkt p;

	(void)state;
	for (uint16_t seg = 7; seg >= 4; seg--) {
		T_COPY(b, f_udp4);
		t_put16(b, IP4_TOT, (uint16_t)(20 + seg));
		int st = eth(b, sizeof(b), &p);

		/* Whatever the status, never more payload than datagram. */
		if (st == DEC_OK)
			assert_true(p.payload_len <= p.l4_len);
		assert_int_equal(st, DEC_INVALID);
	}
}

/* DEC_L4_HDR means the whole fixed transport header was captured: for UDP
 * all 8 bytes, checksum included, not just the length field (caplen 40 and
 * 41 of udp-echo-unreach#3, whose UDP header starts at 34). */
static void udp_l4_hdr_needs_all_8_bytes(void **state)
{
	struct dec_pkt p;

	(void)state;
	for (uint32_t c = TCP4 + 4; c < TCP4 + 8; c++) {
		assert_int_equal(t_decode(&d, DLT_EN10MB, f_udp4, c,
					  sizeof(f_udp4), TS, &p),
				 DEC_OK);
		assert_int_equal(p.sport, 33012);
		assert_int_equal(p.l4, DEC_L4_PORTS);
	}
	assert_int_equal(t_decode(&d, DLT_EN10MB, f_udp4, TCP4 + 8,
				  sizeof(f_udp4), TS, &p),
			 DEC_OK);
	assert_int_equal(p.l4, DEC_L4_PORTS | DEC_L4_HDR);
}

/* A UDP jumbogram (RFC 2675: IPv6 payload length 0 with a Hop-by-Hop
 * Jumbo Payload option, UDP length 0) longer than 65535 bytes reports
 * payload_len = l4_len - 8, not a 16-bit value.  Built from
 * ipv6-tcp-udp#16 (headers captured, 100000 payload bytes on the wire). */
static void udp_jumbogram_payload_over_64k(void **state)
{
	uint8_t b[L4_6 + 8 + 8];
	uint32_t wire = L4_6 + 8 + 8 + 100000;
	struct dec_pkt p;

	(void)state;
	memcpy(b, f_udp6, L4_6);
	t_put16(b, IP6_PLEN, 0);
	b[IP6_NH] = 0;			/* Hop-by-Hop */
	b[L4_6] = 17;			/* next: UDP */
	b[L4_6 + 1] = 0;		/* 8 bytes */
	b[L4_6 + 2] = 0xc2;		/* Jumbo Payload option */
	b[L4_6 + 3] = 4;
	b[L4_6 + 4] = (uint8_t)((wire - 14) >> 24);
	b[L4_6 + 5] = (uint8_t)((wire - 14) >> 16);
	b[L4_6 + 6] = (uint8_t)((wire - 14) >> 8);
	b[L4_6 + 7] = (uint8_t)(wire - 14);
	memcpy(b + L4_6 + 8, f_udp6 + L4_6, 8);
	t_put16(b, L4_6 + 8 + 4, 0);	/* UDP length 0 */
	assert_int_equal(t_decode(&d, DLT_EN10MB, b, sizeof(b), wire, TS, &p),
			 DEC_OK);
	assert_int_equal(p.ip_len, wire - 14);
	assert_int_equal(p.l4_len, wire - 14 - 48);
	assert_int_equal(p.sport, 36579);
	assert_int_equal(p.payload_len, 100000);
}

/* ---- ICMP ---- */

static void icmp_shorter_than_type_and_code_is_invalid(void **state)
{
	struct dec_pkt p;

	(void)state;
	for (uint16_t seg = 0; seg < 4; seg++) {
		T_COPY(b, f_icmp4_unreach);
		t_put16(b, IP4_TOT, (uint16_t)(20 + seg));
		assert_int_equal(eth(b, sizeof(b), &p), DEC_INVALID);
		T_COPY(b6, f_icmp6_unreach);
		t_put16(b6, IP6_PLEN, seg);
		assert_int_equal(eth(b6, sizeof(b6), &p), DEC_INVALID);
	}
}

static void icmp_errors_and_the_quote(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* Time exceeded (11), parameter problem (12), source quench (4),
	 * redirect (5) quote a datagram like unreachable (3) does. */
	static const uint8_t errs[] = { 3, 4, 5, 11, 12 };
	for (size_t i = 0; i < sizeof(errs); i++) {
		T_COPY(b, f_icmp4_unreach);
		b[TCP4] = errs[i];
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.sport, errs[i]);
		assert_int_equal(p.inner.valid, 1);
		assert_int_equal(p.inner.has_ports, 1);
		assert_int_equal(p.inner.dport, 9998);
	}
	/* Echo request/reply and others quote nothing. */
	static const uint8_t info[] = { 0, 8, 13, 14 };
	for (size_t i = 0; i < sizeof(info); i++) {
		T_COPY(b, f_icmp4_unreach);
		b[TCP4] = info[i];
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.sport, info[i]);
		assert_int_equal(p.inner.valid, 0);
	}
	/* ICMPv6: types below 128 are errors, 128 and up are not. */
	{
		T_COPY(b, f_icmp6_unreach);
		b[L4_6] = 3;	/* time exceeded */
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.inner.valid, 1);
		assert_int_equal(p.inner.sport, 42187);
		b[L4_6] = 128;	/* echo request */
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.inner.valid, 0);
	}
	/* The quote ends where the ICMP datagram ends (IP length), not where
	 * the frame does: 8 + 10 bytes leave half a quoted header. */
	{
		T_COPY(b, f_icmp4_unreach);
		t_put16(b, IP4_TOT, 20 + 8 + 10);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.inner.valid, 0);
		assert_int_equal(p.payload_len, 10);
	}
	/* Quoted header, no quoted ports (8 + 20 + 2 bytes). */
	{
		T_COPY(b, f_icmp4_unreach);
		t_put16(b, IP4_TOT, 20 + 8 + 22);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.inner.valid, 1);
		assert_int_equal(p.inner.has_ports, 0);
		t_assert_addr(p.inner.src, "10.99.0.1");
	}
	/* A quoted IPv4 header with IHL < 5 is not read. */
	{
		T_COPY(b, f_icmp4_unreach);
		b[TCP4 + 8] = 0x44;
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.inner.valid, 0);
	}
	/* A quoted IPv4 header with options (IHL 6): ports after them.  The
	 * quote is udp-echo-unreach#10's with 4 NOP bytes inserted. */
	{
		uint8_t b[sizeof(f_icmp4_unreach) + 4];
		const uint32_t q = TCP4 + 8;	/* quoted IP header */

		memcpy(b, f_icmp4_unreach, q + 20);
		memset(b + q + 20, 1, 4);
		memcpy(b + q + 24, f_icmp4_unreach + q + 20,
		       sizeof(f_icmp4_unreach) - q - 20);
		b[q] = 0x46;
		t_put16(b, IP4_TOT, 88 + 4);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.inner.valid, 1);
		assert_int_equal(p.inner.has_ports, 1);
		assert_int_equal(p.inner.sport, 55006);
		assert_int_equal(p.inner.dport, 9998);
	}
	/* A quoted IPv6 datagram with a 16-byte Destination Options header:
	 * the ports follow it.  ipv6-tcp-udp#23 with the header inserted. */
	{
		uint8_t b[sizeof(f_icmp6_unreach) + 16];
		const uint32_t q = L4_6 + 8;	/* quoted IPv6 header */
		static const uint8_t dst[16] = { 17, 1, 1, 12 };	/* PadN */

		memcpy(b, f_icmp6_unreach, q + 40);
		memcpy(b + q + 40, dst, 16);
		memcpy(b + q + 56, f_icmp6_unreach + q + 40,
		       sizeof(f_icmp6_unreach) - q - 40);
		b[q + 6] = 60;
		t_put16(b, IP6_PLEN, 88 + 16);
		assert_int_equal(eth(b, sizeof(b), &p), DEC_OK);
		assert_int_equal(p.inner.valid, 1);
		assert_int_equal(p.inner.ipv, 6);
		assert_int_equal(p.inner.proto, 17);
		assert_int_equal(p.inner.has_ports, 1);
		assert_int_equal(p.inner.sport, 42187);
		assert_int_equal(p.inner.dport, 9998);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			frame_shorter_than_ip_length_before_ports_is_truncated),
		cmocka_unit_test(tcp_data_offset_below_5_is_invalid),
		cmocka_unit_test(tcp_data_offset_beyond_the_segment_is_invalid),
		cmocka_unit_test(
			tcp_segment_shorter_than_its_header_is_invalid),
		cmocka_unit_test(tcp_tiny_first_fragment_keeps_its_ports),
		cmocka_unit_test(udp_length_below_8_is_invalid),
		cmocka_unit_test(udp_length_against_the_ip_length),
		cmocka_unit_test(
			udp_datagram_shorter_than_its_header_is_invalid),
		cmocka_unit_test(udp_l4_hdr_needs_all_8_bytes),
		cmocka_unit_test(udp_jumbogram_payload_over_64k),
		cmocka_unit_test(icmp_shorter_than_type_and_code_is_invalid),
		cmocka_unit_test(icmp_errors_and_the_quote),
	};

	return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
