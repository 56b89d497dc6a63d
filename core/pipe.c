/*
 * pipe.c - the engine's pipeline (see pipe.h).
 *
 * Two single-producer single-consumer rings of slots: records from
 * the capture thread to the table thread, RECS at a time; ended flows
 * from the table thread to the consumer thread, VIEWS at a time.  On two
 * threads the capture thread is one of the other two: it runs the table
 * and only the flows' ring is used, or it is the consumer thread too.  A
 * producer fills a slot in place and hands it over whole; a slot may
 * close with a mark (a tick, a flush, the end) that the next stage passes on
 * after the slot's contents, so marks keep their place among the flows.
 * A ring's head is written by its producer only, its tail by its
 * consumer only, with release stores read by acquire loads (Lamport's
 * queue), each on a cache line of its own.  A side that finds its ring
 * full or empty looks again SPINS times, then sleeps on the ring's
 * condition variable until the other side moves (it says it sleeps
 * before it looks a last time, and the other side looks whether it
 * sleeps after it moved, both sequentially consistent: one of them sees
 * the other).  The stages wait only on the one after (for room) or
 * before (for work), never in a circle: the capture thread that is also
 * the consumers' waits for room for records and for ended flows at once
 * (room_here, on one condition variable for both rings), so it drains
 * the flows the table thread may be waiting to hand on.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/thread.h"
#include "../lib/vmem.h"
#include "pipe.h"

#define RECS	128	/* records a slot hands over at once */
#define ARENA	(PIPE_BATCH_BYTES + PIPE_FRAME_MAX)	/* a slot's
				   frames: at least one whole batch's */
#define VIEWS	64	/* ended flows a slot hands over at once */
#define SLOTS	32	/* slots a ring */
#define BURST_SLOTS 1024	/* slots of the flows' ring for bursts
				   (hooks.bursts): 65,536 flows, 27 MiB */
#define SPINS	200	/* looks at a ring before sleeping on it */

#define SC_LOAD(x) __atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define SC_STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)
#define LINE __attribute__((aligned(64)))

enum mark { MARK_NONE = 0, MARK_TICK, MARK_FLUSH, MARK_END };

struct rec_slot {
	uint32_t n;
	uint8_t mark;			/* enum mark, after the records */
	int64_t now;			/* the tick's time */
	uint32_t nb;			/* batches (with names) */
	uint8_t *arena;			/* ARENA bytes of frames (names) */
	uint32_t bytes;			/* of which used */
	uint16_t bend[RECS];		/* where each batch ends */
	uint32_t foff[RECS], flen[RECS];	/* each record's frame */
	struct dec_pkt p[RECS];
};

struct flow_slot {
	uint32_t n;
	uint8_t mark;
	int64_t now;
	struct flow_rec f[VIEWS];
};

struct ring {
	char *mem;			/* `slots` slots of `size` bytes */
	size_t size;
	uint32_t slots;
	pthread_mutex_t *mu;		/* for the sleeps only: own_mu, or
					   (two threads) the records ring's,
					   as the capture thread waits on
					   both rings at once */
	pthread_cond_t *cv;
	pthread_mutex_t own_mu;
	pthread_cond_t own_cv;
	int inited;
	LINE uint32_t head;		/* slots handed over: the producer */
	LINE uint32_t tail;		/* slots taken back: the consumer */
	LINE int sleeping[2];		/* the producer [0], the consumer [1]
					   sleeps on cv */
	LINE char end[1];
};

struct pipe {
	struct ft_table *ft;
	struct pipe_hooks h;
	struct ring rin, rout;		/* records in, flows out */
	uint8_t *arena;			/* SLOTS * ARENA bytes (names) */
	LINE struct rec_slot *rfill;	/* capture thread: filling */
	LINE struct flow_slot *ffill;	/* table thread: filling */
	pthread_t table, cons;
	int started;			/* threads running: 0, 1, 2 */
	int ended;			/* pipe_end done */
	uint32_t marks_out, marks_in;	/* two threads: flushes and ends the
					   capture thread handed on, and
					   took back through the consumers */
};

/* ---- rings ------------------------------------------------------------------ */

static int ring_full(struct ring *r)
{
	return SC_LOAD(r->head) - SC_LOAD(r->tail) == r->slots;
}

static int ring_empty(struct ring *r)
{
	return SC_LOAD(r->head) == SC_LOAD(r->tail);
}

