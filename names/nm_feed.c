/*
 * nm_feed.c - learning names from packets (nm.h's nm_packet): payloads
 * are read by decode/dec_names.h; this file decides what they name and
 * for how long.
 *
 * A DNS response names each A and AAAA answer's address with the name
 * the client asked for (the question; an answer whose owner is not on
 * the question's CNAME chain keeps its own name), for its TTL plus
 * NM_GRACE_NS, twice: for that client and for anyone.  A PTR answer
 * (RFC 1035 3.5, RFC 3596 2.5) names the address its owner spells.  A
 * ClientHello's server_name and a request's Host name the flow's server
 * end (its tuple) and, for NM_PEER_NS, the server's address as that
 * client knew it.  A QUIC client's Initial is opened for its ClientHello
 * only while its flow has no name yet (it costs a decryption), and not
 * when it comes from port 443 to another (a server's Initials do not
 * open with the client's keys); its name's source is "sni" too.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../decode/dec_names.h"
#include "nm_int.h"

#define ADD(x) __atomic_store_n(&(x), (x) + 1, __ATOMIC_RELAXED)
#define CHAIN 16	/* CNAMEs followed from the question */

/* One DNS response being read. */
struct dns_ctx {
	struct nm_names *n;
	const struct dec_pkt *p;	/* the response: dst is the client */
	char chain[CHAIN][DEC_NAME_MAX];
	int nchain;
};

static void put(struct nm_names *n, struct nm_ent *e, int64_t now)
{
	/* the address the entry names: a tuple's server, else the first */
	nm_seen_mark(n, e->key + (e->key[37] == NM_K_TUPLE ? 16 : 0));
	if (nm_tab_put(e->key[37] == NM_K_TUPLE ? n->tuples : n->addrs, e,
		       now))
		ADD(n->st.forgotten);
}

/* An entry naming with text s (interned), or saying why not. */
static void entry(struct nm_names *n, struct nm_ent *e, const char *s,
		  int src, int64_t t0, int64_t until)
{
	memset(e, 0, sizeof(*e));
	e->name = s ? nm_pool_get(n->pool, s) : NULL;
	e->why = e->name ? NM_FOUND : s ? NM_FULL : NM_CUT;
	if (s && !e->name)
		ADD(n->st.full);
	e->src = (uint8_t)src;
	e->t0 = t0;
	e->until = until;
}

static int on_chain(const struct dns_ctx *c, const char *name)
{
	for (int i = 0; i < c->nchain; i++)
		if (!strcasecmp(c->chain[i], name))
			return 1;
	return 0;
}

/* "4.3.2.1.in-addr.arpa" -> 1.2.3.4; the 32 nibbles of ip6.arpa.  The
 * address family, or 0 when owner is neither. */
static int ptr_addr(const char *owner, uint8_t a[16])
{
	size_t len = strlen(owner);
	unsigned v[4];
	char end[16];

	memset(a, 0, 16);
	if (len > 13 && !strcasecmp(owner + len - 13, ".in-addr.arpa") &&
	    sscanf(owner, "%3u.%3u.%3u.%3u%15s", &v[3], &v[2], &v[1], &v[0],
		   end) == 5 && !strcasecmp(end, ".in-addr.arpa") &&
	    (v[0] | v[1] | v[2] | v[3]) < 256) {
		for (int i = 0; i < 4; i++)
			a[i] = (uint8_t)v[i];
		return 4;
	}
	if (len != 72 || strcasecmp(owner + 63, ".ip6.arpa"))
		return 0;
	for (int i = 0; i < 32; i++) {
		char h = owner[62 - 2 * i];
		int x = h >= '0' && h <= '9' ? h - '0' :
			(h | 0x20) >= 'a' && (h | 0x20) <= 'f' ?
			(h | 0x20) - 'a' + 10 : -1;

		if (x < 0 || (i < 31 && owner[63 - 2 * i] != '.'))
			return 0;
		a[i / 2] = (uint8_t)(a[i / 2] | x << (i % 2 ? 0 : 4));
	}
	return 6;
}

static void on_rr(void *arg, const struct dec_dns_rr *rr)
{
	struct dns_ctx *c = arg;
	const struct dec_pkt *p = c->p;
	int64_t until = p->ts_ns + (int64_t)rr->ttl * NS_PER_S + NM_GRACE_NS;
	struct nm_ent e;
	uint8_t a[16];
	int ipv;

	if (c->nchain == 0)	/* the chain starts at the question */
		snprintf(c->chain[c->nchain++], DEC_NAME_MAX, "%s", rr->qname);
	if (rr->type == DEC_RR_CNAME) {
		if (c->nchain < CHAIN && on_chain(c, rr->owner))
			snprintf(c->chain[c->nchain++], DEC_NAME_MAX, "%s",
				 rr->target);
		return;
	}
	if (rr->type == DEC_RR_PTR) {
		if (!(ipv = ptr_addr(rr->owner, a)))
			return;
		entry(c->n, &e, rr->target, NM_SRC_RDNS, p->ts_ns, until);
		nm_addr_key(e.key, a, NULL, ipv, NM_K_PTR);
		put(c->n, &e, p->ts_ns);
		ADD(c->n->st.ptr);
		return;
	}
	ipv = rr->type == DEC_RR_A ? 4 : 6;
	entry(c->n, &e, on_chain(c, rr->owner) ? rr->qname : rr->owner,
	      NM_SRC_DNS, p->ts_ns, until);
	nm_addr_key(e.key, rr->addr, p->dst, ipv, NM_K_CLIENT);
	put(c->n, &e, p->ts_ns);
	nm_addr_key(e.key, rr->addr, NULL, ipv, NM_K_ANY);
	put(c->n, &e, p->ts_ns);
	ADD(c->n->st.dns);
}

