/*
 * attr_iphlp_win.c - the Windows attribution back end: IP Helper's
 * tables (GetExtendedTcpTable, TCP_TABLE_OWNER_PID_ALL, and
 * GetExtendedUdpTable, UDP_TABLE_OWNER_PID; AF_INET and AF_INET6), walked
 * by attr_iphlp.c, dumped at start and every second as sock_diag is on
 * Linux.  Windows has no exact lookup: a new flow's lookup dumps again,
 * at most every 50 ms.  Process names from QueryFullProcessImageNameW
 * (OpenProcess with PROCESS_QUERY_LIMITED_INFORMATION), the file name
 * without its folder, cut to 15 bytes as Linux's comm is; a process that
 * cannot be opened (another user's, without privileges) is named "?".
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
#include "attr_sock.h"

#define LOOKUP_EVERY_NS (50 * NS_PER_MS)

struct iphlp {
	uint8_t *buf;
	size_t cap;
	int64_t last_dump;
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

/* pid's image file name, UTF-8, at most 15 bytes: 0, or -1 (denied or
 * gone). */
static int proc_name(int32_t pid, char out[16])
{
	HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
			       (DWORD)pid);
	wchar_t path[MAX_PATH];
	DWORD n = MAX_PATH;
	const wchar_t *base;
	int ok;

	if (!h)
		return -1;
	ok = QueryFullProcessImageNameW(h, 0, path, &n);
	CloseHandle(h);
	if (!ok)
		return -1;
	base = wcsrchr(path, L'\\') ? wcsrchr(path, L'\\') + 1 : path;
	n = (DWORD)WideCharToMultiByte(CP_UTF8, 0, base, -1, out, 16, NULL,
				       NULL);
	out[15] = '\0';
	return n ? 0 : -1;
}

/* Each row: its process's name, then the caller's callback. */
static void named(void *arg, const struct attr_sock *s)
{
	struct iphlp *st = arg;
	struct attr_sock n = *s;

	if (n.pid > 0 && proc_name(n.pid, n.comm) < 0)
		snprintf(n.comm, sizeof(n.comm), "?");
	st->fn(st->arg, &n);
}

static int ip_dump(void *state, attr_sock_fn fn, void *arg)
{
	struct iphlp *st = state;
	unsigned long err;
	int rc = 0;

	st->fn = fn;
	st->arg = arg;
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

static int ip_open(void **state, char *err, size_t errlen)
{
	struct iphlp *st = calloc(1, sizeof(*st));
	unsigned long e;

	*state = NULL;
	if (!st) {
		snprintf(err, errlen, "iphlp: out of memory");
		return -ENOMEM;
	}
	if (iphlp_fetch(get_table, IPHLP_TCP4, &st->buf, &st->cap, &e) < 0) {
		snprintf(err, errlen, "iphlp: GetExtendedTcpTable failed "
			 "(error %lu)", e);
		free(st->buf);
		free(st);
		return -EIO;
	}
	*state = st;
	return 0;
}

static void ip_close(void *state)
{
	struct iphlp *st = state;

	if (!st)
		return;
	free(st->buf);
	free(st);
}

const struct attr_backend attr_backend_iphlp = {
	.name = "iphlp",
	.open = ip_open,
	.dump = ip_dump,
	.lookup = ip_lookup,
	.close = ip_close,
};
