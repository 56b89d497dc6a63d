/*
 * cap_file_linux.c - pcap files through libpcap on Linux: libpcap reads a
 * FILE, and gets the bytes cap.c already read to tell the format through
 * a stdio cookie stream (fopencookie) that serves them before the rest of
 * the descriptor (a pipe cannot be rewound).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int cap_open_libpcap(struct cap *c, const char *path, int fd, bool own_fd,
		      uint8_t *pre, size_t npre, char *errbuf)
{
	static const cookie_io_functions_t io = {
		.read = src_read, .seek = src_seek, .close = src_close
	};
	struct src *s = calloc(1, sizeof(*s));
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
	return CAP_OK;
}

uint64_t cap_file_pos(const struct cap *c)
{
	FILE *f = pcap_file(c->p);
	off_t pos = f ? ftello(f) : -1;

	return pos > 0 ? (uint64_t)pos : 0;
}
