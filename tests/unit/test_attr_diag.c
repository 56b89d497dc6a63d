/*
 * test_attr_diag.c - the sock_diag back end against real sockets of this
 * process (dump tuples, listener flags, inodes; exact lookups; the UDP
 * lookup's orientation on this kernel), and against crafted netlink
 * answers (interrupted dumps, malformed messages, errors).  Run as root,
 * the program first moves into a network namespace of its own, so dumps
 * hold only its sockets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "socks.h"

/* The back end's internals, for the crafted answers: its source, with the
 * exported name moved aside (the linked one is the one under test
 * elsewhere). */
#define attr_backend_diag attr_backend_diag_copy
#include "../../attrib/attr_diag.c"
#undef attr_backend_diag

static int isolated;
static struct coll got;

static void *open_diag(void)
{
	char err[128] = "";
	void *st = NULL;
	int rc = attr_backend_diag.open(&st, err, sizeof(err));

	if (rc < 0) {
		print_message("diag refused: %s\n", err);
		skip();
	}
	return st;
}

static void dump(void *st)
{
	memset(&got, 0, sizeof(got));
	assert_int_equal(attr_backend_diag.dump(st, collect, &got), 0);
	assert_int_equal(got.over, 0);
}

/* e is in the dump, with its tuple, flags, owner uid and namespace. */
static void assert_sock(const struct end *e, int proto, int listener)
{
	const struct attr_sock *s = coll_find(&got, e->ino);
	struct stat ns;

	assert_non_null(s);
	assert_int_equal(s->proto, proto);
	assert_int_equal(s->ipv, e->ipv);
	assert_memory_equal(s->laddr, e->laddr, 16);
	assert_memory_equal(s->raddr, e->raddr, 16);
	assert_int_equal(s->lport, e->lport);
	assert_int_equal(s->rport, e->rport);
	assert_int_equal(s->listener, listener);
	assert_int_equal(s->closed, 0);
	assert_int_equal(s->uid, geteuid());
	assert_int_equal(s->pid, -1);
	assert_int_equal(s->cgroup, 0);
	assert_int_equal(stat("/proc/self/ns/net", &ns), 0);
	assert_int_equal(s->netns, ns.st_ino);
	assert_true(s->src == ATTR_SRC_DIAG || s->src == ATTR_SRC_PROCNET);
}

static void close_all(struct end *e, int n)
{
	for (int i = 0; i < n; i++)
		close_rst(e[i].fd);
}

static void dump_v4(void **state)
{
	void *st = open_diag();
	struct end t[3], u[3];

	(void)state;
	assert_int_equal(tcp_trio(AF_INET, "127.0.0.1", AF_INET, "127.0.0.1",
				  t), 0);
	assert_int_equal(udp_end(AF_INET, "127.0.0.1", NULL, 0, &u[0]), 0);
	assert_int_equal(udp_end(AF_INET, "127.0.0.1", "127.0.0.1",
				 u[0].lport, &u[1]), 0);
	dump(st);
	assert_sock(&t[0], 6, 1);
	assert_sock(&t[1], 6, 0);
	assert_sock(&t[2], 6, 0);
	assert_sock(&u[0], 17, 1);
	assert_sock(&u[1], 17, 0);
	if (isolated)		/* nothing else, each once */
		assert_int_equal(got.n, 5);
	close_all(t, 3);
	close_all(u, 2);
	attr_backend_diag.close(st);
}

/* IPv6 on ::1, and dual-stack sockets carrying IPv4 (reported as 4). */
static void dump_v6(void **state)
{
	void *st = open_diag();
	struct end t[3], m[3], d[3], u;

	(void)state;
	if (tcp_trio(AF_INET6, "::1", AF_INET6, "::1", t) < 0)
		skip();		/* no IPv6 here */
	assert_int_equal(tcp_trio(AF_INET, "127.0.0.1", AF_INET6,
				  "::ffff:127.0.0.1", m), 0);
	assert_int_equal(tcp_trio(AF_INET6, "::", AF_INET, "127.0.0.1", d), 0);
	assert_int_equal(udp_end(AF_INET6, "::1", NULL, 0, &u), 0);
	assert_int_equal(m[1].ipv, 4);
	assert_int_equal(d[2].ipv, 4);
	assert_int_equal(d[0].ipv, 6);		/* [::]: any address */
	dump(st);
	for (int i = 0; i < 3; i++) {
		assert_sock(&t[i], 6, i == 0);
		assert_sock(&m[i], 6, i == 0);
		assert_sock(&d[i], 6, i == 0);
	}
	assert_sock(&u, 17, 1);
	if (isolated)
		assert_int_equal(got.n, 10);
	close_all(t, 3);
	close_all(m, 3);
	close_all(d, 3);
	close(u.fd);
	attr_backend_diag.close(st);
}

