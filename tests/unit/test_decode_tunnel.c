/*
 * test_decode_tunnel.c - decode/dec_tunnel.c and dec_udptun.c: every
 * tunnel on real frames (tunnel_frames.h, our pcaps/tun-*.pcap), whole and
 * cut at every byte offset; nesting (VXLAN in GRE); the depth cap
 * (IP-in-IP nested to it and past it); and the headers' traps (versions,
 * flags, lengths that claim more than their packet, messages that carry no
 * packet).
 *
 * The rule every cut frame must follow: a record is counted only when its
 * flow key was captured, the records counted are those of the whole frame
 * (never an invented inner flow), and a frame cut inside a tunnel is
 * DEC_TRUNCATED with its outer records.
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

#define L (DEC_MAX_LAYERS)

/* One real tunnelled frame and what its innermost packet is. */
struct tcase {
	const char *name;
	const uint8_t *f;
	uint32_t len;
	unsigned layers;	/* records of the whole frame */
	const char *chain;	/* the innermost record's encapsulations */
	uint8_t proto;
	const char *src, *dst;
	uint16_t sport, dport;
	uint32_t ip_len;	/* the innermost packet's IP length */
};

#define TC(n, fr, lay, ch, pr, s, d, sp, dp, il) \
	{ n, fr, sizeof(fr), lay, ch, pr, s, d, sp, dp, il }

static const struct tcase cases[] = {
	TC("gre", f_gre_syn, 2, "gre", 6, "10.90.1.1", "10.90.1.2", 45664,
	   8080, 60),
	TC("gretap", f_gretap_syn, 2, "gre", 6, "10.90.2.1", "10.90.2.2",
	   45546, 8080, 60),
	TC("ip6gre", f_ip6gre_syn, 2, "gre", 6, "10.90.3.1", "10.90.3.2",
	   41172, 8080, 60),
	TC("pptp", f_pptp_syn, 2, "pptp", 6, "10.90.4.1", "10.90.4.2", 40102,
	   8080, 60),
	TC("ipip", f_ipip_syn, 2, "ipip", 6, "10.90.5.1", "10.90.5.2", 52806,
	   8080, 60),
	TC("sit", f_sit_syn, 2, "6in4", 6, "fd90:6::1", "fd90:6::2", 33486,
	   8080, 80),
	TC("4in6", f_4in6_syn, 2, "4in6", 6, "10.90.7.1", "10.90.7.2", 44136,
	   8080, 60),
	TC("6in6", f_6in6_syn, 2, "6in6", 6, "fd90:8::1", "fd90:8::2", 51430,
	   8080, 80),
	TC("geneve", f_geneve_syn, 2, "geneve", 6, "10.90.9.1", "10.90.9.2",
	   54806, 8080, 60),
	TC("gtpu", f_gtpu_syn, 2, "gtpu", 6, "10.90.10.1", "10.90.10.2", 48100,
	   8080, 60),
	TC("teredo", f_teredo_syn, 2, "teredo", 6, "fd90:11::1", "fd90:11::2",
	   38258, 8080, 80),
	TC("teredo-origin", f_teredo_synack, 2, "teredo", 6, "fd90:11::2",
	   "fd90:11::1", 8080, 38258, 80),
	TC("ayiya", f_ayiya_syn, 2, "ayiya", 6, "fd90:12::1", "fd90:12::2",
	   37026, 8080, 80),
	TC("erspan2", f_erspan2_syn, 2, "gre/erspan2", 6, "10.99.200.1",
	   "10.99.200.2", 33628, 8080, 60),
	TC("erspan3", f_erspan3_syn, 2, "gre/erspan3", 6, "10.99.200.1",
	   "10.99.200.2", 33640, 8080, 60),
	TC("vxlan", f_vxlan_syn, 2, "vxlan", 6, "10.91.0.1", "10.91.0.2",
	   54730, 8080, 60),
	TC("vxlan-in-gre", f_nested_syn, 3, "gre/vxlan", 6, "10.92.0.1",
	   "10.92.0.2", 42434, 8080, 60),
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* A decoder that opens tunnels, and one that does not. */
static struct dec dt;

static int setup(void **state)
{
	(void)state;
	if (t_group_setup(state) != 0 || dec_init(&dt, 0) != 0)
		return -1;
	dec_set_tunnels(&dt, DEC_MAX_TUNNELS);
	return 0;
}

static int teardown(void **state)
{
	dec_free(&dt);
	return t_group_teardown(state);
}

/* dec_frame with tunnels on, on exactly caplen bytes (as t_decode). */
static int tdecode(const uint8_t *f, uint32_t caplen, uint32_t wire,
		   struct dec_pkt *p)
{
	uint8_t *b = malloc(caplen ? caplen : 1);
	int st;

	assert_non_null(b);
	memcpy(b, f, caplen);
	memset(p, 0xa5, L * sizeof(*p));
	st = dec_frame(&dt, dec_link_find(DLT_EN10MB), b, caplen, wire, TS, p);
	free(b);
	return st;
}

static void chain(const struct dec_pkt *p, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < DEC_MAX_CHAIN && p->tun[i]; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "/" : "",
				      dec_tun_name(p->tun[i]));
}

