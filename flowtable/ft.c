/*
 * ft.c - the flow table (see ft.h).
 *
 * Records live in one array of max_flows cache-line-aligned slots, taken
 * from and returned to a free stack (most recently freed first, so a busy
 * table keeps touching the same memory).  The index is a separate open-
 * addressing array of 8-byte entries (keyed hash in the high half, record
 * number + 1 in the low half), at most half full, with linear probing and
 * backward-shift deletion, so no tombstones ever slow lookups.  Only the
 * writer touches the index; readers scan records (ft_read).
 *
 * Flows end lazily: when their next packet finds them removed by Zeek's
 * timers, when a sweep (one record per packet, a clock hand) finds them
 * removed, or when a new flow needs a record and none is free (the sweep
 * then reclaims removed flows first and evicts the idlest flow of a sample
 * only when none is removed).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/clock.h"
#include "../lib/keyhash.h"
#include "gone.h"
#include "conn.h"
#include "../lib/seqlock.h"
#include "../lib/vmem.h"

#define NS	   NS_PER_S
#define ST_SET(field, v) __atomic_store_n(&(field), (v), __ATOMIC_RELAXED)
#define EVICT_SAMPLE 64
#define SWEEP_AHEAD 8

/* A published view with its sequence counter (seqlock.h).  A record
 * without a flow holds an all-zero view (id 0). */
struct ft_pub {
	uint32_t seq;		/* odd while the writer updates v */
	uint32_t pending;	/* the writer's own: v is to be published
				   at the end of the call (pub_mark) */
	struct ft_view v;
};

#define PUB_PENDING 64	/* flows whose views wait for the end of a call */

struct ft_table {
	struct ft_config cfg;
	struct conn_timeouts to;
	ft_done_fn done;
	void *arg;
	ft_new_fn new_flow;
	void *new_arg;
	struct ft_flow *flows;	/* cap records */
	struct ft_pub *pub;	/* cap views when cfg.publish, else NULL */
	uint64_t *index;	/* imask + 1 slots */
	uint32_t *free_stack;
	int64_t *due;		/* cap: each record's deadline_ns while in
				   use, INT64_MAX once freed (sweep reads
				   8 bytes a record, not its 704) */
	int64_t *last;		/* cap: each record's last_ns while in use,
				   INT64_MAX once freed: eviction compares
				   64 of these a new flow, not 64 records */
	size_t flows_bytes;
	uint32_t nfree, cap, imask, hand;
	uint32_t hwm;		/* records ever handed out: 0..hwm-1 */
	int64_t now;		/* latest packet time seen */
	uint64_t next_id;	/* creation ids, hidden flows included */
	struct {			/* the flow of each layer of the frame
					   being counted: what its uid is
					   hashed from (copied: the inner
					   flow's record may move or evict it) */
		int64_t first_ns;
		uint64_t id;
	} layer[DEC_MAX_LAYERS];
	struct ft_stats st;
	struct gone_tab *gone;	/* sockets that closed; NULL until one */
	uint32_t gone_epoch;	/* closes taken (flows compare theirs) */
	uint32_t npending;	/* records in pending[] */
	uint32_t pending[PUB_PENDING];	/* records to publish (pub[].pending) */
};

static const char *const cs_names[FT_CS_NUM] = {
	"OTH", "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR",
	"RSTOS0", "RSTRH", "SH", "SHR",
};

const char *ft_conn_state_name(int cs)
{
	return cs >= 0 && cs < FT_CS_NUM ? cs_names[cs] : "OTH";
}

static uint32_t index_slots(uint32_t max_flows)
{
	uint32_t n = 2;

	while (n < 2ull * max_flows)
		n <<= 1;
	return n;
}

static void apply_defaults(struct ft_config *c)
{
	static const int64_t zeek[FT_NKIND] = { 300 * NS, 60 * NS, 60 * NS,
						60 * NS };

	if (c->max_flows == 0)
		c->max_flows = FT_DEFAULT_FLOWS;
	for (int i = 0; i < FT_NKIND; i++)
		if (c->timeout_ns[i] <= 0)
			c->timeout_ns[i] = zeek[i];
}

size_t ft_memory(const struct ft_config *cfg)
{
	struct ft_config c = *cfg;

	apply_defaults(&c);
	return sizeof(struct ft_flow) * c.max_flows +
	       (size_t)index_slots(c.max_flows) * sizeof(uint64_t) +
	       (size_t)c.max_flows * (sizeof(uint32_t) + 2 * sizeof(int64_t)) +
	       (c.publish ? sizeof(struct ft_pub) * c.max_flows : 0);
}

