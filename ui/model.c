/*
 * model.c - rows for the live views (see model.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decode/dec_hash.h"
#include "model.h"

#define ENDED_DEFAULT	65536
#define DISTINCT_CAP	(1u << 20)	/* (port, role, address) entries */
static const double tau_s[MODEL_WINDOWS] = { 0, 10, 40 };


/* Rate state of the flow in one table record. */
struct track {
	uint64_t id;
	int valid;
	uint64_t bytes[2], pkts[2];	/* cumulative at the last refresh */
	struct model_rates r;
};

/* Per-port totals of ended flows. */
struct port_agg {
	uint64_t conns, established, rejected, unanswered;
	uint64_t clients, servers;
	struct ft_counts tot[2];
	int64_t first_ns, last_ns;
};

/* A (port, role, address) seen: kept for good once a flow ended with it
 * (persist), or marked with the refresh that last counted it for a live
 * flow. */
struct seen {
	uint8_t addr[16];
	uint16_t port;
	uint8_t pi, role;
	uint8_t used, persist;
	uint32_t tick;
};

struct model {
	struct ft_table *ft;
	/* ended flows: single-producer single-consumer ring */
	struct ft_view *ring;
	uint32_t ring_mask, head, tail;	/* head: producer, tail: consumer */
	uint64_t lost_ended, ended_flows;
	/* rates */
	struct track *tr;
	uint32_t ntr;
	int64_t last_ns;
	uint32_t tick;
	/* snapshot */
	struct model_flow *flows;
	const struct model_flow **fptr;
	size_t nflows, cap_flows, nflows_shown;
	struct port_agg *agg[PI_NUM];	/* 65536 each, ended flows */
	uint32_t *pidx[PI_NUM];		/* port -> ports[] + 1 while building */
	struct model_port *ports;
	const struct model_port **pptr;
	size_t nports, cap_ports, nports_shown;
	struct model_proc procs[1];
	const struct model_proc *prptr[1];
	size_t nprocs;
	struct seen *set;
	size_t set_cap, set_n;
	int set_full;
	struct ft_counts ended_tot[2];
	struct model_totals totals;
	char filter[128];
	enum model_sort sort;
	int reverse;
};

void model_attach(struct model *m, struct ft_table *t)
{
	m->ft = t;
}

struct model *model_new(uint32_t ended_slots)
{
	struct model *m = calloc(1, sizeof(*m));
	uint32_t n = 1;

	if (!m)
		return NULL;
	if (!ended_slots)
		ended_slots = ENDED_DEFAULT;
	while (n < ended_slots)
		n <<= 1;
	m->ring = malloc(n * sizeof(*m->ring));
	m->ring_mask = n - 1;
	m->set_cap = 4096;
	m->set = calloc(m->set_cap, sizeof(*m->set));
	for (int i = 0; i < PI_NUM; i++) {
		m->agg[i] = calloc(65536, sizeof(struct port_agg));
		m->pidx[i] = calloc(65536, sizeof(uint32_t));
		if (!m->agg[i] || !m->pidx[i])
			m->set_full = -1;
	}
	if (!m->ring || !m->set || m->set_full < 0) {
		model_free(m);
		return NULL;
	}
	return m;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	free(m->ring);
	free(m->tr);
	free(m->flows);
	free(m->fptr);
	free(m->ports);
	free(m->pptr);
	free(m->set);
	for (int i = 0; i < PI_NUM; i++) {
		free(m->agg[i]);
		free(m->pidx[i]);
	}
	free(m);
}

/* ---- the ended-flow queue ------------------------------------------------ */

void model_ended(void *model, const struct ft_view *v)
{
	struct model *m = model;
	uint32_t h = m->head;	/* only this thread stores head */
	uint32_t t = __atomic_load_n(&m->tail, __ATOMIC_ACQUIRE);

	if (h - t > m->ring_mask) {
		__atomic_store_n(&m->lost_ended, m->lost_ended + 1,
				 __ATOMIC_RELAXED);
		return;
	}
	m->ring[h & m->ring_mask] = *v;
	__atomic_store_n(&m->head, h + 1, __ATOMIC_RELEASE);
}

/* ---- distinct addresses -------------------------------------------------- */

static size_t seen_hash(const struct seen *k)
{
	uint8_t b[20];

	memcpy(b, k->addr, 16);
	memcpy(b + 16, &k->port, 2);
	b[18] = k->pi;
	b[19] = k->role;
	return (size_t)dec_hash(b, sizeof(b));
}

