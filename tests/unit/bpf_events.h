/*
 * bpf_events.h - what the eBPF back end tests share: the back end opened
 * per test (SKIP when not root or the kernel cannot), every event it
 * delivers, children with known pids and names reporting their sockets
 * through shared memory, and the check that a socket has exactly one open
 * (or close) event carrying its owner.  Static inline, as socks.h.
 */
#ifndef PORTTOP_TEST_BPF_EVENTS_H
#define PORTTOP_TEST_BPF_EVENTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "socks.h"

/* For cgroup2_root(); the exported back end is the linked one. */
#define attr_backend_bpf attr_backend_bpf_copy
#include "../../attrib/attr_bpf.c"
#undef attr_backend_bpf

#define N 200

/* What the children report about their sockets. */
struct shared {
	struct end srv;			/* the server's listening socket */
	struct end acc[N];		/* the server's accepted sockets */
	struct end cli[N];		/* the clients' sockets */
	uint64_t ns[2];			/* the netns test's namespaces */
	pid_t grandkid;
};

static struct shared *sh;
static void *st;			/* the back end of the running test */
static char note[160];			/* its open() note */
static uint64_t want_ns, cgid;		/* expected namespace, cgroup */

/* Every event, from every process on the host. */
static struct { struct attr_sock *s; size_t n, cap; } ev;

/* The sink given to poll(): keep everything. */
static inline void grab(void *arg, const struct attr_sock *s)
{
	(void)arg;
	if (ev.n == ev.cap) {
		ev.cap = ev.cap ? 2 * ev.cap : 4096;
		ev.s = realloc(ev.s, ev.cap * sizeof(*ev.s));
		if (!ev.s)
			abort();
	}
	ev.s[ev.n++] = *s;
}

/* The cgroup v2 id of this process, as bpf_get_current_cgroup_id() gives
 * it: the cgroup directory's file handle.  0 when unknown. */
static inline uint64_t my_cgroup(void)
{
	char root[512], line[600], path[1200];
	struct file_handle *fh = malloc(sizeof(*fh) + 8);
	uint64_t id = 0;
	FILE *f = fopen("/proc/self/cgroup", "r");
	int mnt;

	while (f && fh && fgets(line, sizeof(line), f))
		if (strncmp(line, "0::", 3) == 0 &&
		    cgroup2_root(root, sizeof(root)) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(path, sizeof(path), "%s%s", root, line + 3);
			fh->handle_bytes = 8;
			if (name_to_handle_at(AT_FDCWD, path, fh, &mnt, 0) == 0)
				memcpy(&id, fh->f_handle, 8);
		}
	if (f)
		fclose(f);
	free(fh);
	return id;
}

/* This process's network namespace inode, as the events carry it. */
static inline uint64_t ns_ino(void)
{
	struct stat s;

	return stat("/proc/self/ns/net", &s) == 0 ? s.st_ino : 0;
}

/* Group setup: the shared memory, the cgroup children inherit. */
static inline int setup(void **state)
{
	(void)state;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cgid = my_cgroup();
	return sh == MAP_FAILED ? -1 : 0;
}

/* Open the back end, or SKIP when this kernel or user cannot. */
static inline void open_bpf(void)
{
	int rc;

	if (geteuid() != 0) {
		print_message("SKIP: eBPF needs root (CAP_BPF, CAP_PERFMON)\n");
		skip();
	}
	rc = attr_backend_bpf.open(&st, note, sizeof(note));
	if (rc == -ENOTSUP || rc == -EPERM) {
		print_message("SKIP: %s\n", note);
		skip();
	}
	if (rc < 0)
		fail_msg("open: %s", note);
	if (note[0])
		print_message("note: %s\n", note);
	ev.n = 0;
	want_ns = ns_ino();
	memset(sh, 0, sizeof(*sh));
}

/* Per test: close the back end even when the test failed midway. */
static inline int teardown(void **state)
{
	(void)state;
	if (st)
		attr_backend_bpf.close(st);
	st = NULL;
	return 0;
}

/* The children's events are in the ring when they have exited (raised in
 * their syscalls, loopback softirqs included); poll() delivers them.  The
 * ring is shared with every socket on the host, so a busy host could fill
 * it: the checks that follow tell whether the test's events got through. */
