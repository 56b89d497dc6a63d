/*
 * ipfix_coll.c - one IPFIX collector (see ipfix_coll.h).
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/parse.h"
#include "ipfix_coll.h"

#define UDP_MSG 1400		/* fits a 1500-byte MTU, IPv6 + UDP included */
#define TCP_MSG 65535
#define FLUSH_NS (500 * NS_PER_MS)	/* a message waits this long at most */
#define REFRESH_NS (600 * NS_PER_S)	/* templates again, over UDP */
#define REFUSED_NS NS_PER_S		/* after a refusal: not trying */
#define RECONNECT_NS NS_PER_S
#define OUT_MAX (1u << 20)		/* TCP: bytes waiting */
#define PEND_MAX 4096			/* TCP: messages waiting */

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define ADD(x, n) __atomic_fetch_add(&(x), (n), __ATOMIC_RELAXED)

enum { C_DOWN, C_CONNECTING, C_UP };

/* A TCP message waiting: where it ends in the stream, its records. */
struct pend {
	uint64_t end;
	uint32_t nrec;
};

struct ipfix_coll {
	char name[160];
	int tcp;
	struct sockaddr_storage sa;
	socklen_t salen;
	int fd, state;
	struct ipfix_fb *fb;
	int64_t now;		/* mono time of the call under way */
	int64_t msg_ns;		/* when the open message got its first record */
	int64_t tmpl_ns;	/* UDP: the next template refresh */
	int64_t retry_ns;	/* UDP: refused until; TCP: the next connect */
	int need_tmpl;
	/* TCP: the stream's bytes waiting, and where its messages end */
	uint8_t *out;
	size_t out_off, out_len;
	uint64_t written;	/* bytes of this stream the kernel took */
	struct pend pend[PEND_MAX];
	unsigned pend_head, pend_n;
	uint64_t sent, lost;	/* atomics: read by any thread */
};

static void on_msg(void *arg, const uint8_t *msg, size_t n, uint32_t nrec);

/* ---- the address ------------------------------------------------------- */

/* A port number 1 to 65535, or a service name (/etc/services). */
static int port_ok(const char *port)
{
	uint64_t v;

	if (*port < '0' || *port > '9')
		return 1;
	return parse_u64(port, &v) == 0 && v >= 1 && v <= 65535;
}

/* "[tcp://|udp://]HOST[:PORT]" into host and port; 0, or -1. */
static int split(const char *dest, int *tcp, char *host, size_t hlen,
		 char *port, size_t plen)
{
	const char *p = dest, *colon;
	size_t n;

	*tcp = 0;
	if (!strncmp(p, "tcp://", 6) || !strncmp(p, "udp://", 6)) {
		*tcp = p[0] == 't';
		p += 6;
	}
	snprintf(port, plen, "%d", IPFIX_PORT);
	if (*p == '[') {	/* [IPv6]:PORT */
		const char *end = strchr(p, ']');

		if (!end || (end[1] && end[1] != ':'))
			return -1;
		n = (size_t)(end - p - 1);
		colon = end[1] ? end + 1 : NULL;
		p++;
	} else {		/* one colon: HOST:PORT; more: a bare IPv6 */
		colon = strchr(p, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;
		n = colon ? (size_t)(colon - p) : strlen(p);
	}
	if (n == 0 || n >= hlen || (colon && (!colon[1] ||
					      strlen(colon + 1) >= plen)))
		return -1;
	memcpy(host, p, n);
	host[n] = '\0';
	if (colon)
		snprintf(port, plen, "%s", colon + 1);
	return port_ok(port) ? 0 : -1;
}

static int resolve(struct ipfix_coll *c, const char *dest, char *err,
		   size_t errlen)
{
	char host[128], port[16];
	struct addrinfo hints = { .ai_family = AF_UNSPEC }, *ai;
	int rc;

	if (split(dest, &c->tcp, host, sizeof(host), port, sizeof(port)) < 0) {
		snprintf(err, errlen, "--ipfix %s: not [tcp://|udp://]HOST:PORT",
			 dest);
		return -1;
	}
	hints.ai_socktype = c->tcp ? SOCK_STREAM : SOCK_DGRAM;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
		snprintf(err, errlen, "--ipfix %s: %s", dest,
			 gai_strerror(rc));
		return -1;
	}
	memcpy(&c->sa, ai->ai_addr, ai->ai_addrlen);
	c->salen = ai->ai_addrlen;
	freeaddrinfo(ai);
	snprintf(c->name, sizeof(c->name), "%s %s%s%s:%s",
		 c->tcp ? "tcp" : "udp", strchr(host, ':') ? "[" : "", host,
		 strchr(host, ':') ? "]" : "", port);
	return 0;
}

