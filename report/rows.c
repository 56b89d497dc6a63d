/*
 * report_out.c - writing report rows as text, CSV and JSON Lines.
 *
 * JSON goes through jansson.  One row object is built once and its values
 * are updated in place for every row (json_integer_set and friends), so a
 * million rows cost no million allocations; jansson keeps keys in insertion
 * order, which is the documented field order.
 */
#include <inttypes.h>
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "names.h"
#include "rows.h"

static const char *const end_names[] = { "active", "timeout", "reuse",
					 "evicted", "eof" };

/* ---- flow rows ----------------------------------------------------------- */

struct flow_row {
	int64_t ts_us, dur_us;
	const char *proto;	/* NULL: use ip_proto */
	int ip_proto;
	struct rep_ends e;
	int vlan;		/* -1: none */
	const struct ft_counts *c[2];
	const char *state, *history, *end;
	const struct attr_end *owner;	/* [2] */
	const struct ft_view *v;
};

static void flow_row(const struct flow_rec *f, struct flow_row *r)
{
	const struct ft_view *v = &f->v;
	int64_t first_us = v->first_ns / 1000;

	r->ts_us = first_us;
	r->dur_us = v->last_ns / 1000 - first_us;
	r->proto = rep_proto_name(v->key.proto);
	r->ip_proto = v->key.proto;
	rep_ends(v, &r->e);
	r->vlan = v->key.vlan == DEC_NO_VLAN ? -1 : v->key.vlan;
	r->c[0] = &v->dir[FT_ORIG];
	r->c[1] = &v->dir[FT_RESP];
	r->state = ft_conn_state_name(v->conn_state);
	r->history = v->history;
	r->end = v->end < 5 ? end_names[v->end] : "?";
	r->owner = f->end;
	r->v = v;
}

/* The JSON keys, in order; CSV uses the same names for its header. */
static const char *const flow_keys[] = {
	"schema", "ts", "duration", "proto", "ip_proto", "orig_h", "orig_p",
	"resp_h", "resp_p", "vlan", "orig_pkts", "resp_pkts",
	"orig_wire_bytes", "resp_wire_bytes", "orig_ip_bytes", "resp_ip_bytes",
	"orig_bytes", "resp_bytes", "conn_state", "history", "orig_frag_pkts",
	"orig_frag_wire_bytes", "resp_frag_pkts", "resp_frag_wire_bytes",
	"end", "orig_pid", "orig_comm", "orig_uid", "orig_cgroup",
	"orig_attrib", "orig_attrib_miss", "resp_pid", "resp_comm", "resp_uid",
	"resp_cgroup", "resp_attrib", "resp_attrib_miss", "port_state",
	"rtt_syn_synack_us", "rtt_synack_ack_us", "orig_retrans",
	"resp_retrans", "orig_ooo", "resp_ooo", "orig_zero_win",
	"resp_zero_win", "orig_rst", "resp_rst", "icmp_errors", "icmp_type",
	"icmp_code",
};
#define NFLOW_KEYS (sizeof(flow_keys) / sizeof(flow_keys[0]))

/* Values of a row in key order: integers (or -1 = null), strings and
 * booleans. */
struct cell {
	int is_str;		/* 1 string, 2 boolean (i), 0 integer */
	const char *s;		/* NULL = null */
	int64_t i;		/* -1 = null for the nullable integers */
	int is_time;		/* i is microseconds, print as seconds */
};

