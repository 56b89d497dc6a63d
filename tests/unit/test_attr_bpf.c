/*
 * test_attr_bpf.c - the eBPF back end against real short-lived sockets of
 * child processes with known pids and names: 200 TCP connections living
 * ~1 ms each and the server accepting them, 200 UDP request/replies (half
 * the clients connected), over IPv4, IPv6 and v4-mapped IPv6.  Every
 * socket must show up once with its owner's pid, name, uid, cgroup,
 * namespace, inode and full tuple (the connecting side's local port
 * included), and close once.  Dedupe, namespaces and tracefs are
 * test_attr_bpf_ns.c; the cost per connection is a benchmark, bench_attr_bpf_cost.c.
 * SKIPs when not root, or when the kernel lacks BTF or the tracepoints.
 */
#include "bpf_events.h"

static pid_t kids[N];
static int fam, cfam;			/* server and client families */
static const char *addr, *caddr;	/* server address, the one dialled */

/* Children: exit non-zero on any failure. */
static void tcp_server(int n)
{
	struct sockaddr_storage a;
	socklen_t len = sa_make(&a, fam, addr, 0);
	char buf[100];
	int l = socket(fam, SOCK_STREAM, 0), s;

	prctl(PR_SET_NAME, "pt-tcp-srv");
	if (bind(l, (void *)&a, len) < 0 || listen(l, 64) < 0)
		_exit(1);
	end_of(&sh->srv, l);
	for (int i = 0; i < n; i++) {
		if ((s = accept(l, NULL, NULL)) < 0)
			_exit(2);
		end_of(&sh->acc[i], s);
		if (xread(s, buf, sizeof(buf)) < 0)
			_exit(3);
		close(s);
	}
	close(l);
}

static void tcp_client(int i)
{
	struct sockaddr_storage a;
	socklen_t len = sa_make(&a, cfam, caddr, sh->srv.lport);
	char buf[100] = "";
	int c = socket(cfam, SOCK_STREAM, 0);

	prctl(PR_SET_NAME, "pt-tcp-cli");
	if (connect(c, (void *)&a, len) < 0)
		_exit(1);
	end_of(&sh->cli[i], c);
	if (write(c, buf, sizeof(buf)) != sizeof(buf))
		_exit(2);
	usleep(1000);
	close(c);
}

/* The listener's port is known once the server reports its socket. */
static pid_t start_server(void (*fn)(int), int n)
{
	pid_t p = spawn(fn, n);

	for (int i = 0; i < 2000 && !sh->srv.lport; i++)
		usleep(1000);
	if (!sh->srv.lport)
		fail_msg("server did not start");
	return p;
}

/* n connections from short-lived clients; every end reported. */
static void tcp_round(int n)
{
	pid_t srv = start_server(tcp_server, n);

	for (int i = 0; i < n; i++) {
		kids[i] = spawn(tcp_client, i);
		reap(kids[i]);
	}
	reap(srv);
	drain();
	both(srv, "pt-tcp-srv", 6, 1, &sh->srv);
	for (int i = 0; i < n; i++) {
		assert_int_not_equal(sh->cli[i].lport, 0);
		both(kids[i], "pt-tcp-cli", 6, 0, &sh->cli[i]);
		both(srv, "pt-tcp-srv", 6, 0, &sh->acc[i]);
	}
}

static void udp_server(int n)
{
	struct sockaddr_storage a, peer;
	socklen_t len = sa_make(&a, fam, addr, 0);
	char buf[100];
	int fd = socket(fam, SOCK_DGRAM, 0);
	ssize_t r;

	prctl(PR_SET_NAME, "pt-udp-srv");
	if (bind(fd, (void *)&a, len) < 0)
		_exit(1);
	end_of(&sh->srv, fd);
	for (int i = 0; i < n; i++) {
		len = sizeof(peer);
		r = recvfrom(fd, buf, sizeof(buf), 0, (void *)&peer, &len);
		if (r < 0 || sendto(fd, buf, (size_t)r, 0, (void *)&peer,
				    len) != r)
			_exit(2);
	}
	close(fd);
}

/* Odd clients connect (a full tuple), even ones use sendto (only the
 * local end: a "listener" in attr_sock's terms). */
static void udp_client(int i)
{
	struct sockaddr_storage a;
	socklen_t len = sa_make(&a, fam, addr, sh->srv.lport);
	char buf[100] = "";
	int fd = socket(fam, SOCK_DGRAM, 0);

	prctl(PR_SET_NAME, "pt-udp-cli");
	if ((i & 1) && connect(fd, (void *)&a, len) < 0)
		_exit(1);
	if (sendto(fd, buf, sizeof(buf), 0, (i & 1) ? NULL : (void *)&a,
		   (i & 1) ? 0 : len) != sizeof(buf) ||
	    recv(fd, buf, sizeof(buf), 0) != sizeof(buf))
		_exit(2);
	end_of(&sh->cli[i], fd);
	close(fd);
}

static void udp_round(int n)
{
	pid_t srv = start_server(udp_server, n);

	for (int i = 0; i < n; i++) {
		kids[i] = spawn(udp_client, i);
		reap(kids[i]);
	}
	reap(srv);
	drain();
	/* 200 datagrams each way: still one open. */
	both(srv, "pt-udp-srv", 17, 1, &sh->srv);
	for (int i = 0; i < n; i++)
		both(kids[i], "pt-udp-cli", 17, !(i & 1), &sh->cli[i]);
	if (udp_close_off())
		print_message("UDP closes not checked: %s\n", note);
}

static void need_ipv6(void)
{
	struct end e;

	if (udp_end(AF_INET6, "::1", NULL, 0, &e) < 0) {
		print_message("SKIP: no IPv6 on lo\n");
		skip();
	}
	close(e.fd);
}

static void test_tcp4(void **state)
{
	(void)state;
	open_bpf();
	fam = cfam = AF_INET;
	addr = caddr = "127.0.0.1";
	tcp_round(N);
}

static void test_tcp6(void **state)
{
	(void)state;
	open_bpf();
	need_ipv6();
	fam = cfam = AF_INET6;
	addr = caddr = "::1";
	tcp_round(N);
	/* A dual-stack listener dialled at a v4-mapped address: IPv4. */
	ev.n = 0;
	memset(sh, 0, sizeof(*sh));
	addr = "::";
	caddr = "::ffff:127.0.0.1";
	tcp_round(20);
	assert_int_equal(sh->cli[0].ipv, 4);
}

static void test_udp4(void **state)
{
	(void)state;
	open_bpf();
	fam = AF_INET;
	addr = "127.0.0.1";
	udp_round(N);
}

static void test_udp6(void **state)
{
	(void)state;
	open_bpf();
	need_ipv6();
	fam = AF_INET6;
	addr = "::1";
	udp_round(N);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_tcp4, teardown),
		cmocka_unit_test_teardown(test_tcp6, teardown),
		cmocka_unit_test_teardown(test_udp4, teardown),
		cmocka_unit_test_teardown(test_udp6, teardown),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