/* Wait until stop(r) is false: a few looks, then sleep on cv.  side:
 * 0 the producer, 1 the consumer. */
static void ring_wait(struct ring *r, int (*stop)(struct ring *), int side)
{
	for (int i = 0; i < SPINS; i++)
		if (!stop(r))
			return;
	pthread_mutex_lock(r->mu);
	SC_STORE(r->sleeping[side], 1);
	while (stop(r))
		pthread_cond_wait(r->cv, r->mu);
	SC_STORE(r->sleeping[side], 0);
	pthread_mutex_unlock(r->mu);
}

/* Side `side` may sleep: wake it (after head or tail moved). */
static void ring_wake(struct ring *r, int side)
{
	if (SC_LOAD(r->sleeping[side])) {	/* (a shared cv: both) */
		pthread_mutex_lock(r->mu);
		pthread_cond_broadcast(r->cv);
		pthread_mutex_unlock(r->mu);
	}
}

/* The producer's next slot, once there is room. */
static void *ring_claim(struct ring *r)
{
	ring_wait(r, ring_full, 0);
	return r->mem + (size_t)(r->head % r->slots) * r->size;
}

/* Hand the slot over; a sleeping consumer is woken once a quarter of
 * the ring waits (it works in bursts, not a wake a slot), or at once
 * when urgent (a flush, the end: a tick waits with the flows, a file
 * has one every 100 ms of packet time). */
static void ring_publish(struct ring *r, int urgent)
{
	SC_STORE(r->head, r->head + 1);
	if (urgent || r->head - SC_LOAD(r->tail) >= r->slots / 4)
		ring_wake(r, 1);
}

/* The consumer's next slot, once there is one. */
static void *ring_peek(struct ring *r)
{
	ring_wait(r, ring_empty, 1);
	return r->mem + (size_t)(r->tail % r->slots) * r->size;
}

/* Give the slot back; a sleeping producer is woken once half the ring
 * is free. */
static void ring_release(struct ring *r)
{
	SC_STORE(r->tail, r->tail + 1);
	if (SC_LOAD(r->head) - r->tail <= r->slots / 2)
		ring_wake(r, 0);
}

static int ring_init(struct ring *r, uint32_t slots, size_t size)
{
	r->slots = slots;
	r->size = size;
	if (pthread_mutex_init(&r->own_mu, NULL) != 0)
		return -1;
	if (pthread_cond_init(&r->own_cv, NULL) != 0) {
		pthread_mutex_destroy(&r->own_mu);
		return -1;
	}
	r->inited = 1;
	r->mu = &r->own_mu;
	r->cv = &r->own_cv;
	r->mem = vmem_alloc(slots * size);
	return r->mem ? 0 : -1;
}

static void ring_free(struct ring *r)
{
	vmem_free(r->mem, r->slots * r->size);
	if (r->inited) {
		pthread_cond_destroy(&r->own_cv);
		pthread_mutex_destroy(&r->own_mu);
	}
}

/* ---- the table thread ------------------------------------------------------- */

static struct flow_slot *flow_fill(struct pipe *p)
{
	if (!p->ffill) {
		p->ffill = ring_claim(&p->rout);
		p->ffill->n = 0;
		p->ffill->mark = MARK_NONE;
	}
	return p->ffill;
}

static void flow_mark(struct pipe *p, enum mark m, int64_t now)
{
	struct flow_slot *s = flow_fill(p);

	s->mark = (uint8_t)m;
	s->now = now;
	ring_publish(&p->rout, m != MARK_TICK);
	p->ffill = NULL;
}

void pipe_ended(struct pipe *p, const struct flow_rec *f)
{
	struct flow_slot *s = flow_fill(p);

	s->f[s->n++] = *f;
	if (s->n == VIEWS) {
		ring_publish(&p->rout, 0);
		p->ffill = NULL;
	}
}

/* A slot's records through the table (which ends flows: pipe_ended),
 * as the capture thread does alone: a batch at a time (with names, each
 * after its frames were read for names), each after hooks.records. */
static void take_slot(struct pipe *p, const struct rec_slot *s)
{
	uint32_t from = 0, b = 0;

	while (from < s->n) {
		uint32_t to = p->h.names ? s->bend[b++] :
			      s->n - from > FT_BATCH ? from + FT_BATCH : s->n;

		for (uint32_t i = from; p->h.names && i < to; i++)
			if (s->flen[i])
				nm_packet(p->h.names, s->arena + s->foff[i],
					  s->flen[i], &s->p[i]);
		if (p->h.records)
			p->h.records(p->h.arg, s->p + from, to - from,
				     INT64_MIN);
		ft_packets(p->ft, s->p + from, to - from);
		from = to;
	}
	if (s->mark == MARK_FLUSH && s->now != INT64_MIN && p->h.records)
		p->h.records(p->h.arg, NULL, 0, s->now);	/* quiet */
}

