/*
 * wake.h - the main thread's wait for the capture thread's end, cut short
 * by a stop (a signal on Linux, a console event on Windows: sig.h).  A
 * pipe polled with sig.h's wake pipe (wake_linux.c), or an event waited
 * for with sig_win.c's (wake_win.c).
 */
#ifndef PORTTOP_WAKE_H
#define PORTTOP_WAKE_H

struct wake;

/* wake_open: 0 with *out, or -1 (out of descriptors or handles). */
int wake_open(struct wake **out);

/* wake_post: from any thread, once: every later wake_wait returns at once. */
void wake_post(struct wake *w);

/* wake_wait: until wake_post, a stop asked through sig.h, or timeout_ms
 * (-1: no limit).  Once a stop was asked, only wake_post or the timeout
 * end it. */
void wake_wait(struct wake *w, int timeout_ms);

/* wake_close: free (NULL is ignored). */
void wake_close(struct wake *w);

#endif
