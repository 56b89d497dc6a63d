/*
 * scan.c - scan detection (see scan.h).
 *
 * Three open-addressing tables, keyed with the run's SipHash key so that
 * crafted sources cannot pile into one chain: windows per (source,
 * target host) and per (source, port), and the (source, host, port)
 * triples that make attempts distinct.  A triple remembers the window it
 * was last counted in on each side, so a window that closes and reopens
 * counts its ports and hosts afresh without clearing anything.  When a
 * table is three quarters full it is rebuilt without the entries whose
 * windows have closed; if that frees nothing, new attempts are dropped
 * (counted).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/clock.h"
#include "../lib/keyhash.h"
#include "scan.h"

struct key {			/* hashed and compared whole */
	uint8_t scanner[16], victim[16];	/* victim zero: a port key */
	uint16_t port;				/* 0: a host key */
	uint8_t proto, ipv;
};

struct win {			/* a pair (host or port key) */
	struct key k;
	uint8_t used, started;
	uint8_t pad[6];
	int64_t open_ns;	/* the first attempt to arrive: the window
				   runs interval_ns from here */
	int64_t start_ns, last_ns;	/* earliest and latest attempt in it
					   (flows end out of order) */
	uint64_t attempts, id;	/* id: this window's, unique in the run */
	uint32_t distinct, pad2;
};

struct triple {
	struct key k;
	uint8_t used;
	uint8_t pad[7];
	uint64_t host_win, port_win;	/* ids of the windows it was
					   counted in (0: none) */
	int64_t last_ns;
};

struct tab {
	void *e;
	size_t esz;
	uint32_t cap, n;	/* cap: a power of two */
};

struct scan {
	struct scan_config c;
	scan_fn fn;
	void *arg;
	struct tab hosts, ports, triples;
	uint64_t dropped;
	int64_t now;
	int64_t next_sweep;	/* when to look for windows that closed */
	uint64_t next_id;	/* window ids, from 1 */
};

/* Every entry type starts with its key, then `used`. */
#define KEY(t, i) ((struct key *)((char *)(t)->e + (size_t)(i) * (t)->esz))
#define USED(t, i) (*((uint8_t *)KEY(t, i) + sizeof(struct key)))

static int tab_init(struct tab *t, uint32_t cap, size_t esz)
{
	uint32_t c = 64;

	while (c < cap)
		c <<= 1;
	t->e = calloc(c, esz);
	t->esz = esz;
	t->cap = c;
	t->n = 0;
	return t->e ? 0 : -1;
}

/* The slot of k: its entry, or the empty slot where it would go. */
static uint32_t tab_slot(const struct tab *t, const struct key *k)
{
	uint32_t i = (uint32_t)keyhash(k, sizeof(*k)) & (t->cap - 1);

	while (USED(t, i) && memcmp(KEY(t, i), k, sizeof(*k)))
		i = (i + 1) & (t->cap - 1);
	return i;
}

/* Rebuild t without the entries last seen before `before` (the offset
 * of their last_ns is `last_off`). */
static void tab_purge(struct tab *t, int64_t before, size_t last_off)
{
	struct tab nt;

	if (tab_init(&nt, t->cap, t->esz) < 0)
		return;
	for (uint32_t i = 0; i < t->cap; i++) {
		int64_t last;

		if (!USED(t, i))
			continue;
		memcpy(&last, (char *)KEY(t, i) + last_off, sizeof(last));
		if (last < before)
			continue;
		uint32_t j = tab_slot(&nt, KEY(t, i));
		memcpy(KEY(&nt, j), KEY(t, i), t->esz);
		nt.n++;
	}
	free(t->e);
	*t = nt;
}

/* The entry for k, made (zeroed, key set) when new; NULL when full. */
static void *tab_get(struct scan *s, struct tab *t, const struct key *k,
		     size_t last_off)
{
	uint32_t i = tab_slot(t, k);

	if (USED(t, i))
		return KEY(t, i);
	if (t->n + 1 > t->cap / 4 * 3) {
		tab_purge(t, s->now - s->c.interval_ns, last_off);
		if (t->n + 1 > t->cap / 4 * 3)
			return NULL;
		i = tab_slot(t, k);
	}
	memset(KEY(t, i), 0, t->esz);
	*KEY(t, i) = *k;
	USED(t, i) = 1;
	t->n++;
	return KEY(t, i);
}

struct scan *scan_new(const struct scan_config *cfg, scan_fn fn, void *arg)
{
	struct scan *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->c = *cfg;
	if (!s->c.port_threshold)
		s->c.port_threshold = 15;
	if (!s->c.addr_threshold)
		s->c.addr_threshold = 25;
	if (!s->c.interval_ns)
		s->c.interval_ns = 300 * NS_PER_S;
	if (!s->c.max_entries)
		s->c.max_entries = 1u << 18;
	s->fn = fn;
	s->arg = arg;
	s->now = INT64_MIN / 2;
	s->next_sweep = INT64_MIN;
	if (tab_init(&s->triples, s->c.max_entries / 3 * 4,
		     sizeof(struct triple)) < 0 ||
	    tab_init(&s->hosts, s->c.max_entries / 12 * 4,
		     sizeof(struct win)) < 0 ||
	    tab_init(&s->ports, s->c.max_entries / 12 * 4,
		     sizeof(struct win)) < 0) {
		scan_free(s);
		return NULL;
	}
	return s;
}

void scan_free(struct scan *s)
{
	if (!s)
		return;
	free(s->triples.e);
	free(s->hosts.e);
	free(s->ports.e);
	free(s);
}

uint64_t scan_dropped(const struct scan *s)
{
	return s->dropped;
}

