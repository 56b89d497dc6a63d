/*
 * dump_hold.h - porttop run -w: the delay line that holds packets until
 * their owners are known (internal to core/: dump.c).
 *
 * A packet's owner is known a little after the packet: eBPF reports a
 * socket through a ring buffer the attribution thread reads every 40 ms
 * or so, sock_diag later still.  run -w keeps only CMD's packets, so each
 * one waits here, in capture order, until it is DUMP_HOLD_NS old (wall
 * time) and is then written or dropped as its owners say.  The line is
 * bounded by packets and bytes: when full, its oldest entry is decided at
 * once, with what is known then (dump.c counts those).
 */
#ifndef PORTTOP_DUMP_HOLD_H
#define PORTTOP_DUMP_HOLD_H

#include <stdint.h>

#include "../capture/cap.h"
#include "../decode/dec.h"

#define DUMP_HOLD_NS	(250 * 1000000LL)	/* six turns of the
						   attribution thread */
#define DUMP_HOLD_SLOTS	16384		/* entries held at most */
#define DUMP_HOLD_BYTES	(32u << 20)	/* packet bytes held at most */

/* One entry: a packet (its header, a copy of its bytes, its outermost
 * decoded record when it has one: nrec 1) or a note (ncomment comments,
 * nrec 0). */
struct hold_entry {
	int64_t due;		/* CLOCK_MONOTONIC: decided from then */
	struct cap_pkt pk;	/* pk.data: data */
	struct dec_pkt rec[1];
	unsigned nrec;
	uint8_t *data;
	uint32_t room;		/* bytes at data */
	char *comment[2];	/* a note's, malloc'd */
	int ncomment;
};

struct dump_hold;

/* dump_hold_new: an empty line, or NULL (out of memory). */
struct dump_hold *dump_hold_new(void);

/* dump_hold_push: a new entry at the end, due DUMP_HOLD_NS after now:
 * for a packet of bytes caplen (data allocated, pk.data pointed at it;
 * 0 for a note).  NULL when the line is full (by slots or bytes: pop
 * the oldest first) or memory is short. */
struct hold_entry *dump_hold_push(struct dump_hold *h, uint32_t caplen,
				  int64_t now);

/* dump_hold_oldest: the oldest entry, or NULL when empty; dump_hold_pop
 * takes it off (a note's comments freed). */
struct hold_entry *dump_hold_oldest(struct dump_hold *h);
void dump_hold_pop(struct dump_hold *h);

void dump_hold_free(struct dump_hold *h);

#endif
