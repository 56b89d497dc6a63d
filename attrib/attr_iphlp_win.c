/*
 * attr_iphlp_win.c - the Windows attribution back end: IP Helper's
 * tables (GetExtendedTcpTable, TCP_TABLE_OWNER_PID_ALL, and
 * GetExtendedUdpTable, UDP_TABLE_OWNER_PID; AF_INET and AF_INET6), walked
 * by attr_iphlp.c, dumped at start and every second as sock_diag is on
 * Linux.  Windows has no exact lookup: a new flow's lookup dumps again,
 * at most every 50 ms.  Each row's process is named by attr_owner.h:
 * its image's file name (svchost.exe: its services, listed again at
 * each dump) and its token's user as a uid.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>

#include "../lib/clock.h"
#include "attr_iphlp.h"
#include "attr_owner.h"
#include "attr_sock.h"

#define LOOKUP_EVERY_NS (50 * NS_PER_MS)

struct iphlp {
	uint8_t *buf;
	size_t cap;
	int64_t last_dump, last_services;
	struct attr_owners *owners;
	attr_sock_fn fn;	/* the caller's, during a dump */
	void *arg;
};

static unsigned long get_table(void *buf, unsigned long *len,
			       enum iphlp_kind k)
{
	ULONG af = k == IPHLP_TCP6 || k == IPHLP_UDP6 ? AF_INET6 : AF_INET;
	DWORD size = (DWORD)*len, rc;

	if (k == IPHLP_TCP4 || k == IPHLP_TCP6)
		rc = GetExtendedTcpTable(buf, &size, FALSE, af,
					 TCP_TABLE_OWNER_PID_ALL, 0);
	else
		rc = GetExtendedUdpTable(buf, &size, FALSE, af,
					 UDP_TABLE_OWNER_PID, 0);
	*len = size;
	return rc == ERROR_INSUFFICIENT_BUFFER ? IPHLP_MORE : rc;
}

/* Each row: its process's name and user, then the caller's callback. */
static void named(void *arg, const struct attr_sock *s)
{
	struct iphlp *st = arg;
	struct attr_sock n = *s;

	if (n.pid > 0)
		attr_owner(st->owners, n.pid, n.comm, &n.uid);
	st->fn(st->arg, &n);
}

static int ip_dump(void *state, attr_sock_fn fn, void *arg)
{
	struct iphlp *st = state;
	unsigned long err;
	int rc = 0;

	st->fn = fn;
	st->arg = arg;
	if (mono_ns() - st->last_services >= NS_PER_S) {
		attr_owners_refresh(st->owners);	/* at most each second */
		st->last_services = mono_ns();
	}
	for (int k = 0; k < IPHLP_KINDS; k++) {
		long len = iphlp_fetch(get_table, (enum iphlp_kind)k, &st->buf,
				       &st->cap, &err);

		if (len < 0 || iphlp_walk((enum iphlp_kind)k, st->buf,
					  (size_t)len, named, st) < 0)
			rc = -EIO;
	}
	st->last_dump = mono_ns();
	return rc;
}

static int ip_lookup(void *state, const struct attr_sock *want,
		     attr_sock_fn fn, void *arg)
{
	struct iphlp *st = state;

	(void)want;
	if (mono_ns() - st->last_dump < LOOKUP_EVERY_NS)
		return -ENOENT;
	ip_dump(st, fn, arg);
	return -ENOENT;		/* the cache has what the tables had */
}

static void ip_close(void *state)
{
	struct iphlp *st = state;

	if (!st)
		return;
	attr_owners_free(st->owners);
	free(st->buf);
	free(st);
}

static int ip_open(void **state, char *err, size_t errlen)
{
	struct iphlp *st = calloc(1, sizeof(*st));
	unsigned long e;

	*state = NULL;
	if (!st || !(st->owners = attr_owners_new())) {
		free(st);
		snprintf(err, errlen, "iphlp: out of memory");
		return -ENOMEM;
	}
	if (iphlp_fetch(get_table, IPHLP_TCP4, &st->buf, &st->cap, &e) < 0) {
		snprintf(err, errlen, "iphlp: GetExtendedTcpTable failed "
			 "(error %lu)", e);
		ip_close(st);
		return -EIO;
	}
	*state = st;
	return 0;
}

const struct attr_backend attr_backend_iphlp = {
	.name = "iphlp",
	.open = ip_open,
	.dump = ip_dump,
	.lookup = ip_lookup,
	.close = ip_close,
};
