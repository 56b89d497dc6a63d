/*
 * test_rules.c - the rules of `porttop check` (rules/rules_*.c) and their
 * judgement (rules/check.c, check_agg.c) on hand-made rows (sample_rows.h:
 * TCP flows over IPv4 and IPv6 to port 80 by curl, an ICMP flow; port 8082
 * refused with 2 of 20 packets resent, port 22 listened on by sshd; curl
 * and the unattributed row): every check kind passing and failing with
 * its figure, the messages' lines and columns, and diff's comparison
 * (rules/diff.c) of two sides made by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../rules/check.h"
#include "../../rules/diff.h"
#include "../../rules/diff_int.h"
#include "sample_rows.h"

static struct rules *load(const char *text, char *err)
{
	return rules_from_text("t.yaml", (const unsigned char *)text,
			       strlen(text), err, RULES_ERR_MAX);
}

/* The verdict of the one check in text; its detail into detail (or ""). */
static int verdict(const char *text, char *detail, size_t len)
{
	static const void *rows[3][3];
	struct check_rows cr;
	char err[RULES_ERR_MAX];
	struct rules *rs = load(text, err);
	struct verdict v;

	if (!rs)
		fail_msg("%s did not load: %s", text, err);
	sample_rows(rows, cr.n);
	for (int k = 0; k < 3; k++)
		cr.rows[k] = rows[k];
	/* services rows are port rows (report/ports.h): the ports' serve */
	cr.rows[REP_SERVICES] = rows[REP_PORTS];
	cr.n[REP_SERVICES] = cr.n[REP_PORTS];
	assert_int_equal(rs->n, 1);
	assert_int_equal(check_eval(&rs->r[0], &cr, &v), 0);
	snprintf(detail, len, "%s", v.detail ? v.detail : "");
	free(v.detail);
	rules_free(rs);
	return v.ok;
}

#define CHECK(body) "checks:\n  - name: t\n" body

static void counts(void **state)
{
	char d[4096];

	(void)state;
	assert_true(verdict(CHECK("    flows: port 80\n    count: 2\n"),
			    d, sizeof(d)));
	assert_false(verdict(CHECK("    flows: port 80\n    count: 0\n"),
			     d, sizeof(d)));
	assert_non_null(strstr(d, "2 flows chosen, expected exactly 0\n"));
	assert_non_null(strstr(d, "START (UTC)"));	/* the rows' header */
	assert_false(verdict(CHECK("    procs: comm == curl\n"
				   "    count: {min: 2}\n"), d, sizeof(d)));
	assert_string_equal(d, "1 proc chosen, expected at least 2\n");
	assert_true(verdict(CHECK("    ports: \"\"\n"
				  "    count: {min: 1, max: 2}\n"), d, sizeof(d)));
	assert_true(verdict(CHECK("    services: port == 8082\n"
				  "    count: 1\n"), d, sizeof(d)));
	assert_false(verdict(CHECK("    services: \"\"\n    count: 0\n"),
			     d, sizeof(d)));
	assert_non_null(strstr(d, "2 services chosen, expected exactly 0\n"));
}

static void each(void **state)
{
	char d[4096];

	(void)state;
	assert_true(verdict(CHECK("    flows: proto tcp\n"
				  "    each: orig_comm == curl\n"), d, sizeof(d)));
	assert_false(verdict(CHECK("    flows: \"\"\n    each: proto tcp\n"),
			     d, sizeof(d)));
	assert_non_null(strstr(d, "1 of 3 flows does not match: proto tcp\n"));
	assert_non_null(strstr(d, " icmp "));	/* the offending row */
	assert_null(strstr(d, "[a0a::]"));	/* and only it */
}

static void aggregates(void **state)
{
	char d[4096];

	(void)state;
	/* 1025 data bytes each way... of orig, twice */
	assert_false(verdict(CHECK("    flows: proto tcp\n"
				   "    aggregate: sum(orig_bytes)\n"
				   "    max: 2K\n"), d, sizeof(d)));
	assert_non_null(strstr(d, "sum(orig_bytes) is 2050 (2.0K) over 2 "
				  "flows, expected at most 2048 (2.0K)\n"));
	assert_true(verdict(CHECK("    flows: \"\"\n"
				  "    aggregate: distinct(resp_h)\n"
				  "    min: 2\n    max: 2\n"), d, sizeof(d)));
	/* port 8082: 2 of 20 TCP packets resent */
	assert_false(verdict(CHECK("    ports: \"\"\n"
				   "    aggregate: retrans_rate\n"
				   "    max: 5%\n"), d, sizeof(d)));
	assert_non_null(strstr(d, "retrans_rate is 10.00% over 2 ports"));
	/* the flows' handshakes: 2345.678 us both */
	assert_true(verdict(CHECK("    flows: \"\"\n    aggregate: rtt_p95\n"
				  "    min: 2ms\n    max: 2.5ms\n"), d, sizeof(d)));
	/* 3 of 3 connections to 8082 refused */
	assert_false(verdict(CHECK("    ports: \"\"\n"
				   "    aggregate: failed_handshakes\n"
				   "    max: 50%\n"), d, sizeof(d)));
	assert_non_null(strstr(d, "is 100.00% over 2 ports"));
	/* nothing to measure is a failure, and says why */
	assert_false(verdict(CHECK("    flows: proto icmp\n"
				   "    aggregate: rtt_p50\n    max: 1s\n"),
			     d, sizeof(d)));
	assert_non_null(strstr(d, "no handshake time among them"));
}

