/*
 * batch.h - --batch: the live view without curses, like top -b.  Every
 * -d seconds the chosen view is printed to stdout, as text or as JSON
 * Lines: first a "tick" object (the header's numbers), then one object per
 * row, whose fields are the report's (same names and meanings) plus its
 * rates.  -n ITERATIONS, --duration, -c, the end of a file or a signal end
 * it; the last iteration is printed after the capture has ended, so its
 * totals are final.  A display filter (-Y) keeps the rows that match it,
 * as in the reports.
 *
 * The Containers view (group) prints one row per container, pod or unit
 * (model_set_group): in JSON a "container" object with the procs
 * report's fields summed over its processes (pid, comm and the other
 * process fields are those of its lowest pid, which stands for it),
 * "group" (the view's CONTAINER/UNIT cell) and "procs" (how many), and
 * the rates tx_ / rx_; -Y selects processes before they are summed.
 */
#ifndef PORTTOP_BATCH_H
#define PORTTOP_BATCH_H

#include <stdint.h>

#include "../core/engine.h"
#include "../report/report.h"
#include "model.h"

struct batch_opts {
	enum rep_fmt format;		/* REP_TEXT or REP_JSON */
	enum model_view view;		/* --view */
	int group;			/* --view containers: MV_PROCS
					   summed per container (view) */
	int64_t delay_ns;		/* -d */
	uint64_t iterations;		/* -n (0: until the input ends) */
	const struct rep_filter *filter;	/* -Y, on the view's rows (the
						   report kind of the view);
						   NULL: every row */
};

/* batch_run: run e (opened with ft.publish and keep_flows, not started)
 * and print its view every o->delay_ns until it ends.  Returns the exit
 * status (status.h); a failure mid-way is said in one line on stderr. */
int batch_run(struct engine *e, const struct batch_opts *o);

#endif
