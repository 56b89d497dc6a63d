/*
 * procs.h - the process table: per-process totals of every flow end a
 * process owned, for the procs report and the Processes view.
 *
 * Rows are found by pid through a small open-addressing index (pids are
 * not chosen by strangers: a multiplicative hash will do).  Distinct
 * local ports are gathered as (pid, protocol, port) keys in one array that
 * is sorted and deduplicated when it doubles, and counted when asked.
 */
#ifndef PORTTOP_PROCS_H
#define PORTTOP_PROCS_H

#include <stdint.h>

#include "../attrib/attr.h"
#include "../flowtable/ft.h"

/* Per-process totals.  pid -1 gathers the ends no process could be found
 * for. */
struct rep_proc {
	struct attr_end who;
	uint64_t flows;			/* flow ends owned */
	uint64_t ports;			/* distinct local (proto, port) */
	struct ft_counts tx, rx;	/* sent by / to the process */
	int64_t first_ns, last_ns;	/* packet times, ns */
};

struct rep_procs;

/* rep_procs_new: empty totals (NULL when out of memory). */
struct rep_procs *rep_procs_new(void);
void rep_procs_free(struct rep_procs *p);

/* rep_procs_add: count a flow for the processes owning its ends (end[] as
 * from attr_flow).  Every end a process owns counts for it: tx is what
 * that end sent, rx what it received, and its local port is one of the
 * process's ports.  A flow with no owned end counts once for pid -1 (not
 * once per end).  rows[i] gets the row index end i counted in, or -1.
 * Returns 0, or -1 when out of memory. */
int rep_procs_add(struct rep_procs *p, const struct ft_view *v,
		  const struct attr_end end[2], long rows[2]);

/* rep_procs_copy: make dst equal to src (dst's memory is reused: the view
 * copies its ended totals at every refresh).  0, or -1 out of memory. */
int rep_procs_copy(struct rep_procs *dst, const struct rep_procs *src);

/* rep_procs_finish: count each row's distinct ports; returns the number
 * of rows (rep_procs_row(p, 0 .. n-1)), or -1 when out of memory.  More
 * flows may be added afterwards (finish again). */
long rep_procs_finish(struct rep_procs *p);
struct rep_proc *rep_procs_row(struct rep_procs *p, long i);

#endif
