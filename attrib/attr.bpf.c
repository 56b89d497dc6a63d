// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * attr.bpf.c - socket open and close events, each raised where the owning
 * process is known, for sockets too short-lived to find by polling.
 *
 * Hooks (BTF-typed raw tracepoints need neither kprobes, fentry nor
 * tracefs; formats in /sys/kernel/tracing/events/sock/, declared in
 * include/trace/events/sock.h):
 *   tp_btf/inet_sock_set_state  TCP: CLOSE->SYN_SENT (connect(), in the
 *       process) remembers the owner; SYN_SENT->ESTABLISHED (often in
 *       softirq, pid unrelated) sends the open with the source port, still
 *       0 at SYN_SENT (tcp_v4_connect() sets the state before
 *       inet_hash_connect() picks the port); CLOSE->LISTEN (listen(), in
 *       the process); ->CLOSE sends the close.
 *   tp_btf/sock_send_length, tp_btf/sock_recv_length  (sock_sendmsg_nosec
 *       and sock_recvmsg_nosec, in the process; Linux 6.3): accepted TCP
 *       sockets and UDP sockets, once per socket and process.
 *   cgroup/sock_release  (inet_release(), Linux 5.9; attached by the
 *       loader to the cgroup v2 root): the close of UDP sockets, which no
 *       tracepoint marks, and of TCP ones before their CLOSE transition.
 * Sockets are keyed by their cookie, not their address: a freed struct
 * sock is soon reused, and an entry whose delete was missed would hide
 * the next socket.  Preallocated LRU maps, not socket-local storage,
 * which allocates and frees per socket (measured slower here).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "attr_bpf.h"

#define AF_INET		2
#define AF_INET6	10
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define SOCK_STREAM	1
#define SOCK_DGRAM	2

/* include/net/tcp_states.h */
enum {
	TCP_ESTABLISHED = 1, TCP_SYN_SENT, TCP_SYN_RECV, TCP_FIN_WAIT1,
	TCP_FIN_WAIT2, TCP_TIME_WAIT, TCP_CLOSE, TCP_CLOSE_WAIT, TCP_LAST_ACK,
	TCP_LISTEN, TCP_CLOSING, TCP_NEW_SYN_RECV,
};

/* Sockets followed at once; beyond, the least recently used are forgotten
 * (their close is then not reported, and user space ages them). */
#define MAX_SOCKS 16384
/* Processes remembered per socket; a socket shared by more (a pre-forked
 * server's) falls back to the seen map. */
#define NPIDS 4

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by the loader: wake the reader when this many bytes wait (0: never),
 * so a burst is drained before the ring fills. */
const volatile __u64 wake_bytes = 0;

/* Events lost because the ring was full; read by attr_bpf.c. */
__u64 dropped = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

/* Per socket: its open event (the owner for the close, and the tuple the
 * close repeats; kind PENDING while connecting), and the processes
 * already reported for it. */
struct sk_info {
	struct attr_bpf_event ev;
	__u32 pids[NPIDS];		/* 0: free slot */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_SOCKS);
	__type(key, __u64);		/* socket cookie */
	__type(value, struct sk_info);
} socks SEC(".maps");

/* (cookie, pid) pairs reported beyond NPIDS processes. */
struct seen_key {
	__u64 cookie;
	__u32 pid;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct seen_key);
	__type(value, __u8);
} seen SEC(".maps");

/* Per CPU, the last (socket, process) found already reported: a socket
 * carrying a million packets then costs a compare per packet, not a hash
 * lookup.  Never invalidated: cookies are not reused. */
struct last_io {
	__u64 cookie;
	__u32 pid;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct last_io);
} last SEC(".maps");

static __always_inline void emit(struct attr_bpf_event *e)
{
	__u64 flags = BPF_RB_NO_WAKEUP;

	e->ts = bpf_ktime_get_ns();

	if (wake_bytes &&
	    bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wake_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(&events, e, sizeof(*e), flags))
		__sync_fetch_and_add(&dropped, 1);
}

/* The socket's cookie: read where the kernel keeps it once made (a load
 * instead of a helper call; this runs ~7 times per connection). */
static __always_inline __u64 cookie_of(const struct sock *sk)
{
	__u64 c = sk->__sk_common.skc_cookie.counter;

	return c ? c : bpf_get_socket_cookie((void *)sk);
}

/* The current process as the owner; uid, netns and inode from the socket.
 * sk is a BTF pointer (tp_btf): plain loads, CO-RE-relocated, read it,
 * and a NULL on the way (a kernel socket has no file) reads as 0. */
static __always_inline void owner(struct attr_bpf_event *e,
				  const struct sock *sk)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_struct *t;

	e->pid = id >> 32;
	e->cgroup = bpf_get_current_cgroup_id();
	/* The leader's name, as /proc/PID/comm, not a thread's. */
	if ((__u32)id == e->pid) {
		bpf_get_current_comm(&e->comm, sizeof(e->comm));
	} else {
		t = bpf_get_current_task_btf();
		bpf_probe_read_kernel(&e->comm, sizeof(e->comm),
				      t->group_leader->comm);
	}
	e->uid = sk->sk_uid.val;
	e->netns = sk->__sk_common.skc_net.net->ns.inum;
	e->inode = sk->sk_socket->file->f_inode->i_ino;
}

