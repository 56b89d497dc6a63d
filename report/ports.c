/*
 * ports.c - the per-responder table (see ports.h): port rows indexed by
 * (protocol, port), service rows in an open-addressing index keyed by
 * (protocol, address, port), and one set of the (protocol, port, role,
 * address) seen, for distinct clients and servers.
 *
 * The set and the service index are keyed with the run's secret hash
 * (lib/keyhash.h): the addresses are strangers' to choose.  The set's
 * entries remember whether an ended flow brought them (persist) or only
 * a live one, and in which refresh (tick), so that a view counts a live
 * flow's client once per refresh and an ended one once for good.  IPv4
 * entries take one word each (the narrow set), others 28 bytes.  A report
 * (defer_distinct) logs its IPv4 entries instead and counts them with one
 * sort when its rows are read.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/grow.h"
#include "../lib/keyhash.h"
#include "../lib/sort.h"
#include "../lib/vmem.h"
#include "names.h"
#include "ports.h"

#define DEF_SERVICES	65536u
#define DEF_DISTINCT	(1u << 22)
/* The distinct log's repeat filter (log4_add): 4096 words, 32 KiB,
 * direct-mapped by a fixed multiplicative hash (colliding words cost
 * only its help), drop 41 % of the benchmark capture's 2.2M words before
 * they are logged and sorted. */
#define LOG4_RECENT_BITS 12
#define LOG4_RECENT	(1u << LOG4_RECENT_BITS)

/* A (protocol, port, role, address) seen. */
struct seen {
	uint8_t addr[16];
	uint16_t port;
	uint8_t pi, role;	/* PI_*, 0 client (orig_h) / 1 server */
	uint8_t used, persist;	/* persist: an ended flow brought it */
	uint8_t pad[2];
	uint32_t tick;		/* the refresh that last counted it live */
};

struct ports {
	struct ports_config c;
	uint32_t *pidx[PI_NUM];		/* port -> rows + 1, made on use */
	struct port_row *rows;
	size_t nrows, cap_rows;
	/* services: states, rows (unless no_service_rows) and an index of
	 * service + 1 (0 empty) */
	struct svc_state *sst;
	size_t nsvc, cap_sst;
	struct port_row *svc;
	size_t cap_svc;
	uint32_t *sidx;
	size_t sidx_cap;
	/* distinct: narrow (IPv4) and wide sets */
	uint64_t *set4;
	uint32_t *tick4;	/* NULL until a view counts live flows */
	size_t set4_cap, set4_n;
	struct seen *set;
	size_t set_cap, set_n;
	uint64_t *log4;		/* defer_distinct: narrow keys (log4_word) */
	size_t log4_n, log4_cap;
	uint64_t log4_recent[LOG4_RECENT];	/* word | 1 last logged at
						   each slot since the last
						   compaction (0: none) */
	uint32_t tick;
	struct ports_stats st;
};

struct ports *ports_new(const struct ports_config *c)
{
	struct ports *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (c)
		t->c = *c;
	if (!t->c.max_services)
		t->c.max_services = DEF_SERVICES;
	if (!t->c.max_distinct)
		t->c.max_distinct = DEF_DISTINCT;
	return t;
}

void ports_free(struct ports *t)
{
	if (!t)
		return;
	for (int i = 0; i < PI_NUM; i++)
		free(t->pidx[i]);
	free(t->rows);
	free(t->sst);
	free(t->svc);
	free(t->sidx);
	vmem_free(t->set4, t->set4_cap * sizeof(*t->set4));
	free(t->tick4);
	free(t->set);
	vmem_free(t->log4, t->log4_cap * sizeof(*t->log4));
	free(t);
}

/* ---- port rows ---------------------------------------------------------- */

long ports_find(const struct ports *t, uint8_t proto, uint16_t port)
{
	int pi = rep_port_index(proto);

	if (pi < 0 || !t->pidx[pi] || !t->pidx[pi][port])
		return -1;
	return (long)t->pidx[pi][port] - 1;
}

