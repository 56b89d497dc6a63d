/*
 * ft.h - the flow table: bidirectional flows with Zeek conn.log semantics.
 *
 * One writer (the thread that decodes packets) calls ft_packet() for every
 * decoded packet.  A flow ends when Zeek would remove its connection
 * (timeouts and close delays on packet time, port reuse), when the table is
 * full and it is the idlest one sampled (evicted), or at ft_flush(); each
 * ended flow is handed, once, to the `done` callback as a struct ft_view.
 *
 * Memory is fixed at creation: max_flows records of sizeof(struct ft_flow)
 * bytes plus an index of 2 * max_flows (rounded up to a power of two) 8-byte
 * slots and 12 bytes a record (free list, deadlines); ft_memory() says how
 * much.  The index is keyed with the run's
 * secret hash key (keyhash.h), so crafted tuples cannot pile into one chain.
 *
 * Readers in other threads (the live view) read flows through ft_read(),
 * which never blocks the writer and never returns a torn record: each record
 * has a sequence counter, odd while the writer updates it (a seqlock), and
 * readers copy the published view with atomic loads and retry when
 * the counter moved (Boehm, "Can seqlocks get along with programming language
 * memory models?", MSPC 2012).  A flow's view is published once per
 * ft_packet(s) call, at its end, however many of the call's packets the
 * flow had (an ended flow's at once): readers see the table as it was
 * between two calls.  Publishing is off unless cfg.publish is set, so a
 * single-threaded offline run pays nothing for it.
 *
 * Vocabulary follows Zeek's conn.log (docs.zeek.org, base/protocols/conn):
 * orig is the endpoint that sent the first packet (unless Zeek's rules flip
 * it), resp the other; conn_state and history are Zeek's.
 */
#ifndef PORTTOP_FT_H
#define PORTTOP_FT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../decode/dec.h"

/* The canonical bidirectional key: endpoint a sorts before b (address,
 * then port), so both directions of a flow find the same key.  Hashed and
 * compared as 40 raw bytes: no padding. */
struct ft_key {
	uint8_t a[16], b[16];	/* addresses, network byte order; IPv4 in the
				   first 4 bytes, the rest zero */
	uint16_t pa, pb;	/* ports (ICMP: type/counterpart), host order */
	uint16_t vlan;		/* outermost VLAN ID or DEC_NO_VLAN */
	uint8_t proto;		/* IP protocol number */
	uint8_t flags;		/* FT_K_* */
};
#define FT_K_V6	     0x01   /* IPv6 addresses */
#define FT_K_ONEWAY  0x02   /* one-way ICMP message: a is the sender, the
			       key is not canonicalised (Zeek's is_one_way) */
#define FT_K_PORTS   0x04   /* the protocol has ports (TCP/UDP/SCTP/ICMP) */

enum ft_dir_idx { FT_ORIG = 0, FT_RESP = 1 };

/* Counters of one direction. */
struct ft_counts {
	uint64_t pkts;		  /* packets (every frame, fragments included) */
	uint64_t wire_bytes;	  /* sum of pcap len (link header included) */
	uint64_t ip_bytes;	  /* sum of IP total length (Zeek *_ip_bytes) */
	uint64_t bytes;		  /* payload bytes as Zeek counts them:
				     TCP from sequence numbers, UDP ulen - 8,
				     ICMP IP payload - 8, other 0 */
	uint64_t frag_pkts;	  /* later IP fragments included in pkts */
	uint64_t frag_wire_bytes; /* their wire bytes, included in wire_bytes */
};

/* Zeek conn_state values (base/protocols/conn/main.zeek, conn_state()). */
enum ft_conn_state {
	FT_CS_OTH = 0, FT_CS_S0, FT_CS_S1, FT_CS_SF, FT_CS_REJ, FT_CS_S2,
	FT_CS_S3, FT_CS_RSTO, FT_CS_RSTR, FT_CS_RSTOS0, FT_CS_RSTRH, FT_CS_SH,
	FT_CS_SHR, FT_CS_NUM
};

/* Why a flow ended (the view's `end`). */
enum ft_end {
	FT_END_ACTIVE = 0,  /* still in the table (a live snapshot) */
	FT_END_TIMEOUT,	    /* Zeek would have removed it: inactivity, attempt
			       or close delay, half-closed linger */
	FT_END_REUSE,	    /* a new connection reused the tuple */
	FT_END_EVICTED,	    /* the table was full */
	FT_END_FLUSH,	    /* end of input */
	FT_END_OWNER,	    /* UDP: the socket owning an end closed, and a
			       packet came after (another socket's: a port
			       bound by processes in turn); ft_owner_gone */
};

#define FT_MAX_PARENTS 4	/* tunnel_parents kept per flow (Zeek's grow
				   until Tunnel::max_changes_per_connection) */

