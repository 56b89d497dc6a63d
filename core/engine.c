/*
 * engine.c - the capture thread and its readers (see engine.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/thread.h"
#include "engine_int.h"
#include "sig.h"
#include "wake.h"

#define STATS_CHECK	16		/* packets between looks at the clock */
#define TICK_NS		(100 * NS_PER_MS)	/* counters and consumers'
						   ticks, in wall time */
#define PAUSE_SLICE_NS	(20 * NS_PER_MS)	/* sleep slice when paused
						   or pacing */
#define HOLD_PKTS	64	/* packets an ended flow waits for late notes */
#define DRAIN_NS	(500 * NS_PER_MS)	/* a stopped device: reading
						   what it had, at most */
#define HOLD_SLOTS	4096	/* flows waiting at most */
#define QUIET_LAG_NS	(2 * CAP_READ_TIMEOUT_MS * NS_PER_MS)	/* a quiet
				   device may still hold packets this old
				   (the ring's block not yet handed over) */
#define HORIZON_WAIT_NS	(200 * NS_PER_MS)	/* socket events awaited, at
						   most (owners_in) */
#define HORIZON_SLICE_NS (10 * NS_PER_MS)	/* stop and staleness
						   looked at this often while
						   waiting */
#define HORIZON_STALE_NS NS_PER_S	/* an attribution thread that has
					   not polled for this long is not
					   waited for */

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* What the thread keeps to itself and publishes now and then. */
struct loop {
	struct dec_pkt batch[FT_BATCH + DEC_MAX_LAYERS];	/* a frame's
						   records never split */
	unsigned nb;
	uint64_t read, decoded, truncated, invalid, unsupported;
	uint64_t tunnelled, tunnel_bad, in_flows;
	int64_t first_ns, now_ns;	/* packet times */
	int64_t wall0, pkt0;		/* replay pacing: wall and packet time
					   at its origin */
	int64_t speed_u;		/* the pace they were taken for */
	int64_t last_pub;		/* CLOCK_MONOTONIC */
	int64_t next_tick;		/* consumers' next tick: wall time
					   (a device) or packet time (a
					   file) */
	int quiet;			/* a device: the last read found
					   nothing (all the kernel had is
					   read) */
	/* --threads with names: the batch's frames (pipe_frames) */
	uint8_t *fbuf;			/* PIPE_BATCH_BYTES + PIPE_FRAME_MAX */
	uint32_t fbytes;
	uint32_t foff[FT_BATCH + DEC_MAX_LAYERS];
	uint32_t flen[FT_BATCH + DEC_MAX_LAYERS];
};

static void sleep_ns(int64_t ns)
{
	struct timespec ts = { ns / NS_PER_S, ns % NS_PER_S };

	nanosleep(&ts, NULL);
}

static void publish_stats(struct engine *e, const struct loop *l)
{
	struct cap_stats k;

	cap_get_stats(e->cap, &k);
	STORE(e->st.read, l->read);
	STORE(e->st.decoded, l->decoded);
	STORE(e->st.truncated, l->truncated);
	STORE(e->st.invalid, l->invalid);
	STORE(e->st.unsupported, l->unsupported);
	STORE(e->st.frags_joined, e->dec.frags_joined);
	STORE(e->st.frags_orphaned, e->dec.frags_orphaned);
	STORE(e->st.tunnelled, l->tunnelled);
	STORE(e->st.tunnel_bad, l->tunnel_bad);
	STORE(e->st.in_flows, l->in_flows);
	STORE(e->st.kernel.recv, k.recv);
	STORE(e->st.kernel.drop, k.drop);
	STORE(e->st.kernel.ifdrop, k.ifdrop);
	STORE(e->st.first_ns, l->first_ns);
	STORE(e->st.now_ns, l->now_ns);
	if (l->now_ns > LOAD(e->st.clock_ns))
		STORE(e->st.clock_ns, l->now_ns);
}

/* ---- flows out ------------------------------------------------------------ */

/* To every flow consumer (left: only those that asked for the flows a
 * view leaves in the table). */
static void hand_on(struct engine *e, const struct flow_rec *f, int left)
{
	unsigned need = engine_tunnels_reports(e->o.tunnels, f->v.levels) ?
			0 : CONSUMER_ALL_TUNNELS;

	for (int i = 0; i < e->ncons; i++) {
		const struct consumer *c = &e->cons[i];

		if (c->flow && (!left || (c->flags & CONSUMER_LEFT)) &&
		    (c->flags & need) == need)
			c->flow(c->arg, f);
	}
}

/* porttop run: whether an end of f is owned in the program's cgroup (a
 * flow between two of its processes has both). */
static int owned(const struct engine *e, const struct flow_rec *f)
{
	uint64_t cg = e->o.own_cgroup;

	return !cg || f->end[FT_ORIG].cgroup == cg ||
	       f->end[FT_RESP].cgroup == cg;
}

/* porttop run: f is CMD's: counted for the summary (report_summary). */
static void kept(struct engine *e, const struct flow_rec *f)
{
	if (!e->o.own_cgroup)
		return;
	STORE(e->st.kept_flows, e->st.kept_flows + 1);
	STORE(e->st.kept_pkts, e->st.kept_pkts + f->v.dir[FT_ORIG].pkts +
			       f->v.dir[FT_RESP].pkts);
}

/* The names of f's ends, looked up only when a consumer reads them. */
static void names_of(const struct engine *e, struct flow_rec *f)
{
	if (e->nnames)
		nm_flow(e->names, &f->v, f->name);
	else
		memset(f->name, 0, sizeof(f->name));
}

/* f->v with its owners, looked up once for every consumer (the service
 * keeps closed sockets' owners a while, so a flow that outlived its
 * socket is still attributed), and names.  0: porttop run's program
 * owns neither end (hand it to nobody). */
static int complete(struct engine *e, struct flow_rec *f)
{
	attr_flow(e->attr, &f->v, f->end);
	if (!owned(e, f))
		return 0;
	names_of(e, f);
	return 1;
}

static void deliver(struct engine *e, const struct ft_view *v)
{
	struct flow_rec f;

	f.v = *v;
	if (complete(e, &f)) {
		kept(e, &f);
		hand_on(e, &f, 0);
	}
}

/* The pipe's consumer thread: a flow the table thread completed. */
static void hand_on_piped(void *arg, const struct flow_rec *f)
{
	kept(arg, f);
	hand_on(arg, f, 0);
}

/* Held flows whose wait is over (all: read = UINT64_MAX), oldest first. */
static void release(struct engine *e, uint64_t read)
{
	while (e->held_tail != e->held_head) {
		struct held *h = &e->held[e->held_tail % HOLD_SLOTS];

		if (h->until > read)
			break;
		e->held_tail++;	/* (consumers end no flows: h stays put) */
		deliver(e, &h->v);
	}
}

/* Reading a file with process comments: an ended flow waits until
 * HOLD_PKTS more packets are read, for the notes porttop -w writes when a
 * flow ends, with the owners its packets did not carry (core/dump.c): the
 * file has them within one batch of the packet that ended the flow, if
 * the timeouts are the same.  A full ring lets its oldest go early.  0
 * when v cannot be held (out of memory: it goes at once). */
static int hold(struct engine *e, const struct ft_view *v)
{
	struct held *h;

	if (!e->held && !(e->held = malloc(HOLD_SLOTS * sizeof(*e->held))))
		return 0;
	if (e->held_head - e->held_tail == HOLD_SLOTS)
		release(e, e->held[e->held_tail % HOLD_SLOTS].until);
	h = &e->held[e->held_head++ % HOLD_SLOTS];
	h->v = *v;
	h->until = e->read_now + HOLD_PKTS;
	return 1;
}

void engine_flow_ended(void *arg, const struct ft_view *v)
{
	struct engine *e = arg;

	if (e->pipe) {	/* the table's thread: on to the consumers' */
		struct flow_rec f;

		f.v = *v;
		if (complete(e, &f))
			pipe_ended(e->pipe, &f);
	} else if (!e->hold || !hold(e, v)) {
		deliver(e, v);
	}
}

/* The flows a view leaves in the table, to the consumers that want every
 * flow once (the -w notes, the events). */
static void hand_on_left(struct engine *e)
{
	struct flow_rec f;

	for (uint32_t i = 0; i < ft_capacity(e->ft); i++)
		if (ft_read(e->ft, i, &f.v) && complete(e, &f))
			hand_on(e, &f, 1);
}

/* Whether the attribution service has taken in the socket events up to
 * ts (attr_horizon), waiting for it HORIZON_WAIT_NS at most, and not at
 * all when its horizon stopped moving (the thread is not running). */
static void wait_horizon(struct engine *e, int64_t ts)
{
	int64_t until = mono_ns() + HORIZON_WAIT_NS, h;

	while ((h = attr_horizon(e->attr)) < ts && !LOAD(e->stop) &&
	       real_ns() - h < HORIZON_STALE_NS && mono_ns() < until)
		attr_horizon_wait(e->attr, ts, HORIZON_SLICE_NS);
}

/* Live eBPF attribution: the UDP sockets that closed go into the table
 * before the packets stamped after them (ft_owner_gone), so that the
 * datagrams of processes that bind one port in turn make a flow each.
 * eBPF's events come through the service's thread, the packets through
 * libpcap's ring, in no set order: a batch whose newest UDP datagram is
 * newer than what the service has taken in waits for it (1 ms after the
 * datagram, then a kicked poll: attr_horizon_wait).  Only a capture
 * thread that has caught up with the kernel's ring ever waits; with
 * --threads the table thread waits, and the capture thread reads on.
 * The closes taken are those up to the newest of p's n packets, or up to
 * until (CLOCK_REALTIME ns; INT64_MIN: none further). */
static void owners_in(struct engine *e, const struct dec_pkt *p, unsigned n,
		      int64_t until)
{
	struct ft_gone g[64];
	int64_t newest = 0;
	size_t k;

	if (!e->live || !attr_horizon(e->attr))
		return;
	for (unsigned i = 0; i < n; i++) {
		if (p[i].proto == P_UDP && p[i].ts_ns > newest)
			newest = p[i].ts_ns;
		if (p[i].ts_ns > until)
			until = p[i].ts_ns;
	}
	if (newest > attr_horizon(e->attr))
		wait_horizon(e, newest);
	/* the closes up to these packets (a reader behind the kernel would
	 * otherwise put more closes of a tuple than the table keeps before
	 * the packets between them), or up to `until` */
	while ((k = attr_gone_take(e->attr, g, 64, until)) > 0)
		for (size_t i = 0; i < k; i++)
			ft_owner_gone(e->ft, &g[i]);
}

/* The closes that can have no packet left unread on a device the last
 * read found quiet (the packets of an unfinished ring block excepted),
 * or none beyond the batch's. */
static int64_t quiet_until(const struct loop *l)
{
	return l->quiet ? real_ns() - QUIET_LAG_NS : INT64_MIN;
}

/* The pipe's table thread: a batch is about to go through the table, or
 * (none) the capture thread found the device quiet. */
static void owners_in_piped(void *arg, const struct dec_pkt *p, unsigned n,
			    int64_t until)
{
	owners_in(arg, p, n, until);
}

static void flush_batch(struct engine *e, struct loop *l)
{
	struct pipe_frames f = { l->fbuf, l->foff, l->flen, l->fbytes };

	if (e->pipe_table) {	/* owners: in the table thread
				   (owners_in_piped) */
		pipe_records(e->pipe, l->batch, l->nb, &f);
	} else {
		if (l->nb || l->quiet)
			owners_in(e, l->batch, l->nb, quiet_until(l));
		ft_packets(e->ft, l->batch, l->nb);
	}
	l->nb = 0;
	l->fbytes = 0;
}

/* Readers get fresh counters, ten times a second of wall time. */
static void publish(struct engine *e, struct loop *l)
{
	flush_batch(e, l);
	if (e->pipe && e->live)	/* a quiet link's flows end on time */
		pipe_flush(e->pipe, quiet_until(l));
	publish_stats(e, l);
	l->last_pub = mono_ns();
}

/* Consumers' ticks: every TICK_NS of wall time for a device, of packet
 * time for a file, so that what a consumer does on a tick (an exporter's
 * active timeout) happens at the same packets on every run of a file.
 * The table has taken every packet before. */
static void tick_consumers(void *arg, int64_t now)
{
	struct engine *e = arg;

	for (int i = 0; i < e->ncons; i++)
		if (e->cons[i].tick)
			e->cons[i].tick(e->cons[i].arg, now);
}

static void tick(struct engine *e, struct loop *l, int64_t now)
{
	flush_batch(e, l);
	if (e->pipe)	/* in its place among the flows */
		pipe_tick(e->pipe, now);
	else
		tick_consumers(e, now);
	l->next_tick = (e->live ? mono_ns() : now) + TICK_NS;
}

/* ---- packets in ----------------------------------------------------------- */

/* Replay pacing: wait until the wall clock catches up with packet time
 * (ts_ns) at the chosen speed, or while the user has paused.  Meanwhile
 * the replay's clock (st.clock_ns) keeps moving, so the views' rates fall
 * through a quiet stretch of the file as they would live.  Returns 1 when
 * asked to stop meanwhile. */
static int pace(struct engine *e, struct loop *l, int64_t ts_ns)
{
	for (;;) {
		int64_t su = LOAD(e->speed_u);
		double speed = (double)su / 1e6;

		if (su != l->speed_u) {	/* a new pace from here on */
			int64_t c = LOAD(e->st.clock_ns);

			c = c > l->now_ns ? c : l->now_ns;
			l->speed_u = su;
			l->pkt0 = c ? c : l->pkt0;
			l->wall0 = mono_ns();
		}
		if (LOAD(e->stop))
			return 1;
		if (speed > 0 && !LOAD(e->pause)) {
			int64_t c = l->pkt0 +
				    (int64_t)((double)(mono_ns() - l->wall0) *
					      speed);

			if (c > ts_ns)
				c = ts_ns;
			if (c > LOAD(e->st.clock_ns))
				STORE(e->st.clock_ns, c);
		}
		if (LOAD(e->pause)) {
			int n = LOAD(e->step);

			if (n > 0 && __atomic_compare_exchange_n(&e->step, &n,
					n - 1, 0, __ATOMIC_RELAXED,
					__ATOMIC_RELAXED))
				break;	/* one packet through per step */
			int64_t t = mono_ns();
			sleep_ns(PAUSE_SLICE_NS);
			l->wall0 += mono_ns() - t;	/* paused time does
							   not count */
			continue;
		}
		if (!(speed > 0))
			break;
		int64_t due = l->wall0 + (int64_t)((double)(ts_ns - l->pkt0) /
						   speed);
		int64_t now = mono_ns();
		if (now >= due)
			break;
		sleep_ns(due - now < PAUSE_SLICE_NS ? due - now :
						      PAUSE_SLICE_NS);
	}
	return 0;
}

/* A replay waits for its packet's time; the views see what came before
 * the wait first.  Returns 1 when asked to stop meanwhile. */
static int replay_gate(struct engine *e, struct loop *l,
		       const struct cap_pkt *pk)
{
	if (l->read == 0)
		l->first_ns = l->pkt0 = pk->ts_ns;
	if (e->live || !(LOAD(e->speed_u) > 0 || LOAD(e->pause)))
		return 0;
	flush_batch(e, l);
	publish_stats(e, l);
	return pace(e, l, pk->ts_ns);
}

/* The decoder of a packet's link type (a pcapng file may mix them), or
 * NULL when porttop has none. */
static const struct dec_link *link_of(struct engine *e, int dlt)
{
	if (dlt == e->dlt)
		return e->link;
	if (dlt != e->other_dlt) {
		e->other_dlt = dlt;
		e->other = dec_link_find(dlt);
	}
	return e->other;
}

/* A frame's n records into the batch, each hidden or not, and the frame
 * into the counters once: decoded when a reported flow counts it. */
static void count(struct engine *e, struct loop *l, struct dec_pkt *p,
		  unsigned n, int ds)
{
	uint64_t shown = 0, held = 0;
	unsigned vis = 0;

	for (unsigned i = 0; i < n; i++) {
		p[i].hidden = (uint8_t)!engine_tunnels_reports(e->o.tunnels,
							       ft_levels(&p[i]));
		held += p[i].held_pkts;
		if (!p[i].hidden) {
			vis++;
			shown += 1 + p[i].held_pkts;
		}
	}
	if (e->o.tunnels == ENGINE_TUNNELS_OUTER) {
		/* tunnels opened for a view (switch_tunnels): counted as
		 * without them, by the outermost header alone */
		if (n)
			ds = DEC_OK;
	} else if (n && p->carrier) {
		l->tunnelled++;
		l->tunnel_bad += ds == DEC_TRUNCATED || ds == DEC_INVALID;
	}
	l->in_flows += shown;
	if (ds == DEC_OK && !vis)
		ds = DEC_UNSUPPORTED;	/* only an envelope: nothing shown */
	switch (ds) {
	case DEC_OK:
		l->decoded += 1 + held;
		break;
	case DEC_TRUNCATED:
		l->truncated++;
		break;
	case DEC_INVALID:
		l->invalid++;
		break;
	case DEC_UNSUPPORTED:
		l->unsupported++;
		break;
	default:	/* DEC_FRAG_HELD: counted when joined or orphaned */
		break;
	}
	if (ds != DEC_OK)
		l->decoded += held;
	if ((l->nb += n) >= FT_BATCH || l->fbytes >= PIPE_BATCH_BYTES)
		flush_batch(e, l);
}

/* --threads with names: the frame of n records kept for the table
 * thread, which learns names from it before their batch goes through
 * the table (pipe.h); none when it did not decode (nm_packet would not
 * read it) or is larger than any frame should be. */
static void stage(struct loop *l, const struct cap_pkt *pk, unsigned n,
		  int ok)
{
	uint32_t len = ok && pk->caplen <= PIPE_FRAME_MAX ? pk->caplen : 0;

	memcpy(l->fbuf + l->fbytes, pk->data, len);
	for (unsigned i = 0; i < n; i++) {
		l->foff[l->nb + i] = l->fbytes;
		l->flen[l->nb + i] = len;
	}
	l->fbytes += len;
}

/* One packet: counted, decoded, handed to the packet consumers, batched
 * for the flow table. */
static void take(struct engine *e, struct loop *l, const struct cap_pkt *pk)
{
	struct dec_pkt *p = &l->batch[l->nb];
	const struct dec_link *lk = link_of(e, pk->dlt);
	int ds = DEC_UNSUPPORTED;
	unsigned n = 0;

	l->read++;
	l->quiet = 0;
	e->read_now = l->read;
	if (pk->ts_ns > l->now_ns)
		l->now_ns = pk->ts_ns;
	if (lk) {
		ds = dec_frame(&e->dec, lk, pk->data, pk->caplen, pk->len,
			       pk->ts_ns, p);
		n = e->dec.layers;
	}
	if (e->hold)	/* a file's comments: before the flow table */
		attr_file_packet(e->attr, n ? p : NULL, pk);
	if (l->fbuf)	/* names, in the pipe's table thread */
		stage(l, pk, n, ds == DEC_OK);
	else if (e->nlearn)
		for (unsigned i = 0; ds == DEC_OK && i < n; i++)
			nm_packet(e->names, pk->data, pk->caplen, &p[i]);
	for (int i = 0; i < e->ncons; i++)
		if (e->cons[i].packet)
			e->cons[i].packet(e->cons[i].arg, pk, n ? p : NULL);
	count(e, l, p, n, ds);
}

/* -c and --duration (wall time live, packet time in a replay). */
static int limit_reached(const struct engine *e, const struct loop *l)
{
	const struct engine_opts *o = &e->o;

	if (o->count && l->read >= o->count)
		return 1;
	if (!o->duration_ns)
		return 0;
	return (e->live ? mono_ns() - l->wall0 : l->now_ns - l->first_ns) >=
	       o->duration_ns;
}

/* The input ended: the last flows to the consumers, then their finish. */
static void end_of_input(struct engine *e, struct loop *l)
{
	flush_batch(e, l);
	dec_flush(&e->dec);
	release(e, UINT64_MAX);	/* no note can come now */
	e->hold = 0;
	if (e->pipe)	/* the table flushed (or kept), its flows handed on */
		pipe_end(e->pipe);
	else if (!e->o.keep_flows)
		ft_flush(e->ft);
	else
		ft_republish(e->ft);	/* as of the end, for the view */
	if (e->o.keep_flows && e->nleft)
		hand_on_left(e);
	for (int i = 0; i < e->ncons; i++)
		if (e->cons[i].finish)
			e->cons[i].finish(e->cons[i].arg, l->now_ns);
	publish_stats(e, l);
}

/* A device stopped by a user or a signal: the packets the kernel had
 * captured by then are still read and counted, so that what was sent
 * before the stop is in the report, the -w file and the events (tcpdump
 * counts them as received, then drops them).  The kernel hands a block
 * of its ring over when the block fills or its timeout (the read
 * timeout) passes: read until two timeouts in a row found nothing, or
 * DRAIN_NS, whichever comes first (a flood would never go quiet). */
static void drain(struct engine *e, struct loop *l)
{
	int64_t until = mono_ns() + DRAIN_NS;
	int quiet = 0, breaks = 0;
	struct cap_pkt pk;

	while (quiet < 2 && mono_ns() < until && !limit_reached(e, l)) {
		int rc = cap_next(e->cap, &pk, e->err);

		if (rc == 0 && !breaks++)
			continue;	/* libpcap's answer to a breakloop */
		if (rc == CAP_TIMEOUT) {
			quiet++;
			continue;
		}
		if (rc != 1)
			break;
		quiet = 0;
		take(e, l, &pk);
	}
}

void *engine_thread(void *arg)
{
	struct engine *e = arg;
	struct loop l = { .wall0 = mono_ns(), .speed_u = LOAD(e->speed_u) };
	struct cap_pkt pk;
	int rc = 0;

	thread_name("pt-capture");
	l.last_pub = l.wall0;
	l.next_tick = e->live ? l.wall0 + TICK_NS : INT64_MIN;
	l.fbuf = e->fbuf;
	while (!LOAD(e->stop)) {
		rc = cap_next(e->cap, &pk, e->err);
		if (rc == CAP_TIMEOUT) {	/* a quiet device */
			l.quiet = 1;
			publish(e, &l);
			if (mono_ns() >= l.next_tick)
				tick(e, &l, l.now_ns);
			if (limit_reached(e, &l))
				break;
			continue;
		}
		if (rc == CAP_NOTE) {	/* a pcapng note: not a packet */
			if (e->hold)
				attr_file_note(e->attr, &pk);
			continue;
		}
		if (rc <= 0 || replay_gate(e, &l, &pk))
			break;
		if (!e->live && pk.ts_ns >= l.next_tick)
			tick(e, &l, pk.ts_ns);	/* before this packet */
		take(e, &l, &pk);
		if (e->held_head != e->held_tail)
			release(e, l.read);
		if (l.read % STATS_CHECK == 0) {
			int64_t now = mono_ns();

			if (now - l.last_pub >= TICK_NS)
				publish(e, &l);
			if (e->live && now >= l.next_tick)
				tick(e, &l, l.now_ns);
		}
		if (limit_reached(e, &l))
			break;
	}
	if (rc < 0)		/* e->err holds the reason */
		e->status = PT_ERR_INPUT;
	else if (e->live && LOAD(e->stop))
		drain(e, &l);
	if (e->live)	/* owners the kernel has told of, known before the
			   flows end */
		attr_sync(e->attr, NS_PER_S);
	end_of_input(e, &l);
	__atomic_store_n(&e->st.running, 0, __ATOMIC_RELEASE);
	wake_post(e->done);
	return NULL;
}

/* ---- control, from the main thread ------------------------------------------ */

int engine_add(struct engine *e, const struct consumer *c)
{
	int reads;

	if (e->ncons == ENGINE_MAX_CONSUMERS || e->started)
		return -1;
	e->cons[e->ncons++] = *c;
	if (c->flags & CONSUMER_LEFT)
		e->nleft++;
	reads = c->flow && !(c->flags & CONSUMER_NO_NAMES);
	e->nnames += reads;
	e->nlearn += reads || (c->flags & CONSUMER_NAME_TABLE);
	return 0;
}

/* --threads: the pipeline when what comes out is the same: a device
 * (its owners come from the kernel, looked up in the table thread, where
 * the sockets that closed are taken in too; a view reads the table the
 * table thread writes) or a file without process comments (they would
 * be read ahead of the table) nor a view (its replay's pace and pause
 * are the capture thread's), every consumer of flows or ticks
 * CONSUMER_BEHIND.  Otherwise, or when the threads cannot start, one
 * thread.  Two threads: the table on the second, or the consumers when
 * one is CONSUMER_HEAVY (pipe.h says why).  No --threads: a device gets
 * three threads when it has a CPU of its own (lib/thread.h), as the
 * capture thread then drains the kernel's ring sooner for less CPU in
 * all; a file one thread, the least CPU for the same output.
 * PORTTOP_SAY_THREADS in the environment: a line on stderr says which
 * (for the tests). */
static void start_pipe(struct engine *e)
{
	static const char *said[2][2] = {
		{ "1", "2 (capture and table, consumers)" },
		{ "2 (capture and consumers, table)",
		  "3 (capture, table, consumers)" } };
	struct pipe_hooks h = { .arg = e, .flow = hand_on_piped,
				.keep = e->o.keep_flows };
	int n = e->o.threads ? e->o.threads :
		e->live ? thread_live_default() : 1;
	int ok = n > 1 && (e->live || (!e->attr && !e->o.keep_flows &&
				       !e->o.ft.publish));
	int heavy = 0;

	for (int i = 0; ok && i < e->ncons; i++) {
		const struct consumer *c = &e->cons[i];

		ok = !(c->flow || c->tick) || (c->flags & CONSUMER_BEHIND);
		heavy |= c->flow && (c->flags & CONSUMER_HEAVY);
		if (c->tick)
			h.tick = tick_consumers;
	}
	h.table_thread = n > 2 || !heavy;
	h.consumer_thread = n > 2 || heavy;
	h.bursts = heavy;
	if (h.table_thread) {	/* what the capture thread does alone */
		h.records = e->live ? owners_in_piped : NULL;
		h.names = e->nnames ? e->names : NULL;
	}
	if (ok && h.names &&	/* the frames the names are read from */
	    !(e->fbuf = malloc(PIPE_BATCH_BYTES + PIPE_FRAME_MAX)))
		ok = 0;
	if (ok && (e->pipe = pipe_new(e->ft, &h)))
		e->pipe_table = h.table_thread;
	if (getenv("PORTTOP_SAY_THREADS"))
		fprintf(stderr, "porttop: threads: %s\n",
			said[e->pipe && h.table_thread]
			    [e->pipe && h.consumer_thread]);
}

enum pt_status engine_start(struct engine *e, struct pt_err *err)
{
	start_pipe(e);
	e->st.running = 1;
	if (thread_start(&e->thread, NULL, engine_thread, e) != 0) {
		e->st.running = 0;
		return pt_fail(err, PT_ERR_NOMEM,
			       "cannot start the capture thread");
	}
	e->started = 1;
	return PT_OK;
}

int engine_poll(struct engine *e, int timeout_ms)
{
	if (__atomic_load_n(&e->st.running, __ATOMIC_ACQUIRE))
		wake_wait(e->done, timeout_ms);
	if (sig_stopped())
		engine_stop(e);
	return __atomic_load_n(&e->st.running, __ATOMIC_ACQUIRE);
}

void engine_stop(struct engine *e)
{
	STORE(e->stop, 1);
	cap_breakloop(e->cap);
}

void engine_pause(struct engine *e, int on)
{
	if (!e->live) {
		STORE(e->step, 0);	/* steps asked before do not carry */
		STORE(e->pause, on);
	}
}

void engine_step(struct engine *e)
{
	__atomic_add_fetch(&e->step, 1, __ATOMIC_RELAXED);	/* each counts */
}

void engine_set_speed(struct engine *e, double speed)
{
	if (!e->live)
		STORE(e->speed_u, speed > 0 ? (int64_t)(speed * 1e6 + 0.5) : 0);
}

enum pt_status engine_wait(struct engine *e, struct pt_err *err)
{
	enum pt_status rc = PT_OK;
	uint64_t n = LOAD(e->st.read);

	if (e->started && !e->joined) {
		pthread_join(e->thread, NULL);
		e->joined = 1;
		n = LOAD(e->st.read);
	}
	if (e->status == PT_ERR_INPUT)
		rc = pt_fail(err, PT_ERR_INPUT, "%s: %s after %llu packet%s: %s",
			     cap_name(e->cap), e->live ?
			     "capture failed" : "damaged",
			     (unsigned long long)n, n == 1 ? "" : "s", e->err);
	if (e->dump) {
		struct pt_err derr;

		/* the input was fine: the -w file was not */
		if (dump_close(e->dump, &derr) != PT_OK && rc == PT_OK)
			rc = pt_fail(err, derr.code, "%s", derr.msg);
		e->dump = NULL;
	}
	return rc;
}

/* ---- readers, any thread ----------------------------------------------------- */

void engine_get_stats(const struct engine *e, struct engine_stats *s)
{
	s->read = LOAD(e->st.read);
	s->decoded = LOAD(e->st.decoded);
	s->truncated = LOAD(e->st.truncated);
	s->invalid = LOAD(e->st.invalid);
	s->unsupported = LOAD(e->st.unsupported);
	s->frags_joined = LOAD(e->st.frags_joined);
	s->frags_orphaned = LOAD(e->st.frags_orphaned);
	s->tunnelled = LOAD(e->st.tunnelled);
	s->tunnel_bad = LOAD(e->st.tunnel_bad);
	s->in_flows = LOAD(e->st.in_flows);
	s->kept_flows = LOAD(e->st.kept_flows);
	s->kept_pkts = LOAD(e->st.kept_pkts);
	s->kernel.recv = LOAD(e->st.kernel.recv);
	s->kernel.drop = LOAD(e->st.kernel.drop);
	s->kernel.ifdrop = LOAD(e->st.kernel.ifdrop);
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
