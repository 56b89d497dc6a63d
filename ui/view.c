/*
 * view.c - the interactive view: top for ports.  The header (fmt_head),
 * a status line, then the rows of one view (flows, ports, processes);
 * keys act at once and redraw, the snapshot is renewed every -d seconds.
 * This file: the terminal, snapshots, keys and the loop; view_draw.c
 * draws.
 *
 * It only reads: the model reads the table lock-free and the engine's
 * counters atomically, so a slow terminal never slows the capture.  A
 * replay's clock is packet time (es.clock_ns): when it is paused or
 * ended no new snapshot is taken unless the clock moved, so the last rates
 * stay.
 *
 * The terminal (term.h): term_close() is the one way out of curses,
 * registered with atexit() and called before any message is printed.
 * Signals and console events only set flags (core/sig.h); the loop never
 * waits more than SLICE_MS for a key, so it notices a stop, a resize or
 * the end of a replay at once.
 */
#include <curses.h>
#include <inttypes.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/sig.h"
#include "../lib/clock.h"
#include "../report/row_filter.h"
#include "fmt.h"
#include "resolve.h"
#include "term.h"
#include "view.h"

#define SLICE_MS	100	/* longest wait for a key */
#define MSG_NS		3000000000LL	/* how long a message shows */

/* ---- the terminal ------------------------------------------------------- */

/* Curses on (term.h: which terminal, and the way back), in the view's
 * modes. */
static int term_start(void)
{
	if (term_open() < 0)
		return -1;
	cbreak();	/* not raw(): Ctrl-C and Ctrl-Z keep working */
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	/* Home and End as tmux, screen and the console send them, also
	 * under a TERM whose entry has other codes (xterm's \EOH, \EOF) */
	define_key("\033[1~", KEY_HOME);
	define_key("\033[4~", KEY_END);
	return 0;
}

/* ---- state -------------------------------------------------------------- */

/* Sort keys of each view, in the order of its columns (`<` and `>`). */
static const enum model_sort keys_flows[] = { MS_PROTO, MS_PORT, MS_STATE,
	MS_RATE, MS_RATE10, MS_RATE40, MS_TOTAL, MS_PKTS, MS_AGE };
static const enum model_sort keys_ports[] = { MS_PORT, MS_CONNS, MS_RATE,
	MS_RATE10, MS_RATE40, MS_TOTAL, MS_PKTS };
static const enum model_sort keys_procs[] = { MS_CONNS, MS_RATE,
	MS_RATE10, MS_RATE40, MS_TOTAL, MS_PKTS };
static const struct { const enum model_sort *k; int n, def; } keyset[] = {
	{ keys_flows, 9, 3 }, { keys_ports, 7, 2 }, { keys_procs, 6, 1 },
};	/* n keys, the default (RATE) */

static void say(struct view *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->msg, sizeof(v->msg), fmt, ap);
	va_end(ap);
	v->msg_until = mono_ns() + MSG_NS;
}

/* T: the next --tunnels mode's rows and totals, at once (the engine keeps
 * every mode's flows for the view: engine_opts.switch_tunnels). */
static void switch_tunnels(struct view *v)
{
	struct engine_desc d;

	engine_describe(v->e, &d);
	if (!d.switch_tunnels) {
		say(v, "tunnels: this run counts --tunnels %s only",
		    engine_tunnels_names[v->tunnels]);
		return;
	}
	v->tunnels = (v->tunnels + 1) % ENGINE_TUNNELS_NUM;
	model_set_tunnels(v->m, v->tunnels);
	model_totals(v->m, &v->mt);
	v->fs.evicted = v->mt.evicted;
	say(v, "tunnels %s: %s", engine_tunnels_names[v->tunnels],
	    v->tunnels == ENGINE_TUNNELS_OUTER ? "the outermost IP headers, "
	    "as tshark" : v->tunnels == ENGINE_TUNNELS_INNER ? "the innermost "
	    "packets only" : "as Zeek's conn.log");
}

static void apply_sort(struct view *v)
{
	v->skey[v->mv] = keyset[v->mv].k[v->sort[v->mv]];
	model_set_sort(v->m, v->skey[v->mv], v->rev[v->mv]);
}

