/*
 * resolve.c - reverse lookups in a thread of their own (see resolve.h).
 *
 * getnameinfo() can take seconds (a DNS server that does not answer), so
 * it never runs in the caller's thread and never under the mutex.  The
 * thread is detached: resolve_free() must not wait for a lookup in
 * progress, so the caller and the thread each hold a reference and the
 * last one out frees the state.
 */
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../lib/clock.h"
#include "../lib/keyhash.h"
#include "../lib/thread.h"
#include "resolve.h"

#define WAYS		4
#define NAME_LEN	256		/* DNS names are at most 253 bytes */
#define NAME_TTL_NS	(600 * NS_PER_S)
#define FAIL_TTL_NS	(60 * NS_PER_S)

enum { NAME_EMPTY, NAME_PENDING, NAME_NAMED, NAME_NONE };

struct entry {
	uint8_t addr[16];
	uint8_t v6, state;
	uint32_t used;			/* LRU stamp */
	int64_t expires_ns;		/* NAME_NAMED, NAME_NONE */
	char name[NAME_LEN];
};

struct job {
	uint8_t addr[16];
	uint8_t v6;
};

struct resolver {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct entry *e;		/* nsets * WAYS */
	unsigned nsets;			/* a power of two */
	struct job *q;
	unsigned qlen, qhead, qtail;	/* qhead - qtail jobs wait */
	unsigned running;		/* 1 while a lookup runs */
	uint32_t clock;
	int stop, refs;
};

static void destroy(struct resolver *r)
{
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r->e);
	free(r->q);
	free(r);
}

static struct entry *set_of(struct resolver *r, const uint8_t addr[16],
			    int v6)
{
	uint8_t k[17];

	memcpy(k, addr, 16);
	k[16] = (uint8_t)v6;
	return &r->e[(keyhash(k, sizeof(k)) & (r->nsets - 1)) * WAYS];
}

/* The entry of addr, or NULL.  Caller holds mu. */
static struct entry *find(struct resolver *r, const uint8_t addr[16], int v6)
{
	struct entry *s = set_of(r, addr, v6);

	for (int i = 0; i < WAYS; i++)
		if (s[i].state != NAME_EMPTY && s[i].v6 == v6 &&
		    memcmp(s[i].addr, addr, 16) == 0)
			return &s[i];
	return NULL;
}

/* A slot for addr: an empty one, else the least recently used (a pending
 * entry may go too: its answer is stored again when it comes). */
static struct entry *victim(struct resolver *r, const uint8_t addr[16],
			    int v6)
{
	struct entry *s = set_of(r, addr, v6), *best = &s[0];

	for (int i = 0; i < WAYS; i++) {
		if (s[i].state == NAME_EMPTY)
			return &s[i];
		if ((int32_t)(s[i].used - best->used) < 0)
			best = &s[i];
	}
	return best;
}

static void lookup(const struct job *j, char *name, size_t len, int *ok)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	memset(&ss, 0, sizeof(ss));
	if (j->v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, j->addr, 16);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, j->addr, 4);
		sl = sizeof(*s4);
	}
	*ok = getnameinfo((struct sockaddr *)&ss, sl, name, (socklen_t)len,
			  NULL, 0, NI_NAMEREQD) == 0;
}

static void *thread_main(void *arg)
{
	struct resolver *r = arg;
	char name[NI_MAXHOST];
	struct job j;
	int ok, last;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (!r->stop && r->qhead == r->qtail)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->stop)
			break;
		j = r->q[r->qtail++ % r->qlen];
		r->running = 1;
		pthread_mutex_unlock(&r->mu);

		lookup(&j, name, sizeof(name), &ok);

		pthread_mutex_lock(&r->mu);
		r->running = 0;
		struct entry *e = find(r, j.addr, j.v6);
		if (!e) {	/* pushed out meanwhile: the answer is news */
			e = victim(r, j.addr, j.v6);
			memcpy(e->addr, j.addr, 16);
			e->v6 = j.v6;
		}
		e->state = ok ? NAME_NAMED : NAME_NONE;
		e->used = ++r->clock;
		e->expires_ns = mono_ns() + (ok ? NAME_TTL_NS : FAIL_TTL_NS);
		size_t n = ok ? strnlen(name, NAME_LEN - 1) : 0;
		memcpy(e->name, name, n);
		e->name[n] = '\0';
	}
	last = --r->refs == 0;
	pthread_mutex_unlock(&r->mu);
	if (last)
		destroy(r);
	return NULL;
}

struct resolver *resolve_new(unsigned cache_entries, unsigned queue_len)
{
	struct resolver *r = calloc(1, sizeof(*r));
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	if (!r)
		return NULL;
	if (!cache_entries)
		cache_entries = 4096;
	r->nsets = 1;
	while (r->nsets * WAYS < cache_entries)
		r->nsets <<= 1;
	/* a power of two: the free-running indexes stay right when they
	 * wrap */
	r->qlen = 1;
	while (r->qlen < (queue_len ? queue_len : 256))
		r->qlen <<= 1;
	r->e = calloc((size_t)r->nsets * WAYS, sizeof(*r->e));
	r->q = calloc(r->qlen, sizeof(*r->q));
	if (!r->e || !r->q) {
		free(r->e);
		free(r->q);
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->refs = 2;		/* the caller's and the thread's */
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = thread_start(&t, &attr, thread_main, r);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		destroy(r);
		return NULL;
	}
	return r;
}

void resolve_free(struct resolver *r)
{
	int last;

	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = 1;
	pthread_cond_signal(&r->cv);
	last = --r->refs == 0;
	pthread_mutex_unlock(&r->mu);
	if (last)
		destroy(r);
}

int resolve_name(struct resolver *r, const uint8_t addr[16], int v6,
		 char *buf, size_t len)
{
	int64_t now = mono_ns();
	int found = 0;
	struct entry *e;

	v6 = !!v6;
	pthread_mutex_lock(&r->mu);
	e = find(r, addr, v6);
	if (e && (e->state == NAME_PENDING || now < e->expires_ns)) {
		e->used = ++r->clock;
		if (e->state == NAME_NAMED && len) {
			size_t n = strlen(e->name);

			if (n >= len)
				n = len - 1;
			memcpy(buf, e->name, n);
			buf[n] = '\0';
			found = 1;
		}
	} else if (r->qhead - r->qtail < r->qlen) {
		/* unknown or expired: queue it, remembered as pending so
		 * that it is queued once */
		if (!e)
			e = victim(r, addr, v6);
		memcpy(e->addr, addr, 16);
		e->v6 = (uint8_t)v6;
		e->state = NAME_PENDING;
		e->used = ++r->clock;
		memcpy(r->q[r->qhead % r->qlen].addr, addr, 16);
		r->q[r->qhead++ % r->qlen].v6 = (uint8_t)v6;
		pthread_cond_signal(&r->cv);
	}
	pthread_mutex_unlock(&r->mu);
	return found;
}

unsigned resolve_pending(struct resolver *r)
{
	unsigned n;

	pthread_mutex_lock(&r->mu);
	n = r->qhead - r->qtail + r->running;
	pthread_mutex_unlock(&r->mu);
	return n;
}
