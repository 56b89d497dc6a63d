/*
 * pipe.h - the engine's work on three threads (--threads): the capture
 * thread reads, decodes and counts packets; a table thread runs them
 * through the flow table; a consumer thread hands the ended flows and
 * the ticks to the consumers.  Internal to core/.
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
 * engine uses the pipeline only for consumers that read neither names
 * nor owners (the capture thread's names and a file's process comments
 * are ahead by then) and do nothing on packets that must line up with
 * their flows (CONSUMER_BEHIND).
 */
#ifndef PORTTOP_PIPE_H
#define PORTTOP_PIPE_H

#include <stdint.h>

#include "../decode/dec.h"
#include "../flowtable/ft.h"

struct pipe;

/* What the pipe calls: flow in the consumer thread for every flow the
 * table ended, tick there where the capture thread ticked (after the
 * flows ended before it), ended in the table thread (the table's done
 * callback hands its flows on with it). */
struct pipe_hooks {
	void *arg;
	void (*flow)(void *arg, const struct ft_view *v);
	void (*tick)(void *arg, int64_t now_ns);
};

/* pipe_new: the table thread for ft (its done callback must call
 * pipe_ended) and the consumer thread, both running.  NULL with errno
 * (ENOMEM, or pthread_create's). */
struct pipe *pipe_new(struct ft_table *ft, const struct pipe_hooks *h);

/* pipe_records: n records (dec_frame's, in capture order) to the table
 * thread.  Waits while the table thread is a ring behind.  Capture
 * thread. */
void pipe_records(struct pipe *p, const struct dec_pkt *r, unsigned n);

/* pipe_tick: a tick at now_ns, after the records handed so far (none
 * when hooks.tick is NULL). */
void pipe_tick(struct pipe *p, int64_t now_ns);

/* pipe_ended: v, just ended by the table, to the consumer thread.  Table
 * thread (the table's done callback). */
void pipe_ended(struct pipe *p, const struct ft_view *v);

/* pipe_end: the input ended: the table ends every flow left (ft_flush),
 * the consumers get them, and both threads stop; returns once they
 * have.  Capture thread, once. */
void pipe_end(struct pipe *p);

/* pipe_free: stop the threads if pipe_end was not called (what is left
 * is dropped) and free; NULL is ignored. */
void pipe_free(struct pipe *p);

#endif
