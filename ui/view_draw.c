/*
 * view_draw.c - what the interactive view shows (see view.h): the header
 * (fmt_head), a status line, the table of the current view with its sort
 * column in bold and the selection in reverse video, the footer (keys, a
 * message, or the filter being typed), and the help or details box.
 * Drawing only reads the last snapshot: it never touches the engine.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../lib/clock.h"
#include "fmt.h"
#include "resolve.h"
#include "view.h"

static const struct model_flow *flow_row(const struct view *v, size_t i)
{
	const struct model_flow **r;

	return i < model_flows(v->m, &r) ? r[i] : NULL;
}

static const struct model_port *port_row(const struct view *v, size_t i)
{
	const struct model_port **r;

	return i < model_ports(v->m, &r) ? r[i] : NULL;
}

static const struct model_proc *proc_row(const struct view *v, size_t i)
{
	const struct model_proc **r;

	return i < model_procs(v->m, &r) ? r[i] : NULL;
}

size_t view_nrows(const struct view *v)
{
	const struct model_flow **f;
	const struct model_port **p;
	const struct model_proc **r;

	return v->mv == MV_FLOWS ? model_flows(v->m, &f) :
	       v->mv == MV_PORTS ? model_ports(v->m, &p) : model_procs(v->m, &r);
}

uint64_t view_row_id(const struct view *v, size_t i)
{
	if (v->mv == MV_FLOWS)
		return flow_row(v, i)->v.id;
	if (v->mv == MV_PORTS)
		return (uint64_t)port_row(v, i)->p.proto << 16 |
		       port_row(v, i)->p.port;
	return (uint64_t)(int64_t)proc_row(v, i)->p.who.pid;
}

int view_page(void)
{
	return LINES - VIEW_TOP_ROWS - 1 > 1 ? LINES - VIEW_TOP_ROWS - 1 : 1;
}

/* Keep the selection on its row (once the user picked one) and in sight;
 * refresh the details box's copy of it. */
static void follow(struct view *v)
{
	enum model_view mv = v->mv;
	size_t n = view_nrows(v), page = (size_t)view_page(), i;

	if (v->pinned[mv])
		for (i = 0; i < n; i++)
			if (view_row_id(v, i) == v->sel_id[mv]) {
				v->sel[mv] = i;
				break;
			}
	if (v->sel[mv] >= n)
		v->sel[mv] = n ? n - 1 : 0;
	v->dgone = 0;
	if (!n)
		return;
	/* a detailed row that left keeps its box (last values); otherwise
	 * the selection moves on to the row now in its place */
	v->dgone = v->detail && v->pinned[mv] &&
		   view_row_id(v, v->sel[mv]) != v->sel_id[mv];
	if (!v->dgone) {
		if (v->detail && mv == MV_FLOWS)
			v->df = *flow_row(v, v->sel[mv]);
		else if (v->detail && mv == MV_PORTS)
			v->dp = *port_row(v, v->sel[mv]);
		else if (v->detail)
			v->dpr = *proc_row(v, v->sel[mv]);
		v->sel_id[mv] = view_row_id(v, v->sel[mv]);
	}
	if (v->sel[mv] < v->top[mv])
		v->top[mv] = v->sel[mv];
	if (v->sel[mv] >= v->top[mv] + page)
		v->top[mv] = v->sel[mv] - page + 1;
	if (v->top[mv] + page > n)
		v->top[mv] = n > page ? n - page : 0;
}

/* Lines of a box (details, help). */
struct lines {
	char l[40][100];
	int n;
};

static void add(struct lines *L, const char *fmt, ...)
{
	va_list ap;

	if (L->n >= (int)(sizeof(L->l) / sizeof(L->l[0])))
		return;
	va_start(ap, fmt);
	vsnprintf(L->l[L->n++], sizeof(L->l[0]), fmt, ap);
	va_end(ap);
}

static const char *num(const struct view *v, uint64_t x, char *b, size_t n)
{
	if (v->exact)
		snprintf(b, n, "%" PRIu64, x);
	else
		rep_human(x, b, n);
	return b;
}

