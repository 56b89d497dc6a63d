/*
 * attr_lookup.c - the readers' side of the attribution service: from the
 * cache of sockets to the owners of flows and packets (attr_flow,
 * attr_packet), whether an address is this host's, and the listeners.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr_int.h"
#include "../lib/seqlock.h"

/* ---- flows to owners ------------------------------------------------------ */

int attr_active(const struct attr *a)
{
	return a && (!a->file || __atomic_load_n(&a->file_live,
						 __ATOMIC_ACQUIRE));
}

int attr_is_local(const struct attr *a, const uint8_t *addr, int ipv)
{
	static const uint8_t lo6[16] = { [15] = 1 };
	struct local_data d;
	uint32_t q;

	if ((ipv == 4 && addr[0] == 127) ||
	    (ipv == 6 && !memcmp(addr, lo6, 16)))
		return 1;
	/* the addresses there are, not all MAX_LOCAL slots (1.5 KiB): this
	 * runs for every end of every flow the view shows, each refresh */
	do {
		q = seqlock_begin(&a->local.seq);
		seqlock_copy(&d.n, &a->local.d.n, sizeof(d.n));
		if (d.n > MAX_LOCAL)
			d.n = MAX_LOCAL;
		seqlock_copy(d.a, a->local.d.a, d.n * sizeof(d.a[0]));
	} while (seqlock_retry(&a->local.seq, q));
	for (uint64_t k = 0; k < d.n; k++)
		if (d.a[k].ipv == (uint64_t)ipv &&
		    !memcmp(d.a[k].addr, addr, ipv == 4 ? 4 : 16))
			return 1;
	return 0;
}


/* The keys a socket with local end (l, lp) talking to (r, rp) may have,
 * best first: the connected socket, else a listener or unconnected UDP
 * socket bound to l, else one bound to every address (for IPv4 also an
 * IPv6 socket on "::", which takes IPv4 too unless IPV6_V6ONLY).
 * probe_first sets *k to the first; probe_next turns it into the next
 * (probe: 1, 2, 3), 0 when there is none. */
static void probe_first(const struct attr *a, struct attr_key *k,
			uint8_t proto, int ipv, const uint8_t *l, uint16_t lp,
			const uint8_t *r, uint16_t rp)
{
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->ipv = (uint8_t)ipv;
	k->netns = a->netns;
	k->lport = lp;
	memcpy(k->laddr, l, 16);
	memcpy(k->raddr, r, 16);
	k->rport = rp;
}

static int probe_next(struct attr_key *k, int probe)
{
	if (probe == 1) {
		memset(k->raddr, 0, 16);
		k->rport = 0;
	} else if (probe == 2) {
		memset(k->laddr, 0, 16);
	} else if (probe == 3 && k->ipv == 4) {
		k->ipv = 6;
	} else {
		return 0;
	}
	return 1;
}

int attr_find_owner(const struct attr *a, uint8_t proto, int ipv,
		      const uint8_t *l, uint16_t lp, const uint8_t *r,
		      uint16_t rp, struct attr_entry *e)
{
	struct attr_key k;

	probe_first(a, &k, proto, ipv, l, lp, r, rp);
	for (int probe = 0; probe == 0 || probe_next(&k, probe); probe++)
		if (attr_cache_get(a->cache, &k, e))
			return 1;
	return 0;
}

/* The owner of the end (l, lp) of a flow with (r, rp) over span (its
 * first and last packet times, CLOCK_REALTIME), when its tuple had
 * several sockets (attr_gen.c): of each key attr_find_owner tries (the
 * connected socket, one bound to l, to every address, IPv6's "::"), the
 * socket whose time overlaps the span.  Of those: with eBPF's exact
 * times, the one first seen nearest the flow's start (a connected socket
 * that came later on the port is not an unconnected one's flow's); with
 * the tables', the first, unless UDP sockets of different processes
 * overlap (a port bound in turn: several).  1 with *e, -1 several, 0 none
 * (attr_find_owner's choice then stands), -2 none and the flow predates
 * every socket its tuple is remembered to have had (gone). */
static int owner_in_span(const struct attr *a, uint8_t proto, int ipv,
			 const uint8_t *l, uint16_t lp, const uint8_t *r,
			 uint16_t rp, const int64_t *span,
			 struct attr_entry *e)
{
	int64_t off = __atomic_load_n(&a->rt_off_ns, __ATOMIC_RELAXED);
	int64_t f = span[0] - off, t = span[1] - off, best = INT64_MAX;
	struct attr_key k;
	struct attr_entry x;
	int found = 0, exact = 1, owners = 0, forgotten = 0;

