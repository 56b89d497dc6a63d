/*
 * test_decode_link.c - link-layer decoders (decode/dec_link.c): the DLT
 * table, what is not IP (ARP, unknown EtherTypes, PPP control, 802.3 LLC),
 * LLC/SNAP, Ethernet padding, Linux cooked headers, BSD loopback in both
 * byte orders, raw IP, and the version nibble against the link's protocol.
 * VLAN stacks, MPLS and PPPoE are in test_decode_encap.c.  Frames are real
 * (frames.h); the traps patch copies of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "frames.h"

/* ---- dec_link_find ---- */

static void link_find_known_dlts(void **state)
{
	static const struct {
		int dlt;
		const char *name;
	} known[] = {
		{ DLT_EN10MB, "DLT_EN10MB" },
		{ DLT_LINUX_SLL, "DLT_LINUX_SLL" },
		{ DLT_LINUX_SLL2, "DLT_LINUX_SLL2" },
		{ DLT_NULL, "DLT_NULL" },
		{ DLT_LOOP, "DLT_LOOP" },
		{ DLT_RAW, "DLT_RAW" },
		{ DLT_IPV4, "DLT_IPV4" },
		{ DLT_IPV6, "DLT_IPV6" },
		{ DLT_PPP, "DLT_PPP" },
		{ DLT_PPP_SERIAL, "DLT_PPP_SERIAL" },
		{ DLT_C_HDLC, "DLT_C_HDLC" },
		{ DLT_PPP_ETHER, "DLT_PPP_ETHER" },
		{ DLT_IEEE802_11, "DLT_IEEE802_11" },
		{ DLT_IEEE802_11_RADIO, "DLT_IEEE802_11_RADIO" },
		{ DLT_PRISM_HEADER, "DLT_PRISM_HEADER" },
		{ DLT_IEEE802_11_RADIO_AVS, "DLT_IEEE802_11_RADIO_AVS" },
		{ DLT_PPI, "DLT_PPI" },
		{ 274, "DLT_ETHERNET_MPACKET" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct dec_link *lk = dec_link_find(known[i].dlt);

		assert_non_null(lk);
		assert_int_equal(lk->dlt, known[i].dlt);
		assert_string_equal(lk->name, known[i].name);
		assert_non_null(lk->fn);
	}
	/* The numbers themselves (pcap/dlt.h on Linux). */
	assert_int_equal(dec_link_find(1)->dlt, 1);
	assert_int_equal(dec_link_find(113)->dlt, 113);
	assert_int_equal(dec_link_find(276)->dlt, 276);
	assert_int_equal(dec_link_find(228)->dlt, 228);
	assert_int_equal(dec_link_find(229)->dlt, 229);
}

static void link_find_unknown_dlts(void **state)
{
	(void)state;
	/* token ring, FDDI, Bluetooth HCI, USB: not decoded */
	assert_null(dec_link_find(DLT_IEEE802));
	assert_null(dec_link_find(DLT_FDDI));
	assert_null(dec_link_find(201));
	assert_null(dec_link_find(220));
	assert_null(dec_link_find(-1));
	assert_null(dec_link_find(65535));
}

/* ---- not IP ---- */

static void arp_is_unsupported(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* tcp-http-curl#1: ARP request */
	assert_int_equal(decode(DLT_EN10MB, f_arp, sizeof(f_arp), &p),
			 DEC_UNSUPPORTED);
	/* vlan-tcp#1: ARP inside an 802.1Q tag */
	assert_int_equal(decode(DLT_EN10MB, f_vlan_arp,
				      sizeof(f_vlan_arp), &p),
			 DEC_UNSUPPORTED);
	/* The SLL and SLL2 SYNs with their protocol set to ARP */
	{
		T_COPY(b, f_sll_syn);
		t_put16(b, 14, 0x0806);
		assert_int_equal(decode(DLT_LINUX_SLL, b, sizeof(b), &p),
				 DEC_UNSUPPORTED);
	}
	{
		T_COPY(b, f_sll2_syn);
		t_put16(b, 0, 0x0806);
		assert_int_equal(decode(DLT_LINUX_SLL2, b, sizeof(b),
					      &p),
				 DEC_UNSUPPORTED);
	}
}

static void unknown_ethertypes_are_unsupported(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* cisco-fabric-path#129: EtherType 0x9999 */
	assert_int_equal(decode(DLT_EN10MB, f_ether_9999,
				      sizeof(f_ether_9999), &p),
			 DEC_UNSUPPORTED);
	/* cisco-fabric-path#130: FabricPath carrying EtherType 0x9999 */
	assert_int_equal(decode(DLT_EN10MB, f_fp_9999,
				      sizeof(f_fp_9999), &p),
			 DEC_UNSUPPORTED);
	/* pppoe-icmpv6#5: PPPoE session carrying LCP (0xc021) */
	assert_int_equal(decode(DLT_EN10MB, f_pppoe_lcp,
				      sizeof(f_pppoe_lcp), &p),
			 DEC_UNSUPPORTED);
}

/* ---- IEEE 802.3 ---- */

static void llc_stp_is_unsupported(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* suricata-tls-subjectaltname#5: 802.3 length 38, LLC 42 42 03
	 * (spanning tree) */
	assert_int_equal(decode(DLT_EN10MB, f_stp, sizeof(f_stp), &p),
			 DEC_UNSUPPORTED);
	/* Cut in the LLC header: still nothing we could count. */
	for (uint32_t c = 0; c < 17; c++)
		assert_int_equal(t_decode(&d, DLT_EN10MB, f_stp, c,
					  sizeof(f_stp), TS, &p),
				 DEC_TRUNCATED);
	for (uint32_t c = 17; c <= sizeof(f_stp); c++)
		assert_int_equal(t_decode(&d, DLT_EN10MB, f_stp, c,
					  sizeof(f_stp), TS, &p),
				 DEC_UNSUPPORTED);
}

/* udp-echo-unreach#3 re-framed as IEEE 802.3 + LLC/SNAP (RFC 1042): a
 * length field, AA AA 03, OUI 00 00 00, EtherType 0x0800. */
static uint32_t snap_frame(uint8_t *b, const uint8_t oui[3])
{
	static const uint8_t llc[3] = { 0xaa, 0xaa, 0x03 };

	memcpy(b, f_udp4, 12);
	t_put16(b, 12, (uint16_t)(8 + sizeof(f_udp4) - 14));
	memcpy(b + 14, llc, 3);
	memcpy(b + 17, oui, 3);
	t_put16(b, 20, 0x0800);
	memcpy(b + 22, f_udp4 + 14, sizeof(f_udp4) - 14);
	return (uint32_t)sizeof(f_udp4) + 8;
}

static void llc_snap_ipv4_is_decoded(void **state)
{
	static const uint8_t oui0[3] = { 0, 0, 0 };
	uint8_t b[sizeof(f_udp4) + 8];
	uint32_t n = snap_frame(b, oui0);
	struct dec_pkt p;

	(void)state;
	assert_int_equal(decode(DLT_EN10MB, b, n, &p), DEC_OK);
	assert_int_equal(p.wire_len, 82);
	assert_int_equal(p.ipv, 4);
	assert_int_equal(p.proto, 17);
	t_assert_addr(p.src, "10.99.0.1");
	t_assert_addr(p.dst, "10.99.0.2");
	assert_int_equal(p.sport, 33012);
	assert_int_equal(p.dport, 9999);
	assert_int_equal(p.ip_len, 60);
	assert_int_equal(p.l4_len, 40);
	assert_int_equal(p.payload_len, 32);
	assert_int_equal(p.vlan, DEC_NO_VLAN);
	/* Every cut: truncated until the ports (22 + 20 + 4 bytes). */
	for (uint32_t c = 0; c <= n; c++) {
		int st = t_decode(&d, DLT_EN10MB, b, c, n, TS, &p);

		assert_int_equal(st, c < 46 ? DEC_TRUNCATED : DEC_OK);
		if (st == DEC_OK) {
			assert_int_equal(p.sport, 33012);
			assert_int_equal(p.ip_len, 60);
		}
	}
}

static void llc_snap_with_an_oui_is_unsupported(void **state)
{
	static const uint8_t cisco[3] = { 0x00, 0x00, 0x0c };
	uint8_t b[sizeof(f_udp4) + 8];
	uint32_t n = snap_frame(b, cisco);
	struct dec_pkt p;

	(void)state;
	assert_int_equal(decode(DLT_EN10MB, b, n, &p), DEC_UNSUPPORTED);
}

/* ---- Ethernet padding ---- */

/* tcp-refused#4 (a 54-byte RST-ACK, captured on a veth before padding)
 * padded to the 60-byte Ethernet minimum, with zeros and with junk: the
 * padding is neither IP nor payload.  (The table in test_decode.c holds
 * frames captured padded: cisco-fabric-path#1/#2/#65/#105,
 * zeek-mixed-vlan-mpls#2.) */
static void ethernet_padding_is_not_counted(void **state)
{
	(void)state;
	for (int junk = 0; junk < 2; junk++) {
		uint8_t b[60];
		struct dec_pkt p;

		memset(b, junk ? 0xee : 0, sizeof(b));
		memcpy(b, f_tcp_rst, sizeof(f_tcp_rst));
		assert_int_equal(decode(DLT_EN10MB, b, 60, &p), DEC_OK);
		assert_int_equal(p.wire_len, 60);
		assert_int_equal(p.ip_len, 40);
		assert_int_equal(p.l4_len, 20);
		assert_int_equal(p.payload_len, 0);
		assert_int_equal(p.ip_bad_len, 0);
		assert_int_equal(p.tcp_flags, DEC_TH_RST | DEC_TH_ACK);
	}
}

/* ---- Linux cooked ---- */

static void sll2_needs_its_whole_header(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* The protocol is at offset 0, but the 20-byte header must be there
	 * before anything after it is read. */
	for (uint32_t c = 0; c < 20; c++)
		assert_int_equal(t_decode(&d, DLT_LINUX_SLL2, f_sll2_syn, c,
					  sizeof(f_sll2_syn), TS, &p),
				 DEC_TRUNCATED);
	{
		T_COPY(b, f_sll2_syn);
		t_put16(b, 0, 0x86dd);	/* says IPv6, holds IPv4 */
		assert_int_equal(decode(DLT_LINUX_SLL2, b, sizeof(b),
					      &p),
				 DEC_INVALID);
	}
	{
		T_COPY(b, f_sll_syn);
		t_put16(b, 14, 0x86dd);
		assert_int_equal(decode(DLT_LINUX_SLL, b, sizeof(b), &p),
				 DEC_INVALID);
	}
}

/* ---- BSD loopback ---- */

static void put_af(uint8_t *b, uint32_t af, bool big_endian)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(af >> (big_endian ? 8 * (3 - i) : 8 * i));
}

