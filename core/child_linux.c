/* child_linux.c - see child.h: fork, a cgroup v2 of CMD's own, a private
 * network namespace, and CMD's status as a shell gives it. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <pwd.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/thread.h"
#include "../names/nm_whomap.h"
#include "child.h"

#define SUDO "run porttop as root (sudo porttop run ...)"

#define MAX_GROUPS 256	/* supplementary groups kept for -Z's user */

/* -Z USER for CMD: resolved in porttop before the fork (getpwnam and
 * getgrouplist are not async-signal-safe), applied in the child. */
struct as_user {
	int set;
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[MAX_GROUPS];
};

struct child {
	pid_t pid;
	int go, ex;		/* write: let CMD exec; read: exec's errno */
	int cgfd;		/* the cgroup2 root, -1: no cgroup */
	char cgpath[600];	/* CMD's cgroup under it */
	int jan;		/* -Z: write end of the janitor's pipe, -1 */
	pid_t jan_pid;
	pthread_t watcher;
	int watching;
	int status;		/* waitpid's; valid once reaped */
	int reaped;		/* atomic */
	struct engine *e;
	int64_t drain_ns;
};

int child_netns(char *err, size_t errlen)
{
	struct ifreq ifr = { 0 };
	int s;

	if (unshare(CLONE_NEWNET) < 0) {
		snprintf(err, errlen, "--netns private: unshare: %s (needs "
			 "CAP_SYS_ADMIN: %s)", strerror(errno), SUDO);
		return -1;
	}
	/* a new namespace's loopback is down (network_namespaces(7)) */
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
	    ioctl(s, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr) < 0)) {
		snprintf(err, errlen, "--netns private: loopback up: %s",
			 strerror(errno));
		if (s >= 0)
			close(s);
		return -1;
	}
	close(s);
	return 0;
}

/* The child's side: signals as a shell would leave them, wait for the
 * go (EOF: porttop gave up), become -Z's user, exec; a failed exec says
 * its errno on ex (negated: becoming the user failed). */
static void child_main(char *const argv[], const int go[2], const int ex[2],
		       const struct as_user *u)
{
	sigset_t none;
	char b;
	int err;

	close(go[1]);	/* else the EOF of a give-up never comes */
	close(ex[0]);

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGWINCH, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (read(go[0], &b, 1) != 1)
		_exit(125);	/* porttop gave up before the start */
	/* groups first: setuid() takes the right to change them */
	if (u->set && (setgroups((size_t)u->ngroups, u->groups) < 0 ||
		       setgid(u->gid) < 0 || setuid(u->uid) < 0)) {
		err = -errno;
		if (write(ex[1], &err, sizeof(err)) < 0) {
		}
		_exit(126);
	}
	execvp(argv[0], argv);
	err = errno;
	if (write(ex[1], &err, sizeof(err)) < 0) {
	}
	_exit(err == ENOENT ? 127 : 126);
}

/* CMD's cgroup directory, c->cgpath: "porttop-run-PID" under parent.
 * pids wrap (pid_max is 32768 on small machines), so a porttop that had
 * this pid may have left one behind (killed, or under -Z before the
 * janitor): removed when empty (rmdir refuses a cgroup with processes),
 * else "porttop-run-PID-N".  0, or -1 with errno. */
