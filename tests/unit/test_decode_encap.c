/*
 * test_decode_encap.c - EtherType chains in decode/dec_link.c: 802.1Q and
 * 802.1ad tag stacks (TPIDs, TCI bits, the depth cap), MPLS label stacks
 * (the cap, no bottom of stack, non-IP payload) and PPPoE, built from real
 * frames (frames.h: vlan-tcp.pcap#3, zeek-mixed-vlan-mpls.pcap#2,
 * pppoe-icmpv6.pcap#36).  The real QinQ, QinQinQ, MPLS, PPPoE and FabricPath
 * frames, whole and cut at every byte, are in test_decode.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "frames.h"

/* ---- VLAN tags ---- */

/* vlan-tcp#3 with its 802.1Q tag repeated n times, tag i carrying VLAN
 * 100 + i (so the outermost is 100). */
static uint32_t vlan_stack(uint8_t *b, uint32_t n, uint16_t tpid)
{
	memcpy(b, f_vlan_syn, 12);
	for (uint32_t i = 0; i < n; i++) {
		t_put16(b, 12 + 4 * i, tpid);
		t_put16(b, 14 + 4 * i, (uint16_t)(100 + i));
	}
	memcpy(b + 12 + 4 * n, f_vlan_syn + 16, sizeof(f_vlan_syn) - 16);
	return 12 + 4 * n + (uint32_t)sizeof(f_vlan_syn) - 16;
}

static void assert_vlan_syn(const struct dec_pkt *p, uint16_t vlan)
{
	assert_int_equal(p->vlan, vlan);
	t_assert_addr(p->src, "10.99.100.1");
	t_assert_addr(p->dst, "10.99.100.2");
	assert_int_equal(p->sport, 57076);
	assert_int_equal(p->dport, 8080);
	assert_int_equal(p->ip_len, 60);
	assert_int_equal(p->l4_len, 40);
	assert_int_equal(p->tcp_flags, DEC_TH_SYN);
}

static void vlan_stacks_below_the_cap(void **state)
{
	(void)state;
	for (uint32_t n = 1; n <= 7; n++) {
		uint8_t b[128];
		uint32_t len = vlan_stack(b, n, 0x8100);
		struct dec_pkt p;

		assert_int_equal(decode(DLT_EN10MB, b, len, &p), DEC_OK);
		assert_vlan_syn(&p, 100);
		assert_int_equal(p.wire_len, len);
	}
}

/* A stack of exactly MAX_ENCAPS (8) tags is within the cap, as a stack of
 * exactly 8 MPLS labels is; 9 is not. */
static void vlan_stack_of_exactly_the_cap_is_ok(void **state)
{
	uint8_t b[128];
	uint32_t len = vlan_stack(b, 8, 0x8100);
	struct dec_pkt p;

	(void)state;
	assert_int_equal(decode(DLT_EN10MB, b, len, &p), DEC_OK);
	assert_vlan_syn(&p, 100);
}

static void vlan_stack_deeper_than_the_cap_is_invalid(void **state)
{
	(void)state;
	for (uint32_t n = 9; n <= 40; n++) {
		uint8_t b[256];
		uint32_t len = vlan_stack(b, n, 0x8100);
		struct dec_pkt p;

		assert_int_equal(decode(DLT_EN10MB, b, len, &p),
				 DEC_INVALID);
	}
	/* A frame of nothing but tags: invalid once past the cap, never a
	 * read past the end however it is cut. */
	{
		uint8_t b[12 + 4 * 30];
		struct dec_pkt p;

		memset(b, 0, sizeof(b));
		for (uint32_t i = 0; i < 30; i++)
			t_put16(b, 12 + 4 * i, 0x8100);
		for (uint32_t c = 0; c <= sizeof(b); c++) {
			int st = t_decode(&d, DLT_EN10MB, b, c, sizeof(b), TS,
					  &p);

			/* The 8th tag ends at byte 46, the 9th at 50: before
			 * the 8th is whole, the frame is truncated. */
			if (c < 46)
				assert_int_equal(st, DEC_TRUNCATED);
			else if (c >= 50)
				assert_int_equal(st, DEC_INVALID);
			else
				assert_true(st == DEC_TRUNCATED ||
					    st == DEC_INVALID);
		}
	}
}

