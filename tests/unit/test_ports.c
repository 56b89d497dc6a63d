/*
 * test_ports.c - the per-responder table (report/ports.c) fed flows made
 * by hand: port and service rows folded by one rule, distinct clients and
 * servers (exact, and once per refresh for live flows on top), the state
 * rule whatever order flows end in, listeners, and the bounds (services
 * dropped but still counted in their port; distinct sets capped), and
 * distinct counting deferred to a sort (reports) giving the same counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/keyhash.h"
#include "../../report/ports.h"

#define S(x) ((int64_t)((x) * 1e9))

static const struct attr_end nobody[2] = {
	{ .pid = -1, .uid = (uint32_t)-1, .why = ATTR_DISABLED },
	{ .pid = -1, .uid = (uint32_t)-1, .why = ATTR_DISABLED },
};

/* TCP from 10.0.0.<cli>:<cport> to 10.0.1.<srv>:<port> starting at t. */
static struct ft_view flow(int cli, int cport, int srv, uint16_t port,
			   double t, int cs)
{
	struct ft_view v;

	memset(&v, 0, sizeof(v));
	v.key.proto = 6;
	v.key.flags = FT_K_PORTS;
	v.key.a[0] = 10, v.key.a[3] = (uint8_t)cli;
	v.key.b[0] = 10, v.key.b[2] = 1, v.key.b[3] = (uint8_t)srv;
	v.key.pa = (uint16_t)cport;
	v.key.pb = port;
	v.orig_is_a = 1;
	v.conn_state = (uint8_t)cs;
	v.port_state = cs == FT_CS_SF ? FT_PS_OPEN :
		       cs == FT_CS_REJ ? FT_PS_CLOSED : FT_PS_FILTERED;
	v.first_ns = v.last_ns = S(t);
	v.dir[0].pkts = v.dir[1].pkts = 1;
	v.rtt_syn_synack_ns = v.rtt_synack_ack_ns = -1;
	return v;
}

static const struct port_row *add(struct ports *t, struct ft_view v)
{
	return ports_add(t, &v, nobody);
}

static int setup(void **state)
{
	static const uint8_t seed[16] = { 3 };

	(void)state;
	return keyhash_init(seed);
}

/* Two servers on one port, three clients (one talks to both): one port
 * row with 3 clients, 2 servers; a service row per server. */
static void ports_and_services(void **state)
{
	struct ports *t = ports_new(NULL);
	const struct port_row *p;

	(void)state;
	add(t, flow(1, 40000, 1, 80, 1, FT_CS_SF));
	add(t, flow(1, 40001, 2, 80, 2, FT_CS_SF));
	add(t, flow(2, 40000, 1, 80, 3, FT_CS_SF));
	p = add(t, flow(3, 40000, 2, 80, 4, FT_CS_REJ));
	assert_non_null(p);
	assert_int_equal(ports_nports(t), 1);
	assert_int_equal(p->conns, 4);
	assert_int_equal(p->clients, 3);
	assert_int_equal(p->servers, 2);
	assert_int_equal(p->established, 3);
	assert_int_equal(p->rejected, 1);
	assert_int_equal(ports_nservices(t), 2);
	for (size_t i = 0; i < 2; i++) {
		const struct port_row *s = ports_service(t, i);

		assert_int_equal(s->ipv, 4);
		assert_int_equal(s->port, 80);
		assert_int_equal(s->conns, 2);
		/* each server's own state: .1 answered, .2 refused last */
		assert_int_equal(s->state, s->addr[3] == 1 ? FT_PS_OPEN :
							    FT_PS_CLOSED);
	}
	/* the port: the latest-starting decisive flow (closed at t=4) */
	assert_int_equal(p->state, FT_PS_CLOSED);
	assert_int_equal(ports_find(t, 6, 80), 0);
	assert_int_equal(ports_find(t, 17, 80), -1);
	ports_free(t);
}

/* The state does not depend on the order flows end in; at one start the
 * larger verdict wins (filtered > closed > open). */
