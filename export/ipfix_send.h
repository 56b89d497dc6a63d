/*
 * ipfix_send.h - the IPFIX sender: a bounded ring of flow records filled
 * by the capture thread, and the thread of its own that encodes them for
 * every collector (ipfix_coll.h) and sends them.
 *
 * The capture thread never waits on a collector: a record that finds the
 * ring full (16,384 records) is lost and counted, for every collector.
 * One exception, for files: with `wait` set (porttop -r: nothing is
 * captured while the reader waits), a full ring is waited for as long as
 * the sender keeps taking records from it, so a file goes to the
 * collectors whole however fast it is read; a sender that took nothing
 * for 100 ms ends the wait (the records are then lost, and the reader
 * does not wait again until the sender has moved).
 */
#ifndef PORTTOP_IPFIX_SEND_H
#define PORTTOP_IPFIX_SEND_H

#include <stddef.h>
#include <stdint.h>

#include "ipfix_fb.h"
#include "ipfix_rec.h"

#define IPFIX_MAX_DEST 8

struct ipfix_send_opts {
	const char *dest[IPFIX_MAX_DEST];	/* ipfix_coll_new's DEST */
	int ndest;
	struct ipfix_fb_opts fb;		/* pen, domain, uniflow */
	int wait;				/* see above */
};

struct ipfix_send;

/* ipfix_send_open: resolve the collectors, make their sessions and start
 * the thread.  NULL with err set. */
struct ipfix_send *ipfix_send_open(const struct ipfix_send_opts *o,
				   char *err, size_t errlen);

/* ipfix_send_slot: the next free slot of the ring, to be filled and
 * handed over with ipfix_send_commit(); NULL when the ring is full.  One
 * producer thread. */
struct ipfix_rec *ipfix_send_slot(struct ipfix_send *s);
void ipfix_send_commit(struct ipfix_send *s);

/* ipfix_send_lost: n records the producer could not queue (counted as
 * lost for every collector). */
void ipfix_send_lost(struct ipfix_send *s, uint64_t n);

/* ipfix_send_finish: send what is queued, give TCP collectors up to a
 * second to take it, stop the thread.  Idempotent. */
void ipfix_send_finish(struct ipfix_send *s);

/* Any thread: the collectors, and what each got. */
int ipfix_send_ncoll(const struct ipfix_send *s);
const char *ipfix_send_name(const struct ipfix_send *s, int i);
void ipfix_send_stats(const struct ipfix_send *s, int i, uint64_t *sent,
		      uint64_t *lost);

/* ipfix_send_close: finish, then free (NULL is ignored). */
void ipfix_send_close(struct ipfix_send *s);

#endif
