/*
 * report.h - offline reports: every flow (--report flows) or every
 * responder port (--report ports), as text, CSV or JSON Lines.
 *
 * A report is fed ended flows (it is the flow table's done callback), then
 * written once at the end, sorted so that the same input always gives the
 * same bytes: flows by first-packet time, then orig, resp, proto, VLAN and
 * creation order; ports by protocol, then port number.
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

#include "../flowtable/ft.h"

enum rep_kind { REP_FLOWS, REP_PORTS };
enum rep_fmt { REP_TEXT, REP_CSV, REP_JSON };

#define REP_SCHEMA 1

struct report;

/* report_new: an empty report.  NULL when out of memory. */
struct report *report_new(enum rep_kind kind, enum rep_fmt fmt);

/* report_add: take one ended flow (signature of ft_done_fn; arg is the
 * report).  Flows mode keeps a copy (sizeof(struct ft_view) bytes each);
 * ports mode folds it into per-port totals and distinct-address sets.  On
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

/* Writers: one flow, one port row; headers for CSV and text. */
struct rep_port;
int rep_write_flows(FILE *out, enum rep_fmt fmt, const struct ft_view **v,
		    uint64_t n);
int rep_write_ports(FILE *out, enum rep_fmt fmt,
		    const struct rep_port *const *p, uint64_t n);

/* For other writers of the same rows (the --batch view): the report's
 * fields of one row set into a JSON object, created on first use (*o NULL)
 * and updated in place afterwards; NULL when out of memory.  Callers may
 * add keys after the report's.  rep_json_write writes it as one line. */
struct rep_port;
json_t *rep_json_flow(json_t **o, const struct ft_view *v);
json_t *rep_json_port(json_t **o, const struct rep_port *p);
int rep_json_write(FILE *out, json_t *o);

/* rep_human: 1023, 1.0K, 12.3M (powers of 1024, like ls -h) into buf.
 * rep_utc_time: "2024-01-02 03:04:05.123456" for epoch microseconds. */
const char *rep_human(uint64_t v, char *buf, size_t len);
void rep_utc_time(int64_t us, char *buf, size_t len);

/* The protocols with a ports report, and rep_port_index: PI_TCP, PI_UDP,
 * PI_SCTP for IP protocols 6, 17, 132, else -1. */
enum { PI_TCP, PI_UDP, PI_SCTP, PI_NUM };
int rep_port_index(uint8_t proto);

/* Per-port totals, (proto, port) of the responder side. */
struct rep_port {
	uint8_t proto;
	uint16_t port;
	uint64_t conns, established, rejected, unanswered;
	uint64_t clients, servers;	/* distinct orig_h / resp_h */
	struct ft_counts dir[2];	/* summed over the port's flows */
	int64_t first_ns, last_ns;
};

#endif