static int seen_eq(const struct seen *a, const struct seen *b)
{
	return a->port == b->port && a->pi == b->pi && a->role == b->role &&
	       memcmp(a->addr, b->addr, 16) == 0;
}

static void set_grow(struct model *m)
{
	size_t cap = 2 * m->set_cap;
	struct seen *ns = calloc(cap, sizeof(*ns));

	if (!ns) {
		m->set_full = 1;
		return;
	}
	for (size_t i = 0; i < m->set_cap; i++) {
		if (!m->set[i].used)
			continue;
		size_t j = seen_hash(&m->set[i]) & (cap - 1);
		while (ns[j].used)
			j = (j + 1) & (cap - 1);
		ns[j] = m->set[i];
	}
	free(m->set);
	m->set = ns;
	m->set_cap = cap;
}

/* Count k: returns 1 when it is new for this purpose (an ended flow:
 * never kept before; a live flow: neither kept nor counted this refresh),
 * else 0.  Past the cap, nothing new is stored and -1 says so. */
static int seen_count(struct model *m, const struct seen *k, int persist)
{
	size_t j;

	if (!m->set_full && 2 * (m->set_n + 1) > m->set_cap) {
		if (m->set_n >= DISTINCT_CAP)
			m->set_full = 1;
		else
			set_grow(m);
	}
	j = seen_hash(k) & (m->set_cap - 1);
	for (; m->set[j].used; j = (j + 1) & (m->set_cap - 1)) {
		struct seen *e = &m->set[j];

		if (!seen_eq(e, k))
			continue;
		if (e->persist)
			return 0;
		if (persist) {
			/* a live flow's address ended: keep it; it was counted
			 * for this refresh only if its tick matches */
			e->persist = 1;
			return 1;
		}
		if (e->tick == m->tick)
			return 0;
		e->tick = m->tick;
		return 1;
	}
	if (m->set_full)
		return -1;
	m->set[j] = *k;
	m->set[j].used = 1;
	m->set[j].persist = (uint8_t)persist;
	m->set[j].tick = m->tick;
	m->set_n++;
	return 1;
}

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

/* ---- folding flows into ports -------------------------------------------- */

static void fold_ended(struct model *m, const struct ft_view *v)
{
	int pi = rep_port_index(v->key.proto);
	struct seen k;

	m->ended_flows++;
	ft_counts_add(&m->ended_tot[0], &v->dir[0]);
	ft_counts_add(&m->ended_tot[1], &v->dir[1]);
	if (pi < 0 || !(v->key.flags & FT_K_PORTS))
		return;
	struct port_agg *a = &m->agg[pi][v->orig_is_a ? v->key.pb :
							 v->key.pa];
	if (a->conns++ == 0 || v->first_ns < a->first_ns)
		a->first_ns = v->first_ns;
	if (v->last_ns > a->last_ns)
		a->last_ns = v->last_ns;
	a->established += ft_conn_established(v->conn_state);
	a->rejected += v->conn_state == FT_CS_REJ;
	a->unanswered += v->conn_state == FT_CS_S0;
	ft_counts_add(&a->tot[0], &v->dir[0]);
	ft_counts_add(&a->tot[1], &v->dir[1]);
	for (int role = 0; role < 2; role++) {
		seen_key(&k, v, pi, role);
		if (seen_count(m, &k, 1) > 0)
			*(role ? &a->servers : &a->clients) += 1;
	}
}

static void drain_ended(struct model *m)
{
	uint32_t h = __atomic_load_n(&m->head, __ATOMIC_ACQUIRE);

	while (m->tail != h) {
		fold_ended(m, &m->ring[m->tail & m->ring_mask]);
		__atomic_store_n(&m->tail, m->tail + 1, __ATOMIC_RELEASE);
	}
}

/* ---- refresh --------------------------------------------------------- */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 1024;
	void *np;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	np = realloc(*p, n * size);
	if (!np)
		return -1;
	*p = np;
	*cap = n;
	return 0;
}

/* New rates of one flow from its counters now and at the last refresh. */
static void rates(struct track *t, const struct ft_view *v, double dt)
{
	for (int d = 0; d < 2; d++) {
		double b = (double)(v->dir[d].wire_bytes - t->bytes[d]) / dt;
		double p = (double)(v->dir[d].pkts - t->pkts[d]) / dt;

		t->r.bytes[0][d] = b;
		t->r.pkts[0][d] = p;
		for (int w = 1; w < MODEL_WINDOWS; w++) {
			double a = 1 - exp(-dt / tau_s[w]);

			t->r.bytes[w][d] += (b - t->r.bytes[w][d]) * a;
			t->r.pkts[w][d] += (p - t->r.pkts[w][d]) * a;
		}
		t->bytes[d] = v->dir[d].wire_bytes;
		t->pkts[d] = v->dir[d].pkts;
	}
}