/* The input ended: the table's last flows, then the end. */
static void end_table(struct pipe *p)
{
	if (p->h.keep)	/* a view's: as of the end */
		ft_republish(p->ft);
	else
		ft_flush(p->ft);
	flow_mark(p, MARK_END, 0);
}

static void *table_thread(void *arg)
{
	struct pipe *p = arg;

	thread_name("pt-table");
	for (;;) {
		struct rec_slot *s = ring_peek(&p->rin);
		enum mark m = (enum mark)s->mark;
		int64_t now = s->now;

		take_slot(p, s);
		ring_release(&p->rin);
		if (m == MARK_TICK || m == MARK_FLUSH) {
			flow_mark(p, m, now);
		} else if (m == MARK_END) {
			end_table(p);
			return NULL;
		}
	}
}

/* ---- the consumers ---------------------------------------------------------- */

/* The next slot of ended flows to the consumers (waiting for one), then
 * its mark's tick; returns the mark. */
static enum mark consume(struct pipe *p)
{
	struct flow_slot *s = ring_peek(&p->rout);
	enum mark m = (enum mark)s->mark;
	int64_t now = s->now;

	for (uint32_t i = 0; i < s->n; i++)
		p->h.flow(p->h.arg, &s->f[i]);
	ring_release(&p->rout);
	if (m == MARK_TICK && p->h.tick)
		p->h.tick(p->h.arg, now);
	p->marks_in += m == MARK_FLUSH || m == MARK_END;
	return m;
}

static void *consumer_thread(void *arg)
{
	struct pipe *p = arg;

	thread_name("pt-consumers");
	while (consume(p) != MARK_END)
		;
	return NULL;
}

/* Two threads: the capture thread consumes what the table thread ended
 * so far, and (wait) until every flush and end it handed on came back. */
static void consume_here(struct pipe *p, int wait)
{
	if (p->h.consumer_thread)
		return;
	while (wait ? p->marks_in != p->marks_out : !ring_empty(&p->rout))
		consume(p);
}

/* Two threads: wait until the records ring has room, consuming ended
 * flows meanwhile (the table thread may be waiting for room for them:
 * the capture thread must not sleep on its ring alone).  It sleeps on
 * the records ring's cv, which the flows ring shares. */
static void room_here(struct pipe *p)
{
	struct ring *in = &p->rin, *out = &p->rout;

	for (;;) {
		consume_here(p, 0);
		for (int i = 0; i < SPINS && ring_full(in); i++)
			if (!ring_empty(out))
				break;
		if (!ring_full(in))
			return;
		if (!ring_empty(out))
			continue;
		pthread_mutex_lock(in->mu);
		SC_STORE(in->sleeping[0], 1);
		SC_STORE(out->sleeping[1], 1);
		while (ring_full(in) && ring_empty(out))
			pthread_cond_wait(in->cv, in->mu);
		SC_STORE(in->sleeping[0], 0);
		SC_STORE(out->sleeping[1], 0);
		pthread_mutex_unlock(in->mu);
	}
}

/* ---- the capture thread ----------------------------------------------------- */

static struct rec_slot *rec_fill(struct pipe *p)
{
	if (!p->rfill) {
		uint32_t i = p->rin.head % SLOTS;

		if (!p->h.consumer_thread)
			room_here(p);
		p->rfill = ring_claim(&p->rin);
		p->rfill->n = p->rfill->nb = p->rfill->bytes = 0;
		p->rfill->mark = MARK_NONE;
		p->rfill->arena = p->arena ? p->arena + (size_t)i * ARENA :
				  NULL;
	}
	return p->rfill;
}

static void rec_mark(struct pipe *p, enum mark m, int64_t now)
{
	struct rec_slot *s = rec_fill(p);

	s->mark = (uint8_t)m;
	s->now = now;
	ring_publish(&p->rin, m != MARK_TICK);
	p->rfill = NULL;
	p->marks_out += m == MARK_FLUSH || m == MARK_END;
}

