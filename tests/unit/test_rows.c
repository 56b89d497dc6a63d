/*
 * test_rows.c - the row writer (report/rows.c) on hand-made rows: the
 * text-row API (rep_table_*, rep_text_*) writes what the text report
 * writes; a line wider than the writer's buffer is written whole, and a
 * CSV or text line whose fields cross the buffer's end at every place is
 * the same line; nulls are "-" in text, empty in CSV and null in JSON.
 * The golden tests check whole reports of real captures byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../report/rows.h"

static struct flow_rec flow(int v6, uint16_t port)
{
	struct flow_rec f;

	memset(&f, 0, sizeof(f));
	f.end[0].pid = 4242;
	memcpy(f.end[0].comm, "curl", 5);
	f.end[1].pid = -1;
	f.end[1].why = ATTR_REMOTE;
	f.v.key.proto = 6;
	f.v.key.flags = FT_K_PORTS | (v6 ? FT_K_V6 : 0);
	f.v.key.vlan = DEC_NO_VLAN;
	memset(f.v.key.a, 0x0a, v6 ? 16 : 4);
	memset(f.v.key.b, 0xfd, v6 ? 16 : 4);
	f.v.key.pa = 40000;
	f.v.key.pb = port;
	f.v.orig_is_a = 1;
	f.v.first_ns = 1700000000123456789LL;
	f.v.last_ns = f.v.first_ns + 1500000000LL;
	f.v.dir[FT_ORIG].wire_bytes = 123456;
	f.v.rtt_syn_synack_ns = 2345678;
	f.v.rtt_synack_ack_ns = -1;
	return f;
}

/* What expr wrote to out_, a memory stream, into buf, NUL-terminated; the caller frees. */
#define CAPTURE(buf, expr)						\
	do {								\
		size_t len_;						\
		FILE *out_ = open_memstream(&(buf), &len_);		\
		assert_non_null(out_);					\
		assert_int_equal((expr), 0);				\
		fclose(out_);						\
	} while (0)

static void table_api_is_the_report(void **state)
{
	struct flow_rec f[2] = { flow(0, 80), flow(1, 443) };
	const void *rows[2] = { &f[0], &f[1] };
	struct rep_table t;
	char *report, *api, *p;
	size_t len;
	FILE *out;

	(void)state;
	CAPTURE(report, rep_write(out_, REP_FLOWS, REP_TEXT, rows, 2));
	out = open_memstream(&api, &len);
	rep_table_init(&t, REP_FLOWS);
	rep_table_fit(&t, &f[0]);
	rep_table_fit(&t, &f[1]);
	assert_int_equal(rep_text_header(out, &t), 0);
	assert_int_equal(rep_text_row(out, &t, &f[0]), 0);
	assert_int_equal(rep_text_row(out, &t, &f[1]), 0);
	fclose(out);
	assert_string_equal(api, report);
	/* the row's own way: time, duration, fitted endpoint, owner, ms */
	p = strchr(report, '\n') + 1;
	assert_memory_equal(p, "2023-11-14 22:13:20.123456   1.500000 tcp   "
			    "10.10.10.10:40000   ", 64);
	assert_non_null(strstr(report, " [fdfd:fdfd:fdfd:fdfd:fdfd:fdfd:fdfd:"
				       "fdfd]:443 OTH    -       curl:4242 "));
	assert_non_null(strstr(report, " 121K "));
	assert_non_null(strstr(report, " unknown      2.345     0\n"));
	free(report);
	free(api);
}

static void wide_line_is_whole(void **state)
{
	struct flow_rec f = flow(0, 80);
	struct rep_table t;
	char *line;

	(void)state;
	rep_table_init(&t, REP_FLOWS);
	t.width[3] = -3000;	/* ORIG, left-aligned: past the line buffer */
	CAPTURE(line, rep_text_row(out_, &t, &f));
	assert_true(strlen(line) > 3000);
	assert_memory_equal(strstr(line, "10.10.10.10:40000") + 3000,
			    " 253.253.253.253:80 ", 20);
	assert_int_equal(line[strlen(line) - 1], '\n');
	free(line);
}

