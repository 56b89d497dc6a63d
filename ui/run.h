/*
 * run.h - the offline pipeline: capture -> decode -> flow table -> report.
 */
#ifndef PORTTOP_RUN_H
#define PORTTOP_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "../flowtable/ft.h"
#include "report.h"

/* Exit statuses (documented in porttop.8, EXIT STATUS). */
enum {
	EXIT_OK = 0,
	EXIT_DAMAGED = 1,	/* the input broke mid-way; partial report */
	EXIT_USAGE = 2,		/* bad usage, unreadable file, bad filter,
				   unsupported link type */
};

struct run_opts {
	const char *read_file;		/* -r */
	const char *filter;		/* expression, NULL or "" for none */
	uint64_t count;			/* -c: stop after this many packets
					   (0 = all) */
	bool quiet;			/* -q: no progress line */
	enum rep_kind report;
	enum rep_fmt format;
	struct ft_config ft;
};

/* Packet accounting, printed as the summary on stderr. */
struct run_counts {
	uint64_t read, decoded, truncated, invalid, unsupported;
	uint64_t held;			/* fragments still waiting at the end
					   (become orphans in dec_flush) */
};

/* run_offline: read o->read_file to its end (or -c), write the report to
 * stdout and the summary to stderr.  Returns an EXIT_* status. */
int run_offline(const struct run_opts *o);

#endif
