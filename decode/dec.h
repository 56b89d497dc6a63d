/*
 * dec.h - frame -> packet record.
 *
 * The decoder turns one captured frame into a small, self-contained record
 * (struct dec_pkt) that the flow table consumes.  It never trusts a length
 * field: every read is checked against the captured length (rd.h), and every
 * length field is checked against its protocol's minimum and against the
 * lengths around it.  A frame that cannot be placed in a flow gets a status
 * saying why; the caller counts it.
 *
 * Two lengths, always: bytes are counted from the wire length (pcap `len`),
 * headers are parsed only from the captured length (pcap `caplen`).
 *
 * Protocol facts: Ethernet II / IEEE 802.3 (EtherType >= 0x0600), IEEE 802.1Q
 * and 802.1ad VLAN tags, RFC 3032 MPLS, RFC 2516 PPPoE, Linux "cooked"
 * SLL/SLL2 (libpcap's pcap/sll.h, tcpdump.org/linktypes), BSD loopback
 * (DLT_NULL host order, DLT_LOOP network order), RFC 791 IPv4, RFC 8200 IPv6
 * and its extension headers, RFC 9293 TCP, RFC 768 UDP, RFC 9260 SCTP,
 * RFC 792 ICMP and RFC 4443 ICMPv6.  Link layers and tunnels are listed in
 * README.md ("Link types and tunnels") and at the top of each dec_*.c.
 *
 * Tunnels: one frame may carry IP packets inside IP packets (GRE, IP-in-IP,
 * VXLAN, ...).  The decoder then yields one record per IP header, outermost
 * first: pkt[0] is what a tcpdump or tshark "outermost IP header" view
 * sees, pkt[1..] the packets inside, each with its layer, the chain of
 * encapsulations around it (tun[]) and, on the record that carries a
 * tunnel, which tunnel (carrier).  Link-layer wrappings (VLAN, MPLS,
 * PPPoE, PPP, 802.11, PBB, ...) are not tunnels: they lead to the first IP
 * header and belong to pkt[0].
 */
#ifndef PORTTOP_DEC_H
#define PORTTOP_DEC_H

#include <stdbool.h>
#include <stdint.h>

/* Why a frame did or did not become part of a flow. */
enum dec_status {
	DEC_OK = 0,	    /* counted in a flow (pkt record is valid) */
	DEC_TRUNCATED,	    /* captured bytes end before the flow key */
	DEC_INVALID,	    /* a header's length or version field is impossible */
	DEC_UNSUPPORTED,    /* not IP, or an encapsulation we do not decode */
	DEC_FRAG_HELD,	    /* a later IP fragment whose first fragment is not
			       seen yet: held in the fragment map, counted in
			       the flow once the first fragment arrives */
};

/* Fragment role of a packet (RFC 791 / RFC 8200 fragment offset, MF bit). */
enum dec_frag {
	DEC_FRAG_NONE = 0,  /* not fragmented (or an atomic IPv6 fragment) */
	DEC_FRAG_FIRST,	    /* offset 0, more fragments follow */
	DEC_FRAG_LATER,	    /* offset > 0: no transport header of its own */
};

/* TCP flag bits as on the wire (RFC 9293 section 3.1). */
#define DEC_TH_FIN 0x01
#define DEC_TH_SYN 0x02
#define DEC_TH_RST 0x04
#define DEC_TH_PSH 0x08
#define DEC_TH_ACK 0x10
#define DEC_TH_URG 0x20

/* pkt->l4 bits: which transport fields could be read. */
#define DEC_L4_PORTS 0x01   /* sport/dport (or ICMP type/code) are valid */
#define DEC_L4_HDR   0x02   /* the whole fixed transport header was captured
			       (TCP 20, UDP 8, ICMP 8, SCTP 12 bytes) */

#define DEC_NO_VLAN 0xffff

/* IP protocol numbers (IANA "Assigned Internet Protocol Numbers"). */
enum { P_ICMP = 1, P_TCP = 6, P_UDP = 17, P_ICMPV6 = 58, P_SCTP = 132 };

/* The 5-tuple an ICMP error quotes (RFC 792: IP header + 8 bytes). */
struct dec_inner {
	uint8_t valid;	    /* 1 when addresses and proto were read */
	uint8_t ipv;	    /* 4 or 6 */
	uint8_t proto;	    /* IP protocol of the quoted datagram */
	uint8_t has_ports;  /* 1 when the quoted ports were captured */
	uint8_t src[16], dst[16];  /* IPv4 in the first 4 bytes, rest zero */
	uint16_t sport, dport;	   /* host byte order */
};

