/*
 * fuzz_dfilter.c - libFuzzer target: a display-filter expression (-Y, and
 * later the view's / and the rules' expressions) compiled for each report
 * kind (report/row_filter.c over filters/dfilter_*.c: tokens, values with
 * units, addresses and networks, the grammar, the depth cap) and, when it
 * compiles, matched against rows of every shape (tests/unit/
 * sample_rows.h).  A refused expression must say where (a column within
 * the text, or 0 for memory) in one line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../report/row_filter.h"
#include "../unit/sample_rows.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The rows of kind k into rows[3]; how many. */
static int rows_of(enum rep_kind k, const void **rows)
{
	static struct flow_rec f[3];
	static struct port_row p[2];
	static struct rep_proc pr[2];
	static int made;

	if (!made) {
		f[0] = flow(0);
		f[1] = flow(1);
		f[2] = icmp();
		p[0] = port(0);
		p[1] = port(1);
		pr[0] = proc(1);
		pr[1] = proc(0);
		made = 1;
	}
	const void *all[][3] = {
		[REP_FLOWS] = { &f[0], &f[1], &f[2] },
		[REP_PORTS] = { &p[0], &p[1], NULL },
		[REP_PROCS] = { &pr[0], &pr[1], NULL },
	};
	memcpy(rows, all[k], sizeof(all[k]));
	return k == REP_FLOWS ? 3 : 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size > 2 * DF_MAX_TEXT)
		return 0;
	if (!(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';	/* a NUL inside ends the expression early */
	for (int k = REP_FLOWS; k <= REP_PROCS; k++) {
		struct df_error err;
		struct rep_filter *f = rep_filter_compile((enum rep_kind)k, text,
							  &err);
		const void *rows[3];
		int n = rows_of((enum rep_kind)k, rows);

		if (!f) {
			if (err.col < 0 || err.col > (int)strlen(text) + 1 ||
			    !err.msg[0] || strchr(err.msg, '\n'))
				abort();	/* no column, or not one line */
			continue;
		}
		for (int i = 0; i < n; i++)
			if (rep_filter_match(f, rows[i]) > 1)
				abort();
		rep_filter_free(f);
	}
	free(text);
	return 0;
}
