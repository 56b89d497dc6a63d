/* dec_int.h - decode/ internals shared between its files; not a public API. */
#ifndef PORTTOP_DEC_INT_H
#define PORTTOP_DEC_INT_H

#include "dec.h"
#include "rd.h"

/* Transport layer: `s` holds the captured part of the transport header and
 * payload (at most pkt->l4_len bytes).  Fills ports and the DEC_L4_* bits of
 * pkt; returns a dec_status. */
int dec_l4(const struct rd_span *s, struct dec_pkt *pkt);

/* The fragment map (dec_frag.c).  `id` is the IPv4 identification or the
 * IPv6 fragment header's identification; `key_proto` the protocol every
 * fragment carries (IPv4 protocol field, IPv6 fragment header's next
 * header, which may differ from the first fragment's final transport
 * protocol when more extension headers follow it). */
/* dec_frag_first: remember the first fragment's ports for id, and hand over
 * any later fragments held for it (pkt->held_*). */
void dec_frag_first(struct dec *d, struct dec_pkt *pkt, uint32_t id,
		    uint8_t key_proto);
/* dec_frag_later: a later fragment: DEC_OK with ports filled from its first
 * fragment (and pkt->proto set to its transport protocol), or
 * DEC_FRAG_HELD when that is not seen yet. */
int dec_frag_later(struct dec *d, struct dec_pkt *pkt, uint32_t id,
		   uint8_t key_proto);

/* dec_ip_at: the IP datagram at net_off of the frame span f, whose bytes on
 * the wire end at `end` (the frame's wire length, or a tunnel's payload
 * end); wire_len is the frame's, counted as the packet's wire bytes.  The
 * record's tunnel fields are reset (an outer packet). */
int dec_ip_at(struct dec *d, const struct rd_span *f, uint32_t net_off,
	      uint32_t end, uint16_t ethertype, int64_t ts_ns,
	      uint32_t wire_len, struct dec_pkt *pkt);

/* Link-layer walks (dec_ether.c): from an EtherType `type` read just before
 * off, through VLAN tags, MPLS, PPPoE, PPP, FabricPath, PBB, VN-Tag and
 * bridged Ethernet frames (0x6558) to an IP header: its offset and
 * EtherType (0x0800, 0x86dd).  *vlan gets the first VLAN ID met unless it
 * holds one already.  dec_ether_frame: the same from an Ethernet header at
 * off. */
int dec_ether_chain(const struct rd_span *s, uint16_t type, uint32_t off,
		    uint32_t *net_off, uint16_t *ethertype, uint16_t *vlan);
int dec_ether_frame(const struct rd_span *s, uint32_t off, uint32_t *net_off,
		    uint16_t *ethertype, uint16_t *vlan);

/* PPP (dec_ppp.c): the protocol field at off (after an optional HDLC
 * address and control when hdlc), as an EtherType, *next after it; and the
 * PPP link types' headers (DLT_PPP, DLT_PPP_SERIAL, DLT_C_HDLC,
 * DLT_PPP_ETHER): *next and the EtherType of what follows. */
int dec_ppp(const struct rd_span *s, uint32_t off, int hdlc, uint32_t *next,
	    uint16_t *type);
int dec_ppp_link(int dlt, const struct rd_span *s, uint32_t *next,
		 uint16_t *type);

/* 802.11 (dec_wifi.c): the radio header of dlt and the data frame after
 * it, to the EtherType its LLC/SNAP header names (0x6558 when a PPI header
 * announces an Ethernet frame). */
int dec_wifi_link(int dlt, const struct rd_span *s, uint32_t *next,
		  uint16_t *type);

/* Tunnels (dec_tunnel.c, dec_udptun.c).  What a tunnel header leads to: */
struct dec_next {
	uint32_t off;	/* where the inner header starts in the frame */
	uint32_t end;	/* where the tunnel's payload ends (outer lengths) */
	uint16_t type;	/* the inner header: an IP EtherType, 0x6558 an
			   Ethernet frame, MPLS or PPP EtherTypes, 0 an IP
			   header known by its version */
	uint8_t seg[2];	/* enum dec_tun of its headers (gre, erspan2) */
	uint8_t nseg;	/* 0: no tunnel here */
};

/* dec_tunnels: pkt[0] decoded; add the packets inside it (see dec_frame in
 * dec.h): sets d->layers, returns the frame's status. */
int dec_tunnels(struct dec *d, const struct rd_span *f, uint32_t wire_len,
		int64_t ts_ns, struct dec_pkt *pkt);

/* dec_udp_tunnel: the UDP tunnel of o's ports, if any, into nx (nx->off
 * and nx->end set to o's payload by the caller). */
int dec_udp_tunnel(const struct rd_span *s, const struct dec_pkt *o,
		   struct dec_next *nx);

/* dec_tun_need: n bytes of a tunnel header at off: DEC_INVALID when its
 * packet ends (end) first, DEC_TRUNCATED when the capture does. */
static inline int dec_tun_need(const struct rd_span *s, uint32_t off,
			       uint32_t end, uint32_t n)
{
	if (off > end || end - off < n)
		return DEC_INVALID;	/* longer than its packet says */
	return rd_has(s, off, n) ? DEC_OK : DEC_TRUNCATED;
}

#endif
