/*
 * priv.h - -Z USER: drop root once the capture is open and eBPF loaded,
 * as tcpdump -Z does, keeping only the capabilities the running code still
 * needs (capabilities(7)).
 */
#ifndef PORTTOP_PRIV_H
#define PORTTOP_PRIV_H

#include <stddef.h>

/* priv_drop: become user (its uid, gid and supplementary groups), keeping
 * in the permitted and effective sets only CAP_DAC_READ_SEARCH and
 * CAP_SYS_PTRACE when keep_proc is set (reading other users'
 * /proc/PID/fd: live attribution by sock_diag or /proc/net), else none;
 * and no_new_privs, so nothing executed later regains any.  Call it while
 * the process has one thread: capabilities are per thread, and threads
 * started afterwards inherit the caller's.  0, or -1 with a one-line
 * reason in err (unknown user, or a step refused: porttop then stops
 * rather than run with more than asked). */
int priv_drop(const char *user, int keep_proc, char *err, size_t len);

#endif
