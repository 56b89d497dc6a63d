/*
 * conn.c - Zeek's connection semantics for one flow (see conn.h).
 *
 * The TCP part mirrors TCPSessionAdapter::Process() step by step so that
 * history letters, endpoint states and sizes come out as Zeek's do; the
 * function names below are Zeek's where the logic is.  What we leave out:
 * checksum validation (Zeek drops bad-checksum packets; locally sent packets
 * carry offloaded, "bad" checksums, so we count every packet).  Content
 * gaps (G/g, missed_bytes) come from gap.c, fed as Zeek's Process() feeds
 * its reassembler.
 */
#include <string.h>

#include "../lib/clock.h"
#include "conn.h"
#include "server_ports.h"

#define NS NS_PER_S
/* init-bare.zeek */
#define TCP_ATTEMPT_DELAY   (5 * NS)
#define TCP_CLOSE_DELAY	    (5 * NS)
#define TCP_SYN_TIMEOUT	    (5 * NS)   /* first ExpireTimer */
#define TCP_SESSION_TIMER   (6 * NS)   /* ExpireTimer period */
#define TCP_CONNECTION_LINGER (5 * NS)
/* base/protocols/conn/inactivity.zeek: 1 h for interactive services */
#define LONG_TIMEOUT	    (3600 * NS)
/* Tunnel::ip_tunnel_timeout (base/frameworks/tunnels): an IP tunnel keeps
 * its uid a day after its last packet */
#define IP_TUNNEL_TIMEOUT   (24 * 3600 * NS)

/* Zeek history masks (TCP_Endpoint.h HistoryMasks) */
#define HIST_SYN_PKT	    0x1
#define HIST_FIN_PKT	    0x2
#define HIST_RST_PKT	    0x4
#define HIST_FIN_RST_PKT    0x8
#define HIST_DATA_PKT	    0x10
#define HIST_ACK_PKT	    0x20
#define HIST_MULTI_FLAG_PKT 0x40


static int64_t deadline(const struct ft_flow *f);

/* ---- history ----------------------------------------------------------- */

static void add_history(struct ft_flow *f, char c)
{
	if (f->hist_len < FT_HIST_MAX)
		f->history[f->hist_len++] = c;
	else
		f->vflags |= FT_V_HIST_CUT;
}

static char side_code(int is_orig, char c)
{
	return is_orig ? c : (char)(c - 'A' + 'a');
}

/* Zeek Connection::CheckHistory: add the letter the first time; returns
 * true when it had been seen before. */
static bool check_history(struct ft_flow *f, int is_orig, uint32_t mask,
			  char c)
{
	if (!is_orig)
		mask <<= 16;
	if (f->hist_seen & mask)
		return true;
	f->hist_seen |= mask;
	add_history(f, side_code(is_orig, c));
	return false;
}

/* Connection::ScaledHistoryEntry: the letter at the 1st, 10th, 100th...
 * event. */
static void scaled_history(struct ft_flow *f, int is_orig, char c,
			   uint32_t *cnt, uint32_t *thresh)
{
	if (*thresh == 0)
		*thresh = 1;
	if (++*cnt == *thresh) {
		add_history(f, side_code(is_orig, c));
		if ((uint64_t)*thresh * 10 > UINT32_MAX)
			*cnt = 0;
		else
			*thresh *= 10;
	}
}

/* Zeek's SetLastTime, kept monotonic: a capture whose timestamps go
 * backwards must not give a negative duration. */
static void touch(struct ft_flow *f, int64_t t)
{
	if (t > f->last_ns)
		f->last_ns = t;
}

/* ---- orientation ------------------------------------------------------- */

static void swap_counts(struct ft_flow *f)
{
	struct ft_counts c = f->dir[0];
	struct conn_ep e = f->ep[0];

	f->dir[0] = f->dir[1];
	f->dir[1] = c;
	f->ep[0] = f->ep[1];
	f->ep[1] = e;
	f->orig_is_a ^= 1;
}

/* Connection::FlipRoles: swap orig and resp and note it with '^'. */
static void flip_roles(struct ft_flow *f)
{
	swap_counts(f);
	add_history(f, '^');
}

static bool is_broadcast(const struct dec_pkt *p)
{
	static const uint8_t bc[4] = { 255, 255, 255, 255 };

	return p->ipv == 4 && memcmp(p->dst, bc, 4) == 0;
}

