/*
 * rows_fields.c - the fields of the flows, ports, procs and services
 * reports: each
 * kind's cell names, the function that fills a row's cells, and its text
 * columns (rows_fields.h).  The JSON key order is the documented field
 * order (README.md, porttop.8): a new field goes at the end of the keys.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "../lib/clock.h"
#include "../names/nm_who.h"
#include "rows_fields.h"

#define NITEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The cell writers: c is the next cell to fill. */
#define NUL() (*c++ = (struct cell){ CELL_NULL, NULL, 0 })
#define INT(v) (*c++ = (struct cell){ CELL_INT, NULL, (int64_t)(v) })
#define STR(v) (*c++ = (struct cell){ CELL_STR, (v), 0 })
#define BOOL(v) (*c++ = (struct cell){ CELL_BOOL, NULL, !!(v) })
#define USEC(v) (*c++ = (struct cell){ CELL_USEC, NULL, (int64_t)(v) })
#define LIST(v) (*c++ = (struct cell){ CELL_LIST, (v), 0 })

/* pid, comm, uid, [cgroup,] attrib of a process: null when not found. */
static struct cell *owner_cells(struct cell *c, const struct attr_end *o,
				int cgroup)
{
	int found = o->pid >= 0;

	INT(found ? o->pid : -1);
	STR(found && o->comm[0] ? o->comm : NULL);
	INT(found && o->uid != (uint32_t)-1 ? (int64_t)o->uid : -1);
	if (cgroup)
		INT(found && o->cgroup ? (int64_t)o->cgroup : -1);
	STR(found ? attr_src_name(o->src) : NULL);
	return c;
}

/* The container, pod or unit of an owner (names/nm_who.h): name, id,
 * image, pod, namespace, unit, pod UID, and why a container has no name;
 * null for what is not known. */
static struct cell *who_cells(struct cell *c, const struct attr_end *o)
{
	struct nm_who w;
	int has = o->pid >= 0 && nm_who_get(o->who, &w);

#define S(x) STR(has && (x) && (x)[0] ? (x) : NULL)
	S(w.name);
	S(w.id);
	S(w.image);
	S(w.pod);
	S(w.ns);
	S(w.unit);
	S(w.pod_uid);
#undef S
	STR(has && w.id[0] && w.miss != NM_WHO_NAMED ?
	    nm_who_miss_name(w.miss) : NULL);
	return c;
}

/* The names of the ends' addresses (names/nm.h): name, source, and why
 * there is none. */
static struct cell *name_cells(struct cell *c, const struct nm_name *n)
{
	for (int i = 0; i < 2; i++) {
		STR(n[i].name);
		STR(n[i].name ? nm_src_name(n[i].src) : NULL);
		STR(n[i].name ? NULL :
		    nm_why_name(n[i].why ? n[i].why : NM_UNSEEN));
	}
	return c;
}

/* Text: the container's name, else its id's first 12 digits, else the
 * unit; null when none. */
static const char *who_text(const struct attr_end *o, char id[13])
{
	struct nm_who w;

	if (o->pid < 0 || !nm_who_get(o->who, &w))
		return NULL;
	if (w.name && w.name[0])
		return w.name;
	if (w.id[0]) {
		snprintf(id, 13, "%.12s", w.id);
		return id;
	}
	return w.unit[0] ? w.unit : NULL;
}

/* Packets, wire bytes, [IP bytes,] payload bytes of both directions. */
static struct cell *count_cells(struct cell *c, const struct ft_counts *a,
				const struct ft_counts *b, int ip)
{
	INT(a->pkts);
	INT(b->pkts);
	INT(a->wire_bytes);
	INT(b->wire_bytes);
	if (ip) {
		INT(a->ip_bytes);
		INT(b->ip_bytes);
	}
	INT(a->bytes);
	INT(b->bytes);
	return c;
}

/* ---- flows ----------------------------------------------------------------- */

