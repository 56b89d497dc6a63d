/*
 * sig.h - signals: SIGINT, SIGTERM and SIGHUP stop the capture (the
 * handler only stores flags and calls engine_stop(), which only stores and
 * calls pcap_breakloop()); SIGWINCH asks the view to redraw.  No
 * SA_RESTART: a stop must interrupt the view's wait for a key.
 */
#ifndef PORTTOP_SIG_H
#define PORTTOP_SIG_H

struct engine;

/* sig_catch: route the signals to engine e (stop) and the view. */
void sig_catch(struct engine *e);

/* sig_release: default dispositions again. */
void sig_release(void);

/* sig_stopped: the signal number that asked to stop, or 0. */
int sig_stopped(void);

/* sig_take_winch: 1 once after each SIGWINCH. */
int sig_take_winch(void);

#endif