struct ft_table *ft_create(const struct ft_config *cfg, ft_done_fn done,
			   void *arg)
{
	struct ft_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->cfg = *cfg;
	apply_defaults(&t->cfg);
	if (t->cfg.max_flows > (1u << 30)) {
		free(t);
		errno = EINVAL;
		return NULL;
	}
	memcpy(t->to.ns, t->cfg.timeout_ns, sizeof(t->to.ns));
	t->done = done;
	t->arg = arg;
	t->cap = t->cfg.max_flows;
	t->imask = index_slots(t->cap) - 1;
	/* Anonymous memory is zero and not resident until touched, and
	 * records are handed out from 0 upwards: a large table that is
	 * mostly idle costs address space, not RAM. */
	t->flows_bytes = sizeof(struct ft_flow) * t->cap;
	t->flows = vmem_alloc(t->flows_bytes);
	t->index = calloc((size_t)t->imask + 1, sizeof(uint64_t));
	t->free_stack = malloc(sizeof(uint32_t) * t->cap);
	t->due = vmem_alloc(sizeof(int64_t) * t->cap);	/* set as used */
	t->last = vmem_alloc(sizeof(int64_t) * t->cap);
	if (t->cfg.publish)
		t->pub = calloc(t->cap, sizeof(struct ft_pub));
	if (!t->flows || !t->index || !t->free_stack || !t->due || !t->last ||
	    (t->cfg.publish && !t->pub)) {
		ft_destroy(t);
		errno = ENOMEM;
		return NULL;
	}
	for (uint32_t i = 0; i < t->cap; i++)
		t->free_stack[i] = t->cap - 1 - i;   /* pop 0 first */
	t->nfree = t->cap;
	return t;
}

void ft_destroy(struct ft_table *t)
{
	if (!t)
		return;
	vmem_free(t->flows, t->flows_bytes);
	free(t->index);
	free(t->free_stack);
	vmem_free(t->due, sizeof(int64_t) * t->cap);
	vmem_free(t->last, sizeof(int64_t) * t->cap);
	free(t->pub);
	gone_free(t->gone);
	free(t);
}

void ft_set_new_flow(struct ft_table *t, ft_new_fn fn, void *arg)
{
	t->new_flow = fn;
	t->new_arg = arg;
}

uint32_t ft_capacity(const struct ft_table *t)
{
	return __atomic_load_n(&t->hwm, __ATOMIC_ACQUIRE);
}

void ft_get_stats(const struct ft_table *t, struct ft_stats *s)
{
	s->created = __atomic_load_n(&t->st.created, __ATOMIC_RELAXED);
	s->ended = __atomic_load_n(&t->st.ended, __ATOMIC_RELAXED);
	s->evicted = __atomic_load_n(&t->st.evicted, __ATOMIC_RELAXED);
	s->active = __atomic_load_n(&t->st.active, __ATOMIC_RELAXED);
	s->max_active = __atomic_load_n(&t->st.max_active, __ATOMIC_RELAXED);
}

/* ---- keys and the index ------------------------------------------------ */

/* Zeek ICMP4_counterpart / ICMP6_counterpart: request/reply pairs share a
 * connection; every other message is one-way with the code as "port". */
static uint16_t icmp_counterpart(int v6, uint16_t type, uint16_t code,
				 int *one_way)
{
	static const uint8_t v4[][2] = { { 8, 0 }, { 13, 14 }, { 15, 16 },
					 { 10, 9 }, { 17, 18 } };
	static const uint8_t v6p[][2] = { { 128, 129 }, { 133, 134 },
					  { 135, 136 }, { 130, 131 },
					  { 139, 140 }, { 144, 145 } };
	const uint8_t(*tab)[2] = v6 ? v6p : v4;
	size_t n = v6 ? sizeof(v6p) / 2 : sizeof(v4) / 2;

	*one_way = 0;
	for (size_t i = 0; i < n; i++) {
		if (tab[i][0] == type)
			return tab[i][1];
		if (tab[i][1] == type)
			return tab[i][0];
	}
	*one_way = 1;
	return code;
}

/* memcmp(a, b, 16)'s sign, in two 8-byte words read as big-endian
 * numbers: inline, where a call to memcmp was 1.3 % of a ports report's
 * instructions (one a packet). */