static const char *const end_names[] = { "active", "timeout", "reuse",
					 "evicted", "eof", "owner" };

static const struct row_key flow_keys[] = {
	KEY("schema", K_INT), KEY("ts", K_TIME), KEY("duration", K_TIME),
	KEY("proto", K_PROTO), KEY("ip_proto", K_INT), KEY("orig_h", K_ADDR),
	KEY("orig_p", K_INT), KEY("resp_h", K_ADDR), KEY("resp_p", K_INT),
	KEY("vlan", K_INT), KEY("orig_pkts", K_INT), KEY("resp_pkts", K_INT),
	KEY("orig_wire_bytes", K_BYTES), KEY("resp_wire_bytes", K_BYTES),
	KEY("orig_ip_bytes", K_BYTES), KEY("resp_ip_bytes", K_BYTES),
	KEY("orig_bytes", K_BYTES), KEY("resp_bytes", K_BYTES),
	KEY("conn_state", K_TEXT), KEY("history", K_TEXT),
	KEY("orig_frag_pkts", K_INT), KEY("orig_frag_wire_bytes", K_BYTES),
	KEY("resp_frag_pkts", K_INT), KEY("resp_frag_wire_bytes", K_BYTES),
	KEY("end", K_TEXT), KEY("orig_pid", K_INT), KEY("orig_comm", K_TEXT),
	KEY("orig_uid", K_INT), KEY("orig_cgroup", K_INT),
	KEY("orig_attrib", K_TEXT), KEY("orig_attrib_miss", K_TEXT),
	KEY("resp_pid", K_INT), KEY("resp_comm", K_TEXT), KEY("resp_uid", K_INT),
	KEY("resp_cgroup", K_INT), KEY("resp_attrib", K_TEXT),
	KEY("resp_attrib_miss", K_TEXT), KEY("port_state", K_TEXT),
	KEY("rtt_syn_synack_us", K_US), KEY("rtt_synack_ack_us", K_US),
	KEY("orig_retrans", K_INT), KEY("resp_retrans", K_INT),
	KEY("orig_ooo", K_INT), KEY("resp_ooo", K_INT),
	KEY("orig_zero_win", K_INT), KEY("resp_zero_win", K_INT),
	KEY("orig_rst", K_INT), KEY("resp_rst", K_INT), KEY("icmp_errors", K_INT),
	KEY("icmp_type", K_INT), KEY("icmp_code", K_INT),
	KEY("uid", K_TEXT), KEY("tunnel", K_TEXT),
	KEY("tunnel_parents", K_TEXT), KEY("missed_bytes", K_BYTES),
	/* issue 17: containers, pods or units of the ends; names of
	 * their addresses */
	KEY("orig_container", K_TEXT), KEY("orig_container_id", K_TEXT),
	KEY("orig_image", K_TEXT), KEY("orig_pod", K_TEXT),
	KEY("orig_namespace", K_TEXT), KEY("orig_unit", K_TEXT),
	KEY("orig_pod_uid", K_TEXT), KEY("orig_container_miss", K_TEXT),
	KEY("resp_container", K_TEXT), KEY("resp_container_id", K_TEXT),
	KEY("resp_image", K_TEXT), KEY("resp_pod", K_TEXT),
	KEY("resp_namespace", K_TEXT), KEY("resp_unit", K_TEXT),
	KEY("resp_pod_uid", K_TEXT), KEY("resp_container_miss", K_TEXT),
	KEY("orig_name", K_TEXT), KEY("orig_name_source", K_TEXT),
	KEY("orig_name_miss", K_TEXT), KEY("resp_name", K_TEXT),
	KEY("resp_name_source", K_TEXT), KEY("resp_name_miss", K_TEXT),
};

/* Text only: endpoints, the owner, retransmissions both ways, the resp
 * end's name. */
static const char *const flow_extra[] = { "orig", "resp", "process", "retx",
					  "name" };

