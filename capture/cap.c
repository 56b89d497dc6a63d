/*
 * cap.c - packet sources (see cap.h): what files and devices share, and
 * opening files.  Devices are opened in cap_live_linux.c (cap_live_win.c);
 * pcapng files are read by cap_pcapng.c, pcap files by libpcap (regular
 * host-order files on Linux by our own loop: cap_file_linux.c).
 *
 * The format is told from a file's first bytes, which its reader must then
 * see again: cap_pcapng.c parses them from the buffer they were read
 * into; libpcap gets them as cap_file_linux.c or cap_file_win.c can give
 * them (cap_int.h).
 *
 * libpcap reads pcap (either byte order, micro- or nanosecond magic);
 * asking for nanosecond precision makes it scale microsecond files, so one
 * time unit serves both.  Damage mid-file (a record longer than the
 * snapshot length, a file cut inside a record) comes back from
 * pcap_next_ex() as PCAP_ERROR with a message; the end of a file as
 * PCAP_ERROR_BREAK.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "../lib/clock.h"
#include "cap.h"

#include "cap_int.h"
#include "cap_pcapng.h"
#include "cap_snap.h"

/* The first read: enough to tell the format.  Not a whole buffer: libpcap
 * would get it through the cookie, a second copy into fresh pages
 * (measured: 4 ms more per open than reading the file directly). */
#define PEEK_BYTES 4096u

/* The first bytes, enough to tell pcapng (12) unless the file is shorter:
 * one read(2) of a regular file gives all `size` asked for. */
static int peek(int fd, uint8_t *b, size_t size, size_t *n)
{
	*n = 0;
	while (*n < 12) {
		ssize_t r = read(fd, b + *n, size - *n);

		if (r > 0)
			*n += (size_t)r;
		else if (r == 0)
			break;
		else if (errno != EINTR)
			return -errno;
	}
	return 0;
}

int cap_open_file(const char *path, struct cap **out, char *errbuf)
{
	struct cap *c = calloc(1, sizeof(*c));
	bool in = strcmp(path, "-") == 0;
	uint8_t *b = malloc(READ_BUFFER);
	struct stat st;
	size_t n;
	int fd = -1, rc;

	if (!c || !b) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "out of memory");
		goto fail;
	}
	fd = in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s", strerror(errno));
		goto fail;
	}
	rc = peek(fd, b, PEEK_BYTES, &n);
	if (rc < 0) {	/* libpcap's words (e.g. for a directory) */
		snprintf(errbuf, CAP_ERRBUF_SIZE,
			 "error reading dump file: %s", strerror(-rc));
		goto fail;
	}
	if (!in && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		c->size = (uint64_t)st.st_size;
	/* both take b and fd */
	if (cap_ng_probe(b, n)) {
		rc = cap_ng_open(&c->ng, fd, !in, b, READ_BUFFER, n, errbuf);
		if (rc == CAP_OK)
			c->dlt = cap_ng_datalink(c->ng);
	} else {
		rc = cap_open_libpcap(c, path, fd, !in, b, n, errbuf);
	}
	if (rc != CAP_OK) {
		free(c);
		return CAP_ERR_OPEN;
	}
	snprintf(c->name, sizeof(c->name), "%s", path);
	*out = c;
	return CAP_OK;
fail:
	if (fd >= 0 && !in)
		close(fd);
	free(b);
	free(c);
	return CAP_ERR_OPEN;
}

static void free_filter(struct cap *c)
{
	for (unsigned i = 0; i < c->nprogs; i++)
		if (c->progs[i].ok)
			pcap_freecode(&c->progs[i].prog);
	free(c->progs);
	free(c->filter);
	c->progs = NULL;
	c->filter = NULL;
	c->nprogs = 0;
}

void cap_close(struct cap *c)
{
	if (!c)
		return;
	cap_map_free(c);	/* before its fd is closed */
	if (c->ng)
		cap_ng_close(c->ng);
	else
		pcap_close(c->p);	/* closes the FILE too */
	free_filter(c);
	if (c->snap_q_ok > 0)
		pcap_freecode(&c->snap_q);
	free(c->buf);
	free(c);
}

int cap_comments(const struct cap *c)
{
	return c->ng != NULL;
}

int cap_process_comments(const struct cap *c)
{
	return c->ng && cap_ng_marked(c->ng);
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
	return c->ng ? cap_ng_snaplen(c->ng) : pcap_snapshot(c->p);
}

