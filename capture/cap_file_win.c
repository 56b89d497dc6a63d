/*
 * cap_file_win.c - pcap files through libpcap (wpcap.dll) on Windows.
 * There is no fopencookie, and a FILE cannot cross into the DLL (its C
 * runtime is not porttop's), so libpcap opens the file again by its name;
 * a pcap (not pcapng) stream on standard input cannot be read back from
 * the start and is refused.
 *
 * A microsecond file is opened at its own precision and cap.c scales its
 * fractions to nanoseconds in 64 bits: libpcap's own scaling (sf-pcap.c,
 * SCALE_UP) multiplies tv_usec by 1000 in a long, 32 bits on Windows, so
 * a damaged record's fraction of 2,147,484 us or more (or a negative
 * one) would wrap there and give another time than on Linux, whose long
 * is 64 bits.  Nanosecond files pass through unscaled.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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

int cap_open_libpcap(struct cap *c, const char *path, int fd, bool own_fd,
		     uint8_t *pre, size_t npre, char *errbuf)
{
	c->usec = usec_magic(pre, npre);
	free(pre);
	if (own_fd)
		close(fd);
	if (!own_fd) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "a pcap file on standard "
			 "input is not supported on Windows (pcapng is)");
		return CAP_ERR_OPEN;
	}
	if (pcapdl_load(errbuf) < 0)
		return CAP_ERR_OPEN;
	/* (a wpcap.dll without the function leaves errbuf as it is) */
	snprintf(errbuf, CAP_ERRBUF_SIZE, "this wpcap.dll cannot read pcap "
		 "files at nanosecond precision (%s)", PCAPDL_NEED);
	c->p = pcap_open_offline_with_tstamp_precision(
		path, c->usec ? PCAP_TSTAMP_PRECISION_MICRO :
		PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!c->p)
		return CAP_ERR_OPEN;
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
