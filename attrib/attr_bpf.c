/*
 * attr_bpf.c - the eBPF back end (attr_sock.h): loads attr.bpf.c through
 * its generated skeleton, attaches it, and turns the events of its ring
 * buffer into struct attr_sock.  Events only: no dump, no lookups.
 *
 * The program submits with BPF_RB_NO_WAKEUP (a wakeup per event would cost
 * more than the event), so poll() sleeps its timeout in epoll and then
 * drains whatever came; the program forces a wakeup only when the ring is
 * half full, so a burst is drained early instead of dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/capability.h>
#include <linux/types.h>

#include "attr.h"
#include "attr_sock.h"
#include "attr_bpf.h"
#include "attr.skel.h"

struct bpf_state {
	struct attr_bpf *skel;
	struct ring_buffer *rb;
	int ep, kick;			/* epoll of rb's epoll and kick, an
					   eventfd that ends a poll's wait
					   (-1: none) */
	struct bpf_link *release;	/* cgroup/sock_release, may be NULL */
	attr_sock_fn fn;		/* the sink of the poll() under way */
	void *arg;
	int n;
};

/* libbpf's first warning since open() began, usually the cause (e.g.
 * "prog 'on_state': BPF program load failed: ..."), for the error line.
 * libbpf itself prints nothing: it would land in the middle of the
 * terminal view.  PORTTOP_BPF_DEBUG=1 shows all of it on stderr. */
static char first_warn[160];

static int bpf_print(enum libbpf_print_level level, const char *fmt,
		     va_list ap)
{
	static int debug = -1;

	if (debug < 0)
		debug = getenv("PORTTOP_BPF_DEBUG") != NULL;
	if (debug)
		return vfprintf(stderr, fmt, ap);
	if (level != LIBBPF_WARN || first_warn[0])
		return 0;
	vsnprintf(first_warn, sizeof(first_warn), fmt, ap);
	first_warn[strcspn(first_warn, "\n")] = '\0';
	return 0;
}

/* The tracepoints the program attaches to, in the kernel's BTF: a clear
 * reason instead of a libbpf error on kernels before 6.3.  0, or -ENOTSUP
 * with err set. */
static int have_tracepoints(char *err, size_t errlen)
{
	static const char *const tp[] = { "btf_trace_inet_sock_set_state",
		"btf_trace_sock_send_length", "btf_trace_sock_recv_length" };
	struct btf *btf = btf__load_vmlinux_btf();
	int r = 0;

	if (!btf) {
		snprintf(err, errlen, "eBPF off: kernel BTF unreadable: %s",
			 strerror(errno));
		return -ENOTSUP;
	}
	for (size_t i = 0; i < sizeof(tp) / sizeof(tp[0]) && !r; i++)
		if (btf__find_by_name_kind(btf, tp[i], BTF_KIND_TYPEDEF) < 0) {
			snprintf(err, errlen, "eBPF off: no %s tracepoint in "
				 "this kernel (needs Linux 6.3+)", tp[i] + 10);
			r = -ENOTSUP;
		}
	btf__free(btf);
	return r;
}

/* Whether this process has capability cap (effective set).  Raw capget:
 * no libcap for one bit. */
static int has_cap(unsigned cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) != 0)
		return 0;
	return (d[cap / 32].effective >> (cap % 32)) & 1;
}

/* The cgroup v2 mount point, preferring the hierarchy's root (a mount of
 * a sub-cgroup only covers its subtree).  0, or -ENOENT with none. */
static int cgroup2_root(char *path, size_t len)
{
	char line[1024], root[512], mnt[512], *sep;
	int found = -ENOENT;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS... - FSTYPE ..." */
		sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %511s %511s", root, mnt) != 2)
			continue;
		if (found == 0 && strcmp(root, "/") != 0)
			continue;
		snprintf(path, len, "%s", mnt);
		found = 0;
		if (strcmp(root, "/") == 0)
			break;
	}
	fclose(f);
	return found;
}

