/* cap_int.h - capture/ internals shared by cap.c, cap_live_*.c,
 * cap_file_*.c and cap_dump.c. */
#ifndef PORTTOP_CAP_INT_H
#define PORTTOP_CAP_INT_H

#include <stdbool.h>

#include "cap.h"

/* stdio's default 4 KiB buffer costs a read(2) per few packets; so would
 * a small buffer of ours. */
#define READ_BUFFER (1u << 20)

struct cap_ng;
struct bpf_program;

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
	struct cap_map *map;	/* a pcap file porttop reads (Linux), else
				   NULL: libpcap reads it */
	int stop;		/* cap_breakloop while map: one end */
	bool usec;		/* libpcap gives microseconds, not ns
				   (cap_file_win.c: microsecond files) */
	/* live, a snap length per kind (cap_snap.c); snap_big 0: off */
	int snap_small, snap_big;	/* bytes of a packet, of an Initial */
	int snap_skip;		/* link header the kernel's count leaves out
				   (Linux cooked mode: SLL2's 20 bytes) */
	struct bpf_program snap_q;	/* the Initial test, compiled */
	int snap_q_ok;		/* 1 compiled, -1 not for this link type,
				   0 not yet */
};

/* The platform's parts (cap_file_linux.c / cap_file_win.c, cap_live_linux.c
 * / cap_live_win.c), picked by the Makefile. */

/* cap_dev_flags: the end of a -D line, as tcpdump writes it: " [Up,
 * Running, Loopback]". */
static inline void cap_dev_flags(FILE *out, bpf_u_int32 flags)
{
	fprintf(out, " [%s%s%s]\n", (flags & PCAP_IF_UP) ? "Up" : "Down",
		(flags & PCAP_IF_RUNNING) ? ", Running" : "",
		(flags & PCAP_IF_LOOPBACK) ? ", Loopback" : "");
}

/* cap_open_libpcap: libpcap reads the file at path, already open as fd:
 * first pre (npre bytes, malloc'ed, what cap.c read to tell the format),
 * then the rest of fd.  Takes pre and, when own_fd, fd, even on failure.
 * Sets c->p, c->dlt and c->usec.  CAP_OK or CAP_ERR_OPEN with libpcap's reason in
 * errbuf. */
int cap_open_libpcap(struct cap *c, const char *path, int fd, bool own_fd,
		     uint8_t *pre, size_t npre, char *errbuf);

/* cap_file_pos: bytes of a pcap file consumed (0 unknown). */
uint64_t cap_file_pos(const struct cap *c);

/* A regular pcap file in the host's byte order, version 2.4, is read by
 * porttop (cap_file_linux.c: pread(2) into one buffer, records handed on
 * from it) instead of through libpcap's two copies; libpcap still opened
 * it (its checks, link type, snapshot length) and compiles the filter.
 * cap_map_next: as cap_next, with libpcap's rules and messages for
 * damaged records.  cap_map_filter: keep prog (taken) for the records.
 * cap_map_free: c->map freed and NULL.  On Windows c->map is always
 * NULL. */
struct cap_map;
int cap_map_next(struct cap *c, struct cap_pkt *p, char *errbuf);
void cap_map_filter(struct cap *c, struct bpf_program *prog);
void cap_map_free(struct cap *c);

/* cap_live_wait: a device had nothing ready: wait for packets, at most
 * CAP_READ_TIMEOUT_MS.  1 when some may be ready, 0 on a timeout. */
int cap_live_wait(struct cap *c);

#endif
