/*
 * ports.h - the per-responder table: what each service (protocol,
 * responder address, port: a server as nmap and Zeek's known_services see
 * it) and each port (protocol, port: every responder folded together) did,
 * folded from flows.  The ports report, the Ports view and the events
 * stream all count through here, so the same port shows the same numbers
 * everywhere.
 *
 * A row holds the counts, the process behind the port, its state with the
 * evidence, handshake times and retransmissions.  The state is the
 * verdict of the flow with the latest start that gave one (open, closed,
 * filtered: enum ft_port_state, nmap's words): a port that answered this
 * morning and refuses now is closed.  A local listener no flow has reached
 * yet is "listening-idle".
 *
 * Bounds: port rows are at most 3 x 65536 (TCP, UDP, SCTP); service rows
 * at most max_services (default 65536: about 600 bytes each), the flows of
 * services beyond it still count in their port row and in
 * services_dropped; distinct clients and servers are counted exactly up to
 * max_distinct (protocol, port, role, address) entries (default 2^22,
 * 24 bytes each at up to 3/4 load), beyond which the counts are lower
 * bounds (distinct_capped).
 */
#ifndef PORTTOP_PORTS_H
#define PORTTOP_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../attrib/attr.h"
#include "../flowtable/ft.h"

/* Handshake times of a row's flows (SYN -> SYN-ACK, microseconds): a
 * histogram of quarter octaves from 1 us, so a median and a 95th
 * percentile take 400 bytes however many flows there are. */
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

/* What this host does on a port, as far as attribution tells: the best
 * seen of its flows (listen > serve > client). */
enum rep_role {
	REP_ROLE_UNKNOWN = 0,	/* no local process seen on it */
	REP_ROLE_CLIENT,	/* a local process talks to a remote server
				   on this port */
	REP_ROLE_SERVE,		/* a local process answers on it */
	REP_ROLE_LISTEN,	/* a local socket listens on it */
};

/* One row: a port (ipv 0, addr zero) or a service (ipv 4 or 6, addr the
 * responder's, network byte order). */
struct port_row {
	uint8_t proto;			/* IP protocol: 6, 17, 132 */
	uint8_t ipv;
	uint16_t port;			/* the responder's, host order */
	uint8_t addr[16];
	uint64_t conns, established, rejected, unanswered;
	uint64_t clients, servers;	/* distinct orig_h / resp_h (port
					   rows; 0 in service rows) */
	struct ft_counts dir[2];	/* summed over the flows */
	int64_t first_ns, last_ns;	/* first and last packet, ns */
	struct attr_end owner;		/* the responder's process: the
					   listener's, else the first one
					   found among the flows */
	uint8_t listening;		/* a local socket listens on it */
	uint8_t role;			/* enum rep_role */
	uint8_t state;			/* enum ft_port_state (above) */
	int64_t state_ns;		/* the start of the flow that gave it */
	uint64_t evidence[FT_PS_NUM];	/* flows per verdict */
	uint64_t icmp_errors;		/* ICMP errors quoting its flows */
	uint64_t tcp_pkts, retrans;	/* TCP packets, of which resent */
	struct rep_rtt rtt;		/* SYN -> SYN-ACK of its flows */
	uint64_t server_state[FT_PS_NUM];	/* port rows: its services
					   (responder addresses) by their
					   own state, as nmap gives one per
					   host; 0 in service rows */
};

/* port_row_init: an empty port row for (proto, port).  port_row_fold:
 * count one flow (end[] its owners) in r: the one rule every row of
 * every consumer is folded by.  Distinct clients and servers are the
 * table's to count.  port_row_listen: r is listened on by l (role listen,
 * the listener's process as owner). */
void port_row_init(struct port_row *r, uint8_t proto, uint16_t port);
void port_row_fold(struct port_row *r, const struct ft_view *v,
		   const struct attr_end end[2]);
void port_row_listen(struct port_row *r, const struct attr_listener *l);

