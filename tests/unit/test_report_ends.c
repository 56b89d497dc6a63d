/*
 * test_report_ends.c - rep_ends (report/names.c): the addresses of a
 * flow's ends as inet_ntop writes them.  IPv4 has its own formatter (no
 * sprintf per address): every octet's 256 values in every position,
 * against inet_ntop; IPv6 goes through inet_ntop itself.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../report/names.h"

/* a and b as the view of a flow, a the originator when orig_is_a */
static void ends_of(const uint8_t *a, const uint8_t *b, int v6, int orig_is_a,
		    struct rep_ends *e)
{
	struct ft_view v;

	memset(&v, 0, sizeof(v));
	memcpy(v.key.a, a, v6 ? 16 : 4);
	memcpy(v.key.b, b, v6 ? 16 : 4);
	v.key.flags = FT_K_PORTS | (v6 ? FT_K_V6 : 0);
	v.key.pa = 1234;
	v.key.pb = 80;
	v.orig_is_a = orig_is_a;
	rep_ends(&v, e);
}

static void ipv4_as_inet_ntop(void **state)
{
	(void)state;
	for (int pos = 0; pos < 4; pos++)
		for (int val = 0; val < 256; val++) {
			/* the other octets 0, 9, 100 or 255 in turn */
			static const uint8_t fill[] = { 0, 9, 100, 255 };
			uint8_t a[4], b[4] = { 192, 0, 2, (uint8_t)val };
			char want[INET_ADDRSTRLEN];
			struct rep_ends e;

			memset(a, fill[val % 4], sizeof(a));
			a[pos] = (uint8_t)val;
			ends_of(a, b, 0, 1, &e);
			inet_ntop(AF_INET, a, want, sizeof(want));
			assert_string_equal(e.orig_h, want);
			inet_ntop(AF_INET, b, want, sizeof(want));
			assert_string_equal(e.resp_h, want);
			assert_int_equal(e.orig_p, 1234);
			assert_int_equal(e.resp_p, 80);
		}
}

static void ipv6_and_direction(void **state)
{
	uint8_t a[16], b[16];
	struct rep_ends e;

	(void)state;
	inet_pton(AF_INET6, "2001:db8::1", a);
	inet_pton(AF_INET6, "::ffff:192.0.2.1", b);
	ends_of(a, b, 1, 0, &e);	/* b originated */
	assert_string_equal(e.orig_h, "::ffff:192.0.2.1");
	assert_string_equal(e.resp_h, "2001:db8::1");
	assert_int_equal(e.orig_p, 80);
	assert_int_equal(e.resp_p, 1234);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_as_inet_ntop),
		cmocka_unit_test(ipv6_and_direction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
