/*
 * attr_int.h - the attribution service's state, shared by attr.c (the
 * thread, the request queue, local addresses, start and stop),
 * attr_lookup.c (owners of flows and packets, listeners) and attr_file.c
 * (a capture file's comments).  Internal to attrib/.
 */
#ifndef PORTTOP_ATTR_INT_H
#define PORTTOP_ATTR_INT_H

#include <pthread.h>
#include <stdint.h>

#include "../lib/clock.h"
#include "../names/nm_whomap.h"
#include "attr.h"
#include "attr_cache.h"
#include "attr_sock.h"

#define CACHE_ENTRIES	(1u << 17)	/* sockets remembered (~15 MiB) */
#define QUEUE_SLOTS	4096		/* lookup requests in flight */
#define MAX_LOCAL	64		/* local addresses tracked */
#define KEEP_CLOSED_NS	(3600 * NS_PER_S)	/* owners of closed
						   sockets: an hour */
#define RESCAN_MIN_NS	(100LL * 1000000)	/* inode map rescans, at most
						   every 100 ms */
#define POLL_MS		20
#define HORIZON_MARGIN_NS (1000 * 1000)	/* attr_horizon: events stamped
					   this close to a poll's start may
					   still be on their way into the
					   ring */

/* A lookup request: a flow's tuple as first seen. */
struct want {
	uint32_t seq;		/* Vyukov's bounded MPMC queue cell */
	uint8_t proto, ipv;
	uint16_t pa, pb;
	uint8_t a[16], b[16];
};

struct local_addr {
	uint8_t addr[16];
	uint64_t ipv;
};

struct local_data {
	uint64_t n;
	struct local_addr a[MAX_LOCAL];
};

/* This host's addresses (getifaddrs), refreshed by the thread, read by
 * anyone (seqlock.h). */
struct local_set {
	uint32_t seq;
	uint32_t pad;
	struct local_data d;
};

struct attr {
	struct attr_opts o;
	const struct attr_backend *events, *table;	/* bpf; diag/procnet */
	void *ev_state, *tb_state;
	struct attr_procmap *procmap;
	struct nm_whomap *whomap;	/* owners' containers and units */
	struct attr_cache *cache;
	uint64_t netns;
	pthread_t thread;
	int stop;
	int64_t last_scan;
	/* the queue */
	struct want *q;
	uint64_t q_head, q_tail;	/* producers / the consumer */
	struct local_set local;
	struct attr_stats st;
	int file;			/* owners from a capture file's
					   comments: no thread, no back end */
	int file_live;			/* a file's: a record came, or the
					   file is marked (attr_active) */
	struct attr_file *fs;		/* a file's reading state */
	int started;			/* the thread runs */
	uint64_t turns;			/* turns of its loop (attr_sync) */
	/* eBPF's UDP closes for the engine (attr_gone_take): a ring, one
	 * writer (the thread), one reader (the capture thread) */
	struct ft_gone *gone;		/* GONE_SLOTS */
	uint64_t gone_head, gone_tail;
	int64_t horizon_ns;		/* attr_horizon (atomic) */
	pthread_mutex_t hmu;		/* with hcv: the thread broadcasts */
	pthread_cond_t hcv;		/* each new horizon (attr_horizon_wait) */
	int64_t rt_off_ns;		/* CLOCK_REALTIME - CLOCK_MONOTONIC, as
					   the thread last read them (atomic) */
};

#define GONE_SLOTS 4096		/* closes waiting for the capture thread */

/* attr_is_local: addr (ipv 4 or 6, network order) is this host's (a
 * loopback address or one of its interfaces' when last refreshed). */
int attr_is_local(const struct attr *a, const uint8_t *addr, int ipv);

/* attr_put_sock: take one socket from a back end into the cache, with its
 * owner (an attr_sock_fn; arg is the struct attr).  Writer thread only. */

/* attr_history: on a tuple whose socket is replaced by another one (a
 * different inode), keep the old one as generation 1 (and so on, up to
 * ATTR_GENS - 1), closed then if it was open.  A close of a socket the
 * tuple had before updates that generation: 1 when e was so taken care
 * of (nothing more to put), else 0.  Writer thread only (attr_gen.c). */
int attr_history(struct attr *a, struct attr_entry *e);

/* attr_pick: of e (generation 0 of its tuple) and the sockets the tuple
 * had before, the one whose time overlaps a flow's [first_mono,
 * last_mono] (CLOCK_MONOTONIC): 1 one did (*e set to it; one whose owner
 * is unknown only when no known one did), 0 none did (e kept), -1 those
 * of several processes did, -2 none did and the flow ended before the
 * oldest socket remembered began (ATTR_GENS were not enough: its owner
 * is gone from memory, and the newer ones are not its) (attr_gen.c). */
int attr_pick(const struct attr *a, struct attr_entry *e,
	      int64_t first_mono, int64_t last_mono);
void attr_put_sock(void *arg, const struct attr_sock *s);

/* attr_find_owner: the cache entry owning the local end (l, lp) of a flow
 * with (r, rp): the connected socket, else a listener, else a wildcard
 * one.  1 when found. */
int attr_find_owner(const struct attr *a, uint8_t proto, int ipv,
		    const uint8_t *l, uint16_t lp, const uint8_t *r,
		    uint16_t rp, struct attr_entry *e);

/* What a file's comments gave (attr_file.c). */
struct attr_file_stats {
	uint64_t packets;	/* packets read */
	uint64_t commented;	/* with a process record */
	uint64_t records;	/* records put into the cache (repeats of
				   the last record of a tuple are not) */
	uint64_t undecoded;	/* commented, but no TCP, UDP or SCTP tuple
				   (ICMP, truncated, not IP, later
				   fragments) */
	uint64_t bad_comments;	/* "PID:" or "porttop flow:" comments that
				   did not parse */
	uint64_t flow_notes;	/* owners from porttop's flow notes */
};

/* attr_file_get_stats: a file service's counts (zero for others).
 * attr_file_tap: also call fn(arg, record) for every record put (tests). */
void attr_file_get_stats(const struct attr *a, struct attr_file_stats *st);
void attr_file_tap(struct attr *a, attr_sock_fn fn, void *arg);

#endif
