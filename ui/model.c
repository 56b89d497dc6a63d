/*
 * model.c - rows for the live views (see model.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/grow.h"
#include "../report/names.h"
#include "../report/row_filter.h"
#include "model_int.h"

#define ENDED_DEFAULT	65536
static const double tau_s[MODEL_WINDOWS] = { 0, 10, 40 };

void model_attach(struct model *m, struct ft_table *t, struct attr *a)
{
	m->ft = t;
	m->attr = a;
}

void model_attach_names(struct model *m, const struct nm_names *n)
{
	m->names = n;
}

struct consumer model_consumer(struct model *m)
{
	return (struct consumer){ .name = "view", .arg = m,
				  .flags = CONSUMER_ALL_TUNNELS |
					   CONSUMER_NO_NAMES |
					   CONSUMER_NAME_TABLE |
					   CONSUMER_BEHIND,
				  .flow = model_ended };
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
	for (int t = 0; t < ENGINE_TUNNELS_NUM; t++) {
		/* the reports' bounds; port rows only (the view shows no
		 * service's row: ~750 bytes a service, and their memset, saved) */
		m->ended[t].ports = ports_new(&(struct ports_config){
			.no_service_rows = true });
		m->ended[t].procs = rep_procs_new();
		if (!m->ended[t].ports || !m->ended[t].procs)
			m->ring_mask = 0;
	}
	m->procs = rep_procs_new();
	for (int i = 0; i < PI_NUM; i++)
		if (!(m->pidx[i] = calloc(65536, sizeof(uint32_t))))
			m->ring_mask = 0;
	if (!m->ring || !m->ring_mask || !m->procs) {
		model_free(m);
		return NULL;
	}
	return m;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	for (int v = 0; v < MV_NUM; v++)
		rep_filter_free(m->owned[v]);
	free(m->gone);
	free(m->ring);
	free(m->tr);
	free(m->flows);
	free(m->fptr);
	free(m->ports);
	free(m->pptr);
	for (int t = 0; t < ENGINE_TUNNELS_NUM; t++) {
		ports_free(m->ended[t].ports);
		rep_procs_free(m->ended[t].procs);
	}
	rep_procs_free(m->procs);
	free(m->prows);
	free(m->grows);
	free(m->prptr);
	free(m->lis);
	for (int i = 0; i < PI_NUM; i++)
		free(m->pidx[i]);
	free(m);
}

/* ---- the ended-flow queue ------------------------------------------------ */

void model_ended(void *model, const struct flow_rec *f)
{
	struct model *m = model;
	uint32_t h = m->head;	/* only this thread stores head */
	uint32_t t = __atomic_load_n(&m->tail, __ATOMIC_ACQUIRE);

	if (h - t > m->ring_mask) {
		__atomic_store_n(&m->lost_ended, m->lost_ended + 1,
				 __ATOMIC_RELAXED);
		return;
	}
	m->ring[h & m->ring_mask] = *f;
	__atomic_store_n(&m->head, h + 1, __ATOMIC_RELEASE);
}

/* ---- folding flows into ports -------------------------------------------- */

static int owned(const struct attr_end *end)
{
	return end[0].pid >= 0 || end[1].pid >= 0;
}

static uint64_t wire_bytes(const struct ft_view *v)
{
	return v->dir[0].wire_bytes + v->dir[1].wire_bytes;
}

/* An ended flow as a row (model_set_ended): the last MODEL_GONE_MAX. */
static void keep_gone(struct model *m, const struct flow_rec *f)
{
	struct model_flow *g;

	if (m->ngone < MODEL_GONE_MAX &&
	    grow_array((void **)&m->gone, &m->cap_gone, m->ngone + 1,
		       sizeof(*m->gone)) == 0)
		g = &m->gone[m->ngone++];
	else if (m->ngone)
		g = &m->gone[m->gone_next++ % m->ngone];	/* the oldest */
	else
		return;
	memset(g, 0, sizeof(*g));
	g->v = f->v;
	g->end[0] = f->end[0];
	g->end[1] = f->end[1];
	m->gone_unnamed++;	/* named at the refresh: the rows kept only */
	rep_ends(&f->v, &g->e);
}

/* An ended flow into the totals of every --tunnels mode that reports it
 * (each mode's since start, so a switch shows that mode's whole past). */
