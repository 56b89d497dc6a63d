/*
 * dec_ether.c - Ethernet frames and the EtherType chain that leads from
 * them to an IP header: the wired link types start here, and so do the
 * tunnels that carry whole Ethernet frames (GRE 0x6558, ERSPAN, VXLAN,
 * Geneve, Ethernet over MPLS).
 *
 * Sources, and what Zeek's packet analyzers (src/packet_analysis/protocol/
 * in github.com/zeek/zeek) and Wireshark's dissectors (epan/dissectors/)
 * do with each:
 *  - IEEE 802.3: EtherType >= 0x0600, else a length; an 802.3 frame
 *    carries an EtherType only in LLC/SNAP with OUI 0 (RFC 1042) or
 *    00-00-f8 (802.1H bridge tunnel).  Zeek ethernet/, llc/, snap/.
 *  - IEEE 802.1Q / 802.1ad tags 0x8100, 0x88a8 and the pre-standard QinQ
 *    tags 0x9100, 0x9200: the outermost VLAN ID is the flow's (vlan/).
 *  - RFC 3032 MPLS label stacks, at most MAX_MPLS labels.  Nothing says
 *    what follows the bottom of the stack; like tcpdump, Zeek's mpls/ and
 *    Wireshark's packet-mpls.c we guess from the first nibble: 4 IPv4,
 *    6 IPv6, and 0 the pseudowire control word of RFC 4448 (Ethernet over
 *    MPLS: 4 bytes, then an Ethernet frame; Wireshark's "pw_eth_heuristic";
 *    Zeek stops there).  Anything else (a PW without control word, OAM)
 *    is not decoded.
 *  - RFC 2516 PPPoE session stage 0x8864, then PPP (dec_ppp.c);
 *    discovery (0x8863) is not IP.  Zeek pppoe/.
 *  - PPP directly as an EtherType (0x880b), as GRE carries it (PPTP).
 *  - Cisco FabricPath 0x8903: a 2-byte FTag/TTL, then the original frame
 *    (Zeek's ethernet/ analyzer does the same).
 *  - IEEE 802.1ah PBB 0x88e7: the 4-byte I-TAG (priority, DEI, UCA, the
 *    24-bit I-SID), then the customer frame's addresses and EtherType
 *    (Zeek pbb/, Wireshark packet-ieee8021ah.c).
 *  - Cisco VN-Tag 0x8926: 4 bytes of virtual interface ids, then an
 *    EtherType (Zeek vntag/, Wireshark packet-vntag.c).
 *  - 0x6558, Transparent Ethernet Bridging (RFC 1701): an Ethernet frame
 *    follows.  The tunnels that carry frames hand them over under it.
 *
 * Every step of the chain is one of at most MAX_ENCAPS, so a crafted frame
 * cannot make the walk long.
 */
#include "dec_int.h"

#define ET_IPV4	      0x0800
#define ET_IPV6	      0x86dd
#define ET_VLAN	      0x8100
#define ET_QINQ	      0x88a8
#define ET_QINQ_OLD1  0x9100
#define ET_QINQ_OLD2  0x9200
#define ET_MPLS_UC    0x8847
#define ET_MPLS_MC    0x8848
#define ET_PPPOE_SES  0x8864
#define ET_PPP	      0x880b
#define ET_FABRICPATH 0x8903
#define ET_PBB	      0x88e7
#define ET_VNTAG      0x8926
#define ET_TEB	      0x6558

/* Depth caps: a crafted frame can stack tags forever; real ones use 1-3. */
#define MAX_ENCAPS   8
#define MAX_MPLS     8

/* The Ethernet header at *off: the EtherType it announces, *off moved to
 * its payload.  An 802.3 length field leads on only through LLC/SNAP with
 * an EtherType (RFC 1042 OUI 0, or 802.1H 00-00-f8); any other LLC frame
 * (STP, NetBIOS, ...) is not IP whatever its length. */