/* port_row_state: r's state (enum ft_port_state or REP_PS_LISTEN_IDLE);
 * rep_port_state_name: "unknown", "open", "closed", "filtered",
 * "listening-idle". */
int port_row_state(const struct port_row *r);
const char *rep_port_state_name(int st);

/* rep_port_verdict: take verdict st (enum ft_port_state) of a flow that
 * started at t (ns) into a row's *state, given at *state_ns: the latest
 * start wins, at one start the larger value (filtered > closed > open), so
 * the order flows end in never matters; unknown says nothing.  1 when
 * *state or *state_ns moved. */
int rep_port_verdict(uint8_t *state, int64_t *state_ns, int st, int64_t t);

/* rep_role_name: "client", "serve", "listen", or NULL for unknown. */
const char *rep_role_name(int role);

/* rep_listeners: the attribution service's listeners now, into *buf
 * (grown as needed, *cap entries; the caller frees it).  Returns how
 * many, or -1 when out of memory; 0 when a is NULL. */
long rep_listeners(struct attr *a, struct attr_listener **buf, size_t *cap);

/* ---- the table ---------------------------------------------------------- */

struct ports_config {
	uint32_t max_services;	/* 0: 65536 */
	uint32_t max_distinct;	/* 0: 1 << 22 */
	bool no_services;	/* keep port rows only */
	bool no_service_rows;	/* services only for their ports'
				   server_state: no service rows (32 bytes
				   a service instead of ~800) */
	bool no_distinct;	/* do not count clients and servers */
	bool defer_distinct;	/* a report (no live flows on top): IPv4
				   clients and servers are logged and
				   counted by ports_settle, one sort
				   instead of a random probe a flow */
};

struct ports_stats {
	uint64_t services_dropped;	/* flows whose service found no room */
	int distinct_capped;		/* clients/servers are lower bounds */
	int nomem;			/* a row could not be allocated: the
					   table is short */
};

struct ports;

/* ports_new: an empty table (c NULL: the defaults).  NULL when out of
 * memory.  ports_keyhash (lib/keyhash.h) must be initialised. */
struct ports *ports_new(const struct ports_config *c);
void ports_free(struct ports *t);

/* ports_add: fold an ended flow (end[] its owners) into its port's row,
 * its service's row and the distinct sets.  Returns the port row (valid
 * until the next ports_add or ports_listen), or NULL when the protocol
 * has no port rows (not TCP, UDP, SCTP) or memory is short. */
const struct port_row *ports_add(struct ports *t, const struct ft_view *v,
				 const struct attr_end end[2]);

/* ports_listen: a local listener: its port row (created if need be) and
 * service row get role listen and the listener's owner.  0, or -1 when
 * out of memory. */
int ports_listen(struct ports *t, const struct attr_listener *l);

/* The rows, in the order they were created (callers sort); no service
 * rows with no_service_rows. */
size_t ports_nports(const struct ports *t);
const struct port_row *ports_port(const struct ports *t, size_t i);
size_t ports_nservices(const struct ports *t);
const struct port_row *ports_service(const struct ports *t, size_t i);

/* ports_settle: with defer_distinct, count the logged clients and
 * servers into the port rows (before reading them; again after more
 * ports_add counts only what is new).  Without it, nothing to do. */
void ports_settle(struct ports *t);
/* ports_find: the index of (proto, port)'s row, or -1. */
long ports_find(const struct ports *t, uint8_t proto, uint16_t port);

void ports_get_stats(const struct ports *t, struct ports_stats *s);

/* ---- live flows on top (the views) -----------------------------------------
 *
 * A view shows the ended flows' rows plus the live flows folded on a copy
 * at each refresh.  ports_live_begin starts a refresh; ports_live_distinct
 * says whether a live flow's client and server are new to its port in
 * this refresh (not already counted by an ended flow, nor by another live
 * flow of this refresh): *clients and *servers get 0 or 1. */
void ports_live_begin(struct ports *t);
void ports_live_distinct(struct ports *t, const struct ft_view *v,
			 uint64_t *clients, uint64_t *servers);

#endif