static void add_rates(struct model_rates *to, const struct model_rates *r)
{
	for (int w = 0; w < MODEL_WINDOWS; w++)
		for (int d = 0; d < 2; d++) {
			to->bytes[w][d] += r->bytes[w][d];
			to->pkts[w][d] += r->pkts[w][d];
		}
}

static int flow_matches(const struct model *m, const struct model_flow *f)
{
	char text[160];
	const char *p = rep_proto_name(f->v.key.proto);

	if (!m->filter[0])
		return 1;
	snprintf(text, sizeof(text), "%s %s:%d %s:%d", p ? p : "",
		 f->e.orig_h, f->e.orig_p, f->e.resp_h, f->e.resp_p);
	return strstr(text, m->filter) != NULL;
}

/* Read every live flow, update its rates, fold it into its port. */
static void scan_flows(struct model *m, double dt)
{
	uint32_t n = ft_capacity(m->ft);
	struct ft_view v;

	if (n > m->ntr) {
		struct track *nt = realloc(m->tr, n * sizeof(*nt));

		if (!nt)
			return;
		memset(nt + m->ntr, 0, (n - m->ntr) * sizeof(*nt));
		m->tr = nt;
		m->ntr = n;
	}
	m->nflows = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct track *t = &m->tr[i];

		if (!ft_read(m->ft, i, &v)) {
			t->valid = 0;
			continue;
		}
		if (!t->valid || t->id != v.id) {
			memset(t, 0, sizeof(*t));
			t->valid = 1;
			t->id = v.id;
		}
		rates(t, &v, dt);
		if (grow((void **)&m->flows, &m->cap_flows, m->nflows + 1,
			 sizeof(*m->flows)) < 0)
			return;
		struct model_flow *f = &m->flows[m->nflows++];
		f->v = v;
		f->r = t->r;
		rep_ends(&v, &f->e);
	}
}

/* Port rows: ended totals plus the live flows' contributions. */
static void build_ports(struct model *m)
{
	struct seen k;

	m->nports = 0;
	for (int pi = 0; pi < PI_NUM; pi++)
		for (uint32_t port = 0; port < 65536; port++) {
			struct port_agg *a = &m->agg[pi][port];

			if (!a->conns)
				continue;
			if (grow((void **)&m->ports, &m->cap_ports,
				 m->nports + 1, sizeof(*m->ports)) < 0)
				return;
			struct model_port *mp = &m->ports[m->nports++];
			struct rep_port *p = &mp->p;
			memset(mp, 0, sizeof(*mp));
			p->proto = pi == PI_TCP ? 6 : pi == PI_UDP ? 17 : 132;
			p->port = (uint16_t)port;
			p->conns = a->conns;
			p->established = a->established;
			p->rejected = a->rejected;
			p->unanswered = a->unanswered;
			p->clients = a->clients;
			p->servers = a->servers;
			p->dir[0] = a->tot[0];
			p->dir[1] = a->tot[1];
			p->first_ns = a->first_ns;
			p->last_ns = a->last_ns;
			m->pidx[pi][port] = (uint32_t)m->nports;
		}
	for (size_t i = 0; i < m->nflows; i++) {
		const struct ft_view *v = &m->flows[i].v;
		int pi = rep_port_index(v->key.proto);
		uint16_t rp = v->orig_is_a ? v->key.pb : v->key.pa;
		struct model_port *mp = NULL;
		struct rep_port *p;

		if (pi < 0 || !(v->key.flags & FT_K_PORTS))
			continue;
		if (m->pidx[pi][rp])
			mp = &m->ports[m->pidx[pi][rp] - 1];
		if (!mp) {
			if (grow((void **)&m->ports, &m->cap_ports,
				 m->nports + 1, sizeof(*m->ports)) < 0)
				return;
			mp = &m->ports[m->nports++];
			memset(mp, 0, sizeof(*mp));
			mp->p.proto = v->key.proto;
			mp->p.port = rp;
			mp->p.first_ns = INT64_MAX;
			mp->p.last_ns = INT64_MIN;
			m->pidx[pi][rp] = (uint32_t)m->nports;
		}
		p = &mp->p;
		p->conns++;
		mp->live++;
		p->established += ft_conn_established(v->conn_state);
		p->rejected += v->conn_state == FT_CS_REJ;
		p->unanswered += v->conn_state == FT_CS_S0;
		ft_counts_add(&p->dir[0], &v->dir[0]);
		ft_counts_add(&p->dir[1], &v->dir[1]);
		if (v->first_ns < p->first_ns)
			p->first_ns = v->first_ns;
		if (v->last_ns > p->last_ns)
			p->last_ns = v->last_ns;
		add_rates(&mp->r, &m->flows[i].r);
		for (int role = 0; role < 2; role++) {
			int c;

			seen_key(&k, v, pi, role);
			c = seen_count(m, &k, 0);
			if (c > 0)
				*(role ? &p->servers : &p->clients) += 1;
		}
	}
	for (size_t j = 0; j < m->nports; j++) {
		struct model_port *mp = &m->ports[j];

		mp->clients_capped = m->set_full;
		m->pidx[rep_port_index(mp->p.proto)][mp->p.port] = 0;
	}
}