/* How many of this namespace's IPv4 TCP sockets are in TCP state "state". */
static size_t count_state(void *st, int state)
{
	struct rx x = { .proto = 6, .family = AF_INET, .dump = 1 };

	((struct diag *)st)->nsocks = 0;
	assert_int_equal(diag_ask(st, &x, NLM_F_DUMP, AF_INET, 1u << state,
				  NULL), 0);
	return ((struct diag *)st)->nsocks;
}

static int tcp_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return -1;
	return ti.tcpi_state;
}

/* A TIME_WAIT socket (the end that closes first keeps one) is left out
 * of dumps: it has no file, so no owner.  dump_listeners() gives the TCP
 * listener and the UDP sockets, not the connections. */
static void dump_states_filtered(void **state)
{
	void *st = open_diag();
	struct end t[3], u;
	int tw = 0;

	(void)state;
	if (!isolated)
		skip();		/* the host's own sockets would count */
	assert_int_equal(tcp_trio(AF_INET, "127.0.0.1", AF_INET, "127.0.0.1",
				  t), 0);
	assert_int_equal(udp_end(AF_INET, "127.0.0.1", NULL, 0, &u), 0);
	memset(&got, 0, sizeof(got));
	assert_int_equal(attr_backend_diag.dump_listeners(st, collect, &got),
			 0);
	assert_int_equal(got.n, 2);
	assert_sock(&t[0], 6, 1);
	assert_sock(&u, 17, 1);
	/* The client closes first: TIME_WAIT on its side, for 60 s.  The
	 * server end closes once the client's FIN has reached it
	 * (CLOSE_WAIT), not after a guessed delay: with both FINs under way
	 * at once, both ends would keep a TIME_WAIT. */
	close(t[1].fd);
	for (int i = 0; i < 3000 && tcp_state(t[2].fd) != TCP_CLOSE_WAIT; i++)
		usleep(10000);
	assert_int_equal(tcp_state(t[2].fd), TCP_CLOSE_WAIT);
	close(t[2].fd);
	/* Until the client's TIME_WAIT is there and the server end's
	 * LAST_ACK over (an orphan without a file, but dumped: the last ACK
	 * may come a moment later when softirqs run in ksoftirqd), 30 s at
	 * most. */
	for (int i = 0; i < 3000 && !tw; i++) {
		tw = count_state(st, TCP_TIME_WAIT) == 1 &&
		     count_state(st, TCP_LAST_ACK) == 0;
		if (!tw)
			usleep(10000);
	}
	assert_true(tw);	/* the kernel has one ... */
	dump(st);		/* ... and the dump leaves it out */
	assert_int_equal(got.n, 2);
	assert_non_null(coll_find(&got, t[0].ino));
	close(t[0].fd);
	close(u.fd);
	attr_backend_diag.close(st);
}

static struct attr_sock want(int proto, const struct end *e)
{
	struct attr_sock w;

	memset(&w, 0, sizeof(w));
	w.proto = (uint8_t)proto;
	w.ipv = e->ipv;
	memcpy(w.laddr, e->laddr, 16);
	memcpy(w.raddr, e->raddr, 16);
	w.lport = e->lport;
	w.rport = e->rport;
	return w;
}

/* lookup() for e's tuple: its inode, or -ENOENT. */
static int64_t look(void *st, int proto, const struct end *e)
{
	struct attr_sock w = want(proto, e);
	int rc;

	memset(&got, 0, sizeof(got));
	rc = attr_backend_diag.lookup(st, &w, collect, &got);
	if (rc < 0)
		return rc;
	assert_int_equal(got.n, 1);
	assert_int_equal(got.s[0].src, ATTR_SRC_DIAG);
	return (int64_t)got.s[0].inode;
}