int conn_from_a(const struct ft_flow *f, const struct dec_pkt *p)
{
	if (f->key.flags & FT_K_ONEWAY)
		return 1;
	return memcmp(p->src, f->key.a, 16) == 0 && p->sport == f->key.pa;
}

void conn_init(struct ft_flow *f, const struct dec_pkt *p, uint64_t id,
	       const struct conn_timeouts *to)
{
	struct ft_key k = f->key;
	uint32_t slot = f->slot;
	bool flip = false;

	memset(f, 0, sizeof(*f));
	f->key = k;
	f->slot = slot;
	f->in_use = 1;
	f->id = id;
	f->first_ns = f->last_ns = f->prev_ns = p->ts_ns;
	f->hidden = p->hidden;
	f->levels = ft_levels(p);
	memcpy(f->tun, p->tun, sizeof(f->tun));
	f->orig_is_a = (uint8_t)conn_from_a(f, p);
	if (p->proto == P_TCP)
		f->kind = FT_TCP;
	else if (p->proto == P_UDP)
		f->kind = FT_UDP;
	else if (p->proto == P_ICMP || p->proto == P_ICMPV6)
		f->kind = FT_ICMP;
	else
		f->kind = FT_OTHER;
	f->timeout_ns = to->ns[f->kind];

	if (f->kind == FT_TCP) {
		/* TCP.cc WantConnection: a connection that does not start
		 * with a bare SYN may be flipped by the likely server ports;
		 * when both ports are plausible, only for a non-SYN packet
		 * going to the higher port. */
		int flags = (p->l4 & DEC_L4_HDR) ? p->tcp_flags : 0;

		if (!(flags & DEC_TH_SYN) || (flags & DEC_TH_ACK)) {
			if (ft_likely_server_port(P_TCP, p->sport)) {
				if (ft_likely_server_port(P_TCP, p->dport))
					flip = !(flags & DEC_TH_SYN) &&
					       p->sport < p->dport;
				else
					flip = true;
			}
		}
		/* TCP inactivity starts at the UDP value (TCP.cc
		 * MakeSessionAdapter) until the handshake states are left
		 * (TCP_Endpoint::SetState). */
		f->timeout_ns = to->ns[FT_UDP];
		f->expire_ns[0] = p->ts_ns + TCP_SYN_TIMEOUT;
		gap_init(&f->ep[0].gap);
		gap_init(&f->ep[1].gap);
	} else if (f->kind == FT_UDP) {
		/* UDP.cc: flip iff only the source is a likely server port */
		flip = ft_likely_server_port(P_UDP, p->sport) &&
		       !ft_likely_server_port(P_UDP, p->dport);
	}
	/* An envelope nobody sees (GRE, IP-in-IP): Zeek's IP tunnel, whose
	 * uid lasts as long. */
	if (f->hidden && p->carrier && !dec_tun_over_udp(p->carrier))
		f->timeout_ns = IP_TUNNEL_TIMEOUT;
	/* IPBasedAnalyzer::NewConn: never make a broadcast address orig. */
	if (flip && !is_broadcast(p))
		flip_roles(f);
	f->deadline_ns = deadline(f);
}

/* ---- timers ------------------------------------------------------------ */

static bool any_state(const struct ft_flow *f, int st)
{
	return f->ep[0].state == st || f->ep[1].state == st;
}

/* First time of an ExpireTimer chain (base, base+6s, ...) strictly after
 * `after`. */
static int64_t chain_next(int64_t base, int64_t after)
{
	if (base > after)
		return base;
	return base + ((after - base) / TCP_SESSION_TIMER + 1) *
			      TCP_SESSION_TIMER;
}

/* TCPSessionAdapter::ExpireTimer's test, for the state since the last
 * packet: would a firing remove the connection? */
static bool expire_would_remove(const struct ft_flow *f)
{
	const struct conn_ep *o = &f->ep[0], *r = &f->ep[1];

	if (o->did_close || r->did_close) {
		if ((o->did_close && r->did_close) || any_state(f, EP_RESET) ||
		    any_state(f, EP_INACTIVE))
			return true;
	}
	return o->state == EP_INACTIVE && r->state == EP_INACTIVE;
}

