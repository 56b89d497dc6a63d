/*
 * test_decode.c - the decoder on real frames, whole and cut at every byte.
 *
 * One table row per real frame (frames.h names the capture and frame):
 * what tcpdump -nn -vv -S says every field of struct dec_pkt must be.
 * Two tests per row:
 *   fields:   the whole frame, every field the frame determines.
 *   truncate: dec_frame at caplen 0, 1, ..., full with the full wire length.
 *             DEC_TRUNCATED while the bytes end before the flow key (ports,
 *             ICMP type and code, or for port-less protocols the IP header);
 *             from there on DEC_OK with the same key and the lengths of the
 *             whole frame (a cut packet still counts in its flow), and
 *             DEC_L4_HDR exactly when the fixed transport header is captured.
 *             Every byte count is a separate heap block (frames.h t_decode),
 *             so AddressSanitizer sees any read past caplen.
 * The length-field traps are in test_decode_ip.c and test_decode_l4.c, the
 * link layer in test_decode_link.c and test_decode_encap.c, fragments in
 * test_decode_frag.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

/* before frames.h: the frames carry this time (checked in every test) */
#define TS 1700000000123456789LL
#include "frames.h"


struct want {
	const char *name;
	int dlt;
	const uint8_t *f;
	uint32_t caplen, wire;
	uint32_t key_at;	/* frame offset of the ports / ICMP type; for a
				   port-less protocol, of the end of the IP
				   header */
	int vlan;		/* outermost VLAN ID, 0 = untagged (no frame
				   here carries VLAN 0) */
	uint8_t ipv, proto, frag;
	const char *src, *dst;
	uint16_t sport, dport;	/* ICMP: type, code */
	uint32_t ip_len, l4_len, payload_len;
	/* TCP */
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win;
	/* ICMP errors: the quoted datagram (iproto 0: nothing quoted) */
	uint8_t iproto;
	const char *isrc, *idst;
	uint16_t isport, idport;
};

#define FR(a, w) .f = a, .caplen = sizeof(a), .wire = w