static void vlan_tpids_and_tci_bits(void **state)
{
	static const uint16_t tpids[] = { 0x8100, 0x88a8, 0x9100, 0x9200 };
	struct dec_pkt p;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		uint8_t b[128];
		uint32_t len = vlan_stack(b, 2, tpids[i]);

		assert_int_equal(decode(DLT_EN10MB, b, len, &p), DEC_OK);
		assert_vlan_syn(&p, 100);
	}
	/* 802.1ad service tag (VLAN 200) outside a customer tag (100). */
	{
		uint8_t b[128];
		uint32_t len = vlan_stack(b, 2, 0x8100);

		t_put16(b, 12, 0x88a8);
		t_put16(b, 14, 200);
		assert_int_equal(decode(DLT_EN10MB, b, len, &p), DEC_OK);
		assert_vlan_syn(&p, 200);
	}
	/* Priority 7 and DEI are not part of the VLAN ID. */
	{
		T_COPY(b, f_vlan_syn);
		t_put16(b, 14, 0xf000 | 100);
		assert_int_equal(decode(DLT_EN10MB, b, sizeof(b), &p),
				 DEC_OK);
		assert_vlan_syn(&p, 100);
	}
	/* A priority tag (VLAN ID 0) is VLAN 0, not "untagged". */
	{
		T_COPY(b, f_vlan_syn);
		t_put16(b, 14, 0x2000);
		assert_int_equal(decode(DLT_EN10MB, b, sizeof(b), &p),
				 DEC_OK);
		assert_vlan_syn(&p, 0);
	}
	/* VLAN 4095 */
	{
		T_COPY(b, f_vlan_syn);
		t_put16(b, 14, 0x0fff);
		assert_int_equal(decode(DLT_EN10MB, b, sizeof(b), &p),
				 DEC_OK);
		assert_vlan_syn(&p, 4095);
	}
}

/* ---- MPLS ---- */

/* zeek-mixed-vlan-mpls#2 with its one label repeated n times, the
 * bottom-of-stack bit only on the last (none when bos == false). */
static uint32_t mpls_stack(uint8_t *b, uint32_t n, bool bos)
{
	memcpy(b, f_mpls, 14);
	for (uint32_t i = 0; i < n; i++) {
		memcpy(b + 14 + 4 * i, f_mpls + 14, 4);
		if (i + 1 < n || !bos)
			b[14 + 4 * i + 2] &= 0xfe;
	}
	memcpy(b + 14 + 4 * n, f_mpls + 18, sizeof(f_mpls) - 18);
	return 14 + 4 * n + (uint32_t)sizeof(f_mpls) - 18;
}

static void mpls_stacks_up_to_the_cap(void **state)
{
	(void)state;
	for (uint32_t n = 1; n <= 8; n++) {
		uint8_t b[128];
		uint32_t len = mpls_stack(b, n, true);
		struct dec_pkt p;

		assert_int_equal(decode(DLT_EN10MB, b, len, &p), DEC_OK);
		t_assert_addr(p.src, "10.1.2.1");
		t_assert_addr(p.dst, "10.34.0.1");
		assert_int_equal(p.sport, 11001);
		assert_int_equal(p.dport, 23);
		assert_int_equal(p.ip_len, 40);
		assert_int_equal(p.l4_len, 20);
		assert_int_equal(p.vlan, DEC_NO_VLAN);
	}
	for (uint32_t n = 9; n <= 12; n++) {
		uint8_t b[128];
		uint32_t len = mpls_stack(b, n, true);
		struct dec_pkt p;

		assert_int_equal(decode(DLT_EN10MB, b, len, &p),
				 DEC_INVALID);
	}
	/* Multicast MPLS EtherType */
	{
		T_COPY(b, f_mpls);
		struct dec_pkt p;

		t_put16(b, 12, 0x8848);
		assert_int_equal(decode(DLT_EN10MB, b, sizeof(b), &p),
				 DEC_OK);
		assert_int_equal(p.sport, 11001);
	}
}