static void ports_and_listeners(void **state)
{
	char d[4096];

	(void)state;
	assert_true(verdict(CHECK("    port: tcp/8082\n    state: closed\n"),
			    d, sizeof(d)));
	assert_false(verdict(CHECK("    port: tcp/8082\n    state: open\n"),
			     d, sizeof(d)));
	assert_non_null(strstr(d, "tcp/8082 is closed, expected open\n"));
	assert_false(verdict(CHECK("    port: udp/53\n    state: open\n"),
			     d, sizeof(d)));
	assert_non_null(strstr(d, "udp/53 has no row"));
	assert_true(verdict(CHECK("    listeners: [tcp/22]\n"), d, sizeof(d)));
	assert_false(verdict(CHECK("    listeners: []\n"), d, sizeof(d)));
	assert_non_null(strstr(d, "sshd:31"));
}

/* Each refused file: the message, place included. */
static void errors(void **state)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ CHECK("    flows: orgi_h == 1\n    count: 1\n"),
		  "t.yaml:3:12: unknown field \"orgi_h\"" },
		{ CHECK("    flows: 'port 80 and'\n    count: 1\n"),
		  "t.yaml:3:24: expected a field" },
		{ CHECK("    flows: port 80\n    count: x\n"),
		  "t.yaml:4:12: expected a whole number for count" },
		{ CHECK("    flows: port 80\n    count: 1\n    bogus: 1\n"),
		  "t.yaml:5:5: unknown key \"bogus\"" },
		{ "checks: [\n", "t.yaml:2:1: " },
		{ CHECK("    port: tcp/99999\n    state: open\n"),
		  "t.yaml:3:11: expected PROTO/PORT" },
	};
	char err[RULES_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(load(bad[i].text, err));
		if (strncmp(err, bad[i].msg, strlen(bad[i].msg)))
			fail_msg("%s: got \"%s\"", bad[i].msg, err);
	}
}

static struct dflow dflow(const char *resp_h, int port, const char *cs,
			  int64_t bytes)
{
	struct dflow f = { .resp_p = port, .port_state = FT_PS_OPEN };

	snprintf(f.proto, sizeof(f.proto), "tcp");
	snprintf(f.orig_h, sizeof(f.orig_h), "10.0.0.1");
	snprintf(f.resp_h, sizeof(f.resp_h), "%s", resp_h);
	snprintf(f.conn_state, sizeof(f.conn_state), "%s", cs);
	f.val[DIFF_RESP_BYTES] = bytes;
	return f;
}

/* Two sides of three flows: port 80 twice SF, then REJ and SF; a
 * third flow to 10.0.0.3:22, then to 10.0.0.4:port4. */
static void sides(struct dflow a[3], struct dflow b[3], int port4)
{
	a[0] = a[1] = dflow("10.0.0.2", 80, "SF", 100);
	a[2] = dflow("10.0.0.3", 22, "SF", 5);
	b[0] = dflow("10.0.0.2", 80, "REJ", 0);
	b[1] = dflow("10.0.0.2", 80, "SF", 195);
	b[2] = dflow("10.0.0.4", port4, "SF", 5);
}

static void diffs(void **state)
{
	struct dflow a[3], b[3];
	struct dside sa = { "a", a, 3, 3 }, sb = { "b", b, 3, 3 };
	struct diff_opts o = { 0 };
	char *text = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	sides(a, b, 443);
	assert_int_equal(diff_option(&o, DIFF_OPT_TOLERANCE, "10%", err,
				     sizeof(err)), 0);
	b[0].port_state = FT_PS_CLOSED;
	b[0].first_ns = 1;	/* the latest verdict: closed */
	assert_int_equal(diff_write(f, &sa, &sb, &o), 6);
	fclose(f);
	assert_string_equal(text,
		"--- a\n+++ b\n"
		"~tcp 10.0.0.1 > 10.0.0.2:80  conn_state SF:2 -> REJ:1 SF:1\n"
		"-tcp 10.0.0.1 > 10.0.0.3:22  flows 1  conn_state SF:1\n"
		"+tcp 10.0.0.1 > 10.0.0.4:443  flows 1  conn_state SF:1\n"
		"-port tcp/22  open\n"
		"~port tcp/80  open -> closed\n"
		"+port tcp/443  open\n");
	free(text);
	assert_int_equal(diff_ignore(&o, "resp_bytes"), 0);
	assert_int_equal(diff_ignore(&o, "ts"), -1);
}

