/*
 * test_attr_procmap.c - the inode map: real sockets of this process and of
 * a forked child (pid, uid, comm, cgroup id; several holders, lowest pid
 * first), a recorded /proc tree, and a scan by an unprivileged user.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <linux/magic.h>

#include "socks.h"

static char comm[16];		/* ours, as the kernel has it */

/* The cgroup2 directory a process is in, from its "0::" line; "" when no
 * cgroup2 is mounted. */
static void cg_dir(pid_t pid, char *out, size_t len)
{
	static const char *const roots[] = { "/sys/fs/cgroup",
					     "/sys/fs/cgroup/unified" };
	char path[64], line[512];
	struct statfs sf;
	FILE *f;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "0::", 3) == 0)
			break;
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	for (int i = 0; i < 2; i++)
		if (statfs(roots[i], &sf) == 0 &&
		    sf.f_type == CGROUP2_SUPER_MAGIC) {
			snprintf(out, len, "%s%s", roots[i], line + 3);
			return;
		}
}

static uint64_t cg_id(pid_t pid)
{
	char dir[600];
	struct stat st;

	cg_dir(pid, dir, sizeof(dir));
	return dir[0] && stat(dir, &st) == 0 ? st.st_ino : 0;
}

static struct attr_procmap *scanned(const char *root, uint64_t *denied)
{
	struct attr_procmap *m = attr_procmap_new(root);
	uint64_t d = 99;

	assert_non_null(m);
	assert_int_equal(attr_procmap_scan(m, &d), 0);
	assert_int_not_equal(d, 99);
	if (denied)
		*denied = d;
	return m;
}

/* A child holding our sockets, named attr-child, until its pipe closes. */
static pid_t child(int *hold)
{
	int up[2], down[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		prctl(PR_SET_NAME, "attr-child");
		close(down[1]);
		if (write(up[1], "x", 1) == 1)
			(void)read(down[0], &c, 1);
		_exit(0);
	}
	assert_true(pid > 0);
	close(up[1]);
	close(down[0]);
	assert_int_equal(read(up[0], &c, 1), 1);
	close(up[0]);
	*hold = down[1];
	return pid;
}

static void reap(pid_t pid, int hold)
{
	int status;

	close(hold);
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

static void self_and_child(void **state)
{
	struct end t[3], u;
	struct attr_proc p[8];
	struct attr_procmap *m;
	pid_t me = getpid(), kid;
	int hold;

	(void)state;
	assert_int_equal(tcp_trio(AF_INET, "127.0.0.1", AF_INET, "127.0.0.1",
				  t), 0);
	assert_int_equal(udp_end(AF_INET, "127.0.0.1", NULL, 0, &u), 0);
	m = scanned("/proc", NULL);
	for (int i = 0; i < 4; i++) {
		uint64_t ino = i < 3 ? t[i].ino : u.ino;

		assert_int_equal(attr_procmap_find(m, ino, p, 8), 1);
		assert_int_equal(p[0].pid, me);
		assert_int_equal(p[0].uid, geteuid());
		assert_string_equal(p[0].comm, comm);
		assert_int_equal(p[0].cgroup, cg_id(me));
	}
	/* Two holders after fork, the lower pid first. */
	kid = child(&hold);
	assert_int_equal(attr_procmap_scan(m, NULL), 0);
	assert_int_equal(attr_procmap_find(m, t[0].ino, p, 8), 2);
	assert_true(p[0].pid < p[1].pid);
	assert_true((p[0].pid == me && p[1].pid == kid) ||
		    (p[0].pid == kid && p[1].pid == me));
	assert_string_equal(p[p[0].pid == kid ? 0 : 1].comm, "attr-child");
	assert_string_equal(p[p[0].pid == me ? 0 : 1].comm, comm);
	assert_int_equal(attr_procmap_find(m, t[0].ino, p, 1), 1);
	assert_int_equal(p[0].pid, me < kid ? me : kid);
	/* Rebuilt on each scan: the child gone, then the sockets. */
	reap(kid, hold);
	assert_int_equal(attr_procmap_scan(m, NULL), 0);
	assert_int_equal(attr_procmap_find(m, t[0].ino, p, 8), 1);
	for (int i = 0; i < 3; i++)
		close_rst(t[i].fd);
	close(u.fd);
	assert_int_equal(attr_procmap_scan(m, NULL), 0);
	assert_int_equal(attr_procmap_find(m, t[0].ino, p, 8), 0);
	assert_int_equal(attr_procmap_find(m, u.ino, p, 8), 0);
	attr_procmap_free(m);
}

/* A child moved into a cgroup of its own gets that cgroup's id. */
static void cgroup_of_child(void **state)
{
	char dir[600], procs[640], pid[16];
	struct attr_proc p[8];
	struct attr_procmap *m;
	struct end u;
	struct stat st;
	pid_t kid;
	int hold, fd;

	(void)state;
	cg_dir(getpid(), dir, sizeof(dir));
	if (!dir[0] || geteuid() != 0)
		skip();		/* no cgroup2, or not ours to write */
	snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir),
		 "/porttop-test-%d", (int)getpid());
	if (mkdir(dir, 0755) < 0)
		skip();
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(udp_end(AF_INET, "127.0.0.1", NULL, 0, &u), 0);
	kid = child(&hold);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d", (int)kid);
	fd = open(procs, O_WRONLY);
	assert_true(fd >= 0 && write(fd, pid, strlen(pid)) > 0);
	close(fd);
	m = scanned("/proc", NULL);
	assert_int_equal(attr_procmap_find(m, u.ino, p, 8), 2);
	for (int i = 0; i < 2; i++)
		assert_int_equal(p[i].cgroup, p[i].pid == kid ? st.st_ino :
					      cg_id(getpid()));
	assert_int_not_equal(p[0].cgroup, p[1].cgroup);
	attr_procmap_free(m);
	reap(kid, hold);
	close(u.fd);
	assert_int_equal(rmdir(dir), 0);
}