/* The per-direction part of a details box. */
/* c[0], c[1]: orig > resp and back (a process: sent and received) */
static void dir_rows(const struct view *v, struct lines *L,
		     const struct ft_counts *c, const struct model_rates *r,
		     int proc)
{
	static const char *const win[MODEL_WINDOWS] = { "last interval",
		"10 s average", "40 s average" };
	char a[32], b[32], label[32];

	add(L, "%-28s %14s %14s", "", proc ? "sent" : "orig > resp",
	    proc ? "received" : "resp > orig");
	add(L, "%-28s %14" PRIu64 " %14" PRIu64, "packets", c[0].pkts,
	    c[1].pkts);
#define BYTES(lb, f) add(L, "%-28s %14s %14s", lb, num(v, c[0].f, a, 32), \
			 num(v, c[1].f, b, 32))
	BYTES("wire bytes", wire_bytes);
	BYTES("IP bytes", ip_bytes);
	BYTES("payload bytes", bytes);
	add(L, "%-28s %14" PRIu64 " %14" PRIu64, "later IP fragments",
	    c[0].frag_pkts, c[1].frag_pkts);
	BYTES("their wire bytes", frag_wire_bytes);
#undef BYTES
	for (int w = 0; w < MODEL_WINDOWS; w++) {
		snprintf(label, sizeof(label), "wire bytes/s, %s", win[w]);
		add(L, "%-28s %14s %14s", label, fmt_rate(r->bytes[w][0], a, 32),
		    fmt_rate(r->bytes[w][1], b, 32));
	}
	for (int w = 0; w < MODEL_WINDOWS; w++) {
		snprintf(label, sizeof(label), "packets/s, %s", win[w]);
		add(L, "%-28s %14.1f %14.1f", label, r->pkts[w][0],
		    r->pkts[w][1]);
	}
}

/* ns as "1.234" ms; "-" when negative (none) */
static const char *ms(int64_t ns, char *b, size_t n)
{
	if (ns < 0)
		return "-";
	snprintf(b, n, "%.3f", (double)ns / 1e6);
	return b;
}

static void times(struct lines *L, int64_t first, int64_t last)
{
	char a[40], b[40];

	rep_utc_time(first / 1000, a, sizeof(a));
	rep_utc_time(last / 1000, b, sizeof(b));
	add(L, "first seen  %s UTC", a);
	add(L, "last seen   %s UTC  (%.6f s later)", b,
	    (double)(last - first) / 1e9);
}

/* "orig  process 1234 curl, uid 1000 (diag)" or why there is none. */
static void owner_line(struct lines *L, const char *what,
		       const struct attr_end *e)
{
	if (e->pid < 0)
		add(L, "%-11s -  (%s)", what, attr_why_name(e->why));
	else
		add(L, "%-11s %d %s, uid %u%s  (%s)", what, e->pid, e->comm,
		    e->uid, e->exited ? ", exited" : "",
		    attr_src_name(e->src));
}

/* With names on (`n`), end d's name into buf: the one the traffic gave
 * (names/nm.h: DNS, SNI, Host), else a reverse lookup's when it is done.
 * 1 when buf holds a name, else 0 (buf untouched). */
static int end_name(struct view *v, const struct model_flow *f, int d,
		    char *buf, size_t len)
{
	const struct ft_view *fv = &f->v;

	if (!v->names)
		return 0;
	if (f->name[d].name) {
		snprintf(buf, len, "%s", f->name[d].name);
		return 1;
	}
	return v->res && resolve_name(v->res, (fv->orig_is_a ^ d) ?
				      fv->key.a : fv->key.b,
				      fv->key.flags & FT_K_V6, buf, len);
}

