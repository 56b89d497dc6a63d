/*
 * test_decode_frag.c - the fragment map (decode/dec_frag.c) through
 * dec_frame: later fragments take their first fragment's ports, a later
 * fragment that comes first is held and handed to the first fragment, one
 * whose first never comes is an orphan, IPv6 atomic fragments are whole
 * datagrams, entries expire after 60 s of packet time, and the map stays
 * bounded.  Real fragments (frames.h): frag-udp.pcap (ours: IPv4 id 0x0c89
 * at offsets 0/1480/2960, IPv6 id 0x6313e670 at 0/1448/2896),
 * zeek-ipv4-fragmented-4.pcap (TCP, out of order), zeek-ipv6-fragmented-
 * dns.pcap (a lone last fragment, then a complete datagram) and
 * zeek-ipv6-http-atomic-frag.pcap.  Big fragments keep only their first
 * bytes; the wire length is the original (F_..._WIRE).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "frames.h"

#define S(x) ((int64_t)((x) * 1000000000.0))
#define T0   S(1700000000)

#define FEED(f, wire, ts, p) \
	t_decode(&d, DLT_EN10MB, f, sizeof(f), wire, ts, p)

static void assert_later(const struct dec_pkt *p, uint8_t proto,
			 uint16_t sport, uint16_t dport, uint32_t ip_len,
			 uint32_t wire)
{
	assert_int_equal(p->frag, DEC_FRAG_LATER);
	assert_int_equal(p->proto, proto);
	assert_int_equal(p->sport, sport);
	assert_int_equal(p->dport, dport);
	assert_int_equal(p->l4, DEC_L4_PORTS);
	assert_int_equal(p->l4_len, 0);
	assert_int_equal(p->ip_len, ip_len);
	assert_int_equal(p->wire_len, wire);
	assert_int_equal(p->held_pkts, 0);
}

/* ---- in order ---- */

static void ipv4_in_order(void **state)
{
	struct dec_pkt p;

	(void)state;
	assert_int_equal(FEED(f_frag4_first, F_FRAG4_FIRST_WIRE, T0, &p),
			 DEC_OK);
	assert_int_equal(p.frag, DEC_FRAG_FIRST);
	assert_int_equal(p.sport, 58253);
	assert_int_equal(p.held_pkts, 0);
	assert_int_equal(FEED(f_frag4_mid, F_FRAG4_MID_WIRE, T0 + 1, &p),
			 DEC_OK);
	assert_later(&p, 17, 58253, 9999, 1500, 1514);
	t_assert_addr(p.src, "10.99.0.1");
	t_assert_addr(p.dst, "10.99.0.2");
	assert_int_equal(p.ipv, 4);
	assert_int_equal(p.vlan, DEC_NO_VLAN);
	assert_int_equal(p.ts_ns, T0 + 1);
	assert_int_equal(FEED(f_frag4_last, F_FRAG4_LAST_WIRE, T0 + 2, &p),
			 DEC_OK);
	assert_later(&p, 17, 58253, 9999, 1068, 1082);
	assert_int_equal(d.frags_joined, 2);
	dec_flush(&d);
	assert_int_equal(d.frags_orphaned, 0);
	assert_int_equal(d.frags_evicted, 0);
}

static void ipv6_in_order(void **state)
{
	struct dec_pkt p;

	(void)state;
	assert_int_equal(FEED(f_frag6_first, F_FRAG6_FIRST_WIRE, T0, &p),
			 DEC_OK);
	assert_int_equal(p.frag, DEC_FRAG_FIRST);
	assert_int_equal(p.sport, 35473);
	assert_int_equal(FEED(f_frag6_mid, F_FRAG6_MID_WIRE, T0, &p), DEC_OK);
	assert_later(&p, 17, 35473, 9999, 1496, 1510);
	t_assert_addr(p.src, "fd00:99::1");
	t_assert_addr(p.dst, "fd00:99::2");
	assert_int_equal(p.ipv, 6);
	assert_int_equal(FEED(f_frag6_last, F_FRAG6_LAST_WIRE, T0, &p),
			 DEC_OK);
	assert_later(&p, 17, 35473, 9999, 1160, 1174);
	assert_int_equal(d.frags_joined, 2);
	dec_flush(&d);
	assert_int_equal(d.frags_orphaned, 0);
}

/* zeek-ipv4-fragmented-4.pcap as captured: the first fragment (TCP
 * 7790 > 80), then offsets 48, 72 (last), 24. */