static struct port_row *port_get(struct ports *t, uint8_t proto, int pi,
				 uint16_t port)
{
	uint32_t *idx = t->pidx[pi];

	if (!idx && !(idx = t->pidx[pi] = calloc(65536, sizeof(*idx))))
		return NULL;
	if (idx[port])
		return &t->rows[idx[port] - 1];
	if (grow_array((void **)&t->rows, &t->cap_rows, t->nrows + 1,
		       sizeof(*t->rows)) < 0)
		return NULL;
	port_row_init(&t->rows[t->nrows], proto, port);
	idx[port] = (uint32_t)++t->nrows;
	return &t->rows[t->nrows - 1];
}

/* ---- services ------------------------------------------------------------ */

struct svc_key {
	uint8_t addr[16];
	uint16_t port;
	uint8_t proto, ipv;
};

/* A service's own state: what its port's server_state needs, kept for
 * every service; its full row (svc[], same index) unless no_service_rows
 * (the ports report: 32 bytes a service instead of 784, in a table of
 * their own: sst_get). */
struct svc_state {
	struct svc_key k;
	uint8_t state;		/* enum ft_port_state, as its row's */
	uint8_t folded;		/* a flow was folded in */
	uint8_t pad[2];
	int64_t state_ns;
};

/* An IPv4 service is hashed as one word (address, port, protocol, 4):
 * one SipHash block instead of three. */
static uint64_t svc_hash(const struct svc_key *k)
{
	uint64_t w;
	uint32_t a4;

	if (k->ipv != 4)
		return keyhash(k, sizeof(*k));
	memcpy(&a4, k->addr, 4);
	w = (uint64_t)a4 | (uint64_t)k->port << 32 |
	    (uint64_t)k->proto << 48 | (uint64_t)4 << 56;
	return keyhash(&w, sizeof(w));
}

/* The first slot service hash h probes, into the cache while the flow's
 * port row is folded: one random touch per ended flow.  Inlined always:
 * as a function of its own that only prefetches, GCC 12 at -O2 dropped
 * its calls as calls without effect. */
static inline __attribute__((always_inline)) void
svc_prefetch(const struct ports *t, uint64_t h)
{
	if (t->c.no_service_rows && t->cap_sst)
		__builtin_prefetch(&t->sst[h & (t->cap_sst - 1)], 1);
	else if (!t->c.no_service_rows && t->sidx_cap)
		__builtin_prefetch(&t->sidx[h & (t->sidx_cap - 1)]);
}

static int svc_is(const struct svc_key *a, const struct svc_key *k)
{
	return a->port == k->port && a->proto == k->proto &&
	       a->ipv == k->ipv && !memcmp(a->addr, k->addr, 16);
}

static int svc_reindex(struct ports *t, size_t cap)
{
	uint32_t *ni = calloc(cap, sizeof(*ni));

	if (!ni)
		return -1;
	free(t->sidx);
	t->sidx = ni;
	t->sidx_cap = cap;
	for (size_t i = 0; i < t->nsvc; i++) {
		size_t j;

		for (j = svc_hash(&t->sst[i].k) & (cap - 1); ni[j];
		     j = (j + 1) & (cap - 1))
			;
		ni[j] = (uint32_t)i + 1;
	}
	return 0;
}

/* A new service k at index nsvc (its row too, unless no_service_rows);
 * -1 when memory is short. */
static int svc_new(struct ports *t, const struct svc_key *k)
{
	if (grow_array((void **)&t->sst, &t->cap_sst, t->nsvc + 1,
		       sizeof(*t->sst)) < 0 ||
	    (!t->c.no_service_rows &&
	     grow_array((void **)&t->svc, &t->cap_svc, t->nsvc + 1,
			sizeof(*t->svc)) < 0))
		return -1;
	memset(&t->sst[t->nsvc], 0, sizeof(t->sst[t->nsvc]));
	t->sst[t->nsvc].k = *k;
	t->sst[t->nsvc].state_ns = INT64_MIN;
	if (!t->c.no_service_rows) {
		struct port_row *r = &t->svc[t->nsvc];

		port_row_init(r, k->proto, k->port);
		r->ipv = k->ipv;
		memcpy(r->addr, k->addr, 16);
	}
	return 0;
}

