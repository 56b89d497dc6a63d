/*
 * dec_names.c - names from payloads: DNS answers, the TLS ClientHello's
 * server_name, the HTTP/1 Host header (see dec_names.h).
 *
 * Sources: RFC 1035 3.1 (name length), 4.1 (message format), 4.1.4
 * (compression), 5.1 (the \DDD escape); RFC 2181 8 (TTLs); RFC 3596
 * (AAAA); RFC 6891 (EDNS0's OPT, an additional record: never read);
 * RFC 8446 5.1 (records), 4.1.2 (ClientHello), RFC 6066 3 (server_name);
 * RFC 9112 3 (the request line), 5 (header fields), RFC 9110 7.2 (Host).
 */
#include <string.h>

#include "dec_names.h"

/* A read past the captured bytes: the payload was cut, or it lies. */
#define SHORT(whole) ((whole) ? DEC_NM_BAD : DEC_NM_CUT)

#define DNS_MAX_QD 16		/* questions skipped at most */
#define DNS_MAX_AN 128		/* answers read at most */
#define HTTP_MAX_LINE 8192	/* the request line, at most */

/* ---- names as text ----------------------------------------------------- */

/* Append byte c to the name out (*n bytes used), escaped when it is not
 * plainly printable or would need quoting (dec_names.h); a '.' is a
 * separator unless in_label.  false when the name would not fit. */
static bool put_char(char *out, size_t *n, uint8_t c, bool in_label)
{
	char e[4];
	size_t k = 1;

	if (c > 0x20 && c < 0x7f && c != ',' && c != '"' && c != '\\' &&
	    !(in_label && c == '.')) {
		e[0] = (char)c;
	} else {
		e[0] = '\\';
		e[1] = (char)('0' + c / 100);
		e[2] = (char)('0' + c / 10 % 10);
		e[3] = (char)('0' + c % 10);
		k = 4;
	}
	if (*n + k >= DEC_NAME_MAX)
		return false;
	memcpy(out + *n, e, k);
	*n += k;
	out[*n] = '\0';
	return true;
}

/* ---- DNS ------------------------------------------------------------------ */

/* The name at off of message m into out; *next is the offset after it
 * where it sits (after the first pointer, if any).  Compression pointers
 * may point anywhere in the message but are followed DEC_DNS_JUMPS times
 * at most, so a loop ends. */
static int dns_name(const struct rd_span *m, uint32_t off, bool whole,
		    char *out, uint32_t *next)
{
	unsigned jumps = 0, wire = 0;
	bool jumped = false;
	size_t n = 0;
	uint8_t len, lo;

	out[0] = '\0';
	for (;;) {
		if (!rd_u8(m, off, &len))
			return SHORT(whole);
		if ((len & 0xc0) == 0xc0) {		/* a pointer */
			if (!rd_u8(m, off + 1, &lo))
				return SHORT(whole);
			if (!jumped)
				*next = off + 2;
			jumped = true;
			if (++jumps > DEC_DNS_JUMPS)
				return DEC_NM_BAD;
			off = (uint32_t)(len & 0x3f) << 8 | lo;
			continue;
		}
		if (len & 0xc0)		/* RFC 6891's extended labels: gone */
			return DEC_NM_BAD;
		if (len == 0)
			break;
		wire += len + 1u;
		if (wire > 254)		/* 255 octets with the root's 0 */
			return DEC_NM_BAD;
		if (!rd_has(m, off + 1, len))
			return SHORT(whole);
		if (n && !put_char(out, &n, '.', false))
			return DEC_NM_BAD;
		for (uint32_t i = 0; i < len; i++)
			if (!put_char(out, &n, m->p[off + 1 + i], true))
				return DEC_NM_BAD;
		off += 1u + len;
	}
	if (!jumped)
		*next = off + 1;
	if (n == 0)
		memcpy(out, ".", 2);
	return DEC_NM_OK;
}

/* One answer record at *off: given to fn when it is one of ours. */
static int dns_answer(const struct rd_span *s, bool whole, uint32_t *off,
		      const char *qname, dec_dns_fn fn, void *arg)
{
	char owner[DEC_NAME_MAX], target[DEC_NAME_MAX];
	struct dec_dns_rr r = { .qname = qname, .owner = owner };
	uint16_t cls, rdlen;
	uint32_t next, at, end;
	int rc = dns_name(s, *off, whole, owner, &next);

	if (rc != DEC_NM_OK)
		return rc;
	if (!rd_be16(s, next, &r.type) || !rd_be16(s, next + 2, &cls) ||
	    !rd_be32(s, next + 4, &r.ttl) || !rd_be16(s, next + 8, &rdlen))
		return SHORT(whole);
	at = next + 10;
	if (!rd_has(s, at, rdlen))
		return SHORT(whole);
	*off = end = at + rdlen;
	if ((cls & 0x7fff) != 1)	/* IN; mDNS sets the cache-flush bit */
		return DEC_NM_OK;
	if (r.ttl > 0x7fffffffu)
		r.ttl = 0;
	switch (r.type) {
	case DEC_RR_A:
	case DEC_RR_AAAA:
		if (rdlen != (r.type == DEC_RR_A ? 4 : 16))
			return DEC_NM_BAD;
		memcpy(r.addr, s->p + at, rdlen);
		break;
	case DEC_RR_CNAME:
	case DEC_RR_PTR:
		rc = dns_name(s, at, whole, target, &next);
		if (rc != DEC_NM_OK)
			return rc;
		if (next > end)		/* the name runs past its rdata */
			return DEC_NM_BAD;
		r.target = target;
		break;
	default:
		return DEC_NM_OK;
	}
	fn(arg, &r);
	return DEC_NM_OK;
}

