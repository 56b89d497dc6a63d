/*
 * test_jsonw.c - the JSON text writer (lib/jsonw.c): exact fixed-point
 * numbers (the digits the CSV report prints), integers at their limits,
 * RFC 8259 escaping, ill-formed UTF-8 as U+FFFD (RFC 3629's table), nested
 * objects, and a buffer that is too small.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/jsonw.h"

static char buf[256];

static const char *text(const struct jsonw *w)
{
	assert_false(w->full);
	buf[w->len] = '\0';
	return buf;
}

static const char *fixed(int64_t v, int d)
{
	struct jsonw w;

	jsonw_init(&w, buf, sizeof(buf) - 1);
	jsonw_fixed(&w, v, d);
	return text(&w);
}

static void numbers(void **state)
{
	struct jsonw w;

	(void)state;
	assert_string_equal(fixed(76010, 6), "0.076010");
	assert_string_equal(fixed(0, 6), "0.000000");
	assert_string_equal(fixed(13, 6), "0.000013");
	assert_string_equal(fixed(1795305651523490LL, 6),
			    "1795305651.523490");
	assert_string_equal(fixed(-5, 3), "-0.005");
	assert_string_equal(fixed(625892, 3), "625.892");
	assert_string_equal(fixed(42, 0), "42");
	jsonw_init(&w, buf, sizeof(buf) - 1);
	jsonw_int(&w, INT64_MIN);
	assert_string_equal(text(&w), "-9223372036854775808");
	jsonw_init(&w, buf, sizeof(buf) - 1);
	jsonw_uint(&w, UINT64_MAX);
	assert_string_equal(text(&w), "18446744073709551615");
}

static const char *str(const char *s, size_t n)
{
	struct jsonw w;

	jsonw_init(&w, buf, sizeof(buf) - 1);
	jsonw_strn(&w, s, n);
	return text(&w);
}

static void strings(void **state)
{
	(void)state;
	assert_string_equal(str("curl", 4), "\"curl\"");
	assert_string_equal(str("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	assert_string_equal(str("\n\t\r\b\f\x01\x1f", 7),
			    "\"\\n\\t\\r\\b\\f\\u0001\\u001f\"");
	assert_string_equal(str("a\0b", 3), "\"a\\u0000b\"");
	/* well-formed UTF-8 goes through: é, €, U+10FFFF */
	assert_string_equal(str("\xc3\xa9\xe2\x82\xac\xf4\x8f\xbf\xbf", 9),
			    "\"\xc3\xa9\xe2\x82\xac\xf4\x8f\xbf\xbf\"");
	/* ill-formed: a lone continuation, an overlong '/', a surrogate,
	 * above U+10FFFF, a cut sequence: one U+FFFD per byte that starts
	 * no valid sequence */
	assert_string_equal(str("\x80", 1), "\"\\ufffd\"");
	assert_string_equal(str("\xc0\xaf", 2), "\"\\ufffd\\ufffd\"");
	assert_string_equal(str("\xed\xa0\x80", 3),
			    "\"\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(str("\xf4\x90\x80\x80", 4),
			    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(str("x\xe2\x82", 3), "\"x\\ufffd\\ufffd\"");
}

static void objects(void **state)
{
	struct jsonw w;

	(void)state;
	jsonw_init(&w, buf, sizeof(buf) - 1);
	jsonw_open(&w);
	jsonw_key(&w, "a");
	jsonw_int(&w, 1);
	jsonw_key(&w, "o");
	jsonw_open(&w);
	jsonw_key(&w, "b");
	jsonw_null(&w);
	jsonw_key(&w, "c");
	jsonw_bool(&w, 1);
	jsonw_close(&w);
	jsonw_key(&w, "s");
	jsonw_str(&w, NULL);
	jsonw_close(&w);
	assert_string_equal(text(&w),
			    "{\"a\":1,\"o\":{\"b\":null,\"c\":true},\"s\":null}");
	/* too small: full, and nothing past the buffer */
	char small[8];
	memset(small, 'Z', sizeof(small));
	jsonw_init(&w, small, 6);
	jsonw_str(&w, "abcdefgh");
	assert_true(w.full);
	assert_true(w.len <= 6);
	assert_int_equal(small[6], 'Z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers),
		cmocka_unit_test(strings),
		cmocka_unit_test(objects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
