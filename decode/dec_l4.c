/*
 * dec_l4.c - transport headers: TCP (RFC 9293), UDP (RFC 768), SCTP
 * (RFC 9260 common header), ICMP (RFC 792) and ICMPv6 (RFC 4443), including
 * the datagram an ICMP error quotes.
 *
 * The ports are the flow key: once they are captured the packet belongs to a
 * flow even if the rest of the header is cut by the snaplen (it still counts
 * with its wire length).  The fields after the ports are only reported when
 * the whole fixed header was captured (DEC_L4_HDR).
 */
#include <string.h>

#include "dec_int.h"


/* ICMP error types that quote the offending datagram: RFC 792 destination
 * unreachable 3, source quench 4, redirect 5, time exceeded 11, parameter
 * problem 12; RFC 4443 types 1-4 (all error messages are < 128). */
static int icmp_is_error(uint8_t proto, uint8_t type)
{
	if (proto == P_ICMP)
		return type == 3 || type == 4 || type == 5 || type == 11 ||
		       type == 12;
	return type < 128;
}

/* The quoted datagram: IP header, then at least 8 bytes of its transport
 * header (RFC 792; RFC 4443 quotes as much as fits).  Nothing in it is
 * trusted beyond what we read: its lengths describe a packet we never saw. */
static void icmp_inner(const struct rd_span *s, struct dec_inner *in)
{
	uint8_t v, nh;
	uint32_t off;

	if (!rd_u8(s, 0, &v))
		return;
	if (v >> 4 == 4) {
		if (!rd_has(s, 0, 20))
			return;
		off = (uint32_t)(v & 0x0f) * 4;
		if (off < 20)
			return;
		rd_u8(s, 9, &in->proto);
		rd_bytes(s, 12, in->src, 4);
		rd_bytes(s, 16, in->dst, 4);
		in->ipv = 4;
	} else if (v >> 4 == 6) {
		if (!rd_has(s, 0, 40))
			return;
		rd_u8(s, 6, &nh);
		rd_bytes(s, 8, in->src, 16);
		rd_bytes(s, 24, in->dst, 16);
		off = 40;
		/* Skip the common extension headers a quoted packet may carry;
		 * stop at anything else. */
		for (int n = 0; n < 8 && (nh == 0 || nh == 43 || nh == 60);
		     n++) {
			uint8_t hl;

			if (!rd_u8(s, off, &nh) || !rd_u8(s, off + 1, &hl))
				return;
			off += ((uint32_t)hl + 1) * 8;
		}
		in->proto = nh;
		in->ipv = 6;
	} else {
		return;
	}
	in->valid = 1;
	if ((in->proto == P_TCP || in->proto == P_UDP || in->proto == P_SCTP) &&
	    rd_be16(s, off, &in->sport) && rd_be16(s, off + 2, &in->dport))
		in->has_ports = 1;
}

int dec_l4(const struct rd_span *s, struct dec_pkt *pkt)
{
	uint8_t doff = 0, type, code;
	uint16_t ulen16;
	uint32_t ulen;

	switch (pkt->proto) {
	case P_TCP:
	case P_UDP:
	case P_SCTP:
		if (pkt->l4_len < 4)	/* datagram too short for ports */
			return pkt->ip_bad_len ? DEC_TRUNCATED : DEC_INVALID;
		if (!rd_be16(s, 0, &pkt->sport) || !rd_be16(s, 2, &pkt->dport))
			return DEC_TRUNCATED;
		pkt->l4 = DEC_L4_PORTS;
		break;
	case P_ICMP:
	case P_ICMPV6:
		if (pkt->l4_len < 4)
			return DEC_INVALID;
		if (!rd_u8(s, 0, &type) || !rd_u8(s, 1, &code))
			return DEC_TRUNCATED;
		pkt->sport = type;
		pkt->dport = code;
		pkt->l4 = DEC_L4_PORTS;
		break;
	default:
		return DEC_OK;	      /* port-less protocol: addresses only */
	}

	switch (pkt->proto) {
	case P_TCP:
		if (!rd_has(s, 0, 20))
			return pkt->l4_len < 20 &&
			       pkt->frag != DEC_FRAG_FIRST && !pkt->ip_bad_len ?
			       DEC_INVALID : DEC_OK;
		rd_be32(s, 4, &pkt->seq);
		rd_be32(s, 8, &pkt->ack);
		rd_u8(s, 12, &doff);
		rd_u8(s, 13, &pkt->tcp_flags);
		rd_be16(s, 14, &pkt->win);
		doff = (uint8_t)((doff >> 4) * 4);
		/* Data offset below 5 words, or beyond the segment: the
		 * header cannot be parsed, the segment not trusted. */
		if (doff < 20 || doff > pkt->l4_len)
			return DEC_INVALID;
		pkt->payload_len = pkt->l4_len - doff;
		pkt->l4 |= DEC_L4_HDR;
		break;
	case P_UDP:
		if (pkt->l4_len < 8 && pkt->frag != DEC_FRAG_FIRST &&
		    !pkt->ip_bad_len)
			return DEC_INVALID;
		if (!rd_has(s, 0, 8) || !rd_be16(s, 4, &ulen16))
			return DEC_OK;
		ulen = ulen16;
		if (ulen == 0 && pkt->ipv == 6)	      /* RFC 2675 jumbogram */
			ulen = pkt->l4_len;
		if (ulen < 8)
			return DEC_INVALID;
		/* A first fragment's ulen covers the whole datagram; otherwise
		 * it cannot exceed what the IP length leaves. */
		if (ulen > pkt->l4_len && pkt->frag != DEC_FRAG_FIRST &&
		    pkt->l4_len >= 8)
			ulen = pkt->l4_len;
		pkt->payload_len = ulen - 8u;
		pkt->l4 |= DEC_L4_HDR;
		break;
	case P_SCTP:
		if (rd_has(s, 0, 12))
			pkt->l4 |= DEC_L4_HDR;
		pkt->payload_len = pkt->l4_len >= 12 ? pkt->l4_len - 12 : 0;
		break;
	default:	/* ICMP, ICMPv6 */
		if (!rd_has(s, 0, 8))
			return DEC_OK;
		pkt->l4 |= DEC_L4_HDR;
		pkt->payload_len = pkt->l4_len >= 8 ? pkt->l4_len - 8 : 0;
		if (icmp_is_error(pkt->proto, (uint8_t)pkt->sport)) {
			struct rd_span in = rd_sub(s, 8);
			icmp_inner(&in, &pkt->inner);
		}
		break;
	}
	return DEC_OK;
}
