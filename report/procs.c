/*
 * report_procs.c - per-process totals (struct rep_procs, see report.h),
 * shared by the procs report and the live processes view.
 *
 * Rows are found by pid through a small open-addressing index (pids are
 * not chosen by strangers: a multiplicative hash will do).  Distinct local
 * ports are gathered as (pid, protocol, port) keys in one array that is
 * sorted and deduplicated when it doubles, and counted at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/sort.h"
#include "../lib/grow.h"
#include "names.h"
#include "procs.h"

struct rep_procs {
	struct rep_proc *rows;
	size_t n, cap;
	int32_t *slot;		/* row index + 1, 0 empty */
	size_t slot_cap;
	uint64_t *ports;	/* (pid + 1) << 18 | pi << 16 | port */
	size_t nports, ports_cap, ports_unique;
};

struct rep_procs *rep_procs_new(void)
{
	return calloc(1, sizeof(struct rep_procs));
}

void rep_procs_free(struct rep_procs *p)
{
	if (!p)
		return;
	free(p->rows);
	free(p->slot);
	free(p->ports);
	free(p);
}

static size_t hash_pid(int32_t pid, size_t cap)
{
	return (uint32_t)pid * 2654435761u % cap;
}

static int reindex(struct rep_procs *p, size_t cap)
{
	int32_t *ns = calloc(cap, sizeof(*ns));

	if (!ns)
		return -1;
	for (size_t i = 0; i < p->n; i++) {
		size_t j = hash_pid(p->rows[i].who.pid, cap);

		while (ns[j])
			j = (j + 1) % cap;
		ns[j] = (int32_t)i + 1;
	}
	free(p->slot);
	p->slot = ns;
	p->slot_cap = cap;
	return 0;
}

/* The row of w->pid, created from w when new; -1 when out of memory. */
static long row_of(struct rep_procs *p, const struct attr_end *w)
{
	size_t j;

	if (2 * (p->n + 1) > p->slot_cap &&
	    reindex(p, p->slot_cap ? 2 * p->slot_cap : 256) < 0)
		return -1;
	j = hash_pid(w->pid, p->slot_cap);
	for (; p->slot[j]; j = (j + 1) % p->slot_cap) {
		struct rep_proc *r = &p->rows[p->slot[j] - 1];

		if (r->who.pid == w->pid) {
			r->who.exited |= w->exited;
			return p->slot[j] - 1;
		}
	}
	if (grow_array((void **)&p->rows, &p->cap, p->n + 1, sizeof(*p->rows)))
		return -1;
	struct rep_proc *r = &p->rows[p->n];
	memset(r, 0, sizeof(*r));
	r->who = *w;
	if (w->pid < 0) {	/* the row of ends nobody could be found for */
		memset(r->who.comm, 0, sizeof(r->who.comm));
		r->who.uid = (uint32_t)-1;
		r->who.cgroup = 0;
		r->who.exited = 0;
	}
	r->first_ns = INT64_MAX;
	r->last_ns = INT64_MIN;
	p->slot[j] = (int32_t)++p->n;
	return (long)p->n - 1;
}

static int compact_ports(struct rep_procs *p)
{
	uint64_t *tmp = malloc((p->nports ? p->nports : 1) * sizeof(*tmp));

	if (!tmp)
		return -1;
	p->nports = p->ports_unique = sort_unique_u64(p->ports, p->nports,
							tmp);
	free(tmp);
	return 0;
}

static int add_port(struct rep_procs *p, int32_t pid, int pi, uint16_t port)
{
	if (p->nports == p->ports_cap) {
		/* compact when at least half may be repeats; grow when
		 * compacting freed less than half */
		if (p->nports && p->nports >= 2 * p->ports_unique &&
		    compact_ports(p) < 0)
			return -1;
		if ((!p->ports_cap || 2 * p->nports > p->ports_cap) &&
		    grow_array((void **)&p->ports, &p->ports_cap,
			     p->ports_cap + 1, sizeof(*p->ports)))
			return -1;
	}
	p->ports[p->nports++] = (uint64_t)(uint32_t)(pid + 1) << 18 |
				(uint64_t)pi << 16 | port;
	return 0;
}

/* Which ends count: every end a process owns; a flow with no owned end
 * counts once, for pid -1, from the first end that is not remote (so the
 * unattributed row is not doubled when neither end is known). */
int rep_procs_add(struct rep_procs *p, const struct ft_view *v,
		  const struct attr_end end[2], long rows[2])
{
	int pi = rep_port_index(v->key.proto);
	int owned = end[0].pid >= 0 || end[1].pid >= 0, orphan = 0;

	rows[0] = rows[1] = -1;
	for (int i = 0; i < 2; i++) {
		struct rep_proc *r;
		long k;

		if (end[i].why == ATTR_REMOTE || (end[i].pid < 0 &&
						  (owned || orphan++)))
			continue;
		if ((k = row_of(p, &end[i])) < 0)
			return -1;
		rows[i] = k;
		r = &p->rows[k];
		r->flows++;
		ft_counts_add(&r->tx, &v->dir[i]);
		ft_counts_add(&r->rx, &v->dir[!i]);
		if (v->first_ns < r->first_ns)
			r->first_ns = v->first_ns;
		if (v->last_ns > r->last_ns)
			r->last_ns = v->last_ns;
		if (pi >= 0 && (v->key.flags & FT_K_PORTS)) {
			int is_a = (i == FT_ORIG) == v->orig_is_a;

			if (add_port(p, end[i].pid, pi,
				     is_a ? v->key.pa : v->key.pb) < 0)
				return -1;
		}
	}
	return 0;
}

int rep_procs_copy(struct rep_procs *dst, const struct rep_procs *src)
{
	if (dst->cap < src->n) {
		struct rep_proc *nr = realloc(dst->rows,
					      src->cap * sizeof(*nr));
		if (!nr)
			return -1;
		dst->rows = nr;
		dst->cap = src->cap;
	}
	if (dst->slot_cap != src->slot_cap) {
		int32_t *ns = realloc(dst->slot, src->slot_cap * sizeof(*ns));

		if (!ns && src->slot_cap)
			return -1;
		dst->slot = ns;
		dst->slot_cap = src->slot_cap;
	}
	if (dst->ports_cap < src->nports) {
		uint64_t *np = realloc(dst->ports, src->ports_cap * sizeof(*np));

		if (!np)
			return -1;
		dst->ports = np;
		dst->ports_cap = src->ports_cap;
	}
	if (src->n)
		memcpy(dst->rows, src->rows, src->n * sizeof(*dst->rows));
	if (src->slot_cap)
		memcpy(dst->slot, src->slot, src->slot_cap * sizeof(*dst->slot));
	if (src->nports)
		memcpy(dst->ports, src->ports, src->nports * sizeof(*dst->ports));
	dst->n = src->n;
	dst->nports = src->nports;
	dst->ports_unique = src->ports_unique;
	return 0;
}

struct rep_proc *rep_procs_row(struct rep_procs *p, long i)
{
	return i >= 0 && (size_t)i < p->n ? &p->rows[i] : NULL;
}

long rep_procs_finish(struct rep_procs *p)
{
	if (compact_ports(p) < 0)
		return -1;
	for (size_t i = 0; i < p->n; i++)
		p->rows[i].ports = 0;
	for (size_t i = 0; i < p->nports; i++) {
		struct attr_end w = {
			.pid = (int32_t)(p->ports[i] >> 18) - 1,
		};
		long k = row_of(p, &w);	/* every key's row exists */

		if (k >= 0)
			p->rows[k].ports++;
	}
	return (long)p->n;
}
