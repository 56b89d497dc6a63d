/*
 * check_agg.c - aggregates over chosen rows (check.h): sums and distinct
 * values of a field read the way the display filter reads it
 * (rep_field_get); retransmission rates, handshake times and failed
 * handshakes from the flows' fields or the port rows' own totals
 * (report/ports.h), never counted a second way.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report/names.h"
#include "check.h"

/* Field name of a flow row as a number, or -1 when null. */
/* Rows of the ports or services report: both are struct port_row
 * (report/ports.h), the services per responder address. */
static int port_rows(const struct rule *r)
{
	return r->rows == REP_PORTS || r->rows == REP_SERVICES;
}

static int64_t num(const void *row, const char *name)
{
	struct df_field f;
	struct rep_value v;
	int i = rep_field_find(REP_FLOWS, name, &f);

	rep_field_get(REP_FLOWS, i, row, &v);
	return v.v.kind == DFV_INT ? v.v.i : -1;
}

static int is_tcp(const void *row)
{
	struct df_field f;
	struct rep_value v;

	rep_field_get(REP_FLOWS, rep_field_find(REP_FLOWS, "proto", &f), row,
		      &v);
	return v.v.kind == DFV_TEXT && !strcmp(v.v.s, "tcp");
}

static int64_t share(uint64_t part, uint64_t whole)
{
	return (int64_t)((part * 1000000.0) / (double)whole + 0.5);
}

/* Resent TCP packets per TCP packet. */
static int retrans_rate(const struct rule *r, const void *const *sel, long n,
			int64_t *v)
{
	uint64_t re = 0, pk = 0;

	for (long i = 0; i < n; i++) {
		if (port_rows(r)) {
			const struct port_row *p = sel[i];

			re += p->retrans;
			pk += p->tcp_pkts;
		} else if (is_tcp(sel[i])) {
			re += (uint64_t)num(sel[i], "orig_retrans") +
			      (uint64_t)num(sel[i], "resp_retrans");
			pk += (uint64_t)num(sel[i], "orig_pkts") +
			      (uint64_t)num(sel[i], "resp_pkts");
		}
	}
	if (!pk)
		return 0;
	*v = share(re, pk);
	return 1;
}

/* Handshakes (a SYN of the originator) refused or unanswered: flows in
 * S0, REJ, RSTOS0 or SH; a port row's rejected and unanswered. */