static void flow_cells(const struct flow_row *r, struct cell *c)
{
	int k = 0;

#define INT(v) (c[k++] = (struct cell){ 0, NULL, (int64_t)(v), 0 })
#define TIME(v) (c[k++] = (struct cell){ 0, NULL, (int64_t)(v), 1 })
#define STR(v) (c[k++] = (struct cell){ 1, (v), 0, 0 })
	INT(REP_SCHEMA);
	TIME(r->ts_us);
	TIME(r->dur_us);
	if (r->proto)
		STR(r->proto);
	else
		INT(r->ip_proto);
	INT(r->ip_proto);
	STR(r->e.orig_h);
	INT(r->e.orig_p);
	STR(r->e.resp_h);
	INT(r->e.resp_p);
	INT(r->vlan);
	INT(r->c[0]->pkts);
	INT(r->c[1]->pkts);
	INT(r->c[0]->wire_bytes);
	INT(r->c[1]->wire_bytes);
	INT(r->c[0]->ip_bytes);
	INT(r->c[1]->ip_bytes);
	INT(r->c[0]->bytes);
	INT(r->c[1]->bytes);
	STR(r->state);
	STR(r->history);
	INT(r->c[0]->frag_pkts);
	INT(r->c[0]->frag_wire_bytes);
	INT(r->c[1]->frag_pkts);
	INT(r->c[1]->frag_wire_bytes);
	STR(r->end);
	for (int i = 0; i < 2; i++) {
		const struct attr_end *o = &r->owner[i];
		int found = o->pid >= 0;

		INT(found ? o->pid : -1);
		STR(found && o->comm[0] ? o->comm : NULL);
		INT(found && o->uid != (uint32_t)-1 ? (int64_t)o->uid : -1);
		INT(found && o->cgroup ? (int64_t)o->cgroup : -1);
		STR(found ? attr_src_name(o->src) : NULL);
		STR(found ? NULL : attr_why_name(o->why));
	}
	const struct ft_view *v = r->v;
	STR(rep_port_state_name(v->port_state));
	INT(v->rtt_syn_synack_ns < 0 ? -1 : v->rtt_syn_synack_ns / 1000);
	INT(v->rtt_synack_ack_ns < 0 ? -1 : v->rtt_synack_ack_ns / 1000);
	INT(v->bdir[0].retrans);
	INT(v->bdir[1].retrans);
	INT(v->bdir[0].ooo);
	INT(v->bdir[1].ooo);
	INT(v->bdir[0].zero_win);
	INT(v->bdir[1].zero_win);
	INT(v->bdir[0].rst);
	INT(v->bdir[1].rst);
	INT(v->icmp_errors);
	INT(v->icmp_errors ? v->icmp_type : -1);
	INT(v->icmp_errors ? v->icmp_code : -1);
#undef INT
#undef TIME
#undef STR
}

/* ---- the three formats, shared by flows and ports ----------------------- */

static json_t *json_template(const char *const *keys, size_t n)
{
	json_t *o = json_object();

	for (size_t i = 0; o && i < n; i++)
		json_object_set_new(o, keys[i], json_null());
	return o;
}

/* Put one cell into the template object, reusing its value objects. */
static void json_cell(json_t *o, const char *key, const struct cell *c)
{
	json_t *v = json_object_get(o, key);

	if (c->is_str == 2) {
		json_object_set_new(o, key, json_boolean(c->i));
	} else if (c->is_str) {
		if (!c->s)
			json_object_set_new(o, key, json_null());
		else if (json_is_string(v))
			json_string_set(v, c->s);
		else
			json_object_set_new(o, key, json_string(c->s));
	} else if (c->is_time) {
		double s = (double)c->i / 1e6;

		if (json_is_real(v))
			json_real_set(v, s);
		else
			json_object_set_new(o, key, json_real(s));
	} else if (c->i < 0) {
		json_object_set_new(o, key, json_null());
	} else if (json_is_integer(v)) {
		json_integer_set(v, c->i);
	} else {
		json_object_set_new(o, key, json_integer(c->i));
	}
}

int rep_json_write(FILE *out, json_t *o)
{
	/* Dump into a buffer, then write once: json_dumpf would call fwrite
	 * for every token.  16 significant digits: epoch seconds with
	 * microseconds. */
	char buf[4096];
	size_t len = json_dumpb(o, buf, sizeof(buf) - 1,
				JSON_COMPACT | JSON_REAL_PRECISION(16));
	if (len == 0 || len >= sizeof(buf) - 1)
		return -1;	/* rows are a few hundred bytes */
	buf[len++] = '\n';
	return fwrite(buf, 1, len, out) == len ? 0 : -1;
}

static int json_row(FILE *out, json_t *o, const char *const *keys,
		    const struct cell *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_cell(o, keys[i], &c[i]);
	return rep_json_write(out, o);
}

static void csv_header(FILE *out, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? "," : "", keys[i]);
	putc('\n', out);
}

/* CSV (RFC 4180): our strings never hold commas, quotes or newlines
 * (addresses, names, history letters), so no quoting is needed. */