static void ipv4_tcp_out_of_order_after_the_first(void **state)
{
	struct dec_pkt p;

	(void)state;
	assert_int_equal(FEED(f_f4_first, sizeof(f_f4_first), T0, &p), DEC_OK);
	assert_int_equal(p.frag, DEC_FRAG_FIRST);
	assert_int_equal(FEED(f_f4_o48, sizeof(f_f4_o48), T0, &p), DEC_OK);
	assert_later(&p, 6, 7790, 80, 44, 58);
	t_assert_addr(p.src, "128.32.46.142");
	t_assert_addr(p.dst, "10.0.0.1");
	assert_int_equal(FEED(f_f4_o72, sizeof(f_f4_o72), T0, &p), DEC_OK);
	assert_later(&p, 6, 7790, 80, 37, 51);
	assert_int_equal(FEED(f_f4_o24, sizeof(f_f4_o24), T0, &p), DEC_OK);
	assert_later(&p, 6, 7790, 80, 68, 82);
	assert_int_equal(d.frags_joined, 3);
	dec_flush(&d);
	assert_int_equal(d.frags_orphaned, 0);
}

/* zeek-ipv6-fragmented-dns.pcap: #4 is the last fragment (id 1) of a
 * reply whose other fragments were not captured; #6-#8 are a whole
 * fragmented reply (id 2, 53 > 51851). */
static void ipv6_dns_lone_fragment_and_whole_reply(void **state)
{
	struct dec_pkt p;

	(void)state;
	assert_int_equal(FEED(f_dns6_lone, 404, T0, &p), DEC_FRAG_HELD);
	assert_int_equal(p.frag, DEC_FRAG_LATER);
	assert_int_equal(p.ip_len, 390);
	assert_int_equal(FEED(f_dns6_first, 1494, T0 + S(5), &p), DEC_OK);
	assert_int_equal(p.frag, DEC_FRAG_FIRST);
	assert_int_equal(p.held_pkts, 0);	/* another identification */
	assert_int_equal(FEED(f_dns6_mid, 1494, T0 + S(5), &p), DEC_OK);
	assert_later(&p, 17, 53, 51851, 1480, 1494);
	t_assert_addr(p.src, "2607:f740:b::f93");
	assert_int_equal(FEED(f_dns6_last, 436, T0 + S(5), &p), DEC_OK);
	assert_later(&p, 17, 53, 51851, 422, 436);
	assert_int_equal(d.frags_joined, 2);
	assert_int_equal(d.frags_orphaned, 0);
	dec_flush(&d);
	assert_int_equal(d.frags_orphaned, 1);
	assert_int_equal(d.frags_joined, 2);
}

/* ---- later before first ---- */

static void ipv4_later_fragments_before_the_first_are_held(void **state)
{
	struct dec_pkt p;

	(void)state;
	assert_int_equal(FEED(f_frag4_mid, F_FRAG4_MID_WIRE, T0, &p),
			 DEC_FRAG_HELD);
	assert_int_equal(p.frag, DEC_FRAG_LATER);
	assert_int_equal(p.ip_len, 1500);
	assert_int_equal(FEED(f_frag4_last, F_FRAG4_LAST_WIRE, T0 + 1, &p),
			 DEC_FRAG_HELD);
	assert_int_equal(d.frags_joined, 0);
	assert_int_equal(FEED(f_frag4_first, F_FRAG4_FIRST_WIRE, T0 + 2, &p),
			 DEC_OK);
	assert_int_equal(p.frag, DEC_FRAG_FIRST);
	assert_int_equal(p.sport, 58253);
	assert_int_equal(p.wire_len, 1514);
	assert_int_equal(p.ip_len, 1500);
	assert_int_equal(p.held_pkts, 2);
	assert_int_equal(p.held_wire, 1514 + 1082);
	assert_int_equal(p.held_ip, 1500 + 1068);
	assert_int_equal(d.frags_joined, 2);
	/* Handed over once: a duplicate later fragment now joins directly. */
	assert_int_equal(FEED(f_frag4_mid, F_FRAG4_MID_WIRE, T0 + 3, &p),
			 DEC_OK);
	assert_later(&p, 17, 58253, 9999, 1500, 1514);
	assert_int_equal(d.frags_joined, 3);
	dec_flush(&d);
	assert_int_equal(d.frags_orphaned, 0);
}

