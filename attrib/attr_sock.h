/*
 * attr_sock.h - sockets as the OS shows them, and the sources that show
 * them (attribution back ends).  Internal to attrib/; attr.h is the API
 * the rest of porttop uses.
 *
 * Every back end reports sockets as struct attr_sock through a callback:
 * netlink sock_diag (attr_diag.c: a dump of the kernel's TCP and UDP
 * tables, and exact lookups), /proc/net/{tcp,udp}{,6} (attr_procnet.c, the
 * fallback when netlink is refused), and eBPF (attr_bpf.c: events raised
 * when sockets open and close, so nothing is missed).  sock_diag and
 * /proc/net give a socket's inode, not its process; the inode map
 * (attr_procmap.c, /proc/PID/fd) turns inodes into processes.
 */
#ifndef PORTTOP_ATTR_SOCK_H
#define PORTTOP_ATTR_SOCK_H

#include <stddef.h>
#include <stdint.h>

/* One socket.  Addresses in network byte order, IPv4 in the first 4 bytes
 * of 16 with the rest zero; ports in host byte order. */
struct attr_sock {
	uint8_t proto;		/* IP protocol: 6 TCP, 17 UDP */
	uint8_t ipv;		/* 4 or 6 (an IPv4-mapped IPv6 socket that
				   carries IPv4 traffic is reported as 4) */
	uint8_t listener;	/* a TCP listener, or a UDP socket with no
				   remote end: matches any remote */
	uint8_t closed;		/* an event: the socket is gone (its owner
				   stays known for the flows that used it) */
	int64_t ts_ns;		/* an event's time (CLOCK_MONOTONIC: eBPF's
				   kernel stamp), 0 unknown (the tables) */
	uint8_t laddr[16], raddr[16];	/* local / remote; zero = any */
	uint16_t lport, rport;
	uint64_t inode;		/* socket inode, 0 when unknown */
	uint64_t netns;		/* network namespace inode, 0 when unknown */
	uint64_t cgroup;	/* cgroup v2 id of the owner, 0 when unknown */
	int32_t pid;		/* owning process (thread group id), -1 when
				   unknown: resolve through the inode map */
	uint32_t uid;		/* socket owner's uid (sock_diag) */
	char comm[16];		/* process name, "" when unknown */
	uint8_t src;		/* enum attr_src: which back end saw it */
	uint32_t who;		/* a capture file's who record (its
				   comments' container), 0 none; live owners
				   get theirs from their cgroup (attr.c) */
};

typedef void (*attr_sock_fn)(void *arg, const struct attr_sock *s);

/* attr_sock_unmap: the back ends' one rule for ipv.  An IPv6 socket whose
 * addresses are IPv4-mapped (::ffff:a.b.c.d, RFC 4291 2.5.5.2) or zero, at
 * least one mapped, sends and receives IPv4 packets: make it ipv 4 with
 * the IPv4 addresses.  Anything else is left as it is. */
static inline void attr_sock_unmap(struct attr_sock *s)
{
	static const uint8_t pre[12] = { [10] = 0xff, [11] = 0xff };
	int mapped = 0;

	if (s->ipv != 6)
		return;
	for (int k = 0; k < 2; k++) {
		const uint8_t *a = k ? s->raddr : s->laddr;
		int zero = 1, map = 1;

		for (int i = 0; i < 16; i++) {
			zero &= a[i] == 0;
			map &= i >= 12 || a[i] == pre[i];
		}
		if (!zero && !map)
			return;
		mapped |= map;
	}
	if (!mapped)
		return;
	s->ipv = 4;
	for (int i = 0; i < 16; i++) {
		s->laddr[i] = i < 4 ? s->laddr[i + 12] : 0;
		s->raddr[i] = i < 4 ? s->raddr[i + 12] : 0;
	}
}

/* A back end.  Functions return 0 or a negative errno; err gets one line
 * (errlen bytes) saying why, for the user. */
struct attr_backend {
	const char *name;	/* "bpf", "diag", "proc" */
	int (*open)(void **state, char *err, size_t errlen);
	/* The whole table, every socket once (NULL: the back end has no
	 * table, only events). */
	int (*dump)(void *state, attr_sock_fn fn, void *arg);
	/* Only the TCP listeners and the UDP sockets, for when events tell
	 * the rest (NULL: use dump). */
	int (*dump_listeners)(void *state, attr_sock_fn fn, void *arg);
	/* The socket with exactly this tuple (proto, ipv, laddr, lport,
	 * raddr, rport of *want), if the kernel still has it (NULL: no exact
	 * lookups).  0 when found (fn called), -ENOENT when not.  UDP: the
	 * socket the kernel would deliver the tuple's datagrams to, which
	 * may be an unconnected one (fn gets its own tuple, listener 1). */
	int (*lookup)(void *state, const struct attr_sock *want,
		      attr_sock_fn fn, void *arg);
	/* Events that came since the last call, waiting at most timeout_ms
	 * (NULL: no events).  Returns the number delivered. */
	int (*poll)(void *state, attr_sock_fn fn, void *arg, int timeout_ms);
	/* End the wait of a poll under way, or of the next one, at once
	 * (any thread; NULL: polls always wait their timeout). */
	void (*kick)(void *state);
	/* Counters a back end keeps for the header (e.g. events the BPF
	 * program dropped); NULL when it keeps none. */
	uint64_t (*dropped)(void *state);
	void (*close)(void *state);
};

extern const struct attr_backend attr_backend_bpf;
extern const struct attr_backend attr_backend_diag;
/* attr_backend_procnet's open() takes its root from the environment,
 * PORTTOP_PROC_ROOT (default "/proc"), for a recorded tree. */
extern const struct attr_backend attr_backend_procnet;
/* Windows: IP Helper's tables (attr_iphlp_win.c). */
extern const struct attr_backend attr_backend_iphlp;

/* The inode map: which processes hold which socket inodes. */
struct attr_procmap;

struct attr_proc {
	int32_t pid;
	uint32_t uid;
	uint64_t cgroup;
	char comm[16];
};

/* attr_procmap_new: an empty map over proc_root ("/proc" normally; tests
 * give a recorded tree).  NULL when out of memory. */
struct attr_procmap *attr_procmap_new(const char *proc_root);
void attr_procmap_free(struct attr_procmap *m);

/* attr_procmap_scan: read every link in /proc/PID/fd named "socket:[INODE]" and
 * remember its process.  EACCES and ENOENT on a process are normal (it may
 * belong to another user or have exited); the first kind (EACCES, EPERM)
 * is counted in *denied (set to this scan's count), a process that exited
 * is not.  Returns 0, or -errno when proc_root itself cannot be read (the
 * previous map stays). */
int attr_procmap_scan(struct attr_procmap *m, uint64_t *denied);

/* attr_procmap_find: the processes holding inode (at most max, into out);
 * returns how many (0 when unknown).  One socket can be held by several
 * processes (after fork): the lowest pid comes first. */
int attr_procmap_find(const struct attr_procmap *m, uint64_t inode,
		      struct attr_proc *out, int max);

#endif