static void mpls_without_bottom_of_stack(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* Labels without the S bit and then the frame ends: never OK, cut
	 * anywhere (3 labels: the stack runs off the end). */
	{
		uint8_t b[14 + 12];

		memcpy(b, f_mpls, 14);
		for (int i = 0; i < 3; i++) {
			memcpy(b + 14 + 4 * i, f_mpls + 14, 4);
			b[14 + 4 * i + 2] &= 0xfe;
		}
		for (uint32_t c = 0; c <= sizeof(b); c++)
			assert_int_equal(t_decode(&d, DLT_EN10MB, b, c,
						  sizeof(b), TS, &p),
					 DEC_TRUNCATED);
	}
	/* A long stack with no S bit anywhere: the cap stops the walk. */
	{
		uint8_t b[14 + 4 * 20 + sizeof(f_mpls) - 18];
		uint32_t len = mpls_stack(b, 20, false);

		for (uint32_t c = 0; c <= len; c++) {
			int st = t_decode(&d, DLT_EN10MB, b, c, len, TS, &p);

			/* 8 labels are read (14 + 32 bytes), the 9th is
			 * refused. */
			assert_int_equal(st, c < 46 ? DEC_TRUNCATED
						    : DEC_INVALID);
		}
	}
	/* The real frame with its S bit cleared: the IP header is then read
	 * as labels until one happens to have the bit (0x98320ffc, the 8th),
	 * and what follows is not IP.  Any cut: never counted. */
	{
		T_COPY(b, f_mpls);

		b[16] &= 0xfe;
		assert_int_equal(decode(DLT_EN10MB, b, sizeof(b), &p),
				 DEC_UNSUPPORTED);
		for (uint32_t c = 0; c <= sizeof(b); c++) {
			int st = t_decode(&d, DLT_EN10MB, b, c, sizeof(b), TS,
					  &p);

			assert_int_equal(st, c < 47 ? DEC_TRUNCATED
						    : DEC_UNSUPPORTED);
		}
	}
}

static void mpls_non_ip_payload_is_unsupported(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* A pseudowire control word (first nibble 0) after the stack. */
	T_COPY(b, f_mpls);
	b[18] = 0x00;
	assert_int_equal(decode(DLT_EN10MB, b, sizeof(b), &p),
			 DEC_UNSUPPORTED);
}

/* ---- PPPoE ---- */

static void pppoe_ipv4(void **state)
{
	/* pppoe-icmpv6#36's Ethernet + PPPoE header, PPP protocol 0x0021,
	 * carrying udp-echo-unreach#3's IPv4 datagram. */
	uint8_t b[22 + sizeof(f_udp4) - 14];
	struct dec_pkt p;

	(void)state;
	memcpy(b, f_pppoe_udp6, 22);
	t_put16(b, 18, (uint16_t)(sizeof(b) - 20));
	t_put16(b, 20, 0x0021);
	memcpy(b + 22, f_udp4 + 14, sizeof(f_udp4) - 14);
	assert_int_equal(decode(DLT_EN10MB, b, sizeof(b), &p), DEC_OK);
	assert_int_equal(p.ipv, 4);
	t_assert_addr(p.src, "10.99.0.1");
	assert_int_equal(p.sport, 33012);
	assert_int_equal(p.dport, 9999);
	assert_int_equal(p.ip_len, 60);
	assert_int_equal(p.payload_len, 32);
	/* 0x0021 with an IPv6 datagram: the version does not match. */
	{
		T_COPY(c, f_pppoe_udp6);
		t_put16(c, 20, 0x0021);
		assert_int_equal(decode(DLT_EN10MB, c, sizeof(c), &p),
				 DEC_INVALID);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vlan_stacks_below_the_cap),
		cmocka_unit_test(vlan_stack_of_exactly_the_cap_is_ok),
		cmocka_unit_test(vlan_stack_deeper_than_the_cap_is_invalid),
		cmocka_unit_test(vlan_tpids_and_tci_bits),
		cmocka_unit_test(mpls_stacks_up_to_the_cap),
		cmocka_unit_test(mpls_without_bottom_of_stack),
		cmocka_unit_test(mpls_non_ip_payload_is_unsupported),
		cmocka_unit_test(pppoe_ipv4),
	};

	return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