int dec_dns(const struct rd_span *s, bool whole, dec_dns_fn fn, void *arg)
{
	char qname[DEC_NAME_MAX] = "", skip[DEC_NAME_MAX];
	uint16_t flags, qd, an;
	uint32_t off = 12, next;
	int rc;

	if (!rd_be16(s, 2, &flags) || !rd_be16(s, 4, &qd) ||
	    !rd_be16(s, 6, &an) || !rd_has(s, 0, 12))
		return SHORT(whole);
	if (!(flags & 0x8000) || ((flags >> 11) & 0xf) != 0)
		return DEC_NM_NONE;	/* a query, or not a standard one */
	if (qd > DNS_MAX_QD)
		return DEC_NM_BAD;
	for (unsigned i = 0; i < qd; i++) {
		rc = dns_name(s, off, whole, i ? skip : qname, &next);
		if (rc != DEC_NM_OK)
			return rc;
		if (!rd_has(s, next, 4))	/* QTYPE, QCLASS */
			return SHORT(whole);
		off = next + 4;
	}
	for (unsigned i = 0; i < an && i < DNS_MAX_AN; i++)
		if ((rc = dns_answer(s, whole, &off, qname, fn, arg)) !=
		    DEC_NM_OK)
			return rc;
	return DEC_NM_OK;
}

/* ---- TLS ClientHello ------------------------------------------------------ */

/* The server_name extension's data [off, off + len) of hello h: the first
 * host_name entry (RFC 6066 3: at most one of each type). */
static int sni_entry(const struct rd_span *h, bool whole, uint32_t off,
		     uint32_t len, char *name)
{
	uint16_t list, nlen;
	uint8_t type;
	uint32_t end = off + len;
	size_t n = 0;

	if (!rd_be16(h, off, &list))
		return SHORT(whole);
	if (2u + list > len)
		return DEC_NM_BAD;
	for (off += 2; off < end;) {
		if (end - off < 3)
			return DEC_NM_BAD;
		if (!rd_u8(h, off, &type) || !rd_be16(h, off + 1, &nlen))
			return SHORT(whole);
		if (nlen == 0 || end - off - 3 < nlen)
			return DEC_NM_BAD;
		if (!rd_has(h, off + 3, nlen))
			return SHORT(whole);
		if (type == 0) {
			for (uint32_t i = 0; i < nlen; i++)
				if (!put_char(name, &n, h->p[off + 3 + i],
					      false))
					return DEC_NM_BAD;
			return DEC_NM_OK;
		}
		off += 3u + nlen;
	}
	return DEC_NM_NONE;
}

/* The extensions of hello h from off to its end: server_name's name. */
static int hello_exts(const struct rd_span *h, bool whole, uint32_t off,
		      uint32_t end, char *name)
{
	uint16_t total, type, len;

	if (off == end)		/* no extensions at all */
		return DEC_NM_NONE;
	if (!rd_be16(h, off, &total))
		return SHORT(whole);
	if (end - off < 2u + total)
		return DEC_NM_BAD;
	end = off + 2 + total;
	for (off += 2; off < end; off += 4u + len) {
		if (end - off < 4)
			return DEC_NM_BAD;
		if (!rd_be16(h, off, &type) || !rd_be16(h, off + 2, &len))
			return SHORT(whole);
		if (end - off - 4 < len)
			return DEC_NM_BAD;
		if (type == 0)
			return sni_entry(h, whole, off + 4, len, name);
	}
	return DEC_NM_NONE;
}