static void assert_null4(const struct dec_pkt *p)
{
	assert_int_equal(p->ipv, 4);
	t_assert_addr(p->src, "127.0.0.1");
	assert_int_equal(p->sport, 54820);
	assert_int_equal(p->dport, 4222);
	assert_int_equal(p->ip_len, 52);
	assert_int_equal(p->l4_len, 32);
	assert_int_equal(p->vlan, DEC_NO_VLAN);
}

static void assert_null6(const struct dec_pkt *p)
{
	assert_int_equal(p->ipv, 6);
	t_assert_addr(p->src, "::1");
	assert_int_equal(p->sport, 51157);
	assert_int_equal(p->dport, 61616);
	assert_int_equal(p->ip_len, 60);
}

static void null_in_both_byte_orders(void **state)
{
	struct dec_pkt p;

	(void)state;
	for (int be = 0; be < 2; be++) {
		/* ndpi-nats#3 was written little-endian (02 00 00 00). */
		T_COPY(b4, f_null4);
		put_af(b4, 2, be);
		assert_int_equal(decode(DLT_NULL, b4, sizeof(b4), &p),
				 DEC_OK);
		assert_null4(&p);
		/* ndpi-openwire#3: AF 24; also FreeBSD 28, Darwin 30,
		 * Linux 10. */
		static const uint32_t af6[] = { 24, 28, 30, 10 };
		for (size_t i = 0; i < 4; i++) {
			T_COPY(b6, f_null6);
			put_af(b6, af6[i], be);
			assert_int_equal(decode(DLT_NULL, b6, sizeof(b6),
						      &p),
					 DEC_OK);
			assert_null6(&p);
		}
	}
}

