/* cap_int.h - capture/ internals shared by cap.c, cap_live.c and
 * cap_dump.c. */
#ifndef PORTTOP_CAP_INT_H
#define PORTTOP_CAP_INT_H

#include "cap.h"

struct cap_ng;

/* A capture filter compiled for one link type (pcapng files). */
struct cap_prog {
	int dlt;
	int ok;			/* 0: the expression does not compile for it */
	struct bpf_program prog;
};

struct cap {
	pcap_t *p;		/* devices and pcap files; NULL for pcapng */
	struct cap_ng *ng;	/* pcapng files (cap_pcapng.c) */
	char *buf;		/* our stdio buffer for a file */
	uint64_t size;		/* file size, 0 for a pipe or a device */
	int dlt;
	int live;
	int fd;			/* live: the selectable fd (non-blocking) */
	char name[256];
	struct cap_stats st;	/* widened kernel counters */
	struct pcap_stat last;	/* libpcap's last raw counters */
	char *filter;		/* pcapng: the expression, for link types */
	struct cap_prog *progs;	/* met later, and their programs */
	unsigned nprogs;
};

#endif