/* A new snapshot when one is due; returns 1 when there is news to draw. */
static int snapshot(struct view *v, int due)
{
	struct engine_stats es;
	int news = 0, hold = 0;

	engine_get_stats(v->e, &es);
	if (!es.running && !v->ended) {	/* the thread is done: join it */
		v->ended = news = due = 1;
		v->status = engine_wait(v->e, &v->err);
		engine_get_stats(v->e, &es);
	}
	if (v->frozen)
		return news;
	if (!v->live) {
		if (es.read == 0)	/* nothing read yet: no clock yet */
			return news;
		hold = es.paused || v->ended;
		if (hold)	/* the packet clock stands: a step, or the end */
			due = es.read != v->es.read ||
			      es.clock_ns != v->es.clock_ns || news ||
			      !v->updates;
	}
	news |= es.paused != v->es.paused;
	if (due) {
		model_update(v->m, v->live ? real_ns() : es.clock_ns,
			     v->live ? v->start_wall : es.first_ns);
		ft_get_stats(engine_table(v->e), &v->fs);
		model_totals(v->m, &v->mt);
		v->fs.evicted = v->mt.evicted;	/* the mode shown's */
		v->updates++;
		news = 1;
	}
	if (due || v->live || hold)
		v->es = es;
	return news;
}

/* ---- keys --------------------------------------------------------------- */

static void move_sel(struct view *v, long d)
{
	size_t n = view_nrows(v);
	long s = (long)v->sel[v->mv] + d;

	if (!n)
		return;
	s = s < 0 ? 0 : s >= (long)n ? (long)n - 1 : s;
	v->sel[v->mv] = (size_t)s;
	v->sel_id[v->mv] = view_row_id(v, (size_t)s);
	v->pinned[v->mv] = 1;
}

/* The display filter: text compiled for each view's rows.  The current
 * view must take it, else it is refused with the error (the column in
 * the text and why) and the old filter stays; a view whose rows have no
 * such field shows all its rows and says so (fbad). */
static int set_filter(struct view *v, const char *text)
{
	struct rep_filter *f[MV_NUM] = { NULL, NULL, NULL };
	struct df_error err;
	int cur = v->mv;

	if (text[0] && !(f[cur] = rep_filter_compile(model_kind(cur), text,
						     &err))) {
		snprintf(v->ferr, sizeof(v->ferr), "filter error: column %d: "
			 "%s", err.col, err.msg);
		return -1;
	}
	for (int i = 0; i < MV_NUM; i++) {
		if (i != cur && text[0])
			f[i] = rep_filter_compile(model_kind(i), text, &err);
		v->fbad[i] = text[0] && !f[i];
		model_set_filter(v->m, (enum model_view)i, f[i]);
	}
	snprintf(v->filter, sizeof(v->filter), "%s", text);
	v->ferr[0] = '\0';
	return 0;
}

/* The filter line: returns after each key.  Enter applies (a bad
 * expression keeps the line open, its error on the status line), Esc
 * leaves the filter as it was. */
static void edit_key(struct view *v, int ch)
{
	size_t n = strlen(v->edit);

	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		if (set_filter(v, v->edit) == 0)
			v->editing = 0;
		return;
	}
	v->ferr[0] = '\0';
	if (ch == 27) {
		v->editing = 0;
	} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n) {
		v->edit[n - 1] = '\0';
	} else if (ch == 21) {	/* Ctrl-U */
		v->edit[0] = '\0';
	} else if (ch >= 32 && ch < 127 && n + 1 < sizeof(v->edit)) {
		v->edit[n] = (char)ch;
		v->edit[n + 1] = '\0';
	}
}

/* Sort key i of the current view has a column on the screen (before the
 * first drawing, every key has). */
static int key_shown(const struct view *v, int i)
{
	int x, w;

	return !v->cols.n || v->cols.v != v->mv ||
	       fmt_col_span(&v->cols, keyset[v->mv].k[i], &x, &w);
}

/* The sort moves to the next key in direction d whose column is shown;
 * wrap: past the last comes the first (s), else it stops (< >). */
static void sort_step(struct view *v, int d, int wrap)
{
	int nk = keyset[v->mv].n, s = v->sort[v->mv];

	for (int i = 0; i < nk; i++) {
		s += d;
		if (wrap)
			s = (s + nk) % nk;
		else if (s < 0 || s >= nk)
			return;
		if (key_shown(v, s)) {
			v->sort[v->mv] = s;
			apply_sort(v);
			return;
		}
	}
}

/* + and -: a replay's next speed up or down the ladder; past the top,
 * as fast as it reads. */