static void dns(struct nm_names *n, const struct rd_span *s, bool whole,
		const struct dec_pkt *p)
{
	struct dns_ctx c = { .n = n, .p = p };
	int rc = dec_dns(s, whole, on_rr, &c);

	if (rc == DEC_NM_CUT)
		ADD(n->st.dns_cut);
	else if (rc == DEC_NM_BAD)
		ADD(n->st.bad);
}

/* A server name of a flow (SNI, in TLS or QUIC, or Host): its tuple's, and the
 * server's address for this client.  name NULL: cut before the name. */
static void server_name(struct nm_names *n, const struct dec_pkt *p,
			const char *name, int src)
{
	uint8_t key[NM_KEY];
	struct nm_ent e, old;

	nm_tuple_key(key, p->src, p->sport, p->dst, p->dport, p->ipv);
	/* a cut copy (a retransmission) does not undo a name */
	if (!name && nm_tab_get(n->tuples, key, &old) && old.name &&
	    old.until >= p->ts_ns)
		return;
	entry(n, &e, name, src, p->ts_ns, p->ts_ns + NM_TUPLE_NS);
	memcpy(e.key, key, NM_KEY);
	put(n, &e, p->ts_ns);
	if (!e.name)
		return;
	e.until = p->ts_ns + NM_PEER_NS;
	nm_addr_key(e.key, p->dst, p->src, p->ipv, NM_K_CLIENT);
	put(n, &e, p->ts_ns);
}

static void tcp(struct nm_names *n, const struct rd_span *s, bool whole,
		const struct dec_pkt *p)
{
	char name[DEC_NAME_MAX];
	int rc, src;

	if (s->p[0] == 22) {
		rc = dec_tls_sni(s, whole, name);
		src = NM_SRC_SNI;
	} else if (s->p[0] >= 'A' && s->p[0] <= 'Z') {
		rc = dec_http_host(s, whole, name);
		src = NM_SRC_HTTP;
	} else {
		return;
	}
	if (rc == DEC_NM_OK)
		ADD(*(src == NM_SRC_SNI ? &n->st.sni : &n->st.http));
	else if (rc == DEC_NM_CUT)
		ADD(*(src == NM_SRC_SNI ? &n->st.sni_cut : &n->st.http_cut));
	else if (rc == DEC_NM_BAD)
		ADD(n->st.bad);
	if (rc == DEC_NM_OK || rc == DEC_NM_CUT)
		server_name(n, p, rc == DEC_NM_OK ? name : NULL, src);
}

/* The first client Initials of a QUIC flow: its SNI, until it has one. */
static void quic(struct nm_names *n, const struct rd_span *s, bool whole,
		 const struct dec_pkt *p)
{
	char name[DEC_NAME_MAX];
	uint8_t key[NM_KEY];
	struct nm_ent old;
	int rc;

	if (!dec_quic_initial(s->p, s->len) ||
	    (p->sport == 443 && p->dport != 443))
		return;
	nm_tuple_key(key, p->src, p->sport, p->dst, p->dport, p->ipv);
	if (nm_tab_get(n->tuples, key, &old) && old.name &&
	    old.until >= p->ts_ns)
		return;
	rc = dec_quic_sni(s, whole, name);
	if (rc == DEC_NM_OK)
		ADD(n->st.sni);
	else if (rc == DEC_NM_CUT)
		ADD(n->st.sni_cut);
	else if (rc == DEC_NM_BAD)
		ADD(n->st.bad);
	if (rc == DEC_NM_CUT && !whole)	/* by the snaplen */
		ADD(n->st.quic_cut);
	if (rc == DEC_NM_OK || rc == DEC_NM_CUT)
		server_name(n, p, rc == DEC_NM_OK ? name : NULL, NM_SRC_SNI);
}

void nm_packet(struct nm_names *n, const uint8_t *frame, uint32_t caplen,
	       const struct dec_pkt *p)
{
	uint32_t hdr, off;
	struct rd_span s;
	bool whole;

	if (!n || !p->payload_len || !p->l4_off || !(p->l4 & DEC_L4_HDR) ||
	    (p->proto != 6 && p->proto != 17))
		return;
	hdr = p->proto == 6 ? p->l4_len - p->payload_len : 8;
	off = p->l4_off + hdr;
	if (off >= caplen) {	/* a response whose payload was not kept */
		if (p->sport == 53)
			ADD(n->st.dns_cut);
		return;
	}
	s.p = frame + off;
	s.len = caplen - off < p->payload_len ? caplen - off : p->payload_len;
	whole = s.len == p->payload_len;
	if (p->sport == 53 && p->proto == 17) {
		dns(n, &s, whole, p);
	} else if (p->sport == 53) {	/* DNS over TCP: a 2-byte length */
		uint16_t len;

		if (rd_be16(&s, 0, &len)) {
			struct rd_span m = rd_sub(&s, 2);

			if (m.len > len)
				m.len = len;
			dns(n, &m, m.len == len, p);
		}
	} else if (p->proto == 6) {
		tcp(n, &s, whole, p);
	} else {
		quic(n, &s, whole, p);
	}
}
