/*
 * diff_load.c - one side of a diff (diff.h): a saved flows report read
 * with jansson, or a capture read through the engine into a flows report
 * (report/report.h) whose rows are read by field name, as the JSON
 * writer names them (report/row_filter.h: rep_field_get).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/cap_dump.h"
#include "../report/report_run.h"
#include "diff.h"

static struct dflow *next_flow(struct dside *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		struct dflow *f = realloc(s->f, cap * sizeof(*f));

		if (!f)
			return NULL;
		s->f = f;
		s->cap = cap;
	}
	memset(&s->f[s->n], 0, sizeof(s->f[0]));
	return &s->f[s->n++];
}

static int state_of(const char *name)
{
	for (int st = 0; name && st < FT_PS_NUM; st++)
		if (!strcmp(name, rep_port_state_name(st)))
			return st;
	return FT_PS_UNKNOWN;
}

/* ---- a saved report ----------------------------------------------------- */

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* One JSON line into d: NULL, or what is wrong with it. */
static const char *json_flow(json_t *o, struct dflow *d)
{
	const char *proto = jstr(o, "proto"), *oh = jstr(o, "orig_h");
	const char *rh = jstr(o, "resp_h"), *cs = jstr(o, "conn_state");
	json_t *rp = json_object_get(o, "resp_p"), *ts = json_object_get(o, "ts");

	if (!json_is_object(o))
		return "not a JSON object";
	if (!oh || !rh || !json_is_number(ts))
		return "not a flow of a flows report (porttop --format json)";
	snprintf(d->proto, sizeof(d->proto), "%s", proto ? proto :
		 "other");
	snprintf(d->orig_h, sizeof(d->orig_h), "%s", oh);
	snprintf(d->resp_h, sizeof(d->resp_h), "%s", rh);
	snprintf(d->conn_state, sizeof(d->conn_state), "%s", cs ? cs : "");
	snprintf(d->orig_comm, sizeof(d->orig_comm), "%s",
		 jstr(o, "orig_comm") ? jstr(o, "orig_comm") : "");
	snprintf(d->resp_comm, sizeof(d->resp_comm), "%s",
		 jstr(o, "resp_comm") ? jstr(o, "resp_comm") : "");
	d->resp_p = json_is_integer(rp) ? json_integer_value(rp) : -1;
	d->port_state = state_of(jstr(o, "port_state"));
	d->first_ns = (int64_t)(json_number_value(ts) * 1e9);
	for (int i = 0; i < DIFF_NVAL; i++)
		d->val[i] = json_integer_value(json_object_get(o, diff_tol_names[i]));
	return NULL;
}

static int load_json(struct dside *s, FILE *f, char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	long no = 0;
	int rc = 0;

	while (rc == 0 && getline(&line, &cap, f) > 0) {
		json_error_t je;
		json_t *o;
		const char *bad;
		struct dflow *d;

		no++;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (!(o = json_loads(line, JSON_REJECT_DUPLICATES, &je))) {
			snprintf(err, errlen, "%s:%ld: %s", s->path, no, je.text);
			rc = -1;
		} else if (!(d = next_flow(s))) {
			snprintf(err, errlen, "%s: out of memory", s->path);
			rc = -1;
		} else if ((bad = json_flow(o, d))) {
			snprintf(err, errlen, "%s:%ld: %s", s->path, no, bad);
			rc = -1;
		}
		json_decref(o);
	}
	free(line);
	return rc;
}

/* ---- a capture ---------------------------------------------------------- */