static void ipv6_later_fragments_before_the_first_are_held(void **state)
{
	struct dec_pkt p;

	(void)state;
	assert_int_equal(FEED(f_frag6_last, F_FRAG6_LAST_WIRE, T0, &p),
			 DEC_FRAG_HELD);
	assert_int_equal(p.proto, 17);	/* the fragment header's next */
	assert_int_equal(FEED(f_frag6_mid, F_FRAG6_MID_WIRE, T0, &p),
			 DEC_FRAG_HELD);
	assert_int_equal(FEED(f_frag6_first, F_FRAG6_FIRST_WIRE, T0, &p),
			 DEC_OK);
	assert_int_equal(p.held_pkts, 2);
	assert_int_equal(p.held_wire, 1510 + 1174);
	assert_int_equal(p.held_ip, 1496 + 1160);
	assert_int_equal(d.frags_joined, 2);
	dec_flush(&d);
	assert_int_equal(d.frags_orphaned, 0);
}

/* Held counts come from the wire and the IP header, not from caplen: a
 * later fragment captured up to its IP header counts in full. */
static void held_fragments_count_their_wire_length(void **state)
{
	struct dec_pkt p;

	(void)state;
	assert_int_equal(t_decode(&d, DLT_EN10MB, f_frag4_mid, 34,
				  F_FRAG4_MID_WIRE, T0, &p),
			 DEC_FRAG_HELD);
	assert_int_equal(t_decode(&d, DLT_EN10MB, f_frag4_first, 42,
				  F_FRAG4_FIRST_WIRE, T0, &p),
			 DEC_OK);
	assert_int_equal(p.held_pkts, 1);
	assert_int_equal(p.held_wire, 1514);
	assert_int_equal(p.held_ip, 1500);
}

/* ---- what makes a fragment another datagram's ---- */

static void the_key_is_addresses_protocol_id_and_vlan(void **state)
{
	struct dec_pkt p;

	(void)state;
	assert_int_equal(FEED(f_frag4_first, F_FRAG4_FIRST_WIRE, T0, &p),
			 DEC_OK);
	/* Another identification */
	{
		T_COPY(b, f_frag4_mid);
		t_put16(b, 18, 0x0c8a);
		assert_int_equal(FEED(b, 1514, T0, &p), DEC_FRAG_HELD);
	}
	/* Another source */
	{
		T_COPY(b, f_frag4_mid);
		b[29] = 3;
		assert_int_equal(FEED(b, 1514, T0, &p), DEC_FRAG_HELD);
	}
	/* Another destination */
	{
		T_COPY(b, f_frag4_mid);
		b[33] = 3;
		assert_int_equal(FEED(b, 1514, T0, &p), DEC_FRAG_HELD);
	}
	/* Another protocol */
	{
		T_COPY(b, f_frag4_mid);
		b[23] = 6;
		assert_int_equal(FEED(b, 1514, T0, &p), DEC_FRAG_HELD);
	}
	/* The same fragment in VLAN 100 */
	{
		uint8_t b[sizeof(f_frag4_mid) + 4];

		memcpy(b, f_frag4_mid, 12);
		t_put16(b, 12, 0x8100);
		t_put16(b, 14, 100);
		memcpy(b + 16, f_frag4_mid + 12, sizeof(f_frag4_mid) - 12);
		assert_int_equal(FEED(b, 1518, T0, &p), DEC_FRAG_HELD);
		assert_int_equal(p.vlan, 100);
	}
	/* The unchanged one joins. */
	assert_int_equal(FEED(f_frag4_mid, F_FRAG4_MID_WIRE, T0, &p), DEC_OK);
	assert_int_equal(d.frags_joined, 1);
	dec_flush(&d);
	assert_int_equal(d.frags_orphaned, 5);
}

/* The first fragment redefines its entry: an identification reused by a
 * newer datagram gives its later fragments the newer ports. */
static void a_new_first_fragment_replaces_the_entry(void **state)
{
	struct dec_pkt p;

	(void)state;
	assert_int_equal(FEED(f_frag4_first, F_FRAG4_FIRST_WIRE, T0, &p),
			 DEC_OK);
	assert_int_equal(FEED(f_frag4_mid, F_FRAG4_MID_WIRE, T0, &p), DEC_OK);
	assert_int_equal(p.sport, 58253);
	{
		T_COPY(b, f_frag4_first);
		t_put16(b, 34, 1234);
		assert_int_equal(FEED(b, 1514, T0 + S(1), &p), DEC_OK);
		assert_int_equal(p.sport, 1234);
		assert_int_equal(p.held_pkts, 0);
	}
	assert_int_equal(FEED(f_frag4_last, F_FRAG4_LAST_WIRE, T0 + S(1), &p),
			 DEC_OK);
	assert_later(&p, 17, 1234, 9999, 1068, 1082);
}

