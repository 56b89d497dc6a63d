/*
 * ipfix_rec.c - flow records for the IPFIX exporter and the book of what
 * long-lived flows exported (see ipfix_rec.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../decode/dec.h"
#include "ipfix_rec.h"

#define BOOK_MIN 1024u		/* slots at first; doubled at half full */

/* What one live flow has exported so far. */
struct entry {
	uint64_t id;		/* 0: a free slot (flow ids start at 1) */
	int64_t end_ns;		/* its previous record's end (packet time) */
	int64_t at_ns;		/* when that record was made */
	uint64_t pkts[2], octets[2];
	uint32_t retrans[2];
};

struct ipfix_book {
	struct entry *slot;	/* mask + 1 slots, open addressing */
	uint32_t mask;
	uint64_t n;
};

/* ---- what a flow's fields say in IPFIX's terms ------------------------- */

void ipfix_tcp_flags(const char *h, uint16_t fl[2])
{
	fl[0] = fl[1] = 0;
	for (; *h; h++) {
		int resp = *h >= 'a' && *h <= 'z';
		uint16_t f;

		switch (*h | 0x20) {	/* the letter in lower case */
		case 's': f = DEC_TH_SYN; break;
		case 'h': f = DEC_TH_SYN | DEC_TH_ACK; break;
		case 'a': case 'd': f = DEC_TH_ACK; break;
		case 'f': f = DEC_TH_FIN; break;
		case 'r': f = DEC_TH_RST; break;
		case 'i': f = DEC_TH_SYN | DEC_TH_RST; break;
		case 'q': f = DEC_TH_SYN | DEC_TH_FIN; break;
		default: f = 0; break;	/* ^ T W C G ...: no flag of their own */
		}
		fl[resp] |= f;
	}
}

const char *ipfix_port_state_name(int ps)
{
	static const char *const names[FT_PS_NUM] = {
		[FT_PS_UNKNOWN] = "unknown", [FT_PS_OPEN] = "open",
		[FT_PS_CLOSED] = "closed", [FT_PS_FILTERED] = "filtered",
	};

	return ps >= 0 && ps < FT_PS_NUM ? names[ps] : "unknown";
}

/* flowEndReason of an ended flow. */
static uint8_t end_reason(const struct ft_view *v)
{
	switch (v->end) {
	case FT_END_TIMEOUT:	/* after a FIN or RST: its close delay */
		return strpbrk(v->history, "FfRr") ? IPFIX_END_DETECTED :
						     IPFIX_END_IDLE;
	case FT_END_REUSE:
	case FT_END_OWNER:	/* its socket closed */
		return IPFIX_END_DETECTED;
	case FT_END_EVICTED:
		return IPFIX_END_RESOURCES;
	default:		/* end of input, or left in the table */
		return IPFIX_END_FORCED;
	}
}

static void owner(struct ipfix_owner *o, const struct attr_end *w)
{
	memset(o, 0, sizeof(*o));
	o->uid = IPFIX_NO_UID;
	if (!w || w->pid <= 0)
		return;
	o->pid = (uint32_t)w->pid;
	o->uid = w->uid;
	o->cgroup = w->cgroup;
	memcpy(o->comm, w->comm, sizeof(o->comm));
	o->comm[sizeof(o->comm) - 1] = '\0';
}

static uint32_t rtt_us(int64_t ns)
{
	if (ns < 0)
		return IPFIX_NO_RTT;
	return ns / 1000 >= IPFIX_NO_RTT ? IPFIX_NO_RTT - 1 :
					   (uint32_t)(ns / 1000);
}

/* Addresses, ports, ICMP types: orig first. */
static void endpoints(struct ipfix_rec *r, const struct ft_view *v)
{
	const struct ft_key *k = &v->key;
	uint16_t op = v->orig_is_a ? k->pa : k->pb;
	uint16_t rp = v->orig_is_a ? k->pb : k->pa;

	memcpy(r->addr[FT_ORIG], v->orig_is_a ? k->a : k->b, 16);
	memcpy(r->addr[FT_RESP], v->orig_is_a ? k->b : k->a, 16);
	r->v6 = (k->flags & FT_K_V6) != 0;
	r->proto = k->proto;
	if (!(k->flags & FT_K_PORTS))
		return;
	if (k->proto != P_ICMP && k->proto != P_ICMPV6) {
		r->port[FT_ORIG] = op;
		r->port[FT_RESP] = rp;
	} else if (k->flags & FT_K_ONEWAY) {	/* type and code */
		r->icmp[FT_ORIG] = (uint16_t)(op << 8 | (rp & 0xff));
	} else {	/* a request and its reply type (their codes are 0) */
		r->icmp[FT_ORIG] = (uint16_t)(op << 8);
		r->icmp[FT_RESP] = (uint16_t)(rp << 8);
	}
}

/* Everything but the counts and the times. */
static void fill(struct ipfix_rec *r, const struct ft_view *v,
		 const struct attr_end end[2])
{
	memset(r, 0, sizeof(*r));
	r->flow_id = v->id;
	endpoints(r, v);
	r->vlan = v->key.vlan == DEC_NO_VLAN ? 0 : v->key.vlan;
	if (v->key.proto == P_TCP)
		ipfix_tcp_flags(v->history, r->tcp_flags);
	r->port_state = v->port_state;
	r->rtt_us[0] = rtt_us(v->rtt_syn_synack_ns);
	r->rtt_us[1] = rtt_us(v->rtt_synack_ack_ns);
	strncpy(r->conn_state, ft_conn_state_name(v->conn_state),
		sizeof(r->conn_state) - 1);
	memcpy(r->history, v->history, sizeof(r->history));
	r->history[FT_HIST_MAX] = '\0';
	for (int d = 0; d < 2; d++)
		owner(&r->own[d], end ? &end[d] : NULL);
}

