/*
 * report.c - collecting and ordering report rows (see report.h).
 *
 * Flows are kept in fixed-size chunks (no large reallocations, stable
 * addresses for the sort).  Ports are folded as flows end: totals per
 * (protocol, port), and for the distinct client and server counts every
 * (port, role, address) seen is appended to an array that is sorted and
 * deduplicated whenever it fills up (and once at the end).  Appending is
 * sequential and sorting is a radix sort, so the cost does not depend on
 * what addresses strangers choose; memory stays near twice the number of
 * distinct entries.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/sort.h"
#include "report.h"

#define CHUNK 65536


/* An IPv6 (port, role, address) entry; IPv4 ones are packed in a uint64. */
struct addr_key {
	uint8_t addr[16];
	uint16_t port;
	uint8_t pi;
	uint8_t role;		/* 0 client (orig_h), 1 server (resp_h) */
};

/* A growing array of entries, compacted (sorted, deduplicated) when full. */
struct distinct {
	uint64_t *v4;		/* pi << 49 | role << 48 | port << 32 | addr */
	size_t n4, cap4;
	int compact4;		/* the last compaction removed >= 1/4 */
	struct addr_key *v6;
	size_t n6, cap6;
};

struct report {
	enum rep_kind kind;
	enum rep_fmt fmt;
	struct attr *attr;
	int nomem;
	uint64_t n;			/* flows taken */
	struct rep_flow **chunks;	/* flows mode */
	size_t nchunks;
	uint32_t *port_idx[PI_NUM];	/* ports mode: port -> ports[] + 1 */
	struct rep_port *ports;
	size_t nports, ports_cap;
	struct distinct d;
	struct rep_procs *procs;	/* procs mode */
};

struct report *report_new(enum rep_kind kind, enum rep_fmt fmt,
			  struct attr *a)
{
	struct report *r = calloc(1, sizeof(*r));

	if (r) {
		r->kind = kind;
		r->fmt = fmt;
		r->attr = a;
		r->d.compact4 = 1;
		if (kind == REP_PROCS && !(r->procs = rep_procs_new())) {
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
	for (int i = 0; i < PI_NUM; i++)
		free(r->port_idx[i]);
	free(r->ports);
	free(r->d.v4);
	free(r->d.v6);
	rep_procs_free(r->procs);
	free(r);
}

uint64_t report_flows(const struct report *r)
{
	return r->n;
}

static int keep_flow(struct report *r, const struct ft_view *v,
		     const struct attr_end *end)
{
	size_t c = r->n / CHUNK;

	if (c == r->nchunks) {
		struct rep_flow **nc = realloc(r->chunks,
					       (c + 1) * sizeof(*nc));
		if (!nc)
			return -1;
		r->chunks = nc;
		nc[c] = malloc(CHUNK * sizeof(struct rep_flow));
		if (!nc[c])
			return -1;
		r->nchunks++;
	}
	struct rep_flow *f = &r->chunks[c][r->n % CHUNK];
	f->v = *v;
	f->end[0] = end[0];
	f->end[1] = end[1];
	return 0;
}

/* ---- ports ------------------------------------------------------------- */

static struct rep_port *port_get(struct report *r, uint8_t proto, int pi,
				 uint16_t port)
{
	uint32_t *idx = r->port_idx[pi];

	if (!idx) {
		idx = r->port_idx[pi] = calloc(65536, sizeof(uint32_t));
		if (!idx)
			return NULL;
	}
	if (idx[port])
		return &r->ports[idx[port] - 1];
	if (r->nports == r->ports_cap) {
		size_t cap = r->ports_cap ? 2 * r->ports_cap : 256;
		struct rep_port *np = realloc(r->ports, cap * sizeof(*np));

		if (!np)
			return NULL;
		r->ports = np;
		r->ports_cap = cap;
	}
	struct rep_port *p = &r->ports[r->nports];
	rep_port_init(p, proto, port);
	idx[port] = (uint32_t)++r->nports;
	return p;
}

static int cmp_key6(const void *a, const void *b)
{
	const struct addr_key *x = a, *y = b;

	if (x->pi != y->pi)
		return x->pi < y->pi ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->role != y->role)
		return x->role < y->role ? -1 : 1;
	return memcmp(x->addr, y->addr, 16);
}

static size_t sort_unique6(struct addr_key *a, size_t n)
{
	size_t m = 0;

	qsort(a, n, sizeof(*a), cmp_key6);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || cmp_key6(&a[i], &a[m - 1]))
			a[m++] = a[i];
	return m;
}

