/* thread_linux.c - see thread.h. */
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "thread.h"

int thread_start(pthread_t *t, const pthread_attr_t *attr,
		 void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;

	/* a new thread inherits the creator's mask: block everything for
	 * the moment of creation, then give the creator its own back */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(t, attr, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

void thread_name(const char *name)
{
	prctl(PR_SET_NAME, name, 0, 0, 0);	/* the kernel cuts it to 15 */
}

int thread_live_default(void)
{
	cpu_set_t set;

	/* EINVAL: more than CPU_SETSIZE (1024) CPUs; the online count */
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 3 : 1;
	return CPU_COUNT(&set) > 1 ? 3 : 1;
}