static __always_inline int is_zero(const __u32 *w)
{
	return !(w[0] | w[1] | w[2] | w[3]);
}

static __always_inline int is_v4mapped(const __u32 *w)
{
	return !(w[0] | w[1]) && w[2] == bpf_htonl(0xffff);
}

/* e's addresses, IPv6 so far: a dual-stack socket carrying IPv4 is
 * reported as IPv4. */
static __always_inline void fold_v4mapped(struct attr_bpf_event *e)
{
	__u32 *l = (void *)e->laddr, *r = (void *)e->raddr;

	e->ipv = 6;
	if (is_v4mapped(r) || (is_zero(r) && is_v4mapped(l))) {
		e->ipv = 4;
		l[0] = l[3];
		r[0] = r[3];
		l[1] = l[2] = l[3] = 0;
		r[1] = r[2] = r[3] = 0;
	}
}

/* The socket's addresses and ports.  The local port is skc_num, except at
 * close: inet_put_port() has zeroed it by then (tcp_set_state()), and
 * only inet_sport still has it. */
static __always_inline void tuple(struct attr_bpf_event *e,
				  const struct sock *sk, int closing)
{
	const struct sock_common *c = &sk->__sk_common;
	__u32 *l = (void *)e->laddr, *r = (void *)e->raddr;

	e->proto = sk->sk_protocol;
	if (closing)	/* a cast the verifier cannot follow: probe read */
		e->lport = bpf_ntohs(BPF_CORE_READ((struct inet_sock *)sk,
						   inet_sport));
	else
		e->lport = c->skc_num;
	e->rport = bpf_ntohs(c->skc_dport);
	if (c->skc_family == AF_INET6) {
		for (int i = 0; i < 4; i++) {
			l[i] = c->skc_v6_rcv_saddr.in6_u.u6_addr32[i];
			r[i] = c->skc_v6_daddr.in6_u.u6_addr32[i];
		}
		fold_v4mapped(e);
	} else {
		e->ipv = 4;
		l[0] = c->skc_rcv_saddr;
		r[0] = c->skc_daddr;
	}
	e->listener = e->proto == IPPROTO_UDP && e->rport == 0;
}

/* A TCP state in which the socket has both ends and a process may use it. */
static __always_inline int tcp_has_peer(__u8 state)
{
	return state == TCP_ESTABLISHED || state == TCP_SYN_RECV ||
	       state == TCP_FIN_WAIT1 || state == TCP_FIN_WAIT2 ||
	       state == TCP_CLOSE_WAIT || state == TCP_LAST_ACK ||
	       state == TCP_CLOSING;
}

static __always_inline int known(const struct sk_info *s, __u32 pid)
{
	for (int i = 0; i < NPIDS; i++)
		if (s->pids[i] == pid)
			return 1;
	return 0;
}

/* Record pid for the socket: 1 if it is new (report it), 0 if another
 * thread of the process just did (compare-and-swap: one report). */
static __always_inline int claim(struct sk_info *s, __u64 cookie, __u32 pid)
{
	struct seen_key k = { .cookie = cookie, .pid = pid };
	__u8 one = 1;
	__u32 old;

	for (int i = 0; i < NPIDS; i++) {
		old = s->pids[i];
		if (old == 0)
			old = __sync_val_compare_and_swap(&s->pids[i], 0, pid);
		if (old == 0)
			return 1;
		if (old == pid)
			return 0;
	}
	if (bpf_map_lookup_elem(&seen, &k))
		return 0;
	return bpf_map_update_elem(&seen, &k, &one, BPF_NOEXIST) == 0;
}

/* A send or receive, in the calling process: report the socket the first
 * time this process uses it. */
