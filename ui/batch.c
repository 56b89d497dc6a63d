/*
 * batch.c - --batch (see batch.h): printing the view's rows as text or
 * JSON Lines every -d seconds.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "batch.h"
#include "fmt.h"

/* Rates to 1/1000: "1234.5" rather than "1234.4999999999998" (shorter
 * lines, less time formatting them: most of --batch json's cost). */
static double milli(double x)
{
	return round(x * 1000) / 1000;
}

/* Rates by window: <side>_bps, <side>_pps, then _10s and _40s; side[]
 * is {"orig", "resp"} for flows and ports, {"tx", "rx"} for processes. */
static void set_rates(json_t *o, const struct model_rates *r,
		      const char *const side[2])
{
	static const char *const win[MODEL_WINDOWS] = { "", "_10s", "_40s" };
	char k[32];

	for (int w = 0; w < MODEL_WINDOWS; w++)
		for (int d = 0; d < 2; d++) {
			snprintf(k, sizeof(k), "%s_bps%s", side[d], win[w]);
			json_object_set_new(o, k, json_real(milli(r->bytes[w][d])));
			snprintf(k, sizeof(k), "%s_pps%s", side[d], win[w]);
			json_object_set_new(o, k, json_real(milli(r->pkts[w][d])));
		}
}

static const char *const by_dir[2] = { "orig", "resp" };
static const char *const by_proc[2] = { "tx", "rx" };

struct out {
	FILE *f;
	enum rep_fmt fmt;
	int view;		/* enum model_view */
	json_t *row;		/* reused row object */
	const struct rep_filter *filter;	/* -Y */
};

/* ---- -Y: the rows shown --------------------------------------------------- */

/* A flow row as the report has it, for the filter and the JSON writer. */
static struct flow_rec flow_rec(const struct model_flow *f)
{
	return (struct flow_rec){ f->v, { f->end[0], f->end[1] } };
}

static int flow_shown(const struct out *o, const struct model_flow *f)
{
	struct flow_rec rf;

	if (!o->filter)
		return 1;
	rf = flow_rec(f);
	return rep_filter_match(o->filter, &rf);
}

static int port_shown(const struct out *o, const struct model_port *p)
{
	return rep_filter_match(o->filter, &p->p);
}

static int proc_shown(const struct out *o, const struct model_proc *p)
{
	return rep_filter_match(o->filter, &p->p);
}

/* ---- printing ------------------------------------------------------------- */

/* What one iteration prints from. */
struct batch_state {
	struct engine_stats es;
	struct ft_stats fs;
	struct model_totals mt;
	struct engine_desc d;
	struct fmt_head h;
	int64_t start, wall_start;	/* CLOCK_MONOTONIC, CLOCK_REALTIME */
};

static void tick_json(struct out *o, uint64_t it, const struct fmt_head *h)
{
	json_t *t = json_pack(
		"{s:i, s:s, s:I, s:f, s:f, s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I,"
		" s:I, s:I, s:I, s:I}",
		"schema", REP_SCHEMA, "type", "tick", "iteration", (json_int_t)it,
		"time", (double)real_ns() / 1e9,
		"packet_time", (double)h->es->now_ns / 1e9, "source",
		h->d->source, "filter", h->d->filter, "ended", !h->es->running,
		"packets", (json_int_t)h->es->read, "kernel_drops",
		(json_int_t)h->es->kernel.drop, "if_drops",
		(json_int_t)h->es->kernel.ifdrop, "lost",
		(json_int_t)h->mt->lost_ended, "flows_live",
		(json_int_t)h->mt->live_flows, "flows_ended",
		(json_int_t)h->mt->ended_flows, "evicted",
		(json_int_t)h->fs->evicted, "orig_bytes_total",
		(json_int_t)h->mt->tot[0].wire_bytes, "resp_bytes_total",
		(json_int_t)h->mt->tot[1].wire_bytes);

	if (t) {
		json_object_set_new(t, "attrib", h->d->attrib ?
				    json_string(h->d->attrib) : json_null());
		json_object_set_new(t, "attributed_bytes", json_integer(
				    (json_int_t)h->mt->attributed_bytes));
		json_object_set_new(t, "attrib_lost", json_integer(
				    (json_int_t)h->d->attrib_lost));
		set_rates(t, &h->mt->r, by_dir);
		rep_json_write(o->f, t);
		json_decref(t);
	}
}

static void row_json(struct out *o, json_t *r, const char *type, uint64_t it,
		     const struct model_rates *rates)
{
	json_object_set_new(r, "type", json_string(type));
	json_object_set_new(r, "iteration", json_integer((json_int_t)it));
	set_rates(r, rates, strcmp(type, "process") ? by_dir : by_proc);
	rep_json_write(o->f, r);
}