/* The first packet time at which Zeek's timers will have removed the
 * connection, given its state after the last packet (nothing changes the
 * state between packets). */
static int64_t deadline(const struct ft_flow *f)
{
	/* Connection::InactivityTimer: last_time + timeout <= now */
	int64_t d = f->last_ns + f->timeout_ns;

	if (f->kind != FT_TCP)
		return d;
	if (f->delete_ns)	/* closed: ConnDeleteTimer; others canceled */
		return f->delete_ns < d ? f->delete_ns : d;
	if (f->attempt_ns &&
	    (f->ep[0].state == EP_SYN_SENT ||
	     f->ep[0].state == EP_SYN_ACK_SENT) &&
	    f->ep[1].state == EP_INACTIVE && f->attempt_ns < d)
		d = f->attempt_ns;	/* AttemptTimer: unanswered SYN */
	if (!expire_would_remove(f))
		return d;
	/* A firing at T removes when last_time + linger < T. */
	int64_t after = f->prev_ns;
	if (f->last_ns + TCP_CONNECTION_LINGER > after)
		after = f->last_ns + TCP_CONNECTION_LINGER;
	for (int i = 0; i < 2; i++)
		if (f->expire_ns[i]) {
			int64_t t = chain_next(f->expire_ns[i], after);

			if (t < d)
				d = t;
		}
	return d;
}

/* ---- TCP ---------------------------------------------------------------- */

#define TOO_LARGE_SEQ_DELTA 1048576

