/*
 * run.h - what porttop does once its options are parsed: open the source,
 * start the engine, and either write a report at the end or run a view
 * (interactive or --batch) while it captures.
 */
#ifndef PORTTOP_RUN_H
#define PORTTOP_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "../capture/cap.h"
#include "../flowtable/ft.h"
#include "../flowtable/scan.h"
#include "../report/report.h"

/* Exit statuses (documented in porttop.8, EXIT STATUS). */
enum {
	EXIT_OK = 0,
	EXIT_DAMAGED = 1,	/* the input broke mid-way (damaged file,
				   device gone, -w failed); partial report */
	EXIT_USAGE = 2,		/* bad usage, unreadable file, bad filter,
				   unsupported link type, no permission */
};

enum run_mode { RUN_REPORT, RUN_BATCH, RUN_VIEW };

struct run_opts {
	enum run_mode mode;
	const char *read_file;		/* -r, or NULL for a device */
	struct cap_live_opts live;	/* -i -p -s -B */
	const char *filter;		/* expression, NULL or "" for none */
	const char *write_file;		/* -w */
	uint64_t count;			/* -c (0 = all) */
	int64_t duration_ns;		/* --duration (0 = no limit) */
	double speed;			/* --speed for replays (default 1) */
	bool quiet;			/* -q: no progress line */
	enum rep_kind report;		/* --report */
	int view;			/* --view: enum model_view to start
					   with (view and --batch) */
	enum rep_fmt format;
	int64_t delay_ns;		/* -d: batch/view refresh interval */
	uint64_t iterations;		/* -n N: batch iterations (0 = until
					   the input ends) */
	struct ft_config ft;
	const char *fallback_file;	/* --fallback-replay: replay this file
					   when the device cannot be opened */
	char notice[256];		/* why the fallback was taken, shown in
					   the view's first line */
	int attrib;			/* --attrib: enum attr_mode */
	struct attr *attr;		/* the attribution service while a
					   device is captured, else NULL */
	char attr_msg[256];		/* its source, or why it is off */
	const char *user;		/* -Z: drop to this user once the
					   capture is open and eBPF loaded */
	const char *events_file;	/* --events FILE ("-": stdout) */
	struct scan_config scan;	/* --scan (zero fields: Zeek's) */
	struct events *events;		/* its stream while running */
};

/* run: do it.  Returns an EXIT_* status.  May fill o->notice. */
int run(struct run_opts *o);

/* run_open: open the source of o (file or device), check its link type
 * and apply the filter.  On failure prints one line to stderr (or, for a
 * device and a non-NULL why, writes the reason into why, len bytes) and
 * returns EXIT_USAGE; EXIT_OK on success, with *cap set. */
int run_open(const struct run_opts *o, struct cap **cap, char *why,
	     size_t len);

/* run_engine_opts: the engine options o asks for, reading cap (the caller
 * then sets done, done_arg and what its mode changes). */
struct engine_opts;
void run_engine_opts(const struct run_opts *o, struct cap *cap,
		     struct engine_opts *eo);

/* run_attrib_source: "bpf", "diag" or "proc" while flows are attributed
 * (the views' header), else NULL. */
const char *run_attrib_source(const struct run_opts *o);

/* run_attrib_lost: the attribution service's losses so far (eBPF events
 * dropped, lookup requests dropped), 0 when there is none. */
uint64_t run_attrib_lost(const struct run_opts *o);

/* run_damage_line: the one line saying why a run ended with EXIT_DAMAGED
 * (err from engine_wait): the input broke after `read` packets (UINT64_MAX:
 * not said), or ("-w ...") the -w file could not be written while the
 * capture went on. */
void run_damage_line(struct cap *cap, uint64_t read, const char *err);

/* The modes (run.c, batch.c, view.c).  run_report closes o->events
 * before it writes the report (both may go to stdout). */
int run_report(struct run_opts *o, struct cap *cap);
int run_batch(const struct run_opts *o, struct cap *cap);
int run_view(const struct run_opts *o, struct cap *cap);

#endif
