/*
 * cap.c - packet sources through libpcap (see cap.h): what files and
 * devices share, and opening files.  Devices are opened in cap_live.c.
 *
 * libpcap reads pcap (either byte order, micro- or nanosecond magic) and
 * pcapng; asking for nanosecond precision makes it scale microsecond files,
 * so one time unit serves both.  Damage mid-file (a record longer than the
 * snapshot length, a file cut inside a record) comes back from
 * pcap_next_ex() as PCAP_ERROR with a message; the end of a file as
 * PCAP_ERROR_BREAK.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/clock.h"
#include "cap.h"

#include "cap_int.h"

/* stdio's default 4 KiB buffer costs a read(2) per few packets. */
#define READ_BUFFER (1u << 20)

int cap_open_file(const char *path, struct cap **out, char *errbuf)
{
	struct cap *c = calloc(1, sizeof(*c));
	struct stat st;

	if (!c) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "out of memory");
		return CAP_ERR_OPEN;
	}
	/* We open the file so that we can give it a large buffer before
	 * libpcap reads from it; libpcap then owns (and closes) it. */
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s", strerror(errno));
		free(c);
		return CAP_ERR_OPEN;
	}
	c->buf = malloc(READ_BUFFER);
	if (c->buf)
		setvbuf(f, c->buf, _IOFBF, READ_BUFFER);
	c->p = pcap_fopen_offline_with_tstamp_precision(
		f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!c->p) {
		if (f != stdin)
			fclose(f);
		free(c->buf);
		free(c);
		return CAP_ERR_OPEN;
	}
	c->dlt = pcap_datalink(c->p);
	snprintf(c->name, sizeof(c->name), "%s", path);
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
	    S_ISREG(st.st_mode))
		c->size = (uint64_t)st.st_size;
	*out = c;
	return CAP_OK;
}

void cap_close(struct cap *c)
{
	if (!c)
		return;
	pcap_close(c->p);	/* closes the FILE too */
	free(c->buf);
	free(c);
}

int cap_datalink(const struct cap *c)
{
	return c->dlt;
}

const char *cap_name(const struct cap *c)
{
	return c->name;
}

int cap_is_live(const struct cap *c)
{
	return c->live;
}

int cap_snaplen(const struct cap *c)
{
	return pcap_snapshot(c->p);
}

void cap_breakloop(struct cap *c)
{
	pcap_breakloop(c->p);
}

/* libpcap's counters are 32-bit and wrap: add each delta to 64-bit sums. */
static void widen(uint64_t *sum, u_int *last, u_int now)
{
	*sum += (u_int)(now - *last);
	*last = now;
}

void cap_get_stats(struct cap *c, struct cap_stats *s)
{
	struct pcap_stat ps;

	if (c->live && pcap_stats(c->p, &ps) == 0) {
		widen(&c->st.recv, &c->last.ps_recv, ps.ps_recv);
		widen(&c->st.drop, &c->last.ps_drop, ps.ps_drop);
		widen(&c->st.ifdrop, &c->last.ps_ifdrop, ps.ps_ifdrop);
	}
	*s = c->st;
}

const char *cap_dlt_name(int dlt, char *buf, size_t len)
{
	const char *n = pcap_datalink_val_to_name(dlt);

	if (n)
		snprintf(buf, len, "DLT_%s", n);
	else
		snprintf(buf, len, "DLT %d", dlt);
	return buf;
}

int cap_set_filter(struct cap *c, const char *expr, char *errbuf)
{
	struct bpf_program prog;
	int rc;

	if (pcap_compile(c->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s", pcap_geterr(c->p));
		return CAP_ERR_FILTER;
	}
	rc = pcap_setfilter(c->p, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s", pcap_geterr(c->p));
		return CAP_ERR_FILTER;
	}
	return CAP_OK;
}

/* Seconds beyond +-2^33 (272 years from 1970) saturate: a damaged pcapng's
 * 64-bit timestamp or odd if_tsresol can give any tv_sec, and nanoseconds
 * since the epoch must stay far from INT64_MAX, with room for every timer
 * added to them (found by tests/fuzz: crashes/file/pcapng-huge-timestamp). */
#define TS_MAX_S (1LL << 33)

int64_t cap_ts_ns(int64_t sec, int64_t frac_ns)
{
	if (sec > TS_MAX_S)
		sec = TS_MAX_S;
	else if (sec < -TS_MAX_S)
		sec = -TS_MAX_S;
	if (frac_ns < 0 || frac_ns > 4294967295LL)
		frac_ns = 0;	/* (a pcap file's field is 32 bits) */
	return sec * NS_PER_S + frac_ns;
}

int cap_next(struct cap *c, struct cap_pkt *p, char *errbuf)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = pcap_next_ex(c->p, &h, &data);

	if (rc == 0 && c->live) {
		/* Nothing ready (the handle is non-blocking).  Wait here, at
		 * most the read timeout: libpcap's own wait would block until
		 * the next packet, because with TPACKET_V3 the kernel wakes
		 * readers only for blocks that hold packets. */
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

		if (poll(&pfd, 1, CAP_READ_TIMEOUT_MS) <= 0)
			return CAP_TIMEOUT;	/* quiet, or EINTR */
		rc = pcap_next_ex(c->p, &h, &data);
	}
	if (rc == 1) {
		p->ts_ns = cap_ts_ns(h->ts.tv_sec, h->ts.tv_usec);
		p->caplen = h->caplen;
		p->len = h->len;
		p->data = data;
		return 1;
	}
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc == 0)
		return CAP_TIMEOUT;
	snprintf(errbuf, CAP_ERRBUF_SIZE, "%s", pcap_geterr(c->p));
	return CAP_ERR_READ;
}

void cap_progress(const struct cap *c, uint64_t *done, uint64_t *total)
{
	FILE *f = pcap_file(c->p);
	off_t pos = f ? ftello(f) : -1;

	*done = pos > 0 ? (uint64_t)pos : 0;
	*total = c->size;
}
