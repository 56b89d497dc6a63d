/*
 * attr.h - which process owns each end of a flow.
 *
 * The attribution service runs its own thread.  It keeps a table of this
 * host's sockets and their owners, fed by the back ends (attr_sock.h):
 * eBPF events when they can be had (every socket, however short-lived),
 * else netlink sock_diag dumps on a timer plus an exact lookup for each new
 * flow it does not know, else /proc/net.  Sockets that close keep their
 * owner for a while, so a flow that outlived its socket is still
 * attributed.  Readers (the capture thread's reports, the views) look flows
 * up without locks and never wait for the service.
 *
 * Only this host's sockets can be attributed, in the network namespace
 * porttop runs in (eBPF also sees other namespaces and says so).  An end
 * that cannot be attributed carries the reason (enum attr_why).
 */
#ifndef PORTTOP_ATTR_H
#define PORTTOP_ATTR_H

#include <stddef.h>
#include <stdint.h>

#include "../flowtable/ft.h"

/* Where an owner came from (the reports' *_attrib). */
enum attr_src {
	ATTR_SRC_NONE = 0,
	ATTR_SRC_BPF,		/* eBPF socket events */
	ATTR_SRC_DIAG,		/* netlink sock_diag + /proc/PID/fd */
	ATTR_SRC_PROCNET,	/* /proc/net/{tcp,udp}{,6} + /proc/PID/fd */
	ATTR_SRC_PCAPNG,	/* a capture file's per-packet comments */
	ATTR_SRC_IPHLP,		/* Windows' IP Helper tables */
	ATTR_SRC_NUM
};

/* Why an end has no owner (the reports' *_attrib_miss). */
enum attr_why {
	ATTR_FOUND = 0,
	ATTR_REMOTE,		/* not an address of this host */
	ATTR_NETNS,		/* a socket of another network namespace */
	ATTR_GONE,		/* the socket was gone before it was seen */
	ATTR_DENIED,		/* its process could not be read (privileges) */
	ATTR_DISABLED,		/* attribution is off (--attrib none, or a
				   file without process comments) */
	ATTR_PENDING,		/* not looked up yet */
	ATTR_NOSOCK,		/* a protocol without sockets to look up
				   (ICMP, GRE, ...) */
	ATTR_UNRECORDED,	/* a capture file with process comments,
				   but none for this end */
	ATTR_SEVERAL,		/* the tuple had several sockets, one after
				   another, in the flow's time, and polling
				   cannot tell which packet was whose (eBPF
				   ends the flow at the change instead) */
	ATTR_WHY_NUM
};

/* The owner of one end of a flow. */
struct attr_end {
	int32_t pid;		/* -1 when unknown */
	uint32_t uid;		/* (uint32_t)-1 when unknown */
	uint64_t cgroup;	/* cgroup v2 id, 0 when unknown */
	char comm[16];		/* "" when unknown */
	uint8_t src;		/* enum attr_src */
	uint8_t why;		/* enum attr_why */
	uint8_t exited;		/* the process has exited since */
	uint32_t who;		/* its container, pod or unit: a record of
				   names/nm_who.h (nm_who_get), 0 none */
};

enum attr_mode { ATTR_AUTO = 0, ATTR_MODE_BPF, ATTR_MODE_DIAG,
		 ATTR_MODE_PROC, ATTR_MODE_NONE };

struct attr_opts {
	enum attr_mode mode;	/* --attrib */
	const char *proc_root;	/* "/proc" (tests: a recorded tree) */
	int64_t dump_every_ns;	/* sock_diag dump period; 0: 1 s */
	int defer_thread;	/* open the back ends (load eBPF) now, start
				   the thread at attr_run(): -Z drops
				   privileges in between, and the thread
				   must get the capabilities kept */
	uint64_t scope_cgroup;	/* porttop run: attr_listeners gives only
				   the listeners owned in this cgroup v2;
				   0: all */
	bool scope_netns;	/* porttop run --netns private: and only
				   those of porttop's network namespace
				   (eBPF sees every namespace's sockets) */
};

struct attr;

