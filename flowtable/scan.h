/*
 * scan.h - scan detection over ended flows (issue 5).
 *
 * Zeek's policy/misc/scan.zeek, with its defaults: a source that, within
 * 5 minutes, has failed connection attempts to 15 distinct ports of one
 * host is a port scan (vertical); to 25 distinct hosts on one port, an
 * address scan (horizontal).  A failed attempt is Zeek's is_failed_conn
 * (no data either way, and the responder refused or never answered, or
 * the originator reset its half-open connection: nmap's SYN scan of an
 * open port) and, beyond Zeek, a UDP datagram an ICMP unreachable
 * answered (nmap's UDP scan).  Windows are per key: the first failed
 * attempt opens one, the threshold crossed inside it starts a scan, and
 * the window's end (interval after it opened) ends the scan, reported
 * when a later flow (any) ends past it, within a tenth of the interval,
 * or at the end of input.  Times are the flows' packet times, so a
 * capture replayed gives the same scans.
 *
 * Memory is bounded: at most max_entries (source, target, port) triples
 * are remembered; past that, attempts are counted in `dropped`, not
 * tracked.
 */
#ifndef PORTTOP_SCAN_H
#define PORTTOP_SCAN_H

#include <stdint.h>

#include "ft.h"

struct scan_config {
	uint32_t port_threshold;	/* distinct ports; 0 = 15 */
	uint32_t addr_threshold;	/* distinct hosts; 0 = 25 */
	int64_t interval_ns;		/* 0 = 300 s */
	uint32_t max_entries;		/* triples remembered; 0 = 1 << 20 */
};

enum scan_kind { SCAN_PORT = 1, SCAN_ADDR };

/* A scan started (ended 0: the threshold was just crossed) or ended
 * (ended 1: its window closed, or the input ended). */
struct scan_event {
	uint8_t kind;		/* enum scan_kind */
	uint8_t ended;
	uint8_t ipv;		/* 4 or 6 */
	uint8_t proto;		/* SCAN_ADDR: the port's protocol */
	uint8_t scanner[16];	/* network byte order */
	uint8_t victim[16];	/* SCAN_PORT: the host scanned */
	uint16_t port;		/* SCAN_ADDR: the port scanned (host order) */
	uint32_t distinct;	/* ports (SCAN_PORT) or hosts (SCAN_ADDR) */
	uint64_t attempts;	/* failed attempts in the window */
	int64_t start_ns;	/* the window's earliest failed attempt */
	int64_t ts_ns;		/* started: the latest attempt when the
				   threshold was reached; ended: the
				   window's end (or the input's) */
};

typedef void (*scan_fn)(void *arg, const struct scan_event *e);

struct scan;

/* scan_new: a detector calling fn for each scan started and ended.  NULL
 * when out of memory. */
struct scan *scan_new(const struct scan_config *cfg, scan_fn fn, void *arg);
void scan_free(struct scan *s);

/* scan_failed: 1 when flow v is a failed connection attempt (above). */
int scan_failed(const struct ft_view *v);

/* scan_flow: take one ended flow (any order of ending; its first packet
 * time is the attempt's). */
void scan_flow(struct scan *s, const struct ft_view *v);

/* scan_flush: end every scan still open (end of input), at time now_ns. */
void scan_flush(struct scan *s, int64_t now_ns);

/* scan_dropped: failed attempts not tracked because the table was full. */
uint64_t scan_dropped(const struct scan *s);

#endif
