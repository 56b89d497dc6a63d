/*
 * consumer.h - what the engine hands on, and to whom.
 *
 * The engine's loop knows no consumer by name (Suricata's output modules,
 * Zeek's connection_state_remove): a report, the events stream, the view's
 * model, the -w writer, a rules checker or an exporter registers a struct
 * consumer with engine_add() and receives, in the capture thread:
 *
 *   packet   every packet read (decoded or not), in capture order, after
 *            the flow table has not yet seen it: -w writes it here;
 *   flow     every flow that ended (timeout, port reuse, eviction, end of
 *            input), once, with the owners of its ends as known then;
 *   tick     ten times a second: of wall time for a device (also when
 *            it is quiet), of packet time for a file (before the first
 *            packet past each tenth, so that a tick falls on the same
 *            packets on every run), with the packet time reached;
 *   finish   once, when the input has ended and every flow was handed on:
 *            the last call in the capture thread;
 *   status   from any thread, whenever a view's header or the summary
 *            asks (engine_status): one line on the consumer's own state
 *            ("ipfix udp 10.0.0.9:4739: 1234 records sent, 0 lost"); it
 *            reads atomics only.
 *
 * Every hook may be NULL.  Hooks but status run in the capture thread and
 * must never block: a consumer that writes to a slow place queues and writes from a
 * thread of its own (report/events.c), or keeps what it needs and does
 * the work after engine_wait().
 */
#ifndef PORTTOP_CONSUMER_H
#define PORTTOP_CONSUMER_H

#include <stddef.h>
#include <stdint.h>

#include "../attrib/attr.h"
#include "../capture/cap.h"
#include "../decode/dec.h"
#include "../flowtable/ft.h"
#include "../names/nm.h"

/* An ended flow, the owners of its ends ([FT_ORIG], [FT_RESP]; from
 * attr_flow(): pid -1 with the reason when unknown; each owner's
 * container in its `who`), and the names of its ends' addresses (from
 * nm_flow(): NULL with the reason when unknown; the strings live as
 * long as the engine). */
struct flow_rec {
	struct ft_view v;
	struct attr_end end[2];
	struct nm_name name[2];
};

/* CONSUMER_LEFT: also hand this consumer, through `flow`, the flows still
 * in the table when the input ends in a run that keeps them there to be
 * shown (the view, --batch: engine_opts.keep_flows); their v.end is
 * FT_END_ACTIVE.  The -w notes and the events want every flow once; the
 * view's model reads those flows from the table instead. */
#define CONSUMER_LEFT 0x1
/* CONSUMER_ALL_TUNNELS: also hand this consumer the flows that the
 * --tunnels mode does not report, when the engine keeps them
 * (engine_opts.switch_tunnels: a view that switches modes; it tells them
 * apart by v.levels).  The others get the mode's flows only. */
#define CONSUMER_ALL_TUNNELS 0x2
/* CONSUMER_NO_NAMES: this consumer never reads flow_rec.name.  When no
 * consumer reads them, the engine leaves every name empty (zero) instead
 * of looking up both ends of every ended flow (nm_flow: up to eight
 * table probes a flow, a third of a ports report's time). */
#define CONSUMER_NO_NAMES 0x4
/* CONSUMER_BEHIND: this consumer may get its flows, ticks and finish
 * on a thread of the engine's other than the capture thread, some
 * batches of packets behind it (--threads, core/pipe.h), in the same
 * order as ever, named and owned as ever (the table thread looks them
 * up; the engine keeps one thread for a file with process comments,
 * read ahead by then): it does nothing with packets that must line up
 * with its flows.  Without it the run keeps one thread. */
#define CONSUMER_BEHIND 0x8
/* CONSUMER_NAME_TABLE: this consumer looks names up in the engine's
 * table itself (engine_names, nm_flow: the view's model, for the rows it
 * keeps).  The packets' names (DNS answers, SNI, HTTP Host) are learnt
 * only when a consumer reads flow_rec.name or says this: a ports,
 * services or processes report shows no names, and learning them was
 * 12 % of a ports report's time (1.42 -> 1.25 s without). */
#define CONSUMER_NAME_TABLE 0x10
/* CONSUMER_HEAVY: this consumer does about as much for a flow as the
 * flow table did for its packets (it writes a row a flow: the flows
 * report, 2.2 s of CPU to the table's 1.3 s on the benchmark capture).
 * With --threads 2 the consumers then get the second thread and the
 * capture thread keeps the table (core/pipe.h); else the table gets it. */
#define CONSUMER_HEAVY 0x20

struct consumer {
	const char *name;	/* for messages */
	void *arg;		/* the first argument of every hook */
	unsigned flags;		/* CONSUMER_* */
	/* pk as read; p the decoded packet, or NULL when it did not decode
	 * to a flow's packet (truncated, invalid, not IP, a held fragment) */
	void (*packet)(void *arg, const struct cap_pkt *pk,
		       const struct dec_pkt *p);
	void (*flow)(void *arg, const struct flow_rec *f);
	/* now_ns: the latest packet time (ns since the epoch), or a
	 * replay's clock */
	void (*tick)(void *arg, int64_t now_ns);
	void (*finish)(void *arg, int64_t now_ns);
	/* a NUL-terminated line of at most len - 1 bytes, or "" */
	void (*status)(void *arg, char *buf, size_t len);
};

#endif
