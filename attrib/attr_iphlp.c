/* attr_iphlp.c - see attr_iphlp.h.  Bytes only, no Windows header. */
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
