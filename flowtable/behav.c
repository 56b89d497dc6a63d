/*
 * behav.c - what a flow's packets say beyond conn.log: handshake times,
 * retransmissions, reordering, zero windows, RSTs, the ICMP errors that
 * quote it, and the verdict on the responder's port (issue 5).
 *
 * Handshake RTTs are as seen at the capture point: SYN -> SYN-ACK is the
 * way to the server and back (on the client's host) or the server's own
 * answer time (on the server's host); SYN-ACK -> ACK the other half.  A
 * retransmitted SYN restarts the first; a retransmitted SYN-ACK the second.
 *
 * Retransmission vs reordering, as Wireshark's tcp analysis tells them
 * apart without the kernel's state: a data segment that does not advance
 * its sender's highest sequence number is old data resent, unless it
 * falls in the one gap we remember (new data seen beyond missing bytes)
 * within REORDER_NS of the gap opening: then it is reordered.  A segment
 * of at most one byte just below the highest is a keep-alive.
 *
 * ICMP verdicts follow nmap's reading of the errors ("Port Scanning
 * Techniques", nmap.org/book/man-port-scanning-techniques.html): port
 * unreachable (ICMP 3/3, ICMPv6 1/4) is closed; the other unreachables
 * (ICMP 3/0,1,2,9,10,13; ICMPv6 1/0,1,3,5,6) are filtered.
 */
#include <string.h>

#include "conn.h"

#define REORDER_NS (3 * 1000000LL)	/* Wireshark's default window */

enum { HS_SS = 1, HS_SA = 2 };

/* b - a in whole microseconds of each time, as ns: the same whether the
 * times come from the kernel (ns) or a microsecond capture file of them
 * (libpcap truncates), so a live run and its -w file agree. */
static int64_t us_diff(int64_t a, int64_t b)
{
	return (b / 1000 - a / 1000) * 1000;
}