struct ipfix_coll *ipfix_coll_new(const char *dest, struct ipfix_fbm *m,
				  const struct ipfix_fb_opts *o, char *err,
				  size_t errlen)
{
	struct ipfix_coll *c = calloc(1, sizeof(*c));
	struct ipfix_fb_opts fo = *o;

	*err = '\0';
	if (!c) {
		snprintf(err, errlen, "ipfix: out of memory");
		return NULL;
	}
	c->fd = -1;
	if (resolve(c, dest, err, errlen) < 0 ||
	    (c->tcp && !(c->out = malloc(OUT_MAX)))) {
		if (!*err)
			snprintf(err, errlen, "ipfix: out of memory");
		ipfix_coll_free(c);
		return NULL;
	}
	fo.msg_max = c->tcp ? TCP_MSG : UDP_MSG;
	if (!(c->fb = ipfix_fb_new(m, &fo, on_msg, c, err, errlen))) {
		ipfix_coll_free(c);
		return NULL;
	}
	c->need_tmpl = 1;
	return c;
}

void ipfix_coll_free(struct ipfix_coll *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	ipfix_fb_free(c->fb);
	free(c->out);
	free(c);
}

const char *ipfix_coll_name(const struct ipfix_coll *c)
{
	return c->name;
}

void ipfix_coll_stats(const struct ipfix_coll *c, uint64_t *sent,
		      uint64_t *lost)
{
	*sent = LOAD(c->sent);
	*lost = LOAD(c->lost);
}

/* ---- TCP: the stream ------------------------------------------------------ */

/* The connection is gone: what waited in it is lost. */
static void tcp_down(struct ipfix_coll *c, int64_t now)
{
	for (unsigned i = 0; i < c->pend_n; i++)
		ADD(c->lost, c->pend[(c->pend_head + i) % PEND_MAX].nrec);
	c->pend_n = 0;
	c->out_off = c->out_len = 0;
	c->written = 0;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = C_DOWN;
	c->retry_ns = now + RECONNECT_NS;
}

/* Write what the kernel takes now; count the messages it completed. */
static void tcp_write(struct ipfix_coll *c, int64_t now)
{
	while (c->state == C_UP && c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off,
				 c->out_len - c->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w <= 0) {
			tcp_down(c, now);
			return;
		}
		c->out_off += (size_t)w;
		c->written += (uint64_t)w;
	}
	while (c->pend_n && c->pend[c->pend_head].end <= c->written) {
		ADD(c->sent, c->pend[c->pend_head].nrec);
		c->pend_head = (c->pend_head + 1) % PEND_MAX;
		c->pend_n--;
	}
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
}

