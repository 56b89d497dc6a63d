/* thread_win.c - see thread.h.  Windows delivers no POSIX signals to
 * threads (console events run on a thread of their own: core/sig_win.c),
 * so there is no mask to set. */
#include "thread.h"

int thread_start(pthread_t *t, const pthread_attr_t *attr,
		 void *(*fn)(void *), void *arg)
{
	return pthread_create(t, attr, fn, arg);
}

void thread_name(const char *name)
{
	(void)name;	/* SetThreadDescription is Windows 10 1607 on */
}

int thread_live_default(void)
{
	return 1;	/* see thread.h */
}
