/*
 * cap_dump.c - writing what was captured (-w): pcap or pcapng by the file
 * name's extension.
 *
 * pcap goes through libpcap's pcap_dump (microsecond timestamps, as
 * tcpdump -w writes by default).  pcapng is written here, because libpcap
 * cannot write it: one Section Header Block, one Interface Description
 * Block (nanosecond resolution), then an Enhanced Packet Block per packet,
 * optionally with comments and a direction (draft-ietf-opsawg-pcapng,
 * sections 4.1, 4.2, 4.3).  Multi-byte fields are in the writer's byte order, as the format
 * allows (the SHB's byte-order magic tells readers which).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/clock.h"
#include "cap_dump.h"
#include "cap_int.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_NRB 0x00000004u
#define BT_EPB 0x00000006u
#define OPT_END 0
#define OPT_COMMENT 1
#define OPT_EPB_FLAGS 2
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_TSRESOL 9

struct cap_dump {
	pcap_t *dead;		/* pcap: libpcap's writer */
	pcap_dumper_t *pd;
	FILE *f;		/* pcapng: ours */
	char path[256];
	int werr;		/* the first write error (errno), sticky: a
				   failed fflush may empty stdio's buffer, so
				   a later one could seem to succeed */
};

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* LINKTYPE_ values for the IDB: equal to the DLT_ values except where the
 * historical DLTs differ between systems (tcpdump.org/linktypes). */
static uint16_t linktype(int dlt)
{
	return dlt == DLT_RAW ? 101 : (uint16_t)dlt;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* An option: code, length, value, zero padding to 32 bits. */
static size_t put_opt(uint8_t *b, uint16_t code, const void *v, uint16_t len)
{
	memcpy(b, &code, 2);
	memcpy(b + 2, &len, 2);
	if (len)	/* OPT_END has no value: v is NULL */
		memcpy(b + 4, v, len);
	memset(b + 4 + len, 0, pad4(len) - len);
	return 4 + pad4(len);
}

/* Frame a block body: type, total length, body, total length again. */
static int put_block(FILE *f, uint32_t type, const uint8_t *body, size_t n)
{
	uint32_t total = (uint32_t)(12 + n);

	return fwrite(&type, 4, 1, f) == 1 && fwrite(&total, 4, 1, f) == 1 &&
	       fwrite(body, 1, n, f) == n && fwrite(&total, 4, 1, f) == 1 ?
		       0 : -1;
}

static int pcapng_header(FILE *f, const struct cap *src, int mark)
{
	uint8_t b[512];
	size_t n = 0;
	uint32_t magic = 0x1A2B3C4D;
	uint16_t major = 1, minor = 0, lt = linktype(src->dlt), zero = 0;
	int64_t section_len = -1;	/* unknown */
	uint32_t snap = (uint32_t)cap_snaplen(src);
	uint8_t resol = 9;		/* 10^-9 s */
	const char *app = "porttop " PORTTOP_VERSION;

	memcpy(b, &magic, 4);
	memcpy(b + 4, &major, 2);
	memcpy(b + 6, &minor, 2);
	memcpy(b + 8, &section_len, 8);
	n = 16;
	n += put_opt(b + n, SHB_USERAPPL, app, (uint16_t)strlen(app));
	if (mark)
		n += put_opt(b + n, OPT_COMMENT, CAP_PROCESS_MARK,
			     (uint16_t)strlen(CAP_PROCESS_MARK));
	n += put_opt(b + n, OPT_END, NULL, 0);
	if (put_block(f, BT_SHB, b, n) < 0)
		return -1;

	memcpy(b, &lt, 2);
	memcpy(b + 2, &zero, 2);
	memcpy(b + 4, &snap, 4);
	n = 8;
	n += put_opt(b + n, IF_NAME, src->name,
		     (uint16_t)strnlen(src->name, 200));
	n += put_opt(b + n, IF_TSRESOL, &resol, 1);
	n += put_opt(b + n, OPT_END, NULL, 0);
	return put_block(f, BT_IDB, b, n);
}

FILE *cap_out_open(const char *path, char *err, size_t errlen)
{
	int fd = strcmp(path, "-") == 0 ? dup(STDOUT_FILENO) :
		 open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
			    O_CLOEXEC, 0644);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;

	if (!f) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "%.160s: %.80s", path,
			 e == ELOOP ? "is a symbolic link (not followed)" :
				      strerror(e));
		return NULL;
	}
	return f;
}

