/*
 * attr.c - the attribution service (see attr.h): its thread, the queue of
 * flows to look up, local addresses, and the flow -> owner join.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/seqlock.h"
#include "../lib/thread.h"

#include "attr_int.h"
#include "attr_os.h"

static const char *const src_names[ATTR_SRC_NUM] = { "none", "bpf", "diag",
						     "proc", "pcapng", "iphlp" };
static const char *const why_names[ATTR_WHY_NUM] = {
	"", "remote", "netns", "gone", "denied", "disabled", "pending",
	"nosocket", "unrecorded", "several",
};

const char *attr_src_name(int src)
{
	return src >= 0 && src < ATTR_SRC_NUM ? src_names[src] : "none";
}

const char *attr_why_name(int why)
{
	return why >= 0 && why < ATTR_WHY_NUM ? why_names[why] : "";
}

/* ---- local addresses (seqlocked copy for readers) ------------------------ */

SEQLOCK_DATA(struct local_data);

static void refresh_local(struct attr *a)
{
	struct local_data n = { 0 };

	if (attr_os_local(&n) != 0)
		return;
	seqlock_store(&a->local.seq, &a->local.d, &n, sizeof(n));
}

/* ---- the request queue: Vyukov's bounded MPMC queue, one consumer ------ */

static void queue_init(struct attr *a)
{
	for (uint32_t i = 0; i < QUEUE_SLOTS; i++)
		a->q[i].seq = i;
}

void attr_want(struct attr *a, const struct ft_key *k)
{
	uint64_t pos;
	struct want *w;

	if (!a || a->file || (k->proto != 6 && k->proto != 17))
		return;		/* a file's owners are all known already */
	pos = __atomic_load_n(&a->q_head, __ATOMIC_RELAXED);
	for (;;) {
		w = &a->q[pos % QUEUE_SLOTS];
		uint32_t seq = __atomic_load_n(&w->seq, __ATOMIC_ACQUIRE);
		int64_t diff = (int64_t)seq - (int64_t)(uint32_t)pos;

		if (diff == 0) {
			if (__atomic_compare_exchange_n(&a->q_head, &pos,
							pos + 1, 1,
							__ATOMIC_RELAXED,
							__ATOMIC_RELAXED))
				break;
		} else if (diff < 0) {	/* full: drop it, count it */
			__atomic_fetch_add(&a->st.lost, 1, __ATOMIC_RELAXED);
			return;
		} else {
			pos = __atomic_load_n(&a->q_head, __ATOMIC_RELAXED);
		}
	}
	w->proto = k->proto;
	w->ipv = (k->flags & FT_K_V6) ? 6 : 4;
	memcpy(w->a, k->a, 16);
	memcpy(w->b, k->b, 16);
	w->pa = k->pa;
	w->pb = k->pb;
	__atomic_store_n(&w->seq, (uint32_t)(pos + 1), __ATOMIC_RELEASE);
}

/* The consumer (the service's thread): 1 with *out filled, 0 when empty. */
static int queue_take(struct attr *a, struct want *out)
{
	struct want *w = &a->q[a->q_tail % QUEUE_SLOTS];
	uint32_t seq = __atomic_load_n(&w->seq, __ATOMIC_ACQUIRE);

	if (seq != (uint32_t)(a->q_tail + 1))
		return 0;
	*out = *w;
	__atomic_store_n(&w->seq, (uint32_t)(a->q_tail + QUEUE_SLOTS),
			 __ATOMIC_RELEASE);
	a->q_tail++;
	return 1;
}

/* ---- sockets into the cache ---------------------------------------------- */

static void key_of(struct attr *a, const struct attr_sock *s,
		   struct attr_key *k)
{
	memset(k, 0, sizeof(*k));
	k->proto = s->proto;
	k->ipv = s->ipv;
	k->netns = s->netns ? s->netns : a->netns;
	memcpy(k->laddr, s->laddr, 16);
	k->lport = s->lport;
	if (!s->listener) {
		memcpy(k->raddr, s->raddr, 16);
		k->rport = s->rport;
	}
}

/* The owner of an inode-only socket (sock_diag, /proc/net): the inode
 * map, rescanned (at most every RESCAN_MIN_NS) when the inode is new. */
static void owner_of(struct attr *a, const struct attr_sock *s,
		     struct attr_end *o)
{
	struct attr_proc p;
	uint64_t denied = 0;

