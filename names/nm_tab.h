/*
 * nm_tab.h - a bounded table of names keyed by 40 bytes (names/
 * internal): addresses and their names, flows' tuples and theirs.  One
 * writer (the capture thread, or the table thread under --threads), any
 * number of readers (the view's thread), never blocking each other:
 * each slot read under its own sequence counter (lib/seqlock.h), as the
 * attribution cache does (attrib/attr_cache.c).  A full table replaces
 * the entry a clock hand reaches first that is expired or was not put
 * again since the hand last passed it.  Which entries stay depends only
 * on the order of the puts, never on the run's SipHash key (which keys
 * the index: strangers choose the keys), so a run's names, and its count
 * of forgotten ones, are the same every run.
 */
#ifndef PORTTOP_NM_TAB_H
#define PORTTOP_NM_TAB_H

#include <stdint.h>

#define NM_KEY 40

/* One entry.  Times are packet times, ns since the epoch. */
struct nm_ent {
	uint8_t key[NM_KEY];	/* compared and hashed as raw bytes */
	const char *name;	/* an interned string (nm_pool.h), or NULL
				   (why says what is known) */
	int64_t t0;		/* when it was learnt */
	int64_t until;		/* when it stops being trusted */
	uint8_t src;		/* enum nm_src */
	uint8_t why;		/* enum nm_why: NM_FOUND with a name */
	uint8_t used;
	uint8_t pad[5];
};

struct nm_tab;

/* nm_tab_new: room for entries entries (rounded up to a power of two);
 * 93 bytes each (slot, index, hash, chance).  NULL out of memory. */
struct nm_tab *nm_tab_new(uint32_t entries);
void nm_tab_free(struct nm_tab *t);

/* nm_tab_put: insert or replace e (its key) at packet time now (writer
 * only).  Returns 1 when an entry of another key still valid at now was
 * forgotten for it (the caller counts them), else 0. */
int nm_tab_put(struct nm_tab *t, const struct nm_ent *e, int64_t now);

/* nm_tab_get: a consistent copy of key's entry into *e; 1 when found.
 * Any thread; it waits out the writer's moves of index entries, and
 * misses a key present only after 64 probes in a row that moves
 * disturbed; never gets a torn or another key's entry. */
int nm_tab_get(const struct nm_tab *t, const uint8_t *key, struct nm_ent *e);

#endif