static void lookup_exact(void **state)
{
	void *st = open_diag();
	struct end t[3], m[3], u[3], t6[3], gone;
	int v6 = tcp_trio(AF_INET6, "::1", AF_INET6, "::1", t6) == 0;

	(void)state;
	assert_int_equal(tcp_trio(AF_INET, "127.0.0.1", AF_INET, "127.0.0.1",
				  t), 0);
	assert_int_equal(tcp_trio(AF_INET, "127.0.0.1", AF_INET6,
				  "::ffff:127.0.0.1", m), 0);
	assert_int_equal(udp_end(AF_INET, "127.0.0.1", NULL, 0, &u[0]), 0);
	assert_int_equal(udp_end(AF_INET, "127.0.0.1", "127.0.0.1",
				 u[0].lport, &u[1]), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(look(st, 6, &t[i]), t[i].ino);
		assert_int_equal(look(st, 6, &m[i]), m[i].ino);
		if (v6)
			assert_int_equal(look(st, 6, &t6[i]), t6[i].ino);
	}
	assert_int_equal(look(st, 17, &u[1]), u[1].ino);
	/* u[0] is unconnected: a datagram from u[1]'s address is its. */
	u[2] = u[0];
	memcpy(u[2].raddr, u[1].laddr, 16);
	u[2].rport = u[1].lport;
	assert_int_equal(look(st, 17, &u[2]), u[0].ino);
	assert_int_equal(got.s[0].listener, 1);
	assert_int_equal(got.s[0].rport, 0);
	/* Gone: the connection (its listener remains), the UDP socket. */
	gone = t[1];
	close_rst(t[1].fd);
	close_rst(t[2].fd);
	assert_int_equal(look(st, 6, &gone), -ENOENT);
	gone = u[1];
	close(u[1].fd);
	assert_int_equal(look(st, 17, &gone), -ENOENT);
	close_rst(t[0].fd);
	close_all(m, 3);
	close(u[0].fd);
	if (v6)
		close_all(t6, 3);
	attr_backend_diag.close(st);
}

/* What the kernel does with a raw exact UDP request: id.src must be the
 * remote end.  Two connected sockets a <-> b: asking with src = a's local
 * end finds b, the socket that receives from a. */
static void udp_lookup_orientation(void **state)
{
	struct diag *d = open_diag();
	struct end a, b;
	struct inet_diag_sockid id;
	struct attr_sock s;
	struct sockaddr_storage sa;
	socklen_t len;

	(void)state;
	assert_int_equal(udp_end(AF_INET, "127.0.0.1", NULL, 0, &b), 0);
	assert_int_equal(udp_end(AF_INET, "127.0.0.1", "127.0.0.1", b.lport,
				 &a), 0);
	len = sa_make(&sa, AF_INET, "127.0.0.1", a.lport);
	assert_int_equal(connect(b.fd, (void *)&sa, len), 0);
	memset(&id, 0, sizeof(id));
	id.idiag_cookie[0] = id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	memcpy(id.idiag_src, a.raddr, 4);	/* remote first */
	id.idiag_sport = htons(a.rport);
	memcpy(id.idiag_dst, a.laddr, 4);
	id.idiag_dport = htons(a.lport);
	assert_int_equal(diag_exact(d, AF_INET, IPPROTO_UDP, &id, &s), 0);
	assert_int_equal(s.inode, a.ino);
	memcpy(id.idiag_src, a.laddr, 4);	/* local first */
	id.idiag_sport = htons(a.lport);
	memcpy(id.idiag_dst, a.raddr, 4);
	id.idiag_dport = htons(a.rport);
	assert_int_equal(diag_exact(d, AF_INET, IPPROTO_UDP, &id, &s), 0);
	assert_int_equal(s.inode, b.ino);
	close(a.fd);
	close(b.fd);
	attr_backend_diag.close(d);
}

/* ---- crafted answers, through a socketpair in place of netlink -------- */

static size_t put(uint8_t *buf, size_t off, uint16_t type, uint16_t flags,
		  uint32_t seq, const void *p, size_t plen)
{
	struct nlmsghdr h = { .nlmsg_len = (uint32_t)NLMSG_LENGTH(plen),
			      .nlmsg_type = type, .nlmsg_flags = flags,
			      .nlmsg_seq = seq };

	memcpy(buf + off, &h, sizeof(h));
	memcpy(buf + off + NLMSG_HDRLEN, p, plen);
	return off + NLMSG_ALIGN(h.nlmsg_len);
}

static size_t put_sock(uint8_t *buf, size_t off, uint16_t flags,
		       uint32_t seq, uint32_t inode)
{
	struct inet_diag_msg m = { .idiag_family = AF_INET,
				   .idiag_state = TCP_ESTABLISHED,
				   .idiag_inode = inode };

	m.id.idiag_sport = htons(1000);
	m.id.idiag_dport = htons(80);
	return put(buf, off, SOCK_DIAG_BY_FAMILY, flags, seq, &m, sizeof(m));
}

static size_t put_done(uint8_t *buf, size_t off, uint32_t seq, int err)
{
	return put(buf, off, NLMSG_DONE, NLM_F_MULTI, seq, &err, sizeof(err));
}

static int peer = -1;

/* The back end's socket replaced by one end of a socketpair. */
static struct diag *fake(void)
{
	struct diag *d = open_diag();
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0,
				    sv), 0);
	close(d->fd);
	d->fd = sv[0];
	peer = sv[1];
	return d;
}

