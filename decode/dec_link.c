/*
 * dec_link.c - link-layer decoders and the DLT table (tcpdump's printers[]).
 *
 * Each decoder finds the network header and its EtherType and remembers the
 * outermost VLAN ID.  Sources: IEEE 802.3 / 802.1Q (tag 0x8100, service tag
 * 0x88a8, and the pre-standard 0x9100/0x9200 QinQ tags), RFC 3032 (MPLS label
 * stack), RFC 2516 (PPPoE session stage), RFC 1661/5072 (PPP protocol numbers
 * 0x0021 IPv4, 0x0057 IPv6), Cisco FabricPath (EtherType 0x8903, a 2-byte
 * FTag/TTL then the original Ethernet frame, as Zeek decodes it), and for the
 * Linux cooked headers libpcap's pcap/sll.h and tcpdump.org/linktypes
 * (LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2).
 */
#include <pcap/dlt.h>
#include <stddef.h>

#include "dec.h"
#include "rd.h"

#define ET_IPV4      0x0800
#define ET_IPV6      0x86dd
#define ET_VLAN      0x8100
#define ET_QINQ      0x88a8
#define ET_QINQ_OLD1 0x9100
#define ET_QINQ_OLD2 0x9200
#define ET_MPLS_UC   0x8847
#define ET_MPLS_MC   0x8848
#define ET_PPPOE_SES 0x8864
#define ET_FABRICPATH 0x8903

/* Depth caps: a crafted frame can stack tags forever; real ones use 1-3. */
#define MAX_ENCAPS   8
#define MAX_MPLS     8

/*
 * Walk an EtherType chain: `type` was read just before offset `off`.  Follows
 * VLAN tags, MPLS, PPPoE and FabricPath until IPv4 or IPv6.
 */
static int ether_chain(const struct rd_span *s, uint16_t type, uint32_t off,
		       uint32_t *net_off, uint16_t *ethertype, uint16_t *vlan)
{
	for (int depth = 0; depth <= MAX_ENCAPS; depth++) {
		uint16_t tci, ppp;
		uint32_t lse;

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
			for (int n = 0;; n++) {
				if (n == MAX_MPLS)
					return DEC_INVALID;
				if (!rd_be32(s, off, &lse))
					return DEC_TRUNCATED;
				off += 4;
				if (lse & 0x100)	/* bottom of stack */
					break;
			}
			/* No protocol field after MPLS: guess from the IP
			 * version nibble, as tcpdump and Zeek do. */
			uint8_t v;
			if (!rd_u8(s, off, &v))
				return DEC_TRUNCATED;
			if (v >> 4 == 4)
				type = ET_IPV4;
			else if (v >> 4 == 6)
				type = ET_IPV6;
			else
				return DEC_UNSUPPORTED;   /* pseudowire etc. */
			break;
		case ET_PPPOE_SES:
			/* ver/type, code, session id, length; then PPP proto */
			if (!rd_be16(s, off + 6, &ppp))
				return DEC_TRUNCATED;
			off += 8;
			if (ppp == 0x0021)
				type = ET_IPV4;
			else if (ppp == 0x0057)
				type = ET_IPV6;
			else
				return DEC_UNSUPPORTED;   /* LCP, IPCP, ... */
			break;
		case ET_FABRICPATH:
			/* FTag/TTL, then inner DA, SA, EtherType */
			if (!rd_be16(s, off + 14, &type))
				return DEC_TRUNCATED;
			off += 16;
			break;
		default:
			return DEC_UNSUPPORTED;   /* ARP, LLDP, IPX, ... */
		}
	}
	return DEC_INVALID;   /* encapsulation deeper than MAX_ENCAPS */
}

static int link_ether(const uint8_t *f, uint32_t caplen, uint32_t *net_off,
		      uint16_t *ethertype, uint16_t *vlan)
{
	struct rd_span s = { f, caplen };
	uint16_t type;
	uint8_t llc[6];

	if (!rd_be16(&s, 12, &type))
		return DEC_TRUNCATED;
	if (type >= 0x0600)
		return ether_chain(&s, type, 14, net_off, ethertype, vlan);
	/* IEEE 802.3 length field: only LLC/SNAP with OUI 0 carries an
	 * EtherType (RFC 1042); any other LLC frame (STP, NetBIOS...) is
	 * not IP whatever its length. */
	if (!rd_bytes(&s, 14, llc, 3))
		return DEC_TRUNCATED;
	if (llc[0] != 0xaa || llc[1] != 0xaa || llc[2] != 0x03)
		return DEC_UNSUPPORTED;
	if (!rd_bytes(&s, 17, llc + 3, 3) || !rd_be16(&s, 20, &type))
		return DEC_TRUNCATED;
	if (llc[3] || llc[4] || llc[5])
		return DEC_UNSUPPORTED;
	return ether_chain(&s, type, 22, net_off, ethertype, vlan);
}