static inline int addr_cmp(const uint8_t *a, const uint8_t *b)
{
	for (int i = 0; i < 16; i += 8) {
		uint64_t x, y;

		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			x = __builtin_bswap64(x);
			y = __builtin_bswap64(y);
#endif
			return x < y ? -1 : 1;
		}
	}
	return 0;
}

static void make_key(const struct dec_pkt *p, struct ft_key *k)
{
	uint16_t sp = 0, dp = 0;
	int one_way = 0, swap;

	memset(k, 0, sizeof(*k));
	k->proto = p->proto;
	k->vlan = p->vlan;
	if (p->ipv == 6)
		k->flags |= FT_K_V6;
	if (p->l4 & DEC_L4_PORTS) {
		k->flags |= FT_K_PORTS;
		sp = p->sport;
		dp = p->dport;
		if (p->proto == 1 || p->proto == 58)
			dp = icmp_counterpart(p->proto == 58, sp, dp, &one_way);
	}
	if (one_way) {
		k->flags |= FT_K_ONEWAY;
		swap = 0;
	} else {
		int c = addr_cmp(p->src, p->dst);

		swap = c > 0 || (c == 0 && sp > dp);
	}
	memcpy(k->a, swap ? p->dst : p->src, 16);
	memcpy(k->b, swap ? p->src : p->dst, 16);
	k->pa = swap ? dp : sp;
	k->pb = swap ? sp : dp;
}

/* IPv4 keys are hashed in a compact 16-byte form: fewer SipHash rounds. */
static uint64_t key_hash(const struct ft_key *k)
{
	uint8_t b[16];

	if (k->flags & FT_K_V6)
		return keyhash(k, sizeof(*k));
	memcpy(b, k->a, 4);
	memcpy(b + 4, k->b, 4);
	memcpy(b + 8, &k->pa, 2);
	memcpy(b + 10, &k->pb, 2);
	memcpy(b + 12, &k->vlan, 2);
	b[14] = k->proto;
	b[15] = k->flags;
	return keyhash(b, sizeof(b));
}

#define ENT(h, rec) ((uint64_t)(uint32_t)(h) << 32 | ((uint64_t)(rec) + 1))
#define ENT_REC(e)  ((uint32_t)(e) - 1)
#define ENT_HOME(t, e) ((uint32_t)((e) >> 32) & (t)->imask)

static int64_t lookup(const struct ft_table *t, const struct ft_key *k,
		      uint64_t h)
{
	uint32_t i = (uint32_t)h & t->imask;
	uint32_t tag = (uint32_t)h;

	for (;; i = (i + 1) & t->imask) {
		uint64_t e = t->index[i];

		if (e == 0)
			return -1;
		if ((uint32_t)(e >> 32) == tag &&
		    memcmp(&t->flows[ENT_REC(e)].key, k, sizeof(*k)) == 0)
			return ENT_REC(e);
	}
}

static void index_insert(struct ft_table *t, uint64_t h, uint32_t rec)
{
	uint32_t i = (uint32_t)h & t->imask;

	while (t->index[i])
		i = (i + 1) & t->imask;
	t->index[i] = ENT(h, rec);
	t->flows[rec].slot = i;
}

/* Backward-shift deletion (Knuth 6.4, algorithm R). */
static void index_delete(struct ft_table *t, uint32_t i)
{
	uint32_t j = i;

	for (;;) {
		j = (j + 1) & t->imask;
		uint64_t e = t->index[j];
		if (e == 0)
			break;
		uint32_t home = ENT_HOME(t, e);
		/* move e back to i unless its home lies cyclically in (i, j] */
		if ((i <= j) ? (home <= i || home > j) : (home <= i && home > j)) {
			t->index[i] = e;
			t->flows[ENT_REC(e)].slot = i;
			i = j;
		}
	}
	t->index[i] = 0;
}

/* ---- publishing (seqlock writer side) ----------------------------------- */

SEQLOCK_DATA(struct ft_view);

static void publish(struct ft_table *t, uint32_t rec, const struct ft_view *v)
{
	struct ft_pub *p = &t->pub[rec];
	struct ft_view dead;

	if (!v) {		/* the flow ended: an empty, not-live view */
		memset(&dead, 0, sizeof(dead));
		v = &dead;
	}
	seqlock_store(&p->seq, &p->v, v, sizeof(*v));
}

