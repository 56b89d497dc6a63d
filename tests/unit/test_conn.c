/*
 * test_conn.c - the flow table's Zeek semantics, fed packet records
 * directly (no decoding): orientation, conn_state, history, sizes, port
 * reuse, timers, ICMP keys, eviction.  Expected values follow Zeek's rules
 * as summed up in ../shared/zeek/NOTES.md (sources there).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>


#include "pkts.h"

static void assert_flow(const struct ft_view *v, const char *state,
			const char *hist, uint64_t opk, uint64_t rpk,
			uint64_t ob, uint64_t rb)
{
	assert_string_equal(ft_conn_state_name(v->conn_state), state);
	assert_string_equal(v->history, hist);
	assert_int_equal(v->dir[FT_ORIG].pkts, opk);
	assert_int_equal(v->dir[FT_RESP].pkts, rpk);
	assert_int_equal(v->dir[FT_ORIG].bytes, ob);
	assert_int_equal(v->dir[FT_RESP].bytes, rb);
}

/* orig's endpoint address (last byte of the IPv4 address) */
static int orig_host(const struct ft_view *v)
{
	return v->orig_is_a ? v->key.a[3] : v->key.b[3];
}

static void full_connection_sf(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	handshake(t, 0.0, 40000, 80);
	feed(t, tcp(0.3, 1, 2, 40000, 80, ACK | PSH, 101, 501, 50));
	feed(t, tcp(0.4, 2, 1, 80, 40000, ACK | PSH, 501, 151, 300));
	feed(t, tcp(0.5, 1, 2, 40000, 80, FIN | ACK, 151, 801, 0));
	feed(t, tcp(0.6, 2, 1, 80, 40000, FIN | ACK, 801, 152, 0));
	feed(t, tcp(0.7, 1, 2, 40000, 80, ACK, 152, 802, 0));
	finish(t);
	assert_int_equal(ndone, 1);
	assert_flow(&done[0], "SF", "ShADdFf", 5, 3, 50, 300);
	assert_int_equal(orig_host(&done[0]), 1);
	assert_int_equal(done[0].last_ns - done[0].first_ns, S(0.6));
}

static void syn_rst_is_rej(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	feed(t, tcp(0.0, 1, 2, 40000, 81, SYN, 100, 0, 0));
	feed(t, tcp(0.001, 2, 1, 81, 40000, RST | ACK, 0, 101, 0));
	finish(t);
	assert_int_equal(ndone, 1);
	assert_flow(&done[0], "REJ", "Sr", 1, 1, 0, 0);
}

/* Zeek's attempt timer: 5 s after the SYN an unanswered connection is
 * removed, so a retransmission at 6 s opens a new S0 row; one at 3 s does
 * not (same ISN = a retransmission). */
static void unanswered_syn_s0_split(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	feed(t, tcp(0.0, 1, 2, 40000, 7777, SYN, 100, 0, 0));
	feed(t, tcp(1.0, 1, 2, 40000, 7777, SYN, 100, 0, 0));
	feed(t, tcp(3.0, 1, 2, 40000, 7777, SYN, 100, 0, 0));
	feed(t, tcp(7.0, 1, 2, 40000, 7777, SYN, 100, 0, 0));
	finish(t);
	assert_int_equal(ndone, 2);
	assert_flow(&done[0], "S0", "S", 3, 0, 0, 0);
	assert_int_equal(done[0].end, FT_END_TIMEOUT);
	assert_flow(&done[1], "S0", "S", 1, 0, 0, 0);
}

static void syn_then_orig_rst_is_rstos0(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	feed(t, tcp(0.0, 1, 2, 40000, 80, SYN, 100, 0, 0));
	feed(t, tcp(0.1, 1, 2, 40000, 80, RST, 101, 0, 0));
	finish(t);
	assert_flow(&done[0], "RSTOS0", "SR", 2, 0, 0, 0);
}

/* A SYN with a new ISN on a closed tuple is a new connection (IsReuse). */
static void port_reuse_after_close(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	feed(t, tcp(0.0, 1, 2, 40000, 81, SYN, 100, 0, 0));
	feed(t, tcp(0.001, 2, 1, 81, 40000, RST | ACK, 0, 101, 0));
	feed(t, tcp(0.5, 1, 2, 40000, 81, SYN, 9000, 0, 0));
	feed(t, tcp(0.501, 2, 1, 81, 40000, RST | ACK, 0, 9001, 0));
	finish(t);
	assert_int_equal(ndone, 2);
	assert_int_equal(done[0].end, FT_END_REUSE);
	assert_flow(&done[0], "REJ", "Sr", 1, 1, 0, 0);
	assert_flow(&done[1], "REJ", "Sr", 1, 1, 0, 0);
}

