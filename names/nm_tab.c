/*
 * nm_tab.c - the bounded table of names (see nm_tab.h).
 *
 * Entries live in a ring of slots that a clock hand walks (CLOCK, as in
 * Corbato's paging algorithm): which entry goes depends only on the order
 * of the puts, never on the hash key.  A keyed index (linear probing, at
 * most half full, deletion by backward shift: Knuth, TAOCP 3, 6.4,
 * Algorithm R) finds a key's slot.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/keyhash.h"
#include "../lib/seqlock.h"
#include "nm_tab.h"

SEQLOCK_DATA(struct nm_ent);

#define GET_TRIES 64	/* probes a shift disturbed before a miss */

struct slot {
	uint32_t seq;		/* odd while the writer updates e */
	uint32_t pad;
	struct nm_ent e;
};

struct nm_tab {
	uint32_t nslots;	/* a power of two */
	uint32_t hand;		/* the next slot the hand looks at */
	uint32_t imask;		/* index positions - 1 (2 * nslots) */
	uint32_t moves;		/* odd while the index shifts (readers) */
	struct slot *slots;
	uint32_t *index;	/* slot + 1, 0 empty; stored atomically */
	uint32_t *hash;		/* the writer's: each slot's key hash */
	uint8_t *ref;		/* the writer's: put again since the hand
				   passed (a second chance) */
};

struct nm_tab *nm_tab_new(uint32_t entries)
{
	struct nm_tab *t = calloc(1, sizeof(*t));
	uint32_t n = 1;

	if (!t)
		return NULL;
	while (n < entries)
		n <<= 1;
	t->nslots = n;
	t->imask = 2 * n - 1;
	t->slots = calloc(n, sizeof(*t->slots));
	t->index = calloc(2 * (size_t)n, sizeof(*t->index));
	t->hash = calloc(n, sizeof(*t->hash));
	t->ref = calloc(n, 1);
	if (!t->slots || !t->index || !t->hash || !t->ref) {
		nm_tab_free(t);
		return NULL;
	}
	return t;
}

void nm_tab_free(struct nm_tab *t)
{
	if (t) {
		free(t->slots);
		free(t->index);
		free(t->hash);
		free(t->ref);
		free(t);
	}
}

/* The writer's: key's index position, or the empty one ending its probe
 * (*found 0). */
static uint32_t find(const struct nm_tab *t, const uint8_t *key, uint32_t h,
		     int *found)
{
	uint32_t i = h & t->imask, x;

	while ((x = t->index[i]) != 0) {
		if (!memcmp(t->slots[x - 1].e.key, key, NM_KEY)) {
			*found = 1;
			return i;
		}
		i = (i + 1) & t->imask;
	}
	*found = 0;
	return i;
}

/* Empty index position i, moving back the entries after it that would
 * no longer be found (their home at or before i, cyclically). */
static void index_delete(struct nm_tab *t, uint32_t i)
{
	uint32_t j = i, x;

	__atomic_store_n(&t->moves, t->moves + 1, __ATOMIC_RELAXED);
	for (;;) {
		j = (j + 1) & t->imask;
		if (!(x = t->index[j]))
			break;
		uint32_t home = t->hash[x - 1] & t->imask;

		if (((j - home) & t->imask) >= ((j - i) & t->imask)) {
			__atomic_store_n(&t->index[i], x, __ATOMIC_RELEASE);
			i = j;
		}
	}
	__atomic_store_n(&t->index[i], 0, __ATOMIC_RELEASE);
	__atomic_store_n(&t->moves, t->moves + 1, __ATOMIC_RELEASE);
}

/* The slot the hand gives up: the first free, expired or not put again
 * since it last passed; the others lose their second chance.  At most
 * nslots + 1 steps, and as many in all as puts gave chances. */
static uint32_t hand_victim(struct nm_tab *t, int64_t now)
{
	for (;;) {
		uint32_t s = t->hand;
		const struct nm_ent *x = &t->slots[s].e;

		t->hand = (s + 1) & (t->nslots - 1);
		if (!x->used || x->until < now || !t->ref[s])
			return s;
		t->ref[s] = 0;
	}
}

int nm_tab_put(struct nm_tab *t, const struct nm_ent *e, int64_t now)
{
	uint32_t h = (uint32_t)keyhash(e->key, NM_KEY), s, i;
	struct nm_ent n = *e;
	int found, lost = 0;

	n.used = 1;
	i = find(t, e->key, h, &found);
	if (found) {
		s = t->index[i] - 1;
		t->ref[s] = 1;
	} else {
		s = hand_victim(t, now);
		if (t->slots[s].e.used) {
			const struct nm_ent *old = &t->slots[s].e;

			lost = old->until >= now;
			index_delete(t, find(t, old->key, t->hash[s], &found));
			i = find(t, e->key, h, &found);	/* it may have moved */
		}
		t->hash[s] = h;
		t->ref[s] = 0;
	}
	seqlock_store(&t->slots[s].seq, &t->slots[s].e, &n, sizeof(n));
	if (!found)
		__atomic_store_n(&t->index[i], s + 1, __ATOMIC_RELEASE);
	return lost;
}

/* A reader probing while the writer shifts the index may pass the
 * position its key moved back to: moves is a seqlock over the index (a
 * shift is short: waited out, as seqlock_load waits out a store), and a
 * miss counts only when no shift ran meanwhile. */
int nm_tab_get(const struct nm_tab *t, const uint8_t *key, struct nm_ent *e)
{
	uint32_t h = (uint32_t)keyhash(key, NM_KEY);

	for (int tries = 0; tries < GET_TRIES;) {
		uint32_t m = seqlock_begin(&t->moves);
		uint32_t i = h & t->imask, x;

		if (m & 1)
			continue;
		for (uint32_t k = 0; k <= t->imask; k++) {
			x = __atomic_load_n(&t->index[i], __ATOMIC_ACQUIRE);
			if (!x)
				break;
			seqlock_load(&t->slots[x - 1].seq, e, &t->slots[x - 1].e,
				     sizeof(*e));
			if (e->used && !memcmp(e->key, key, NM_KEY))
				return 1;
			i = (i + 1) & t->imask;
		}
		if (!seqlock_retry(&t->moves, m))
			return 0;
		tries++;
	}
	return 0;
}