static void fold_ended(struct model *m, const struct flow_rec *f)
{
	const struct ft_view *v = &f->v;
	long rows[2];

	for (int t = 0; t < ENGINE_TUNNELS_NUM; t++) {
		struct model_ended *e = &m->ended[t];

		if (!engine_tunnels_reports((enum engine_tunnels)t, v->levels))
			continue;
		e->flows++;
		e->evicted += v->end == FT_END_EVICTED;
		ft_counts_add(&e->tot[0], &v->dir[0]);
		ft_counts_add(&e->tot[1], &v->dir[1]);
		if (owned(f->end))
			e->attributed += wire_bytes(v);
		/* on ENOMEM a row is short */
		rep_procs_add(e->procs, v, f->end, rows);
		ports_add(e->ports, v, f->end);
	}
	if (v->levels)	/* a flow some mode reports */
		keep_gone(m, f);
}

static void drain_ended(struct model *m)
{
	uint32_t h = __atomic_load_n(&m->head, __ATOMIC_ACQUIRE);

	while (m->tail != h) {
		fold_ended(m, &m->ring[m->tail & m->ring_mask]);
		__atomic_store_n(&m->tail, m->tail + 1, __ATOMIC_RELEASE);
	}
}

/* The names of the ended rows kept since the last refresh. */
static void name_gone(struct model *m)
{
	if (!m->gone_unnamed)
		return;
	for (size_t i = 0; i < m->ngone; i++) {
		struct model_flow *g = &m->gone[i];

		if (!g->named) {
			nm_flow(m->names, &g->v, g->name);
			g->named = 1;
		}
	}
	m->gone_unnamed = 0;
}

/* ---- refresh --------------------------------------------------------- */


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
	m->nall = 0;
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
		if (grow_array((void **)&m->flows, &m->cap_flows, m->nall + 1,
			 sizeof(*m->flows)) < 0)
			return;
		struct model_flow *f = &m->flows[m->nall++];
		f->v = v;
		attr_flow(m->attr, &v, f->end);
		nm_flow(m->names, &v, f->name);
		f->r = t->r;
		rep_ends(&v, &f->e);
	}
}

/* The live flows of the current --tunnels mode to the front (nflows of
 * them), the others after them (rates kept for a switch). */
static void pick_flows(struct model *m)
{
	size_t k = 0;

	for (size_t i = 0; i < m->nall; i++) {
		if (!engine_tunnels_reports(m->tunnels, m->flows[i].v.levels))
			continue;
		if (i != k) {
			struct model_flow t = m->flows[k];

			m->flows[k] = m->flows[i];
			m->flows[i] = t;
		}
		k++;
	}
	m->nflows = k;
}

/* The snapshot's row of (proto, port), made from `from` (NULL: empty)
 * when new, indexed in pidx; NULL when out of memory. */
static struct model_port *port_of(struct model *m, uint8_t proto,
				  uint16_t port, const struct port_row *from)
{
	uint32_t *idx = &m->pidx[rep_port_index(proto)][port];
	struct model_port *mp;

	if (*idx)
		return &m->ports[*idx - 1];
	if (grow_array((void **)&m->ports, &m->cap_ports, m->nports + 1,
		       sizeof(*m->ports)) < 0)
		return NULL;
	mp = &m->ports[m->nports++];
	memset(mp, 0, sizeof(*mp));
	if (from)
		mp->p = *from;
	else
		port_row_init(&mp->p, proto, port);
	*idx = (uint32_t)m->nports;
	return mp;
}

/* Local listeners get a row even before (or without) any flow: an
 * unexpected listener is worth seeing.  Their owner is the port's. */
static void add_listeners(struct model *m)
{
	long n = rep_listeners(m->attr, &m->lis, &m->cap_lis);

	for (long i = 0; i < n; i++) {
		const struct attr_listener *l = &m->lis[i];
		struct model_port *mp;

		if (rep_port_index(l->proto) < 0)
			continue;
		if (!(mp = port_of(m, l->proto, l->port, NULL)))
			return;
		port_row_listen(&mp->p, l);
	}
}

/* Port rows: the ended flows' rows (the table's), with the live flows
 * folded on a copy by the same rule. */