int dec_tls_hello_sni(const struct rd_span *hs, bool whole, char *name)
{
	uint8_t b[4], sid, comp;
	uint16_t cs;
	uint32_t hlen, off, end;
	struct rd_span h = *hs;

	name[0] = '\0';
	if (!rd_u8(&h, 0, &b[0]) || b[0] != 1)
		return rd_has(&h, 0, 1) ? DEC_NM_NONE : SHORT(whole);
	if (!rd_bytes(&h, 1, b + 1, 3))
		return SHORT(whole);
	hlen = (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	end = 4 + hlen;
	/* beyond its own length the bytes are another message's */
	whole = whole && h.len >= end;
	if (h.len > end)
		h.len = end;
	off = 4 + 2 + 32;	/* legacy_version, random */
	if (!rd_u8(&h, off, &sid))
		return SHORT(whole);
	if (sid > 32)
		return DEC_NM_BAD;
	off += 1u + sid;
	if (!rd_be16(&h, off, &cs))
		return SHORT(whole);
	if (cs < 2 || cs % 2)
		return DEC_NM_BAD;
	off += 2u + cs;
	if (!rd_u8(&h, off, &comp))
		return SHORT(whole);
	if (comp < 1)
		return DEC_NM_BAD;
	off += 1u + comp;
	if (off > end)
		return DEC_NM_BAD;
	return hello_exts(&h, whole, off, end, name);
}

int dec_tls_sni(const struct rd_span *s, bool whole, char *name)
{
	uint8_t b[6];
	uint16_t rlen;
	struct rd_span h;

	name[0] = '\0';
	if (!rd_bytes(s, 0, b, 6) || b[0] != 22 || b[1] != 3 || b[2] > 4 ||
	    b[5] != 1)
		return DEC_NM_NONE;	/* not a handshake record's hello */
	rlen = (uint16_t)(b[3] << 8 | b[4]);
	if (!rd_has(s, 6, 3))
		return SHORT(whole);
	if (rlen < 4)
		return DEC_NM_BAD;
	/* the hello within this record: a hello longer than the record
	 * goes on in the next one, so it is cut here, not bad */
	h = rd_sub(s, 5);
	if (h.len > rlen)
		h.len = rlen;
	return dec_tls_hello_sni(&h, whole && h.len == rlen, name);
}

/* ---- HTTP/1 Host ---------------------------------------------------------- */

/* The end of the line starting at off (the offset of its CR LF), or
 * UINT32_MAX when the span ends first. */
static uint32_t line_end(const struct rd_span *s, uint32_t off)
{
	for (uint32_t i = off; i + 1 < s->len && i - off < HTTP_MAX_LINE; i++)
		if (s->p[i] == '\r' && s->p[i + 1] == '\n')
			return i;
	return UINT32_MAX;
}

/* A request line: a method token (upper-case letters), a target, and
 * "HTTP/1.x".  Returns the offset after its CR LF, 0 when it is not one,
 * UINT32_MAX when it is cut. */
static uint32_t request_line(const struct rd_span *s)
{
	uint32_t i = 0, e;

	while (i < s->len && i < 16 && s->p[i] >= 'A' && s->p[i] <= 'Z')
		i++;
	if (i == s->len)
		return i >= 3 ? UINT32_MAX : 0;
	if (i < 3 || s->p[i] != ' ')
		return 0;
	if ((e = line_end(s, i)) == UINT32_MAX)
		return s->len - i < HTTP_MAX_LINE ? UINT32_MAX : 0;
	if (e < i + 10 || memcmp(s->p + e - 9, " HTTP/1.", 8) != 0)
		return 0;
	return e + 2;
}

/* Host's value [v, e): the name without its port, unless an IP literal. */
static int host_value(const uint8_t *v, const uint8_t *e, char *name)
{
	const uint8_t *c = e;
	bool digits = true;
	size_t n = 0;

	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (v == e || *v == '[')	/* none, or an IPv6 literal */
		return DEC_NM_NONE;
	for (c = e; c > v && c[-1] >= '0' && c[-1] <= '9'; c--)
		;
	if (c > v && c[-1] == ':')	/* ":port" */
		e = c - 1;
	for (c = v; c < e; c++)
		digits &= (*c >= '0' && *c <= '9') || *c == '.';
	if (v == e || digits)		/* an IPv4 literal is no name */
		return DEC_NM_NONE;
	for (c = v; c < e; c++)
		if (!put_char(name, &n, *c, false))
			return DEC_NM_BAD;
	return DEC_NM_OK;
}

int dec_http_host(const struct rd_span *s, bool whole, char *name)
{
	uint32_t off = request_line(s), e;

	(void)whole;	/* a header block may go on in the next segment */
	name[0] = '\0';
	if (off == 0)
		return DEC_NM_NONE;
	if (off == UINT32_MAX)
		return DEC_NM_CUT;
	for (; (e = line_end(s, off)) != UINT32_MAX; off = e + 2) {
		const uint8_t *l = s->p + off;

		if (e == off)		/* the empty line: no Host */
			return DEC_NM_NONE;
		if (e - off >= 5 && (l[0] | 0x20) == 'h' &&
		    (l[1] | 0x20) == 'o' && (l[2] | 0x20) == 's' &&
		    (l[3] | 0x20) == 't' && l[4] == ':')
			return host_value(l + 5, s->p + e, name);
	}
	return DEC_NM_CUT;
}
