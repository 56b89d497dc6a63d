/*
 * check.c - judging one rule on the reports' rows (check.h).  A failure
 * is written as text into a memory stream: what was found against what
 * was expected, then the offending rows through the report's own row
 * writer (report/rows.h: rep_table_*), never a second one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/memfile.h"
#include "check.h"

/* "flow" or "flows" after a count. */
static const char *rows_word(enum rep_kind k, long n)
{
	static const char *const w[2][CHECK_KINDS] = {
		{ "flows", "ports", "procs", "services" },
		{ "flow", "port", "proc", "service" } };

	return w[n == 1][k];
}

/* Up to CHECK_SHOW_MAX of rows (n) as the text report writes them. */
static void show_rows(FILE *d, enum rep_kind kind, const void *const *rows,
		      long n)
{
	long m = n < CHECK_SHOW_MAX ? n : CHECK_SHOW_MAX;
	struct rep_table t;

	if (!n)
		return;
	rep_table_init(&t, kind);
	for (long i = 0; i < m; i++)
		rep_table_fit(&t, rows[i]);
	rep_text_header(d, &t);
	for (long i = 0; i < m; i++)
		rep_text_row(d, &t, rows[i]);
	if (n > m)
		fprintf(d, "... and %ld more\n", n - m);
}

/* "exactly 3", "at least 1", "at most 10ms", "1 to 5". */
static void bounds_text(const struct rule *r, char *buf, size_t len)
{
	char a[48], b[48];

	check_value_text(&r->ftype, r->min, a, sizeof(a));
	check_value_text(&r->ftype, r->max, b, sizeof(b));
	if (r->has_min && r->has_max && r->min == r->max)
		snprintf(buf, len, "exactly %s", a);
	else if (r->has_min && r->has_max)
		snprintf(buf, len, "%s to %s", a, b);
	else if (r->has_min)
		snprintf(buf, len, "at least %s", a);
	else
		snprintf(buf, len, "at most %s", b);
}

static int within(const struct rule *r, int64_t v)
{
	return (!r->has_min || v >= r->min) && (!r->has_max || v <= r->max);
}

/* The rows of sel (n) that match f (or with `unmatched`, that do not)
 * into out; their number. */
static long pick(const struct rep_filter *f, const void *const *sel, long n,
		 int unmatched, const void **out)
{
	long m = 0;

	for (long i = 0; i < n; i++)
		if (rep_filter_match(f, sel[i]) != unmatched)
			out[m++] = sel[i];
	return m;
}

static int eval_count(const struct rule *r, const void *const *sel, long n,
		      FILE *d)
{
	char b[128];

	if (within(r, n))
		return 1;
	bounds_text(r, b, sizeof(b));
	fprintf(d, "%ld %s chosen, expected %s\n", n, rows_word(r->rows, n),
		b);
	if (r->has_max && n > r->max)
		show_rows(d, r->rows, sel, n);
	return 0;
}

static int eval_each(const struct rule *r, const void *const *sel, long n,
		     const void **bad, FILE *d)
{
	long m = pick(r->pred, sel, n, 1, bad);

	if (!m)
		return 1;
	fprintf(d, "%ld of %ld %s do%s not match: %s\n", m, n,
		rows_word(r->rows, n), m == 1 ? "es" : "", r->pred_text);
	show_rows(d, r->rows, bad, m);
	return 0;
}

static int eval_agg(const struct rule *r, const void *const *sel, long n,
		    FILE *d)
{
	static const char *const agg_words[] = { [AGG_SUM] = "sum",
		[AGG_DISTINCT] = "distinct" };
	const char *why;
	char b[128], a[48], what[80];
	int64_t v = 0;
	int rc = check_agg(r, sel, n, &v, &why);

	if (rc < 0)
		return -1;
	if (r->agg <= AGG_DISTINCT)
		snprintf(what, sizeof(what), "%s(%s)", agg_words[r->agg],
			 r->fname);
	else
		snprintf(what, sizeof(what), "%s", r->ftype.name);
	if (rc && within(r, v))
		return 1;
	bounds_text(r, b, sizeof(b));
	if (rc)
		fprintf(d, "%s is %s over %ld %s, expected %s\n", what,
			check_value_text(&r->ftype, v, a, sizeof(a)), n,
			rows_word(r->rows, n), b);
	else
		fprintf(d, "%s has no value over %ld %s (%s), expected %s\n",
			what, n, rows_word(r->rows, n), why, b);
	show_rows(d, r->rows, sel, n);
	return 0;
}

