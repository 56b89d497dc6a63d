/*
 * dec_ip.c - IPv4 (RFC 791) and IPv6 (RFC 8200) headers, IPv6 extension
 * headers, and fragments.
 *
 * The IP length field is the authority for every length below it, checked
 * against what the frame can hold: Ethernet pads frames to 60 bytes, so the
 * wire length may exceed the datagram (padding must never count as IP or
 * payload bytes), and a length field larger than the frame is flagged and
 * clamped.  A length field of zero means the capture point saw a segment
 * before offload split it (TSO/GSO) or an IPv6 jumbogram: the frame then
 * supplies the length.
 */
#include <string.h>

#include "dec_int.h"

/* IPv6 extension headers (IANA "IPv6 Extension Header Types"). */
#define NH_HOPOPTS  0
#define NH_ROUTING  43
#define NH_FRAGMENT 44
#define NH_ESP	    50
#define NH_AH	    51
#define NH_DSTOPTS  60
#define NH_MOBILITY 135
#define NH_HIP	    139
#define NH_SHIM6    140
/* A real chain has a handful.  Every header is at least 8 bytes, so the walk
 * always advances; the cap bounds the work a crafted packet can ask for
 * (libpcap's own ipv6_ext_headers.pcap test has 100, tcpdump and tshark
 * decode it, so we do too). */
#define MAX_EXT_HDRS 128

/* Datagram length from its header length `field`, checked against the
 * `avail` bytes the frame holds from the network header on. */
static uint32_t clamp_len(uint32_t field, uint32_t avail, struct dec_pkt *pkt)
{
	if (field == 0)
		return avail;
	if (field > avail) {
		pkt->ip_bad_len = 1;
		return avail;
	}
	return field;
}

/* Loose or strict source route (RFC 791 3.1, option types 131 and 137):
 * the header's destination is only the next hop; the datagram's real
 * destination is the last address of the route, which is also what the
 * transport checksum covers.  tcpdump (ip_finddst) and tshark use it. */
static void ipv4_final_dst(const struct rd_span *s, uint32_t ihl,
			   uint8_t dst[16])
{
	uint32_t off = 20;

	while (off < ihl) {
		uint8_t type, len;

		if (!rd_u8(s, off, &type) || type == 0)	/* EOL */
			return;
		if (type == 1) {			/* NOP */
			off++;
			continue;
		}
		if (!rd_u8(s, off + 1, &len) || len < 2 || len > ihl - off)
			return;				/* malformed: stop */
		if ((type == 131 || type == 137) && len >= 7 &&
		    (len - 3) % 4 == 0)
			rd_bytes(s, off + len - 4u, dst, 4);
		off += len;
	}
}

static int ipv4(struct dec *d, const struct rd_span *s, uint32_t avail,
		struct dec_pkt *pkt)
{
	uint8_t vihl, proto;
	uint16_t tot, frag;
	uint32_t ihl, off;

	if (!rd_u8(s, 0, &vihl) || !rd_has(s, 0, 20))
		return DEC_TRUNCATED;
	ihl = (uint32_t)(vihl & 0x0f) * 4;
	if (ihl < 20)
		return DEC_INVALID;
	rd_be16(s, 2, &tot);
	rd_be16(s, 6, &frag);
	rd_u8(s, 9, &proto);
	if (tot != 0 && tot < ihl)
		return DEC_INVALID;
	if (avail < ihl)
		return DEC_TRUNCATED;
	pkt->ipv = 4;
	pkt->proto = proto;
	rd_bytes(s, 12, pkt->src, 4);
	rd_bytes(s, 16, pkt->dst, 4);
	if (ihl > 20)
		ipv4_final_dst(s, ihl, pkt->dst);
	pkt->ip_len = clamp_len(tot, avail, pkt);
	pkt->l4_len = pkt->ip_len - ihl;

	off = (uint32_t)(frag & 0x1fff) * 8;
	if (off > 0) {
		uint16_t id;

		rd_be16(s, 4, &id);
		pkt->frag = DEC_FRAG_LATER;
		pkt->l4_len = 0;
		return dec_frag_later(d, pkt, id, proto);
	}
	if (!rd_has(s, 0, ihl))
		return DEC_TRUNCATED;	/* options cut: ports unreachable */

	struct rd_span l4 = rd_sub(s, ihl);
	pkt->l4_off = ihl;
	if (l4.len > pkt->l4_len)
		l4.len = pkt->l4_len;	/* drop link-layer padding */
	if (frag & 0x2000)
		pkt->frag = DEC_FRAG_FIRST;
	int st = dec_l4(&l4, pkt);
	if (st == DEC_OK && pkt->frag == DEC_FRAG_FIRST) {
		uint16_t id;

		rd_be16(s, 4, &id);
		dec_frag_first(d, pkt, id, proto);
	}
	return st;
}

static int is_ext_hdr(uint8_t nh)
{
	return nh == NH_HOPOPTS || nh == NH_ROUTING || nh == NH_FRAGMENT ||
	       nh == NH_AH || nh == NH_DSTOPTS || nh == NH_MOBILITY ||
	       nh == NH_HIP || nh == NH_SHIM6;
}

