/*
 * engine.c - the capture thread (see engine.h).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/clock.h"
#include "../capture/cap_dump.h"
#include "engine.h"
#include "../report/events.h"

#define STATS_CHECK	16		/* packets between looks at the clock */
#define STATS_NS	100000000LL	/* counter updates for readers */
#define FLUSH_NS	1000000000LL	/* -w flush interval (wall time) */
#define PAUSE_SLICE_NS	20000000LL	/* sleep slice when paused or pacing */

struct engine {
	struct engine_opts o;
	struct dec dec;
	struct ft_table *ft;
	struct cap_dump *dump;
	pthread_t thread;
	int started;

	/* shared with readers: written with atomic stores */
	struct engine_stats st;
	int stop, pause, step;

	/* thread-private */
	uint64_t note_errors;		/* -w notes that could not be written */
	char err[CAP_ERRBUF_SIZE];
	int status;
};

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

static void sleep_ns(int64_t ns)
{
	struct timespec ts = { ns / 1000000000LL, ns % 1000000000LL };

	nanosleep(&ts, NULL);
}

/* Counters the thread keeps locally and publishes now and then. */
struct local {
	uint64_t read, decoded, truncated, invalid, unsupported, dump_errors;
	int64_t first_ns, now_ns;
};

static void publish_stats(struct engine *e, const struct local *l)
{
	struct cap_stats k;

	cap_get_stats(e->o.cap, &k);
	STORE(e->st.read, l->read);
	STORE(e->st.decoded, l->decoded);
	STORE(e->st.truncated, l->truncated);
	STORE(e->st.invalid, l->invalid);
	STORE(e->st.unsupported, l->unsupported);
	STORE(e->st.dump_errors, l->dump_errors);
	STORE(e->st.frags_joined, e->dec.frags_joined);
	STORE(e->st.frags_orphaned, e->dec.frags_orphaned);
	STORE(e->st.kernel.recv, k.recv);
	STORE(e->st.kernel.drop, k.drop);
	STORE(e->st.kernel.ifdrop, k.ifdrop);
	STORE(e->st.first_ns, l->first_ns);
	STORE(e->st.now_ns, l->now_ns);
	if (l->now_ns > LOAD(e->st.clock_ns))
		STORE(e->st.clock_ns, l->now_ns);
}

/* Replay pacing: wait until the wall clock catches up with packet time
 * (ts_ns) at the chosen speed, or while the user has paused.  Meanwhile
 * the replay's clock (st.clock_ns) keeps moving, so the views' rates fall
 * through a quiet stretch of the file as they would live.  Returns 1 when
 * asked to stop meanwhile. */
static int pace(struct engine *e, int64_t ts_ns, int64_t *wall0,
		int64_t *pkt0)
{
	for (;;) {
		if (LOAD(e->stop))
			return 1;
		if (e->o.speed > 0 && !LOAD(e->pause)) {
			int64_t c = *pkt0 + (int64_t)((double)(mono_ns() - *wall0) *
						      e->o.speed);

			if (c > ts_ns)
				c = ts_ns;
			if (c > LOAD(e->st.clock_ns))
				STORE(e->st.clock_ns, c);
		}
		if (LOAD(e->pause)) {
			if (__atomic_exchange_n(&e->step, 0, __ATOMIC_RELAXED))
				break;	/* one packet through */
			int64_t t = mono_ns();
			sleep_ns(PAUSE_SLICE_NS);
			*wall0 += mono_ns() - t;	/* paused time does not
							   count */
			continue;
		}
		if (!(e->o.speed > 0))
			break;
		int64_t due = *wall0 +
			      (int64_t)((double)(ts_ns - *pkt0) / e->o.speed);
		int64_t now = mono_ns();
		if (now >= due)
			break;
		sleep_ns(due - now < PAUSE_SLICE_NS ? due - now :
						      PAUSE_SLICE_NS);
	}
	return 0;
}

/* -w pcapng with attribution: a flow's owners once more as it ends, for
 * the owners learnt after its packets were written. */
static void note_flow(struct engine *e, const struct ft_view *v)
{
	char c[2][ATTR_NOTE_MAX];
	const char *p[2] = { c[0], c[1] };
	int n = attr_flow_note(e->o.note_attr, v, c);

	if (n && cap_dump_note(e->dump, p, n) != CAP_OK)
		e->note_errors++;
}

