/*
 * fmt.h - the text of the live views: the header lines and one line per
 * row, shared by the terminal view and --batch text output.  Sizes are
 * wire bytes in human units (powers of 1024), rates per second; ">" is
 * orig -> resp, "<" resp -> orig.
 */
#ifndef PORTTOP_FMT_H
#define PORTTOP_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "../core/engine.h"
#include "model.h"

/* What the header shows besides the model's totals. */
struct fmt_head {
	const struct engine_desc *d;	/* source, filter, speed, capacity,
					   notice, attribution */
	int64_t elapsed_ns;		/* wall time since start (live) or packet
					   time since the first packet (replay) */
	const struct engine_stats *es;
	const struct ft_stats *fs;
	const struct model_totals *mt;
	int ended;			/* the replay reached the end (live: the
					   capture stopped) */
	int frozen;			/* the display is paused */
	const char (*status)[ENGINE_STATUS_LEN];	/* engine_status()'s */
	int nstatus;			/* lines, after the flows line */
	const char *tunnels;		/* the --tunnels mode the rows are
					   of, said on the flows line (the
					   view: it switches), or NULL */
};

#define FMT_HEAD_LINES 4

/* fmt_head: the header, FMT_HEAD_LINES lines of up to len bytes each. */
void fmt_head(const struct fmt_head *h, char lines[][256], size_t len);

/* The columns of a view that fit a screen (fmt_cols.c).  fmt_fit_row
 * widens the stretchy columns for one row in sight (the longest endpoint
 * and process name); fmt_layout then picks the columns for a screen of
 * `screen` columns (0: all of them), shrinking endpoints to 21 columns,
 * process names to 8 and endpoints to 13 (cut in the middle: the port
 * and pid stay) before it leaves out the least important columns. */
#define FMT_MAX_COLS 20
struct fmt_fit {
	int addr[2], proc;	/* widest orig, resp endpoint and process
				   name in sight (0: the defaults) */
};
struct fmt_cols {
	enum model_view v;
	int n;			/* columns shown, in screen order */
	int id[FMT_MAX_COLS];	/* index in the view's table */
	int w[FMT_MAX_COLS];
	int width;		/* of the whole line */
};
void fmt_fit_row(enum model_view v, const void *row, struct fmt_fit *fit);
void fmt_layout(enum model_view v, int screen, const struct fmt_fit *fit,
		struct fmt_cols *c);

/* fmt_titles: the column titles; fmt_row: one row (a struct model_flow,
 * model_port or model_proc of c's view); now_ns (packet time) gives a
 * flow's age. */
void fmt_titles(const struct fmt_cols *c, char *buf, size_t len);
void fmt_row(const struct fmt_cols *c, const void *row, int64_t now_ns,
	     char *buf, size_t len);

/* fmt_col_span: where the column(s) of sort key k are on the title line
 * (x, width); 0 when none is shown. */
int fmt_col_span(const struct fmt_cols *c, enum model_sort k, int *x,
		 int *w);

/* fmt_set_exact: from now on, byte counts and rates in full ("1234567")
 * instead of human units (0, the default); the rate and total columns of
 * fmt_layout widen to match.  Process-wide setting, for the
 * view's thread (the interactive view's `b` key). */
void fmt_set_exact(int on);

/* fmt_user: a uid as a user name (the password database, cached), its
 * number when it has no name, "-" for (uint32_t)-1.  View thread only. */
void fmt_user(uint32_t uid, char *buf, size_t len);

/* fmt_set_cgroup: from now on, the processes view ends with a CGROUP
 * column (1) or not (0, the default): the process's cgroup v2 path from
 * /proc/PID/cgroup while it runs (cached per pid), else its cgroup id.
 * The view's thread only (the `c` key). */
void fmt_set_cgroup(int on);

/* fmt_set_group: from now on, the processes view's columns are the
 * Containers view's (1: model_set_group's rows: PROCS, CONTAINER/UNIT,
 * FLOWS, PORTS, the rates and totals, IMAGE) or the processes' (0, the
 * default).  The view's thread only (the `C` and `P` keys). */
void fmt_set_group(int on);
int fmt_group_on(void);

/* fmt_set_bits: rates in bits per second (1) or bytes per second (0, the
 * default), as iftop's B key; fmt_rate_unit: "bit/s" or "B/s". */
void fmt_set_bits(int on);
const char *fmt_rate_unit(void);

/* fmt_rate: a rate of bytes_per_s in the current unit: human units
 * ("1.2M": powers of 1024 for bytes, of 1000 for bits, as iftop) or in
 * full after fmt_set_exact(1), into buf (24 bytes are always enough). */
const char *fmt_rate(double bytes_per_s, char *buf, size_t len);

/* fmt_size: a byte count, human or exact; fmt_hms: a duration as
 * 00:01:02 (or 3d04h). */
const char *fmt_size(uint64_t bytes, char *buf, size_t len);
void fmt_hms(int64_t ns, char *buf, size_t len);

/* fmt_exact, fmt_cgroup_on: the settings above. */
int fmt_exact(void);
int fmt_cgroup_on(void);

/* fmt_cgroup: a process's cgroup (see fmt_set_cgroup), "-" if none. */
void fmt_cgroup(const struct attr_end *w, char *buf, size_t len);

/* fmt_proto: an IP protocol by its IANA keyword in lower case ("tcp",
 * "gre", "esp", "ospf"), its number when it has none. */
const char *fmt_proto(uint8_t proto, char *buf, size_t len);

/* fmt_icmp: an ICMP (proto 1) or ICMPv6 (58) type and code by IANA's
 * names ("echo request", "dest unreachable/port unreachable"); short:
 * a few letters for a table cell ("echo-req", "unreach/port"). */
const char *fmt_icmp(uint8_t proto, int type, int code, int brief,
		     char *buf, size_t len);

/* fmt_endpoint: a flow's orig (d 0) or resp (1) end as a table cell:
 * "10.0.0.1:80", "[fd00::1]:53"; an ICMP flow's resp end carries the
 * message's short name instead of ports. */
void fmt_endpoint(const struct model_flow *f, int d, char *buf, size_t len);

#endif
