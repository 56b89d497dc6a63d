/*
 * nm.h - where: the names of the addresses a flow talks to, learnt
 * passively from the traffic itself, as it is read: DNS answers (A, AAAA
 * and the CNAME chains that lead to them, per client, aged by their
 * TTLs; PTR answers as reverse names), the server_name of TLS
 * ClientHellos and the Host header of HTTP/1 requests.  No lookups: it
 * works offline and in replays, and the same packets give the same names
 * on every run.  A flow's ends are named when it ends (the reports) or
 * whenever a view asks.
 *
 * The capture thread feeds it (nm_packet) and is its only writer;
 * readers (nm_flow) may be any thread and never block it.  Everything is
 * bounded, and what does not fit is counted (nm_get_stats): 65,536
 * address entries, 16,384 flows' server names, 16 MiB of name text.
 * Names are interned and stay valid, with every pointer to them, until
 * nm_free.  Times are packet times.
 */
#ifndef PORTTOP_NM_H
#define PORTTOP_NM_H

#include <stddef.h>
#include <stdint.h>

#include "../decode/dec.h"
#include "../flowtable/ft.h"

/* Where a name came from (the reports' *_name_source). */
enum nm_src {
	NM_SRC_NONE = 0,
	NM_SRC_DNS,		/* a DNS answer (A, AAAA) to this client, else
				   to any client: the name it asked for */
	NM_SRC_SNI,		/* a TLS ClientHello's server_name */
	NM_SRC_HTTP,		/* an HTTP/1 request's Host */
	NM_SRC_RDNS,		/* a PTR answer (reverse DNS): passive in the
				   reports, looked up by the view on `n` */
	NM_SRC_NUM
};

/* Why an end has no name (the reports' *_name_miss). */
enum nm_why {
	NM_FOUND = 0,
	NM_UNSEEN,		/* nothing in the capture named the address:
				   e.g. the capture began after the lookup */
	NM_EXPIRED,		/* the DNS answer's TTL (and a minute's grace)
				   ran out before the flow began */
	NM_CUT,			/* the packet that named it was cut short (by
				   the snaplen, or a ClientHello spread over
				   several segments) */
	NM_FULL,		/* the name text did not fit (16 MiB) */
	NM_WHY_NUM
};

/* One end's name: name NULL with why when unknown.  16 bytes. */
struct nm_name {
	const char *name;
	uint8_t src;		/* enum nm_src */
	uint8_t why;		/* enum nm_why */
	uint8_t pad[6];
};

struct nm_names;

/* nm_new: empty tables (memory is touched as they fill: 6.5 MiB at
 * most, plus the text).  NULL when out of memory. */
struct nm_names *nm_new(void);
void nm_free(struct nm_names *n);

/* nm_packet: learn from one decoded packet (p: DEC_OK) whose frame's
 * captured bytes are frame[0, caplen): DNS responses from port 53 (UDP,
 * or TCP when the segment starts a message), TLS ClientHellos and HTTP/1
 * requests on any TCP port.  Capture thread only; a few comparisons for
 * a packet that is none of those. */
void nm_packet(struct nm_names *n, const uint8_t *frame, uint32_t caplen,
	       const struct dec_pkt *p);

/* nm_flow: the names of a flow's ends ([FT_ORIG], [FT_RESP]) as known
 * now.  The resp end: the flow's own ClientHello or Host, else a DNS
 * answer to the orig for that address, else one to any client, else a
 * PTR; the orig end likewise (a ClientHello sent by the resp, when the
 * flow's orientation is the server's).  An answer counts for a flow
 * that began before its TTL (plus a minute) ran out and ended after it
 * came.  Any thread; n may be NULL (no names: NM_UNSEEN). */
void nm_flow(const struct nm_names *n, const struct ft_view *v,
	     struct nm_name out[2]);

/* What was learnt and lost, for the summary. */
struct nm_stats {
	uint64_t dns;		/* A and AAAA answers taken */
	uint64_t ptr;		/* PTR answers taken */
	uint64_t sni, http;	/* ClientHellos, requests with a name */
	uint64_t dns_cut, sni_cut, http_cut;	/* cut before the name */
	uint64_t quic_cut;	/* of sni_cut: QUIC client Initials the
				   snaplen cut (their AEAD needs all of a
				   packet: any snaplen below its ~1250
				   bytes loses the name) */
	uint64_t bad;		/* malformed (lengths, pointers) */
	uint64_t forgotten;	/* still valid entries replaced (a full
				   table, names/nm_tab.h) */
	uint64_t full;		/* names the text pool had no room for */
};
void nm_get_stats(const struct nm_names *n, struct nm_stats *s);

/* nm_msg: one line for the summary ("names: 40 DNS answers, 12 server
 * names (SNI), 3 HTTP hosts; 2 cut short (...)", and when QUIC Initials
 * were cut, the hint that live porttop keeps them whole without -s): 1, or 0 when nothing
 * was seen (nothing written). */
int nm_msg(const struct nm_names *n, char *buf, size_t len);

/* Names for reports: "dns", "sni", "http", "rdns"; "unseen", ... */
const char *nm_src_name(int src);
const char *nm_why_name(int why);

#endif
