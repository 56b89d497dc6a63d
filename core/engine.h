/*
 * engine.h - porttop's engine: the one owner of the capture, the decoder,
 * the flow table, attribution and the -w file, and the thread that moves
 * packets through them:
 *
 *   cap_next -> dec_frame -> packet consumers (-w) -> ft_packets
 *                                 ended flows + owners -> flow consumers
 *
 * Life: engine_open (source, filter, attribution, -Z, -w, the table) ->
 * engine_add (consumers, consumer.h) -> engine_start (the capture thread)
 * -> engine_poll / engine_stop -> engine_wait -> engine_close.  The modes
 * (report/report_run.c, ui/batch.c, ui/view.c) pick the consumers and what
 * the main thread does meanwhile; the engine knows none of them.
 *
 * The engine is the flow table's only writer and never waits on a reader:
 * the views read the table with ft_read() and the counters with
 * engine_get_stats(), both lock-free.  The only waits in its thread are
 * libpcap's read timeout, replay pacing and a user's pause of a replay.
 */
#ifndef PORTTOP_ENGINE_H
#define PORTTOP_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "../attrib/attr.h"
#include "../capture/cap.h"
#include "../flowtable/ft.h"
#include "../names/nm_runtime.h"
#include "consumer.h"
#include "status.h"

/* --tunnels: which IP headers of a tunnelled frame make reported flows.
 * Every mode counts the frame in the flow of each header it decodes. */
enum engine_tunnels {
	ENGINE_TUNNELS_ZEEK = 0,  /* Zeek's conn.log: the packets inside
				     tunnels, and the UDP datagrams that
				     carry them; GRE and IP-in-IP envelopes
				     are counted, not reported */
	ENGINE_TUNNELS_OUTER,	  /* the outermost IP header only (tcpdump's
				     and tshark's per-flow view): tunnels are
				     not opened */
	ENGINE_TUNNELS_INNER,	  /* the innermost packets only: every
				     carrier is counted, not reported */
	ENGINE_TUNNELS_NUM
};

/* The modes' names as --tunnels takes them ("zeek", "outer", "inner"). */
extern const char *const engine_tunnels_names[ENGINE_TUNNELS_NUM];

/* engine_tunnels_reports: whether `mode` reports a flow whose first
 * packet sat at `levels` (ft_view.levels, FT_LV_*) in its frame. */
static inline int engine_tunnels_reports(enum engine_tunnels mode,
					 uint8_t levels)
{
	switch (mode) {
	case ENGINE_TUNNELS_OUTER:
		return !!(levels & FT_LV_OUTERMOST);
	case ENGINE_TUNNELS_INNER:
		return !!(levels & FT_LV_INNERMOST);
	default:
		return !!(levels & (FT_LV_INNERMOST | FT_LV_UDP_CARRIER));
	}
}

#define ENGINE_MAX_THREADS 16	/* engine_opts.threads at most */

