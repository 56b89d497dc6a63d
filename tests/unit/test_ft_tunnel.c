/*
 * test_ft_tunnel.c - the flow table's side of tunnels: uids (stable for the
 * same input, distinct within a run, Zeek's "C" + base 62), hidden flows
 * (counted, never handed on, published or counted in the stats), Zeek's
 * tunnel_parents (the uid of the flow of the packet around it, a set in
 * first-met order, at most FT_MAX_PARENTS), the encapsulation chain, and
 * the day-long life of a hidden IP-level envelope (Zeek's
 * Tunnel::ip_tunnel_timeout), and hidden flows published with their
 * levels for a view that switches --tunnels modes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pkts.h"

/* A UDP datagram 10.0.0.`from`:sp -> 10.0.0.`to`:4789 carrying (layer 1,
 * "vxlan") an ICMP echo from 10.1.0.1 to 10.1.0.2. */
static void vxlan_pair(struct dec_pkt p[2], double t, int from, int to,
		       uint16_t sp, int request)
{
	p[0] = udp(t, from, to, sp, 4789, 100);
	p[0].carrier = DEC_TUN_VXLAN;
	p[1] = udp(t, 0, 0, request ? 8 : 0, 0, 56);
	p[1].proto = P_ICMP;
	p[1].src[0] = p[1].dst[0] = 10;
	p[1].src[1] = p[1].dst[1] = 1;
	p[1].src[3] = request ? 1 : 2;
	p[1].dst[3] = request ? 2 : 1;
	p[1].layer = 1;
	p[1].tun[0] = DEC_TUN_VXLAN;
}

static int find_icmp(void)
{
	for (int i = 0; i < ndone; i++)
		if (done[i].key.proto == P_ICMP)
			return i;
	return -1;
}

static void uids_are_stable_and_distinct(void **state)
{
	uint64_t first[3];
	char text[FT_UID_TEXT];

	(void)state;
	for (int run = 0; run < 2; run++) {
		struct ft_table *t = table(64);

		feed(t, udp(1.0, 1, 2, 5000, 53, 10));
		feed(t, udp(1.0, 1, 2, 5001, 53, 10));	/* same time */
		feed(t, udp(2.0, 1, 3, 5000, 53, 10));
		finish(t);
		assert_int_equal(ndone, 3);
		for (int i = 0; i < 3; i++) {
			if (run == 0)
				first[i] = ft_view_uid(&done[i]);
			else
				assert_true(ft_view_uid(&done[i]) == first[i]);
			for (int k = 0; k < i; k++)
				assert_true(ft_view_uid(&done[i]) !=
					    ft_view_uid(&done[k]));
		}
	}
	/* the same time and id give the same uid on every host, the time in
	 * whole microseconds (a live run and its -w pcap agree); and the
	 * text is Zeek's shape */
	assert_true(ft_uid(1000, 1) == ft_uid(1999, 1));
	assert_true(ft_uid(1000, 1) != ft_uid(1000, 2));
	assert_true(ft_uid(1000, 1) != ft_uid(2000, 1));
	ft_uid_text(ft_uid(1700000000000000000LL, 1), text);
	assert_string_equal(text, "CHgi4wuQmqNm");	/* pinned */
	ft_uid_text(0, text);
	assert_string_equal(text, "C0");
	ft_uid_text(UINT64_MAX, text);
	assert_string_equal(text, "CLygHa16AHYF");
	assert_int_equal(strlen(text) + 1, FT_UID_TEXT);
}

/* A VXLAN datagram each way and the ICMP echo inside: the inner flow's
 * parents are both outer flows, first met first; its chain is "vxlan". */
static void parents_are_the_carriers(void **state)
{
	struct ft_table *t = table(64);
	struct dec_pkt p[2];
	int i;

	(void)state;
	for (int k = 0; k < 2; k++) {
		vxlan_pair(p, 1.0 + k, 1, 2, 38071, 1);
		ft_packets(t, p, 2);
		vxlan_pair(p, 1.1 + k, 2, 1, 48134, 0);
		ft_packets(t, p, 2);
	}
	finish(t);
	assert_int_equal(ndone, 3);
	i = find_icmp();
	assert_true(i >= 0);
	assert_int_equal(done[i].nparents, 2);
	assert_int_equal(done[i].tun[0], DEC_TUN_VXLAN);
	assert_int_equal(done[i].tun[1], 0);
	assert_int_equal(done[i].dir[FT_ORIG].pkts, 2);
	assert_int_equal(done[i].dir[FT_RESP].pkts, 2);
	for (int k = 0; k < 2; k++) {
		int found = 0;

		for (int j = 0; j < ndone; j++)
			found += done[j].key.proto == P_UDP &&
				 ft_view_uid(&done[j]) == done[i].parents[k];
		assert_int_equal(found, 1);
	}
	/* the outer flows have no parents and no chain */
	for (int j = 0; j < ndone; j++)
		if (j != i) {
			assert_int_equal(done[j].nparents, 0);
			assert_int_equal(done[j].tun[0], 0);
		}
}

/* More carriers than FT_MAX_PARENTS: the first ones are kept. */
static void parents_are_capped(void **state)
{
	struct ft_table *t = table(64);
	struct dec_pkt p[2];
	int i;

	(void)state;
	for (int k = 0; k < FT_MAX_PARENTS + 3; k++) {
		vxlan_pair(p, 1.0 + k, 1, 2, (uint16_t)(40000 + k), 1);
		ft_packets(t, p, 2);
	}
	finish(t);
	i = find_icmp();
	assert_int_equal(done[i].nparents, FT_MAX_PARENTS);
	assert_int_equal(done[i].dir[FT_ORIG].pkts, FT_MAX_PARENTS + 3);
}