/* no_service_rows: the states are their own index (open addressing, at
 * most half full, ipv 0 in empty slots): one cache miss a flow, not an
 * index slot's and then its state's.  cap_sst slots. */
static int sst_grow(struct ports *t, size_t cap)
{
	struct svc_state *ns = calloc(cap, sizeof(*ns));

	if (!ns)
		return -1;
	for (size_t i = 0; i < t->cap_sst; i++) {
		size_t j;

		if (!t->sst[i].k.ipv)
			continue;
		for (j = svc_hash(&t->sst[i].k) & (cap - 1); ns[j].k.ipv;
		     j = (j + 1) & (cap - 1))
			;
		ns[j] = t->sst[i];
	}
	free(t->sst);
	t->sst = ns;
	t->cap_sst = cap;
	return 0;
}

static long sst_get(struct ports *t, const struct svc_key *k, uint64_t h)
{
	size_t j, m;

	if (2 * (t->nsvc + 1) > t->cap_sst &&
	    t->nsvc < t->c.max_services &&
	    sst_grow(t, t->cap_sst ? 2 * t->cap_sst : 1024) < 0)
		return -1;
	if (!t->cap_sst)
		return -1;
	m = t->cap_sst - 1;
	for (j = h & m; t->sst[j].k.ipv; j = (j + 1) & m)
		if (svc_is(&t->sst[j].k, k))
			return (long)j;
	if (t->nsvc >= t->c.max_services)
		return -1;
	t->sst[j].k = *k;
	t->sst[j].state_ns = INT64_MIN;
	t->nsvc++;
	return (long)j;
}

/* The index of service k, made when new; -1 when the table is full (the
 * flow is counted in services_dropped) or memory is short. */
static long svc_get(struct ports *t, const struct svc_key *k, uint64_t h)
{
	size_t j;

	if (t->c.no_service_rows)
		return sst_get(t, k, h);

	if (2 * (t->nsvc + 1) > t->sidx_cap &&
	    t->nsvc < t->c.max_services &&
	    svc_reindex(t, t->sidx_cap ? 2 * t->sidx_cap : 1024) < 0)
		return -1;
	if (!t->sidx_cap)
		return -1;
	for (j = h & (t->sidx_cap - 1); t->sidx[j];
	     j = (j + 1) & (t->sidx_cap - 1))
		if (svc_is(&t->sst[t->sidx[j] - 1].k, k))
			return (long)t->sidx[j] - 1;
	if (t->nsvc >= t->c.max_services || svc_new(t, k) < 0)
		return -1;
	t->sidx[j] = (uint32_t)++t->nsvc;
	return (long)t->nsvc - 1;
}

/* Fold flow v into its service i, and the service's move between states
 * into its port p's server_state. */
static void svc_fold(struct ports *t, size_t i, struct port_row *p,
		     const struct ft_view *v, const struct attr_end end[2])
{
	struct svc_state *ss = &t->sst[i];
	int was = ss->folded ? ss->state : -1;	/* -1: a new service */

	if (!t->c.no_service_rows)
		port_row_fold(&t->svc[i], v, end);
	/* the rule port_row_fold gives the row's state by */
	rep_port_verdict(&ss->state, &ss->state_ns, v->port_state,
			 v->first_ns);
	ss->folded = 1;
	if (was >= 0)
		p->server_state[was]--;
	p->server_state[ss->state]++;
}

/* ---- distinct addresses --------------------------------------------------- */

/* An IPv4 address (flow keys keep it in the first 4 bytes, the rest zero)
 * with its port, protocol and role fits in one word: such keys live in
 * the narrow set, 8 bytes an entry instead of 28 (a third of the memory
 * and of the cache lines a probe touches).  Every other address lives in
 * the wide set.  The word: bit 63 used, bit 62 persist, then address (32
 * bits) << 19 | port << 3 | protocol index << 1 | role.  The refresh of
 * each narrow entry is kept apart (tick4), made when a view first asks:
 * a report never does. */
#define S4_USED		(1ull << 63)
#define S4_PERSIST	(1ull << 62)
_Static_assert(PI_NUM <= 4, "the protocol index takes 2 bits");

