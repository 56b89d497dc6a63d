/*
 * test_fmt_cols.c - the view's columns (ui/fmt_cols.c) and names
 * (ui/fmt_names.c): at 80 columns the flows view keeps its endpoints,
 * state, process and rates and fits; a wide screen shows every column
 * and cuts no process name; a long IPv6 endpoint is cut in the middle
 * with its port kept; the sort key's column is found; B/s and bit/s in
 * the titles; IANA names of protocols and ICMP messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../ui/fmt.h"

/* A flow row with these ends and this owner. */
static struct model_flow flow(const char *o, const char *r, int v6,
			      const char *comm)
{
	struct model_flow f;

	memset(&f, 0, sizeof(f));
	f.v.key.proto = 6;
	f.v.key.flags = v6 ? FT_K_V6 : 0;
	snprintf(f.e.orig_h, sizeof(f.e.orig_h), "%s", o);
	snprintf(f.e.resp_h, sizeof(f.e.resp_h), "%s", r);
	f.e.orig_p = 40000;
	f.e.resp_p = 443;
	f.end[0].pid = comm ? 1234 : -1;
	f.end[1].pid = -1;
	if (comm)
		snprintf(f.end[0].comm, sizeof(f.end[0].comm), "%s", comm);
	return f;
}

static int has_title(const char *line, const char *t)
{
	char b[1024], *save = NULL;

	snprintf(b, sizeof(b), "%s", line);
	for (char *w = strtok_r(b, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (!strcmp(w, t))
			return 1;
	return 0;
}

/* The one row f on a screen `width` wide: its columns, titles and text. */
static void lay_out(const struct model_flow *f, int width,
		    struct fmt_cols *c, char t[1024], char row[1024])
{
	struct fmt_fit fit = { { 0, 0 }, 0 };

	fmt_fit_row(MV_FLOWS, f, &fit);
	fmt_layout(MV_FLOWS, width, &fit, c);
	fmt_titles(c, t, 1024);
	fmt_row(c, f, 0, row, 1024);
}

static void narrow_keeps_the_essentials(void **state)
{
	struct model_flow f = flow("192.168.100.200", "10.0.0.1", 0,
				   "firefox-esr");
	struct fmt_cols c;
	char t[1024], row[1024];
	int x, w;

	(void)state;
	lay_out(&f, 80, &c, t, row);
	assert_true(strlen(t) <= 80 && strlen(row) <= 80);
	for (const char *k = "ORIG RESP STATE PROCESS B/s> B/s<"; *k;) {
		char one[16];
		size_t n = strcspn(k, " ");

		snprintf(one, sizeof(one), "%.*s", (int)n, k);
		assert_true(has_title(t, one));
		k += n + (k[n] == ' ');
	}
	assert_false(has_title(t, "PKTS"));	/* the first to go */
	assert_false(fmt_col_span(&c, MS_PKTS, &x, &w));
	assert_true(fmt_col_span(&c, MS_RATE, &x, &w));
	assert_non_null(strstr(row, " firefox-esr:1234 "));
}

static void wide_shows_all(void **state)
{
	struct model_flow f = flow("10.0.0.2", "10.0.0.1", 0,
				   "a-fifteen-chars");
	struct fmt_cols c;
	char t[1024], row[1024];

	(void)state;
	lay_out(&f, 200, &c, t, row);
	assert_int_equal(c.n, 13);
	assert_true(has_title(t, "PKTS") && has_title(t, "40s"));
	assert_non_null(strstr(row, "a-fifteen-chars:1234"));
	fmt_set_bits(1);
	fmt_titles(&c, t, sizeof(t));
	fmt_set_bits(0);
	assert_true(has_title(t, "bit/s>") && has_title(t, "bit/s<"));
}

static void long_endpoint_cut_in_the_middle(void **state)
{
	struct model_flow f = flow("2001:db8:aaaa:bbbb:cccc:dddd:eeee:1",
				   "2001:db8::2", 1, "curl");
	struct fmt_cols c;
	char t[1024], row[1024];

	(void)state;
	lay_out(&f, 80, &c, t, row);
	assert_true(strlen(row) <= 80);
	assert_non_null(strstr(row, "~"));
	assert_non_null(strstr(row, ":1]:40000"));	/* the port stays */
	assert_non_null(strstr(row, " curl:1234 "));	/* IPv6 gives way */
}

static void names(void **state)
{
	char b[96];

	(void)state;
	assert_string_equal(fmt_proto(47, b, sizeof(b)), "gre");
	assert_string_equal(fmt_proto(89, b, sizeof(b)), "ospf");
	assert_string_equal(fmt_proto(253, b, sizeof(b)), "253");
	assert_string_equal(fmt_icmp(1, 3, 3, 0, b, sizeof(b)),
			    "dest unreachable/port unreachable");
	assert_string_equal(fmt_icmp(1, 8, 0, 1, b, sizeof(b)), "echo-req");
	assert_string_equal(fmt_icmp(58, 1, 4, 1, b, sizeof(b)),
			    "unreach/port");
	assert_string_equal(fmt_icmp(58, 135, 0, 0, b, sizeof(b)),
			    "neighbor solicitation");
	assert_string_equal(fmt_icmp(1, 99, 1, 0, b, sizeof(b)),
			    "type 99 code 1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(narrow_keeps_the_essentials),
		cmocka_unit_test(wide_shows_all),
		cmocka_unit_test(long_endpoint_cut_in_the_middle),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
