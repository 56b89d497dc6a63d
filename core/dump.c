/*
 * dump.c - -w as a consumer (see dump.h); for porttop run, through the
 * delay line of dump_hold.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/cap_dump.h"
#include "../lib/clock.h"
#include "dump.h"
#include "dump_hold.h"

#define FLUSH_NS NS_PER_S	/* wall time between flushes */

struct dump {
	struct cap_dump *d;
	struct attr *attr;	/* process comments (pcapng), or NULL */
	char path[256];
	uint64_t errors;	/* packets and notes that could not be written */
	int64_t last_flush;	/* CLOCK_MONOTONIC */
	int closed, close_failed;
	char err[CAP_ERRBUF_SIZE];
	/* run: only the packets with an end in this cgroup (0: all) */
	uint64_t keep_cgroup;
	struct attr *sel;		/* whose owners say so */
	struct dump_hold *hold;
	uint64_t kept, dropped;		/* packets decided */
	uint64_t early, early_kept;	/* of them before they were due */
	uint64_t unheld;		/* decided at once: memory was short */
};

enum pt_status dump_open(struct dump **out, const char *path,
			 const struct cap *src, struct attr *note_attr,
			 uint64_t keep_cgroup, struct pt_err *err)
{
	struct dump *d = calloc(1, sizeof(*d));
	char cerr[CAP_ERRBUF_SIZE];

	if (d && keep_cgroup && !(d->hold = dump_hold_new())) {
		free(d);
		d = NULL;
	}
	if (!d)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	d->keep_cgroup = keep_cgroup;
	d->sel = note_attr;
	if (cap_dump_open(path, src, note_attr != NULL, &d->d, cerr) !=
	    CAP_OK) {
		dump_hold_free(d->hold);
		free(d);
		return pt_fail(err, PT_ERR_OUTPUT_OPEN, "%s", cerr);
	}
	snprintf(d->path, sizeof(d->path), "%s", path);
	d->attr = cap_dump_is_pcapng(d->d) ? note_attr : NULL;
	d->last_flush = mono_ns();
	*out = d;
	return PT_OK;
}

/* The packet, and in pcapng the processes at its ends when known. */
static void write_packet(struct dump *d, const struct cap_pkt *pk,
			 const struct dec_pkt *p)
{
	char c[2][256];
	struct cap_note n = { { c[0], c[1] }, 0 };
	int rc;

	if (p && d->attr) {
		attr_packet_note(d->attr, p, c, &n.flags);
		rc = cap_dump_write(d->d, pk, &n);
	} else {
		rc = cap_dump_write(d->d, pk, NULL);
	}
	if (rc != CAP_OK)
		d->errors++;
}

static void write_note(struct dump *d, const char *const *comment, int n)
{
	if (n && cap_dump_note(d->d, comment, n) != CAP_OK)
		d->errors++;
}

/* run: whether a held packet is CMD's, by its owners as known now: an
 * end of its (outermost) record in the kept cgroup.  A frame that did
 * not decode to a flow's packet (ARP, a held fragment) is no one's. */
static int is_kept(const struct dump *d, const struct hold_entry *h)
{
	for (unsigned i = 0; i < h->nrec; i++) {
		struct attr_end ends[2];

		attr_packet(d->sel, &h->rec[i], ends);
		if (ends[0].cgroup == d->keep_cgroup ||
		    ends[1].cgroup == d->keep_cgroup)
			return 1;
	}
	return 0;
}

/* A held entry written (a note, or a packet of the kept cgroup) or
 * dropped; 1 when a packet was written. */
static int decide(struct dump *d, const struct hold_entry *h)
{
	if (h->ncomment) {
		write_note(d, (const char *const *)h->comment, h->ncomment);
		return 0;
	}
	if (!is_kept(d, h)) {
		d->dropped++;
		return 0;
	}
	write_packet(d, &h->pk, h->nrec ? &h->rec[0] : NULL);
	d->kept++;
	return 1;
}

/* The held entries due by now (all: INT64_MAX), oldest first. */
static void release(struct dump *d, int64_t now)
{
	struct hold_entry *h;

	while ((h = dump_hold_oldest(d->hold)) && h->due <= now) {
		decide(d, h);
		dump_hold_pop(d->hold);
	}
}

