/*
 * cap_pcapng.h - capture/ internals: the pcapng reader (cap_pcapng.c),
 * used by cap.c for files that start with a Section Header Block.
 *
 * Return codes, units and messages are cap.h's; see cap_pcapng.c for the
 * format and for what is checked, and where each rule comes from.
 */
#ifndef PORTTOP_CAP_PCAPNG_H
#define PORTTOP_CAP_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cap.h"

struct cap_ng;

/* cap_ng_probe: true when the n bytes at b begin a pcapng file as libpcap
 * tells one: the Section Header Block's type 0x0A0D0D0A, then at byte 8 the
 * byte-order magic 0x1A2B3C4D in either byte order (draft-ietf-opsawg-
 * pcapng section 4.1).  Fewer than 12 bytes: false (libpcap then says
 * "unknown file format" or "truncated dump file"). */
bool cap_ng_probe(const uint8_t *b, size_t n);

/* cap_ng_open: start reading a pcapng file from fd, whose first `have`
 * bytes were already read into buf (`size` bytes allocated with malloc,
 * have >= 12, cap_ng_probe(buf, have) true).  Takes buf and, when own_fd,
 * fd, even on failure.  Reads what libpcap reads at open: the Section
 * Header Block, then blocks up to the first Interface Description Block.
 * CAP_OK and *out, or CAP_ERR_OPEN with libpcap's message in errbuf
 * (CAP_ERRBUF_SIZE bytes). */
int cap_ng_open(struct cap_ng **out, int fd, bool own_fd, uint8_t *buf,
		size_t size, size_t have, char *errbuf);

/* cap_ng_next: cap_next() for a pcapng file: 1 (a packet), CAP_NOTE, 0 (end
 * of file, or cap_ng_breakloop() was called), or CAP_ERR_READ with
 * libpcap's message in errbuf; after an error, the same error again. */
int cap_ng_next(struct cap_ng *g, struct cap_pkt *p, char *errbuf);

/* cap_ng_breakloop: make the next (or a blocked) cap_ng_next() return 0;
 * only sets an atomic flag, so a signal handler may call it. */
void cap_ng_breakloop(struct cap_ng *g);

/* The first interface's link type (DLT_*) and snapshot length, libpcap's
 * pcap_datalink() and pcap_snapshot() for the file. */
int cap_ng_datalink(const struct cap_ng *g);
int cap_ng_snaplen(const struct cap_ng *g);

/* cap_ng_marked: the first Section Header Block has an opt_comment equal
 * to CAP_PROCESS_MARK (cap.h). */
bool cap_ng_marked(const struct cap_ng *g);

/* cap_ng_offset: bytes of the file consumed (the offset of the next block). */
uint64_t cap_ng_offset(const struct cap_ng *g);

/* cap_ng_close: free; closes the descriptor if owned (NULL is ignored). */
void cap_ng_close(struct cap_ng *g);

/* cap_ng_linktype_to_dlt: a pcapng/pcap LINKTYPE_ value as libpcap's DLT_
 * value (libpcap's linktype_to_dlt(): equal, but for the historical values
 * that differ between systems: 101 -> DLT_RAW, 100, 102, 103, 106, 246,
 * 258). */
int cap_ng_linktype_to_dlt(uint16_t linktype);

/* cap_fix_pseudo: what libpcap does to a pcapng packet of link type dlt
 * whose pseudo-header was written in the other byte order (swapped):
 * PFLOG, Linux SLL/SLL2 CAN, USB and NFLOG headers into this host's byte
 * order, and the wire length *len of some Linux USB packets
 * (cap_pseudo.c).  caplen bytes at d; nothing past them is touched. */
void cap_fix_pseudo(int dlt, bool swapped, uint8_t *d, uint32_t caplen,
		    uint32_t *len);

#endif
