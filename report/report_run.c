/*
 * report_run.c - the report mode: capture (file or device) until the
 * input ends or -c, --duration or a signal stops it, then write the
 * report to stdout and the summary to stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../core/sig.h"
#include "../lib/clock.h"
#include "report_run.h"

/* A progress line only for files worth waiting for. */
#define PROGRESS_MIN_BYTES (64u << 20)
#define PROGRESS_MS 500

static void progress(struct engine *e, int64_t start)
{
	struct engine_stats s;
	struct ft_stats st;
	uint64_t done, total;
	double el = (double)(mono_ns() - start) / 1e9;

	engine_get_stats(e, &s);
	engine_progress(e, &done, &total);
	ft_get_stats(engine_table(e), &st);
	fprintf(stderr, "\rporttop: %3.0f%%  %llu packets  %.2f Mpkt/s  %llu flows\033[K",
		total ? 100.0 * (double)done / (double)total : 0.0,
		(unsigned long long)s.read,
		el > 0 ? (double)s.read / el / 1e6 : 0.0,
		(unsigned long long)st.created);
}

/* "s" after a count that is not 1. */
static const char *s_(uint64_t n)
{
	return n == 1 ? "" : "s";
}

void report_summary(struct engine *e)
{
	struct engine_stats s;
	struct engine_desc d;
	struct ft_stats st;

	engine_get_stats(e, &s);
	ft_get_stats(engine_table(e), &st);
	fprintf(stderr,
		"porttop: %llu packet%s read, %llu decoded, %llu truncated, "
		"%llu invalid, %llu unsupported, %llu flow%s\n",
		(unsigned long long)s.read, s_(s.read),
		(unsigned long long)s.decoded,
		(unsigned long long)s.truncated,
		(unsigned long long)s.invalid,
		(unsigned long long)s.unsupported,
		(unsigned long long)st.ended, s_(st.ended));
	engine_describe(e, &d);
	if (d.own_only)	/* porttop run: what of it was CMD's */
		fprintf(stderr, "porttop: run: kept %llu of %llu packet%s, "
			"%llu of %llu flow%s (CMD's)\n",
			(unsigned long long)s.kept_pkts,
			(unsigned long long)s.in_flows, s_(s.in_flows),
			(unsigned long long)s.kept_flows,
			(unsigned long long)st.ended, s_(st.ended));
	fprintf(stderr,
		"porttop: %llu fragment%s joined, %llu orphan fragment%s, "
		"%llu flow%s evicted\n",
		(unsigned long long)s.frags_joined, s_(s.frags_joined),
		(unsigned long long)s.frags_orphaned, s_(s.frags_orphaned),
		(unsigned long long)st.evicted, s_(st.evicted));
	if (s.tunnelled)	/* frames counted in several flows, or none */
		fprintf(stderr, "porttop: %llu tunnelled packet%s, %llu with "
			"a cut or invalid inner header; the flows count %llu "
			"packet%s\n",
			(unsigned long long)s.tunnelled, s_(s.tunnelled),
			(unsigned long long)s.tunnel_bad,
			(unsigned long long)s.in_flows, s_(s.in_flows));
	if (engine_is_live(e))	/* tcpdump's closing line */
		fprintf(stderr, "porttop: %llu packet%s received by filter, "
			"%llu packet%s dropped by kernel, %llu dropped by "
			"interface\n",
			(unsigned long long)s.kernel.recv, s_(s.kernel.recv),
			(unsigned long long)s.kernel.drop, s_(s.kernel.drop),
			(unsigned long long)s.kernel.ifdrop);
	/* names: what the packets gave, what the runtimes said */
	char msg[512];
	if (nm_msg(engine_names(e), msg, sizeof(msg)))
		fprintf(stderr, "porttop: %s\n", msg);
	if (nm_runtime_msg(engine_runtime(e), msg, sizeof(msg)))
		fprintf(stderr, "porttop: %s\n", msg);
	/* consumers with a word of their own (the IPFIX exporter) */
	char line[ENGINE_MAX_CONSUMERS][ENGINE_STATUS_LEN];
	int n = engine_status(e, line, ENGINE_MAX_CONSUMERS);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "porttop: %s\n", line[i]);
}

enum pt_status report_capture(struct engine *e, int quiet, struct pt_err *err)
{
	uint64_t done, total;
	int64_t start = mono_ns();
	int show;

	engine_progress(e, &done, &total);
	show = !quiet && isatty(STDERR_FILENO) &&
	       (engine_is_live(e) || total >= PROGRESS_MIN_BYTES);
	if (engine_start(e, err) != PT_OK)
		return err->code;
	/* without a progress line, just wait: a small file takes no nap */
	while (engine_poll(e, show ? PROGRESS_MS : -1))
		if (show)
			progress(e, start);
	if (show)
		fputs("\r\033[K", stderr);
	return engine_wait(e, err);
}

/* stdout's buffer: our own, as glibc's setvbuf ignores the size when
 * given none and takes st_blksize (4 KiB on a pipe or /dev/null). */
static char outbuf[1 << 20];

int report_run(struct engine *e, const struct report_run_opts *o)
{
	struct report *rep = NULL;
	struct pt_err err = { 0 };
	enum pt_status rc;

	if (!o->no_report && o->kind != REP_NONE &&
	    !(rep = report_new(o->kind, o->format, engine_attr(e)))) {
		fprintf(stderr, "porttop: out of memory\n");
		return EXIT_USAGE;
	}
	/* live: where owners come from; a file: what its comments gave,
	 * once it is read (below) */
	if (!o->quiet && engine_attr(e) && engine_is_live(e))
		fprintf(stderr, "porttop: %s\n", engine_attrib_msg(e));
	/* A file's report can be millions of lines: buffer them in large
	 * blocks.  Live, stdio's own buffer (4 KiB on a pipe), so that
	 * `--order end` rows go out a few at a time as flows end. */
	if (!engine_is_live(e))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (rep && o->kind == REP_FLOWS && o->order != REP_ORDER_ALL &&
	    report_stream(rep, stdout, o->order == REP_ORDER_END ? 0 :
				       REPORT_WINDOW) < 0) {
		fprintf(stderr, "porttop: out of memory\n");
		report_free(rep);
		return EXIT_USAGE;
	}
	if (rep) {
		struct consumer c = report_consumer(rep);

		report_filter(rep, o->filter);
		engine_add(e, &c);
	}
	rc = report_capture(e, o->quiet, &err);
	if (rc != PT_OK && rc < PT_ERR_INPUT) {
		fprintf(stderr, "porttop: %s\n", err.msg);
		report_free(rep);
		return pt_exit(rc);
	}
	if (!o->quiet && !engine_is_live(e) && *engine_attrib_msg(e))
		fprintf(stderr, "porttop: %s\n", engine_attrib_msg(e));
	sig_release();	/* a long report can still be interrupted */
	if (rep && report_write(rep, stdout) < 0) {
		fprintf(stderr, "porttop: writing the report: %s\n",
			strerror(errno));
		if (rc == PT_OK)
			rc = PT_ERR_OUTPUT;
	}
	report_summary(e);
	if (rep && report_late(rep))
		fprintf(stderr, "porttop: %llu flow%s written out of start order "
			"(%u or more flows that started later ended first; "
			"--order all keeps every flow to sort them)\n",
			(unsigned long long)report_late(rep),
			s_(report_late(rep)), REPORT_WINDOW / 2);
	if (rc != PT_OK && *err.msg)
		fprintf(stderr, "porttop: %s\n", err.msg);
	report_free(rep);
	return pt_exit(rc);
}
