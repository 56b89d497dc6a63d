/*
 * fuzz_rules.c - libFuzzer target: a rules file of `porttop check` (rules/
 * rules_*.c over libyaml: the document, each check's keys, expressions,
 * bounds with units, PROTO/PORT, aggregates) and, when it loads, every
 * check judged (rules/check.c, check_agg.c: selections, aggregates, the
 * offending rows through the row writer) on rows of every shape
 * (tests/unit/sample_rows.h).  A refused file must say where in one line:
 * "fuzz.yaml:LINE:COL: message".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../rules/check.h"
#include "../unit/sample_rows.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Sample rows of every kind, in a check_rows. */
static void sample(struct check_rows *cr)
{
	static const void *rows[3][3];

	sample_rows(rows, cr->n);
	for (int k = 0; k < 3; k++)
		cr->rows[k] = rows[k];
	/* services rows are port rows (report/ports.h), as test_rules.c
	 * gives them: every kind of check_rows set, none left undefined */
	cr->rows[REP_SERVICES] = rows[REP_PORTS];
	cr->n[REP_SERVICES] = cr->n[REP_PORTS];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[RULES_ERR_MAX];
	struct check_rows cr;
	struct rules *rs;

	if (size > 65536)
		return 0;
	rs = rules_from_text("fuzz.yaml", data, size, err, sizeof(err));
	if (!rs) {
		if (strncmp(err, "fuzz.yaml:", 10) || strchr(err, '\n'))
			abort();	/* no place, or not one line */
		return 0;
	}
	sample(&cr);
	for (int i = 0; i < rs->n; i++) {
		struct verdict v;

		if (check_eval(&rs->r[i], &cr, &v) < 0)
			continue;
		if (!v.ok && (!v.detail || !v.detail[0]))
			abort();	/* a failure must say why */
		free(v.detail);
	}
	rules_free(rs);
	return 0;
}
