/*
 * test_attr_procnet.c - the /proc/net back end: it reports the same
 * sockets as sock_diag (real sockets of this process, every field but the
 * source), it parses a recorded tree (PORTTOP_PROC_ROOT) byte order and
 * all, and it still opens when netlink is refused (seccomp).  Run as root,
 * the program moves into a network namespace of its own first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../../attrib/attr.h"
#include "socks.h"

static int isolated;
static struct coll dg, pn;

static void dump_with(const struct attr_backend *be, struct coll *c)
{
	char err[128] = "";
	void *st;

	if (be->open(&st, err, sizeof(err)) < 0) {
		print_message("%s: %s\n", be->name, err);
		skip();
	}
	memset(c, 0, sizeof(*c));
	assert_int_equal(be->dump(st, collect, c), 0);
	assert_int_equal(c->over, 0);
	assert_int_equal(be->dropped(st), 0);
	be->close(st);
}

/* Every field but src. */
static void assert_same(const struct attr_sock *a, const struct attr_sock *b)
{
	assert_int_equal(a->proto, b->proto);
	assert_int_equal(a->ipv, b->ipv);
	assert_int_equal(a->listener, b->listener);
	assert_int_equal(a->closed, b->closed);
	assert_memory_equal(a->laddr, b->laddr, 16);
	assert_memory_equal(a->raddr, b->raddr, 16);
	assert_int_equal(a->lport, b->lport);
	assert_int_equal(a->rport, b->rport);
	assert_int_equal(a->inode, b->inode);
	assert_int_equal(a->netns, b->netns);
	assert_int_equal(a->cgroup, b->cgroup);
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->uid, b->uid);
	assert_string_equal(a->comm, b->comm);
}

static void same_as_diag(void **state)
{
	struct end t[3], m[3], d[3], u[2], t6[3];
	int v6 = tcp_trio(AF_INET6, "::1", AF_INET6, "::1", t6) == 0;
	size_t ours = 0;

	(void)state;
	unsetenv("PORTTOP_PROC_ROOT");
	assert_int_equal(tcp_trio(AF_INET, "127.0.0.1", AF_INET, "127.0.0.1",
				  t), 0);
	assert_int_equal(tcp_trio(AF_INET, "127.0.0.1", AF_INET6,
				  "::ffff:127.0.0.1", m), 0);
	assert_int_equal(tcp_trio(AF_INET6, "::", AF_INET, "127.0.0.1", d), 0);
	assert_int_equal(udp_end(AF_INET, "127.0.0.1", NULL, 0, &u[0]), 0);
	assert_int_equal(udp_end(AF_INET6, "::", "::ffff:127.0.0.1",
				 u[0].lport, &u[1]), 0);
	dump_with(&attr_backend_diag, &dg);
	dump_with(&attr_backend_procnet, &pn);
	for (size_t i = 0; i < dg.n; i++) {
		struct attr_sock a = dg.s[i];
		const struct attr_sock *b = coll_find(&pn, a.inode);

		if (a.inode == 0 || (!isolated && !b))
			continue;	/* TIME_WAIT; another process's, gone */
		assert_non_null(b);
		assert_int_equal(a.src, ATTR_SRC_DIAG);
		assert_int_equal(b->src, ATTR_SRC_PROCNET);
		assert_same(&a, b);
		for (int k = 0; k < 3; k++)
			ours += a.inode == t[k].ino || a.inode == m[k].ino ||
				a.inode == d[k].ino ||
				(k < 2 && a.inode == u[k].ino) ||
				(v6 && a.inode == t6[k].ino);
	}
	assert_int_equal(ours, v6 ? 14 : 11);
	if (isolated)
		assert_int_equal(pn.n, dg.n);
	for (int k = 0; k < 3; k++) {
		close_rst(t[k].fd);
		close_rst(m[k].fd);
		close_rst(d[k].fd);
		if (v6)
			close_rst(t6[k].fd);
	}
	close(u[0].fd);
	close(u[1].fd);
}

static char tree[64];

static void put_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tree, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

#define HDR "  sl  local_address rem_address   st tx_queue rx_queue tr " \
	    "tm->when retrnsmt   uid  timeout inode\n"
#define MID " 00000000:00000000 00:00000000 00000000"

/* Recorded on x86_64: each address word is printed as a little-endian
 * host's integer (proc(5)). */
