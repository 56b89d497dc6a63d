/*
 * test_attr_bpf_ns.c - the eBPF back end's bookkeeping: one event per
 * socket and process however many packets it carries (five sockets with
 * 10,000 packets each, a thread of another name, a second process on one
 * of them); the same connection, tuple for tuple, in two network
 * namespaces told apart by their inodes; a refused connect() still
 * reported, with its local port; a connect() established in a softirq
 * still reported under its caller; loading and seeing a connection with
 * tracefs unmounted (a private mount namespace), since tp_btf needs no
 * tracefs.  SKIPs as test_attr_bpf.c.
 */
#include <pthread.h>

#include "bpf_events.h"

/* A thread of its own name: its sockets are still reported under the
 * process's name (the leader's, as /proc/PID/comm), and its sends on the
 * process's sockets are the process's. */
static void *worker(void *arg)
{
	struct end *a = arg, c;
	char buf[1] = "";

	prctl(PR_SET_NAME, "pt-worker");
	for (int i = 0; i < 1000; i++)
		send(a->fd, buf, 1, 0);
	if (udp_end(AF_INET, "127.0.0.1", "127.0.0.1", a->rport, &c) < 0 ||
	    send(c.fd, buf, 1, 0) != 1)
		return NULL;
	sh->cli[2] = c;
	return NULL;
}

/* Five sockets carrying 10,000 packets each, a thread, then a second
 * process using one of them: one open per socket and process. */
static void flood(int unused)
{
	pthread_t th;
	struct end t[3], a, b;
	char buf[10] = "";
	pid_t p;

	(void)unused;
	prctl(PR_SET_NAME, "pt-flood");
	if (tcp_trio(AF_INET, "127.0.0.1", AF_INET, "127.0.0.1", t) < 0 ||
	    udp_end(AF_INET, "127.0.0.1", NULL, 0, &b) < 0 ||
	    udp_end(AF_INET, "127.0.0.1", "127.0.0.1", b.lport, &a) < 0)
		_exit(1);
	for (int i = 0; i < 10000; i++)
		if (send(a.fd, buf, 1, 0) != 1 || recv(b.fd, buf, 1, 0) != 1 ||
		    send(t[1].fd, buf, 10, 0) != 10 ||
		    xread(t[2].fd, buf, 10) < 0)
			_exit(2);
	if (pthread_create(&th, NULL, worker, &a) != 0 ||
	    pthread_join(th, NULL) != 0 || !sh->cli[2].lport)
		_exit(3);
	p = fork();
	if (p == 0) {
		for (int i = 0; i < 1000; i++)
			send(a.fd, buf, 1, 0);
		_exit(0);
	}
	waitpid(p, NULL, 0);
	sh->grandkid = p;
	sh->srv = t[0];
	sh->cli[0] = t[1];
	sh->acc[0] = t[2];
	sh->cli[1] = a;
	sh->acc[1] = b;
}

static void test_dedupe(void **state)
{
	pid_t p;
	size_t opens = 0, grand = 0;

	(void)state;
	open_bpf();
	p = spawn(flood, 0);
	reap(p);
	drain();
	/* Each socket's events first (one() waits for a late one: an open
	 * raised in a softirq that ran in ksoftirqd), then the count: made
	 * right after drain(), it could miss an event still to come. */
	both(p, "pt-flood", 6, 1, &sh->srv);
	both(p, "pt-flood", 6, 0, &sh->cli[0]);
	both(p, "pt-flood", 6, 0, &sh->acc[0]);
	both(p, "pt-flood", 17, 0, &sh->cli[1]);
	both(p, "pt-flood", 17, 1, &sh->acc[1]);
	both(p, "pt-flood", 17, 0, &sh->cli[2]);
	/* The second process: its own open; the close stays the first's. */
	one(sh->grandkid, "pt-flood", 17, 0, &sh->cli[1], 0);
	for (size_t i = 0; i < ev.n; i++) {
		opens += ev.s[i].pid == p && !ev.s[i].closed;
		grand += ev.s[i].pid == sh->grandkid;
	}
	print_message("41,000 sends and receives on 6 sockets: %zu opens\n",
		      opens);
	assert_int_equal(opens, 6);
	assert_int_equal(grand, 1);
}

