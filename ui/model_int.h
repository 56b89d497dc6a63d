/*
 * model_int.h - the model's state, shared by model.c (folding and
 * refreshing) and model_rows.c (filtering and sorting the rows).
 * Internal to ui/.
 */
#ifndef PORTTOP_MODEL_INT_H
#define PORTTOP_MODEL_INT_H

#include "model.h"

/* Rate state of the flow in one table record. */
struct track {
	uint64_t id;
	int valid;
	uint64_t bytes[2], pkts[2];	/* cumulative at the last refresh */
	struct model_rates r;
};

/* Per-port totals of ended flows. */
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
	struct attr *attr;
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
	size_t nflows, cap_flows, nflows_shown, cap_fptr;
	uint32_t *aidx[PI_NUM];		/* port -> agg[] + 1, ended flows */
	struct rep_port *agg;		/* ended flows' port totals */
	size_t nagg, cap_agg;
	uint32_t *pidx[PI_NUM];		/* port -> ports[] + 1 while building */
	struct model_port *ports;
	const struct model_port **pptr;
	size_t nports, cap_ports, nports_shown, cap_pptr;
	struct rep_procs *ended_procs;	/* ended flows' totals */
	struct rep_procs *procs;	/* this refresh: ended + live */
	struct model_proc *prows;
	const struct model_proc **prptr;
	size_t nprocs, cap_procs, nprocs_shown, cap_prptr;
	uint64_t attributed_ended;	/* wire bytes */
	struct attr_listener *lis;
	size_t cap_lis;
	struct seen *set;
	size_t set_cap, set_n;
	int set_full;
	struct ft_counts ended_tot[2];
	struct model_totals totals;
	char filter[128];
	enum model_sort sort;
	int reverse;
};

/* select_rows: the rows of each view that match the filter, sorted
 * (model_rows.c). */
void select_rows(struct model *m);


#endif
