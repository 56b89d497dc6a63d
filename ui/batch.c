/*
 * batch.c - --batch (see batch.h): printing the view's rows as text or
 * JSON Lines every -d seconds.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "batch.h"
#include "fmt.h"

/* Rates by window: <side>_bytes_per_s, <side>_pkts_per_s (wire bytes and
 * packets per second, 3 decimals), then the same with _10s and _40s; side[]
 * is {"orig", "resp"} for flows and ports, {"tx", "rx"} for processes. */
static void rates(struct jsonw *w, const struct model_rates *r,
		  const char *const side[2])
{
	static const char *const win[MODEL_WINDOWS] = { "", "_10s", "_40s" };
	char k[40];

	for (int t = 0; t < MODEL_WINDOWS; t++)
		for (int d = 0; d < 2; d++) {
			snprintf(k, sizeof(k), "%s_bytes_per_s%s", side[d],
				 win[t]);
			jsonw_key(w, k);
			jsonw_fixed(w, llround(r->bytes[t][d] * 1000), 3);
			snprintf(k, sizeof(k), "%s_pkts_per_s%s", side[d],
				 win[t]);
			jsonw_key(w, k);
			jsonw_fixed(w, llround(r->pkts[t][d] * 1000), 3);
		}
}

static const char *const by_dir[2] = { "orig", "resp" };
static const char *const by_proc[2] = { "tx", "rx" };

struct out {
	FILE *f;
	enum rep_fmt fmt;
	int view;		/* enum model_view */
	int group;		/* the Containers view */
	const struct rep_filter *filter;	/* -Y */
	char buf[REP_JSON_MAX];
};

/* ---- -Y: the rows shown --------------------------------------------------- */


/* The Containers view's groups are of processes the model has filtered
 * already (a group's sums are not a process's row to match again). */
static int row_shown(const struct out *o, const void *row)
{
	return o->group ||
	       model_match(o->filter, (enum model_view)o->view, row);
}

/* ---- printing ------------------------------------------------------------- */

/* What one iteration prints from. */
struct batch_state {
	struct engine_stats es;
	struct ft_stats fs;
	struct model_totals mt;
	struct engine_desc d;
	struct fmt_head h;
	char st[2][ENGINE_STATUS_LEN];	/* the consumers' status lines */
	int64_t start, wall_start;	/* CLOCK_MONOTONIC, CLOCK_REALTIME */
};

static void key_u64(struct jsonw *w, const char *k, uint64_t v)
{
	jsonw_key(w, k);
	jsonw_uint(w, v);
}

/* The header's numbers; times as epoch seconds with 6 decimals. */
static void tick_json(struct out *o, uint64_t it, const struct fmt_head *h)
{
	struct jsonw w;

	jsonw_init(&w, o->buf, sizeof(o->buf));
	jsonw_open(&w);
	key_u64(&w, "schema", REP_SCHEMA);
	jsonw_key(&w, "type");
	jsonw_str(&w, "tick");
	key_u64(&w, "iteration", it);
	jsonw_key(&w, "time");
	jsonw_fixed(&w, real_ns() / NS_PER_US, 6);
	jsonw_key(&w, "packet_time");
	jsonw_fixed(&w, h->es->now_ns / NS_PER_US, 6);
	jsonw_key(&w, "source");
	jsonw_str(&w, h->d->source);
	jsonw_key(&w, "filter");
	jsonw_str(&w, h->d->filter);
	jsonw_key(&w, "ended");
	jsonw_bool(&w, !h->es->running);
	key_u64(&w, "packets", h->es->read);
	key_u64(&w, "kernel_drops", h->es->kernel.drop);
	key_u64(&w, "if_drops", h->es->kernel.ifdrop);
	key_u64(&w, "lost", h->mt->lost_ended);
	key_u64(&w, "flows_live", h->mt->live_flows);
	key_u64(&w, "flows_ended", h->mt->ended_flows);
	key_u64(&w, "evicted", h->fs->evicted);
	key_u64(&w, "orig_bytes_total", h->mt->tot[0].wire_bytes);
	key_u64(&w, "resp_bytes_total", h->mt->tot[1].wire_bytes);
	jsonw_key(&w, "attrib");
	jsonw_str(&w, h->d->attrib);
	key_u64(&w, "attributed_bytes", h->mt->attributed_bytes);
	key_u64(&w, "attrib_lost", h->d->attrib_lost);
	rates(&w, &h->mt->r, by_dir);
	jsonw_close(&w);
	rep_json_line(o->f, &w);
}

