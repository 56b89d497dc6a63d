/*
 * nm_whomap_linux.c - who records of processes (see nm_whomap.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "../lib/clock.h"
#include "nm_who.h"
#include "nm_whomap.h"

#define TREE_DEPTH 32
#define TREE_EVERY_NS NS_PER_S
#define FILEID_KERNFS 0xfe	/* the kernel's file handle of a kernfs node
				   (include/linux/exportfs.h): its 64-bit id,
				   which is the cgroup v2 id */

struct pid_slot {
	int32_t pid;
	uint32_t id;		/* who id, 0: none */
	uint64_t cgid;
	int used;
};

struct dir {
	uint64_t ino;
	char path[NM_PATH_LEN];
};

struct nm_whomap {
	char root[256];			/* proc_root */
	int cgfd;			/* the cgroup2 mount, -1: none */
	char mnt[NM_PATH_LEN];		/* its path, as /proc/self/fd says */
	int by_handle;			/* open_by_handle_at works (it needs
					   CAP_DAC_READ_SEARCH) */
	struct pid_slot pids[NM_PIDS];
	struct dir *dirs;		/* the tree, by inode */
	size_t ndirs;
	int64_t walked;			/* CLOCK_MONOTONIC of the last walk */
	uint64_t newest;		/* the highest cgroup id seen */
	char found[NM_PATH_LEN];	/* tree_path's answer by handle */
};

int nm_cgroup2_open(void)
{
	static const char *const dirs[] = { "/sys/fs/cgroup",
					    "/sys/fs/cgroup/unified" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		int fd = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct statfs sf;

		if (fd < 0)
			continue;
		if (fstatfs(fd, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
			return fd;
		close(fd);
	}
	return -1;
}

/* The path of descriptor fd (its /proc/self/fd link) into buf: 1, or 0
 * when unreadable or too long. */
static int fd_path(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	if (n <= 0 || (size_t)n >= len - 1)
		return 0;
	buf[n] = '\0';
	return 1;
}

struct nm_whomap *nm_whomap_new(const char *proc_root)
{
	struct nm_whomap *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	snprintf(m->root, sizeof(m->root), "%s", proc_root ? proc_root :
		 "/proc");
	m->cgfd = strcmp(m->root, "/proc") == 0 ? nm_cgroup2_open() : -1;
	m->by_handle = m->cgfd >= 0 && fd_path(m->cgfd, m->mnt, sizeof(m->mnt));
	return m;
}

void nm_whomap_free(struct nm_whomap *m)
{
	if (!m)
		return;
	if (m->cgfd >= 0)
		close(m->cgfd);
	free(m->dirs);
	free(m);
}

/* ---- the cgroup2 tree: directory inode -> path ------------------------- */

static int dir_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct dir *)a)->ino;
	uint64_t y = ((const struct dir *)b)->ino;

	return (x > y) - (x < y);
}

/* The directories under fd (whose path is path), depth levels down. */
static void walk(struct nm_whomap *m, int fd, const char *path, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	struct stat st;

	if (!d) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) && m->ndirs < NM_TREE_DIRS) {
		char sub[NM_PATH_LEN];
		int cfd;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path,
				     e->d_name) >= sizeof(sub))
			continue;	/* too deep to name */
		cfd = openat(dirfd(d), e->d_name,
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cfd < 0 || fstat(cfd, &st) < 0) {
			if (cfd >= 0)
				close(cfd);
			continue;
		}
		m->dirs[m->ndirs].ino = st.st_ino;
		memcpy(m->dirs[m->ndirs++].path, sub, sizeof(sub));
		if (depth > 1)
			walk(m, cfd, sub, depth - 1);
		else
			close(cfd);
	}
	closedir(d);
}

/* The path of cgroup cgid (under the mount, "" for its root) into buf,
 * opened by its id as a kernfs file handle: one lookup, whatever the
 * tree's size, and right even for a cgroup made a moment ago.  1 when
 * found; 0 when there is no such cgroup (any more); -1 when handles
 * cannot be used here (then m->by_handle is cleared). */
