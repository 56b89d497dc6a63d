/*
 * test_attr_threads.c - the attribution service with its real threads:
 * its own (dumps, lookups, events), two "capture threads" asking for
 * lookups (attr_want) and two readers (attr_flow, attr_listeners), at once.
 * Run under ThreadSanitizer by `make test-tsan` (any data race fails it);
 * a plain run checks the same invariants.
 *
 * The sockets are this process's own: a listener on 127.0.0.1 and CONNS
 * connections to it, both ends ours.  Every owner a reader sees for them
 * is this process, whole: a torn copy of a cache entry would pair our pid
 * with another process's name, or the reverse.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../attrib/attr.h"
#include "../../lib/keyhash.h"

#define CONNS	 32
#define RUN_NS	 (1500LL * 1000000)	/* all the threads at once, at least */
#define WAIT_NS	 (60LL * 1000000000)	/* then for the service, at most */

static struct attr *svc;
static struct ft_view flows[CONNS];
static int stop;
static char comm[16];
static uint64_t seen[2], bad[2];

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The flow of connection i as the table would hold it: a = the client. */
static void make_flow(struct ft_view *v, uint16_t cport, uint16_t sport)
{
	memset(v, 0, sizeof(*v));
	v->key.a[0] = v->key.b[0] = 127;
	v->key.a[3] = v->key.b[3] = 1;
	v->key.pa = cport;
	v->key.pb = sport;
	v->key.proto = 6;
	v->key.flags = FT_K_PORTS;
	v->key.vlan = DEC_NO_VLAN;
	v->orig_is_a = 1;
}

static void *asker(void *arg)
{
	unsigned i = 0, salt = (unsigned)(uintptr_t)arg;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		struct ft_key k = flows[i++ % CONNS].key;

		if (i % 3 == 0)		/* and flows of nobody's */
			k.pa = (uint16_t)(1000 + (i * 7 + salt) % 50000);
		attr_want(svc, &k);
		if (i % 64 == 0)
			usleep(100);
	}
	return NULL;
}

static void *reader(void *arg)
{
	int r = (int)(uintptr_t)arg;
	struct attr_listener l[64];

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		for (int i = 0; i < CONNS; i++) {
			struct attr_end e[2];

			attr_flow(svc, &flows[i], e);
			for (int d = 0; d < 2; d++) {
				int ours_pid = e[d].pid == (int32_t)getpid();
				int ours_comm = !strcmp(e[d].comm, comm);

				if (e[d].pid < 0)
					continue;
				/* atomic: the main thread watches it */
				__atomic_fetch_add(&seen[r], 1,
						   __ATOMIC_RELAXED);
				if (ours_pid != ours_comm)
					bad[r]++;
			}
		}
		attr_listeners(svc, l, 64);
	}
	return NULL;
}

/* How many ends of the connections attr_flow names as this process. */
static int ours(void)
{
	int found = 0;

	for (int i = 0; i < CONNS; i++) {
		struct attr_end e[2];

		attr_flow(svc, &flows[i], e);
		for (int d = 0; d < 2; d++)
			found += e[d].pid == (int32_t)getpid() &&
				 !strcmp(e[d].comm, comm);
	}
	return found;
}

static void threads(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int lfd, c[CONNS], s[CONNS], found = 0;
	struct attr_opts o = { .mode = ATTR_AUTO,
			       .dump_every_ns = 10 * 1000000 };
	char msg[512];
	pthread_t t[4];
	int64_t end, deadline;

	(void)state;
	prctl(PR_SET_NAME, "pt-attr-test");
	snprintf(comm, sizeof(comm), "pt-attr-test");
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, CONNS), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sa, &sl), 0);
	/* before the service: only a dump or a lookup can find these */
	for (int i = 0; i < CONNS; i++) {
		struct sockaddr_in ca;

		c[i] = socket(AF_INET, SOCK_STREAM, 0);
		assert_int_equal(connect(c[i], (struct sockaddr *)&sa,
					 sizeof(sa)), 0);
		s[i] = accept(lfd, NULL, NULL);
		assert_true(s[i] >= 0);
		sl = sizeof(ca);
		getsockname(c[i], (struct sockaddr *)&ca, &sl);
		make_flow(&flows[i], ntohs(ca.sin_port), ntohs(sa.sin_port));
	}
	assert_int_equal(attr_start(&svc, &o, msg, sizeof(msg)), 0);
	print_message("%s\n", msg);
	for (int i = 0; i < 2; i++) {
		pthread_create(&t[i], NULL, asker, (void *)(uintptr_t)i);
		pthread_create(&t[2 + i], NULL, reader, (void *)(uintptr_t)i);
	}
	/* RUN_NS of everything at once; then on until the service has named
	 * every end and a reader has read an owner (how long its first dump
	 * and /proc scan take is the scheduler's and the build's: TSan, a
	 * busy host), WAIT_NS at most: what is still missing then fails. */
	end = now_ns() + RUN_NS;
	deadline = now_ns() + WAIT_NS;
	while (now_ns() < deadline &&
	       (now_ns() < end || ours() < 2 * CONNS ||
		__atomic_load_n(&seen[0], __ATOMIC_RELAXED) +
				__atomic_load_n(&seen[1], __ATOMIC_RELAXED) == 0))
		usleep(10000);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);

	/* every end of every connection is ours, and said so whole */
	found = ours();
	print_message("%llu + %llu owners read, %d of %d ends ours\n",
		      (unsigned long long)seen[0], (unsigned long long)seen[1],
		      found, 2 * CONNS);
	assert_int_equal(bad[0] + bad[1], 0);
	assert_int_equal(found, 2 * CONNS);
	assert_true(seen[0] + seen[1] > 0);
	attr_stop(svc);
	for (int i = 0; i < CONNS; i++) {
		close(c[i]);
		close(s[i]);
	}
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(threads),
	};

	keyhash_init(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