static void csv_row(FILE *out, const struct cell *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			putc(',', out);
		if (c[i].is_str == 2) {
			fputs(c[i].i ? "true" : "false", out);
		} else if (c[i].is_str) {
			if (c[i].s)
				fputs(c[i].s, out);
		} else if (c[i].is_time) {
			fprintf(out, "%" PRId64 ".%06" PRId64,
				c[i].i / 1000000, c[i].i % 1000000);
		} else if (c[i].i >= 0) {
			fprintf(out, "%" PRId64, c[i].i);
		}
	}
	putc('\n', out);
}

/* Nanoseconds as milliseconds with 3 decimals, "-" when negative (none). */
static const char *ms(int64_t ns, char *buf, size_t len)
{
	if (ns < 0)
		return "-";
	snprintf(buf, len, "%" PRId64 ".%03" PRId64, ns / 1000000,
		 ns / 1000 % 1000);
	return buf;
}

static void text_flows(FILE *out, const struct flow_rec *const *f,
		       uint64_t n)
{
	int wo = 4, wr = 4, wh = 7, wp = 7;
	char o[64], r[64], b[4][16], t[40], p[8], w[40], rt[24];
	struct flow_row row;

	for (uint64_t i = 0; i < n; i++) {
		int v6 = f[i]->v.key.flags & FT_K_V6;

		flow_row(f[i], &row);
		rep_endpoint(o, sizeof(o), row.e.orig_h, row.e.orig_p, v6);
		rep_endpoint(r, sizeof(r), row.e.resp_h, row.e.resp_p, v6);
		if ((int)strlen(o) > wo) wo = (int)strlen(o);
		if ((int)strlen(r) > wr) wr = (int)strlen(r);
		if ((int)strlen(row.history) > wh) wh = (int)strlen(row.history);
		if ((int)strlen(rep_owner(row.owner, w, sizeof(w))) > wp)
			wp = (int)strlen(w);
	}
	fprintf(out, "%-26s %10s %-5s %-*s %-*s %-6s %-*s %-*s %7s %7s %7s %7s %7s %7s %-8s %9s %5s\n",
		"START (UTC)", "DURATION", "PROTO", wo, "ORIG", wr, "RESP",
		"STATE", wh, "HISTORY", wp, "PROCESS", "PKTS>", "PKTS<",
		"BYTES>", "BYTES<", "DATA>", "DATA<", "PORT", "RTT_MS", "RETX");
	for (uint64_t i = 0; i < n; i++) {
		int v6 = f[i]->v.key.flags & FT_K_V6;

		flow_row(f[i], &row);
		rep_endpoint(o, sizeof(o), row.e.orig_h, row.e.orig_p, v6);
		rep_endpoint(r, sizeof(r), row.e.resp_h, row.e.resp_p, v6);
		rep_utc_time(row.ts_us, t, sizeof(t));
		if (!row.proto)
			snprintf(p, sizeof(p), "%d", row.ip_proto);
		fprintf(out,
			"%-26s %3" PRId64 ".%06" PRId64 " %-5s %-*s %-*s %-6s %-*s %-*s %7" PRIu64
			" %7" PRIu64 " %7s %7s %7s %7s %-8s %9s %5" PRIu64 "\n",
			t, row.dur_us / 1000000, row.dur_us % 1000000,
			row.proto ? row.proto : p, wo, o, wr, r, row.state, wh,
			*row.history ? row.history : "-", wp,
			rep_owner(row.owner, w, sizeof(w)), row.c[0]->pkts,
			row.c[1]->pkts,
			rep_human(row.c[0]->wire_bytes, b[0], sizeof(b[0])),
			rep_human(row.c[1]->wire_bytes, b[1], sizeof(b[1])),
			rep_human(row.c[0]->bytes, b[2], sizeof(b[2])),
			rep_human(row.c[1]->bytes, b[3], sizeof(b[3])),
			rep_port_state_name(row.v->port_state),
			ms(row.v->rtt_syn_synack_ns, rt, sizeof(rt)),
			(uint64_t)row.v->bdir[0].retrans +
				row.v->bdir[1].retrans);
	}
}