static int failed(const struct rule *r, const void *const *sel, long n,
		  int64_t *v)
{
	static const char *const bad[] = { "S0", "REJ", "RSTOS0", "SH" };
	struct df_field f;
	uint64_t fail = 0, all = 0;
	int ih = rep_field_find(REP_FLOWS, "history", &f);
	int ic = rep_field_find(REP_FLOWS, "conn_state", &f);

	for (long i = 0; i < n; i++) {
		struct rep_value h, c;

		if (port_rows(r)) {
			const struct port_row *p = sel[i];

			fail += p->proto == 6 ? p->rejected + p->unanswered : 0;
			all += p->proto == 6 ? p->conns : 0;
			continue;
		}
		rep_field_get(REP_FLOWS, ih, sel[i], &h);
		rep_field_get(REP_FLOWS, ic, sel[i], &c);
		if (!is_tcp(sel[i]) || h.v.kind != DFV_TEXT ||
		    !strchr(h.v.s, 'S') || c.v.kind != DFV_TEXT)
			continue;
		all++;
		for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
			fail += !strcmp(c.v.s, bad[k]);
	}
	if (!all)
		return 0;
	*v = share(fail, all);
	return 1;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of the flows' SYN -> SYN-ACK times (nearest rank), or
 * of the port rows' histograms merged. */
static int rtt(const struct rule *r, const void *const *sel, long n,
	       double q, int64_t *v)
{
	struct rep_rtt h = { 0 };
	int64_t *t;
	long m = 0;

	if (port_rows(r)) {
		for (long i = 0; i < n; i++) {
			const struct rep_rtt *o = &((const struct port_row *)
						    sel[i])->rtt;

			if (o->n && (!h.n || o->min_us < h.min_us))
				h.min_us = o->min_us;
			if (o->max_us > h.max_us)
				h.max_us = o->max_us;
			h.n += o->n;
			for (int b = 0; b < REP_RTT_BUCKETS; b++)
				h.b[b] += o->b[b];
		}
		*v = rep_rtt_quantile(&h, q);
		return *v >= 0;
	}
	if (!(t = malloc((size_t)(n ? n : 1) * sizeof(*t))))
		return -1;
	for (long i = 0; i < n; i++)
		if ((t[m] = num(sel[i], "rtt_syn_synack_us")) >= 0)
			m++;
	qsort(t, (size_t)m, sizeof(*t), cmp_i64);
	if (m) {
		long k = (long)(q * (double)m + 0.999999);

		*v = t[k > 0 ? k - 1 : 0];
	}
	free(t);
	return m > 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A field summed, or its distinct values counted (nulls left out). */
static int field_agg(const struct rule *r, const void *const *sel, long n,
		     int64_t *v)
{
	char **s = r->agg == AGG_DISTINCT ?
		   calloc((size_t)(n ? n : 1), sizeof(*s)) : NULL;
	long m = 0, ok = 1;

	*v = 0;
	if (r->agg == AGG_DISTINCT && !s)
		return -1;
	for (long i = 0; i < n && ok; i++) {
		struct rep_value x;
		char num_[24];

		rep_field_get(r->rows, r->field, sel[i], &x);
		if (x.v.kind == DFV_INT && r->agg == AGG_SUM)
			*v += x.v.i;
		if (x.v.kind == DFV_NULL || r->agg == AGG_SUM)
			continue;
		snprintf(num_, sizeof(num_), "%" PRId64, x.v.i);
		ok = (s[m++] = strdup(x.v.kind == DFV_TEXT ? x.v.s : num_))
		     != NULL;
	}
	if (s && ok) {
		qsort(s, (size_t)m, sizeof(*s), cmp_str);
		for (long i = 0; i < m; i++)
			*v += !i || strcmp(s[i - 1], s[i]);
	}
	for (long i = 0; s && i < m; i++)
		free(s[i]);
	free(s);
	return ok ? 1 : -1;
}

int check_agg(const struct rule *r, const void *const *sel, long n,
	      int64_t *v, const char **why)
{
	int rc;

	switch (r->agg) {
	case AGG_RETRANS_RATE:
		*why = "no TCP packet among them";
		return retrans_rate(r, sel, n, v);
	case AGG_FAILED:
		*why = "no TCP handshake among them";
		return failed(r, sel, n, v);
	case AGG_RTT_P50:
	case AGG_RTT_P95:
		*why = "no handshake time among them";
		rc = rtt(r, sel, n, r->agg == AGG_RTT_P50 ? 0.5 : 0.95, v);
		return rc;
	default:
		*why = "";
		return field_agg(r, sel, n, v);
	}
}

const char *check_value_text(const struct df_field *f, int64_t v, char *buf,
			     size_t len)
{
	char h[16];

	if (f->type == DF_FRACTION)
		snprintf(buf, len, "%.2f%%", (double)v / 1e4);
	else if (f->type == DF_TIME && f->unit == DF_UNIT_US)
		snprintf(buf, len, "%.3fms", (double)v / 1e3);
	else if (f->type == DF_TIME)
		snprintf(buf, len, "%.6fs", (double)v / 1e6);
	else if (f->unit == DF_UNIT_BYTES && v >= 1024)
		snprintf(buf, len, "%" PRId64 " (%s)", v,
			 rep_human((uint64_t)v, h, sizeof(h)));
	else
		snprintf(buf, len, "%" PRId64, v);
	return buf;
}
