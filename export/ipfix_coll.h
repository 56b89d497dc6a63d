/*
 * ipfix_coll.h - one IPFIX collector: its address, its socket, its
 * session (ipfix_fb.h) and what it received.
 *
 * Over UDP each message goes out once; a message the kernel refuses is
 * lost, and a refusal (the collector's port is closed: an ICMP port
 * unreachable reported on the next send) makes the next second's
 * messages lost without trying, then the templates go first again.
 * Templates are sent in the first message and every 600 s (RFC 7011's
 * template refresh over UDP; RFC 6728's default templateRefreshTimeout,
 * a third of a collector's 1800 s template lifetime).
 *
 * Over TCP (tcp://) messages wait in a buffer of 1 MiB while the
 * collector is slow or the connection is being made; beyond it they are
 * lost.  A connection that fails or breaks loses what waited in it and is
 * made again a second later, its stream starting with the templates.
 *
 * "Sent" counts flow records in messages the kernel took; "lost" those it
 * refused or never got.  Everything but ipfix_coll_new, _free, _name and
 * _stats belongs to the sender thread.
 */
#ifndef PORTTOP_IPFIX_COLL_H
#define PORTTOP_IPFIX_COLL_H

#include <stddef.h>
#include <stdint.h>

#include "ipfix_fb.h"

#define IPFIX_PORT 4739		/* IANA's port for IPFIX */

struct ipfix_coll;

/* ipfix_coll_new: the collector DEST ("HOST:PORT", "udp://HOST:PORT",
 * "tcp://HOST:PORT"; HOST a name, an IPv4 address or a bracketed IPv6
 * one; PORT 4739 when left out), its name resolved now, and its session.
 * Nothing is sent yet.  NULL with err set. */
struct ipfix_coll *ipfix_coll_new(const char *dest, struct ipfix_fbm *m,
				  const struct ipfix_fb_opts *o, char *err,
				  size_t errlen);
void ipfix_coll_free(struct ipfix_coll *c);

/* "udp 10.0.0.9:4739", as given. */
const char *ipfix_coll_name(const struct ipfix_coll *c);

/* ipfix_coll_add: one flow record, at mono time now_ns. */
void ipfix_coll_add(struct ipfix_coll *c, const struct ipfix_rec *r,
		    int64_t now_ns);

/* ipfix_coll_tick: connect, refresh, send a message waiting since
 * FLUSH (0.5 s), write what a TCP collector can take. */
void ipfix_coll_tick(struct ipfix_coll *c, int64_t now_ns);

/* ipfix_coll_finish: the open message out, and a TCP collector given
 * until deadline_ns (mono) to take what waits; the rest is lost.  The
 * socket is closed. */
void ipfix_coll_finish(struct ipfix_coll *c, int64_t deadline_ns);

/* Any thread. */
void ipfix_coll_stats(const struct ipfix_coll *c, uint64_t *sent,
		      uint64_t *lost);

#endif
