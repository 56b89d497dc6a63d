/*
 * run.c - opening the source, and the report mode: capture (file or
 * device) until it ends, is stopped, or -c/--duration is reached, then
 * write the report and the summary.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "run.h"
#include "../report/events.h"
#include "priv.h"
#include "sig.h"

/* A progress line only for files worth waiting for. */
#define PROGRESS_MIN_BYTES (64u << 20)

int run_open(const struct run_opts *o, struct cap **cap, char *why,
	     size_t len)
{
	char err[CAP_ERRBUF_SIZE], warn[CAP_ERRBUF_SIZE], dlt[64];
	int rc;

	if (o->read_file) {
		rc = cap_open_file(o->read_file, cap, err);
		if (rc != CAP_OK)
			fprintf(stderr, "porttop: %s: %s\n", o->read_file, err);
	} else {
		rc = cap_open_live(&o->live, cap, err, warn);
		if (rc != CAP_OK && why)
			snprintf(why, len, "%s", err);
		else if (rc != CAP_OK)
			fprintf(stderr, "porttop: %s\n", err);
		else if (*warn)
			fprintf(stderr, "porttop: warning: %s\n", warn);
	}
	if (rc != CAP_OK)
		return EXIT_USAGE;
	if (!dec_link_find(cap_datalink(*cap))) {
		fprintf(stderr, "porttop: %s: unsupported link type %s\n",
			cap_name(*cap),
			cap_dlt_name(cap_datalink(*cap), dlt, sizeof(dlt)));
		goto fail;
	}
	if (o->filter && *o->filter &&
	    cap_set_filter(*cap, o->filter, err) != CAP_OK) {
		fprintf(stderr, "porttop: bad filter expression: %s\n", err);
		goto fail;
	}
	return EXIT_OK;
fail:
	cap_close(*cap);
	*cap = NULL;
	return EXIT_USAGE;
}

/* Attribution: live, this host's sockets as they come and go; from a
 * file, the processes its packets' comments recorded.  A forced --attrib
 * that cannot work is an error; the automatic choice says what it uses
 * (stderr for reports, the header for views). */
static int start_attrib(struct run_opts *o, struct cap *cap)
{
	struct attr_opts ao = { .mode = (enum attr_mode)o->attrib,
				.defer_thread = o->user != NULL };

	o->attr = NULL;
	if (!cap_is_live(cap)) {	/* a file: the processes it recorded */
		if (ao.mode == ATTR_MODE_NONE)
			snprintf(o->attr_msg, sizeof(o->attr_msg),
				 "attribution: off (--attrib none)");
		else if (attr_open_file(&o->attr, o->read_file, o->attr_msg,
					sizeof(o->attr_msg)) < 0 ||
			 (o->attr && o->mode == RUN_REPORT && !o->quiet))
			fprintf(stderr, "porttop: %s\n", o->attr_msg);
		return EXIT_OK;
	}
	if (ao.mode == ATTR_MODE_NONE) {
		snprintf(o->attr_msg, sizeof(o->attr_msg),
			 "attribution: off (--attrib none)");
		return EXIT_OK;
	}
	if (attr_start(&o->attr, &ao, o->attr_msg, sizeof(o->attr_msg)) < 0 &&
	    ao.mode != ATTR_AUTO) {
		fprintf(stderr, "porttop: %s\n", o->attr_msg);
		cap_close(cap);
		return EXIT_USAGE;
	}
	if (o->mode == RUN_REPORT && !o->quiet)
		fprintf(stderr, "porttop: %s\n", o->attr_msg);
	return EXIT_OK;
}

const char *run_attrib_source(const struct run_opts *o)
{
	struct attr_stats st;

	if (!o->attr)
		return NULL;
	attr_get_stats(o->attr, &st);
	return st.source;
}

uint64_t run_attrib_lost(const struct run_opts *o)
{
	struct attr_stats st;

	attr_get_stats(o->attr, &st);
	return st.bpf_dropped + st.lost + st.evicted;
}