void cap_breakloop(struct cap *c)
{
	if (c->ng)
		cap_ng_breakloop(c->ng);
	else if (c->map)
		c->stop = 1;
	else
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

/* compile: c->filter for one link type, as libpcap compiles it for a
 * file of that type (a dead handle, the file's snapshot length: a
 * program's "accept" returns it, so it must not be 0).  Appends to
 * c->progs; returns its index, or -1 (out of memory).  errbuf (may be
 * NULL) gets libpcap's message when the expression does not compile. */
static int compile(struct cap *c, int dlt, char *errbuf)
{
	struct cap_prog *n = realloc(c->progs, (c->nprogs + 1) * sizeof(*n));
	pcap_t *dead;

	if (!n)
		return -1;
	c->progs = n;
	n += c->nprogs;
	n->dlt = dlt;
	n->ok = 0;
	dead = pcap_open_dead(dlt, cap_snaplen(c));
	if (!dead)
		return -1;
	n->ok = pcap_compile(dead, &n->prog, c->filter, 1,
			     PCAP_NETMASK_UNKNOWN) == 0;
	if (!n->ok && errbuf)
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s", pcap_geterr(dead));
	pcap_close(dead);
	return (int)c->nprogs++;
}

/* pcapng: compiled now for the first interface's link type (an error
 * there is the caller's), later for each new one (see matches()). */
static int ng_set_filter(struct cap *c, const char *expr, char *errbuf)
{
	int i;

	free_filter(c);
	c->filter = strdup(expr);
	i = c->filter ? compile(c, c->dlt, errbuf) : -1;
	if (i < 0 || !c->progs[i].ok) {
		if (i < 0)
			snprintf(errbuf, CAP_ERRBUF_SIZE, "out of memory");
		free_filter(c);
		return CAP_ERR_FILTER;
	}
	return CAP_OK;
}

/* Whether a pcapng packet passes the filter: the program of its link type,
 * compiled when the first packet of that type comes; a type the
 * expression does not compile for matches nothing. */
static bool matches(struct cap *c, const struct cap_pkt *p)
{
	struct pcap_pkthdr h = { .caplen = p->caplen, .len = p->len };
	int i = -1;

	for (unsigned k = 0; k < c->nprogs && i < 0; k++)
		if (c->progs[k].dlt == p->dlt)
			i = (int)k;
	if (i < 0)
		i = compile(c, p->dlt, NULL);
	return i >= 0 && c->progs[i].ok &&
	       pcap_offline_filter(&c->progs[i].prog, &h, p->data) != 0;
}

int cap_set_filter(struct cap *c, const char *expr, char *errbuf)
{
	struct bpf_program prog;
	int rc;

	if (c->ng)
		return ng_set_filter(c, expr, errbuf);
	if (c->snap_big)
		return cap_snap_filter(c, expr, errbuf);
	if (pcap_compile(c->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s", pcap_geterr(c->p));
		return CAP_ERR_FILTER;
	}
	rc = pcap_setfilter(c->p, &prog);
	if (c->map && rc == 0)
		cap_map_filter(c, &prog);	/* takes it */
	else
		pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s", pcap_geterr(c->p));
		return CAP_ERR_FILTER;
	}
	return CAP_OK;
}

int cap_next(struct cap *c, struct cap_pkt *p, char *errbuf)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	if (c->ng) {
		do
			rc = cap_ng_next(c->ng, p, errbuf);
		while (rc == 1 && c->filter && !matches(c, p));
		return rc;
	}
	if (c->map)
		return cap_map_next(c, p, errbuf);
	rc = pcap_next_ex(c->p, &h, &data);

	if (rc == 0 && c->live) {
		/* Nothing ready (the handle is non-blocking).  Wait here, at
		 * most the read timeout: libpcap's own wait would block until
		 * the next packet, because with TPACKET_V3 the kernel wakes
		 * readers only for blocks that hold packets. */
		if (!cap_live_wait(c))
			return CAP_TIMEOUT;	/* quiet, or EINTR */
		rc = pcap_next_ex(c->p, &h, &data);
	}
	if (rc == 1) {
		*p = (struct cap_pkt){
			/* a pcap file's seconds are 32 bits unsigned;
			 * Windows' timeval holds them in a signed 32-bit
			 * long (negative from 2038 on) */
			.ts_ns = cap_ts_ns((uint32_t)h->ts.tv_sec,
					   c->usec ? h->ts.tv_usec * 1000LL :
					   h->ts.tv_usec),
			.caplen = c->snap_big ? cap_snap_trim(c, h, data) :
						h->caplen,
			.len = h->len, .data = data,
			.dlt = c->dlt,
		};
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
	*done = c->ng ? cap_ng_offset(c->ng) : c->p ? cap_file_pos(c) : 0;
	*total = c->size;
}
