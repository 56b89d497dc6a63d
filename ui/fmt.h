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
};

#define FMT_HEAD_LINES 4

/* fmt_head: the header, FMT_HEAD_LINES lines of up to len bytes each. */
void fmt_head(const struct fmt_head *h, char lines[][256], size_t len);

/* fmt_titles: the column titles of view v; addr_w is the width of an
 * address:port column (flows view). */
void fmt_titles(enum model_view v, int addr_w, char *buf, size_t len);

/* One row; now_ns (packet time) gives a flow's age. */
void fmt_flow(const struct model_flow *f, int addr_w, int64_t now_ns,
	      char *buf, size_t len);
void fmt_port(const struct model_port *p, char *buf, size_t len);
void fmt_proc(const struct model_proc *p, char *buf, size_t len);

/* fmt_set_exact: from now on, byte counts and rates in full ("1234567")
 * instead of human units (0, the default); the rate and total columns of
 * fmt_titles and the rows widen to match.  Process-wide setting, for the
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

/* fmt_rate: a byte rate in human units ("1.2M", or in full after
 * fmt_set_exact(1)), into buf (24 bytes are always enough). */
const char *fmt_rate(double bytes_per_s, char *buf, size_t len);

#endif