	probe_first(a, &k, proto, ipv, l, lp, r, rp);
	for (int probe = 0; probe == 0 || probe_next(&k, probe); probe++) {
		if (!attr_cache_get(a->cache, &k, &x))
			continue;
		int got = attr_pick(a, &x, f, t);
		int64_t d = x.opened_ns > f ? x.opened_ns - f : f - x.opened_ns;

		if (got == -1)
			return -1;
		forgotten |= got == -2;
		if (got <= 0 || (x.owner.pid < 0 && found))
			continue;	/* a socket with no known owner: only
					   when there is nothing better */
		if (found && e->owner.pid < 0)
			found = owners = 0, exact = 1;
		exact &= x.owner.src == ATTR_SRC_BPF;
		owners += !found || x.owner.pid != e->owner.pid;
		if (!found || (exact && d < best)) {
			best = d;
			*e = x;
		}
		found = 1;
	}
	if (!found && forgotten)
		return -2;
	return !exact && proto == 17 && owners > 1 ? -1 : found;
}

/* The owner of the end (l, lp) of a proto flow with (r, rp), and why
 * there is none.  span: the flow's first and last packet times
 * (CLOCK_REALTIME), to pick among the sockets its tuple had one after
 * another (attr_pick); NULL: the socket now (a packet). */
static void owner_end(struct attr *a, uint8_t proto, int ipv,
		      const uint8_t *l, uint16_t lp, const uint8_t *r,
		      uint16_t rp, const int64_t *span, struct attr_end *o)
{
	struct attr_entry e;
	int found;

	memset(o, 0, sizeof(*o));
	o->pid = -1;
	o->uid = (uint32_t)-1;
	if (!attr_active(a)) {
		o->why = ATTR_DISABLED;
	} else if (proto != 6 && proto != 17) {
		o->why = a->file || attr_is_local(a, l, ipv) ? ATTR_NOSOCK :
							  ATTR_REMOTE;
	} else if (span && !a->file &&
		   (found = owner_in_span(a, proto, ipv, l, lp, r, rp, span,
					  &e)) != 0) {
		if (found < 0) {	/* -2: its socket forgotten */
			o->why = found == -1 ? ATTR_SEVERAL : ATTR_GONE;
			return;
		}
		*o = e.owner;
		o->why = e.owner.pid >= 0 ? ATTR_FOUND :
			 e.owner.why ? e.owner.why : ATTR_GONE;
	} else if (attr_find_owner(a, proto, ipv, l, lp, r, rp, &e)) {
		*o = e.owner;
		o->why = e.owner.pid >= 0 ? ATTR_FOUND :
			 e.owner.why ? e.owner.why : ATTR_GONE;
	} else if (a->file) {
		o->why = ATTR_UNRECORDED;
	} else {
		o->why = attr_is_local(a, l, ipv) ? ATTR_GONE : ATTR_REMOTE;
	}
}

void attr_flow(struct attr *a, const struct ft_view *v,
	       struct attr_end ends[2])
{
	const struct ft_key *k = &v->key;
	int ipv = (k->flags & FT_K_V6) ? 6 : 4;
	int64_t span[2] = { v->first_ns, v->last_ns };

	for (int i = 0; i < 2; i++) {
		/* end i (orig or resp) is key endpoint a or b */
		int is_a = (i == FT_ORIG) == v->orig_is_a;

		owner_end(a, k->proto, ipv, is_a ? k->a : k->b,
			  is_a ? k->pa : k->pb, is_a ? k->b : k->a,
			  is_a ? k->pb : k->pa, span, &ends[i]);
	}
}

void attr_packet(struct attr *a, const struct dec_pkt *p,
		 struct attr_end ends[2])
{
	owner_end(a, p->proto, p->ipv, p->src, p->sport, p->dst, p->dport,
		  NULL, &ends[0]);
	owner_end(a, p->proto, p->ipv, p->dst, p->dport, p->src, p->sport,
		  NULL, &ends[1]);
}

struct collect {
	struct attr_listener *out;
	size_t max, n;
	uint64_t scope;		/* attr_opts.scope_cgroup */
	uint64_t netns;		/* attr_opts.scope_netns: porttop's; 0 all */
};

static void collect_listener(void *arg, const struct attr_entry *e)
{
	struct collect *c = arg;

	if (!e->listener || e->closed_ns ||
	    (c->scope && e->owner.cgroup != c->scope) ||
	    (c->netns && e->key.netns != c->netns))
		return;
	if (c->n < c->max) {
		struct attr_listener *l = &c->out[c->n];

		l->proto = e->key.proto;
		l->ipv = e->key.ipv;
		memcpy(l->addr, e->key.laddr, 16);
		l->port = e->key.lport;
		l->owner = e->owner;
		l->owner.why = e->owner.pid >= 0 ? ATTR_FOUND : e->owner.why;
	}
	c->n++;
}

size_t attr_listeners(struct attr *a, struct attr_listener *out, size_t max)
{
	struct collect c = { out, max, 0, a ? a->o.scope_cgroup : 0,
			     a && a->o.scope_netns ? a->netns : 0 };

	if (a)
		attr_cache_each(a->cache, collect_listener, &c);
	return c.n;
}
