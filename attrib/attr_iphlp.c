/* attr_iphlp.c - see attr_iphlp.h.  Bytes only, no Windows header. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "attr_iphlp.h"

static const size_t row_size[IPHLP_KINDS] = { 24, 56, 12, 28 };

size_t iphlp_row_size(enum iphlp_kind k)
{
	return k < IPHLP_KINDS ? row_size[k] : 0;
}

static uint32_t dword(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* A port: network order in the DWORD's first two bytes. */
static uint16_t port(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* One row into s; its offsets by kind (attr_iphlp.h). */
static void row(enum iphlp_kind k, const uint8_t *r, struct attr_sock *s)
{
	uint32_t state = 0, pid;

	memset(s, 0, sizeof(*s));
	s->src = ATTR_SRC_IPHLP;
	s->proto = k == IPHLP_TCP4 || k == IPHLP_TCP6 ? 6 : 17;
	s->ipv = k == IPHLP_TCP6 || k == IPHLP_UDP6 ? 6 : 4;
	switch (k) {
	case IPHLP_TCP4:
		state = dword(r);
		memcpy(s->laddr, r + 4, 4);
		s->lport = port(r + 8);
		memcpy(s->raddr, r + 12, 4);
		s->rport = port(r + 16);
		pid = dword(r + 20);
		break;
	case IPHLP_TCP6:
		memcpy(s->laddr, r, 16);
		s->lport = port(r + 20);
		memcpy(s->raddr, r + 24, 16);
		s->rport = port(r + 44);
		state = dword(r + 48);
		pid = dword(r + 52);
		break;
	case IPHLP_UDP4:
		memcpy(s->laddr, r, 4);
		s->lport = port(r + 4);
		pid = dword(r + 8);
		break;
	default:
		memcpy(s->laddr, r, 16);
		s->lport = port(r + 20);
		pid = dword(r + 24);
		break;
	}
	s->listener = s->proto == 17 || state == IPHLP_TCP_LISTEN;
	if (s->listener)
		memset(s->raddr, 0, 16), s->rport = 0;
	s->closed = state == IPHLP_TCP_DELETE_TCB;
	s->pid = pid ? (int32_t)pid : -1;
	s->uid = (uint32_t)-1;
	attr_sock_unmap(s);
}

int iphlp_walk(enum iphlp_kind k, const uint8_t *buf, size_t len,
	       attr_sock_fn fn, void *arg)
{
	size_t rs = iphlp_row_size(k), fit;
	uint32_t n;
	struct attr_sock s;

	if (!rs || len < 4)
		return -1;
	n = dword(buf);
	fit = (len - 4) / rs;
	for (size_t i = 0; i < n && i < fit; i++) {
		row(k, buf + 4 + i * rs, &s);
		fn(arg, &s);
	}
	return n <= fit ? (int)n : -1;
}

long iphlp_fetch(iphlp_get_fn get, enum iphlp_kind k, uint8_t **buf,
		 size_t *cap, unsigned long *err)
{
	unsigned long len = (unsigned long)*cap;

	*err = IPHLP_MORE;
	for (int tries = 0; tries < 8; tries++) {
		if (*buf && len <= *cap) {
			*err = get(*buf, &len, k);
			if (*err == 0)
				return (long)len;
			if (*err != IPHLP_MORE)
				return -1;
		}
		/* measured (or grew since): room for some more rows */
		size_t want = (size_t)len + 64 * iphlp_row_size(k);
		uint8_t *b = realloc(*buf, want);

		if (!b) {
			*err = 8;
			return -1;
		}
		*buf = b;
		*cap = want;
		len = (unsigned long)want;
	}
	return -1;
}

/* A SID's sub-authority count, or -1 when len bytes cannot hold it. */
static int sid_subs(const uint8_t *sid, size_t len)
{
	if (len < 8 || sid[0] != 1 || sid[1] > 15 || len < 8 + 4u * sid[1])
		return -1;
	return sid[1];
}

/* Whether the SID's authority is NT AUTHORITY (5). */
static int nt_authority(const uint8_t *sid)
{
	static const uint8_t nt[6] = { 0, 0, 0, 0, 0, 5 };

	return memcmp(sid + 2, nt, 6) == 0;
}

uint32_t iphlp_sid_uid(const uint8_t *sid, size_t len,
		       const uint8_t *machine, size_t mlen)
{
	int n = sid_subs(sid, len), m = sid_subs(machine, mlen);
	uint32_t rid;

	if (n < 1 || !nt_authority(sid))
		return (uint32_t)-1;
	rid = dword(sid + 8 + 4 * (n - 1));
	if (n == 1)
		return rid;
	if (dword(sid + 8) != 21)
		return (uint32_t)-1;	/* not a domain account */
	/* this machine's domain: the same authority and sub-authorities
	 * but the RID; each range as wide as Cygwin's */
	if (m == n - 1 && memcmp(sid + 2, machine + 2, 6 + 4u * m) == 0)
		return rid < IPHLP_UID_DOMAIN - IPHLP_UID_LOCAL ?
		       IPHLP_UID_LOCAL + rid : (uint32_t)-1;
	return rid < 0x80000000u - IPHLP_UID_DOMAIN ? IPHLP_UID_DOMAIN + rid :
	       (uint32_t)-1;
}

static int svc_cmp(const void *a, const void *b)
{
	const struct iphlp_svc *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return strcmp(x->name, y->name);
}

void iphlp_svc_sort(struct iphlp_svc *v, size_t n)
{
	if (n)
		qsort(v, n, sizeof(*v), svc_cmp);
}

int iphlp_svc_comm(const struct iphlp_svc *v, size_t n, int32_t pid,
		   char comm[16])
{
	size_t lo = 0, hi = n, more = 0, t, k;
	char tail[8] = "";

	while (lo < hi) {	/* the first of pid's services */
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= n || v[lo].pid != pid)
		return 0;
	while (lo + 1 + more < n && v[lo + 1 + more].pid == pid)
		more++;
	if (more)
		snprintf(tail, sizeof(tail), "+%u",
			 (unsigned)(more < 999 ? more : 999));
	t = strlen(tail);
	k = strnlen(v[lo].name, 15 - t);
	memcpy(comm, v[lo].name, k);
	memcpy(comm + k, tail, t + 1);
	return 1;
}
