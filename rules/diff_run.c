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

static int diff_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "porttop: diff: %s%s%s\nUsage: porttop diff "
		"[--ignore FIELD]... [--tolerance [FIELD=]PCT]...\n"
		"       [--ignore-hosts] [--map FILE] [--format text|json] "
		"[--update] BASELINE CURRENT\n",
		msg, arg ? ": " : "", arg ? arg : "");
	return EXIT_USAGE;
}

/* The command line into o (diff_optdefs, diff_option).  -1 to go on,
 * else the exit status. */
static int parse(int argc, char **argv, struct diff_opts *o)
{
	struct option longs[DIFF_NOPTS + 1] = { { NULL, 0, NULL, 0 } };
	char err[512];
	int ch;

	for (int i = 0; i < DIFF_NOPTS; i++)
		longs[i] = (struct option){ diff_optdefs[i].name,
			diff_optdefs[i].has_arg ? required_argument :
			no_argument, NULL, 256 + i };
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+:", longs, NULL)) != -1) {
		if (ch == ':')
			return diff_usage("option requires an argument",
					  argv[optind - 1]);
		if (ch < 256 || ch >= 256 + DIFF_NOPTS)
			return diff_usage("unknown option", argv[optind - 1]);
		if (diff_option(o, (enum diff_opt)(ch - 256), optarg, err,
				sizeof(err)) < 0)
			return diff_usage(err, NULL);
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
		const struct diff_opts *o, int quiet)
{
	struct dside b = { 0 }, c = { .path = label };
	char err[512];
	long lines = -1;

	/* the capture first: a live one (porttop run) must not wait while
	 * a baseline capture is read */
	if (diff_load_engine(&c, e, quiet, err, sizeof(err)) < 0 ||
	    diff_load(&b, baseline, err, sizeof(err)) < 0)
		fprintf(stderr, "porttop: diff: %s\n", err);
	else
		lines = compare(&b, &c, o);
	diff_side_free(&b);
	diff_side_free(&c);
	report_summary(e);
	return lines < 0 ? EXIT_USAGE : lines > 0 ? 1 : EXIT_OK;
}

/* BASELINE against CURRENT, and with --update the baseline rewritten
 * when they differ (as golden tests are updated): the exit status. */
static int diff_two(const struct diff_opts *o, const char *base,
		    const char *cur)
{
	struct dside b = { 0 }, c = { 0 };
	char err[512];
	long lines = -1;

	if (diff_load(&b, base, err, sizeof(err)) < 0 ||
	    diff_load(&c, cur, err, sizeof(err)) < 0)
		fprintf(stderr, "porttop: diff: %s\n", err);
	else
		lines = compare(&b, &c, o);
	diff_side_free(&b);
	diff_side_free(&c);
	if (lines > 0 && o->update) {
		if (diff_save(cur, base, err, sizeof(err)) < 0) {
			fprintf(stderr, "porttop: diff: --update: %s\n", err);
			return EXIT_USAGE;
		}
		fprintf(stderr, "porttop: diff: %s updated from %s\n", base,
			cur);
		return EXIT_OK;
	}
	return lines < 0 ? EXIT_USAGE : lines > 0 ? 1 : EXIT_OK;
}

int diff_main(int argc, char **argv)
{
	struct diff_opts o = { 0 };
	int status = parse(argc, argv, &o);

	if (status < 0 && keyhash_init(NULL) < 0) {
		fprintf(stderr, "porttop: cannot initialise the hash key\n");
		status = EXIT_USAGE;
	}
	if (status < 0)
		status = diff_two(&o, argv[optind], argv[optind + 1]);
	diff_opts_free(&o);
	return status;
}
