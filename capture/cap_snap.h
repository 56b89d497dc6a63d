/*
 * cap_snap.h - a snapshot length per kind of packet, live: QUIC client
 * Initials kept whole, every other packet cut as -s says.
 *
 * A socket filter's return value is the number of bytes the kernel keeps
 * (Linux: tpacket_rcv; Npcap: its driver, which is how libpcap's "ret
 * snaplen" gives Windows a snapshot length), and libpcap 1.10 leaves
 * the values of a memory-mapped capture's program alone (pcap-linux.c
 * fix_program rewrites only cooked-mode loads).  So a device opened with
 * the big length keeps the small one for most packets when its program
 * says so: the user's filter, compiled on the device, each "accept" made
 * a jump to a second program (CAP_SNAP_INITIAL_EXPR) that returns big
 * when it accepts and small when it rejects.
 */
#ifndef PORTTOP_CAP_SNAP_H
#define PORTTOP_CAP_SNAP_H

#include "cap.h"

/* What a QUIC client Initial looks like to a filter on any UDP port: a
 * long header (first bit set) with the fixed bit set and the type bits of
 * an Initial (v1 0b00 and v2 0b01 both leave 0x20 clear, RFC 9000 17.2,
 * RFC 9369 3.2), in a datagram of 1,200 payload bytes at least (RFC 9000
 * 14.1: a client pads every datagram that carries an Initial).  RTP
 * (version 2 sets only the first bit of the two) and other UDP are left
 * at the small length.  libpcap's udp[] reads IPv4 only, so IPv6 is
 * spelled out, without extension headers. */
#define CAP_SNAP_INITIAL_EXPR \
	"(udp and udp[8] & 0xe0 = 0xc0 and udp[4:2] >= 1208) or " \
	"(ip6[6] = 17 and ip6[48] & 0xe0 = 0xc0 and ip6[44:2] >= 1208)"

/* The longest program a kernel takes: Linux's BPF_MAXINSNS
 * (linux/filter.h), not in libpcap's headers. */
#define CAP_SNAP_MAXINSNS 4096

/* cap_snap_device_len: the snapshot length to open the device with: o's
 * initial_snaplen when above its snaplen, else its snaplen. */
static inline int cap_snap_device_len(const struct cap_live_opts *o)
{
	return o->initial_snaplen > o->snaplen ? o->initial_snaplen :
						  o->snaplen;
}

/* cap_snap_open: after activation: when o asks for a longer length for
 * Initials, remember both (skip: see struct cap's snap_skip) and set the
 * spliced program with no filter of the user's.  CAP_OK, or
 * CAP_ERR_FILTER with libpcap's message (nothing of c's to free then but
 * what the caller made). */
int cap_snap_open(struct cap *c, const struct cap_live_opts *o, int skip,
		  char *errbuf);

/* cap_snap_splice: the program that runs user, then, where user accepts
 * (any nonzero "ret #k"), q: returning small where q rejects and big where
 * it accepts; 0 where user rejects.  q NULL: user with each accept
 * returning small.  out->bf_insns is malloc'ed (pcap_freecode frees it).
 * -1 when the result would not be a valid classic BPF program (longer
 * than CAP_SNAP_MAXINSNS, or user or q return A, which pcap_compile never
 * writes), or out of memory; out untouched then. */
int cap_snap_splice(const struct bpf_program *user,
		    const struct bpf_program *q, unsigned small, unsigned big,
		    struct bpf_program *out);

/* cap_snap_valid: 1 when prog is well-formed classic BPF as a kernel
 * takes it: 1..CAP_SNAP_MAXINSNS instructions, every jump forward and inside,
 * the last one a return. */
int cap_snap_valid(const struct bpf_program *prog);

/* cap_snap_filter: set expr ("" for none) on a live capture with a snap
 * length per kind (c->snap_big nonzero): the spliced program, or, when the
 * user's is too long for it, the user's alone returning the small length
 * (Initials cut, as with -s).  Keeps q in c for cap_snap_trim.  CAP_OK or
 * CAP_ERR_FILTER with libpcap's message. */
int cap_snap_filter(struct cap *c, const char *expr, char *errbuf);

/* cap_snap_trim: the caplen to report for a live packet the device kept
 * caplen bytes of: caplen, unless it is above the small length and not an
 * Initial (libpcap put back a VLAN tag the kernel took off, or ran the
 * program in user space, where its value only accepts); then the small
 * length. */
bpf_u_int32 cap_snap_trim(const struct cap *c, const struct pcap_pkthdr *h,
			  const u_char *data);

#endif
