/*
 * cap.h - packet sources.  For now: saved captures (pcap and pcapng, read by
 * libpcap, format detected from the magic number, never the file name).
 *
 * Errors follow libpcap's shape: functions return 0 or a negative CAP_ERR_*
 * and leave a one-line message in the caller's errbuf (CAP_ERRBUF_SIZE).
 */
#ifndef PORTTOP_CAP_H
#define PORTTOP_CAP_H

#include <stdint.h>
#include <pcap/pcap.h>

#define CAP_ERRBUF_SIZE PCAP_ERRBUF_SIZE

enum {
	CAP_OK = 0,
	CAP_ERR_OPEN = -1,	/* cannot open or not a capture file */
	CAP_ERR_FILTER = -2,	/* the filter expression does not compile */
	CAP_ERR_READ = -3,	/* the file is damaged or cut mid-way */
};

struct cap;

/* One packet as libpcap delivers it. */
struct cap_pkt {
	int64_t ts_ns;		/* capture time, nanoseconds since the epoch
				   (files are opened at nanosecond precision;
				   microsecond files are scaled) */
	uint32_t caplen;	/* bytes captured, readable at data */
	uint32_t len;		/* bytes on the wire */
	const uint8_t *data;
};

/* cap_open_file: open a pcap or pcapng file ("-" = standard input).
 * Returns CAP_OK and *out, or CAP_ERR_OPEN with libpcap's reason in errbuf
 * (e.g. "unknown file format", "archaic pcap savefile format"). */
int cap_open_file(const char *path, struct cap **out, char *errbuf);

/* cap_close: close and free (NULL is ignored). */
void cap_close(struct cap *c);

/* cap_datalink: the file's link type as a libpcap DLT_* value. */
int cap_datalink(const struct cap *c);

/* cap_dlt_name: "DLT_EN10MB" style name of a DLT value, written into buf
 * (libpcap's pcap_datalink_val_to_name with the DLT_ prefix, or
 * "DLT 1234" when libpcap has no name). */
const char *cap_dlt_name(int dlt, char *buf, size_t len);

/* cap_set_filter: compile a tcpdump-syntax expression for this capture's
 * link type (pcap_compile, optimised, netmask unknown) and apply it; only
 * matching packets are returned from then on.  CAP_ERR_FILTER with
 * libpcap's message when the expression is wrong. */
int cap_set_filter(struct cap *c, const char *expr, char *errbuf);

/* cap_next: the next packet.  Returns 1 with *p filled, 0 at the end of
 * the file, CAP_ERR_READ with libpcap's message when the file turns out to
 * be damaged (packets before the damage were already returned). */
int cap_next(struct cap *c, struct cap_pkt *p, char *errbuf);

/* cap_progress: bytes of the file consumed so far and its total size, for
 * a progress line; *total is 0 when unknown (a pipe). */
void cap_progress(const struct cap *c, uint64_t *done, uint64_t *total);

#endif