static int is_narrow(const uint8_t *a)
{
	static const uint8_t zero[12];

	return memcmp(a + 4, zero, sizeof(zero)) == 0;
}

static uint64_t seen4_word(const struct seen *k)
{
	const uint8_t *a = k->addr;
	uint32_t a4 = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
		      (uint32_t)a[2] << 8 | a[3];

	return S4_USED | (uint64_t)a4 << 19 | (uint64_t)k->port << 3 |
	       (uint64_t)k->pi << 1 | k->role;
}

static uint64_t seen4_hash(uint64_t w)
{
	w &= ~S4_PERSIST;
	return keyhash(&w, sizeof(w));
}

static size_t seen4_slot(uint64_t w, size_t cap)
{
	return (size_t)seen4_hash(w) & (cap - 1);
}

/* The first slot to try for k in a set of cap (a power of two) slots. */
static size_t seen_slot(const struct seen *k, size_t cap)
{
	return (size_t)keyhash(k, offsetof(struct seen, used)) & (cap - 1);
}

static int seen_eq(const struct seen *a, const struct seen *b)
{
	return a->port == b->port && a->pi == b->pi && a->role == b->role &&
	       memcmp(a->addr, b->addr, 16) == 0;
}

/* The narrow set at cap slots (rehashed); -1 when memory is short. */
static int seen4_grow(struct ports *t, size_t cap)
{
	uint64_t *nw = vmem_alloc(cap * sizeof(*nw));
	uint32_t *nt = t->tick4 ? calloc(cap, sizeof(*nt)) : NULL;

	if (!nw || (t->tick4 && !nt)) {
		vmem_free(nw, cap * sizeof(*nw));
		free(nt);
		return -1;
	}
	for (size_t i = 0; i < t->set4_cap; i++) {
		size_t j;

		if (!t->set4[i])
			continue;
		for (j = seen4_slot(t->set4[i], cap); nw[j];
		     j = (j + 1) & (cap - 1))
			;
		nw[j] = t->set4[i];
		if (nt)
			nt[j] = t->tick4[i];
	}
	vmem_free(t->set4, t->set4_cap * sizeof(*nw));
	free(t->tick4);
	t->set4 = nw;
	t->tick4 = nt;
	t->set4_cap = cap;
	return 0;
}

/* The wide set at cap slots (rehashed); -1 when memory is short. */
static int seen_grow(struct ports *t, size_t cap)
{
	struct seen *ns = calloc(cap, sizeof(*ns));

	if (!ns)
		return -1;
	for (size_t i = 0; i < t->set_cap; i++) {
		size_t j;

		if (!t->set[i].used)
			continue;
		for (j = seen_slot(&t->set[i], cap); ns[j].used;
		     j = (j + 1) & (cap - 1))
			;
		ns[j] = t->set[i];
	}
	free(t->set);
	t->set = ns;
	t->set_cap = cap;
	return 0;
}

/* Room for one more entry in the narrow (narrow set) or wide set (each
 * up to 3/4 full); 0 when there is none. */
static int seen_room(struct ports *t, int narrow)
{
	size_t n = narrow ? t->set4_n : t->set_n;
	size_t cap = narrow ? t->set4_cap : t->set_cap;

	if (t->set4_n + t->set_n >= t->c.max_distinct) {
		t->st.distinct_capped = 1;
		return 0;
	}
	if (4 * (n + 1) <= 3 * cap)
		return 1;
	cap = cap ? 2 * cap : 4096;
	if ((narrow ? seen4_grow(t, cap) : seen_grow(t, cap)) < 0) {
		t->st.distinct_capped = 1;
		return 0;
	}
	return 1;
}

/* An entry found again (kept: an ended flow brought it; tick: the refresh
 * that last counted it live): 1 when it counts now.  *keep: it is kept
 * for good from now on. */
static int seen_again(const struct ports *t, int kept, uint32_t *tick,
		      int persist, int *keep)
{
	*keep = 0;
	if (kept)
		return 0;
	if (persist) {
		/* a live flow's address ended: keep it for good */
		*keep = 1;
		return 1;
	}
	if (*tick == t->tick)
		return 0;
	*tick = t->tick;
	return 1;
}