#define FT_HIST_MAX 24	    /* history letters kept (Zeek's are rarely longer;
			       longer ones are cut, marked by FT_V_HIST_CUT) */

/* What the packets tell of the responder's port (issue 5), per flow and,
 * summed over flows, per port.  The words are nmap's (nmap.org/book,
 * "Port Scanning Basics"): open, closed, filtered; unknown when the
 * packets say nothing (UDP without an answer is nmap's open|filtered). */
enum ft_port_state {
	FT_PS_UNKNOWN = 0,
	FT_PS_OPEN,	  /* the responder answered (SYN-ACK, data, a UDP
			     reply) */
	FT_PS_CLOSED,	  /* RST to a SYN (Zeek REJ), ICMP port unreachable */
	FT_PS_FILTERED,	  /* SYNs unanswered (Zeek S0), ICMP unreachable
			     other than port (host, net, prohibited) */
	FT_PS_NUM
};

/* Per-direction counts beyond conn.log (TCP only; 0 otherwise). */
struct ft_behav_dir {
	uint32_t retrans;	/* data segments whose bytes were already sent,
				   keep-alives excepted */
	uint32_t ooo;		/* segments that filled a gap within 3 ms of
				   it opening: reordered, not resent */
	uint32_t zero_win;	/* segments advertising a zero window (Zeek's
				   conditions for 'W') */
	uint32_t rst;		/* RST segments */
};

/* What readers see of a flow; also what the done callback receives. */
struct ft_view {
	struct ft_key key;
	uint64_t id;		  /* creation order from 1, unique in the run */
	int64_t first_ns;	  /* first packet (Zeek ts, before any flip) */
	int64_t last_ns;	  /* Zeek last_time: last packet that counted */
	struct ft_counts dir[2];  /* [FT_ORIG] orig -> resp, [FT_RESP] back */
	uint8_t orig_is_a;	  /* 1 when key.a is the originator */
	uint8_t conn_state;	  /* enum ft_conn_state */
	uint8_t end;		  /* enum ft_end */
	uint8_t vflags;		  /* FT_V_* */
	char history[FT_HIST_MAX + 1];	/* NUL-terminated, "" when none */
	uint8_t port_state;	  /* enum ft_port_state */
	uint8_t icmp_type;	  /* the last ICMP error quoting this flow */
	uint8_t icmp_code;
	uint32_t icmp_errors;	  /* ICMP/ICMPv6 errors quoting this flow */
	uint32_t pad;
	int64_t rtt_syn_synack_ns; /* SYN -> SYN-ACK at the capture point
				      (the last SYN before the first
				      SYN-ACK), whole microseconds of each
				      time (as a us capture file has them);
				      -1 when not seen */
	int64_t rtt_synack_ack_ns; /* that SYN-ACK -> the originator's first
				      ACK; -1 when not seen */
	struct ft_behav_dir bdir[2];	/* [FT_ORIG], [FT_RESP] sent */
	uint64_t missed_bytes;	  /* Zeek's: bytes of content gaps, both
				     ways (sequence space acknowledged that
				     no captured packet carried) */
	uint64_t parents[FT_MAX_PARENTS];	/* uids of the flows whose
						   packets carried it, in
						   the order first met (Zeek's
						   tunnel_parents) */
	uint8_t nparents;
	uint8_t tun[DEC_MAX_CHAIN];	/* enum dec_tun: its encapsulations,
					   outermost first (`tunnel`) */
	uint8_t levels;		  /* FT_LV_*: where its first packet sat in
				     its frame's tunnels (ft_levels) */
};
#define FT_V_HIST_CUT 0x01

/* Levels of a packet record in its frame (dec.h "Tunnels"), which say in
 * which --tunnels mode its flow is reported (core/engine.h).  A packet
 * outside any tunnel is all three. */
#define FT_LV_OUTERMOST	0x1	/* layer 0: the frame's outermost IP header */
#define FT_LV_INNERMOST	0x2	/* carries no tunnel (carrier 0) */
#define FT_LV_UDP_CARRIER 0x4	/* carries a tunnel riding in UDP (VXLAN,
				   Geneve, GTP-U, Teredo, AYIYA) */