/* The key uses the fragment header's next header; the later fragments
 * still get the first fragment's transport protocol when an extension
 * header follows the fragment header.  frag-udp#13 with a Destination
 * Options header after its Fragment header; #14 says next header 60. */
static void ipv6_ext_header_after_the_fragment_header(void **state)
{
	static const uint8_t dst[8] = { 17, 0, 1, 4, 0, 0, 0, 0 };
	uint8_t first[sizeof(f_frag6_first) + 8];
	struct dec_pkt p;

	(void)state;
	memcpy(first, f_frag6_first, 62);
	memcpy(first + 62, dst, 8);
	memcpy(first + 70, f_frag6_first + 62, sizeof(f_frag6_first) - 62);
	first[54] = 60;
	t_put16(first, 18, 1456 + 8);
	assert_int_equal(t_decode(&d, DLT_EN10MB, first, sizeof(first),
				  1510 + 8, T0, &p),
			 DEC_OK);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.frag, DEC_FRAG_FIRST);
	assert_int_equal(p.sport, 35473);
	assert_int_equal(p.l4_len, 1448);
	T_COPY(mid, f_frag6_mid);
	mid[54] = 60;
	assert_int_equal(FEED(mid, 1510, T0, &p), DEC_OK);
	assert_later(&p, 17, 35473, 9999, 1496, 1510);
}

/* ---- orphans, atomic fragments, cut fragments ---- */

static void orphans_are_counted_at_flush_and_free(void **state)
{
	struct dec_pkt p;
	struct dec e;

	(void)state;
	assert_int_equal(FEED(f_dns6_lone, 404, T0, &p), DEC_FRAG_HELD);
	assert_int_equal(FEED(f_dns6_lone, 404, T0, &p), DEC_FRAG_HELD);
	assert_int_equal(d.frags_orphaned, 0);
	dec_flush(&d);
	assert_int_equal(d.frags_orphaned, 2);
	dec_flush(&d);				/* the map is empty now */
	assert_int_equal(d.frags_orphaned, 2);
	assert_int_equal(d.frags_joined, 0);
	/* dec_free counts what is still held. */
	assert_int_equal(dec_init(&e, 64), 0);
	assert_int_equal(t_decode(&e, DLT_EN10MB, f_frag4_mid,
				  sizeof(f_frag4_mid), 1514, T0, &p),
			 DEC_FRAG_HELD);
	dec_free(&e);
	assert_int_equal(e.frags_orphaned, 1);
	assert_null(e.frags);
	dec_flush(&e);				/* harmless after free */
	assert_int_equal(e.frags_orphaned, 1);
}

static void ipv6_atomic_fragment_is_not_fragmented(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* zeek-ipv6-http-atomic-frag#16: offset 0, M clear, id 0. */
	assert_int_equal(FEED(f_atomic, sizeof(f_atomic), T0, &p), DEC_OK);
	assert_int_equal(p.frag, DEC_FRAG_NONE);
	assert_int_equal(p.sport, 59694);
	/* It leaves nothing in the map: a later fragment with its id
	 * (offset 8) finds no first fragment. */
	{
		T_COPY(b, f_atomic);
		t_put16(b, 56, 0x0008);
		assert_int_equal(FEED(b, sizeof(b), T0, &p), DEC_FRAG_HELD);
	}
	/* With M set it is a first fragment. */
	{
		T_COPY(b, f_atomic);
		t_put16(b, 56, 0x0001);
		assert_int_equal(FEED(b, sizeof(b), T0, &p), DEC_OK);
		assert_int_equal(p.frag, DEC_FRAG_FIRST);
		assert_int_equal(p.held_pkts, 1);
	}
	assert_int_equal(d.frags_joined, 1);
}

/* A later fragment cut at every byte: truncated until its fragment offset
 * (IPv4 header; IPv6 header and Fragment header) is captured, then placed
 * with the first fragment's ports. */