/* "tcp/8000" */
static const char *port_text(const struct rule_port *p, char *buf,
			     size_t len)
{
	snprintf(buf, len, "%s/%u", p->proto == 6 ? "tcp" :
		 p->proto == 17 ? "udp" : "sctp", p->port);
	return buf;
}

static int eval_port(const struct rule *r, const void *const *rows, long n,
		     FILE *d)
{
	char b[24];

	for (long i = 0; i < n; i++) {
		const struct port_row *p = rows[i];
		int st = port_row_state(p);

		if (p->proto != r->port.proto || p->port != r->port.port)
			continue;
		if (st == r->state)
			return 1;
		fprintf(d, "%s is %s, expected %s\n",
			port_text(&r->port, b, sizeof(b)),
			rep_port_state_name(st), rep_port_state_name(r->state));
		show_rows(d, REP_PORTS, rows + i, 1);
		return 0;
	}
	fprintf(d, "%s has no row in the ports report, expected %s\n",
		port_text(&r->port, b, sizeof(b)),
		rep_port_state_name(r->state));
	return 0;
}

/* Ports listened on or open that the rule does not allow. */
static int eval_listeners(const struct rule *r, const void *const *rows,
			  long n, const void **bad, FILE *d)
{
	long m = 0;

	for (long i = 0; i < n; i++) {
		const struct port_row *p = rows[i];
		int ok = !p->listening && port_row_state(p) != FT_PS_OPEN;

		for (int k = 0; k < r->nallowed && !ok; k++)
			ok = p->proto == r->allowed[k].proto &&
			     p->port == r->allowed[k].port;
		if (!ok)
			bad[m++] = p;
	}
	if (!m)
		return 1;
	fprintf(d, "%ld port%s listened on or open beyond the %d allowed\n",
		m, m == 1 ? "" : "s", r->nallowed);
	show_rows(d, REP_PORTS, bad, m);
	return 0;
}

/* The verdict (1 pass, 0 fail, -1 out of memory), a failure's lines in d. */
static int judge(const struct rule *r, const struct check_rows *cr, FILE *d)
{
	const void *const *rows = cr->rows[r->rows];
	long n = cr->n[r->rows], m;
	const void **sel = malloc((size_t)(2 * n + 1) * sizeof(*sel));
	const void **bad = sel + n;
	int ok;

	if (!sel)
		return -1;
	m = pick(r->select, rows, n, 0, sel);
	switch (r->kind) {
	case RULE_COUNT:
		ok = eval_count(r, sel, m, d);
		break;
	case RULE_EACH:
		ok = eval_each(r, sel, m, bad, d);
		break;
	case RULE_AGG:
		ok = eval_agg(r, sel, m, d);
		break;
	case RULE_PORT:
		ok = eval_port(r, rows, n, d);
		break;
	default:
		ok = eval_listeners(r, rows, n, bad, d);
	}
	free(sel);
	return ok;
}

int check_eval(const struct rule *r, const struct check_rows *rows,
	       struct verdict *v)
{
	struct memfile d;
	size_t len;
	int ok;

	v->detail = NULL;
	if (memfile_open(&d) < 0)
		return -1;
	ok = judge(r, rows, d.f);
	v->detail = memfile_close(&d, &len);
	if (!v->detail || ok < 0) {
		free(v->detail);
		v->detail = NULL;
		return -1;
	}
	v->ok = ok;
	if (ok) {
		free(v->detail);
		v->detail = NULL;
	}
	return 0;
}