static const struct want W[] = {
	/* ---- Ethernet, our captures ---- */
	{ "tcp-http-curl#3 IPv4 TCP SYN", DLT_EN10MB, FR(f_tcp_syn, 74),
	  .key_at = 34, .ipv = 4, .proto = 6,
	  .src = "10.99.0.1", .dst = "10.99.0.2", .sport = 44986, .dport = 8080,
	  .ip_len = 60, .l4_len = 40, .payload_len = 0,
	  .flags = DEC_TH_SYN, .seq = 1289039902, .ack = 0, .win = 64240 },
	{ "tcp-http-curl#6 IPv4 TCP data", DLT_EN10MB, FR(f_tcp_data, 153),
	  .key_at = 34, .ipv = 4, .proto = 6,
	  .src = "10.99.0.1", .dst = "10.99.0.2", .sport = 44986, .dport = 8080,
	  .ip_len = 139, .l4_len = 119, .payload_len = 87,
	  .flags = DEC_TH_PSH | DEC_TH_ACK, .seq = 1289039903,
	  .ack = 1901556293, .win = 63 },
	{ "tcp-refused#4 IPv4 TCP RST-ACK", DLT_EN10MB, FR(f_tcp_rst, 54),
	  .key_at = 34, .ipv = 4, .proto = 6,
	  .src = "10.99.0.2", .dst = "10.99.0.1", .sport = 8081, .dport = 60060,
	  .ip_len = 40, .l4_len = 20, .payload_len = 0,
	  .flags = DEC_TH_RST | DEC_TH_ACK, .seq = 0, .ack = 3620595443u,
	  .win = 0 },
	{ "udp-echo-unreach#3 IPv4 UDP", DLT_EN10MB, FR(f_udp4, 74),
	  .key_at = 34, .ipv = 4, .proto = 17,
	  .src = "10.99.0.1", .dst = "10.99.0.2", .sport = 33012, .dport = 9999,
	  .ip_len = 60, .l4_len = 40, .payload_len = 32 },
	{ "udp-echo-unreach#10 ICMP port unreachable quoting UDP", DLT_EN10MB,
	  FR(f_icmp4_unreach, 102), .key_at = 34, .ipv = 4, .proto = 1,
	  .src = "10.99.0.2", .dst = "10.99.0.1", .sport = 3, .dport = 3,
	  .ip_len = 88, .l4_len = 68, .payload_len = 60,
	  .iproto = 17, .isrc = "10.99.0.1", .idst = "10.99.0.2",
	  .isport = 55006, .idport = 9998 },
	{ "ipv6-tcp-udp#3 IPv6 TCP SYN", DLT_EN10MB, FR(f_tcp6_syn, 94),
	  .key_at = 54, .ipv = 6, .proto = 6,
	  .src = "fd00:99::1", .dst = "fd00:99::2", .sport = 40502,
	  .dport = 8080, .ip_len = 80, .l4_len = 40, .payload_len = 0,
	  .flags = DEC_TH_SYN, .seq = 1128873488, .ack = 0, .win = 64800 },
	{ "ipv6-tcp-udp#16 IPv6 UDP", DLT_EN10MB, FR(f_udp6, 94),
	  .key_at = 54, .ipv = 6, .proto = 17,
	  .src = "fd00:99::1", .dst = "fd00:99::2", .sport = 36579,
	  .dport = 9999, .ip_len = 80, .l4_len = 40, .payload_len = 32 },
	{ "ipv6-tcp-udp#23 ICMPv6 port unreachable quoting UDP", DLT_EN10MB,
	  FR(f_icmp6_unreach, 142), .key_at = 54, .ipv = 6, .proto = 58,
	  .src = "fd00:99::2", .dst = "fd00:99::1", .sport = 1, .dport = 4,
	  .ip_len = 128, .l4_len = 88, .payload_len = 80,
	  .iproto = 17, .isrc = "fd00:99::1", .idst = "fd00:99::2",
	  .isport = 42187, .idport = 9998 },
	{ "ipv6-tcp-udp#1 ICMPv6 neighbor solicitation", DLT_EN10MB,
	  FR(f_icmp6_ns, 86), .key_at = 54, .ipv = 6, .proto = 58,
	  .src = "fd00:99::1", .dst = "ff02::1:ff00:2", .sport = 135,
	  .dport = 0, .ip_len = 72, .l4_len = 32, .payload_len = 24 },
	{ "frag-udp#3 IPv4 first fragment (64 of 1514 bytes)", DLT_EN10MB,
	  FR(f_frag4_first, 1514), .key_at = 34, .ipv = 4, .proto = 17,
	  .frag = DEC_FRAG_FIRST,
	  .src = "10.99.0.1", .dst = "10.99.0.2", .sport = 58253, .dport = 9999,
	  .ip_len = 1500, .l4_len = 1480, .payload_len = 4000 },
	{ "frag-udp#6 IPv4 UDP reply", DLT_EN10MB, FR(f_frag4_reply, 56),
	  .key_at = 34, .ipv = 4, .proto = 17,
	  .src = "10.99.0.2", .dst = "10.99.0.1", .sport = 9999, .dport = 58253,
	  .ip_len = 42, .l4_len = 22, .payload_len = 14 },
	{ "frag-udp#13 IPv6 first fragment (80 of 1510 bytes)", DLT_EN10MB,
	  FR(f_frag6_first, 1510), .key_at = 62, .ipv = 6, .proto = 17,
	  .frag = DEC_FRAG_FIRST,
	  .src = "fd00:99::1", .dst = "fd00:99::2", .sport = 35473,
	  .dport = 9999, .ip_len = 1496, .l4_len = 1448, .payload_len = 4000 },
	{ "vlan-tcp#3 802.1Q VLAN 100 TCP SYN", DLT_EN10MB, FR(f_vlan_syn, 78),
	  .key_at = 38, .vlan = 100, .ipv = 4, .proto = 6,
	  .src = "10.99.100.1", .dst = "10.99.100.2", .sport = 57076,
	  .dport = 8080, .ip_len = 60, .l4_len = 40, .payload_len = 0,
	  .flags = DEC_TH_SYN, .seq = 1223385598, .ack = 0, .win = 64240 },
	{ "snaplen-64#8 TCP cut to 64 of 1514 bytes", DLT_EN10MB,
	  FR(f_snap64, 1514), .key_at = 34, .ipv = 4, .proto = 6,
	  .src = "10.99.0.2", .dst = "10.99.0.1", .sport = 8080, .dport = 51138,
	  .ip_len = 1500, .l4_len = 1480, .payload_len = 1448,
	  .flags = DEC_TH_ACK, .seq = 1664532111, .ack = 1212384098, .win = 64 },
	/* ---- Linux cooked captures ---- */
	{ "any-sll#3 LINUX_SLL TCP SYN", DLT_LINUX_SLL, FR(f_sll_syn, 76),
	  .key_at = 36, .ipv = 4, .proto = 6,
	  .src = "10.99.0.1", .dst = "10.99.0.2", .sport = 51110, .dport = 8080,
	  .ip_len = 60, .l4_len = 40, .flags = DEC_TH_SYN, .seq = 1038450010,
	  .win = 64240 },
	{ "any-sll2#3 LINUX_SLL2 TCP SYN", DLT_LINUX_SLL2, FR(f_sll2_syn, 80),
	  .key_at = 40, .ipv = 4, .proto = 6,
	  .src = "10.99.0.1", .dst = "10.99.0.2", .sport = 51120, .dport = 8080,
	  .ip_len = 60, .l4_len = 40, .flags = DEC_TH_SYN, .seq = 897056878,
	  .win = 64240 },
	{ "tcpdump-tcp-handshake-nano#1 LINUX_SLL TCP SYN", DLT_LINUX_SLL,
	  FR(f_sll_nano, 76), .key_at = 36, .ipv = 4, .proto = 6,
	  .src = "131.155.215.69", .dst = "137.116.81.94", .sport = 46656,
	  .dport = 80, .ip_len = 60, .l4_len = 40, .flags = DEC_TH_SYN,
	  .seq = 797190859, .win = 27200 },
	{ "suricata-decode-sll2-01#1 LINUX_SLL2 TCP SYN", DLT_LINUX_SLL2,
	  FR(f_sll2_suri, 80), .key_at = 40, .ipv = 4, .proto = 6,
	  .src = "192.168.1.253", .dst = "192.168.1.21", .sport = 56478,
	  .dport = 80, .ip_len = 60, .l4_len = 40, .flags = DEC_TH_SYN,
	  .seq = 2332771219u, .win = 64240 },
	/* ---- VLAN stacks, MPLS, PPPoE, FabricPath ---- */
	{ "zeek-q-in-q#1 two 802.1Q tags (13, 10) UDP", DLT_EN10MB,
	  FR(f_qinq, 68), .key_at = 42, .vlan = 13, .ipv = 4, .proto = 17,
	  .src = "172.19.51.37", .dst = "172.19.51.63", .sport = 47808,
	  .dport = 47808, .ip_len = 46, .l4_len = 26, .payload_len = 18 },
	{ "zeek-vlan-qinqinq#1 three tags (30, 20, 10) TCP SYN", DLT_EN10MB,
	  FR(f_qinqinq, 90), .key_at = 46, .vlan = 30, .ipv = 4, .proto = 6,
	  .src = "141.142.228.5", .dst = "192.150.187.43", .sport = 59856,
	  .dport = 80, .ip_len = 64, .l4_len = 44, .payload_len = 0,
	  .flags = DEC_TH_SYN, .seq = 4263588410u, .ack = 0, .win = 65535 },
	{ "zeek-mixed-vlan-mpls#2 MPLS TCP ACK, padded to 60", DLT_EN10MB,
	  FR(f_mpls, 60), .key_at = 38, .ipv = 4, .proto = 6,
	  .src = "10.1.2.1", .dst = "10.34.0.1", .sport = 11001, .dport = 23,
	  .ip_len = 40, .l4_len = 20, .payload_len = 0, .flags = DEC_TH_ACK,
	  .seq = 2553417724u, .ack = 2379583141u, .win = 4128 },
	{ "pppoe-icmpv6#36 PPPoE IPv6 UDP (DHCPv6)", DLT_EN10MB,
	  FR(f_pppoe_udp6, 120), .key_at = 62, .ipv = 6, .proto = 17,
	  .src = "fe80::ce05:eff:fe88:0", .dst = "ff02::1:2", .sport = 546,
	  .dport = 547, .ip_len = 98, .l4_len = 58, .payload_len = 50 },
	{ "pppoe-icmpv6#22 PPPoE IPv6 Hop-by-Hop ICMPv6 MLDv2", DLT_EN10MB,
	  FR(f_pppoe_hbh, 98), .key_at = 70, .ipv = 6, .proto = 58,
	  .src = "fe80::c801:eff:fe88:8", .dst = "ff02::16", .sport = 143,
	  .dport = 0, .ip_len = 76, .l4_len = 28, .payload_len = 20 },
	{ "cisco-fabric-path#2 FabricPath UDP, padded to 60", DLT_EN10MB,
	  FR(f_fabricpath, 60), .key_at = 50, .ipv = 4, .proto = 17,
	  .src = "1.1.1.6", .dst = "2.2.2.2", .sport = 57005, .dport = 48879,
	  .ip_len = 28, .l4_len = 8, .payload_len = 0 },
	{ "cisco-fabric-path#62 FabricPath IPv6 TCP SYN", DLT_EN10MB,
	  FR(f_fp_tcp6, 90), .key_at = 70, .ipv = 6, .proto = 6,
	  .src = "1234::", .dst = "5678::", .sport = 57005, .dport = 48879,
	  .ip_len = 60, .l4_len = 20, .payload_len = 0, .flags = DEC_TH_SYN,
	  .seq = 0, .ack = 0, .win = 8192 },
	{ "cisco-fabric-path#1 UDP padded to 60 (ip_len 28)", DLT_EN10MB,
	  FR(f_padded, 60), .key_at = 34, .ipv = 4, .proto = 17,
	  .src = "1.1.1.6", .dst = "2.2.2.2", .sport = 57005, .dport = 48879,
	  .ip_len = 28, .l4_len = 8, .payload_len = 0 },
	{ "cisco-fabric-path#65 SCTP common header, padded", DLT_EN10MB,
	  FR(f_sctp, 60), .key_at = 34, .ipv = 4, .proto = 132,
	  .src = "1.1.1.6", .dst = "2.2.2.2", .sport = 57005, .dport = 48879,
	  .ip_len = 32, .l4_len = 12, .payload_len = 0 },
	{ "cisco-fabric-path#66 FabricPath SCTP", DLT_EN10MB,
	  FR(f_fp_sctp, 62), .key_at = 50, .ipv = 4, .proto = 132,
	  .src = "1.1.1.6", .dst = "2.2.2.2", .sport = 57005, .dport = 48879,
	  .ip_len = 32, .l4_len = 12, .payload_len = 0 },
	{ "cisco-fabric-path#105 IP proto 99 (no ports), padded", DLT_EN10MB,
	  FR(f_proto99, 60), .key_at = 34, .ipv = 4, .proto = 99,
	  .src = "1.1.1.0", .dst = "2.2.2.2", .ip_len = 20, .l4_len = 0 },
	/* ---- BSD loopback, raw IP ---- */
	{ "ndpi-nats#3 DLT_NULL AF 2 TCP ACK", DLT_NULL, FR(f_null4, 56),
	  .key_at = 24, .ipv = 4, .proto = 6,
	  .src = "127.0.0.1", .dst = "127.0.0.1", .sport = 54820, .dport = 4222,
	  .ip_len = 52, .l4_len = 32, .payload_len = 0, .flags = DEC_TH_ACK,
	  .seq = 4035562813u, .ack = 248200974, .win = 12759 },
	{ "ndpi-openwire#3 DLT_NULL AF 24 IPv6 TCP ACK", DLT_NULL,
	  FR(f_null6, 64), .key_at = 44, .ipv = 6, .proto = 6,
	  .src = "::1", .dst = "::1", .sport = 51157, .dport = 61616,
	  .ip_len = 60, .l4_len = 20, .payload_len = 0, .flags = DEC_TH_ACK,
	  .seq = 3467411659u, .ack = 3467073884u, .win = 10230 },
	{ "tcpdump-LINKTYPE_RAW_ipv4#1 DNS query", DLT_RAW, FR(f_raw4, 57),
	  .key_at = 20, .ipv = 4, .proto = 17,
	  .src = "192.168.1.100", .dst = "9.9.9.9", .sport = 12345, .dport = 53,
	  .ip_len = 57, .l4_len = 37, .payload_len = 29 },
	{ "tcpdump-LINKTYPE_RAW_ipv6#1 DNS query", DLT_RAW, FR(f_raw6, 77),
	  .key_at = 40, .ipv = 6, .proto = 17,
	  .src = "2001:db8::1", .dst = "2620:fe::9", .sport = 12345,
	  .dport = 53, .ip_len = 77, .l4_len = 37, .payload_len = 29 },
	{ "tcpdump-LINKTYPE_IPV4#1 DNS query", DLT_IPV4, FR(f_lt_ipv4, 57),
	  .key_at = 20, .ipv = 4, .proto = 17,
	  .src = "192.168.1.100", .dst = "9.9.9.9", .sport = 12345, .dport = 53,
	  .ip_len = 57, .l4_len = 37, .payload_len = 29 },
	{ "tcpdump-LINKTYPE_IPV6#1 DNS query", DLT_IPV6, FR(f_lt_ipv6, 77),
	  .key_at = 40, .ipv = 6, .proto = 17,
	  .src = "2001:db8::1", .dst = "2620:fe::9", .sport = 12345,
	  .dport = 53, .ip_len = 77, .l4_len = 37, .payload_len = 29 },
	/* ---- IPv6 extension headers, IPv4 options ---- */
	{ "zeek-ipv6-http-atomic-frag#16 atomic fragment TCP", DLT_EN10MB,
	  FR(f_atomic, 97), .key_at = 62, .ipv = 6, .proto = 6,
	  .frag = DEC_FRAG_NONE,
	  .src = "2001:db8:1::2", .dst = "2001:db8:1::1", .sport = 59694,
	  .dport = 80, .ip_len = 83, .l4_len = 35, .payload_len = 15,
	  .flags = DEC_TH_PSH | DEC_TH_ACK, .seq = 1770092806,
	  .ack = 4266013196u, .win = 8192 },
	{ "zeek-ipv6-http-atomic-frag#4 Destination Options TCP SYN",
	  DLT_EN10MB, FR(f_dstopt, 82), .key_at = 62, .ipv = 6, .proto = 6,
	  .src = "2001:db8:1::2", .dst = "2001:db8:1::1", .sport = 36951,
	  .dport = 80, .ip_len = 68, .l4_len = 20, .payload_len = 0,
	  .flags = DEC_TH_SYN, .seq = 3810442574u, .ack = 0, .win = 8192 },
	{ "zeek-ipv6-fragmented-dns#6 IPv6 first fragment (80 of 1494)",
	  DLT_EN10MB, FR(f_dns6_first, 1494), .key_at = 62, .ipv = 6,
	  .proto = 17, .frag = DEC_FRAG_FIRST,
	  .src = "2607:f740:b::f93", .dst = "2001:470:1f11:81f:d138:5f55:6d4:1fe2",
	  .sport = 53, .dport = 51851, .ip_len = 1480, .l4_len = 1432,
	  .payload_len = 3230 },
	{ "zeek-ipv4-fragmented-4#2 IPv4 first fragment TCP", DLT_EN10MB,
	  FR(f_f4_first, 58), .key_at = 34, .ipv = 4, .proto = 6,
	  .frag = DEC_FRAG_FIRST,
	  .src = "128.32.46.142", .dst = "10.0.0.1", .sport = 7790, .dport = 80,
	  .ip_len = 44, .l4_len = 24, .payload_len = 4, .flags = 0,
	  .seq = 14715173, .ack = 2988018, .win = 65535 },
	{ "suricata-detect-ipopts#1 IPv4 Record Route", DLT_IPV4,
	  FR(f_opt_rr, 44), .key_at = 24, .ipv = 4, .proto = 6,
	  .src = "9.10.11.12", .dst = "13.14.15.16", .sport = 20, .dport = 80,
	  .ip_len = 44, .l4_len = 20, .flags = DEC_TH_SYN, .win = 8192 },
	{ "suricata-detect-ipopts#2 IPv4 LSRR: final hop 5.6.7.8", DLT_IPV4,
	  FR(f_opt_lsrr, 52), .key_at = 32, .ipv = 4, .proto = 6,
	  .src = "9.10.11.12", .dst = "5.6.7.8", .sport = 20, .dport = 80,
	  .ip_len = 52, .l4_len = 20, .flags = DEC_TH_SYN, .win = 8192 },
	{ "suricata-detect-ipopts#5 IPv4 Timestamp", DLT_IPV4,
	  FR(f_opt_ts, 48), .key_at = 28, .ipv = 4, .proto = 6,
	  .src = "9.10.11.12", .dst = "13.14.15.16", .sport = 20, .dport = 80,
	  .ip_len = 48, .l4_len = 20, .flags = DEC_TH_SYN, .win = 8192 },
	{ "suricata-detect-ipopts#7 IPv4 SSRR: final hop 8.8.8.8", DLT_IPV4,
	  FR(f_opt_ssrr, 52), .key_at = 32, .ipv = 4, .proto = 6,
	  .src = "9.10.11.12", .dst = "8.8.8.8", .sport = 20, .dport = 80,
	  .ip_len = 52, .l4_len = 20, .flags = DEC_TH_SYN, .win = 8192 },
	/* ---- ICMP error from the Zeek corpus ---- */
	{ "zeek-icmp-destunreach-udp#1 ICMP unreachable quoting DNS", DLT_EN10MB,
	  FR(f_icmp4_zeek, 194), .key_at = 34, .ipv = 4, .proto = 1,
	  .src = "192.168.1.102", .dst = "192.168.1.1", .sport = 3, .dport = 3,
	  .ip_len = 176, .l4_len = 156, .payload_len = 148,
	  .iproto = 17, .isrc = "192.168.1.1", .idst = "192.168.1.102",
	  .isport = 53, .idport = 59207 },
};

