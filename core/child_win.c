/* child_win.c - see child.h: `porttop run` needs Linux's cgroups and
 * network namespaces; on Windows it says so. */
#include <stdio.h>

#include "child.h"

#define NOT_HERE "porttop run is Linux-only (it needs cgroup v2 and " \
		 "network namespaces)"

int child_netns(char *err, size_t errlen)
{
	snprintf(err, errlen, NOT_HERE);
	return -1;
}

int child_spawn(struct child **out, char *const argv[], int cgroup,
		const char *user, uint64_t *cgid, char *err, size_t errlen)
{
	(void)argv, (void)cgroup, (void)user;
	*out = NULL;
	*cgid = 0;
	snprintf(err, errlen, NOT_HERE);
	return -1;
}

int child_release(struct child *c, char *err, size_t errlen)
{
	(void)c, (void)err, (void)errlen;
	return 126;
}

int child_watch(struct child *c, struct engine *e, int64_t drain_ns)
{
	(void)c, (void)e, (void)drain_ns;
	return -1;
}

int child_end(struct child *c)
{
	(void)c;
	return 126;
}
