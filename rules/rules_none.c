/*
 * rules_none.c - check_run.h, diff.h and rules_load for a build without
 * porttop check and diff: the Windows build, until libyaml, libxml2 and
 * jansson are cross-built for it.  Asking for them is an error that says
 * so (exit 2); nothing else changes.
 */
#include <stdio.h>

#include "../core/status.h"
#include "check_run.h"
#include "diff.h"

#define NOT_BUILT "porttop check and diff are not in this build (the " \
	"Windows build has no libyaml, libxml2 or jansson yet)"

struct rules *rules_load(const char *path, char *err, size_t errlen)
{
	(void)path;
	snprintf(err, errlen, "%s", NOT_BUILT);
	return NULL;
}

void rules_free(struct rules *rs)
{
	(void)rs;
}

int check_run(struct engine *e, const struct check_run_opts *o)
{
	(void)e;
	(void)o;
	fprintf(stderr, "porttop: %s\n", NOT_BUILT);
	return EXIT_USAGE;
}

int diff_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "porttop: %s\n", NOT_BUILT);
	return EXIT_USAGE;
}

int diff_engine(struct engine *e, const char *baseline, const char *label,
		int quiet)
{
	(void)e;
	(void)baseline;
	(void)label;
	(void)quiet;
	fprintf(stderr, "porttop: %s\n", NOT_BUILT);
	return EXIT_USAGE;
}