static void flow_details(struct view *v, struct lines *L)
{
	static const char *const ends[] = { "active (in the table)", "timeout",
		"reuse", "evicted", "end of input" };
	const struct ft_view *f = &v->df.v;
	const char *p = rep_proto_name(f->key.proto);
	int icmp = f->key.proto == 1 || f->key.proto == 58;
	char name[2][64] = { "", "" }, port[2][48] = { "", "" }, rt[2][24];

	for (int d = 0; d < 2; d++) {
		char n[46];
		int pt = d ? v->df.e.resp_p : v->df.e.orig_p;

		if (end_name(v, &v->df, d, n, sizeof(n)))
			snprintf(name[d], sizeof(name[d]), "  (%s%s%s)", n,
				 v->df.name[d].name ? ", " : "",
				 v->df.name[d].name ?
				 nm_src_name(v->df.name[d].src) : "");
		if (pt >= 0)	/* ICMP: Zeek's type / counterpart-or-code */
			snprintf(port[d], sizeof(port[d]), " %s %d", !icmp ?
				 "port" : d ? "type or code" : "type", pt);
	}
	add(L, "flow %" PRIu64 "%s", f->id, v->dgone ? "  - ended, last "
	    "values shown" : "");
	add(L, "orig        %s%s%s", v->df.e.orig_h, port[0], name[0]);
	add(L, "resp        %s%s%s", v->df.e.resp_h, port[1], name[1]);
	if (f->key.vlan == DEC_NO_VLAN)
		add(L, "protocol    %s (%u)   vlan -", p ? p : "?", f->key.proto);
	else
		add(L, "protocol    %s (%u)   vlan %u", p ? p : "?",
		    f->key.proto, f->key.vlan);
	add(L, "conn_state  %s   history %s%s",
	    ft_conn_state_name(f->conn_state),
	    f->history[0] ? f->history : "-",
	    f->vflags & FT_V_HIST_CUT ? " (cut)" : "");
	times(L, f->first_ns, f->last_ns);
	add(L, "end         %s", f->end < 5 ? ends[f->end] : "?");
	add(L, "port state  %s   handshake %s / %s ms   icmp errors %u",
	    rep_port_state_name(f->port_state),
	    ms(f->rtt_syn_synack_ns, rt[0], sizeof(rt[0])),
	    ms(f->rtt_synack_ack_ns, rt[1], sizeof(rt[1])), f->icmp_errors);
	add(L, "%-28s %14u %14u", "resent segments", f->bdir[0].retrans,
	    f->bdir[1].retrans);
	add(L, "%-28s %14u %14u", "reordered, zero windows",
	    f->bdir[0].ooo + f->bdir[0].zero_win,
	    f->bdir[1].ooo + f->bdir[1].zero_win);
	add(L, "%-28s %14u %14u", "RSTs", f->bdir[0].rst, f->bdir[1].rst);
	for (int d = 0; d < 2; d++)
		owner_line(L, d ? "resp" : "orig", &v->df.end[d]);
	dir_rows(v, L, f->dir, &v->df.r, 0);
}

static void port_details(struct view *v, struct lines *L)
{
	const struct port_row *p = &v->dp.p;
	char rt[2][24];

	add(L, "port %s %u (responder side)%s", rep_proto_name(p->proto),
	    p->port, v->dgone ? "  - gone, last values shown" : "");
	add(L, "conns %" PRIu64 " (%" PRIu64 " live)   established %" PRIu64
	    "   rejected %" PRIu64 "   unanswered %" PRIu64, p->conns,
	    v->dp.live, p->established, p->rejected, p->unanswered);
	add(L, "clients %" PRIu64 "   servers %" PRIu64 "%s", p->clients,
	    p->servers, v->dp.clients_capped ? "   (at least: the distinct "
	    "address sets are full)" : "");
	if (p->conns)
		times(L, p->first_ns, p->last_ns);
	add(L, "state %s   evidence: open %" PRIu64 ", closed %" PRIu64
	    ", filtered %" PRIu64 " flows   icmp errors %" PRIu64,
	    rep_port_state_name(port_row_state(p)), p->evidence[FT_PS_OPEN],
	    p->evidence[FT_PS_CLOSED], p->evidence[FT_PS_FILTERED],
	    p->icmp_errors);
	add(L, "handshake SYN->SYN-ACK median %s ms, p95 %s ms   resent %"
	    PRIu64 " of %" PRIu64 " TCP packets",
	    ms(rep_rtt_quantile(&p->rtt, 0.5) * 1000, rt[0], sizeof(rt[0])),
	    ms(rep_rtt_quantile(&p->rtt, 0.95) * 1000, rt[1], sizeof(rt[1])),
	    p->retrans, p->tcp_pkts);
	owner_line(L, p->role == REP_ROLE_LISTEN ? "listener" :
		   p->role == REP_ROLE_CLIENT ? "client" : "server", &p->owner);
	dir_rows(v, L, p->dir, &v->dp.r, 0);
}

static void proc_details(struct view *v, struct lines *L)
{
	const struct rep_proc *p = &v->dpr.p;
	struct ft_counts c[2] = { p->tx, p->rx };

	if (p->who.pid < 0)
		add(L, "flows no process could be found for");
	else
		owner_line(L, "process", &p->who);
	add(L, "flow ends %" PRIu64 "   local ports %" PRIu64, p->flows,
	    p->ports);
	if (p->flows)
		times(L, p->first_ns, p->last_ns);
	dir_rows(v, L, c, &v->dpr.r, 1);
}

