/*
 * ports.c - the per-responder table (see ports.h): port rows indexed by
 * (protocol, port), service rows in an open-addressing index keyed by
 * (protocol, address, port), and one set of the (protocol, port, role,
 * address) seen, for distinct clients and servers.
 *
 * The set and the service index are keyed with the run's secret hash
 * (lib/keyhash.h): the addresses are strangers' to choose.  The set's
 * entries remember whether an ended flow brought them (persist) or only
 * a live one, and in which refresh (tick), so that a view counts a live
 * flow's client once per refresh and an ended one once for good.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/grow.h"
#include "../lib/keyhash.h"
#include "names.h"
#include "ports.h"

#define DEF_SERVICES	65536u
#define DEF_DISTINCT	(1u << 22)

/* A (protocol, port, role, address) seen. */
struct seen {
	uint8_t addr[16];
	uint16_t port;
	uint8_t pi, role;	/* PI_*, 0 client (orig_h) / 1 server */
	uint8_t used, persist;	/* persist: an ended flow brought it */
	uint8_t pad[2];
	uint32_t tick;		/* the refresh that last counted it live */
};

struct ports {
	struct ports_config c;
	uint32_t *pidx[PI_NUM];		/* port -> rows + 1, made on use */
	struct port_row *rows;
	size_t nrows, cap_rows;
	/* services: rows and an index of row + 1 (0 empty) */
	struct port_row *svc;
	size_t nsvc, cap_svc;
	uint32_t *sidx;
	size_t sidx_cap;
	/* distinct */
	struct seen *set;
	size_t set_cap, set_n;
	uint32_t tick;
	struct ports_stats st;
};

struct ports *ports_new(const struct ports_config *c)
{
	struct ports *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (c)
		t->c = *c;
	if (!t->c.max_services)
		t->c.max_services = DEF_SERVICES;
	if (!t->c.max_distinct)
		t->c.max_distinct = DEF_DISTINCT;
	return t;
}

void ports_free(struct ports *t)
{
	if (!t)
		return;
	for (int i = 0; i < PI_NUM; i++)
		free(t->pidx[i]);
	free(t->rows);
	free(t->svc);
	free(t->sidx);
	free(t->set);
	free(t);
}

/* ---- port rows ---------------------------------------------------------- */

long ports_find(const struct ports *t, uint8_t proto, uint16_t port)
{
	int pi = rep_port_index(proto);

	if (pi < 0 || !t->pidx[pi] || !t->pidx[pi][port])
		return -1;
	return (long)t->pidx[pi][port] - 1;
}

static struct port_row *port_get(struct ports *t, uint8_t proto, int pi,
				 uint16_t port)
{
	uint32_t *idx = t->pidx[pi];

	if (!idx && !(idx = t->pidx[pi] = calloc(65536, sizeof(*idx))))
		return NULL;
	if (idx[port])
		return &t->rows[idx[port] - 1];
	if (grow_array((void **)&t->rows, &t->cap_rows, t->nrows + 1,
		       sizeof(*t->rows)) < 0)
		return NULL;
	port_row_init(&t->rows[t->nrows], proto, port);
	idx[port] = (uint32_t)++t->nrows;
	return &t->rows[t->nrows - 1];
}

/* ---- service rows ------------------------------------------------------- */

struct svc_key {
	uint8_t addr[16];
	uint16_t port;
	uint8_t proto, ipv;
};

static size_t svc_slot(const struct ports *t, const struct svc_key *k)
{
	return (size_t)keyhash(k, sizeof(*k)) & (t->sidx_cap - 1);
}

static int svc_is(const struct port_row *r, const struct svc_key *k)
{
	return r->port == k->port && r->proto == k->proto &&
	       r->ipv == k->ipv && !memcmp(r->addr, k->addr, 16);
}

