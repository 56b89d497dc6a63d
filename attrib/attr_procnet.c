/*
 * attr_procnet.c - the /proc/net back end, for when netlink sock_diag is
 * refused: /proc/net/tcp, tcp6, udp and udp6 (proc(5); the kernel's
 * tcp4_seq_show, tcp6_seq_show and udp4_format_sock print them), read
 * whole on each dump.  No exact lookups, no events.
 *
 * The interface's open() takes no root, so the root comes from the
 * environment: PORTTOP_PROC_ROOT (default "/proc"), a recorded tree for
 * tests.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include "attr.h"
#include "attr_sock.h"

#define PN_LINE	512		/* rows are 150-180 characters */
#define PN_BUF	(1 << 16)	/* stdio buffer of a /proc/net file */
#define PN_FIELDS 10		/* sl local rem st tx:rx tr:when retr uid
				   timeout inode */
#define PN_LISTEN 0x0A		/* TCP_LISTEN, include/net/tcp_states.h */

struct procnet {
	char root[PATH_MAX];
	uint64_t netns;
	uint64_t bad;		/* rows that did not parse */
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Exactly n hex digits (n <= 8) at p. */
static int hex32(const char *p, size_t n, uint32_t *out)
{
	uint32_t v = 0;

	for (size_t i = 0; i < n; i++) {
		int h = hexval(p[i]);

		if (h < 0)
			return -1;
		v = v << 4 | (uint32_t)h;
	}
	*out = v;
	return 0;
}

/* A whole field of decimal digits, at most max. */
static int dec64(const char *p, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9' ||
		    v > (max - (uint64_t)(p[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return 0;
}

/* "ADDR:PORT": ADDR is 1 (IPv4) or 4 (IPv6) words of 8 hex digits, each
 * the 32-bit word as the kernel holds it (network-order bytes) printed as
 * a host-order integer, so storing the value back in host order gives the
 * address bytes; PORT is 4 hex digits, host order (proc(5)). */
static int addr_port(const char *p, size_t n, int words, uint8_t a[16],
		     uint16_t *port)
{
	uint32_t w, v;

	if (n != (size_t)words * 8 + 5 || p[words * 8] != ':')
		return -1;
	memset(a, 0, 16);
	for (int i = 0; i < words; i++) {
		if (hex32(p + i * 8, 8, &w) < 0)
			return -1;
		memcpy(a + i * 4, &w, 4);
	}
	if (hex32(p + words * 8 + 1, 4, &v) < 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int is_zero(const uint8_t *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i])
			return 0;
	return 1;
}

/* One row into *s; -1 for the header and anything malformed. */
static int pn_row(const struct procnet *pn, char *line, uint8_t proto,
		  int v6, struct attr_sock *s)
{
	const char *f[PN_FIELDS];
	size_t fl[PN_FIELDS];
	uint32_t st;
	uint64_t uid, ino;
	int n = 0;

	for (char *p = line; *p && n < PN_FIELDS;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\n')
			break;
		f[n] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		fl[n] = (size_t)(p - f[n]);
		n++;
	}
	if (n < PN_FIELDS || fl[0] < 2 || f[0][fl[0] - 1] != ':')
		return -1;
	memset(s, 0, sizeof(*s));
	if (addr_port(f[1], fl[1], v6 ? 4 : 1, s->laddr, &s->lport) < 0 ||
	    addr_port(f[2], fl[2], v6 ? 4 : 1, s->raddr, &s->rport) < 0 ||
	    fl[3] != 2 || hex32(f[3], 2, &st) < 0 ||
	    dec64(f[7], fl[7], UINT32_MAX, &uid) < 0 ||
	    dec64(f[9], fl[9], UINT64_MAX, &ino) < 0)
		return -1;
	s->proto = proto;
	s->ipv = v6 ? 6 : 4;
	attr_sock_unmap(s);	/* dual-stack, carrying IPv4 */
	if (proto == IPPROTO_TCP)
		s->listener = st == PN_LISTEN;
	else
		s->listener = s->rport == 0 && is_zero(s->raddr, 16);
	s->uid = (uint32_t)uid;
	s->inode = ino;
	s->pid = -1;
	s->netns = pn->netns;
	s->src = ATTR_SRC_PROCNET;
	return 0;
}

/* One file; 0, or -errno when it cannot be opened (ENOENT: that family is
 * not configured, e.g. IPv6 disabled). */
static int pn_file(struct procnet *pn, const char *name, uint8_t proto,
		   int v6, attr_sock_fn fn, void *arg)
{
	char path[PATH_MAX + 16], line[PN_LINE];
	struct attr_sock s;
	char *buf;
	FILE *f;
	int first = 1;

	snprintf(path, sizeof(path), "%s/net/%s", pn->root, name);
	if (!(f = fopen(path, "re")))
		return -errno;
	/* Big reads: fewer seq_file restarts while the table changes.  A
	 * buffer of our own: glibc's setvbuf ignores the size when given
	 * none (and /proc's st_blksize is 1 KiB). */
	if ((buf = malloc(PN_BUF)))
		setvbuf(f, buf, _IOFBF, PN_BUF);
	while (fgets(line, sizeof(line), f)) {
		if (!strchr(line, '\n') && !feof(f)) {
			int c;		/* overlong: not a row we know */

			while ((c = getc(f)) != EOF && c != '\n')
				;
			pn->bad++;
			first = 0;
			continue;
		}
		if (pn_row(pn, line, proto, v6, &s) == 0)
			fn(arg, &s);
		else if (!first)	/* the first line is the header */
			pn->bad++;
		first = 0;
	}
	fclose(f);
	free(buf);
	return 0;
}

/* dump(): the four files in turn.  0, or the first -errno other than
 * ENOENT (the other files are still read). */
static int pn_dump(void *state, attr_sock_fn fn, void *arg)
{
	static const struct { const char *name; uint8_t proto, v6; } t[] = {
		{ "tcp", IPPROTO_TCP, 0 }, { "tcp6", IPPROTO_TCP, 1 },
		{ "udp", IPPROTO_UDP, 0 }, { "udp6", IPPROTO_UDP, 1 },
	};
	int ret = 0;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int rc = pn_file(state, t[i].name, t[i].proto, t[i].v6, fn,
				 arg);

		if (rc < 0 && rc != -ENOENT && ret == 0)
			ret = rc;
	}
	return ret;
}

/* open(): the root from PORTTOP_PROC_ROOT (default "/proc"); fails with
 * -errno (reason in err) when ROOT/net/tcp cannot be read. */
static int pn_open(void **state, char *err, size_t errlen)
{
	const char *root = getenv("PORTTOP_PROC_ROOT");
	char path[PATH_MAX + 16];
	struct procnet *pn;
	struct stat st;
	FILE *f;

	*state = NULL;
	if (!root || !*root)
		root = "/proc";
	if (strlen(root) >= sizeof(pn->root)) {
		snprintf(err, errlen, "/proc/net: root path too long");
		return -ENAMETOOLONG;
	}
	snprintf(path, sizeof(path), "%s/net/tcp", root);
	if (!(f = fopen(path, "re"))) {
		int e = errno;

		snprintf(err, errlen, "cannot read %s: %s", path, strerror(e));
		return -e;
	}
	fclose(f);
	if (!(pn = calloc(1, sizeof(*pn)))) {
		snprintf(err, errlen, "/proc/net: out of memory");
		return -ENOMEM;
	}
	strcpy(pn->root, root);
	/* /proc/net is the reading thread's namespace: ours (unknown, 0, in
	 * a recorded tree without self/ns/net). */
	snprintf(path, sizeof(path), "%s/self/ns/net", root);
	if (stat(path, &st) == 0)
		pn->netns = st.st_ino;
	*state = pn;
	return 0;
}

/* Rows that did not parse, since open. */
static uint64_t pn_dropped(void *state)
{
	return ((struct procnet *)state)->bad;
}

/* close(): NULL is ignored. */
static void pn_close(void *state)
{
	free(state);
}

const struct attr_backend attr_backend_procnet = {
	.name = "proc",
	.open = pn_open,
	.dump = pn_dump,
	.lookup = NULL,
	.poll = NULL,
	.dropped = pn_dropped,
	.close = pn_close,
};
