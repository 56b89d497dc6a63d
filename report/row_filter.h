/*
 * row_filter.h - display filters (filters/dfilter.h) on report rows: the
 * flows, ports and procs reports' fields, by their JSON names, with the
 * values the writers print (rows_fields.c is the one place they are
 * named and typed), so `orig_bytes > 1M` compares the number the JSON
 * shows.  Used by -Y on the reports and --batch; meant for the view's /
 * filter and the rules of `porttop check` too.
 *
 * Rows are what rep_write takes: a struct flow_rec (flows), struct
 * port_row (ports) or struct rep_proc (procs).  Every keyed field of the
 * kind is a field of the filter; besides, these aliases:
 *   flows  host, net (orig_h|resp_h), port (orig_p|resp_p), process and
 *          comm (orig_comm|resp_comm), pid, uid, cgroup, retrans (orig_
 *          and resp_ of each), state (conn_state)
 *   ports  process (comm)
 *   procs  process (comm)
 * A bare word searches what the view's / filter searched: flows
 * "proto orig_h:orig_p resp_h:resp_p orig_comm orig_pid resp_comm
 * resp_pid", ports "proto port comm pid", procs "pid comm".
 */
#ifndef PORTTOP_ROW_FILTER_H
#define PORTTOP_ROW_FILTER_H

#include "../filters/dfilter.h"
#include "rows.h"

struct rep_filter;

/* rep_filter_compile: text as a filter of kind's rows.  NULL with *err
 * set (a column and a message: "column %d: %s") when it does not
 * compile, or memory is short (column 0). */
struct rep_filter *rep_filter_compile(enum rep_kind kind, const char *text,
				      struct df_error *err);

/* rep_filter_match: 1 when row (of the filter's kind) matches f; a NULL f
 * matches every row.  No allocation; any thread. */
int rep_filter_match(const struct rep_filter *f, const void *row);

/* rep_filter_free: NULL is ignored. */
void rep_filter_free(struct rep_filter *f);

#endif