/* Make room for one more entry: compact, and grow if still half full.
 * When the last compaction found few duplicates, just grow: sorting again
 * would cost more than the memory it saves. */
static int room64(struct distinct *d)
{
	if (d->n4 < d->cap4)
		return 0;
	if (d->n4 && d->compact4) {
		uint64_t *tmp = malloc(d->n4 * sizeof(*tmp));

		if (!tmp)
			return -1;
		size_t before = d->n4;

		d->n4 = sort_unique_u64(d->v4, d->n4, tmp);
		free(tmp);
		d->compact4 = d->n4 <= before - before / 4;
	}
	if (2 * d->n4 >= d->cap4) {
		size_t cap = d->cap4 ? 2 * d->cap4 : 65536;
		uint64_t *nv = realloc(d->v4, cap * sizeof(*nv));

		if (!nv)
			return -1;
		d->v4 = nv;
		d->cap4 = cap;
	}
	return 0;
}

static int room6(struct distinct *d)
{
	if (d->n6 < d->cap6)
		return 0;
	d->n6 = d->n6 ? sort_unique6(d->v6, d->n6) : 0;
	if (2 * d->n6 >= d->cap6) {
		size_t cap = d->cap6 ? 2 * d->cap6 : 4096;
		struct addr_key *nv = realloc(d->v6, cap * sizeof(*nv));

		if (!nv)
			return -1;
		d->v6 = nv;
		d->cap6 = cap;
	}
	return 0;
}