static const struct text_col flow_cols[] = {
	/* title	  cell			width	how		fit */
	{ "START (UTC)", "ts",			-26,	TXT_UTC,	0 },
	{ "DURATION",	 "duration",		10,	TXT_SECS,	0 },
	{ "PROTO",	 "proto",		-5,	TXT_PLAIN,	0 },
	{ "ORIG",	 "orig",		-4,	TXT_PLAIN,	1 },
	{ "RESP",	 "resp",		-4,	TXT_PLAIN,	1 },
	{ "STATE",	 "conn_state",		-6,	TXT_PLAIN,	0 },
	{ "HISTORY",	 "history",		-7,	TXT_DASH,	1 },
	{ "PROCESS",	 "process",		-7,	TXT_PLAIN,	1 },
	{ "PKTS>",	 "orig_pkts",		7,	TXT_PLAIN,	0 },
	{ "PKTS<",	 "resp_pkts",		7,	TXT_PLAIN,	0 },
	{ "BYTES>",	 "orig_wire_bytes",	7,	TXT_HUMAN,	0 },
	{ "BYTES<",	 "resp_wire_bytes",	7,	TXT_HUMAN,	0 },
	{ "DATA>",	 "orig_bytes",		7,	TXT_HUMAN,	0 },
	{ "DATA<",	 "resp_bytes",		7,	TXT_HUMAN,	0 },
	{ "PORT",	 "port_state",		-8,	TXT_PLAIN,	0 },
	{ "RTT_MS",	 "rtt_syn_synack_us",	9,	TXT_MS,		0 },
	{ "RETX",	 "retx",		5,	TXT_PLAIN,	0 },
	{ "RESP_NAME",	 "name",		0,	TXT_PLAIN,	TXT_OPTIONAL },
};

/* Port state, handshake times (us), TCP troubles, ICMP errors. */
static struct cell *flow_tcp_cells(struct cell *c, const struct ft_view *v)
{
	STR(rep_port_state_name(v->port_state));
	INT(v->rtt_syn_synack_ns < 0 ? -1 : v->rtt_syn_synack_ns / NS_PER_US);
	INT(v->rtt_synack_ack_ns < 0 ? -1 : v->rtt_synack_ack_ns / NS_PER_US);
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
	return c;
}

/* Zeek's uid, the encapsulations ("gre/erspan2"), the uids of the flows
 * that carried it, the bytes of content gaps. */
static struct cell *flow_zeek_cells(struct cell *c, const struct ft_view *v,
				    struct cell_room *room)
{
	size_t n = 0;

	ft_uid_text(ft_view_uid(v), room->uid);
	STR(room->uid);
	room->tunnel[0] = '\0';
	for (int i = 0; i < DEC_MAX_CHAIN && v->tun[i]; i++)
		n += (size_t)snprintf(room->tunnel + n, sizeof(room->tunnel) - n,
				      "%s%s", i ? "/" : "",
				      dec_tun_name(v->tun[i]));
	STR(v->tun[0] ? room->tunnel : NULL);
	n = 0;
	for (int i = 0; i < v->nparents && i < FT_MAX_PARENTS; i++) {
		if (i)
			room->parents[n++] = ' ';
		ft_uid_text(v->parents[i], room->parents + n);
		n = strlen(room->parents);
	}
	LIST(v->nparents ? room->parents : NULL);
	INT(v->missed_bytes);
	return c;
}

/* The extra cells, in flow_extra's order; room->e is filled. */
static struct cell *flow_text_cells(struct cell *c, const struct flow_rec *f,
				    struct cell_room *room)
{
	const struct ft_view *v = &f->v;
	int v6 = v->key.flags & FT_K_V6;

	STR(rep_endpoint(room->orig, sizeof(room->orig), room->e.orig_h,
			 room->e.orig_p, v6));
	STR(rep_endpoint(room->resp, sizeof(room->resp), room->e.resp_h,
			 room->e.resp_p, v6));
	STR(rep_owner(f->end, room->owner, sizeof(room->owner)));
	INT((uint64_t)v->bdir[0].retrans + v->bdir[1].retrans);
	STR(f->name[FT_RESP].name);
	return c;
}