/* A flows report's row into d, field by field. */
static void row_flow(const void *row, struct dflow *d)
{
	static const char *const names[] = { "proto", "orig_h", "resp_h",
		"conn_state", "port_state", "resp_p", "ts", "orig_comm",
		"resp_comm" };
	struct rep_value v[9];
	struct df_field f;

	for (int i = 0; i < 9; i++)
		rep_field_get(REP_FLOWS, rep_field_find(REP_FLOWS, names[i], &f),
			      row, &v[i]);
	snprintf(d->proto, sizeof(d->proto), "%s", v[0].v.kind == DFV_TEXT ?
		 v[0].v.s : "other");
	snprintf(d->orig_h, sizeof(d->orig_h), "%s", v[1].v.s);
	snprintf(d->resp_h, sizeof(d->resp_h), "%s", v[2].v.s);
	snprintf(d->conn_state, sizeof(d->conn_state), "%s",
		 v[3].v.kind == DFV_TEXT ? v[3].v.s : "");
	d->port_state = state_of(v[4].v.kind == DFV_TEXT ? v[4].v.s : NULL);
	d->resp_p = v[5].v.kind == DFV_INT ? v[5].v.i : -1;
	d->first_ns = v[6].v.i * 1000;
	snprintf(d->orig_comm, sizeof(d->orig_comm), "%s",
		 v[7].v.kind == DFV_TEXT ? v[7].v.s : "");
	snprintf(d->resp_comm, sizeof(d->resp_comm), "%s",
		 v[8].v.kind == DFV_TEXT ? v[8].v.s : "");
	for (int i = 0; i < DIFF_NVAL; i++) {
		struct rep_value x;

		rep_field_get(REP_FLOWS, rep_field_find(REP_FLOWS, diff_tol_names[i],
							&f), row, &x);
		d->val[i] = x.v.kind == DFV_INT ? x.v.i : 0;
	}
}

/* e's flows report, e run to the end of its input: into s, or written
 * to save as JSON Lines when save is not NULL. */
static int engine_flows(struct engine *e, struct dside *s, FILE *save,
			int quiet, char *err, size_t errlen)
{
	struct pt_err pe = { 0 };
	struct report *r = NULL;
	struct consumer c;
	const void **rows = NULL;
	long n = -1;

	if ((r = report_new(REP_FLOWS, REP_JSON, engine_attr(e)))) {
		c = report_consumer(r);
		engine_add(e, &c);
		if (report_capture(e, quiet, &pe) != PT_OK)
			snprintf(err, errlen, "%s", pe.msg);
		else if (save)
			n = report_write(r, save) < 0 ? -1 : 0;
		else
			n = report_rows(r, &rows);
	}
	if (!r || (n < 0 && pe.code == PT_OK))
		snprintf(err, errlen, "%s: %s", s->path, save ?
			 "the report could not be written" : "out of memory");
	for (long i = 0; i < n; i++) {
		struct dflow *d = next_flow(s);

		if (!d) {
			snprintf(err, errlen, "%s: out of memory", s->path);
			n = -1;
			break;
		}
		row_flow(rows[i], d);
	}
	free(rows);
	report_free(r);
	return n < 0 ? -1 : 0;
}

/* The capture's flows report, read to its end (engine_flows). */
static int load_capture(struct dside *s, FILE *save, char *err,
			size_t errlen)
{
	struct engine_opts eo = { .read_file = s->path };
	struct pt_err pe = { 0 };
	struct engine *e;
	int rc;

	if (engine_open(&e, &eo, &pe) != PT_OK) {
		snprintf(err, errlen, "%s", pe.msg);
		return -1;
	}
	rc = engine_flows(e, s, save, 1, err, errlen);
	engine_close(e);
	return rc;
}

int diff_load_engine(struct dside *s, struct engine *e, int quiet,
		     char *err, size_t errlen)
{
	return engine_flows(e, s, NULL, quiet, err, errlen);
}

int diff_load(struct dside *s, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	int ch, rc;

	s->path = path;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	ch = getc(f);
	if (ch == '{') {
		ungetc(ch, f);
		rc = load_json(s, f, err, errlen);
		fclose(f);
		return rc;
	}
	fclose(f);
	return load_capture(s, NULL, err, errlen);
}

int diff_save(const char *current, const char *baseline, char *err,
	      size_t errlen)
{
	FILE *in = fopen(current, "rb"), *out;
	struct dside s = { .path = current };
	char buf[65536];
	size_t n;
	int ch, rc = 0;

	*err = '\0';
	if (!in || !(out = cap_out_open(baseline, err, errlen))) {
		if (!in)
			snprintf(err, errlen, "%s: %s", current,
				 strerror(errno));
		else
			fclose(in);
		return -1;
	}
	if ((ch = getc(in)) != '{') {
		rc = load_capture(&s, out, err, errlen);
	} else {
		ungetc(ch, in);
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			rc |= fwrite(buf, 1, n, out) != n ? -1 : 0;
	}
	fclose(in);
	if (fclose(out) != 0)
		rc = -1;
	if (rc < 0 && !*err)
		snprintf(err, errlen, "%s: writing failed", baseline);
	return rc;
}

void diff_side_free(struct dside *s)
{
	free(s->f);
	s->f = NULL;
	s->n = s->cap = 0;
}
