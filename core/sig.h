/*
 * sig.h - the one place that handles signals.  SIGINT, SIGTERM and SIGHUP
 * ask the run to stop; SIGWINCH asks the view to redraw; a fatal signal
 * (a crash) first runs the restore hook (the view's terminal), then kills
 * the process as it would have.  Handlers only store flags and write one
 * byte to a pipe the main thread can poll; they touch no engine, so they
 * cannot reach one already freed.  Worker threads block every signal
 * (lib/thread.h), so handlers run on the main thread only.  No SA_RESTART:
 * a stop must cut short the main thread's waits (the view's wait for a
 * key, engine_poll).
 */
#ifndef PORTTOP_SIG_H
#define PORTTOP_SIG_H

/* sig_catch: install the handlers (idempotent).  Call before curses: it
 * only catches signals that are left at SIG_DFL. */
void sig_catch(void);

/* sig_release: SIGINT, SIGTERM and SIGHUP kill the process again (the
 * run is over: e.g. while a long report is written). */
void sig_release(void);

/* sig_stopped: the signal number that asked to stop, or 0. */
int sig_stopped(void);

/* sig_take_winch: 1 once after each SIGWINCH. */
int sig_take_winch(void);

/* sig_wake_fd: a descriptor that becomes readable when a stop signal
 * arrives (never read from it; poll it), -1 before sig_catch(). */
int sig_wake_fd(void);

/* sig_on_fatal: run fn (async-signal-safe calls only) when the process
 * dies of SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT or SIGQUIT; NULL
 * removes it.  One hook at a time. */
void sig_on_fatal(void (*fn)(void));

#endif
