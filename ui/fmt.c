/*
 * fmt.c - the text of the live views (see fmt.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../lib/clock.h"
#include "fmt.h"
#include "user.h"

static int exact;	/* fmt_set_exact */

/* Column widths of rates and totals: human units fit 6 and 7; exact
 * numbers get room for 10 GB/s and 10 TB. */
#define RW (exact ? 10 : 6)
#define TW (exact ? 13 : 7)

void fmt_set_exact(int on)
{
	exact = on;
}

static int cgroup_col;	/* fmt_set_cgroup */

void fmt_set_cgroup(int on)
{
	cgroup_col = on;
}

/* A process's cgroup v2 path ("0::/user.slice/..." in /proc/PID/cgroup),
 * remembered per pid and cgroup id; the id in decimal when the process is
 * gone, "-" when unknown. */
static const char *cgroup_text(const struct attr_end *w, char *buf,
			       size_t len)
{
	static struct { int32_t pid; uint64_t id; char path[256]; } cache[64];
	static unsigned n;
	char proc[48], line[256];
	FILE *f;

	if (w->pid < 0 || !w->cgroup)
		return "-";
	for (unsigned i = 0; i < n && i < 64; i++)
		if (cache[i].pid == w->pid && cache[i].id == w->cgroup)
			return cache[i].path;
	snprintf(buf, len, "%llu", (unsigned long long)w->cgroup);
	snprintf(proc, sizeof(proc), "/proc/%d/cgroup", w->pid);
	/* not a live process: a file's pid may be another process's here */
	if (w->exited || w->src == ATTR_SRC_PCAPNG || !(f = fopen(proc, "re")))
		return buf;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, len, "%s", line + 3);
		}
	fclose(f);
	cache[n % 64].pid = w->pid;
	cache[n % 64].id = w->cgroup;
	snprintf(cache[n % 64].path, sizeof(cache[0].path), "%s", buf);
	n++;
	return buf;
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

void fmt_user(uint32_t uid, char *buf, size_t len)
{
	static struct { uint32_t uid; char name[16]; } cache[32];
	static unsigned n;

	if (uid == (uint32_t)-1) {
		snprintf(buf, len, "-");
		return;
	}
	for (unsigned i = 0; i < n && i < 32; i++)
		if (cache[i].uid == uid) {
			snprintf(buf, len, "%s", cache[i].name);
			return;
		}
	if (user_name(uid, buf, len) != 0)
		snprintf(buf, len, "%u", uid);
	cache[n % 32].uid = uid;
	snprintf(cache[n % 32].name, sizeof(cache[0].name), "%s", buf);
	n++;
}

static void hms(int64_t ns, char *buf, size_t len)
{
	int64_t s = ns > 0 ? ns / NS_PER_S : 0;

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
	const struct engine_desc *d = h->d;
	const struct model_totals *t = h->mt;
	char el[32], r[6][24], tot[2][24], state[48];

	hms(h->elapsed_ns, el, sizeof(el));
	if (d->live)
		snprintf(state, sizeof(state), h->ended ? "capture ended" :
			 "live");
	else if (h->ended)
		snprintf(state, sizeof(state), "replay ended");
	else if (es->paused)
		snprintf(state, sizeof(state), "replay paused");
	else if (d->speed > 0)
		snprintf(state, sizeof(state), "replay x%g", d->speed);
	else
		snprintf(state, sizeof(state), "replay, full speed");
	snprintf(lines[0], len, "porttop - %s - %s%s%s - %s %s%s%s%s",
		 d->source, d->filter[0] ? "filter '" : "no filter",
		 d->filter, d->filter[0] ? "'" : "", state, el,
		 h->frozen ? " - display paused" : "",
		 d->notice ? " - " : "", d->notice ? d->notice : "");
	snprintf(lines[1], len,
		 "packets: %" PRIu64 " captured, %" PRIu64 " dropped by kernel, "
		 "%" PRIu64 " by interface, %" PRIu64 " lost by porttop",
		 es->read, es->kernel.drop, es->kernel.ifdrop, t->lost_ended);
	if (d->attrib) {
		uint64_t all = t->tot[0].wire_bytes + t->tot[1].wire_bytes;
		size_t n = strlen(lines[1]);

		snprintf(lines[1] + n, len - n, "; processes (%s): %.0f%% of "
			 "bytes, %" PRIu64 " events lost", d->attrib, all ?
			 100.0 * (double)t->attributed_bytes / (double)all : 0.0,
			 d->attrib_lost);
	}
	struct ft_config fc = { .max_flows = d->capacity, .publish = true };

	snprintf(lines[2], len, "flows: %" PRIu64 " live / %u (%zu MiB), %"
		 PRIu64 " ended, %" PRIu64 " evicted", t->live_flows,
		 d->capacity, ft_memory(&fc) >> 20, t->ended_flows,
		 h->fs->evicted);
	for (int i = 0; i < h->nstatus; i++) {	/* "; ipfix ...: N sent" */
		size_t n = strlen(lines[2]);

		snprintf(lines[2] + n, len - n, "; %s", h->status[i]);
	}
	snprintf(lines[3], len,
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
		snprintf(buf, len, "%-5s %-*s %-*s %-6s %-15s %*s %*s %*s %*s "
			 "%*s %*s %8s", "PROTO", addr_w, "ORIG", addr_w, "RESP",
			 "STATE", "PROCESS", RW, "RATE>", RW, "RATE<", RW,
			 "10s", RW, "40s", TW, "TOTAL>", TW, "TOTAL<", "AGE");
		break;
	case MV_PORTS:
		snprintf(buf, len, "%-5s %5s %-5s %-8s %6s %5s %5s %5s %5s %7s "
			 "%*s %*s %*s %*s %*s %*s %-7s", "PROTO", "PORT",
			 "ROLE", "STATE", "CONNS", "LIVE", "EST", "REJ", "UNANS",
			 "CLIENTS", RW, "RATE>", RW, "RATE<", RW, "10s", RW,
			 "40s", TW, "TOTAL>", TW, "TOTAL<", "PROCESS");
		break;
	default:
		snprintf(buf, len, "%7s %s %-15s %-8s %6s %6s %*s %*s %*s %*s "
			 "%*s %*s", "PID", "S", "COMMAND", "USER", "FLOWS", "PORTS",
			 RW, "SENT/s", RW, "RECV/s", RW, "10s", RW, "40s", TW,
			 "SENT", TW, "RECV");
		if (cgroup_col)
			snprintf(buf + strlen(buf), len - strlen(buf), " %s",
				 "CGROUP");
		break;
	}
}

