/*
 * fmt_cols.c - the columns of the live views (see fmt.h: fmt_layout).
 * Each view has a table of columns in screen order, each with a title, a
 * width, a priority and the sort key it stands for.  A screen too narrow
 * for all of them first shrinks the stretchy columns (endpoints longer
 * than IPv4's, process names, then endpoints again) down to a floor, then
 * leaves out the least important
 * columns: the flows view keeps its endpoints, state, process and rates
 * longest, and drops the packet count, the 40 s and 10 s averages, the
 * age and the totals first.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../names/nm_who.h"
#include "fmt.h"

#define CELL 160	/* bytes of one cell's text */

enum {
	C_RIGHT = 1,	/* numbers: right-aligned */
	C_ADDR = 2,	/* an endpoint: as wide as the longest in sight */
	C_PROC = 4,	/* a process name: as wide as the longest in sight */
	C_PAIR = 8,	/* shown only together with the next column */
	C_RATE = 16,	/* a rate: the rate width, the unit in its title */
	C_SIZE = 32,	/* a byte count: the size width */
	C_REST = 64,	/* the last column, as long as its text */
	C_RESP = 128,	/* with C_ADDR: the responder's end */
};

struct col {
	const char *title;	/* C_RATE: a format for the unit ("%s>") */
	int w;			/* width, unless C_RATE, C_SIZE, C_ADDR, C_PROC */
	int prio;		/* 10: left out last; 0: with its pair only */
	int flags;
	enum model_sort key;	/* MS_NUM: not a sort key */
};

#define R C_RIGHT
/* Rates (the last interval each way, the 10 s and 40 s averages), totals
 * each way and packets: the same in the three views but for the titles
 * and how much the rates matter. */
#define RATES_TOTALS(r1, r2, rprio, t1, t2) \
	{ r1, 0, rprio, R | C_RATE | C_PAIR, MS_RATE }, \
	{ r2, 0, 0, R | C_RATE, MS_RATE }, \
	{ "10s", 0, 4, R | C_RATE, MS_RATE10 }, \
	{ "40s", 0, 3, R | C_RATE, MS_RATE40 }, \
	{ t1, 0, 6, R | C_SIZE | C_PAIR, MS_TOTAL }, \
	{ t2, 0, 0, R | C_SIZE, MS_TOTAL }, \
	{ "PKTS", 7, 2, R, MS_PKTS }

static const struct col flows_c[] = {
	{ "PROTO", 5, 8, 0, MS_PROTO },
	{ "ORIG", 0, 10, C_ADDR, MS_NUM },
	{ "RESP", 0, 10, C_ADDR | C_RESP, MS_PORT },
	{ "STATE", 6, 9, 0, MS_STATE },
	{ "PROCESS", 0, 9, C_PROC, MS_NUM },
	RATES_TOTALS("%s>", "%s<", 9, "TOTAL>", "TOTAL<"),
	{ "AGE", 8, 5, R, MS_AGE },
};

static const struct col ports_c[] = {
	{ "PROTO", 5, 10, 0, MS_NUM },
	{ "PORT", 5, 10, R, MS_PORT },
	{ "ROLE", 6, 8, 0, MS_NUM },
	{ "STATE", 8, 10, 0, MS_NUM },
	{ "CONNS", 6, 9, R, MS_CONNS },
	{ "LIVE", 5, 6, R, MS_NUM },
	{ "EST", 5, 7, R, MS_NUM },
	{ "REJ", 5, 7, R, MS_NUM },
	{ "UNANS", 5, 7, R, MS_NUM },
	{ "CLIENTS", 8, 5, R, MS_NUM },
	RATES_TOTALS("%s>", "%s<", 8, "TOTAL>", "TOTAL<"),
	{ "PROCESS", 0, 9, C_PROC, MS_NUM },
};

static const struct col procs_c[] = {
	{ "PID", 7, 10, R, MS_NUM },
	{ "S", 1, 9, 0, MS_NUM },
	{ "COMMAND", 0, 10, C_PROC, MS_NUM },
	{ "USER", 8, 8, 0, MS_NUM },
	{ "FLOWS", 6, 7, R, MS_CONNS },
	{ "PORTS", 6, 5, R, MS_NUM },
	RATES_TOTALS("TX %s", "RX %s", 9, "SENT", "RECV"),
	{ "CGROUP", 6, 9, C_REST, MS_NUM },	/* with fmt_set_cgroup(1) */
};

