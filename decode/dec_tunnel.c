/*
 * dec_tunnel.c - packets inside packets: the walk from an IP record to the
 * IP packet its payload carries, for IP-level tunnels (GRE and IP-in-IP)
 * here and UDP ones in dec_udptun.c, one layer at a time up to the cap
 * (dec.h, DEC_MAX_TUNNELS).
 *
 * Which outer packets are opened, following Zeek's packet analyzers
 * (src/packet_analysis/protocol/ in github.com/zeek/zeek; ip/ dispatches IP
 * protocols 4 and 41 to iptunnel/ and 47 to gre/) and Wireshark's
 * dissectors (packet-ip.c's protocol table, packet-gre.c, packet-erspan.c):
 *  - IP protocol 4 (IPv4) and 41 (IPv6) in IPv4 or IPv6: the payload is the
 *    inner datagram (RFC 2003, RFC 4213, RFC 2473).
 *  - IP protocol 47, GRE.  Version 0 (RFC 2784; the key and sequence number
 *    of RFC 2890) after its optional checksum, key and sequence words:
 *    protocol type 0x0800/0x86dd an IP packet, 0x6558 an Ethernet frame
 *    (transparent Ethernet bridging, Linux gretap), 0x8847/0x8848 MPLS,
 *    0x880b PPP, 0x88be ERSPAN (type II after an 8-byte header when the
 *    sequence bit is set, type I with no header otherwise, as Wireshark
 *    tells them apart), 0x22eb ERSPAN type III (a 12-byte header, and an
 *    8-byte platform subheader when its O bit is set; frame type 0 an
 *    Ethernet frame, 2 an IP packet).  Version 1 (RFC 2637, PPTP's enhanced
 *    GRE): protocol 0x880b, the key word (payload length and call id),
 *    optional sequence and acknowledgment words, then PPP with or without
 *    its HDLC address and control bytes; acknowledgment-only packets carry
 *    nothing.  Like Zeek's gre/ analyzer, the deprecated routing field
 *    (RFC 1701) is not followed and unknown flag bits (0x0078) or versions
 *    make the header invalid.
 *  - GRE and IP-in-IP outer packets are envelopes, not connections: Zeek
 *    logs no conn.log row for them, only the inner flows, whose
 *    tunnel_parents name the tunnel (iptunnel/: one per pair of outer
 *    addresses).  UDP tunnels' outer datagrams are connections of their
 *    own (udp/ creates the connection, then forwards the payload).
 *
 * Bounds: a tunnel's payload ends where its outer packet's IP (or UDP)
 * length says, whatever follows in the frame; a header that claims more
 * is invalid, one cut by the snapshot length truncated.  The inner packet
 * is decoded from the frame's bytes up to that end, so nothing outside it
 * is ever read as part of it, and every layer consumes at least its
 * header, so the walk always moves forward and stops at the cap.
 */
#include "dec_int.h"

#define GRE_C	  0x8000	/* checksum present */
#define GRE_R	  0x4000	/* routing present (RFC 1701) */
#define GRE_K	  0x2000	/* key present */
#define GRE_S	  0x1000	/* sequence number present */
#define GRE_A	  0x0080	/* acknowledgment present (version 1) */
#define GRE_RSVD  0x0078

static const char *const tun_names[DEC_TUN_NUM] = {
	[DEC_TUN_NONE] = "-", [DEC_TUN_IPIP] = "ipip",
	[DEC_TUN_6IN4] = "6in4", [DEC_TUN_4IN6] = "4in6",
	[DEC_TUN_6IN6] = "6in6", [DEC_TUN_GRE] = "gre",
	[DEC_TUN_PPTP] = "pptp", [DEC_TUN_ERSPAN1] = "erspan1",
	[DEC_TUN_ERSPAN2] = "erspan2", [DEC_TUN_ERSPAN3] = "erspan3",
	[DEC_TUN_VXLAN] = "vxlan", [DEC_TUN_GENEVE] = "geneve",
	[DEC_TUN_GTPU] = "gtpu", [DEC_TUN_TEREDO] = "teredo",
	[DEC_TUN_AYIYA] = "ayiya",
};

const char *dec_tun_name(int tun)
{
	return tun >= 0 && tun < DEC_TUN_NUM ? tun_names[tun] : "?";
}

/* ERSPAN after GRE protocol 0x88be or 0x22eb, at nx->off. */
static int erspan(const struct rd_span *s, uint16_t proto, uint16_t gre_flags,
		  struct dec_next *nx)
{
	uint8_t b0 = 0, b10 = 0, b11 = 0;
	int st;

	nx->nseg = 2;
	nx->type = 0x6558;
	if (proto == 0x88be && !(gre_flags & GRE_S)) {
		nx->seg[1] = DEC_TUN_ERSPAN1;	/* no header of its own */
		return DEC_OK;
	}
	nx->seg[1] = proto == 0x88be ? DEC_TUN_ERSPAN2 : DEC_TUN_ERSPAN3;
	st = dec_tun_need(s, nx->off, nx->end, proto == 0x88be ? 8 : 12);
	if (st != DEC_OK)
		return st;
	rd_u8(s, nx->off, &b0);
	if (b0 >> 4 != (proto == 0x88be ? 1 : 2))
		return DEC_INVALID;		/* version: 1 type II, 2 III */
	if (proto == 0x88be) {
		nx->off += 8;
		return DEC_OK;
	}
	rd_u8(s, nx->off + 10, &b10);	/* P, FT(5), hardware id ... */
	rd_u8(s, nx->off + 11, &b11);	/* ... D, Gra(2), O */
	nx->off += 12;
	if (b11 & 0x01) {			/* O: platform subheader */
		if ((st = dec_tun_need(s, nx->off, nx->end, 8)) != DEC_OK)
			return st;
		nx->off += 8;
	}
	switch ((b10 >> 2) & 0x1f) {		/* frame type */
	case 0:
		return DEC_OK;
	case 2:
		nx->type = 0;
		return DEC_OK;
	default:
		return DEC_UNSUPPORTED;
	}
}