/* Tunnels decapsulated per frame at most (Zeek's Tunnel::max_depth is 2;
 * real networks nest 1 or 2).  A frame nested deeper is counted up to the
 * cap, in the flows of its first DEC_MAX_TUNNELS + 1 headers, and
 * reported invalid: an IP-in-IP loop ends here. */
#define DEC_MAX_TUNNELS 4
#define DEC_MAX_LAYERS	(1 + DEC_MAX_TUNNELS)
#define DEC_MAX_CHAIN	8	/* encapsulation headers around a packet (a
				   GRE tunnel with ERSPAN counts two) */

/* Encapsulations, one per tunnel header (the names of dec_tun_name, which
 * a flow's `tunnel` joins with '/': "vxlan", "gre/erspan2"). */
enum dec_tun {
	DEC_TUN_NONE = 0,
	DEC_TUN_IPIP,	   /* IPv4 in IPv4 (IP protocol 4, RFC 2003) */
	DEC_TUN_6IN4,	   /* IPv6 in IPv4 (41, RFC 4213) */
	DEC_TUN_4IN6,	   /* IPv4 in IPv6 (4, RFC 2473) */
	DEC_TUN_6IN6,	   /* IPv6 in IPv6 (41, RFC 2473) */
	DEC_TUN_GRE,	   /* GRE version 0 (RFC 2784, 2890) */
	DEC_TUN_PPTP,	   /* enhanced GRE, version 1 (RFC 2637): PPP */
	DEC_TUN_ERSPAN1,   /* Cisco ERSPAN over GRE: type I, II, III */
	DEC_TUN_ERSPAN2,
	DEC_TUN_ERSPAN3,
	DEC_TUN_VXLAN,	   /* UDP 4789 (RFC 7348) */
	DEC_TUN_GENEVE,	   /* UDP 6081 (RFC 8926) */
	DEC_TUN_GTPU,	   /* UDP 2152 (3GPP TS 29.281) */
	DEC_TUN_TEREDO,	   /* UDP 3544 (RFC 4380) */
	DEC_TUN_AYIYA,	   /* UDP 5072 (draft-massar-v6ops-ayiya) */
	DEC_TUN_NUM
};

/* dec_tun_name: "gre", "vxlan", ... ("?" for a bad code). */
const char *dec_tun_name(int tun);

/* dec_tun_over_udp: the tunnel rides in UDP datagrams, so its carrier is a
 * UDP flow of its own (Zeek logs it); IP-level tunnels (GRE, IP-in-IP)
 * are envelopes, not connections. */
static inline int dec_tun_over_udp(int tun)
{
	return tun >= DEC_TUN_VXLAN && tun < DEC_TUN_NUM;
}

/* One decoded packet.  Addresses are in network byte order (as on the
 * wire), IPv4 in the first 4 bytes of the 16 with the rest zero; every other
 * integer is in host byte order.  Lengths are bytes. */
struct dec_pkt {
	int64_t ts_ns;		/* capture time, nanoseconds since the epoch */
	uint32_t wire_len;	/* pcap len: frame bytes on the wire, link
				   header included (what tshark counts) */
	uint32_t ip_len;	/* IPv4 total length, IPv6 payload length + 40
				   (Zeek's *_ip_bytes); clamped to the bytes the
				   frame could hold, never padding */
	uint32_t l4_len;	/* transport header + payload per the IP length
				   fields (0 for later fragments) */
	uint16_t vlan;		/* outermost VLAN ID, DEC_NO_VLAN if untagged */
	uint8_t ipv;		/* 4 or 6 */
	uint8_t proto;		/* IP protocol number after IPv6 ext headers */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;	/* TCP/UDP/SCTP ports; ICMP: type and code */
	uint8_t l4;		/* DEC_L4_* bits */
	uint8_t frag;		/* enum dec_frag */
	uint8_t ip_bad_len;	/* IP length field claims more than the frame */

	/* TCP, valid when proto == 6 and (l4 & DEC_L4_HDR) */
	uint8_t tcp_flags;	/* DEC_TH_* */
	uint32_t seq, ack;	/* raw sequence and acknowledgment numbers */
	uint16_t win;		/* raw (unscaled) window */
	uint32_t payload_len;	/* TCP: l4_len - data offset * 4;
				   UDP: ulen - 8 (the datagram's, even when
				   fragmented); ICMP: l4_len - 8 */

	/* ICMP/ICMPv6 errors: the quoted datagram's tuple */
	struct dec_inner inner;

	/* Later fragments that arrived before this first fragment (same
	 * direction): counted in the flow together with this packet. */
	uint32_t held_pkts;
	uint64_t held_wire, held_ip;