static void null_unknown_af_is_unsupported(void **state)
{
	static const uint32_t bad[] = { 0, 1, 7, 23, 26, 0x1000, 0xffff };
	struct dec_pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (int be = 0; be < 2; be++) {
			T_COPY(b, f_null4);
			put_af(b, bad[i], be);
			assert_int_equal(decode(DLT_NULL, b, sizeof(b),
						      &p),
					 DEC_UNSUPPORTED);
			assert_int_equal(decode(DLT_LOOP, b, sizeof(b),
						      &p),
					 DEC_UNSUPPORTED);
		}
	}
	for (uint32_t c = 0; c < 4; c++)
		assert_int_equal(t_decode(&d, DLT_NULL, f_null4, c,
					  sizeof(f_null4), TS, &p),
				 DEC_TRUNCATED);
}

static void null_af_must_match_the_version(void **state)
{
	struct dec_pkt p;

	(void)state;
	{
		T_COPY(b, f_null4);
		put_af(b, 24, false);	/* says IPv6, holds IPv4 */
		assert_int_equal(decode(DLT_NULL, b, sizeof(b), &p),
				 DEC_INVALID);
	}
	{
		T_COPY(b, f_null6);
		put_af(b, 2, false);	/* says IPv4, holds IPv6 */
		assert_int_equal(decode(DLT_NULL, b, sizeof(b), &p),
				 DEC_INVALID);
	}
}