static void state_order(void **state)
{
	struct ft_view v[3] = { flow(1, 1, 1, 22, 5, FT_CS_SF),
				flow(2, 1, 1, 22, 9, FT_CS_REJ),
				flow(3, 1, 1, 22, 9, FT_CS_S0) };
	int orders[6][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
			     { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };

	(void)state;
	for (int o = 0; o < 6; o++) {
		struct ports *t = ports_new(NULL);
		const struct port_row *p = NULL;

		for (int i = 0; i < 3; i++)
			p = add(t, v[orders[o][i]]);
		assert_int_equal(p->state, FT_PS_FILTERED);
		assert_int_equal(p->evidence[FT_PS_OPEN], 1);
		assert_int_equal(p->evidence[FT_PS_CLOSED], 1);
		assert_int_equal(p->evidence[FT_PS_FILTERED], 1);
		ports_free(t);
	}
}

/* A port says how many of its servers are in each state, each server by
 * its own latest verdict: a server that moves from filtered to open moves
 * in the counts; the port's own state stays the latest verdict. */
static void servers_by_state_in(int slim)
{
	struct ports *t = ports_new(&(struct ports_config){
		.no_service_rows = slim });
	const struct port_row *p;

	add(t, flow(1, 40000, 1, 80, 1, FT_CS_SF));
	add(t, flow(1, 40001, 2, 80, 2, FT_CS_S0));	/* .2 filtered */
	p = add(t, flow(1, 40002, 3, 80, 3, FT_CS_REJ));
	assert_int_equal(p->server_state[FT_PS_OPEN], 1);
	assert_int_equal(p->server_state[FT_PS_CLOSED], 1);
	assert_int_equal(p->server_state[FT_PS_FILTERED], 1);
	p = add(t, flow(2, 40000, 2, 80, 4, FT_CS_SF));	/* .2 answers */
	assert_int_equal(p->server_state[FT_PS_OPEN], 2);
	assert_int_equal(p->server_state[FT_PS_CLOSED], 1);
	assert_int_equal(p->server_state[FT_PS_FILTERED], 0);
	/* an older unanswered attempt ending late changes nothing */
	p = add(t, flow(3, 40000, 1, 80, 0.5, FT_CS_S0));
	assert_int_equal(p->server_state[FT_PS_OPEN], 2);
	assert_int_equal(p->server_state[FT_PS_FILTERED], 0);
	assert_int_equal(p->state, FT_PS_OPEN);
	assert_int_equal(ports_nservices(t), slim ? 0 : 3);
	for (size_t i = 0; i < ports_nservices(t); i++)
		assert_int_equal(ports_service(t, i)->server_state[FT_PS_OPEN],
				 0);
	ports_free(t);
}

/* slim: services kept only for their port's counts (the ports report),
 * with the same counts and no service rows */
static void servers_by_state(void **state)
{
	(void)state;
	servers_by_state_in(0);
	servers_by_state_in(1);
}

/* A view: a live flow's client counts once per refresh; once an ended
 * flow brought it, live flows never count it again. */
static void live_overlay(void **state)
{
	struct ports *t = ports_new(NULL);
	struct ft_view live = flow(7, 50000, 1, 443, 1, FT_CS_SF);
	struct ft_view live2 = flow(7, 50001, 1, 443, 2, FT_CS_SF);
	uint64_t c, s;

	(void)state;
	ports_live_begin(t);
	ports_live_distinct(t, &live, &c, &s);
	assert_int_equal(c, 1);
	assert_int_equal(s, 1);
	ports_live_distinct(t, &live2, &c, &s);	/* same refresh, same ends */
	assert_int_equal(c, 0);
	assert_int_equal(s, 0);
	ports_live_begin(t);			/* the next refresh */
	ports_live_distinct(t, &live2, &c, &s);
	assert_int_equal(c, 1);
	assert_int_equal(s, 1);
	/* the first flow ends: counted for good, in the ended row */
	assert_int_equal(add(t, live)->clients, 1);
	ports_live_begin(t);
	ports_live_distinct(t, &live2, &c, &s);
	assert_int_equal(c, 0);
	assert_int_equal(s, 0);
	ports_free(t);
}

/* IPv4 and IPv6 ends are kept apart (one word an IPv4 key, a wide entry
 * otherwise), and both count exactly: thousands of clients, ended and
 * live, each counted once for good or once per refresh, also across the
 * sets' growth while a view counts. */
static void many_clients(void **state)
{
	struct ports *t = ports_new(NULL);
	const struct port_row *p = NULL;
	uint64_t c, s, sum;

	(void)state;
	for (int v6 = 0; v6 < 2; v6++)
		for (int i = 0; i < 3000; i++) {
			struct ft_view v = flow(0, 40000, 1, 53, 1, FT_CS_SF);

			v.key.a[1] = (uint8_t)(i >> 8);
			v.key.a[2] = (uint8_t)i;
			if (v6) {	/* the same 4 bytes, then more */
				v.key.a[15] = 1;
				v.key.flags |= FT_K_V6;
			}
			p = add(t, v);
			p = add(t, v);	/* again: not a new client */
		}
	assert_int_equal(p->conns, 12000);
	assert_int_equal(p->clients, 6000);
	assert_int_equal(p->servers, 1);
	for (int r = 0; r < 2; r++) {
		ports_live_begin(t);
		for (int pass = 0; pass < 2; pass++) {
			sum = 0;
			for (int i = 0; i < 8000; i++) {
				struct ft_view v = flow(0, 1, 2, 53, 2,
							FT_CS_SF);

				v.key.a[1] = (uint8_t)(i >> 8);
				v.key.a[2] = (uint8_t)i;
				v.key.a[15] = (uint8_t)(i & 1);
				ports_live_distinct(t, &v, &c, &s);
				sum += c;
			}
			/* the 3000 that ended before (even i below 3000
			 * in IPv4, odd ones in IPv6) never count; the
			 * others once a refresh */
			assert_int_equal(sum, pass ? 0 : 8000 - 3000);
		}
	}
	ports_free(t);
}

/* Bounds: services beyond max_services are dropped but their flows still
 * count in the port row; distinct entries beyond max_distinct are not
 * counted and say so. */
static void bounds(void **state)
{
	(void)state;
	for (int defer = 0; defer < 2; defer++) {
		struct ports_config c = { .max_services = 2,
					  .max_distinct = 4,
					  .defer_distinct = defer };
		struct ports *t = ports_new(&c);
		const struct port_row *p = NULL;
		struct ports_stats st;

		for (int srv = 1; srv <= 5; srv++)
			p = add(t, flow(srv, 1000, srv, 25, srv, FT_CS_SF));
		ports_settle(t);
		ports_get_stats(t, &st);
		assert_int_equal(ports_nservices(t), 2);
		assert_int_equal(st.services_dropped, 3);
		assert_int_equal(p->conns, 5);
		assert_true(st.distinct_capped);
		assert_true(p->clients + p->servers <= 4);
		assert_true(p->clients + p->servers >= 1);
		if (!defer)	/* the first flow's two ends came first */
			assert_true(p->clients >= 1 && p->servers >= 1);
		ports_free(t);
	}
}

/* A listener without flows: a row of its own, listening-idle, owned by
 * the listener's process; a flow later makes it a port like others. */
static void listeners(void **state)
{
	struct ports *t = ports_new(NULL);
	struct attr_listener l = { .proto = 6, .ipv = 4, .port = 8080,
				   .owner = { .pid = 42, .comm = "srv" } };
	const struct port_row *p;

	(void)state;
	assert_int_equal(ports_listen(t, &l), 0);
	p = ports_port(t, 0);
	assert_int_equal(port_row_state(p), REP_PS_LISTEN_IDLE);
	assert_int_equal(p->role, REP_ROLE_LISTEN);
	assert_int_equal(p->owner.pid, 42);
	p = add(t, flow(1, 1, 1, 8080, 1, FT_CS_SF));
	assert_int_equal(port_row_state(p), FT_PS_OPEN);
	assert_int_equal(p->owner.pid, 42);
	/* ICMP has no port rows */
	struct ft_view icmp = flow(1, 0, 1, 0, 1, FT_CS_OTH);
	icmp.key.proto = 1;
	assert_null(ports_add(t, &icmp, nobody));
	ports_free(t);
}

/* defer_distinct (reports): the same clients and servers as the hash
 * sets, for IPv4 and IPv6 ends (200,000
 * flows, 100,003 distinct clients on two ports), and a second settle
 * after more flows counts only the new addresses. */
static void deferred(void **state)
{
	struct ports_config dc = { .defer_distinct = true };
	struct ports *d = ports_new(&dc), *h = ports_new(NULL);
	long pd, ph;

	(void)state;
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 100000; i++) {
			int c = (i * 7919) % (50000 + round * 3);
			struct ft_view v = flow(0, 1000, i % 3, 80 + (i & 1),
						1, FT_CS_SF);

			v.key.a[1] = (uint8_t)(c >> 8);
			v.key.a[2] = (uint8_t)c;
			v.key.a[15] = (uint8_t)(i % 5 == 0);	/* IPv6 */
			v.key.flags |= v.key.a[15] ? FT_K_V6 : 0;
			add(d, v);
			add(h, v);
		}
		ports_settle(d);
		ports_settle(h);	/* nothing to do */
		for (uint16_t port = 80; port <= 81; port++) {
			pd = ports_find(d, 6, port);
			ph = ports_find(h, 6, port);
			assert_true(pd >= 0 && ph >= 0);
			assert_true(ports_port(h, (size_t)ph)->clients > 20000);
			assert_int_equal(ports_port(d, (size_t)pd)->clients,
					 ports_port(h, (size_t)ph)->clients);
			assert_int_equal(ports_port(d, (size_t)pd)->servers,
					 ports_port(h, (size_t)ph)->servers);
		}
	}
	ports_free(d);
	ports_free(h);
}

