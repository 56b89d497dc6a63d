/*
 * conn.h - one flow's Zeek connection semantics (flowtable/ internal).
 *
 * conn.c follows Zeek's connection life cycle so that porttop's flows line
 * up with Zeek's conn.log rows: who is orig (TCP.cc WantConnection, UDP.cc,
 * IPBasedAnalyzer.cc), the TCP endpoint state machine, history letters and
 * payload sizes (TCPSessionAdapter.cc, TCP_Endpoint.cc), port reuse
 * (TCPSessionAdapter::IsReuse), the timers that remove a connection
 * (attempt, close, expire and inactivity timers; init-bare.zeek constants)
 * and conn_state (base/protocols/conn/main.zeek).  Paths are in
 * github.com/zeek/zeek; ../shared/zeek/NOTES.md sums them up.
 */
#ifndef PORTTOP_CONN_H
#define PORTTOP_CONN_H

#include "ft.h"

/* Zeek's TCP endpoint states (TCP_Endpoint.h EndpointState). */
enum {
	EP_INACTIVE = 0, EP_SYN_SENT, EP_SYN_ACK_SENT, EP_PARTIAL,
	EP_ESTABLISHED, EP_CLOSED, EP_RESET
};

/* Content gaps of one endpoint's data (gap.c): Zeek's reassembler state,
 * in relative 64-bit sequence numbers. */
#define GAP_BLOCKS 2
struct conn_gap {
	uint64_t last;		  /* delivered up to here (last_reassem_seq) */
	uint64_t trim;		  /* acknowledged up to here (trim_seq) */
	struct gap_blk {
		uint64_t lo, hi;  /* data waiting above a hole */
	} blk[GAP_BLOCKS];
	uint8_t n;		  /* blocks in use */
	uint8_t skip;		  /* Zeek stopped reassembling this side */
	uint8_t pad_[6];
	uint32_t cnt, thresh;	  /* 'G' letters, logarithmic */
};

/* What an acknowledgment uncovered: holes (content_gap events) and their
 * bytes. */
struct gap_found {
	uint32_t events;
	uint64_t bytes;
};

/* gap_init: a fresh stream (nothing delivered: the first byte is 1). */
void gap_init(struct conn_gap *g);

/* gap_data: the endpoint sent len bytes at relative seq; acked is what its
 * peer has acknowledged of them (relative), no_data_acked Zeek's
 * NoDataAcked(). */
void gap_data(struct conn_gap *g, uint64_t acked, uint64_t seq, uint32_t len,
	      int no_data_acked);

/* gap_ack: its peer acknowledged up to relative ack (clamped to the FIN by
 * the caller); partial: Zeek's IsPartial().  *out gets the holes found. */
void gap_ack(struct conn_gap *g, uint64_t ack, int partial,
	     struct gap_found *out);

/* The part of Zeek's TCP_Endpoint that conn.log depends on.  UDP and
 * other protocols use only `state` (0 inactive, 1 active). */
struct conn_ep {
	int64_t start_seq;	  /* initial sequence number (signed: Zeek) */
	uint32_t last_seq;	  /* one past the last sequence number sent */
	uint32_t ack_seq;	  /* highest acknowledgment from the peer */
	uint32_t seq_wraps, ack_wraps;
	uint32_t hist_last_syn, hist_last_fin, hist_last_rst; /* low 32 bits
				     of Zeek's 64-bit relative numbers */
	uint32_t rxmt_cnt, rxmt_thresh;	 /* 'T' letters, logarithmic */
	uint32_t win0_cnt, win0_thresh;	 /* 'W' letters, logarithmic */
	uint8_t state, prev_state;
	uint8_t did_close;	  /* Zeek's did_close: FIN or RST processed */
	uint8_t fin_seen;	  /* Zeek's FIN_cnt > 0 */
	/* porttop's own measures of what this endpoint sent (behav.c) */
	uint8_t answered;	  /* sent a packet other than a RST */
	uint8_t hole;		  /* hole_lo..hole_hi is a gap in its data */
	uint8_t pad_[2];
	uint32_t retrans, ooo, zero_win, rst;	/* segments */
	uint32_t hole_lo, hole_hi;	/* raw sequence numbers */
	int64_t hole_ns;	  /* when the gap appeared */
	uint64_t fin_rel;	  /* Zeek's FIN_seq: relative, after the FIN */
	struct conn_gap gap;	  /* content gaps in what it sent */
};

/* One flow record: writer-private state, in whole cache lines; the first
 * holds what every lookup and every sweep step reads (key, removal
 * deadline, in_use). */
