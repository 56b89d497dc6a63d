/*
 * report.h - reports: every flow (--report flows), every responder port
 * (--report ports) or every process (--report procs), as text, CSV or JSON
 * Lines.
 *
 * A report is fed ended flows (it is the flow table's done callback), then
 * written once at the end, sorted so that the same input always gives the
 * same bytes: flows by first-packet time, then orig, resp, proto, VLAN and
 * creation order; ports by protocol, then port number; processes by pid.
 * The owners of a flow's ends come from the attribution service (attr.h)
 * when the capture is live, looked up as each flow ends.
 *
 * JSON Lines: one object per line, each carrying "schema": 1 (so every line
 * stands alone for jq and friends).  Field names and meanings are in
 * README.md and porttop.8; they follow Zeek's conn.log where it has one.
 */
#ifndef PORTTOP_REPORT_H
#define PORTTOP_REPORT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "../attrib/attr.h"
#include "../flowtable/ft.h"

enum rep_kind { REP_FLOWS, REP_PORTS, REP_PROCS };
enum rep_fmt { REP_TEXT, REP_CSV, REP_JSON };

#define REP_SCHEMA 1

struct report;

/* report_new: an empty report, attributing flows through a (NULL: no
 * attribution, every end "disabled").  NULL when out of memory. */
struct report *report_new(enum rep_kind kind, enum rep_fmt fmt,
			  struct attr *a);

/* A flow with the owners of its ends ([FT_ORIG], [FT_RESP]). */
struct rep_flow {
	struct ft_view v;
	struct attr_end end[2];
};

/* report_add: take one ended flow (signature of ft_done_fn; arg is the
 * report).  Flows mode keeps a copy (sizeof(struct rep_flow) bytes each);
 * ports and procs modes fold it into totals and distinct sets.  On
 * allocation failure the report remembers it and report_write fails. */
void report_add(void *report, const struct ft_view *v);

/* report_flows: number of flows taken so far. */
uint64_t report_flows(const struct report *r);

/* report_write: sort and write the whole report to out.  Returns 0, or -1
 * with errno set (ENOMEM if an earlier report_add could not allocate, or
 * the stream's write error). */
int report_write(struct report *r, FILE *out);

/* report_free: release everything (NULL is ignored). */
void report_free(struct report *r);

/* ---- shared by the writers (report_out.c) ---- */

/* Endpoint strings of a flow: address text (inet_ntop: dotted IPv4,
 * RFC 5952 IPv6), port, and which endpoint is orig. */
struct rep_ends {
	char orig_h[46], resp_h[46];
	int orig_p, resp_p;	/* -1 when the protocol has no ports */
};
void rep_ends(const struct ft_view *v, struct rep_ends *e);

/* rep_proto_name: "tcp", "udp", "icmp", "icmp6", "sctp", or NULL for a
 * protocol reported by number. */
const char *rep_proto_name(uint8_t proto);

/* Writers of whole reports (rows sorted by the caller). */
struct rep_port;
struct rep_proc;
int rep_write_flows(FILE *out, enum rep_fmt fmt,
		    const struct rep_flow *const *f, uint64_t n);
int rep_write_ports(FILE *out, enum rep_fmt fmt,
		    const struct rep_port *const *p, uint64_t n);
int rep_write_procs(FILE *out, enum rep_fmt fmt,
		    const struct rep_proc *const *p, uint64_t n);

/* For other writers of the same rows (the --batch view): the report's
 * fields of one row set into a JSON object, created on first use (*o NULL)
 * and updated in place afterwards; NULL when out of memory.  Callers may
 * add keys after the report's.  rep_json_write writes it as one line. */
struct rep_port;
json_t *rep_json_flow(json_t **o, const struct rep_flow *f);
json_t *rep_json_port(json_t **o, const struct rep_port *p);
json_t *rep_json_proc(json_t **o, const struct rep_proc *p);
int rep_json_write(FILE *out, json_t *o);

/* rep_human: 1023, 1.0K, 12.3M (powers of 1024, like ls -h) into buf.
 * rep_utc_time: "2024-01-02 03:04:05.123456" for epoch microseconds. */
const char *rep_human(uint64_t v, char *buf, size_t len);
void rep_utc_time(int64_t us, char *buf, size_t len);

/* The protocols with a ports report, and rep_port_index: PI_TCP, PI_UDP,
 * PI_SCTP for IP protocols 6, 17, 132, else -1. */
enum { PI_TCP, PI_UDP, PI_SCTP, PI_NUM };
int rep_port_index(uint8_t proto);

/* Handshake times of a port's flows (SYN -> SYN-ACK, microseconds): a
 * histogram of quarter octaves from 1 us (ports.c), so a port's median
 * and 95th percentile take 400 bytes however many flows it has. */
#define REP_RTT_BUCKETS 100	/* 1 us .. ~24 s; longer ones in the last */
struct rep_rtt {
	uint64_t n, min_us, max_us;
	uint32_t b[REP_RTT_BUCKETS];
};

/* rep_rtt_quantile: the q-quantile (0..1) of h in microseconds, within
 * 9 % (a bucket's geometric middle, clamped to the smallest and largest
 * seen); -1 when h is empty. */
int64_t rep_rtt_quantile(const struct rep_rtt *h, double q);

/* A port's state: enum ft_port_state, or a local listener no flow has
 * reached. */
