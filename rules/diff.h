/*
 * diff.h - `porttop diff BASELINE CURRENT`: what changed between two runs
 * of the same test, each side a capture or a saved flows report (porttop
 * --format json), compared on what is stable between runs.
 *
 * Flows are matched by (proto, resp_h, resp_p, orig_h): the client's
 * ephemeral port and the times are left out.  For each such key the two
 * sides' flow counts, conn_state mixes and packet and byte sums are
 * compared; for each responder port (proto, resp_p) its state, as the
 * ports report gives it (report/ports.h: the latest flow with a verdict).
 */
#ifndef PORTTOP_DIFF_H
#define PORTTOP_DIFF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The values compared per key, in this order; DIFF_FLOWS and
 * DIFF_STATES are the key's flow count and conn_state mix. */
enum diff_val {
	DIFF_ORIG_PKTS, DIFF_RESP_PKTS, DIFF_ORIG_BYTES, DIFF_RESP_BYTES,
	DIFF_NVAL
};

/* A flow as diff sees it. */
struct dflow {
	char proto[12], orig_h[48], resp_h[48];
	int64_t resp_p;
	char conn_state[8];		/* "" when null */
	char orig_comm[16], resp_comm[16];	/* the ends' processes; ""
						   unknown */
	int port_state;			/* enum ft_port_state */
	int64_t first_ns;
	int64_t val[DIFF_NVAL];
};

/* One side: its flows. */
struct dside {
	const char *path;
	struct dflow *f;
	size_t n, cap;
};

/* The fields a tolerance may be given for (--tolerance FIELD=PCT): the
 * values above, a service's flow count, a process's flows originated and
 * answered. */
enum diff_tol_field {
	DIFF_TOL_FLOWS = DIFF_NVAL, DIFF_TOL_ORIG_FLOWS, DIFF_TOL_RESP_FLOWS,
	DIFF_NTOL
};

/* The names of the fields of diff_tol_field (and so of diff_val), as the
 * flows report and the JSON output name them. */
extern const char *const diff_tol_names[DIFF_NTOL];

struct diff_map;	/* --map FILE: diff_map.c */

/* What is left out of the comparison (--ignore, --ignore-hosts), how far
 * numbers may move (--tolerance), how the baseline's addresses are
 * renamed (--map) and how the differences are written (--format). */
struct diff_opts {
	int ignore_orig_h, ignore_resp_h, ignore_states, ignore_ports;
	int ignore_procs;		/* --ignore comm: no proc and
					   listener lines */
	int ignore_val[DIFF_NVAL];
	double tol[DIFF_NTOL];		/* 0.1: 10 % of the larger; 0: exact */
	int json;			/* --format json: JSON Lines */
	int update;			/* --update: rewrite the baseline */
	struct diff_map *map;		/* --map, or NULL */
};

/* The options of a diff, one table for `porttop diff` and for --diff
 * beside a capture (porttop -r, porttop run): their long names, whether
 * they take a value, and each option's effect (diff_option).  "format"
 * and "update" are `porttop diff`'s alone: porttop's own --format gives
 * --diff its format (diff_option with DIFF_OPT_FORMAT), and a live
 * capture is no file to make a baseline of. */
enum diff_opt { DIFF_OPT_IGNORE, DIFF_OPT_TOLERANCE, DIFF_OPT_IGNORE_HOSTS,
		DIFF_OPT_MAP, DIFF_OPT_FORMAT, DIFF_OPT_UPDATE, DIFF_NOPTS };
extern const struct diff_optdef {
	const char *name;
	int has_arg;
} diff_optdefs[DIFF_NOPTS];

/* diff_option: option `which` with its value arg (NULL when it takes
 * none) into o; --map reads its file now.  0, or -1 with err (errlen
 * bytes) saying what was wrong: "--tolerance takes ...", "FILE:LINE:
 * ...". */
int diff_option(struct diff_opts *o, enum diff_opt which, const char *arg,
		char *err, size_t errlen);

/* diff_opts_free: what diff_option allocated (the map). */
void diff_opts_free(struct diff_opts *o);

/* diff_ignore: FIELD of --ignore into o: orig_h, resp_h, conn_state,
 * port_state, comm (the processes), or one of the values (orig_pkts, resp_pkts, orig_bytes,
 * resp_bytes).  0, or -1 for any other name. */
int diff_ignore(struct diff_opts *o, const char *field);

/* diff_load: path into s (empty, its path set): a flows report as JSON
 * Lines when its first byte is '{', else a capture read to its end.
 * 0, or -1 with err (errlen bytes) set: "FILE:LINE: message" for a bad
 * line of a report, the capture's own error otherwise. */
int diff_load(struct dside *s, const char *path, char *err, size_t errlen);

/* diff_load_engine: s (empty, its path set to a name for the "+++"
 * line) from e (opened, not started) run to the end of its input (-q:
 * quiet), as diff_load reads a capture.  0, or -1 with err set. */
struct engine;
int diff_load_engine(struct dside *s, struct engine *e, int quiet,
		     char *err, size_t errlen);

/* diff_engine: `--diff BASELINE` (porttop run --diff, or beside -r/-i):
 * BASELINE against what e captures (label names it on the "+++" line),
 * compared as o says and written as diff_write does, then porttop's
 * summary.  Exit status: 0 the same, 1 they differ, 2 a side could not
 * be read. */
int diff_engine(struct engine *e, const char *baseline, const char *label,
		const struct diff_opts *o, int quiet);

void diff_side_free(struct dside *s);

/* diff_save: make baseline what current says (--update): a copy of
 * current when it is a report, else current's flows report as JSON
 * Lines; created anew, never through a symbolic link.  0, or -1 with err
 * set. */
int diff_save(const char *current, const char *baseline, char *err,
	      size_t errlen);

/* diff_write: the differences of b (baseline) and c (current) to out,
 * canonically sorted: "--- B", "+++ C", then "-KEY ..." for what is gone,
 * "+KEY ..." for what is new, "~KEY A -> B" for what changed; flows'
 * keys ("tcp 10.0.0.1 > 10.0.0.2:80") first, then ports ("port
 * tcp/80").  Nothing when they agree.  Returns the number of differing
 * lines, or -1 when memory was short. */
long diff_write(FILE *out, struct dside *b, struct dside *c,
		const struct diff_opts *o);

/* diff_procs: the processes and listeners of b and c compared, to out
 * (diff_write's part after the ports): processes by name (pids change
 * between runs), each with the flows it originated ("out") and answered
 * ("in"): "-proc NAME  out N  in M" gone, "+proc ..." new, "~proc NAME
 * out A -> B  in C -> D" moved beyond the tolerance; then the listeners
 * as the flows show them, a responder port and the process that owned
 * its end: "-listener tcp/8081 python3", "+listener ...".  Sides are
 * sorted by diff_write first.  The number of lines, or -1 when memory
 * was short. */
long diff_procs(FILE *out, const struct dside *b, const struct dside *c,
		const struct diff_opts *o);

/* diff_moved: whether a and b differ by more than tol (0.1: 10 %) of
 * the larger. */
int diff_moved(int64_t a, int64_t b, double tol);

/* diff_main: the command `porttop diff [--ignore FIELD]... [--tolerance
 * PCT] [--update] BASELINE CURRENT` (argv[0] is "diff").  Exit status: 0
 * the same (or, with --update, the baseline rewritten from CURRENT), 1
 * they differ, 2 bad usage or input. */
int diff_main(int argc, char **argv);

#endif
