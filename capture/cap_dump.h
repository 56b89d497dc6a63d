/*
 * cap_dump.h - writing captured packets to a file (-w).
 */
#ifndef PORTTOP_CAP_DUMP_H
#define PORTTOP_CAP_DUMP_H

#include "cap.h"

struct cap_dump;

/* cap_dump_open: create path for packets from src: pcapng (nanosecond
 * timestamps, interface name recorded) when the name ends in ".pcapng",
 * else pcap (microsecond timestamps, like tcpdump -w).  An existing file is
 * replaced.  CAP_ERR_OPEN with the reason in errbuf. */
int cap_dump_open(const char *path, const struct cap *src,
		  struct cap_dump **out, char *errbuf);

/* cap_dump_write: append one packet, with an optional comment (pcapng
 * only; NULL or "" for none; at most 255 bytes kept).  CAP_ERR_WRITE when
 * the stream failed (disk full...); the file then ends at the last packet
 * written in full before the failure. */
int cap_dump_write(struct cap_dump *d, const struct cap_pkt *p,
		   const char *comment);

/* cap_dump_flush: push buffered packets to the file (the capture thread
 * calls it about once a second, so an abrupt end loses little). */
int cap_dump_flush(struct cap_dump *d, char *errbuf);

/* cap_dump_close: flush and close (NULL is ignored); CAP_ERR_WRITE when the
 * last writes failed. */
int cap_dump_close(struct cap_dump *d, char *errbuf);

#endif
