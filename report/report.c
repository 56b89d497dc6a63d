/*
 * report.c - collecting and ordering report rows (see report.h).
 *
 * A streamed flows report (report_stream) holds its reorder window as
 * sorted runs: when it is full, what came since the last time is sorted
 * (qsort on the start times beside the records: cache-friendly, unlike a
 * heap, which cost 10 % of a run in cache misses) and merged with what
 * was kept, and the first half goes out.
 * Otherwise flows are kept in fixed-size chunks (no large reallocations,
 * stable addresses for the sort).  Ports are folded as flows end by the
 * per-responder table (ports.h), processes by the process table
 * (procs.h).  A display filter (-Y) drops flows as they come, and port
 * and process rows when they are written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "report.h"

#define CHUNK 65536


/* A held flow: its first-packet time beside the record, so that sorting
 * and merging compare within the array and read a record only on a tie. */
struct hent {
	int64_t first_ns;
	struct flow_rec *rec;
};

/* The reorder window of a streamed flows report: held[0..sorted) in
 * order, held[sorted..n) as they came. */
struct window {
	struct flow_rec *slot;	/* cap records */
	struct flow_rec **free;	/* the records not held */
	uint32_t nfree;
	struct hent *held, *tmp;	/* cap each */
	uint32_t n, sorted, cap;
	struct rep_out out;
	struct ft_view last;	/* the last row written in order (wrote) */
	int wrote;
	int err;		/* errno of a failed write; then no more */
	uint64_t late;
};

struct report {
	enum rep_kind kind;
	enum rep_fmt fmt;
	struct attr *attr;
	int nomem;
	uint64_t n;			/* flows taken */
	struct flow_rec **chunks;	/* flows mode */
	size_t nchunks;
	struct ports *ports;		/* ports and services modes */
	struct rep_procs *procs;	/* procs mode */
	const struct rep_filter *filter;	/* -Y; NULL: every row */
	struct window *win;		/* streamed (report_stream) */
};

struct report *report_new(enum rep_kind kind, enum rep_fmt fmt,
			  struct attr *a)
{
	struct report *r = calloc(1, sizeof(*r));

	if (r) {
		r->kind = kind;
		r->fmt = fmt;
		r->attr = a;
		if ((kind == REP_PROCS && !(r->procs = rep_procs_new())) ||
		    ((kind == REP_PORTS || kind == REP_SERVICES) &&
		     !(r->ports = ports_new(&(struct ports_config){
			     .no_service_rows = kind == REP_PORTS,
			     .defer_distinct = true })))) {
			free(r);
			return NULL;
		}
	}
	return r;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nchunks; i++)
		free(r->chunks[i]);
	free(r->chunks);
	if (r->win) {
		free(r->win->slot);
		free(r->win->free);
		free(r->win->held);
		free(r->win->tmp);
		free(r->win);
	}
	ports_free(r->ports);
	rep_procs_free(r->procs);
	free(r);
}

void report_filter(struct report *r, const struct rep_filter *f)
{
	r->filter = f;
}

uint64_t report_flows(const struct report *r)
{
	return r->n;
}

static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

/* first-packet time, then orig (address, port), resp, proto, VLAN, id */
static int cmp_view(const struct ft_view *a, const struct ft_view *b)
{
	int c;

	if ((c = cmp_i64(a->first_ns, b->first_ns)))
		return c;
	const uint8_t *ao = a->orig_is_a ? a->key.a : a->key.b;
	const uint8_t *bo = b->orig_is_a ? b->key.a : b->key.b;
	const uint8_t *ar = a->orig_is_a ? a->key.b : a->key.a;
	const uint8_t *br = b->orig_is_a ? b->key.b : b->key.a;
	if ((c = memcmp(ao, bo, 16)))
		return c;
	if ((c = cmp_i64(a->orig_is_a ? a->key.pa : a->key.pb,
			 b->orig_is_a ? b->key.pa : b->key.pb)))
		return c;
	if ((c = memcmp(ar, br, 16)))
		return c;
	if ((c = cmp_i64(a->orig_is_a ? a->key.pb : a->key.pa,
			 b->orig_is_a ? b->key.pb : b->key.pa)))
		return c;
	if ((c = cmp_i64(a->key.proto, b->key.proto)))
		return c;
	if ((c = cmp_i64(a->key.vlan, b->key.vlan)))
		return c;
	return cmp_i64((int64_t)a->id, (int64_t)b->id);
}

static int cmp_flow(const void *pa, const void *pb)
{
	return cmp_view(&(*(const struct flow_rec *const *)pa)->v,
			&(*(const struct flow_rec *const *)pb)->v);
}

/* ---- the reorder window ------------------------------------------------ */

