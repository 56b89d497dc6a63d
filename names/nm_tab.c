/*
 * nm_tab.c - the bounded table of names (see nm_tab.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/keyhash.h"
#include "../lib/seqlock.h"
#include "nm_tab.h"

SEQLOCK_DATA(struct nm_ent);

struct slot {
	uint32_t seq;		/* odd while the writer updates e */
	uint32_t pad;
	struct nm_ent e;
};

struct nm_tab {
	uint32_t mask;		/* buckets - 1 */
	struct slot *slots;	/* (mask + 1) * NM_WAYS */
};

struct nm_tab *nm_tab_new(uint32_t entries)
{
	struct nm_tab *t = calloc(1, sizeof(*t));
	uint32_t b = 1;

	if (!t)
		return NULL;
	while (b * NM_WAYS < entries)
		b <<= 1;
	t->mask = b - 1;
	if (!(t->slots = calloc((size_t)b * NM_WAYS, sizeof(struct slot)))) {
		free(t);
		return NULL;
	}
	return t;
}

void nm_tab_free(struct nm_tab *t)
{
	if (t) {
		free(t->slots);
		free(t);
	}
}

static struct slot *bucket(const struct nm_tab *t, const uint8_t *key)
{
	return &t->slots[(keyhash(key, NM_KEY) & t->mask) * NM_WAYS];
}

int nm_tab_put(struct nm_tab *t, const struct nm_ent *e, int64_t now)
{
	struct slot *b = bucket(t, e->key), *victim = NULL;

	for (int i = 0; i < NM_WAYS; i++) {
		const struct nm_ent *x = &b[i].e;	/* the writer's own */

		if (x->used && !memcmp(x->key, e->key, NM_KEY)) {
			victim = &b[i];
			break;
		}
		if (!victim || !x->used ||
		    (victim->e.used && x->until < victim->e.until))
			victim = &b[i];
	}
	int lost = victim->e.used && victim->e.until >= now &&
		   memcmp(victim->e.key, e->key, NM_KEY) != 0;
	struct nm_ent n = *e;

	n.used = 1;
	seqlock_store(&victim->seq, &victim->e, &n, sizeof(n));
	return lost;
}

int nm_tab_get(const struct nm_tab *t, const uint8_t *key, struct nm_ent *e)
{
	const struct slot *b = bucket(t, key);

	for (int i = 0; i < NM_WAYS; i++) {
		seqlock_load(&b[i].seq, e, &b[i].e, sizeof(*e));
		if (e->used && !memcmp(e->key, key, NM_KEY))
			return 1;
	}
	return 0;
}