int rep_write_flows(FILE *out, enum rep_fmt fmt,
		    const struct flow_rec *const *f, uint64_t n)
{
	struct cell c[NFLOW_KEYS];
	struct flow_row row;
	json_t *o = NULL;
	int rc = 0;

	if (fmt == REP_TEXT) {
		text_flows(out, f, n);
		return ferror(out) ? -1 : 0;
	}
	if (fmt == REP_CSV)
		csv_header(out, flow_keys, NFLOW_KEYS);
	else if (!(o = json_template(flow_keys, NFLOW_KEYS)))
		return -1;
	for (uint64_t i = 0; i < n && rc == 0; i++) {
		flow_row(f[i], &row);
		flow_cells(&row, c);
		if (fmt == REP_CSV)
			csv_row(out, c, NFLOW_KEYS);
		else
			rc = json_row(out, o, flow_keys, c, NFLOW_KEYS);
	}
	json_decref(o);
	return rc || ferror(out) ? -1 : 0;
}

/* ---- port rows ----------------------------------------------------------- */

static const char *const port_keys[] = {
	"schema", "proto", "port", "conns", "established", "rejected",
	"unanswered", "clients", "servers", "orig_pkts", "resp_pkts",
	"orig_wire_bytes", "resp_wire_bytes", "orig_ip_bytes",
	"resp_ip_bytes", "orig_bytes", "resp_bytes", "first_ts", "last_ts",
	"role", "pid", "comm", "uid", "attrib", "listening", "state",
	"open_flows", "closed_flows", "filtered_flows", "icmp_errors",
	"rtt_median_us", "rtt_p95_us", "retrans", "retrans_rate",
};
#define NPORT_KEYS (sizeof(port_keys) / sizeof(port_keys[0]))

/* pid, comm, uid, attrib of a process (null when unknown). */
static void owner_cells(const struct attr_end *o, struct cell *c, int *k)
{
	int found = o->pid >= 0;

	c[(*k)++] = (struct cell){ 0, NULL, found ? o->pid : -1, 0 };
	c[(*k)++] = (struct cell){ 1, found && o->comm[0] ? o->comm : NULL,
				   0, 0 };
	c[(*k)++] = (struct cell){ 0, NULL, found && o->uid != (uint32_t)-1 ?
				   (int64_t)o->uid : -1, 0 };
	c[(*k)++] = (struct cell){ 1, found ? attr_src_name(o->src) : NULL,
				   0, 0 };
}

static void port_cells(const struct port_row *p, struct cell *c)
{
	int k = 0;

#define INT(v) (c[k++] = (struct cell){ 0, NULL, (int64_t)(v), 0 })
	INT(REP_SCHEMA);
	c[k++] = (struct cell){ 1, rep_proto_name(p->proto), 0, 0 };
	INT(p->port);
	INT(p->conns);
	INT(p->established);
	INT(p->rejected);
	INT(p->unanswered);
	INT(p->clients);
	INT(p->servers);
	INT(p->dir[0].pkts);
	INT(p->dir[1].pkts);
	INT(p->dir[0].wire_bytes);
	INT(p->dir[1].wire_bytes);
	INT(p->dir[0].ip_bytes);
	INT(p->dir[1].ip_bytes);
	INT(p->dir[0].bytes);
	INT(p->dir[1].bytes);
	if (p->conns) {
		c[k++] = (struct cell){ 0, NULL, p->first_ns / 1000, 1 };
		c[k++] = (struct cell){ 0, NULL, p->last_ns / 1000, 1 };
	} else {	/* a listener without flows: never seen */
		c[k++] = (struct cell){ 1, NULL, 0, 0 };
		c[k++] = (struct cell){ 1, NULL, 0, 0 };
	}
	c[k++] = (struct cell){ 1, rep_role_name(p->role), 0, 0 };
	owner_cells(&p->owner, c, &k);
	c[k++] = (struct cell){ 2, NULL, p->listening, 0 };
	c[k++] = (struct cell){ 1, rep_port_state_name(port_row_state(p)),
				0, 0 };
	INT(p->evidence[FT_PS_OPEN]);
	INT(p->evidence[FT_PS_CLOSED]);
	INT(p->evidence[FT_PS_FILTERED]);
	INT(p->icmp_errors);
	INT(rep_rtt_quantile(&p->rtt, 0.5));
	INT(rep_rtt_quantile(&p->rtt, 0.95));
	INT(p->proto == 6 ? (int64_t)p->retrans : -1);
	/* a fraction with 6 decimals, written like the times */
	c[k++] = p->proto == 6 && p->tcp_pkts ?
		(struct cell){ 0, NULL, (int64_t)(p->retrans * 1000000 /
						  p->tcp_pkts), 1 } :
		(struct cell){ 1, NULL, 0, 0 };
#undef INT
}