/* The views of the flows packets changed, once each (pub_mark). */
static void pub_flush(struct ft_table *t)
{
	struct ft_view v;

	for (uint32_t i = 0; i < t->npending; i++) {
		uint32_t rec = t->pending[i];

		if (!t->pub[rec].pending)	/* ended since, or listed twice */
			continue;
		t->pub[rec].pending = 0;
		conn_view(&t->flows[rec], FT_END_ACTIVE, t->now, &v);
		publish(t, rec, &v);
	}
	t->npending = 0;
}

/* Publish rec's view at the end of this ft_packet(s) call, not at each
 * packet: a busy flow's 312-byte view is built and copied once a call
 * (readers look a few times a second). */
static void pub_mark(struct ft_table *t, uint32_t rec)
{
	if (t->pub[rec].pending)
		return;
	if (t->npending == PUB_PENDING)
		pub_flush(t);
	t->pub[rec].pending = 1;
	t->pending[t->npending++] = rec;
}

int ft_read(const struct ft_table *t, uint32_t i, struct ft_view *v)
{
	if (!t->pub || i >= t->cap)
		return 0;
	seqlock_load(&t->pub[i].seq, v, &t->pub[i].v, sizeof(*v));
	return v->end == FT_END_ACTIVE && v->id != 0;
}

/* ---- flow life --------------------------------------------------------- */

/* Whether readers and `done` see f: a hidden flow only when the table
 * publishes hidden flows (ft_config.publish_hidden). */
static int readable(const struct ft_table *t, const struct ft_flow *f)
{
	return !f->hidden || t->cfg.publish_hidden;
}

static void end_flow(struct ft_table *t, uint32_t rec, uint8_t why)
{
	struct ft_flow *f = &t->flows[rec];
	struct ft_view v;
	int shown = readable(t, f);

	if (shown)
		conn_view(f, why, t->now, &v);
	if (t->pub && shown) {
		t->pub[rec].pending = 0;
		publish(t, rec, NULL);
	}
	index_delete(t, f->slot);
	f->in_use = 0;
	t->due[rec] = INT64_MAX;
	t->last[rec] = INT64_MAX;
	t->free_stack[t->nfree++] = rec;
	if (!shown)	/* a tunnel's envelope nobody asked to see */
		return;
	if (f->hidden) {	/* cfg.publish_hidden: ended, not counted */
		t->done(t->arg, &v);
		return;
	}
	/* The counters are read by other threads (ft_get_stats): only the
	 * writer stores them, atomically. */
	ST_SET(t->st.active, t->st.active - 1);
	ST_SET(t->st.ended, t->st.ended + 1);
	if (why == FT_END_EVICTED)
		ST_SET(t->st.evicted, t->st.evicted + 1);
	t->done(t->arg, &v);
}

/* Look at up to n records from the clock hand, ending removed flows.
 * With evict set and nothing removed, evict the idlest one seen.  Records
 * are read only to end or evict them: whether one is due comes from
 * due[] (records the hand passed were all handed out, so due[] is set),
 * which is the idlest from last[]. */
static void sweep(struct ft_table *t, uint32_t n, int evict)
{
	int64_t idle_ns = INT64_MAX;
	uint32_t victim = UINT32_MAX;
	int freed = 0;

	for (uint32_t k = 0; k < n && t->hwm; k++) {
		uint32_t rec = t->hand, ahead = rec + SWEEP_AHEAD;

		t->hand = t->hand + 1 >= t->hwm ? 0 : t->hand + 1;
		/* Ending a flow reads its record and deletes its index
		 * entry, two cache misses: start loading the records the
		 * hand ends soon, then (loaded by now) their index slots. */
		if (ahead + SWEEP_AHEAD < t->hwm &&
		    t->now >= t->due[ahead + SWEEP_AHEAD])
			__builtin_prefetch(&t->flows[ahead + SWEEP_AHEAD]);
		if (ahead < t->hwm && t->now >= t->due[ahead])
			__builtin_prefetch(&t->index[t->flows[ahead].slot]);
		if (t->now >= t->due[rec]) {	/* conn_removed */
			end_flow(t, rec, FT_END_TIMEOUT);
			freed = 1;
		} else if (evict && t->last[rec] < idle_ns) {
			idle_ns = t->last[rec];	/* in use: freed are MAX */
			victim = rec;
		}
	}
	if (evict && !freed && victim != UINT32_MAX)
		end_flow(t, victim, FT_END_EVICTED);
}

