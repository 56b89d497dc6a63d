/* cap_int.h - capture/ internals shared by cap.c and cap_live.c. */
#ifndef PORTTOP_CAP_INT_H
#define PORTTOP_CAP_INT_H

#include "cap.h"

struct cap {
	pcap_t *p;
	char *buf;		/* our stdio buffer for a file */
	uint64_t size;		/* file size, 0 for a pipe or a device */
	int dlt;
	int live;
	int fd;			/* live: the selectable fd (non-blocking) */
	char name[256];
	struct cap_stats st;	/* widened kernel counters */
	struct pcap_stat last;	/* libpcap's last raw counters */
};

#endif
