/*
 * nm_whomap_linux.c - who records of processes (see nm_whomap.h).
 */
#include <dirent.h>
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
	struct pid_slot pids[NM_PIDS];
	struct dir *dirs;		/* the tree, by inode */
	size_t ndirs;
	int64_t walked;			/* CLOCK_MONOTONIC of the last walk */
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

struct nm_whomap *nm_whomap_new(const char *proc_root)
{
	struct nm_whomap *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	snprintf(m->root, sizeof(m->root), "%s", proc_root ? proc_root :
		 "/proc");
	m->cgfd = strcmp(m->root, "/proc") == 0 ? nm_cgroup2_open() : -1;
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

/* The path of cgroup cgid, walking the tree again when it is not known
 * (at most every TREE_EVERY_NS).  NULL when not found. */
static const char *tree_path(struct nm_whomap *m, uint64_t cgid)
{
	struct dir key = { .ino = cgid }, *f;

	if (m->cgfd < 0 || !cgid)
		return NULL;
	f = m->ndirs ? bsearch(&key, m->dirs, m->ndirs, sizeof(*f), dir_cmp) :
		       NULL;
	if (f)
		return f->path;
	if (m->walked && mono_ns() - m->walked < TREE_EVERY_NS)
		return NULL;
	m->walked = mono_ns();
	if (!m->dirs && !(m->dirs = malloc(NM_TREE_DIRS * sizeof(*m->dirs))))
		return NULL;
	m->ndirs = 0;
	walk(m, openat(m->cgfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), "",
	     TREE_DEPTH);
	qsort(m->dirs, m->ndirs, sizeof(*m->dirs), dir_cmp);
	f = bsearch(&key, m->dirs, m->ndirs, sizeof(*f), dir_cmp);
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