struct engine_opts {
	const char *read_file;		/* -r FILE ("-": stdin), or NULL for
					   a device */
	struct cap_live_opts live;	/* -i -p -s -B */
	const char *fallback_file;	/* --fallback-replay: replay this file
					   when the device cannot be opened */
	const char *filter;		/* capture expression; NULL, "": none */
	const char *write_file;		/* -w: pcap, or pcapng when the name
					   ends in .pcapng; NULL: none */
	uint64_t count;			/* -c: stop after this many packets
					   (0: no limit) */
	int64_t duration_ns;		/* --duration: wall time live, packet
					   time in a replay (0: no limit) */
	double speed;			/* replay pace: 1 real time, 10 ten
					   times faster, 0 as fast as it can */
	struct ft_config ft;		/* --max-flows, --timeouts; set
					   .publish when a view reads */
	enum attr_mode attrib;		/* --attrib */
	const char *user;		/* -Z: run as this user once the
					   device is open and eBPF loaded */
	bool keep_flows;		/* at the end, leave the flows in the
					   table (a view shows them) rather
					   than end them all (reports) */
	/* --runtime: the container runtimes' sockets to ask for names
	 * (nm_runtime_spec; none: the usual places), or none at all */
	struct nm_runtime_opts runtime;
	enum engine_tunnels tunnels;	/* --tunnels */
	bool switch_tunnels;		/* a view may show any --tunnels mode:
					   tunnels are opened in every mode
					   and the table keeps, publishes and
					   ends the flows of every mode
					   (ft_config.publish_hidden) to the
					   CONSUMER_ALL_TUNNELS consumers;
					   the others and the counters still
					   get `tunnels`'s flows only */
	bool own_netns;			/* porttop run --netns private: the
					   listeners are only those of
					   porttop's namespace, all CMD's */
	int threads;			/* --threads: 2, the flow table on a
					   thread of its own (core/pipe.h);
					   3 and above, the consumers on a
					   third; when the output is the
					   same: a device or a file without
					   process comments, no view, every
					   flow consumer CONSUMER_BEHIND;
					   else, and 1, one thread; 0: a
					   device thread_live_default(), a
					   file 1 */
	uint64_t own_cgroup;		/* porttop run: hand on only the flows
					   with an end owned by a process of
					   this cgroup v2 (attr_end.cgroup);
					   0: every flow */
};

/* Counters, readable from any thread at any time. */
struct engine_stats {
	uint64_t read, decoded, truncated, invalid, unsupported;
	uint64_t frags_joined, frags_orphaned;
	/* Frames are counted once above: decoded when a reported flow
	 * counts them.  With tunnels a frame may count in several flows
	 * (a VXLAN datagram and the packet inside), or in none reported (a
	 * GRE envelope whose inner header is cut: truncated). */
	uint64_t tunnelled;		/* frames whose IP payload was taken
					   for a tunnel */
	uint64_t tunnel_bad;		/* of which the tunnel or inner header
					   was cut or invalid (counted in the
					   outer flows only) */
	uint64_t in_flows;		/* packets the reported flows count
					   (= decoded without tunnels) */
	uint64_t kept_flows, kept_pkts;	/* porttop run (own_cgroup): the
					   flows handed on, CMD's, and the
					   packets they count (both ways);
					   else 0 */
	struct cap_stats kernel;	/* live: libpcap's counters */
	int64_t first_ns, now_ns;	/* packet times: first and latest */
	int64_t clock_ns;		/* a replay's clock: the packet time it
					   has reached, moving on through quiet
					   stretches; for a capture, now_ns */
	int running;			/* 0 once the thread has finished */
	int paused;			/* replay paused by the user */
};

/* What the views' headers say about the run. */
struct engine_desc {
	const char *source;		/* device or file name */
	const char *filter;		/* "" when none */
	int live;			/* 1: a device */
	double speed;			/* replay speed */
	uint32_t capacity;		/* flows the table holds */
	const char *notice;		/* why a live capture was not possible
					   (--fallback-replay), or NULL */
	const char *attrib;		/* "bpf", "diag", "proc", "pcapng", or
					   NULL while flows are not attributed */
	uint64_t attrib_lost;		/* attribution's losses so far: eBPF
					   events dropped, lookups dropped,
					   open sockets forgotten */
	enum engine_tunnels tunnels;	/* --tunnels */
	int switch_tunnels;		/* 1: engine_opts.switch_tunnels */
	int own_only;			/* 1: porttop run keeps only CMD's
					   flows (engine_opts.own_cgroup) */
	int fanout_group;		/* live: the PACKET_FANOUT group the
					   device's socket joined (this run
					   sees its share of the flows), or
					   0 */
};

struct engine;

/* engine_open: open the source (a device falls back to o->fallback_file
 * when it cannot be opened and one is given: a warning on stderr says why),
 * check its link type, compile the filter, start attribution (live: the
 * host's sockets; a file: the processes its comments recorded), drop
 * privileges (-Z), create the -w file and the flow table.  o is copied.
 * Returns PT_OK with *out, or an error (nothing left open):
 * PT_ERR_OPEN, PT_ERR_LINKTYPE, PT_ERR_FILTER, PT_ERR_ATTRIB, PT_ERR_PRIV,
 * PT_ERR_OUTPUT_OPEN, PT_ERR_NOMEM, with err->msg. */