/* r's counts and times: v's since what e remembers (NULL: all of v). */
static void counts(struct ipfix_rec *r, const struct ft_view *v,
		   const struct entry *e)
{
	r->start_ns = e ? e->end_ns : v->first_ns;
	r->end_ns = v->last_ns;
	for (int d = 0; d < 2; d++) {
		r->pkts[d] = v->dir[d].pkts - (e ? e->pkts[d] : 0);
		r->octets[d] = v->dir[d].ip_bytes - (e ? e->octets[d] : 0);
		r->retrans[d] = v->bdir[d].retrans - (e ? e->retrans[d] : 0);
	}
}

/* ---- the book --------------------------------------------------------- */

static uint32_t home(const struct ipfix_book *b, uint64_t id)
{
	return (uint32_t)((id * 0x9E3779B97F4A7C15ull) >> 32) & b->mask;
}

static struct entry *find(const struct ipfix_book *b, uint64_t id)
{
	if (!b->n)
		return NULL;
	for (uint32_t i = home(b, id);; i = (i + 1) & b->mask) {
		if (b->slot[i].id == id)
			return &b->slot[i];
		if (!b->slot[i].id)
			return NULL;
	}
}

static struct entry *insert(struct ipfix_book *b, uint64_t id)
{
	uint32_t i = home(b, id);

	while (b->slot[i].id)
		i = (i + 1) & b->mask;
	b->slot[i].id = id;
	b->n++;
	return &b->slot[i];
}

/* Double the slots when half are taken.  0, or -1 out of memory. */
static int grow(struct ipfix_book *b)
{
	struct ipfix_book nb;

	if (2 * (b->n + 1) <= (uint64_t)b->mask + 1)
		return 0;
	nb.mask = 2 * b->mask + 1;
	nb.n = 0;
	if (nb.mask > (1u << 31) ||
	    !(nb.slot = calloc((size_t)nb.mask + 1, sizeof(*nb.slot))))
		return -1;
	for (uint32_t i = 0; i <= b->mask; i++)
		if (b->slot[i].id)
			*insert(&nb, b->slot[i].id) = b->slot[i];
	free(b->slot);
	*b = nb;
	return 0;
}

/* Backward-shift deletion (no tombstones). */
static void erase(struct ipfix_book *b, struct entry *e)
{
	uint32_t i = (uint32_t)(e - b->slot), j = i;

	for (;;) {
		j = (j + 1) & b->mask;
		if (!b->slot[j].id)
			break;
		uint32_t h = home(b, b->slot[j].id);
		if ((i <= j) ? (h <= i || h > j) : (h <= i && h > j)) {
			b->slot[i] = b->slot[j];
			i = j;
		}
	}
	b->slot[i].id = 0;
	b->n--;
}

struct ipfix_book *ipfix_book_new(void)
{
	struct ipfix_book *b = calloc(1, sizeof(*b));

	if (b && !(b->slot = calloc(BOOK_MIN, sizeof(*b->slot)))) {
		free(b);
		return NULL;
	}
	if (b)
		b->mask = BOOK_MIN - 1;
	return b;
}

void ipfix_book_free(struct ipfix_book *b)
{
	if (!b)
		return;
	free(b->slot);
	free(b);
}

uint64_t ipfix_book_flows(const struct ipfix_book *b)
{
	return b->n;
}

int ipfix_book_due(const struct ipfix_book *b, const struct ft_view *v,
		   int64_t now_ns, int64_t active_ns)
{
	const struct entry *e = find(b, v->id);

	if (!e)
		return now_ns - v->first_ns >= active_ns;
	return now_ns - e->at_ns >= active_ns &&
	       v->dir[0].pkts + v->dir[1].pkts > e->pkts[0] + e->pkts[1];
}

int ipfix_rec_delta(struct ipfix_rec *r, struct ipfix_book *b,
		    const struct ft_view *v, const struct attr_end end[2],
		    int64_t now_ns)
{
	struct entry *e = find(b, v->id);
	int fresh = !e;

	if (fresh && (grow(b) < 0 || !(e = insert(b, v->id))))
		return -1;
	fill(r, v, end);
	counts(r, v, fresh ? NULL : e);
	r->end_reason = IPFIX_END_ACTIVE;
	e->end_ns = v->last_ns;
	e->at_ns = now_ns;
	for (int d = 0; d < 2; d++) {
		e->pkts[d] = v->dir[d].pkts;
		e->octets[d] = v->dir[d].ip_bytes;
		e->retrans[d] = v->bdir[d].retrans;
	}
	return 0;
}

void ipfix_rec_final(struct ipfix_rec *r, struct ipfix_book *b,
		     const struct ft_view *v, const struct attr_end end[2])
{
	struct entry *e = find(b, v->id);

	if (r) {
		fill(r, v, end);
		counts(r, v, e);
		r->end_reason = end_reason(v);
	}
	if (e)
		erase(b, e);
}
