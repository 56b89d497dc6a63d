/*
 * events.c - the event stream (see events.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/jsonw.h"
#include "../lib/thread.h"
#include "../capture/cap_dump.h"
#include "../flowtable/scan.h"
#include "events.h"
#include "names.h"
#include "ports.h"
#include "rows.h"

#define RING_BYTES (1u << 20)	/* queued lines, about 4,000 */
#define LINE_MAX_ 2048
#define POLL_NS (20 * 1000000LL)
#define LISTEN_EVERY_NS (1000 * 1000000LL)
#define AT_START_NS (2500 * 1000000LL)	/* attribution's first dump */
#define SPIKE_MIN 5			/* retrans_spike: segments ... */
#define SPIKE_PERMILLE 50		/* ... and 5 % of the packets */

struct events {
	int fd;
	int own_fd;
	struct attr *attr;
	struct scan *scan;
	struct ports *ports;		/* port states (no distinct counts) */
	int64_t last_ns;		/* latest packet time seen */
	/* the ring: the engine thread produces, the writer consumes */
	char *ring;
	uint64_t head, tail;		/* bytes ever put / taken */
	uint64_t lost;
	int stop;
	int finished;			/* events_finish ran */
	pthread_t writer;
	/* only the writer and events_close use these: the writer naps on
	 * the condition so that closing need not wait out a nap */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* the writer's listener snapshot */
	struct attr_listener *lis, *prev;
	size_t nlis, nprev, cap_lis, cap_prev;
	int64_t started_mono;
};

/* ---- lines out --------------------------------------------------------- */

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Queue the event being written in w as a line (engine thread: never
 * blocks). */
static void put(struct events *ev, struct jsonw *w)
{
	uint64_t tail = __atomic_load_n(&ev->tail, __ATOMIC_ACQUIRE);

	jsonw_close(w);
	if (w->full || w->len == w->cap ||
	    ev->head + w->len + 1 - tail > RING_BYTES) {
		__atomic_fetch_add(&ev->lost, 1, __ATOMIC_RELAXED);
		return;
	}
	w->buf[w->len++] = '\n';
	for (size_t i = 0; i < w->len; i++)
		ev->ring[(ev->head + i) % RING_BYTES] = w->buf[i];
	__atomic_store_n(&ev->head, ev->head + w->len, __ATOMIC_RELEASE);
}

/* Write what is queued (writer thread). */
static void drain(struct events *ev)
{
	uint64_t head = __atomic_load_n(&ev->head, __ATOMIC_ACQUIRE);
	uint64_t tail = ev->tail;

	while (tail < head) {
		size_t at = tail % RING_BYTES, n = (size_t)(head - tail);

		if (n > RING_BYTES - at)
			n = RING_BYTES - at;
		if (write_all(ev->fd, ev->ring + at, n) < 0) {
			/* count the lines this loses */
			for (size_t i = 0; i < n; i++)
				if (ev->ring[at + i] == '\n')
					__atomic_fetch_add(&ev->lost, 1,
							   __ATOMIC_RELAXED);
		}
		tail += n;
	}
	__atomic_store_n(&ev->tail, tail, __ATOMIC_RELEASE);
}

/* Start an event in w (into buf, LINE_MAX_ bytes): schema, ts (epoch
 * seconds with the microseconds of packet times) and type. */
static void event(struct jsonw *w, char *buf, int64_t ts_ns, const char *type)
{
	jsonw_init(w, buf, LINE_MAX_);
	jsonw_open(w);
	jsonw_key(w, "schema");
	jsonw_int(w, REP_SCHEMA);
	jsonw_key(w, "ts");
	jsonw_fixed(w, ts_ns / NS_PER_US, 6);
	jsonw_key(w, "type");
	jsonw_str(w, type);
}

static void key_str(struct jsonw *w, const char *k, const char *v)
{
	jsonw_key(w, k);
	jsonw_str(w, v);
}

static void key_int(struct jsonw *w, const char *k, int64_t v)
{
	jsonw_key(w, k);
	jsonw_int(w, v);
}

