/*
 * dec_quic.c - the server name of a QUIC client's first Initial packet
 * (dec_names.h's dec_quic_sni): the long header (RFC 9000 17.2, 17.2.2),
 * header protection removed and the payload opened with the Initial keys
 * (RFC 9001 5.2-5.4, dec_quic_crypto.h), the CRYPTO frames (RFC 9000
 * 19.6) put in place by their offsets, and the ClientHello they carry
 * read by dec_tls_hello_sni, the TLS reader's own.  QUIC v2 (RFC 9369)
 * differs in the Initial's type bits, salt and labels.
 *
 * Only the first packet of a datagram is read (the Initial comes first,
 * RFC 9000 12.2), and only its CRYPTO bytes: a ClientHello that goes on
 * in the next Initial is DEC_NM_CUT unless its server_name came first.
 */
#include <string.h>

#include "dec_names.h"
#include "dec_quic_crypto.h"

#define SHORT(whole) ((whole) ? DEC_NM_BAD : DEC_NM_CUT)
#define QUIC_MAX_PKT 4096	/* an Initial longer than this is not read */
#define QUIC_MAX_HELLO 4096	/* CRYPTO stream bytes gathered */
#define QUIC_CID_MAX 20		/* RFC 9000 17.2: v1's connection IDs */

/* A client Initial's header, as read. */
struct initial {
	uint32_t version;
	uint8_t dcid[QUIC_CID_MAX], dcid_len;
	uint32_t pn_off;	/* the (protected) packet number */
	uint32_t end;		/* the packet's end (its Length) */
};

/* A variable-length integer (RFC 9000 16) at *off, moved past it. */
static bool varint(const struct rd_span *s, uint32_t *off, uint64_t *v)
{
	uint8_t b;
	unsigned n;

	if (!rd_u8(s, *off, &b))
		return false;
	n = 1u << (b >> 6);
	if (!rd_has(s, *off, n))
		return false;
	*v = b & 0x3f;
	for (unsigned i = 1; i < n; i++)
		*v = *v << 8 | s->p[*off + i];
	*off += n;
	return true;
}

bool dec_quic_initial(const uint8_t *p, uint32_t len)
{
	uint32_t v;

	if (len < 7 || !(p[0] & 0x80))
		return false;
	v = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | p[3] << 8 | p[4];
	return (v == DEC_QUIC_V1 && (p[0] & 0x30) == 0x00) ||
	       (v == DEC_QUIC_V2 && (p[0] & 0x30) == 0x10);
}

/* The long header of an Initial up to its packet number. */
static int header(const struct rd_span *s, bool whole, struct initial *q)
{
	uint32_t off = 6;
	uint64_t token, len;
	uint8_t scid;

	if (!dec_quic_initial(s->p, s->len) || !rd_be32(s, 1, &q->version))
		return DEC_NM_NONE;
	q->dcid_len = s->p[5];
	if (q->dcid_len > QUIC_CID_MAX)
		return DEC_NM_BAD;
	if (!rd_bytes(s, off, q->dcid, q->dcid_len) ||
	    !rd_u8(s, off + q->dcid_len, &scid))
		return SHORT(whole);
	if (scid > QUIC_CID_MAX)
		return DEC_NM_BAD;
	off += q->dcid_len + 1u + scid;
	if (!varint(s, &off, &token))
		return SHORT(whole);
	if (token > QUIC_MAX_PKT)
		return DEC_NM_NONE;	/* too long to read here */
	if (!rd_has(s, off, (uint32_t)token))
		return SHORT(whole);
	off += (uint32_t)token;
	if (!varint(s, &off, &len))
		return SHORT(whole);
	/* a packet number (at most 4 bytes), then the 16-byte sample */
	if (len < 4 + 16)
		return DEC_NM_BAD;
	if (len > QUIC_MAX_PKT || off + len > QUIC_MAX_PKT)
		return DEC_NM_NONE;
	if (!rd_has(s, off, (uint32_t)len))
		return SHORT(whole);
	q->pn_off = off;
	q->end = off + (uint32_t)len;
	return DEC_NM_OK;
}

/* Header protection off, payload opened into pt (*ptlen bytes).  false
 * when it does not open with the client's keys. */