/* The offset where record r's flow key ends: its ports (or ICMP type and
 * code), or its IP header for a protocol without ports. */
static uint32_t key_end(const struct dec_pkt *r)
{
	if (r->proto == P_TCP || r->proto == P_UDP)
		return r->l4_off + 4;
	if (r->proto == P_ICMP || r->proto == P_ICMPV6)
		return r->l4_off + 2;
	return r->l4_off;
}

static void whole_frame(void **state)
{
	const struct tcase *c = *state;
	struct dec_pkt p[L];
	char buf[64];

	assert_int_equal(tdecode(c->f, c->len, c->len, p), DEC_OK);
	assert_int_equal(dt.layers, c->layers);
	for (unsigned i = 0; i < c->layers; i++) {
		assert_int_equal(p[i].layer, i);
		assert_int_equal(p[i].wire_len, c->len);   /* the frame's */
		assert_int_equal(p[i].hidden, 0);
		if (i + 1 < c->layers)		/* it carries the next one */
			assert_int_not_equal(p[i].carrier, 0);
	}
	const struct dec_pkt *in = &p[c->layers - 1];

	assert_int_equal(in->carrier, 0);
	chain(in, buf, sizeof(buf));
	assert_string_equal(buf, c->chain);
	assert_int_equal(in->proto, c->proto);
	t_assert_addr(in->src, c->src);
	t_assert_addr(in->dst, c->dst);
	assert_int_equal(in->sport, c->sport);
	assert_int_equal(in->dport, c->dport);
	assert_int_equal(in->ip_len, c->ip_len);
	assert_true(in->tcp_flags & DEC_TH_SYN);
	assert_int_equal(in->vlan, DEC_NO_VLAN);
	assert_int_equal(in->ip_bad_len, 0);
	/* the outermost record: no encapsulation around it, and the first
	 * of the chain is the tunnel it carries */
	assert_int_equal(p[0].tun[0], 0);
	assert_int_equal(p[0].carrier, in->tun[0]);
}

