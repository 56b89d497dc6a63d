/*
 * readloop.c — the benchmark floor: read a capture with libpcap and do nothing
 * else. No decoding, no flow table; whatever porttop costs on top of this is
 * porttop's own work.
 *
 * Usage: readloop FILE
 * Prints "packets N" and "bytes N" (sum of the wire length, pkthdr->len) on
 * stdout. Exits 1 if the file cannot be opened or a read error stops the loop
 * early, so a damaged capture is never timed as if it had been read whole.
 *
 * Built by tests/bench/bench.sh: cc -O2 -o .bench/readloop tests/bench/readloop.c -lpcap
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	uint64_t packets = 0, bytes = 0;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	p = pcap_open_offline(argv[1], errbuf);
	if (p == NULL) {
		fprintf(stderr, "readloop: %s\n", errbuf);
		return 1;
	}
	/* 1 = a packet, -2 (PCAP_ERROR_BREAK) = end of file, -1 = read error */
	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		packets++;
		bytes += hdr->len;
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "readloop: %s after %" PRIu64 " packets\n",
		        pcap_geterr(p), packets);
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	printf("packets %" PRIu64 "\nbytes %" PRIu64 "\n", packets, bytes);
	return 0;
}