/* A hidden flow (a GRE envelope nobody reports) is counted: it names the
 * parent of the flow inside it, but is never handed on, published, or
 * counted in the stats. */
static void hidden_envelope(void **state)
{
	struct ft_config c = { .max_flows = 64, .publish = true };
	struct ft_table *t;
	struct ft_stats st;
	struct ft_view v;
	struct dec_pkt p[2];
	uint32_t live = 0;

	(void)state;
	ndone = 0;
	t = ft_create(&c, collect, NULL);
	p[0] = udp(1.0, 1, 2, 0, 0, 0);
	p[0].proto = 47;
	p[0].l4 = 0;
	p[0].carrier = DEC_TUN_GRE;
	p[0].hidden = 1;
	p[1] = tcp(1.0, 3, 4, 40000, 22, SYN, 100, 0, 0);
	p[1].layer = 1;
	p[1].tun[0] = DEC_TUN_GRE;
	ft_packets(t, p, 2);
	ft_get_stats(t, &st);
	assert_int_equal(st.created, 1);
	assert_int_equal(st.active, 1);
	for (uint32_t i = 0; i < ft_capacity(t); i++)
		live += (uint32_t)ft_read(t, i, &v);
	assert_int_equal(live, 1);	/* the TCP flow only */
	assert_int_equal(v.key.proto, P_TCP);
	assert_int_equal(v.nparents, 1);
	/* two hours later the envelope (24 h of quiet allowed) still has
	 * its uid; the visible TCP flow timed out meanwhile */
	p[0].ts_ns = p[1].ts_ns = S(7201.0);
	p[1].seq = 9000;
	ft_packets(t, p, 2);
	finish(t);
	assert_int_equal(ndone, 2);
	assert_true(done[0].parents[0] == done[1].parents[0]);
	assert_true(ft_view_uid(&done[0]) != ft_view_uid(&done[1]));
	for (int i = 0; i < ndone; i++)
		assert_int_equal(done[i].key.proto, P_TCP);
}

/* The same GRE flow shown (--tunnels outer: no carrier, not hidden) is an
 * unknown-protocol flow with its 60 s timeout. */
static void shown_gre_times_out(void **state)
{
	struct ft_table *t = table(64);
	struct dec_pkt p = udp(1.0, 1, 2, 0, 0, 0);

	(void)state;
	p.proto = 47;
	p.l4 = 0;
	feed(t, p);
	p.ts_ns = S(62.0);
	feed(t, p);
	finish(t);
	assert_int_equal(ndone, 2);
	assert_int_equal(done[0].end, FT_END_TIMEOUT);
}

/* A view that switches --tunnels modes (cfg.publish_hidden): the hidden
 * GRE envelope is published and ended like the TCP flow inside it, still
 * not counted in the stats; each flow's levels say which modes report it
 * (core/engine.h engine_tunnels_reports: outer the envelope, zeek and
 * inner the TCP flow). */
static void hidden_published_with_levels(void **state)
{
	struct ft_config c = { .max_flows = 64, .publish = true,
			       .publish_hidden = true };
	struct ft_table *t;
	struct ft_stats st;
	struct ft_view v;
	struct dec_pkt p[2];
	uint8_t lv[2] = { 0, 0 };
	int n = 0;

	(void)state;
	ndone = 0;
	t = ft_create(&c, collect, NULL);
	p[0] = udp(1.0, 1, 2, 0, 0, 0);
	p[0].proto = 47;
	p[0].l4 = 0;
	p[0].carrier = DEC_TUN_GRE;
	p[0].hidden = 1;
	p[1] = tcp(1.0, 3, 4, 40000, 22, SYN, 100, 0, 0);
	p[1].layer = 1;
	p[1].tun[0] = DEC_TUN_GRE;
	ft_packets(t, p, 2);
	ft_get_stats(t, &st);
	assert_int_equal(st.created, 1);	/* the TCP flow only */
	for (uint32_t i = 0; i < ft_capacity(t); i++)
		if (ft_read(t, i, &v))
			lv[v.key.proto == P_TCP] = v.levels, n++;
	assert_int_equal(n, 2);			/* both readable */
	assert_int_equal(lv[0], FT_LV_OUTERMOST);
	assert_int_equal(lv[1], FT_LV_INNERMOST);
	ft_flush(t);
	assert_int_equal(ndone, 2);		/* both ended to `done` */
	ft_get_stats(t, &st);
	assert_int_equal(st.ended, 1);
	/* a VXLAN carrier: outermost and a UDP carrier (zeek and outer) */
	vxlan_pair(p, 1.0, 1, 2, 5000, 1);
	assert_int_equal(ft_levels(&p[0]), FT_LV_OUTERMOST | FT_LV_UDP_CARRIER);
	assert_int_equal(ft_levels(&p[1]), FT_LV_INNERMOST);
	ft_destroy(t);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(uids_are_stable_and_distinct),
		cmocka_unit_test(parents_are_the_carriers),
		cmocka_unit_test(parents_are_capped),
		cmocka_unit_test(hidden_envelope),
		cmocka_unit_test(shown_gre_times_out),
		cmocka_unit_test(hidden_published_with_levels),
	};

	return cmocka_run_group_tests(t, setup, NULL);
}
