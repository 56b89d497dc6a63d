/*
 * cap.h - packet sources: network devices and saved captures, the format
 * detected from the magic number, never the file name.  Devices and pcap
 * files are read by libpcap; pcapng files by capture/cap_pcapng.c, which
 * yields the packets libpcap 1.10 yields and also what libpcap cannot
 * give: each packet's own interface and link type (a file may mix them),
 * its comments and flags, and the comments of Name Resolution Blocks.
 *
 * Errors follow libpcap's shape: functions return 0 or a negative CAP_ERR_*
 * and leave a one-line message in the caller's errbuf (CAP_ERRBUF_SIZE).
 */
#ifndef PORTTOP_CAP_H
#define PORTTOP_CAP_H

#include <stdint.h>
#include <stdio.h>
#include <pcap/pcap.h>

#define CAP_ERRBUF_SIZE PCAP_ERRBUF_SIZE

enum {
	CAP_OK = 0,
	CAP_ERR_OPEN = -1,	/* cannot open or not a capture file */
	CAP_ERR_FILTER = -2,	/* the filter expression does not compile */
	CAP_ERR_READ = -3,	/* the file is damaged or cut mid-way, or the
				   device failed */
	CAP_ERR_WRITE = -4,	/* writing a -w file failed */
};

struct cap;

/* A pcapng comment (opt_comment): UTF-8, not NUL-terminated, len bytes at
 * s, inside the reader's buffer: valid until the next cap_next(). */
struct cap_text {
	const char *s;
	uint32_t len;
};

#define CAP_MAX_COMMENTS 8	/* comments kept per block; later ones are
				   dropped */

/* One packet (or, with CAP_NOTE, one note; see cap_next).  All of it,
 * data and comments included, stays valid until the next cap_next(). */
struct cap_pkt {
	int64_t ts_ns;		/* capture time, nanoseconds since the epoch
				   (files are opened at nanosecond precision;
				   microsecond files are scaled) */
	uint32_t caplen;	/* bytes captured, readable at data */
	uint32_t len;		/* bytes on the wire */
	const uint8_t *data;
	int dlt;		/* this packet's link type (DLT_*): its pcapng
				   interface's; for pcap files and devices,
				   cap_datalink()'s */
	uint32_t ifid;		/* pcapng interface id (in its section), 0
				   otherwise */
	uint32_t flags;		/* pcapng epb_flags (or the obsolete Packet
				   Block's pack_flags), host order; 0 when
				   absent: bits 0-1 direction (1 inbound, 2
				   outbound) */
	const struct cap_text *comments;	/* the block's opt_comment
						   options, in file order */
	uint32_t ncomments;	/* at most CAP_MAX_COMMENTS */
};

/* cap_open_file: open a pcap or pcapng file ("-" = standard input; pipes
 * work).  A file whose first 12 bytes are a pcapng Section Header Block's
 * type and byte-order magic is read by cap_pcapng.c, which reads at open
 * what libpcap reads (the Section Header Block, then blocks up to the first
 * Interface Description Block) and refuses what libpcap refuses, with
 * libpcap's words; anything else goes to libpcap.  Returns CAP_OK and
 * *out, or CAP_ERR_OPEN with the reason in errbuf (e.g. "unknown file
 * format", "archaic pcap savefile format", "the capture file has no
 * Interface Description Blocks"). */
int cap_open_file(const char *path, struct cap **out, char *errbuf);

/* An opt_comment of the first Section Header Block saying that the file's
 * packets carry the processes at their ends in their comments: porttop -w
 * writes it when live attribution fills those comments, so a reader knows
 * from the start that an end no comment names was not recorded, rather
 * than that attribution was off. */
#define CAP_PROCESS_MARK "porttop: packet comments name their processes"

/* cap_comments: 1 when the file may carry comments (pcapng), else 0.
 * cap_process_comments: 1 when its first section carries
 * CAP_PROCESS_MARK. */
int cap_comments(const struct cap *c);
int cap_process_comments(const struct cap *c);

/* cap_close: close and free (NULL is ignored). */
void cap_close(struct cap *c);

/* cap_datalink: the file's link type as a libpcap DLT_* value (pcapng: the
 * first interface's, its LINKTYPE_ mapped to DLT_ as libpcap maps it;
 * later interfaces may differ: see cap_pkt.dlt). */
int cap_datalink(const struct cap *c);

/* cap_dlt_name: "DLT_EN10MB" style name of a DLT value, written into buf
 * (libpcap's pcap_datalink_val_to_name with the DLT_ prefix, or
 * "DLT 1234" when libpcap has no name). */
const char *cap_dlt_name(int dlt, char *buf, size_t len);

/* cap_set_filter: compile a tcpdump-syntax expression for this capture's
 * link type (pcap_compile, optimised, netmask unknown) and apply it; only
 * matching packets are returned from then on.  CAP_ERR_FILTER with
 * libpcap's message when the expression is wrong.  pcapng files: compiled
 * for cap_datalink() now, and again for each further link type when its
 * first packet comes; packets of a link type the expression does not
 * compile for (e.g. "ether host" on raw IP) never match.  Notes
 * (CAP_NOTE) are not filtered. */
int cap_set_filter(struct cap *c, const char *expr, char *errbuf);

