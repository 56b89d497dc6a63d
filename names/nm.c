/*
 * nm.c - the names cache: its tables, the names of a flow's ends, and
 * what it says of itself (see nm.h; learning from packets: nm_feed.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_int.h"

static const char *const src_names[NM_SRC_NUM] = { "", "dns", "sni",
						   "http", "rdns" };
static const char *const why_names[NM_WHY_NUM] = { "", "unseen", "expired",
						   "cut", "full" };

const char *nm_src_name(int src)
{
	return src > 0 && src < NM_SRC_NUM ? src_names[src] : "";
}

const char *nm_why_name(int why)
{
	return why > 0 && why < NM_WHY_NUM ? why_names[why] : "";
}

struct nm_names *nm_new(void)
{
	struct nm_names *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->pool = nm_pool_new(NM_TEXT);
	n->addrs = nm_tab_new(NM_ADDRS);
	n->tuples = nm_tab_new(NM_TUPLES);
	n->seen = calloc((1u << NM_SEEN_BITS) / 64, sizeof(uint64_t));
	if (!n->pool || !n->addrs || !n->tuples || !n->seen) {
		nm_free(n);
		return NULL;
	}
	return n;
}

void nm_free(struct nm_names *n)
{
	if (!n)
		return;
	nm_pool_free(n->pool);
	nm_tab_free(n->addrs);
	nm_tab_free(n->tuples);
	free(n->seen);
	free(n);
}

/* The bit of address addr in seen: not keyed, as a collision (chosen by
 * a stranger or not) costs only the lookups a clear bit would skip. */
static uint32_t seen_bit(const uint8_t *addr)
{
	uint64_t lo, hi;

	memcpy(&lo, addr, 8);
	memcpy(&hi, addr + 8, 8);
	return (uint32_t)(((lo ^ (hi << 29 | hi >> 35)) *
			   0x9e3779b97f4a7c15ull) >> (64 - NM_SEEN_BITS));
}

void nm_seen_mark(struct nm_names *n, const uint8_t *addr)
{
	uint32_t b = seen_bit(addr);

	/* release: a reader that sees the entry after seeing the bit
	 * clear only raced the put, as a lookup just before it would */
	__atomic_fetch_or(&n->seen[b / 64], 1ull << (b % 64),
			  __ATOMIC_RELEASE);
}

static int seen(const struct nm_names *n, const uint8_t *addr)
{
	uint32_t b = seen_bit(addr);

	return (__atomic_load_n(&n->seen[b / 64], __ATOMIC_ACQUIRE) >>
		(b % 64)) & 1;
}

void nm_addr_key(uint8_t key[NM_KEY], const uint8_t *addr,
		 const uint8_t *client, int ipv, int kind)
{
	memset(key, 0, NM_KEY);
	memcpy(key, addr, 16);
	if (client)
		memcpy(key + 16, client, 16);
	key[32] = (uint8_t)ipv;
	key[33] = (uint8_t)kind;
}

void nm_tuple_key(uint8_t key[NM_KEY], const uint8_t *c, uint16_t cp,
		  const uint8_t *s, uint16_t sp, int ipv)
{
	memset(key, 0, NM_KEY);
	memcpy(key, c, 16);
	memcpy(key + 16, s, 16);
	key[32] = (uint8_t)(cp >> 8);
	key[33] = (uint8_t)cp;
	key[34] = (uint8_t)(sp >> 8);
	key[35] = (uint8_t)sp;
	key[36] = (uint8_t)ipv;
	key[37] = NM_K_TUPLE;
}

/* The flow's own server name for the end at (a, ap), talked to from
 * (peer, pp): a ClientHello or request of this flow (sent between its
 * first and last packets).  1 with *o set, else *why may become NM_CUT. */
static int own_name(const struct nm_names *n, const struct ft_view *v,
		    const uint8_t *a, uint16_t ap, const uint8_t *peer,
		    uint16_t pp, int ipv, struct nm_name *o, int *why)
{
	uint8_t key[NM_KEY];
	struct nm_ent e;

	nm_tuple_key(key, peer, pp, a, ap, ipv);
	if (!nm_tab_get(n->tuples, key, &e) || e.t0 < v->first_ns ||
	    e.t0 > v->last_ns)
		return 0;
	if (!e.name) {
		*why = e.why;
		return 0;
	}
	o->name = e.name;
	o->src = e.src;
	return 1;
}

/* A name of address a as peer knew it, else as anyone did, else its PTR,
 * good for the flow's time.  1 with *o set; else *why may say why not. */
