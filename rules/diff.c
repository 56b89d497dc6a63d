/*
 * diff.c - comparing two sides (diff.h): each side's flows sorted by key,
 * folded into one group per key, and the two lists of groups walked
 * together; then the same for the responder ports and their states.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/memfile.h"
#include "../report/ports.h"
#include "diff.h"
#include "diff_int.h"

/* A key's flows on one side. */
struct dgroup {
	const struct dflow *f;		/* the first, for its key */
	long n;
	int64_t val[DIFF_NVAL];
	char states[96];		/* "REJ:1 SF:2" */
};

static const struct diff_opts *sort_opts;	/* for qsort's comparators */

static int cmp_key(const struct dflow *a, const struct dflow *b)
{
	const struct diff_opts *o = sort_opts;
	int c;

	if ((c = strcmp(a->proto, b->proto)))
		return c;
	if (!o->ignore_resp_h && (c = strcmp(a->resp_h, b->resp_h)))
		return c;
	if (a->resp_p != b->resp_p)
		return a->resp_p < b->resp_p ? -1 : 1;
	return o->ignore_orig_h ? 0 : strcmp(a->orig_h, b->orig_h);
}

static int cmp_flow(const void *pa, const void *pb)
{
	const struct dflow *a = pa, *b = pb;
	int c = cmp_key(a, b);

	return c ? c : strcmp(a->conn_state, b->conn_state);
}

/* s's flows (sorted) folded into groups (*out, malloc'd); how many, or
 * -1 when memory was short. */
static long groups(const struct dside *s, struct dgroup **out)
{
	struct dgroup *g = calloc(s->n ? s->n : 1, sizeof(*g));
	long m = -1;

	if (!(*out = g))
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		const struct dflow *f = &s->f[i];
		size_t len;

		if (m < 0 || cmp_key(g[m].f, f)) {
			g[++m].f = f;
		} else if (!strcmp(f->conn_state, f[-1].conn_state)) {
			/* one more of the same state: rewrite its count */
			char *colon = strrchr(g[m].states, ':');

			g[m].n++;
			for (int v = 0; v < DIFF_NVAL; v++)
				g[m].val[v] += f->val[v];
			snprintf(colon + 1, sizeof(g[m].states) -
				 (size_t)(colon + 1 - g[m].states), "%ld",
				 atol(colon + 1) + 1);
			continue;
		}
		g[m].n++;
		for (int v = 0; v < DIFF_NVAL; v++)
			g[m].val[v] += f->val[v];
		len = strlen(g[m].states);
		snprintf(g[m].states + len, sizeof(g[m].states) - len, "%s%s:1",
			 len ? " " : "", f->conn_state[0] ? f->conn_state : "-");
	}
	return m + 1;
}

static struct dkey service_key(const struct dflow *f,
			       const struct diff_opts *o)
{
	return (struct dkey){ DOBJ_SERVICE, f->proto,
			      o->ignore_orig_h ? NULL : f->orig_h,
			      o->ignore_resp_h ? NULL : f->resp_h, NULL,
			      f->resp_p };
}

/* A service's fields as text after its key ("+tcp 10.0.0.1 >
 * 10.0.0.2:80  flows 1  conn_state SF:1", "~... flows 1 -> 2"), or as
 * JSON; how many lines. */
static long service_out(FILE *out, char sign, const struct dflow *f,
			const struct dfield *fv, int n,
			const struct diff_opts *o)
{
	struct dkey k = service_key(f, o);

	if (o->json)
		return diff_json(out, sign, &k, fv, n);
	fprintf(out, "%c%s %s > %s:%" PRId64, sign, f->proto,
		k.orig_h ? k.orig_h : "*", k.resp_h ? k.resp_h : "*",
		f->resp_p);
	for (int i = 0; i < n; i++) {
		const struct dfield *x = &fv[i];
		int side = sign == '+';

		fprintf(out, "  %s ", x->name);
		if (x->sa)
			fprintf(out, "%s", side ? x->sb : x->sa);
		else
			fprintf(out, "%" PRId64, side ? x->b : x->a);
		if (sign == '~' && x->sa)
			fprintf(out, " -> %s", x->sb);
		else if (sign == '~')
			fprintf(out, " -> %" PRId64, x->b);
	}
	fputc('\n', out);
	return 1;
}

/* One key on both sides: its fields that differ; how many lines were
 * written. */
static long changed(FILE *out, const struct dgroup *a, const struct dgroup *b,
		    const struct diff_opts *o)
{
	struct dfield f[2 + DIFF_NVAL];
	int n = 0;

	if (diff_moved(a->n, b->n, o->tol[DIFF_TOL_FLOWS]))
		f[n++] = (struct dfield){ "flows", a->n, b->n, NULL, NULL,
					  o->tol[DIFF_TOL_FLOWS] };
	if (!o->ignore_states && strcmp(a->states, b->states))
		f[n++] = (struct dfield){ "conn_state", 0, 0, a->states,
					  b->states, -1 };
	for (int v = 0; v < DIFF_NVAL; v++)
		if (!o->ignore_val[v] && diff_moved(a->val[v], b->val[v],
						    o->tol[v]))
			f[n++] = (struct dfield){ diff_tol_names[v], a->val[v],
						  b->val[v], NULL, NULL,
						  o->tol[v] };
	return n ? service_out(out, '~', b->f, f, n, o) : 0;
}