static struct cell *flow_cells(const void *row, struct cell *c, int text,
			       struct cell_room *room)
{
	const struct flow_rec *f = row;
	const struct ft_view *v = &f->v;
	const struct ft_counts *orig = &v->dir[FT_ORIG], *resp = &v->dir[FT_RESP];
	const char *proto = rep_proto_name(v->key.proto);
	int64_t ts = v->first_ns / NS_PER_US;

	rep_ends(v, &room->e);
	INT(REP_SCHEMA);
	USEC(ts);
	USEC(v->last_ns / NS_PER_US - ts);
	if (proto)
		STR(proto);
	else		/* a protocol without a name: its number */
		INT(v->key.proto);
	INT(v->key.proto);
	STR(room->e.orig_h);
	INT(room->e.orig_p);
	STR(room->e.resp_h);
	INT(room->e.resp_p);
	INT(v->key.vlan == DEC_NO_VLAN ? -1 : v->key.vlan);
	c = count_cells(c, orig, resp, 1);
	STR(ft_conn_state_name(v->conn_state));
	STR(v->history);
	INT(orig->frag_pkts);
	INT(orig->frag_wire_bytes);
	INT(resp->frag_pkts);
	INT(resp->frag_wire_bytes);
	STR(v->end < NITEMS(end_names) ? end_names[v->end] : "?");
	for (int i = 0; i < 2; i++) {
		c = owner_cells(c, &f->end[i], 1);
		STR(f->end[i].pid >= 0 ? NULL : attr_why_name(f->end[i].why));
	}
	c = flow_tcp_cells(c, v);
	c = flow_zeek_cells(c, v, room);
	c = who_cells(c, &f->end[FT_ORIG]);
	c = who_cells(c, &f->end[FT_RESP]);
	c = name_cells(c, f->name);
	return text ? flow_text_cells(c, f, room) : c;
}

/* ---- ports and services ------------------------------------------------- */

/* A service row is a port row of one responder address: the same fields,
 * its address after the protocol, and no counts of distinct clients and
 * servers (a port's). */
/* issue 17: the process's container, pod or unit */
#define WHO_KEYS \
	KEY("container", K_TEXT), KEY("container_id", K_TEXT), \
	KEY("image", K_TEXT), KEY("pod", K_TEXT), KEY("namespace", K_TEXT), \
	KEY("unit", K_TEXT), KEY("pod_uid", K_TEXT), \
	KEY("container_miss", K_TEXT)
#define PORT_KEYS_HEAD KEY("schema", K_INT), KEY("proto", K_PROTO)
#define PORT_KEYS_COUNTS \
	KEY("port", K_INT), \
	KEY("conns", K_INT), KEY("established", K_INT), KEY("rejected", K_INT), \
	KEY("unanswered", K_INT)
#define PORT_KEYS_TAIL \
	KEY("orig_pkts", K_INT), KEY("resp_pkts", K_INT), \
	KEY("orig_wire_bytes", K_BYTES), KEY("resp_wire_bytes", K_BYTES), \
	KEY("orig_ip_bytes", K_BYTES), KEY("resp_ip_bytes", K_BYTES), \
	KEY("orig_bytes", K_BYTES), KEY("resp_bytes", K_BYTES), \
	KEY("first_ts", K_TIME), KEY("last_ts", K_TIME), KEY("role", K_TEXT), \
	KEY("pid", K_INT), KEY("comm", K_TEXT), KEY("uid", K_INT), \
	KEY("attrib", K_TEXT), KEY("listening", K_BOOL), KEY("state", K_TEXT), \
	KEY("open_flows", K_INT), KEY("closed_flows", K_INT), \
	KEY("filtered_flows", K_INT), KEY("icmp_errors", K_INT), \
	KEY("rtt_median_us", K_US), KEY("rtt_p95_us", K_US), \
	KEY("retrans", K_INT), KEY("retrans_rate", K_FRACTION)

