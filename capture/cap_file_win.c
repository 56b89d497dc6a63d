/*
 * cap_file_win.c - pcap files through libpcap (wpcap.dll) on Windows.
 * There is no fopencookie, and a FILE cannot cross into the DLL (its C
 * runtime is not porttop's), so libpcap opens the file again by its name;
 * a pcap (not pcapng) stream on standard input cannot be read back from
 * the start and is refused.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cap_int.h"
#include "pcapdl_win.h"

int cap_open_libpcap(struct cap *c, const char *path, int fd, bool own_fd,
		     uint8_t *pre, size_t npre, char *errbuf)
{
	(void)npre;
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
		path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
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
