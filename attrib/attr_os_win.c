/* attr_os_win.c - see attr_os.h: GetAdaptersAddresses, process handles,
 * and the one Windows back end, IP Helper (attr_iphlp_win.c).  --attrib
 * bpf, diag and proc are Linux's and say so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>

#include "attr_os.h"

static void add_addr(struct local_data *n, const SOCKADDR *sa)
{
	struct local_addr *l = &n->a[n->n];

	if (sa->sa_family == AF_INET) {
		memcpy(l->addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		l->ipv = 4;
		n->n++;
	} else if (sa->sa_family == AF_INET6) {
		memcpy(l->addr, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		       16);
		l->ipv = 6;
		n->n++;
	}
}

int attr_os_local(struct local_data *n)
{
	ULONG size = 16384, rc = ERROR_BUFFER_OVERFLOW;
	IP_ADAPTER_ADDRESSES *all = NULL, *a;

	for (int tries = 0; tries < 3 && rc == ERROR_BUFFER_OVERFLOW; tries++) {
		free(all);
		if (!(all = malloc(size)))
			return -1;
		rc = GetAdaptersAddresses(AF_UNSPEC, GAA_FLAG_SKIP_ANYCAST |
					  GAA_FLAG_SKIP_MULTICAST, NULL, all,
					  &size);
	}
	if (rc != ERROR_SUCCESS) {
		free(all);
		return -1;
	}
	for (a = all; a; a = a->Next)
		for (IP_ADAPTER_UNICAST_ADDRESS *u = a->FirstUnicastAddress;
		     u && n->n < MAX_LOCAL; u = u->Next)
			add_addr(n, u->Address.lpSockaddr);
	free(all);
	return 0;
}

uint64_t attr_os_netns(const char *proc_root)
{
	(void)proc_root;
	return 0;
}

int attr_os_gone(const char *proc_root, int32_t pid)
{
	HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
			       (DWORD)pid);
	DWORD code = 0;
	int gone;

	(void)proc_root;
	if (!h)		/* denied is not gone */
		return GetLastError() == ERROR_INVALID_PARAMETER;
	gone = GetExitCodeProcess(h, &code) && code != STILL_ACTIVE;
	CloseHandle(h);
	return gone;
}

int attr_os_open(struct attr *a, enum attr_mode m, char *msg, size_t len)
{
	char err[256] = "";

	if (m != ATTR_AUTO) {
		snprintf(msg, len, "--attrib bpf, diag and proc are Linux-only "
			 "(Windows: auto, IP Helper's tables)");
		return -1;
	}
	if (attr_backend_iphlp.open(&a->tb_state, err, sizeof(err)) != 0) {
		snprintf(msg, len, "%s", err);
		return -1;
	}
	a->table = &attr_backend_iphlp;
	return 0;
}
