/*
 * dec_link.c - the DLT table (tcpdump's printers[]) and dec_frame, which
 * walks a frame from its link header to its IP header(s).
 *
 * Link types (tcpdump.org/linktypes, libpcap's pcap/dlt.h): Ethernet
 * (DLT_EN10MB, and DLT_ETHERNET_MPACKET: IEEE 802.3br mPackets, whose
 * preamble and start delimiter come first: an express or start-of-frame
 * delimiter is followed by a frame, a continuation fragment or a verify/
 * respond mPacket carries none, as Wireshark's packet-fpp.c reads them);
 * the Linux cooked headers (LINKTYPE_LINUX_SLL and SLL2, libpcap's
 * pcap/sll.h); BSD loopback (DLT_NULL in the writer's byte order, DLT_LOOP
 * in network order); raw IP (DLT_RAW, DLT_IPV4, DLT_IPV6); PPP and Cisco
 * HDLC (dec_ppp.c); 802.11 and its radio headers (dec_wifi.c).  What
 * follows a link header (VLAN tags, MPLS, PPPoE, ...) is dec_ether.c's;
 * tunnels inside IP are dec_tunnel.c's.
 */
#include <pcap/dlt.h>
#include <stddef.h>

#include "dec_int.h"

#define ET_IPV4      0x0800
#define ET_IPV6      0x86dd


#ifndef DLT_ETHERNET_MPACKET
#define DLT_ETHERNET_MPACKET 274
#endif
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

static int link_ether(const uint8_t *f, uint32_t caplen, uint32_t *net_off,
		      uint16_t *ethertype, uint16_t *vlan)
{
	struct rd_span s = { f, caplen };

	return dec_ether_frame(&s, 0, net_off, ethertype, vlan);
}

/* IEEE 802.3br: an optional alignment byte (0x50), preamble bytes (0x55),
 * then the SMD: express (0xd5) or start (SMD-S0..S3) before a frame. */
static int link_mpacket(const uint8_t *f, uint32_t caplen, uint32_t *net_off,
			uint16_t *ethertype, uint16_t *vlan)
{
	struct rd_span s = { f, caplen };
	uint32_t off = 0;
	uint8_t b;

	if (!rd_u8(&s, 0, &b))
		return DEC_TRUNCATED;
	if (b == 0x50)
		off = 1;
	while (rd_u8(&s, off, &b) && b == 0x55)
		off++;
	if (!rd_u8(&s, off, &b))
		return DEC_TRUNCATED;
	if (b != 0xd5 && b != 0xe6 && b != 0x4c && b != 0x7f && b != 0xb3)
		return DEC_UNSUPPORTED;	/* continuation, verify, respond */
	return dec_ether_frame(&s, off + 1, net_off, ethertype, vlan);
}

