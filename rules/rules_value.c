/*
 * rules_value.c - the values inside a check (rules.h): display filters,
 * bounds, PROTO/PORT and aggregates, each refused with the column of the
 * character at fault.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

/* The column of an expression's column col inside scalar n, counted
 * from n's start; -1 when the scalar spans lines (the column is then the
 * expression's own). */
static int inner_col(const yaml_node_t *n, int col)
{
	yaml_scalar_style_t st = n->data.scalar.style;

	if (strchr((const char *)n->data.scalar.value, '\n') ||
	    st == YAML_LITERAL_SCALAR_STYLE || st == YAML_FOLDED_SCALAR_STYLE)
		return -1;
	return col - 1 + (st != YAML_PLAIN_SCALAR_STYLE);
}

int rules_filter(struct rules_ld *L, yaml_node_t *n, enum rep_kind kind,
		 struct rep_filter **f)
{
	const char *s = rules_scalar(n);
	struct df_error err;
	int off;

	*f = NULL;
	if (!s)
		return rules_fail(L, n, 0, "expected a display filter (\"\" for "
				  "every row)");
	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (!strcmp(s, "~") || !strcmp(s, "null")))
		return 0;	/* "flows:" alone: every flow */
	if ((*f = rep_filter_compile(kind, s, &err)))
		return 0;
	if (err.col <= 0)
		return rules_fail(L, n, 0, "%s", err.msg);
	if ((off = inner_col(n, err.col)) < 0)
		return rules_fail(L, n, 0, "column %d of the expression: %s",
				  err.col, err.msg);
	return rules_fail(L, n, off, "%s", err.msg);
}

int rules_bound(struct rules_ld *L, yaml_node_t *n,
		const struct df_field *ft, int64_t *v)
{
	const char *s = rules_scalar(n);

	if (!s || df_number(ft, s, v) < 0)
		return rules_fail(L, n, 0, "expected %s for %s",
				  df_expect(ft), ft->name);
	return 0;
}

int rules_port(struct rules_ld *L, yaml_node_t *n, struct rule_port *p)
{
	static const struct { const char *name; uint8_t proto; } protos[] = {
		{ "tcp", 6 }, { "udp", 17 }, { "sctp", 132 },
	};
	const char *s = rules_scalar(n), *slash = s ? strchr(s, '/') : NULL;
	char *end;
	long port;

	for (size_t i = 0; slash && i < sizeof(protos) / sizeof(protos[0]);
	     i++)
		if ((size_t)(slash - s) == strlen(protos[i].name) &&
		    !strncasecmp(s, protos[i].name, (size_t)(slash - s))) {
			port = strtol(slash + 1, &end, 10);
			if (end == slash + 1 || *end || port < 0 ||
			    port > 65535)
				break;
			*p = (struct rule_port){ protos[i].proto,
						 (uint16_t)port };
			return 0;
		}
	return rules_fail(L, n, 0, "expected PROTO/PORT: tcp/8000, udp/53, "
			  "sctp/9");
}

/* "NAME(FIELD)": FIELD into field (len bytes), or -1. */
static int call_arg(const char *s, const char *name, char *field,
		    size_t len)
{
	size_t n = strlen(name), m = strlen(s);

	if (strncmp(s, name, n) || s[n] != '(' || m < n + 3 ||
	    s[m - 1] != ')' || m - n - 2 >= len)
		return -1;
	memcpy(field, s + n + 1, m - n - 2);
	field[m - n - 2] = '\0';
	return 0;
}

/* sum(FIELD) and distinct(FIELD) into r. */
static int field_agg(struct rules_ld *L, yaml_node_t *n, enum rep_kind kind,
		     const char *field, struct rule *r)
{
	static const char *const rows[] = { [REP_FLOWS] = "flows",
		[REP_PORTS] = "ports", [REP_PROCS] = "procs",
		[REP_SERVICES] = "services" };
	struct df_field f;
	int coloff = (int)strcspn(rules_scalar(n), "(") + 1;

	if ((r->field = rep_field_find(kind, field, &f)) < 0)
		return rules_fail(L, n, coloff, "unknown field \"%s\": %s rows "
				  "have none of that name", field, rows[kind]);
	r->fname = f.name;
	if (r->agg == AGG_DISTINCT) {
		r->ftype = (struct df_field){ "distinct", DF_INT, DF_UNIT_NONE,
					      NULL, 0 };
		return 0;
	}
	if (f.type != DF_INT && f.type != DF_TIME)
		return rules_fail(L, n, coloff, "sum() adds counts, bytes and "
				  "times, and %s is not one", field);
	r->ftype = f;
	return 0;
}

int rules_agg(struct rules_ld *L, yaml_node_t *n, enum rep_kind kind,
	      struct rule *r)
{
	static const char *const names[] = {
		[AGG_RETRANS_RATE] = "retrans_rate", [AGG_RTT_P50] = "rtt_p50",
		[AGG_RTT_P95] = "rtt_p95", [AGG_FAILED] = "failed_handshakes",
	};
	const char *s = rules_scalar(n);
	char field[64];

	if (s && !call_arg(s, "sum", field, sizeof(field))) {
		r->agg = AGG_SUM;
		return field_agg(L, n, kind, field, r);
	}
	if (s && !call_arg(s, "distinct", field, sizeof(field))) {
		r->agg = AGG_DISTINCT;
		return field_agg(L, n, kind, field, r);
	}
	for (int a = AGG_RETRANS_RATE; s && a <= AGG_FAILED; a++)
		if (!strcmp(s, names[a])) {
			if (kind == REP_PROCS)
				return rules_fail(L, n, 0, "%s is a figure of "
						  "flows, ports and services, "
						  "not of procs", names[a]);
			r->agg = (enum rule_agg)a;
			r->ftype = a == AGG_RTT_P50 || a == AGG_RTT_P95 ?
				(struct df_field){ names[a], DF_TIME, DF_UNIT_US,
						   NULL, 0 } :
				(struct df_field){ names[a], DF_FRACTION,
						   DF_UNIT_NONE, NULL, 0 };
			return 0;
		}
	return rules_fail(L, n, 0, "expected an aggregate: sum(FIELD), "
			  "distinct(FIELD)%s", kind == REP_PROCS ? "" :
			  ", retrans_rate, rtt_p50, rtt_p95, failed_handshakes");
}
