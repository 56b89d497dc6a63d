/*
 * test_dump_hold.c - run -w's delay line (core/dump_hold.h): entries come
 * out in the order they went in, each due DUMP_HOLD_NS after it was
 * pushed; the line refuses an entry when its slots or its bytes are
 * used up, and takes one again once the oldest is popped; a note's
 * comments are freed with it (LeakSanitizer in make check).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../core/dump_hold.h"

static void order_and_due(void **state)
{
	struct dump_hold *h = dump_hold_new();
	struct hold_entry *e;

	(void)state;
	assert_non_null(h);
	assert_null(dump_hold_oldest(h));
	for (int i = 0; i < 3; i++) {
		assert_non_null(e = dump_hold_push(h, 4, 1000 * i));
		memset(e->data, 'a' + i, 4);
		e->pk.ts_ns = i;
	}
	assert_non_null(e = dump_hold_push(h, 0, 5000));	/* a note */
	assert_non_null(e->comment[0] = strdup("porttop flow: ..."));
	e->ncomment = 1;
	for (int i = 0; i < 3; i++) {
		assert_non_null(e = dump_hold_oldest(h));
		assert_int_equal(e->pk.ts_ns, i);
		assert_int_equal(e->pk.caplen, 4);
		assert_true(e->pk.data == e->data && e->data[3] == 'a' + i);
		assert_true(e->due == 1000 * i + DUMP_HOLD_NS);
		dump_hold_pop(h);
	}
	assert_int_equal(dump_hold_oldest(h)->ncomment, 1);
	dump_hold_free(h);	/* the note's comment with it */
}

static void bounded(void **state)
{
	struct dump_hold *h = dump_hold_new();
	uint32_t big = DUMP_HOLD_BYTES / 4;

	(void)state;
	for (int i = 0; i < DUMP_HOLD_SLOTS; i++)
		assert_non_null(dump_hold_push(h, 1, 0));
	assert_null(dump_hold_push(h, 1, 0));	/* slots used up */
	dump_hold_pop(h);
	assert_non_null(dump_hold_push(h, 1, 0));
	while (dump_hold_oldest(h))
		dump_hold_pop(h);
	for (int i = 0; i < 4; i++)
		assert_non_null(dump_hold_push(h, big, 0));
	assert_null(dump_hold_push(h, 1, 0));	/* bytes used up */
	dump_hold_pop(h);
	assert_non_null(dump_hold_push(h, big, 0));
	dump_hold_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(order_and_due),
		cmocka_unit_test(bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
