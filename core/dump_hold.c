/*
 * dump_hold.c - the delay line of run -w (see dump_hold.h): a ring of
 * entries whose byte buffers are kept for reuse.
 */
#include <stdlib.h>
#include <string.h>

#include "dump_hold.h"

#define KEEP_ROOM 65536	/* a larger buffer is freed when its entry goes */

struct dump_hold {
	struct hold_entry *e;	/* DUMP_HOLD_SLOTS */
	uint32_t head, tail;	/* next in, oldest */
	uint64_t bytes;		/* packet bytes held */
};

struct dump_hold *dump_hold_new(void)
{
	struct dump_hold *h = calloc(1, sizeof(*h));

	if (h && !(h->e = calloc(DUMP_HOLD_SLOTS, sizeof(*h->e)))) {
		free(h);
		h = NULL;
	}
	return h;
}

struct hold_entry *dump_hold_push(struct dump_hold *h, uint32_t caplen,
				  int64_t now)
{
	struct hold_entry *e;

	if (h->head - h->tail == DUMP_HOLD_SLOTS ||
	    h->bytes + caplen > DUMP_HOLD_BYTES)
		return NULL;
	e = &h->e[h->head % DUMP_HOLD_SLOTS];
	if (caplen > e->room) {
		uint8_t *d = realloc(e->data, caplen);

		if (!d)
			return NULL;
		e->data = d;
		e->room = caplen;
	}
	memset(&e->pk, 0, sizeof(e->pk));
	e->pk.data = e->data;
	e->pk.caplen = caplen;
	e->nrec = 0;
	e->ncomment = 0;
	e->due = now + DUMP_HOLD_NS;
	h->bytes += caplen;
	h->head++;
	return e;
}

struct hold_entry *dump_hold_oldest(struct dump_hold *h)
{
	return h->head == h->tail ? NULL : &h->e[h->tail % DUMP_HOLD_SLOTS];
}

void dump_hold_pop(struct dump_hold *h)
{
	struct hold_entry *e = dump_hold_oldest(h);

	if (!e)
		return;
	h->bytes -= e->pk.caplen;
	for (int i = 0; i < e->ncomment; i++)
		free(e->comment[i]);
	e->ncomment = 0;
	if (e->room > KEEP_ROOM) {
		free(e->data);
		e->data = NULL;
		e->room = 0;
	}
	h->tail++;
}

void dump_hold_free(struct dump_hold *h)
{
	if (!h)
		return;
	while (dump_hold_oldest(h))
		dump_hold_pop(h);
	for (uint32_t i = 0; i < DUMP_HOLD_SLOTS; i++)
		free(h->e[i].data);
	free(h->e);
	free(h);
}
