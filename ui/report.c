/*
 * report.c - collecting and ordering report rows (see report.h).
 *
 * Flows are kept in fixed-size chunks (no large reallocations, stable
 * addresses for the sort).  Ports are folded as flows end: totals per
 * (protocol, port) and an exact set of (port, role, address) to count
 * distinct clients and servers; the set is keyed with the run's SipHash
 * key like the flow table, since its contents are chosen by strangers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../decode/dec_hash.h"
#include "report.h"

#define CHUNK 65536

enum { PI_TCP, PI_UDP, PI_SCTP, PI_NUM };

struct addr_key {		/* hashed as bytes: no padding */
	uint8_t addr[16];
	uint16_t port;
	uint8_t pi;
	uint8_t role;		/* 0 client (orig_h), 1 server (resp_h) */
	uint8_t v6;
	uint8_t pad[3];
};

struct report {
	enum rep_kind kind;
	enum rep_fmt fmt;
	int nomem;
	uint64_t n;			/* flows taken */
	struct ft_view **chunks;	/* flows mode */
	size_t nchunks;
	uint32_t *port_idx[PI_NUM];	/* ports mode: port -> ports[] + 1 */
	struct rep_port *ports;
	size_t nports, ports_cap;
	struct addr_key *set;		/* open addressing, pi == 0xff empty */
	size_t set_cap, set_n;
};

struct report *report_new(enum rep_kind kind, enum rep_fmt fmt)
{
	struct report *r = calloc(1, sizeof(*r));

	if (r) {
		r->kind = kind;
		r->fmt = fmt;
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
	free(r->set);
	free(r);
}

uint64_t report_flows(const struct report *r)
{
	return r->n;
}

static int keep_flow(struct report *r, const struct ft_view *v)
{
	size_t c = r->n / CHUNK;

	if (c == r->nchunks) {
		struct ft_view **nc = realloc(r->chunks,
					      (c + 1) * sizeof(*nc));
		if (!nc)
			return -1;
		r->chunks = nc;
		nc[c] = malloc(CHUNK * sizeof(struct ft_view));
		if (!nc[c])
			return -1;
		r->nchunks++;
	}
	r->chunks[c][r->n % CHUNK] = *v;
	return 0;
}

/* ---- ports ------------------------------------------------------------- */

static int proto_index(uint8_t proto)
{
	return proto == 6 ? PI_TCP : proto == 17 ? PI_UDP :
	       proto == 132 ? PI_SCTP : -1;
}

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
	memset(p, 0, sizeof(*p));
	p->proto = proto;
	p->port = port;
	p->first_ns = INT64_MAX;
	p->last_ns = INT64_MIN;
	idx[port] = (uint32_t)++r->nports;
	return p;
}

static int set_grow(struct report *r)
{
	size_t cap = r->set_cap ? 2 * r->set_cap : 4096;
	struct addr_key *ns = malloc(cap * sizeof(*ns));

	if (!ns)
		return -1;
	memset(ns, 0xff, cap * sizeof(*ns));
	for (size_t i = 0; i < r->set_cap; i++) {
		if (r->set[i].pi == 0xff)
			continue;
		size_t j = dec_hash(&r->set[i], sizeof(r->set[i])) & (cap - 1);
		while (ns[j].pi != 0xff)
			j = (j + 1) & (cap - 1);
		ns[j] = r->set[i];
	}
	free(r->set);
	r->set = ns;
	r->set_cap = cap;
	return 0;
}

/* Add k to the distinct set: 1 if new, 0 if present, -1 out of memory. */
static int set_add(struct report *r, const struct addr_key *k)
{
	if (2 * (r->set_n + 1) > r->set_cap && set_grow(r) < 0)
		return -1;
	size_t j = dec_hash(k, sizeof(*k)) & (r->set_cap - 1);
	while (r->set[j].pi != 0xff) {
		if (memcmp(&r->set[j], k, sizeof(*k)) == 0)
			return 0;
		j = (j + 1) & (r->set_cap - 1);
	}
	r->set[j] = *k;
	r->set_n++;
	return 1;
}