/* LINKTYPE_LINUX_SLL: 16 bytes, protocol (an EtherType) at offset 14. */
static int link_sll(const uint8_t *f, uint32_t caplen, uint32_t *net_off,
		    uint16_t *ethertype, uint16_t *vlan)
{
	struct rd_span s = { f, caplen };
	uint16_t type;

	if (!rd_be16(&s, 14, &type))
		return DEC_TRUNCATED;
	return ether_chain(&s, type, 16, net_off, ethertype, vlan);
}

/* LINKTYPE_LINUX_SLL2: 20 bytes, protocol at offset 0. */
static int link_sll2(const uint8_t *f, uint32_t caplen, uint32_t *net_off,
		     uint16_t *ethertype, uint16_t *vlan)
{
	struct rd_span s = { f, caplen };
	uint16_t type;

	if (!rd_be16(&s, 0, &type))
		return DEC_TRUNCATED;
	if (!rd_has(&s, 0, 20))
		return DEC_TRUNCATED;
	return ether_chain(&s, type, 20, net_off, ethertype, vlan);
}

/* BSD AF_ values for IPv6 differ per OS (tcpdump print-null.c): 24 NetBSD/
 * OpenBSD/BSD/OS, 28 FreeBSD, 30 Darwin; Linux writes 10. */
static int family_to_ethertype(uint32_t fam, uint16_t *ethertype)
{
	if (fam == 2)
		*ethertype = ET_IPV4;
	else if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
		*ethertype = ET_IPV6;
	else
		return DEC_UNSUPPORTED;
	return DEC_OK;
}

/* DLT_NULL: a 4-byte AF_ value in the byte order of the host that wrote
 * the file (values fit in 16 bits, so a large one means the other order);
 * DLT_LOOP: the same value, always in network byte order. */
static int link_af(const uint8_t *f, uint32_t caplen, uint32_t *net_off,
		   uint16_t *ethertype, int network_order)
{
	struct rd_span s = { f, caplen };
	uint32_t fam;

	if (!rd_be32(&s, 0, &fam))
		return DEC_TRUNCATED;
	if (!network_order && (fam & 0xffff0000u))
		fam = __builtin_bswap32(fam);
	*net_off = 4;
	return family_to_ethertype(fam, ethertype);
}

static int link_null(const uint8_t *f, uint32_t caplen, uint32_t *net_off,
		     uint16_t *ethertype, uint16_t *vlan)
{
	(void)vlan;
	return link_af(f, caplen, net_off, ethertype, 0);
}

static int link_loop(const uint8_t *f, uint32_t caplen, uint32_t *net_off,
		     uint16_t *ethertype, uint16_t *vlan)
{
	(void)vlan;
	return link_af(f, caplen, net_off, ethertype, 1);
}

/* DLT_RAW, DLT_IPV4, DLT_IPV6: the frame is the IP datagram. */
static int link_raw(const uint8_t *f, uint32_t caplen, uint32_t *net_off,
		    uint16_t *ethertype, uint16_t *vlan)
{
	(void)f;
	(void)caplen;
	(void)vlan;
	*net_off = 0;
	*ethertype = 0;   /* dec_ip picks by the version nibble */
	return DEC_OK;
}

static const struct dec_link links[] = {
	{ DLT_EN10MB, "DLT_EN10MB", link_ether },
	{ DLT_LINUX_SLL, "DLT_LINUX_SLL", link_sll },
	{ DLT_LINUX_SLL2, "DLT_LINUX_SLL2", link_sll2 },
	{ DLT_NULL, "DLT_NULL", link_null },
	{ DLT_LOOP, "DLT_LOOP", link_loop },
	{ DLT_RAW, "DLT_RAW", link_raw },
	{ DLT_IPV4, "DLT_IPV4", link_raw },
	{ DLT_IPV6, "DLT_IPV6", link_raw },
};

const struct dec_link *dec_link_find(int dlt)
{
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (links[i].dlt == dlt)
			return &links[i];
	return NULL;
}

int dec_frame(struct dec *d, const struct dec_link *lk, const uint8_t *frame,
	      uint32_t caplen, uint32_t wire_len, int64_t ts_ns,
	      struct dec_pkt *pkt)
{
	uint32_t net_off = 0;
	uint16_t ethertype = 0;
	int st;

	if (caplen > wire_len)
		caplen = wire_len;
	pkt->vlan = DEC_NO_VLAN;
	st = lk->fn(frame, caplen, &net_off, &ethertype, &pkt->vlan);
	if (st != DEC_OK)
		return st;
	return dec_ip(d, frame, caplen, wire_len, net_off, ethertype, ts_ns,
		      pkt);
}