static int addr_name(const struct nm_names *n, const struct ft_view *v,
		     const uint8_t *a, const uint8_t *peer, int ipv,
		     struct nm_name *o, int *why)
{
	static const int kinds[] = { NM_K_CLIENT, NM_K_ANY, NM_K_PTR };
	uint8_t key[NM_KEY];
	struct nm_ent e;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		nm_addr_key(key, a, kinds[i] == NM_K_CLIENT ? peer : NULL, ipv,
			    kinds[i]);
		if (!nm_tab_get(n->addrs, key, &e) || e.t0 > v->last_ns)
			continue;	/* learnt after the flow */
		if (!e.name) {
			if (*why == NM_UNSEEN)
				*why = e.why;
		} else if (e.until >= v->first_ns) {
			o->name = e.name;
			o->src = e.src;
			return 1;
		} else if (*why == NM_UNSEEN) {
			*why = NM_EXPIRED;
		}
	}
	return 0;
}

void nm_flow(const struct nm_names *n, const struct ft_view *v,
	     struct nm_name out[2])
{
	const struct ft_key *k = &v->key;
	int ipv = (k->flags & FT_K_V6) ? 6 : 4;

	for (int i = 0; i < 2; i++) {
		int is_a = (i == FT_ORIG) == v->orig_is_a, why = NM_UNSEEN;
		const uint8_t *a = is_a ? k->a : k->b, *peer = is_a ? k->b : k->a;
		uint16_t ap = is_a ? k->pa : k->pb, pp = is_a ? k->pb : k->pa;
		struct nm_name *o = &out[i];

		memset(o, 0, sizeof(*o));
		/* TCP's ClientHello or Host, a QUIC client's Initial */
		if (n && seen(n, a) && (((k->proto == 6 || k->proto == 17) &&
			   own_name(n, v, a, ap, peer, pp, ipv, o, &why)) ||
			  addr_name(n, v, a, peer, ipv, o, &why)))
			continue;
		o->why = (uint8_t)why;
	}
}

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

void nm_get_stats(const struct nm_names *n, struct nm_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (!n)
		return;
	s->dns = LOAD(n->st.dns);
	s->ptr = LOAD(n->st.ptr);
	s->sni = LOAD(n->st.sni);
	s->http = LOAD(n->st.http);
	s->dns_cut = LOAD(n->st.dns_cut);
	s->sni_cut = LOAD(n->st.sni_cut);
	s->quic_cut = LOAD(n->st.quic_cut);
	s->http_cut = LOAD(n->st.http_cut);
	s->bad = LOAD(n->st.bad);
	s->forgotten = LOAD(n->st.forgotten);
	s->full = LOAD(n->st.full);
}

int nm_msg(const struct nm_names *n, char *buf, size_t len)
{
	struct nm_stats s;
	uint64_t cut;

	nm_get_stats(n, &s);
	cut = s.dns_cut + s.sni_cut + s.http_cut;
	if (!(s.dns + s.ptr + s.sni + s.http + cut + s.bad))
		return 0;
	size_t k = (size_t)snprintf(buf, len, "names: %llu DNS answer%s, "
		"%llu reverse, %llu server name%s (SNI), %llu HTTP host%s",
		(unsigned long long)s.dns, s.dns == 1 ? "" : "s",
		(unsigned long long)s.ptr, (unsigned long long)s.sni,
		s.sni == 1 ? "" : "s", (unsigned long long)s.http,
		s.http == 1 ? "" : "s");
	if (cut && k < len)
		k += (size_t)snprintf(buf + k, len - k, "; %llu cut short (%llu "
			"DNS, %llu SNI, %llu HTTP)", (unsigned long long)cut,
			(unsigned long long)s.dns_cut,
			(unsigned long long)s.sni_cut,
			(unsigned long long)s.http_cut);
	if (s.quic_cut && k < len)	/* a file's snaplen, or -s */
		k += (size_t)snprintf(buf + k, len - k, "; %llu QUIC Initial%s "
			"cut by the snaplen: live, porttop keeps them whole "
			"without -s (or with -s 1536)",
			(unsigned long long)s.quic_cut,
			s.quic_cut == 1 ? "" : "s");
	if ((s.bad || s.forgotten || s.full) && k < len)
		snprintf(buf + k, len - k, "; %llu malformed, %llu forgotten "
			 "(tables full), %llu not kept (text full)",
			 (unsigned long long)s.bad,
			 (unsigned long long)s.forgotten,
			 (unsigned long long)s.full);
	return 1;
}