/* The default initial_snaplen: a QUIC client Initial in any frame of a
 * 1,500-byte MTU, with two VLAN tags (1,522 bytes) or the any device's
 * cooked header (1,520). */
#define CAP_INITIAL_SNAPLEN 1536

/* Live capture settings (tcpdump's -i -p -s -B). */
struct cap_live_opts {
	const char *iface;	/* NULL: the first usable device, as tcpdump
				   picks it; "any": all devices (LINUX_SLL2) */
	int snaplen;		/* bytes kept per packet (> 0) */
	int initial_snaplen;	/* bytes kept of a QUIC client Initial when
				   above snaplen (the device opens with it,
				   its filter keeps snaplen of the rest:
				   cap_snap.h), else 0 */
	int promisc;		/* 1 unless -p */
	int buffer_kib;		/* kernel buffer in KiB, 0: the default */
	int immediate;		/* deliver each packet at once (latency over
				   throughput) */
	int fanout_group;	/* 1..65535: join this PACKET_FANOUT group in
				   hash mode (packet(7)), sharing the device's
				   packets with the group's other sockets, a
				   flow's two directions to the same one
				   (the kernel's symmetric flow hash); 0:
				   none.  Linux only */
};

/* cap_open_live: open and activate a device.  CAP_ERR_OPEN with a message
 * that says what to do (permissions: root or CAP_NET_RAW+CAP_NET_ADMIN; no
 * such device: porttop -D; a fanout group that cannot be joined: its
 * members capture another device or in another mode (EINVAL), or it is
 * full (ENOSPC); Windows: no fanout).  *warn gets libpcap's activation warning, if
 * any (e.g. promiscuous mode not supported), else "". */
int cap_open_live(const struct cap_live_opts *o, struct cap **out,
		  char *errbuf, char *warn);

/* cap_list_devices: tcpdump -D: one device per line, numbered, with its
 * description and flags.  Returns 0 or CAP_ERR_OPEN. */
int cap_list_devices(FILE *out, char *errbuf);

/* cap_name: the device or file name being read. */
const char *cap_name(const struct cap *c);

/* cap_is_live: 1 for a device, 0 for a file. */
int cap_is_live(const struct cap *c);

/* cap_snaplen: the snapshot length (file header or device setting; pcapng:
 * the first interface's, 0 or above INT_MAX replaced by the link type's
 * maximum as libpcap does). */
int cap_snaplen(const struct cap *c);

/* Kernel counters since the capture started (pcap_stats, widened from
 * libpcap's 32-bit counters): packets the kernel passed to the ring
 * (recv), dropped for lack of room in it (drop), and dropped by the
 * interface or driver (ifdrop).  All 0 for files. */
struct cap_stats {
	uint64_t recv, drop, ifdrop;
};
void cap_get_stats(struct cap *c, struct cap_stats *s);

/* cap_breakloop: make a blocked or next cap_next() return 0 (safe from a
 * signal handler and from another thread: it only sets a flag). */
void cap_breakloop(struct cap *c);

#define CAP_DEFAULT_BUFFER_KIB 8192	/* -B when not given: 8 MiB */
#define CAP_TIMEOUT 2	/* cap_next: no packet within the read timeout */
#define CAP_NOTE 3	/* cap_next: comments that belong to no packet */
#define CAP_READ_TIMEOUT_MS 100	/* live: longest wait in cap_next() */

/* cap_next: the next packet.  Returns 1 with *p filled; 0 at the end of a
 * file or after cap_breakloop(); CAP_TIMEOUT when a device had nothing
 * for a while (100 ms); CAP_ERR_READ with libpcap's message when a file
 * turns out to be damaged (packets before the damage were already
 * returned) or a device fails (e.g. it went away).  pcapng only: CAP_NOTE
 * for a Name Resolution Block with comments (porttop -w writes the owners
 * of a flow so), with p->comments and p->ncomments set, p->data NULL,
 * caplen, len, dlt, ifid and flags 0, and ts_ns the time of the packet
 * before it in the file, filtered out or not (0 before any); callers that
 * do not want notes call again.  Once a pcapng file has failed, every later call fails the same
 * way. */
int cap_next(struct cap *c, struct cap_pkt *p, char *errbuf);

/* cap_progress: bytes of the file consumed so far and its total size, for
 * a progress line; *total is 0 when unknown (a pipe). */
void cap_progress(const struct cap *c, uint64_t *done, uint64_t *total);

/* cap_ts_ns: a packet time as nanoseconds since the epoch, from libpcap's
 * seconds and fraction (ns: handles are opened with nanosecond
 * precision); seconds beyond +-2^33 (272 years from 1970) saturate and a
 * fraction outside 0..2^32-1 counts as 0 (a pcap file's field is 32
 * bits), so no later arithmetic on times can overflow: a damaged pcapng's
 * 64-bit timestamp or odd if_tsresol can give any second (found by
 * tests/fuzz: crashes/file/pcapng-huge-timestamp).  Both readers' one
 * rule. */
static inline int64_t cap_ts_ns(int64_t sec, int64_t frac_ns)
{
	const int64_t max_s = 1LL << 33;

	if (sec > max_s)
		sec = max_s;
	else if (sec < -max_s)
		sec = -max_s;
	if (frac_ns < 0 || frac_ns > 4294967295LL)
		frac_ns = 0;
	return sec * 1000000000LL + frac_ns;
}

#endif
