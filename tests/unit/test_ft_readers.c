/*
 * test_ft_readers.c - one writer, several readers: readers must never see a
 * torn flow, and never block the writer.  Run under ThreadSanitizer by
 * `make test-tsan` (any data race fails it); a plain run still checks the
 * invariants.
 *
 * Every packet of flow f has the same sizes in each direction, so in any
 * consistent snapshot wire_bytes == pkts * wire and ip_bytes == pkts * ip
 * per direction, and the ports encode f.  A reader that copied half of an
 * update would break one of these.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "../../lib/keyhash.h"
#include "../../flowtable/ft.h"

#define FLOWS	 200
#define PACKETS	 400000
#define READERS	 3
#define WAIT_NS	 (60LL * 1000000000)

static struct ft_table *tab;
static int writer_done, any_read;
static uint64_t reads[READERS], torn[READERS];

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void ignore(void *arg, const struct ft_view *v)
{
	(void)arg;
	(void)v;
}

static void make_pkt(struct dec_pkt *p, int f, int reply, int64_t ts)
{
	memset(p, 0, sizeof(*p));
	p->ts_ns = ts;
	p->ipv = 4;
	p->proto = 17;
	p->vlan = DEC_NO_VLAN;
	p->l4 = DEC_L4_PORTS | DEC_L4_HDR;
	p->src[0] = p->dst[0] = 10;
	p->src[3] = reply ? 2 : 1;
	p->dst[3] = reply ? 1 : 2;
	p->sport = (uint16_t)(reply ? 20000 + f : 10000 + f);
	p->dport = (uint16_t)(reply ? 10000 + f : 20000 + f);
	p->payload_len = (uint32_t)(reply ? 2 * f : f);
	p->ip_len = 28 + p->payload_len;
	p->wire_len = p->ip_len + 14;
}

/* PACKETS packets, and on (the same pattern) until a reader has read a
 * flow: on a busy host the readers may not be scheduled at all while
 * PACKETS are written, and "the readers really read" must not depend on
 * that.  WAIT_NS at most. */
static void *writer(void *arg)
{
	struct dec_pkt p;
	int64_t deadline = now_ns() + WAIT_NS;

	(void)arg;
	for (int64_t i = 0;; i++) {
		int f = (int)(i % FLOWS);

		if (i >= PACKETS &&
		    (__atomic_load_n(&any_read, __ATOMIC_RELAXED) ||
		     now_ns() >= deadline))
			break;

		make_pkt(&p, f, (int)((i / FLOWS) & 1), i * 1000);
		ft_packet(tab, &p);
	}
	__atomic_store_n(&writer_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int consistent(const struct ft_view *v)
{
	int f = v->key.pa - 10000;	/* a = 10.0.0.1:10000+f */

	if (f < 0 || f >= FLOWS || v->key.pb != 20000 + f)
		return 0;
	for (int d = 0; d < 2; d++) {
		uint64_t len = (uint64_t)(d ? 2 * f : f);
		const struct ft_counts *c = &v->dir[d];

		if (c->wire_bytes != c->pkts * (len + 42) ||
		    c->ip_bytes != c->pkts * (len + 28) ||
		    c->bytes != c->pkts * len)
			return 0;
	}
	return v->last_ns >= v->first_ns;
}

static void *reader(void *arg)
{
	int id = (int)(intptr_t)arg;
	struct ft_view v;

	while (!__atomic_load_n(&writer_done, __ATOMIC_ACQUIRE)) {
		uint32_t n = ft_capacity(tab);

		for (uint32_t i = 0; i < n; i++) {
			if (!ft_read(tab, i, &v))
				continue;
			if (!reads[id]++)
				__atomic_store_n(&any_read, 1,
						 __ATOMIC_RELAXED);
			if (!consistent(&v))
				torn[id]++;
		}
	}
	return NULL;
}

static void readers_see_whole_flows(void **state)
{
	struct ft_config c = { .max_flows = 256, .publish = true };
	pthread_t w, r[READERS];
	uint64_t total = 0;

	(void)state;
	tab = ft_create(&c, ignore, NULL);
	assert_non_null(tab);
	for (int i = 0; i < READERS; i++)
		assert_int_equal(pthread_create(&r[i], NULL, reader,
						(void *)(intptr_t)i), 0);
	assert_int_equal(pthread_create(&w, NULL, writer, NULL), 0);
	pthread_join(w, NULL);
	for (int i = 0; i < READERS; i++) {
		pthread_join(r[i], NULL);
		assert_int_equal(torn[i], 0);
		total += reads[i];
	}
	assert_true(total > 0);		/* the readers really read */
	ft_destroy(tab);
}

int main(void)
{
	static const uint8_t seed[16] = { 9 };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(readers_see_whole_flows),
	};

	keyhash_init(seed);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