static void loop_is_network_byte_order(void **state)
{
	struct dec_pkt p;

	(void)state;
	{
		T_COPY(b, f_null4);
		put_af(b, 2, true);
		assert_int_equal(decode(DLT_LOOP, b, sizeof(b), &p),
				 DEC_OK);
		assert_null4(&p);
	}
	{
		T_COPY(b, f_null6);
		put_af(b, 24, true);
		assert_int_equal(decode(DLT_LOOP, b, sizeof(b), &p),
				 DEC_OK);
		assert_null6(&p);
	}
	/* DLT_LOOP does not guess: little-endian 2 is 0x02000000. */
	assert_int_equal(decode(DLT_LOOP, f_null4, sizeof(f_null4), &p),
			 DEC_UNSUPPORTED);
}

/* ---- raw IP and the version nibble ---- */

static void raw_ip_picks_by_version(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* DLT_RAW carries either version (the table in test_decode.c has
	 * both); anything else is not IP. */
	for (int v = 0; v < 16; v++) {
		if (v == 4 || v == 6)
			continue;
		T_COPY(b, f_raw4);
		b[0] = (uint8_t)(v << 4 | 5);
		assert_int_equal(decode(DLT_RAW, b, sizeof(b), &p),
				 DEC_UNSUPPORTED);
	}
	assert_int_equal(t_decode(&d, DLT_RAW, f_raw4, 0, sizeof(f_raw4), TS,
				  &p),
			 DEC_TRUNCATED);
}

static void ethertype_must_match_the_version(void **state)
{
	struct dec_pkt p;

	(void)state;
	{
		T_COPY(b, f_udp4);
		t_put16(b, 12, 0x86dd);	/* IPv6 EtherType, IPv4 datagram */
		assert_int_equal(decode(DLT_EN10MB, b, sizeof(b), &p),
				 DEC_INVALID);
	}
	{
		T_COPY(b, f_udp6);
		t_put16(b, 12, 0x0800);	/* IPv4 EtherType, IPv6 datagram */
		assert_int_equal(decode(DLT_EN10MB, b, sizeof(b), &p),
				 DEC_INVALID);
	}
	for (int v = 0; v < 16; v++) {
		if (v == 4)
			continue;
		T_COPY(b, f_udp4);
		b[14] = (uint8_t)(v << 4 | 5);
		assert_int_equal(decode(DLT_EN10MB, b, sizeof(b), &p),
				 DEC_INVALID);
	}
	for (int v = 0; v < 16; v++) {
		if (v == 6)
			continue;
		T_COPY(b, f_udp6);
		b[14] = (uint8_t)(v << 4);
		assert_int_equal(decode(DLT_EN10MB, b, sizeof(b), &p),
				 DEC_INVALID);
	}
	/* Behind a VLAN tag too. */
	{
		T_COPY(b, f_vlan_syn);
		t_put16(b, 16, 0x86dd);
		assert_int_equal(decode(DLT_EN10MB, b, sizeof(b), &p),
				 DEC_INVALID);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(link_find_known_dlts),
		cmocka_unit_test(link_find_unknown_dlts),
		cmocka_unit_test(arp_is_unsupported),
		cmocka_unit_test(unknown_ethertypes_are_unsupported),
		cmocka_unit_test(llc_stp_is_unsupported),
		cmocka_unit_test(llc_snap_ipv4_is_decoded),
		cmocka_unit_test(llc_snap_with_an_oui_is_unsupported),
		cmocka_unit_test(ethernet_padding_is_not_counted),
		cmocka_unit_test(sll2_needs_its_whole_header),
		cmocka_unit_test(null_in_both_byte_orders),
		cmocka_unit_test(null_unknown_af_is_unsupported),
		cmocka_unit_test(null_af_must_match_the_version),
		cmocka_unit_test(loop_is_network_byte_order),
		cmocka_unit_test(raw_ip_picks_by_version),
		cmocka_unit_test(ethertype_must_match_the_version),
	};

	return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
