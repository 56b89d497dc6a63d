/*
 * attr_pcapng.h - process attribution from a pcapng file's per-packet
 * comments (offline, -r FILE.pcapng).
 *
 * porttop's own -w FILE.pcapng and ptcpdump write the process that owns a
 * packet into the packet's opt_comment options.  libpcap does not expose
 * pcapng options, so porttop walks the file itself in a pre-pass, before
 * libpcap reads the packets in the main pass.  Each packet with a process
 * record is decoded with porttop's decoder (decode/dec.h, with the link
 * type of the packet's interface) and becomes one struct attr_sock per
 * record: the owner's end of the packet's TCP, UDP or SCTP tuple.
 *
 * Comment grammar (UTF-8, not NUL-terminated; lines end with \n; keys are
 * case-sensitive; blanks around a value and a \r before the \n are
 * dropped):
 *
 *	PID: 4242			first line: starts a process record
 *	Cmd: /usr/bin/curl		command; reduced to its basename, at
 *					most 15 bytes kept (the kernel's comm)
 *	UserId: 1000			decimal uid
 *	CgroupId: 5432			decimal cgroup v2 id
 *	End: src			src or dst: the end of THIS packet the
 *					process owns (porttop's extension)
 *
 * Only the first line is required; other keys (ptcpdump's Args:,
 * ParentPID:, ...) are ignored.  A packet may carry several comments.
 * ptcpdump writes "PID: %d\nCmd: %s\nArgs: %s" and, as a separate later
 * comment, "UserId: %d\nGroupId: %d": a comment whose first line is
 * "UserId:" sets the uid of the packet's last record.  Other comments are
 * not ours and are ignored.  A PID that is not a decimal number in
 * 0..INT32_MAX counts in bad_comments and its record is skipped.  At most
 * 8 records are kept per packet.
 *
 * Without End:, the end comes from the packet's direction (epb_flags bits
 * 0-1, as ptcpdump writes them: 1 inbound, 2 outbound): inbound, the
 * process owns the destination; outbound, unknown or no flags, the source
 * (the sender).
 *
 * Records delivered: proto (6, 17, 132), ipv, laddr/lport = the owner's
 * end, raddr/rport = the other end (addresses in network byte order, IPv4
 * in the first 4 bytes; ports in host byte order), pid, uid
 * ((uint32_t)-1 when absent), cgroup (0 when absent), comm (NUL-terminated,
 * "" when absent), src = ATTR_SRC_PCAPNG; listener, closed, inode and netns
 * 0.  A record identical to the last one delivered for the same tuple is
 * usually not delivered again (a cache of recent records keeps the
 * callback cheap on large files); callers must accept repeats.
 *
 * Sources: the pcapng specification, draft-ietf-opsawg-pcapng: 3.1 general
 * block structure, 3.5 options (opt_comment, code 1), 4.1 Section Header
 * Block (byte-order magic 0x1A2B3C4D), 4.2 Interface Description Block,
 * 4.3 Enhanced Packet Block and 4.3.1 its flags word (epb_flags, code 2),
 * 4.4 Simple Packet Block, appendix A Packet Block (obsolete; pack_flags,
 * code 2); LINKTYPE_ values from tcpdump.org/linktypes.html; ptcpdump's
 * internal/writer/pcapng.go for its comments and direction flags.
 */
#ifndef PORTTOP_ATTR_PCAPNG_H
#define PORTTOP_ATTR_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

#include "attr_sock.h"

struct attr_pcapng_stats {
	uint64_t packets;	/* packet blocks walked (EPB, SPB, obsolete PB) */
	uint64_t commented;	/* packets with a process record */
	uint64_t records;	/* attr_sock records delivered */
	uint64_t undecoded;	/* commented packets whose frame gave no TCP,
				   UDP or SCTP tuple (ICMP, truncated,
				   unsupported link type, later fragments) */
	uint64_t bad_comments;	/* comments starting with "PID:" (or "porttop
				   flow:") that did not parse */
	uint64_t flow_notes;	/* owners from porttop's flow notes: empty
				   Name Resolution Blocks whose comments are
				   "porttop flow: PROTO ORIG_H ORIG_P RESP_H
				   RESP_P\n" then a process record, End: src
				   meaning the orig (attr_flow_note) */
};

/* attr_pcapng_scan: walk the pcapng file at path and call fn(arg, rec) for
 * each process record of each packet (see above).  The file is read once,
 * sequentially; every length in it is checked before use.
 *
 * Returns 0, with *is_pcapng = 1 for a pcapng file.  A pcap file, or any
 * file that does not start with a Section Header Block, is not scanned:
 * 0 with *is_pcapng = 0 and *st all 0.  -errno when the file cannot be
 * opened or read.  -EINVAL when the pcapng file is damaged: a block
 * shorter than 12 bytes, not a multiple of 4, larger than 16 MiB (+ 4 KiB),
 * cut short at the end of the file, or whose trailing length differs; a
 * bad byte-order magic or a major version other than 1; a packet whose
 * interface was not described in its section, or whose captured length
 * does not fit its block.  Records delivered before the damage stand, and
 * *st counts them.  path "-" (standard input) and pipes are not scanned
 * (named FIFOs too: the main pass needs their bytes): -ESPIPE with
 * "process comments cannot be read from a pipe".  err (errlen bytes) gets
 * one line saying why, with the byte offset of a damaged block; "" on
 * success.  st and is_pcapng may be NULL.  The decoder's fragment map
 * uses its keyed hash: keyhash_init() must have been called. */
int attr_pcapng_scan(const char *path, attr_sock_fn fn, void *arg,
		     struct attr_pcapng_stats *st, int *is_pcapng, char *err,
		     size_t errlen);

#endif