/* Attach the close hook to the cgroup v2 root; it then runs for every
 * process in it and below (a cgroup link is always multi: other programs
 * on those cgroups are unaffected).  Without it UDP sockets get no close
 * event (user space ages them), and TCP ones only the CLOSE transition. */
static void attach_release(struct bpf_state *s, char *err, size_t errlen)
{
	char path[512];
	int fd, r = cgroup2_root(path, sizeof(path));

	if (r < 0) {
		snprintf(err, errlen, "eBPF: no cgroup v2 mounted: UDP close "
			 "events off");
		return;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "eBPF: %s: %s: UDP close events off",
			 path, strerror(errno));
		return;
	}
	s->release = bpf_program__attach_cgroup(s->skel->progs.on_release,
						fd);
	if (!s->release)
		snprintf(err, errlen, "eBPF: cgroup/sock_release on %s: %s: "
			 "UDP close events off", path, strerror(errno));
	close(fd);	/* the link holds the cgroup */
}

/* One ring buffer record to the sink. */
static int on_event(void *ctx, void *data, size_t size)
{
	struct bpf_state *s = ctx;
	const struct attr_bpf_event *e = data;
	struct attr_sock a;

	if (size < sizeof(*e) || e->kind == ATTR_BPF_PENDING)
		return 0;
	memset(&a, 0, sizeof(a));
	a.proto = e->proto;
	a.ipv = e->ipv;
	a.listener = e->listener;
	a.closed = e->kind == ATTR_BPF_CLOSE;
	memcpy(a.laddr, e->laddr, 16);
	memcpy(a.raddr, e->raddr, 16);
	a.lport = e->lport;
	a.rport = e->rport;
	a.inode = e->inode;
	a.ts_ns = (int64_t)e->ts;
	a.netns = e->netns;
	a.cgroup = e->cgroup;
	a.pid = (int32_t)e->pid;
	a.uid = e->uid;
	memcpy(a.comm, e->comm, sizeof(a.comm));
	a.comm[sizeof(a.comm) - 1] = '\0';
	a.src = ATTR_SRC_BPF;
	s->fn(s->arg, &a);
	s->n++;
	return 0;
}

/* close: detach and free everything (the kernel drops the programs and
 * maps with their last reference). */
static void bpf_close(void *state)
{
	struct bpf_state *s = state;

	if (!s)
		return;
	bpf_link__destroy(s->release);
	if (s->ep >= 0)
		close(s->ep);
	if (s->kick >= 0)
		close(s->kick);
	ring_buffer__free(s->rb);
	attr_bpf__destroy(s->skel);
	free(s);
}

/* The poll's own epoll: the ring buffer's (an epoll fd polls as readable
 * when its set is) and the kick.  0, or -1 with errno. */
