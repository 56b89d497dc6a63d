/*
 * thread.h - starting porttop's worker threads.
 *
 * Signals go to the main thread only: it alone installs handlers
 * (core/sig_linux.c) and its waits are the ones a signal must cut short.  Every
 * other thread (capture, attribution, events writer, name resolver) is
 * started here with every signal blocked, so no handler ever runs on a
 * thread that does not expect it, or touches state another thread frees.
 */
#ifndef PORTTOP_THREAD_H
#define PORTTOP_THREAD_H

#include <pthread.h>

/* thread_start: pthread_create(t, attr, fn, arg) with all signals blocked
 * in the new thread (the caller's mask is unchanged).  attr may be NULL.
 * Returns 0 or pthread_create's error number. */
int thread_start(pthread_t *t, const pthread_attr_t *attr,
		 void *(*fn)(void *), void *arg);

/* thread_name: call from a thread to name itself (at most 15 bytes kept):
 * Linux shows it in /proc/PID/task/TID/comm, top -H and perf, which is how
 * tests/bench/live_cpu.sh finds the capture thread.  Windows: nothing. */
void thread_name(const char *name);

/* thread_live_default: the --threads a live capture gets when none is
 * given: 3 (core/pipe.h's pipeline, the consumers on a thread of their
 * own, so the capture thread does least per packet) when this process
 * may run on two or more CPUs (Linux: its sched_getaffinity(2) mask, so
 * taskset and cgroup cpusets count; the online CPUs when the mask is too
 * large to read), else 1.  Windows: 1, as the pipeline has never run on
 * a live Npcap capture (wine captures nothing). */
int thread_live_default(void);

#endif