static void recorded_tree(void **state)
{
	char err[128] = "", over[700], udp[1024];
	void *st;
	const struct attr_sock *s;

	(void)state;
	if (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__)
		skip();
	strcpy(tree, "/tmp/porttop-procnet-XXXXXX");
	assert_non_null(mkdtemp(tree));
	assert_int_equal(mkdir(strcat(strcpy(over, tree), "/net"), 0755), 0);
	memset(over, 'x', sizeof(over) - 2);
	strcpy(over + sizeof(over) - 2, "\n");
	put_file("net/tcp", HDR
	 "   0: 0100007F:1F90 00000000:0000 0A" MID "  1000  0 4242 1 0 100\n"
	 "   1: 0100007F:D431 0100007F:1F90 01" MID "  1000  0 4243 2 0 20\n"
	 "   2: 0100007F:1F9 00000000:0000 0A" MID "  1000  0 4244\n"
	 "   3: ZZ00007F:1F90 00000000:0000 0A" MID "  1000  0 4245\n"
	 "   4: 0100007F:1F90 00000000:0000 0A" MID " 99999999999 0 4246\n");
	put_file("net/tcp6", HDR
	 "   0: 0000000000000000FFFF00000100007F:1F91 "
	 "0000000000000000FFFF00000100007F:C000 01" MID " 0 0 5000 1\n"
	 "   1: 00000000000000000000000001000000:0016 "
	 "00000000000000000000000000000000:0000 0A" MID " 0 0 5001 1\n"
	 "   2: B80D0120000000000000000005000000:01BB "
	 "B80D0120000000000000000009000000:E001 01" MID " 33 0 5002 1\n");
	strcpy(udp, HDR "  7: 0100007F:0035 00000000:0000 07" MID " 0 0 6000\n"
		    "  8: 0100007F:E000 0200007F:0035 01" MID " 7 0 6001\n");
	put_file("net/udp", strcat(udp, over));
	setenv("PORTTOP_PROC_ROOT", tree, 1);
	assert_int_equal(attr_backend_procnet.open(&st, err, sizeof(err)), 0);
	memset(&pn, 0, sizeof(pn));
	assert_int_equal(attr_backend_procnet.dump(st, collect, &pn), 0);
	assert_int_equal(pn.n, 7);
	assert_int_equal(attr_backend_procnet.dropped(st), 4);
	attr_backend_procnet.close(st);
	s = coll_find(&pn, 4242);
	assert_non_null(s);
	assert_memory_equal(s->laddr, "\x7f\0\0\1\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_true(s->proto == 6 && s->ipv == 4 && s->lport == 8080 &&
		    s->listener && s->uid == 1000 && s->netns == 0 &&
		    s->pid == -1 && s->src == ATTR_SRC_PROCNET);
	s = coll_find(&pn, 4243);
	assert_true(s->lport == 54321 && s->rport == 8080 && !s->listener);
	assert_memory_equal(s->raddr, "\x7f\0\0\1", 4);
	s = coll_find(&pn, 5000);	/* ::ffff:127.0.0.1, reported as 4 */
	assert_true(s->ipv == 4 && s->lport == 8081 && s->rport == 49152);
	assert_memory_equal(s->laddr, "\x7f\0\0\1\0\0\0\0\0\0\0\0\0\0\0", 16);
	s = coll_find(&pn, 5001);	/* [::1]:22 */
	assert_true(s->ipv == 6 && s->lport == 22 && s->listener);
	assert_memory_equal(s->laddr, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16);
	s = coll_find(&pn, 5002);	/* 2001:db8::5 -> 2001:db8::9 */
	assert_memory_equal(s->laddr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\5",
			    16);
	assert_memory_equal(s->raddr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x9",
			    16);
	assert_true(s->lport == 443 && s->rport == 57345 && s->uid == 33);
	s = coll_find(&pn, 6000);	/* UDP, no remote: a listener */
	assert_true(s->proto == 17 && s->lport == 53 && s->listener);
	s = coll_find(&pn, 6001);
	assert_true(s->rport == 53 && !s->listener && s->raddr[3] == 2);
	/* No root: open says why. */
	strcat(tree, "/none");
	setenv("PORTTOP_PROC_ROOT", tree, 1);
	assert_int_equal(attr_backend_procnet.open(&st, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/none/net/tcp"));
	unsetenv("PORTTOP_PROC_ROOT");
	tree[strlen(tree) - 5] = '\0';
	snprintf(over, sizeof(over), "rm -rf '%s'", tree);
	assert_int_equal(system(over), 0);
}

/* With netlink refused (here by seccomp, as a sandbox would), diag's open
 * says so with -EPERM, and /proc/net still works: attr.c's fallback. */
static void refused_netlink(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct sock_filter f[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				 offsetof(struct seccomp_data, nr)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 3),
			/* args[0]'s low half (little-endian) */
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				 offsetof(struct seccomp_data, args[0])),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
		char err[128] = "";
		void *st;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
			_exit(77);
		if (attr_backend_diag.open(&st, err, sizeof(err)) != -EPERM ||
		    !strstr(err, "netlink"))
			_exit(1);
		if (attr_backend_procnet.open(&st, err, sizeof(err)) < 0)
			_exit(2);
		memset(&pn, 0, sizeof(pn));
		_exit(attr_backend_procnet.dump(st, collect, &pn) == 0 ? 0 : 3);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();		/* no seccomp here */
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_diag),
		cmocka_unit_test(recorded_tree),
		cmocka_unit_test(refused_netlink),
	};

	isolated = isolate();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
