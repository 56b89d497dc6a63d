/*
 * ipfix_send.c - the IPFIX sender's ring and thread (see ipfix_send.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/clock.h"
#include "../lib/thread.h"
#include "ipfix_coll.h"
#include "ipfix_send.h"

#define RING_RECS 16384u	/* records waiting at most (about 4 MiB) */
#define BATCH 256		/* records taken between looks at the clock */
#define POLL_NS (20 * NS_PER_MS)	/* the thread's nap when idle */
#define STALL_NS (100 * NS_PER_MS)	/* wait: a sender this still ends it */
#define WAIT_NS (200 * NS_PER_US)	/* wait: one look every so often */
#define FINISH_NS NS_PER_S		/* TCP collectors' last chance */

#define LOAD_ACQ(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE_REL(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

struct ipfix_send {
	struct ipfix_rec *ring;
	uint64_t head, tail;	/* records ever put / taken */
	uint64_t lost;		/* records that never got into the ring */
	int wait;
	uint64_t gave_up;	/* wait: the tail when a wait last gave up,
				   + 1 (0: none) */
	struct ipfix_fbm *fbm;
	struct ipfix_coll *coll[IPFIX_MAX_DEST];
	int ncoll;
	pthread_t thread;
	int finished, stop;
	pthread_mutex_t mu;	/* the thread naps on cv; finish wakes it */
	pthread_cond_t cv;
};

/* ---- the thread ----------------------------------------------------------- */

/* Up to BATCH records from the ring to every collector.  How many. */
static unsigned take(struct ipfix_send *s)
{
	uint64_t head = LOAD_ACQ(s->head), tail = s->tail;
	int64_t now = mono_ns();
	unsigned n = 0;

	while (tail < head && n < BATCH) {
		const struct ipfix_rec *r = &s->ring[tail % RING_RECS];

		for (int i = 0; i < s->ncoll; i++)
			ipfix_coll_add(s->coll[i], r, now);
		tail++;
		n++;
	}
	STORE_REL(s->tail, tail);
	return n;
}

static void nap(struct ipfix_send *s)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += POLL_NS;
	if (until.tv_nsec >= NS_PER_S) {
		until.tv_sec++;
		until.tv_nsec -= NS_PER_S;
	}
	pthread_mutex_lock(&s->mu);
	if (!LOAD_ACQ(s->stop))
		pthread_cond_timedwait(&s->cv, &s->mu, &until);
	pthread_mutex_unlock(&s->mu);
}

static void *sender(void *arg)
{
	struct ipfix_send *s = arg;

	for (int i = 0; i < s->ncoll; i++)	/* connect before any record */
		ipfix_coll_tick(s->coll[i], mono_ns());
	for (;;) {
		int stop = LOAD_ACQ(s->stop);	/* before the last take */
		unsigned n = take(s);
		int64_t now = mono_ns();

		for (int i = 0; i < s->ncoll; i++)
			ipfix_coll_tick(s->coll[i], now);
		if (stop && !n)
			break;
		if (!n)
			nap(s);
	}
	int64_t deadline = mono_ns() + FINISH_NS;
	for (int i = 0; i < s->ncoll; i++)
		ipfix_coll_finish(s->coll[i], deadline);
	return NULL;
}

/* ---- the producer ------------------------------------------------------ */

/* wait: sleep while the ring is full and the sender takes records.  1
 * when there is room now. */
static int wait_room(struct ipfix_send *s)
{
	uint64_t tail = LOAD_ACQ(s->tail);
	int64_t moved = mono_ns();

	if (s->gave_up == tail + 1)	/* still where it was: no wait */
		return 0;
	while (s->head - tail == RING_RECS) {
		struct timespec ts = { 0, WAIT_NS };
		uint64_t t;

		nanosleep(&ts, NULL);
		if ((t = LOAD_ACQ(s->tail)) != tail) {
			tail = t;
			moved = mono_ns();
		} else if (mono_ns() - moved >= STALL_NS) {
			s->gave_up = tail + 1;
			return 0;
		}
	}
	return 1;
}

struct ipfix_rec *ipfix_send_slot(struct ipfix_send *s)
{
	if (s->finished)
		return NULL;
	if (s->head - LOAD_ACQ(s->tail) == RING_RECS &&
	    (!s->wait || !wait_room(s)))
		return NULL;
	return &s->ring[s->head % RING_RECS];
}

void ipfix_send_commit(struct ipfix_send *s)
{
	STORE_REL(s->head, s->head + 1);
}

void ipfix_send_lost(struct ipfix_send *s, uint64_t n)
{
	__atomic_fetch_add(&s->lost, n, __ATOMIC_RELAXED);
}

/* ---- open, finish, close ------------------------------------------------- */

static void free_all(struct ipfix_send *s)
{
	for (int i = 0; i < s->ncoll; i++)
		ipfix_coll_free(s->coll[i]);
	ipfix_fbm_free(s->fbm);
	free(s->ring);
	free(s);
}

struct ipfix_send *ipfix_send_open(const struct ipfix_send_opts *o,
				   char *err, size_t errlen)
{
	struct ipfix_send *s = calloc(1, sizeof(*s));

	*err = '\0';
	if (!s || !(s->ring = malloc(RING_RECS * sizeof(*s->ring))) ||
	    !(s->fbm = ipfix_fbm_new(o->fb.pen))) {
		snprintf(err, errlen, "ipfix: out of memory");
		if (s)
			free_all(s);
		return NULL;
	}
	s->wait = o->wait;
	for (int i = 0; i < o->ndest && i < IPFIX_MAX_DEST; i++) {
		if (!(s->coll[i] = ipfix_coll_new(o->dest[i], s->fbm, &o->fb,
						  err, errlen))) {
			free_all(s);
			return NULL;
		}
		s->ncoll = i + 1;
	}
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&s->mu, NULL);
	if (thread_start(&s->thread, NULL, sender, s) != 0) {
		snprintf(err, errlen, "ipfix: cannot start its thread");
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
		free_all(s);
		return NULL;
	}
	return s;
}

void ipfix_send_finish(struct ipfix_send *s)
{
	if (s->finished)
		return;
	s->finished = 1;
	pthread_mutex_lock(&s->mu);
	STORE_REL(s->stop, 1);
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
}

int ipfix_send_ncoll(const struct ipfix_send *s)
{
	return s->ncoll;
}

const char *ipfix_send_name(const struct ipfix_send *s, int i)
{
	return ipfix_coll_name(s->coll[i]);
}

void ipfix_send_stats(const struct ipfix_send *s, int i, uint64_t *sent,
		      uint64_t *lost)
{
	ipfix_coll_stats(s->coll[i], sent, lost);
	*lost += __atomic_load_n(&s->lost, __ATOMIC_RELAXED);
}

void ipfix_send_close(struct ipfix_send *s)
{
	if (!s)
		return;
	ipfix_send_finish(s);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free_all(s);
}
