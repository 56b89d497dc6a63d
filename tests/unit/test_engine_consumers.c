/*
 * test_engine_consumers.c - the engine's contract with its consumers
 * (core/consumer.h) on a generated capture: every packet reaches the
 * packet hook in order, every flow reaches the flow hook once with its
 * owners, finish comes once and last; with keep_flows the flows left in
 * the table go only to CONSUMER_LEFT consumers; errors are typed
 * (core/status.h): a missing file, a bad filter, a file cut mid-record.
 */
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../core/engine.h"
#include "../../lib/keyhash.h"

#define FLOWS	5
#define PER	4	/* packets per flow, alternating directions */

static char path[] = "/tmp/porttop-test-consumers-XXXXXX";

/* Ethernet + IPv4 + UDP, 60 bytes: client 10.0.0.1:(1000 + flow) <->
 * 10.0.0.2:53. */
static void frame(uint8_t *b, int flow, int reply)
{
	static const uint8_t eth[14] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2,
					 0x08, 0x00 };
	uint16_t sp = (uint16_t)(reply ? 53 : 1000 + flow);
	uint16_t dp = (uint16_t)(reply ? 1000 + flow : 53);

	memset(b, 0, 60);
	memcpy(b, eth, 14);
	b[14] = 0x45, b[17] = 46, b[22] = 64, b[23] = 17;
	b[26] = 10, b[29] = (uint8_t)(reply ? 2 : 1);
	b[30] = 10, b[33] = (uint8_t)(reply ? 1 : 2);
	b[34] = (uint8_t)(sp >> 8), b[35] = (uint8_t)sp;
	b[36] = (uint8_t)(dp >> 8), b[37] = (uint8_t)dp;
	b[39] = 26;
}

static int make_capture(void **state)
{
	static const uint8_t seed[16] = { 5 };
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;
	uint8_t b[60];
	int fd = mkstemp(path);

	(void)state;
	if (fd < 0 || !dead)
		return -1;
	close(fd);
	if (!(d = pcap_dump_open(dead, path)))
		return -1;
	for (int i = 0; i < FLOWS * PER; i++) {
		struct pcap_pkthdr h = { .ts = { 1700000000 + i, 0 },
					 .caplen = 60, .len = 60 };

		frame(b, i / PER, i & 1);
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

/* What a consumer saw, in order: 'p' packet, 'f' flow, 'l' left flow
 * (end ACTIVE), 'F' finish. */
struct seen {
	char log[256];
	int n, last_ts_ok;
	int64_t last_ts;
};

static void on_packet(void *arg, const struct cap_pkt *pk,
		      const struct dec_pkt *p)
{
	struct seen *s = arg;

	assert_non_null(p);		/* all of them decode */
	s->last_ts_ok &= pk->ts_ns >= s->last_ts;
	s->last_ts = pk->ts_ns;
	s->log[s->n++] = 'p';
}

static void on_flow(void *arg, const struct flow_rec *f)
{
	struct seen *s = arg;

	assert_int_equal(f->v.dir[0].pkts + f->v.dir[1].pkts, PER);
	assert_int_equal(f->end[0].why, ATTR_DISABLED);	/* --attrib none */
	s->log[s->n++] = f->v.end == FT_END_ACTIVE ? 'l' : 'f';
}

static void on_finish(void *arg, int64_t now_ns)
{
	struct seen *s = arg;

	assert_true(now_ns >= s->last_ts);
	s->log[s->n++] = 'F';
}

static int count(const struct seen *s, char c)
{
	int n = 0;

	for (int i = 0; i < s->n; i++)
		n += s->log[i] == c;
	return n;
}

static void run(int keep, struct seen *a, struct seen *b)
{
	struct engine_opts o = { .read_file = path, .attrib = ATTR_MODE_NONE,
				 .keep_flows = keep };
	struct consumer ca = { .name = "a", .arg = a, .packet = on_packet,
			       .flow = on_flow, .finish = on_finish };
	struct consumer cb = { .name = "b", .arg = b, .flags = CONSUMER_LEFT,
			       .flow = on_flow, .finish = on_finish };
	struct pt_err err;
	struct engine *e;

	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	a->last_ts_ok = 1;
	o.ft.publish = keep;
	assert_int_equal(engine_open(&e, &o, &err), PT_OK);
	assert_int_equal(engine_add(e, &ca), 0);
	assert_int_equal(engine_add(e, &cb), 0);
	assert_int_equal(engine_start(e, &err), PT_OK);
	while (engine_poll(e, 100))
		;
	assert_int_equal(engine_wait(e, &err), PT_OK);
	engine_close(e);
}

static void hooks_in_order(void **state)
{
	struct seen a, b;

	(void)state;
	run(0, &a, &b);		/* a report: every flow ends at the end */
	assert_int_equal(count(&a, 'p'), FLOWS * PER);
	assert_true(a.last_ts_ok);
	assert_int_equal(count(&a, 'f'), FLOWS);
	assert_int_equal(count(&b, 'f'), FLOWS);
	assert_int_equal(count(&a, 'l') + count(&b, 'l'), 0);
	assert_int_equal(a.log[a.n - 1], 'F');	/* finish last, once */
	assert_int_equal(count(&a, 'F'), 1);
	assert_int_equal(b.log[b.n - 1], 'F');
	assert_int_equal(count(&b, 'F'), 1);
}

static void left_flows(void **state)
{
	struct seen a, b;

	(void)state;
	run(1, &a, &b);		/* a view: flows stay in the table */
	assert_int_equal(count(&a, 'f') + count(&a, 'l'), 0);
	assert_int_equal(count(&b, 'l'), FLOWS);	/* CONSUMER_LEFT */
	assert_int_equal(b.log[b.n - 1], 'F');
}

static void typed_errors(void **state)
{
	struct engine_opts o = { .attrib = ATTR_MODE_NONE };
	char cut[] = "/tmp/porttop-test-cut-XXXXXX";
	struct pt_err err;
	struct engine *e;
	FILE *in, *out;
	char buf[4096];
	size_t n;
	int fd;

	(void)state;
	o.read_file = "/nonexistent/x.pcap";
	assert_int_equal(engine_open(&e, &o, &err), PT_ERR_OPEN);
	assert_int_equal(pt_exit(err.code), EXIT_USAGE);
	o.read_file = path;
	o.filter = "port 99999";
	assert_int_equal(engine_open(&e, &o, &err), PT_ERR_FILTER);
	o.filter = NULL;
	/* the capture cut 10 bytes into its 7th record */
	assert_true((fd = mkstemp(cut)) >= 0);
	assert_non_null(in = fopen(path, "rb"));
	assert_non_null(out = fdopen(fd, "wb"));
	n = fread(buf, 1, 24 + 6 * (16 + 60) + 10, in);
	assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	fclose(out);
	o.read_file = cut;
	assert_int_equal(engine_open(&e, &o, &err), PT_OK);
	assert_int_equal(engine_start(e, &err), PT_OK);
	while (engine_poll(e, 100))
		;
	assert_int_equal(engine_wait(e, &err), PT_ERR_INPUT);
	assert_int_equal(pt_exit(err.code), EXIT_DAMAGED);
	assert_non_null(strstr(err.msg, "damaged after 6 packets"));
	engine_close(e);
	unlink(cut);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hooks_in_order),
		cmocka_unit_test(left_flows),
		cmocka_unit_test(typed_errors),
	};

	return cmocka_run_group_tests(tests, make_capture, remove_capture);
}