static void answer(const uint8_t *buf, size_t len)
{
	assert_int_equal(send(peer, buf, len, MSG_DONTWAIT), (ssize_t)len);
}

static void dump_intr_retried(void **state)
{
	struct diag *d = fake();
	uint8_t b[4096];
	size_t n;

	(void)state;
	/* Interrupted once, then whole: the second answer only. */
	n = put_sock(b, 0, NLM_F_MULTI | NLM_F_DUMP_INTR, d->seq + 1, 11);
	answer(b, put_done(b, n, d->seq + 1, 0));
	n = put_sock(b, 0, NLM_F_MULTI, d->seq - 7, 99);	/* stale */
	n = put_sock(b, n, NLM_F_MULTI, d->seq + 2, 12);
	answer(b, n);
	answer(b, put_done(b, 0, d->seq + 2, 0));
	memset(&got, 0, sizeof(got));
	assert_int_equal(diag_dump_one(d, AF_INET, 6, DUMP_TCP_STATES, collect, &got), 0);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.s[0].inode, 12);
	assert_int_equal(got.s[0].lport, 1000);
	assert_int_equal(diag_dropped(d), 0);
	/* Interrupted every time: the last try is accepted and counted. */
	for (uint32_t i = 1; i <= DIAG_TRIES; i++) {
		n = put_sock(b, 0, NLM_F_MULTI | NLM_F_DUMP_INTR, d->seq + i,
			     20 + i);
		answer(b, put_done(b, n, d->seq + i, 0));
	}
	memset(&got, 0, sizeof(got));
	assert_int_equal(diag_dump_one(d, AF_INET, 6, DUMP_TCP_STATES, collect, &got), 0);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.s[0].inode, 20 + DIAG_TRIES);
	assert_int_equal(diag_dropped(d), 1);
	close(peer);
	attr_backend_diag.close(d);
}

/* Each bad answer fails the dump with its error; the back end then
 * reconnects to the kernel and the next dump works. */
static void bad_answers(void **state)
{
	static const int want_rc[] = { -EBADMSG, -EBADMSG, -EBADMSG, -EBADMSG,
				       -EBADMSG, -EPERM, -EINTR };
	struct inet_diag_msg m = { .idiag_family = 99 };
	uint8_t b[4096];
	int e = -EPERM;

	(void)state;
	for (size_t k = 0; k < sizeof(want_rc) / sizeof(want_rc[0]); k++) {
		struct diag *d = fake();
		uint32_t s = d->seq + 1;
		size_t n = put_sock(b, 0, NLM_F_MULTI, s, 5);

		switch (k) {
		case 0:		/* a message shorter than inet_diag_msg */
			n = put(b, n, SOCK_DIAG_BY_FAMILY, 0, s, &m, 8);
			break;
		case 1:		/* an address family that cannot be */
			n = put(b, n, SOCK_DIAG_BY_FAMILY, 0, s, &m, sizeof(m));
			break;
		case 2:		/* a header longer than the datagram */
			n = put_done(b, n, s, 0);
			((struct nlmsghdr *)(void *)b)->nlmsg_len = 4000;
			break;
		case 3:		/* an NLMSG_ERROR without its code */
			n = put(b, n, NLMSG_ERROR, 0, s, &e, 2);
			break;
		case 4:		/* bytes after the last message */
			memset(b + n, 0, 8);
			n += 8;
			break;
		case 5:		/* the kernel refuses mid-dump */
			n = put(b, n, NLMSG_ERROR, 0, s, &e, sizeof(e));
			break;
		case 6:		/* the dump failed: NLMSG_DONE's errno */
			n = put_done(b, n, s, -EINTR);
			break;
		}
		answer(b, n);
		memset(&got, 0, sizeof(got));
		assert_int_equal(diag_dump_one(d, AF_INET, 6, DUMP_TCP_STATES, collect, &got),
				 want_rc[k]);
		assert_int_equal(got.n, 0);
		close(peer);
		if (k == 0) {	/* reconnected: a real dump again */
			assert_int_equal(d->fd, -1);
			assert_int_equal(diag_dump(d, collect, &got), 0);
		}
		attr_backend_diag.close(d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dump_v4),
		cmocka_unit_test(dump_v6),
		cmocka_unit_test(dump_states_filtered),
		cmocka_unit_test(lookup_exact),
		cmocka_unit_test(udp_lookup_orientation),
		cmocka_unit_test(dump_intr_retried),
		cmocka_unit_test(bad_answers),
	};

	isolated = isolate();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
