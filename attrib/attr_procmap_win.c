/*
 * attr_procmap_win.c - the inode map (attr_sock.h) on Windows, where it is
 * empty: IP Helper's rows carry their owner's pid, so no socket is ever
 * looked up by inode.
 */
#include <stdlib.h>

#include "attr_sock.h"

struct attr_procmap {
	int unused;
};

struct attr_procmap *attr_procmap_new(const char *proc_root)
{
	(void)proc_root;
	return calloc(1, sizeof(struct attr_procmap));
}

void attr_procmap_free(struct attr_procmap *m)
{
	free(m);
}

int attr_procmap_scan(struct attr_procmap *m, uint64_t *denied)
{
	(void)m;
	*denied = 0;
	return 0;
}

int attr_procmap_find(const struct attr_procmap *m, uint64_t inode,
		      struct attr_proc *out, int max)
{
	(void)m;
	(void)inode;
	(void)out;
	(void)max;
	return 0;
}