static int svc_reindex(struct ports *t, size_t cap)
{
	uint32_t *ni = calloc(cap, sizeof(*ni));

	if (!ni)
		return -1;
	free(t->sidx);
	t->sidx = ni;
	t->sidx_cap = cap;
	for (size_t i = 0; i < t->nsvc; i++) {
		const struct port_row *r = &t->svc[i];
		struct svc_key k = { .port = r->port, .proto = r->proto,
				     .ipv = r->ipv };
		size_t j;

		memcpy(k.addr, r->addr, 16);
		for (j = svc_slot(t, &k); ni[j]; j = (j + 1) & (cap - 1))
			;
		ni[j] = (uint32_t)i + 1;
	}
	return 0;
}

/* The row of service k, made when new; NULL when the table is full (the
 * flow is counted in services_dropped) or memory is short. */
static struct port_row *svc_get(struct ports *t, const struct svc_key *k)
{
	size_t j;

	if (2 * (t->nsvc + 1) > t->sidx_cap &&
	    t->nsvc < t->c.max_services &&
	    svc_reindex(t, t->sidx_cap ? 2 * t->sidx_cap : 1024) < 0)
		return NULL;
	if (!t->sidx_cap)
		return NULL;
	for (j = svc_slot(t, k); t->sidx[j]; j = (j + 1) & (t->sidx_cap - 1))
		if (svc_is(&t->svc[t->sidx[j] - 1], k))
			return &t->svc[t->sidx[j] - 1];
	if (t->nsvc >= t->c.max_services ||
	    grow_array((void **)&t->svc, &t->cap_svc, t->nsvc + 1,
		       sizeof(*t->svc)) < 0)
		return NULL;
	struct port_row *r = &t->svc[t->nsvc];
	port_row_init(r, k->proto, k->port);
	r->ipv = k->ipv;
	memcpy(r->addr, k->addr, 16);
	t->sidx[j] = (uint32_t)++t->nsvc;
	return r;
}

/* ---- distinct addresses --------------------------------------------------- */

/* The first slot to try for k in a set of cap (a power of two) slots. */
static size_t seen_slot(const struct seen *k, size_t cap)
{
	return (size_t)keyhash(k, offsetof(struct seen, used)) & (cap - 1);
}

static int seen_eq(const struct seen *a, const struct seen *b)
{
	return a->port == b->port && a->pi == b->pi && a->role == b->role &&
	       memcmp(a->addr, b->addr, 16) == 0;
}

/* Room for one more entry (up to 3/4 full); 0 when there is none. */
static int seen_room(struct ports *t)
{
	size_t cap = t->set_cap ? 2 * t->set_cap : 4096;
	struct seen *ns;

	if (t->set_n >= t->c.max_distinct) {
		t->st.distinct_capped = 1;
		return 0;
	}
	if (4 * (t->set_n + 1) <= 3 * t->set_cap)
		return 1;
	if (!(ns = calloc(cap, sizeof(*ns)))) {
		t->st.distinct_capped = 1;
		return 0;
	}
	for (size_t i = 0; i < t->set_cap; i++) {
		size_t j;

		if (!t->set[i].used)
			continue;
		for (j = seen_slot(&t->set[i], cap); ns[j].used;
		     j = (j + 1) & (cap - 1))
			;
		ns[j] = t->set[i];
	}
	free(t->set);
	t->set = ns;
	t->set_cap = cap;
	return 1;
}

/* Count k: 1 when it is new for this purpose (persist: an ended flow's,
 * never kept for good before; else a live flow's, neither kept nor
 * counted this refresh), else 0.  When the set is full, nothing new is
 * kept and nothing new counts. */
static int seen_count(struct ports *t, const struct seen *k, int persist)
{
	int room = seen_room(t);
	size_t j;

	if (!t->set_cap)
		return 0;
	for (j = seen_slot(k, t->set_cap); t->set[j].used;
	     j = (j + 1) & (t->set_cap - 1)) {
		struct seen *e = &t->set[j];

		if (!seen_eq(e, k))
			continue;
		if (e->persist)
			return 0;
		if (persist) {
			/* a live flow's address ended: keep it for good */
			e->persist = 1;
			return 1;
		}
		if (e->tick == t->tick)
			return 0;
		e->tick = t->tick;
		return 1;
	}
	if (!room)
		return 0;
	t->set[j] = *k;
	t->set[j].used = 1;
	t->set[j].persist = (uint8_t)persist;
	t->set[j].tick = t->tick;
	t->set_n++;
	return 1;
}

