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
	static struct flow_rec f[3];
	static struct port_row p[2];
	static struct rep_proc pr[2];
	static const void *rows[3][3];

	f[0] = flow(0);
	f[1] = flow(1);
	f[2] = icmp();
	p[0] = port(0);
	p[1] = port(1);
	pr[0] = proc(1);
	pr[1] = proc(0);
	for (int i = 0; i < 3; i++)
		rows[REP_FLOWS][i] = &f[i];
	for (int i = 0; i < 2; i++) {
		rows[REP_PORTS][i] = &p[i];
		rows[REP_PROCS][i] = &pr[i];
	}
	for (int k = 0; k < 3; k++) {
		cr->rows[k] = rows[k];
		cr->n[k] = k == REP_FLOWS ? 3 : 2;
	}
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