/* Inactivity: last_time + timeout <= now removes (UDP: 60 s). */
static void udp_inactivity_split_at_exactly_60s(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	feed(t, udp(0.0, 1, 2, 5000, 9999, 10));
	feed(t, udp(59.9, 2, 1, 9999, 5000, 20));
	feed(t, udp(119.9, 1, 2, 5000, 9999, 30));
	finish(t);
	assert_int_equal(ndone, 2);
	assert_flow(&done[0], "SF", "Dd", 1, 1, 10, 20);
	assert_flow(&done[1], "S0", "D", 1, 0, 30, 0);
}

/* UDP: flip when only the source port is a likely server port; never
 * towards a broadcast responder (IPBasedAnalyzer NewConn). */
static void udp_server_port_flip(void **state)
{
	struct ft_table *t = table(64);
	struct dec_pkt bc;

	(void)state;
	feed(t, udp(0.0, 2, 1, 53, 33333, 100));	/* answer seen first */
	bc = udp(1.0, 2, 3, 67, 68, 300);
	memset(bc.dst, 0xff, 4);
	feed(t, bc);
	finish(t);
	assert_int_equal(ndone, 2);
	assert_flow(&done[0], "SHR", "^d", 0, 1, 0, 100);
	assert_int_equal(orig_host(&done[0]), 1);
	assert_flow(&done[1], "S0", "D", 1, 0, 300, 0);
}

/* TCP starting with a SYN-ACK from a likely server port flips at once. */
static void tcp_synack_first_from_server_port(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	feed(t, tcp(0.0, 2, 1, 80, 40000, SYN | ACK, 500, 101, 0));
	feed(t, tcp(0.1, 1, 2, 40000, 80, ACK, 101, 501, 0));
	finish(t);
	assert_flow(&done[0], "S1", "^hA", 1, 1, 0, 0);
	assert_int_equal(orig_host(&done[0]), 1);
}

/* A lone SYN-ACK from a non-server port makes its sender orig ("H"); the
 * next ACK or data shows it was the responder: flip, "^h". */
static void tcp_synack_then_ack_flips_history(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	feed(t, tcp(0.0, 2, 1, 5555, 40000, SYN | ACK, 500, 101, 0));
	feed(t, tcp(0.1, 1, 2, 40000, 5555, ACK, 101, 501, 0));
	finish(t);
	assert_string_equal(done[0].history, "^hA");
	assert_int_equal(orig_host(&done[0]), 1);
	assert_int_equal(done[0].dir[FT_ORIG].pkts, 1);
	assert_int_equal(done[0].dir[FT_RESP].pkts, 1);
}

/* Logarithmic letters: T at the 1st and 10th retransmission; W at the 1st
 * zero window. */
static void retransmissions_and_zero_window(void **state)
{
	struct ft_table *t = table(64);
	struct dec_pkt w;

	(void)state;
	handshake(t, 0.0, 40000, 80);
	feed(t, tcp(0.3, 1, 2, 40000, 80, ACK, 101, 501, 100));
	for (int i = 0; i < 10; i++)
		feed(t, tcp(0.4 + i * 0.01, 1, 2, 40000, 80, ACK, 101, 501, 100));
	w = tcp(0.6, 2, 1, 80, 40000, ACK, 501, 201, 0);
	w.win = 0;
	feed(t, w);
	finish(t);
	assert_string_equal(done[0].history, "ShADTTaw");
	assert_string_equal(ft_conn_state_name(done[0].conn_state), "S1");
	assert_int_equal(done[0].dir[FT_ORIG].bytes, 100);
}

/* ICMP: echo request and reply share a row (orig_p 8, resp_p 0); a port
 * unreachable is one-way (3 -> 3). */