/* The (port, role, address) key of a flow's client (role 0) or server. */
static void seen_key(struct seen *k, const struct ft_view *v, int pi,
		     int role)
{
	const uint8_t *a = (v->orig_is_a ^ role) ? v->key.a : v->key.b;

	memset(k, 0, sizeof(*k));
	memcpy(k->addr, a, 16);
	k->port = v->orig_is_a ? v->key.pb : v->key.pa;
	k->pi = (uint8_t)pi;
	k->role = (uint8_t)role;
}

/* ---- flows in ------------------------------------------------------------- */

const struct port_row *ports_add(struct ports *t, const struct ft_view *v,
				 const struct attr_end end[2])
{
	int pi = rep_port_index(v->key.proto);
	uint16_t rp = v->orig_is_a ? v->key.pb : v->key.pa;
	struct port_row *p, *s;
	struct seen k;

	if (pi < 0 || !(v->key.flags & FT_K_PORTS))
		return NULL;	/* no ports: not in this table */
	if (!(p = port_get(t, v->key.proto, pi, rp))) {
		t->st.nomem = 1;
		return NULL;
	}
	port_row_fold(p, v, end);
	if (!t->c.no_distinct)
		for (int role = 0; role < 2; role++) {
			seen_key(&k, v, pi, role);
			if (seen_count(t, &k, 1))
				*(role ? &p->servers : &p->clients) += 1;
		}
	if (t->c.no_services)
		return p;
	struct svc_key sk = { .port = rp, .proto = v->key.proto,
			      .ipv = (v->key.flags & FT_K_V6) ? 6 : 4 };
	memcpy(sk.addr, v->orig_is_a ? v->key.b : v->key.a, 16);
	if ((s = svc_get(t, &sk))) {
		int was = s->conns ? s->state : -1;	/* -1: a new service */

		port_row_fold(s, v, end);
		if (was >= 0)
			p->server_state[was]--;
		p->server_state[s->state]++;
	} else {
		t->st.services_dropped++;
	}
	return p;
}

int ports_listen(struct ports *t, const struct attr_listener *l)
{
	int pi = rep_port_index(l->proto);
	struct port_row *p;

	if (pi < 0)
		return 0;
	if (!(p = port_get(t, l->proto, pi, l->port)))
		return -1;
	port_row_listen(p, l);
	return 0;
}

void ports_live_begin(struct ports *t)
{
	t->tick++;
}

void ports_live_distinct(struct ports *t, const struct ft_view *v,
			 uint64_t *clients, uint64_t *servers)
{
	int pi = rep_port_index(v->key.proto);
	struct seen k;

	*clients = *servers = 0;
	if (pi < 0 || !(v->key.flags & FT_K_PORTS) || t->c.no_distinct)
		return;
	seen_key(&k, v, pi, 0);
	*clients = (uint64_t)seen_count(t, &k, 0);
	seen_key(&k, v, pi, 1);
	*servers = (uint64_t)seen_count(t, &k, 0);
}

/* ---- rows out ------------------------------------------------------------- */

size_t ports_nports(const struct ports *t)
{
	return t->nrows;
}

const struct port_row *ports_port(const struct ports *t, size_t i)
{
	return i < t->nrows ? &t->rows[i] : NULL;
}

size_t ports_nservices(const struct ports *t)
{
	return t->nsvc;
}

const struct port_row *ports_service(const struct ports *t, size_t i)
{
	return i < t->nsvc ? &t->svc[i] : NULL;
}

void ports_get_stats(const struct ports *t, struct ports_stats *s)
{
	*s = t->st;
}
