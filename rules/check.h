/*
 * check.h - a rule (rules.h) judged on the finished reports' rows: a
 * verdict, and for a failure what was found instead with the first
 * offending rows in the text report's own columns (report/rows.h).
 */
#ifndef PORTTOP_CHECK_H
#define PORTTOP_CHECK_H

#include <stdint.h>

#include "rules.h"

/* The rows of each report kind (by enum rep_kind; n 0 for a kind no rule
 * reads), in the report's order (report_rows). */
/* The row kinds a rule may choose: flows, ports, procs, services (enum
 * rep_kind up to REP_NONE). */
#define CHECK_KINDS REP_NONE

struct check_rows {
	const void **rows[CHECK_KINDS];
	long n[CHECK_KINDS];
};

/* Offending rows shown per failed check; "... and N more" after them. */
#define CHECK_SHOW_MAX 10

struct verdict {
	int ok;
	/* a failure's lines, each ending in '\n', NUL-terminated: first
	 * "what was found, what was expected", then the offending rows
	 * (a header line and up to CHECK_SHOW_MAX rows); NULL when ok */
	char *detail;
};

/* check_eval: judge r on rows into *v (v->detail malloc'd, the caller
 * frees it).  0, or -1 when memory was short. */
int check_eval(const struct rule *r, const struct check_rows *rows,
	       struct verdict *v);

/* check_agg: the aggregate of rule r (RULE_AGG) over the n rows sel (of
 * r->rows), in r->ftype's unit (a count, bytes, microseconds,
 * millionths).  1 with *v set; 0 when there is nothing to measure (no
 * TCP packet for a rate, no handshake time, no handshake), *why saying
 * so; -1 when memory was short. */
int check_agg(const struct rule *r, const void *const *sel, long n,
	      int64_t *v, const char **why);

/* check_value_text: v (of type f) for messages into buf: "1234",
 * "1258291 (1.2M)", "12.345ms", "1.50%", "2.5s". */
const char *check_value_text(const struct df_field *f, int64_t v, char *buf,
			     size_t len);

#endif
