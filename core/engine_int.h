/*
 * engine_int.h - the engine's state, shared by engine_open.c (opening and
 * closing what it owns) and engine.c (the capture thread and its
 * readers).  Internal to core/.
 */
#ifndef PORTTOP_ENGINE_INT_H
#define PORTTOP_ENGINE_INT_H

#include <pthread.h>

#include "../decode/dec.h"
#include "../names/nm_runtime.h"
#include "dump.h"
#include "engine.h"
#include "pipe.h"

/* An ended flow waiting for the notes that may follow it in the file. */
struct held {
	struct ft_view v;
	uint64_t until;		/* released once this many packets are read */
};

struct engine {
	struct engine_opts o;
	struct cap *cap;
	int live;			/* cap is a device */
	const struct dec_link *link;	/* decoder for cap's link type */
	struct ft_table *ft;
	struct pipe *pipe;		/* --threads: the table or the
					   consumers or both on threads of
					   their own; NULL: all in the
					   capture thread */
	int pipe_table;			/* the pipe has a table thread (else
					   the capture thread runs the table,
					   as without a pipe) */
	uint8_t *fbuf;			/* the pipe's names: a batch's frames
					   (NULL: names read in the capture
					   thread) */
	struct attr *attr;		/* NULL: flows are not attributed */
	struct nm_names *names;		/* names of addresses, from the
					   packets */
	struct nm_runtime *runtime;	/* names of containers, live; NULL:
					   none */
	struct dump *dump;		/* -w, or NULL */
	int dlt, other_dlt;		/* the link type of `link`; the last
					   other one met (a pcapng file may
					   mix them) and its decoder: */
	const struct dec_link *other;	/* NULL: none for that type */
	/* ended flows held back for late notes (file attribution): a ring */
	int hold;
	struct held *held;
	uint32_t held_head, held_tail;
	struct consumer cons[ENGINE_MAX_CONSUMERS];
	int ncons, nleft;		/* consumers; of which CONSUMER_LEFT */
	int nnames;			/* consumers reading names: those
					   without CONSUMER_NO_NAMES */
	int nlearn;			/* consumers reading names from
					   flow_rec.name or the table
					   (CONSUMER_NAME_TABLE): the
					   packets' names are learnt */
	char notice[256];		/* why a live capture was not possible */
	char attr_msg[256];		/* engine_attrib_msg */
	pthread_t thread;
	int started, joined;
	struct wake *done;		/* posted by the thread at its end */

	/* shared with readers: written with atomic stores */
	struct engine_stats st;
	int stop, pause, step;
	int64_t speed_u;		/* replay pace in millionths (0: as fast
					   as it reads): engine_set_speed */

	/* the thread's outcome, read after the join */
	enum pt_status status;
	char err[CAP_ERRBUF_SIZE];

	/* the capture thread's, written at every packet: last, a cache
	 * line away from the fields above, which the table and consumer
	 * threads of --threads read at every flow (sharing a line with
	 * them made each read a miss: 6 % of the table thread's time) */
	char pad[64];
	struct dec dec;
	uint64_t read_now;		/* packets read, for the hold */
};

/* engine_thread: the capture thread's function; engine_flow_ended: the
 * flow table's done callback (arg: the engine).  Both in engine.c. */
void *engine_thread(void *arg);
void engine_flow_ended(void *arg, const struct ft_view *v);

#endif
