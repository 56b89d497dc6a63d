/*
 * model_rows.c - which rows each view shows, and in what order (see
 * model.h: model_set_filter, model_set_sort).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/grow.h"
#include "../names/nm_who.h"
#include "../report/row_filter.h"
#include "model_int.h"

enum rep_kind model_kind(enum model_view v)
{
	return v == MV_FLOWS ? REP_FLOWS : v == MV_PORTS ? REP_PORTS : REP_PROCS;
}

struct flow_rec model_flow_rec(const struct model_flow *f)
{
	return (struct flow_rec){ f->v, { f->end[0], f->end[1] },
				  { f->name[0], f->name[1] } };
}

int model_match(const struct rep_filter *f, enum model_view v,
		const void *row)
{
	if (!f)
		return 1;
	if (v == MV_FLOWS) {	/* the report's row: the flow and its owners */
		struct flow_rec rf = model_flow_rec(row);

		return rep_filter_match(f, &rf);
	}
	if (v == MV_PORTS)
		return rep_filter_match(f, &((const struct model_port *)row)->p);
	return rep_filter_match(f, &((const struct model_proc *)row)->p);
}

/* Read every live flow, update its rates, fold it into its port. */

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

static int cmp_proc(const void *pa, const void *pb)
{
	const struct model_proc *a = *(const struct model_proc *const *)pa;
	const struct model_proc *b = *(const struct model_proc *const *)pb;
	int tie = a->p.who.pid < b->p.who.pid ? -1 : a->p.who.pid > b->p.who.pid;
	int c = 0;

	switch (sort_model->sort) {
	case MS_RATE10: c = cmp_d(rate_of(&a->r, 1), rate_of(&b->r, 1)); break;
	case MS_RATE40: c = cmp_d(rate_of(&a->r, 2), rate_of(&b->r, 2)); break;
	case MS_TOTAL:
		c = cmp_d((double)(a->p.tx.wire_bytes + a->p.rx.wire_bytes),
			  (double)(b->p.tx.wire_bytes + b->p.rx.wire_bytes));
		break;
	case MS_PKTS:
		c = cmp_d((double)(a->p.tx.pkts + a->p.rx.pkts),
			  (double)(b->p.tx.pkts + b->p.rx.pkts));
		break;
	case MS_CONNS: c = cmp_d((double)a->p.flows, (double)b->p.flows);
		break;
	default: c = cmp_d(rate_of(&a->r, 0), rate_of(&b->r, 0)); break;
	}
	return order(c, tie);
}

/* ---- the Containers view: processes summed per group -------------------- */

void model_rates_add(struct model_rates *to, const struct model_rates *r)
{
	for (int w = 0; w < MODEL_WINDOWS; w++)
		for (int d = 0; d < 2; d++) {
			to->bytes[w][d] += r->bytes[w][d];
			to->pkts[w][d] += r->pkts[w][d];
		}
}

static int same_group(const struct rep_proc *a, const struct rep_proc *b)
{
	if ((a->who.pid < 0) != (b->who.pid < 0))
		return 0;
	return a->who.pid < 0 || nm_who_same_group(a->who.who, b->who.who);
}

static void group_start(struct model_proc *g, const struct model_proc *p)
{
	memset(g, 0, sizeof(*g));
	g->p.who = p->p.who;
	g->p.first_ns = p->p.first_ns;
	if (p->p.who.pid < 0)
		snprintf(g->label, sizeof(g->label), "(unattributed)");
	else if (!p->p.who.who)
		snprintf(g->label, sizeof(g->label), "(no container or unit)");
	else
		nm_who_label(p->p.who.who, g->label, sizeof(g->label));
}

static void group_add(struct model_proc *g, const struct model_proc *p)
{
	if (p->p.who.pid < g->p.who.pid)
		g->p.who = p->p.who;	/* the lowest pid stands for it */
	g->nproc += p->p.who.pid >= 0;
	g->p.flows += p->p.flows;
	g->p.ports += p->p.ports;	/* per process: a port two of them
					   share counts twice */
	ft_counts_add(&g->p.tx, &p->p.tx);
	ft_counts_add(&g->p.rx, &p->p.rx);
	if (p->p.first_ns < g->p.first_ns)
		g->p.first_ns = p->p.first_ns;
	if (p->p.last_ns > g->p.last_ns)
		g->p.last_ns = p->p.last_ns;
	model_rates_add(&g->r, &p->r);
}