	if (attr_procmap_find(a->procmap, s->inode, &p, 1) == 0 &&
	    mono_ns() - a->last_scan >= RESCAN_MIN_NS) {
		attr_procmap_scan(a->procmap, &denied);
		a->last_scan = mono_ns();
		__atomic_store_n(&a->st.denied, denied, __ATOMIC_RELAXED);
	}
	if (attr_procmap_find(a->procmap, s->inode, &p, 1) > 0) {
		o->pid = p.pid;
		o->uid = p.uid;
		o->cgroup = p.cgroup;
		memcpy(o->comm, p.comm, sizeof(o->comm));
		return;
	}
	/* not held by any process we can read: ours to see, or not */
	o->why = __atomic_load_n(&a->st.denied, __ATOMIC_RELAXED) ?
			 ATTR_DENIED : ATTR_GONE;
	o->uid = s->uid;
}

/* ---- eBPF's UDP closes, for the engine ------------------------------------ */

/* One close into the ring (the thread). */
static void gone_put(struct attr *a, const struct attr_sock *s)
{
	uint64_t tail = __atomic_load_n(&a->gone_tail, __ATOMIC_ACQUIRE);
	struct ft_gone *g;

	if (a->gone_head - tail >= GONE_SLOTS) {
		__atomic_fetch_add(&a->st.lost, 1, __ATOMIC_RELAXED);
		return;
	}
	g = &a->gone[a->gone_head % GONE_SLOTS];
	memset(g, 0, sizeof(*g));
	memcpy(g->laddr, s->laddr, 16);
	g->lport = s->lport;
	if (!s->listener) {
		memcpy(g->raddr, s->raddr, 16);
		g->rport = s->rport;
	}
	g->proto = s->proto;
	g->ipv = s->ipv;
	g->ts_ns = s->ts_ns + __atomic_load_n(&a->rt_off_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&a->gone_head, a->gone_head + 1, __ATOMIC_RELEASE);
}

size_t attr_gone_take(struct attr *a, struct ft_gone *out, size_t max,
		      int64_t until_ns)
{
	uint64_t head, n = 0;

	if (!a || !a->gone)
		return 0;
	head = __atomic_load_n(&a->gone_head, __ATOMIC_ACQUIRE);
	for (; a->gone_tail + n != head && n < max; n++) {
		const struct ft_gone *g = &a->gone[(a->gone_tail + n) %
						   GONE_SLOTS];

		if (g->ts_ns > until_ns)
			break;
		out[n] = *g;
	}
	__atomic_store_n(&a->gone_tail, a->gone_tail + n, __ATOMIC_RELEASE);
	return n;
}

int64_t attr_horizon(const struct attr *a)
{
	return a && a->events ? __atomic_load_n(&a->horizon_ns,
						__ATOMIC_ACQUIRE) : 0;
}

int64_t attr_horizon_wait(struct attr *a, int64_t ts, int64_t wait_ns)
{
	int64_t h = attr_horizon(a), stop = mono_ns() + wait_ns, left;

	if (!h || h >= ts)
		return h;
	pthread_mutex_lock(&a->hmu);
	/* the condition's clock is the wall clock: the deadline is set
	 * again from the monotonic one at each wake, so that a clock step
	 * cannot stretch the wait.  A poll begun from ts + the margin on
	 * covers ts: until then the wait is a sleep, then each turn kicks
	 * the poll (the one under way may have begun earlier, the next one
	 * begins later): two kicks at most, rather than a kick a poll. */
	while (attr_horizon(a) < ts && (left = stop - mono_ns()) > 0) {
		int64_t now = real_ns(), end = now + left;
		int64_t covered = ts + HORIZON_MARGIN_NS;
		struct timespec until;

		if (now >= covered && a->events->kick)
			a->events->kick(a->ev_state);
		else if (covered < end)
			end = covered;
		until.tv_sec = end / NS_PER_S;
		until.tv_nsec = end % NS_PER_S;
		pthread_cond_timedwait(&a->hcv, &a->hmu, &until);
	}
	pthread_mutex_unlock(&a->hmu);
	return attr_horizon(a);
}

/* ---- a socket into the cache ---------------------------------------------- */