static uint32_t alloc_record(struct ft_table *t)
{
	uint32_t rec;

	while (t->nfree == 0)
		sweep(t, EVICT_SAMPLE, 1);
	rec = t->free_stack[--t->nfree];
	if (rec >= t->hwm)
		__atomic_store_n(&t->hwm, rec + 1, __ATOMIC_RELEASE);
	return rec;
}

/* An ICMP error quoting a TCP, UDP or SCTP datagram: count it in the
 * quoted flow too, if that flow is in the table (the error also has its
 * own one-way flow, as in Zeek's conn.log). */
static void icmp_attach(struct ft_table *t, const struct dec_pkt *p)
{
	struct dec_pkt q;
	struct ft_key k;
	int64_t rec;

	memset(&q, 0, sizeof(q));
	q.proto = p->inner.proto;
	q.ipv = p->inner.ipv;
	q.vlan = p->vlan;
	memcpy(q.src, p->inner.src, 16);
	memcpy(q.dst, p->inner.dst, 16);
	q.sport = p->inner.sport;
	q.dport = p->inner.dport;
	q.l4 = DEC_L4_PORTS;
	make_key(&q, &k);
	rec = lookup(t, &k, key_hash(&k));
	if (rec < 0 || conn_removed(&t->flows[rec], t->now))
		return;
	behav_icmp(&t->flows[rec], p);
	if (t->pub && readable(t, &t->flows[rec]))
		pub_mark(t, (uint32_t)rec);
}

/* A flow readers see: counted, and its sockets looked up. */
static void new_visible(struct ft_table *t, struct ft_flow *f)
{
	if (t->new_flow)
		t->new_flow(t->new_arg, &f->key);
	ST_SET(t->st.created, t->st.created + 1);
	ST_SET(t->st.active, t->st.active + 1);
	if (t->st.active > t->st.max_active)
		ST_SET(t->st.max_active, t->st.active);
}

/* A packet inside a tunnel names the flow of the packet around it (the
 * record before it in the frame, one layer up) as its flow's parent,
 * Zeek's tunnel_parents: a set, first met first, at most FT_MAX_PARENTS. */
static void tunnel_parent(struct ft_table *t, struct ft_flow *f,
			  const struct dec_pkt *p)
{
	uint64_t parent;

	if (p->layer < DEC_MAX_LAYERS) {
		t->layer[p->layer].first_ns = f->first_ns;
		t->layer[p->layer].id = f->id;
	}
	if (p->layer == 0 || p->layer >= DEC_MAX_LAYERS)
		return;
	parent = ft_uid(t->layer[p->layer - 1].first_ns,
			t->layer[p->layer - 1].id);
	for (int i = 0; i < f->nparents; i++)
		if (f->parents[i] == parent)
			return;
	if (f->nparents < FT_MAX_PARENTS)
		f->parents[f->nparents++] = parent;
}

/* A close came since f last looked: whether p is another socket's
 * (gone.h).  f looks again at its next packet only when the close was
 * at or after p. */
static int owner_gone(struct ft_table *t, struct ft_flow *f,
		      const struct dec_pkt *p)
{
	int r = f->kind == FT_UDP ? gone_check(t->gone, f, p) : 0;

	if (r == 0)
		/* closes already taken may be stamped after p: look at
		 * them at the next packet */
		f->gone_epoch = t->gone_epoch - (t->gone != NULL);
	return r == 1;
}

void ft_owner_gone(struct ft_table *t, const struct ft_gone *g)
{
	if (g->proto != P_UDP || (!t->gone && !(t->gone = gone_new())))
		return;
	gone_put(t->gone, g);
	t->gone_epoch++;
}