static void set_addr(struct jsonw *w, const char *key, const uint8_t *a,
		     int v6)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(v6 ? AF_INET6 : AF_INET, a, s, sizeof(s));
	key_str(w, key, s);
}

static void set_owner(struct jsonw *w, const struct attr_end *o)
{
	int found = o->pid >= 0;

	jsonw_key(w, "pid");
	if (found)
		jsonw_int(w, o->pid);
	else
		jsonw_null(w);
	key_str(w, "comm", found && o->comm[0] ? o->comm : NULL);
}

static const char *proto_name(uint8_t p)
{
	const char *n = rep_proto_name(p);

	return n ? n : "?";
}

/* ---- flow events (engine thread) ----------------------------------------- */

static void on_scan(void *arg, const struct scan_event *s)
{
	struct events *ev = arg;
	char buf[LINE_MAX_];
	struct jsonw w;
	int v6 = s->ipv == 6;

	event(&w, buf, s->ts_ns, s->ended ? "scan_end" : "scan");
	key_str(&w, "kind", s->kind == SCAN_PORT ? "port" : "address");
	set_addr(&w, "scanner", s->scanner, v6);
	if (s->kind == SCAN_PORT) {
		set_addr(&w, "victim", s->victim, v6);
		key_int(&w, "ports", s->distinct);
	} else {
		key_str(&w, "proto", proto_name(s->proto));
		key_int(&w, "port", s->port);
		key_int(&w, "hosts", s->distinct);
	}
	key_int(&w, "attempts", (int64_t)s->attempts);
	jsonw_key(&w, "start_ts");
	jsonw_fixed(&w, s->start_ns / NS_PER_US, 6);
	put(ev, &w);
}

static void flow_tuple(struct jsonw *w, const struct ft_view *v)
{
	struct rep_ends e;

	rep_ends(v, &e);
	key_str(w, "proto", proto_name(v->key.proto));
	key_str(w, "orig_h", e.orig_h);
	key_int(w, "orig_p", e.orig_p);
	key_str(w, "resp_h", e.resp_h);
	key_int(w, "resp_p", e.resp_p);
}

/* The flow into the per-port table: a port_state event when the port's
 * state changed by the table's rule (ports.h). */
static void port_event(struct events *ev, const struct ft_view *v,
		       const struct attr_end end[2])
{
	long i = ports_find(ev->ports, v->key.proto,
			    v->orig_is_a ? v->key.pb : v->key.pa);
	int from = i < 0 ? FT_PS_UNKNOWN : ports_port(ev->ports, (size_t)i)->state;
	const struct port_row *p = ports_add(ev->ports, v, end);

	if (!p) {
		struct ports_stats st;

		ports_get_stats(ev->ports, &st);
		if (st.nomem)
			__atomic_fetch_add(&ev->lost, 1, __ATOMIC_RELAXED);
		return;
	}
	if (p->state == from)
		return;
	char buf[LINE_MAX_];
	struct jsonw w;

	event(&w, buf, v->last_ns, "port_state");
	key_str(&w, "proto", proto_name(p->proto));
	key_int(&w, "port", p->port);
	key_str(&w, "from", rep_port_state_name(from));
	key_str(&w, "to", rep_port_state_name(p->state));
	key_int(&w, "open_flows", (int64_t)p->evidence[FT_PS_OPEN]);
	key_int(&w, "closed_flows", (int64_t)p->evidence[FT_PS_CLOSED]);
	key_int(&w, "filtered_flows", (int64_t)p->evidence[FT_PS_FILTERED]);
	set_owner(&w, &end[FT_RESP]);
	jsonw_key(&w, "flow");
	jsonw_open(&w);
	flow_tuple(&w, v);
	key_str(&w, "conn_state", ft_conn_state_name(v->conn_state));
	key_str(&w, "history", v->history);
	jsonw_close(&w);
	put(ev, &w);
}