int report_stream(struct report *r, FILE *out, uint32_t window)
{
	struct window *w;

	if (r->kind != REP_FLOWS || r->win || window == 1) {
		errno = EINVAL;
		return -1;
	}
	if (!(w = calloc(1, sizeof(*w))))
		return -1;
	w->cap = window;
	r->win = w;	/* report_free frees what was had */
	if (window && (!(w->slot = malloc(window * sizeof(*w->slot))) ||
		       !(w->free = malloc(window * sizeof(*w->free))) ||
		       !(w->held = malloc(window * sizeof(*w->held))) ||
		       !(w->tmp = malloc(window * sizeof(*w->tmp)))))
		return -1;
	for (uint32_t i = 0; i < window; i++)
		w->free[i] = &w->slot[window - 1 - i];
	w->nfree = window;
	rep_out_init(&w->out, out, r->kind, r->fmt);
	return 0;
}

uint64_t report_late(const struct report *r)
{
	return r->win ? r->win->late : 0;
}

static int cmp_hent(const void *pa, const void *pb)
{
	const struct hent *a = pa, *b = pb;

	if (a->first_ns != b->first_ns)
		return a->first_ns < b->first_ns ? -1 : 1;
	return cmp_view(&a->rec->v, &b->rec->v);
}

/* Write f, the next row; the text widths come from the rows held when
 * the first row goes out. */
static void emit(struct window *w, const struct flow_rec *f)
{
	if (w->err)
		return;
	if (!w->wrote) {	/* f is held too, unless the window is 0 */
		for (uint32_t i = 0; i < w->n; i++)
			rep_out_fit(&w->out, w->held[i].rec);
		rep_out_fit(&w->out, f);
	}
	if (rep_out_row(&w->out, f) < 0)
		w->err = errno ? errno : EIO;
	if (w->cap && w->wrote && cmp_view(&f->v, &w->last) < 0) {
		w->late++;	/* it outlived the window */
	} else {
		w->last = f->v;
		w->wrote = 1;
	}
}

/* A held row was copied in long before it goes out, so it is out of
 * cache (waiting for its lines was 5 % of a flows report): the loop below
 * asks for the rows WIN_AHEAD ahead of the one it writes. */
#define WIN_AHEAD 4
static void rec_prefetch(const struct flow_rec *f)
{
	for (size_t o = 0; o < sizeof(*f); o += 64)
		__builtin_prefetch((const char *)f + o);
}

/* Sort what came since the last time, merge it with what was kept, and
 * write the first k of the window. */
static void win_flush(struct window *w, uint32_t k)
{
	struct hent *a = w->held, *b = w->held + w->sorted;
	struct hent *ae = b, *be = w->held + w->n, *t = w->tmp;

	qsort(b, (size_t)(be - b), sizeof(*b), cmp_hent);
	while (a < ae && b < be)
		*t++ = cmp_hent(a, b) <= 0 ? *a++ : *b++;
	while (a < ae)
		*t++ = *a++;
	while (b < be)
		*t++ = *b++;
	for (uint32_t i = 0; i < k; i++) {
		if (i + WIN_AHEAD < k)
			rec_prefetch(w->tmp[i + WIN_AHEAD].rec);
		emit(w, w->tmp[i].rec);
		w->free[w->nfree++] = w->tmp[i].rec;
	}
	w->n -= k;
	w->sorted = w->n;
	memcpy(w->held, w->tmp + k, w->n * sizeof(*w->held));
}

/* f into the window; when it is full, its first half in order goes
 * out: a flow written in order has ended before at least cap / 2 flows
 * that started after it. */
static void win_add(struct window *w, const struct flow_rec *f)
{
	struct flow_rec *rec;

	if (!w->cap) {
		emit(w, f);
		return;
	}
	rec = w->free[--w->nfree];
	*rec = *f;
	w->held[w->n++] = (struct hent){ f->v.first_ns, rec };
	if (w->n == w->cap)
		win_flush(w, w->cap / 2);
}

/* The end of the input: the window's rows in order, then the end. */
static int win_finish(struct window *w)
{
	if (w->n)
		win_flush(w, w->n);
	if (!w->err && rep_out_end(&w->out) < 0)
		w->err = errno ? errno : EIO;
	if (!w->err && fflush(w->out.out) != 0)
		w->err = errno ? errno : EIO;
	if (w->err)
		errno = w->err;
	return w->err ? -1 : 0;
}

static int keep_flow(struct report *r, const struct flow_rec *in)
{
	size_t c = r->n / CHUNK;

	if (c == r->nchunks) {
		struct flow_rec **nc = realloc(r->chunks,
					       (c + 1) * sizeof(*nc));
		if (!nc)
			return -1;
		r->chunks = nc;
		nc[c] = malloc(CHUNK * sizeof(struct flow_rec));
		if (!nc[c])
			return -1;
		r->nchunks++;
	}
	r->chunks[c][r->n % CHUNK] = *in;
	return 0;
}

/* A flow into its port's rows: -1 when memory was short. */
static int fold_port(struct report *r, const struct flow_rec *f)
{
	struct ports_stats st;

	if (ports_add(r->ports, &f->v, f->end))
		return 0;
	ports_get_stats(r->ports, &st);
	return st.nomem ? -1 : 0;	/* else a flow without ports */
}

