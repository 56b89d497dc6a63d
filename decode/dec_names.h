/*
 * dec_names.h - the names a packet's payload gives a remote address,
 * read with the bounds-checked readers (rd.h): the answers of a DNS
 * response (RFC 1035 4.1: A, AAAA, CNAME and PTR records, RFC 3596 for
 * AAAA), the server_name of a TLS ClientHello (RFC 8446 4.1.2, RFC 6066
 * section 3) and the Host header of an HTTP/1.x request (RFC 9112 3.2,
 * RFC 9110 7.2).  Extraction only: what to remember, and for how long, is
 * names/'s business.
 *
 * Every reader takes the payload bytes that were captured (span) and
 * whether they are the whole payload (whole: the snaplen did not cut it).
 * A read past the captured bytes of a cut payload is DEC_NM_CUT (what the
 * packet would have said is unknown); past the end of a whole one it is
 * DEC_NM_BAD (the message lies about its lengths).
 *
 * Names are returned as text: labels joined by '.', no trailing dot (the
 * root is "."), at most DEC_NAME_MAX - 1 characters.  A byte outside
 * 0x21-0x7e, and the characters that would need quoting in CSV or JSON
 * (',', '"', '\\') or that would change the label structure ('.' inside
 * a label), is written as "\DDD" (decimal, RFC 1035 5.1, as dig does), so
 * a name is always safe in every report format.  A name longer than that
 * once escaped is DEC_NM_BAD.
 */
#ifndef PORTTOP_DEC_NAMES_H
#define PORTTOP_DEC_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "rd.h"

#define DEC_NAME_MAX 256	/* text bytes of a name, NUL included */

enum dec_nm_status {
	DEC_NM_NONE = 0,	/* not this protocol, or no name in it */
	DEC_NM_OK,		/* read whole */
	DEC_NM_CUT,		/* the capture ended before the name (or, for
				   DNS, before the last answer: those before
				   were given) */
	DEC_NM_BAD,		/* a length, pointer or label is impossible */
};

/* RR types given to a dec_dns_fn. */
enum { DEC_RR_A = 1, DEC_RR_CNAME = 5, DEC_RR_PTR = 12, DEC_RR_AAAA = 28 };

/* One answer record of a DNS response.  Strings are valid during the
 * call only. */
struct dec_dns_rr {
	const char *qname;	/* the first question's name ("" when the
				   message has no question) */
	const char *owner;	/* the record's owner name */
	uint16_t type;		/* DEC_RR_* */
	uint32_t ttl;		/* seconds (RFC 2181 8: above 2^31 - 1 is 0) */
	uint8_t addr[16];	/* A: 4 bytes (the rest zero), AAAA: 16 */
	const char *target;	/* CNAME and PTR: the name it points to */
};

typedef void (*dec_dns_fn)(void *arg, const struct dec_dns_rr *rr);

/* dec_dns: a DNS message (UDP payload; for TCP the caller skips the
 * 2-byte length).  A response (QR 1) to a standard query (opcode 0) of
 * class IN gives fn each A, AAAA, CNAME and PTR answer, in order.
 * Name compression is followed at most DEC_DNS_JUMPS times per name.
 * DEC_NM_NONE for a query or another opcode, DEC_NM_OK when every answer
 * was read, else CUT or BAD (the answers before the damage were given). */
#define DEC_DNS_JUMPS 32
int dec_dns(const struct rd_span *s, bool whole, dec_dns_fn fn, void *arg);

/* dec_tls_sni: the host_name of the server_name extension of a TLS
 * ClientHello that starts the span (a TLS record of type 22 holding a
 * handshake of type 1) into name (DEC_NAME_MAX bytes).  DEC_NM_NONE when
 * the span is not a ClientHello or the ClientHello has no server_name;
 * DEC_NM_CUT when the captured bytes (or the first record, for a
 * ClientHello spread over several) end before it. */
int dec_tls_sni(const struct rd_span *s, bool whole, char *name);

/* dec_tls_hello_sni: the same from a bare handshake message (its type
 * byte first, no record header), as QUIC's CRYPTO frames carry it
 * (RFC 9001 4.1.3); whole: no byte of the hello follows the span.
 * dec_tls_sni reads its record's hello with it. */
int dec_tls_hello_sni(const struct rd_span *h, bool whole, char *name);

/* dec_quic_initial: whether the UDP payload p (len bytes captured) starts
 * with a QUIC v1 or v2 Initial packet's long header (RFC 9000 17.2.2,
 * RFC 9369 3.2): six bytes read, no cryptography, so callers can ask
 * before anything costs. */
bool dec_quic_initial(const uint8_t *p, uint32_t len);

/* dec_quic_sni: the server_name of the ClientHello in the QUIC client
 * Initial that starts the span (a UDP payload; dec_quic.c): the packet is
 * opened with the Initial keys its Destination Connection ID gives (RFC
 * 9001 5), its CRYPTO frames put in order, the hello read by
 * dec_tls_hello_sni.  DEC_NM_NONE when the span is no Initial, does not
 * open with the client's keys (a server's Initial), carries no CRYPTO frame, or is longer than 4096 bytes;
 * DEC_NM_CUT when the datagram is cut before the packet's end, or the
 * hello goes on past this packet before its server_name; DEC_NM_BAD when
 * a length overruns, or the opened payload holds a frame an Initial may
 * not carry.  Costs five HMACs, an AES block and an AES-GCM open: call it
 * only while the flow has no name. */
int dec_quic_sni(const struct rd_span *s, bool whole, char *name);

/* dec_quic_frames_sni: dec_quic_sni's second half, the opened payload f
 * of an Initial (its frames) to the server_name; the same results.
 * Public so that the decode fuzz target reaches the frame and hello
 * readers, which random bytes never reach through an AEAD tag. */
int dec_quic_frames_sni(const struct rd_span *f, char *name);

/* dec_http_host: the Host header of an HTTP/1.x request that starts the
 * span ("METHOD target HTTP/1.x\r\n" then header lines), without its
 * port, into name.  DEC_NM_NONE when the span is not such a request, or
 * its host is an IP literal (an address, not a name); DEC_NM_CUT when the
 * header block is cut before a Host line. */
int dec_http_host(const struct rd_span *s, bool whole, char *name);

#endif
