/*
 * report.h - reports: every flow (--report flows), every responder port
 * (--report ports) or every process (--report procs), as text, CSV or JSON
 * Lines.
 *
 * A report is a consumer of the engine (core/consumer.h): it is fed ended
 * flows with their owners, then written once at the end (rows.h) -- or,
 * a flows report, while they come (report_stream) -- sorted so that the
 * same input always gives the same bytes: flows by
 * first-packet time, then orig, resp, proto, VLAN and creation order;
 * ports by protocol, then port number; processes by pid.  Ports are
 * counted by the per-responder table (ports.h), processes by the process
 * table (procs.h).
 */
#ifndef PORTTOP_REPORT_H
#define PORTTOP_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "../attrib/attr.h"
#include "../core/consumer.h"
#include "row_filter.h"
#include "rows.h"

struct report;

/* report_new: an empty report; a (NULL: none) gives the listeners the
 * ports report lists at the end.  NULL when out of memory. */
struct report *report_new(enum rep_kind kind, enum rep_fmt fmt,
			  struct attr *a);

/* report_filter: write only the rows that match f (row_filter.h; NULL:
 * every row), which must outlive r.  Flows are filtered as they are
 * added (the others are not kept), port and process rows when written. */
void report_filter(struct report *r, const struct rep_filter *f);

/* report_add: take one ended flow (arg is the report).  Flows mode keeps
 * a copy (sizeof(struct flow_rec) bytes each); ports and procs modes fold
 * it into totals and distinct sets.  On allocation failure the report
 * remembers it and report_write fails. */
void report_add(void *report, const struct flow_rec *f);

/* report_consumer: the engine consumer that feeds r (report_add). */
struct consumer report_consumer(struct report *r);

/* report_stream: write a flows report to out while flows come, in
 * bounded memory, instead of keeping every flow to the end (call before
 * the first report_add; report_write then writes the rest).  window > 1:
 * the report's order, through a reorder window of that many flows
 * (window * (sizeof(struct flow_rec) + 40) bytes): when it is full, its
 * first window / 2 flows in order are written.  So a flow is written in
 * order unless window / 2 or more flows that sort after it (started
 * after it) ended before it; such a flow is written when it comes or at
 * the next flush, out of order, and counted (report_late).  window 0:
 * each flow as it ends (Zeek's conn.log order).  Rows go out in the
 * thread that calls report_add (the engine's).  0, or -1 with errno
 * EINVAL (not a flows report, already streamed, window 1) or ENOMEM. */
#define REPORT_WINDOW 131072u
int report_stream(struct report *r, FILE *out, uint32_t window);

/* report_late: rows a streamed report wrote out of order so far. */
uint64_t report_late(const struct report *r);

/* report_flows: number of flows taken so far (that the filter kept). */
uint64_t report_flows(const struct report *r);

/* report_rows: the rows report_write writes, filtered and in its order,
 * as an array of row pointers in *rows (struct flow_rec, port_row (ports
 * and services) or rep_proc by kind) that the caller frees; the rows belong to r and live
 * until report_free.  For consumers of the finished report (the rules of
 * `porttop check`).  Call once the input has ended, at most once per
 * report (the ports report adds the live listeners here).  Returns how
 * many, or -1 with errno ENOMEM, or EINVAL for a streamed report. */
long report_rows(struct report *r, const void ***rows);

/* report_write: sort and write the whole report to out (a streamed one:
 * the rest of it, to its own stream, then fflush).  Returns 0, or -1
 * with errno set (ENOMEM if an earlier report_add could not allocate, or
 * the stream's write error). */
int report_write(struct report *r, FILE *out);

/* report_free: release everything (NULL is ignored). */
void report_free(struct report *r);

#endif
