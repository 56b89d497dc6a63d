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
#include "../lib/keyhash.h"
#include "../names/nm_who.h"
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
	if (proc_row(v, i)->label[0])
		return keyhash(proc_row(v, i)->label,
			       strlen(proc_row(v, i)->label));
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
	char l[64][100];
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
		snprintf(label, sizeof(label), "wire %s, %s", fmt_rate_unit(),
			 win[w]);
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
	add(L, "%-13s %s UTC", "first seen", a);
	add(L, "%-13s %s UTC  (%.6f s later)", "last seen", b,
	    (double)(last - first) / 1e9);
}

/* "orig  process 1234 curl, uid 1000 (diag)" or why there is none. */
static void owner_line(struct lines *L, const char *what,
		       const struct attr_end *e)
{
	const char *why = attr_why_name(e->why);

	if (e->pid < 0)
		add(L, "%-13s -  (%s)", what, why && *why ? why : "unknown");
	else
		add(L, "%-13s %d %s, uid %u%s  (%s)", what, e->pid, e->comm,
		    e->uid, e->exited ? ", exited" : "",
		    attr_src_name(e->src));
}

/* With names on (`n`), end d's name into buf: the one the traffic gave
 * (names/nm.h: DNS, SNI, Host), else a reverse lookup's when it is done.
 * 1 when buf holds a name, else 0 (buf untouched). */
