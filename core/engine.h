/*
 * engine.h - the capture thread: capture -> decode -> flow table, from a
 * device or a file (replayed on its own timestamps, at a chosen speed).
 *
 * The engine is the flow table's only writer.  It never waits on a reader:
 * views read the table with ft_read() and the engine's counters with
 * engine_get_stats(), both lock-free; ended flows reach them through the
 * `done` callback, called in the engine's thread.  The only waits in the
 * thread are libpcap's read timeout, replay pacing and a user's pause of a
 * replay.
 */
#ifndef PORTTOP_ENGINE_H
#define PORTTOP_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "../capture/cap.h"
#include "../decode/dec.h"
#include "../attrib/attr.h"
#include "../flowtable/ft.h"

struct engine_opts {
	struct cap *cap;		/* opened (filter applied); the engine
					   closes it */
	const struct dec_link *link;	/* decoder for cap's link type */
	struct ft_config ft;		/* set .publish when a view reads */
	ft_done_fn done;		/* every ended flow, engine thread */
	void *done_arg;
	struct events *events;		/* --events: every ended flow, and at
					   the end those left in the table
					   (NULL: none) */
	ft_new_fn new_flow;		/* every new flow (attribution), or
					   NULL; engine thread, never blocks */
	void *new_flow_arg;
	const char *write_file;		/* -w: pcap or pcapng, or NULL */
	struct attr *note_attr;		/* -w pcapng: comment each packet
					   with its processes (NULL: no) */
	uint64_t count;			/* -c: stop after this many packets */
	int64_t duration_ns;		/* --duration: stop after this long
					   (wall time live, packet time in a
					   replay); 0 = no limit */
	double speed;			/* replay pace: 1 real time, 10 ten
					   times faster, 0 as fast as possible */
	bool flush_at_end;		/* end every flow at the end (reports);
					   a view keeps them to show */
};

/* Counters, readable from any thread at any time. */
struct engine_stats {
	uint64_t read, decoded, truncated, invalid, unsupported;
	uint64_t frags_joined, frags_orphaned;
	struct cap_stats kernel;	/* live: libpcap's counters */
	uint64_t dump_errors;		/* -w packets that could not be written */
	int64_t first_ns, now_ns;	/* packet times: first and latest */
	int64_t clock_ns;		/* a replay's clock: the packet time it
					   has reached, moving on through quiet
					   stretches; for a capture, now_ns */
	int running;			/* 0 once the thread has finished */
	int paused;			/* replay paused by the user */
};

struct engine;

/* engine_start: start the thread.  Returns 0, or -1 with a one-line
 * reason in err (errlen bytes): the flow table or the -w file could not
 * be created; o->cap is then still the caller's to close. */
int engine_start(struct engine **out, const struct engine_opts *o,
		 char *err, size_t errlen);

/* engine_stop: ask the thread to finish soon (after its current packet).
 * Safe from a signal handler: it only stores to atomics and calls
 * pcap_breakloop(). */
void engine_stop(struct engine *e);

/* engine_pause: pause (1) or resume (0) a replay; engine_step: let one
 * more packet through while paused.  No effect on a live capture. */
void engine_pause(struct engine *e, int on);
void engine_step(struct engine *e);

/* engine_get_stats: a consistent-enough copy of the counters (each field
 * is read atomically). */
void engine_get_stats(const struct engine *e, struct engine_stats *s);

/* engine_table: the flow table, for readers (ft_read, ft_capacity). */
struct ft_table *engine_table(struct engine *e);

/* engine_wait: join the thread.  Returns 0; 1 when the input broke
 * (damaged file, device gone, -w write failures), with the message in
 * err.  The table stays valid until engine_free(). */
int engine_wait(struct engine *e, char *err, size_t errlen);

/* engine_free: free the table, the decoder and the capture. */
void engine_free(struct engine *e);

#endif