#define NW (sizeof(W) / sizeof(W[0]))

static bool has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 1 ||
	       proto == 58;
}

/* Bytes of the flow key at key_at: two ports, or ICMP type and code. */
static uint32_t key_len(uint8_t proto)
{
	return proto == 1 || proto == 58 ? 2 : has_ports(proto) ? 4 : 0;
}

/* The fixed transport header (DEC_L4_HDR). */
static uint32_t hdr_len(uint8_t proto)
{
	switch (proto) {
	case 6:
		return 20;
	case 132:
		return 12;
	default:
		return 8;
	}
}

/* The quoted IP header's length: IPv4 quotes here have no options. */
static uint32_t inner_ip_len(const struct want *w)
{
	return strchr(w->isrc, ':') ? 40 : 20;
}

static void fields(void **state)
{
	const struct want *w = *state;
	struct dec_pkt p;
	int st;

	st = t_decode(&d, w->dlt, w->f, w->caplen, w->wire, TS, &p);
	assert_int_equal(st, DEC_OK);
	assert_int_equal(p.ts_ns, TS);
	assert_int_equal(p.wire_len, w->wire);
	assert_int_equal(p.ip_len, w->ip_len);
	assert_int_equal(p.l4_len, w->l4_len);
	assert_int_equal(p.vlan, w->vlan ? w->vlan : DEC_NO_VLAN);
	assert_int_equal(p.ipv, w->ipv);
	assert_int_equal(p.proto, w->proto);
	t_assert_addr(p.src, w->src);
	t_assert_addr(p.dst, w->dst);
	assert_int_equal(p.frag, w->frag);
	assert_int_equal(p.ip_bad_len, 0);
	assert_int_equal(p.held_pkts, 0);
	assert_int_equal(p.held_wire, 0);
	assert_int_equal(p.held_ip, 0);
	if (!has_ports(w->proto)) {
		assert_int_equal(p.l4, 0);
		assert_int_equal(p.sport, 0);
		assert_int_equal(p.dport, 0);
		return;
	}
	assert_int_equal(p.l4, DEC_L4_PORTS | DEC_L4_HDR);
	assert_int_equal(p.sport, w->sport);
	assert_int_equal(p.dport, w->dport);
	assert_int_equal(p.payload_len, w->payload_len);
	if (w->proto == 6) {
		assert_int_equal(p.tcp_flags, w->flags);
		assert_int_equal(p.seq, w->seq);
		assert_int_equal(p.ack, w->ack);
		assert_int_equal(p.win, w->win);
	}
	if (!w->iproto) {
		assert_int_equal(p.inner.valid, 0);
		return;
	}
	assert_int_equal(p.inner.valid, 1);
	assert_int_equal(p.inner.ipv, strchr(w->isrc, ':') ? 6 : 4);
	assert_int_equal(p.inner.proto, w->iproto);
	t_assert_addr(p.inner.src, w->isrc);
	t_assert_addr(p.inner.dst, w->idst);
	assert_int_equal(p.inner.has_ports, 1);
	assert_int_equal(p.inner.sport, w->isport);
	assert_int_equal(p.inner.dport, w->idport);
}