/* The table's done callback: the -w note, then the caller's. */
static void flow_done(void *arg, const struct ft_view *v)
{
	struct engine *e = arg;

	if (e->dump && e->o.note_attr && cap_dump_is_pcapng(e->dump))
		note_flow(e, v);
	events_flow(e->o.events, v);
	if (e->o.done)
		e->o.done(e->o.done_arg, v);
}

/* -w: the packet, and in pcapng the processes at its ends when known
 * (decoded: p, else NULL). */
static int dump(struct engine *e, const struct cap_pkt *pk,
		const struct dec_pkt *p)
{
	char c[2][256];
	struct cap_note n = { { c[0], c[1] }, 0 };

	if (!p || !e->o.note_attr || !cap_dump_is_pcapng(e->dump))
		return cap_dump_write(e->dump, pk, NULL);
	attr_packet_note(e->o.note_attr, p, c, &n.flags);
	return cap_dump_write(e->dump, pk, &n);
}

static void *run(void *arg)
{
	struct engine *e = arg;
	const struct engine_opts *o = &e->o;
	struct dec_pkt batch[FT_BATCH];
	struct local l = { 0 };
	struct cap_pkt pk;
	int live = cap_is_live(o->cap), rc, ds;
	unsigned nb = 0;
	int64_t wall0 = mono_ns(), pkt0 = 0, last_flush = wall0, last_pub = 0;

	while (!LOAD(e->stop)) {
		rc = cap_next(o->cap, &pk, e->err);
		if (rc == CAP_TIMEOUT) {	/* a quiet device */
			ft_packets(e->ft, batch, nb);
			nb = 0;
			publish_stats(e, &l);
			/* -w: what a quiet link brought is on disk within a
			 * second too, not only once more packets come */
			if (e->dump && mono_ns() - last_flush >= FLUSH_NS) {
				/* (a failure stays with the file, said at
				 * its close) */
				cap_dump_flush(e->dump, e->err);
				last_flush = mono_ns();
			}
			if (o->duration_ns && mono_ns() - wall0 >= o->duration_ns)
				break;
			continue;
		}
		if (rc == CAP_NOTE)	/* a pcapng note: not a packet */
			continue;
		if (rc <= 0)
			break;
		if (l.read == 0)
			l.first_ns = pkt0 = pk.ts_ns;
		if (!live && (o->speed > 0 || LOAD(e->pause))) {
			/* let the view see what came before the wait; this
			 * packet counts once it is through the gate */
			ft_packets(e->ft, batch, nb);
			nb = 0;
			publish_stats(e, &l);
			if (pace(e, pk.ts_ns, &wall0, &pkt0))
				break;
		}
		l.read++;
		if (pk.ts_ns > l.now_ns)
			l.now_ns = pk.ts_ns;
		ds = dec_frame(&e->dec, o->link, pk.data, pk.caplen, pk.len,
			       pk.ts_ns, &batch[nb]);
		if (e->dump && dump(e, &pk, ds == DEC_OK ? &batch[nb] : NULL) !=
				       CAP_OK)
			l.dump_errors++;
		switch (ds) {
		case DEC_OK:
			l.decoded += 1 + batch[nb].held_pkts;
			if (++nb == FT_BATCH) {
				ft_packets(e->ft, batch, nb);
				nb = 0;
			}
			break;
		case DEC_TRUNCATED:
			l.truncated++;
			break;
		case DEC_INVALID:
			l.invalid++;
			break;
		case DEC_UNSUPPORTED:
			l.unsupported++;
			break;
		default:	/* DEC_FRAG_HELD: counted when joined or orphaned */
			break;
		}
		/* Every few packets, look at the clock: readers get fresh
		 * counters ten times a second whatever the packet rate. */
		if (l.read % STATS_CHECK == 0) {
			int64_t now = mono_ns();

			if (now - last_pub >= STATS_NS) {
				ft_packets(e->ft, batch, nb);
				nb = 0;
				publish_stats(e, &l);
				last_pub = now;
			}
			if (e->dump && now - last_flush >= FLUSH_NS) {
				cap_dump_flush(e->dump, e->err);
				last_flush = now;
			}
		}
		if (o->count && l.read >= o->count)
			break;
		if (o->duration_ns &&
		    (live ? mono_ns() - wall0 : l.now_ns - l.first_ns) >=
			    o->duration_ns)
			break;
	}
	ft_packets(e->ft, batch, nb);
	if (rc < 0)
		e->status = 1;		/* e->err holds libpcap's reason */
	dec_flush(&e->dec);
	if (o->flush_at_end)
		ft_flush(e->ft);
	else if ((e->dump && o->note_attr) || o->events)
		/* the flows a view leaves: their notes and events now */
		for (uint32_t i = 0; i < ft_capacity(e->ft); i++) {
			struct ft_view v;

			if (!ft_read(e->ft, i, &v))
				continue;
			if (e->dump && o->note_attr)
				note_flow(e, &v);
			events_flow(o->events, &v);
		}
	if (e->dump) {
		char err[CAP_ERRBUF_SIZE];

		l.dump_errors += e->note_errors;
		if (cap_dump_close(e->dump, err) != CAP_OK ||
		    l.dump_errors) {
			e->status = 1;
			/* "-w ...": the capture went on, the file did not
			 * (run_damage_line) */
			if (l.dump_errors)
				snprintf(e->err, sizeof(e->err),
					 "-w %s: %llu packets could not be "
					 "written", o->write_file,
					 (unsigned long long)l.dump_errors);
			else
				snprintf(e->err, sizeof(e->err), "-w %.*s",
					 (int)sizeof(e->err) - 4, err);
		}
		e->dump = NULL;
	}
	publish_stats(e, &l);
	__atomic_store_n(&e->st.running, 0, __ATOMIC_RELEASE);
	return NULL;
}