static bool unprotect(const struct rd_span *s, const struct initial *q,
		      uint8_t *pt, uint32_t *ptlen)
{
	struct dec_quic_keys k;
	uint8_t aad[QUIC_MAX_PKT], mask[5];
	uint32_t pnlen, hlen;
	uint64_t pn = 0;

	if (!dec_quic_initial_keys(q->version, q->dcid, q->dcid_len, &k) ||
	    !dec_quic_hp_mask(&k, s->p + q->pn_off + 4, mask))
		return false;
	pnlen = ((s->p[0] ^ mask[0]) & 3) + 1u;
	hlen = q->pn_off + pnlen;
	memcpy(aad, s->p, hlen);
	aad[0] ^= mask[0] & 0x0f;	/* long header: 4 protected bits */
	for (uint32_t i = 0; i < pnlen; i++) {
		aad[q->pn_off + i] ^= mask[1 + i];
		/* the first Initials' numbers are small: taken as sent */
		pn = pn << 8 | aad[q->pn_off + i];
	}
	*ptlen = q->end - hlen - DEC_QUIC_TAG;
	return dec_quic_open(&k, pn, aad, hlen, s->p + hlen, q->end - hlen,
			     pt);
}

/* An ACK frame's fields after its type (RFC 9000 19.3). */
static bool skip_ack(const struct rd_span *f, uint32_t *off, bool ecn)
{
	uint64_t v, ranges;

	if (!varint(f, off, &v) || !varint(f, off, &v) ||
	    !varint(f, off, &ranges) || !varint(f, off, &v) ||
	    ranges > f->len)
		return false;
	for (uint64_t i = 0; i < 2 * ranges + (ecn ? 3 : 0); i++)
		if (!varint(f, off, &v))
			return false;
	return true;
}

/* The frames of plaintext f: CRYPTO data copied to its offset in hello,
 * have[] marking the bytes given; *any when there was CRYPTO at all.
 * false for a frame an Initial may not carry, or one that overruns. */
static bool frames(const struct rd_span *f, uint8_t *hello, uint8_t *have,
		   bool *any)
{
	uint64_t type, at, len;
	uint32_t off = 0;

	while (off < f->len) {
		if (!varint(f, &off, &type))
			return false;
		if (type == 0x00 || type == 0x01)	/* PADDING, PING */
			continue;
		if (type == 0x02 || type == 0x03) {	/* ACK */
			if (!skip_ack(f, &off, type == 0x03))
				return false;
			continue;
		}
		if (type == 0x1c)	/* CONNECTION_CLOSE: nothing follows */
			return true;
		if (type != 0x06)
			return false;
		if (!varint(f, &off, &at) || !varint(f, &off, &len) ||
		    len > f->len || !rd_has(f, off, (uint32_t)len))
			return false;
		*any = true;
		for (uint64_t i = 0; i < len && at + i < QUIC_MAX_HELLO; i++) {
			hello[at + i] = f->p[off + i];
			have[at + i] = 1;
		}
		off += (uint32_t)len;
	}
	return true;
}

int dec_quic_frames_sni(const struct rd_span *f, char *name)
{
	uint8_t hello[QUIC_MAX_HELLO], have[QUIC_MAX_HELLO];
	struct rd_span h = { .p = hello };
	bool any = false;

	name[0] = '\0';
	memset(have, 0, sizeof(have));
	if (!frames(f, hello, have, &any))
		return DEC_NM_BAD;
	if (!any)		/* an Initial with only an ACK */
		return DEC_NM_NONE;
	while (h.len < QUIC_MAX_HELLO && have[h.len])
		h.len++;
	if (h.len == 0)		/* a later piece of the hello */
		return DEC_NM_CUT;
	/* more of the stream may follow in the next Initial: never whole */
	return dec_tls_hello_sni(&h, false, name);
}

int dec_quic_sni(const struct rd_span *s, bool whole, char *name)
{
	uint8_t pt[QUIC_MAX_PKT];
	struct initial q;
	struct rd_span f = { .p = pt };
	int rc;

	name[0] = '\0';
	if ((rc = header(s, whole, &q)) != DEC_NM_OK)
		return rc;
	if (!unprotect(s, &q, pt, &f.len))
		return DEC_NM_NONE;
	return dec_quic_frames_sni(&f, name);
}
