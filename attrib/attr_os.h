/*
 * attr_os.h - what attr.c asks of the operating system: this host's
 * addresses, the network namespace, whether a process has exited, and
 * which back ends (attr_sock.h) serve a mode.  attr_os_linux.c (getifaddrs,
 * /proc, eBPF + sock_diag + /proc/net) or attr_os_win.c (IP Helper),
 * picked by the Makefile.  Internal to attrib/.
 */
#ifndef PORTTOP_ATTR_OS_H
#define PORTTOP_ATTR_OS_H

#include <stddef.h>
#include <stdint.h>

#include "attr_int.h"

/* attr_os_local: this host's interface addresses into n (MAX_LOCAL at
 * most).  0, or -1 when they cannot be read (n untouched). */
int attr_os_local(struct local_data *n);

/* attr_os_netns: porttop's network namespace (an inode), 0 unknown. */
uint64_t attr_os_netns(const char *proc_root);

/* attr_os_gone: 1 when process pid has exited, else 0. */
int attr_os_gone(const char *proc_root, int32_t pid);

/* attr_os_open: open the back ends mode m uses: a->events (sockets as
 * they open and close) and/or a->table (dumps and lookups), with their
 * states.  On success msg may hold notes (a part that could not load);
 * on failure, why.  0 or -1. */
int attr_os_open(struct attr *a, enum attr_mode m, char *msg, size_t len);

#endif