static void add_counts(struct ft_counts *to, const struct ft_counts *c)
{
	to->pkts += c->pkts;
	to->wire_bytes += c->wire_bytes;
	to->ip_bytes += c->ip_bytes;
	to->bytes += c->bytes;
	to->frag_pkts += c->frag_pkts;
	to->frag_wire_bytes += c->frag_wire_bytes;
}

static int fold_port(struct report *r, const struct ft_view *v)
{
	int pi = proto_index(v->key.proto);
	const uint8_t *oh = v->orig_is_a ? v->key.a : v->key.b;
	const uint8_t *rh = v->orig_is_a ? v->key.b : v->key.a;
	uint16_t rp = v->orig_is_a ? v->key.pb : v->key.pa;
	struct addr_key k;
	struct rep_port *p;
	int cs = v->conn_state, n;

	if (pi < 0 || !(v->key.flags & FT_K_PORTS))
		return 0;	/* no ports: not in this report */
	p = port_get(r, v->key.proto, pi, rp);
	if (!p)
		return -1;
	p->conns++;
	/* Both sides reached the established state (or, for UDP, both
	 * sent): Zeek's S1, SF, S2, S3, RSTO, RSTR. */
	if (cs == FT_CS_S1 || cs == FT_CS_SF || cs == FT_CS_S2 ||
	    cs == FT_CS_S3 || cs == FT_CS_RSTO || cs == FT_CS_RSTR)
		p->established++;
	p->rejected += cs == FT_CS_REJ;
	p->unanswered += cs == FT_CS_S0;
	add_counts(&p->dir[0], &v->dir[0]);
	add_counts(&p->dir[1], &v->dir[1]);
	if (v->first_ns < p->first_ns)
		p->first_ns = v->first_ns;
	if (v->last_ns > p->last_ns)
		p->last_ns = v->last_ns;

	memset(&k, 0, sizeof(k));
	k.port = rp;
	k.pi = (uint8_t)pi;
	k.v6 = v->key.flags & FT_K_V6;
	memcpy(k.addr, oh, 16);
	if ((n = set_add(r, &k)) < 0)
		return -1;
	p->clients += (uint64_t)n;
	k.role = 1;
	memcpy(k.addr, rh, 16);
	if ((n = set_add(r, &k)) < 0)
		return -1;
	p->servers += (uint64_t)n;
	return 0;
}

void report_add(void *report, const struct ft_view *v)
{
	struct report *r = report;
	int rc;

	if (r->nomem)
		return;
	rc = r->kind == REP_FLOWS ? keep_flow(r, v) : fold_port(r, v);
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
	const struct ft_view *a = *(const struct ft_view *const *)pa;
	const struct ft_view *b = *(const struct ft_view *const *)pb;
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

int report_write(struct report *r, FILE *out)
{
	uint64_t n = r->kind == REP_FLOWS ? r->n : r->nports;
	void **rows;
	int rc;

	if (r->nomem) {
		errno = ENOMEM;
		return -1;
	}
	rows = malloc((n ? n : 1) * sizeof(*rows));
	if (!rows)
		return -1;
	for (uint64_t i = 0; i < n; i++)
		rows[i] = r->kind == REP_FLOWS ?
				  (void *)&r->chunks[i / CHUNK][i % CHUNK] :
				  (void *)&r->ports[i];
	qsort(rows, n, sizeof(*rows), r->kind == REP_FLOWS ? cmp_flow :
							     cmp_port);
	if (r->kind == REP_FLOWS)
		rc = rep_write_flows(out, r->fmt,
				     (const struct ft_view **)rows, n);
	else
		rc = rep_write_ports(out, r->fmt,
				     (const struct rep_port *const *)rows, n);
	free(rows);
	if (rc == 0 && fflush(out) != 0)
		rc = -1;
	return rc;
}
