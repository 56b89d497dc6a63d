/*
 * attr_cache.c - the socket table (see attr_cache.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/keyhash.h"
#include "../lib/seqlock.h"
#include "attr_cache.h"

SEQLOCK_DATA(struct attr_entry);

struct slot {
	uint32_t seq;		/* odd while the writer updates e */
	uint32_t pad;
	struct attr_entry e;
};

/* used[]: one bit per slot, set while the slot holds an entry, so that
 * the passes over the cache (each second: ageing, exits, listeners) touch
 * the few thousand entries in use, not all 131,072 slots (15 MiB): those
 * full passes were most of what attribution cost with eBPF on.  Written
 * by the writer only; readers load words atomically and then each slot
 * under its seqlock, as ever. */
struct attr_cache {
	uint32_t mask;		/* buckets - 1 */
	struct slot *slots;	/* (mask + 1) * ATTR_WAYS */
	uint64_t *used;		/* (mask + 1) * ATTR_WAYS bits */
	uint32_t *ports;	/* entries per (TCP or UDP, local port) */
};

/* Every key attr_cache_get is asked for an end shares its protocol and
 * local port (attr_lookup.c's probes change the addresses only), and
 * most ends asked for are remote, or a port no socket here has: a count
 * of the entries per port answers those without hashing a key (the
 * view asks for both ends of every flow it shows, each refresh: four
 * SipHashes an end were a third of its thread).  512 KiB.  The writer
 * counts an entry before storing it and uncounts it after removing it,
 * so a count of 0 means no entry a reader could find. */
static uint32_t *port_count(const struct attr_cache *c,
			    const struct attr_key *k)
{
	return &c->ports[(size_t)(k->proto == 17) << 16 | k->lport];
}

static void count(struct attr_cache *c, const struct attr_key *k, int d)
{
	uint32_t *n = port_count(c, k);

	__atomic_store_n(n, *n + (uint32_t)d, __ATOMIC_RELAXED);
}

static size_t nslots(const struct attr_cache *c)
{
	return (size_t)(c->mask + 1) * ATTR_WAYS;
}

static void mark(struct attr_cache *c, size_t i, int on)
{
	uint64_t w = c->used[i / 64], bit = 1ull << (i % 64);

	__atomic_store_n(&c->used[i / 64], on ? w | bit : w & ~bit,
			 __ATOMIC_RELAXED);
}

struct attr_cache *attr_cache_new(uint32_t entries)
{
	struct attr_cache *c = calloc(1, sizeof(*c));
	uint32_t b = 1;

	if (!c)
		return NULL;
	while (b * ATTR_WAYS < entries)
		b <<= 1;
	c->mask = b - 1;
	c->slots = calloc((size_t)b * ATTR_WAYS, sizeof(struct slot));
	c->used = calloc((size_t)b * ATTR_WAYS / 64 + 1, sizeof(uint64_t));
	c->ports = calloc(2 << 16, sizeof(*c->ports));
	if (!c->slots || !c->used || !c->ports) {
		attr_cache_free(c);
		return NULL;
	}
	return c;
}

void attr_cache_free(struct attr_cache *c)
{
	if (c) {
		free(c->slots);
		free(c->used);
		free(c->ports);
		free(c);
	}
}

static struct slot *bucket(const struct attr_cache *c,
			   const struct attr_key *k)
{
	return &c->slots[(keyhash(k, sizeof(*k)) & c->mask) * ATTR_WAYS];
}

static void store(struct slot *s, const struct attr_entry *e)
{
	seqlock_store(&s->seq, &s->e, e, sizeof(*e));
}

static void load(const struct slot *s, struct attr_entry *e)
{
	seqlock_load(&s->seq, e, &s->e, sizeof(*e));
}

int attr_cache_put(struct attr_cache *c, const struct attr_entry *e)
{
	struct slot *b = bucket(c, &e->key), *victim = NULL;
	int lost;

	for (int i = 0; i < ATTR_WAYS; i++) {
		struct attr_entry *x = &b[i].e;	/* the writer's own data */

		if (x->used && !memcmp(&x->key, &e->key, sizeof(e->key))) {
			victim = &b[i];
			break;
		}
		if (!victim || !x->used ||
		    (victim->e.used && x->seen_ns < victim->e.seen_ns))
			victim = &b[i];
	}
	struct attr_key was = victim->e.key;
	int had = victim->e.used,
	    same = had && !memcmp(&was, &e->key, sizeof(e->key));

	lost = had && !victim->e.closed_ns && !same;
	if (e->used && !same)
		count(c, &e->key, 1);
	store(victim, e);
	mark(c, (size_t)(victim - c->slots), 1);
	if (had && (!same || !e->used))
		count(c, &was, -1);
	return lost;
}

