/* sig.c - see sig.h. */
#include <signal.h>
#include <stddef.h>

#include "engine.h"
#include "sig.h"

static struct engine *volatile target;
static volatile sig_atomic_t stop_sig, winch;

static void on_stop(int s)
{
	stop_sig = s;
	if (target)
		engine_stop(target);
}

static void on_winch(int s)
{
	(void)s;
	winch = 1;
}

static void set(int s, void (*fn)(int))
{
	struct sigaction sa = { 0 };

	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(s, &sa, NULL);
}

void sig_catch(struct engine *e)
{
	target = e;
	set(SIGINT, on_stop);
	set(SIGTERM, on_stop);
	set(SIGHUP, on_stop);
	set(SIGWINCH, on_winch);
}

void sig_release(void)
{
	target = NULL;
	set(SIGINT, SIG_DFL);
	set(SIGTERM, SIG_DFL);
	set(SIGHUP, SIG_DFL);
	set(SIGWINCH, SIG_DFL);
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
