/*
 * ipfix.h - --ipfix: porttop's flows, with their processes, to IPFIX
 * collectors (RFC 7011) such as nfcapd, as a consumer of the engine.
 *
 * Every flow that ends becomes one record (RFC 5103 biflow by default, or
 * one record per direction); a flow that lives on is exported every
 * `active` seconds of packet time as a delta record, and its last record
 * carries the remainder, so a flow's records add up to it.  Records are
 * made in the capture thread and queued; a thread of the exporter's own
 * sends them (ipfix_send.h), so a collector that is down or slow costs
 * records, counted, never capture.
 */
#ifndef PORTTOP_IPFIX_H
#define PORTTOP_IPFIX_H

#include <stddef.h>
#include <stdint.h>

#include "../core/engine.h"
#include "ipfix_send.h"

#define IPFIX_ACTIVE_DEFAULT (60 * 1000000000LL)	/* as nfdump, YAF */

struct ipfix_opts {
	const char *dest[IPFIX_MAX_DEST];	/* --ipfix, in order */
	int ndest;
	int uniflow;		/* --ipfix-uniflow */
	int64_t active_ns;	/* --ipfix-active; 0: ended flows only */
	uint32_t domain;	/* --ipfix-domain */
	uint32_t pen;		/* --ipfix-pen */
};

struct ipfix;

/* ipfix_open: resolve the collectors and start the sender, for the
 * flows of engine e (its table, its attribution; a file is waited for,
 * see ipfix_send.h).  NULL with err set (a bad address, a name that does
 * not resolve). */
struct ipfix *ipfix_open(const struct ipfix_opts *o, struct engine *e,
			 char *err, size_t errlen);

/* ipfix_consumer: the consumer to engine_add() (it also wants the flows
 * a view leaves in the table). */
struct consumer ipfix_consumer(struct ipfix *x);

/* ipfix_status: "ipfix udp 10.0.0.9:4739: 1234 records sent, 0 lost" (one
 * collector) or "ipfix: 2 collectors, ..." (the sums).  Any thread. */
void ipfix_status(void *x, char *buf, size_t len);

/* ipfix_close: finish if the engine did not (its input never ended),
 * say on stderr what each collector got when `say` is set or there are
 * several collectors (a report's summary already has the status line),
 * and free.  NULL is ignored. */
void ipfix_close(struct ipfix *x, int say);

/* ipfix_lib_version: "libfixbuf 2.4.2" (porttop --version), or what a
 * build without IPFIX says (export/ipfix_none.c, the Windows build). */
const char *ipfix_lib_version(void);

#endif
