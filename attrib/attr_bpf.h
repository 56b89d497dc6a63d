/*
 * attr_bpf.h - the record attr.bpf.c sends through its ring buffer to
 * attr_bpf.c.  Shared by the BPF program (types from vmlinux.h) and user
 * space (types from <linux/types.h>), so only fixed-width types, laid out
 * without padding holes.
 */
#ifndef PORTTOP_ATTR_BPF_H
#define PORTTOP_ATTR_BPF_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

enum attr_bpf_kind {
	ATTR_BPF_OPEN = 1,	/* a socket seen in its owner's context */
	ATTR_BPF_CLOSE = 2,	/* that socket is gone */
	ATTR_BPF_PENDING = 3,	/* in the socks map only: connect() seen,
				   the source port not yet known */
};

/* One socket event.  A close repeats its open's tuple and owner, so user
 * space can match the two by key (netns, proto, tuple). */
struct attr_bpf_event {
	__u64 netns;		/* network namespace inode (ns.inum) */
	__u64 cgroup;		/* cgroup v2 id of the owner */
	__u64 inode;		/* socket inode (as sock_diag), 0 if none */
	__u64 ts;		/* when it was sent: CLOCK_MONOTONIC ns
				   (bpf_ktime_get_ns); a close's is the
				   close */
	__u32 pid;		/* owner's thread group id */
	__u32 uid;		/* socket's uid (sk_uid, as sock_diag) */
	__u8 laddr[16];		/* network byte order; IPv4 in the first 4 */
	__u8 raddr[16];
	__u16 lport, rport;	/* host byte order */
	__u8 kind;		/* enum attr_bpf_kind */
	__u8 proto;		/* 6 TCP, 17 UDP */
	__u8 ipv;		/* 4 or 6 (IPv4-mapped IPv6 reported as 4) */
	__u8 listener;		/* TCP LISTEN, or UDP with no remote end */
	char comm[16];		/* the thread group leader's name */
};

#endif
