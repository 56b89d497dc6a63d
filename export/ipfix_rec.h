/*
 * ipfix_rec.h - one flow record as the IPFIX exporter queues it, and the
 * book of what each long-lived flow has exported already.
 *
 * The capture thread turns an ended flow (or a live one whose active
 * timeout has come) into a struct ipfix_rec: plain data in the flow's own
 * terms (orig and resp, as porttop's reports say them), no pointers, so
 * that it can wait in the sender's ring; the sender thread encodes it for
 * the wire (ipfix_fb.h: one biflow record, or one per direction).
 *
 * Long-lived flows are exported while they live (the active timeout):
 * each such "delta" record carries what the flow did since its previous
 * record, and the flow's last record only the remainder, so the records
 * of one flow (they share flow_id) add up to its totals.  The book
 * remembers, per flow id, what was exported and when; a flow enters it
 * with its first delta and leaves it with its last record, so it never
 * holds more flows than the table.
 */
#ifndef PORTTOP_IPFIX_REC_H
#define PORTTOP_IPFIX_REC_H

#include <stdint.h>

#include "../attrib/attr.h"
#include "../flowtable/ft.h"

/* flowEndReason (IANA IE 136) */
enum {
	IPFIX_END_IDLE = 1,	/* idle timeout */
	IPFIX_END_ACTIVE = 2,	/* active timeout: a delta, the flow lives on */
	IPFIX_END_DETECTED = 3,	/* end of flow detected (FIN, RST, reuse) */
	IPFIX_END_FORCED = 4,	/* forced end (end of input) */
	IPFIX_END_RESOURCES = 5	/* lack of resources (evicted) */
};

#define IPFIX_NO_RTT UINT32_MAX	/* rtt_us: not seen */
#define IPFIX_NO_UID UINT32_MAX	/* ipfix_owner.uid: unknown */

/* The process owning one end; pid 0 (never a process's), uid
 * IPFIX_NO_UID, cgroup 0 and comm "" when unknown. */
struct ipfix_owner {
	uint32_t pid, uid;
	uint64_t cgroup;
	char comm[16];
};

struct ipfix_rec {
	uint64_t flow_id;	/* porttop's flow id: a flow's records share it */
	int64_t start_ns, end_ns; /* the flow's first packet, or the previous
				     record's end; the last packet counted */
	uint8_t addr[2][16];	/* [FT_ORIG], [FT_RESP]; IPv4 in 4 bytes */
	uint16_t port[2];	/* 0 for ICMP and protocols without ports */
	uint16_t icmp[2];	/* ICMP: type << 8 | code sent each way */
	uint16_t vlan;		/* outermost VLAN ID, 0 untagged */
	uint16_t tcp_flags[2];	/* TCP flags sent each way (from history) */
	uint8_t v6, proto;
	uint8_t end_reason;	/* IPFIX_END_* */
	uint8_t port_state;	/* enum ft_port_state */
	uint64_t pkts[2], octets[2];	/* since the previous record: IP
					   bytes (IPFIX octets: IP header
					   and payload) */
	uint32_t retrans[2];	/* since the previous record */
	uint32_t rtt_us[2];	/* SYN -> SYN-ACK, SYN-ACK -> ACK */
	char conn_state[8];
	char history[FT_HIST_MAX + 1];
	struct ipfix_owner own[2];
};

/* ipfix_tcp_flags: the TCP flags each side sent, as far as Zeek's history
 * letters tell them (S SYN, H SYN+ACK, A and D ACK, F FIN, R RST, I
 * SYN+RST, Q SYN+FIN; upper case orig, lower case resp). */
void ipfix_tcp_flags(const char *history, uint16_t flags[2]);

/* ipfix_port_state_name: "unknown", "open", "closed", "filtered". */
const char *ipfix_port_state_name(int ps);

struct ipfix_book;

/* ipfix_book_new: an empty book (NULL when out of memory). */
struct ipfix_book *ipfix_book_new(void);
void ipfix_book_free(struct ipfix_book *b);

/* ipfix_book_flows: flows in the book now (exported at least once and
 * not ended). */
uint64_t ipfix_book_flows(const struct ipfix_book *b);

/* ipfix_book_due: 1 when live flow v should be exported at now_ns: at
 * least active_ns since its previous record (or its first packet) and
 * packets since. */
int ipfix_book_due(const struct ipfix_book *b, const struct ft_view *v,
		   int64_t now_ns, int64_t active_ns);

/* ipfix_rec_delta: r = live flow v's delta record (what it did since its
 * previous record), with the owners of its ends; the book remembers it
 * as exported at now_ns.  Returns 0, or -1 when the book cannot grow
 * (nothing written, nothing remembered). */
int ipfix_rec_delta(struct ipfix_rec *r, struct ipfix_book *b,
		    const struct ft_view *v, const struct attr_end end[2],
		    int64_t now_ns);

/* ipfix_rec_final: r = ended flow v's last record (what its deltas did
 * not carry, or all of it), with the owners of its ends; v leaves the
 * book.  r may be NULL: v only leaves the book (its record is lost). */
void ipfix_rec_final(struct ipfix_rec *r, struct ipfix_book *b,
		     const struct ft_view *v, const struct attr_end end[2]);

#endif
