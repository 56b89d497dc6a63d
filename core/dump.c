/*
 * dump.c - -w as a consumer (see dump.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../capture/cap_dump.h"
#include "../lib/clock.h"
#include "dump.h"

#define FLUSH_NS NS_PER_S	/* wall time between flushes */

struct dump {
	struct cap_dump *d;
	struct attr *attr;	/* process comments (pcapng), or NULL */
	char path[256];
	uint64_t errors;	/* packets and notes that could not be written */
	int64_t last_flush;	/* CLOCK_MONOTONIC */
	int closed, close_failed;
	char err[CAP_ERRBUF_SIZE];
};

enum pt_status dump_open(struct dump **out, const char *path,
			 const struct cap *src, struct attr *note_attr,
			 struct pt_err *err)
{
	struct dump *d = calloc(1, sizeof(*d));
	char cerr[CAP_ERRBUF_SIZE];

	if (!d)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	if (cap_dump_open(path, src, note_attr != NULL, &d->d, cerr) !=
	    CAP_OK) {
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
static void packet(void *arg, const struct cap_pkt *pk,
		   const struct dec_pkt *p)
{
	struct dump *d = arg;
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

/* A flow's owners once more as it ends, for those learnt after its
 * packets were written. */
static void flow(void *arg, const struct flow_rec *f)
{
	struct dump *d = arg;
	char c[2][ATTR_NOTE_MAX];
	const char *p[2] = { c[0], c[1] };
	int n;

	if (!d->attr)
		return;
	n = attr_flow_note(d->attr, &f->v, c);
	if (n && cap_dump_note(d->d, p, n) != CAP_OK)
		d->errors++;
}

/* What a quiet link brought is on disk within a second too.  A failure
 * stays with the file (cap_dump.h) and is said at its close. */
static void tick(void *arg, int64_t now_ns)
{
	struct dump *d = arg;
	int64_t now = mono_ns();

	(void)now_ns;
	if (now - d->last_flush >= FLUSH_NS) {
		cap_dump_flush(d->d, d->err);
		d->last_flush = now;
	}
}

static void finish(void *arg, int64_t now_ns)
{
	struct dump *d = arg;

	(void)now_ns;
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