/* The same connection (127.0.0.1:C -> 127.0.0.1:P) in this namespace
 * (idx 0) and in a new one (idx 1). */
static void ns_pair(int idx)
{
	struct sockaddr_storage a;
	socklen_t len;
	char buf[100] = "";
	int l, c, s;

	prctl(PR_SET_NAME, "pt-ns");
	if (idx == 1 && !isolate())
		_exit(1);
	sh->ns[idx] = ns_ino();
	l = socket(AF_INET, SOCK_STREAM, 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	len = sa_make(&a, AF_INET, "127.0.0.1", idx ? sh->srv.lport : 0);
	if (bind(l, (void *)&a, len) < 0 || listen(l, 1) < 0)
		_exit(2);
	len = sa_make(&a, AF_INET, "127.0.0.1", idx ? sh->cli[0].lport : 0);
	if (bind(c, (void *)&a, len) < 0)
		_exit(3);
	end_of(&sh->srv, l);
	len = sa_make(&a, AF_INET, "127.0.0.1", sh->srv.lport);
	if (connect(c, (void *)&a, len) < 0 || (s = accept(l, NULL, 0)) < 0)
		_exit(4);
	end_of(&sh->cli[idx], c);
	if (write(c, buf, sizeof(buf)) != sizeof(buf) ||
	    xread(s, buf, sizeof(buf)) < 0)
		_exit(5);
	close(c);
	close(s);
	close(l);
}

static void test_netns(void **state)
{
	pid_t p[2];

	(void)state;
	open_bpf();
	for (int i = 0; i < 2; i++) {
		p[i] = spawn(ns_pair, i);
		reap(p[i]);
	}
	drain();
	assert_int_not_equal(sh->ns[0], sh->ns[1]);
	assert_int_equal(sh->cli[0].lport, sh->cli[1].lport);
	assert_memory_equal(sh->cli[0].raddr, sh->cli[1].raddr, 16);
	assert_int_equal(sh->cli[0].rport, sh->cli[1].rport);
	for (int i = 0; i < 2; i++) {
		want_ns = sh->ns[i];
		both(p[i], "pt-ns", 6, 0, &sh->cli[i]);
	}
}

/* A connect() refused (SYN_SENT -> CLOSE, skc_num already 0): still an
 * open, with the local port, and a close. */
static void refused(int unused)
{
	struct sockaddr_storage a;
	socklen_t len = sa_make(&a, AF_INET, "127.0.0.1", 0);
	int d = socket(AF_INET, SOCK_STREAM, 0);	/* bound, no listen */
	int c = socket(AF_INET, SOCK_STREAM, 0);

	(void)unused;
	prctl(PR_SET_NAME, "pt-refused");
	if (bind(d, (void *)&a, len) < 0 || bind(c, (void *)&a, len) < 0)
		_exit(1);
	end_of(&sh->srv, d);
	end_of(&sh->cli[0], c);
	len = sa_make(&a, AF_INET, "127.0.0.1", sh->srv.lport);
	if (connect(c, (void *)&a, len) == 0 || errno != ECONNREFUSED)
		_exit(2);
	memcpy(sh->cli[0].raddr, sh->srv.laddr, 16);
	sh->cli[0].rport = sh->srv.lport;
	close(c);
	close(d);
}

static void test_refused(void **state)
{
	pid_t p;

	(void)state;
	open_bpf();
	p = spawn(refused, 0);
	reap(p);
	drain();
	assert_int_not_equal(sh->cli[0].lport, 0);
	both(p, "pt-refused", 6, 0, &sh->cli[0]);
}

/* The owner is the process that called connect(), remembered at
 * SYN_SENT: with the loopback slowed by a token bucket, the SYN-ACK is
 * sent by the qdisc's timer, and SYN_SENT -> ESTABLISHED runs in a softirq
 * while the client sleeps in connect(), under whatever process is
 * current. */
static void slow_connect(int unused)
{
	struct sockaddr_storage a;
	socklen_t len = sa_make(&a, AF_INET, "127.0.0.1", 0);
	static char big[1472];
	int l, u, c;

	(void)unused;
	prctl(PR_SET_NAME, "pt-slow");
	if (!isolate() || system("tc qdisc add dev lo root tbf rate 1mbit "
				 "burst 1600 latency 1s 2>/dev/null") != 0)
		_exit(77);
	sh->ns[0] = ns_ino();
	l = socket(AF_INET, SOCK_STREAM, 0);	/* in the new namespace */
	if (bind(l, (void *)&a, len) < 0 || listen(l, 1) < 0)
		_exit(1);
	end_of(&sh->srv, l);
	/* Two full-size datagrams empty the bucket: what follows waits. */
	u = socket(AF_INET, SOCK_DGRAM, 0);
	len = sa_make(&a, AF_INET, "127.0.0.1", 9);
	for (int i = 0; i < 2; i++)
		sendto(u, big, sizeof(big), 0, (void *)&a, len);
	c = socket(AF_INET, SOCK_STREAM, 0);
	len = sa_make(&a, AF_INET, "127.0.0.1", sh->srv.lport);
	if (connect(c, (void *)&a, len) < 0)
		_exit(2);
	end_of(&sh->cli[0], c);
	close(c);
	close(u);
	close(l);
}

static void test_softirq_owner(void **state)
{
	pid_t p;
	int w;

	(void)state;
	open_bpf();
	p = spawn(slow_connect, 0);
	assert_int_equal(waitpid(p, &w, 0), p);
	if (WIFEXITED(w) && WEXITSTATUS(w) == 77) {
		print_message("SKIP: no tc, or no tbf qdisc\n");
		skip();
	}
	if (!WIFEXITED(w) || WEXITSTATUS(w) != 0)
		fail_msg("child failed (status %#x)", w);
	drain();
	want_ns = sh->ns[0];
	one(p, "pt-slow", 6, 0, &sh->cli[0], 0);
}

static int tracefs_mounted(void)
{
	char line[512];
	int found = 0;
	FILE *f = fopen("/proc/self/mounts", "r");

	while (f && fgets(line, sizeof(line), f))
		found |= strstr(line, " tracefs ") != NULL;
	if (f)
		fclose(f);
	return found;
}

/* In a mount namespace without tracefs: load, see one connection.
 * Exits 0 when seen, 77 when tracefs cannot be hidden. */
static void no_tracefs(int unused)
{
	struct end t[3];
	char buf[100] = "", err[160];

	(void)unused;
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		_exit(77);
	umount2("/sys/kernel/tracing", MNT_DETACH);
	umount2("/sys/kernel/debug/tracing", MNT_DETACH);
	if (tracefs_mounted())
		_exit(77);
	attr_backend_bpf.close(st);	/* the parent's copy */
	if (attr_backend_bpf.open(&st, err, sizeof(err)) < 0) {
		fprintf(stderr, "without tracefs: %s\n", err);
		_exit(1);
	}
	if (tcp_trio(AF_INET, "127.0.0.1", AF_INET, "127.0.0.1", t) < 0 ||
	    write(t[1].fd, buf, 100) != 100 || xread(t[2].fd, buf, 100) < 0)
		_exit(2);
	for (int i = 0; i < 4; i++)
		attr_backend_bpf.poll(st, grab, NULL, 25);
	for (size_t i = 0; i < ev.n; i++)
		if (ev.s[i].pid == getpid() && ev.s[i].lport == t[1].lport &&
		    ev.s[i].rport == t[1].rport && !ev.s[i].closed)
			_exit(0);
	_exit(3);
}

static void test_no_tracefs(void **state)
{
	pid_t p;
	int w;

	(void)state;
	open_bpf();
	p = fork();
	assert_true(p >= 0);
	if (p == 0)
		no_tracefs(0);
	assert_int_equal(waitpid(p, &w, 0), p);
	if (WIFEXITED(w) && WEXITSTATUS(w) == 77) {
		print_message("SKIP: cannot unmount tracefs here\n");
		skip();
	}
	assert_true(WIFEXITED(w));
	assert_int_equal(WEXITSTATUS(w), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_dedupe, teardown),
		cmocka_unit_test_teardown(test_netns, teardown),
		cmocka_unit_test_teardown(test_refused, teardown),
		cmocka_unit_test_teardown(test_softirq_owner, teardown),
		cmocka_unit_test_teardown(test_no_tracefs, teardown),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