/* One process row per owner; until attribution exists every flow is
 * "unattributed" (pid -1). */
static void build_procs(struct model *m)
{
	struct model_proc *p = &m->procs[0];

	memset(p, 0, sizeof(*p));
	p->pid = -1;
	snprintf(p->comm, sizeof(p->comm), "-");
	p->tot[0] = m->ended_tot[0];
	p->tot[1] = m->ended_tot[1];
	p->flows = m->ended_flows;
	for (size_t i = 0; i < m->nflows; i++) {
		ft_counts_add(&p->tot[0], &m->flows[i].v.dir[0]);
		ft_counts_add(&p->tot[1], &m->flows[i].v.dir[1]);
		add_rates(&p->r, &m->flows[i].r);
		p->flows++;
	}
	p->ports = m->nports;
	m->nprocs = p->flows ? 1 : 0;
}

static void build_totals(struct model *m)
{
	struct model_totals *t = &m->totals;

	memset(t, 0, sizeof(*t));
	t->live_flows = m->nflows;
	t->ended_flows = m->ended_flows;
	t->lost_ended = __atomic_load_n(&m->lost_ended, __ATOMIC_RELAXED);
	t->tot[0] = m->ended_tot[0];
	t->tot[1] = m->ended_tot[1];
	for (size_t i = 0; i < m->nflows; i++) {
		ft_counts_add(&t->tot[0], &m->flows[i].v.dir[0]);
		ft_counts_add(&t->tot[1], &m->flows[i].v.dir[1]);
		add_rates(&t->r, &m->flows[i].r);
	}
}

/* ---- sorting ---------------------------------------------------------- */

static const char *const sort_names[MS_NUM] = {
	"RATE", "RATE10", "RATE40", "TOTAL", "PKTS", "AGE", "PORT", "PROTO",
	"STATE", "CONNS",
};

const char *model_sort_name(enum model_sort key)
{
	return key < MS_NUM ? sort_names[key] : "?";
}

static const struct model *sort_model;	/* qsort has no context argument */

static double rate_of(const struct model_rates *r, int w)
{
	return r->bytes[w][0] + r->bytes[w][1];
}

static double total_of(const struct ft_counts *c)
{
	return (double)(c[0].wire_bytes + c[1].wire_bytes);
}

static int cmp_d(double a, double b)
{
	return a < b ? -1 : a > b;
}

/* Larger first; ties by the row's own identity so the order is stable. */
static int order(int c, int tie)
{
	int r = c ? -c : tie;

	return sort_model->reverse ? -r : r;
}

static int cmp_flow(const void *pa, const void *pb)
{
	const struct model_flow *a = *(const struct model_flow *const *)pa;
	const struct model_flow *b = *(const struct model_flow *const *)pb;
	int tie = a->v.id < b->v.id ? -1 : a->v.id > b->v.id;
	int c = 0;

	switch (sort_model->sort) {
	case MS_RATE10: c = cmp_d(rate_of(&a->r, 1), rate_of(&b->r, 1)); break;
	case MS_RATE40: c = cmp_d(rate_of(&a->r, 2), rate_of(&b->r, 2)); break;
	case MS_TOTAL: c = cmp_d(total_of(a->v.dir), total_of(b->v.dir)); break;
	case MS_PKTS:
		c = cmp_d((double)(a->v.dir[0].pkts + a->v.dir[1].pkts),
			  (double)(b->v.dir[0].pkts + b->v.dir[1].pkts));
		break;
	case MS_AGE: c = cmp_d((double)b->v.first_ns, (double)a->v.first_ns);
		break;
	case MS_PORT: c = -cmp_d(a->e.resp_p, b->e.resp_p); break;
	case MS_PROTO: c = -cmp_d(a->v.key.proto, b->v.key.proto); break;
	case MS_STATE: c = -cmp_d(a->v.conn_state, b->v.conn_state); break;
	default: c = cmp_d(rate_of(&a->r, 0), rate_of(&b->r, 0)); break;
	}
	return order(c, tie);
}