static void build_ports(struct model *m)
{
	struct ports_stats st;

	struct ports *ended = m->ended[m->tunnels].ports;

	m->nports = 0;
	ports_live_begin(ended);
	for (size_t i = 0; i < ports_nports(ended); i++) {
		const struct port_row *r = ports_port(ended, i);

		if (!port_of(m, r->proto, r->port, r))
			return;
	}
	for (size_t i = 0; i < m->nflows; i++) {
		const struct ft_view *v = &m->flows[i].v;
		uint16_t rp = v->orig_is_a ? v->key.pb : v->key.pa;
		struct model_port *mp;
		uint64_t c, s;

		if (rep_port_index(v->key.proto) < 0 ||
		    !(v->key.flags & FT_K_PORTS))
			continue;
		if (!(mp = port_of(m, v->key.proto, rp, NULL)))
			return;
		port_row_fold(&mp->p, v, m->flows[i].end);
		mp->live++;
		model_rates_add(&mp->r, &m->flows[i].r);
		ports_live_distinct(ended, v, &c, &s);
		mp->p.clients += c;
		mp->p.servers += s;
	}
	add_listeners(m);
	ports_get_stats(ended, &st);
	for (size_t j = 0; j < m->nports; j++) {
		struct model_port *mp = &m->ports[j];

		mp->clients_capped = st.distinct_capped;
		m->pidx[rep_port_index(mp->p.proto)][mp->p.port] = 0;
	}
}

/* The rates of process row k, zeroed on first use in a refresh (rows
 * below *zeroed are already); NULL when out of memory. */
static struct model_rates *proc_rates(struct model *m, long k, size_t *zeroed)
{
	if (grow_array((void **)&m->prows, &m->cap_procs, (size_t)k + 1,
		 sizeof(*m->prows)) < 0)
		return NULL;
	for (; *zeroed <= (size_t)k; ++*zeroed)
		memset(&m->prows[*zeroed].r, 0, sizeof(m->prows[0].r));
	return &m->prows[k].r;
}

/* Process rows: the ended flows' totals plus the live flows' ends, with
 * the live flows' rates (a process's rates are what its ends sent and
 * received). */
static void build_procs(struct model *m)
{
	size_t zeroed = 0;
	long n, rows[2];

	m->nprocs = 0;
	if (rep_procs_copy(m->procs, m->ended[m->tunnels].procs) < 0)
		return;
	for (size_t i = 0; i < m->nflows; i++) {
		const struct model_flow *f = &m->flows[i];

		if (rep_procs_add(m->procs, &f->v, f->end, rows) < 0)
			return;
		for (int e = 0; e < 2; e++) {
			struct model_rates *r;

			if (rows[e] < 0)
				continue;
			if (!(r = proc_rates(m, rows[e], &zeroed)))
				return;
			for (int w = 0; w < MODEL_WINDOWS; w++)
				for (int d = 0; d < 2; d++) {
					r->bytes[w][d] += f->r.bytes[w][d ^ e];
					r->pkts[w][d] += f->r.pkts[w][d ^ e];
				}
		}
	}
	if ((n = rep_procs_finish(m->procs)) <= 0 ||
	    !proc_rates(m, n - 1, &zeroed))
		return;
	for (long j = 0; j < n; j++) {
		m->prows[j].p = *rep_procs_row(m->procs, j);
		m->prows[j].nproc = 0;	/* a process's row: no group */
		m->prows[j].label[0] = '\0';
	}
	m->nprocs = (size_t)n;
}

static void build_totals(struct model *m)
{
	struct model_totals *t = &m->totals;
	const struct model_ended *e = &m->ended[m->tunnels];

	memset(t, 0, sizeof(*t));
	t->live_flows = m->nflows;
	t->ended_flows = e->flows;
	t->evicted = e->evicted;
	t->lost_ended = __atomic_load_n(&m->lost_ended, __ATOMIC_RELAXED);
	t->tot[0] = e->tot[0];
	t->tot[1] = e->tot[1];
	t->attributed_bytes = e->attributed;
	for (size_t i = 0; i < m->nflows; i++) {
		ft_counts_add(&t->tot[0], &m->flows[i].v.dir[0]);
		ft_counts_add(&t->tot[1], &m->flows[i].v.dir[1]);
		model_rates_add(&t->r, &m->flows[i].r);
		if (owned(m->flows[i].end))
			t->attributed_bytes += wire_bytes(&m->flows[i].v);
	}
}

/* The rows and totals of the current mode from the live flows read. */
static void derive(struct model *m)
{
	pick_flows(m);
	build_ports(m);
	build_procs(m);
	build_totals(m);
	select_rows(m);
}

void model_set_tunnels(struct model *m, enum engine_tunnels mode)
{
	m->tunnels = mode < ENGINE_TUNNELS_NUM ? mode : ENGINE_TUNNELS_ZEEK;
	derive(m);
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
	name_gone(m);
	scan_flows(m, dt);
	derive(m);
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
	*rows = m->prptr;
	return m->nprocs_shown;
}

void model_totals(const struct model *m, struct model_totals *t)
{
	*t = m->totals;
}
