/*
 * rows.h - writing report rows: flows, ports and processes, as text (for
 * people: aligned columns, human sizes), CSV (RFC 4180, a header line) or
 * JSON Lines (one object per row, "schema": 1 in each, so every line
 * stands alone for jq).  Field names and meanings are in README.md and
 * porttop.8; they follow Zeek's conn.log where it has one.  The report,
 * --batch and the events write rows through here only.
 */
#ifndef PORTTOP_ROWS_H
#define PORTTOP_ROWS_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/consumer.h"
#include "ports.h"
#include "procs.h"

enum rep_fmt { REP_TEXT, REP_CSV, REP_JSON };

#define REP_SCHEMA 1

/* Whole reports, rows in the caller's order.  0, or -1 when the stream
 * failed or memory was short. */
int rep_write_flows(FILE *out, enum rep_fmt fmt,
		    const struct flow_rec *const *f, uint64_t n);
int rep_write_ports(FILE *out, enum rep_fmt fmt,
		    const struct port_row *const *p, uint64_t n);
int rep_write_procs(FILE *out, enum rep_fmt fmt,
		    const struct rep_proc *const *p, uint64_t n);

/* For other writers of the same rows (the --batch view): the report's
 * fields of one row set into a JSON object, created on first use (*o NULL)
 * and updated in place afterwards; NULL when out of memory.  Callers may
 * add keys after the report's.  rep_json_write writes it as one line
 * (0, or -1 when it does not fit 4 KiB or the stream failed). */
json_t *rep_json_flow(json_t **o, const struct flow_rec *f);
json_t *rep_json_port(json_t **o, const struct port_row *p);
json_t *rep_json_proc(json_t **o, const struct rep_proc *p);
int rep_json_write(FILE *out, json_t *o);

#endif