/* The same two sides as JSON Lines: one line per changed field (the
 * conn_state mix as an object, the tolerance it was judged with), one
 * per object that came or went (its fields on its side), hosts null
 * when ignored; resp_bytes 200 -> 195 within 10 %. */
static void diffs_json(void **state)
{
	struct dflow a[3], b[3];
	struct dside sa = { "a", a, 3, 3 }, sb = { "b", b, 3, 3 };
	struct diff_opts o = { .json = 1, .ignore_ports = 1 };
	char *text = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	sides(a, b, 22);
	assert_int_equal(diff_option(&o, DIFF_OPT_TOLERANCE, "flows=0.5",
				     err, sizeof(err)), 0);
	assert_int_equal(diff_option(&o, DIFF_OPT_TOLERANCE, "0.1", err,
				     sizeof(err)), 0);
	assert_int_equal(diff_option(&o, DIFF_OPT_IGNORE_HOSTS, NULL, err,
				     sizeof(err)), 0);
	assert_int_equal(diff_write(f, &sa, &sb, &o), 1);
	fclose(f);
	assert_string_equal(text,
		"{\"kind\":\"changed\",\"object\":\"service\",\"proto\":\"tcp\","
		"\"orig_h\":null,\"resp_h\":null,\"resp_p\":80,"
		"\"field\":\"conn_state\",\"baseline\":{\"SF\":2},"
		"\"current\":{\"REJ\":1,\"SF\":1},\"tolerance\":null}\n");
	free(text);
	o.ignore_orig_h = o.ignore_resp_h = 0;
	text = NULL;
	f = open_memstream(&text, &len);
	assert_int_equal(diff_write(f, &sa, &sb, &o), 3);
	fclose(f);
	assert_non_null(strstr(text,
		"{\"kind\":\"disappeared\",\"object\":\"service\",\"proto\":"
		"\"tcp\",\"orig_h\":\"10.0.0.1\",\"resp_h\":\"10.0.0.3\","
		"\"resp_p\":22,\"field\":null,\"baseline\":{\"flows\":1,"
		"\"conn_state\":{\"SF\":1}},\"current\":null,"
		"\"tolerance\":null}\n"));
	free(text);
	assert_true(o.tol[DIFF_TOL_FLOWS] == 0.5);
	assert_true(o.tol[DIFF_ORIG_BYTES] == 0.1);
	assert_int_equal(diff_option(&o, DIFF_OPT_TOLERANCE, "ts=1%", err,
				     sizeof(err)), -1);
	assert_int_equal(diff_option(&o, DIFF_OPT_TOLERANCE, "150%", err,
				     sizeof(err)), -1);
	assert_int_equal(diff_option(&o, DIFF_OPT_FORMAT, "csv", err,
				     sizeof(err)), -1);
}

/* --map: networks keep the host bits, an address takes a whole network
 * or an address of either family,
 * the first rule that covers an address wins; bad lines say FILE:LINE. */
static void diff_maps(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "127.0.0.5", "10.1.2.5" }, { "127.1.0.5", "9.9.9.9" },
		{ "::1", "192.0.2.7" }, { "fd00::1:2", "fd01::1:2" },
		{ "192.0.2.7", "192.0.2.7" },
	};
	static const struct { const char *text, *msg; } bad[] = {
		{ "# ok\n10.0.0.0/8\n", ":2: give two" },
		{ "10.0.0.0/8 10.0.0.0/16\n", ":1: CURRENT is an address" },
		{ "\n\n10.0.0.0/8 fd00::/8\n", ":3: CURRENT is an address" },
		{ "1.2.3.4 10.0.0.0/8\n", ":1: CURRENT is an address" },
		{ "1.2.3.4 x\n", ":1: not an address" },
	};
	char path[] = "/tmp/test_rules_map.XXXXXX", err[256], addr[48];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct diff_opts o = { 0 };

	(void)state;
	fputs("# the baseline's run  the current one\n"
	      "127.0.0.0/24 10.1.2.0/24   # loopback to the runner's\n"
	      "::1 192.0.2.7\nfd00::/16 fd01::/16\n127.0.0.0/8 9.9.9.9\n", f);
	fclose(f);
	assert_int_equal(diff_option(&o, DIFF_OPT_MAP, path, err,
				     sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(addr, sizeof(addr), "%s", cases[i].in);
		diff_map_apply(o.map, addr, sizeof(addr));
		assert_string_equal(addr, cases[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = fopen(path, "w");
		fputs(bad[i].text, f);
		fclose(f);
		assert_int_equal(diff_option(&o, DIFF_OPT_MAP, path, err,
					     sizeof(err)), -1);
		if (!strstr(err, bad[i].msg) || strncmp(err, path, strlen(path)))
			fail_msg("%s: got \"%s\"", bad[i].msg, err);
	}
	unlink(path);
	diff_opts_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts),
		cmocka_unit_test(each),
		cmocka_unit_test(aggregates),
		cmocka_unit_test(ports_and_listeners),
		cmocka_unit_test(errors),
		cmocka_unit_test(diffs),
		cmocka_unit_test(diffs_json),
		cmocka_unit_test(diff_maps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
