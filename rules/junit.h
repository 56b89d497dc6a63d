/*
 * junit.h - verdicts as JUnit XML (the format Jenkins, GitLab and GitHub
 * test reporting read), written with libxml2's xmlwriter: one
 * <testsuite> named after the rules file, one <testcase> per check, a
 * <failure> with the check's detail for each that failed.
 */
#ifndef PORTTOP_JUNIT_H
#define PORTTOP_JUNIT_H

#include <stdio.h>

#include "check.h"

/* junit_write: the verdicts v[0 .. rs->n - 1] of rs to f (opened by the
 * caller: cap_out_open), which is closed.  Text that is not valid UTF-8
 * or holds control characters (a process name can) is written with '?'
 * for those bytes.  0, or -1 when writing failed. */
int junit_write(FILE *f, const struct rules *rs, const struct verdict *v);

#endif
