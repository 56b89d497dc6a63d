/*
 * dec_ppp.c - PPP and Cisco HDLC headers: the protocol field that says
 * what a PPP frame carries, as an EtherType for dec_ether_chain.
 *
 * RFC 1661 section 2 (the protocol field: two bytes, or one when Protocol
 * Field Compression is on, which an odd first byte shows), RFC 1662 (PPP in
 * HDLC-like framing: address 0xff and control 0x03 before it, unless
 * Address-and-Control-Field-Compression left them out), RFC 1332 / 5072
 * (0x0021 IPv4, 0x0057 IPv6), RFC 3032 section 4.3 (0x0281 and 0x0283
 * MPLS).  Cisco HDLC (tcpdump print-chdlc.c, Wireshark packet-chdlc.c):
 * address 0x0f (unicast) or 0x8f (broadcast), control 0, then an EtherType.
 * Link types (tcpdump.org/linktypes): DLT_PPP (9) with or without the
 * HDLC address and control, DLT_PPP_SERIAL (50) PPP in HDLC framing or
 * Cisco HDLC, DLT_C_HDLC (104), DLT_PPP_ETHER (51) a PPPoE header without
 * the Ethernet one.  Zeek decodes DLT_PPP_SERIAL and PPPoE (ppp_serial/,
 * pppoe/, ppp/ in src/packet_analysis/protocol/); its GRE analyzer takes
 * PPTP's PPP with the address and control bytes present.
 *
 * Control protocols (LCP 0xc021, IPCP 0x8021, CCP, authentication) and
 * compressed or encrypted data (0x00fd, MPPE) carry no IP header we can
 * read: not IP.
 */
#include <pcap/dlt.h>

#include "dec_int.h"

static int ppp_to_ethertype(uint16_t proto, uint16_t *type)
{
	switch (proto) {
	case 0x0021:
		*type = 0x0800;
		return DEC_OK;
	case 0x0057:
		*type = 0x86dd;
		return DEC_OK;
	case 0x0281:
		*type = 0x8847;
		return DEC_OK;
	case 0x0283:
		*type = 0x8848;
		return DEC_OK;
	default:
		return DEC_UNSUPPORTED;
	}
}

int dec_ppp(const struct rd_span *s, uint32_t off, int hdlc, uint32_t *next,
	    uint16_t *type)
{
	uint8_t b0, b1;
	uint16_t proto;

	if (!rd_u8(s, off, &b0))
		return DEC_TRUNCATED;
	if (hdlc && b0 == 0xff) {	/* address, then control 0x03 */
		if (!rd_u8(s, off + 1, &b1))
			return DEC_TRUNCATED;
		if (b1 != 0x03)
			return DEC_INVALID;
		off += 2;
		if (!rd_u8(s, off, &b0))
			return DEC_TRUNCATED;
	}
	if (b0 & 1) {			/* protocol field compressed */
		proto = b0;
		off += 1;
	} else {
		if (!rd_be16(s, off, &proto))
			return DEC_TRUNCATED;
		off += 2;
	}
	*next = off;
	return ppp_to_ethertype(proto, type);
}

/* Cisco HDLC at off: address, control, EtherType. */
static int chdlc(const struct rd_span *s, uint32_t off, uint32_t *next,
		 uint16_t *type)
{
	uint8_t addr;

	if (!rd_u8(s, off, &addr) || !rd_be16(s, off + 2, type))
		return DEC_TRUNCATED;
	if (addr != 0x0f && addr != 0x8f)
		return DEC_UNSUPPORTED;
	*next = off + 4;
	return DEC_OK;
}

int dec_ppp_link(int dlt, const struct rd_span *s, uint32_t *next,
		 uint16_t *type)
{
	uint8_t b0;

	switch (dlt) {
	case DLT_C_HDLC:
		return chdlc(s, 0, next, type);
	case DLT_PPP_SERIAL:
		if (!rd_u8(s, 0, &b0))
			return DEC_TRUNCATED;
		if (b0 == 0x0f || b0 == 0x8f)
			return chdlc(s, 0, next, type);
		return dec_ppp(s, 0, 1, next, type);
	case DLT_PPP_ETHER:	/* ver/type, code, session, length */
		if (!rd_has(s, 0, 6))
			return DEC_TRUNCATED;
		return dec_ppp(s, 6, 0, next, type);
	default:		/* DLT_PPP */
		return dec_ppp(s, 0, 1, next, type);
	}
}