int rep_write_ports(FILE *out, enum rep_fmt fmt,
		    const struct port_row *const *p, uint64_t n)
{
	struct cell c[NPORT_KEYS];
	char b[4][16], w[40], rt[24];
	json_t *o = NULL;
	int rc = 0;

	if (fmt == REP_TEXT)
		fprintf(out, "%-5s %5s %-14s %7s %7s %7s %7s %7s %7s %8s %8s %7s %7s %9s %5s %s\n",
			"PROTO", "PORT", "STATE", "CONNS", "ESTAB", "REJ", "UNANS",
			"CLIENTS", "SERVERS", "PKTS_IN", "PKTS_OUT", "BYTES_IN",
			"BYTES_OUT", "RTT50_MS", "RETX", "PROCESS");
	else if (fmt == REP_CSV)
		csv_header(out, port_keys, NPORT_KEYS);
	else if (!(o = json_template(port_keys, NPORT_KEYS)))
		return -1;
	for (uint64_t i = 0; i < n && rc == 0; i++) {
		const struct port_row *q = p[i];

		if (fmt == REP_TEXT) {
			struct attr_end none[2] = { q->owner, q->owner };

			int64_t rtt = rep_rtt_quantile(&q->rtt, 0.5);

			fprintf(out, "%-5s %5u %-14s %7" PRIu64 " %7" PRIu64 " %7" PRIu64
				" %7" PRIu64 " %7" PRIu64 " %7" PRIu64 " %8" PRIu64
				" %8" PRIu64 " %7s %7s %9s %5" PRIu64 " %s%s\n",
				rep_proto_name(q->proto), q->port,
				rep_port_state_name(port_row_state(q)), q->conns,
				q->established, q->rejected, q->unanswered,
				q->clients, q->servers, q->dir[0].pkts,
				q->dir[1].pkts,
				rep_human(q->dir[0].wire_bytes, b[0], sizeof(b[0])),
				rep_human(q->dir[1].wire_bytes, b[1], sizeof(b[1])),
				ms(rtt < 0 ? -1 : rtt * 1000, rt, sizeof(rt)),
				q->retrans,
				rep_owner(none, w, sizeof(w)),
				q->listening ? " (listening)" : "");
			continue;
		}
		port_cells(q, c);
		if (fmt == REP_CSV)
			csv_row(out, c, NPORT_KEYS);
		else
			rc = json_row(out, o, port_keys, c, NPORT_KEYS);
	}
	json_decref(o);
	return rc || ferror(out) ? -1 : 0;
}

/* ---- process rows ---------------------------------------------------------- */

static const char *const proc_keys[] = {
	"schema", "pid", "comm", "uid", "cgroup", "attrib", "exited",
	"attrib_miss", "flows", "ports", "tx_pkts", "rx_pkts",
	"tx_wire_bytes", "rx_wire_bytes", "tx_bytes", "rx_bytes", "first_ts",
	"last_ts",
};
#define NPROC_KEYS (sizeof(proc_keys) / sizeof(proc_keys[0]))

