/*
 * gone.c - the sockets that closed (see gone.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/keyhash.h"
#include "gone.h"

#define GONE_SLOTS 2048		/* a power of two */
#define GONE_TIMES 16		/* closes kept per tuple: the attribution
				   service may be that many sockets of a
				   tuple ahead of the packets */

struct gone_key {		/* hashed and compared as raw bytes */
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
	uint8_t proto, ipv;
	uint8_t pad[2];
};

struct gone_slot {
	struct gone_key k;
	uint32_t n;		/* closes put (the last GONE_TIMES kept) */
	uint32_t pad;
	int64_t ts_ns[GONE_TIMES];	/* a ring; 0: empty */
};

struct gone_tab {
	struct gone_slot s[GONE_SLOTS];
};

struct gone_tab *gone_new(void)
{
	return calloc(1, sizeof(struct gone_tab));
}

void gone_free(struct gone_tab *g)
{
	free(g);
}

static struct gone_slot *slot_of(const struct gone_tab *g,
				 const struct gone_key *k)
{
	return (struct gone_slot *)&g->s[keyhash(k, sizeof(*k)) &
					 (GONE_SLOTS - 1)];
}

void gone_put(struct gone_tab *g, const struct ft_gone *c)
{
	struct gone_key k;
	struct gone_slot *s;

	memset(&k, 0, sizeof(k));
	memcpy(k.laddr, c->laddr, 16);
	memcpy(k.raddr, c->raddr, 16);
	k.lport = c->lport;
	k.rport = c->rport;
	k.proto = c->proto;
	k.ipv = c->ipv;
	s = slot_of(g, &k);
	if (memcmp(&s->k, &k, sizeof(k)) != 0) {	/* another tuple's */
		memset(s, 0, sizeof(*s));
		s->k = k;
	}
	s->ts_ns[s->n++ % GONE_TIMES] = c->ts_ns;
}

/* k's closes against a flow that began at first: 1 one came before now
 * (the packet's time), -1 one came at or after it, 0 none after first. */
static int closed_in(const struct gone_tab *g, const struct gone_key *k,
		     int64_t first, int64_t now)
{
	const struct gone_slot *s = slot_of(g, k);
	int verdict = 0;

	if (memcmp(&s->k, k, sizeof(*k)) != 0)
		return 0;
	for (int i = 0; i < GONE_TIMES; i++) {
		int64_t ts = s->ts_ns[i];

		if (ts > first && ts < now)
			return 1;
		if (ts > first)
			verdict = -1;
	}
	return verdict;
}

/* The closes that may have been of the end (l, lp) talking to (r, rp):
 * its connected socket, an unconnected one bound to l, one bound to
 * every address, and for IPv4 an IPv6 one on "::" (the probes
 * attr_find_owner makes for its owner).  Verdict as gone_check's. */
static int end_check(const struct gone_tab *g, const struct ft_flow *f,
		     const struct dec_pkt *p, const uint8_t *l, uint16_t lp,
		     const uint8_t *r, uint16_t rp)
{
	struct gone_key k;
	int verdict = 0;

	memset(&k, 0, sizeof(k));
	k.proto = f->key.proto;
	k.ipv = (f->key.flags & FT_K_V6) ? 6 : 4;
	memcpy(k.laddr, l, 16);
	memcpy(k.raddr, r, 16);
	k.lport = lp;
	k.rport = rp;
	for (int probe = 0; probe < 4; probe++) {
		int v;

		if (probe == 1) {
			memset(k.raddr, 0, 16);
			k.rport = 0;
		} else if (probe == 2) {
			memset(k.laddr, 0, 16);
		} else if (probe == 3) {
			if (k.ipv == 6)
				break;
			k.ipv = 6;
		}
		v = closed_in(g, &k, f->first_ns, p->ts_ns);
		if (v == 1)
			return 1;
		if (v < 0)
			verdict = -1;
	}
	return verdict;
}

int gone_check(const struct gone_tab *g, const struct ft_flow *f,
	       const struct dec_pkt *p)
{
	const struct ft_key *k = &f->key;
	int a = end_check(g, f, p, k->a, k->pa, k->b, k->pb);

	if (a == 1)
		return 1;
	int b = end_check(g, f, p, k->b, k->pb, k->a, k->pa);

	return b == 1 ? 1 : a < 0 || b < 0 ? -1 : 0;
}