static void packet_keyed(struct ft_table *t, const struct dec_pkt *p,
			 const struct ft_key *kp, uint64_t h)
{
	struct ft_key k = *kp;
	struct ft_flow *f;
	int64_t rec;
	int from_orig;

	if (p->ts_ns > t->now)
		t->now = p->ts_ns;
	rec = lookup(t, &k, h);
	if (rec >= 0) {
		f = &t->flows[rec];
		if (conn_removed(f, t->now)) {
			end_flow(t, (uint32_t)rec, FT_END_TIMEOUT);
			rec = -1;
		} else if (conn_is_reuse(f, p)) {
			end_flow(t, (uint32_t)rec, FT_END_REUSE);
			rec = -1;
		} else if (f->gone_epoch != t->gone_epoch &&
			   owner_gone(t, f, p)) {
			end_flow(t, (uint32_t)rec, FT_END_OWNER);
			rec = -1;
		}
	}
	if (rec < 0) {
		rec = alloc_record(t);
		f = &t->flows[rec];
		f->key = k;
		index_insert(t, h, (uint32_t)rec);
		conn_init(f, p, ++t->next_id, &t->to);	/* ids from 1 */
		/* closes already taken may be stamped after p: look at
		 * them at the next packet */
		f->gone_epoch = t->gone_epoch - (t->gone != NULL);
		if (!f->hidden)
			new_visible(t, f);
		else if (readable(t, f) && t->new_flow)
			t->new_flow(t->new_arg, &f->key);
	} else {
		f = &t->flows[rec];
	}
	tunnel_parent(t, f, p);
	from_orig = conn_from_a(f, p) == f->orig_is_a;
	conn_update(f, p, from_orig, &t->to);
	t->due[rec] = f->deadline_ns;
	t->last[rec] = f->last_ns;
	if (t->pub && readable(t, f))
		pub_mark(t, (uint32_t)rec);
	if (p->inner.has_ports && (p->proto == P_ICMP || p->proto == P_ICMPV6))
		icmp_attach(t, p);
	sweep(t, 1, 0);
}

void ft_packet(struct ft_table *t, const struct dec_pkt *p)
{
	struct ft_key k;

	make_key(p, &k);
	packet_keyed(t, p, &k, key_hash(&k));
	if (t->pub)
		pub_flush(t);
}

/* Hash the whole chunk first and prefetch each packet's index slot, then
 * the record it points to: the cache misses of one packet overlap with
 * the work on the others instead of stalling one after another.  A packet
 * of the flow of the one before takes its hash (37 % of the benchmark
 * capture's packets: bursts). */
static void packets_chunk(struct ft_table *t, const struct dec_pkt *p,
			  unsigned n)
{
	struct ft_key k[FT_BATCH];
	uint64_t h[FT_BATCH];

	for (unsigned i = 0; i < n; i++) {
		make_key(&p[i], &k[i]);
		if (i && !memcmp(&k[i], &k[i - 1], sizeof(k[i]))) {
			h[i] = h[i - 1];	/* a burst of one flow */
			continue;
		}
		h[i] = key_hash(&k[i]);
		__builtin_prefetch(&t->index[h[i] & t->imask]);
	}
	for (unsigned i = 0; i < n; i++) {
		uint64_t e = t->index[h[i] & t->imask];

		if (e)
			__builtin_prefetch(&t->flows[ENT_REC(e)]);
	}
	for (unsigned i = 0; i < n; i++)
		packet_keyed(t, &p[i], &k[i], h[i]);
}

void ft_packets(struct ft_table *t, const struct dec_pkt *p, unsigned n)
{
	for (unsigned i = 0; i < n; i += FT_BATCH)
		packets_chunk(t, p + i, n - i < FT_BATCH ? n - i : FT_BATCH);
	if (t->pub)
		pub_flush(t);
}

void ft_flush(struct ft_table *t)
{
	for (uint32_t rec = 0; rec < t->hwm; rec++)
		if (t->flows[rec].in_use)
			end_flow(t, rec, conn_removed(&t->flows[rec], t->now) ?
				 FT_END_TIMEOUT : FT_END_FLUSH);
}

void ft_republish(struct ft_table *t)
{
	struct ft_view v;

	for (uint32_t rec = 0; t->pub && rec < t->hwm; rec++) {
		const struct ft_flow *f = &t->flows[rec];

		if (!f->in_use || !readable(t, f) || conn_removed(f, t->now))
			continue;
		conn_view(f, FT_END_ACTIVE, t->now, &v);
		publish(t, rec, &v);
	}
}

void ft_each(struct ft_table *t, int64_t min_age_ns, ft_each_fn fn,
	     void *arg)
{
	struct ft_view v;

	for (uint32_t rec = 0; rec < t->hwm; rec++) {
		const struct ft_flow *f = &t->flows[rec];

		if (!f->in_use || f->hidden ||
		    t->now - f->first_ns < min_age_ns ||
		    conn_removed(f, t->now))
			continue;
		conn_view(f, FT_END_ACTIVE, t->now, &v);
		fn(arg, &v);
	}
}