static const struct col groups_c[] = {	/* with fmt_set_group(1) */
	{ "PROCS", 5, 8, R, MS_NUM },
	{ "CONTAINER/UNIT", 0, 10, C_PROC, MS_NUM },
	{ "FLOWS", 6, 7, R, MS_CONNS },
	{ "PORTS", 6, 5, R, MS_NUM },
	RATES_TOTALS("TX %s", "RX %s", 9, "SENT", "RECV"),
	{ "IMAGE", 5, 6, C_REST, MS_NUM },
};
#undef RATES_TOTALS
#undef R

static int cols_of(enum model_view v, const struct col **t)
{
	if (v == MV_PROCS && fmt_group_on()) {
		*t = groups_c;
		return (int)(sizeof(groups_c) / sizeof(groups_c[0]));
	}
	*t = v == MV_FLOWS ? flows_c : v == MV_PORTS ? ports_c : procs_c;
	return v == MV_FLOWS ? (int)(sizeof(flows_c) / sizeof(flows_c[0])) :
	       v == MV_PORTS ? (int)(sizeof(ports_c) / sizeof(ports_c[0])) :
	       (int)(sizeof(procs_c) / sizeof(procs_c[0])) - !fmt_cgroup_on();
}

static const char *title(const struct col *c, char *buf, size_t len)
{
	if (!(c->flags & C_RATE) || !strchr(c->title, '%'))
		return c->title;
	snprintf(buf, len, c->title, fmt_rate_unit());
	return buf;
}

/* A column's width before any shrinking. */
static int width(const struct col *c, const struct fmt_fit *fit)
{
	char b[32];
	int t = (int)strlen(title(c, b, sizeof(b))), w = c->w;

	if (c->flags & C_RATE)
		w = fmt_exact() ? 11 : 6;
	else if (c->flags & C_SIZE)
		w = fmt_exact() ? 13 : 6;
	else if (c->flags & C_ADDR)
		w = fit && fit->addr[!!(c->flags & C_RESP)] > 0 ?
		    fit->addr[!!(c->flags & C_RESP)] : 21;
	else if (c->flags & C_PROC)
		w = fit && fit->proc > 0 ? fit->proc : 15;
	return w > t ? w : t;
}

/* Shrink the stretchy columns of kind flag down to floor, the widest
 * first, by up to `over` columns in all; returns what is still over. */
static int shrink(const struct col *t, int n, int *w, int flag, int floor,
		  int over)
{
	while (over > 0) {
		int wide = -1;

		for (int i = 0; i < n; i++)
			if ((t[i].flags & flag) && w[i] > floor &&
			    (wide < 0 || w[i] > w[wide]))
				wide = i;
		if (wide < 0)
			break;
		w[wide]--;
		over--;
	}
	return over;
}

void fmt_layout(enum model_view v, int screen, const struct fmt_fit *fit,
		struct fmt_cols *c)
{
	const struct col *t;
	int n = cols_of(v, &t), w[FMT_MAX_COLS], on[FMT_MAX_COLS] = { 0 };
	int used = -1, must = -1;

	for (int i = 0; i < n; i++) {
		w[i] = width(&t[i], fit);
		if (t[i].prio >= 9)
			must += w[i] + 1;
		else if (t[i].prio == 0 && t[i - 1].prio >= 9)
			must += w[i] + 1;	/* the second of a kept pair */
	}
	if (screen > 0 && must > screen) {
		/* long (IPv6) endpoints to the width of IPv4's, then process
		 * names, then endpoints again */
		int over = shrink(t, n, w, C_ADDR, 21, must - screen);

		over = shrink(t, n, w, C_PROC, 8, over);
		shrink(t, n, w, C_ADDR, 13, over);
	}
	for (int p = 10; p >= 1; p--)
		for (int i = 0; i < n; i++) {
			int pair = t[i].flags & C_PAIR;
			int need = w[i] + 1 + (pair ? w[i + 1] + 1 : 0);

			if (t[i].prio != p || on[i])
				continue;
			if (screen > 0 && used + need > screen)
				continue;
			on[i] = 1;
			on[i + 1] |= pair;
			used += need;
		}
	c->v = v;
	c->n = 0;
	c->width = used;
	for (int i = 0; i < n; i++)
		if (on[i]) {
			c->id[c->n] = i;
			c->w[c->n++] = w[i];
		}
}