/* Soft checks: report every wrong caplen, fail once at the end. */
#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			print_error("%s: caplen %u: failed: %s\n", w->name, \
				    c, #cond);                             \
			bad++;                                             \
		}                                                          \
	} while (0)
#define CHECK_EQ(got, want)                                                \
	do {                                                               \
		long long g_ = (long long)(got), w_ = (long long)(want);   \
		if (g_ != w_) {                                            \
			print_error("%s: caplen %u: %s is %lld, want %lld\n", \
				    w->name, c, #got, g_, w_);             \
			bad++;                                             \
		}                                                          \
	} while (0)

static void truncate_every_offset(void **state)
{
	const struct want *w = *state;
	uint32_t key_end = w->key_at + key_len(w->proto);
	uint32_t hdr_end = w->key_at + hdr_len(w->proto);
	int bad = 0;

	for (uint32_t c = 0; c <= w->caplen; c++) {
		struct dec_pkt p;
		int st = t_decode(&d, w->dlt, w->f, c, w->wire, TS, &p);

		if (c < key_end) {
			CHECK_EQ(st, DEC_TRUNCATED);
			continue;
		}
		CHECK_EQ(st, DEC_OK);
		if (st != DEC_OK)
			continue;
		CHECK_EQ(p.wire_len, w->wire);
		CHECK_EQ(p.ip_len, w->ip_len);
		CHECK_EQ(p.l4_len, w->l4_len);
		CHECK_EQ(p.vlan, w->vlan ? w->vlan : DEC_NO_VLAN);
		CHECK_EQ(p.ipv, w->ipv);
		CHECK_EQ(p.proto, w->proto);
		CHECK(t_addr_eq(p.src, w->src));
		CHECK(t_addr_eq(p.dst, w->dst));
		CHECK_EQ(p.frag, w->frag);
		CHECK_EQ(p.ip_bad_len, 0);
		if (!has_ports(w->proto)) {
			CHECK_EQ(p.l4, 0);
			continue;
		}
		CHECK_EQ(p.sport, w->sport);
		CHECK_EQ(p.dport, w->dport);
		/* Ports only: no DEC_L4_HDR; the whole fixed header: set. */
		if (w->proto == 17 && c < hdr_end && (p.l4 & DEC_L4_HDR)) {
			/* DEC_L4_HDR needs all 8 UDP header bytes (see
			 * test_decode_l4.c udp_l4_hdr_needs_all_8_bytes). */
			print_error("%s: caplen %u: DEC_L4_HDR with %u of "
				    "the 8 UDP header bytes\n", w->name, c,
				    c - w->key_at);
			bad++;
		} else {
			CHECK_EQ(p.l4,
				 DEC_L4_PORTS | (c >= hdr_end ? DEC_L4_HDR : 0));
		}
		if (c >= hdr_end) {
			CHECK_EQ(p.payload_len, w->payload_len);
			if (w->proto == 6) {
				CHECK_EQ(p.tcp_flags, w->flags);
				CHECK_EQ(p.seq, w->seq);
				CHECK_EQ(p.ack, w->ack);
				CHECK_EQ(p.win, w->win);
			}
		}
		if (w->iproto) {
			/* The quote is read as far as it was captured. */
			uint32_t in_at = w->key_at + 8;
			uint32_t in_ip = inner_ip_len(w);

			CHECK_EQ(p.inner.valid, c >= in_at + in_ip);
			CHECK_EQ(p.inner.has_ports, c >= in_at + in_ip + 4);
			if (p.inner.valid) {
				CHECK(t_addr_eq(p.inner.src, w->isrc));
				CHECK(t_addr_eq(p.inner.dst, w->idst));
				CHECK_EQ(p.inner.proto, w->iproto);
			}
			if (p.inner.has_ports) {
				CHECK_EQ(p.inner.sport, w->isport);
				CHECK_EQ(p.inner.dport, w->idport);
			}
		} else if (w->proto == 1 || w->proto == 58) {
			CHECK_EQ(p.inner.valid, 0);
		}
	}
	if (bad)
		fail_msg("%d wrong results (listed above)", bad);
}

/* A caplen larger than the wire length is clamped to it (pre-2.3 files),
 * so the frame reads as cut at the wire length: tcp-http-curl#6 with a
 * wire length of 40 keeps its ports but not its TCP header, and its IP
 * total length (139) is more than the 26 bytes the wire holds. */
static void caplen_over_wire_is_clamped(void **state)
{
	struct dec_pkt p;

	(void)state;
	assert_int_equal(t_decode(&d, DLT_EN10MB, f_tcp_data,
				  sizeof(f_tcp_data), 40, TS, &p), DEC_OK);
	assert_int_equal(p.wire_len, 40);
	assert_int_equal(p.sport, 44986);
	assert_int_equal(p.dport, 8080);
	assert_int_equal(p.l4, DEC_L4_PORTS);
	assert_int_equal(p.ip_bad_len, 1);
	assert_int_equal(p.ip_len, 26);
	assert_int_equal(p.l4_len, 6);
}

int main(void)
{
	static struct CMUnitTest t[2 * NW + 1];
	static char names[2 * NW][128];
	size_t n = 0;

	for (size_t i = 0; i < NW; i++) {
		snprintf(names[2 * i], sizeof(names[0]), "fields: %s", W[i].name);
		snprintf(names[2 * i + 1], sizeof(names[0]), "truncate: %s",
			 W[i].name);
		t[n++] = (struct CMUnitTest){ .name = names[2 * i],
					      .test_func = fields,
					      .initial_state = (void *)&W[i] };
		t[n++] = (struct CMUnitTest){ .name = names[2 * i + 1],
					      .test_func = truncate_every_offset,
					      .initial_state = (void *)&W[i] };
	}
	t[n++] = (struct CMUnitTest){ .name = "caplen_over_wire_is_clamped",
				      .test_func = caplen_over_wire_is_clamped };
	return _cmocka_run_group_tests("test_decode", t, n, t_group_setup,
				       t_group_teardown);
}