/* A new entry at the end of the line: while it is full, the oldest is
 * decided now, before it is due (counted).  NULL when memory is short. */
static struct hold_entry *push(struct dump *d, uint32_t caplen)
{
	int64_t now = mono_ns();
	struct hold_entry *h;

	release(d, now);
	while (!(h = dump_hold_push(d->hold, caplen, now)) &&
	       (h = dump_hold_oldest(d->hold))) {
		int packet = !h->ncomment, kept = decide(d, h);

		d->early += (uint64_t)packet;
		d->early_kept += (uint64_t)kept;
		dump_hold_pop(d->hold);
	}
	return h;
}

static void packet(void *arg, const struct cap_pkt *pk,
		   const struct dec_pkt *p)
{
	struct dump *d = arg;
	struct hold_entry *h;

	if (!d->hold) {
		write_packet(d, pk, p);
		return;
	}
	if (!(h = push(d, pk->caplen))) {
		d->unheld++;	/* no room: dropped, as an unknown packet */
		d->dropped++;
		return;
	}
	h->pk.ts_ns = pk->ts_ns;
	h->pk.len = pk->len;
	h->pk.dlt = pk->dlt;
	h->pk.ifid = pk->ifid;
	h->pk.flags = pk->flags;
	memcpy(h->data, pk->data, pk->caplen);
	if (p)	/* the outermost record: the one a local socket sent */
		h->rec[h->nrec++] = p[0];
}

/* A flow's owners once more as it ends, for those learnt after its
 * packets were written; run: behind its packets in the line. */
static void flow(void *arg, const struct flow_rec *f)
{
	struct dump *d = arg;
	char c[2][ATTR_NOTE_MAX];
	const char *p[2] = { c[0], c[1] };
	struct hold_entry *h;
	int n;

	if (!d->attr || !(n = attr_flow_note(d->attr, &f->v, c)))
		return;
	if (!d->hold || !(h = push(d, 0))) {
		write_note(d, p, n);
		return;
	}
	for (int i = 0; i < n; i++)
		if ((h->comment[i] = strdup(c[i])))
			h->ncomment++;
}

/* What a quiet link brought is on disk within a second too.  A failure
 * stays with the file (cap_dump.h) and is said at its close. */
static void tick(void *arg, int64_t now_ns)
{
	struct dump *d = arg;
	int64_t now = mono_ns();

	(void)now_ns;
	if (d->hold)
		release(d, now);
	if (now - d->last_flush >= FLUSH_NS) {
		cap_dump_flush(d->d, d->err);
		d->last_flush = now;
	}
}

static void finish(void *arg, int64_t now_ns)
{
	struct dump *d = arg;

	(void)now_ns;
	if (d->hold)	/* the owners are as known as they will be */
		release(d, INT64_MAX);
	if (cap_dump_close(d->d, d->err) != CAP_OK)
		d->close_failed = 1;
	d->d = NULL;
	d->closed = 1;
}

struct consumer dump_consumer(struct dump *d)
{
	return (struct consumer){ .name = "-w", .arg = d,
				  .flags = CONSUMER_LEFT, .packet = packet,
				  .flow = flow, .tick = tick,
				  .finish = finish };
}

enum pt_status dump_close(struct dump *d, struct pt_err *err)
{
	enum pt_status rc = PT_OK;

	if (!d)
		return PT_OK;
	if (!d->closed)
		finish(d, 0);
	if (d->early || d->unheld)
		fprintf(stderr, "porttop: -w %s: %" PRIu64 " of %" PRIu64
			" packets decided before their owners could be known "
			"(the hold of %lld ms and %u packets was full: %" PRIu64
			" written, the others dropped), %" PRIu64 " dropped "
			"for want of memory\n", d->path, d->early,
			d->kept + d->dropped, DUMP_HOLD_NS / 1000000,
			DUMP_HOLD_SLOTS, d->early_kept, d->unheld);
	dump_hold_free(d->hold);
	if (d->errors)
		rc = pt_fail(err, PT_ERR_OUTPUT,
			     "-w %s: %llu packets could not be written",
			     d->path, (unsigned long long)d->errors);
	else if (d->close_failed)
		rc = pt_fail(err, PT_ERR_OUTPUT, "-w %.*s",
			     (int)sizeof(err->msg) - 4, d->err);
	free(d);
	return rc;
}