int fmt_col_span(const struct fmt_cols *c, enum model_sort key, int *x,
		 int *w)
{
	const struct col *t;
	int at = 0, found = 0;

	cols_of(c->v, &t);
	for (int i = 0; i < c->n; i++) {
		if (t[c->id[i]].key == key && key != MS_NUM) {
			if (!found)
				*x = at;
			*w = at + c->w[i] - *x;
			found = 1;
		}
		at += c->w[i] + 1;
	}
	return found;
}

/* Text cut to w columns: its start, "~", its end (an endpoint's port, a
 * process's ":pid" when it fits, stay whole). */
static void cut_middle(const char *s, int w, char *out, size_t len)
{
	int n = (int)strlen(s), tail = w / 2, keep;
	const char *colon = strrchr(s, ':');

	if (n <= w || w < 5) {
		snprintf(out, len, "%.*s", w, s);
		return;
	}
	if (colon && colon > s && colon[-1] == ']')
		colon--;			/* "]:443" */
	keep = colon ? n - (int)(colon - s) : 0;	/* ":443", ":1234" */
	if (keep > tail && keep <= w - 3)
		tail = keep;
	snprintf(out, len, "%.*s~%s", w - tail - 1, s, s + n - tail);
}

static void join(const struct fmt_cols *c, const char (*cell)[CELL],
		 char *buf, size_t len)
{
	const struct col *t;
	size_t at = 0;

	cols_of(c->v, &t);
	buf[0] = '\0';
	for (int i = 0; i < c->n && at < len; i++) {
		const struct col *k = &t[c->id[i]];
		const char *s = cell[c->id[i]];
		char cut[CELL];
		int w = c->w[i], last = i == c->n - 1;

		if (k->flags & (C_ADDR | C_PROC)) {
			cut_middle(s, w, cut, sizeof(cut));
			s = cut;
		}
		if ((k->flags & C_REST) || (last && !(k->flags & C_RIGHT)))
			at += (size_t)snprintf(buf + at, len - at, "%s%s",
					       i ? " " : "", s);
		else
			at += (size_t)snprintf(buf + at, len - at,
					       k->flags & C_RIGHT ? "%s%*.*s" :
					       "%s%-*.*s", i ? " " : "", w, w, s);
	}
}

void fmt_titles(const struct fmt_cols *c, char *buf, size_t len)
{
	const struct col *t;
	char cell[FMT_MAX_COLS][CELL];
	int n = cols_of(c->v, &t);

	for (int i = 0; i < n; i++) {
		char b[32];

		snprintf(cell[i], CELL, "%.31s", title(&t[i], b, sizeof(b)));
	}
	join(c, (const char (*)[CELL])cell, buf, len);
}

/* ---- the cells of one row ------------------------------------------------ */

static void rates(const struct model_rates *r, char (*cell)[CELL])
{
	fmt_rate(r->bytes[0][0], cell[0], CELL);
	fmt_rate(r->bytes[0][1], cell[1], CELL);
	fmt_rate(r->bytes[1][0] + r->bytes[1][1], cell[2], CELL);
	fmt_rate(r->bytes[2][0] + r->bytes[2][1], cell[3], CELL);
}

static void sizes(uint64_t out, uint64_t in, uint64_t pkts,
		  char (*cell)[CELL])
{
	fmt_size(out, cell[0], CELL);
	fmt_size(in, cell[1], CELL);
	snprintf(cell[2], CELL, "%" PRIu64, pkts);
}

static void flow_cells(const struct model_flow *f, int64_t now_ns,
		       char (*cell)[CELL])
{
	const struct ft_view *v = &f->v;
	char own[40];

	fmt_proto(v->key.proto, cell[0], CELL);
	fmt_endpoint(f, 0, cell[1], CELL);
	fmt_endpoint(f, 1, cell[2], CELL);
	snprintf(cell[3], CELL, "%s", ft_conn_state_name(v->conn_state));
	snprintf(cell[4], CELL, "%s", rep_owner(f->end, own, sizeof(own)));
	rates(&f->r, cell + 5);
	sizes(v->dir[0].wire_bytes, v->dir[1].wire_bytes,
	      v->dir[0].pkts + v->dir[1].pkts, cell + 9);
	fmt_hms(now_ns - v->first_ns, cell[12], CELL);
}

