/*
 * fmt.c - the text of the live views (see fmt.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"

static int exact;	/* fmt_set_exact */

/* Column widths of rates and totals: human units fit 6 and 7; exact
 * numbers get room for 10 GB/s and 10 TB. */
#define RW (exact ? 10 : 6)
#define TW (exact ? 13 : 7)

void fmt_set_exact(int on)
{
	exact = on;
}

/* A byte count, in human units or in full. */
static const char *size(uint64_t v, char *buf, size_t len)
{
	if (exact)
		snprintf(buf, len, "%" PRIu64, v);
	else
		rep_human(v, buf, len);
	return buf;
}

const char *fmt_rate(double bps, char *buf, size_t len)
{
	if (bps < 0.5)
		snprintf(buf, len, "0");
	else
		size((uint64_t)(bps + 0.5), buf, len);
	return buf;
}

static void hms(int64_t ns, char *buf, size_t len)
{
	int64_t s = ns > 0 ? ns / 1000000000LL : 0;

	if (s >= 86400)
		snprintf(buf, len, "%" PRId64 "d%02" PRId64 "h", s / 86400,
			 s % 86400 / 3600);
	else
		snprintf(buf, len, "%02" PRId64 ":%02" PRId64 ":%02" PRId64,
			 s / 3600, s % 3600 / 60, s % 60);
}

void fmt_head(const struct fmt_head *h, char lines[][256], size_t len)
{
	const struct engine_stats *es = h->es;
	const struct model_totals *t = h->mt;
	char el[32], r[6][24], tot[2][24], state[48];

	hms(h->elapsed_ns, el, sizeof(el));
	if (h->live)
		snprintf(state, sizeof(state), h->ended ? "capture ended" :
			 "live");
	else if (h->ended)
		snprintf(state, sizeof(state), "replay ended");
	else if (es->paused)
		snprintf(state, sizeof(state), "replay paused");
	else if (h->speed > 0)
		snprintf(state, sizeof(state), "replay x%g", h->speed);
	else
		snprintf(state, sizeof(state), "replay, full speed");
	snprintf(lines[0], len, "porttop - %s - %s%s%s - %s %s%s%s%s",
		 h->source, h->filter[0] ? "filter '" : "no filter",
		 h->filter, h->filter[0] ? "'" : "", state, el,
		 h->frozen ? " - display paused" : "",
		 h->notice ? " - " : "", h->notice ? h->notice : "");
	snprintf(lines[1], len,
		 "packets: %" PRIu64 " captured, %" PRIu64 " dropped by kernel, "
		 "%" PRIu64 " by interface, %" PRIu64 " lost by porttop; "
		 "flows: %" PRIu64 " live / %u, %" PRIu64 " ended, %" PRIu64
		 " evicted",
		 es->read, es->kernel.drop, es->kernel.ifdrop, t->lost_ended,
		 t->live_flows, h->capacity, t->ended_flows, h->fs->evicted);
	snprintf(lines[2], len,
		 "rate > %s/s < %s/s, 10 s > %s/s < %s/s, 40 s > %s/s < %s/s; "
		 "total > %s < %s",
		 fmt_rate(t->r.bytes[0][0], r[0], 24),
		 fmt_rate(t->r.bytes[0][1], r[1], 24),
		 fmt_rate(t->r.bytes[1][0], r[2], 24),
		 fmt_rate(t->r.bytes[1][1], r[3], 24),
		 fmt_rate(t->r.bytes[2][0], r[4], 24),
		 fmt_rate(t->r.bytes[2][1], r[5], 24),
		 size(t->tot[0].wire_bytes, tot[0], 24),
		 size(t->tot[1].wire_bytes, tot[1], 24));
}

void fmt_titles(enum model_view v, int addr_w, char *buf, size_t len)
{
	switch (v) {
	case MV_FLOWS:
		snprintf(buf, len, "%-5s %-*s %-*s %-6s %-7s %*s %*s %*s %*s "
			 "%*s %*s %8s", "PROTO", addr_w, "ORIG", addr_w, "RESP",
			 "STATE", "PROCESS", RW, "RATE>", RW, "RATE<", RW,
			 "10s", RW, "40s", TW, "TOTAL>", TW, "TOTAL<", "AGE");
		break;
	case MV_PORTS:
		snprintf(buf, len, "%-5s %5s %-5s %6s %5s %5s %5s %5s %7s "
			 "%*s %*s %*s %*s %*s %*s %-7s", "PROTO", "PORT",
			 "ROLE", "CONNS", "LIVE", "EST", "REJ", "UNANS",
			 "CLIENTS", RW, "RATE>", RW, "RATE<", RW, "10s", RW,
			 "40s", TW, "TOTAL>", TW, "TOTAL<", "PROCESS");
		break;
	default:
		snprintf(buf, len, "%7s %-15s %-8s %6s %6s %*s %*s %*s %*s "
			 "%*s %*s", "PID", "COMMAND", "USER", "FLOWS", "PORTS",
			 RW, "RATE>", RW, "RATE<", RW, "10s", RW, "40s", TW,
			 "TOTAL>", TW, "TOTAL<");
		break;
	}
}

