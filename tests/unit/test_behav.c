/*
 * test_behav.c - what porttop measures beyond conn.log (flowtable/
 * behav.c): handshake RTTs, retransmissions against reordering,
 * keep-alives, zero windows, RSTs by side, ICMP errors attached to the
 * flows they quote, and each flow's verdict on the responder's port.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pkts.h"

static const char *ps(int st)
{
	static const char *const n[] = { "unknown", "open", "closed",
					 "filtered" };
	return st >= 0 && st < FT_PS_NUM ? n[st] : "?";
}

/* SYN at 0, retransmitted at 1 s, SYN-ACK at 1.0002, a second SYN-ACK at
 * 1.5, the ACK at 1.5003: the RTTs count from the last SYN before the
 * first SYN-ACK, and from the last SYN-ACK before the ACK. */
static void handshake_rtts(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	feed(t, tcp(0.0, 1, 2, 40000, 80, SYN, 100, 0, 0));
	feed(t, tcp(1.0, 1, 2, 40000, 80, SYN, 100, 0, 0));
	feed(t, tcp(1.0002, 2, 1, 80, 40000, SYN | ACK, 500, 101, 0));
	feed(t, tcp(1.5, 2, 1, 80, 40000, SYN | ACK, 500, 101, 0));
	feed(t, tcp(1.5003, 1, 2, 40000, 80, ACK, 101, 501, 0));
	finish(t);
	assert_int_equal(ndone, 1);
	assert_int_equal(done[0].rtt_syn_synack_ns, 200000);
	assert_int_equal(done[0].rtt_synack_ack_ns, 300000);
	assert_string_equal(ps(done[0].port_state), "open");
}

/* No SYN-ACK, no RTT; REJ is closed, S0 filtered once 1 s has passed
 * since its SYN (BEHAV_ATTEMPT_WAIT_NS), pending (unknown) before: the
 * input ends at 2.0 s, 0.5 s after the SYN to 83 and at the SYN to 84. */
static void verdicts_from_tcp(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	feed(t, tcp(0.0, 1, 2, 40001, 81, SYN, 100, 0, 0));
	feed(t, tcp(0.001, 2, 1, 81, 40001, RST | ACK, 0, 101, 0));
	feed(t, tcp(0.001, 1, 2, 40002, 82, SYN, 100, 0, 0));
	feed(t, tcp(1.5, 1, 2, 40003, 83, SYN, 100, 0, 0));
	feed(t, tcp(2.0, 1, 2, 40004, 84, SYN, 100, 0, 0));
	finish(t);
	assert_int_equal(ndone, 4);
	for (int i = 0; i < 4; i++) {
		const struct ft_view *v = &done[i];
		int rp = v->orig_is_a ? v->key.pb : v->key.pa;

		assert_int_equal(v->rtt_syn_synack_ns, -1);
		assert_int_equal(v->rtt_synack_ack_ns, -1);
		assert_string_equal(ps(v->port_state), rp == 81 ? "closed" :
				    rp == 82 ? "filtered" : "unknown");
		assert_int_equal(v->bdir[FT_RESP].rst, rp == 81);
		assert_int_equal(v->bdir[FT_ORIG].rst, 0);
	}
}

/* Data 101-200 lost before the capture point: 201-300 arrives first (a
 * gap), then 101-200 at once (reordered, within 3 ms) in one flow and
 * 0.2 s later (resent) in the other; the same 101-200 again is resent
 * either way.  A 1-byte segment just below the highest is a keep-alive. */
static void retrans_and_reorder(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	for (int k = 0; k < 2; k++) {
		uint16_t sp = (uint16_t)(41000 + k);
		double late = k ? 0.2 : 0.001;

		feed(t, tcp(0.0, 1, 2, sp, 80, SYN, 100, 0, 0));
		feed(t, tcp(0.01, 2, 1, 80, sp, SYN | ACK, 500, 101, 0));
		feed(t, tcp(0.02, 1, 2, sp, 80, ACK, 101, 501, 0));
		feed(t, tcp(0.03, 1, 2, sp, 80, ACK, 201, 501, 100));
		feed(t, tcp(0.03 + late, 1, 2, sp, 80, ACK, 101, 501, 100));
		feed(t, tcp(0.5, 1, 2, sp, 80, ACK, 101, 501, 100));
		feed(t, tcp(0.6, 1, 2, sp, 80, ACK, 300, 501, 1));
		feed(t, tcp(0.7, 2, 1, 80, sp, ACK, 501, 301, 0));
	}
	finish(t);
	assert_int_equal(ndone, 2);
	for (int i = 0; i < 2; i++) {
		const struct ft_view *v = &done[i];
		int slow = (v->orig_is_a ? v->key.pa : v->key.pb) == 41001;

		assert_int_equal(v->bdir[FT_ORIG].ooo, slow ? 0 : 1);
		assert_int_equal(v->bdir[FT_ORIG].retrans, slow ? 2 : 1);
		assert_int_equal(v->bdir[FT_RESP].retrans, 0);
		assert_int_equal(v->bdir[FT_RESP].ooo, 0);
	}
}

