/*
 * check_run.c - the check mode (check_run.h): one report per row kind the
 * rules read, fed by one consumer; the rules judged once the input has
 * ended; TAP on stdout, JUnit XML beside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/cap_dump.h"
#include "../report/report_run.h"
#include "check.h"
#include "check_run.h"
#include "junit.h"

struct checker {
	struct report *rep[CHECK_KINDS];	/* by enum rep_kind; NULL: not read */
};

static void checker_flow(void *arg, const struct flow_rec *f)
{
	struct checker *c = arg;

	for (int k = 0; k < CHECK_KINDS; k++)
		if (c->rep[k])
			report_add(c->rep[k], f);
}

/* TAP: a '#' in a name would start a directive: "\#" (TAP 13). */
static void tap_name(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '#' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
}

/* TAP 13: the plan, a line per check, "# " before each line of why. */
static int tap(FILE *out, const struct rules *rs, const struct verdict *v)
{
	fprintf(out, "1..%d\n", rs->n);
	for (int i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->r[i];

		fprintf(out, "%s %d - ", v[i].ok ? "ok" : "not ok", i + 1);
		tap_name(out, r->name);
		fputc('\n', out);
		if (v[i].ok)
			continue;
		fprintf(out, "# %s:%d:%d: ", rs->path, r->line, r->col);
		for (const char *p = v[i].detail; *p; p++) {
			fputc(*p, out);
			if (*p == '\n' && p[1])
				fputs("# ", out);
		}
	}
	return fflush(out) || ferror(out) ? -1 : 0;
}

/* Every rule judged on the reports' rows: TAP out, JUnit to jf (NULL:
 * none), which is closed.  The exit status. */
static int judge_all(struct checker *c, const struct rules *rs, FILE *jf)
{
	struct check_rows cr = { { NULL }, { 0 } };
	struct verdict *v = calloc((size_t)rs->n + 1, sizeof(*v));
	int status = EXIT_OK, nomem = !v, closed = 0;

	for (int k = 0; k < CHECK_KINDS && !nomem; k++)
		if (c->rep[k] && (cr.n[k] = report_rows(c->rep[k],
							&cr.rows[k])) < 0)
			nomem = 1;
	for (int i = 0; i < rs->n && !nomem; i++) {
		nomem = check_eval(&rs->r[i], &cr, &v[i]) < 0;
		if (!v[i].ok)
			status = EXIT_DAMAGED;	/* 1: a check failed */
	}
	if (nomem) {
		fprintf(stderr, "porttop: out of memory\n");
		status = EXIT_USAGE;
	} else if (tap(stdout, rs, v) < 0) {
		fprintf(stderr, "porttop: writing the verdicts failed\n");
		status = EXIT_USAGE;
	} else if (jf && (closed = 1) && junit_write(jf, rs, v) < 0) {
		fprintf(stderr, "porttop: writing the JUnit file failed\n");
		status = EXIT_USAGE;
	}
	if (jf && !closed)
		fclose(jf);
	for (int i = 0; v && i < rs->n; i++)
		free(v[i].detail);
	for (int k = 0; k < CHECK_KINDS; k++)
		free(cr.rows[k]);
	free(v);
	return status;
}

/* The reports the rules read, fed by one consumer of e.  0, or -1. */
static int add_checker(struct engine *e, const struct rules *rs,
		       struct checker *c)
{
	unsigned kinds = rules_kinds(rs);
	struct consumer con = { .name = "check", .arg = c,
				.flow = checker_flow };

	for (int k = 0; k < CHECK_KINDS; k++)
		if ((kinds & (1u << k)) &&
		    !(c->rep[k] = report_new((enum rep_kind)k, REP_TEXT,
					     engine_attr(e))))
			return -1;
	return engine_add(e, &con);
}

int check_run(struct engine *e, const struct check_run_opts *o)
{
	struct checker c = { { NULL } };
	struct pt_err err = { 0 };
	char msg[256];
	FILE *jf = NULL;
	int status;

	if (o->junit && !(jf = cap_out_open(o->junit, msg, sizeof(msg)))) {
		fprintf(stderr, "porttop: --junit %s\n", msg);
		return EXIT_USAGE;
	}
	if (add_checker(e, o->rules, &c) < 0) {
		fprintf(stderr, "porttop: out of memory\n");
		status = EXIT_USAGE;
	} else if (report_capture(e, o->quiet, &err) != PT_OK) {
		/* a verdict on part of the input would mislead */
		fprintf(stderr, "porttop: %s\n", err.msg);
		report_summary(e);
		status = EXIT_USAGE;
	} else {
		status = judge_all(&c, o->rules, jf);
		jf = NULL;	/* junit_write closed it */
		report_summary(e);
	}
	if (jf)
		fclose(jf);
	for (int k = 0; k < CHECK_KINDS; k++)
		report_free(c.rep[k]);
	return status;
}