/* One row of the view: the report's fields, its type and iteration, the
 * port's live flows, a group's name and processes, its rates. */
static void row_json(struct out *o, enum rep_kind kind, const void *row,
		     const char *type, uint64_t it, int64_t live,
		     const struct model_proc *g, const struct model_rates *r)
{
	struct jsonw w;

	jsonw_init(&w, o->buf, sizeof(o->buf));
	jsonw_open(&w);
	rep_json_members(&w, kind, row);
	if (live >= 0)
		key_u64(&w, "live", (uint64_t)live);
	if (g) {
		jsonw_key(&w, "group");
		jsonw_str(&w, g->label);
		key_u64(&w, "procs", g->nproc);
	}
	jsonw_key(&w, "type");
	jsonw_str(&w, type);
	key_u64(&w, "iteration", it);
	rates(&w, r, kind == REP_PROCS ? by_proc : by_dir);
	jsonw_close(&w);
	rep_json_line(o->f, &w);
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

			if (!row_shown(o, f[i]))
				continue;
			rf = model_flow_rec(f[i]);
			row_json(o, REP_FLOWS, &rf, "flow", it, -1, NULL,
				 &f[i]->r);
		}
	} else if (o->view == MV_PORTS) {
		const struct model_port **p;
		size_t n = model_ports(m, &p);

		for (size_t i = 0; i < n; i++)
			if (row_shown(o, p[i]))
				row_json(o, REP_PORTS, &p[i]->p, "port", it,
					 (int64_t)p[i]->live, NULL, &p[i]->r);
	} else {
		const struct model_proc **p;
		size_t n = model_procs(m, &p);

		for (size_t i = 0; i < n; i++)
			if (row_shown(o, p[i]))
				row_json(o, REP_PROCS, &p[i]->p,
					 o->group ? "container" : "process",
					 it, -1, o->group ? p[i] : NULL,
					 &p[i]->r);
	}
}

/* The rows of the view that -Y keeps, as the view's columns (all of
 * them: a pipe has no width). */
static void text_rows(struct out *o, struct model *m, int64_t now_ns)
{
	const void *const *r;
	const struct model_flow **f;
	const struct model_port **p;
	const struct model_proc **q;
	size_t n = o->view == MV_FLOWS ? model_flows(m, &f) :
		   o->view == MV_PORTS ? model_ports(m, &p) : model_procs(m, &q);
	struct fmt_fit fit = { { 0, 0 }, 0 };
	struct fmt_cols c;
	char line[1024];

	r = o->view == MV_FLOWS ? (const void *const *)f :
	    o->view == MV_PORTS ? (const void *const *)p :
	    (const void *const *)q;
	for (size_t i = 0; i < n; i++)
		if (row_shown(o, r[i]))
			fmt_fit_row(o->view, r[i], &fit);
	fmt_layout(o->view, 0, &fit, &c);
	fmt_titles(&c, line, sizeof(line));
	fprintf(o->f, "%s\n", line);
	for (size_t i = 0; i < n; i++) {
		if (!row_shown(o, r[i]))
			continue;
		fmt_row(&c, r[i], now_ns, line, sizeof(line));
		fprintf(o->f, "%s\n", line);
	}
}

static void print_text(struct out *o, struct model *m, const struct fmt_head *h)
{
	char head[FMT_HEAD_LINES][256];

	fmt_head(h, head, sizeof(head[0]));
	for (int i = 0; i < FMT_HEAD_LINES; i++)
		fprintf(o->f, "%s\n", head[i]);
	putc('\n', o->f);
	text_rows(o, m, h->es->clock_ns);
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
		.status = b->st, .nstatus = engine_status(e, b->st, 2),
	};
}

int batch_run(struct engine *e, const struct batch_opts *o)
{
	struct out out = { stdout, o->format, o->view, o->group, o->filter,
			   { 0 } };
	struct batch_state b = { .start = mono_ns(), .wall_start = real_ns() };
	struct pt_err err = { 0 };
	enum pt_status rc;
	struct engine_desc d;
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
	model_attach_names(m, engine_names(e));
	if (o->group) {	/* processes filtered, then summed */
		fmt_set_group(1);
		model_use_filter(m, MV_PROCS, o->filter);
		model_set_group(m, 1);
	}
	engine_describe(e, &d);
	model_set_tunnels(m, d.tunnels);	/* the flows the engine reports */
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
	model_free(m);
	return pt_exit(rc);
}