static int end_name(const struct view *v, const struct model_flow *f, int d,
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

/* "10.0.0.1 port 80  (name)" */
static void end_line(const struct view *v, struct lines *L, int d)
{
	const struct ft_view *f = &v->df.v;
	const char *src = v->df.name[d].name ?
			  nm_src_name(v->df.name[d].src) : NULL;
	int pt = d ? v->df.e.resp_p : v->df.e.orig_p;
	char n[64], name[96] = "", port[32] = "";

	if (end_name(v, &v->df, d, n, sizeof(n)))
		snprintf(name, sizeof(name), "  (%s%s%s)", n, src ? ", " : "",
			 src ? src : "");
	if (pt >= 0 && f->key.proto != 1 && f->key.proto != 58)
		snprintf(port, sizeof(port), " port %d", pt);
	add(L, "%-13s %s%s%s", d ? "resp" : "orig", d ? v->df.e.resp_h :
	    v->df.e.orig_h, port, name);
}

/* Protocol, ICMP message, vlan, tunnels, Zeek's uid. */
static void flow_ids(const struct view *v, struct lines *L)
{
	const struct ft_view *f = &v->df.v;
	char b[96], t[64] = "", par[FT_MAX_PARENTS * (FT_UID_TEXT + 1)] = "";
	size_t n = 0;

	add(L, "%-13s %s (%u)", "protocol", fmt_proto(f->key.proto, b, 32),
	    f->key.proto);
	if ((f->key.proto == 1 || f->key.proto == 58) && v->df.e.orig_p >= 0)
		add(L, "%-13s %s  (type %d, code or answer %d)", "icmp",
		    fmt_icmp(f->key.proto, v->df.e.orig_p, v->df.e.resp_p, 0,
			     b, sizeof(b)), v->df.e.orig_p, v->df.e.resp_p);
	if (f->key.vlan != DEC_NO_VLAN)
		add(L, "%-13s %u", "vlan", f->key.vlan);
	ft_uid_text(ft_view_uid(f), b);
	add(L, "%-13s %s", "uid", b);
	for (int i = 0; i < DEC_MAX_CHAIN && f->tun[i]; i++)
		n += (size_t)snprintf(t + n, sizeof(t) - n, "%s%s", i ? "/" : "",
				      dec_tun_name(f->tun[i]));
	add(L, "%-13s %s", "tunnel", t[0] ? t : "-");
	for (int i = 0; i < f->nparents && i < FT_MAX_PARENTS; i++) {
		n = strlen(par);
		snprintf(par + n, sizeof(par) - n, "%s", i ? " " : "");
		ft_uid_text(f->parents[i], par + strlen(par));
	}
	add(L, "%-13s %s", "tunnel parents", par[0] ? par : "-");
}

static void flow_details(struct view *v, struct lines *L)
{
	static const char *const ends[] = { "active (in the table)", "timeout",
		"reuse", "evicted", "end of input",
		"owner (its socket closed)" };
	const struct ft_view *f = &v->df.v;
	char rt[2][24], b[96];

	add(L, "flow %" PRIu64 "%s", f->id, v->dgone ? "  - ended, last "
	    "values shown" : "");
	end_line(v, L, 0);
	end_line(v, L, 1);
	flow_ids(v, L);
	add(L, "%-13s %s", "conn_state", ft_conn_state_name(f->conn_state));
	add(L, "%-13s %s%s", "history", f->history[0] ? f->history : "-",
	    f->vflags & FT_V_HIST_CUT ? " (cut)" : "");
	times(L, f->first_ns, f->last_ns);
	add(L, "%-13s %s", "end", f->end < sizeof(ends) / sizeof(ends[0]) ? ends[f->end] : "?");
	add(L, "%-13s %s", "port state", rep_port_state_name(f->port_state));
	if (f->key.proto == 6)
		add(L, "%-13s SYN>SYN-ACK %s ms, SYN-ACK>ACK %s ms",
		    "handshake", ms(f->rtt_syn_synack_ns, rt[0], sizeof(rt[0])),
		    ms(f->rtt_synack_ack_ns, rt[1], sizeof(rt[1])));
	if (f->icmp_errors)
		add(L, "%-13s %u, the last: %s", "icmp errors", f->icmp_errors,
		    fmt_icmp(f->key.flags & FT_K_V6 ? 58 : 1, f->icmp_type,
			     f->icmp_code, 0, b, sizeof(b)));
	else
		add(L, "%-13s 0", "icmp errors");
	add(L, "%-13s %" PRIu64 "  (sequence space no captured packet "
	    "carried)", "missed bytes", f->missed_bytes);
	for (int d = 0; d < 2; d++)
		owner_line(L, d ? "resp owner" : "orig owner", &v->df.end[d]);
	dir_rows(v, L, f->dir, &v->df.r, 0);
	add(L, "%-28s %14u %14u", "resent segments", f->bdir[0].retrans,
	    f->bdir[1].retrans);
	add(L, "%-28s %14u %14u", "reordered segments", f->bdir[0].ooo,
	    f->bdir[1].ooo);
	add(L, "%-28s %14u %14u", "zero windows", f->bdir[0].zero_win,
	    f->bdir[1].zero_win);
	add(L, "%-28s %14u %14u", "RSTs", f->bdir[0].rst, f->bdir[1].rst);
}

static void port_details(struct view *v, struct lines *L)
{
	const struct port_row *p = &v->dp.p;
	char rt[2][24], b[32];

	add(L, "%-13s %s %u (the responder's side)%s", "port",
	    fmt_proto(p->proto, b, sizeof(b)), p->port,
	    v->dgone ? "  - gone, last values shown" : "");
	add(L, "%-13s %s", "state", rep_port_state_name(port_row_state(p)));
	add(L, "%-13s open %" PRIu64 ", closed %" PRIu64 ", filtered %" PRIu64
	    " flows", "evidence", p->evidence[FT_PS_OPEN],
	    p->evidence[FT_PS_CLOSED], p->evidence[FT_PS_FILTERED]);
	add(L, "%-13s %" PRIu64 " (%" PRIu64 " live)", "conns", p->conns,
	    v->dp.live);
	add(L, "%-13s %" PRIu64, "established", p->established);
	add(L, "%-13s %" PRIu64, "rejected", p->rejected);
	add(L, "%-13s %" PRIu64, "unanswered", p->unanswered);
	add(L, "%-13s %" PRIu64 "%s", "clients", p->clients,
	    v->dp.clients_capped ? " at least (the distinct address sets "
	    "are full)" : "");
	add(L, "%-13s %" PRIu64, "servers", p->servers);
	if (p->conns)
		times(L, p->first_ns, p->last_ns);
	add(L, "%-13s %" PRIu64, "icmp errors", p->icmp_errors);
	add(L, "%-13s SYN>SYN-ACK median %s ms, p95 %s ms", "handshake",
	    ms(rep_rtt_quantile(&p->rtt, 0.5) * 1000, rt[0], sizeof(rt[0])),
	    ms(rep_rtt_quantile(&p->rtt, 0.95) * 1000, rt[1], sizeof(rt[1])));
	add(L, "%-13s %" PRIu64 " of %" PRIu64 " TCP packets", "resent",
	    p->retrans, p->tcp_pkts);
	owner_line(L, p->role == REP_ROLE_LISTEN ? "listener" :
		   p->role == REP_ROLE_CLIENT ? "client" : "server", &p->owner);
	dir_rows(v, L, p->dir, &v->dp.r, 0);
}

/* A group's container, pod or unit, as its who record says. */
static void who_lines(struct lines *L, uint32_t who)
{
	struct nm_who w;

	if (!nm_who_get(who, &w))
		return;
	if (w.id[0])
		add(L, "%-13s %s %.12s%s%s", "container", nm_rt_name(w.rt), w.id,
		    w.miss ? "  no name: " : "", nm_who_miss_name(w.miss));
	if (w.image && w.image[0])
		add(L, "%-13s %s", "image", w.image);
	if (w.pod_uid[0])
		add(L, "%-13s %s", "pod uid", w.pod_uid);
	if (w.unit[0])
		add(L, "%-13s %s", "unit", w.unit);
	if (w.cgroup[0])
		add(L, "%-13s %s", "cgroup", w.cgroup);
}

static void proc_details(struct view *v, struct lines *L)
{
	const struct rep_proc *p = &v->dpr.p;
	struct ft_counts c[2] = { p->tx, p->rx };

	if (v->dpr.label[0]) {
		add(L, "%-13s %s", "group", v->dpr.label);
		who_lines(L, v->dpr.p.who.who);
		add(L, "%-13s %" PRIu32, "processes", v->dpr.nproc);
	}
	if (v->dpr.label[0] && p->who.pid >= 0)
		owner_line(L, "lowest pid", &p->who);
	else if (p->who.pid < 0)
		add(L, "flows no process could be found for");
	else
		owner_line(L, "process", &p->who);
	add(L, "%-13s %" PRIu64, "flow ends", p->flows);
	add(L, "%-13s %" PRIu64, "local ports", p->ports);
	if (p->flows)
		times(L, p->first_ns, p->last_ns);
	dir_rows(v, L, c, &v->dpr.r, 1);
}

static void help_lines(struct lines *L)
{
	static const char *const h[] = {
		"f p P     flows, ports, processes (Tab, Shift-Tab: cycle)",
		"C         containers: the processes summed per container,",
		"          pod or systemd unit (P: back to processes)",
		"s         next sort column;  < >  sort column left, right",
		"          (the columns on the screen; the sorted title is",
		"          bold and underlined)",
		"r         reverse the order",
		"/         display filter: port 53, host 10.0.0.1 and not",
		"          proto udp, process curl, state S0 ... (README,",
		"          \"Display filters\"); a bare word is a substring",
		"          of the row.  Enter applies (a bad expression says",
		"          why and stays open), Esc cancels, empty shows all,",
		"          Ctrl-U clears the line",
		"space     pause: a replay stops; a live capture goes on",
		"          but the display freezes",
		".         one more packet (paused replay)",
		"+ -       replay speed up, down (x0.1 to x1000, then full)",
		"e         flows: ended flows listed too (dim), or not",
		"n N       host names on/off: from the traffic (DNS, SNI, Host),",
		"          else looked up in the background",
		"b         byte counts: human units / exact",
		"B         rates in bytes (B/s) / bits (bit/s) per second",
		"c         processes: the cgroup column on/off",
		"T         tunnels: zeek -> outer -> inner, the flows",
		"          --tunnels MODE gives since the start (named on",
		"          the header's flows line; nothing counted twice)",
		"j k Up Down PgUp PgDn Home End   move the selection",
		"Enter     details of the selected row: Up Down PgUp PgDn",
		"          Home End scroll it; Esc, Enter, q close it",
		"h ?       this help (any key closes it)",
		"Ctrl-L    redraw the screen",
		"q         quit (Ctrl-C too)",
		"",
		"Rates are wire bytes (or bits) per second: > orig to",
		"resp, < back; the last interval, and averages over 10 s",
		"and 40 s (10s, 40s).  Totals are wire bytes.",
	};

	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		add(L, "%s", h[i]);
}

static void box_frame(int y0, int x0, int h, int w)
{
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
}

/* A box over the table; a box taller than the screen shows the lines
 * from *scroll on (clamped here) and says which. */
static void draw_box(const char *title, const struct lines *L, int *scroll)
{
	int w = (int)strlen(title) + 30, h = L->n + 2, y0, x0, top;
	char t[128];

	for (int i = 0; i < L->n; i++)
		if ((int)strlen(L->l[i]) + 4 > w)
			w = (int)strlen(L->l[i]) + 4;
	w = w < COLS ? w : COLS;
	h = h < LINES ? h : LINES;
	top = L->n - (h - 2);		/* the last first line */
	*scroll = *scroll > top ? top : *scroll < 0 ? 0 : *scroll;
	y0 = (LINES - h) / 2;
	x0 = (COLS - w) / 2;
	box_frame(y0, x0, h, w);
	if (top > 0)
		snprintf(t, sizeof(t), " %s: lines %d-%d of %d, Up/Down ",
			 title, *scroll + 1, *scroll + h - 2, L->n);
	else
		snprintf(t, sizeof(t), " %s ", title);
	attron(A_BOLD);
	mvaddnstr(y0, x0 + 2, t, w > 4 ? w - 4 : 0);
	attroff(A_BOLD);
	for (int i = 0; i < h - 2; i++)
		mvaddnstr(y0 + 1 + i, x0 + 2, L->l[*scroll + i], w - 4);
}

/* Row i as shown: a flow with host names where they are known. */
static const void *shown_row(const struct view *v, size_t i,
			     struct model_flow *tmp)
{
	if (v->mv == MV_PORTS)
		return port_row(v, i);
	if (v->mv == MV_PROCS)
		return proc_row(v, i);
	*tmp = *flow_row(v, i);
	/* names where known */
	end_name(v, tmp, FT_ORIG, tmp->e.orig_h, sizeof(tmp->e.orig_h));
	end_name(v, tmp, FT_RESP, tmp->e.resp_h, sizeof(tmp->e.resp_h));
	return tmp;
}

/* The column titles and the rows in sight, in the columns that fit (as
 * wide as the longest endpoint and process name in sight); the sort
 * column's title bold and underlined, out of the reverse video. */
static void draw_rows(struct view *v)
{
	char line[1024];
	size_t n = view_nrows(v), top = v->top[v->mv];
	int y0 = VIEW_TOP_ROWS, page = view_page(), x, w;
	struct fmt_fit fit = { { 0, 0 }, 0 };
	struct model_flow tmp;

	for (size_t i = top; i < n && i < top + (size_t)page; i++)
		fmt_fit_row(v->mv, shown_row(v, i, &tmp), &fit);
	fmt_layout(v->mv, COLS, &fit, &v->cols);
	fmt_titles(&v->cols, line, sizeof(line));
	attron(A_REVERSE);
	mvhline(y0 - 1, 0, ' ', COLS);
	mvaddnstr(y0 - 1, 0, line, COLS);
	attroff(A_REVERSE);
	if (fmt_col_span(&v->cols, v->skey[v->mv], &x, &w) && x < COLS)
		mvchgat(y0 - 1, x, w, A_BOLD | A_UNDERLINE, 0, NULL);
	for (int y = 0; y < page && top + (size_t)y < n; y++) {
		size_t i = top + (size_t)y;

		fmt_row(&v->cols, shown_row(v, i, &tmp), v->es.clock_ns, line,
			sizeof(line));
		if (i == v->sel[v->mv])
			attron(A_REVERSE);
		if (v->mv == MV_FLOWS && flow_row(v, i)->v.end != FT_END_ACTIVE)
			attron(A_DIM);	/* an ended flow (e) */
		mvhline(y0 + y, 0, ' ', COLS);
		mvaddnstr(y0 + y, 0, line, COLS);
		attroff(A_REVERSE | A_DIM);
	}
}

/* The line under the header: views, sort, filter, row; or, while a bad
 * filter is being edited, why it was refused. */
static void status_line(const struct view *v)
{
	char line[512], pend[32] = "", extra[96] = "", row[48];
	size_t n = view_nrows(v), len;
	int x, w, rlen;

	if (v->editing && v->ferr[0]) {
		attron(A_BOLD);
		mvaddnstr(FMT_HEAD_LINES, 0, v->ferr, COLS);
		attroff(A_BOLD);
		return;
	}
	if (v->names && v->res && resolve_pending(v->res))
		snprintf(pend, sizeof(pend), ", %u pending",
			 resolve_pending(v->res));
	snprintf(extra, sizeof(extra), "%s%s%s%s%s", v->names ? "names: on" :
		 "", pend, v->names ? "  " : "", v->exact ? "bytes: exact  " :
		 "", v->show_ended && v->mv == MV_FLOWS ? "ended: shown  " : "");
	rlen = snprintf(row, sizeof(row), "row %zu/%zu",
			n ? v->sel[v->mv] + 1 : 0, n);
	snprintf(line, sizeof(line), "%s  sort: %s%s%s  filter: %s%s%s%s  "
		 "%s", v->mv == MV_FLOWS ?
		 "[Flows] Ports  Processes" : v->mv == MV_PORTS ?
		 " Flows [Ports] Processes" : v->group ?
		 " Flows  Ports [Containers]" : " Flows  Ports [Processes]",
		 model_sort_name(v->skey[v->mv]),
		 v->rev[v->mv] ? " (reversed)" : "",
		 fmt_col_span(&v->cols, v->skey[v->mv], &x, &w) ? "" :
		 " (hidden)", v->filter[0] ? "'" : "-", v->filter,
		 v->filter[0] ? "'" : "", v->fbad[v->mv] ? " (not for these "
		 "rows: all shown)" : "", extra);
	len = strlen(line);
	if (len + (size_t)rlen <= (size_t)COLS || rlen + 1 >= COLS) {
		snprintf(line + len, sizeof(line) - len, "%s", row);
		mvaddnstr(FMT_HEAD_LINES, 0, line, COLS);
		return;
	}
	/* too wide (80 columns with names and ended rows shown, a long
	 * filter): the row number stays whole at the right end, what is
	 * before it is cut */
	mvaddnstr(FMT_HEAD_LINES, 0, line, COLS - rlen - 1);
	mvaddnstr(FMT_HEAD_LINES, COLS - rlen, row, rlen);
}

void view_draw(struct view *v)
{
	char head[FMT_HEAD_LINES][256], line[512];
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
		.tunnels = engine_tunnels_names[v->tunnels],
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
	draw_rows(v);
	status_line(v);
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
		mvaddnstr(LINES - 1, 0, "q quit  h help  f/p/P/C views  s < > r "
			  "sort  / filter  space pause  B bits  Enter details  "
			  "n names  b bytes", COLS - 1);
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
		draw_box(v->help ? "porttop keys" : "details", &L,
			 v->help ? &v->hscroll : &v->dscroll);
	}
	curs_set(v->editing);
	if (v->editing)
		move(LINES - 1, (int)strlen(line) < COLS - 1 ?
		     (int)strlen(line) : COLS - 1);
	refresh();
}