static int32_t delta(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static void handshake(struct ft_flow *f, const struct dec_pkt *p, int from_a)
{
	uint8_t fl = p->tcp_flags;
	int syn = fl & DEC_TH_SYN, ack = fl & DEC_TH_ACK;

	if (fl & DEC_TH_RST)
		return;
	if (syn && !ack) {
		if (!(f->hs_bits & HS_SS)) {
			f->syn_ns = p->ts_ns;
			f->syn_from_a = (uint8_t)from_a;
		}
	} else if (syn) {
		if (!f->syn_ns || from_a == f->syn_from_a ||
		    (f->hs_bits & HS_SA) || p->ts_ns < f->syn_ns)
			return;
		if (!(f->hs_bits & HS_SS)) {
			f->rtt_ss_ns = us_diff(f->syn_ns, p->ts_ns);
			f->hs_bits |= HS_SS;
		}
		f->synack_ns = p->ts_ns;
	} else if (ack && (f->hs_bits & HS_SS) && !(f->hs_bits & HS_SA) &&
		   from_a == f->syn_from_a && p->ts_ns >= f->synack_ns) {
		f->rtt_sa_ns = us_diff(f->synack_ns, p->ts_ns);
		f->hs_bits |= HS_SA;
	}
}

static void data_segment(struct conn_ep *ep, const struct dec_pkt *p)
{
	uint32_t seq = p->seq, end = p->seq + p->payload_len;
	int32_t gap = delta(seq, ep->last_seq);

	if (delta(end, ep->last_seq) > 0) {	/* new data */
		if (gap > 0) {
			ep->hole = 1;
			ep->hole_lo = ep->last_seq;
			ep->hole_hi = seq;
			ep->hole_ns = p->ts_ns;
		}
		return;
	}
	if (p->payload_len <= 1 && delta(seq, ep->last_seq) == -1)
		return;				/* keep-alive */
	if (ep->hole && delta(seq, ep->hole_lo) >= 0 &&
	    delta(seq, ep->hole_hi) < 0) {
		if (p->ts_ns - ep->hole_ns < REORDER_NS)
			ep->ooo++;
		else
			ep->retrans++;
		if (seq == ep->hole_lo) {
			ep->hole_lo = end;
			if (delta(end, ep->hole_hi) >= 0)
				ep->hole = 0;
		}
		return;
	}
	ep->retrans++;
}

void behav_tcp(struct ft_flow *f, const struct dec_pkt *p, int e)
{
	struct conn_ep *ep = &f->ep[e], *peer = &f->ep[!e];
	uint8_t fl = p->tcp_flags;

	handshake(f, p, (e == FT_ORIG) == f->orig_is_a);
	if (fl & DEC_TH_RST)
		ep->rst++;
	else
		ep->answered = 1;
	/* Zeek's conditions for a 'W' (TCPSessionAdapter::UpdateWindow) */
	if (p->win == 0 && !(fl & DEC_TH_RST) && peer->state != EP_CLOSED &&
	    ep->state != EP_RESET)
		ep->zero_win++;
	if (p->payload_len && !(fl & (DEC_TH_SYN | DEC_TH_RST)) &&
	    ep->state != EP_RESET)
		data_segment(ep, p);
}

static uint8_t icmp_verdict(const struct dec_pkt *p)
{
	unsigned type = p->sport, code = p->dport;

	if (p->proto == P_ICMP && type == 3) {
		if (code == 3)
			return FT_PS_CLOSED;
		if (code <= 2 || code == 9 || code == 10 || code == 13)
			return FT_PS_FILTERED;
	} else if (p->proto == P_ICMPV6 && type == 1) {
		if (code == 4)
			return FT_PS_CLOSED;
		if (code <= 1 || code == 3 || code == 5 || code == 6)
			return FT_PS_FILTERED;
	}
	return FT_PS_UNKNOWN;
}

void behav_icmp(struct ft_flow *f, const struct dec_pkt *p)
{
	const struct dec_inner *in = &p->inner;
	const uint8_t *oh = f->orig_is_a ? f->key.a : f->key.b;
	uint16_t op = f->orig_is_a ? f->key.pa : f->key.pb;
	uint8_t v = icmp_verdict(p);

	f->icmp_errors++;
	f->icmp_type = (uint8_t)p->sport;
	f->icmp_code = (uint8_t)p->dport;
	/* a verdict on the responder's port only when the quoted datagram
	 * went from orig to resp */
	if (v && !memcmp(in->src, oh, 16) && in->sport == op)
		f->icmp_verdict = v;
}

static uint8_t port_state(const struct ft_flow *f, const struct ft_view *v,
			  int64_t now_ns)
{
	int answered = f->kind == FT_TCP ? f->ep[FT_RESP].answered :
					   v->dir[FT_RESP].pkts > 0;

	if (answered && f->kind != FT_OTHER)
		return FT_PS_OPEN;
	if (f->icmp_verdict)
		return f->icmp_verdict;
	if (f->kind == FT_TCP && v->conn_state == FT_CS_REJ)
		return FT_PS_CLOSED;
	if (f->kind == FT_TCP && v->conn_state == FT_CS_S0)	/* waited? */
		return v->end == FT_END_TIMEOUT ||
		       now_ns - v->first_ns >= BEHAV_ATTEMPT_WAIT_NS ?
		       FT_PS_FILTERED : FT_PS_UNKNOWN;
	return FT_PS_UNKNOWN;
}

void behav_view(const struct ft_flow *f, struct ft_view *v, int64_t now_ns)
{
	v->icmp_errors = f->icmp_errors;
	v->icmp_type = f->icmp_type;
	v->icmp_code = f->icmp_code;
	v->pad = 0;
	v->rtt_syn_synack_ns = (f->hs_bits & HS_SS) ? f->rtt_ss_ns : -1;
	v->rtt_synack_ack_ns = (f->hs_bits & HS_SA) ? f->rtt_sa_ns : -1;
	for (int i = 0; i < 2; i++) {
		v->bdir[i].retrans = f->ep[i].retrans;
		v->bdir[i].ooo = f->ep[i].ooo;
		v->bdir[i].zero_win = f->ep[i].zero_win;
		v->bdir[i].rst = f->ep[i].rst;
	}
	v->port_state = port_state(f, v, now_ns);	/* after conn_state */
}