void fmt_flow(const struct model_flow *f, int addr_w, int64_t now_ns,
	      char *buf, size_t len)
{
	const struct ft_view *v = &f->v;
	const char *p = rep_proto_name(v->key.proto);
	char o[64], r[64], num[8], x[6][24], age[32], own[40];
	int v6 = v->key.flags & FT_K_V6;

	rep_endpoint(o, sizeof(o), f->e.orig_h, f->e.orig_p, v6);
	rep_endpoint(r, sizeof(r), f->e.resp_h, f->e.resp_p, v6);
	if (!p) {
		snprintf(num, sizeof(num), "%u", v->key.proto);
		p = num;
	}
	hms(now_ns - v->first_ns, age, sizeof(age));
	snprintf(buf, len, "%-5s %-*.*s %-*.*s %-6s %-15.15s %*s %*s %*s %*s "
		 "%*s %*s %8s", p, addr_w, addr_w, o, addr_w, addr_w, r,
		 ft_conn_state_name(v->conn_state), rep_owner(f->end, own, sizeof(own)),
		 RW, fmt_rate(f->r.bytes[0][0], x[0], 24),
		 RW, fmt_rate(f->r.bytes[0][1], x[1], 24),
		 RW, fmt_rate(f->r.bytes[1][0] + f->r.bytes[1][1], x[2], 24),
		 RW, fmt_rate(f->r.bytes[2][0] + f->r.bytes[2][1], x[3], 24),
		 TW, size(v->dir[0].wire_bytes, x[4], 24),
		 TW, size(v->dir[1].wire_bytes, x[5], 24), age);
}

void fmt_port(const struct model_port *mp, char *buf, size_t len)
{
	const struct port_row *p = &mp->p;
	char x[6][24];

	int st = port_row_state(p);

	/* "listening-idle" is the ROLE "listen" with no flow yet */
	snprintf(buf, len, "%-5s %5u %-5s %-8s %6" PRIu64 " %5" PRIu64 " %5" PRIu64
		 " %5" PRIu64 " %5" PRIu64 " %6" PRIu64 "%s %*s %*s %*s %*s "
		 "%*s %*s %-15.15s", rep_proto_name(p->proto), p->port,
		 p->role ? rep_role_name(p->role) : "-",
		 st == REP_PS_LISTEN_IDLE ? "idle" : rep_port_state_name(st),
		 p->conns, mp->live, p->established, p->rejected,
		 p->unanswered, p->clients, mp->clients_capped ? "+" : " ",
		 RW, fmt_rate(mp->r.bytes[0][0], x[0], 24),
		 RW, fmt_rate(mp->r.bytes[0][1], x[1], 24),
		 RW, fmt_rate(mp->r.bytes[1][0] + mp->r.bytes[1][1], x[2], 24),
		 RW, fmt_rate(mp->r.bytes[2][0] + mp->r.bytes[2][1], x[3], 24),
		 TW, size(p->dir[0].wire_bytes, x[4], 24),
		 TW, size(p->dir[1].wire_bytes, x[5], 24),
		 p->owner.pid >= 0 ? p->owner.comm : "-");
}

void fmt_proc(const struct model_proc *mp, char *buf, size_t len)
{
	const struct rep_proc *p = &mp->p;
	char x[6][24], pid[16], user[16];

	if (p->who.pid < 0)
		snprintf(pid, sizeof(pid), "-");
	else
		snprintf(pid, sizeof(pid), "%d", p->who.pid);
	fmt_user(p->who.uid, user, sizeof(user));
	/* S: top's state letter, X for a process that has exited */
	snprintf(buf, len, "%7s %s %-15s %-8.8s %6" PRIu64 " %6" PRIu64
		 " %*s %*s %*s %*s %*s %*s", pid, p->who.exited ? "X" : " ",
		 p->who.pid < 0 ?
		 "(unattributed)" : p->who.comm, user, p->flows, p->ports,
		 RW, fmt_rate(mp->r.bytes[0][0], x[0], 24),
		 RW, fmt_rate(mp->r.bytes[0][1], x[1], 24),
		 RW, fmt_rate(mp->r.bytes[1][0] + mp->r.bytes[1][1], x[2], 24),
		 RW, fmt_rate(mp->r.bytes[2][0] + mp->r.bytes[2][1], x[3], 24),
		 TW, size(p->tx.wire_bytes, x[4], 24),
		 TW, size(p->rx.wire_bytes, x[5], 24));
	if (cgroup_col) {
		char cg[256];

		snprintf(buf + strlen(buf), len - strlen(buf), " %s",
			 cgroup_text(&p->who, cg, sizeof(cg)));
	}
}
