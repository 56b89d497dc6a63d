/*
 * test_nm_tab.c - the names' bounded table (names/nm_tab.c): a clock hand
 * chooses what a full table forgets, by the order of the puts alone, so
 * two hash keys keep the same entries; the index finds every entry kept
 * through many deletions; readers on another thread never get a torn or
 * another key's entry.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../lib/keyhash.h"
#include "../../names/nm_tab.h"

static const uint8_t seed_a[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
static const uint8_t seed_b[16] = { 0xfe, 0x77, 0x10, 0x42, 0x99 };

/* Key i's entry, its times telling which key and put it is. */
static struct nm_ent ent(uint32_t i, int64_t t0, int64_t until)
{
	struct nm_ent e;

	memset(&e, 0, sizeof(e));
	memcpy(e.key, &i, sizeof(i));
	e.key[37] = 1;
	e.t0 = t0;
	e.until = until;
	e.why = (uint8_t)i;
	return e;
}

static int has(const struct nm_tab *t, uint32_t i, struct nm_ent *got)
{
	struct nm_ent want = ent(i, 0, 0);

	return nm_tab_get(t, want.key, got);
}

/* Four slots: k0..k3 fill it; k1 learnt again keeps its place; k4 takes
 * k0's (still valid: forgotten), k5 passes k1 (its second chance) and
 * takes k2's; an expired entry goes without being counted. */
static void clock_hand(void **state)
{
	struct nm_tab *t = nm_tab_new(4);
	struct nm_ent e, got;

	(void)state;
	assert_non_null(t);
	for (uint32_t i = 0; i < 4; i++) {
		e = ent(i, 10, 100 + i);
		assert_int_equal(nm_tab_put(t, &e, 10), 0);
	}
	e = ent(1, 11, 500);
	assert_int_equal(nm_tab_put(t, &e, 11), 0);
	e = ent(4, 12, 200);
	assert_int_equal(nm_tab_put(t, &e, 12), 1);	/* k0 forgotten */
	e = ent(5, 13, 200);
	assert_int_equal(nm_tab_put(t, &e, 13), 1);	/* k2 */
	assert_false(has(t, 0, &got));
	assert_false(has(t, 2, &got));
	assert_true(has(t, 1, &got));
	assert_int_equal(got.t0, 11);	/* replaced in place */
	assert_int_equal(got.until, 500);
	for (uint32_t i = 3; i < 6; i++)
		assert_true(has(t, i, &got));
	/* the hand is at k3's slot (until 103): at 150 it has expired */
	e = ent(6, 150, 300);
	assert_int_equal(nm_tab_put(t, &e, 150), 0);
	assert_false(has(t, 3, &got));
	assert_true(has(t, 6, &got));
	nm_tab_free(t);
}

/* A run of puts over three times the table's room: which keys stay, and
 * how many were forgotten, under one hash key. */
static unsigned churn(const uint8_t seed[16], uint8_t kept[3 * 256])
{
	struct nm_tab *t;
	struct nm_ent e, got;
	uint32_t x = 12345;
	unsigned lost = 0;

	assert_int_equal(keyhash_init(seed), 0);
	assert_non_null(t = nm_tab_new(256));
	for (int64_t n = 1; n <= 20000; n++) {
		x = x * 1103515245u + 12345u;	/* the same sequence */
		uint32_t k = (x >> 8) % (3 * 256);

		e = ent(k, n, n + (int64_t)(x >> 20 & 4095));
		lost += (unsigned)nm_tab_put(t, &e, n);
	}
	for (uint32_t k = 0; k < 3 * 256; k++) {
		kept[k] = (uint8_t)has(t, k, &got);
		if (kept[k]) {	/* the index finds the entry of its key */
			assert_int_equal(got.why, (uint8_t)k);
			assert_true(got.t0 >= 1 && got.t0 <= 20000);
		}
	}
	nm_tab_free(t);
	return lost;
}

/* Two hash keys place the entries differently in the index; the same
 * ones stay, and the same number are forgotten.  Every slot is used:
 * 256 keys kept. */
static void key_independent(void **state)
{
	uint8_t ka[3 * 256], kb[3 * 256];
	unsigned la, lb, n = 0;

	(void)state;
	la = churn(seed_a, ka);
	lb = churn(seed_b, kb);
	assert_int_equal(la, lb);
	assert_true(la > 0);
	assert_memory_equal(ka, kb, sizeof(ka));
	for (size_t i = 0; i < sizeof(ka); i++)
		n += ka[i];
	assert_int_equal(n, 256);
}

/* ---- a reader beside the writer ----------------------------------------- */

struct race {
	struct nm_tab *t;
	int stop;
	unsigned found, wrong;	/* (cmocka's asserts are not for threads) */
};

static void *reader(void *arg)
{
	struct race *r = arg;
	struct nm_ent got;

	int last;

	do {	/* a last pass after the writer stopped: 64 are kept */
		last = __atomic_load_n(&r->stop, __ATOMIC_ACQUIRE);
		for (uint32_t k = 0; k < 512; k++)
			if (has(r->t, k, &got)) {
				/* never another key's, never torn */
				r->wrong += got.why != (uint8_t)k ||
					    got.until != got.t0 + k;
				r->found++;
			}
	} while (!last);
	return NULL;
}

static void concurrent_readers(void **state)
{
	struct race r = { .t = nm_tab_new(64) };
	pthread_t th;

	(void)state;
	assert_int_equal(keyhash_init(seed_a), 0);
	assert_non_null(r.t);
	assert_int_equal(pthread_create(&th, NULL, reader, &r), 0);
	for (int64_t n = 1; n <= 200000; n++) {
		uint32_t k = (uint32_t)(n * 7919 % 512);
		struct nm_ent e = ent(k, n, n + k);

		nm_tab_put(r.t, &e, n);
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(r.wrong, 0);
	assert_true(r.found >= 64);
	nm_tab_free(r.t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clock_hand),
		cmocka_unit_test(key_independent),
		cmocka_unit_test(concurrent_readers),
	};

	/* a broken index loops for ever (a probe that finds no empty
	 * position): SIGALRM ends it, and the suite counts the exit */
	alarm(120);
	if (keyhash_init(seed_a) != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
