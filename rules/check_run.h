/*
 * check_run.h - the check mode (`porttop check RULES`, or --check RULES):
 * the reports the rules read are filled from the engine like the report
 * mode's (report/report.h), then every rule is judged (check.h) and the
 * verdicts written as TAP on stdout and, if asked, JUnit XML.
 */
#ifndef PORTTOP_CHECK_RUN_H
#define PORTTOP_CHECK_RUN_H

#include "../core/engine.h"
#include "rules.h"

struct check_run_opts {
	const struct rules *rules;
	const char *junit;	/* --junit FILE; NULL: none */
	int quiet;		/* -q: no progress line */
};

/* check_run: add the checker to e (opened, not started), run it to the
 * end of its input, write "1..N", "ok I - NAME" or "not ok I - NAME"
 * with "# " lines saying why (what was found and the first offending
 * rows in the text report's columns), then the summary on stderr.
 * Returns the exit status: 0 every check passed, 1 one failed, 2 the
 * input could not be read to its end, the JUnit file could not be
 * written or memory was short. */
int check_run(struct engine *e, const struct check_run_opts *o);

#endif