/* attr_start: start the service.  Returns 0 with *out, or -1 when the
 * forced mode cannot work (its reason in msg).  With ATTR_AUTO it always
 * starts, and msg says in one line which source is used and, when eBPF is
 * off, why (e.g. "eBPF off: needs CAP_BPF and CAP_PERFMON; using
 * sock_diag"). */
int attr_start(struct attr **out, const struct attr_opts *o, char *msg,
	       size_t len);

/* attr_open_file: owners from a capture file's per-packet process
 * comments (written by porttop -w or ptcpdump), given to it as the file
 * is read: attr_file_packet for every packet (p: the decoded packet, NULL
 * when it did not decode), attr_file_note for every note (cap_next's
 * CAP_NOTE).  Capture thread only; readers look owners up as with a live
 * service.  Until the first record comes, ends are "disabled" as without
 * attribution, unless `marked` (the file says it carries them:
 * cap_process_comments); afterwards an end no comment named is
 * "unrecorded".  Returns 0 with *out, -1 out of memory. */
struct cap_pkt;		/* capture/cap.h (not included: attr_bpf.c's
			   kernel headers clash with libpcap's) */
int attr_open_file(struct attr **out, int marked);
void attr_file_packet(struct attr *a, const struct dec_pkt *p,
		      const struct cap_pkt *pk);
void attr_file_note(struct attr *a, const struct cap_pkt *pk);

/* attr_file_msg: one line saying what a file's comments gave ("attribution:
 * pcapng comments (28 of 30 packets, 7 flow notes)"): 1, or 0 when they
 * gave no owner (then nothing is written). */
int attr_file_msg(const struct attr *a, char *msg, size_t len);

/* attr_active: 1 while flows are attributed (a live service, or a file
 * whose comments have named an owner or that is marked), else 0 (also
 * for NULL). */
int attr_active(const struct attr *a);

/* attr_run: start the thread of a service started with defer_thread (a
 * no-op otherwise, and for NULL).  0, or -1 when it cannot start (the
 * service then stays idle: lookups find nothing). */
int attr_run(struct attr *a);

/* attr_sync: wait (timeout_ns at most) until the service's thread has
 * taken in the socket events and lookup requests that were waiting when
 * it was called: the end of a turn of its loop begun after the call (40
 * ms or so).  The capture thread calls it when a capture stops, before
 * the flows left end, so that owners the kernel had reported are known.
 * 0, or -1 when it timed out or there is no thread (a file: nothing to
 * wait for). */
int attr_sync(struct attr *a, int64_t timeout_ns);

/* attr_stop: stop the thread and free (NULL is ignored). */
void attr_stop(struct attr *a);

/* attr_flow: the owners of a flow's two ends ([FT_ORIG], [FT_RESP]), as
 * known now.  Any thread; never blocks.  a may be NULL (ATTR_DISABLED). */
void attr_flow(struct attr *a, const struct ft_view *v,
	       struct attr_end ends[2]);

/* attr_packet: the owners of a packet's source ([0]) and destination
 * ([1]) ends, as known now (for -w's per-packet comments).  Any thread;
 * never blocks; a few hundred nanoseconds.  a may be NULL. */
void attr_packet(struct attr *a, const struct dec_pkt *p,
		 struct attr_end ends[2]);

/* attr_packet_note: -w's pcapng comments for one packet: one comment per
 * end with a known owner, in the format attr_note.h reads ("PID: 1234\n
 * Cmd: curl\nUserId: 1000\nCgroupId: 0\nEnd: src\nSource: bpf"; the
 * first two lines are ptcpdump's), and *flags the pcapng epb_flags
 * direction (2 outbound when the source end is owned, else 1 inbound,
 * 0 when neither).  Returns the number of comments (0 to 2). */
int attr_packet_note(struct attr *a, const struct dec_pkt *p,
		     char comment[2][256], uint32_t *flags);

/* attr_flow_note: -w's record of a flow's owners as it ends, for the
 * owners no packet comment carried (eBPF reports a connection when it is
 * established, often after its first packets were written): one comment
 * per known end, "porttop flow: tcp 10.0.0.1 40000 10.0.0.2 80\n" (proto,
 * orig address and port, resp address and port) then the owner as in
 * attr_packet_note, with End: src for the orig, and its container, pod
 * or unit when it has one (attr_note.h).  Returns how many (0 to 2).  Written in an empty pcapng Name Resolution Block (cap_dump_note). */