static void spike_event(struct events *ev, const struct ft_view *v,
			const struct attr_end end[2])
{
	uint64_t re = (uint64_t)v->bdir[0].retrans + v->bdir[1].retrans;
	uint64_t pk = v->dir[0].pkts + v->dir[1].pkts;

	if (v->key.proto != 6 || re < SPIKE_MIN || re * 1000 < pk * SPIKE_PERMILLE)
		return;
	char buf[LINE_MAX_];
	struct jsonw w;

	event(&w, buf, v->last_ns, "retrans_spike");
	flow_tuple(&w, v);
	key_int(&w, "orig_retrans", v->bdir[0].retrans);
	key_int(&w, "resp_retrans", v->bdir[1].retrans);
	key_int(&w, "pkts", (int64_t)pk);
	jsonw_key(&w, "retrans_rate");	/* a fraction, 6 decimals */
	jsonw_fixed(&w, (int64_t)(re * 1000000 / pk), 6);
	set_owner(&w, end[FT_ORIG].pid >= 0 ? &end[FT_ORIG] : &end[FT_RESP]);
	put(ev, &w);
}

void events_flow(void *events, const struct flow_rec *f)
{
	struct events *ev = events;
	const struct ft_view *v = &f->v;

	if (!ev)
		return;
	if (v->last_ns > ev->last_ns)
		ev->last_ns = v->last_ns;
	port_event(ev, v, f->end);
	spike_event(ev, v, f->end);
	scan_flow(ev->scan, v);
}

/* ---- listeners (writer thread) ---------------------------------------------- */

static int cmp_lis(const void *a, const void *b)
{
	const struct attr_listener *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->ipv != y->ipv)
		return x->ipv < y->ipv ? -1 : 1;
	return memcmp(x->addr, y->addr, 16);
}

static void listener_line(struct events *ev, const struct attr_listener *l,
			  const char *type, int at_start)
{
	char buf[LINE_MAX_];
	struct jsonw w;

	event(&w, buf, real_ns(), type);
	key_str(&w, "proto", proto_name(l->proto));
	set_addr(&w, "addr", l->addr, l->ipv == 6);
	key_int(&w, "port", l->port);
	set_owner(&w, &l->owner);
	jsonw_key(&w, "uid");
	if (l->owner.pid >= 0 && l->owner.uid != (uint32_t)-1)
		jsonw_int(&w, l->owner.uid);
	else
		jsonw_null(&w);
	if (at_start) {
		jsonw_key(&w, "at_start");
		jsonw_bool(&w, 1);
	}
	jsonw_close(&w);
	if (w.full || w.len == w.cap)
		return;
	buf[w.len++] = '\n';
	if (write_all(ev->fd, buf, w.len) < 0)
		__atomic_fetch_add(&ev->lost, 1, __ATOMIC_RELAXED);
}

static void listeners(struct events *ev)
{
	long n = rep_listeners(ev->attr, &ev->lis, &ev->cap_lis);
	int at_start = mono_ns() - ev->started_mono < AT_START_NS;
	size_t i = 0, j = 0;

	if (n < 0)
		return;
	if (n > 1)	/* (qsort of none: a NULL array is undefined) */
		qsort(ev->lis, (size_t)n, sizeof(*ev->lis), cmp_lis);
	ev->nlis = (size_t)n;
	while (i < ev->nlis || j < ev->nprev) {
		int c = i == ev->nlis ? 1 : j == ev->nprev ? -1 :
			cmp_lis(&ev->lis[i], &ev->prev[j]);

		if (c < 0)
			listener_line(ev, &ev->lis[i++], "listener_new",
				      at_start);
		else if (c > 0)
			listener_line(ev, &ev->prev[j++], "listener_gone", 0);
		else
			i++, j++;
	}
	/* this snapshot is the next one's "before" */
	struct attr_listener *t = ev->prev;
	size_t tc = ev->cap_prev;
	ev->prev = ev->lis;
	ev->cap_prev = ev->cap_lis;
	ev->nprev = ev->nlis;
	ev->lis = t;
	ev->cap_lis = tc;
}

