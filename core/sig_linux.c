/* sig_linux.c - see sig.h: POSIX signals. */
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <unistd.h>

#include "sig.h"

static volatile sig_atomic_t stop_sig, winch;
static void (*volatile fatal_hook)(void);
static int wake[2] = { -1, -1 };

static void on_stop(int s)
{
	char b = 1;

	stop_sig = s;
	/* full pipe: a wake-up is already pending */
	if (write(wake[1], &b, 1) < 0) {
	}
}

static void on_winch(int s)
{
	(void)s;
	winch = 1;
}

static void on_fatal(int s)
{
	void (*fn)(void) = fatal_hook;

	if (fn)
		fn();
	signal(s, SIG_DFL);
	raise(s);
}

static void set(int s, void (*fn)(int), int flags)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(s, &sa, NULL);
}

void sig_catch(void)
{
	if (wake[0] < 0 && pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0)
		wake[0] = wake[1] = -1;
	set(SIGINT, on_stop, 0);
	set(SIGTERM, on_stop, 0);
	set(SIGHUP, on_stop, 0);
	set(SIGWINCH, on_winch, 0);
}

void sig_release(void)
{
	set(SIGINT, SIG_DFL, 0);
	set(SIGTERM, SIG_DFL, 0);
	set(SIGHUP, SIG_DFL, 0);
}

int sig_stopped(void)
{
	return stop_sig;
}

int sig_take_winch(void)
{
	int w = winch;

	winch = 0;
	return w;
}

int sig_wake_fd(void)
{
	return wake[0];
}

void sig_on_fatal(void (*fn)(void))
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
				    SIGQUIT };

	fatal_hook = fn;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		set(sigs[i], fn ? on_fatal : SIG_DFL, fn ? SA_RESETHAND : 0);
}
