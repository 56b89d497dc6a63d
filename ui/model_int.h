/*
 * model_int.h - the model's state, shared by model.c (folding and
 * refreshing) and model_rows.c (filtering and sorting the rows).
 * Internal to ui/.
 */
#ifndef PORTTOP_MODEL_INT_H
#define PORTTOP_MODEL_INT_H

#include "../core/engine.h"
#include "../report/names.h"
#include "model.h"

/* Rate state of the flow in one table record. */
struct track {
	uint64_t id;
	int valid;
	uint64_t bytes[2], pkts[2];	/* cumulative at the last refresh */
	struct model_rates r;
};

/* The ended flows a --tunnels mode reports, folded (model.c). */
struct model_ended {
	struct ports *ports;		/* their port rows */
	struct rep_procs *procs;	/* their process totals */
	struct ft_counts tot[2];
	uint64_t flows, evicted;
	uint64_t attributed;		/* wire bytes */
};

struct model {
	struct ft_table *ft;
	struct attr *attr;
	const struct nm_names *names;
	/* ended flows: single-producer single-consumer ring */
	struct flow_rec *ring;
	uint32_t ring_mask, head, tail;	/* head: producer, tail: consumer */
	uint64_t lost_ended;
	/* rates */
	struct track *tr;
	uint32_t ntr;
	int64_t last_ns;
	uint32_t tick;
	/* snapshot */
	struct model_flow *flows;	/* the mode's first (nflows), then
					   the other live flows (to nall) */
	const struct model_flow **fptr;
	size_t nflows, nall, cap_flows, nflows_shown, cap_fptr;
	enum engine_tunnels tunnels;	/* the mode whose flows are rows */
	struct model_ended ended[ENGINE_TUNNELS_NUM];
	uint32_t *pidx[PI_NUM];		/* port -> ports[] + 1 while building */
	struct model_port *ports;
	const struct model_port **pptr;
	size_t nports, cap_ports, nports_shown, cap_pptr;
	struct rep_procs *procs;	/* this refresh: ended + live */
	struct model_proc *prows;
	const struct model_proc **prptr;
	size_t nprocs, cap_procs, nprocs_shown, cap_prptr;
	int group;			/* model_set_group */
	struct model_proc *grows;	/* the groups of the shown processes */
	size_t cap_grows;
	struct attr_listener *lis;
	size_t cap_lis;
	struct model_totals totals;
	const struct rep_filter *filter[MV_NUM];	/* NULL: all rows */
	struct rep_filter *owned[MV_NUM];	/* model_set_filter's */
	/* ended flows as rows: the last MODEL_GONE_MAX, a ring */
	struct model_flow *gone;
	size_t ngone, cap_gone, gone_next;
	size_t gone_unnamed;		/* rows kept since name_gone */
	int show_ended;
	enum model_sort sort;
	int reverse;
};

#define MODEL_GONE_MAX 10000	/* ended flows kept as rows */

/* model_rates_add: to += r, window by window and way by way
 * (model_rows.c). */
void model_rates_add(struct model_rates *to, const struct model_rates *r);

/* select_rows: the rows of each view that match the filter, sorted
 * (model_rows.c). */
void select_rows(struct model *m);


#endif