static void replay_speed(struct view *v, int faster)
{
	static const double ladder[] = { 0.1, 0.25, 0.5, 1, 2, 5, 10, 20,
		50, 100, 1000 };
	int n = (int)(sizeof(ladder) / sizeof(ladder[0])), i;
	struct engine_desc d;
	double to;

	if (v->live || v->ended) {
		say(v, "+ and - change the speed of a replay");
		return;
	}
	engine_describe(v->e, &d);
	if (faster) {	/* the first step above; then full speed (0) */
		for (i = 0; i < n && d.speed > 0 && ladder[i] <= d.speed; i++)
			;
		to = d.speed > 0 && i < n ? ladder[i] : 0;
	} else {	/* the last step below; full speed goes to the top */
		for (i = n - 1; i > 0 && d.speed > 0 && ladder[i] >= d.speed;
		     i--)
			;
		to = ladder[i];
	}
	engine_set_speed(v->e, to);
	if (to > 0)
		say(v, "replay at x%g", to);
	else
		say(v, "replay at full speed");
}

/* Keys of an open details box: the arrows scroll it; 1 when taken. */
static int detail_key(struct view *v, int ch)
{
	int page = LINES - 4 > 1 ? LINES - 4 : 1;

	switch (ch) {
	case KEY_UP: case 'k': v->dscroll--; break;
	case KEY_DOWN: case 'j': v->dscroll++; break;
	case KEY_PPAGE: v->dscroll -= page; break;
	case KEY_NPAGE: v->dscroll += page; break;
	case KEY_HOME: v->dscroll = 0; break;
	case KEY_END: v->dscroll = 1 << 20; break;	/* clamped when drawn */
	case 27: case 'q': case '\n': case '\r': case KEY_ENTER:
	case KEY_BACKSPACE:
		v->detail = 0;
		break;
	default:
		return 0;
	}
	if (v->dscroll < 0)
		v->dscroll = 0;
	return 1;
}

static void set_view(struct view *v, int mv)
{
	v->mv = (enum model_view)((mv + MV_NUM) % MV_NUM);
	v->detail = 0;
	apply_sort(v);
}

/* The processes view (group 0) or the Containers view (1). */
static void set_procs(struct view *v, int group)
{
	v->group = group;
	fmt_set_group(group);
	model_set_group(v->m, group);
	set_view(v, MV_PROCS);
}

/* One key.  Returns 0 to go on, 1 to quit. */
static int key(struct view *v, int ch)
{
	int page = view_page();

	if (v->editing) {
		edit_key(v, ch);
		return 0;
	}
	if (v->help) {		/* arrows scroll it, any other key closes */
		if (ch == KEY_UP || ch == 'k')
			v->hscroll = v->hscroll > 0 ? v->hscroll - 1 : 0;
		else if (ch == KEY_DOWN || ch == 'j' || ch == KEY_NPAGE)
			v->hscroll += ch == KEY_NPAGE ? page : 1;
		else
			v->help = 0;
		return 0;
	}
	if (v->detail && detail_key(v, ch))
		return 0;
	switch (ch) {
	case 'q': return 1;
	case 'f': set_view(v, MV_FLOWS); break;
	case 'p': set_view(v, MV_PORTS); break;
	case 'P': set_procs(v, 0); break;
	case 'C': set_procs(v, 1); break;
	case '\t': set_view(v, v->mv + 1); break;
	case KEY_BTAB: set_view(v, v->mv - 1); break;
	case 's': sort_step(v, 1, 1); break;
	case '<': sort_step(v, -1, 0); break;
	case '>': sort_step(v, 1, 0); break;
	case 'r': v->rev[v->mv] ^= 1; apply_sort(v); break;
	case '/':
		v->editing = 1;
		v->ferr[0] = '\0';
		snprintf(v->edit, sizeof(v->edit), "%s", v->filter);
		break;
	case ' ':
		if (v->live)
			v->frozen ^= 1;
		else if (v->ended)
			say(v, "the replay has ended");
		else
			engine_pause(v->e, v->paused ^= 1);
		break;
	case '.':
		if (!v->live && v->paused && !v->ended)
			engine_step(v->e);
		else
			say(v, "'.' steps a paused replay (space pauses)");
		break;
	case 'n': case 'N':
		if (!v->res && !(v->res = resolve_new(0, 0)))
			say(v, "cannot start the name resolver");
		else
			v->names ^= 1;
		break;
	case '+': case '=': replay_speed(v, 1); break;
	case '-': replay_speed(v, 0); break;
	case 'e': model_set_ended(v->m, v->show_ended ^= 1); break;
	case 'T': switch_tunnels(v); break;
	case 'b': fmt_set_exact(v->exact ^= 1); break;
	case 'B': fmt_set_bits(v->bits ^= 1); break;
	case 'c': fmt_set_cgroup(v->cgroup ^= 1); break;
	case 'h': case '?': v->help = 1; v->hscroll = 0; break;
	case 12: clearok(curscr, TRUE); break;	/* Ctrl-L */
	case KEY_UP: case 'k': move_sel(v, -1); break;
	case KEY_DOWN: case 'j': move_sel(v, 1); break;
	case KEY_PPAGE: move_sel(v, -page); break;
	case KEY_NPAGE: move_sel(v, page); break;
	case KEY_HOME:	/* back to following the top row */
		v->sel[v->mv] = 0;
		v->pinned[v->mv] = 0;
		break;
	case KEY_END: move_sel(v, (long)view_nrows(v)); break;
	case '\n': case '\r': case KEY_ENTER:
		if (view_nrows(v)) {
			move_sel(v, 0);
			v->detail = 1;
			v->dscroll = 0;
		} else {
			say(v, "no row to show");
		}
		break;
	case KEY_RESIZE: break;	/* resizeterm's own echo: redraw only */
	default: break;
	}
	return 0;
}