static int cmp_port(const void *pa, const void *pb)
{
	const struct model_port *a = *(const struct model_port *const *)pa;
	const struct model_port *b = *(const struct model_port *const *)pb;
	int tie = a->p.proto != b->p.proto ? (a->p.proto < b->p.proto ? -1 : 1) :
		  (a->p.port < b->p.port ? -1 : a->p.port > b->p.port);
	int c = 0;

	switch (sort_model->sort) {
	case MS_RATE10: c = cmp_d(rate_of(&a->r, 1), rate_of(&b->r, 1)); break;
	case MS_RATE40: c = cmp_d(rate_of(&a->r, 2), rate_of(&b->r, 2)); break;
	case MS_TOTAL: c = cmp_d(total_of(a->p.dir), total_of(b->p.dir)); break;
	case MS_PKTS:
		c = cmp_d((double)(a->p.dir[0].pkts + a->p.dir[1].pkts),
			  (double)(b->p.dir[0].pkts + b->p.dir[1].pkts));
		break;
	case MS_CONNS: c = cmp_d((double)a->p.conns, (double)b->p.conns);
		break;
	case MS_PORT:
	case MS_PROTO: c = 0; break;	/* the tie order is port order */
	default: c = cmp_d(rate_of(&a->r, 0), rate_of(&b->r, 0)); break;
	}
	return order(c, tie);
}

static void select_rows(struct model *m)
{
	size_t n = 0;

	sort_model = m;
	if (m->nflows) {
		const struct model_flow **np =
			realloc(m->fptr, m->nflows * sizeof(*np));
		if (np)
			m->fptr = np;
	}
	for (size_t i = 0; m->fptr && i < m->nflows; i++)
		if (flow_matches(m, &m->flows[i]))
			m->fptr[n++] = &m->flows[i];
	m->nflows_shown = n;
	if (n)
		qsort(m->fptr, n, sizeof(*m->fptr), cmp_flow);

	n = 0;
	if (m->nports) {
		const struct model_port **np =
			realloc(m->pptr, m->nports * sizeof(*np));
		if (np)
			m->pptr = np;
	}
	for (size_t i = 0; m->pptr && i < m->nports; i++) {
		char text[32];
		const char *p = rep_proto_name(m->ports[i].p.proto);

		snprintf(text, sizeof(text), "%s %u", p ? p : "",
			 m->ports[i].p.port);
		if (!m->filter[0] || strstr(text, m->filter))
			m->pptr[n++] = &m->ports[i];
	}
	m->nports_shown = n;
	if (n)
		qsort(m->pptr, n, sizeof(*m->pptr), cmp_port);
	m->prptr[0] = &m->procs[0];
}

/* Both re-select the current snapshot at once: a view redraws on the key
 * without starting a new rate interval. */
void model_set_sort(struct model *m, enum model_sort key, int reverse)
{
	m->sort = key < MS_NUM ? key : MS_RATE;
	m->reverse = reverse;
	select_rows(m);
}

void model_set_filter(struct model *m, const char *text)
{
	snprintf(m->filter, sizeof(m->filter), "%s", text ? text : "");
	select_rows(m);
}

void model_update(struct model *m, int64_t now_ns, int64_t start_ns)
{
	int64_t since = m->tick ? m->last_ns : start_ns;
	double dt = (double)(now_ns - since) / 1e9;

	if (dt <= 0)
		dt = 1e-3;	/* a replay paused or a clock that stood */
	m->last_ns = now_ns;
	m->tick++;
	drain_ended(m);
	scan_flows(m, dt);
	build_ports(m);
	build_procs(m);
	build_totals(m);
	select_rows(m);
}

size_t model_flows(const struct model *m, const struct model_flow ***rows)
{
	*rows = m->fptr;
	return m->nflows_shown;
}

size_t model_ports(const struct model *m, const struct model_port ***rows)
{
	*rows = m->pptr;
	return m->nports_shown;
}

size_t model_procs(const struct model *m, const struct model_proc ***rows)
{
	*rows = (const struct model_proc **)m->prptr;
	return m->nprocs;
}

void model_totals(const struct model *m, struct model_totals *t)
{
	*t = m->totals;
}