static const struct row_key port_keys[] = {
	PORT_KEYS_HEAD, PORT_KEYS_COUNTS,
	KEY("clients", K_INT), KEY("servers", K_INT),
	PORT_KEYS_TAIL,
	KEY("servers_open", K_INT), KEY("servers_closed", K_INT),
	KEY("servers_filtered", K_INT), WHO_KEYS,
};

static const struct row_key service_keys[] = {
	PORT_KEYS_HEAD, KEY("resp_h", K_ADDR), PORT_KEYS_COUNTS, PORT_KEYS_TAIL,
	WHO_KEYS,
};

/* Text only: the owner and whether it listens, retransmissions whatever
 * the protocol; ports: their servers by state. */
static const char *const port_extra[] = { "process", "retx", "ocf" };
static const char *const service_extra[] = { "process", "retx" };

#define PORT_COLS_HEAD \
	/* title	  cell			width	how		fit */ \
	{ "PROTO",	 "proto",		-5,	TXT_PLAIN,	0 }
#define PORT_COLS_TAIL \
	{ "PKTS_IN",	 "orig_pkts",		8,	TXT_PLAIN,	0 }, \
	{ "PKTS_OUT",	 "resp_pkts",		8,	TXT_PLAIN,	0 }, \
	{ "BYTES_IN",	 "orig_wire_bytes",	7,	TXT_HUMAN,	0 }, \
	{ "BYTES_OUT",	 "resp_wire_bytes",	7,	TXT_HUMAN,	0 }, \
	{ "RTT50_MS",	 "rtt_median_us",	9,	TXT_MS,		0 }, \
	{ "RETX",	 "retx",		5,	TXT_PLAIN,	0 }, \
	{ "PROCESS",	 "process",		0,	TXT_PLAIN,	0 }
#define PORT_COLS_COUNTS \
	{ "STATE",	 "state",		-14,	TXT_PLAIN,	0 }, \
	{ "CONNS",	 "conns",		7,	TXT_PLAIN,	0 }, \
	{ "ESTAB",	 "established",		7,	TXT_PLAIN,	0 }, \
	{ "REJ",	 "rejected",		7,	TXT_PLAIN,	0 }, \
	{ "UNANS",	 "unanswered",		7,	TXT_PLAIN,	0 }

static const struct text_col port_cols[] = {
	PORT_COLS_HEAD,
	{ "PORT",	 "port",		5,	TXT_PLAIN,	0 },
	PORT_COLS_COUNTS,
	{ "CLIENTS",	 "clients",		7,	TXT_PLAIN,	0 },
	{ "SERVERS",	 "servers",		7,	TXT_PLAIN,	0 },
	{ "SRV_O/C/F",	 "ocf",			-9,	TXT_PLAIN,	1 },
	PORT_COLS_TAIL,
};

static const struct text_col service_cols[] = {
	PORT_COLS_HEAD,
	{ "RESP",	 "resp_h",		-4,	TXT_PLAIN,	1 },
	{ "PORT",	 "port",		5,	TXT_PLAIN,	0 },
	PORT_COLS_COUNTS,
	PORT_COLS_TAIL,
};

/* The cells both kinds share, from conns to retrans_rate but the
 * distinct counts. */
static struct cell *port_counts(const struct port_row *p, struct cell *c)
{
	int tcp = p->proto == 6;

