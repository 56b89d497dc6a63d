/*
 * report_run.h - the report mode (--report, or a pipe or file as stdout):
 * one report of the whole input, written when it ends; a flows report is
 * written while flows end, through its reorder window (report_stream).
 */
#ifndef PORTTOP_REPORT_RUN_H
#define PORTTOP_REPORT_RUN_H

#include <stdbool.h>

#include "../core/engine.h"
#include "report.h"

/* How a flows report is ordered (--order): by start through the reorder
 * window, as flows end (both streamed: report_stream), or all kept to
 * the end and sorted. */
enum rep_order { REP_ORDER_START, REP_ORDER_END, REP_ORDER_ALL };

struct report_run_opts {
	enum rep_kind kind;		/* --report */
	enum rep_fmt format;		/* --format */
	bool quiet;			/* -q: no progress line, no
					   attribution line */
	bool no_report;			/* capture to the end, write no report
					   (--events - owns stdout) */
	const struct rep_filter *filter;	/* -Y: the rows written; NULL:
						   all */
	enum rep_order order;		/* --order: flows reports only */
};

/* report_run: add the report to e (opened, not started), run it to the
 * end of its input, write the report to stdout and the summary to stderr
 * (report_summary).  Returns the exit status: EXIT_OK; EXIT_DAMAGED when
 * the input broke mid-way, -w or the report could not be written (the
 * report covers what was read, then one line says why); EXIT_USAGE when
 * it could not start. */
int report_run(struct engine *e, const struct report_run_opts *o);

/* report_capture: start e (opened, consumers added) and wait for the end
 * of its input, with a progress line on stderr for a live capture or a
 * large file (not when quiet).  PT_OK, or the code with err set: the
 * engine_start or engine_wait error. */
enum pt_status report_capture(struct engine *e, int quiet,
			      struct pt_err *err);

/* report_summary: porttop's two closing lines on stderr (packets read,
 * decoded, truncated, invalid, unsupported, flows; fragments joined and
 * orphaned, flows evicted), between them for porttop run what was kept
 * (CMD's packets of the packets the flows count, CMD's flows of the
 * flows: "run: kept 4 of 230 packets, 2 of 41 flows (CMD's)"), a third when tunnels were opened (tunnelled
 * packets, of which with a cut or invalid inner header, and the packets
 * the flows count: a frame may count in several), and, for a device,
 * tcpdump's line of kernel counters. */
void report_summary(struct engine *e);

#endif