void report_add(void *report, const struct flow_rec *f)
{
	struct report *r = report;
	long rows[2];
	int rc;

	if (r->nomem)
		return;
	/* a flow the filter drops costs nothing; ports and processes are
	 * filtered as rows, at the end */
	if (r->kind == REP_FLOWS && !rep_filter_match(r->filter, f))
		return;
	if (r->win) {
		win_add(r->win, f);
		r->n++;
		return;
	}
	rc = r->kind == REP_FLOWS ? keep_flow(r, f) :
	     r->kind == REP_PORTS || r->kind == REP_SERVICES ? fold_port(r, f) :
				    rep_procs_add(r->procs, &f->v, f->end, rows);
	if (rc < 0)
		r->nomem = 1;
	else
		r->n++;
}

struct consumer report_consumer(struct report *r)
{
	/* port, service and process rows have no names; flows written
	 * as they come out of the reorder window cost a row each */
	return (struct consumer){ .name = "report", .arg = r,
				  .flags = CONSUMER_BEHIND |
					   (r->kind == REP_FLOWS ? 0 :
					    CONSUMER_NO_NAMES) |
					   (r->win ? CONSUMER_HEAVY : 0),
				  .flow = report_add };
}

/* ---- ordering and writing ---------------------------------------------- */

static int cmp_port(const void *pa, const void *pb)
{
	const struct port_row *a = *(const struct port_row *const *)pa;
	const struct port_row *b = *(const struct port_row *const *)pb;

	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	return cmp_i64(a->port, b->port);
}

/* protocol, port, then the address (IPv4 first) */
static int cmp_service(const void *pa, const void *pb)
{
	const struct port_row *a = *(const struct port_row *const *)pa;
	const struct port_row *b = *(const struct port_row *const *)pb;
	int c = cmp_port(pa, pb);

	if (c || (c = cmp_i64(a->ipv, b->ipv)))
		return c;
	return memcmp(a->addr, b->addr, 16);
}

/* Live: ports listened on get a row even without flows (an unexpected
 * listener is worth seeing). */
static int add_listeners(struct report *r)
{
	struct attr_listener *l = NULL;
	size_t cap = 0;
	long n = rep_listeners(r->attr, &l, &cap);

	for (long i = 0; i < n; i++)
		if (ports_listen(r->ports, &l[i]) < 0) {
			n = -1;
			break;
		}
	free(l);
	return n < 0 ? -1 : 0;
}

static int cmp_proc(const void *pa, const void *pb)
{
	const struct rep_proc *a = *(const struct rep_proc *const *)pa;
	const struct rep_proc *b = *(const struct rep_proc *const *)pb;

	return cmp_i64(a->who.pid, b->who.pid);
}

/* The report's rows before filtering: how many, and the i-th. */
static uint64_t nrows(const struct report *r, long nprocs)
{
	switch (r->kind) {
	case REP_FLOWS:
		return r->n;
	case REP_PORTS:
		return ports_nports(r->ports);
	case REP_SERVICES:
		return ports_nservices(r->ports);
	default:
		return (uint64_t)nprocs;
	}
}

static void *row_at(const struct report *r, uint64_t i)
{
	switch (r->kind) {
	case REP_FLOWS:
		return &r->chunks[i / CHUNK][i % CHUNK];
	case REP_PORTS:
		return (void *)ports_port(r->ports, (size_t)i);
	case REP_SERVICES:
		return (void *)ports_service(r->ports, (size_t)i);
	default:
		return (void *)rep_procs_row(r->procs, (long)i);
	}
}

long report_rows(struct report *r, const void ***out)
{
	static int (*const cmp[])(const void *, const void *) = {
		[REP_FLOWS] = cmp_flow, [REP_PORTS] = cmp_port,
		[REP_PROCS] = cmp_proc, [REP_SERVICES] = cmp_service };
	long nprocs = r->kind == REP_PROCS ? rep_procs_finish(r->procs) : 0;
	uint64_t all, n = 0;
	void **rows;

	if (r->win) {
		errno = EINVAL;	/* its rows are gone */
		return -1;
	}
	if (r->nomem || (r->kind == REP_PORTS && add_listeners(r) < 0) ||
	    nprocs < 0) {
		errno = ENOMEM;
		return -1;
	}
	if (r->ports)
		ports_settle(r->ports);	/* distinct clients and servers */
	all = nrows(r, nprocs);
	rows = malloc((all ? all : 1) * sizeof(*rows));
	if (!rows)
		return -1;
	for (uint64_t i = 0; i < all; i++) {
		void *row = row_at(r, i);

		/* flows were filtered as they came */
		if (r->kind == REP_FLOWS || rep_filter_match(r->filter, row))
			rows[n++] = row;
	}
	if (n)
		qsort(rows, n, sizeof(*rows), cmp[r->kind]);
	*out = (const void **)rows;
	return (long)n;
}

int report_write(struct report *r, FILE *out)
{
	const void **rows;
	long n;
	int rc;

	if (r->win)
		return win_finish(r->win);
	if ((n = report_rows(r, &rows)) < 0)
		return -1;
	rc = rep_write(out, r->kind, r->fmt, (const void *const *)rows,
		       (uint64_t)n);
	free(rows);
	if (rc == 0 && fflush(out) != 0)
		rc = -1;
	return rc;
}