static int eth_header(const struct rd_span *s, uint32_t *off, uint16_t *type)
{
	uint8_t llc[6];

	if (!rd_be16(s, *off + 12, type))
		return DEC_TRUNCATED;
	if (*type >= 0x0600) {
		*off += 14;
		return DEC_OK;
	}
	if (!rd_bytes(s, *off + 14, llc, 3))
		return DEC_TRUNCATED;
	if (llc[0] != 0xaa || llc[1] != 0xaa || llc[2] != 0x03)
		return DEC_UNSUPPORTED;
	if (!rd_bytes(s, *off + 17, llc + 3, 3) || !rd_be16(s, *off + 20, type))
		return DEC_TRUNCATED;
	if (llc[3] || llc[4] || (llc[5] && llc[5] != 0xf8))
		return DEC_UNSUPPORTED;
	*off += 22;
	return DEC_OK;
}

/* An MPLS label stack at *off; *type becomes what its payload looks like
 * (see the top of this file). */
static int mpls(const struct rd_span *s, uint32_t *off, uint16_t *type)
{
	uint32_t lse;
	uint8_t v;

	for (int n = 0;; n++) {
		if (n == MAX_MPLS)
			return DEC_INVALID;
		if (!rd_be32(s, *off, &lse))
			return DEC_TRUNCATED;
		*off += 4;
		if (lse & 0x100)	/* bottom of stack */
			break;
	}
	if (!rd_u8(s, *off, &v))
		return DEC_TRUNCATED;
	if (v >> 4 == 4) {
		*type = ET_IPV4;
	} else if (v >> 4 == 6) {
		*type = ET_IPV6;
	} else if (v >> 4 == 0) {
		if (!rd_has(s, *off, 4))	/* the control word */
			return DEC_TRUNCATED;
		*off += 4;
		*type = ET_TEB;
	} else {
		return DEC_UNSUPPORTED;
	}
	return DEC_OK;
}

int dec_ether_chain(const struct rd_span *s, uint16_t type, uint32_t off,
		    uint32_t *net_off, uint16_t *ethertype, uint16_t *vlan)
{
	for (int depth = 0; depth <= MAX_ENCAPS; depth++) {
		uint16_t tci;
		int st = DEC_OK;

		switch (type) {
		case ET_IPV4:
		case ET_IPV6:
			*net_off = off;
			*ethertype = type;
			return DEC_OK;
		case ET_VLAN:
		case ET_QINQ:
		case ET_QINQ_OLD1:
		case ET_QINQ_OLD2:
			if (!rd_be16(s, off, &tci) || !rd_be16(s, off + 2, &type))
				return DEC_TRUNCATED;
			if (*vlan == DEC_NO_VLAN)
				*vlan = tci & 0x0fff;
			off += 4;
			break;
		case ET_MPLS_UC:
		case ET_MPLS_MC:
			st = mpls(s, &off, &type);
			break;
		case ET_PPPOE_SES:
			/* ver/type, code, session id, length; then PPP */
			st = dec_ppp(s, off + 6, 0, &off, &type);
			break;
		case ET_PPP:
			st = dec_ppp(s, off, 1, &off, &type);
			break;
		case ET_FABRICPATH:	/* FTag/TTL, then the original frame */
			off += 2;
			st = eth_header(s, &off, &type);
			break;
		case ET_PBB:		/* I-TAG, then the customer's frame */
			off += 4;
			st = eth_header(s, &off, &type);
			break;
		case ET_VNTAG:		/* 4 bytes of VIFs, then an EtherType */
			if (!rd_be16(s, off + 4, &type))
				return DEC_TRUNCATED;
			off += 6;
			break;
		case ET_TEB:
			st = eth_header(s, &off, &type);
			break;
		default:
			return DEC_UNSUPPORTED;   /* ARP, LLDP, IPX, ... */
		}
		if (st != DEC_OK)
			return st;
	}
	return DEC_INVALID;   /* encapsulation deeper than MAX_ENCAPS */
}

int dec_ether_frame(const struct rd_span *s, uint32_t off, uint32_t *net_off,
		    uint16_t *ethertype, uint16_t *vlan)
{
	uint16_t type;
	int st = eth_header(s, &off, &type);

	if (st != DEC_OK)
		return st;
	return dec_ether_chain(s, type, off, net_off, ethertype, vlan);
}