/* The GRE header at nx->off; nx->type what it carries. */
static int gre(const struct rd_span *s, struct dec_next *nx)
{
	uint16_t fv = 0, proto = 0;
	uint32_t hlen = 4;
	int st, ver;

	nx->seg[0] = DEC_TUN_GRE;
	nx->nseg = 1;
	if ((st = dec_tun_need(s, nx->off, nx->end, 4)) != DEC_OK)
		return st;
	rd_be16(s, nx->off, &fv);
	rd_be16(s, nx->off + 2, &proto);
	ver = fv & 7;
	if (ver == 1)
		nx->seg[0] = DEC_TUN_PPTP;
	if (ver > 1 || (fv & GRE_RSVD))
		return DEC_INVALID;
	if (fv & GRE_R)
		return DEC_UNSUPPORTED;
	if (ver == 1 && (proto != 0x880b || !(fv & GRE_K)))
		return DEC_INVALID;
	hlen += (fv & GRE_C ? 4 : 0) + (fv & GRE_K ? 4 : 0) +
		(fv & GRE_S ? 4 : 0) + (fv & GRE_A ? 4 : 0);
	if ((st = dec_tun_need(s, nx->off, nx->end, hlen)) != DEC_OK)
		return st;
	nx->off += hlen;
	if (nx->off == nx->end)
		return DEC_UNSUPPORTED;		/* a keepalive or a PPTP ack */
	switch (proto) {
	case 0x0800:
	case 0x86dd:
	case 0x6558:
	case 0x8847:
	case 0x8848:
	case 0x880b:
		nx->type = proto;
		return DEC_OK;
	case 0x88be:
	case 0x22eb:
		return erspan(s, proto, fv, nx);
	default:
		return DEC_UNSUPPORTED;
	}
}

/* The tunnel (if any) whose header starts o's payload. */
static int tunnel_next(const struct rd_span *s, const struct dec_pkt *o,
		       struct dec_next *nx)
{
	if (o->frag == DEC_FRAG_LATER)
		return DEC_OK;
	nx->off = o->l4_off;
	nx->end = o->l4_off + o->l4_len;
	switch (o->proto) {
	case 4:
	case 41:
		nx->nseg = 1;
		nx->seg[0] = o->proto == 4 ?
			(o->ipv == 4 ? DEC_TUN_IPIP : DEC_TUN_4IN6) :
			(o->ipv == 4 ? DEC_TUN_6IN4 : DEC_TUN_6IN6);
		nx->type = o->proto == 4 ? 0x0800 : 0x86dd;
		return DEC_OK;
	case 47:
		return gre(s, nx);
	case P_UDP:
		return dec_udp_tunnel(s, o, nx);
	default:
		return DEC_OK;
	}
}

/* The packet nx leads to, into in: its link chain (an Ethernet frame,
 * MPLS, PPP) then its IP header, read only up to the tunnel's end. */
static int inner(struct dec *d, const struct rd_span *f, uint32_t wire_len,
		 int64_t ts_ns, const struct dec_pkt *o,
		 const struct dec_next *nx, struct dec_pkt *in)
{
	struct rd_span s = { f->p, f->len < nx->end ? f->len : nx->end };
	uint32_t net_off = nx->off;
	uint16_t type = nx->type, vlan = DEC_NO_VLAN;
	unsigned k = 0;
	int st;

	if (type != 0 && type != 0x0800 && type != 0x86dd) {
		st = dec_ether_chain(&s, type, nx->off, &net_off, &type, &vlan);
		if (st != DEC_OK)
			return st;
	}
	in->vlan = vlan;	/* the VLAN inside the tunnel, as Zeek keys it */
	st = dec_ip_at(d, &s, net_off, nx->end, type, ts_ns, wire_len, in);
	in->layer = (uint8_t)(o->layer + 1);
	while (k < DEC_MAX_CHAIN && o->tun[k]) {
		in->tun[k] = o->tun[k];
		k++;
	}
	for (unsigned i = 0; i < nx->nseg && k < DEC_MAX_CHAIN; i++)
		in->tun[k++] = nx->seg[i];
	if (k < DEC_MAX_CHAIN)
		in->tun[k] = 0;
	return st;
}

int dec_tunnels(struct dec *d, const struct rd_span *f, uint32_t wire_len,
		int64_t ts_ns, struct dec_pkt *pkt)
{
	unsigned n = 0;

	for (;;) {
		struct dec_pkt *o = &pkt[n];
		struct dec_next nx = { 0 };
		int st = tunnel_next(f, o, &nx);

		if (nx.nseg == 0)		/* nothing inside: done */
			break;
		o->carrier = nx.seg[0];
		if (st == DEC_OK && n == d->tunnels)
			st = DEC_INVALID;	/* nested deeper than the cap */
		if (st == DEC_OK)
			st = inner(d, f, wire_len, ts_ns, o, &nx, &pkt[n + 1]);
		if (st != DEC_OK) {
			/* not IP inside (ARP, PPP control): o is the
			 * innermost packet; a cut or bad inner header: the
			 * frame is counted in its outer flows only */
			d->layers = n + 1;
			return st == DEC_UNSUPPORTED ? DEC_OK : st;
		}
		n++;
	}
	d->layers = n + 1;
	return DEC_OK;
}
