/*
 * view.h - the parts of the interactive view, shared by view.c (terminal,
 * snapshots, keys, the loop) and view_draw.c (what the screen shows).
 * The program's entry is view_run().
 */
#ifndef PORTTOP_VIEW_H
#define PORTTOP_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "../core/engine.h"
#include "fmt.h"
#include "model.h"

struct resolver;

/* Rows above the table: the header, the status line, the column titles. */
#define VIEW_TOP_ROWS (FMT_HEAD_LINES + 2)

struct view_opts {
	enum model_view view;		/* --view: the view to show first */
	int group;			/* with MV_PROCS: the Containers view
					   (model_set_group) */
	int64_t delay_ns;		/* -d: refresh interval */
};

/* view_run: run e (opened with ft.publish and keep_flows, not started)
 * in the interactive view until the user quits ('q') or a signal stops
 * it; the view stays after a replay ends.  Returns the exit status
 * (status.h); a failure is said on stderr once the terminal is back. */
int view_run(struct engine *e, const struct view_opts *o);

/* ---- private to the view (view.c, view_draw.c) ---- */

struct view {
	const struct view_opts *o;
	struct engine *e;
	struct model *m;
	struct resolver *res;		/* NULL until names are first asked */
	int live, ended, frozen, paused, names, exact, help, cgroup, bits;
	int group;			/* processes: the Containers view */
	int show_ended;			/* e: ended flows listed too */
	enum engine_tunnels tunnels;	/* T: the --tunnels mode shown */
	enum pt_status status;		/* the engine's, once ended */
	int detail, dgone;		/* details box open; its row left */
	int dscroll, hscroll;		/* first line of the details box shown, of the help */
	uint64_t updates;		/* snapshots taken */
	struct engine_stats es;		/* as of the last snapshot */
	struct ft_stats fs;
	struct model_totals mt;
	int64_t start_mono, start_wall;	/* ns, CLOCK_MONOTONIC / REALTIME */
	struct pt_err err;		/* the engine's error, once ended */
	/* per view (enum model_view) */
	enum model_view mv;
	int sort[MV_NUM], rev[MV_NUM];	/* index into the view's keys */
	enum model_sort skey[MV_NUM];	/* the key it stands for */
	int pinned[MV_NUM];		/* the selection follows its row */
	size_t sel[MV_NUM], top[MV_NUM];
	uint64_t sel_id[MV_NUM];	/* view_row_id of the selected row */
	/* the display filter (one text for the three views), and the line
	 * being edited; fbad: the text is not a filter of that view's rows */
	char filter[256], edit[256];
	int editing, fbad[MV_NUM];
	char ferr[256];			/* why the edited text was refused */
	struct fmt_cols cols;		/* the columns last drawn */
	char msg[128];			/* a passing message, until msg_until */
	int64_t msg_until;
	/* the detailed row as last seen */
	struct model_flow df;
	struct model_port dp;
	struct model_proc dpr;
};

/* view_nrows: rows of the current view (after the filter). */
size_t view_nrows(const struct view *v);

/* view_row_id: what row i (< view_nrows) is across snapshots: a flow's
 * id, a port's (proto << 16 | port), a process's pid, a group's label
 * hashed. */
uint64_t view_row_id(const struct view *v, size_t i);

/* view_page: table rows that fit on the screen (at least 1). */
int view_page(void);

/* view_draw: draw the whole screen from the last snapshot (keeps the
 * selection on its row first) and refresh the terminal. */
void view_draw(struct view *v);

#endif
