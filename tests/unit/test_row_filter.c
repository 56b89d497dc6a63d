/*
 * test_row_filter.c - display filters on report rows (report/row_filter.c):
 * every field of every kind reads the value its JSON writer prints (each
 * key compared with the value jansson wrote for it, so a field's name,
 * type or cell cannot drift from the report's), the aliases and
 * shorthands of each kind, bare words over the text the view's / filter
 * searched, and errors that name the kind.  The language itself is tested
 * in test_dfilter.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "../../lib/jsonw.h"
#include "../../report/row_filter.h"
#include "../../report/rows.h"
#include "sample_rows.h"

static int match(enum rep_kind kind, const char *expr, const void *row)
{
	struct df_error err;
	struct rep_filter *f = rep_filter_compile(kind, expr, &err);
	int m;

	if (!f)
		fail_msg("'%s' did not compile: column %d: %s", expr, err.col,
			 err.msg);
	m = rep_filter_match(f, row);
	rep_filter_free(f);
	return m;
}

#define YES(k, expr, row) assert_int_equal(match((k), (expr), (row)), 1)
#define NO(k, expr, row) assert_int_equal(match((k), (expr), (row)), 0)

/* The row as the report's JSON writer writes it, read back by jansson. */
static json_t *row_json(enum rep_kind kind, const void *row)
{
	char buf[REP_JSON_MAX];
	struct jsonw w;

	jsonw_init(&w, buf, sizeof(buf));
	jsonw_open(&w);
	rep_json_members(&w, kind, row);
	jsonw_close(&w);
	assert_false(w.full);
	return json_loadb(buf, w.len, 0, NULL);
}

/* Every key of o (the row's JSON) compared with the value written for it
 * must match the row, and the negation must not. */
static void same_as_json(enum rep_kind kind, json_t *o, const void *row)
{
	const char *key;
	json_t *v;
	char expr[256], neg[300];

	assert_non_null(o);
	json_object_foreach(o, key, v) {
		if (json_is_null(v))
			snprintf(expr, sizeof(expr), "%s == null", key);
		else if (json_is_integer(v))
			snprintf(expr, sizeof(expr), "%s == %lld", key,
				 (long long)json_integer_value(v));
		else if (json_is_real(v))	/* seconds, or a fraction */
			snprintf(expr, sizeof(expr), "%s == %.6f", key,
				 json_real_value(v));
		else if (json_is_array(v))	/* tunnel_parents: a word */
			snprintf(expr, sizeof(expr), "%s ~ \"%s\"", key,
				 json_array_size(v) ? json_string_value(
					json_array_get(v, 0)) : "");
		else if (json_is_boolean(v))
			snprintf(expr, sizeof(expr), "%s == %s", key,
				 json_is_true(v) ? "true" : "false");
		else
			snprintf(expr, sizeof(expr), "%s == \"%s\"", key,
				 json_string_value(v));
		snprintf(neg, sizeof(neg), "not (%s)", expr);
		YES(kind, expr, row);
		NO(kind, neg, row);
	}
}

static void every_field_reads_what_json_writes(void **state)
{
	struct flow_rec f[3] = { flow(0), flow(1), icmp() };
	struct port_row p[2] = { port(0), port(1) };
	struct rep_proc pr[2] = { proc(1), proc(0) };
	json_t *o;

	(void)state;
	for (int i = 0; i < 3; i++) {
		same_as_json(REP_FLOWS, o = row_json(REP_FLOWS, &f[i]), &f[i]);
		json_decref(o);
	}
	for (int i = 0; i < 2; i++) {
		same_as_json(REP_PORTS, o = row_json(REP_PORTS, &p[i]), &p[i]);
		json_decref(o);
	}
	for (int i = 0; i < 2; i++) {
		same_as_json(REP_PROCS, o = row_json(REP_PROCS, &pr[i]), &pr[i]);
		json_decref(o);
	}
}

