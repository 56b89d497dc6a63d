/* attr_os_linux.c - see attr_os.h: getifaddrs, /proc, and the Linux back
 * ends: eBPF events, netlink sock_diag, /proc/net. */
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "attr_os.h"

int attr_os_local(struct local_data *n)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa) != 0)
		return -1;
	for (i = ifa; i && n->n < MAX_LOCAL; i = i->ifa_next) {
		struct local_addr *l = &n->a[n->n];

		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			memcpy(l->addr,
			       &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
			l->ipv = 4;
			n->n++;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			memcpy(l->addr,
			       &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr,
			       16);
			l->ipv = 6;
			n->n++;
		}
	}
	freeifaddrs(ifa);
	return 0;
}

uint64_t attr_os_netns(const char *proc_root)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/self/ns/net", proc_root);
	return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

int attr_os_gone(const char *proc_root, int32_t pid)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%d", proc_root, pid);
	return stat(path, &st) != 0 && errno == ENOENT;
}

/* Open one back end; on failure append its reason to msg. */
static int try_open(const struct attr_backend *b, void **state, char *msg,
		    size_t len)
{
	char err[256] = "";
	size_t used = strlen(msg);
	int rc = b->open(state, err, sizeof(err));

	/* on success err may hold a note (a part that could not load) */
	if (*err)
		snprintf(msg + used, len - used, "%s%s", used ? "; " : "", err);
	return rc == 0 ? 0 : -1;
}


int attr_os_open(struct attr *a, enum attr_mode m, char *msg, size_t len)
{
	if ((m == ATTR_AUTO || m == ATTR_MODE_BPF) &&
	    try_open(&attr_backend_bpf, &a->ev_state, msg, len) == 0)
		a->events = &attr_backend_bpf;
	if (m == ATTR_MODE_BPF && !a->events)
		return -1;
	/* a table too: sockets that existed before porttop, and listeners */
	if (m != ATTR_MODE_PROC &&
	    try_open(&attr_backend_diag, &a->tb_state, msg, len) == 0)
		a->table = &attr_backend_diag;
	else if ((m == ATTR_AUTO || m == ATTR_MODE_PROC || a->events) &&
		 try_open(&attr_backend_procnet, &a->tb_state, msg, len) == 0)
		a->table = &attr_backend_procnet;
	if (!a->table && !a->events)
		return -1;
	if (m == ATTR_MODE_DIAG && a->table != &attr_backend_diag)
		return -1;
	return 0;
}
