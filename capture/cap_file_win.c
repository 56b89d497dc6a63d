/*
 * cap_file_win.c - pcap files through libpcap (wpcap.dll) on Windows.
 * There is no fopencookie, and a FILE cannot cross into the DLL (its C
 * runtime is not porttop's), so libpcap opens a named file again by its
 * name.  Standard input cannot be read back from the start, and libpcap
 * must see the bytes cap.c already read to tell the format: a thread
 * copies them, then the rest of standard input, into an anonymous pipe,
 * whose read end libpcap gets as an OS handle (pcap_hopen_offline, the
 * one way into the DLL that is not a FILE or a name), as the cookie
 * stream does in cap_file_linux.c.
 *
 * A microsecond file is opened at its own precision and cap.c scales its
 * fractions to nanoseconds in 64 bits: libpcap's own scaling (sf-pcap.c,
 * SCALE_UP) multiplies tv_usec by 1000 in a long, 32 bits on Windows, so
 * a damaged record's fraction of 2,147,484 us or more (or a negative
 * one) would wrap there and give another time than on Linux, whose long
 * is 64 bits.  Nanosecond files pass through unscaled.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <winsock2.h>	/* before windows.h: pcap.h includes it */
#include <windows.h>

#include "../lib/thread.h"
#include "cap_int.h"
#include "pcapdl_win.h"

/* Whether the file's magic (pre, npre bytes) is a microsecond pcap's:
 * 0xa1b2c3d4, or 0xa1b2cd34 (Kuznetzov's), in either byte order. */
static bool usec_magic(const uint8_t *pre, size_t npre)
{
	uint32_t le, be;

	if (npre < 4)
		return false;
	le = (uint32_t)pre[0] | (uint32_t)pre[1] << 8 |
	     (uint32_t)pre[2] << 16 | (uint32_t)pre[3] << 24;
	be = (uint32_t)pre[3] | (uint32_t)pre[2] << 8 |
	     (uint32_t)pre[1] << 16 | (uint32_t)pre[0] << 24;
	return le == 0xa1b2c3d4 || be == 0xa1b2c3d4 || le == 0xa1b2cd34 ||
	       be == 0xa1b2cd34;
}

/* The pump's bytes: pre (taken), then fd until its end, into w (taken). */
struct pump {
	int fd;
	HANDLE w;
	uint8_t *pre;
	size_t npre;
};

/* Write n bytes to h; false when the reader is gone (libpcap closed the
 * pipe: an error, or porttop stopped reading). */
static bool write_all(HANDLE h, const uint8_t *b, size_t n)
{
	DWORD w;

	for (; n; b += w, n -= w)
		if (!WriteFile(h, b, n > 65536 ? 65536 : (DWORD)n, &w, NULL))
			return false;
	return true;
}

/* The thread: a read error on fd ends the stream as its end would
 * (libpcap then says what a cut file makes it say). */
static void *pump_run(void *arg)
{
	struct pump *p = arg;
	uint8_t *b = p->pre;
	size_t n = p->npre;
	ssize_t r = 0;

	while (write_all(p->w, b, n)) {
		if (b == p->pre) {
			free(p->pre);
			p->pre = NULL;
			if (!(b = malloc(READ_BUFFER)))
				break;
		}
		while ((r = read(p->fd, b, READ_BUFFER)) < 0 && errno == EINTR)
			;
		if (r <= 0)
			break;
		n = (size_t)r;
	}
	if (b != p->pre)
		free(b);
	free(p->pre);
	CloseHandle(p->w);
	free(p);
	return NULL;
}

/* The read end of a pipe the pump fills from pre and fd, or
 * INVALID_HANDLE_VALUE (pre taken either way). */
static HANDLE pump_start(int fd, uint8_t *pre, size_t npre, char *errbuf)
{
	struct pump *p = calloc(1, sizeof(*p));
	HANDLE r = INVALID_HANDLE_VALUE;
	pthread_t t;

	if (!p || !CreatePipe(&r, &p->w, NULL, READ_BUFFER)) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "standard input: cannot "
			 "make a pipe (error %lu)", (unsigned long)GetLastError());
		free(p);
		free(pre);
		return INVALID_HANDLE_VALUE;
	}
	*p = (struct pump){ .fd = fd, .w = p->w, .pre = pre, .npre = npre };
	if (thread_start(&t, NULL, pump_run, p) != 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "standard input: cannot "
			 "start a thread");
		CloseHandle(r);
		CloseHandle(p->w);
		free(pre);
		free(p);
		return INVALID_HANDLE_VALUE;
	}
	pthread_detach(t);
	return r;
}

int cap_open_libpcap(struct cap *c, const char *path, int fd, bool own_fd,
		     uint8_t *pre, size_t npre, char *errbuf)
{
	u_int prec;
	HANDLE h = INVALID_HANDLE_VALUE;

	c->usec = usec_magic(pre, npre);
	prec = c->usec ? PCAP_TSTAMP_PRECISION_MICRO :
			 PCAP_TSTAMP_PRECISION_NANO;
	if (own_fd) {
		free(pre);
		close(fd);
	}
	if (pcapdl_load(errbuf) < 0) {
		if (!own_fd)
			free(pre);
		return CAP_ERR_OPEN;
	}
	if (!own_fd && (h = pump_start(fd, pre, npre, errbuf)) ==
	    INVALID_HANDLE_VALUE)
		return CAP_ERR_OPEN;
	/* (a wpcap.dll without the function leaves errbuf as it is) */
	snprintf(errbuf, CAP_ERRBUF_SIZE, "this wpcap.dll cannot read pcap "
		 "files at nanosecond precision (%s)", PCAPDL_NEED);
	/* libpcap's FILE owns h from here; on a bad header libpcap 1.10
	 * leaves that FILE open (savefile.c), so closing h ends the pump */
	c->p = own_fd ? pcap_open_offline_with_tstamp_precision(path, prec,
								errbuf) :
		pcap_hopen_offline_with_tstamp_precision((intptr_t)h, prec,
							 errbuf);
	if (!c->p) {
		if (!own_fd)
			CloseHandle(h);
		return CAP_ERR_OPEN;
	}
	c->dlt = pcap_datalink(c->p);
	return CAP_OK;
}

uint64_t cap_file_pos(const struct cap *c)
{
	(void)c;
	return 0;
}

/* Windows reads every pcap file through libpcap: c->map stays NULL. */
int cap_map_next(struct cap *c, struct cap_pkt *p, char *errbuf)
{
	(void)c;
	(void)p;
	snprintf(errbuf, CAP_ERRBUF_SIZE, "no mapped file");
	return CAP_ERR_READ;
}

void cap_map_filter(struct cap *c, struct bpf_program *prog)
{
	(void)c;
	pcap_freecode(prog);
}

void cap_map_free(struct cap *c)
{
	(void)c;
}
