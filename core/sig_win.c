/*
 * sig_win.c - sig.h on Windows: console control events instead of
 * signals (SetConsoleCtrlHandler).  Ctrl-C and Ctrl-Break stop the run as
 * SIGINT does; closing the console window, logging off and shutting down
 * as SIGTERM does.  Windows runs the handler on a thread of its own and
 * ends the process when it returns from a close event, so for those it
 * waits (at most 4 s: Windows allows 5) until the process is exiting, so
 * that -w files are complete.  A crash runs the restore hook from the
 * unhandled-exception filter.  There is no SIGWINCH: the console reports
 * size changes as input events.
 */
#include <signal.h>
#include <stdlib.h>
#include <windows.h>

#include "sig.h"
#include "sig_win.h"

static volatile LONG stop_sig, released;
static void (*volatile fatal_hook)(void);
static HANDLE stop_ev, exit_ev;

static void at_exit(void)
{
	if (exit_ev)
		SetEvent(exit_ev);
}

static BOOL WINAPI on_ctrl(DWORD type)
{
	int closing = type == CTRL_CLOSE_EVENT || type == CTRL_LOGOFF_EVENT ||
		      type == CTRL_SHUTDOWN_EVENT;

	if (released)
		return FALSE;	/* the default: end the process */
	InterlockedExchange(&stop_sig, closing ? SIGTERM : SIGINT);
	SetEvent(stop_ev);
	if (closing)
		WaitForSingleObject(exit_ev, 4000);
	return TRUE;
}

static LONG WINAPI on_crash(EXCEPTION_POINTERS *x)
{
	void (*fn)(void) = fatal_hook;

	(void)x;
	if (fn)
		fn();
	return EXCEPTION_CONTINUE_SEARCH;
}

void sig_catch(void)
{
	if (stop_ev)
		return;
	stop_ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	exit_ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	atexit(at_exit);
	SetConsoleCtrlHandler(on_ctrl, TRUE);
}

void sig_release(void)
{
	InterlockedExchange(&released, 1);
}

int sig_stopped(void)
{
	return (int)stop_sig;
}

int sig_take_winch(void)
{
	return 0;
}

int sig_wake_fd(void)
{
	return -1;
}

HANDLE sig_stop_event(void)
{
	return stop_ev;
}

void sig_on_fatal(void (*fn)(void))
{
	fatal_hook = fn;
	SetUnhandledExceptionFilter(fn ? on_crash : NULL);
}