static void *writer(void *arg)
{
	struct events *ev = arg;
	int64_t next_lis = 0;

	while (!__atomic_load_n(&ev->stop, __ATOMIC_ACQUIRE)) {
		struct timespec until;

		drain(ev);
		if (ev->attr && mono_ns() >= next_lis) {
			listeners(ev);
			next_lis = mono_ns() + LISTEN_EVERY_NS;
		}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += POLL_NS;
		if (until.tv_nsec >= NS_PER_S) {
			until.tv_sec++;
			until.tv_nsec -= NS_PER_S;
		}
		pthread_mutex_lock(&ev->mu);
		if (!__atomic_load_n(&ev->stop, __ATOMIC_ACQUIRE))
			pthread_cond_timedwait(&ev->cv, &ev->mu, &until);
		pthread_mutex_unlock(&ev->mu);
	}
	drain(ev);
	return NULL;
}

/* ---- open and close -------------------------------------------------------- */

struct events *events_open(const char *path, struct attr *a,
			   const struct scan_config *scfg, char *err,
			   size_t errlen)
{
	struct events *ev = calloc(1, sizeof(*ev));
	struct scan_config sc = { 0 };

	if (scfg)
		sc = *scfg;
	if (!ev || !(ev->ring = malloc(RING_BYTES)) ||
	    !(ev->scan = scan_new(&sc, on_scan, ev)) ||
	    !(ev->ports = ports_new(&(struct ports_config){
		    .no_services = true, .no_distinct = true }))) {
		snprintf(err, errlen, "--events: out of memory");
		goto fail;
	}
	if (strcmp(path, "-") == 0) {
		ev->fd = STDOUT_FILENO;
	} else {
		FILE *f = cap_out_open(path, err, errlen);

		if (!f)
			goto fail;
		ev->fd = dup(fileno(f));	/* written with write(2) */
		fclose(f);
		if (ev->fd < 0) {
			snprintf(err, errlen, "--events %s: %s", path,
				 strerror(errno));
			goto fail;
		}
		ev->own_fd = 1;
	}
	ev->attr = a;
	ev->last_ns = INT64_MIN;
	ev->started_mono = mono_ns();
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&ev->cv, &ca);
		pthread_condattr_destroy(&ca);
		pthread_mutex_init(&ev->mu, NULL);
	}
	if (thread_start(&ev->writer, NULL, writer, ev) != 0) {
		snprintf(err, errlen, "--events: cannot start its thread");
		goto fail;
	}
	return ev;
fail:
	if (ev) {
		if (ev->own_fd)
			close(ev->fd);
		scan_free(ev->scan);
		ports_free(ev->ports);
		free(ev->ring);
		free(ev);
	}
	return NULL;
}

/* The input ended (capture thread): the scans still open end at the
 * latest packet time seen, the writer writes what is queued and stops,
 * and the file is closed, so the stream is whole when engine_wait()
 * returns. */
static void events_finish(void *arg, int64_t now_ns)
{
	struct events *ev = arg;

	(void)now_ns;
	if (ev->finished)
		return;
	ev->finished = 1;
	if (ev->last_ns != INT64_MIN)
		scan_flush(ev->scan, ev->last_ns);
	pthread_mutex_lock(&ev->mu);
	__atomic_store_n(&ev->stop, 1, __ATOMIC_RELEASE);
	pthread_cond_signal(&ev->cv);
	pthread_mutex_unlock(&ev->mu);
	pthread_join(ev->writer, NULL);
	if (ev->own_fd && close(ev->fd) < 0)
		ev->lost++;
}

struct consumer events_consumer(struct events *ev)
{
	/* flow events name processes and ports, not addresses */
	return (struct consumer){ .name = "events", .arg = ev,
				  .flags = CONSUMER_LEFT | CONSUMER_NO_NAMES,
				  .flow = events_flow,
				  .finish = events_finish };
}

uint64_t events_close(struct events *ev)
{
	uint64_t lost;

	if (!ev)
		return 0;
	events_finish(ev, 0);
	pthread_cond_destroy(&ev->cv);
	pthread_mutex_destroy(&ev->mu);
	lost = ev->lost;
	if (lost || scan_dropped(ev->scan))
		fprintf(stderr, "porttop: events: %llu lines lost, %llu failed "
			"attempts not tracked for scans (table full)\n",
			(unsigned long long)lost,
			(unsigned long long)scan_dropped(ev->scan));
	scan_free(ev->scan);
	ports_free(ev->ports);
	free(ev->lis);
	free(ev->prev);
	free(ev->ring);
	free(ev);
	return lost;
}
