/*
 * sig_win.h - what sig_win.c adds to sig.h for Windows' waits: the event
 * a console stop sets (wake_win.c waits for it as Linux polls
 * sig_wake_fd()).
 */
#ifndef PORTTOP_SIG_WIN_H
#define PORTTOP_SIG_WIN_H

#include <windows.h>

/* sig_stop_event: set when a stop is asked; NULL before sig_catch(). */
HANDLE sig_stop_event(void);

#endif
