/*
 * diff_run.c - the diff command (diff.h): its options, both sides read,
 * the differences written, the exit status.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/status.h"
#include "../lib/keyhash.h"
#include "../report/report_run.h"
#include "diff.h"

int diff_ignore(struct diff_opts *o, const char *field)
{
	static const char *const vals[DIFF_NVAL] = {
		"orig_pkts", "resp_pkts", "orig_bytes", "resp_bytes",
	};
	int *flag = !strcmp(field, "orig_h") ? &o->ignore_orig_h :
		    !strcmp(field, "resp_h") ? &o->ignore_resp_h :
		    !strcmp(field, "conn_state") ? &o->ignore_states :
		    !strcmp(field, "port_state") ? &o->ignore_ports :
		    !strcmp(field, "comm") ? &o->ignore_procs : NULL;

	for (int v = 0; v < DIFF_NVAL && !flag; v++)
		if (!strcmp(field, vals[v]))
			flag = &o->ignore_val[v];
	if (!flag)
		return -1;
	*flag = 1;
	return 0;
}

static int diff_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "porttop: diff: %s%s%s\nUsage: porttop diff "
		"[--ignore FIELD]... [--tolerance PCT] [--update]\n"
		"       BASELINE CURRENT\n",
		msg, arg ? ": " : "", arg ? arg : "");
	return EXIT_USAGE;
}

/* --tolerance 10% or 0.1 */
static int tolerance(const char *s, double *t)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0)
		return -1;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	*t = v;
	return *end || v > 1 ? -1 : 0;
}

static int parse(int argc, char **argv, struct diff_opts *o)
{
	static const struct option longs[] = {
		{ "ignore", required_argument, NULL, 'I' },
		{ "tolerance", required_argument, NULL, 'T' },
		{ "update", no_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+", longs, NULL)) != -1) {
		if (ch == 'I' && diff_ignore(o, optarg) < 0)
			return diff_usage("--ignore takes orig_h, resp_h, "
					  "conn_state, port_state, comm, "
					  "orig_pkts, "
					  "resp_pkts, orig_bytes or resp_bytes",
					  optarg);
		if (ch == 'T' && tolerance(optarg, &o->tolerance) < 0)
			return diff_usage("--tolerance takes a share: 10% or "
					  "0.1", optarg);
		if (ch == 'U')
			o->update = 1;
		else if (ch != 'I' && ch != 'T')
			return diff_usage("unknown option", argv[optind - 1]);
	}
	if (argc - optind != 2)
		return diff_usage("give a BASELINE and a CURRENT (captures "
				  "or --format json flows reports)", NULL);
	return -1;
}

/* The differences of two loaded sides on stdout: their count, or -1
 * (out of memory, or stdout failed; said). */
static long compare(struct dside *b, struct dside *c,
		    const struct diff_opts *o)
{
	long lines = diff_write(stdout, b, c, o);

	if (lines < 0)
		fprintf(stderr, "porttop: diff: out of memory\n");
	if (fflush(stdout) != 0)
		lines = -1;
	return lines;
}

int diff_engine(struct engine *e, const char *baseline, const char *label,
		int quiet)
{
	struct diff_opts o = { 0 };
	struct dside b = { 0 }, c = { .path = label };
	char err[512];
	long lines = -1;

	/* the capture first: a live one (porttop run) must not wait while
	 * a baseline capture is read */
	if (diff_load_engine(&c, e, quiet, err, sizeof(err)) < 0 ||
	    diff_load(&b, baseline, err, sizeof(err)) < 0)
		fprintf(stderr, "porttop: diff: %s\n", err);
	else
		lines = compare(&b, &c, &o);
	diff_side_free(&b);
	diff_side_free(&c);
	report_summary(e);
	return lines < 0 ? EXIT_USAGE : lines > 0 ? 1 : EXIT_OK;
}

int diff_main(int argc, char **argv)
{
	struct diff_opts o = { 0 };
	struct dside b = { 0 }, c = { 0 };
	char err[512];
	long lines = -1;
	int status;

	if ((status = parse(argc, argv, &o)) >= 0)
		return status;
	if (keyhash_init(NULL) < 0) {
		fprintf(stderr, "porttop: cannot initialise the hash key\n");
		return EXIT_USAGE;
	}
	if (diff_load(&b, argv[optind], err, sizeof(err)) < 0 ||
	    diff_load(&c, argv[optind + 1], err, sizeof(err)) < 0)
		fprintf(stderr, "porttop: diff: %s\n", err);
	else
		lines = compare(&b, &c, &o);
	diff_side_free(&b);
	diff_side_free(&c);
	if (lines > 0 && o.update) {	/* as golden tests are updated */
		if (diff_save(argv[optind + 1], argv[optind], err,
			      sizeof(err)) < 0) {
			fprintf(stderr, "porttop: diff: --update: %s\n", err);
			return EXIT_USAGE;
		}
		fprintf(stderr, "porttop: diff: %s updated from %s\n",
			argv[optind], argv[optind + 1]);
		return EXIT_OK;
	}
	return lines < 0 ? EXIT_USAGE : lines > 0 ? 1 : EXIT_OK;
}