#define ATTR_NOTE_MAX 1024
int attr_flow_note(struct attr *a, const struct ft_view *v,
		   char comment[2][ATTR_NOTE_MAX]);

/* attr_want: ask the service to look a new flow's sockets up now (the
 * flow table calls it, in its writer's thread, for each new flow: see
 * ft_set_new_flow).  Never blocks: requests beyond a bounded queue are
 * dropped and counted.  a may be NULL (ignored). */
void attr_want(struct attr *a, const struct ft_key *k);

/* attr_gone_take: up to max UDP sockets that closed since the last call
 * and at or before until_ns (CLOCK_REALTIME ns: the newest packet the
 * caller is about to put in the table; the later ones wait for the
 * packets stamped after them, as the table keeps 16 closes a tuple),
 * oldest first, as eBPF saw them (the kernel's stamp of the close, turned
 * into CLOCK_REALTIME, the clock of live packets), for the engine to end
 * the flows they owned at the close (ft_owner_gone): a packet after it is
 * another socket's.  eBPF only: the tables (sock_diag, /proc/net) notice
 * a close a poll later, too late to tell packets apart.  One thread only
 * (the flow table's writer: the capture thread, or --threads' table
 * thread); never blocks.  Returns how many; a full ring (4096) drops the
 * newest, counted in attr_stats.lost. */
size_t attr_gone_take(struct attr *a, struct ft_gone *out, size_t max,
		      int64_t until_ns);

/* attr_horizon: CLOCK_REALTIME ns up to which the service has taken in
 * the socket events (the start of its last completed poll of eBPF's ring,
 * less 1 ms for events still being written: a packet stamped before it
 * finds its socket's close in attr_gone_take if there was one), or 0 when
 * there are no events (no eBPF, a file, the thread not started).  Any
 * thread. */
int64_t attr_horizon(const struct attr *a);

/* attr_horizon_wait: until attr_horizon reaches ts (CLOCK_REALTIME ns) or
 * wait_ns passed, asleep: the thread wakes waiters at each new horizon.
 * Once a poll begun now would cover ts, it kicks the service's poll
 * (attr_backend.kick) rather than wait out its 20 ms sleep: a wait of up
 * to 40 ms filled a small capture buffer at high rates (64 % of the
 * packets dropped at 200 kpps with -B 512; tests/bench/README.md, "The
 * horizon kicked").  Returns attr_horizon; at once when it is 0. */
int64_t attr_horizon_wait(struct attr *a, int64_t ts, int64_t wait_ns);

/* A local listener: a TCP socket in LISTEN, or a bound UDP socket with no
 * remote end, and its owner. */
struct attr_listener {
	uint8_t proto, ipv;
	uint8_t addr[16];	/* zero: every address */
	uint16_t port;
	struct attr_end owner;
};

/* attr_listeners: copy up to max listeners into out (only those of
 * attr_opts.scope_cgroup when set); returns how many there are.  Any
 * thread. */
size_t attr_listeners(struct attr *a, struct attr_listener *out, size_t max);

struct attr_stats {
	uint64_t sockets;	/* sockets known now */
	uint64_t lookups;	/* exact lookups made */
	uint64_t lost;		/* lookup requests dropped (queue full) */
	uint64_t bpf_dropped;	/* events the BPF program could not send */
	uint64_t denied;	/* processes that could not be read */
	uint64_t evicted;	/* open sockets forgotten: the cache (131,072
				   sockets, 8 per bucket) was full there */
	const char *source;	/* "bpf", "diag", "proc", "none" */
};
void attr_get_stats(struct attr *a, struct attr_stats *s);

/* Names for reports: "bpf", "diag", ... and "remote", "netns", ... */
/* attr_user_name: the account name of a uid the Windows back end has
 * seen in a process token (attr_owner_win.c: LookupAccountSidW; uids as
 * attr_iphlp.h maps SIDs) into buf: 0, or -1 when it has not.  Windows
 * build only: on Linux uids are the kernel's and the password database
 * names them (ui/user_linux.c). */
int attr_user_name(uint32_t uid, char *buf, size_t len);

const char *attr_src_name(int src);
const char *attr_why_name(int why);

#endif