enum pt_status engine_open(struct engine **out, const struct engine_opts *o,
			   struct pt_err *err);

/* engine_add: hand ended flows, packets and ticks to c (copied) from
 * engine_start on, after the consumers added before it.  At most
 * ENGINE_MAX_CONSUMERS; -1 beyond (a programming error), else 0. */
#define ENGINE_MAX_CONSUMERS 8
int engine_add(struct engine *e, const struct consumer *c);

/* engine_start: start the capture thread.  PT_OK, or PT_ERR_NOMEM when
 * the thread cannot start (err->msg says so). */
enum pt_status engine_start(struct engine *e, struct pt_err *err);

/* engine_poll: wait up to timeout_ms for the capture thread to end or a
 * stop signal (SIGINT, SIGTERM, SIGHUP: core/sig.h) to arrive; a signal
 * stops the engine.  Returns 1 while the thread runs, 0 once it ended.
 * Main thread. */
int engine_poll(struct engine *e, int timeout_ms);

/* engine_stop: ask the thread to finish soon (after its current packet).
 * Any thread; only stores to atomics and calls cap_breakloop(). */
void engine_stop(struct engine *e);

/* engine_pause: pause (1) or resume (0) a replay; engine_step: let one
 * more packet through while paused (steps asked faster than packets go
 * through add up).  No effect on a live capture. */
void engine_pause(struct engine *e, int on);
void engine_step(struct engine *e);

/* engine_set_speed: a replay's new pace from the packet it is at (1 real
 * time, 10 ten times faster, 0 as fast as it reads); engine_describe's
 * speed follows.  Any thread; no effect on a live capture. */
void engine_set_speed(struct engine *e, double speed);

/* engine_wait: join the thread (stopping it first is the caller's choice).
 * Returns PT_OK; PT_ERR_INPUT when the input broke mid-way (err->msg:
 * "FILE: damaged after N packets: REASON", or "DEVICE: capture failed
 * after ..."); PT_ERR_OUTPUT when -w could not be written while the
 * capture went on ("-w FILE: ...").  The table and the counters stay
 * readable until engine_close().  Idempotent. */
enum pt_status engine_wait(struct engine *e, struct pt_err *err);

/* engine_close: stop and join the thread if needed, and free everything
 * the engine owns (NULL is ignored).  Consumers are the caller's. */
void engine_close(struct engine *e);

/* Readers, from any thread. */
void engine_get_stats(const struct engine *e, struct engine_stats *s);
void engine_describe(const struct engine *e, struct engine_desc *d);
struct ft_table *engine_table(struct engine *e);
struct attr *engine_attr(struct engine *e);	/* NULL: no attribution */
/* The names of addresses (any thread may nm_flow it), and the runtime
 * thread naming containers (NULL: not asked). */
struct nm_names *engine_names(struct engine *e);
struct nm_runtime *engine_runtime(struct engine *e);
int engine_is_live(const struct engine *e);

/* engine_attrib_msg: one line saying where owners come from, or why
 * none ("attribution: bpf + diag", "attribution: off (--attrib none)");
 * for a file, what its comments gave so far ("attribution: pcapng
 * comments (28 of 30 packets, 7 flow notes)"; final once the engine has
 * ended); "" when there is nothing to say.  Main thread. */
const char *engine_attrib_msg(struct engine *e);

/* engine_status: the consumers' status lines (consumer.h `status`), in
 * the order they were added, skipping empty ones: at most max lines of
 * ENGINE_STATUS_LEN bytes.  Returns how many.  Any thread. */
#define ENGINE_STATUS_LEN 128
int engine_status(const struct engine *e, char lines[][ENGINE_STATUS_LEN],
		  int max);

/* engine_progress: bytes of the file read so far and its size (0: a pipe
 * or a device). */
void engine_progress(const struct engine *e, uint64_t *done,
		     uint64_t *total);

#endif
