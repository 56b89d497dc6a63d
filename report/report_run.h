/*
 * report_run.h - the report mode (--report, or a pipe or file as stdout):
 * one report of the whole input, written when it ends.
 */
#ifndef PORTTOP_REPORT_RUN_H
#define PORTTOP_REPORT_RUN_H

#include <stdbool.h>

#include "../core/engine.h"
#include "report.h"

struct report_run_opts {
	enum rep_kind kind;		/* --report */
	enum rep_fmt format;		/* --format */
	bool quiet;			/* -q: no progress line, no
					   attribution line */
	bool no_report;			/* capture to the end, write no report
					   (--events - owns stdout) */
	const struct rep_filter *filter;	/* -Y: the rows written; NULL:
						   all */
};

/* report_run: add the report to e (opened, not started), run it to the
 * end of its input, write the report to stdout and the summary to stderr
 * (report_summary).  Returns the exit status: EXIT_OK; EXIT_DAMAGED when
 * the input broke mid-way, -w or the report could not be written (the
 * report covers what was read, then one line says why); EXIT_USAGE when
 * it could not start. */
int report_run(struct engine *e, const struct report_run_opts *o);

/* report_summary: porttop's two closing lines on stderr (packets read,
 * decoded, truncated, invalid, unsupported, flows; fragments joined and
 * orphaned, flows evicted), a third when tunnels were opened (tunnelled
 * packets, of which with a cut or invalid inner header, and the packets
 * the flows count: a frame may count in several), and, for a device,
 * tcpdump's line of kernel counters. */
void report_summary(struct engine *e);

#endif