static void help_lines(struct lines *L)
{
	static const char *const h[] = {
		"f p P     flows, ports, processes (Tab, Shift-Tab: cycle)",
		"s         next sort column;  < >  sort column left, right",
		"r         reverse the order",
		"/         filter: rows whose address, port, protocol,",
		"          process name or pid contain the text (Enter",
		"          applies, Esc cancels, empty shows all)",
		"space     pause: a replay stops; a live capture goes on",
		"          but the display freezes",
		".         one more packet (paused replay)",
		"n N       host names on/off: from the traffic (DNS, SNI, Host),",
		"          else looked up in the background",
		"b         byte counts: human units / exact",
		"c         processes: the cgroup column on/off",
		"j k Up Down PgUp PgDn Home End   move the selection",
		"Enter     details of the selected row (Esc, Enter, q close)",
		"h ?       this help (any key closes it)",
		"Ctrl-L    redraw the screen",
		"q         quit (Ctrl-C too)",
		"",
		"Rates are wire bytes per second: > orig to resp, < back;",
		"the last interval, and averages over 10 s and 40 s.",
	};

	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		add(L, "%s", h[i]);
}

static void draw_box(const char *title, const struct lines *L)
{
	int w = (int)strlen(title) + 6, h = L->n + 2, y0, x0;

	for (int i = 0; i < L->n; i++)
		if ((int)strlen(L->l[i]) + 4 > w)
			w = (int)strlen(L->l[i]) + 4;
	w = w < COLS ? w : COLS;
	h = h < LINES ? h : LINES;
	y0 = (LINES - h) / 2;
	x0 = (COLS - w) / 2;
	for (int y = 0; y < h; y++)
		mvhline(y0 + y, x0, ' ', w);
	mvhline(y0, x0, ACS_HLINE, w);
	mvhline(y0 + h - 1, x0, ACS_HLINE, w);
	mvvline(y0, x0, ACS_VLINE, h);
	mvvline(y0, x0 + w - 1, ACS_VLINE, h);
	mvaddch(y0, x0, ACS_ULCORNER);
	mvaddch(y0, x0 + w - 1, ACS_URCORNER);
	mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
	mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
	attron(A_BOLD);
	mvprintw(y0, x0 + 2, " %.*s ", w > 6 ? w - 6 : 0, title);
	attroff(A_BOLD);
	for (int i = 0; i < h - 2; i++)
		mvaddnstr(y0 + 1 + i, x0 + 2, L->l[i], w - 4);
}

/* Bold the title of the sort column: [from, through] labels. */
static void mark_sort(const struct view *v, const char *t, int y)
{
	static const struct { enum model_sort k; const char *a, *b; } m[] = {
		{ MS_PROTO, "PROTO", NULL }, { MS_STATE, "STATE", NULL },
		{ MS_RATE, "RATE>", "RATE<" }, { MS_RATE10, "10s", NULL },
		{ MS_RATE40, "40s", NULL }, { MS_TOTAL, "TOTAL>", "TOTAL<" },
		{ MS_AGE, "AGE", NULL }, { MS_CONNS, "CONNS", NULL },
		{ MS_PORT, NULL, NULL },
	};
	enum model_sort k = v->skey[v->mv];
	const char *a = NULL, *b = NULL, *s, *e;

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (m[i].k == k) {
			a = m[i].a;
			b = m[i].b;
		}
	if (k == MS_PORT)
		a = v->mv == MV_FLOWS ? "RESP" : "PORT";
	if (!a || !(s = strstr(t, a)))
		return;
	e = b && strstr(s, b) ? strstr(s, b) + strlen(b) : s + strlen(a);
	if (s - t < COLS)
		mvchgat(y, (int)(s - t), (int)(e - s), A_BOLD, 0, NULL);
}

static void draw_rows(struct view *v)
{
	char line[512];
	size_t n = view_nrows(v), top = v->top[v->mv];
	int y0 = VIEW_TOP_ROWS, page = view_page(), aw = 21;
	int wide = (COLS - 85 - (v->exact ? 28 : 0)) / 2;

	if (v->mv == MV_FLOWS) {	/* address column: longest in sight */
		for (size_t i = top; i < n && i < top + (size_t)page; i++) {
			const struct model_flow *f = flow_row(v, i);
			int w = (int)strlen(f->e.orig_h) + 8;
			int w2 = (int)strlen(f->e.resp_h) + 8;

			aw = w > aw ? w : aw;
			aw = w2 > aw ? w2 : aw;
		}
		if (v->names || aw > wide)
			aw = wide > 21 ? (wide < 53 ? wide : 53) : 21;
	}
	fmt_titles(v->mv, aw, line, sizeof(line));
	attron(A_REVERSE);
	mvhline(y0 - 1, 0, ' ', COLS);
	mvaddnstr(y0 - 1, 0, line, COLS);
	attroff(A_REVERSE);
	mark_sort(v, line, y0 - 1);
	for (int y = 0; y < page && top + (size_t)y < n; y++) {
		size_t i = top + (size_t)y;

		if (v->mv == MV_FLOWS) {
			struct model_flow f = *flow_row(v, i);

			/* names where known */
			end_name(v, &f, FT_ORIG, f.e.orig_h, sizeof(f.e.orig_h));
			end_name(v, &f, FT_RESP, f.e.resp_h, sizeof(f.e.resp_h));
			fmt_flow(&f, aw, v->es.clock_ns, line, sizeof(line));
		} else if (v->mv == MV_PORTS) {
			fmt_port(port_row(v, i), line, sizeof(line));
		} else {
			fmt_proc(proc_row(v, i), line, sizeof(line));
		}
		if (i == v->sel[v->mv])
			attron(A_REVERSE);
		mvhline(y0 + y, 0, ' ', COLS);
		mvaddnstr(y0 + y, 0, line, COLS);
		attroff(A_REVERSE);
	}
}