int cap_dump_open(const char *path, const struct cap *src, int mark,
		  struct cap_dump **out, char *errbuf)
{
	struct cap_dump *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "out of memory");
		return CAP_ERR_OPEN;
	}
	snprintf(d->path, sizeof(d->path), "%s", path);
	if (ends_with(path, ".pcapng")) {
		if (!(d->f = cap_out_open(path, errbuf, CAP_ERRBUF_SIZE))) {
			free(d);
			return CAP_ERR_OPEN;
		}
		if (pcapng_header(d->f, src, mark) < 0) {
			snprintf(errbuf, CAP_ERRBUF_SIZE, "%.160s: %.80s", path,
				 strerror(errno));
			fclose(d->f);
			free(d);
			return CAP_ERR_OPEN;
		}
	} else {
		FILE *f = cap_out_open(path, errbuf, CAP_ERRBUF_SIZE);

		if (!f) {
			free(d);
			return CAP_ERR_OPEN;
		}
		d->dead = pcap_open_dead_with_tstamp_precision(
			src->dlt, cap_snaplen(src),
			PCAP_TSTAMP_PRECISION_MICRO);
		d->pd = d->dead ? pcap_dump_fopen(d->dead, f) : NULL;
		if (!d->pd) {
			snprintf(errbuf, CAP_ERRBUF_SIZE, "%s",
				 d->dead ? pcap_geterr(d->dead) :
					   "out of memory");
			fclose(f);
			if (d->dead)
				pcap_close(d->dead);
			free(d);
			return CAP_ERR_OPEN;
		}
	}
	*out = d;
	return CAP_OK;
}

int cap_dump_is_pcapng(const struct cap_dump *d)
{
	return d->pd == NULL;
}

int cap_dump_write(struct cap_dump *d, const struct cap_pkt *p,
		   const struct cap_note *note)
{
	if (d->pd) {
		struct pcap_pkthdr h = {
			.ts = { .tv_sec = p->ts_ns / NS_PER_S,
				.tv_usec = p->ts_ns % NS_PER_S / NS_PER_US },
			.caplen = p->caplen,
			.len = p->len,
		};

		pcap_dump((u_char *)d->pd, &h, p->data);
		return ferror(pcap_dump_file(d->pd)) ? CAP_ERR_WRITE : CAP_OK;
	}

	uint8_t hdr[20], opt[2 * (4 + 256) + 8 + 4];
	uint32_t iface = 0, hi = (uint32_t)((uint64_t)p->ts_ns >> 32),
		 lo = (uint32_t)p->ts_ns;
	size_t nopt = 0, pad = pad4(p->caplen) - p->caplen;
	static const uint8_t zeros[4];

	for (int i = 0; note && i < 2; i++)
		if (note->comment[i] && *note->comment[i])
			nopt += put_opt(opt + nopt, OPT_COMMENT,
					note->comment[i], (uint16_t)strnlen(
					note->comment[i], 255));
	if (note && note->flags)
		nopt += put_opt(opt + nopt, OPT_EPB_FLAGS, &note->flags, 4);
	if (nopt)
		nopt += put_opt(opt + nopt, OPT_END, NULL, 0);
	memcpy(hdr, &iface, 4);
	memcpy(hdr + 4, &hi, 4);
	memcpy(hdr + 8, &lo, 4);
	memcpy(hdr + 12, &p->caplen, 4);
	memcpy(hdr + 16, &p->len, 4);

	uint32_t type = BT_EPB, total = (uint32_t)(12 + 20 + p->caplen + pad +
						   nopt);
	FILE *f = d->f;
	if (fwrite(&type, 4, 1, f) != 1 || fwrite(&total, 4, 1, f) != 1 ||
	    fwrite(hdr, 1, 20, f) != 20 ||
	    fwrite(p->data, 1, p->caplen, f) != p->caplen ||
	    fwrite(zeros, 1, pad, f) != pad || fwrite(opt, 1, nopt, f) != nopt ||
	    fwrite(&total, 4, 1, f) != 1)
		return CAP_ERR_WRITE;
	return CAP_OK;
}

int cap_dump_note(struct cap_dump *d, const char *const *comment, int n)
{
	uint8_t body[4 + 2 * (4 + 1024) + 4];
	size_t len = 4;		/* nrb_record_end: no names */

	if (d->pd)
		return CAP_OK;
	memset(body, 0, 4);
	for (int i = 0; i < n && i < 2; i++)
		len += put_opt(body + len, OPT_COMMENT, comment[i],
			       (uint16_t)strnlen(comment[i], 1024));
	len += put_opt(body + len, OPT_END, NULL, 0);
	return put_block(d->f, BT_NRB, body, len) == 0 ? CAP_OK :
							 CAP_ERR_WRITE;
}

static FILE *dump_file(struct cap_dump *d)
{
	return d->pd ? pcap_dump_file(d->pd) : d->f;
}

int cap_dump_flush(struct cap_dump *d, char *errbuf)
{
	if ((fflush(dump_file(d)) != 0 || ferror(dump_file(d))) && !d->werr)
		d->werr = errno ? errno : EIO;
	if (d->werr) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%.160s: %.80s", d->path,
			 strerror(d->werr));
		return CAP_ERR_WRITE;
	}
	return CAP_OK;
}

int cap_dump_close(struct cap_dump *d, char *errbuf)
{
	int rc = CAP_OK;

	if (!d)
		return CAP_OK;
	if (cap_dump_flush(d, errbuf) != CAP_OK)
		rc = CAP_ERR_WRITE;
	if (d->pd) {
		pcap_dump_close(d->pd);
		pcap_close(d->dead);
	} else if (fclose(d->f) != 0 && rc == CAP_OK) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%.160s: %.80s", d->path,
			 strerror(errno));
		rc = CAP_ERR_WRITE;
	}
	free(d);
	return rc;
}