/* The n-th comma-separated field of a CSV line, copied into out. */
static const char *csv_field(const char *line, int n, char *out, size_t cap)
{
	size_t len;

	for (; n > 0; n--)
		line = strchr(line, ',') + 1;
	len = strcspn(line, ",\n");
	assert_true(len < cap);
	memcpy(out, line, len);
	out[len] = '\0';
	return out;
}

/* Names of every length from 1 to 1,100 bytes at both ends, so that
 * fields cross the end of the writer's buffer at every place: the CSV
 * row has the names and, in every other field, what it has without
 * them (the name fields' source and miss change with the name); the
 * text row ends in the resp name after the same columns as ever. */
static void long_fields_cross_the_buffer(void **state)
{
	struct flow_rec f = flow(0, 80);
	const void *rows[1] = { &f };
	char *base, *csv, *text, *text1 = NULL, name[1101];
	char a[1200], b[1200];
	int nf = 1;

	(void)state;
	CAPTURE(base, rep_write(out_, REP_FLOWS, REP_CSV, rows, 1));
	for (const char *c = base; *c != '\n'; c++)
		nf += *c == ',';
	for (size_t len = 1; len < sizeof(name); len++) {
		size_t pre;

		memset(name, 'a' + (int)(len % 26), len);
		name[len] = '\0';
		f.name[FT_ORIG].name = f.name[FT_RESP].name = name;
		CAPTURE(csv, rep_write(out_, REP_FLOWS, REP_CSV, rows, 1));
		const char *row = strchr(csv, '\n') + 1;

		assert_int_equal(strlen(row) - 1, strcspn(row, "\n"));
		for (int i = 0; i < nf; i++) {
			char key[64];

			csv_field(csv, i, key, sizeof(key));	/* header */
			csv_field(row, i, a, sizeof(a));
			if (!strcmp(key, "orig_name") ||
			    !strcmp(key, "resp_name"))
				assert_string_equal(a, name);
			else if (strncmp(key, "orig_name_", 10) &&
				 strncmp(key, "resp_name_", 10))
				assert_string_equal(a, csv_field(strchr(base,
							'\n') + 1, i, b,
							sizeof(b)));
		}
		CAPTURE(text, rep_write(out_, REP_FLOWS, REP_TEXT, rows, 1));
		pre = strlen(text) - len - 1;
		assert_string_equal(text + pre, strcat(strcpy(a, name), "\n"));
		if (!text1)
			text1 = strdup(text);	/* its columns before the name */
		else
			assert_memory_equal(text, text1, pre);
		free(csv);
		free(text);
	}
	free(text1);
	free(base);
}

static void nulls_in_each_format(void **state)
{
	struct rep_proc p;
	struct port_row r;
	const void *procs[1] = { &p }, *ports[1] = { &r };
	char *text, *csv, *json;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.who.pid = -1;
	p.who.uid = (uint32_t)-1;
	p.who.why = ATTR_GONE;
	p.flows = 3;
	CAPTURE(text, rep_write(out_, REP_PROCS, REP_TEXT, procs, 1));
	assert_non_null(strstr(text, "\n      - (unattributed)       -      3      0 "));
	CAPTURE(csv, rep_write(out_, REP_PROCS, REP_CSV, procs, 1));
	assert_non_null(strstr(csv, "\n1,,,,,,,gone,3,"));
	/* a listener no flow reached: never seen, nothing to time */
	port_row_init(&r, 6, 22);
	r.listening = 1;
	CAPTURE(json, rep_write(out_, REP_PORTS, REP_JSON, ports, 1));
	assert_non_null(strstr(json, "\"first_ts\":null,\"last_ts\":null,"));
	assert_non_null(strstr(json, "\"listening\":true"));
	assert_non_null(strstr(json, "\"retrans_rate\":null,\"servers_open\":0,"));
	free(text);
	free(csv);
	free(json);
	CAPTURE(text, rep_write(out_, REP_PORTS, REP_TEXT, ports, 1));
	assert_non_null(strstr(text, "         -     0 - (listening)\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_api_is_the_report),
		cmocka_unit_test(wide_line_is_whole),
		cmocka_unit_test(long_fields_cross_the_buffer),
		cmocka_unit_test(nulls_in_each_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
