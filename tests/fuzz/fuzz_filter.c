/*
 * fuzz_filter.c - libFuzzer target: a -F filter file (filters/filter.c:
 * comments, newlines, NULs, size) and what porttop then hands libpcap's
 * compiler (pcap_compile on an Ethernet link, as for a capture).  The
 * display filters (-Y) have a target of their own: fuzz_dfilter.c.
 */
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../filters/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static pcap_t *p;
	char path[64], err[256];
	struct bpf_program prog;
	char *text;
	int fd;

	if (!p)
		p = pcap_open_dead(DLT_EN10MB, 262144);
	fd = memfd_create("filter", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	text = filter_from_file(path, err, sizeof(err));
	close(fd);
	if (!text)
		return 0;
	if (pcap_compile(p, &prog, text, 1, PCAP_NETMASK_UNKNOWN) == 0)
		pcap_freecode(&prog);
	free(text);
	return 0;
}