	/* Tunnels (see the top of this file) */
	uint32_t l4_off;	/* the transport header's offset in the frame:
				   its payload (decode/dec_names.h) is at
				   l4_off + l4_len - payload_len for TCP,
				   l4_off + 8 for UDP */
	uint8_t layer;		/* 0: the frame's outermost IP header; n: the
				   packet inside n tunnels */
	uint8_t carrier;	/* enum dec_tun: the tunnel whose header its
				   payload was taken for (0: none), whether or
				   not what is inside decoded */
	uint8_t hidden;		/* set by the caller (the engine): count it in
				   its flow, but report no flow of it */
	uint8_t tun[DEC_MAX_CHAIN];	/* enum dec_tun: the encapsulations
					   around it, outermost first, 0 after
					   the last */
};

struct dec_frag_map;

/* Decoder state: the fragment map and its counters.  One per capture
 * thread; not thread-safe. */
struct dec {
	struct dec_frag_map *frags;
	uint64_t frags_joined;	  /* later fragments counted in a flow */
	uint64_t frags_orphaned;  /* later fragments never joined (expired or
				     evicted before their first fragment) */
	uint64_t frags_evicted;	  /* map entries evicted because it was full */
	uint64_t frag_map_capacity;
	unsigned tunnels;	  /* tunnels to decapsulate, 0 (dec_init's
				     default: the outermost IP header only) to
				     DEC_MAX_TUNNELS: dec_set_tunnels */
	unsigned layers;	  /* records the last dec_frame filled */
};

/* A link-layer decoder: returns the offset of the network header and the
 * network protocol (an EtherType: 0x0800 or 0x86dd) via *ethertype, or a
 * status other than DEC_OK. */
typedef int (*dec_link_fn)(const uint8_t *frame, uint32_t caplen,
			   uint32_t *net_off, uint16_t *ethertype,
			   uint16_t *vlan);

struct dec_link {
	int dlt;		/* libpcap DLT_* value (pcap/dlt.h) */
	const char *name;	/* "DLT_EN10MB", ... */
	dec_link_fn fn;
};

/* dec_link_find: the decoder for a libpcap DLT value (pcap_datalink()), or
 * NULL when porttop does not decode that link type. */
const struct dec_link *dec_link_find(int dlt);

/* dec_init: set up a decoder with a fragment map of `frag_slots` entries
 * (rounded up to a power of two; 0 = default 4096).  Returns 0, or -ENOMEM. */
int dec_init(struct dec *d, uint32_t frag_slots);

/* dec_free: release the fragment map.  Held fragments still pending are
 * counted as orphans first (see dec_flush). */
void dec_free(struct dec *d);

/* dec_flush: count every later fragment still held as an orphan and empty
 * the map (end of input). */
void dec_flush(struct dec *d);

/* dec_set_tunnels: decapsulate up to n tunnels per frame (capped at
 * DEC_MAX_TUNNELS); 0 decodes the outermost IP header only. */
void dec_set_tunnels(struct dec *d, unsigned n);

/* dec_frame: decode one frame of link type `lk`.  `caplen` bytes are
 * readable at `frame`; `wire_len` is the frame's length on the wire (>=
 * caplen for sane inputs; a caplen larger than wire_len is clamped, as
 * libpcap does for pre-2.3 files).  Fills pkt[0] and returns enum
 * dec_status.  Uses and updates the fragment map (times are packet times,
 * ts_ns).
 *
 * With tunnels on (dec_set_tunnels), pkt must have room for 1 + d->tunnels
 * records: pkt[1..] get the packets inside tunnels, and d->layers says how
 * many records hold a packet to count, whatever the status: a frame whose
 * tunnel header or inner header is cut gives its outer record(s) and
 * DEC_TRUNCATED (or DEC_INVALID, and for a nesting deeper than the cap);
 * one whose tunnel carries something not IP (ARP in VXLAN, PPP control in
 * PPTP) gives its outer records and DEC_OK; an inner later fragment held
 * gives its outer records and DEC_FRAG_HELD.  Without tunnels d->layers is
 * 1 for DEC_OK, else 0. */
int dec_frame(struct dec *d, const struct dec_link *lk, const uint8_t *frame,
	      uint32_t caplen, uint32_t wire_len, int64_t ts_ns,
	      struct dec_pkt *pkt);

/* dec_ip: decode an IPv4 or IPv6 datagram starting at net_off (the network
 * header) of a frame whose link layer is already parsed.  `ethertype` is
 * 0x0800 or 0x86dd (or 0 to pick by the version nibble).  Exposed for the
 * link decoders' tests and the fuzzer; dec_frame is the normal entry. */
int dec_ip(struct dec *d, const uint8_t *frame, uint32_t caplen,
	   uint32_t wire_len, uint32_t net_off, uint16_t ethertype,
	   int64_t ts_ns, struct dec_pkt *pkt);

#endif