/* defer_distinct's repeat filter (log4_add): a client seen again and
 * again counts once, the first and the repeats alike, also the one whose
 * log word is 0 (0.0.0.0 to TCP port 0: the filter's empty slot must not
 * take it for a repeat); a repeat after a settle is not a new client. */
static void deferred_repeats(void **state)
{
	struct ports_config dc = { .defer_distinct = true };
	struct ports *d = ports_new(&dc);
	long p0, p80;

	(void)state;
	for (int i = 0; i < 3000; i++) {
		struct ft_view v = flow(i % 3, 1000 + i, 9, 80, 1, FT_CS_SF);
		struct ft_view z = flow(0, 1000 + i, 9, 0, 1, FT_CS_SF);

		memset(z.key.a, 0, sizeof(z.key.a));	/* 0.0.0.0 */
		add(d, v);
		add(d, z);
	}
	ports_settle(d);
	p0 = ports_find(d, 6, 0);
	p80 = ports_find(d, 6, 80);
	assert_true(p0 >= 0 && p80 >= 0);
	assert_int_equal(ports_port(d, (size_t)p0)->clients, 1);
	assert_int_equal(ports_port(d, (size_t)p80)->clients, 3);
	assert_int_equal(ports_port(d, (size_t)p80)->servers, 1);
	add(d, flow(1, 999, 9, 80, 2, FT_CS_SF));
	add(d, flow(4, 999, 9, 80, 2, FT_CS_SF));
	ports_settle(d);
	assert_int_equal(ports_port(d, (size_t)p80)->clients, 4);
	ports_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ports_and_services),
		cmocka_unit_test(state_order),
		cmocka_unit_test(servers_by_state),
		cmocka_unit_test(live_overlay),
		cmocka_unit_test(many_clients),
		cmocka_unit_test(bounds),
		cmocka_unit_test(deferred),
		cmocka_unit_test(deferred_repeats),
		cmocka_unit_test(listeners),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