static void later_fragments_cut_at_every_byte(void **state)
{
	struct dec_pkt p;

	(void)state;
	assert_int_equal(FEED(f_frag4_first, F_FRAG4_FIRST_WIRE, T0, &p),
			 DEC_OK);
	assert_int_equal(FEED(f_frag6_first, F_FRAG6_FIRST_WIRE, T0, &p),
			 DEC_OK);
	for (uint32_t c = 0; c <= sizeof(f_frag4_mid); c++) {
		int st = t_decode(&d, DLT_EN10MB, f_frag4_mid, c, 1514, T0, &p);

		assert_int_equal(st, c < 34 ? DEC_TRUNCATED : DEC_OK);
		if (st == DEC_OK)
			assert_later(&p, 17, 58253, 9999, 1500, 1514);
	}
	for (uint32_t c = 0; c <= sizeof(f_frag6_last); c++) {
		int st = t_decode(&d, DLT_EN10MB, f_frag6_last, c, 1174, T0,
				  &p);

		assert_int_equal(st, c < 62 ? DEC_TRUNCATED : DEC_OK);
		if (st == DEC_OK)
			assert_later(&p, 17, 35473, 9999, 1160, 1174);
	}
}

/* A first fragment cut before its ports leaves no entry: its later
 * fragments are held. */
static void first_fragment_cut_before_its_ports(void **state)
{
	struct dec_pkt p;

	(void)state;
	assert_int_equal(t_decode(&d, DLT_EN10MB, f_frag4_first, 37, 1514, T0,
				  &p),
			 DEC_TRUNCATED);
	assert_int_equal(FEED(f_frag4_mid, F_FRAG4_MID_WIRE, T0, &p),
			 DEC_FRAG_HELD);
}

/* ---- time ---- */

static void entries_expire_after_60_s_of_packet_time(void **state)
{
	struct dec_pkt p;

	(void)state;
	/* A held fragment 60 s before its first fragment is forgotten: an
	 * orphan, not handed over. */
	assert_int_equal(FEED(f_frag4_mid, F_FRAG4_MID_WIRE, T0, &p),
			 DEC_FRAG_HELD);
	assert_int_equal(FEED(f_frag4_first, F_FRAG4_FIRST_WIRE, T0 + S(60),
			      &p),
			 DEC_OK);
	assert_int_equal(p.held_pkts, 0);
	assert_int_equal(d.frags_orphaned, 1);
	assert_int_equal(d.frags_joined, 0);
	/* The first fragment's entry lives 60 s from the last fragment
	 * seen: 1 ns short of that joins (and refreshes it)... */
	int64_t t = T0 + S(60);
	t += S(60) - 1;
	assert_int_equal(FEED(f_frag4_mid, F_FRAG4_MID_WIRE, t, &p), DEC_OK);
	assert_int_equal(p.sport, 58253);
	t += S(60) - 1;
	assert_int_equal(FEED(f_frag4_last, F_FRAG4_LAST_WIRE, t, &p), DEC_OK);
	assert_int_equal(d.frags_joined, 2);
	/* ... exactly 60 s later the entry is gone. */
	t += S(60);
	assert_int_equal(FEED(f_frag4_last, F_FRAG4_LAST_WIRE, t, &p),
			 DEC_FRAG_HELD);
	/* A held fragment just under 60 s old is still handed over. */
	assert_int_equal(FEED(f_frag4_first, F_FRAG4_FIRST_WIRE,
			      t + S(60) - 1, &p),
			 DEC_OK);
	assert_int_equal(p.held_pkts, 1);
	assert_int_equal(d.frags_orphaned, 1);
	assert_int_equal(d.frags_joined, 3);
}

/* ---- bounds ---- */