/* seen_count for narrow word w of hash h (seen4_hash). */
static int seen4_count(struct ports *t, uint64_t w, uint64_t h, int persist)
{
	int room = seen_room(t, 1), keep;
	uint32_t none = 0;
	size_t j;

	if (!t->set4_cap)
		return 0;
	if (t->tick && !t->tick4 &&
	    !(t->tick4 = calloc(t->set4_cap, sizeof(*t->tick4)))) {
		t->st.distinct_capped = 1;	/* a view without memory */
		return 0;
	}
	for (j = (size_t)h & (t->set4_cap - 1); t->set4[j];
	     j = (j + 1) & (t->set4_cap - 1)) {
		if ((t->set4[j] & ~S4_PERSIST) != w)
			continue;
		int c = seen_again(t, !!(t->set4[j] & S4_PERSIST),
				   t->tick4 ? &t->tick4[j] : &none, persist,
				   &keep);
		if (keep)
			t->set4[j] |= S4_PERSIST;
		return c;
	}
	if (!room)
		return 0;
	t->set4[j] = w | (persist ? S4_PERSIST : 0);
	if (t->tick4)
		t->tick4[j] = t->tick;
	t->set4_n++;
	return 1;
}

/* Count k: 1 when it is new for this purpose (persist: an ended flow's,
 * never kept for good before; else a live flow's, neither kept nor
 * counted this refresh), else 0.  When the set is full, nothing new is
 * kept and nothing new counts. */
static int seen_count(struct ports *t, const struct seen *k, int persist)
{
	int room, keep;
	size_t j;

	if (is_narrow(k->addr)) {
		uint64_t w = seen4_word(k);

		return seen4_count(t, w, seen4_hash(w), persist);
	}
	room = seen_room(t, 0);
	if (!t->set_cap)
		return 0;
	for (j = seen_slot(k, t->set_cap); t->set[j].used;
	     j = (j + 1) & (t->set_cap - 1)) {
		struct seen *e = &t->set[j];

		if (!seen_eq(e, k))
			continue;
		int c = seen_again(t, e->persist, &e->tick, persist, &keep);
		if (keep)
			e->persist = 1;
		return c;
	}
	if (!room)
		return 0;
	t->set[j] = *k;
	t->set[j].used = 1;
	t->set[j].persist = (uint8_t)persist;
	t->set[j].tick = t->tick;
	t->set_n++;
	return 1;
}

/* The (port, role, address) key of a flow's client (role 0) or server. */
static void seen_key(struct seen *k, const struct ft_view *v, int pi,
		     int role)
{
	const uint8_t *a = (v->orig_is_a ^ role) ? v->key.a : v->key.b;

	memset(k, 0, sizeof(*k));
	memcpy(k->addr, a, 16);
	k->port = v->orig_is_a ? v->key.pb : v->key.pa;
	k->pi = (uint8_t)pi;
	k->role = (uint8_t)role;
}

/* ---- distinct addresses, deferred (reports) ------------------------------ *
 *
 * A report never asks about live flows, so its IPv4 keys need not be
 * counted as they come: they are appended to a log (sequential writes)
 * and sorted when it fills (sort_unique_u64: linear, whatever the keys)
 * and when the rows are read.  A log word: (protocol index, role, port)
 * << 33 | address << 1 | counted, 52 bits; sorted, one group's addresses
 * lie together, and an address already counted by an earlier settle
 * keeps its bit (its copy without the bit sorts just before it). */
#define LOG4_SORT (1u << 22)	/* 32 MiB: compacted from this size on;
				   reserved whole at the first entry (vmem:
				   address space until written, so no copy
				   while it fills) */

static uint64_t log4_word(const struct seen *k)
{
	const uint8_t *a = k->addr;
	uint64_t g = (uint64_t)k->pi << 17 | (uint64_t)k->role << 16 | k->port;
	uint32_t a4 = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
		      (uint32_t)a[2] << 8 | a[3];

	return g << 33 | (uint64_t)a4 << 1;
}

