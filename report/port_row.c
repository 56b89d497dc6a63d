/*
 * port_row.c - one row of the per-responder table (ports.h): a port's or
 * a service's behaviour, folded from its flows: the counts, the process
 * behind it, its inferred state with the evidence, handshake times and
 * retransmissions.  Every row of every consumer is folded here.
 *
 * The state is the verdict of the flow with the latest start that gave
 * one (open, closed, filtered; see enum ft_port_state): a port that
 * answered this morning and refuses now is closed.  A local listener no
 * flow has reached yet is "listening-idle".
 */
#include <string.h>

#include "../lib/grow.h"
#include "ports.h"

void port_row_init(struct port_row *p, uint8_t proto, uint16_t port)
{
	memset(p, 0, sizeof(*p));
	p->proto = proto;
	p->port = port;
	p->first_ns = INT64_MAX;
	p->last_ns = INT64_MIN;
	p->state_ns = INT64_MIN;
	p->owner.pid = -1;
	p->owner.uid = (uint32_t)-1;
}

/* RTT buckets: 4 per power of two of microseconds, from 1 us; a value is
 * reported as its bucket's geometric middle (within 9 %), clamped to the
 * smallest and largest seen. */
static int rtt_bucket(uint64_t us)
{
	int b;

	if (us < 1)
		return 0;
	b = 63 - __builtin_clzll(us);		/* floor(log2) */
	/* the two bits below the top one: quarter-octave steps */
	int q = b >= 2 ? (int)((us >> (b - 2)) & 3) :
		(int)((us << (2 - b)) & 3);
	int i = 1 + b * 4 + q;

	return i < REP_RTT_BUCKETS ? i : REP_RTT_BUCKETS - 1;
}

static void rtt_add(struct rep_rtt *h, int64_t ns)
{
	uint64_t us = ns < 0 ? 0 : (uint64_t)ns / 1000;

	if (h->n == 0 || us < h->min_us)
		h->min_us = us;
	if (us > h->max_us)
		h->max_us = us;
	h->n++;
	h->b[rtt_bucket(us)]++;
}

int64_t rep_rtt_quantile(const struct rep_rtt *h, double q)
{
	uint64_t want, seen = 0;

	if (h->n == 0)
		return -1;
	want = (uint64_t)(q * (double)h->n + 0.999999);
	if (want < 1)
		want = 1;
	for (int i = 0; i < REP_RTT_BUCKETS; i++) {
		seen += h->b[i];
		if (seen < want)
			continue;
		if (i == 0)
			return 0;
		int b = (i - 1) / 4, qq = (i - 1) % 4;
		/* bucket [2^b (1 + qq/4), 2^b (1 + (qq+1)/4)) */
		double lo = (double)(1ull << b) * (1 + qq / 4.0);
		double hi = (double)(1ull << b) * (1 + (qq + 1) / 4.0);
		double mid = __builtin_sqrt(lo * hi);
		int64_t v = (int64_t)(mid + 0.5);

		if (v < (int64_t)h->min_us)
			v = (int64_t)h->min_us;
		if (v > (int64_t)h->max_us)
			v = (int64_t)h->max_us;
		return v;
	}
	return (int64_t)h->max_us;
}

int rep_port_verdict(uint8_t *state, int64_t *state_ns, int st, int64_t t)
{
	if (st == FT_PS_UNKNOWN)
		return 0;
	if (*state && !(t > *state_ns || (t == *state_ns && st > *state)))
		return 0;
	*state = (uint8_t)st;
	*state_ns = t;
	return 1;
}

/* Fold one flow's owners into a row's owner and role. */
static void port_row_owner(struct attr_end *owner, uint8_t *role,
			   const struct attr_end end[2])
{
	int r = end[FT_RESP].pid >= 0 ? REP_ROLE_SERVE :
		end[FT_ORIG].pid >= 0 && end[FT_RESP].why == ATTR_REMOTE ?
		REP_ROLE_CLIENT : REP_ROLE_UNKNOWN;

	if (r > *role) {
		*role = (uint8_t)r;
		*owner = end[r == REP_ROLE_SERVE ? FT_RESP : FT_ORIG];
	}
}

void port_row_fold(struct port_row *p, const struct ft_view *v,
		   const struct attr_end end[2])
{
	int cs = v->conn_state;

	p->conns++;
	port_row_owner(&p->owner, &p->role, end);
	p->established += ft_conn_established(cs);
	p->rejected += cs == FT_CS_REJ;
	/* a TCP attempt cut off before an answer was due is pending, not
	 * unanswered (flowtable/conn.h: BEHAV_ATTEMPT_WAIT_NS) */
	p->unanswered += cs == FT_CS_S0 && !(v->key.proto == 6 &&
					     v->port_state == FT_PS_UNKNOWN);
	ft_counts_add(&p->dir[0], &v->dir[0]);
	ft_counts_add(&p->dir[1], &v->dir[1]);
	if (v->first_ns < p->first_ns)
		p->first_ns = v->first_ns;
	if (v->last_ns > p->last_ns)
		p->last_ns = v->last_ns;
	p->evidence[v->port_state < FT_PS_NUM ? v->port_state : 0]++;
	rep_port_verdict(&p->state, &p->state_ns, v->port_state, v->first_ns);
	p->icmp_errors += v->icmp_errors;
	if (v->key.proto == 6) {
		p->tcp_pkts += v->dir[0].pkts + v->dir[1].pkts;
		p->retrans += v->bdir[0].retrans + v->bdir[1].retrans;
	}
	if (v->rtt_syn_synack_ns >= 0)
		rtt_add(&p->rtt, v->rtt_syn_synack_ns);
}

int port_row_state(const struct port_row *p)
{
	if (p->state != FT_PS_UNKNOWN)
		return p->state;
	return p->listening && !p->conns ? REP_PS_LISTEN_IDLE : FT_PS_UNKNOWN;
}

const char *rep_port_state_name(int st)
{
	static const char *const n[] = { "unknown", "open", "closed",
					 "filtered", "listening-idle" };

	return st >= 0 && st <= REP_PS_LISTEN_IDLE ? n[st] : "unknown";
}

const char *rep_role_name(int role)
{
	static const char *const n[] = { NULL, "client", "serve", "listen" };

	return role > 0 && role <= REP_ROLE_LISTEN ? n[role] : NULL;
}

long rep_listeners(struct attr *a, struct attr_listener **buf, size_t *cap)
{
	size_t n;

	if (!a)
		return 0;
	while ((n = attr_listeners(a, *buf, *cap)) > *cap)
		if (grow_array((void **)buf, cap, n, sizeof(**buf)))
			return -1;
	return (long)n;
}

void port_row_listen(struct port_row *p, const struct attr_listener *l)
{
	/* several sockets may listen (v4 and v6, SO_REUSEPORT): keep a
	 * known owner */
	if (!p->listening || l->owner.pid >= 0)
		p->owner = l->owner;
	p->listening = 1;
	p->role = REP_ROLE_LISTEN;
}