static void port_cells(const struct model_port *mp, char (*cell)[CELL])
{
	const struct port_row *p = &mp->p;
	int st = port_row_state(p);

	fmt_proto(p->proto, cell[0], CELL);
	snprintf(cell[1], CELL, "%u", p->port);
	snprintf(cell[2], CELL, "%s", p->role ? rep_role_name(p->role) : "-");
	/* "listening-idle" is the ROLE "listen" with no flow yet */
	snprintf(cell[3], CELL, "%s", st == REP_PS_LISTEN_IDLE ? "idle" :
		 rep_port_state_name(st));
	snprintf(cell[4], CELL, "%" PRIu64, p->conns);
	snprintf(cell[5], CELL, "%" PRIu64, mp->live);
	snprintf(cell[6], CELL, "%" PRIu64, p->established);
	snprintf(cell[7], CELL, "%" PRIu64, p->rejected);
	snprintf(cell[8], CELL, "%" PRIu64, p->unanswered);
	snprintf(cell[9], CELL, "%" PRIu64 "%s", p->clients,
		 mp->clients_capped ? "+" : " ");
	rates(&mp->r, cell + 10);
	sizes(p->dir[0].wire_bytes, p->dir[1].wire_bytes,
	      p->dir[0].pkts + p->dir[1].pkts, cell + 14);
	snprintf(cell[17], CELL, "%s", p->owner.pid >= 0 ? p->owner.comm : "-");
}

static void proc_cells(const struct model_proc *mp, char (*cell)[CELL])
{
	const struct rep_proc *p = &mp->p;

	if (p->who.pid < 0)
		snprintf(cell[0], CELL, "-");
	else
		snprintf(cell[0], CELL, "%d", p->who.pid);
	/* S: top's state letter, X for a process that has exited */
	snprintf(cell[1], CELL, "%s", p->who.exited ? "X" : " ");
	snprintf(cell[2], CELL, "%s", p->who.pid < 0 ? "(unattributed)" :
		 p->who.comm);
	fmt_user(p->who.uid, cell[3], CELL);
	snprintf(cell[4], CELL, "%" PRIu64, p->flows);
	snprintf(cell[5], CELL, "%" PRIu64, p->ports);
	rates(&mp->r, cell + 6);
	sizes(p->tx.wire_bytes, p->rx.wire_bytes, p->tx.pkts + p->rx.pkts,
	      cell + 10);
	if (fmt_cgroup_on())
		fmt_cgroup(&p->who, cell[13], CELL);
}

/* A group's row: its cells in groups_c's order. */
static void group_cells(const struct model_proc *g, char (*cell)[CELL])
{
	const struct rep_proc *p = &g->p;
	struct nm_who w;

	snprintf(cell[0], CELL, "%" PRIu32, g->nproc);
	snprintf(cell[1], CELL, "%s", g->label);
	snprintf(cell[2], CELL, "%" PRIu64, p->flows);
	snprintf(cell[3], CELL, "%" PRIu64, p->ports);
	rates(&g->r, cell + 4);
	sizes(p->tx.wire_bytes, p->rx.wire_bytes, p->tx.pkts + p->rx.pkts,
	      cell + 8);
	snprintf(cell[11], CELL, "%s", nm_who_get(p->who.who, &w) && w.image &&
		 w.image[0] ? w.image : "-");
}

static void cells(enum model_view v, const void *row, int64_t now_ns,
		  char (*cell)[CELL])
{
	if (v == MV_PROCS && fmt_group_on())
		group_cells(row, cell);
	else if (v == MV_FLOWS)
		flow_cells(row, now_ns, cell);
	else if (v == MV_PORTS)
		port_cells(row, cell);
	else
		proc_cells(row, cell);
}

void fmt_row(const struct fmt_cols *c, const void *row, int64_t now_ns,
	     char *buf, size_t len)
{
	char cell[FMT_MAX_COLS][CELL];

	cells(c->v, row, now_ns, cell);
	join(c, (const char (*)[CELL])cell, buf, len);
}

void fmt_fit_row(enum model_view v, const void *row, struct fmt_fit *fit)
{
	char cell[FMT_MAX_COLS][CELL];
	int p;

	cells(v, row, 0, cell);
	if (v == MV_FLOWS) {
		for (int d = 0; d < 2; d++)
			if ((int)strlen(cell[1 + d]) > fit->addr[d])
				fit->addr[d] = (int)strlen(cell[1 + d]);
		p = (int)strlen(cell[4]);
	} else {
		p = (int)strlen(cell[v == MV_PORTS ? 17 :
				     fmt_group_on() ? 1 : 2]);
	}
	fit->proc = p > fit->proc ? p : fit->proc;
}