/* A message into the stream's buffer (or lost when it has no room). */
static void tcp_queue(struct ipfix_coll *c, const uint8_t *msg, size_t n,
		      uint32_t nrec, int64_t now)
{
	if (c->state == C_DOWN || c->pend_n == PEND_MAX) {
		ADD(c->lost, nrec);
		return;
	}
	if (c->out_len + n > OUT_MAX && c->out_off) {	/* compact */
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	if (c->out_len + n > OUT_MAX) {
		ADD(c->lost, nrec);
		return;
	}
	memcpy(c->out + c->out_len, msg, n);
	c->out_len += n;
	c->pend[(c->pend_head + c->pend_n++) % PEND_MAX] = (struct pend){
		c->written + (c->out_len - c->out_off), nrec };
	tcp_write(c, now);
}

/* ---- messages --------------------------------------------------------- */

static void udp_send(struct ipfix_coll *c, const uint8_t *msg, size_t n,
		     uint32_t nrec, int64_t now)
{
	if (c->fd < 0 || now < c->retry_ns) {
		ADD(c->lost, nrec);
		return;
	}
	if (send(c->fd, msg, n, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)n) {
		ADD(c->sent, nrec);
		return;
	}
	ADD(c->lost, nrec);
	if (errno == ECONNREFUSED) {	/* nothing listens there */
		c->retry_ns = now + REFUSED_NS;
		c->need_tmpl = 1;
	}
}

/* ipfix_fb's messages, as each is finished. */
static void on_msg(void *arg, const uint8_t *msg, size_t n, uint32_t nrec)
{
	struct ipfix_coll *c = arg;

	c->msg_ns = 0;
	if (!n)
		ADD(c->lost, nrec);
	else if (c->tcp)
		tcp_queue(c, msg, n, nrec, c->now);
	else
		udp_send(c, msg, n, nrec, c->now);
}

/* The templates, in messages of their own. */
static void templates(struct ipfix_coll *c)
{
	if (ipfix_fb_templates(c->fb) == 0) {
		c->need_tmpl = 0;
		c->tmpl_ns = c->now + REFRESH_NS;
	}
}

void ipfix_coll_add(struct ipfix_coll *c, const struct ipfix_rec *r,
		    int64_t now_ns)
{
	c->now = now_ns;
	if (!c->tcp && now_ns >= c->retry_ns &&
	    (c->need_tmpl || now_ns >= c->tmpl_ns))
		templates(c);
	if (ipfix_fb_add(c->fb, r) < 0) {
		ADD(c->lost, 1);
		return;
	}
	if (!c->msg_ns)
		c->msg_ns = now_ns;
}

/* ---- connections ------------------------------------------------------ */

static void udp_connect(struct ipfix_coll *c)
{
	c->fd = socket(c->sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c->fd >= 0 && connect(c->fd, (struct sockaddr *)&c->sa,
				  c->salen) < 0) {
		close(c->fd);
		c->fd = -1;
	}
}

/* A new TCP stream: whatever was built for the old one is lost, and the
 * templates come first. */
static void tcp_connect(struct ipfix_coll *c, int64_t now)
{
	ipfix_fb_flush(c->fb);	/* DOWN: lost */
	c->fd = socket(c->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
		       SOCK_NONBLOCK, 0);
	if (c->fd < 0) {
		c->retry_ns = now + RECONNECT_NS;
		return;
	}
	if (connect(c->fd, (struct sockaddr *)&c->sa, c->salen) == 0)
		c->state = C_UP;
	else if (errno == EINPROGRESS)
		c->state = C_CONNECTING;
	else {
		tcp_down(c, now);
		return;
	}
	templates(c);
}

/* A connection being made: done, failed, or not yet. */
static void tcp_connecting(struct ipfix_coll *c, int64_t now, int wait_ms)
{
	struct pollfd p = { .fd = c->fd, .events = POLLOUT };
	int e = 0;
	socklen_t el = sizeof(e);

	if (poll(&p, 1, wait_ms) <= 0)
		return;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e) {
		tcp_down(c, now);
		return;
	}
	c->state = C_UP;
}

void ipfix_coll_tick(struct ipfix_coll *c, int64_t now)
{
	c->now = now;
	if (c->tcp) {
		if (c->state == C_DOWN && now >= c->retry_ns)
			tcp_connect(c, now);
		if (c->state == C_CONNECTING)
			tcp_connecting(c, now, 0);
	} else if (c->fd < 0) {
		udp_connect(c);
	}
	if (c->msg_ns && now - c->msg_ns >= FLUSH_NS)
		ipfix_fb_flush(c->fb);
	if (c->tcp)
		tcp_write(c, now);
}

void ipfix_coll_finish(struct ipfix_coll *c, int64_t deadline)
{
	int64_t now = c->now = mono_ns();

	ipfix_fb_flush(c->fb);
	while (c->tcp && c->state != C_DOWN && c->pend_n &&
	       (now = mono_ns()) < deadline) {
		int ms = (int)((deadline - now) / NS_PER_MS) + 1;

		if (c->state == C_CONNECTING) {
			tcp_connecting(c, now, ms > 20 ? 20 : ms);
			continue;
		}
		struct pollfd p = { .fd = c->fd, .events = POLLOUT };
		if (poll(&p, 1, ms > 20 ? 20 : ms) > 0)
			tcp_write(c, mono_ns());
	}
	if (c->tcp)
		tcp_down(c, now);	/* what is left is lost */
	else if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
}
