/*
 * dec_frag.c - the fragment map: later IP fragments -> their first
 * fragment's flow.
 *
 * Only the first fragment carries the transport header (RFC 791 section 2.3,
 * RFC 8200 section 4.5), so a later fragment is placed by the key every
 * fragment shares: source, destination, protocol and identification (plus
 * VLAN, part of porttop's flow key).  We do not reassemble; we only remember
 * the first fragment's ports.  A later fragment that arrives first is held
 * (counters only) until its first fragment comes, and becomes an orphan if it
 * never does.  The map is small and bounded: fixed slots, a short probe
 * window, the oldest entry evicted when the window is full, entries forgotten
 * after FRAG_TIMEOUT of packet time (Linux's ipfrag_time is 30 s; RFC 791
 * suggests 15 s as a lower bound; we keep 60 s to be generous).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/clock.h"
#include "../lib/keyhash.h"
#include "dec_int.h"

#define FRAG_DEFAULT_SLOTS 4096
#define FRAG_WINDOW	   8
#define FRAG_TIMEOUT_NS	   (60 * NS_PER_S)

enum { ENT_EMPTY = 0, ENT_FIRST, ENT_HELD };

struct frag_key {		/* hashed as bytes: no padding holes */
	uint8_t src[16], dst[16];
	uint32_t id;
	uint16_t vlan;
	uint8_t ipv, proto;
};

struct frag_ent {
	struct frag_key k;
	uint8_t state;
	uint8_t l4;
	uint8_t proto;		/* the first fragment's transport protocol */
	uint16_t sport, dport;
	int64_t ts_ns;		/* last fragment seen */
	uint32_t held_pkts;
	uint64_t held_wire, held_ip;
};

struct dec_frag_map {
	uint32_t mask;
	struct frag_ent ent[];
};

int dec_init(struct dec *d, uint32_t frag_slots)
{
	uint32_t n = 1;

	memset(d, 0, sizeof(*d));
	if (frag_slots == 0)
		frag_slots = FRAG_DEFAULT_SLOTS;
	while (n < frag_slots && n < (1u << 24))
		n <<= 1;
	d->frags = calloc(1, sizeof(*d->frags) + n * sizeof(struct frag_ent));
	if (!d->frags)
		return -ENOMEM;
	d->frags->mask = n - 1;
	d->frag_map_capacity = n;
	return 0;
}

static void forget(struct dec *d, struct frag_ent *e)
{
	if (e->state == ENT_HELD)
		d->frags_orphaned += e->held_pkts;
	e->state = ENT_EMPTY;
}

void dec_flush(struct dec *d)
{
	if (!d->frags)
		return;
	for (uint32_t i = 0; i <= d->frags->mask; i++)
		forget(d, &d->frags->ent[i]);
}

void dec_free(struct dec *d)
{
	dec_flush(d);
	free(d->frags);
	d->frags = NULL;
}

/* Find the live entry for packet p's fragment key, or pick a slot for it
 * (an empty or stale one, else the oldest in the window, evicted).  *found
 * tells which; *k is the key. */
static struct frag_ent *lookup(struct dec *d, const struct dec_pkt *p,
			       uint32_t id, uint8_t proto, struct frag_key *k,
			       int *found)
{
	struct dec_frag_map *m = d->frags;
	int64_t now = p->ts_ns;

	memset(k, 0, sizeof(*k));
	memcpy(k->src, p->src, 16);
	memcpy(k->dst, p->dst, 16);
	k->id = id;
	k->vlan = p->vlan;
	k->ipv = p->ipv;
	k->proto = proto;
	uint32_t i = (uint32_t)keyhash(k, sizeof(*k)) & m->mask;
	struct frag_ent *free_e = NULL, *oldest = NULL;

	for (int w = 0; w < FRAG_WINDOW; w++, i = (i + 1) & m->mask) {
		struct frag_ent *e = &m->ent[i];

		if (e->state != ENT_EMPTY && now - e->ts_ns >= FRAG_TIMEOUT_NS)
			forget(d, e);
		if (e->state == ENT_EMPTY) {
			if (!free_e)
				free_e = e;
			continue;
		}
		if (memcmp(&e->k, k, sizeof(*k)) == 0) {
			*found = 1;
			return e;
		}
		if (!oldest || e->ts_ns < oldest->ts_ns)
			oldest = e;
	}
	*found = 0;
	if (free_e)
		return free_e;
	d->frags_evicted++;
	forget(d, oldest);
	return oldest;
}

void dec_frag_first(struct dec *d, struct dec_pkt *pkt, uint32_t id,
		    uint8_t key_proto)
{
	struct frag_key k;
	struct frag_ent *e;
	int found;

	e = lookup(d, pkt, id, key_proto, &k, &found);
	if (found && e->state == ENT_HELD) {
		pkt->held_pkts = e->held_pkts;
		pkt->held_wire = e->held_wire;
		pkt->held_ip = e->held_ip;
		d->frags_joined += e->held_pkts;
	}
	/* A first fragment (re)defines the entry: the identification may have
	 * been reused by a newer datagram. */
	memset(e, 0, sizeof(*e));
	e->k = k;
	e->state = ENT_FIRST;
	e->l4 = pkt->l4;
	e->proto = pkt->proto;
	e->sport = pkt->sport;
	e->dport = pkt->dport;
	e->ts_ns = pkt->ts_ns;
}

int dec_frag_later(struct dec *d, struct dec_pkt *pkt, uint32_t id,
		   uint8_t key_proto)
{
	struct frag_key k;
	struct frag_ent *e;
	int found;

	e = lookup(d, pkt, id, key_proto, &k, &found);
	if (!found) {
		memset(e, 0, sizeof(*e));
		e->k = k;
		e->state = ENT_HELD;
	}
	if (pkt->ts_ns > e->ts_ns)
		e->ts_ns = pkt->ts_ns;
	if (e->state == ENT_HELD) {
		e->held_pkts++;
		e->held_wire += pkt->wire_len;
		e->held_ip += pkt->ip_len;
		return DEC_FRAG_HELD;
	}
	pkt->proto = e->proto;
	pkt->sport = e->sport;
	pkt->dport = e->dport;
	pkt->l4 = e->l4 & DEC_L4_PORTS;
	d->frags_joined++;
	return DEC_OK;
}