static inline void drain(void)
{
	uint64_t lost;

	for (int i = 0; i < 4; i++)
		assert_true(attr_backend_bpf.poll(st, grab, NULL, 25) >= 0);
	lost = attr_backend_bpf.dropped(st);
	if (lost)
		print_message("the ring overflowed: %llu events lost\n",
			      (unsigned long long)lost);
}

/* Whether open() said UDP closes cannot be seen (no cgroup hook). */
static inline int udp_close_off(void)
{
	return strstr(note, "UDP close events off") != NULL;
}

/* A child running fn(arg), then exiting 0 (non-zero: its own failure). */
static inline pid_t spawn(void (*fn)(int), int arg)
{
	pid_t p = fork();

	assert_true(p >= 0);
	if (p == 0) {
		fn(arg);
		_exit(0);
	}
	return p;
}

/* Wait for child p; fail unless it exited 0. */
static inline void reap(pid_t p)
{
	int w;

	assert_int_equal(waitpid(p, &w, 0), p);
	if (!WIFEXITED(w) || WEXITSTATUS(w) != 0)
		fail_msg("child %d failed (status %#x)", p, w);
	/* Take what came, as the service would, before the ring fills. */
	if (st)
		assert_true(attr_backend_bpf.poll(st, grab, NULL, 0) >= 0);
}

/* On failure: what pid did send. */
static inline void show(pid_t pid)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < ev.n; i++) {
		const struct attr_sock *s = &ev.s[i];
		int af = s->ipv == 4 ? AF_INET : AF_INET6;

		if (s->pid != pid)
			continue;
		inet_ntop(af, s->laddr, l, sizeof(l));
		inet_ntop(af, s->raddr, r, sizeof(r));
		print_message("  has %s %s %d %s:%u %s:%u\n", s->comm,
			      s->closed ? "close" : "open", s->proto, l,
			      s->lport, r, s->rport);
	}
}

/* The one event of pid's socket e (open or close), with its owner: the
 * socket by its tuple and inode, since loopback may reuse a client port
 * within a run (a server then sees one tuple twice).  An event may come
 * late (a busy host runs softirqs in ksoftirqd): wait for
 * it up to 3 s. */
static inline const struct attr_sock *one(pid_t pid, const char *comm,
					  int proto, int listener,
					  const struct end *e, int closed)
{
	const struct attr_sock *hit = NULL;
	int n = 0;

	for (int tries = 0; n == 0 && tries < 150; tries++) {
		if (tries > 0)
			attr_backend_bpf.poll(st, grab, NULL, 20);
		for (size_t i = 0; i < ev.n; i++) {
			const struct attr_sock *s = &ev.s[i];

			if (s->pid == pid && s->proto == proto &&
			    s->closed == closed && s->ipv == e->ipv &&
			    s->lport == e->lport && s->rport == e->rport &&
			    !memcmp(s->laddr, e->laddr, 16) &&
			    !memcmp(s->raddr, e->raddr, 16) &&
			    s->inode == e->ino) {
				hit = s;
				n++;
			}
		}
	}
	if (n != 1) {
		show(pid);
		fail_msg("pid %d %s port %u->%u %s: %d events, want 1", pid,
			 proto == 6 ? "TCP" : "UDP", e->lport, e->rport,
			 closed ? "close" : "open", n);
	}
	assert_string_equal(hit->comm, comm);
	assert_int_equal(hit->listener, listener);
	assert_int_equal(hit->src, ATTR_SRC_BPF);
	assert_int_equal(hit->uid, geteuid());
	assert_int_equal(hit->netns, want_ns);
	assert_int_equal(hit->inode, e->ino);
	if (cgid)
		assert_int_equal(hit->cgroup, cgid);
	return hit;
}

/* Both events (open, close) of a socket. */
static inline void both(pid_t pid, const char *comm, int proto,
			int listener, const struct end *e)
{
	one(pid, comm, proto, listener, e, 0);
	if (proto == 6 || !udp_close_off())
		one(pid, comm, proto, listener, e, 1);
}

/* Read exactly len bytes: 0, or -1 on error or early EOF. */
static inline int xread(int fd, char *buf, size_t len)
{
	for (size_t got = 0; got < len;) {
		ssize_t r = read(fd, buf + got, len - got);

		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

#endif
