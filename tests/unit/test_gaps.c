/*
 * test_gaps.c - content gaps: history letters G/g and missed_bytes
 * (flowtable/gap.c fed by conn.c), with Zeek's rules (TCP_Reassembler.cc,
 * Reassem.cc, TCP_Endpoint::Gap; base/protocols/conn/main.zeek adds each
 * content_gap's length to missed_bytes): a hole counts when the peer
 * acknowledges past it, once, only while both ends are established (or
 * closed from there); a retransmission that fills it first is no gap; an
 * acknowledgment of the FIN is not one of data; G is logarithmic.  Then
 * gap.c alone: its ranges, their cap, and Zeek's two give-up rules.
 *
 * Hosts: 1 client (ISN 100), 2 server (ISN 500); relative sequence 1 is
 * the first data byte, so the server's byte 1 is raw sequence 501.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pkts.h"
#include "../../flowtable/conn.h"

/* the server sends len bytes at raw seq; the client acks ack */
#define SDATA(t_, seq, len) \
	feed(t, tcp(t_, 2, 1, 80, 40000, ACK | PSH, seq, 101, len))
#define CACK(t_, ack) feed(t, tcp(t_, 1, 2, 40000, 80, ACK, 101, ack, 0))

static int count(const char *s, char c)
{
	int n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

/* A segment of the server's response never captured (601..700): the
 * client's ACK of 801 shows the hole: one 'g', 100 missed bytes, and the
 * size from sequence numbers still counts it (Zeek's resp_bytes). */
static void lost_segment_is_a_gap(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	handshake(t, 0.0, 40000, 80);
	SDATA(0.3, 501, 100);
	SDATA(0.4, 701, 100);
	CACK(0.5, 801);
	feed(t, tcp(0.6, 2, 1, 80, 40000, FIN | ACK, 801, 101, 0));
	feed(t, tcp(0.7, 1, 2, 40000, 80, FIN | ACK, 101, 802, 0));
	feed(t, tcp(0.8, 2, 1, 80, 40000, ACK, 802, 102, 0));
	finish(t);
	assert_int_equal(ndone, 1);
	assert_string_equal(done[0].history, "ShAdgfFa");
	assert_int_equal(done[0].missed_bytes, 100);
	assert_int_equal(done[0].dir[FT_RESP].bytes, 300);
	assert_string_equal(ft_conn_state_name(done[0].conn_state), "SF");
}

/* The hole filled (a retransmission, or reordering) before the ACK. */
static void filled_hole_is_no_gap(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	handshake(t, 0.0, 40000, 80);
	SDATA(0.3, 501, 100);
	SDATA(0.4, 701, 100);
	SDATA(0.45, 601, 100);
	CACK(0.5, 801);
	finish(t);
	assert_int_equal(done[0].missed_bytes, 0);
	assert_int_equal(count(done[0].history, 'g'), 0);
}

/* A hole at the start of the data and one at the end of what is acked:
 * two gaps in one ACK, both counted. */
static void two_holes_one_ack(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	handshake(t, 0.0, 40000, 80);
	SDATA(0.3, 601, 100);		/* 501..600 missing */
	CACK(0.5, 901);			/* and 701..900 */
	finish(t);
	assert_int_equal(done[0].missed_bytes, 100 + 200);
	assert_int_equal(count(done[0].history, 'g'), 1);   /* 1st only */
}

/* G is logarithmic like T and W: letters at the 1st and 10th gap. */
static void gap_letters_are_logarithmic(void **state)
{
	struct ft_table *t = table(64);
	uint32_t seq = 501;

	(void)state;
	handshake(t, 0.0, 40000, 80);
	for (int i = 0; i < 12; i++) {
		SDATA(0.3 + i * 0.01, seq + 100, 100);	/* skips 100 */
		CACK(0.305 + i * 0.01, seq + 200);
		seq += 200;
	}
	finish(t);
	assert_int_equal(count(done[0].history, 'g'), 2);
	assert_int_equal(done[0].missed_bytes, 12 * 100);
}

/* The client's own data has a hole the server acknowledges: 'G'. */
static void orig_gap_is_upper_case(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	handshake(t, 0.0, 40000, 80);
	feed(t, tcp(0.3, 1, 2, 40000, 80, ACK | PSH, 151, 501, 50));
	feed(t, tcp(0.4, 2, 1, 80, 40000, ACK, 501, 201, 0));
	finish(t);
	assert_int_equal(count(done[0].history, 'G'), 1);
	assert_int_equal(done[0].missed_bytes, 50);
}

/* Acknowledging the FIN is not acknowledging data: no gap for the FIN's
 * sequence number (AckReceived clamps to FIN_seq - 1). */
static void fin_is_not_a_gap(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	handshake(t, 0.0, 40000, 80);
	SDATA(0.3, 501, 100);
	feed(t, tcp(0.4, 2, 1, 80, 40000, FIN | ACK, 601, 101, 0));
	CACK(0.5, 602);
	finish(t);
	assert_int_equal(done[0].missed_bytes, 0);
	assert_int_equal(count(done[0].history, 'g'), 0);
}

/* Without the handshake the endpoints are partial, not established:
 * Zeek reports no gap (report_gaps_for_partial is F). */
static void partial_connection_reports_nothing(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	SDATA(0.0, 501, 100);
	SDATA(0.1, 701, 100);
	CACK(0.2, 801);
	finish(t);
	assert_int_equal(done[0].missed_bytes, 0);
	assert_int_equal(count(done[0].history, 'g'), 0);
}

/* A RST's own number is not trusted, and after a RST the sender is not
 * established: a hole acknowledged by a RST is no gap. */
static void rst_ack_is_no_gap(void **state)
{
	struct ft_table *t = table(64);

	(void)state;
	handshake(t, 0.0, 40000, 80);
	SDATA(0.3, 501, 100);
	feed(t, tcp(0.4, 1, 2, 40000, 80, RST | ACK, 101, 801, 0));
	finish(t);
	assert_int_equal(done[0].missed_bytes, 0);
}

/* ---- gap.c alone ------------------------------------------------------------ */

static void ranges_and_their_cap(void **state)
{
	struct conn_gap g;
	struct gap_found f;

	(void)state;
	gap_init(&g);
	gap_data(&g, 1, 1, 10, 0);		/* 1..10 delivered */
	assert_int_equal(g.last, 11);
	gap_data(&g, 1, 21, 10, 0);		/* holes 11..20, 31..40 */
	gap_data(&g, 1, 41, 10, 0);
	assert_int_equal(g.n, 2);
	gap_data(&g, 1, 61, 10, 0);		/* a third: the smallest hole
						   (31..40) is closed */
	assert_int_equal(g.n, GAP_BLOCKS);
	assert_int_equal(g.blk[0].lo, 21);
	assert_int_equal(g.blk[0].hi, 51);
	gap_ack(&g, 71, 0, &f);			/* 11..20 and 51..60 */
	assert_int_equal(f.events, 2);
	assert_int_equal(f.bytes, 20);
	assert_int_equal(g.last, 71);
	assert_int_equal(g.n, 0);
	/* an old ack does nothing; data already acked is not data */
	gap_ack(&g, 50, 0, &f);
	assert_int_equal(f.events, 0);
	gap_data(&g, 71, 60, 5, 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(g.last, 71);
	/* overlapping and touching ranges merge */
	gap_data(&g, 71, 81, 10, 0);
	gap_data(&g, 71, 85, 10, 0);
	gap_data(&g, 71, 95, 5, 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.blk[0].lo, 81);
	assert_int_equal(g.blk[0].hi, 100);
	gap_data(&g, 71, 71, 10, 0);		/* fills the hole */
	assert_int_equal(g.last, 100);
	assert_int_equal(g.n, 0);
}

static void zeek_gives_up(void **state)
{
	struct conn_gap g;
	struct gap_found f;

	(void)state;
	/* more than 16384 bytes above a hole and nothing acked yet */
	gap_init(&g);
	gap_data(&g, 1, 1001, 15000, 1);	/* 16000 waiting above 1 */
	assert_int_equal(g.skip, 0);
	gap_data(&g, 1, 16001, 1000, 1);	/* 17000 */
	assert_int_equal(g.skip, 1);
	gap_ack(&g, 20000, 0, &f);
	assert_int_equal(f.events, 0);
	assert_int_equal(g.last, 20000);
	/* the same with data acked is fine */
	gap_init(&g);
	gap_data(&g, 1, 1001, 20000, 0);
	assert_int_equal(g.skip, 0);
	/* a partial connection's first one or two bytes */
	gap_init(&g);
	gap_ack(&g, 2, 1, &f);
	assert_int_equal(f.events, 0);
	gap_ack(&g, 3, 1, &f);
	assert_int_equal(f.events, 1);
	assert_int_equal(f.bytes, 2);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(lost_segment_is_a_gap),
		cmocka_unit_test(filled_hole_is_no_gap),
		cmocka_unit_test(two_holes_one_ack),
		cmocka_unit_test(gap_letters_are_logarithmic),
		cmocka_unit_test(orig_gap_is_upper_case),
		cmocka_unit_test(fin_is_not_a_gap),
		cmocka_unit_test(partial_connection_reports_nothing),
		cmocka_unit_test(rst_ack_is_no_gap),
		cmocka_unit_test(ranges_and_their_cap),
		cmocka_unit_test(zeek_gives_up),
	};

	return cmocka_run_group_tests(t, setup, NULL);
}