static void map_size_is_rounded_to_a_power_of_two(void **state)
{
	static const struct {
		uint32_t ask, got;
	} sizes[] = {
		{ 0, 4096 }, { 1, 1 }, { 2, 2 }, { 5, 8 }, { 16, 16 },
		{ 17, 32 }, { 1000, 1024 }, { 4096, 4096 }, { 4097, 8192 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct dec e;

		assert_int_equal(dec_init(&e, sizes[i].ask), 0);
		assert_int_equal(e.frag_map_capacity, sizes[i].got);
		assert_non_null(e.frags);
		assert_int_equal(e.frags_joined + e.frags_orphaned +
					 e.frags_evicted,
				 0);
		dec_free(&e);
	}
}

/* Many more held datagrams than slots: the oldest are evicted (and counted
 * as orphans), the map does not grow, and it still works afterwards. */
static void a_full_map_evicts(void **state)
{
	const uint32_t n = 1000;
	struct dec e;
	struct dec_pkt p;

	(void)state;
	assert_int_equal(dec_init(&e, 16), 0);
	struct dec_frag_map *map = e.frags;
	for (uint32_t i = 0; i < n; i++) {
		T_COPY(b, f_frag4_mid);
		t_put16(b, 18, (uint16_t)(0x1000 + i));
		assert_int_equal(t_decode(&e, DLT_EN10MB, b, sizeof(b), 1514,
					  T0 + i, &p),
				 DEC_FRAG_HELD);
	}
	assert_true(e.frags_evicted >= n - 16);
	assert_true(e.frags_evicted < n);
	/* Every evicted entry held one fragment. */
	assert_int_equal(e.frags_orphaned, e.frags_evicted);
	assert_int_equal(e.frag_map_capacity, 16);
	assert_ptr_equal(e.frags, map);
	/* Still works. */
	assert_int_equal(t_decode(&e, DLT_EN10MB, f_frag4_first,
				  sizeof(f_frag4_first), 1514, T0 + n, &p),
			 DEC_OK);
	assert_int_equal(t_decode(&e, DLT_EN10MB, f_frag4_mid,
				  sizeof(f_frag4_mid), 1514, T0 + n, &p),
			 DEC_OK);
	assert_int_equal(p.sport, 58253);
	dec_flush(&e);
	assert_int_equal(e.frags_orphaned, n);
	/* First fragments are evicted too, but are nobody's orphans. */
	uint64_t ev = e.frags_evicted;
	for (uint32_t i = 0; i < n; i++) {
		T_COPY(b, f_frag4_first);
		t_put16(b, 18, (uint16_t)(0x2000 + i));
		assert_int_equal(t_decode(&e, DLT_EN10MB, b, sizeof(b), 1514,
					  T0 + n + i, &p),
				 DEC_OK);
	}
	assert_true(e.frags_evicted - ev >= n - 16);
	assert_int_equal(e.frags_orphaned, n);
	dec_free(&e);
	assert_int_equal(e.frags_orphaned, n);
}

/* One slot: every new datagram evicts the last one. */
static void a_one_slot_map(void **state)
{
	struct dec e;
	struct dec_pkt p;

	(void)state;
	assert_int_equal(dec_init(&e, 1), 0);
	assert_int_equal(t_decode(&e, DLT_EN10MB, f_frag4_mid,
				  sizeof(f_frag4_mid), 1514, T0, &p),
			 DEC_FRAG_HELD);
	assert_int_equal(t_decode(&e, DLT_EN10MB, f_frag6_mid,
				  sizeof(f_frag6_mid), 1510, T0 + 1, &p),
			 DEC_FRAG_HELD);
	assert_int_equal(e.frags_evicted, 1);
	assert_int_equal(e.frags_orphaned, 1);
	assert_int_equal(t_decode(&e, DLT_EN10MB, f_frag6_first,
				  sizeof(f_frag6_first), 1510, T0 + 2, &p),
			 DEC_OK);
	assert_int_equal(p.held_pkts, 1);
	assert_int_equal(t_decode(&e, DLT_EN10MB, f_frag4_first,
				  sizeof(f_frag4_first), 1514, T0 + 3, &p),
			 DEC_OK);
	assert_int_equal(p.held_pkts, 0);
	assert_int_equal(e.frags_evicted, 2);
	assert_int_equal(t_decode(&e, DLT_EN10MB, f_frag4_last,
				  sizeof(f_frag4_last), 1082, T0 + 4, &p),
			 DEC_OK);
	assert_int_equal(p.sport, 58253);
	dec_free(&e);
	assert_int_equal(e.frags_orphaned, 1);
	assert_int_equal(e.frags_joined, 2);
}

static int setup(void **state)
{
	(void)state;
	return dec_init(&d, 0) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	dec_free(&d);
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	return keyhash_init(t_seed) == 0 ? 0 : -1;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(ipv4_in_order),
		T(ipv6_in_order),
		T(ipv4_tcp_out_of_order_after_the_first),
		T(ipv6_dns_lone_fragment_and_whole_reply),
		T(ipv4_later_fragments_before_the_first_are_held),
		T(ipv6_later_fragments_before_the_first_are_held),
		T(held_fragments_count_their_wire_length),
		T(the_key_is_addresses_protocol_id_and_vlan),
		T(a_new_first_fragment_replaces_the_entry),
		T(ipv6_ext_header_after_the_fragment_header),
		T(orphans_are_counted_at_flush_and_free),
		T(ipv6_atomic_fragment_is_not_fragmented),
		T(later_fragments_cut_at_every_byte),
		T(first_fragment_cut_before_its_ports),
		T(entries_expire_after_60_s_of_packet_time),
		T(map_size_is_rounded_to_a_power_of_two),
		T(a_full_map_evicts),
		T(a_one_slot_map),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