static int handle_path(struct nm_whomap *m, uint64_t cgid, char *buf,
		       size_t len)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h;
	char full[NM_PATH_LEN + 64];
	size_t ml = strlen(m->mnt);
	int fd, ok;

	h.fh.handle_bytes = sizeof(h.id);
	h.fh.handle_type = FILEID_KERNFS;
	memcpy(h.fh.f_handle, &cgid, sizeof(cgid));
	fd = open_by_handle_at(m->cgfd, &h.fh, O_RDONLY | O_DIRECTORY |
			       O_CLOEXEC);
	if (fd < 0) {
		if (errno == ESTALE || errno == ENOENT)
			return 0;
		m->by_handle = 0;	/* EPERM, EOPNOTSUPP, ENOSYS, ... */
		return -1;
	}
	ok = fd_path(fd, full, sizeof(full));
	close(fd);
	if (!ok || strncmp(full, m->mnt, ml) ||
	    (full[ml] && full[ml] != '/') || strlen(full + ml) >= len)
		return 0;	/* outside the mount, or gone meanwhile */
	memcpy(buf, full + ml, strlen(full + ml) + 1);
	return 1;
}

/* Walk the tree again into m->dirs (sorted by inode). */
static void rewalk(struct nm_whomap *m)
{
	struct stat st;

	m->walked = mono_ns();
	if (!m->dirs && !(m->dirs = malloc(NM_TREE_DIRS * sizeof(*m->dirs))))
		return;
	m->ndirs = 0;
	if (fstat(m->cgfd, &st) == 0)	/* the root: a gone process of the
					   root cgroup must not walk again */
		m->dirs[m->ndirs++] = (struct dir){ .ino = st.st_ino };
	walk(m, openat(m->cgfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), "",
	     TREE_DEPTH);
	qsort(m->dirs, m->ndirs, sizeof(*m->dirs), dir_cmp);
	if (m->ndirs && m->dirs[m->ndirs - 1].ino > m->newest)
		m->newest = m->dirs[m->ndirs - 1].ino;
}

/* The path of cgroup cgid: by its handle, else from the tree, walked
 * again when cgid is not in it -- at once for an id above every id
 * seen (kernfs gives ids in increasing order, so that cgroup was made
 * since: a container started a moment ago, whose short-lived process
 * must be named before its cgroup goes), else at most every
 * TREE_EVERY_NS.  NULL when not found. */
static const char *tree_path(struct nm_whomap *m, uint64_t cgid)
{
	struct dir key = { .ino = cgid }, *f;

	if (m->cgfd < 0 || !cgid)
		return NULL;
	if (m->by_handle) {
		int r = handle_path(m, cgid, m->found, sizeof(m->found));

		if (r >= 0)
			return r ? m->found : NULL;
	}
	f = m->ndirs ? bsearch(&key, m->dirs, m->ndirs, sizeof(*f), dir_cmp) :
		       NULL;
	if (f)
		return f->path;
	if (cgid <= m->newest && m->walked &&
	    mono_ns() - m->walked < TREE_EVERY_NS)
		return NULL;
	if (cgid > m->newest)
		m->newest = cgid;	/* one early walk per new id */
	rewalk(m);
	f = m->ndirs ? bsearch(&key, m->dirs, m->ndirs, sizeof(*f), dir_cmp) :
		       NULL;
	return f ? f->path : NULL;
}

/* ---- processes ------------------------------------------------------------ */

/* The who id of pid from its /proc/PID/cgroup; -1 when unreadable. */
static int64_t from_proc(struct nm_whomap *m, int32_t pid, uint64_t cgid)
{
	char file[300], text[8192], path[NM_PATH_LEN];
	struct nm_cg cg;
	size_t n = 0;
	ssize_t r;
	int fd;

	snprintf(file, sizeof(file), "%s/%d/cgroup", m->root, pid);
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while (n < sizeof(text) - 1 &&
	       (r = read(fd, text + n, sizeof(text) - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	if (n == 0)
		return -1;
	text[n] = '\0';
	if (!nm_cgroup_file(text, path, sizeof(path), &cg))
		return 0;
	return nm_who_intern(cgid, path, &cg);
}

uint32_t nm_whomap_of(struct nm_whomap *m, int32_t pid, uint64_t cgid)
{
	uint64_t h = ((uint64_t)(uint32_t)pid * 0x9E3779B97F4A7C15ull) ^ cgid;
	struct pid_slot *s = &m->pids[(h * 0x9E3779B97F4A7C15ull) >> 52];
	int64_t id = -1;
	const char *path;
	struct nm_cg cg;

	if (s->used && s->pid == pid && s->cgid == cgid)
		return s->id;
	if (pid > 0)
		id = from_proc(m, pid, cgid);
	if (id < 0 && (path = tree_path(m, cgid)))
		id = nm_cgroup_parse(path, &cg) ?
		     nm_who_intern(cgid, path, &cg) : 0;
	if (id < 0)
		return 0;	/* not known yet: ask again next time */
	*s = (struct pid_slot){ pid, (uint32_t)id, cgid, 1 };
	return (uint32_t)id;
}