static inline uint8_t ft_levels(const struct dec_pkt *p)
{
	return (uint8_t)((p->layer == 0 ? FT_LV_OUTERMOST : 0) |
			 (!p->carrier ? FT_LV_INNERMOST : 0) |
			 (dec_tun_over_udp(p->carrier) ? FT_LV_UDP_CARRIER : 0));
}

/* Per-kind inactivity timeouts (Zeek init-bare.zeek defaults). */
enum ft_kind { FT_TCP = 0, FT_UDP, FT_ICMP, FT_OTHER, FT_NKIND };

struct ft_config {
	uint32_t max_flows;		/* live flows kept; 0 = FT_DEFAULT_FLOWS */
	int64_t timeout_ns[FT_NKIND];	/* 0 = Zeek's: tcp 300 s, udp, icmp
					   and other 60 s */
	bool publish;			/* keep views current for ft_read() */
	bool publish_hidden;		/* hidden flows too (a view that
					   switches --tunnels modes): published,
					   handed to `done` and to the new-flow
					   callback like the others, with their
					   levels to tell them apart; still not
					   counted in ft_get_stats */
};
#define FT_DEFAULT_FLOWS 262144u

struct ft_stats {		/* hidden flows are not counted */
	uint64_t created;	/* flows started */
	uint64_t ended;		/* flows handed to the done callback */
	uint64_t evicted;	/* of which ended because the table was full */
	uint64_t active;	/* flows in the table now */
	uint64_t max_active;	/* high-water mark of active */
};

struct ft_table;

typedef void (*ft_done_fn)(void *arg, const struct ft_view *v);

/* ft_create: a table for cfg (copied; zero fields take defaults).  `done`
 * receives every ended flow, in the writer's thread.  Returns NULL with
 * errno ENOMEM when the memory cannot be had, EINVAL for max_flows above
 * 2^30. */
struct ft_table *ft_create(const struct ft_config *cfg, ft_done_fn done,
			   void *arg);

/* ft_destroy: free the table.  Flows still in it are dropped, not ended;
 * call ft_flush() first to report them. */
void ft_destroy(struct ft_table *t);

/* ft_memory: bytes ft_create(cfg) allocates (records + index + free list
 * and deadlines + views). */
size_t ft_memory(const struct ft_config *cfg);

/* ft_packet: count one decoded packet record in its flow, creating, ending
 * and evicting flows as needed.  Time is the packet's own timestamp; a
 * timestamp older than one already seen is accepted (captures are not
 * always in order) but never moves timers backwards.
 *
 * Tunnels: the records of one frame (dec_frame: outermost first) are
 * counted in order; a record of layer n > 0 adds the uid of the flow that
 * counted the frame's layer n - 1 to its flow's parents.  A flow whose
 * first record is hidden (p->hidden) is counted like any other (so its
 * packets time it out and its uid names it as a parent) but is never
 * handed to `done`, published to readers, given to the new-flow callback
 * (all three unless cfg.publish_hidden) or counted in ft_get_stats: a
 * tunnel envelope the caller does not report.  An IP-level envelope (GRE, IP-in-IP) hidden so keeps its uid
 * for Zeek's Tunnel::ip_tunnel_timeout (24 h) of quiet. */
void ft_packet(struct ft_table *t, const struct dec_pkt *p);

/* ft_packets: ft_packet() for n packets in order, faster: memory lookups
 * of the batch overlap (FT_BATCH at a time), and a flow with several of
 * the n packets has its view published once, after them. */
#define FT_BATCH 16
void ft_packets(struct ft_table *t, const struct dec_pkt *p, unsigned n);

/* ft_set_new_flow: call fn(arg, key) in the writer's thread for every new
 * flow (the attribution service looks its sockets up while they exist).
 * fn must not block. */
typedef void (*ft_new_fn)(void *arg, const struct ft_key *k);
void ft_set_new_flow(struct ft_table *t, ft_new_fn fn, void *arg);

/* A socket that closed (live attribution's eBPF events; the engine feeds
 * them: the table knows no sockets): its local and remote ends (addresses
 * in network byte order, IPv4 in the first 4 bytes; raddr and rport zero
 * for an unconnected socket, laddr zero for one bound to every address;
 * ports in host order), and when it closed (ns, the packets' clock). */
