/*
 * nm_runtime_win.c - nm_runtime.h on Windows: no container runtime is
 * asked (Docker Desktop and Podman machine run their containers in a
 * Linux VM whose processes IP Helper does not see), so no thread runs and
 * nothing is said.
 */
#include <stddef.h>

#include "nm_runtime.h"

int nm_runtime_start(struct nm_runtime **out, const struct nm_runtime_opts *o)
{
	(void)o;
	*out = NULL;
	return 0;
}

void nm_runtime_stop(struct nm_runtime *r)
{
	(void)r;
}

int nm_runtime_msg(struct nm_runtime *r, char *buf, size_t len)
{
	(void)r;
	(void)buf;
	(void)len;
	return 0;
}
