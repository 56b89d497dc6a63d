/*
 * clock.h - the clocks porttop reads, in nanoseconds, and time units.
 */
#ifndef PORTTOP_CLOCK_H
#define PORTTOP_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Nanoseconds per unit: times in porttop are int64_t nanoseconds. */
#define NS_PER_US 1000LL
#define NS_PER_MS 1000000LL
#define NS_PER_S 1000000000LL

/* clock_ns: clock `id` in nanoseconds: CLOCK_MONOTONIC for intervals and
 * deadlines, CLOCK_REALTIME for stamps a user reads (epoch time). */
static inline int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* mono_ns, real_ns: CLOCK_MONOTONIC, CLOCK_REALTIME. */
static inline int64_t mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static inline int64_t real_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

#endif