static char tree[64];

static void mk(const char *fmt, ...)
{
	char path[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void ln(const char *target, const char *fmt, ...)
{
	char path[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	assert_int_equal(symlink(target, path), 0);
}

static void put(const char *text, const char *name)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tree, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void recorded_tree(void **state)
{
	static const char *const junk[] = { "/dev/null", "socket:[12x]",
		"socket:[]", "socket:[99999999999999999999999]", "socket:[77",
		"pipe:[4242]", "socket:[4242]" };
	struct attr_procmap *m;
	struct attr_proc p[16];
	uint64_t denied;
	char cmd[128];

	(void)state;
	strcpy(tree, "/tmp/porttop-procmap-XXXXXX");
	assert_non_null(mkdtemp(tree));
	mk("%s/123", tree);
	mk("%s/123/fd", tree);
	ln("socket:[4242]", "%s/123/fd/3", tree);
	ln("socket:[77]", "%s/123/fd/4", tree);
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		ln(junk[i], "%s/123/fd/%zu", tree, 10 + i);	/* last: dup */
	put("fakeproc\n", "123/comm");
	put("Name:\tfakeproc\nUmask:\t0022\nUid:\t1000\t1001\t1000\t1000\n",
	    "123/status");
	put("0::/user.slice\n", "123/cgroup");
	mk("%s/77", tree);			/* no status: the owner */
	mk("%s/77/fd", tree);
	ln("socket:[4242]", "%s/77/fd/0", tree);
	put("a-very-long-command-name\n", "77/comm");
	for (int pid = 1008; pid >= 1000; pid--) {	/* 9 holders */
		mk("%s/%d", tree, pid);
		mk("%s/%d/fd", tree, pid);
		ln("socket:[555]", "%s/%d/fd/0", tree, pid);
	}
	mk("%s/50", tree);			/* no fd/: exited, not denied */
	mk("%s/net", tree);
	ln("123", "%s/self", tree);
	m = scanned(tree, &denied);
	assert_int_equal(denied, 0);
	assert_int_equal(attr_procmap_find(m, 4242, p, 16), 2);
	assert_int_equal(p[0].pid, 77);
	assert_string_equal(p[0].comm, "a-very-long-com");
	assert_int_equal(p[0].uid, geteuid());
	assert_int_equal(p[1].pid, 123);
	assert_string_equal(p[1].comm, "fakeproc");
	assert_int_equal(p[1].uid, 1001);	/* effective */
	assert_int_equal(p[1].cgroup, 0);	/* another host's cgroups */
	assert_int_equal(attr_procmap_find(m, 77, p, 16), 1);
	assert_int_equal(p[0].pid, 123);
	assert_int_equal(attr_procmap_find(m, 555, p, 16), 8);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(p[i].pid, 1000 + i);
		assert_string_equal(p[i].comm, "");
	}
	assert_int_equal(attr_procmap_find(m, 12, p, 16), 0);
	assert_int_equal(attr_procmap_find(m, 0, p, 16), 0);
	/* A rescan sees the tree as it is now; a lost root keeps the map. */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/123'", tree);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(attr_procmap_scan(m, &denied), 0);
	assert_int_equal(attr_procmap_find(m, 77, p, 16), 0);
	assert_int_equal(attr_procmap_find(m, 4242, p, 16), 1);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(attr_procmap_scan(m, &denied), -ENOENT);
	assert_int_equal(attr_procmap_find(m, 4242, p, 16), 1);
	attr_procmap_free(m);
}

/* As nobody: other users' processes are counted, not fatal; ours (and
 * only ours) are found. */
static void unprivileged(void **state)
{
	struct end u;
	pid_t pid;
	int status;

	(void)state;
	if (geteuid() != 0)
		skip();		/* needs root to become nobody */
	assert_int_equal(udp_end(AF_INET, "127.0.0.1", NULL, 0, &u), 0);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct attr_procmap *m;
		struct attr_proc p[8];
		struct end mine;
		uint64_t denied = 0;

		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(1);
		if (!(m = attr_procmap_new("/proc")) || udp_end(AF_INET, "127.0.0.1", NULL, 0, &mine) < 0)
			_exit(2);
		if (attr_procmap_scan(m, &denied) != 0 || denied == 0)
			_exit(3);	/* at least our root parent */
		if (attr_procmap_find(m, mine.ino, p, 8) != 1 ||
		    p[0].pid != getpid() || p[0].uid != 65534)
			_exit(4);
		/* Inherited from the parent, whose fds we may not read. */
		if (attr_procmap_find(m, u.ino, p, 8) != 1 ||
		    p[0].pid != getpid())
			_exit(5);
		attr_procmap_free(m);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(u.fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(self_and_child),
		cmocka_unit_test(cgroup_of_child),
		cmocka_unit_test(recorded_tree),
		cmocka_unit_test(unprivileged),
	};

	prctl(PR_GET_NAME, comm);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