static __always_inline int on_io(struct sock *sk)
{
	struct sk_info *s, n;
	struct last_io *c;
	__u16 family, proto, type;
	__u64 cookie;
	__u32 pid, zero = 0;

	if (!sk)
		return 0;
	family = sk->__sk_common.skc_family;
	if (family != AF_INET && family != AF_INET6)
		return 0;
	proto = sk->sk_protocol;
	type = sk->sk_type;
	/* SOCK_RAW sockets may carry IPPROTO_TCP/UDP too. */
	if (!(proto == IPPROTO_TCP && type == SOCK_STREAM) &&
	    !(proto == IPPROTO_UDP && type == SOCK_DGRAM))
		return 0;
	if (proto == IPPROTO_TCP && !tcp_has_peer(sk->__sk_common.skc_state))
		return 0;
	if (sk->__sk_common.skc_num == 0)  /* a UDP send failed unbound */
		return 0;
	pid = bpf_get_current_pid_tgid() >> 32;
	cookie = cookie_of(sk);
	/* The hot path: a compare, else one lookup. */
	c = bpf_map_lookup_elem(&last, &zero);
	if (c && c->cookie == cookie && c->pid == pid)
		return 0;
	s = bpf_map_lookup_elem(&socks, &cookie);
	if (s && s->ev.kind == ATTR_BPF_PENDING) {
		/* A connect() whose ESTABLISHED transition went unseen (a
		 * BPF program can miss a run: see on_release): open it now,
		 * under the owner remembered at SYN_SENT. */
		tuple(&s->ev, sk, 0);
		s->ev.kind = ATTR_BPF_OPEN;
		emit(&s->ev);
	}
	if (s && known(s, pid)) {
		if (c) {
			c->cookie = cookie;
			c->pid = pid;
		}
		return 0;
	}

	__builtin_memset(&n, 0, sizeof(n));
	owner(&n.ev, sk);
	tuple(&n.ev, sk, 0);
	n.ev.kind = ATTR_BPF_OPEN;
	if (!s) {
		/* The first owner keeps the socket (and sends its close);
		 * NOEXIST: of two threads racing here, one reports. */
		n.pids[0] = pid;
		if (bpf_map_update_elem(&socks, &cookie, &n, BPF_NOEXIST))
			return 0;
	} else if (!claim(s, cookie, pid)) {
		return 0;
	}
	emit(&n.ev);
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(on_send, struct sock *sk, int ret, int flags)
{
	return on_io(sk);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(on_recv, struct sock *sk, int ret, int flags)
{
	return on_io(sk);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(on_state, const struct sock *sk, const int oldstate,
	     const int newstate)
{
	struct sk_info *s, n;
	__u64 cookie;

	/* Most transitions are of no interest: decide on the states first
	 * (this runs ~10 times per connection). */
	if (newstate != TCP_SYN_SENT && newstate != TCP_LISTEN &&
	    newstate != TCP_CLOSE &&
	    !(newstate == TCP_ESTABLISHED && oldstate == TCP_SYN_SENT))
		return 0;
	/* SCTP and MPTCP raise this tracepoint too. */
	if (sk->sk_protocol != IPPROTO_TCP)
		return 0;
	cookie = cookie_of(sk);

	/* connect() and listen(): the only transitions in the owner's
	 * context (the others run in softirq, under any process). */
	if (newstate == TCP_SYN_SENT || newstate == TCP_LISTEN) {
		__builtin_memset(&n, 0, sizeof(n));
		owner(&n.ev, sk);
		/* Its sends are this owner's: no second open for them. */
		n.pids[0] = n.ev.pid;
		n.ev.kind = ATTR_BPF_PENDING;
		if (newstate == TCP_LISTEN) {
			/* An autobinding listen() sets LISTEN before picking
			 * the port (inet_csk_listen_start()): lport 0. */
			tuple(&n.ev, sk, 0);
			n.ev.kind = ATTR_BPF_OPEN;
			n.ev.listener = 1;
			emit(&n.ev);
		}
		bpf_map_update_elem(&socks, &cookie, &n, BPF_ANY);
		return 0;
	}
	s = bpf_map_lookup_elem(&socks, &cookie);
	if (!s)
		return 0;
	if (s->ev.kind == ATTR_BPF_PENDING) {
		/* Established, or a connect() that failed (SYN_SENT->CLOSE,
		 * still reported: its packets went out): the tuple is whole
		 * now; the owner is the one remembered at SYN_SENT. */
		tuple(&s->ev, sk, newstate == TCP_CLOSE);
		s->ev.kind = ATTR_BPF_OPEN;
		emit(&s->ev);
	}
	if (newstate == TCP_CLOSE) {
		s->ev.kind = ATTR_BPF_CLOSE;
		emit(&s->ev);
		bpf_map_delete_elem(&socks, &cookie);
	}
	return 0;
}

/* Close, in the process dropping the last reference to the socket:
 * inet_release() runs this for every inet socket.  UDP has no other close
 * hook.  For TCP it backs up the CLOSE transition, which this kernel was
 * seen to skip now and then (its BPF programs not run for a transition
 * that tracefs recorded, in softirq; test_attr_bpf.c found it): whichever
 * comes first sends the close, the other finds nothing.  Must return 1
 * (0 is "deny"). */
SEC("cgroup/sock_release")
int on_release(struct bpf_sock *ctx)
{
	struct sk_info *s;
	__u64 cookie;

	if (ctx->protocol != IPPROTO_UDP && ctx->protocol != IPPROTO_TCP)
		return 1;
	cookie = bpf_get_socket_cookie(ctx);
	s = bpf_map_lookup_elem(&socks, &cookie);
	if (!s)
		return 1;
	/* Still connecting: tcp_close() moves it to CLOSE next, where the
	 * tuple can be read (this context has no source port). */
	if (s->ev.kind != ATTR_BPF_OPEN)
		return 1;
	s->ev.kind = ATTR_BPF_CLOSE;
	emit(&s->ev);
	bpf_map_delete_elem(&socks, &cookie);
	return 1;
}
