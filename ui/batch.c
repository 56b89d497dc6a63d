/*
 * batch.c - --batch: the live view without curses, like top -b.  Every -d
 * seconds the chosen view is printed to stdout, as text or as JSON Lines:
 * first a "tick" object (the header's numbers), then one object per row,
 * whose fields are the report's (same names and meanings) plus its rates.
 * -n ITERATIONS, --duration, -c, the end of a file or a signal end it; the
 * last iteration is printed after the capture has ended, so its totals are
 * final.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../core/engine.h"
#include "fmt.h"
#include "../core/run.h"
#include "../core/sig.h"

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
};

static void tick_json(struct out *o, uint64_t it, const struct fmt_head *h)
{
	json_t *t = json_pack(
		"{s:i, s:s, s:I, s:f, s:f, s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I,"
		" s:I, s:I, s:I, s:I}",
		"schema", REP_SCHEMA, "type", "tick", "iteration", (json_int_t)it,
		"time", (double)real_ns() / 1e9,
		"packet_time", (double)h->es->now_ns / 1e9, "source",
		h->source, "filter", h->filter, "ended", !h->es->running,
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
		json_object_set_new(t, "attrib", h->attrib ?
				    json_string(h->attrib) : json_null());
		json_object_set_new(t, "attributed_bytes", json_integer(
				    (json_int_t)h->mt->attributed_bytes));
		json_object_set_new(t, "attrib_lost", json_integer(
				    (json_int_t)h->attrib_lost));
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
			struct rep_flow rf = { f[i]->v,
					       { f[i]->end[0], f[i]->end[1] } };

			if (!rep_json_flow(&o->row, &rf))
				return;
			row_json(o, o->row, "flow", it, &f[i]->r);
		}
	} else if (o->view == MV_PORTS) {
		const struct model_port **p;
		size_t n = model_ports(m, &p);

		for (size_t i = 0; i < n; i++) {
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

			if (w > aw)
				aw = w;
		}
		fmt_titles(MV_FLOWS, aw, line, sizeof(line));
		fprintf(o->f, "%s\n", line);
		for (size_t i = 0; i < n; i++) {
			fmt_flow(f[i], aw, h->es->clock_ns, line, sizeof(line));
			fprintf(o->f, "%s\n", line);
		}
	} else if (o->view == MV_PORTS) {
		const struct model_port **p;
		size_t n = model_ports(m, &p);

		fmt_titles(MV_PORTS, 0, line, sizeof(line));
		fprintf(o->f, "%s\n", line);
		for (size_t i = 0; i < n; i++) {
			fmt_port(p[i], line, sizeof(line));
			fprintf(o->f, "%s\n", line);
		}
	} else {
		const struct model_proc **p;
		size_t n = model_procs(m, &p);

		fmt_titles(MV_PROCS, 0, line, sizeof(line));
		fprintf(o->f, "%s\n", line);
		for (size_t i = 0; i < n; i++) {
			fmt_proc(p[i], line, sizeof(line));
			fprintf(o->f, "%s\n", line);
		}
	}
	putc('\n', o->f);
}

int run_batch(const struct run_opts *o, struct cap *cap)
{
	struct engine_opts eo;
	struct out out = { stdout, o->format, o->view, NULL };
	struct engine_stats es;
	struct ft_stats fs;
	struct model_totals mt;
	struct engine *e;
	struct model *m;
	char err[CAP_ERRBUF_SIZE];
	int live = cap_is_live(cap), status = EXIT_OK;
	int64_t start = mono_ns();
	int64_t wall_start = real_ns();

	run_engine_opts(o, cap, &eo);
	eo.ft.publish = true;
	eo.done = model_ended;
	m = model_new(0);
	if (!m) {
		fprintf(stderr, "porttop: out of memory\n");
		cap_close(cap);
		return EXIT_USAGE;
	}
	eo.done_arg = m;
	if (engine_start(&e, &eo, err, sizeof(err)) < 0) {
		fprintf(stderr, "porttop: %s\n", err);
		cap_close(cap);
		model_free(m);
		return EXIT_USAGE;
	}
	model_attach(m, engine_table(e), o->attr);
	sig_catch(e);
	for (uint64_t it = 1;; it++) {
		int64_t next = mono_ns() + o->delay_ns;

		do {	/* sleep in slices: notice the end of the capture */
			engine_get_stats(e, &es);
			if (!es.running || sig_stopped())
				break;
			usleep(20000);
		} while (mono_ns() < next);
		int last = !es.running || sig_stopped() ||
			   (o->iterations && it >= o->iterations);
		if (last) {
			engine_stop(e);
			if (engine_wait(e, err, sizeof(err)) != 0)
				status = EXIT_DAMAGED;
			engine_get_stats(e, &es);
		}
		model_update(m, live ? real_ns() : es.clock_ns,
			     live ? wall_start : es.first_ns);
		ft_get_stats(engine_table(e), &fs);
		model_totals(m, &mt);
		struct fmt_head h = {
			.source = cap_name(cap), .filter = o->filter ? o->filter : "",
			.live = live, .speed = o->speed,
			.elapsed_ns = live ? mono_ns() - start :
					     es.clock_ns - es.first_ns,
			.es = &es, .fs = &fs, .capacity = o->ft.max_flows ?
					o->ft.max_flows : FT_DEFAULT_FLOWS,
			.mt = &mt, .ended = !es.running,
			.notice = o->notice[0] ? o->notice : NULL,
			.attrib = run_attrib_source(o),
			.attrib_lost = run_attrib_lost(o),
		};
		if (o->format == REP_JSON)
			print_json(&out, m, it, &h);
		else
			print_text(&out, m, &h);
		fflush(stdout);
		if (last)
			break;
	}
	sig_release();
	if (status == EXIT_DAMAGED)
		run_damage_line(cap, UINT64_MAX, err);
	json_decref(out.row);
	engine_free(e);
	model_free(m);
	return status;
}