#define CHECK_EQ(got, want)                                                \
	do {                                                               \
		long long g_ = (long long)(got), w_ = (long long)(want);   \
		if (g_ != w_) {                                            \
			print_error("%s: caplen %u: %s is %lld, want %lld\n", \
				    c->name, cap, #got, g_, w_);           \
			bad++;                                             \
		}                                                          \
	} while (0)

static void cut_at_every_offset(void **state)
{
	const struct tcase *c = *state;
	struct dec_pkt whole[L], p[L];
	uint32_t ends[L];
	int bad = 0;

	assert_int_equal(tdecode(c->f, c->len, c->len, whole), DEC_OK);
	for (unsigned i = 0; i < c->layers; i++)
		ends[i] = key_end(&whole[i]);
	for (uint32_t cap = 0; cap <= c->len; cap++) {
		int st = tdecode(c->f, cap, c->len, p);
		unsigned want = 0;

		while (want < c->layers && ends[want] <= cap)
			want++;
		CHECK_EQ(dt.layers, want);
		CHECK_EQ(st, want == c->layers ? DEC_OK : DEC_TRUNCATED);
		for (unsigned i = 0; i < dt.layers && i < want; i++) {
			CHECK_EQ(p[i].proto, whole[i].proto);
			CHECK_EQ(p[i].sport, whole[i].sport);
			CHECK_EQ(p[i].dport, whole[i].dport);
			CHECK_EQ(memcmp(p[i].src, whole[i].src, 16), 0);
			CHECK_EQ(memcmp(p[i].dst, whole[i].dst, 16), 0);
			CHECK_EQ(p[i].ip_len, whole[i].ip_len);
			CHECK_EQ(p[i].wire_len, c->len);
		}
	}
	if (bad)
		fail_msg("%d wrong results (listed above)", bad);
}

/* Without tunnels the frame is its outermost IP packet only. */
static void tunnels_off(void **state)
{
	const struct tcase *c = *state;
	struct dec_pkt whole[L], p;

	assert_int_equal(tdecode(c->f, c->len, c->len, whole), DEC_OK);
	assert_int_equal(decode(DLT_EN10MB, c->f, c->len, &p), DEC_OK);
	assert_int_equal(d.layers, 1);
	assert_int_equal(p.carrier, 0);
	assert_int_equal(p.layer, 0);
	assert_int_equal(p.tun[0], 0);
	assert_int_equal(p.proto, whole[0].proto);
	assert_int_equal(p.sport, whole[0].sport);
	assert_int_equal(p.dport, whole[0].dport);
	assert_memory_equal(p.src, whole[0].src, 16);
}

/* ---- messages that carry no packet -------------------------------------- */

/* The outer packet is counted, and is the innermost one: status OK. */
static void assert_outer_only(const uint8_t *f, uint32_t len, int carrier)
{
	struct dec_pkt p[L];

	assert_int_equal(tdecode(f, len, len, p), DEC_OK);
	assert_int_equal(dt.layers, 1);
	assert_int_equal(p[0].carrier, carrier);
}

static void no_packet_inside(void **state)
{
	(void)state;
	/* ARP in VXLAN, a GTP-U echo request, a Teredo bubble */
	assert_outer_only(f_vxlan_arp, sizeof(f_vxlan_arp), DEC_TUN_VXLAN);
	assert_outer_only(f_gtpu_echo, sizeof(f_gtpu_echo), DEC_TUN_GTPU);
	assert_outer_only(f_teredo_bubble, sizeof(f_teredo_bubble),
			  DEC_TUN_TEREDO);
	/* a GRE keepalive: the header and nothing after it (IP length cut
	 * to the header) */
	{
		T_COPY(b, f_gre_syn);
		t_put16(b, IP4_TOT, 20 + 12);
		assert_outer_only(b, 14 + 20 + 12, DEC_TUN_GRE);
	}
	/* an unknown GRE protocol type */
	{
		T_COPY(b, f_gre_syn);
		t_put16(b, TCP4 + 2, 0x1234);
		assert_outer_only(b, sizeof(b), DEC_TUN_GRE);
	}
}

/* Real frames of UDP tunnels whose datagram goes the other way: the
 * source port names the tunnel. */
static void udp_tunnel_by_source_port(void **state)
{
	struct dec_pkt p[L];
	T_COPY(b, f_vxlan_syn);

	(void)state;
	t_put16(b, TCP4, 4789);
	t_put16(b, TCP4 + 2, 40000);
	assert_int_equal(tdecode(b, sizeof(b), sizeof(b), p), DEC_OK);
	assert_int_equal(dt.layers, 2);
	assert_int_equal(p[0].carrier, DEC_TUN_VXLAN);
	/* neither port: a plain datagram */
	t_put16(b, TCP4, 40001);
	assert_int_equal(tdecode(b, sizeof(b), sizeof(b), p), DEC_OK);
	assert_int_equal(dt.layers, 1);
	assert_int_equal(p[0].carrier, 0);
}

/* ---- header traps --------------------------------------------------------- */

static int outer_status(const uint8_t *f, uint32_t len, unsigned *layers)
{
	struct dec_pkt p[L];
	int st = tdecode(f, len, len, p);

	*layers = dt.layers;
	return st;
}

#define ASSERT_TRAP(buf, len, st_want, layers_want)                   \
	do {                                                          \
		unsigned n_;                                          \
		assert_int_equal(outer_status(buf, len, &n_), st_want); \
		assert_int_equal(n_, layers_want);                    \
	} while (0)

static void gre_traps(void **state)
{
	(void)state;
	{	/* version 2: no such GRE */
		T_COPY(b, f_gre_syn);
		b[TCP4 + 1] |= 2;
		ASSERT_TRAP(b, sizeof(b), DEC_INVALID, 1);
	}
	{	/* reserved flag bits (Zeek's unknown_gre_flags) */
		T_COPY(b, f_gre_syn);
		b[TCP4 + 1] |= 0x40;
		ASSERT_TRAP(b, sizeof(b), DEC_INVALID, 1);
	}
	{	/* routing present (RFC 1701): not followed, nothing inside */
		T_COPY(b, f_gre_syn);
		b[TCP4] |= 0x40;
		ASSERT_TRAP(b, sizeof(b), DEC_OK, 1);
	}
	{	/* the IP length leaves less than the GRE header */
		T_COPY(b, f_gre_syn);
		t_put16(b, IP4_TOT, 20 + 8);
		ASSERT_TRAP(b, sizeof(b), DEC_INVALID, 1);
	}
	{	/* enhanced GRE must carry PPP, and have its key */
		T_COPY(b, f_pptp_syn);
		t_put16(b, TCP4 + 2, 0x0800);
		ASSERT_TRAP(b, sizeof(b), DEC_INVALID, 1);
		memcpy(b, f_pptp_syn, sizeof(b));
		b[TCP4] &= (uint8_t)~0x20;
		ASSERT_TRAP(b, sizeof(b), DEC_INVALID, 1);
	}
	{	/* PPP that is not IP: LCP (after 16 bytes of GRE with its
		 * sequence and ack numbers, and PPP's ff 03) */
		T_COPY(b, f_pptp_syn);
		t_put16(b, TCP4 + 18, 0xc021);
		ASSERT_TRAP(b, sizeof(b), DEC_OK, 1);
	}
	{	/* ERSPAN II must say version 1 */
		T_COPY(b, f_erspan2_syn);
		b[TCP4 + 8] = 0x20;
		ASSERT_TRAP(b, sizeof(b), DEC_INVALID, 1);
	}
	{	/* ERSPAN III: frame type 0 is Ethernet, 2 an IP packet
		 * (here an Ethernet frame, so not IP), others not read */
		T_COPY(b, f_erspan3_syn);
		b[TCP4 + 8 + 10] |= 4 << 2;
		ASSERT_TRAP(b, sizeof(b), DEC_OK, 1);
		b[TCP4 + 8 + 10] ^= 6 << 2;	/* type 2 */
		ASSERT_TRAP(b, sizeof(b), DEC_OK, 1);
	}
}

/* ERSPAN type I: GRE 0x88be without a sequence number, and no header of
 * its own: the frame follows the 4-byte GRE header (built from the type II
 * frame by taking its sequence word and ERSPAN header out). */
static void erspan_type_1(void **state)
{
	uint8_t b[sizeof(f_erspan2_syn) - 12];
	struct dec_pkt p[L];
	char buf[32];

	(void)state;
	memcpy(b, f_erspan2_syn, TCP4 + 4);
	memcpy(b + TCP4 + 4, f_erspan2_syn + TCP4 + 16,
	       sizeof(f_erspan2_syn) - TCP4 - 16);
	b[TCP4] &= (uint8_t)~0x10;		/* no sequence number */
	t_put16(b, IP4_TOT, (uint16_t)(sizeof(b) - 14));
	assert_int_equal(tdecode(b, sizeof(b), sizeof(b), p), DEC_OK);
	assert_int_equal(dt.layers, 2);
	chain(&p[1], buf, sizeof(buf));
	assert_string_equal(buf, "gre/erspan1");
	assert_int_equal(p[1].sport, 33628);
}

static void udp_tunnel_traps(void **state)
{
	(void)state;
	{	/* Geneve version 1 */
		T_COPY(b, f_geneve_syn);
		b[TCP4 + 8] |= 0x40;
		ASSERT_TRAP(b, sizeof(b), DEC_INVALID, 1);
	}
	{	/* Geneve options longer than the datagram */
		T_COPY(b, f_geneve_syn);
		b[TCP4 + 8] = 0x3f;
		t_put16(b, TCP4 + 4, 8 + 8 + 100);
		t_put16(b, IP4_TOT, 20 + 8 + 8 + 100);
		ASSERT_TRAP(b, sizeof(b), DEC_INVALID, 1);
	}
	{	/* Geneve carrying a protocol we do not read */
		T_COPY(b, f_geneve_syn);
		t_put16(b, TCP4 + 8 + 2, 0x88cc);
		ASSERT_TRAP(b, sizeof(b), DEC_OK, 1);
	}
	{	/* GTP-U version 2, and a length beyond the datagram */
		T_COPY(b, f_gtpu_syn);
		b[TCP4 + 8] = 0x54;
		ASSERT_TRAP(b, sizeof(b), DEC_INVALID, 1);
		memcpy(b, f_gtpu_syn, sizeof(b));
		t_put16(b, TCP4 + 8 + 2, 2000);
		ASSERT_TRAP(b, sizeof(b), DEC_INVALID, 1);
	}
	{	/* a GTP-U extension header of length 0 */
		T_COPY(b, f_gtpu_syn);
		b[TCP4 + 8 + 12] = 0;
		ASSERT_TRAP(b, sizeof(b), DEC_INVALID, 1);
	}
	{	/* not Teredo: neither indicator nor IPv6 */
		T_COPY(b, f_teredo_syn);
		b[TCP4 + 8] = 0x45;
		ASSERT_TRAP(b, sizeof(b), DEC_OK, 1);
	}
	{	/* AYIYA: not a forwarded packet, or not IP inside */
		T_COPY(b, f_ayiya_syn);
		b[L4_6 + 8 + 2] = 0x10;		/* opcode 0 */
		ASSERT_TRAP(b, sizeof(b), DEC_OK, 1);
		memcpy(b, f_ayiya_syn, sizeof(b));
		b[L4_6 + 8 + 3] = 6;		/* next header TCP */
		ASSERT_TRAP(b, sizeof(b), DEC_OK, 1);
	}
	{	/* a VXLAN header longer than the datagram */
		T_COPY(b, f_vxlan_syn);
		t_put16(b, TCP4 + 4, 8 + 4);
		ASSERT_TRAP(b, sizeof(b), DEC_INVALID, 1);
	}
}

/* ---- nesting and the cap ----------------------------------------------------- */

static void vxlan_in_gre(void **state)
{
	struct dec_pkt p[L];
	char buf[32];

	(void)state;
	assert_int_equal(tdecode(f_nested_syn, sizeof(f_nested_syn),
				 sizeof(f_nested_syn), p), DEC_OK);
	assert_int_equal(dt.layers, 3);
	assert_int_equal(p[0].proto, 47);
	assert_int_equal(p[0].carrier, DEC_TUN_GRE);
	assert_int_equal(p[1].proto, P_UDP);
	assert_int_equal(p[1].dport, 4789);
	assert_int_equal(p[1].carrier, DEC_TUN_VXLAN);
	chain(&p[1], buf, sizeof(buf));
	assert_string_equal(buf, "gre");
	t_assert_addr(p[1].src, "10.90.1.1");
	chain(&p[2], buf, sizeof(buf));
	assert_string_equal(buf, "gre/vxlan");
	/* the middle packet's IP length is its own (after 12 bytes of GRE
	 * with key and sequence number) */
	assert_int_equal(p[1].ip_len, sizeof(f_nested_syn) - 14 - 20 - 12);
}

/* n IPv4-in-IPv4 headers (copies of the outer one of ipip#5) around the
 * TCP SYN inside it. */
static uint32_t ipip_nest(uint8_t *b, unsigned n)
{
	uint32_t inner = sizeof(f_ipip_syn) - 14 - 20;
	uint32_t len = 14 + 20 * n + inner;

	memcpy(b, f_ipip_syn, 14);
	for (unsigned i = 0; i < n; i++) {
		memcpy(b + 14 + 20 * i, f_ipip_syn + 14, 20);
		t_put16(b, 14 + 20 * i + 2, (uint16_t)(len - 14 - 20 * i));
	}
	memcpy(b + 14 + 20 * n, f_ipip_syn + 34, inner);
	return len;
}

static void ip_in_ip_to_the_cap(void **state)
{
	uint8_t b[1024];
	struct dec_pkt p[L];

	(void)state;
	for (unsigned n = 1; n <= DEC_MAX_TUNNELS; n++) {
		uint32_t len = ipip_nest(b, n);

		assert_int_equal(tdecode(b, len, len, p), DEC_OK);
		assert_int_equal(dt.layers, n + 1);
		assert_int_equal(p[n].proto, P_TCP);
		assert_int_equal(p[n].sport, 52806);
		for (unsigned i = 0; i < n; i++)
			assert_int_equal(p[i].carrier, DEC_TUN_IPIP);
	}
	/* a loop: nested past the cap, counted up to it, invalid */
	for (unsigned n = DEC_MAX_TUNNELS + 1; n <= 40; n++) {
		uint32_t len = ipip_nest(b, n);

		assert_int_equal(tdecode(b, len, len, p), DEC_INVALID);
		assert_int_equal(dt.layers, DEC_MAX_TUNNELS + 1);
		for (unsigned i = 0; i < dt.layers; i++) {
			assert_int_equal(p[i].proto, 4);
			assert_int_equal(p[i].carrier, DEC_TUN_IPIP);
		}
	}
	/* and a smaller cap */
	dec_set_tunnels(&dt, 1);
	{
		uint32_t len = ipip_nest(b, 2);

		assert_int_equal(tdecode(b, len, len, p), DEC_INVALID);
		assert_int_equal(dt.layers, 2);
	}
	dec_set_tunnels(&dt, 100);
	assert_int_equal(dt.tunnels, DEC_MAX_TUNNELS);
}

/* The VLAN of a packet inside a tunnel is the one inside (Zeek's inner
 * packet starts without one); the underlay's stays with the outer. */
static void vlan_inside_and_outside(void **state)
{
	uint8_t b[sizeof(f_vxlan_syn) + 4];
	struct dec_pkt p[L];
	uint32_t at = TCP4 + 16 + 12;	/* the inner EtherType */

	(void)state;
	memcpy(b, f_vxlan_syn, at);
	t_put16(b, at, 0x8100);
	t_put16(b, at + 2, 0x2000 | 300);
	memcpy(b + at + 4, f_vxlan_syn + at, sizeof(f_vxlan_syn) - at);
	t_put16(b, IP4_TOT, (uint16_t)(sizeof(b) - 14));
	t_put16(b, TCP4 + 4, (uint16_t)(sizeof(b) - 14 - 20));
	assert_int_equal(tdecode(b, sizeof(b), sizeof(b), p), DEC_OK);
	assert_int_equal(p[0].vlan, DEC_NO_VLAN);
	assert_int_equal(p[1].vlan, 300);
	/* an underlay tag instead */
	memcpy(b, f_vxlan_syn, 12);
	t_put16(b, 12, 0x8100);
	t_put16(b, 14, 7);
	memcpy(b + 16, f_vxlan_syn + 12, sizeof(f_vxlan_syn) - 12);
	assert_int_equal(tdecode(b, sizeof(b), sizeof(b), p), DEC_OK);
	assert_int_equal(p[0].vlan, 7);
	assert_int_equal(p[1].vlan, DEC_NO_VLAN);
}

/* Padding after the outer datagram is not the tunnel's: the inner packet
 * is read up to the outer IP length only. */
static void tunnel_ends_with_its_packet(void **state)
{
	uint8_t b[sizeof(f_gre_syn) + 10];
	struct dec_pkt p[L];

	(void)state;
	memcpy(b, f_gre_syn, sizeof(f_gre_syn));
	memset(b + sizeof(f_gre_syn), 0xee, 10);
	assert_int_equal(tdecode(b, sizeof(b), sizeof(b), p), DEC_OK);
	assert_int_equal(p[1].ip_len, 60);
	/* an inner IP length beyond the tunnel's end is clamped and
	 * flagged, never read past it */
	t_put16(b, TCP4 + 12 + 2, 200);
	assert_int_equal(tdecode(b, sizeof(b), sizeof(b), p), DEC_OK);
	assert_int_equal(p[1].ip_bad_len, 1);
	assert_int_equal(p[1].ip_len, 60);
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(dec_tun_name(DEC_TUN_GRE), "gre");
	assert_string_equal(dec_tun_name(DEC_TUN_ERSPAN3), "erspan3");
	assert_string_equal(dec_tun_name(DEC_TUN_AYIYA), "ayiya");
	assert_string_equal(dec_tun_name(-1), "?");
	assert_string_equal(dec_tun_name(DEC_TUN_NUM), "?");
	assert_true(dec_tun_over_udp(DEC_TUN_VXLAN));
	assert_true(dec_tun_over_udp(DEC_TUN_TEREDO));
	assert_false(dec_tun_over_udp(DEC_TUN_GRE));
	assert_false(dec_tun_over_udp(DEC_TUN_6IN4));
	assert_false(dec_tun_over_udp(DEC_TUN_NONE));
}

int main(void)
{
	static struct CMUnitTest t[3 * NCASES + 16];
	static char tn[3 * NCASES][64];
	static const char *const kind[3] = { "whole", "cut", "tunnels off" };
	void (*const fn[3])(void **) = { whole_frame, cut_at_every_offset,
					 tunnels_off };
	size_t n = 0;

	for (size_t i = 0; i < NCASES; i++)
		for (int k = 0; k < 3; k++) {
			snprintf(tn[n], sizeof(tn[0]), "%s: %s", kind[k],
				 cases[i].name);
			t[n] = (struct CMUnitTest){ .name = tn[n],
				.test_func = fn[k],
				.initial_state = (void *)&cases[i] };
			n++;
		}
	t[n++] = (struct CMUnitTest)cmocka_unit_test(no_packet_inside);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(udp_tunnel_by_source_port);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(gre_traps);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(erspan_type_1);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(udp_tunnel_traps);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(vxlan_in_gre);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(ip_in_ip_to_the_cap);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(vlan_inside_and_outside);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(tunnel_ends_with_its_packet);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(names);
	return _cmocka_run_group_tests("test_decode_tunnel", t, n, setup,
				       teardown);
}
