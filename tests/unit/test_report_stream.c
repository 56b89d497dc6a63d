/*
 * test_report_stream.c - the streamed flows report (report/report.c,
 * report_stream): through its reorder window it writes the bytes of the
 * kept-and-sorted report whenever no flow is outlived by window / 2
 * flows that started after it; a flow that is comes late, is counted,
 * and no row is lost or doubled; window 0 writes flows as they end; text
 * widths come from the rows held when the first row goes out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../report/report.h"

#define NFLOWS 2000

/* Flow number i: starts at second i (so the report's order is i's), on
 * its own port; ids as the table gives them. */
static struct flow_rec flow(int i)
{
	struct flow_rec f;

	memset(&f, 0, sizeof(f));
	f.end[0].pid = f.end[1].pid = -1;
	f.end[0].why = f.end[1].why = ATTR_REMOTE;
	f.v.key.proto = 17;
	f.v.key.flags = FT_K_PORTS;
	f.v.key.vlan = DEC_NO_VLAN;
	f.v.key.a[0] = 10;
	f.v.key.b[0] = 192;
	f.v.key.b[3] = (uint8_t)(i % 7);	/* text: RESP widths vary */
	f.v.key.pa = (uint16_t)(1000 + i);
	f.v.key.pb = 53;
	f.v.orig_is_a = 1;
	f.v.id = (uint64_t)i + 1;
	f.v.first_ns = 1700000000000000000LL + (int64_t)i * 1000000000LL;
	f.v.last_ns = f.v.first_ns + 1000;
	f.v.dir[FT_ORIG].pkts = 1;
	return f;
}

/* The report of the flows order[0..n) (the order they end in), in fmt:
 * streamed through window (or kept and sorted when window is -1), in a
 * string the caller frees; *late: the rows it wrote late. */
static char *report_of(const int *order, int n, enum rep_fmt fmt,
		       long window, uint64_t *late)
{
	struct report *r = report_new(REP_FLOWS, fmt, NULL);
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(r);
	assert_non_null(out);
	if (window >= 0)
		assert_int_equal(report_stream(r, out, (uint32_t)window), 0);
	for (int i = 0; i < n; i++) {
		struct flow_rec f = flow(order[i]);

		report_add(r, &f);
	}
	assert_int_equal(report_flows(r), n);
	assert_int_equal(report_write(r, out), 0);
	*late = report_late(r);
	report_free(r);
	fclose(out);
	return text;
}

/* The lines of s sorted, for comparing what was written whatever the
 * order (s is changed). */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void same_rows(char *a, char *b)
{
	static char *la[NFLOWS + 1], *lb[NFLOWS + 1];
	int na = 0, nb = 0;

	for (char *t = strtok(a, "\n"); t; t = strtok(NULL, "\n"))
		la[na++] = t;
	for (char *t = strtok(b, "\n"); t; t = strtok(NULL, "\n"))
		lb[nb++] = t;
	assert_int_equal(na, nb);
	qsort(la, (size_t)na, sizeof(*la), cmp_str);
	qsort(lb, (size_t)nb, sizeof(*lb), cmp_str);
	for (int i = 0; i < na; i++)
		assert_string_equal(la[i], lb[i]);
}

/* Ends shuffled within blocks of `block` flows: each flow is outlived by
 * fewer than `block` flows that started after it. */
static void shuffled(int *order, int n, int block, unsigned seed)
{
	for (int i = 0; i < n; i++)
		order[i] = i;
	srand(seed);
	for (int b = 0; b < n; b += block)
		for (int i = b; i < n && i < b + block; i++) {
			int lim = (n < b + block ? n : b + block) - i;
			int j = i + rand() % lim, t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
}

static void in_window_is_the_sorted_report(void **state)
{
	static int order[NFLOWS];
	static const enum rep_fmt fmts[] = { REP_JSON, REP_CSV, REP_TEXT };
	uint64_t late;

	(void)state;
	for (size_t k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++)
		for (unsigned seed = 1; seed <= 5; seed++) {
			/* blocks of 32: outlived by at most 31 < 64 / 2 */
			shuffled(order, NFLOWS, 32, seed);
			char *want = report_of(order, NFLOWS, fmts[k], -1, &late);
			char *got = report_of(order, NFLOWS, fmts[k], 64, &late);

			assert_int_equal(late, 0);
			assert_string_equal(got, want);
			free(want);
			free(got);
		}
}

static void outlived_comes_late(void **state)
{
	static int order[NFLOWS];
	uint64_t late;
	char *want, *got;

	(void)state;
	/* flow 0 ends last: 1999 flows that started after it ended first */
	for (int i = 0; i < NFLOWS; i++)
		order[i] = (i + 1) % NFLOWS;
	want = report_of(order, NFLOWS, REP_CSV, -1, &late);
	got = report_of(order, NFLOWS, REP_CSV, 64, &late);
	assert_int_equal(late, 1);
	assert_string_not_equal(got, want);
	/* it is written after the rows that went out before it came */
	assert_non_null(strstr(got, ",1000,"));	/* orig_p of flow 0 */
	assert_true(strstr(got, ",1000,") > strstr(got, ",1001,"));
	same_rows(want, got);
	free(want);
	free(got);
	/* the whole input within the window: still the sorted report */
	want = report_of(order, 40, REP_CSV, -1, &late);
	got = report_of(order, 40, REP_CSV, 128, &late);
	assert_int_equal(late, 0);
	assert_string_equal(got, want);
	free(want);
	free(got);
}

static void window_0_is_end_order(void **state)
{
	static int order[NFLOWS];
	uint64_t late;
	char *got, *line;

	(void)state;
	shuffled(order, NFLOWS, 500, 7);
	got = report_of(order, NFLOWS, REP_CSV, 0, &late);
	assert_int_equal(late, 0);
	line = strtok(got, "\n");	/* the header */
	for (int i = 0; i < NFLOWS; i++) {
		char port[16];

		line = strtok(NULL, "\n");
		assert_non_null(line);
		snprintf(port, sizeof(port), ",%d,", 1000 + order[i]);
		assert_non_null(strstr(line, port));
	}
	assert_null(strtok(NULL, "\n"));
	free(got);
	/* and only a flows report streams */
	struct report *r = report_new(REP_PROCS, REP_CSV, NULL);
	assert_non_null(r);
	assert_int_equal(report_stream(r, stdout, 64), -1);
	report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_window_is_the_sorted_report),
		cmocka_unit_test(outlived_comes_late),
		cmocka_unit_test(window_0_is_end_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