/* Without names: records fill slots whole, a batch may straddle two. */
static void records_only(struct pipe *p, const struct dec_pkt *r, unsigned n)
{
	while (n) {
		struct rec_slot *s = rec_fill(p);
		unsigned k = RECS - s->n < n ? RECS - s->n : n;

		memcpy(&s->p[s->n], r, k * sizeof(*r));
		s->n += k;
		r += k;
		n -= k;
		if (s->n == RECS) {
			ring_publish(&p->rin, 0);
			p->rfill = NULL;
		}
	}
}

void pipe_records(struct pipe *p, const struct dec_pkt *r, unsigned n,
		  const struct pipe_frames *f)
{
	struct rec_slot *s;

	if (!p->h.names) {
		records_only(p, r, n);
		return;
	}
	s = rec_fill(p);	/* with names: a batch whole in one slot */
	if (s->n + n > RECS || s->bytes + f->bytes > ARENA) {
		ring_publish(&p->rin, 0);
		p->rfill = NULL;
		s = rec_fill(p);
	}
	memcpy(&s->p[s->n], r, n * sizeof(*r));
	memcpy(s->arena + s->bytes, f->buf, f->bytes);
	for (unsigned i = 0; i < n; i++) {
		s->foff[s->n + i] = s->bytes + f->off[i];
		s->flen[s->n + i] = f->len[i];
	}
	s->n += n;
	s->bytes += f->bytes;
	s->bend[s->nb++] = (uint16_t)s->n;
}

void pipe_tick(struct pipe *p, int64_t now_ns)
{
	if (!p->h.tick)	/* (a tick closes a slot early: none when unheard) */
		return;
	if (p->h.table_thread)
		rec_mark(p, MARK_TICK, now_ns);
	else	/* the table is the capture thread's */
		flow_mark(p, MARK_TICK, now_ns);
}

void pipe_flush(struct pipe *p, int64_t quiet_ns)
{
	if (!p->h.table_thread) {
		flow_mark(p, MARK_FLUSH, quiet_ns);
		return;
	}
	rec_mark(p, MARK_FLUSH, quiet_ns);
	consume_here(p, 1);
}

void pipe_end(struct pipe *p)
{
	if (p->ended)
		return;
	p->ended = 1;
	if (p->started < p->h.table_thread + p->h.consumer_thread)
		return;	/* (pipe_new failed half way) */
	if (p->h.table_thread) {
		rec_mark(p, MARK_END, 0);
		consume_here(p, 1);
		pthread_join(p->table, NULL);
	} else {
		end_table(p);
	}
	if (p->h.consumer_thread)
		pthread_join(p->cons, NULL);
}

/* ---- life ------------------------------------------------------------------- */

void pipe_free(struct pipe *p)
{
	if (!p)
		return;
	pipe_end(p);
	ring_free(&p->rin);
	ring_free(&p->rout);
	free(p->arena);
	vmem_free(p, sizeof(*p));
}

struct pipe *pipe_new(struct ft_table *ft, const struct pipe_hooks *h)
{
	struct pipe *p = vmem_alloc(sizeof(*p));	/* aligned, zero */
	int err = ENOMEM;

	if (!p)
		return NULL;
	p->ft = ft;
	p->h = *h;
	/* the frames: malloc's pages, touched as far as slots fill (not
	 * vmem's huge pages, which a slot's first frame would make
	 * resident whole) */
	if ((h->table_thread &&
	     ((h->names && !(p->arena = malloc((size_t)SLOTS * ARENA))) ||
	      ring_init(&p->rin, SLOTS, sizeof(struct rec_slot)) != 0)) ||
	    ring_init(&p->rout, h->bursts ? BURST_SLOTS : SLOTS,
		      sizeof(struct flow_slot)) != 0)
		goto fail;
	if (!h->consumer_thread) {	/* one sleep for both rings */
		p->rout.mu = p->rin.mu;
		p->rout.cv = p->rin.cv;
	}
	if (h->table_thread) {
		if ((err = thread_start(&p->table, NULL, table_thread, p)))
			goto fail;
		p->started++;
	}
	if (h->consumer_thread) {
		if ((err = thread_start(&p->cons, NULL, consumer_thread, p)))
			goto fail;
		p->started++;
	}
	return p;
fail:
	if (p->started == 1) {	/* the table thread alone: stop it */
		rec_mark(p, MARK_END, 0);
		pthread_join(p->table, NULL);
	}
	p->ended = 1;
	pipe_free(p);
	errno = err;
	return NULL;
}