/* Fold the n shown processes (m->prptr) into their groups (m->grows),
 * which then are the rows shown.  Returns how many; n unchanged when out
 * of memory (the processes are shown instead). */
static size_t group_rows(struct model *m, size_t n)
{
	size_t ng = 0, g;

	if (grow_array((void **)&m->grows, &m->cap_grows, n,
		       sizeof(*m->grows)) < 0)
		return n;
	for (size_t i = 0; i < n; i++) {
		for (g = 0; g < ng && !same_group(&m->grows[g].p, &m->prptr[i]->p);
		     g++)
			;
		if (g == ng)
			group_start(&m->grows[ng++], m->prptr[i]);
		group_add(&m->grows[g], m->prptr[i]);
	}
	for (g = 0; g < ng; g++)
		m->prptr[g] = &m->grows[g];
	return ng;
}

/* The rows of each view that match the filter, sorted.  (Three typed
 * loops: the row arrays are of three types.) */
void select_rows(struct model *m)
{
	size_t n = 0;

	sort_model = m;
	size_t all = m->nflows + (m->show_ended ? m->ngone : 0);

	if (all && grow_array((void **)&m->fptr, &m->cap_fptr, all,
			      sizeof(*m->fptr)) == 0)
		for (size_t i = 0; i < all; i++) {
			const struct model_flow *f = i < m->nflows ?
				&m->flows[i] : &m->gone[i - m->nflows];

			if (i >= m->nflows &&	/* an ended flow */
			    !engine_tunnels_reports(m->tunnels, f->v.levels))
				continue;
			if (model_match(m->filter[MV_FLOWS], MV_FLOWS, f))
				m->fptr[n++] = f;
		}
	if ((m->nflows_shown = n))
		qsort(m->fptr, n, sizeof(*m->fptr), cmp_flow);

	n = 0;
	if (m->nports && grow_array((void **)&m->pptr, &m->cap_pptr, m->nports,
			      sizeof(*m->pptr)) == 0)
		for (size_t i = 0; i < m->nports; i++)
			if (model_match(m->filter[MV_PORTS], MV_PORTS,
					&m->ports[i]))
				m->pptr[n++] = &m->ports[i];
	if ((m->nports_shown = n))
		qsort(m->pptr, n, sizeof(*m->pptr), cmp_port);

	n = 0;
	if (m->nprocs && grow_array((void **)&m->prptr, &m->cap_prptr, m->nprocs,
			      sizeof(*m->prptr)) == 0)
		for (size_t i = 0; i < m->nprocs; i++)
			if (model_match(m->filter[MV_PROCS], MV_PROCS,
					&m->prows[i]))
				m->prptr[n++] = &m->prows[i];
	if (m->group && n)
		n = group_rows(m, n);
	if ((m->nprocs_shown = n))
		qsort(m->prptr, n, sizeof(*m->prptr), cmp_proc);
}

/* Both re-select the current snapshot at once: a view redraws on the key
 * without starting a new rate interval. */
void model_set_sort(struct model *m, enum model_sort key, int reverse)
{
	m->sort = key < MS_NUM ? key : MS_RATE;
	m->reverse = reverse;
	select_rows(m);
}

void model_set_group(struct model *m, int on)
{
	m->group = on;
	select_rows(m);
}

void model_set_ended(struct model *m, int on)
{
	m->show_ended = on;
	select_rows(m);
}

void model_set_filter(struct model *m, enum model_view v,
		      struct rep_filter *f)
{
	rep_filter_free(m->owned[v]);
	m->filter[v] = m->owned[v] = f;
	select_rows(m);
}

void model_use_filter(struct model *m, enum model_view v,
		      const struct rep_filter *f)
{
	rep_filter_free(m->owned[v]);
	m->owned[v] = NULL;
	m->filter[v] = f;
	select_rows(m);
}
