/*
 * model.h - what the live views show, computed in the view's thread from
 * lock-free reads of the flow table: per flow, per port and per process
 * rows with rates and totals, sorted and filtered.
 *
 * Rates are computed here, not in the capture thread: each refresh reads
 * every flow's cumulative counters (ft_read) and compares them with the
 * previous refresh.  `now` is wall time for a device and packet time for a
 * replay, so a replay's rates are on packet time at any speed.
 *   rate[0]  the last interval: bytes (packets) since the previous refresh
 *            divided by the time between the two (1 s by default);
 *   rate[1], rate[2]  exponentially weighted moving averages with time
 *            constants of 10 s and 40 s, updated at every refresh with
 *            weight 1 - exp(-dt/tau) (like top's load averages; iftop
 *            shows the same three horizons as sliding windows).
 * Units: bytes per second of wire bytes (link header included) and
 * packets per second, per direction: [0] orig -> resp, [1] resp -> orig.
 *
 * Flows that end (timeouts, reuse, eviction) leave the table; the engine's
 * consumer hook hands them to model_ended() through a bounded queue, so
 * per-port and per-process totals keep them.  If the queue is full the
 * flow is counted in `lost_ended` (shown in the header as our drops).
 */
#ifndef PORTTOP_MODEL_H
#define PORTTOP_MODEL_H

#include <stdint.h>

#include "../core/engine.h"
#include "../flowtable/ft.h"
#include "../report/names.h"
#include "../report/ports.h"
#include "../report/procs.h"
#include "../report/rows.h"

enum model_view { MV_FLOWS, MV_PORTS, MV_PROCS, MV_NUM };

#define MODEL_WINDOWS 3		/* last interval, 10 s, 40 s */

struct model_rates {
	double bytes[MODEL_WINDOWS][2];	/* wire bytes/s, [window][dir] */
	double pkts[MODEL_WINDOWS][2];	/* packets/s */
};

struct model_flow {
	struct ft_view v;
	struct attr_end end[2];		/* owners of [FT_ORIG], [FT_RESP] */
	struct nm_name name[2];		/* names of their addresses */
	struct rep_ends e;		/* printable endpoints */
	struct model_rates r;
	uint8_t named;			/* an ended row: name[] looked up */
};

struct model_port {
	struct port_row p;		/* the report's fields, since start
					   (ended flows included); clients and
					   servers: distinct orig_h / resp_h */
	uint64_t live;			/* flows in the table now */
	int clients_capped;		/* 1: the distinct sets hit their cap,
					   the counts are lower bounds */
	struct model_rates r;
};

struct model_proc {
	struct rep_proc p;		/* the procs report's fields, since
					   start (ended flows included) */
	struct model_rates r;		/* [w][0] sent by the process,
					   [w][1] received */
	/* a group's row (model_set_group): its processes' sums, p.who its
	 * first process's (lowest pid) */
	uint32_t nproc;			/* processes in it */
	char label[160];		/* nm_who_label, "(no container or
					   unit)" or "(unattributed)"; "" in
					   a process's row */
};

/* Sort keys, per view (model_sort_name gives the column names). */
enum model_sort {
	MS_RATE = 0,	/* default: total wire bytes/s of the last interval */
	MS_RATE10, MS_RATE40, MS_TOTAL, MS_PKTS, MS_AGE, MS_PORT, MS_PROTO,
	MS_STATE, MS_CONNS, MS_NUM
};

struct model;

/* model_new: a model; `ended_slots` bounds the queue of ended flows (0:
 * 65536, sizeof(struct flow_rec) bytes each).  NULL when out of memory.  model_attach: the
 * table it reads (the engine's; the engine may already hand it ended
 * flows, which only need the queue), and the attribution service that
 * gives flows their processes (NULL: none, every end "disabled"). */
struct model *model_new(uint32_t ended_slots);
void model_attach(struct model *m, struct ft_table *t, struct attr *a);
/* model_attach_names: the names of addresses live flows get (the
 * engine's; NULL: none). */