int run(struct run_opts *o)
{
	struct cap *cap;
	char why[CAP_ERRBUF_SIZE];
	int fallback = !o->read_file && o->fallback_file;
	int rc = run_open(o, &cap, fallback ? why : NULL, sizeof(why));

	if (rc != EXIT_OK && fallback) {
		/* e.g. not root: show the bundled capture instead, and why */
		fprintf(stderr, "porttop: %s\nporttop: replaying %s instead\n",
			why, o->fallback_file);
		snprintf(o->notice, sizeof(o->notice), "no live capture (%.150s)",
			 why);
		o->read_file = o->fallback_file;
		rc = run_open(o, &cap, NULL, 0);
	}
	if (rc != EXIT_OK)
		return rc;
	if ((rc = start_attrib(o, cap)) != EXIT_OK)
		return rc;
	if (o->user) {
		/* -Z: the device is open and eBPF loaded; output files are
		 * created as the user from here on, as with tcpdump -Z */
		char err[256];

		if (priv_drop(o->user, o->attr && cap_is_live(cap), err,
			      sizeof(err)) < 0) {
			fprintf(stderr, "porttop: %s\n", err);
			cap_close(cap);
			attr_stop(o->attr);
			o->attr = NULL;
			return EXIT_USAGE;
		}
		if (attr_run(o->attr) < 0)
			fprintf(stderr, "porttop: attribution: cannot start "
				"its thread\n");
	}
	if (o->events_file) {
		char err[256];

		if (!(o->events = events_open(o->events_file, o->attr,
					      &o->scan, err, sizeof(err)))) {
			fprintf(stderr, "porttop: %s\n", err);
			cap_close(cap);
			attr_stop(o->attr);
			o->attr = NULL;
			return EXIT_USAGE;
		}
	}
	switch (o->mode) {
	case RUN_BATCH:
		rc = run_batch(o, cap);
		break;
	case RUN_VIEW:
		rc = run_view(o, cap);
		break;
	default:
		rc = run_report(o, cap);
	}
	events_close(o->events);	/* (report mode closed it already) */
	o->events = NULL;
	attr_stop(o->attr);
	o->attr = NULL;
	return rc;
}

/* ---- report mode ------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(const struct cap *c, const struct engine_stats *s,
		     const struct ft_table *t, double start)
{
	uint64_t done, total;
	struct ft_stats st;
	double el = now_s() - start;

	cap_progress(c, &done, &total);
	ft_get_stats(t, &st);
	fprintf(stderr, "\rporttop: %3.0f%%  %llu packets  %.2f Mpkt/s  %llu flows\033[K",
		total ? 100.0 * (double)done / (double)total : 0.0,
		(unsigned long long)s->read,
		el > 0 ? (double)s->read / el / 1e6 : 0.0,
		(unsigned long long)st.created);
}

static void summary(const struct engine_stats *s, const struct ft_stats *st)
{
	fprintf(stderr,
		"porttop: %llu packets read, %llu decoded, %llu truncated, "
		"%llu invalid, %llu unsupported, %llu flows\n",
		(unsigned long long)s->read, (unsigned long long)s->decoded,
		(unsigned long long)s->truncated,
		(unsigned long long)s->invalid,
		(unsigned long long)s->unsupported,
		(unsigned long long)st->ended);
	fprintf(stderr,
		"porttop: %llu fragments joined, %llu orphan fragments, "
		"%llu flows evicted\n",
		(unsigned long long)s->frags_joined,
		(unsigned long long)s->frags_orphaned,
		(unsigned long long)st->evicted);
}

/* tcpdump's closing lines for a live capture */
static void kernel_summary(const struct engine_stats *s)
{
	fprintf(stderr, "porttop: %llu packets received by filter, "
		"%llu packets dropped by kernel, %llu dropped by interface\n",
		(unsigned long long)s->kernel.recv,
		(unsigned long long)s->kernel.drop,
		(unsigned long long)s->kernel.ifdrop);
}