struct ft_flow {
	struct ft_key key;
	int64_t deadline_ns;	  /* conn_removed() is true from this packet
				     time on (until the next packet) */
	uint32_t slot;		  /* index slot holding this record (ft.c) */
	uint8_t in_use;
	uint8_t kind;		  /* enum ft_kind */
	uint8_t orig_is_a;
	uint8_t hist_len;
	uint64_t id;
	int64_t first_ns, last_ns;
	int64_t prev_ns;	  /* latest packet time seen by this flow (timer
				     checks start after it) */
	int64_t attempt_ns;	  /* TCP attempt timer, 0 when not armed */
	int64_t delete_ns;	  /* close delay timer, 0 when not armed */
	int64_t expire_ns[2];	  /* first times of the two ExpireTimer chains
				     (every 6 s from there), 0 when not armed */
	int64_t timeout_ns;	  /* current inactivity timeout */
	struct ft_counts dir[2];
	struct conn_ep ep[2];	  /* [FT_ORIG], [FT_RESP] */
	uint32_t hist_seen;	  /* Zeek hist_seen: orig bits low, resp high */
	uint8_t vflags;		  /* FT_V_* */
	char history[FT_HIST_MAX];
	/* the handshake's times (behav.c) */
	int64_t syn_ns, synack_ns;	/* the last SYN, SYN-ACK seen */
	int64_t rtt_ss_ns, rtt_sa_ns;	/* valid per hs_bits */
	uint8_t hs_bits;	  /* HS_* (behav.c) */
	uint8_t syn_from_a;	  /* the SYN's sender is key endpoint a */
	uint8_t icmp_type, icmp_code;	/* the last ICMP error quoting it */
	uint8_t icmp_verdict;	  /* enum ft_port_state from ICMP, 0 none */
	uint32_t icmp_errors;
	/* Zeek's conn.log beyond the state machine */
	uint64_t missed_bytes;	  /* content gaps, both ways (gap.c) */
	uint64_t parents[FT_MAX_PARENTS];	/* uids of the flows that
						   carried it (tunnels) */
	uint8_t tun[DEC_MAX_CHAIN];	/* its encapsulations (dec.h) */
	uint8_t nparents;
	uint8_t hidden;		  /* counted, never reported (dec_pkt.hidden) */
	uint8_t levels;		  /* FT_LV_* of its first packet */
	uint8_t partial;	  /* Zeek's is_partial (no SYN to start it) */
	uint8_t first_seen;	  /* Zeek's first_packet_seen: 1 orig, 2 resp */
	uint32_t gone_epoch;	  /* the table's closes it was checked
				     against (ft_owner_gone) */
} __attribute__((aligned(64)));	  /* records never straddle cache lines */

/* Timeouts a flow starts with, from the table's configuration. */
struct conn_timeouts {
	int64_t ns[FT_NKIND];
};

/* conn_init: start a flow for packet p (already keyed in f->key; p is the
 * flow's first packet).  Decides orig/resp as Zeek does at creation. */
void conn_init(struct ft_flow *f, const struct dec_pkt *p, uint64_t id,
	       const struct conn_timeouts *to);

/* conn_from_a: 1 when packet p was sent by key endpoint a. */
int conn_from_a(const struct ft_flow *f, const struct dec_pkt *p);

/* conn_removed: true when Zeek would have removed this connection before a
 * packet at time now_ns (its timers fired).  One comparison: the deadline
 * is worked out after each packet (conn_init, conn_update). */
static inline bool conn_removed(const struct ft_flow *f, int64_t now_ns)
{
	return now_ns >= f->deadline_ns;
}

/* conn_is_reuse: true when packet p, arriving on this existing flow, starts
 * a new connection instead (Zeek's IsReuse). */
bool conn_is_reuse(const struct ft_flow *f, const struct dec_pkt *p);

/* conn_update: count packet p (sent by orig when from_orig, before any
 * flip this packet causes) and advance the flow's state. */
void conn_update(struct ft_flow *f, const struct dec_pkt *p, int from_orig,
		 const struct conn_timeouts *to);

/* behav.c: what porttop measures beyond conn.log (issue 5), called by
 * conn.c per TCP segment and by ft.c per ICMP error. */

/* behav_tcp: note segment p, sent by endpoint e ([FT_ORIG]/[FT_RESP] of
 * f->ep), before conn.c updates e's last_seq: handshake times,
 * retransmissions, out-of-order segments, zero windows, RSTs. */
void behav_tcp(struct ft_flow *f, const struct dec_pkt *p, int e);

/* behav_icmp: ICMP/ICMPv6 error p quotes a datagram of flow f: count it
 * and keep the verdict it gives the responder's port. */
void behav_icmp(struct ft_flow *f, const struct dec_pkt *p);

/* behav_view: fill the view's behaviour fields from f, as of packet
 * time now_ns (the table's clock: an unanswered attempt younger than
 * BEHAV_ATTEMPT_WAIT_NS says nothing of its port yet). */
void behav_view(const struct ft_flow *f, struct ft_view *v, int64_t now_ns);

/* An unanswered TCP attempt (Zeek S0) is evidence of a filtered port once
 * this long has passed since its first SYN, or once it timed out: 1 s,
 * TCP's initial retransmission timeout (RFC 6298 2.1), the time within
 * which a responder that answers at all has answered.  Before that (an
 * attempt cut off by the end of the input, or still young), its port
 * state is unknown: pending. */
#define BEHAV_ATTEMPT_WAIT_NS 1000000000LL

/* conn_view: the flow as readers and reports see it at packet time
 * now_ns. */
void conn_view(const struct ft_flow *f, uint8_t end, int64_t now_ns,
	       struct ft_view *v);

#endif
