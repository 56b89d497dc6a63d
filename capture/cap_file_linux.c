/*
 * cap_file_linux.c - pcap files through libpcap on Linux: libpcap reads a
 * FILE, and gets the bytes cap.c already read to tell the format through
 * a stdio cookie stream (fopencookie) that serves them before the rest of
 * the descriptor (a pipe cannot be rewound).
 *
 * A regular file in the host's byte order (pcap 2.4, micro- or
 * nanosecond magic) is then read by us: pread(2) into one buffer, each
 * record's bytes handed on where they lie (libpcap copies every record
 * twice, through stdio and into its own buffer: 8-10 % of `--report
 * ports` in perf; a mapping traded the copies for page faults, as
 * costly in a VM).  Its records are checked as libpcap's sf-pcap.c
 * checks them, with its messages, so a damaged file reads the same
 * either way.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cap_int.h"

/* What libpcap reads through: the bytes read to tell the format (pre),
 * then the descriptor. */
struct src {
	int fd;
	bool own_fd;
	uint8_t *pre;
	size_t npre, ipre;
	uint64_t pos;		/* bytes handed to stdio so far */
};

static ssize_t src_read(void *cookie, char *buf, size_t size)
{
	struct src *s = cookie;
	ssize_t r;

	if (s->ipre < s->npre) {
		r = (ssize_t)(size < s->npre - s->ipre ? size :
						       s->npre - s->ipre);
		memcpy(buf, s->pre + s->ipre, (size_t)r);
		s->ipre += (size_t)r;
		if (s->ipre == s->npre) {
			free(s->pre);
			s->pre = NULL;
		}
	} else {
		/* EINTR is stdio's error, as it was with a plain FILE: a
		 * signal that stops porttop ends a blocked read */
		r = read(s->fd, buf, size);
	}
	if (r > 0)
		s->pos += (uint64_t)r;
	return r;
}

/* Only "where are we" (ftello, for cap_progress): nothing is rewound. */
static int src_seek(void *cookie, off64_t *off, int whence)
{
	struct src *s = cookie;

	if (*off != 0 || whence != SEEK_CUR) {
		errno = ESPIPE;
		return -1;
	}
	*off = (off64_t)s->pos;
	return 0;
}

static int src_close(void *cookie)
{
	struct src *s = cookie;

	if (s->own_fd)
		close(s->fd);
	free(s->pre);
	free(s);
	return 0;
}

/* ---- reading in place ---------------------------------------------------- */

#define MAGIC_US	0xa1b2c3d4u
#define MAGIC_NS	0xa1b23c4du
#define HDR		24u	/* the file header */
#define REC		16u	/* a record header */
#define MAX_SNAP	262144u	/* libpcap's MAXIMUM_SNAPLEN */
#define BUF		READ_BUFFER	/* > the largest record (MAX_SNAP) */

struct cap_map {
	uint8_t *buf;		/* file bytes from offset fpos */
	size_t len, pos;	/* bytes in buf; the next record's */
	uint64_t fpos;
	int fd;			/* libpcap's FILE owns it */
	int err;		/* a read's errno, reported at the end */
	uint32_t mult;		/* fraction to ns: 1000 or 1 */
	uint32_t snap;		/* libpcap's snapshot length */
	struct bpf_program prog;
	bool filter;
};

/* MAGIC_US or MAGIC_NS when the first bytes are a host-order pcap 2.4
 * header, else 0. */
static int map_magic(const uint8_t *pre, size_t npre)
{
	uint32_t magic;
	uint16_t ver[2];

	if (npre < HDR)
		return 0;
	memcpy(&magic, pre, 4);
	memcpy(ver, pre + 4, 4);
	if ((magic != MAGIC_US && magic != MAGIC_NS) || ver[0] != 2 ||
	    ver[1] != 4)
		return 0;
	return (int)magic;
}

/* Read fd ourselves when it is a regular file of that kind and its link
 * type's largest record is libpcap's usual one; else libpcap reads it. */
static void map_open(struct cap *c, int fd, int magic)
{
	struct cap_map *m;
	struct stat st;

	if (!magic || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    c->dlt == DLT_DBUS || c->dlt == DLT_EBHSCR ||
	    c->dlt == DLT_USBPCAP || pcap_snapshot(c->p) <= 0 ||
	    !(m = calloc(1, sizeof(*m))))
		return;
	if (!(m->buf = malloc(BUF))) {
		free(m);
		return;
	}
	m->fpos = HDR;
	m->fd = fd;
	m->mult = (uint32_t)magic == MAGIC_US ? 1000 : 1;
	m->snap = (uint32_t)pcap_snapshot(c->p);
	c->map = m;
}

/* At least need bytes at pos if the file has them: the bytes there are
 * (may be fewer).  The rest moves to the front and the buffer is filled
 * with pread(2) (libpcap's FILE keeps the descriptor's offset). */
static size_t map_have(struct cap_map *m, size_t need)
{
	if (m->len - m->pos >= need)
		return m->len - m->pos;
	memmove(m->buf, m->buf + m->pos, m->len - m->pos);
	m->fpos += m->pos;
	m->len -= m->pos;
	m->pos = 0;
	while (m->len < BUF && !m->err) {
		ssize_t r = pread(m->fd, m->buf + m->len, BUF - m->len,
				  (off_t)(m->fpos + m->len));

		if (r > 0)
			m->len += (size_t)r;
		else if (r == 0)
			break;
		else if (errno != EINTR)
			m->err = errno;
	}
	return m->len;
}

