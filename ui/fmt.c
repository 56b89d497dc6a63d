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
static int bits;	/* fmt_set_bits */
static int cgroup_col;	/* fmt_set_cgroup */
static int group_cols;	/* fmt_set_group */

void fmt_set_exact(int on)
{
	exact = on;
}

int fmt_exact(void)
{
	return exact;
}

void fmt_set_bits(int on)
{
	bits = on;
}

const char *fmt_rate_unit(void)
{
	return bits ? "bit/s" : "B/s";
}

void fmt_set_cgroup(int on)
{
	cgroup_col = on;
}

int fmt_cgroup_on(void)
{
	return cgroup_col;
}

void fmt_set_group(int on)
{
	group_cols = on;
}

int fmt_group_on(void)
{
	return group_cols;
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

void fmt_cgroup(const struct attr_end *w, char *buf, size_t len)
{
	char b[256];

	snprintf(buf, len, "%s", cgroup_text(w, b, sizeof(b)));
}

const char *fmt_size(uint64_t v, char *buf, size_t len)
{
	if (exact)
		snprintf(buf, len, "%" PRIu64, v);
	else
		rep_human(v, buf, len);
	return buf;
}

/* Bits in SI units, as iftop: 999, 1.0K, 12M (powers of 1000). */
static void human_si(uint64_t v, char *buf, size_t len)
{
	static const char unit[] = "KMGTPE";
	double d = (double)v;
	int u = -1;

	if (v < 1000) {
		snprintf(buf, len, "%" PRIu64, v);
		return;
	}
	while (d >= 999.5 && u < 5) {
		d /= 1000;
		u++;
	}
	snprintf(buf, len, d < 9.95 ? "%.1f%c" : "%.0f%c", d, unit[u]);
}

const char *fmt_rate(double bps, char *buf, size_t len)
{
	double x = bits ? bps * 8 : bps;

	if (x < 0.5)
		snprintf(buf, len, "0");
	else if (bits && !exact)
		human_si((uint64_t)(x + 0.5), buf, len);
	else
		fmt_size((uint64_t)(x + 0.5), buf, len);
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

void fmt_hms(int64_t ns, char *buf, size_t len)
{
	int64_t s = ns > 0 ? ns / NS_PER_S : 0;

	if (s >= 86400)
		snprintf(buf, len, "%" PRId64 "d%02" PRId64 "h", s / 86400,
			 s % 86400 / 3600);
	else
		snprintf(buf, len, "%02" PRId64 ":%02" PRId64 ":%02" PRId64,
			 s / 3600, s % 3600 / 60, s % 60);
}

/* "live", "replay x2", "replay paused", ... */
static void state_of(const struct fmt_head *h, char *buf, size_t len)
{
	const struct engine_desc *d = h->d;

	if (d->live)
		snprintf(buf, len, h->ended ? "capture ended" : "live");
	else if (h->ended)
		snprintf(buf, len, "replay ended");
	else if (h->es->paused)
		snprintf(buf, len, "replay paused");
	else if (d->speed > 0)
		snprintf(buf, len, "replay x%g", d->speed);
	else
		snprintf(buf, len, "replay, full speed");
}

/* A device's drops: their sum, and where they happened when any did
 * ("0 dropped", "12 dropped (kernel 10, porttop 2)"), so that the line
 * keeps the attribution share within 80 columns. */
static void drops(const struct fmt_head *h, char *line, size_t len)
{
	const char *name[3] = { "kernel", "interface", "porttop" };
	uint64_t v[3] = { h->es->kernel.drop, h->es->kernel.ifdrop,
			  h->mt->lost_ended };
	size_t n = strlen(line);
	const char *sep = " (";

	snprintf(line + n, len - n, ", %" PRIu64 " dropped", v[0] + v[1] + v[2]);
	for (int i = 0; i < 3; i++) {
		if (!v[i])
			continue;
		n = strlen(line);
		snprintf(line + n, len - n, "%s%s %" PRIu64, sep, name[i], v[i]);
		sep = ", ";
	}
	n = strlen(line);
	if (sep[0] == ',')
		snprintf(line + n, len - n, ")");
}

/* Line 1: packets, and the drops a device has (a file has none). */
static void packets_line(const struct fmt_head *h, char *line, size_t len)
{
	const struct engine_stats *es = h->es;
	const struct model_totals *t = h->mt;
	const struct engine_desc *d = h->d;
	size_t n;

	snprintf(line, len, "packets: %" PRIu64 " captured", es->read);
	if (d->live)
		drops(h, line, len);
	else if (t->lost_ended)
		snprintf(line + strlen(line), len - strlen(line), ", %" PRIu64
			 " lost by porttop", t->lost_ended);
	if (d->attrib) {
		uint64_t all = t->tot[0].wire_bytes + t->tot[1].wire_bytes;

		n = strlen(line);
		snprintf(line + n, len - n, "; processes (%s): %.0f%% of "
			 "bytes, %" PRIu64 " events lost", d->attrib, all ?
			 100.0 * (double)t->attributed_bytes / (double)all : 0.0,
			 d->attrib_lost);
	}
}

void fmt_head(const struct fmt_head *h, char lines[][256], size_t len)
{
	const struct engine_desc *d = h->d;
	const struct model_totals *t = h->mt;
	const char *base = strrchr(d->source, '/');
	char el[32], r[6][24], tot[2][24], state[48], fan[32] = "";

	/* the file's name and the state first: they are what 80 columns
	 * must show; then whether this run sees only its fanout group's
	 * share */
	base = base && base[1] ? base + 1 : d->source;
	fmt_hms(h->elapsed_ns, el, sizeof(el));
	state_of(h, state, sizeof(state));
	if (d->fanout_group)
		snprintf(fan, sizeof(fan), " - fanout group %d",
			 d->fanout_group);
	snprintf(lines[0], len, "%s - %s %s%s%s - %s%s%s%s%s - porttop",
		 base, state, el, h->frozen ? " - display paused" : "", fan,
		 d->filter[0] ? "filter '" : "no filter", d->filter,
		 d->filter[0] ? "'" : "", d->notice ? " - " : "",
		 d->notice ? d->notice : "");
	packets_line(h, lines[1], len);
	struct ft_config fc = { .max_flows = d->capacity, .publish = true };

	snprintf(lines[2], len, "flows%s%s: %" PRIu64 " live / %u (%zu MiB), %"
		 PRIu64 " ended, %" PRIu64 " evicted", h->tunnels ?
		 ", tunnels " : "", h->tunnels ? h->tunnels : "",
		 t->live_flows, d->capacity, ft_memory(&fc) >> 20,
		 t->ended_flows, h->fs->evicted);
	for (int i = 0; i < h->nstatus; i++) {	/* "; ipfix ...: N sent" */
		size_t n = strlen(lines[2]);

		snprintf(lines[2] + n, len - n, "; %s", h->status[i]);
	}
	/* the same names as the columns: B/s (or bit/s) >, <, 10s, 40s;
	 * each figure against its arrow, so that the longest (bit/s, four
	 * characters each: 999M) take 76 columns */
	snprintf(lines[3], len,
		 "%s >%s <%s, 10s >%s <%s, 40s >%s <%s; "
		 "total >%s <%s bytes", fmt_rate_unit(),
		 fmt_rate(t->r.bytes[0][0], r[0], 24),
		 fmt_rate(t->r.bytes[0][1], r[1], 24),
		 fmt_rate(t->r.bytes[1][0], r[2], 24),
		 fmt_rate(t->r.bytes[1][1], r[3], 24),
		 fmt_rate(t->r.bytes[2][0], r[4], 24),
		 fmt_rate(t->r.bytes[2][1], r[5], 24),
		 fmt_size(t->tot[0].wire_bytes, tot[0], 24),
		 fmt_size(t->tot[1].wire_bytes, tot[1], 24));
}