void model_attach_names(struct model *m, const struct nm_names *n);
void model_free(struct model *m);

/* model_ended: queue one ended flow (the engine's thread; never
 * blocks).  model_consumer: the engine consumer that calls it. */
void model_ended(void *model, const struct flow_rec *f);
struct consumer model_consumer(struct model *m);

/* model_update: take a new snapshot at time now_ns (ns, see above).
 * start_ns is when counting began (the capture's start, or a replay's
 * first packet): the first snapshot's rates are over now - start. */
void model_update(struct model *m, int64_t now_ns, int64_t start_ns);

/* model_set_filter: keep the rows of view v that display filter f
 * (report/row_filter.h, compiled for v's kind: model_kind) matches; NULL
 * for all.  The model keeps f and frees it when replaced or at
 * model_free.  Applies to the current snapshot at once, and to every
 * later one. */
struct rep_filter;
void model_set_filter(struct model *m, enum model_view v,
		      struct rep_filter *f);
/* model_use_filter: the same with a filter the caller keeps (it must
 * outlive the model, or be replaced first): --batch's -Y. */
void model_use_filter(struct model *m, enum model_view v,
		      const struct rep_filter *f);

/* model_flow_rec: a flow of the model as the reports have it (struct
 * flow_rec: the flow, its owners, its names), for the display filter and
 * the row writer. */
struct flow_rec model_flow_rec(const struct model_flow *f);

/* model_kind: the report rows a view's rows are (REP_FLOWS, REP_PORTS,
 * REP_PROCS); model_match: 1 when f (NULL: any) matches row, a struct
 * model_flow, model_port or model_proc of view v. */
enum rep_kind model_kind(enum model_view v);
int model_match(const struct rep_filter *f, enum model_view v,
		const void *row);

/* model_set_ended: the flows view also lists flows that ended (1; the
 * last 10000, with their final counters, no rates, and their names as
 * known at the refresh after they ended) or only the live ones (0, the
 * default).  The model names them itself (nm_flow, on its own thread,
 * only the rows kept): its consumer says CONSUMER_NO_NAMES, so that with
 * the view alone the capture thread looks up no names for the flows it
 * ends. */
void model_set_ended(struct model *m, int on);

/* model_set_group: the Containers view (1) or not (0, the default): the
 * processes view's rows, once filtered, are summed per container, pod or
 * unit (names/nm_who.h: nm_who_same_group), with the same totals and
 * rates, and sorted by the same keys; processes in none make one row,
 * the ends no process owns another. */
void model_set_group(struct model *m, int on);

/* model_set_tunnels: show the flows --tunnels `mode` reports (the
 * default: ENGINE_TUNNELS_ZEEK), the current snapshot at once and every
 * later one: the live flows, and the ended flows, port and process totals
 * since start of that mode.  The engine hands the model every mode's
 * flows when it runs with engine_opts.switch_tunnels; otherwise only its
 * own mode has them. */
void model_set_tunnels(struct model *m, enum engine_tunnels mode);

/* model_set_sort: order rows by key (descending unless reverse), the
 * current snapshot at once and every later one. */
void model_set_sort(struct model *m, enum model_sort key, int reverse);

/* The current rows of each view, sorted and filtered. */
size_t model_flows(const struct model *m, const struct model_flow ***rows);
size_t model_ports(const struct model *m, const struct model_port ***rows);
size_t model_procs(const struct model *m, const struct model_proc ***rows);

/* Totals for the header. */
struct model_totals {
	uint64_t live_flows, ended_flows, lost_ended;
	uint64_t evicted;		/* of ended_flows, ended because the
					   table was full */
	uint64_t attributed_bytes;	/* wire bytes of flows with an end
					   owned by a process, since start */
	struct ft_counts tot[2];	/* since start */
	struct model_rates r;
};
void model_totals(const struct model *m, struct model_totals *t);

/* model_sort_name: "RATE", "RATE10", ... */
const char *model_sort_name(enum model_sort key);

#endif