/* LINKTYPE_LINUX_SLL: 16 bytes, protocol (an EtherType) at offset 14. */
static int link_sll(const uint8_t *f, uint32_t caplen, uint32_t *net_off,
		    uint16_t *ethertype, uint16_t *vlan)
{
	struct rd_span s = { f, caplen };
	uint16_t type;

	if (!rd_be16(&s, 14, &type))
		return DEC_TRUNCATED;
	return dec_ether_chain(&s, type, 16, net_off, ethertype, vlan);
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
	return dec_ether_chain(&s, type, 20, net_off, ethertype, vlan);
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

/* The link types of dec_ppp.c and dec_wifi.c, each to its EtherType. */
#define LINK_VIA(name, fn, dlt)                                              \
	static int name(const uint8_t *f, uint32_t caplen, uint32_t *net_off, \
			uint16_t *ethertype, uint16_t *vlan)                  \
	{                                                                     \
		struct rd_span s = { f, caplen };                             \
		uint32_t off;                                                 \
		uint16_t type;                                                \
		int st = fn(dlt, &s, &off, &type);                            \
                                                                              \
		if (st != DEC_OK)                                             \
			return st;                                            \
		return dec_ether_chain(&s, type, off, net_off, ethertype,     \
				       vlan);                                 \
	}
LINK_VIA(link_ppp, dec_ppp_link, DLT_PPP)
LINK_VIA(link_ppp_serial, dec_ppp_link, DLT_PPP_SERIAL)
LINK_VIA(link_chdlc, dec_ppp_link, DLT_C_HDLC)
LINK_VIA(link_ppp_ether, dec_ppp_link, DLT_PPP_ETHER)
LINK_VIA(link_80211, dec_wifi_link, DLT_IEEE802_11)
LINK_VIA(link_radiotap, dec_wifi_link, DLT_IEEE802_11_RADIO)
LINK_VIA(link_prism, dec_wifi_link, DLT_PRISM_HEADER)
LINK_VIA(link_avs, dec_wifi_link, DLT_IEEE802_11_RADIO_AVS)
LINK_VIA(link_ppi, dec_wifi_link, DLT_PPI)

static const struct dec_link links[] = {
	{ DLT_EN10MB, "DLT_EN10MB", link_ether },
	{ DLT_LINUX_SLL, "DLT_LINUX_SLL", link_sll },
	{ DLT_LINUX_SLL2, "DLT_LINUX_SLL2", link_sll2 },
	{ DLT_NULL, "DLT_NULL", link_null },
	{ DLT_LOOP, "DLT_LOOP", link_loop },
	{ DLT_RAW, "DLT_RAW", link_raw },
	{ DLT_IPV4, "DLT_IPV4", link_raw },
	{ DLT_IPV6, "DLT_IPV6", link_raw },
	{ DLT_PPP, "DLT_PPP", link_ppp },
	{ DLT_PPP_SERIAL, "DLT_PPP_SERIAL", link_ppp_serial },
	{ DLT_C_HDLC, "DLT_C_HDLC", link_chdlc },
	{ DLT_PPP_ETHER, "DLT_PPP_ETHER", link_ppp_ether },
	{ DLT_IEEE802_11, "DLT_IEEE802_11", link_80211 },
	{ DLT_IEEE802_11_RADIO, "DLT_IEEE802_11_RADIO", link_radiotap },
	{ DLT_PRISM_HEADER, "DLT_PRISM_HEADER", link_prism },
	{ DLT_IEEE802_11_RADIO_AVS, "DLT_IEEE802_11_RADIO_AVS", link_avs },
	{ DLT_PPI, "DLT_PPI", link_ppi },
	{ DLT_ETHERNET_MPACKET, "DLT_ETHERNET_MPACKET", link_mpacket },
};

const struct dec_link *dec_link_find(int dlt)
{
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (links[i].dlt == dlt)
			return &links[i];
	return NULL;
}

void dec_set_tunnels(struct dec *d, unsigned n)
{
	d->tunnels = n < DEC_MAX_TUNNELS ? n : DEC_MAX_TUNNELS;
}

int dec_frame(struct dec *d, const struct dec_link *lk, const uint8_t *frame,
	      uint32_t caplen, uint32_t wire_len, int64_t ts_ns,
	      struct dec_pkt *pkt)
{
	struct rd_span s;
	uint32_t net_off = 0;
	uint16_t ethertype = 0;
	int st;

	d->layers = 0;
	if (caplen > wire_len)
		caplen = wire_len;
	pkt->vlan = DEC_NO_VLAN;
	st = lk->fn(frame, caplen, &net_off, &ethertype, &pkt->vlan);
	if (st != DEC_OK)
		return st;
	s = (struct rd_span){ frame, caplen };
	st = dec_ip_at(d, &s, net_off, wire_len, ethertype, ts_ns, wire_len,
		       pkt);
	if (st != DEC_OK)
		return st;
	d->layers = 1;
	if (!d->tunnels)
		return DEC_OK;
	return dec_tunnels(d, &s, wire_len, ts_ns, pkt);
}
