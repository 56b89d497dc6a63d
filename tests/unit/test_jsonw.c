/*
 * test_jsonw.c - the JSON text writer (lib/jsonw.c): exact fixed-point
 * numbers (the digits the CSV report prints), integers at their limits,
 * RFC 8259 escaping, ill-formed UTF-8 as U+FFFD (RFC 3629's table), nested
 * objects, and a buffer that is too small; the number writer
 * (jsonw_digits, jsonw_int, jsonw_fixed) against printf on every power of
 * ten and its neighbours, the limits, and 200,000 pseudo-random values
 * of every magnitude; the short cuts (jsonw_str's one pass, jsonw_member's
 * fixed-width copy, jsonw_uint in place) against the long way, in buffers
 * of every size around the text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
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

/* xorshift64*: the same values on every run */
static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 2685821657736338717ULL;
}

/* v through each writer against printf's text of it. */
static void check_as_printf(uint64_t v)
{
	char want[64], got[64], b[32], *p;
	int64_t sv = (int64_t)v;
	struct jsonw w;

	for (int min = 0; min <= 21; min += (min < 7 ? 1 : 7)) {
		snprintf(want, sizeof(want), "%0*" PRIu64, min, v);
		p = jsonw_digits(v, min, b + sizeof(b));
		snprintf(got, sizeof(got), "%.*s", (int)(b + sizeof(b) - p), p);
		assert_string_equal(got, want);
	}
	snprintf(want, sizeof(want), "%" PRId64, sv);
	jsonw_init(&w, buf, sizeof(buf) - 1);
	jsonw_int(&w, sv);
	assert_string_equal(text(&w), want);
	snprintf(want, sizeof(want), "%" PRIu64, v);
	jsonw_init(&w, buf, sizeof(buf) - 1);
	jsonw_uint(&w, v);
	assert_string_equal(text(&w), want);
	for (int d = 0; d <= 9; d++) {
		uint64_t scale = 1, a = sv < 0 ? 0 - v : v;

		for (int i = 0; i < d; i++)
			scale *= 10;
		if (d)
			snprintf(want, sizeof(want), "%s%" PRIu64 ".%0*" PRIu64,
				 sv < 0 ? "-" : "", a / scale, d, a % scale);
		else
			snprintf(want, sizeof(want), "%" PRId64, sv);
		assert_string_equal(fixed(sv, d), want);
	}
}

static void numbers_as_printf(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL, p = 1;

	(void)state;
	check_as_printf(0);
	check_as_printf(UINT64_MAX);
	check_as_printf((uint64_t)INT64_MAX);
	check_as_printf((uint64_t)INT64_MIN);
	check_as_printf((uint64_t)INT64_MIN + 1);
	for (int i = 0; i < 20; i++, p *= 10) {	/* 10^i and around */
		check_as_printf(p - 1);
		check_as_printf(p);
		check_as_printf(p + 1);
		check_as_printf(0 - p);
	}
	for (int i = 0; i < 200000; i++) {	/* every magnitude */
		uint64_t r = next_rand(&x);

		check_as_printf(r >> (r % 64));
	}
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

/* What f writes into a buffer of cap bytes (guarded by 'Z's past it):
 * the text, or "FULL" when it did not fit; never a byte past cap. */
static const char *into(size_t cap, void (*f)(struct jsonw *, const void *),
			const void *arg, char *out)
{
	char b[160];
	struct jsonw w;

	assert_true(cap + 32 <= sizeof(b));
	memset(b, 'Z', sizeof(b));
	jsonw_init(&w, b, cap);
	f(&w, arg);
	for (size_t i = cap; i < sizeof(b); i++)
		assert_int_equal(b[i], 'Z');
	if (w.full)
		return strcpy(out, "FULL");
	assert_true(w.len <= cap);
	memcpy(out, b, w.len);
	out[w.len] = '\0';
	return out;
}

static void put_str(struct jsonw *w, const void *s)
{
	jsonw_str(w, s);
}

static void put_strn(struct jsonw *w, const void *s)
{
	jsonw_strn(w, s, strlen(s));
}

static void put_member(struct jsonw *w, const void *arg)
{
	const int *how = arg;	/* {comma, null} */
	static const char q[JSONW_MEMBER + 1] = ",\"orig_frag_wire_bytes\":null";

	w->comma = how[0];
	jsonw_member(w, q, 24, how[1]);
}

static void put_key(struct jsonw *w, const void *arg)
{
	const int *how = arg;

	w->comma = how[0];
	jsonw_key(w, "orig_frag_wire_bytes");
	if (how[1])
		jsonw_null(w);
}

static void put_uint(struct jsonw *w, const void *v)
{
	jsonw_uint(w, *(const uint64_t *)v);
}

static void put_uint_printf(struct jsonw *w, const void *v)
{
	char t[24];
	int n = snprintf(t, sizeof(t), "%" PRIu64, *(const uint64_t *)v);

	jsonw_raw(w, t, (size_t)n);
}

static void short_cuts(void **state)
{
	char s[80], a[160], b[160];
	static const uint64_t nums[] = { 0, 7, 10, 99, 12345678901234ull,
					 UINT64_MAX };

	(void)state;
	/* plain strings of 0..79 bytes, and with a byte to escape or a
	 * UTF-8 sequence at each place */
	for (size_t len = 0; len < sizeof(s); len++) {
		for (int k = -1; k < (int)len; k++) {
			memset(s, 'a', len);
			s[len] = '\0';
			if (k >= 0)
				s[k] = "\"\\\n\xc3"[k % 4];
			for (size_t cap = 0; cap <= len + 12 && cap <= 120; cap++)
				assert_string_equal(into(cap, put_str, s, a),
						    into(cap, put_strn, s, b));
		}
	}
	for (int how = 0; how < 4; how++) {
		int h[2] = { how & 1, how >> 1 };

		for (size_t cap = 0; cap <= 40; cap++)
			assert_string_equal(into(cap, put_member, h, a),
					    into(cap, put_key, h, b));
	}
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		for (size_t cap = 0; cap <= 24; cap++)
			assert_string_equal(into(cap, put_uint, &nums[i], a),
					    into(cap, put_uint_printf, &nums[i],
						 b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers),
		cmocka_unit_test(numbers_as_printf),
		cmocka_unit_test(strings),
		cmocka_unit_test(objects),
		cmocka_unit_test(short_cuts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
