/*
 * child.h - `porttop run -- CMD`: the program under test, started by
 * porttop so that its traffic can be told from everything else's.
 *
 * CMD is forked at once but held before exec until the capture is open
 * (child_release), in a cgroup v2 of its own ("porttop-run-PID" beside
 * porttop's, removed at the end when empty): every descendant stays in it
 * and the kernel names it in each socket event (bpf_get_current_cgroup_id,
 * attrib/attr.h's attr_end.cgroup), however short-lived the process.
 * With CHILD_NETNS porttop itself moves into a fresh network namespace
 * with loopback only before anything is opened, and CMD inherits it.
 * Linux only (child_win.c says so).
 */
#ifndef PORTTOP_CHILD_H
#define PORTTOP_CHILD_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/* child_netns: move porttop into a fresh network namespace and bring its
 * loopback up (unshare(2) CLONE_NEWNET; needs CAP_SYS_ADMIN).  0, or -1
 * with err ("--netns private: unshare: Operation not permitted (needs
 * CAP_SYS_ADMIN: run porttop with sudo)"). */
int child_netns(char *err, size_t errlen);

struct child;

/* child_spawn: fork CMD (argv, NULL-terminated, found on PATH as execvp
 * finds it) held before exec, in a fresh cgroup when cgroup is 1.  With
 * user (-Z USER; NULL: none) CMD runs as that user: its uid, gid and
 * supplementary groups (initgroups' list), set in the child before exec;
 * the environment is left as porttop's (as tcpdump -Z, not sudo -u).
 * Returns 0 with *out and *cgid (the cgroup's id: its directory's inode
 * number, 0 without one), or -1 with err naming what is missing (no
 * cgroup v2 mounted, no permission to create one: "sudo"). */
int child_spawn(struct child **out, char *const argv[], int cgroup,
		const char *user, uint64_t *cgid, char *err, size_t errlen);

/* child_release: let CMD exec.  0 once it runs, or the shell's status
 * when it could not: 127 not found, 126 found but not executable or -Z's
 * user could not be taken (err says "No such file or directory", "cannot
 * run as the -Z user: ..."); the child has then exited and been
 * reaped. */
int child_release(struct child *c, char *err, size_t errlen);

/* child_watch: a thread that waits for CMD to exit, then lets drain_ns
 * of wall time pass (the packets and socket events still on their way)
 * and stops e (engine_stop).  0, or -1 when the thread cannot start. */
int child_watch(struct child *c, struct engine *e, int64_t drain_ns);

/* child_end: CMD's exit status as a shell gives it (its exit code, or
 * 128 + N when killed by signal N).  When e ended first (a stop signal,
 * a broken capture) CMD is sent SIGTERM and waited for.  Joins the
 * watcher, removes the cgroup when it is empty (a descendant still
 * running keeps it: said on stderr), frees c. */
int child_end(struct child *c);

#endif