	c = count_cells(c, &p->dir[0], &p->dir[1], 1);
	if (p->conns) {
		USEC(p->first_ns / NS_PER_US);
		USEC(p->last_ns / NS_PER_US);
	} else {	/* a listener without flows: never seen */
		NUL();
		NUL();
	}
	STR(rep_role_name(p->role));
	c = owner_cells(c, &p->owner, 0);
	BOOL(p->listening);
	STR(rep_port_state_name(port_row_state(p)));
	INT(p->evidence[FT_PS_OPEN]);
	INT(p->evidence[FT_PS_CLOSED]);
	INT(p->evidence[FT_PS_FILTERED]);
	INT(p->icmp_errors);
	INT(rep_rtt_quantile(&p->rtt, 0.5));
	INT(rep_rtt_quantile(&p->rtt, 0.95));
	INT(tcp ? (int64_t)p->retrans : -1);
	/* a fraction with 6 decimals, written like the times */
	if (tcp && p->tcp_pkts)
		USEC(p->retrans * US_PER_S / p->tcp_pkts);
	else
		NUL();
	return c;
}

/* Text only: the owner, whether it listens, retransmissions. */
static struct cell *port_text(const struct port_row *p, struct cell *c,
			      struct cell_room *room)
{
	struct attr_end both[2] = { p->owner, p->owner };
	char w[40];

	snprintf(room->owner, sizeof(room->owner), "%s%s",
		 rep_owner(both, w, sizeof(w)),
		 p->listening ? " (listening)" : "");
	STR(room->owner);
	INT(p->retrans);
	return c;
}

static struct cell *port_cells(const void *row, struct cell *c, int text,
			       struct cell_room *room)
{
	const struct port_row *p = row;
	const uint64_t *ss = p->server_state;

	INT(REP_SCHEMA);
	STR(rep_proto_name(p->proto));
	INT(p->port);
	INT(p->conns);
	INT(p->established);
	INT(p->rejected);
	INT(p->unanswered);
	INT(p->clients);
	INT(p->servers);
	c = port_counts(p, c);
	INT(ss[FT_PS_OPEN]);
	INT(ss[FT_PS_CLOSED]);
	INT(ss[FT_PS_FILTERED]);
	c = who_cells(c, &p->owner);
	if (!text)
		return c;
	c = port_text(p, c, room);
	snprintf(room->resp, sizeof(room->resp), "%llu/%llu/%llu",
		 (unsigned long long)ss[FT_PS_OPEN],
		 (unsigned long long)ss[FT_PS_CLOSED],
		 (unsigned long long)ss[FT_PS_FILTERED]);
	STR(room->resp);
	return c;
}

static struct cell *service_cells(const void *row, struct cell *c, int text,
				  struct cell_room *room)
{
	const struct port_row *p = row;

	INT(REP_SCHEMA);
	STR(rep_proto_name(p->proto));
	STR(inet_ntop(p->ipv == 6 ? AF_INET6 : AF_INET, p->addr, room->resp,
		      sizeof(room->resp)));
	INT(p->port);
	INT(p->conns);
	INT(p->established);
	INT(p->rejected);
	INT(p->unanswered);
	c = port_counts(p, c);
	c = who_cells(c, &p->owner);
	return text ? port_text(p, c, room) : c;
}

/* ---- processes ----------------------------------------------------------- */

static const struct row_key proc_keys[] = {
	KEY("schema", K_INT), KEY("pid", K_INT), KEY("comm", K_TEXT),
	KEY("uid", K_INT), KEY("cgroup", K_INT), KEY("attrib", K_TEXT),
	KEY("exited", K_BOOL), KEY("attrib_miss", K_TEXT), KEY("flows", K_INT),
	KEY("ports", K_INT), KEY("tx_pkts", K_INT), KEY("rx_pkts", K_INT),
	KEY("tx_wire_bytes", K_BYTES), KEY("rx_wire_bytes", K_BYTES),
	KEY("tx_bytes", K_BYTES), KEY("rx_bytes", K_BYTES),
	KEY("first_ts", K_TIME), KEY("last_ts", K_TIME),
	/* issue 17: its container, pod or unit */
	KEY("container", K_TEXT), KEY("container_id", K_TEXT),
	KEY("image", K_TEXT), KEY("pod", K_TEXT), KEY("namespace", K_TEXT),
	KEY("unit", K_TEXT), KEY("pod_uid", K_TEXT),
	KEY("container_miss", K_TEXT),
};

