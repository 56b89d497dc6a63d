/*
 * test_scan.c - scan detection (flowtable/scan.c) fed ended flows made by
 * hand: Zeek's thresholds (15 ports of a host, 25 hosts on a port, 5
 * minutes), what counts as a failed attempt, distinct counting, windows
 * closing and reopening, attempts arriving out of order, the bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/keyhash.h"
#include "../../flowtable/scan.h"

#define S(x) ((int64_t)((x) * 1e9))

static struct scan_event got[64];
static int ngot;

static void collect(void *arg, const struct scan_event *e)
{
	(void)arg;
	assert_true(ngot < 64);
	got[ngot++] = *e;
}

/* A flow from 10.0.0.<src> to 10.0.1.<dst>:<port> at time t. */
static struct ft_view flow(int src, int dst, uint16_t port, double t,
			   int cs, uint8_t proto)
{
	struct ft_view v;

	memset(&v, 0, sizeof(v));
	v.key.proto = proto;
	v.key.flags = FT_K_PORTS;
	v.key.a[0] = 10, v.key.a[3] = (uint8_t)src;
	v.key.b[0] = 10, v.key.b[2] = 1, v.key.b[3] = (uint8_t)dst;
	v.key.pa = 40000;
	v.key.pb = port;
	v.orig_is_a = 1;
	v.conn_state = (uint8_t)cs;
	v.first_ns = v.last_ns = S(t);
	return v;
}

static struct scan *det(uint32_t max)
{
	struct scan_config c = { .max_entries = max };

	ngot = 0;
	return scan_new(&c, collect, NULL);
}

static void feed(struct scan *s, struct ft_view v)
{
	scan_flow(s, &v);
}

/* 14 distinct ports are not a scan; the 15th starts one; repeats of a
 * port do not count; the window's end ends it. */
static void port_scan_threshold(void **state)
{
	struct scan *s = det(0);

	(void)state;
	for (int p = 1; p <= 14; p++) {
		feed(s, flow(1, 2, (uint16_t)p, p * 0.1, FT_CS_REJ, 6));
		feed(s, flow(1, 2, (uint16_t)p, p * 0.1 + 0.01, FT_CS_S0, 6));
	}
	assert_int_equal(ngot, 0);
	feed(s, flow(1, 2, 15, 2.0, FT_CS_S0, 6));
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].kind, SCAN_PORT);
	assert_int_equal(got[0].ended, 0);
	assert_int_equal(got[0].distinct, 15);
	assert_int_equal(got[0].attempts, 29);
	assert_int_equal(got[0].start_ns, S(0.1));
	assert_int_equal(got[0].ts_ns, S(2.0));
	assert_int_equal(got[0].victim[3], 2);
	scan_flush(s, S(10));
	assert_int_equal(ngot, 2);
	assert_int_equal(got[1].ended, 1);
	assert_int_equal(got[1].ts_ns, S(10));
	scan_free(s);
}

/* 25 hosts on one port: an address scan. */
static void address_scan(void **state)
{
	struct scan *s = det(0);

	(void)state;
	for (int h = 1; h <= 25; h++)
		feed(s, flow(1, h, 445, h * 0.1, FT_CS_S0, 6));
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].kind, SCAN_ADDR);
	assert_int_equal(got[0].port, 445);
	assert_int_equal(got[0].proto, 6);
	assert_int_equal(got[0].distinct, 25);
	scan_free(s);
}

/* Not failed: data was exchanged, or the connection completed; a UDP
 * flow without an ICMP verdict. */
static void successes_do_not_count(void **state)
{
	struct scan *s = det(0);
	struct ft_view v;

	(void)state;
	for (int p = 1; p <= 40; p++) {
		v = flow(1, 2, (uint16_t)p, p * 0.1, FT_CS_SF, 6);
		feed(s, v);
		v = flow(1, 2, (uint16_t)(100 + p), p * 0.1, FT_CS_RSTO, 6);
		v.dir[0].bytes = 10;
		feed(s, v);
		feed(s, flow(1, 2, (uint16_t)(200 + p), p * 0.1, FT_CS_S0, 17));
	}
	assert_int_equal(ngot, 0);
	/* UDP answered by port unreachable counts */
	for (int p = 1; p <= 15; p++) {
		v = flow(1, 2, (uint16_t)(300 + p), 5 + p * 0.1, FT_CS_S0, 17);
		v.port_state = FT_PS_CLOSED;
		feed(s, v);
	}
	assert_int_equal(ngot, 1);
	scan_free(s);
}

/* 10 ports, then 10 more 6 minutes later: two windows of 10, no scan; a
 * flow ending past a started scan's window ends it. */
static void windows(void **state)
{
	struct scan *s = det(0);

	(void)state;
	for (int p = 1; p <= 10; p++)
		feed(s, flow(1, 2, (uint16_t)p, p, FT_CS_S0, 6));
	for (int p = 11; p <= 20; p++)
		feed(s, flow(1, 2, (uint16_t)p, 360 + p, FT_CS_S0, 6));
	assert_int_equal(ngot, 0);
	for (int p = 21; p <= 30; p++)	/* 15 reached in the 2nd window */
		feed(s, flow(1, 2, (uint16_t)p, 400 + p, FT_CS_S0, 6));
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].start_ns, S(371));
	feed(s, flow(9, 9, 80, 371 + 300 + 31, FT_CS_SF, 6));
	assert_int_equal(ngot, 2);
	assert_int_equal(got[1].ended, 1);
	assert_int_equal(got[1].ts_ns, S(371 + 300));
	assert_int_equal(got[1].distinct, 20);
	scan_free(s);
}

/* Out of order: the window's start is its earliest attempt. */
static void out_of_order(void **state)
{
	struct scan *s = det(0);

	(void)state;
	for (int p = 15; p >= 1; p--)
		feed(s, flow(1, 2, (uint16_t)p, p, FT_CS_S0, 6));
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].start_ns, S(1));
	assert_int_equal(got[0].ts_ns, S(15));
	scan_free(s);
}

/* A tiny table: attempts beyond it are dropped and counted, not lost
 * silently; nothing crashes. */
static void bounded(void **state)
{
	struct scan *s = det(64);

	(void)state;
	for (int h = 1; h <= 200; h++)
		for (int p = 1; p <= 3; p++)
			feed(s, flow(h, h, (uint16_t)p, h, FT_CS_S0, 6));
	assert_true(scan_dropped(s) > 0);
	scan_free(s);
}

static int setup(void **state)
{
	static const uint8_t seed[16] = { 7 };

	(void)state;
	return keyhash_init(seed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(port_scan_threshold),
		cmocka_unit_test(address_scan),
		cmocka_unit_test(successes_do_not_count),
		cmocka_unit_test(windows),
		cmocka_unit_test(out_of_order),
		cmocka_unit_test(bounded),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
