/*
 * nm_whomap.h - a process's who record (nm_who.h) from its pid and its
 * cgroup v2 id, for the attribution thread (attrib/attr.c), which learns
 * owners while their processes live.  Not thread-safe: one per
 * attribution service.
 *
 * The pid's /proc/PID/cgroup names its cgroups in every hierarchy (v1
 * and v2: on a hybrid host a container may be named only in v1's); a
 * process gone by then is named by its cgroup v2 id, the inode of its
 * directory under the cgroup2 mount (/sys/fs/cgroup, or
 * /sys/fs/cgroup/unified on a hybrid host), found by walking that tree
 * (at most once a second, NM_TREE_DIRS directories).  Answers are kept
 * per (pid, cgroup id) in NM_PIDS slots.
 */
#ifndef PORTTOP_NM_WHOMAP_H
#define PORTTOP_NM_WHOMAP_H

#include <stdint.h>

#define NM_PIDS 4096
#define NM_TREE_DIRS 16384

struct nm_whomap;

/* nm_whomap_new: over proc_root ("/proc"; a recorded tree in tests: then
 * the cgroup tree, which is this host's, is not walked).  NULL when out
 * of memory. */
struct nm_whomap *nm_whomap_new(const char *proc_root);
void nm_whomap_free(struct nm_whomap *m);

/* nm_whomap_of: the who id of process pid in cgroup cgid (either may be
 * unknown: pid < 0, cgid 0); 0 when its cgroup names no container or
 * unit. */
uint32_t nm_whomap_of(struct nm_whomap *m, int32_t pid, uint64_t cgid);

/* nm_cgroup2_open: the cgroup2 hierarchy's directory (/sys/fs/cgroup, or
 * /sys/fs/cgroup/unified on a hybrid v1/v2 host), O_CLOEXEC; -1 when
 * neither is a cgroup2 mount. */
int nm_cgroup2_open(void);

#endif