struct ft_gone {
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
	uint8_t proto, ipv;
	uint8_t pad[2];
	int64_t ts_ns;
};

/* ft_owner_gone: a UDP flow with an end on that socket that began before
 * the close ends at its first packet after it (FT_END_OWNER), which
 * starts a new flow: the packets of the processes that bind one port in
 * turn are not merged.  Feed closes before the packets stamped after
 * them (their order against older packets does not matter).  A packet
 * of a flow costs one comparison until a close comes, then up to 8
 * probes of a direct-mapped table of 2048 tuples' last 16 closes.  The
 * writer only. */
void ft_owner_gone(struct ft_table *t, const struct ft_gone *g);

/* ft_flush: end every flow in the table (FT_END_FLUSH), as Zeek does at the
 * end of a trace. */
void ft_flush(struct ft_table *t);

/* ft_get_stats: a copy of the counters, from any thread (each field read
 * atomically). */
void ft_get_stats(const struct ft_table *t, struct ft_stats *s);

/* ft_capacity: how many records readers may scan with ft_read (0..n-1):
 * the records handed out so far, at most max_flows.  Any thread. */
uint32_t ft_capacity(const struct ft_table *t);

/* ft_read: from any thread, copy record i's view into *v if it holds a live
 * flow.  Returns 1 when copied, 0 when the slot is empty, never blocks the
 * writer and never returns a torn view.  Requires cfg.publish. */
int ft_read(const struct ft_table *t, uint32_t i, struct ft_view *v);

/* ft_republish: publish every live flow's view again as of the table's
 * clock (the last packet's time), for readers that keep looking once the
 * input has ended (an unanswered attempt's port state depends on the
 * time since its first SYN).  The writer only. */
void ft_republish(struct ft_table *t);

/* ft_each: call fn(arg, v) for every flow in the table whose first
 * packet is at least min_age_ns older than the latest packet seen, with
 * its current view (v->end FT_END_ACTIVE), in record order; flows Zeek's
 * timers have removed (they end at the next sweep) and hidden flows (not
 * reported, ft_packet) are left out.  The
 * writer's thread only (a consumer's tick: the IPFIX exporter's active
 * timeout); fn must not feed packets to the table.  Flows younger than
 * min_age_ns cost one comparison each. */
typedef void (*ft_each_fn)(void *arg, const struct ft_view *v);
void ft_each(struct ft_table *t, int64_t min_age_ns, ft_each_fn fn,
	     void *arg);

/* ft_uid: a flow's uid from its first packet time (nanoseconds, hashed in
 * whole microseconds, so a live run and its -w pcap agree) and creation
 * id: a keyed hash (SipHash-2-4) under a fixed key, so the same input gives
 * the same uids
 * and two flows of one run never share one (ids differ).  ft_uid_text
 * writes it Zeek's way, "C" and base 62 (at most 12 characters + NUL). */
uint64_t ft_uid(int64_t first_ns, uint64_t id);
#define FT_UID_TEXT 13
void ft_uid_text(uint64_t uid, char out[FT_UID_TEXT]);

/* ft_view_uid: v's uid, Zeek's `uid`, hashed when asked for: most flows
 * of a ports report never are (the hash was 3 % of its time). */
static inline uint64_t ft_view_uid(const struct ft_view *v)
{
	return ft_uid(v->first_ns, v->id);
}

/* ft_conn_state_name: "S0", "SF", ... for enum ft_conn_state. */
const char *ft_conn_state_name(int cs);

/* ft_conn_established: both sides got going: S1, SF, S2, S3, RSTO, RSTR
 * (for UDP: SF, both sent).  What the ports views call "established". */
static inline int ft_conn_established(int cs)
{
	return cs == FT_CS_S1 || cs == FT_CS_SF || cs == FT_CS_S2 ||
	       cs == FT_CS_S3 || cs == FT_CS_RSTO || cs == FT_CS_RSTR;
}

/* ft_counts_add: to += c, field by field. */
static inline void ft_counts_add(struct ft_counts *to,
				 const struct ft_counts *c)
{
	to->pkts += c->pkts;
	to->wire_bytes += c->wire_bytes;
	to->ip_bytes += c->ip_bytes;
	to->bytes += c->bytes;
	to->frag_pkts += c->frag_pkts;
	to->frag_wire_bytes += c->frag_wire_bytes;
}

#endif
