/*
 * test_events.c - the events stream (ui/events.c): lines in order with
 * their fields, port state changes only when the state changes, scans;
 * and a consumer that stops reading (a pipe nobody drains) never blocks
 * the producer: events_flow() returns at once and the lines that did not
 * fit are counted.  Threaded (the writer thread): run under TSan too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <sys/wait.h>

#include "../../lib/keyhash.h"
#include "../../report/events.h"

#define S(x) ((int64_t)((x) * 1e9))

static struct flow_rec tcp_flow(int dst, uint16_t port, double t, int cs)
{
	struct flow_rec f;

	memset(&f, 0, sizeof(f));
	for (int i = 0; i < 2; i++) {	/* attribution off */
		f.end[i].pid = -1;
		f.end[i].uid = (uint32_t)-1;
		f.end[i].why = ATTR_DISABLED;
	}
	f.v.key.proto = 6;
	f.v.key.flags = FT_K_PORTS;
	f.v.key.a[0] = 10, f.v.key.a[3] = 1;
	f.v.key.b[0] = 10, f.v.key.b[2] = 1, f.v.key.b[3] = (uint8_t)dst;
	f.v.key.pa = 40000;
	f.v.key.pb = port;
	f.v.orig_is_a = 1;
	f.v.conn_state = (uint8_t)cs;
	f.v.port_state = cs == FT_CS_SF ? FT_PS_OPEN :
		       cs == FT_CS_REJ ? FT_PS_CLOSED : FT_PS_FILTERED;
	f.v.first_ns = f.v.last_ns = S(t);
	f.v.rtt_syn_synack_ns = f.v.rtt_synack_ack_ns = -1;
	return f;
}

static int count_lines(const char *path, const char *needle)
{
	char line[4096];
	int n = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

static void lines_and_changes(void **state)
{
	char path[] = "/tmp/porttop-events-XXXXXX", err[256];
	int fd = mkstemp(path);
	struct events *ev;
	struct flow_rec v;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	ev = events_open(path, NULL, NULL, err, sizeof(err));
	assert_non_null(ev);
	v = tcp_flow(2, 80, 1.0, FT_CS_SF);
	events_flow(ev, &v);		/* unknown -> open */
	v = tcp_flow(2, 80, 2.0, FT_CS_SF);
	events_flow(ev, &v);		/* open again: no event */
	v = tcp_flow(2, 80, 3.0, FT_CS_REJ);
	events_flow(ev, &v);		/* open -> closed */
	v = tcp_flow(2, 80, 0.5, FT_CS_S0);
	events_flow(ev, &v);		/* older than the verdict: none */
	for (int p = 1; p <= 15; p++) {	/* a port scan of host 3 */
		v = tcp_flow(3, (uint16_t)(1000 + p), 4.0 + p, FT_CS_REJ);
		events_flow(ev, &v);
	}
	assert_int_equal(events_close(ev), 0);
	assert_int_equal(count_lines(path, "\"type\":\"port_state\""), 17);
	assert_int_equal(count_lines(path, "\"from\":\"open\",\"to\":\"closed\""), 1);
	assert_int_equal(count_lines(path, "\"type\":\"scan\""), 1);
	assert_int_equal(count_lines(path, "\"type\":\"scan_end\""), 1);
	assert_int_equal(count_lines(path, "\"schema\":1,\"ts\":"), 19);
	unlink(path);
}

/* stdout is a pipe nobody reads: 20,000 events (far more than the ring
 * and the pipe hold) take well under a second, the rest are counted. */
static void stalled_consumer(void **state)
{
	int p[2], saved = dup(STDOUT_FILENO);
	char err[256];
	struct events *ev;
	struct timespec a, b;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_true(dup2(p[1], STDOUT_FILENO) >= 0);
	ev = events_open("-", NULL, NULL, err, sizeof(err));
	assert_non_null(ev);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 20000; i++) {
		struct flow_rec v = tcp_flow(2 + i % 200, (uint16_t)(1 + i),
					    i * 0.001,
					    i % 2 ? FT_CS_SF : FT_CS_REJ);
		events_flow(ev, &v);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	/* the producer returned; now let the writer finish: drain the pipe
	 * from a reader so that events_close can join it */
	pid_t child = fork();

	assert_true(child >= 0);
	if (child == 0) {
		char buf[65536];

		close(p[1]);
		close(STDOUT_FILENO);	/* the pipe too: EOF when we are done */
		while (read(p[0], buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	uint64_t lost = events_close(ev);
	dup2(saved, STDOUT_FILENO);
	close(p[1]);
	close(saved);
	assert_int_equal(waitpid(child, NULL, 0), child);
	print_message("producer: %.1f ms for 20000 events; %llu lines lost\n",
		      ((double)(b.tv_sec - a.tv_sec) * 1e9 +
		       (double)(b.tv_nsec - a.tv_nsec)) / 1e6,
		      (unsigned long long)lost);
	assert_true(lost > 0);		/* the ring overflowed: counted */
}

static int setup(void **state)
{
	static const uint8_t seed[16] = { 5 };

	(void)state;
	return keyhash_init(seed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_and_changes),
		cmocka_unit_test(stalled_consumer),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
