/*
 * pipe.h - the engine's work on two or three threads (--threads): the
 * capture thread reads, decodes and counts packets; a table thread runs
 * them through the flow table; a consumer thread hands the ended flows
 * and the ticks to the consumers.  On two threads the capture thread
 * does the work of one of the others: two threads on two CPUs leave
 * none waiting for a CPU.  Which one is the engine's choice (engine.c,
 * start_pipe): a ports report's folding is light, so the capture thread
 * takes it, and reading and folding then weigh about what the table
 * does (perf: 1155 and 1273 samples on the benchmark capture); a flows
 * report's writing outweighs the table, so the capture thread runs the
 * table instead.  Internal to core/.
 *
 * A pipeline, not shards: the one table sees the same records in the
 * same order as on one thread, and the consumers get the same flows and
 * ticks in the same order, so every uid, end, eviction, reorder window
 * and bounded table (the ports report's 65536 services) comes out the
 * same, byte for byte.  Sharding flows by their key's hash over several
 * tables (Suricata's autofp) would not: a single table ends timed-out
 * flows when its sweep hand reaches their record, and which flows a
 * full table evicts, the ids it gives and the order of the ends depend
 * on that one table (core/README.md, "Several cores").
 *
 * What runs behind the packets: the consumers see a flow some batches
 * after the capture thread read the packet that ended it, so the
 * engine uses the pipeline only for consumers that do nothing on
 * packets that must line up with their flows (CONSUMER_BEHIND), and not
 * for a file with process comments (read ahead of the table by then).
 * Live, owners are looked up in the table thread as flows end, and the
 * sockets that closed are taken in there before each batch
 * (hooks.records).  Names are learnt in the table thread instead when a
 * consumer reads them: the capture thread hands each batch's frames on
 * with its records, and the table thread feeds them to the names
 * (nm_packet) before the batch's records go through the table, as the
 * capture thread does alone, and names each flow as it ends (nm_flow).
 */
#ifndef PORTTOP_PIPE_H
#define PORTTOP_PIPE_H

#include <stdbool.h>
#include <stdint.h>

#include "../decode/dec.h"
#include "../flowtable/ft.h"
#include "../names/nm.h"
#include "consumer.h"

struct pipe;

/* What the pipe calls in the consumer thread: flow for every flow
 * pipe_ended handed on, tick where the capture thread ticked (after the
 * flows ended before it).  In the table thread: records, with each
 * batch of records (the capture thread's, or FT_BATCH of them; in
 * capture order; until INT64_MIN) before it goes through the table, and
 * with none (r NULL, n 0) and a quiet pipe_flush's until after the
 * records before it (live: the sockets that closed, ft_owner_gone; NULL:
 * nothing); names, learnt from the frames pipe_records carries
 * (NULL: none carried). */
struct pipe_hooks {
	void *arg;
	void (*flow)(void *arg, const struct flow_rec *f);
	void (*tick)(void *arg, int64_t now_ns);
	void (*records)(void *arg, const struct dec_pkt *r, unsigned n,
			int64_t until);
	struct nm_names *names;
	bool keep;	/* at pipe_end, leave the flows in the table for a
			   view (ft_republish) instead of ending them */
	/* The threads besides the capture thread; at least one: */
	bool table_thread;	/* the table on a thread of its own; false:
				   the capture thread runs it (and learns
				   the names, looks up the owners) as on
				   one thread, and hands the flows it ends
				   to pipe_ended */
	bool consumer_thread;	/* flow and tick on a thread of their own;
				   false: on the capture thread, in
				   pipe_records, pipe_tick, pipe_flush and
				   pipe_end, a batch or more behind the
				   table */
	bool bursts;	/* the ended flows wait in a ring of 65,536 (27
			   MiB), not 2,048: for consumers as heavy as the
			   table, which are otherwise idle while the
			   table reads packets and then keep it waiting
			   when a timeout ends tens of thousands of flows
			   at once (the benchmark capture's flows report
			   on two threads: 3.3 s, 2.1 s with bursts) */
};

/* A batch's frames, for the names: record i's frame is
 * buf[off[i], off[i] + len[i]) (len 0: none, it did not decode whole),
 * bytes in all. */
struct pipe_frames {
	const uint8_t *buf;
	const uint32_t *off, *len;
	uint32_t bytes;
};

/* pipe_new: the table thread for ft (its done callback must call
 * pipe_ended) and (hooks.consumer_thread) the consumer thread, running.
 * NULL with errno (ENOMEM, or pthread_create's). */
struct pipe *pipe_new(struct ft_table *ft, const struct pipe_hooks *h);

/* pipe_records: a batch of n records (dec_frame's, in capture order, at
 * most PIPE_BATCH), with their frames when hooks.names is set, to the
 * table thread (hooks.table_thread only).  Waits while the table thread
 * is a ring behind.  Capture thread. */
#define PIPE_BATCH 128
#define PIPE_BATCH_BYTES (64u << 10)	/* frames that end a batch: the
					   capture thread flushes once its
					   batch's frames reach it */
#define PIPE_FRAME_MAX (256u << 10)	/* the largest frame kept for
					   names (libpcap's largest snapshot
					   length; larger ones are USB, never
					   IP): a batch's frames are at most
					   the sum of the two */
void pipe_records(struct pipe *p, const struct dec_pkt *r, unsigned n,
		  const struct pipe_frames *f);

/* pipe_tick: a tick at now_ns, after the records handed so far (none
 * when hooks.tick is NULL). */
void pipe_tick(struct pipe *p, int64_t now_ns);

/* pipe_flush: the records handed so far through the table now, and the
 * flows ended so far on to the consumers, without waiting for slots to
 * fill: live, where a slot of a quiet link could wait for minutes.
 * quiet_ns: INT64_MIN, or (a device the capture thread found quiet) the
 * CLOCK_REALTIME ns before which it has read every packet, handed to
 * hooks.records.  Two threads: returns once the consumers had them (the
 * table's work on at most a ring of records).  Capture thread. */
void pipe_flush(struct pipe *p, int64_t quiet_ns);

/* pipe_ended: f, just ended by the table, with its owners and names, to
 * the consumers.  The table's thread (from the table's done callback). */
void pipe_ended(struct pipe *p, const struct flow_rec *f);

/* pipe_end: the input ended: the table ends every flow left (ft_flush;
 * hooks.keep: publishes them as of the end instead), the consumers get
 * them, and both threads stop; returns once they have.  Capture thread,
 * once. */
void pipe_end(struct pipe *p);

/* pipe_free: stop the threads if pipe_end was not called (what is left
 * is dropped) and free; NULL is ignored. */
void pipe_free(struct pipe *p);

#endif