/* ---- the loop ----------------------------------------------------------- */

static void loop(struct view *v)
{
	int64_t next = 0, ms, t0;
	int dirty = 1, dead = 0;

	for (;;) {
		int64_t now = mono_ns();
		int due = now >= next, ch;

		if (due)
			next = now + v->o->delay_ns;
		dirty |= snapshot(v, due);
		if (sig_stopped()) {
			engine_stop(v->e);
			return;
		}
		if (term_take_resize())
			dirty = 1;
		if (v->msg[0] && now >= v->msg_until) {
			v->msg[0] = '\0';
			dirty = 1;
		}
		if (dirty || v->names)	/* names come in between */
			view_draw(v);
		dirty = 0;
		t0 = mono_ns();
		ms = (next - t0 + 999999) / 1000000;	/* never 0 too early */
		ms = ms < 0 ? 0 : ms > SLICE_MS ? SLICE_MS : ms;
		timeout((int)ms);
		ch = getch();
		if (ch == ERR) {	/* time, or a signal */
			/* a keyboard that fails at once, again and again, is
			 * gone (a hangup without SIGHUP): leave, do not spin */
			if (ms >= 10 && mono_ns() - t0 < 1000000)
				dead++;
			else
				dead = 0;
			if (dead > 100)
				return;
			continue;
		}
		dead = 0;
		if (key(v, ch))
			return;
		dirty = 1;
	}
}

int view_run(struct engine *e, const struct view_opts *o)
{
	struct view v = { .o = o, .e = e, .mv = o->view };
	enum pt_status rc;
	struct engine_desc d;

	v.live = engine_is_live(e);
	v.start_mono = mono_ns();
	v.start_wall = real_ns();
	for (int i = 0; i < MV_NUM; i++)
		v.sort[i] = keyset[i].def;
	setlocale(LC_CTYPE, "");	/* ncursesw: the terminal's charset */
	if (!(v.m = model_new(0))) {
		fprintf(stderr, "porttop: out of memory\n");
		return EXIT_USAGE;
	}
	if (o->group && o->view == MV_PROCS) {
		v.group = 1;
		fmt_set_group(1);
		model_set_group(v.m, 1);
	}
	/* (core/sig.h's handlers are in place: ncurses leaves them) */
	if (term_start() < 0) {
		fprintf(stderr, "porttop: cannot use the terminal (TERM=%s)\n",
			term_name());
		model_free(v.m);
		return EXIT_USAGE;
	}
	struct consumer c = model_consumer(v.m);
	engine_add(e, &c);
	if ((rc = engine_start(e, &v.err)) != PT_OK) {
		term_close();
		fprintf(stderr, "porttop: %s\n", v.err.msg);
		model_free(v.m);
		return pt_exit(rc);
	}
	model_attach(v.m, engine_table(e), engine_attr(e));
	model_attach_names(v.m, engine_names(e));
	engine_describe(e, &d);
	v.tunnels = d.tunnels;
	model_set_tunnels(v.m, v.tunnels);
	apply_sort(&v);
	loop(&v);
	term_close();
	engine_stop(e);
	if (!v.ended)
		v.status = engine_wait(e, &v.err);
	if (v.status != PT_OK)
		fprintf(stderr, "porttop: %s\n", v.err.msg);
	resolve_free(v.res);
	model_free(v.m);
	return pt_exit(v.status);
}
