/*
 * dec_udptun.c - tunnels carried in UDP datagrams: VXLAN, Geneve, GTP-U,
 * Teredo and AYIYA.  dec_tunnel.c asks for the datagram's payload.
 *
 * Which datagrams: those to or from the tunnel's port, the destination
 * port first.  Zeek registers these analyzers for their ports with
 * PacketAnalyzer::register_for_ports (base/packet-protocols/{vxlan,geneve,
 * gtpv1,teredo,ayiya}/main.zeek: 4789, 6081, 2152, 3544, 5072) and, after
 * counting the datagram in its own UDP connection, hands the payload to the
 * analyzer of the connection's responder port (udp/UDP.cc); the ports are
 * likely server ports, so that is the tunnel port whichever side sent it.
 * Zeek also recognises Teredo and AYIYA on any port by their first bytes
 * (DetectProtocol); porttop does not guess on other ports.  Wireshark
 * registers the same UDP ports (packet-vxlan.c, packet-geneve.c,
 * packet-gtp.c, packet-teredo.c, packet-ayiya.c).  GTP-C (2123) is
 * signalling, not a tunnel.
 *
 * Headers:
 *  - VXLAN (RFC 7348): 8 bytes (flags, VNI), then an Ethernet frame.
 *  - Geneve (RFC 8926): version 0 (else invalid, Zeek's
 *    geneve_invalid_version), option length in 4-byte words, a protocol
 *    type (0x6558 Ethernet, or an IP EtherType), VNI, options.
 *  - GTP-U (3GPP TS 29.281): version 1 with PT set; only G-PDU messages
 *    (type 255) carry a user packet; the sequence/N-PDU/next-extension word
 *    when any of E, S, PN is set; extension headers chained by their last
 *    byte, each its length in 4-byte words (at most MAX_GTP_EXT); then an
 *    IP packet known by its version nibble.
 *  - Teredo (RFC 4380 section 5.1.1): an optional authentication indicator
 *    (0x0001, ID and authentication lengths, nonce, confirmation), an
 *    optional origin indication (0x0000, port and address: 8 bytes), in
 *    that order, then IPv6.  A bubble (IPv6 with no next header and no
 *    payload) carries no packet, as Zeek's teredo/ reports it as a bubble
 *    and makes no connection of it.
 *  - AYIYA: 8 bytes (identity length as a power of two, signature length
 *    in 4-byte words, opcode, next header, epoch), identity and signature;
 *    only opcode 1 (forward) carries a packet, of IP protocol 4 or 41.
 */
#include "dec_int.h"

#define MAX_GTP_EXT 16

/* VXLAN: an Ethernet frame after 8 bytes. */
static int vxlan(const struct rd_span *s, struct dec_next *nx)
{
	int st = dec_tun_need(s, nx->off, nx->end, 8);

	nx->off += 8;
	nx->type = 0x6558;
	return st;
}

static int geneve(const struct rd_span *s, struct dec_next *nx)
{
	uint8_t b0 = 0;
	uint16_t proto = 0;
	int st = dec_tun_need(s, nx->off, nx->end, 8);

	if (st != DEC_OK)
		return st;
	rd_u8(s, nx->off, &b0);
	rd_be16(s, nx->off + 2, &proto);
	if (b0 >> 6)
		return DEC_INVALID;
	if ((st = dec_tun_need(s, nx->off, nx->end, 8 + (b0 & 0x3fu) * 4)))
		return st;
	nx->off += 8 + (b0 & 0x3fu) * 4;
	if (nx->off == nx->end)
		return DEC_UNSUPPORTED;		/* nothing tunnelled */
	if (proto != 0x6558 && proto != 0x0800 && proto != 0x86dd)
		return DEC_UNSUPPORTED;
	nx->type = proto;
	return DEC_OK;
}

/* GTP-U extension headers from off (the first of type `next`). */
static int gtp_ext(const struct rd_span *s, struct dec_next *nx, uint8_t next)
{
	for (int n = 0; next; n++) {
		uint8_t len = 0;
		int st;

		if (n == MAX_GTP_EXT)
			return DEC_INVALID;
		if ((st = dec_tun_need(s, nx->off, nx->end, 1)) != DEC_OK)
			return st;
		rd_u8(s, nx->off, &len);
		if (len == 0)
			return DEC_INVALID;
		if ((st = dec_tun_need(s, nx->off, nx->end, len * 4u)))
			return st;
		rd_u8(s, nx->off + len * 4u - 1, &next);
		nx->off += len * 4u;
	}
	return DEC_OK;
}