static int32_t seq_delta(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static uint32_t start32(const struct conn_ep *e)
{
	return (uint32_t)e->start_seq;
}

static void init_seqs(struct conn_ep *e, uint32_t start, uint32_t last)
{
	e->start_seq = start;
	e->ack_seq = start;
	e->last_seq = last;
}

static bool is_handshake(int st)
{
	return st == EP_INACTIVE || st == EP_SYN_SENT || st == EP_SYN_ACK_SENT;
}

/* Per-packet context: Zeek's Process() locals. */
struct tcp_ctx {
	struct ft_flow *f;
	const struct conn_timeouts *to;
	int64_t t;
	uint32_t base_seq, ack_seq, len;
	uint8_t flags;
	int e;			/* index of the sending endpoint (0 orig) */
	bool do_close;
};

#define SYN(c) ((c)->flags & DEC_TH_SYN)
#define FIN(c) ((c)->flags & DEC_TH_FIN)
#define RST(c) ((c)->flags & DEC_TH_RST)
#define ACK(c) ((c)->flags & DEC_TH_ACK)

/* TCP_Endpoint::SetState: leaving the handshake states arms the TCP
 * inactivity timeout. */
static void set_state(struct tcp_ctx *c, int e, int st)
{
	struct ft_flow *f = c->f;
	struct conn_ep *ep = &f->ep[e];

	if (st == ep->state)
		return;
	if (!is_handshake(st) && is_handshake(ep->state) &&
	    is_handshake(f->ep[!e].state))
		f->timeout_ns = c->to->ns[FT_TCP];
	ep->prev_state = ep->state;
	ep->state = (uint8_t)st;
}

/* init_endpoint() */
static void init_endpoint(struct tcp_ctx *c, uint32_t last_seq)
{
	struct conn_ep *ep = &c->f->ep[c->e];
	uint32_t first = c->base_seq;

	switch (ep->state) {
	case EP_INACTIVE:
		if (SYN(c)) {
			init_seqs(ep, first, last_seq);
		} else {
			/* partial: number as though a SYN was seen */
			init_seqs(ep, first - 1, first);
		}
		break;
	case EP_SYN_SENT:
	case EP_SYN_ACK_SENT:
		if (SYN(c) && first != start32(ep))
			init_seqs(ep, first, last_seq);
		break;
	case EP_ESTABLISHED:
	case EP_PARTIAL:
		if (SYN(c))
			init_seqs(ep, first, last_seq);
		break;
	case EP_RESET:
		if (SYN(c) && ep->prev_state == EP_INACTIVE)
			init_seqs(ep, first, last_seq);
		break;
	}
}

/* get_relative_seq() */
static uint64_t relative_seq(const struct conn_ep *e, uint32_t cur,
			     uint32_t last, uint32_t wraps, bool *underflow)
{
	int32_t delta = seq_delta(cur, last);

	if (delta < 0) {
		if (wraps && cur > last)
			--wraps;
	} else if (delta > 0) {
		if (cur < last)
			++wraps;
	}
	if (wraps == 0) {
		delta = seq_delta(cur, start32(e));
		if (underflow && delta < 0)
			*underflow = true;
		return (uint64_t)(int64_t)delta;
	}
	return ((uint64_t)wraps << 32) + cur - (uint64_t)e->start_seq;
}

/* update_history() */
static void update_history(struct tcp_ctx *c, uint64_t rel_seq)
{
	struct ft_flow *f = c->f;
	struct conn_ep *ep = &f->ep[c->e];
	int o = c->e == FT_ORIG;
	int bits = !!SYN(c) + !!FIN(c) + !!RST(c);

	if (bits > 1) {
		if (FIN(c) && RST(c))
			check_history(f, o, HIST_FIN_RST_PKT, 'I');
		else
			check_history(f, o, HIST_MULTI_FLAG_PKT, 'Q');
	} else if (bits == 1) {
		uint32_t r = (uint32_t)rel_seq;

		if (SYN(c)) {
			char code = ACK(c) ? 'H' : 'S';

			if (check_history(f, o, HIST_SYN_PKT, code) &&
			    r != ep->hist_last_syn)
				add_history(f, side_code(o, code));
			ep->hist_last_syn = r;
		}
		if (FIN(c)) {
			/* a FIN's number is after the data it carries */
			if (check_history(f, o, HIST_FIN_PKT, 'F') &&
			    r + c->len != ep->hist_last_fin)
				add_history(f, side_code(o, 'F'));
			ep->hist_last_fin = r + c->len;
		}
		if (RST(c)) {
			if (check_history(f, o, HIST_RST_PKT, 'R') &&
			    r != ep->hist_last_rst)
				add_history(f, side_code(o, 'R'));
			ep->hist_last_rst = r;
		}
	} else if (c->len) {
		check_history(f, o, HIST_DATA_PKT, 'D');
	} else if (ACK(c)) {
		check_history(f, o, HIST_ACK_PKT, 'A');
	}
}

/* update_ack_seq() */
static void update_ack_seq(struct conn_ep *e, uint32_t ack)
{
	int32_t d = seq_delta(ack, e->ack_seq);

	if (ack == 0 && d > TOO_LARGE_SEQ_DELTA)
		return;		/* a broken ack, not a wrap onto 0 */
	if (d > 0) {
		if (ack < e->ack_seq)
			++e->ack_wraps;
		e->ack_seq = ack;
	}
}

static void update_last(struct conn_ep *e, uint32_t seq)
{
	if (seq < e->last_seq)
		++e->seq_wraps;
	e->last_seq = seq;
}

/* update_last_seq(): returns how far last_seq moved (may be negative). */
static int32_t update_last_seq(struct tcp_ctx *c, uint32_t last_seq)
{
	struct ft_flow *f = c->f;
	struct conn_ep *ep = &f->ep[c->e];
	int32_t d = seq_delta(last_seq, ep->last_seq);

	if ((SYN(c) || RST(c)) &&
	    (d > TOO_LARGE_SEQ_DELTA || d < -TOO_LARGE_SEQ_DELTA))
		;	/* do not trust wild SYN/RST numbers */
	else if (FIN(c) && ep->last_seq == start32(ep) + 1)
		update_last(ep, last_seq);   /* > 2 GB seen only as SYN+FIN */
	else if (ep->state == EP_RESET)
		;	/* nothing after a RST is trusted */
	else if (d > 0)
		update_last(ep, last_seq);
	else if (c->len > 0)
		scaled_history(f, c->e == FT_ORIG, 'T', &ep->rxmt_cnt,
			       &ep->rxmt_thresh);
	return d;
}

/* base/protocols/conn/inactivity.zeek: interactive services get 1 h once
 * established. */
static void connection_established(struct tcp_ctx *c)
{
	struct ft_flow *f = c->f;
	uint16_t rp = f->orig_is_a ? f->key.pb : f->key.pa;

	if (rp == 21 || rp == 22 || rp == 23 || rp == 513)
		f->timeout_ns = LONG_TIMEOUT;
}

/* A FIN (when `fin`) closes the sender, a RST resets it; either ends the
 * connection (Zeek's do_close). */
static void close_or_reset(struct tcp_ctx *c, bool fin)
{
	if (fin) {
		set_state(c, c->e, EP_CLOSED);
		c->do_close = true;
	}
	if (RST(c)) {
		set_state(c, c->e, EP_RESET);
		c->do_close = true;
	}
}

/* UpdateInactiveState() */
static void update_inactive(struct tcp_ctx *c)
{
	struct ft_flow *f = c->f;
	int e = c->e, p = !e;
	int is_orig = e == FT_ORIG;

	if (SYN(c)) {
		if (is_orig) {
			set_state(c, e, ACK(c) ? EP_SYN_ACK_SENT : EP_SYN_SENT);
			f->attempt_ns = c->t + TCP_ATTEMPT_DELAY;
		} else {
			if (!ACK(c) && f->ep[p].state == EP_SYN_ACK_SENT &&
			    c->base_seq == start32(&f->ep[e])) {
				/* SYN seen after its SYN-ACK: the SYN-ACK's
				 * sender is the responder after all. */
				flip_roles(f);
				f->partial = 0;
				e = c->e = !e;
				p = !e;
				set_state(c, p, EP_ESTABLISHED);
			}
			if (f->ep[p].state == EP_SYN_SENT)
				set_state(c, p, EP_ESTABLISHED);
			set_state(c, e, EP_ESTABLISHED);
			if (f->ep[p].state != EP_PARTIAL)
				connection_established(c);
		}
	}
	close_or_reset(c, FIN(c));
	if (f->ep[e].state == EP_INACTIVE) {
		if (!is_orig && c->len == 0 &&
		    f->ep[FT_ORIG].state == EP_SYN_SENT)
			;	/* an ACK of the SYN before the SYN-ACK */
		else if (ACK(c) && f->ep[p].state == EP_ESTABLISHED) {
			set_state(c, e, EP_ESTABLISHED);   /* missed SYN */
			f->partial = 0;
		}
		else
			set_state(c, e, EP_PARTIAL);
	}
}

/* UpdateStateMachine() for the other states */
static void update_state(struct tcp_ctx *c)
{
	struct ft_flow *f = c->f;
	int e = c->e, p = !e;
	struct conn_ep *ep = &f->ep[e], *peer = &f->ep[p];

	switch (ep->state) {
	case EP_INACTIVE:
		update_inactive(c);
		break;
	case EP_SYN_SENT:
	case EP_SYN_ACK_SENT:
		close_or_reset(c, FIN(c));
		break;
	case EP_ESTABLISHED:
	case EP_PARTIAL:
		if (SYN(c) && ep->state == EP_PARTIAL &&
		    peer->state == EP_INACTIVE && !ACK(c))
			set_state(c, e, EP_SYN_SENT);
		close_or_reset(c, FIN(c) && !RST(c));
		/* FIN after the peer's FIN+RST: a normal close after all */
		if (FIN(c) && !RST(c) && peer->state == EP_RESET &&
		    peer->prev_state == EP_CLOSED)
			set_state(c, p, EP_CLOSED);
		break;
	case EP_CLOSED:
		if (RST(c) && peer->state != EP_CLOSED) {
			set_state(c, e, EP_RESET);
			if (!ep->did_close)
				c->do_close = true;
		}
		break;
	default:	/* EP_RESET: nothing changes */
		break;
	}
}

/* ConnectionClosed(): a complete close cancels the analyzer's timers and
 * schedules removal tcp_close_delay after last_time. */
static void connection_closed(struct tcp_ctx *c)
{
	struct ft_flow *f = c->f;
	struct conn_ep *ep = &f->ep[c->e], *peer = &f->ep[!c->e];

	if (ep->did_close)
		return;
	ep->did_close = 1;
	if (ep->state == EP_RESET || peer->did_close ||
	    peer->state == EP_INACTIVE) {
		f->attempt_ns = 0;
		f->expire_ns[0] = f->expire_ns[1] = 0;
		f->delete_ns = f->last_ns + TCP_CLOSE_DELAY;
	} else if (ep->prev_state != EP_INACTIVE) {
		f->expire_ns[1] = f->last_ns + TCP_SESSION_TIMER;
	}
}

/* Zeek's SetPartialStatus: each side's first packet says whether the
 * connection started without its SYN. */
static void set_partial(struct ft_flow *f, int e, uint8_t flags)
{
	if (e == FT_ORIG) {
		if (!(f->first_seen & 1))
			f->partial = !(flags & DEC_TH_SYN) ||
				     (flags & DEC_TH_ACK);
	} else if (!(f->first_seen & 2) && !f->partial) {
		f->partial = !(flags & DEC_TH_SYN);
	}
}

/* TCP_Reassembler.cc is_clean(): established, or closed from there. */
static bool is_clean(const struct conn_ep *e)
{
	return e->state == EP_ESTABLISHED ||
	       (e->state == EP_CLOSED && e->prev_state == EP_ESTABLISHED);
}

/* What the peer has acknowledged of e's data, relative (Zeek's
 * ToRelativeSeqSpace(AckSeq(), AckWraps())). */
static uint64_t acked_rel(const struct conn_ep *e)
{
	return ((uint64_t)e->ack_wraps << 32) + e->ack_seq -
	       (uint64_t)e->start_seq;
}

static bool no_data_acked(const struct conn_ep *e);

/* The segment's acknowledgment, then its data, through the reassemblers
 * (Process(): AckReceived after the state machine, then DataSent). */
static void feed_gaps(struct tcp_ctx *c, uint64_t rel_ack, uint64_t rel_data,
		      bool data)
{
	struct ft_flow *f = c->f;
	struct conn_ep *ep = &f->ep[c->e], *peer = &f->ep[!c->e];

	if (ACK(c)) {
		struct gap_found g;

		if (peer->fin_seen && rel_ack >= peer->fin_rel)
			rel_ack = peer->fin_rel - 1;
		gap_ack(&peer->gap, rel_ack, f->partial, &g);
		if (g.events && is_clean(peer) && is_clean(ep)) {
			f->missed_bytes += g.bytes;
			for (uint32_t i = 0; i < g.events; i++)
				scaled_history(f, c->e != FT_ORIG, 'G',
					       &peer->gap.cnt,
					       &peer->gap.thresh);
		}
	}
	f->first_seen |= c->e == FT_ORIG ? 1 : 2;
	if (data)
		gap_data(&ep->gap, acked_rel(ep), rel_data, c->len,
			 no_data_acked(ep));
}

/* The ACK's number relative to the peer's data (0: not to be trusted),
 * and the peer's acknowledged point moved. */
static uint64_t take_ack(struct tcp_ctx *c, struct conn_ep *peer)
{
	bool ack_under = false;
	uint64_t rel_ack;

	if (peer->state == EP_INACTIVE) {
		init_seqs(peer, c->ack_seq - 1, c->ack_seq - 1);
		return 1;
	}
	rel_ack = relative_seq(peer, c->ack_seq, peer->ack_seq,
			       peer->ack_wraps, &ack_under);
	if (ack_under)
		return 0;
	if (!RST(c))
		update_ack_seq(peer, c->ack_seq);
	return rel_ack;
}

/* TCPSessionAdapter::Process(), minus what conn.log does not show. */
static void tcp_packet(struct ft_flow *f, const struct dec_pkt *p,
		       int *from_orig, const struct conn_timeouts *to)
{
	struct tcp_ctx c = {
		.f = f, .to = to, .t = p->ts_ns, .base_seq = p->seq,
		.ack_seq = p->ack, .len = p->payload_len, .flags = p->tcp_flags,
	};
	int bits = !!SYN(&c) + !!FIN(&c) + !!RST(&c);

	/* A lone SYN-ACK made its sender orig; the first pure ACK or data
	 * packet shows it was the responder: flip, history "^h". */
	if (bits == 0 && (c.len || ACK(&c)) && f->hist_len == 1 &&
	    f->history[0] == 'H') {
		swap_counts(f);
		f->hist_seen = f->hist_seen >> 16 | f->hist_seen << 16;
		memcpy(f->history, "^h", 2);
		f->hist_len = 2;
		*from_orig = !*from_orig;
	}
	c.e = *from_orig ? FT_ORIG : FT_RESP;
	set_partial(f, c.e, c.flags);

	uint32_t seg_len = c.len + !!SYN(&c) + !!FIN(&c) - (RST(&c) ? c.len : 0);
	uint32_t seq_end = c.base_seq + seg_len;
	struct conn_ep *ep = &f->ep[c.e], *peer = &f->ep[!c.e];
	bool underflow = false;
	uint64_t rel_ack = 0;

	init_endpoint(&c, seq_end);
	uint64_t rel = relative_seq(ep, c.base_seq, ep->last_seq,
				    ep->seq_wraps, &underflow);
	update_history(&c, rel);
	behav_tcp(f, p, c.e);
	/* update_window(): zero windows that matter */
	if (p->win == 0 && !RST(&c) && peer->state != EP_CLOSED &&
	    ep->state != EP_RESET)
		scaled_history(f, c.e == FT_ORIG, 'W', &ep->win0_cnt,
			       &ep->win0_thresh);
	if (!f->ep[0].did_close || !f->ep[1].did_close)
		touch(f, c.t);
	if (FIN(&c)) {
		ep->fin_seen = 1;
		ep->fin_rel = rel + seg_len;
	}
	if (ACK(&c))
		rel_ack = take_ack(&c, peer);
	update_last_seq(&c, seq_end);
	update_state(&c);
	feed_gaps(&c, rel_ack, SYN(&c) ? rel + 1 : rel,
		  c.len && !RST(&c) && !underflow);
	if (c.do_close)
		connection_closed(&c);
	*from_orig = c.e == FT_ORIG;
}

/* ---- every protocol ---------------------------------------------------- */

bool conn_is_reuse(const struct ft_flow *f, const struct dec_pkt *p)
{
	const struct conn_ep *o = &f->ep[FT_ORIG], *r = &f->ep[FT_RESP];
	const struct conn_ep *co = o;

	if (f->kind != FT_TCP || !(p->l4 & DEC_L4_HDR) ||
	    p->frag == DEC_FRAG_LATER || !(p->tcp_flags & DEC_TH_SYN))
		return false;
	if (p->tcp_flags & DEC_TH_ACK) {
		if (o->state != EP_INACTIVE)
			return false;	/* not a half connection */
		co = r;
	}
	if (!o->did_close && !r->did_close) {
		if (p->seq == start32(co))
			return false;	/* a retransmitted SYN */
		if (!(p->tcp_flags & DEC_TH_ACK) &&
		    co->state == EP_SYN_ACK_SENT && r->state == EP_INACTIVE &&
		    p->seq == start32(r))
			return false;	/* SYN/SYN-ACK reversal */
	}
	return true;
}

void conn_update(struct ft_flow *f, const struct dec_pkt *p, int from_orig,
		 const struct conn_timeouts *to)
{
	struct ft_counts *d;
	int o;

	if (p->ts_ns > f->prev_ns)
		f->prev_ns = p->ts_ns;
	if (f->kind == FT_TCP && (p->l4 & DEC_L4_HDR) &&
	    p->frag != DEC_FRAG_LATER) {
		tcp_packet(f, p, &from_orig, to);
	} else {
		if (f->kind != FT_TCP ||
		    !f->ep[0].did_close || !f->ep[1].did_close)
			touch(f, p->ts_ns);
		o = from_orig ? FT_ORIG : FT_RESP;
		if (f->kind != FT_TCP)
			f->ep[o].state = 1;	/* UDP_ACTIVE */
		if (f->kind == FT_UDP)
			check_history(f, from_orig, HIST_DATA_PKT, 'D');
		if ((f->kind == FT_UDP || f->kind == FT_ICMP) &&
		    p->frag != DEC_FRAG_LATER)
			f->dir[o].bytes += p->payload_len;
	}
	d = &f->dir[from_orig ? FT_ORIG : FT_RESP];
	d->pkts += 1 + p->held_pkts;
	d->wire_bytes += p->wire_len + p->held_wire;
	d->ip_bytes += p->ip_len + p->held_ip;
	d->frag_pkts += (p->frag == DEC_FRAG_LATER) + p->held_pkts;
	d->frag_wire_bytes += (p->frag == DEC_FRAG_LATER ? p->wire_len : 0) +
			      p->held_wire;
	f->deadline_ns = deadline(f);
}

/* ---- the view ---------------------------------------------------------- */

static bool no_data_acked(const struct conn_ep *e)
{
	uint64_t ack = ((uint64_t)e->ack_wraps << 32) + e->ack_seq;
	uint64_t start = (uint64_t)e->start_seq;

	return ack == start || ack == start + 1;
}

/* TCP_Endpoint::Size() */
static uint64_t tcp_size(const struct conn_ep *e, const struct conn_ep *peer)
{
	uint64_t last, ack, size;

	if (e->prev_state == EP_SYN_SENT && e->state == EP_RESET &&
	    peer->state == EP_INACTIVE && !no_data_acked(e))
		return 0;	/* a half-open connection found and aborted */
	last = ((uint64_t)e->seq_wraps << 32) + e->last_seq;
	ack = ((uint64_t)e->ack_wraps << 32) + e->ack_seq;
	size = (last > ack ? last : ack) - (uint64_t)e->start_seq;
	if (size != 0)
		--size;		/* the SYN */
	if (e->fin_seen && size != 0)
		--size;		/* the FIN */
	return size;
}

/* /^\^?S[^HAFGIQ]*R/ on the history (conn_state()'s RSTOS0 test) */
static bool rstos0_history(const char *h)
{
	if (*h == '^')
		h++;
	if (*h++ != 'S')
		return false;
	for (; *h; h++) {
		if (*h == 'R')
			return true;
		if (strchr("HAFGIQ", *h))
			return false;
	}
	return false;
}

/* conn_state() in base/protocols/conn/main.zeek */
static int tcp_conn_state(const struct ft_flow *f, const char *hist,
			  uint64_t osize, uint64_t rsize)
{
	int os = f->ep[0].state, rs = f->ep[1].state;
	bool o_inactive = os == EP_INACTIVE || os == EP_PARTIAL;
	bool r_inactive = rs == EP_INACTIVE || rs == EP_PARTIAL;

	if (rs == EP_RESET) {
		if (os == EP_SYN_SENT || os == EP_SYN_ACK_SENT ||
		    (os == EP_RESET && osize == 0 && rsize == 0))
			return FT_CS_REJ;
		return o_inactive ? FT_CS_RSTRH : FT_CS_RSTR;
	}
	if (os == EP_RESET) {
		if (r_inactive)
			return rstos0_history(hist) ? FT_CS_RSTOS0 : FT_CS_OTH;
		return FT_CS_RSTO;
	}
	if (rs == EP_CLOSED && os == EP_CLOSED)
		return FT_CS_SF;
	if (os == EP_CLOSED)
		return r_inactive ? FT_CS_SH : FT_CS_S2;
	if (rs == EP_CLOSED)
		return o_inactive ? FT_CS_SHR : FT_CS_S3;
	if (os == EP_SYN_SENT && rs == EP_INACTIVE)
		return FT_CS_S0;
	if (os == EP_ESTABLISHED && rs == EP_ESTABLISHED)
		return FT_CS_S1;
	return FT_CS_OTH;
}

void conn_view(const struct ft_flow *f, uint8_t end, int64_t now_ns,
	       struct ft_view *v)
{
	v->key = f->key;
	v->id = f->id;
	v->first_ns = f->first_ns;
	v->last_ns = f->last_ns;
	v->dir[0] = f->dir[0];
	v->dir[1] = f->dir[1];
	v->orig_is_a = f->orig_is_a;
	v->end = end;
	v->vflags = f->vflags;
	memcpy(v->history, f->history, f->hist_len);
	memset(v->history + f->hist_len, 0,
	       sizeof(v->history) - f->hist_len);
	v->missed_bytes = f->missed_bytes;
	memcpy(v->parents, f->parents, sizeof(v->parents));
	v->nparents = f->nparents;
	memcpy(v->tun, f->tun, sizeof(v->tun));
	v->levels = f->levels;
	if (f->kind == FT_TCP) {
		v->dir[0].bytes = tcp_size(&f->ep[0], &f->ep[1]);
		v->dir[1].bytes = tcp_size(&f->ep[1], &f->ep[0]);
		v->conn_state = (uint8_t)tcp_conn_state(
			f, v->history, v->dir[0].bytes, v->dir[1].bytes);
	} else if (f->kind == FT_UDP) {
		int os = f->ep[0].state, rs = f->ep[1].state;

		v->conn_state = os ? (rs ? FT_CS_SF : FT_CS_S0) :
				     (rs ? FT_CS_SHR : FT_CS_OTH);
	} else {
		v->conn_state = FT_CS_OTH;
	}
	behav_view(f, v, now_ns);
}