/* Whether s may be the socket of entry x (an inode unknown: may be). */
static int same_sock(const struct attr_entry *x, const struct attr_sock *s)
{
	return !x->inode || !s->inode || x->inode == s->inode;
}

void attr_put_sock(void *arg, const struct attr_sock *s)
{
	struct attr *a = arg;
	struct attr_entry e, old;
	int64_t now = mono_ns();

	memset(&e, 0, sizeof(e));
	key_of(a, s, &e.key);
	e.used = 1;
	e.listener = s->listener;
	e.seen_ns = now;
	e.closed_ns = s->closed ? (s->ts_ns ? s->ts_ns : now) : 0;
	e.inode = s->inode;
	e.opened_ns = s->ts_ns && !s->closed ? s->ts_ns : now;
	if (attr_cache_get(a->cache, &e.key, &old) && old.opened_ns &&
	    old.opened_ns < e.opened_ns && same_sock(&old, s))
		e.opened_ns = old.opened_ns;	/* a refresh, a close */
	if (s->closed && s->ts_ns && s->proto == 17 &&
	    e.key.netns == a->netns)	/* eBPF sees every namespace */
		gone_put(a, s);
	e.owner.pid = -1;
	e.owner.src = s->src;
	if (s->pid >= 0) {	/* an event from the owner's own context */
		e.owner.pid = s->pid;
		e.owner.uid = s->uid;
		e.owner.cgroup = s->cgroup;
		memcpy(e.owner.comm, s->comm, sizeof(e.owner.comm));
	} else if (attr_cache_get(a->cache, &e.key, &old) &&
		   old.owner.pid >= 0 && same_sock(&old, s)) {
		/* a table refresh of a socket whose owner is known (perhaps
		 * from an event): keep the owner */
		e.owner = old.owner;
	} else if (s->inode) {
		owner_of(a, s, &e.owner);
	}
	if (s->closed && attr_cache_get(a->cache, &e.key, &old) &&
	    old.owner.pid >= 0 && e.owner.pid < 0 && same_sock(&old, s))
		e.owner = old.owner;
	/* its container or unit, read while the process still lives */
	if (s->who)
		e.owner.who = s->who;
	else if (e.owner.pid >= 0 && !e.owner.who && a->whomap)
		e.owner.who = nm_whomap_of(a->whomap, e.owner.pid,
					   e.owner.cgroup);
	if (!a->file && attr_history(a, &e))
		return;
	if (attr_cache_put(a->cache, &e))
		__atomic_fetch_add(&a->st.evicted, 1, __ATOMIC_RELAXED);
}

/* A requested flow: look up each local end the cache does not know. */
static void serve(struct attr *a, const struct want *w)
{
	struct attr_entry e;

	for (int side = 0; side < 2; side++) {
		const uint8_t *l = side ? w->b : w->a, *r = side ? w->a : w->b;
		uint16_t lp = side ? w->pb : w->pa, rp = side ? w->pa : w->pb;
		struct attr_sock q;

		if (!attr_is_local(a, l, w->ipv) ||
		    attr_find_owner(a, w->proto, w->ipv, l, lp, r, rp, &e))
			continue;
		memset(&q, 0, sizeof(q));
		q.proto = w->proto;
		q.ipv = w->ipv;
		memcpy(q.laddr, l, 16);
		memcpy(q.raddr, r, 16);
		q.lport = lp;
		q.rport = rp;
		q.pid = -1;
		__atomic_fetch_add(&a->st.lookups, 1, __ATOMIC_RELAXED);
		a->table->lookup(a->tb_state, &q, attr_put_sock, a);
	}
}

/* ---- the thread ------------------------------------------------------------ */

/* Processes that exited keep their name, marked exited.  One stat() of
 * /proc/PID per pid and pass, not per socket: one process may own
 * thousands of cached sockets (a busy client's closed ones stay an hour),
 * and stat() for each of them, every second, was attribution's largest
 * cost.  pids[] remembers this pass's answers (open addressing; when it
 * is full, stat() again). */
#define PID_MEMO 4096

struct exit_pass {
	struct attr *a;
	int32_t pid[PID_MEMO];		/* 0: empty */
	uint8_t gone[PID_MEMO];
};