static void endpoint(char *buf, size_t len, const char *h, int port, int v6)
{
	if (port < 0)
		snprintf(buf, len, "%s", h);
	else
		snprintf(buf, len, v6 ? "[%s]:%d" : "%s:%d", h, port);
}

void fmt_flow(const struct model_flow *f, int addr_w, int64_t now_ns,
	      char *buf, size_t len)
{
	const struct ft_view *v = &f->v;
	const char *p = rep_proto_name(v->key.proto);
	char o[64], r[64], num[8], x[6][24], age[32];
	int v6 = v->key.flags & FT_K_V6;

	endpoint(o, sizeof(o), f->e.orig_h, f->e.orig_p, v6);
	endpoint(r, sizeof(r), f->e.resp_h, f->e.resp_p, v6);
	if (!p) {
		snprintf(num, sizeof(num), "%u", v->key.proto);
		p = num;
	}
	hms(now_ns - v->first_ns, age, sizeof(age));
	snprintf(buf, len, "%-5s %-*.*s %-*.*s %-6s %-7s %*s %*s %*s %*s "
		 "%*s %*s %8s", p, addr_w, addr_w, o, addr_w, addr_w, r,
		 ft_conn_state_name(v->conn_state), "-",
		 RW, fmt_rate(f->r.bytes[0][0], x[0], 24),
		 RW, fmt_rate(f->r.bytes[0][1], x[1], 24),
		 RW, fmt_rate(f->r.bytes[1][0] + f->r.bytes[1][1], x[2], 24),
		 RW, fmt_rate(f->r.bytes[2][0] + f->r.bytes[2][1], x[3], 24),
		 TW, size(v->dir[0].wire_bytes, x[4], 24),
		 TW, size(v->dir[1].wire_bytes, x[5], 24), age);
}

void fmt_port(const struct model_port *mp, char *buf, size_t len)
{
	const struct rep_port *p = &mp->p;
	char x[6][24];

	snprintf(buf, len, "%-5s %5u %-5s %6" PRIu64 " %5" PRIu64 " %5" PRIu64
		 " %5" PRIu64 " %5" PRIu64 " %6" PRIu64 "%s %*s %*s %*s %*s "
		 "%*s %*s %-7s", rep_proto_name(p->proto), p->port, "serve",
		 p->conns, mp->live, p->established, p->rejected,
		 p->unanswered, p->clients, mp->clients_capped ? "+" : " ",
		 RW, fmt_rate(mp->r.bytes[0][0], x[0], 24),
		 RW, fmt_rate(mp->r.bytes[0][1], x[1], 24),
		 RW, fmt_rate(mp->r.bytes[1][0] + mp->r.bytes[1][1], x[2], 24),
		 RW, fmt_rate(mp->r.bytes[2][0] + mp->r.bytes[2][1], x[3], 24),
		 TW, size(p->dir[0].wire_bytes, x[4], 24),
		 TW, size(p->dir[1].wire_bytes, x[5], 24), "-");
}

void fmt_proc(const struct model_proc *p, char *buf, size_t len)
{
	char x[6][24], pid[16];

	if (p->pid < 0)
		snprintf(pid, sizeof(pid), "-");
	else
		snprintf(pid, sizeof(pid), "%d", p->pid);
	snprintf(buf, len, "%7s %-15s %-8s %6" PRIu64 " %6" PRIu64
		 " %*s %*s %*s %*s %*s %*s", pid, p->pid < 0 ?
		 "(unattributed)" : p->comm, "-", p->flows, p->ports,
		 RW, fmt_rate(p->r.bytes[0][0], x[0], 24),
		 RW, fmt_rate(p->r.bytes[0][1], x[1], 24),
		 RW, fmt_rate(p->r.bytes[1][0] + p->r.bytes[1][1], x[2], 24),
		 RW, fmt_rate(p->r.bytes[2][0] + p->r.bytes[2][1], x[3], 24),
		 TW, size(p->tot[0].wire_bytes, x[4], 24),
		 TW, size(p->tot[1].wire_bytes, x[5], 24));
}