static void proc_cells(const struct rep_proc *p, struct cell *c)
{
	const struct attr_end *o = &p->who;
	int found = o->pid >= 0, k = 0;

#define INT(v) (c[k++] = (struct cell){ 0, NULL, (int64_t)(v), 0 })
#define STR(v) (c[k++] = (struct cell){ 1, (v), 0, 0 })
	INT(REP_SCHEMA);
	INT(found ? o->pid : -1);
	STR(found && o->comm[0] ? o->comm : NULL);
	INT(found && o->uid != (uint32_t)-1 ? (int64_t)o->uid : -1);
	INT(found && o->cgroup ? (int64_t)o->cgroup : -1);
	STR(found ? attr_src_name(o->src) : NULL);
	/* a file's comments do not say whether a process has exited */
	c[k++] = (struct cell){ found && o->src != ATTR_SRC_PCAPNG ? 2 : 1,
				NULL, o->exited, 0 };
	STR(found ? NULL : attr_why_name(o->why));
	INT(p->flows);
	INT(p->ports);
	INT(p->tx.pkts);
	INT(p->rx.pkts);
	INT(p->tx.wire_bytes);
	INT(p->rx.wire_bytes);
	INT(p->tx.bytes);
	INT(p->rx.bytes);
	c[k++] = (struct cell){ 0, NULL, p->first_ns / 1000, 1 };
	c[k++] = (struct cell){ 0, NULL, p->last_ns / 1000, 1 };
#undef INT
#undef STR
}

int rep_write_procs(FILE *out, enum rep_fmt fmt,
		    const struct rep_proc *const *p, uint64_t n)
{
	struct cell c[NPROC_KEYS];
	char b[4][16], pid[16];
	json_t *o = NULL;
	int rc = 0;

	if (fmt == REP_TEXT)
		fprintf(out, "%7s %-15s %6s %6s %6s %8s %8s %7s %7s\n", "PID",
			"COMMAND", "UID", "FLOWS", "PORTS", "TX_PKTS", "RX_PKTS",
			"TX", "RX");
	else if (fmt == REP_CSV)
		csv_header(out, proc_keys, NPROC_KEYS);
	else if (!(o = json_template(proc_keys, NPROC_KEYS)))
		return -1;
	for (uint64_t i = 0; i < n && rc == 0; i++) {
		const struct rep_proc *q = p[i];

		if (fmt == REP_TEXT) {
			snprintf(pid, sizeof(pid), q->who.pid < 0 ? "-" : "%d",
				 q->who.pid);
			snprintf(b[2], sizeof(b[2]), "%u", q->who.uid);
			fprintf(out, "%7s %-15s %6s %6" PRIu64 " %6" PRIu64
				" %8" PRIu64 " %8" PRIu64 " %7s %7s\n", pid,
				q->who.pid < 0 ? "(unattributed)" :
				q->who.comm, q->who.uid == (uint32_t)-1 ? "-" :
				b[2], q->flows, q->ports, q->tx.pkts, q->rx.pkts,
				rep_human(q->tx.wire_bytes, b[0], sizeof(b[0])),
				rep_human(q->rx.wire_bytes, b[1], sizeof(b[1])));
			continue;
		}
		proc_cells(q, c);
		if (fmt == REP_CSV)
			csv_row(out, c, NPROC_KEYS);
		else
			rc = json_row(out, o, proc_keys, c, NPROC_KEYS);
	}
	json_decref(o);
	return rc || ferror(out) ? -1 : 0;
}

/* ---- rows for other writers (the --batch view) ---------------------------- */

json_t *rep_json_flow(json_t **o, const struct flow_rec *f)
{
	struct cell c[NFLOW_KEYS];
	struct flow_row row;

	if (!*o && !(*o = json_template(flow_keys, NFLOW_KEYS)))
		return NULL;
	flow_row(f, &row);
	flow_cells(&row, c);
	for (size_t i = 0; i < NFLOW_KEYS; i++)
		json_cell(*o, flow_keys[i], &c[i]);
	return *o;
}

json_t *rep_json_port(json_t **o, const struct port_row *p)
{
	struct cell c[NPORT_KEYS];

	if (!*o && !(*o = json_template(port_keys, NPORT_KEYS)))
		return NULL;
	port_cells(p, c);
	for (size_t i = 0; i < NPORT_KEYS; i++)
		json_cell(*o, port_keys[i], &c[i]);
	return *o;
}

json_t *rep_json_proc(json_t **o, const struct rep_proc *p)
{
	struct cell c[NPROC_KEYS];

	if (!*o && !(*o = json_template(proc_keys, NPROC_KEYS)))
		return NULL;
	proc_cells(p, c);
	for (size_t i = 0; i < NPROC_KEYS; i++)
		json_cell(*o, proc_keys[i], &c[i]);
	return *o;
}
