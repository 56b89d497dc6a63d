/*
 * rows.h - writing report rows: flows, ports and processes, as text (for
 * people: aligned columns, human sizes), CSV (RFC 4180, a header line) or
 * JSON Lines (one object per row, "schema": 1 in each, so every line
 * stands alone for jq).  Field names and meanings are in README.md and
 * porttop.8; they follow Zeek's conn.log where it has one.  The report,
 * --batch and the events write rows through here only.  One writer serves
 * every kind and format, from a table per kind (rows_fields.c): its JSON
 * keys and its text columns.
 */
#ifndef PORTTOP_ROWS_H
#define PORTTOP_ROWS_H

#include <stdint.h>
#include <stdio.h>

#include "../core/consumer.h"
#include "../lib/jsonw.h"
#include "ports.h"
#include "procs.h"

/* REP_NONE: no report at all (report_run only: a service that exports
 * with --ipfix or writes --events keeps nothing for the end). */
enum rep_kind { REP_FLOWS, REP_PORTS, REP_PROCS, REP_SERVICES, REP_NONE };
enum rep_fmt { REP_TEXT, REP_CSV, REP_JSON };

#define REP_SCHEMA 1

/* A row of each kind is a struct flow_rec (flows), struct port_row (ports
 * and services) or struct rep_proc (procs); rows are passed as pointers to
 * those. */

/* rep_write: a whole report, rows in the caller's order.  Text: a header
 * line, then columns padded to their width, one space apart (addresses,
 * history and owners as wide as the widest of the rows); CSV: a header
 * line; JSON: no header.  0, or -1 when the stream failed or memory was
 * short. */
int rep_write(FILE *out, enum rep_kind kind, enum rep_fmt fmt,
	      const void *const *rows, uint64_t n);

/* The report's own text columns, for code that writes rows of a kind one
 * at a time (a rules checker printing the rows it flags) the way the text
 * report writes them.  rep_table_init: the columns of kind at their
 * minimum widths; rep_table_fit: widen the fitted columns to one row's
 * values (for each row to be written, before the header); then
 * rep_text_header and rep_text_row write one line each (0, or -1 when the
 * stream failed).  Widths may also be set by hand. */
#define REP_TEXT_MAXCOLS 20
struct rep_table {
	enum rep_kind kind;
	int ncols;
	int width[REP_TEXT_MAXCOLS];	/* characters; negative: left-aligned;
					   a longer value is not cut */
	int cell[REP_TEXT_MAXCOLS];	/* private: the value each shows */
	unsigned char shown[REP_TEXT_MAXCOLS];	/* private: an optional
						   column has a value */
};
void rep_table_init(struct rep_table *t, enum rep_kind kind);
void rep_table_fit(struct rep_table *t, const void *row);
int rep_text_header(FILE *out, const struct rep_table *t);
int rep_text_row(FILE *out, const struct rep_table *t, const void *row);

/* A report written row by row as its rows come (a streamed --report
 * flows): rep_out_init; with text, rep_out_fit each row known before the
 * first is written (the widths, as rep_write fits all rows; a later row
 * wider than them is written longer, unpadded, and an optional column
 * not shown then stays hidden); rep_out_row writes one row (the header
 * line before the first); rep_out_end once at the end (the header when no
 * row came).  0, or -1 when the stream failed.  rep_write is these over
 * an array. */
struct rep_out {
	FILE *out;
	enum rep_kind kind;
	enum rep_fmt fmt;
	int started;		/* private: the header is written */
	int fit;		/* private: a text column fits its rows */
	struct rep_table t;	/* private: text columns */
};
void rep_out_init(struct rep_out *o, FILE *out, enum rep_kind kind,
		  enum rep_fmt fmt);
void rep_out_fit(struct rep_out *o, const void *row);
int rep_out_row(struct rep_out *o, const void *row);
int rep_out_end(struct rep_out *o);

/* For other writers of the same rows (--batch): rep_json_members writes
 * the report's fields of one row as members of an object the caller has
 * opened (jsonw_open) and will close, after members of its own if it
 * likes; rep_json_line writes the text and a newline to out: 0, or -1
 * when it did not fit its buffer (REP_JSON_MAX is enough for any row and
 * a few dozen members more) or the stream failed.  Times are the CSV's
 * digits: seconds with 6 decimals. */
#define REP_JSON_MAX 8192
void rep_json_members(struct jsonw *w, enum rep_kind kind, const void *row);
int rep_json_line(FILE *out, struct jsonw *w);

#endif