static void print_json(struct out *o, struct model *m, uint64_t it,
		       const struct fmt_head *h)
{
	tick_json(o, it, h);
	if (o->view == MV_FLOWS) {
		const struct model_flow **f;
		size_t n = model_flows(m, &f);

		for (size_t i = 0; i < n; i++) {
			struct flow_rec rf;

			if (!flow_shown(o, f[i]))
				continue;
			rf = flow_rec(f[i]);
			if (!rep_json_flow(&o->row, &rf))
				return;
			row_json(o, o->row, "flow", it, &f[i]->r);
		}
	} else if (o->view == MV_PORTS) {
		const struct model_port **p;
		size_t n = model_ports(m, &p);

		for (size_t i = 0; i < n; i++) {
			if (!port_shown(o, p[i]))
				continue;
			if (!rep_json_port(&o->row, &p[i]->p))
				return;
			json_object_set_new(o->row, "live",
					    json_integer((json_int_t)p[i]->live));
			row_json(o, o->row, "port", it, &p[i]->r);
		}
	} else {
		const struct model_proc **p;
		size_t n = model_procs(m, &p);

		for (size_t i = 0; i < n; i++) {
			if (!proc_shown(o, p[i]))
				continue;
			if (!rep_json_proc(&o->row, &p[i]->p))
				return;
			row_json(o, o->row, "process", it, &p[i]->r);
		}
	}
}

static void print_text(struct out *o, struct model *m, const struct fmt_head *h)
{
	char head[FMT_HEAD_LINES][256], line[512];
	int aw = 21;

	fmt_head(h, head, sizeof(head[0]));
	for (int i = 0; i < FMT_HEAD_LINES; i++)
		fprintf(o->f, "%s\n", head[i]);
	putc('\n', o->f);
	if (o->view == MV_FLOWS) {
		const struct model_flow **f;
		size_t n = model_flows(m, &f);

		for (size_t i = 0; i < n; i++) {
			int w = (int)strlen(f[i]->e.orig_h) + 8;

			if (w > aw && flow_shown(o, f[i]))
				aw = w;
		}
		fmt_titles(MV_FLOWS, aw, line, sizeof(line));
		fprintf(o->f, "%s\n", line);
		for (size_t i = 0; i < n; i++) {
			if (!flow_shown(o, f[i]))
				continue;
			fmt_flow(f[i], aw, h->es->clock_ns, line, sizeof(line));
			fprintf(o->f, "%s\n", line);
		}
	} else if (o->view == MV_PORTS) {
		const struct model_port **p;
		size_t n = model_ports(m, &p);

		fmt_titles(MV_PORTS, 0, line, sizeof(line));
		fprintf(o->f, "%s\n", line);
		for (size_t i = 0; i < n; i++) {
			if (!port_shown(o, p[i]))
				continue;
			fmt_port(p[i], line, sizeof(line));
			fprintf(o->f, "%s\n", line);
		}
	} else {
		const struct model_proc **p;
		size_t n = model_procs(m, &p);

		fmt_titles(MV_PROCS, 0, line, sizeof(line));
		fprintf(o->f, "%s\n", line);
		for (size_t i = 0; i < n; i++) {
			if (!proc_shown(o, p[i]))
				continue;
			fmt_proc(p[i], line, sizeof(line));
			fprintf(o->f, "%s\n", line);
		}
	}
	putc('\n', o->f);
}

/* One iteration's snapshot and header. */
static void snapshot(struct engine *e, struct model *m, struct batch_state *b)
{
	int live = engine_is_live(e);

	engine_get_stats(e, &b->es);
	model_update(m, live ? real_ns() : b->es.clock_ns,
		     live ? b->wall_start : b->es.first_ns);
	ft_get_stats(engine_table(e), &b->fs);
	model_totals(m, &b->mt);
	engine_describe(e, &b->d);
	b->h = (struct fmt_head){
		.d = &b->d,
		.elapsed_ns = live ? mono_ns() - b->start :
				     b->es.clock_ns - b->es.first_ns,
		.es = &b->es, .fs = &b->fs, .mt = &b->mt,
		.ended = !b->es.running,
	};
}

int batch_run(struct engine *e, const struct batch_opts *o)
{
	struct out out = { stdout, o->format, o->view, NULL, o->filter };
	struct batch_state b = { .start = mono_ns(), .wall_start = real_ns() };
	struct pt_err err = { 0 };
	enum pt_status rc;
	struct model *m = model_new(0);

	if (!m) {
		fprintf(stderr, "porttop: out of memory\n");
		return EXIT_USAGE;
	}
	struct consumer c = model_consumer(m);
	engine_add(e, &c);
	if ((rc = engine_start(e, &err)) != PT_OK) {
		fprintf(stderr, "porttop: %s\n", err.msg);
		model_free(m);
		return pt_exit(rc);
	}
	model_attach(m, engine_table(e), engine_attr(e));
	for (uint64_t it = 1;; it++) {
		int64_t next = mono_ns() + o->delay_ns, left;
		int running = 1;

		/* wait out the interval; the end of the capture or a signal
		 * cuts it short */
		while (running && (left = next - mono_ns()) > 0)
			running = engine_poll(e, (int)((left + NS_PER_MS - 1) /
						      NS_PER_MS));
		int last = !running || (o->iterations && it >= o->iterations);
		if (last) {
			engine_stop(e);
			rc = engine_wait(e, &err);
		}
		snapshot(e, m, &b);
		if (o->format == REP_JSON)
			print_json(&out, m, it, &b.h);
		else
			print_text(&out, m, &b.h);
		fflush(stdout);
		if (last)
			break;
	}
	if (rc != PT_OK)
		fprintf(stderr, "porttop: %s\n", err.msg);
	json_decref(out.row);
	model_free(m);
	return pt_exit(rc);
}