static int pid_gone(struct exit_pass *p, int32_t pid)
{
	uint32_t h = (uint32_t)pid * 2654435761u;
	int gone;

	for (int i = 0; i < 8; i++) {
		uint32_t k = (h + i) & (PID_MEMO - 1);

		if (p->pid[k] == pid)
			return p->gone[k];
		if (p->pid[k] == 0) {
			gone = attr_os_gone(p->a->o.proc_root, pid);
			p->pid[k] = pid;
			p->gone[k] = (uint8_t)gone;
			return gone;
		}
	}
	return attr_os_gone(p->a->o.proc_root, pid);
}

static void mark_exited(void *arg, const struct attr_entry *e)
{
	struct exit_pass *p = arg;

	if (e->owner.pid <= 0 || e->owner.exited || !pid_gone(p, e->owner.pid))
		return;
	struct attr_entry x = *e;
	x.owner.exited = 1;
	attr_cache_put(p->a->cache, &x);
}

/* The table, at start and then every dump_every_ns.  With events (eBPF),
 * after the first dump only the listeners and UDP sockets: events tell
 * every TCP connection made since, and the full dump's walk of the
 * established hash was most of what attribution cost.  The inode map is
 * read whole once; then owner_of rescans it when an inode is new. */
static void full_dump(struct attr *a)
{
	uint64_t denied = 0;
	int64_t start = mono_ns();
	int first = a->last_scan == 0;
	int lonly = !first && a->events && a->table &&
		    a->table->dump_listeners;

	refresh_local(a);
	if (first) {
		attr_procmap_scan(a->procmap, &denied);
		a->last_scan = mono_ns();
		__atomic_store_n(&a->st.denied, denied, __ATOMIC_RELAXED);
	}
	if (a->table &&
	    (lonly ? a->table->dump_listeners : a->table->dump)(
		    a->tb_state, attr_put_sock, a) == 0)
		/* a table's sockets missing from its dump have closed */
		attr_cache_age(a->cache, start, mono_ns(), KEEP_CLOSED_NS,
			       a->events ? ATTR_SRC_BPF : -1, lonly);
	struct exit_pass *p = calloc(1, sizeof(*p));
	uint64_t used = 0;

	if (p) {
		p->a = a;
		used = attr_cache_each(a->cache, mark_exited, p);
		free(p);
	}
	__atomic_store_n(&a->st.sockets, used, __ATOMIC_RELAXED);
}