int engine_start(struct engine **out, const struct engine_opts *o,
		 char *err, size_t errlen)
{
	struct engine *e = calloc(1, sizeof(*e));
	char cerr[CAP_ERRBUF_SIZE];

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	e->o = *o;
	if (dec_init(&e->dec, 0) < 0 ||
	    !(e->ft = ft_create(&o->ft, flow_done, e))) {
		snprintf(err, errlen, "cannot allocate the flow table "
			 "(%zu bytes): %s", ft_memory(&o->ft), strerror(errno));
		goto fail;
	}
	if (o->new_flow)
		ft_set_new_flow(e->ft, o->new_flow, o->new_flow_arg);
	if (o->write_file &&
	    cap_dump_open(o->write_file, o->cap, &e->dump, cerr) != CAP_OK) {
		snprintf(err, errlen, "%s", cerr);
		goto fail;
	}
	e->st.running = 1;
	/* The thread blocks every signal: they go to the main thread, whose
	 * handlers stop the engine and whose waits they must interrupt. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&e->thread, NULL, run, e);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the capture thread");
		goto fail;
	}
	e->started = 1;
	*out = e;
	return 0;
fail:
	cap_dump_close(e->dump, cerr);
	e->o.cap = NULL;	/* still the caller's: it closes it */
	engine_free(e);
	return -1;
}

void engine_stop(struct engine *e)
{
	STORE(e->stop, 1);
	cap_breakloop(e->o.cap);
}

void engine_pause(struct engine *e, int on)
{
	if (!cap_is_live(e->o.cap))
		STORE(e->pause, on);
}

void engine_step(struct engine *e)
{
	STORE(e->step, 1);
}

void engine_get_stats(const struct engine *e, struct engine_stats *s)
{
	s->read = LOAD(e->st.read);
	s->decoded = LOAD(e->st.decoded);
	s->truncated = LOAD(e->st.truncated);
	s->invalid = LOAD(e->st.invalid);
	s->unsupported = LOAD(e->st.unsupported);
	s->frags_joined = LOAD(e->st.frags_joined);
	s->frags_orphaned = LOAD(e->st.frags_orphaned);
	s->kernel.recv = LOAD(e->st.kernel.recv);
	s->kernel.drop = LOAD(e->st.kernel.drop);
	s->kernel.ifdrop = LOAD(e->st.kernel.ifdrop);
	s->dump_errors = LOAD(e->st.dump_errors);
	s->first_ns = LOAD(e->st.first_ns);
	s->now_ns = LOAD(e->st.now_ns);
	s->clock_ns = LOAD(e->st.clock_ns);
	s->running = __atomic_load_n(&e->st.running, __ATOMIC_ACQUIRE);
	s->paused = LOAD(e->pause);
}

struct ft_table *engine_table(struct engine *e)
{
	return e->ft;
}

int engine_wait(struct engine *e, char *err, size_t errlen)
{
	if (e->started) {
		pthread_join(e->thread, NULL);
		e->started = 0;
	}
	if (e->status)
		snprintf(err, errlen, "%s", e->err);
	return e->status;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	if (e->started) {
		char err[CAP_ERRBUF_SIZE];

		engine_stop(e);
		engine_wait(e, err, sizeof(err));
	}
	ft_destroy(e->ft);
	dec_free(&e->dec);
	cap_close(e->o.cap);
	free(e);
}