#define REP_PS_LISTEN_IDLE FT_PS_NUM

/* Per-port totals, (proto, port) of the responder side. */
struct rep_port {
	uint8_t proto;
	uint16_t port;
	uint64_t conns, established, rejected, unanswered;
	uint64_t clients, servers;	/* distinct orig_h / resp_h */
	struct ft_counts dir[2];	/* summed over the port's flows */
	int64_t first_ns, last_ns;
	struct attr_end owner;		/* the responder's process: the
					   listener's, else the first one
					   found among the port's flows */
	uint8_t listening;		/* a local socket listens on it (live
					   capture with attribution: at the
					   end of a report, now in a view) */
	uint8_t role;			/* enum rep_role */
	uint8_t state;			/* enum ft_port_state: the verdict
					   of the latest-starting flow
					   that gave one (rep_port_state) */
	int64_t state_ns;		/* that flow's start */
	uint64_t evidence[FT_PS_NUM];	/* flows per verdict */
	uint64_t icmp_errors;		/* ICMP errors quoting its flows */
	uint64_t tcp_pkts, retrans;	/* TCP packets, of which resent */
	struct rep_rtt rtt;		/* SYN -> SYN-ACK of its flows */
};

/* rep_port_init: an empty row for (proto, port).  rep_port_fold: count
 * one flow (end[] from attr_flow) in it; distinct clients and servers are
 * the caller's to count. */
void rep_port_init(struct rep_port *p, uint8_t proto, uint16_t port);
void rep_port_fold(struct rep_port *p, const struct ft_view *v,
		   const struct attr_end end[2]);

/* rep_port_verdict: take verdict st (enum ft_port_state) of a flow that
 * started at t (ns) into a port's *state, given at *state_ns: the latest
 * start wins, at one start the larger value (filtered > closed > open), so
 * the order flows end in never matters; unknown says nothing.  1 when
 * *state or *state_ns moved.  The ports report, the view and the events
 * stream all decide by it. */
int rep_port_verdict(uint8_t *state, int64_t *state_ns, int st, int64_t t);

/* rep_port_state: p's state (enum ft_port_state or REP_PS_LISTEN_IDLE);
 * rep_port_state_name: "unknown", "open", "closed", "filtered",
 * "listening-idle". */
int rep_port_state(const struct rep_port *p);
const char *rep_port_state_name(int st);

/* What this host does on a port, as far as attribution tells: the best
 * seen of its flows (listen > serve > client); owner is that flow's
 * local process. */
enum rep_role {
	REP_ROLE_UNKNOWN = 0,	/* no local process seen on it */
	REP_ROLE_CLIENT,	/* a local process talks to a remote server
				   on this port */
	REP_ROLE_SERVE,		/* a local process answers on it */
	REP_ROLE_LISTEN,	/* a local socket listens on it */
};

/* rep_port_owner: fold one flow's owners (end[] from attr_flow) into a
 * port's owner and role; rep_role_name: "client", "serve", "listen", or
 * NULL for unknown. */
void rep_port_owner(struct attr_end *owner, uint8_t *role,
		    const struct attr_end end[2]);
const char *rep_role_name(int role);

/* rep_listeners: the attribution service's listeners now, into *buf
 * (grown as needed, *cap entries; the caller frees it).  Returns how
 * many, or -1 when out of memory; 0 when a is NULL. */
long rep_listeners(struct attr *a, struct attr_listener **buf, size_t *cap);

/* rep_port_listen: mark a port row as listened on by l: role listen, the
 * listener's process as owner. */
void rep_port_listen(struct rep_port *p, const struct attr_listener *l);

/* Per-process totals: every flow end a process owned.  pid -1 gathers
 * the ends no process could be found for. */
struct rep_proc {
	struct attr_end who;
	uint64_t flows;			/* flow ends owned */
	uint64_t ports;			/* distinct local (proto, port) */
	struct ft_counts tx, rx;	/* sent by / to the process */
	int64_t first_ns, last_ns;
};

/* ---- per-process totals (report_procs.c), for the procs report and the
 * processes view ---- */
struct rep_procs;

/* rep_procs_new: empty totals (NULL when out of memory). */
struct rep_procs *rep_procs_new(void);
void rep_procs_free(struct rep_procs *p);

/* rep_procs_add: count a flow for the processes owning its ends (end[] as
 * from attr_flow).  Every end a process owns counts for it: tx is what
 * that end sent, rx what it received, and its local port is one of the
 * process's ports.  A flow with no owned end counts once for pid -1 (not
 * once per end).  rows[i] gets the row index end i counted in, or -1.
 * Returns 0, or -1 when out of memory. */
int rep_procs_add(struct rep_procs *p, const struct ft_view *v,
		  const struct attr_end end[2], long rows[2]);

/* rep_procs_copy: make dst equal to src (dst's memory is reused: the view
 * copies its ended totals at every refresh).  0, or -1 out of memory. */
int rep_procs_copy(struct rep_procs *dst, const struct rep_procs *src);

/* rep_procs_finish: count each row's distinct ports; returns the number
 * of rows (rep_procs_row(p, 0 .. n-1)), or -1 when out of memory.  More
 * flows may be added afterwards (finish again). */
long rep_procs_finish(struct rep_procs *p);
struct rep_proc *rep_procs_row(struct rep_procs *p, long i);

#endif