static int cgroup_mkdir(struct child *c, const char *parent)
{
	const char *sep = *parent ? "/" : "";
	int pid = (int)getpid();

	for (int n = 0; n < 100; n++) {
		char sfx[16] = "";

		if (n)
			snprintf(sfx, sizeof(sfx), "-%d", n);
		snprintf(c->cgpath, sizeof(c->cgpath), "%s%sporttop-run-%d%s",
			 parent, sep, pid, sfx);
		if (mkdirat(c->cgfd, c->cgpath, 0755) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
		if (unlinkat(c->cgfd, c->cgpath, AT_REMOVEDIR) == 0 &&
		    mkdirat(c->cgfd, c->cgpath, 0755) == 0)
			return 0;
	}
	return -1;
}

/* CMD's cgroup: "porttop-run-PID" beside porttop's own (the "0::PATH"
 * line of /proc/self/cgroup, cgroups(7)), CMD's pid written into it.
 * Its id is the directory's inode number (what the kernel's
 * bpf_get_current_cgroup_id() gives).  0, or -1 with err. */
static int cgroup_make(struct child *c, uint64_t *cgid, char *err,
		       size_t errlen)
{
	char line[512], pid[24], procs[640], *p = NULL;
	FILE *f = fopen("/proc/self/cgroup", "re");
	struct stat st;
	int fd;

	while (f && fgets(line, sizeof(line), f) && !p)
		if (!strncmp(line, "0::/", 4))
			p = line + 4;
	if (f)
		fclose(f);
	if (!p || (c->cgfd = nm_cgroup2_open()) < 0) {
		snprintf(err, errlen, "no cgroup v2 hierarchy to put CMD in "
			 "(mount cgroup2, or use --netns private)");
		return -1;
	}
	p[strcspn(p, "\n")] = '\0';
	if (cgroup_mkdir(c, p) < 0 || fstatat(c->cgfd, c->cgpath, &st, 0) < 0) {
		snprintf(err, errlen, "cannot create the cgroup %s: %s (%s)",
			 c->cgpath, strerror(errno), SUDO);
		c->cgpath[0] = '\0';
		return -1;
	}
	*cgid = st.st_ino;
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", c->cgpath);
	snprintf(pid, sizeof(pid), "%d", (int)c->pid);
	if ((fd = openat(c->cgfd, procs, O_WRONLY | O_CLOEXEC)) < 0 ||
	    write(fd, pid, strlen(pid)) < 0) {
		snprintf(err, errlen, "cannot move CMD into the cgroup %s: %s "
			 "(%s)", c->cgpath, strerror(errno), SUDO);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The cgroup away, once empty; a descendant of CMD still running keeps
 * it (and goes on running: porttop kills nothing CMD left behind). */
static int cgroup_rmdir(const struct child *c)
{
	if (!c->cgpath[0] || unlinkat(c->cgfd, c->cgpath, AT_REMOVEDIR) == 0)
		return 0;
	fprintf(stderr, "porttop: run: the cgroup %s is left: %s (processes "
		"CMD started still run)\n", c->cgpath, strerror(errno));
	return -1;
}

/* Under -Z porttop soon runs as USER, who may not rmdir CMD's cgroup (its
 * parent is root's): a process forked now keeps root for that one rmdir,
 * done when porttop closes its pipe (cgroup_remove, or porttop's exit).
 * It holds no other descriptor (CMD's go pipe must see EOF when porttop
 * gives up) and outlives Ctrl-C.  0, or -1: porttop tries itself. */
static int janitor_start(struct child *c)
{
	int p[2];
	char b;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if ((c->jan_pid = fork()) < 0) {
		close(p[0]), close(p[1]);
		return -1;
	}
	if (c->jan_pid == 0) {
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		for (int fd = 3; fd < 1024; fd++)
			if (fd != p[0] && fd != c->cgfd)
				close(fd);
		while (read(p[0], &b, 1) < 0 && errno == EINTR) {
		}
		_exit(cgroup_rmdir(c) < 0);
	}
	close(p[0]);
	c->jan = p[1];
	return 0;
}

static void cgroup_remove(struct child *c)
{
	if (c->cgfd < 0)
		return;
	if (c->jan >= 0) {	/* the janitor's turn */
		close(c->jan);
		while (waitpid(c->jan_pid, NULL, 0) < 0 && errno == EINTR) {
		}
	} else {
		cgroup_rmdir(c);
	}
	close(c->cgfd);
}

static void reap(struct child *c)
{
	while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR) {
	}
	__atomic_store_n(&c->reaped, 1, __ATOMIC_RELEASE);
}

/* user's uid, gid and groups into *u.  0, or -1 with err. */
static int user_of(const char *user, struct as_user *u, char *err,
		   size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	if (!(pw = getpwnam(user))) {
		snprintf(err, errlen, "-Z %s: %s", user,
			 errno ? strerror(errno) : "no such user");
		return -1;
	}
	u->set = 1;
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->ngroups = MAX_GROUPS;
	if (getgrouplist(pw->pw_name, pw->pw_gid, u->groups,
			 &u->ngroups) < 0)
		u->ngroups = MAX_GROUPS;	/* the first ones */
	return 0;
}

int child_spawn(struct child **out, char *const argv[], int cgroup,
		const char *user, uint64_t *cgid, char *err, size_t errlen)
{
	struct child *c = calloc(1, sizeof(*c));
	struct as_user u = { 0 };
	int go[2], ex[2];

	*cgid = 0;
	if (c && user && user_of(user, &u, err, errlen) < 0) {
		free(c);
		return -1;
	}
	if (!c || pipe2(go, O_CLOEXEC) < 0) {
		free(c);
		snprintf(err, errlen, "out of memory or file descriptors");
		return -1;
	}
	ex[0] = ex[1] = -1;
	if (pipe2(ex, O_CLOEXEC) < 0 || (c->pid = fork()) < 0) {
		snprintf(err, errlen, "cannot start CMD: %s", strerror(errno));
		close(go[0]), close(go[1]), free(c);
		if (ex[0] >= 0)
			close(ex[0]), close(ex[1]);
		return -1;
	}
	if (c->pid == 0)
		child_main(argv, go, ex, &u);
	close(go[0]), close(ex[1]);
	c->go = go[1], c->ex = ex[0], c->cgfd = -1, c->jan = -1;
	if (cgroup && cgroup_make(c, cgid, err, errlen) < 0) {
		close(c->go);	/* the child reads EOF and exits */
		close(c->ex);
		reap(c);
		cgroup_remove(c);
		free(c);
		return -1;
	}
	if (cgroup && u.set && u.uid != getuid())
		janitor_start(c);
	*out = c;
	return 0;
}

int child_release(struct child *c, char *err, size_t errlen)
{
	char b = 1;
	int e = 0;
	ssize_t n;

	n = write(c->go, &b, 1);
	close(c->go);
	c->go = -1;
	while ((n = read(c->ex, &e, sizeof(e))) < 0 && errno == EINTR) {
	}
	close(c->ex);
	if (n != (ssize_t)sizeof(e))
		return 0;	/* closed on exec: CMD runs */
	reap(c);
	if (e < 0) {	/* not even started: could not become -Z's user */
		snprintf(err, errlen, "cannot run as the -Z user: %s",
			 strerror(-e));
		return 126;
	}
	snprintf(err, errlen, "%s", strerror(e));
	return e == ENOENT ? 127 : 126;
}

static void *watch(void *arg)
{
	struct child *c = arg;
	struct timespec d = { c->drain_ns / 1000000000,
			      c->drain_ns % 1000000000 };

	reap(c);
	while (nanosleep(&d, &d) < 0 && errno == EINTR) {
	}
	engine_stop(c->e);
	return NULL;
}

int child_watch(struct child *c, struct engine *e, int64_t drain_ns)
{
	c->e = e;
	c->drain_ns = drain_ns;
	if (thread_start(&c->watcher, NULL, watch, c) != 0)
		return -1;
	c->watching = 1;
	return 0;
}

int child_end(struct child *c)
{
	int st;

	if (c->go >= 0) {	/* never let go: EOF ends it before exec */
		close(c->go);
		close(c->ex);
	} else if (!__atomic_load_n(&c->reaped, __ATOMIC_ACQUIRE)) {
		kill(c->pid, SIGTERM);	/* porttop stopped first */
	}
	if (c->watching)
		pthread_join(c->watcher, NULL);
	else if (!c->reaped)
		reap(c);
	st = WIFSIGNALED(c->status) ? 128 + WTERMSIG(c->status) :
				     WEXITSTATUS(c->status);
	cgroup_remove(c);
	free(c);
	return st;
}