/* A key on one side only: its flow count and conn_state mix. */
static long whole(FILE *out, char sign, const struct dgroup *g,
		  const struct diff_opts *o)
{
	struct dfield f[2] = {
		{ "flows", g->n, g->n, NULL, NULL, -1 },
		{ "conn_state", 0, 0, g->states, g->states, -1 },
	};

	return service_out(out, sign, g->f, f, 2, o);
}

/* The flows' keys of both sides, walked together. */
static long diff_flows(FILE *out, const struct dgroup *a, long na,
		       const struct dgroup *b, long nb,
		       const struct diff_opts *o)
{
	long i = 0, j = 0, lines = 0;

	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : cmp_key(a[i].f, b[j].f);

		if (c < 0)
			lines += whole(out, '-', &a[i++], o);
		else if (c > 0)
			lines += whole(out, '+', &b[j++], o);
		else
			lines += changed(out, &a[i++], &b[j++], o);
	}
	return lines;
}

/* ---- ports ----------------------------------------------------------------- */

/* A responder port and its state, as the ports report folds it. */
struct dport {
	char proto[12];
	int64_t port;
	uint8_t state;
	int64_t state_ns;
};

static int cmp_port(const void *pa, const void *pb)
{
	const struct dport *a = pa, *b = pb;
	int c = strcmp(a->proto, b->proto);

	return c ? c : a->port < b->port ? -1 : a->port > b->port;
}

/* s's responder ports with their states (*out, malloc'd, sorted); how
 * many, or -1 when memory was short. */
static long ports(const struct dside *s, struct dport **out)
{
	struct dport *p = calloc(s->n ? s->n : 1, sizeof(*p));
	long m = 0;

	if (!(*out = p))
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		if (s->f[i].resp_p < 0)
			continue;	/* ICMP and others: no port */
		snprintf(p[m].proto, sizeof(p[m].proto), "%s", s->f[i].proto);
		p[m].port = s->f[i].resp_p;
		p[m].state_ns = s->f[i].first_ns;
		p[m++].state = (uint8_t)s->f[i].port_state;
	}
	qsort(p, (size_t)m, sizeof(*p), cmp_port);
	long k = -1;
	for (long i = 0; i < m; i++) {
		if (k < 0 || cmp_port(&p[k], &p[i])) {
			p[++k] = p[i];
			continue;
		}
		rep_port_verdict(&p[k].state, &p[k].state_ns, p[i].state,
				 p[i].state_ns);
	}
	return k + 1;
}

/* "-port tcp/80  open", "~port tcp/80  closed -> open", or as JSON. */
static void port_line(FILE *out, char sign, const struct dport *p,
		      const struct dport *to, int json)
{
	const char *sa = rep_port_state_name(p->state);
	const char *sb = to ? rep_port_state_name(to->state) : sa;
	struct dkey k = { DOBJ_PORT, p->proto, NULL, NULL, NULL, p->port };
	struct dfield f = { "state", 0, 0, sa, sb, -1 };

	if (json) {
		diff_json(out, sign, &k, &f, 1);
		return;
	}
	fprintf(out, "%cport %s/%" PRId64 "  %s", sign, p->proto, p->port, sa);
	if (to)
		fprintf(out, " -> %s", sb);
	fputc('\n', out);
}

static long diff_ports(FILE *out, const struct dport *a, long na,
		       const struct dport *b, long nb, int json)
{
	long i = 0, j = 0, lines = 0;

	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : cmp_port(&a[i], &b[j]);

		if (c < 0) {
			port_line(out, '-', &a[i++], NULL, json);
		} else if (c > 0) {
			port_line(out, '+', &b[j++], NULL, json);
		} else {
			if (a[i].state == b[j].state) {
				i++, j++;
				continue;
			}
			port_line(out, '~', &a[i++], &b[j++], json);
		}
		lines++;
	}
	return lines;
}

/* ---- both --------------------------------------------------------------------- */

long diff_write(FILE *out, struct dside *b, struct dside *c,
		const struct diff_opts *o)
{
	struct dgroup *gb = NULL, *gc = NULL;
	struct dport *pb = NULL, *pc = NULL;
	long nb, nc, mb = 0, mc = 0, lines = -1;
	char *text = NULL;
	size_t len;
	struct memfile m;
	FILE *body = memfile_open(&m) == 0 ? m.f : NULL;

	for (size_t i = 0; o->map && i < b->n; i++) {
		diff_map_apply(o->map, b->f[i].orig_h, sizeof(b->f[i].orig_h));
		diff_map_apply(o->map, b->f[i].resp_h, sizeof(b->f[i].resp_h));
	}
	sort_opts = o;
	qsort(b->f, b->n, sizeof(*b->f), cmp_flow);
	qsort(c->f, c->n, sizeof(*c->f), cmp_flow);
	if (body && (nb = groups(b, &gb)) >= 0 && (nc = groups(c, &gc)) >= 0 &&
	    (o->ignore_ports || ((mb = ports(b, &pb)) >= 0 &&
				 (mc = ports(c, &pc)) >= 0))) {
		lines = diff_flows(body, gb, nb, gc, nc, o);
		lines += diff_ports(body, pb, mb, pc, mc, o->json);
		if (!o->ignore_procs) {
			long np = diff_procs(body, b, c, o);

			lines = np < 0 ? -1 : lines + np;
		}
	}
	if (body && (text = memfile_close(&m, &len)) && lines > 0 && o->json)
		fputs(text, out);
	else if (text && lines > 0)
		fprintf(out, "--- %s\n+++ %s\n%s", b->path, c->path, text);
	free(text);
	free(gb);
	free(gc);
	free(pb);
	free(pc);
	return lines;
}