static int gtpu(const struct rd_span *s, struct dec_next *nx)
{
	uint8_t flags = 0, type = 0, next = 0;
	uint16_t len = 0;
	int st = dec_tun_need(s, nx->off, nx->end, 8);

	if (st != DEC_OK)
		return st;
	rd_u8(s, nx->off, &flags);
	rd_u8(s, nx->off + 1, &type);
	rd_be16(s, nx->off + 2, &len);
	if (flags >> 5 != 1 || !(flags & 0x10))
		return DEC_INVALID;		/* GTPv1, PT = GTP */
	if (len > nx->end - nx->off - 8)
		return DEC_INVALID;
	nx->end = nx->off + 8 + len;		/* the message's own length */
	if (type != 255)
		return DEC_UNSUPPORTED;		/* echo, error, end marker */
	nx->off += 8;
	if (flags & 0x07) {			/* E, S or PN: one more word */
		if ((st = dec_tun_need(s, nx->off, nx->end, 4)) != DEC_OK)
			return st;
		if (flags & 0x04)
			rd_u8(s, nx->off + 3, &next);
		nx->off += 4;
	}
	if ((st = gtp_ext(s, nx, next)) != DEC_OK)
		return st;
	nx->type = 0;				/* IP, by its version */
	return nx->off == nx->end ? DEC_UNSUPPORTED : DEC_OK;
}

static int teredo(const struct rd_span *s, struct dec_next *nx)
{
	int origin = 0, auth = 0, st;

	for (;;) {
		uint16_t tag = 0;
		uint8_t idl = 0, aul = 0, nh = 0;

		if ((st = dec_tun_need(s, nx->off, nx->end, 2)) != DEC_OK)
			return st;
		rd_be16(s, nx->off, &tag);
		if (tag == 1 && !origin && !auth) {	/* authentication */
			if ((st = dec_tun_need(s, nx->off, nx->end, 4)))
				return st;
			rd_u8(s, nx->off + 2, &idl);
			rd_u8(s, nx->off + 3, &aul);
			if ((st = dec_tun_need(s, nx->off, nx->end,
					       13u + idl + aul)))
				return st;
			nx->off += 13u + idl + aul;
			auth = 1;
		} else if (tag == 0 && !origin) {	/* origin indication */
			if ((st = dec_tun_need(s, nx->off, nx->end, 8)))
				return st;
			nx->off += 8;
			origin = 1;
		} else if (tag >> 12 == 6) {
			if ((st = dec_tun_need(s, nx->off, nx->end, 40)))
				return st;
			rd_be16(s, nx->off + 4, &tag);
			rd_u8(s, nx->off + 6, &nh);
			nx->type = 0x86dd;
			return nh == 59 && tag == 0 ? DEC_UNSUPPORTED : DEC_OK;
		} else {
			return DEC_UNSUPPORTED;		/* not Teredo */
		}
	}
}

static int ayiya(const struct rd_span *s, struct dec_next *nx)
{
	uint8_t b0 = 0, b1 = 0, b2 = 0, nh = 0;
	uint32_t hlen;
	int st = dec_tun_need(s, nx->off, nx->end, 8);

	if (st != DEC_OK)
		return st;
	rd_u8(s, nx->off, &b0);
	rd_u8(s, nx->off + 1, &b1);
	rd_u8(s, nx->off + 2, &b2);
	rd_u8(s, nx->off + 3, &nh);
	hlen = 8 + (1u << (b0 >> 4)) + (b1 >> 4) * 4u;
	if ((st = dec_tun_need(s, nx->off, nx->end, hlen)) != DEC_OK)
		return st;
	if ((b2 & 0x0f) != 1 || (nh != 4 && nh != 41))
		return DEC_UNSUPPORTED;		/* not a forwarded packet */
	nx->off += hlen;
	nx->type = nh == 4 ? 0x0800 : 0x86dd;
	return DEC_OK;
}

static int port_tunnel(uint16_t port)
{
	switch (port) {
	case 4789:
		return DEC_TUN_VXLAN;
	case 6081:
		return DEC_TUN_GENEVE;
	case 2152:
		return DEC_TUN_GTPU;
	case 3544:
		return DEC_TUN_TEREDO;
	case 5072:
		return DEC_TUN_AYIYA;
	default:
		return DEC_TUN_NONE;
	}
}

int dec_udp_tunnel(const struct rd_span *s, const struct dec_pkt *o,
		   struct dec_next *nx)
{
	int tun = port_tunnel(o->dport);

	if (!tun)
		tun = port_tunnel(o->sport);
	if (!tun)
		return DEC_OK;
	nx->seg[0] = (uint8_t)tun;
	nx->nseg = 1;
	if (!(o->l4 & DEC_L4_HDR))
		return DEC_TRUNCATED;
	nx->off = o->l4_off + 8;
	if (nx->end < nx->off)
		return DEC_INVALID;
	if (o->payload_len < nx->end - nx->off)	/* the UDP length's end */
		nx->end = nx->off + o->payload_len;
	switch (tun) {
	case DEC_TUN_VXLAN:
		return vxlan(s, nx);
	case DEC_TUN_GENEVE:
		return geneve(s, nx);
	case DEC_TUN_GTPU:
		return gtpu(s, nx);
	case DEC_TUN_TEREDO:
		return teredo(s, nx);
	default:
		return ayiya(s, nx);
	}
}
