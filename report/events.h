/*
 * events.h - the event stream, --events FILE (issue 5): JSON Lines, one
 * object per event, each with "schema": 1, "ts" (epoch seconds) and
 * "type":
 *   port_state      a responder port's state changed (ports.c's rule:
 *                   the latest-starting decisive flow), with the flow
 *                   that showed it and the evidence so far
 *   scan, scan_end  a port scan or address scan started / ended
 *                   (flowtable/scan.h: Zeek's thresholds)
 *   retrans_spike   a TCP flow that ended with at least 5 resent
 *                   segments making up 5 % or more of its packets
 *   listener_new, listener_gone   a local TCP listener or bound UDP
 *                   socket appeared / went (live attribution only; those
 *                   present at the start come once with "at_start")
 * Flow events come when their flow ends (or, for the flows a view leaves
 * in the table, when the input ends), at the flow's packet times, so a
 * capture replayed gives the same events as the live run.  Field names
 * are in README.md and porttop.8.
 *
 * The engine thread only formats a line into a bounded in-memory ring;
 * a writer thread of its own writes them, so a slow file or a stalled
 * pipe never stalls the capture: lines that find the ring full are
 * counted as lost and said at the end.
 */
#ifndef PORTTOP_EVENTS_H
#define PORTTOP_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "../attrib/attr.h"
#include "../core/consumer.h"
#include "../flowtable/ft.h"

struct events;

/* events_open: write events to path ("-": stdout), creating or truncating
 * it; owners from a (NULL: none; live: also the listener events); scans
 * by sc (NULL or zero fields: Zeek's thresholds).  NULL with a one-line
 * reason in err when the file cannot be opened or memory is short. */
struct scan_config;
struct events *events_open(const char *path, struct attr *a,
			   const struct scan_config *sc, char *err,
			   size_t errlen);

/* events_flow: a flow ended (arg is the struct events).  Engine thread;
 * never blocks. */
void events_flow(void *events, const struct flow_rec *f);

/* events_consumer: the engine consumer that feeds ev: every ended flow,
 * those a view leaves in the table at the end (CONSUMER_LEFT), and at
 * the end of input (finish) the scans still open end at the latest
 * packet time seen, what is queued is written and the file closed. */
struct consumer events_consumer(struct events *ev);

/* events_close: finish if the engine did not (it never ran), say on
 * stderr what was lost, and free.  Returns the number of lines lost
 * (ring full or write errors).  NULL is ignored.  Main thread. */
uint64_t events_close(struct events *ev);

#endif