static void *run(void *arg)
{
	struct attr *a = arg;
	int64_t every = a->o.dump_every_ns ? a->o.dump_every_ns : NS_PER_S;
	int64_t next = 0;
	struct want w;

	while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE)) {
		if (mono_ns() >= next) {
			full_dump(a);
			next = mono_ns() + every;
		}
		/* events stamped before t0 are in once the poll returns
		 * (attr_horizon), but for those a program was still writing
		 * (microseconds; a kicked poll returns at once, so a margin
		 * is kept); the clocks' offset turns eBPF's stamps into
		 * packets' */
		int64_t t0 = real_ns();

		__atomic_store_n(&a->rt_off_ns, t0 - mono_ns(),
				 __ATOMIC_RELAXED);
		if (a->events) {
			a->events->poll(a->ev_state, attr_put_sock, a, POLL_MS);
			__atomic_store_n(&a->horizon_ns, t0 - HORIZON_MARGIN_NS,
					 __ATOMIC_RELEASE);
			pthread_mutex_lock(&a->hmu);
			pthread_cond_broadcast(&a->hcv);
			pthread_mutex_unlock(&a->hmu);
		} else {
			usleep(POLL_MS * 1000);
		}
		/* With events, every socket made since the start has come
		 * (or will, at its owner's first send) from its owner's own
		 * context, and the rest were in the first dump: an exact
		 * lookup would only find the inode of a socket whose event
		 * is a moment away, and cost a /proc rescan to name it. */
		while (queue_take(a, &w))
			if (!a->events && a->table && a->table->lookup)
				serve(a, &w);
		if (a->events && a->events->dropped)
			__atomic_store_n(&a->st.bpf_dropped,
					 a->events->dropped(a->ev_state),
					 __ATOMIC_RELAXED);
		__atomic_fetch_add(&a->turns, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

int attr_sync(struct attr *a, int64_t timeout_ns)
{
	int64_t until = mono_ns() + timeout_ns;
	uint64_t t0;

	if (!a || a->file || !a->started)
		return -1;
	/* the turn under way may have polled before the call: wait for the
	 * end of the next one, which began after it */
	t0 = __atomic_load_n(&a->turns, __ATOMIC_ACQUIRE);
	while (__atomic_load_n(&a->turns, __ATOMIC_ACQUIRE) < t0 + 2) {
		if (mono_ns() >= until)
			return -1;
		usleep(1000);
	}
	return 0;
}

/* Close the back ends and free everything (the thread is not running). */
static void release(struct attr *a)
{
	if (a->events)
		a->events->close(a->ev_state);
	if (a->table)
		a->table->close(a->tb_state);
	attr_cache_free(a->cache);
	attr_procmap_free(a->procmap);
	nm_whomap_free(a->whomap);
	free(a->q);
	free(a->gone);
	free(a->fs);
	pthread_cond_destroy(&a->hcv);
	pthread_mutex_destroy(&a->hmu);
	free(a);
}

int attr_start(struct attr **out, const struct attr_opts *o, char *msg,
	       size_t len)
{
	struct attr *a = calloc(1, sizeof(*a));
	enum attr_mode m = o->mode;

	*msg = '\0';
	*out = NULL;
	if (!a) {
		snprintf(msg, len, "attribution off: out of memory");
		return -1;
	}
	pthread_mutex_init(&a->hmu, NULL);
	pthread_cond_init(&a->hcv, NULL);
	a->o = *o;
	if (!a->o.proc_root)
		a->o.proc_root = "/proc";
	a->netns = attr_os_netns(a->o.proc_root);
	a->cache = attr_cache_new(CACHE_ENTRIES);
	a->procmap = attr_procmap_new(a->o.proc_root);
	a->whomap = nm_whomap_new(a->o.proc_root);
	a->q = calloc(QUEUE_SLOTS, sizeof(*a->q));
	a->gone = calloc(GONE_SLOTS, sizeof(*a->gone));
	a->rt_off_ns = real_ns() - mono_ns();
	if (!a->cache || !a->procmap || !a->whomap || !a->q || !a->gone) {
		snprintf(msg, len, "attribution off: out of memory");
		goto fail;
	}
	queue_init(a);
	if (attr_os_open(a, m, msg, len) < 0)
		goto fail;
	a->st.source = a->events ? "bpf" : a->table->name;
	{
		char why[512];

		snprintf(why, sizeof(why), "%s", msg);
		snprintf(msg, len, "attribution: %s%s%s%s", a->st.source,
			 a->events && a->table ? " + " : "",
			 a->events && a->table ? a->table->name : "",
			 *why ? " (" : "");
		if (*why) {
			size_t n = strlen(msg);
			snprintf(msg + n, len - n, "%s)", why);
		}
	}
	if (!o->defer_thread && thread_start(&a->thread, NULL, run, a) != 0) {
		snprintf(msg, len, "attribution off: cannot start its thread");
		goto fail;
	}
	a->started = !o->defer_thread;
	*out = a;
	return 0;
fail:
	if (!*msg)
		snprintf(msg, len, "attribution off");
	release(a);
	return -1;
}

int attr_run(struct attr *a)
{
	if (!a || a->file || a->started)
		return 0;
	if (thread_start(&a->thread, NULL, run, a) != 0)
		return -1;
	a->started = 1;
	return 0;
}

void attr_stop(struct attr *a)
{
	if (!a)
		return;
	if (!a->file && a->started) {
		__atomic_store_n(&a->stop, 1, __ATOMIC_RELEASE);
		pthread_join(a->thread, NULL);
	}
	release(a);
}

void attr_get_stats(struct attr *a, struct attr_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (!a) {
		s->source = "none";
		return;
	}
	s->sockets = __atomic_load_n(&a->st.sockets, __ATOMIC_RELAXED);
	s->lookups = __atomic_load_n(&a->st.lookups, __ATOMIC_RELAXED);
	s->lost = __atomic_load_n(&a->st.lost, __ATOMIC_RELAXED);
	s->bpf_dropped = __atomic_load_n(&a->st.bpf_dropped, __ATOMIC_RELAXED);
	s->denied = __atomic_load_n(&a->st.denied, __ATOMIC_RELAXED);
	s->evicted = __atomic_load_n(&a->st.evicted, __ATOMIC_RELAXED);
	s->source = a->st.source;
}