/* The capture thread asks for both ends of every flow that ends, up to
 * four keys each (attr_lookup.c), and most buckets are empty: the used
 * bits skip those, and a slot's key alone (a third of the entry) is
 * copied before the entry it belongs to.  Copying all eight entries of
 * each bucket was 12 % of the capture thread's time live
 * (tests/bench/README.md, "Live CPU per packet"). */
int attr_cache_get(const struct attr_cache *c, const struct attr_key *k,
		   struct attr_entry *e)
{
	const struct slot *b;
	size_t first;
	uint64_t bits;
	struct attr_key kk;

	if (!__atomic_load_n(port_count(c, k), __ATOMIC_RELAXED))
		return 0;	/* before the hash */
	b = bucket(c, k);
	first = (size_t)(b - c->slots);	/* a multiple of ATTR_WAYS */
	bits = __atomic_load_n(&c->used[first / 64], __ATOMIC_RELAXED) >>
	       (first % 64);
	_Static_assert(64 % ATTR_WAYS == 0, "a bucket's bits in one word");
	SEQLOCK_DATA(struct attr_key);
	for (int i = 0; i < ATTR_WAYS; i++) {
		if (!(bits >> i & 1))
			continue;
		seqlock_load(&b[i].seq, &kk, &b[i].e.key, sizeof(kk));
		if (memcmp(&kk, k, sizeof(*k)))
			continue;
		load(&b[i], e);
		if (e->used && !memcmp(&e->key, k, sizeof(*k)))
			return 1;
	}
	return 0;
}

/* fn on the index of every slot in use (by the bitmap; a snapshot of
 * each word, so a slot filled meanwhile may be missed, which is fine for
 * a pass that runs again in a second). */
static uint64_t each_used(const struct attr_cache *c,
			  void (*fn)(const struct attr_cache *c, size_t i,
				     void *arg),
			  void *arg)
{
	size_t words = (nslots(c) + 63) / 64;
	uint64_t n = 0;

	for (size_t w = 0; w < words; w++) {
		uint64_t bits = __atomic_load_n(&c->used[w], __ATOMIC_RELAXED);

		while (bits) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(bits);

			bits &= bits - 1;
			n++;
			fn(c, i, arg);
		}
	}
	return n;
}

struct age {
	int64_t before, now, keep_ns;
	int spare, listeners_only;
};

static void age_one(const struct attr_cache *cc, size_t i, void *arg)
{
	struct attr_cache *c = (struct attr_cache *)cc;	/* the writer's */
	const struct age *g = arg;
	struct attr_entry e = c->slots[i].e;

	if (!e.used)
		return;
	if (e.closed_ns && g->now - e.closed_ns > g->keep_ns) {
		struct attr_key was = e.key;

		memset(&e, 0, sizeof(e));
		store(&c->slots[i], &e);
		mark(c, i, 0);
		count(c, &was, -1);
	} else if (!e.closed_ns && e.seen_ns < g->before &&
		   e.owner.src != g->spare &&
		   (!g->listeners_only || e.listener || e.key.proto == 17)) {
		e.closed_ns = g->now;
		store(&c->slots[i], &e);
	}
}

void attr_cache_age(struct attr_cache *c, int64_t before, int64_t now,
		    int64_t keep_ns, int spare, int listeners_only)
{
	struct age g = { before, now, keep_ns, spare, listeners_only };

	each_used(c, age_one, &g);
}

struct each {
	void (*fn)(void *arg, const struct attr_entry *e);
	void *arg;
	uint64_t used;
};

static void each_one(const struct attr_cache *c, size_t i, void *arg)
{
	struct each *x = arg;
	struct attr_entry e = { 0 };

	load(&c->slots[i], &e);
	if (!e.used)
		return;
	x->used++;
	if (x->fn)
		x->fn(x->arg, &e);
}

uint64_t attr_cache_each(const struct attr_cache *c,
			 void (*fn)(void *arg, const struct attr_entry *e),
			 void *arg)
{
	struct each x = { fn, arg, 0 };

	each_used(c, each_one, &x);
	return x.used;
}