/* Sort the log, drop repeats (an entry counted before absorbs its
 * uncounted copies), and apply max_distinct: 0, or -1 without memory.
 * The log and the sort's buffer are vmem's (huge pages): 4 KiB pages
 * cost a fault each as they are first written (5 % of a ports report of
 * 1.1M flows). */
static int log4_compact(struct ports *t)
{
	size_t len = t->log4_n * sizeof(uint64_t) + 1;
	uint64_t *tmp = vmem_alloc(len);
	size_t n, m = 0;

	if (!tmp)
		return -1;
	/* what is logged next is a repeat only of what this leaves (what
	 * max_distinct drops below must be logged again to be dropped
	 * again, as without the filter) */
	memset(t->log4_recent, 0, sizeof(t->log4_recent));
	n = sort_unique_u64(t->log4, t->log4_n, tmp);
	vmem_free(tmp, len);
	for (size_t i = 0; i < n; i++) {
		uint64_t w = t->log4[i];

		if (m && (t->log4[m - 1] | 1) == (w | 1))
			t->log4[m - 1] = w | 1;	/* counted before */
		else
			t->log4[m++] = w;
	}
	if (m + t->set_n > t->c.max_distinct) {
		m = t->set_n < t->c.max_distinct ?
			    t->c.max_distinct - t->set_n : 0;
		t->st.distinct_capped = 1;
	}
	t->log4_n = t->set4_n = m;	/* set4_n: what max_distinct sees */
	return 0;
}

/* Log k.  A full log (LOG4_SORT entries at first: each sort reads the
 * whole log, sorting a small one often costs more than the memory saved)
 * is compacted first and doubled only when that left it half full. */
static void log4_add(struct ports *t, const struct seen *k)
{
	uint64_t w = log4_word(k);
	uint64_t *r = &t->log4_recent[(w * 0x9e3779b97f4a7c15u) >>
				      (64 - LOG4_RECENT_BITS)];

	if (*r == (w | 1))
		return;	/* a repeat: the compaction would drop it */
	*r = w | 1;
	if (t->log4_n == t->log4_cap) {
		size_t cap = t->log4_cap ? t->log4_cap : LOG4_SORT;

		if (t->log4_n && log4_compact(t) < 0)
			cap = 0;
		else if (2 * t->log4_n > cap)
			cap *= 2;
		if (cap > t->log4_cap) {
			uint64_t *nl = vmem_alloc(cap * sizeof(*nl));

			if (nl) {
				if (t->log4_n)	/* (the first: log4 NULL) */
					memcpy(nl, t->log4,
					       t->log4_n * sizeof(*nl));
				vmem_free(t->log4,
					  t->log4_cap * sizeof(*nl));
				t->log4 = nl;
				t->log4_cap = cap;
			}
		}
		if (t->log4_n == t->log4_cap) {
			t->st.distinct_capped = 1;
			return;
		}
	}
	t->log4[t->log4_n++] = w;
}

void ports_settle(struct ports *t)
{
	if (!t->log4_n)
		return;
	if (log4_compact(t) < 0) {
		t->st.distinct_capped = 1;	/* what was counted stays */
		return;
	}
	for (size_t i = 0; i < t->log4_n; i++) {
		uint64_t w = t->log4[i], g = w >> 33;
		uint32_t *idx = t->pidx[g >> 17];

		if (w & 1)
			continue;
		t->log4[i] = w | 1;
		/* logged only after port_get made the row */
		if (idx && idx[g & 0xffff])
			*((g >> 16 & 1) ? &t->rows[idx[g & 0xffff] - 1].servers :
			  &t->rows[idx[g & 0xffff] - 1].clients) += 1;
	}
}

/* ---- flows in ------------------------------------------------------------- */

/* A flow's client (role 0) and server keys for the distinct sets; narrow
 * ones with their word and hash, and their slots asked from memory now:
 * the probes come after the flow's other work, their misses overlapped. */
struct seen_pair {
	struct seen k[2];
	uint64_t w[2], h[2];	/* w 0: a wide key */
};