/* Text only: the command, or what the row of unattributed ends is; its
 * container (or unit). */
static const char *const proc_extra[] = { "command", "in" };

static const struct text_col proc_cols[] = {
	/* title	  cell			width	how		fit */
	{ "PID",	 "pid",			7,	TXT_PLAIN,	0 },
	{ "COMMAND",	 "command",		-15,	TXT_PLAIN,	0 },
	{ "UID",	 "uid",			6,	TXT_PLAIN,	0 },
	{ "FLOWS",	 "flows",		6,	TXT_PLAIN,	0 },
	{ "PORTS",	 "ports",		6,	TXT_PLAIN,	0 },
	{ "TX_PKTS",	 "tx_pkts",		8,	TXT_PLAIN,	0 },
	{ "RX_PKTS",	 "rx_pkts",		8,	TXT_PLAIN,	0 },
	{ "TX",		 "tx_wire_bytes",	7,	TXT_HUMAN,	0 },
	{ "RX",		 "rx_wire_bytes",	7,	TXT_HUMAN,	0 },
	{ "CONTAINER",	 "in",			0,	TXT_PLAIN,	TXT_OPTIONAL },
};

static struct cell *proc_cells(const void *row, struct cell *c, int text,
			       struct cell_room *room)
{
	const struct rep_proc *p = row;
	const struct attr_end *o = &p->who;
	int found = o->pid >= 0;

	INT(REP_SCHEMA);
	c = owner_cells(c, o, 1);
	/* a file's comments do not say whether a process has exited */
	if (found && o->src != ATTR_SRC_PCAPNG)
		BOOL(o->exited);
	else
		NUL();
	STR(found ? NULL : attr_why_name(o->why));
	INT(p->flows);
	INT(p->ports);
	c = count_cells(c, &p->tx, &p->rx, 0);
	USEC(p->first_ns / NS_PER_US);
	USEC(p->last_ns / NS_PER_US);
	c = who_cells(c, o);
	if (text) {
		STR(found ? o->comm : "(unattributed)");
		STR(who_text(o, room->who));
	}
	return c;
}

/* ---- the tables ------------------------------------------------------------ */

#define KIND(keys, extra, cols, cells) \
	{ keys, NITEMS(keys), extra, NITEMS(extra), cols, NITEMS(cols), cells }

static const struct rows_kind kinds[] = {
	[REP_FLOWS] = KIND(flow_keys, flow_extra, flow_cols, flow_cells),
	[REP_PORTS] = KIND(port_keys, port_extra, port_cols, port_cells),
	[REP_PROCS] = KIND(proc_keys, proc_extra, proc_cols, proc_cells),
	[REP_SERVICES] = KIND(service_keys, service_extra, service_cols,
			      service_cells),
};

_Static_assert(NITEMS(flow_keys) + NITEMS(flow_extra) <= ROWS_MAXCELLS &&
	       NITEMS(port_keys) + NITEMS(port_extra) <= ROWS_MAXCELLS &&
	       NITEMS(proc_keys) + NITEMS(proc_extra) <= ROWS_MAXCELLS &&
	       NITEMS(service_keys) + NITEMS(service_extra) <= ROWS_MAXCELLS,
	       "a row's cells fit ROWS_MAXCELLS");
_Static_assert(NITEMS(flow_cols) <= REP_TEXT_MAXCOLS &&
	       NITEMS(port_cols) <= REP_TEXT_MAXCOLS &&
	       NITEMS(proc_cols) <= REP_TEXT_MAXCOLS &&
	       NITEMS(service_cols) <= REP_TEXT_MAXCOLS, "columns fit rep_table");

const struct rows_kind *rows_kind(enum rep_kind kind)
{
	return &kinds[kind];
}
