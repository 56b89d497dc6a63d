/*
 * diff_procs.c - the processes and listeners of two sides (diff.h:
 * diff_procs), and the tolerance rule every number of a diff is judged
 * by (diff_moved).  Processes are keyed by name: pids and client ports
 * change from run to run, the programs do not.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "diff_int.h"

int diff_moved(int64_t a, int64_t b, double tol)
{
	int64_t d = a > b ? a - b : b - a, big = a > b ? a : b;

	return (double)d > tol * (double)big;
}

/* A process by name, with its flows: [0] originated, [1] answered; or a
 * listener: a responder port and the process owning that end. */
struct dproc {
	char comm[16];
	char proto[12];		/* listeners only */
	int64_t port;		/* listeners only; -1 for processes */
	int64_t n[2];
};

static int cmp_proc(const void *pa, const void *pb)
{
	const struct dproc *a = pa, *b = pb;
	int c;

	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if ((c = strcmp(a->proto, b->proto)))
		return c;
	return strcmp(a->comm, b->comm);
}

/* Sort p (n), fold equal keys (their counts added): how many are left. */
static long fold(struct dproc *p, long n)
{
	long k = -1;

	qsort(p, (size_t)n, sizeof(*p), cmp_proc);
	for (long i = 0; i < n; i++) {
		if (k >= 0 && !cmp_proc(&p[k], &p[i])) {
			p[k].n[0] += p[i].n[0];
			p[k].n[1] += p[i].n[1];
		} else {
			p[++k] = p[i];
		}
	}
	return k + 1;
}

/* s's processes (listen 0) or listeners (listen 1), folded (*out,
 * malloc'd); how many, or -1 when memory was short. */
static long entries(const struct dside *s, int listen, struct dproc **out)
{
	struct dproc *p = calloc(2 * s->n + 1, sizeof(*p));
	long m = 0;

	if (!(*out = p))
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		const struct dflow *f = &s->f[i];

		for (int end = listen; end < 2; end++) {
			const char *comm = end ? f->resp_comm : f->orig_comm;

			if (!comm[0] || (listen && f->resp_p < 0))
				continue;
			snprintf(p[m].comm, sizeof(p[m].comm), "%s", comm);
			if (listen)
				snprintf(p[m].proto, sizeof(p[m].proto), "%s",
					 f->proto);
			p[m].port = listen ? f->resp_p : -1;
			p[m++].n[end] = 1;
		}
	}
	return fold(p, m);
}

/* "-listener tcp/8081 python3", "+proc curl  out 1  in 0", "~proc curl
 * out 3 -> 4  in 0 -> 0" (both counts, either moved), or as JSON (f: the
 * counts that moved, n of them; for '~' only). */
static long line(FILE *out, char sign, const struct dproc *a,
		 const struct dproc *b, const struct dfield *f, int n,
		 int json)
{
	struct dkey k = { a->port >= 0 ? DOBJ_LISTENER : DOBJ_PROCESS,
			  a->port >= 0 ? a->proto : NULL, NULL, NULL, a->comm,
			  a->port };
	struct dfield whole[2] = {
		{ "orig_flows", a->n[0], a->n[0], NULL, NULL, -1 },
		{ "resp_flows", a->n[1], a->n[1], NULL, NULL, -1 },
	};

	if (json)
		return diff_json(out, sign, &k, sign == '~' ? f : whole,
				 sign == '~' ? n : a->port >= 0 ? 0 : 2);
	if (a->port >= 0) {
		fprintf(out, "%clistener %s/%" PRId64 " %s\n", sign, a->proto,
			a->port, a->comm);
		return 1;
	}
	fprintf(out, "%cproc %s", sign, a->comm);
	for (int i = 0; i < 2; i++) {
		fprintf(out, "  %s %" PRId64, i ? "in" : "out", a->n[i]);
		if (b)
			fprintf(out, " -> %" PRId64, b->n[i]);
	}
	fputc('\n', out);
	return 1;
}

/* A process on both sides: its counts that moved beyond their
 * tolerances, written; how many lines. */
static long moved(FILE *out, const struct dproc *a, const struct dproc *b,
		  const struct diff_opts *o)
{
	struct dfield f[2];
	int n = 0;

	for (int i = 0; i < 2; i++) {
		double tol = o->tol[DIFF_TOL_ORIG_FLOWS + i];

		if (diff_moved(a->n[i], b->n[i], tol))
			f[n++] = (struct dfield){ diff_tol_names[
				DIFF_TOL_ORIG_FLOWS + i], a->n[i], b->n[i],
				NULL, NULL, tol };
	}
	return n ? line(out, '~', a, b, f, n, o->json) : 0;
}

/* a (na) and b (nb) walked together; changed counts only for processes. */
static long walk(FILE *out, const struct dproc *a, long na,
		 const struct dproc *b, long nb, const struct diff_opts *o)
{
	long i = 0, j = 0, lines = 0;

	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : cmp_proc(&a[i], &b[j]);

		if (c < 0)
			lines += line(out, '-', &a[i++], NULL, NULL, 0, o->json);
		else if (c > 0)
			lines += line(out, '+', &b[j++], NULL, NULL, 0, o->json);
		else if (a[i].port < 0)
			lines += moved(out, &a[i++], &b[j++], o);
		else
			i++, j++;
	}
	return lines;
}

long diff_procs(FILE *out, const struct dside *b, const struct dside *c,
		const struct diff_opts *o)
{
	long lines = 0;

	for (int listen = 0; listen < 2 && lines >= 0; listen++) {
		struct dproc *pb = NULL, *pc = NULL;
		long nb = entries(b, listen, &pb);
		long nc = nb < 0 ? -1 : entries(c, listen, &pc);

		lines = nc < 0 ? -1 : lines + walk(out, pb, nb, pc, nc, o);
		free(pb);
		free(pc);
	}
	return lines;
}
