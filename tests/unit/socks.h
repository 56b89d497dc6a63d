/*
 * socks.h - real sockets with known tuples for the attribution back ends'
 * tests (test_attr_diag.c, test_attr_procmap.c), and a collector for the
 * sockets a back end reports.  Helpers are static inline so each test
 * program uses only some of them.
 */
#ifndef PORTTOP_TEST_SOCKS_H
#define PORTTOP_TEST_SOCKS_H

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "../../attrib/attr_sock.h"

/* One end: its fd, inode and tuple as attr_sock reports it (IPv4 in the
 * first 4 bytes, ports host order). */
struct end {
	int fd;
	uint64_t ino;
	uint8_t ipv, laddr[16], raddr[16];
	uint16_t lport, rport;
};

static inline uint64_t fd_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? st.st_ino : 0;
}

/* Fill e's tuple from the kernel's view of fd.  A v4-mapped IPv6 address
 * becomes IPv4, as the back ends report it. */
static inline void end_of(struct end *e, int fd)
{
	struct sockaddr_storage a;
	socklen_t len;

	memset(e, 0, sizeof(*e));
	e->fd = fd;
	e->ino = fd_ino(fd);
	for (int side = 0; side < 2; side++) {
		uint8_t *ad = side ? e->raddr : e->laddr;
		uint16_t *port = side ? &e->rport : &e->lport;

		memset(&a, 0, sizeof(a));
		len = sizeof(a);
		if ((side ? getpeername(fd, (void *)&a, &len) :
			    getsockname(fd, (void *)&a, &len)) < 0)
			continue;	/* not connected: zero */
		if (a.ss_family == AF_INET) {
			struct sockaddr_in *s4 = (void *)&a;

			e->ipv = 4;
			memcpy(ad, &s4->sin_addr, 4);
			*port = ntohs(s4->sin_port);
		} else {
			struct sockaddr_in6 *s6 = (void *)&a;

			e->ipv = IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) ||
				 (side && e->ipv == 4) ? 4 : 6;
			memcpy(ad, e->ipv == 4 ? s6->sin6_addr.s6_addr + 12 :
			       s6->sin6_addr.s6_addr, e->ipv == 4 ? 4 : 16);
			*port = ntohs(s6->sin6_port);
		}
	}
}

static inline socklen_t sa_make(struct sockaddr_storage *a, int family,
				const char *addr, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (void *)a;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		inet_pton(AF_INET, addr, &s4->sin_addr);
		return sizeof(*s4);
	}
	struct sockaddr_in6 *s6 = (void *)a;

	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	inet_pton(AF_INET6, addr, &s6->sin6_addr);
	return sizeof(*s6);
}

/* A TCP listener on addr (port 0), a client of family cfam connected to
 * caddr (the listener's address, or its v4-mapped form), the accepted end.
 * 0, or -errno (e.g. -EADDRNOTAVAIL without IPv6). */
static inline int tcp_trio(int family, const char *addr, int cfam,
			   const char *caddr, struct end t[3])
{
	struct sockaddr_storage a;
	socklen_t len = sa_make(&a, family, addr, 0);
	int l = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0), c, s;
	uint16_t port;

	if (l < 0 || bind(l, (void *)&a, len) < 0 || listen(l, 8) < 0) {
		int e = errno;

		if (l >= 0)
			close(l);
		return -e;
	}
	end_of(&t[0], l);
	port = t[0].lport;
	len = sa_make(&a, cfam, caddr, port);
	c = socket(cfam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0 || connect(c, (void *)&a, len) < 0 ||
	    (s = accept4(l, NULL, NULL, SOCK_CLOEXEC)) < 0) {
		int e = errno;

		close(l);
		if (c >= 0)
			close(c);
		return -e;
	}
	end_of(&t[1], c);
	end_of(&t[2], s);
	return 0;
}

/* A UDP socket bound to addr:0, connected to peer:pport unless pport is 0
 * (then unconnected).  0 or -errno. */
static inline int udp_end(int family, const char *addr, const char *peer,
			  uint16_t pport, struct end *e)
{
	struct sockaddr_storage a;
	socklen_t len = sa_make(&a, family, addr, 0);
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (void *)&a, len) < 0)
		goto fail;
	if (pport) {
		len = sa_make(&a, family, peer, pport);
		if (connect(fd, (void *)&a, len) < 0)
			goto fail;
	}
	end_of(e, fd);
	return 0;
fail:;
	int err = errno;

	if (fd >= 0)
		close(fd);
	return -err;
}

/* Close with an RST (SO_LINGER 0): no TIME_WAIT left behind. */
static inline void close_rst(int fd)
{
	struct linger lg = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/* A network namespace of our own with lo up, so dumps hold only the
 * test's sockets.  1 when isolated, 0 when not allowed (not root). */
static inline int isolate(void)
{
	struct ifreq ifr;
	int fd;

	if (unshare(CLONE_NEWNET) < 0)
		return 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return 0;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
		close(fd);
		return 0;
	}
	close(fd);
	return 1;
}

/* Sockets a back end reported. */
#define COLL_MAX 8192
struct coll {
	struct attr_sock s[COLL_MAX];
	size_t n, over;
};

static inline void collect(void *arg, const struct attr_sock *s)
{
	struct coll *c = arg;

	if (c->n < COLL_MAX)
		c->s[c->n++] = *s;
	else
		c->over++;
}

static inline const struct attr_sock *coll_find(const struct coll *c,
						uint64_t ino)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->s[i].inode == ino)
			return &c->s[i];
	return NULL;
}

#endif
