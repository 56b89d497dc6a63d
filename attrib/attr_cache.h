/*
 * attr_cache.h - the table of known sockets and their owners (attrib/
 * internal).  One writer (the attribution thread), any number of readers
 * (the capture thread's reports, the views), never blocking each other.
 *
 * Buckets of ATTR_WAYS slots; a key lives only in its bucket, so entries
 * never move and a reader scans at most ATTR_WAYS slots, each read under
 * its own sequence counter (the flow table's seqlock, ft.c).  A full
 * bucket replaces its least recently refreshed slot.  The bucket comes
 * from the run's SipHash key (keyhash.h): strangers cannot aim at one.
 * A count of entries per (TCP or UDP, local port) lets a lookup on a
 * port no socket has return before hashing (most ends asked for are
 * remote).
 */
#ifndef PORTTOP_ATTR_CACHE_H
#define PORTTOP_ATTR_CACHE_H

#include <stdint.h>

#include "attr.h"
#include "attr_sock.h"

#define ATTR_WAYS 8

/* What identifies a socket.  Hashed and compared as raw bytes. */
struct attr_key {
	uint8_t laddr[16], raddr[16];	/* zero raddr/rport: a listener or
					   an unconnected UDP socket */
	uint64_t netns;
	uint16_t lport, rport;
	uint8_t proto, ipv;
	uint8_t gen;		/* 0: the tuple's socket now; 1 to
				   ATTR_GENS - 1: those it had before,
				   newest first (attr.c keeps them) */
	uint8_t pad;
};

/* Sockets remembered per tuple: the one now and those before it (a tuple
 * reused by processes one after another: attr_flow picks the one whose
 * time covered the flow).  An ended flow may be looked up up to 200 ms
 * late (the engine waits that long for eBPF's events).  Short-lived
 * clients took a tuple every ~15 ms on one host, so 8 were too few (a
 * fresh-clone run named the socket of 16 clients later); every 1.1-1.3
 * ms on another, where 32 were too few (bpf-tuple-reuse: 136-236 of 300
 * flows "gone").  255, the most `gen` holds, cover 280 ms at that pace;
 * each new socket of a tuple moves its older ones down (attr_history). */
#define ATTR_GENS 255

/* One socket and its owner. */
struct attr_entry {
	struct attr_key key;
	struct attr_end owner;
	int64_t seen_ns;	/* CLOCK_MONOTONIC of the last sighting */
	int64_t closed_ns;	/* when it closed (eBPF: the kernel's stamp of
				   the close; else when it was missed or
				   another socket took its tuple), 0 while
				   open */
	uint64_t inode;		/* socket inode, 0 unknown: tells a new
				   socket on the same tuple */
	int64_t opened_ns;	/* its first sighting (eBPF: its first send,
				   receive or connect, stamped in the
				   kernel; the tables: the poll) */
	uint8_t used;
	uint8_t listener;
	uint8_t pad[6];
};

struct attr_cache;

/* attr_cache_new: a cache of (at least) `entries` slots.  NULL when out
 * of memory. */
struct attr_cache *attr_cache_new(uint32_t entries);
void attr_cache_free(struct attr_cache *c);

/* attr_cache_put: insert or refresh (writer thread only).  Returns 1 when
 * a full bucket made it forget another socket still open (an overflow,
 * counted by the caller), else 0. */
int attr_cache_put(struct attr_cache *c, const struct attr_entry *e);

/* attr_cache_get: copy the entry for k into *e; 1 when found.  Any
 * thread. */
int attr_cache_get(const struct attr_cache *c, const struct attr_key *k,
		   struct attr_entry *e);

/* attr_cache_age: mark entries not seen since `before` (monotonic ns) as
 * closed at `now` (except those from source `spare`, whose closes come as
 * events; -1 spares none; and, when `listeners_only`, all but listeners
 * and UDP sockets: the dump saw no others), and drop closed ones older
 * than `keep_ns` (writer). */
void attr_cache_age(struct attr_cache *c, int64_t before, int64_t now,
		    int64_t keep_ns, int spare, int listeners_only);

/* attr_cache_each: call fn on every used entry (any thread; a snapshot of
 * each entry).  Returns the number of used entries. */
uint64_t attr_cache_each(const struct attr_cache *c,
			 void (*fn)(void *arg, const struct attr_entry *e),
			 void *arg);

#endif