static void seen_prefetch(const struct ports *t, const struct ft_view *v,
			  int pi, struct seen_pair *sp)
{
	for (int role = 0; role < 2; role++) {
		seen_key(&sp->k[role], v, pi, role);
		sp->w[role] = 0;
		if (!is_narrow(sp->k[role].addr))
			continue;
		sp->w[role] = seen4_word(&sp->k[role]);
		if (t->c.defer_distinct)
			continue;	/* logged, not probed */
		sp->h[role] = seen4_hash(sp->w[role]);
		if (t->set4_cap)
			__builtin_prefetch(&t->set4[sp->h[role] &
						    (t->set4_cap - 1)]);
	}
}

static void seen_fold(struct ports *t, struct port_row *p,
		      const struct seen_pair *sp)
{
	for (int role = 0; role < 2; role++) {
		if (sp->w[role] && t->c.defer_distinct)
			log4_add(t, &sp->k[role]);
		else if (sp->w[role] ? seen4_count(t, sp->w[role],
						   sp->h[role], 1) :
				       seen_count(t, &sp->k[role], 1))
			*(role ? &p->servers : &p->clients) += 1;
	}
}

const struct port_row *ports_add(struct ports *t, const struct ft_view *v,
				 const struct attr_end end[2])
{
	int pi = rep_port_index(v->key.proto);
	uint16_t rp = v->orig_is_a ? v->key.pb : v->key.pa;
	struct port_row *p;
	struct seen_pair sp;
	struct svc_key sk = { .port = rp, .proto = v->key.proto,
			      .ipv = (v->key.flags & FT_K_V6) ? 6 : 4 };
	uint64_t h = 0;

	if (pi < 0 || !(v->key.flags & FT_K_PORTS))
		return NULL;	/* no ports: not in this table */
	if (!t->c.no_distinct)
		seen_prefetch(t, v, pi, &sp);
	if (!t->c.no_services) {
		memcpy(sk.addr, v->orig_is_a ? v->key.b : v->key.a, 16);
		svc_prefetch(t, h = svc_hash(&sk));
	}
	if (!(p = port_get(t, v->key.proto, pi, rp))) {
		t->st.nomem = 1;
		return NULL;
	}
	port_row_fold(p, v, end);
	if (!t->c.no_services) {
		long i = svc_get(t, &sk, h);
		if (i >= 0)
			svc_fold(t, (size_t)i, p, v, end);
		else
			t->st.services_dropped++;
	}
	if (!t->c.no_distinct)
		seen_fold(t, p, &sp);
	return p;
}

int ports_listen(struct ports *t, const struct attr_listener *l)
{
	int pi = rep_port_index(l->proto);
	struct port_row *p;

	if (pi < 0)
		return 0;
	if (!(p = port_get(t, l->proto, pi, l->port)))
		return -1;
	port_row_listen(p, l);
	return 0;
}

void ports_live_begin(struct ports *t)
{
	t->tick++;
}

void ports_live_distinct(struct ports *t, const struct ft_view *v,
			 uint64_t *clients, uint64_t *servers)
{
	int pi = rep_port_index(v->key.proto);
	struct seen k;

	*clients = *servers = 0;
	if (pi < 0 || !(v->key.flags & FT_K_PORTS) || t->c.no_distinct)
		return;
	seen_key(&k, v, pi, 0);
	*clients = (uint64_t)seen_count(t, &k, 0);
	seen_key(&k, v, pi, 1);
	*servers = (uint64_t)seen_count(t, &k, 0);
}

/* ---- rows out ------------------------------------------------------------- */

size_t ports_nports(const struct ports *t)
{
	return t->nrows;
}

const struct port_row *ports_port(const struct ports *t, size_t i)
{
	return i < t->nrows ? &t->rows[i] : NULL;
}

size_t ports_nservices(const struct ports *t)
{
	return t->c.no_service_rows ? 0 : t->nsvc;
}

const struct port_row *ports_service(const struct ports *t, size_t i)
{
	return i < ports_nservices(t) ? &t->svc[i] : NULL;
}

void ports_get_stats(const struct ports *t, struct ports_stats *s)
{
	*s = t->st;
}