/* The next record, as sf-pcap.c's pcap_next_packet reads it: 1, 0 at the
 * end, CAP_ERR_READ with its message. */
static int map_record(struct cap_map *m, struct pcap_pkthdr *h,
		      const uint8_t **data, char *errbuf)
{
	uint32_t w[4];
	size_t left = map_have(m, REC);

	if (left < REC && m->err) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "error reading dump file: %s",
			 strerror(m->err));
		return CAP_ERR_READ;
	}
	if (left < REC) {
		m->pos = m->len;
		if (!left)
			return 0;
		snprintf(errbuf, CAP_ERRBUF_SIZE, "truncated dump file; tried "
			 "to read %u header bytes, only got %zu", REC, left);
		return CAP_ERR_READ;
	}
	memcpy(w, m->buf + m->pos, REC);
	m->pos += REC;
	h->ts.tv_sec = (int32_t)w[0];
	h->ts.tv_usec = (long)(int32_t)w[1] * m->mult;
	h->caplen = w[2];
	h->len = w[3];
	if (h->caplen > MAX_SNAP) {
		if (h->caplen > m->snap)
			snprintf(errbuf, CAP_ERRBUF_SIZE, "invalid packet capture "
				 "length %u, bigger than snaplen of %d",
				 h->caplen, (int)m->snap);
		else
			snprintf(errbuf, CAP_ERRBUF_SIZE, "invalid packet capture "
				 "length %u, bigger than maximum of %u",
				 h->caplen, MAX_SNAP);
		return CAP_ERR_READ;
	}
	left = map_have(m, h->caplen);
	if (left < h->caplen) {
		/* over the snapshot length: libpcap reads that much first */
		uint32_t asked = h->caplen > m->snap && left < m->snap ?
					 m->snap : h->caplen;
		if (m->err)
			snprintf(errbuf, CAP_ERRBUF_SIZE, "error reading dump "
				 "file: %s", strerror(m->err));
		else
			snprintf(errbuf, CAP_ERRBUF_SIZE, "truncated dump file; "
				 "tried to read %u captured bytes, only got %zu",
				 asked, left);
		m->pos = m->len;
		return CAP_ERR_READ;
	}
	*data = m->buf + m->pos;
	m->pos += h->caplen;
	if (h->caplen > m->snap)
		h->caplen = m->snap;	/* the rest is skipped */
	return 1;
}

int cap_map_next(struct cap *c, struct cap_pkt *p, char *errbuf)
{
	struct cap_map *m = c->map;
	struct pcap_pkthdr h;
	const uint8_t *data;
	int rc;

	do {
		if (c->stop) {	/* pcap_breakloop: one end, as libpcap's */
			c->stop = 0;
			return 0;
		}
		rc = map_record(m, &h, &data, errbuf);
		if (rc != 1)
			return rc;
	} while (m->filter && !pcap_offline_filter(&m->prog, &h, data));
	*p = (struct cap_pkt){
		.ts_ns = cap_ts_ns((uint32_t)h.ts.tv_sec, h.ts.tv_usec),
		.caplen = h.caplen, .len = h.len, .data = data, .dlt = c->dlt,
	};
	return 1;
}

void cap_map_filter(struct cap *c, struct bpf_program *prog)
{
	if (c->map->filter)
		pcap_freecode(&c->map->prog);
	c->map->prog = *prog;
	c->map->filter = true;
}

void cap_map_free(struct cap *c)
{
	if (!c->map)
		return;
	if (c->map->filter)
		pcap_freecode(&c->map->prog);
	free(c->map->buf);
	free(c->map);
	c->map = NULL;
}

int cap_open_libpcap(struct cap *c, const char *path, int fd, bool own_fd,
		      uint8_t *pre, size_t npre, char *errbuf)
{
	static const cookie_io_functions_t io = {
		.read = src_read, .seek = src_seek, .close = src_close
	};
	struct src *s = calloc(1, sizeof(*s));
	int pre_magic = map_magic(pre, npre);
	FILE *f;

	(void)path;
	f = s ? fopencookie(s, "r", io) : NULL;
	if (!f) {
		free(s);
		free(pre);
		if (own_fd)
			close(fd);
		snprintf(errbuf, CAP_ERRBUF_SIZE, "out of memory");
		return CAP_ERR_OPEN;
	}
	*s = (struct src){ .fd = fd, .own_fd = own_fd, .pre = pre,
			   .npre = npre };
	c->buf = malloc(READ_BUFFER);
	if (c->buf)
		setvbuf(f, c->buf, _IOFBF, READ_BUFFER);
	c->p = pcap_fopen_offline_with_tstamp_precision(
		f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!c->p) {
		fclose(f);	/* closes fd (if ours) and frees pre */
		free(c->buf);
		c->buf = NULL;
		return CAP_ERR_OPEN;
	}
	c->dlt = pcap_datalink(c->p);
	if (own_fd)	/* stdin may not start at offset 0 */
		map_open(c, fd, pre_magic);
	return CAP_OK;
}

uint64_t cap_file_pos(const struct cap *c)
{
	if (c->map)
		return c->map->fpos + c->map->pos;
	FILE *f = pcap_file(c->p);
	off_t pos = f ? ftello(f) : -1;

	return pos > 0 ? (uint64_t)pos : 0;
}