static void icmp_keys(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	feed(t, icmp(0.0, 1, 2, 8, 0));
	feed(t, icmp(0.1, 2, 1, 0, 0));
	feed(t, icmp(0.2, 2, 1, 3, 3));
	feed(t, icmp(0.3, 1, 2, 3, 3));
	finish(t);
	assert_int_equal(ndone, 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(ft_conn_state_name(done[i].conn_state),
				    "OTH");
	assert_int_equal(done[0].dir[FT_ORIG].pkts +
				 done[1].dir[FT_ORIG].pkts +
				 done[2].dir[FT_ORIG].pkts, 3);
	for (int i = 0; i < 3; i++) {
		const struct ft_view *v = &done[i];
		int op = v->orig_is_a ? v->key.pa : v->key.pb;
		int rp = v->orig_is_a ? v->key.pb : v->key.pa;

		if (op == 8) {
			assert_int_equal(rp, 0);
			assert_int_equal(v->dir[FT_RESP].pkts, 1);
			assert_int_equal(v->dir[FT_ORIG].bytes, 56);
		} else {
			assert_int_equal(op, 3);
			assert_int_equal(rp, 3);
			assert_int_equal(v->dir[FT_RESP].pkts, 0);
		}
	}
}

/* The same 5-tuple on two VLANs is two flows. */
static void vlan_is_part_of_the_key(void **state)
{
	struct ft_table *t = table(64);
	struct dec_pkt a = udp(0.0, 1, 2, 5000, 9999, 10), b = a;

	(void)state;
	a.vlan = 100;
	b.vlan = 200;
	feed(t, a);
	feed(t, b);
	finish(t);
	assert_int_equal(ndone, 2);
}

/* A full table ends the idlest flow (evicted, counted) and never grows. */
static void eviction_when_full(void **state)
{
	struct ft_table *t = table(16);
	struct ft_stats st;

	(void)state;
	for (int i = 0; i < 20; i++)
		feed(t, udp(i * 0.1, 1, 2, (uint16_t)(10000 + i), 9999, 1));
	ft_get_stats(t, &st);
	assert_int_equal(st.evicted, 4);
	assert_int_equal(st.active, 16);
	assert_int_equal(ndone, 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(done[i].end, FT_END_EVICTED);
		/* the idlest are the oldest: source ports 10000-10003 */
		uint16_t sp = done[i].orig_is_a ? done[i].key.pa : done[i].key.pb;
		assert_true(sp >= 10000 && sp <= 10003);
	}
	finish(t);
	assert_int_equal(ndone, 20);
}

/* Later fragments and held ones are counted in pkts and in frag_*. */
static void fragment_counters(void **state)
{
	struct ft_table *t = table(64);
	struct dec_pkt first = udp(0.0, 1, 2, 5000, 9999, 3992), later;

	(void)state;
	first.frag = DEC_FRAG_FIRST;
	first.held_pkts = 1;
	first.held_wire = 600;
	first.held_ip = 586;
	later = first;
	later.frag = DEC_FRAG_LATER;
	later.held_pkts = 0;
	later.held_wire = later.held_ip = 0;
	later.wire_len = 1514;
	feed(t, first);
	feed(t, later);
	finish(t);
	assert_int_equal(done[0].dir[FT_ORIG].pkts, 3);
	assert_int_equal(done[0].dir[FT_ORIG].frag_pkts, 2);
	assert_int_equal(done[0].dir[FT_ORIG].frag_wire_bytes, 600 + 1514);
	assert_int_equal(done[0].dir[FT_ORIG].bytes, 3992);
}

/* ft_owner_gone: the client's socket (10.0.0.1:5353, unconnected)
 * closed at 0.5 s; its next datagram, at 1 s, is another socket's and
 * begins a new flow; the answer at 0.2 s, before the close, stays.  A
 * close fed before packets stamped earlier (the service may be ahead of
 * the capture) splits at the first packet after it, not before; a close
 * before a flow began splits nothing. */
static void udp_owner_gone(void **state)
{
	struct ft_table *t = table(64);
	struct ft_gone g;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.proto = 17;
	g.ipv = 4;
	ip4(g.laddr, 1);
	g.lport = 5353;
	g.ts_ns = S(0.5);
	feed(t, udp(0.0, 1, 2, 5353, 53, 30));
	ft_owner_gone(t, &g);	/* ahead of the answer */
	feed(t, udp(0.2, 2, 1, 53, 5353, 60));
	feed(t, udp(1.0, 1, 2, 5353, 53, 30));
	feed(t, udp(1.1, 2, 1, 53, 5353, 60));
	ip4(g.raddr, 2);	/* a connected socket's close, before the */
	g.rport = 53;		/* second flow began: nothing to end */
	g.ts_ns = S(0.95);
	ft_owner_gone(t, &g);
	feed(t, udp(1.2, 1, 2, 5353, 53, 30));
	finish(t);
	assert_int_equal(ndone, 2);
	assert_int_equal(done[0].end, FT_END_OWNER);
	assert_int_equal(done[0].dir[FT_ORIG].pkts, 1);
	assert_int_equal(done[0].dir[FT_RESP].pkts, 1);
	assert_int_equal(done[1].first_ns, S(1.0));
	assert_int_equal(done[1].dir[FT_ORIG].pkts, 2);
	assert_int_equal(done[1].dir[FT_RESP].pkts, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_connection_sf),
		cmocka_unit_test(syn_rst_is_rej),
		cmocka_unit_test(unanswered_syn_s0_split),
		cmocka_unit_test(syn_then_orig_rst_is_rstos0),
		cmocka_unit_test(port_reuse_after_close),
		cmocka_unit_test(udp_owner_gone),
		cmocka_unit_test(udp_inactivity_split_at_exactly_60s),
		cmocka_unit_test(udp_server_port_flip),
		cmocka_unit_test(tcp_synack_first_from_server_port),
		cmocka_unit_test(tcp_synack_then_ack_flips_history),
		cmocka_unit_test(retransmissions_and_zero_window),
		cmocka_unit_test(icmp_keys),
		cmocka_unit_test(vlan_is_part_of_the_key),
		cmocka_unit_test(eviction_when_full),
		cmocka_unit_test(fragment_counters),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
