/*
 * view_none.c - view_run for a build without the interactive view: the
 * Windows build, until ncurses or PDCurses is cross-built for it.  The
 * reports and --batch (the view without curses) work as everywhere.
 */
#include <stdio.h>

#include "../core/status.h"
#include "view.h"

int view_run(struct engine *e, const struct view_opts *o)
{
	(void)e;
	(void)o;
	fprintf(stderr, "porttop: the interactive view is not in this build "
		"(the Windows build has no curses yet): use --batch, or "
		"--report flows|ports|procs\n");
	return EXIT_USAGE;
}