static void want_owner(void *attr, const struct ft_key *k)
{
	attr_want(attr, k);
}

void run_engine_opts(const struct run_opts *o, struct cap *cap,
		     struct engine_opts *eo)
{
	memset(eo, 0, sizeof(*eo));
	eo->cap = cap;
	eo->link = dec_link_find(cap_datalink(cap));
	eo->ft = o->ft;
	eo->write_file = o->write_file;
	eo->count = o->count;
	eo->duration_ns = o->duration_ns;
	eo->speed = o->speed;
	eo->events = o->events;
	if (o->attr) {		/* look each new flow's sockets up at once */
		eo->new_flow = want_owner;
		eo->new_flow_arg = o->attr;
		if (cap_is_live(cap))	/* -w pcapng keeps the processes */
			eo->note_attr = o->attr;
	}
}

void run_damage_line(struct cap *cap, uint64_t read, const char *err)
{
	if (strncmp(err, "-w ", 3) == 0)	/* the input was fine */
		fprintf(stderr, "porttop: %s\n", err);
	else if (read == UINT64_MAX)
		fprintf(stderr, "porttop: %s: %s\n", cap_name(cap), err);
	else
		fprintf(stderr, "porttop: %s: %s after %llu packet%s: %s\n",
			cap_name(cap), cap_is_live(cap) ? "capture failed" :
							  "damaged",
			(unsigned long long)read, read == 1 ? "" : "s", err);
}

int run_report(struct run_opts *o, struct cap *cap)
{
	struct engine_opts eo;
	int live = cap_is_live(cap), status = EXIT_OK;
	struct report *rep = report_new(o->report, o->format, o->attr);
	struct engine_stats s;
	struct ft_stats st;
	struct engine *e;
	char err[CAP_ERRBUF_SIZE];
	uint64_t done, total;
	double start = now_s();
	int show;

	if (!rep) {
		fprintf(stderr, "porttop: out of memory\n");
		cap_close(cap);
		return EXIT_USAGE;
	}
	run_engine_opts(o, cap, &eo);
	eo.speed = 0;			/* a report reads as fast as it can */
	eo.flush_at_end = true;		/* and reports every flow */
	eo.done = report_add;
	eo.done_arg = rep;
	cap_progress(cap, &done, &total);
	show = !o->quiet && isatty(STDERR_FILENO) &&
	       (live || total >= PROGRESS_MIN_BYTES);
	if (engine_start(&e, &eo, err, sizeof(err)) < 0) {
		fprintf(stderr, "porttop: %s\n", err);
		cap_close(cap);
		report_free(rep);
		return EXIT_USAGE;
	}
	sig_catch(e);
	/* without a progress line, just wait for the thread (a signal stops
	 * it through sig_catch): a small file takes no 50 ms nap */
	while (show) {
		engine_get_stats(e, &s);
		if (!s.running)
			break;
		progress(cap, &s, engine_table(e), start);
		usleep(500000);
	}
	if (show)
		fputs("\r\033[K", stderr);
	if (engine_wait(e, err, sizeof(err)) != 0)
		status = EXIT_DAMAGED;
	sig_release();
	/* Reports can be millions of lines: buffer them in large blocks. */
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	events_close(o->events);
	o->events = NULL;
	if (report_write(rep, stdout) < 0) {
		fprintf(stderr, "porttop: writing the report: %s\n",
			strerror(errno));
		status = EXIT_DAMAGED;
	}
	engine_get_stats(e, &s);
	ft_get_stats(engine_table(e), &st);
	summary(&s, &st);
	if (live)
		kernel_summary(&s);
	if (status == EXIT_DAMAGED && *err)
		run_damage_line(cap, s.read, err);
	engine_free(e);
	report_free(rep);
	return status;
}