static void flows(void **state)
{
	struct flow_rec f = flow(0), f6 = flow(1), e = icmp();

	(void)state;
	YES(REP_FLOWS, "orig_bytes > 1K", &f);		/* 1025 > 1024 */
	NO(REP_FLOWS, "resp_bytes > 1K", &f);		/* 1024 */
	YES(REP_FLOWS, "orig_wire_bytes > 120K and orig_wire_bytes < 121K",
	    &f);
	YES(REP_FLOWS, "host 10.10.10.10 and host 253.253.253.253", &f);
	YES(REP_FLOWS, "net 253.0.0.0/8", &f);
	YES(REP_FLOWS, "net a0a::/16", &f6);
	YES(REP_FLOWS, "resp_h == fdfd::", &f6);
	YES(REP_FLOWS, "port 80 and port 40000", &f);
	YES(REP_FLOWS, "proto tcp and proto 6 and ip_proto == 6", &f);
	YES(REP_FLOWS, "proto icmp and orig_p == 8", &e);
	YES(REP_FLOWS, "process curl and pid 4242 and user 1000", &f);
	YES(REP_FLOWS, "cgroup 77 and orig_attrib == bpf", &f);
	YES(REP_FLOWS, "resp_pid == null and resp_attrib_miss == remote", &f);
	YES(REP_FLOWS, "state SF and conn_state in {SF, S1}", &f);
	YES(REP_FLOWS, "state OTH and history == \"\"", &e);
	YES(REP_FLOWS, "duration == 1.5s and duration > 1 and duration < 2",
	    &f);
	YES(REP_FLOWS, "rtt_syn_synack_us > 2ms and rtt_syn_synack_us < 2346",
	    &f);
	NO(REP_FLOWS, "rtt_syn_synack_us > 0", &e);	/* null */
	YES(REP_FLOWS, "ts > 1700000000 and ts < 1700000000.2", &f);
	YES(REP_FLOWS, "retrans 3 and resp_retrans == 3", &f);
	YES(REP_FLOWS, "port_state == open and end == eof", &f);
	YES(REP_FLOWS, "vlan == null", &f);
	YES(REP_FLOWS, "icmp_type == null", &f);
}

/* A bare word searches what the view's / filter searched. */
static void bare_words_as_the_view(void **state)
{
	struct flow_rec f = flow(0), e = icmp();
	struct port_row p = port(1);
	struct rep_proc pr = proc(1);

	(void)state;
	YES(REP_FLOWS, "\"tcp 10.10.10.10:40000 253.253.253.253:80 curl 4242\"",
	    &f);
	YES(REP_FLOWS, "253:80", &f);
	YES(REP_FLOWS, "CURL", &f);
	NO(REP_FLOWS, "SF", &f);	/* the state is not searched */
	YES(REP_FLOWS, "\"icmp 10.10.10.10:8 253.253.253.253:0\"", &e);
	YES(REP_PORTS, "\"tcp 22 sshd 31\"", &p);
	YES(REP_PROCS, "\"4242 curl\"", &pr);
}

static void ports(void **state)
{
	struct port_row p = port(0), l = port(1);

	(void)state;
	YES(REP_PORTS, "state == closed and port 8082", &p);
	NO(REP_PORTS, "state == closed", &l);
	YES(REP_PORTS, "state == listening-idle and listening", &l);
	YES(REP_PORTS, "retrans_rate == 10% and retrans_rate > 0.05", &p);
	YES(REP_PORTS, "retrans_rate == null", &l);
	YES(REP_PORTS, "process sshd and pid 31 and role == listen", &l);
	YES(REP_PORTS, "proto tcp and rejected >= 3", &p);
	YES(REP_PORTS, "first_ts == null", &l);
	YES(REP_PORTS, "last_ts > 1700000001.5 and last_ts <= 1700000002", &p);
}

static void procs(void **state)
{
	struct rep_proc p = proc(1), u = proc(0);

	(void)state;
	YES(REP_PROCS, "comm ~ url and process curl and pid 4242", &p);
	YES(REP_PROCS, "pid == null and attrib_miss == gone", &u);
	YES(REP_PROCS, "exited and tx_wire_bytes == 2K", &p);
	YES(REP_PROCS, "last_ts == 1700000000.000001", &p);
}

static void errors_name_the_kind(void **state)
{
	struct df_error err;

	(void)state;
	assert_null(rep_filter_compile(REP_PORTS, "host 10.0.0.1", &err));
	assert_int_equal(err.col, 1);
	assert_string_equal(err.msg, "unknown field \"host\": ports rows have "
			    "none of that name");
	assert_null(rep_filter_compile(REP_PROCS, "comm > 1", &err));
	assert_int_equal(err.col, 6);
	assert_null(rep_filter_compile(REP_FLOWS, "orig_bytes > 1X", &err));
	assert_int_equal(err.col, 14);
	assert_string_equal(err.msg, "expected a number of bytes: 1500, 64K, "
			    "1.5M, 2G for orig_bytes, got \"1X\"");
	assert_null(rep_filter_compile(REP_FLOWS, "resp_hh == 1.2.3.4", &err));
	assert_string_equal(err.msg, "unknown field \"resp_hh\" (did you mean "
			    "resp_h?)");
}

static void null_filter_matches_all(void **state)
{
	struct flow_rec f = flow(0);

	(void)state;
	assert_int_equal(rep_filter_match(NULL, &f), 1);
	YES(REP_FLOWS, "", &f);
	rep_filter_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_field_reads_what_json_writes),
		cmocka_unit_test(flows),
		cmocka_unit_test(bare_words_as_the_view),
		cmocka_unit_test(ports),
		cmocka_unit_test(procs),
		cmocka_unit_test(errors_name_the_kind),
		cmocka_unit_test(null_filter_matches_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
