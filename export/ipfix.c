/*
 * ipfix.c - the IPFIX exporter as a consumer (see ipfix.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "../lib/clock.h"
#include "ipfix.h"

#define WALK_MIN_NS (100 * NS_PER_MS)	/* live flows walked this often */
#define WALK_MAX_NS NS_PER_S		/* ... at most, this seldom at least */

struct ipfix {
	struct ipfix_send *snd;
	struct ipfix_book *book;
	struct ft_table *ft;
	struct attr *attr;
	int64_t active_ns, walk_ns;	/* the active timeout; walks */
	int64_t next_walk, now;		/* packet time */
};

/* ---- records (capture thread) ----------------------------------------- */

static void on_flow(void *arg, const struct flow_rec *f)
{
	struct ipfix *x = arg;
	struct ipfix_rec *r = ipfix_send_slot(x->snd);

	ipfix_rec_final(r, x->book, &f->v, f->end);
	if (r)
		ipfix_send_commit(x->snd);
	else
		ipfix_send_lost(x->snd, 1);
}

/* A live flow: its delta when its active timeout has come.  A full ring
 * defers it to the next walk (nothing is lost: the next delta carries
 * it). */
static void on_live(void *arg, const struct ft_view *v)
{
	struct ipfix *x = arg;
	struct attr_end end[2];
	struct ipfix_rec *r;

	if (!ipfix_book_due(x->book, v, x->now, x->active_ns) ||
	    !(r = ipfix_send_slot(x->snd)))
		return;
	attr_flow(x->attr, v, end);
	if (ipfix_rec_delta(r, x->book, v, end, x->now) == 0)
		ipfix_send_commit(x->snd);
}

static void on_tick(void *arg, int64_t now_ns)
{
	struct ipfix *x = arg;

	if (!x->active_ns || now_ns < x->next_walk)
		return;
	x->now = now_ns;
	x->next_walk = now_ns + x->walk_ns;
	ft_each(x->ft, x->active_ns, on_live, x);
}

static void on_finish(void *arg, int64_t now_ns)
{
	struct ipfix *x = arg;

	(void)now_ns;
	ipfix_send_finish(x->snd);
}

/* ---- open, status, close ----------------------------------------------- */

struct ipfix *ipfix_open(const struct ipfix_opts *o, struct engine *e,
			 char *err, size_t errlen)
{
	struct ipfix *x = calloc(1, sizeof(*x));
	struct ipfix_send_opts so = {
		.ndest = o->ndest,
		.fb = { .pen = o->pen, .domain = o->domain,
			.uniflow = o->uniflow },
		.wait = !engine_is_live(e),
	};

	for (int i = 0; i < o->ndest && i < IPFIX_MAX_DEST; i++)
		so.dest[i] = o->dest[i];
	if (!x || !(x->book = ipfix_book_new())) {
		snprintf(err, errlen, "ipfix: out of memory");
		free(x);
		return NULL;
	}
	if (!(x->snd = ipfix_send_open(&so, err, errlen))) {
		ipfix_book_free(x->book);
		free(x);
		return NULL;
	}
	x->ft = engine_table(e);
	x->attr = engine_attr(e);
	x->active_ns = o->active_ns;
	x->walk_ns = o->active_ns / 4;
	if (x->walk_ns < WALK_MIN_NS)
		x->walk_ns = WALK_MIN_NS;
	if (x->walk_ns > WALK_MAX_NS)
		x->walk_ns = WALK_MAX_NS;
	x->next_walk = INT64_MIN;
	return x;
}

struct consumer ipfix_consumer(struct ipfix *x)
{
	/* the records carry no names (ipfix_rec.h) */
	return (struct consumer){ .name = "ipfix", .arg = x,
				  .flags = CONSUMER_LEFT | CONSUMER_NO_NAMES,
				  .flow = on_flow,
				  .tick = on_tick, .finish = on_finish,
				  .status = ipfix_status };
}

void ipfix_status(void *arg, char *buf, size_t len)
{
	struct ipfix *x = arg;
	int n = ipfix_send_ncoll(x->snd);
	uint64_t sent = 0, lost = 0;

	for (int i = 0; i < n; i++) {
		uint64_t s, l;

		ipfix_send_stats(x->snd, i, &s, &l);
		sent += s;
		lost += l;
	}
	if (n == 1)
		snprintf(buf, len, "ipfix %s: %" PRIu64 " records sent, %"
			 PRIu64 " lost", ipfix_send_name(x->snd, 0), sent,
			 lost);
	else
		snprintf(buf, len, "ipfix: %d collectors, %" PRIu64 " records "
			 "sent, %" PRIu64 " lost", n, sent, lost);
}

void ipfix_close(struct ipfix *x, int say)
{
	int n;

	if (!x)
		return;
	ipfix_send_finish(x->snd);
	n = ipfix_send_ncoll(x->snd);
	for (int i = 0; (say || n > 1) && i < n; i++) {
		uint64_t s, l;

		ipfix_send_stats(x->snd, i, &s, &l);
		fprintf(stderr, "porttop: ipfix %s: %" PRIu64 " records sent, %"
			PRIu64 " lost\n", ipfix_send_name(x->snd, i), s, l);
	}
	ipfix_send_close(x->snd);
	ipfix_book_free(x->book);
	free(x);
}