void view_draw(struct view *v)
{
	char head[FMT_HEAD_LINES][256], line[512], pend[32] = "";
	char st[2][ENGINE_STATUS_LEN];
	size_t n;
	struct engine_desc d;
	struct fmt_head h = {
		.d = &d,
		.elapsed_ns = v->live ? mono_ns() - v->start_mono :
					v->es.clock_ns - v->es.first_ns,
		.es = &v->es, .fs = &v->fs,
		.mt = &v->mt, .ended = v->ended, .frozen = v->frozen,
		.status = st, .nstatus = engine_status(v->e, st, 2),
	};

	engine_describe(v->e, &d);

	erase();
	if (LINES < VIEW_TOP_ROWS + 3 || COLS < 40) {
		mvaddstr(0, 0, "porttop: terminal too small");
		refresh();
		return;
	}
	follow(v);
	fmt_head(&h, head, sizeof(head[0]));
	for (int i = 0; i < FMT_HEAD_LINES; i++)
		mvaddnstr(i, 0, head[i], COLS);
	n = view_nrows(v);
	if (v->names && v->res) {
		unsigned np = resolve_pending(v->res);

		if (np)
			snprintf(pend, sizeof(pend), ", %u pending", np);
	}
	snprintf(line, sizeof(line), "%s  sort: %s%s  filter: %s%s%s  "
		 "names: %s%s  bytes: %s  row %zu/%zu", v->mv == MV_FLOWS ?
		 "[Flows] Ports  Processes" : v->mv == MV_PORTS ?
		 " Flows [Ports] Processes" : " Flows  Ports [Processes]",
		 model_sort_name(v->skey[v->mv]),
		 v->rev[v->mv] ? " (reversed)" : "", v->filter[0] ? "'" : "-",
		 v->filter, v->filter[0] ? "'" : "", v->names ? "on" : "off",
		 pend, v->exact ? "exact" : "human",
		 n ? v->sel[v->mv] + 1 : 0, n);
	mvaddnstr(FMT_HEAD_LINES, 0, line, COLS);
	draw_rows(v);
	/* the footer: never past the last column (that would scroll) */
	if (v->editing) {
		snprintf(line, sizeof(line), "filter: %s", v->edit);
		mvaddnstr(LINES - 1, 0, line, COLS - 1);
	} else if (v->msg[0]) {
		mvaddnstr(LINES - 1, 0, v->msg, COLS - 1);
	} else if (v->status) {
		snprintf(line, sizeof(line), "%s%.400s", v->status == PT_ERR_INPUT ?
			 "input error: " : "", v->err.msg);
		attron(A_BOLD);
		mvaddnstr(LINES - 1, 0, line, COLS - 1);
		attroff(A_BOLD);
	} else {
		mvaddnstr(LINES - 1, 0, "q quit  h help  f/p/P views  s < > r "
			  "sort  / filter  space pause  n names  b bytes  "
			  "Enter details", COLS - 1);
	}
	if (v->help || (v->detail && n)) {
		struct lines L = { .n = 0 };

		if (v->help)
			help_lines(&L);
		else if (v->mv == MV_FLOWS)
			flow_details(v, &L);
		else if (v->mv == MV_PORTS)
			port_details(v, &L);
		else
			proc_details(v, &L);
		draw_box(v->help ? "porttop keys" : "details", &L);
	}
	curs_set(v->editing);
	if (v->editing)
		move(LINES - 1, (int)strlen(line) < COLS - 1 ?
		     (int)strlen(line) : COLS - 1);
	refresh();
}