static int distinct_add(struct distinct *d, int pi, uint16_t port, int role,
			const uint8_t *addr, int v6)
{
	if (!v6) {
		if (room64(d) < 0)
			return -1;
		d->v4[d->n4++] = (uint64_t)pi << 49 | (uint64_t)role << 48 |
				 (uint64_t)port << 32 |
				 (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
				 (uint32_t)addr[2] << 8 | addr[3];
		return 0;
	}
	if (room6(d) < 0)
		return -1;
	struct addr_key *k = &d->v6[d->n6++];
	memcpy(k->addr, addr, 16);
	k->port = port;
	k->pi = (uint8_t)pi;
	k->role = (uint8_t)role;
	return 0;
}

/* Final counts: each sorted, unique entry is one client or server. */
static int distinct_count(struct report *r)
{
	struct distinct *d = &r->d;
	uint64_t *tmp = malloc((d->n4 ? d->n4 : 1) * sizeof(*tmp));

	if (!tmp)
		return -1;
	d->n4 = sort_unique_u64(d->v4, d->n4, tmp);
	free(tmp);
	d->n6 = d->n6 ? sort_unique6(d->v6, d->n6) : 0;
	for (size_t i = 0; i < d->n4; i++) {
		int pi = (int)(d->v4[i] >> 49), role = (d->v4[i] >> 48) & 1;
		struct rep_port *p = &r->ports[r->port_idx[pi]
					       [(d->v4[i] >> 32) & 0xffff] - 1];
		*(role ? &p->servers : &p->clients) += 1;
	}
	for (size_t i = 0; i < d->n6; i++) {
		struct addr_key *k = &d->v6[i];
		struct rep_port *p = &r->ports[r->port_idx[k->pi][k->port] - 1];
		*(k->role ? &p->servers : &p->clients) += 1;
	}
	return 0;
}

static int fold_port(struct report *r, const struct ft_view *v,
		     const struct attr_end *end)
{
	int pi = rep_port_index(v->key.proto);
	const uint8_t *oh = v->orig_is_a ? v->key.a : v->key.b;
	const uint8_t *rh = v->orig_is_a ? v->key.b : v->key.a;
	uint16_t rp = v->orig_is_a ? v->key.pb : v->key.pa;
	int v6 = v->key.flags & FT_K_V6;
	struct rep_port *p;

	if (pi < 0 || !(v->key.flags & FT_K_PORTS))
		return 0;	/* no ports: not in this report */
	p = port_get(r, v->key.proto, pi, rp);
	if (!p)
		return -1;
	rep_port_fold(p, v, end);

	if (distinct_add(&r->d, pi, rp, 0, oh, v6) < 0 ||
	    distinct_add(&r->d, pi, rp, 1, rh, v6) < 0)
		return -1;
	return 0;
}

void report_add(void *report, const struct ft_view *v)
{
	struct report *r = report;
	struct attr_end end[2];
	long rows[2];
	int rc;

	if (r->nomem)
		return;
	attr_flow(r->attr, v, end);
	rc = r->kind == REP_FLOWS ? keep_flow(r, v, end) :
	     r->kind == REP_PORTS ? fold_port(r, v, end) :
				    rep_procs_add(r->procs, v, end, rows);
	if (rc < 0)
		r->nomem = 1;
	else
		r->n++;
}

/* ---- ordering and writing ---------------------------------------------- */

void rep_ends(const struct ft_view *v, struct rep_ends *e)
{
	const struct ft_key *k = &v->key;
	int af = (k->flags & FT_K_V6) ? AF_INET6 : AF_INET;
	const uint8_t *oh = v->orig_is_a ? k->a : k->b;
	const uint8_t *rh = v->orig_is_a ? k->b : k->a;

	inet_ntop(af, oh, e->orig_h, sizeof(e->orig_h));
	inet_ntop(af, rh, e->resp_h, sizeof(e->resp_h));
	if (k->flags & FT_K_PORTS) {
		e->orig_p = v->orig_is_a ? k->pa : k->pb;
		e->resp_p = v->orig_is_a ? k->pb : k->pa;
	} else {
		e->orig_p = e->resp_p = -1;
	}
}

const char *rep_proto_name(uint8_t proto)
{
	switch (proto) {
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return "icmp6";
	case 132: return "sctp";
	default: return NULL;
	}
}

static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

/* first-packet time, then orig (address, port), resp, proto, VLAN, id */
static int cmp_flow(const void *pa, const void *pb)
{
	const struct ft_view *a = &(*(const struct rep_flow *const *)pa)->v;
	const struct ft_view *b = &(*(const struct rep_flow *const *)pb)->v;
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

static int cmp_port(const void *pa, const void *pb)
{
	const struct rep_port *a = *(const struct rep_port *const *)pa;
	const struct rep_port *b = *(const struct rep_port *const *)pb;

	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	return cmp_i64(a->port, b->port);
}

/* Live: ports listened on get a row even without flows (an unexpected
 * listener is worth seeing). */
static int add_listeners(struct report *r)
{
	struct attr_listener *l = NULL;
	size_t cap = 0;
	long n = rep_listeners(r->attr, &l, &cap);

	for (long i = 0; i < n; i++) {
		int pi = rep_port_index(l[i].proto);
		struct rep_port *p;

		if (pi < 0)
			continue;
		if (!(p = port_get(r, l[i].proto, pi, l[i].port))) {
			n = -1;
			break;
		}
		rep_port_listen(p, &l[i]);
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

int report_write(struct report *r, FILE *out)
{
	long nprocs = r->kind == REP_PROCS ? rep_procs_finish(r->procs) : 0;
	uint64_t n;
	void **rows;
	int rc;

	if (r->nomem || (r->kind == REP_PORTS && (add_listeners(r) < 0 ||
						  distinct_count(r) < 0)) ||
	    nprocs < 0) {
		errno = ENOMEM;
		return -1;
	}
	n = r->kind == REP_FLOWS ? r->n :
	    r->kind == REP_PORTS ? r->nports : (uint64_t)nprocs;
	rows = malloc((n ? n : 1) * sizeof(*rows));
	if (!rows)
		return -1;
	for (uint64_t i = 0; i < n; i++)
		rows[i] = r->kind == REP_FLOWS ?
				  (void *)&r->chunks[i / CHUNK][i % CHUNK] :
			  r->kind == REP_PORTS ? (void *)&r->ports[i] :
				 (void *)rep_procs_row(r->procs, (long)i);
	if (n)
		qsort(rows, n, sizeof(*rows),
		      r->kind == REP_FLOWS ? cmp_flow :
		      r->kind == REP_PORTS ? cmp_port : cmp_proc);
	if (r->kind == REP_FLOWS)
		rc = rep_write_flows(out, r->fmt,
				     (const struct rep_flow *const *)rows, n);
	else if (r->kind == REP_PORTS)
		rc = rep_write_ports(out, r->fmt,
				     (const struct rep_port *const *)rows, n);
	else
		rc = rep_write_procs(out, r->fmt,
				     (const struct rep_proc *const *)rows, n);
	free(rows);
	if (rc == 0 && fflush(out) != 0)
		rc = -1;
	return rc;
}
