/* view.c - the interactive view (placeholder while it is being written). */
#include <stdio.h>

#include "run.h"

int run_view(const struct run_opts *o, struct cap *cap)
{
	(void)o;
	cap_close(cap);
	fprintf(stderr, "porttop: the interactive view is not built yet; use "
		"--batch or --report\n");
	return EXIT_USAGE;
}