/* Zeek's is_failed_conn and is_reverse_failed_conn come to this for the
 * conn_state a flow ends with: nothing sent either way, and either the
 * responder refused (REJ) or never answered (S0), or a side reset a
 * half-open connection (RSTO, RSTR, RSTOS0, RSTRH, SH, SHR: nmap's SYN
 * scan resets after the SYN-ACK).  UDP: the ICMP verdict. */
int scan_failed(const struct ft_view *v)
{
	int cs = v->conn_state;

	if (v->key.proto == 17)
		return v->port_state == FT_PS_CLOSED ||
		       v->port_state == FT_PS_FILTERED;
	if (v->key.proto != 6 || v->dir[0].bytes || v->dir[1].bytes)
		return 0;
	return cs == FT_CS_REJ || cs == FT_CS_S0 || cs == FT_CS_RSTO ||
	       cs == FT_CS_RSTR || cs == FT_CS_RSTOS0 || cs == FT_CS_RSTRH ||
	       cs == FT_CS_SH || cs == FT_CS_SHR;
}

static void emit(struct scan *s, const struct win *w, int kind, int ended,
		 int64_t ts)
{
	struct scan_event e;

	memset(&e, 0, sizeof(e));
	e.kind = (uint8_t)kind;
	e.ended = (uint8_t)ended;
	e.ipv = w->k.ipv;
	e.proto = w->k.proto;
	memcpy(e.scanner, w->k.scanner, 16);
	memcpy(e.victim, w->k.victim, 16);
	e.port = w->k.port;
	e.distinct = w->distinct;
	e.attempts = w->attempts;
	e.start_ns = w->start_ns;
	e.ts_ns = ts;
	s->fn(s->arg, &e);
}

/* Close w's window if `t` is past it (ending its scan), then count the
 * attempt at t in the (perhaps new) window. */
static void roll(struct scan *s, struct win *w, int kind, int64_t t)
{
	if (w->attempts && t >= w->open_ns + s->c.interval_ns) {
		if (w->started)
			emit(s, w, kind, 1, w->open_ns + s->c.interval_ns);
		w->attempts = 0;
		w->distinct = 0;
		w->started = 0;
	}
	if (!w->attempts) {
		w->open_ns = w->start_ns = w->last_ns = t;
		w->id = ++s->next_id;
	}
	if (t < w->start_ns)
		w->start_ns = t;
	if (t > w->last_ns)
		w->last_ns = t;
	w->attempts++;
}

/* The attempt's (source, host, port) in w: distinct once per window; the
 * scan starts when the threshold is reached, at the latest attempt's
 * time so far. */
static void count(struct scan *s, struct win *w, uint64_t *stamp, int kind,
		  uint32_t threshold)
{
	if (*stamp != w->id) {
		*stamp = w->id;
		w->distinct++;
	}
	if (!w->started && w->distinct >= threshold) {
		w->started = 1;
		emit(s, w, kind, 0, w->last_ns);
	}
}

/* End the scans whose windows closed by now_ns (all of them when
 * `all`: the end of input, at now_ns or their window's end). */
static void sweep(struct scan *s, int64_t now_ns, int all)
{
	struct tab *tabs[2] = { &s->hosts, &s->ports };

	for (int k = 0; k < 2; k++)
		for (uint32_t i = 0; i < tabs[k]->cap; i++) {
			struct win *w = (struct win *)KEY(tabs[k], i);
			int64_t end = w->open_ns + s->c.interval_ns;

			if (!w->used || !w->started || (!all && now_ns < end))
				continue;
			emit(s, w, k ? SCAN_ADDR : SCAN_PORT, 1,
			     now_ns < end ? now_ns : end);
			w->started = 0;
		}
}

void scan_flow(struct scan *s, const struct ft_view *v)
{
	struct key hk, pk, tk;
	struct win *hw, *pw;
	struct triple *tr;
	int64_t t = v->first_ns;
	const uint8_t *oh = v->orig_is_a ? v->key.a : v->key.b;
	const uint8_t *rh = v->orig_is_a ? v->key.b : v->key.a;
	uint16_t rp = v->orig_is_a ? v->key.pb : v->key.pa;

	if (v->last_ns >= s->next_sweep) {
		/* scans end as time passes, not only at their source's next
		 * attempt: look every tenth of a window */
		sweep(s, v->last_ns, 0);
		s->next_sweep = v->last_ns + s->c.interval_ns / 10;
	}
	if (!(v->key.flags & FT_K_PORTS) || !scan_failed(v))
		return;
	if (t > s->now)
		s->now = t;
	memset(&hk, 0, sizeof(hk));
	memcpy(hk.scanner, oh, 16);
	hk.ipv = (v->key.flags & FT_K_V6) ? 6 : 4;
	pk = hk;
	memcpy(hk.victim, rh, 16);
	pk.port = rp;
	pk.proto = v->key.proto;
	tk = hk;
	tk.port = rp;
	tk.proto = v->key.proto;

	hw = tab_get(s, &s->hosts, &hk, offsetof(struct win, last_ns));
	pw = tab_get(s, &s->ports, &pk, offsetof(struct win, last_ns));
	tr = tab_get(s, &s->triples, &tk, offsetof(struct triple, last_ns));
	if (!hw || !pw || !tr) {
		s->dropped++;
		return;
	}
	if (t > tr->last_ns)
		tr->last_ns = t;
	roll(s, hw, SCAN_PORT, t);
	roll(s, pw, SCAN_ADDR, t);
	count(s, hw, &tr->host_win, SCAN_PORT, s->c.port_threshold);
	count(s, pw, &tr->port_win, SCAN_ADDR, s->c.addr_threshold);
}

void scan_flush(struct scan *s, int64_t now_ns)
{
	sweep(s, now_ns, 1);
}
