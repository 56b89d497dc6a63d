/*
 * cap_dump.h - writing captured packets to a file (-w).
 */
#ifndef PORTTOP_CAP_DUMP_H
#define PORTTOP_CAP_DUMP_H

#include <stdio.h>

#include "cap.h"

struct cap_dump;

/* cap_out_open: open an output file of porttop's (-w, --events): "-" is
 * standard output; an existing file is replaced, as tcpdump -w does, but
 * never through a symbolic link (O_NOFOLLOW: run as root in a shared
 * directory, a planted link must not aim the write elsewhere).  NULL with
 * "PATH: reason" in err. */
FILE *cap_out_open(const char *path, char *err, size_t errlen);

/* cap_dump_open: create path (cap_out_open) for packets from src: pcapng
 * (nanosecond timestamps, interface name recorded) when the name ends in
 * ".pcapng", else pcap (microsecond timestamps, like tcpdump -w).  mark:
 * the packets' notes will name their processes: pcapng says so in its
 * Section Header Block (CAP_PROCESS_MARK).  CAP_ERR_OPEN with the reason
 * in errbuf. */
int cap_dump_open(const char *path, const struct cap *src, int mark,
		  struct cap_dump **out, char *errbuf);

/* What pcapng can say about one packet besides its bytes (pcapng section
 * 4.3.1: opt_comment, epb_flags). */
struct cap_note {
	const char *comment[2];	/* NULL or "": none; at most 255 bytes of
				   each are kept */
	uint32_t flags;		/* epb_flags: bits 0-1 direction (1 inbound,
				   2 outbound); 0: not written */
};

/* cap_dump_is_pcapng: 1 when notes are written (pcapng), 0 for pcap. */
int cap_dump_is_pcapng(const struct cap_dump *d);

/* cap_dump_write: append one packet, with an optional note (pcapng only;
 * NULL for none).  CAP_ERR_WRITE when the stream failed (disk full...);
 * the file then ends at the last packet written in full before the
 * failure. */
int cap_dump_write(struct cap_dump *d, const struct cap_pkt *p,
		   const struct cap_note *note);

/* cap_dump_note: append comments that belong to no packet (pcapng only:
 * an empty Name Resolution Block carrying them, which readers skip or
 * show as a comment; pcap: nothing).  n (at most 2) comments of at most
 * 1024 bytes each.
 * CAP_ERR_WRITE when the stream failed. */
int cap_dump_note(struct cap_dump *d, const char *const *comment, int n);

/* cap_dump_flush: push buffered packets to the file (the capture thread
 * calls it about once a second, so an abrupt end loses little).
 * CAP_ERR_WRITE with "PATH: reason" in errbuf once any write to the file
 * has failed (a full disk): the failure is sticky, so the close says it
 * too. */
int cap_dump_flush(struct cap_dump *d, char *errbuf);

/* cap_dump_close: flush and close (NULL is ignored); CAP_ERR_WRITE when the
 * last writes failed. */
int cap_dump_close(struct cap_dump *d, char *errbuf);

#endif
