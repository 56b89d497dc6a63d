/*
 * test_attr_cache.c - the attribution cache (attrib/attr_cache.c): entries
 * found by key, refreshed in place, and a full bucket forgetting the least
 * recently seen socket, counted as an overflow only when that socket was
 * still open.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../attrib/attr_cache.h"
#include "../../lib/keyhash.h"

static struct attr_entry entry(uint32_t i, int64_t seen, int closed)
{
	struct attr_entry e;

	memset(&e, 0, sizeof(e));
	e.key.proto = 6;
	e.key.ipv = 4;
	e.key.laddr[0] = 127, e.key.laddr[3] = 1;
	e.key.lport = (uint16_t)(1000 + i % 60000);
	e.key.rport = (uint16_t)(i / 60000 + 1);
	e.used = 1;
	e.seen_ns = seen;
	e.closed_ns = closed ? seen + 1 : 0;	/* 0 means open */
	e.owner.pid = (int32_t)i;
	return e;
}

/* 64 slots (8 buckets of 8): 1,000 open sockets overflow it; each
 * overflow is one forgotten open socket; what stays is found. */
static void overflow_counted(void **state)
{
	struct attr_cache *c = attr_cache_new(64);
	struct attr_entry e, got;
	unsigned lost = 0, found = 0;

	(void)state;
	assert_non_null(c);
	for (uint32_t i = 0; i < 1000; i++) {
		e = entry(i, i, 0);
		lost += (unsigned)attr_cache_put(c, &e);
	}
	for (uint32_t i = 0; i < 1000; i++) {
		e = entry(i, 0, 0);
		if (attr_cache_get(c, &e.key, &got)) {
			assert_int_equal(got.owner.pid, (int32_t)i);
			found++;
		}
	}
	assert_int_equal(found, attr_cache_each(c, NULL, NULL));
	assert_int_equal(lost + found, 1000);
	assert_true(found <= 64);
	/* refreshing a known socket is no overflow */
	for (uint32_t i = 0; i < 1000; i++) {
		e = entry(i, 2000 + i, 0);
		if (attr_cache_get(c, &e.key, &got))
			assert_int_equal(attr_cache_put(c, &e), 0);
	}
	attr_cache_free(c);
}

/* Closed sockets make room without counting: they are history. */
static void closed_ones_are_not_overflow(void **state)
{
	struct attr_cache *c = attr_cache_new(64);
	struct attr_entry e;
	unsigned lost = 0;

	(void)state;
	for (uint32_t i = 0; i < 1000; i++) {
		e = entry(i, i, 1);
		lost += (unsigned)attr_cache_put(c, &e);
	}
	assert_int_equal(lost, 0);
	attr_cache_free(c);
}

static void find_each(void *arg, const struct attr_entry *e)
{
	struct attr_entry got;

	assert_true(attr_cache_get(arg, &e->key, &got));
	assert_int_equal(got.owner.pid, e->owner.pid);
}

/* Lookups on a port no entry has are answered from a count per port;
 * entries that share a port stay found as others on it are replaced,
 * refreshed and aged out, and a port whose last entry went is empty. */
static void port_counts(void **state)
{
	struct attr_cache *c = attr_cache_new(64);
	struct attr_entry e, got;

	(void)state;
	assert_non_null(c);
	for (uint32_t i = 0; i < 300; i++) {	/* 5 ports, 60 peers each */
		e = entry(i, i, i % 3 == 0);
		e.key.lport = (uint16_t)(1000 + i % 5);
		e.key.rport = (uint16_t)(2000 + i / 5);
		attr_cache_put(c, &e);
		if (i % 7 == 0)			/* refreshed */
			attr_cache_put(c, &e);
	}
	assert_true(attr_cache_each(c, find_each, c) > 0);
	e.key.lport = 999;
	assert_false(attr_cache_get(c, &e.key, &got));
	/* closed at their seen time + 1, kept 10: aged out by 1000 */
	attr_cache_age(c, 0, 1000, 10, -1, 0);
	attr_cache_each(c, find_each, c);
	for (uint32_t i = 0; i < 300; i += 3) {
		e = entry(i, i, 1);
		e.key.lport = (uint16_t)(1000 + i % 5);
		e.key.rport = (uint16_t)(2000 + i / 5);
		assert_false(attr_cache_get(c, &e.key, &got));
	}
	attr_cache_free(c);
}

static int setup(void **state)
{
	static const uint8_t seed[16] = { 9 };

	(void)state;
	return keyhash_init(seed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(overflow_counted),
		cmocka_unit_test(closed_ones_are_not_overflow),
		cmocka_unit_test(port_counts),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