static int open_kick(struct bpf_state *s)
{
	struct epoll_event ev = { .events = EPOLLIN };

	if ((s->kick = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0 ||
	    (s->ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return -1;
	ev.data.fd = ring_buffer__epoll_fd(s->rb);
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
		return -1;
	ev.data.fd = s->kick;
	return epoll_ctl(s->ep, EPOLL_CTL_ADD, s->kick, &ev);
}

/* open: check the kernel can, load, attach the tracepoints and the
 * cgroup hook.  On success err is "" or a note on what is missing. */
static int bpf_open(void **state, char *err, size_t errlen)
{
	struct bpf_state *s;
	char note[80] = "";
	int r;

	err[0] = '\0';
	*state = NULL;
	libbpf_set_print(bpf_print);
	/* CO-RE and tp_btf both need the kernel's own type information. */
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		snprintf(err, errlen, "eBPF off: no kernel BTF "
			 "(/sys/kernel/btf/vmlinux)");
		return -ENOTSUP;
	}
	r = have_tracepoints(err, errlen);
	if (r < 0)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "eBPF off: out of memory");
		return -ENOMEM;
	}
	s->ep = s->kick = -1;
	first_warn[0] = '\0';
	s->skel = attr_bpf__open();
	if (!s->skel) {
		r = -errno;
		snprintf(err, errlen, "eBPF off: %s", strerror(-r));
		goto fail;
	}
	/* cgroup programs need CAP_NET_ADMIN (kernel/bpf/syscall.c,
	 * is_net_admin_prog_type()); without it, load the rest. */
	if (!has_cap(CAP_NET_ADMIN)) {
		bpf_program__set_autoload(s->skel->progs.on_release, false);
		snprintf(note, sizeof(note), "eBPF: UDP close events off "
			 "(needs CAP_NET_ADMIN)");
	}
	s->skel->rodata->wake_bytes =
		bpf_map__max_entries(s->skel->maps.events) / 2;
	r = attr_bpf__load(s->skel);
	/* EPERM is a missing capability; so is EACCES when not root, which
	 * as root means the verifier refused the program (a bug: below). */
	if (r == -EPERM || (r == -EACCES && geteuid() != 0)) {
		snprintf(err, errlen, "eBPF off: needs CAP_BPF and "
			 "CAP_PERFMON (or root)");
		r = -EPERM;
		goto fail;
	}
	if (r < 0) {
		snprintf(err, errlen, "eBPF off: loading failed: %s%s%s",
			 strerror(-r), first_warn[0] ? ": " : "", first_warn);
		goto fail;
	}
	r = attr_bpf__attach(s->skel);
	if (r < 0) {
		snprintf(err, errlen, "eBPF off: attaching tracepoints "
			 "failed: %s", strerror(-r));
		goto fail;
	}
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), on_event,
				 s, NULL);
	if (!s->rb || open_kick(s) < 0) {
		r = -errno;
		snprintf(err, errlen, "eBPF off: ring buffer: %s",
			 strerror(-r));
		goto fail;
	}
	if (note[0])
		snprintf(err, errlen, "%s", note);
	else
		attach_release(s, err, errlen);
	*state = s;
	return 0;
fail:
	bpf_close(s);
	return r < 0 ? r : -EINVAL;
}

/* poll: sleep up to timeout_ms (less if the ring fills up or a kick
 * comes), then deliver everything waiting.  Returns the number
 * delivered, or -errno. */
static int bpf_poll(void *state, attr_sock_fn fn, void *arg, int timeout_ms)
{
	struct bpf_state *s = state;
	struct epoll_event ev[2];
	uint64_t n;
	int r;

	s->fn = fn;
	s->arg = arg;
	s->n = 0;
	/* Without wakeups epoll usually just times out: that is the sleep. */
	r = epoll_wait(s->ep, ev, 2, timeout_ms);
	if (r < 0 && errno != EINTR)
		return -errno;
	if (read(s->kick, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return -errno;
	r = ring_buffer__consume(s->rb);
	if (r < 0)
		return r;
	return s->n;
}

/* kick: a waiter (the flow table's writer, attr_horizon_wait) needs the
 * events up to now: the poll under way, or the next one, returns at once
 * instead of sleeping out its 20 ms. */
static void bpf_kick(void *state)
{
	struct bpf_state *s = state;
	uint64_t one = 1;

	if (write(s->kick, &one, sizeof(one)) < 0)
		return;	/* EAGAIN: kicked already */
}

/* dropped: events the program could not send (ring full). */
static uint64_t bpf_dropped(void *state)
{
	struct bpf_state *s = state;

	return __atomic_load_n(&s->skel->bss->dropped, __ATOMIC_RELAXED);
}

/* The eBPF back end: events only (attr_sock.h). */
const struct attr_backend attr_backend_bpf = {
	.name = "bpf",
	.open = bpf_open,
	.dump = NULL,
	.lookup = NULL,
	.poll = bpf_poll,
	.kick = bpf_kick,
	.dropped = bpf_dropped,
	.close = bpf_close,
};
