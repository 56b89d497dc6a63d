/*
 * test_engine_model.c - the capture thread and a view running together, as
 * in the live view: the engine replays a file as fast as it can (writing
 * the flow table, handing ended flows to the model's queue) while this
 * thread refreshes the model in a loop.  `make test-tsan` runs it under
 * ThreadSanitizer; a plain run checks the totals: every packet the engine
 * decoded is in the model's totals once the engine is done, none twice.
 *
 * The capture is generated: UDP flows with a tiny inactivity timeout, so
 * many flows end (through the queue) while others are live.
 */
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../lib/keyhash.h"
#include "../../core/engine.h"
#include "../../ui/model.h"

#define PACKETS 200000
#define FLOWS	3000

static char path[] = "/tmp/porttop-test-engine-XXXXXX";

/* Ethernet + IPv4 + UDP, 60 bytes on the wire. */
static void frame(uint8_t *b, int flow, int reply)
{
	static const uint8_t eth[14] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2,
					 0x08, 0x00 };
	uint8_t a = (uint8_t)(reply ? 2 : 1), z = (uint8_t)(reply ? 1 : 2);
	uint16_t sp = (uint16_t)(reply ? 53 : 10000 + flow);
	uint16_t dp = (uint16_t)(reply ? 10000 + flow : 53);

	memset(b, 0, 60);
	memcpy(b, eth, 14);
	b[14] = 0x45;
	b[17] = 46;		/* total length 46: 18 bytes of payload */
	b[22] = 64;
	b[23] = 17;
	b[26] = 10, b[29] = a;
	b[30] = 10, b[33] = z;
	b[34] = (uint8_t)(sp >> 8), b[35] = (uint8_t)sp;
	b[36] = (uint8_t)(dp >> 8), b[37] = (uint8_t)dp;
	b[39] = 26;		/* UDP length */
}

static int make_capture(void **state)
{
	static const uint8_t seed[16] = { 7 };
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;
	uint8_t b[60];
	int fd = mkstemp(path);

	(void)state;
	if (fd < 0 || !dead)
		return -1;
	close(fd);
	d = pcap_dump_open(dead, path);
	if (!d)
		return -1;
	for (int i = 0; i < PACKETS; i++) {
		/* flows come and go: each lives for ~3 s of packet time */
		int flow = (i / 40) % FLOWS;
		struct pcap_pkthdr h = {
			.ts = { .tv_sec = 1700000000 + i / 1000,
				.tv_usec = (i % 1000) * 1000 },
			.caplen = 60, .len = 60,
		};

		frame(b, flow, i & 1);
		pcap_dump((u_char *)d, &h, b);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return keyhash_init(seed);
}

static int remove_capture(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void view_and_engine_together(void **state)
{
	struct pt_err err;
	struct engine *e;
	struct engine_stats es;
	struct model_totals t;
	struct model *m = model_new(0);
	struct engine_opts eo = { .read_file = path, .speed = 0,
				  .attrib = ATTR_MODE_NONE, .keep_flows = 1 };
	struct consumer c;
	int refreshes = 0;
	int64_t deadline;

	(void)state;
	assert_non_null(m);
	eo.ft.publish = true;
	eo.ft.max_flows = 1024;			/* some evictions too */
	eo.ft.timeout_ns[FT_UDP] = 2000000000;	/* 2 s of packet time */
	assert_int_equal(engine_open(&e, &eo, &err), PT_OK);
	c = model_consumer(m);
	assert_int_equal(engine_add(e, &c), 0);
	/* One refresh surely while the engine runs, however the threads are
	 * scheduled (a busy host may run the whole replay before this
	 * thread's first look): the replay starts paused, one packet is let
	 * through, and the model refreshed while the engine thread holds
	 * there, its table in use.  Then it runs free, refreshed in a loop. */
	engine_pause(e, 1);
	assert_int_equal(engine_start(e, &err), PT_OK);
	model_attach(m, engine_table(e), NULL);
	engine_step(e);
	deadline = now_ns() + 60LL * 1000000000;
	do {
		usleep(1000);
		engine_get_stats(e, &es);
	} while (es.read < 1 && es.running && now_ns() < deadline);
	assert_true(es.running);
	assert_int_equal(es.read, 1);	/* paused again after the one */
	model_update(m, es.now_ns, es.first_ns);
	refreshes++;
	engine_pause(e, 0);
	do {
		engine_get_stats(e, &es);
		model_update(m, es.now_ns, es.first_ns);
		refreshes++;
	} while (es.running);
	assert_int_equal(engine_wait(e, &err), PT_OK);
	engine_get_stats(e, &es);
	model_update(m, es.now_ns + 1, es.first_ns);
	model_totals(m, &t);
	assert_int_equal(es.read, PACKETS);
	assert_int_equal(es.decoded, PACKETS);
	assert_int_equal(t.lost_ended, 0);
	assert_int_equal(t.tot[0].pkts + t.tot[1].pkts, PACKETS);
	assert_int_equal(t.tot[0].wire_bytes + t.tot[1].wire_bytes,
			 (uint64_t)PACKETS * 60);
	assert_true(t.ended_flows > 0);		/* the queue was used */
	print_message("%d model refreshes during the replay\n", refreshes);
	engine_close(e);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(view_and_engine_together),
	};

	return cmocka_run_group_tests(tests, make_capture, remove_capture);
}