static int ipv6(struct dec *d, const struct rd_span *s, uint32_t avail,
		struct dec_pkt *pkt)
{
	uint16_t plen;
	uint8_t nh, frag_nh = 0;
	uint32_t off = 40, frag_id = 0;
	int fragmented = 0;

	if (!rd_has(s, 0, 40) || avail < 40)
		return DEC_TRUNCATED;
	rd_be16(s, 4, &plen);
	rd_u8(s, 6, &nh);
	rd_bytes(s, 8, pkt->src, 16);
	rd_bytes(s, 24, pkt->dst, 16);
	pkt->ipv = 6;
	/* Payload length 0 is a jumbogram only with a Hop-by-Hop header to
	 * carry the Jumbo Payload option (RFC 2675); otherwise it means no
	 * payload, as Zeek counts it. */
	pkt->ip_len = plen ? clamp_len(plen + 40u, avail, pkt) :
		      nh == NH_HOPOPTS ? avail : 40;

	for (int n = 0; is_ext_hdr(nh); n++) {
		uint8_t next, hl;
		uint32_t len;

		if (n == MAX_EXT_HDRS)
			return DEC_INVALID;
		if (!rd_u8(s, off, &next) || !rd_u8(s, off + 1, &hl))
			return DEC_TRUNCATED;
		if (nh == NH_FRAGMENT) {
			uint16_t fo;

			len = 8;
			if (pkt->ip_len - off < len)
				return DEC_INVALID;
			if (!rd_be16(s, off + 2, &fo) ||
			    !rd_be32(s, off + 4, &frag_id))
				return DEC_TRUNCATED;
			frag_nh = next;
			if (fo & 0xfff8) {	/* offset > 0 */
				pkt->proto = frag_nh;
				pkt->frag = DEC_FRAG_LATER;
				return dec_frag_later(d, pkt, frag_id, frag_nh);
			}
			/* offset 0 without M is an atomic fragment (RFC
			 * 8021): a whole datagram, nothing to join. */
			fragmented = fo & 1;
		} else if (nh == NH_AH) {
			len = ((uint32_t)hl + 2) * 4;	/* RFC 4302 */
		} else {
			len = ((uint32_t)hl + 1) * 8;	/* RFC 8200 4.3-4.6 */
		}
		if (pkt->ip_len - off < len)
			return DEC_INVALID;
		off += len;
		nh = next;
	}
	pkt->proto = nh;
	pkt->l4_len = pkt->ip_len - off;

	struct rd_span l4 = rd_sub(s, off);
	pkt->l4_off = off;
	if (l4.len > pkt->l4_len)
		l4.len = pkt->l4_len;
	if (fragmented)
		pkt->frag = DEC_FRAG_FIRST;
	int st = dec_l4(&l4, pkt);
	if (st == DEC_OK && fragmented)
		dec_frag_first(d, pkt, frag_id, frag_nh);
	return st;
}

int dec_ip_at(struct dec *d, const struct rd_span *f, uint32_t net_off,
	      uint32_t end, uint16_t ethertype, int64_t ts_ns,
	      uint32_t wire_len, struct dec_pkt *pkt)
{
	struct rd_span s = rd_sub(f, net_off);
	uint32_t avail = end > net_off ? end - net_off : 0;
	uint16_t vlan = pkt->vlan;	/* set by the link decoder */
	uint8_t v;
	int st;

	/* Field by field, not memset: this runs for every packet and a
	 * memset of the whole record compiles to a slow `rep stos`. */
	pkt->ts_ns = ts_ns;
	pkt->wire_len = wire_len;
	pkt->ip_len = pkt->l4_len = 0;
	pkt->vlan = vlan;
	pkt->ipv = pkt->proto = 0;
	memset(pkt->src, 0, sizeof(pkt->src));
	memset(pkt->dst, 0, sizeof(pkt->dst));
	pkt->sport = pkt->dport = 0;
	pkt->l4 = pkt->frag = pkt->ip_bad_len = pkt->tcp_flags = 0;
	pkt->seq = pkt->ack = pkt->payload_len = 0;
	pkt->win = 0;
	memset(&pkt->inner, 0, sizeof(pkt->inner));
	pkt->held_pkts = 0;
	pkt->held_wire = pkt->held_ip = 0;
	pkt->l4_off = 0;
	pkt->layer = pkt->carrier = pkt->hidden = 0;
	pkt->tun[0] = 0;
	if (!rd_u8(&s, 0, &v))
		return DEC_TRUNCATED;
	v >>= 4;
	if ((ethertype == 0x0800 && v != 4) || (ethertype == 0x86dd && v != 6))
		return DEC_INVALID;
	if (v == 4)
		st = ipv4(d, &s, avail, pkt);
	else if (v == 6)
		st = ipv6(d, &s, avail, pkt);
	else
		return ethertype ? DEC_INVALID : DEC_UNSUPPORTED;
	pkt->l4_off += net_off;
	return st;
}

int dec_ip(struct dec *d, const uint8_t *frame, uint32_t caplen,
	   uint32_t wire_len, uint32_t net_off, uint16_t ethertype,
	   int64_t ts_ns, struct dec_pkt *pkt)
{
	struct rd_span whole = { frame, caplen };

	return dec_ip_at(d, &whole, net_off, wire_len, ethertype, ts_ns,
			 wire_len, pkt);
}