/* Zero windows counted per side, as Zeek's 'W' conditions. */
static void zero_windows(void **state)
{
	struct ft_table *t = table(64);
	struct dec_pkt w;

	(void)state;
	handshake(t, 0.0, 40000, 80);
	for (int i = 0; i < 3; i++) {
		w = tcp(0.3 + i * 0.1, 2, 1, 80, 40000, ACK, 501, 101, 0);
		w.win = 0;
		feed(t, w);
	}
	finish(t);
	assert_int_equal(done[0].bdir[FT_RESP].zero_win, 3);
	assert_int_equal(done[0].bdir[FT_ORIG].zero_win, 0);
}

static struct dec_pkt quoting(struct dec_pkt e, const struct dec_pkt *q)
{
	e.inner.valid = 1;
	e.inner.has_ports = 1;
	e.inner.ipv = 4;
	e.inner.proto = q->proto;
	memcpy(e.inner.src, q->src, 16);
	memcpy(e.inner.dst, q->dst, 16);
	e.inner.sport = q->sport;
	e.inner.dport = q->dport;
	return e;
}

/* A port unreachable closes the UDP port it quotes; an admin-prohibited
 * filters the TCP one; a TTL exceeded is counted, no verdict.  Each
 * error is also its own one-way ICMP flow. */
static void icmp_errors_attach(void **state)
{
	struct ft_table *t = table(64);
	struct dec_pkt u = udp(0.0, 1, 2, 5000, 9998, 32);
	struct dec_pkt s = tcp(0.0, 1, 2, 40000, 7777, SYN, 100, 0, 0);
	struct dec_pkt x = udp(0.0, 1, 2, 5001, 33434, 32);

	(void)state;
	feed(t, u);
	feed(t, quoting(icmp(0.001, 2, 1, 3, 3), &u));
	feed(t, s);
	feed(t, quoting(icmp(0.002, 3, 1, 3, 13), &s));
	feed(t, x);
	feed(t, quoting(icmp(0.003, 3, 1, 11, 0), &x));
	finish(t);
	assert_int_equal(ndone, 6);
	for (int i = 0; i < ndone; i++) {
		const struct ft_view *v = &done[i];
		int rp = v->orig_is_a ? v->key.pb : v->key.pa;

		if (v->key.proto == 1) {
			assert_int_equal(v->icmp_errors, 0);
			continue;
		}
		assert_int_equal(v->icmp_errors, 1);
		if (rp == 9998) {
			assert_string_equal(ps(v->port_state), "closed");
			assert_int_equal(v->icmp_type, 3);
			assert_int_equal(v->icmp_code, 3);
		} else if (rp == 7777) {
			assert_string_equal(ps(v->port_state), "filtered");
			assert_int_equal(v->icmp_code, 13);
		} else {
			assert_int_equal(rp, 33434);
			assert_string_equal(ps(v->port_state), "unknown");
			assert_int_equal(v->icmp_type, 11);
		}
	}
}

/* An answered UDP flow is open, even if an error quoting it comes later
 * (the reply is the stronger evidence); one not answered is unknown. */
static void udp_open_and_unknown(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	feed(t, udp(0.0, 1, 2, 5000, 53, 30));
	feed(t, udp(0.01, 2, 1, 53, 5000, 90));
	feed(t, udp(0.0, 1, 2, 5001, 54, 30));
	finish(t);
	for (int i = 0; i < ndone; i++) {
		const struct ft_view *v = &done[i];
		int rp = v->orig_is_a ? v->key.pb : v->key.pa;

		assert_string_equal(ps(v->port_state),
				    rp == 53 ? "open" : "unknown");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(handshake_rtts),
		cmocka_unit_test(verdicts_from_tcp),
		cmocka_unit_test(retrans_and_reorder),
		cmocka_unit_test(zero_windows),
		cmocka_unit_test(icmp_errors_attach),
		cmocka_unit_test(udp_open_and_unknown),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
