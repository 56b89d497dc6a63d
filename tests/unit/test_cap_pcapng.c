/*
 * test_cap_pcapng.c - the pcapng reader (capture/cap_pcapng.c) on files
 * built block by block here: both byte orders, if_tsresol 10^-n and 2^-n,
 * if_tsoffset, SPB, the obsolete PB, several sections, NRB comments
 * (CAP_NOTE), packet comments and flags, interfaces of different link
 * types and snapshot lengths (with capture filters), libpcap's fix-ups of
 * pseudo-headers, every lying length, files cut at every byte, pipes,
 * standard input and cap_breakloop() from a signal handler.
 *
 * Wherever libpcap 1.10 reads a file, the reader must read it exactly as
 * libpcap does (capcmp.h: same packets, times, lengths, bytes, same end
 * and message); what libpcap cannot give (interfaces, flags, comments,
 * notes, mixed interfaces) is checked against the values written.  The
 * pcapng facts are draft-ietf-opsawg-pcapng's; libpcap's messages are
 * sf-pcapng.c's (1.10.3).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frames.h"
#include "capcmp.h"
#include "../../capture/cap_pcapng.h"

static char tmp[64];

static const char *tpath(const char *name)
{
	static char p[sizeof(tmp) + 64];

	snprintf(p, sizeof(p), "%s/%s", tmp, name);
	return p;
}

/* ---- a pcapng file, byte by byte --------------------------------------- */

struct fb {
	uint8_t *b;
	size_t n, cap, start;
	bool be;
};

static void put(struct fb *f, const void *v, size_t n)
{
	if (f->n + n > f->cap) {
		f->cap = (f->n + n) * 2;
		f->b = realloc(f->b, f->cap);
		assert_non_null(f->b);
	}
	if (n)
		memcpy(f->b + f->n, v, n);
	f->n += n;
}

static void pn(struct fb *f, uint64_t v, int bytes)
{
	uint8_t b[8];

	for (int i = 0; i < bytes; i++)
		b[f->be ? bytes - 1 - i : i] = (uint8_t)(v >> (8 * i));
	put(f, b, (size_t)bytes);
}

#define p16(f, v) pn(f, v, 2)
#define p32(f, v) pn(f, v, 4)
#define p64(f, v) pn(f, v, 8)

static void pad(struct fb *f)
{
	static const uint8_t z[4];

	put(f, z, (4 - f->n % 4) % 4);
}

static void bopen(struct fb *f, uint32_t type)
{
	f->start = f->n;
	p32(f, type);
	p32(f, 0);
}

static void bclose(struct fb *f)
{
	size_t at;
	uint32_t total;

	pad(f);
	total = (uint32_t)(f->n - f->start + 4);
	at = f->n;
	f->n = f->start + 4;
	p32(f, total);
	f->n = at;
	p32(f, total);
}

static void opt(struct fb *f, uint16_t code, const void *v, uint16_t len)
{
	p16(f, code);
	p16(f, len);
	put(f, v, len);
	pad(f);
}

static void shb_v(struct fb *f, bool be, uint16_t major, uint16_t minor)
{
	f->be = be;
	bopen(f, 0x0A0D0D0A);
	p32(f, 0x1A2B3C4D);
	p16(f, major);
	p16(f, minor);
	p64(f, UINT64_MAX);	/* section length unknown */
	opt(f, 4, "test", 4);	/* shb_userappl */
	opt(f, 0, NULL, 0);
	bclose(f);
}

#define shb(f, be) shb_v(f, be, 1, 0)

/* IDB; tsresol: the if_tsresol byte, or -1 for none; tsoff: if_tsoffset
 * unless has_off is false. */
static void idb_t(struct fb *f, uint16_t lt, uint32_t snap, int tsresol,
		  bool has_off, int64_t tsoff)
{
	bopen(f, 1);
	p16(f, lt);
	p16(f, 0);
	p32(f, snap);
	opt(f, 2, "eth0", 4);	/* if_name */
	if (tsresol >= 0) {
		uint8_t r = (uint8_t)tsresol;

		opt(f, 9, &r, 1);
	}
	if (has_off) {
		struct fb v = { .be = f->be };

		p64(&v, (uint64_t)tsoff);
		opt(f, 14, v.b, 8);
		free(v.b);
	}
	opt(f, 0, NULL, 0);
	bclose(f);
}

#define idb(f, lt, snap) idb_t(f, lt, snap, -1, false, 0)

/* EPB (type 6) or obsolete PB (2): time t in the interface's units, the
 * NULL-terminated comments, epb_flags/pack_flags unless flags < 0. */
static void pkt(struct fb *f, uint32_t type, uint32_t ifid, uint64_t t,
		const uint8_t *data, uint32_t caplen, uint32_t len,
		const char *const *comments, int64_t flags)
{
	bool any = false;

	bopen(f, type);
	if (type == 2) {
		p16(f, ifid);
		p16(f, 0);
	} else {
		p32(f, ifid);
	}
	p32(f, (uint32_t)(t >> 32));
	p32(f, (uint32_t)t);
	p32(f, caplen);
	p32(f, len);
	put(f, data, caplen);
	pad(f);
	for (; comments && *comments; comments++, any = true)
		opt(f, 1, *comments, (uint16_t)strlen(*comments));
	if (flags >= 0) {
		struct fb v = { .be = f->be };

		p32(&v, (uint32_t)flags);
		opt(f, 2, v.b, 4);
		free(v.b);
		any = true;
	}
	if (any)
		opt(f, 0, NULL, 0);
	bclose(f);
}

#define C(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define EPB(f, ifid, t, fr) \
	pkt(f, 6, ifid, t, fr, sizeof(fr), sizeof(fr), NULL, -1)

static void spb(struct fb *f, const uint8_t *data, uint32_t n, uint32_t len)
{
	bopen(f, 3);
	p32(f, len);
	put(f, data, n);
	bclose(f);
}

/* NRB: one IPv4 name record unless bare, then the comments. */
static void nrb(struct fb *f, bool bare, const char *const *comments)
{
	bopen(f, 4);
	if (!bare) {
		p16(f, 1);	/* nrb_record_ipv4 */
		p16(f, 9);
		put(f, "\x0a\x63\x00\x02" "srv\0\0", 9);
		pad(f);
	}
	p32(f, 0);		/* nrb_record_end */
	for (; comments && *comments; comments++)
		opt(f, 1, *comments, (uint16_t)strlen(*comments));
	opt(f, 0, NULL, 0);
	bclose(f);
}

/* A block no reader needs (ISB 5, custom 0xBAD, ...): n bytes of body. */
static void other(struct fb *f, uint32_t type, size_t n)
{
	bopen(f, type);
	for (size_t i = 0; i < n; i++)
		put(f, "\x5a", 1);
	bclose(f);
}

static const char *save(const struct fb *f, size_t n)
{
	const char *path = tpath("t.pcapng");
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(f->b, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* Patch a 32-bit field of f at off in f's byte order. */
static void patch32(struct fb *f, size_t off, uint32_t v)
{
	size_t at = f->n;

	f->n = off;
	p32(f, v);
	f->n = at;
}

/* ---- reading ------------------------------------------------------------- */

/* The whole file as libpcap reads it: must agree (capcmp.h), by our reader. */
static struct capcmp_res same_as_libpcap(const struct fb *f)
{
	struct capcmp_res r = capcmp_file(save(f, f->n));

	if (r.verdict != CAPCMP_SAME)
		print_message("differs from libpcap: %s\n", r.why);
	assert_int_equal(r.verdict, CAPCMP_SAME);
	return r;
}

static struct cap *open_fb(const struct fb *f)
{
	char err[CAP_ERRBUF_SIZE];
	struct cap *c = NULL;

	if (cap_open_file(save(f, f->n), &c, err) != CAP_OK)
		fail_msg("open: %s", err);
	assert_non_null(c->ng);
	return c;
}

/* next: cap_next must return want (1, CAP_NOTE, 0, CAP_ERR_READ). */
static void next(struct cap *c, struct cap_pkt *p, int want)
{
	char err[CAP_ERRBUF_SIZE] = "";
	int rc = cap_next(c, p, err);

	if (rc != want)
		fail_msg("cap_next %d, expected %d (%s)", rc, want, err);
}

static void next_err(struct cap *c, const char *msg)
{
	char err[CAP_ERRBUF_SIZE] = "";
	struct cap_pkt p;

	assert_int_equal(cap_next(c, &p, err), CAP_ERR_READ);
	assert_string_equal(err, msg);
	/* sticky */
	assert_int_equal(cap_next(c, &p, err), CAP_ERR_READ);
	assert_string_equal(err, msg);
}

static void open_err(const struct fb *f, const char *msg)
{
	char err[CAP_ERRBUF_SIZE] = "";
	struct cap *c = NULL;

	assert_int_equal(cap_open_file(save(f, f->n), &c, err), CAP_ERR_OPEN);
	assert_string_equal(err, msg);
}

static void assert_text(const struct cap_text *t, const char *s)
{
	assert_int_equal(t->len, strlen(s));
	assert_memory_equal(t->s, s, t->len);
}

/* A sound file with a bit of everything libpcap reads. */
static void sample(struct fb *f, bool be)
{
	shb(f, be);
	nrb(f, false, C("before any interface"));
	other(f, 0xBAD, 12);
	idb_t(f, 1, 65535, 9, false, 0);
	pkt(f, 6, 0, 1700000000123456789ull, f_tcp_syn, sizeof(f_tcp_syn),
	    sizeof(f_tcp_syn), C("one", "two"), 2);
	nrb(f, true, C("porttop flow: tcp 10.99.0.1 44986 10.99.0.2 8080\nPID: 1"));
	spb(f, f_udp4, sizeof(f_udp4), sizeof(f_udp4));
	pkt(f, 2, 0, 1700000001000000000ull, f_tcp_data, 100,
	    sizeof(f_tcp_data), C("obsolete"), 1);
	other(f, 5, 28);	/* ISB */
	EPB(f, 0, 1700000002000000000ull, f_arp);
}

/* ---- the tests -------------------------------------------------------------- */

static void byte_orders(void **state)
{
	(void)state;
	for (int be = 0; be <= 1; be++) {
		struct fb f = { 0 };
		struct cap_pkt p;
		struct cap *c;

		sample(&f, be);
		assert_int_equal(same_as_libpcap(&f).packets, 4);
		c = open_fb(&f);
		assert_int_equal(cap_datalink(c), DLT_EN10MB);
		assert_int_equal(cap_snaplen(c), 65535);
		next(c, &p, CAP_NOTE);	/* the NRB before the IDB */
		assert_int_equal(p.ts_ns, 0);
		assert_null(p.data);
		assert_int_equal(p.ncomments, 1);
		assert_text(&p.comments[0], "before any interface");
		next(c, &p, 1);
		assert_int_equal(p.ts_ns, 1700000000123456789ll);
		assert_int_equal(p.caplen, sizeof(f_tcp_syn));
		assert_memory_equal(p.data, f_tcp_syn, sizeof(f_tcp_syn));
		assert_int_equal(p.dlt, DLT_EN10MB);
		assert_int_equal(p.ifid, 0);
		assert_int_equal(p.flags, 2);
		assert_int_equal(p.ncomments, 2);
		assert_text(&p.comments[0], "one");
		assert_text(&p.comments[1], "two");
		next(c, &p, CAP_NOTE);	/* porttop's flow note */
		assert_int_equal(p.ts_ns, 1700000000123456789ll);
		assert_int_equal(p.caplen + p.len + p.ifid + p.flags, 0);
		assert_int_equal(p.dlt, 0);
		assert_int_equal(p.ncomments, 1);
		assert_text(&p.comments[0], "porttop flow: tcp 10.99.0.1 44986 "
			    "10.99.0.2 8080\nPID: 1");
		next(c, &p, 1);		/* SPB: interface 0, no time */
		assert_int_equal(p.ts_ns, 0);
		assert_int_equal(p.ncomments + p.flags, 0);
		assert_null(p.comments);
		next(c, &p, 1);		/* PB */
		assert_int_equal(p.caplen, 100);
		assert_int_equal(p.len, sizeof(f_tcp_data));
		assert_int_equal(p.flags, 1);
		assert_text(&p.comments[0], "obsolete");
		next(c, &p, 1);
		assert_int_equal(p.ncomments, 0);
		next(c, &p, 0);
		next(c, &p, 0);
		cap_close(c);
		free(f.b);
	}
}

/* One packet at time t on an interface of the given if_tsresol and
 * if_tsoffset: libpcap's time, and ours must be want (unless -1). */
static void one_time(bool be, int res, bool has_off, int64_t off, uint64_t t,
		     int64_t want)
{
	struct fb f = { 0 };
	struct cap_pkt p;
	struct cap *c;

	shb(&f, be);
	idb_t(&f, 1, 0, res, has_off, off);
	EPB(&f, 0, t, f_tcp_syn);
	spb(&f, f_tcp_syn, sizeof(f_tcp_syn), sizeof(f_tcp_syn));
	same_as_libpcap(&f);
	c = open_fb(&f);
	next(c, &p, 1);
	if (want != -1)
		assert_int_equal(p.ts_ns, want);
	cap_close(c);
	free(f.b);
}

static void tsresol_decimal(void **state)
{
	(void)state;
	for (int n = 0; n <= 19; n++) {
		one_time(false, n, false, 0, 1700000000ull, -1);
		one_time(true, n, false, 0, 123456789012345678ull, -1);
		one_time(false, n, false, 0, UINT64_MAX, -1);
	}
	one_time(false, 3, false, 0, 1700000000500ull, 1700000000500000000ll);
	one_time(false, -1, false, 0, 1700000000000001ull,
		 1700000000000001000ll);	/* default: microseconds */
	one_time(false, 12, false, 0, 17000000001234567891ull,
		 17000000001234567ll);		/* picoseconds, cut */
}

static void tsresol_binary(void **state)
{
	static const int shifts[] = { 0, 1, 10, 20, 29, 30, 31, 32, 33, 34,
				      35, 40, 50, 62, 63 };

	(void)state;
	for (size_t i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
		one_time(false, 0x80 | shifts[i], false, 0, 1700000000ull, -1);
		one_time(true, 0x80 | shifts[i], false, 0,
			 0x123456789abcdef0ull, -1);
		one_time(false, 0x80 | shifts[i], false, 0, UINT64_MAX, -1);
	}
	one_time(false, 0x80 | 10, false, 0, 1024 * 5 + 512,
		 5500000000ll);	/* 5.5 s in 1/1024 s */
}

static void tsoffset(void **state)
{
	(void)state;
	one_time(false, 9, true, 3600, 1000000000ull, 3601000000000ll);
	one_time(true, 9, true, 3600, 1000000000ull, 3601000000000ll);
	one_time(false, 6, true, -100, 1000000000ull, 900000000000ll);
	/* seconds past 2^33 saturate, as cap_ts_ns() does */
	one_time(false, 9, true, INT64_MAX, 0, (1ll << 33) * 1000000000);
	one_time(false, 9, true, INT64_MIN, 5, -(1ll << 33) * 1000000000 + 5);
	one_time(false, 0, false, 0, 1ull << 40, (1ll << 33) * 1000000000);
	/* libpcap's unsigned seconds, cast to time_t: 2^64 - 1 is -1 */
	one_time(false, 0, false, 0, UINT64_MAX, -1000000000ll);
}

/* SPB: interface 0, captured length the least of the wire length and the
 * snapshot length, no time; it must hold that many bytes. */
static void simple_packet_block(void **state)
{
	struct fb f = { 0 };
	struct cap_pkt p;
	struct cap *c;

	(void)state;
	shb(&f, false);
	idb_t(&f, 1, 64, 9, true, 1000);
	spb(&f, f_tcp_data, 64, sizeof(f_tcp_data));
	spb(&f, f_arp, sizeof(f_arp), sizeof(f_arp));
	same_as_libpcap(&f);
	c = open_fb(&f);
	next(c, &p, 1);
	assert_int_equal(p.caplen, 64);
	assert_int_equal(p.len, sizeof(f_tcp_data));
	assert_int_equal(p.ts_ns, 1000000000000ll);	/* the offset */
	next(c, &p, 1);
	assert_int_equal(p.caplen, sizeof(f_arp));
	next(c, &p, 0);
	cap_close(c);
	/* too few bytes for its captured length */
	spb(&f, f_tcp_data, 40, sizeof(f_tcp_data));
	same_as_libpcap(&f);
	c = open_fb(&f);
	next(c, &p, 1);
	next(c, &p, 1);
	next_err(c, "block of type 3 in pcapng dump file is too short");
	cap_close(c);
	free(f.b);
}

static void obsolete_packet_block(void **state)
{
	struct fb f = { 0 };
	struct cap_pkt p;
	struct cap *c;

	(void)state;
	shb(&f, true);
	idb(&f, 1, 65535);
	idb(&f, 1, 65535);
	pkt(&f, 2, 1, 5000000, f_udp4, sizeof(f_udp4), sizeof(f_udp4),
	    C("pb comment"), 2);
	pkt(&f, 2, 0, 6000000, f_udp4, sizeof(f_udp4), sizeof(f_udp4), NULL, -1);
	same_as_libpcap(&f);
	c = open_fb(&f);
	next(c, &p, 1);
	assert_int_equal(p.ifid, 1);
	assert_int_equal(p.flags, 2);
	assert_int_equal(p.ts_ns, 5000000000ll);
	assert_int_equal(p.ncomments, 1);
	assert_text(&p.comments[0], "pb comment");
	next(c, &p, 1);
	assert_int_equal(p.ifid + p.flags + p.ncomments, 0);
	next(c, &p, 0);
	cap_close(c);
	free(f.b);
}

/* NRB comments are notes, with the last packet's time; NRBs without
 * comments, or whose records do not fit, are skipped like unknown blocks;
 * at most 8 comments are kept. */
static void name_resolution_notes(void **state)
{
	struct fb f = { 0 };
	struct cap_pkt p;
	struct cap *c;
	size_t bad;

	(void)state;
	shb(&f, false);
	idb(&f, 1, 0);
	nrb(&f, false, NULL);
	EPB(&f, 0, 7000000, f_tcp_syn);
	nrb(&f, false, C("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"));
	bad = f.n;
	nrb(&f, false, C("records do not fit"));
	f.b[bad + 10] = 0xff;	/* the record's length: 32767 */
	f.b[bad + 11] = 0x7f;
	EPB(&f, 0, 8000000, f_tcp_syn);
	same_as_libpcap(&f);
	c = open_fb(&f);
	next(c, &p, 1);
	next(c, &p, CAP_NOTE);
	assert_int_equal(p.ts_ns, 7000000000ll);
	assert_int_equal(p.ncomments, CAP_MAX_COMMENTS);
	assert_text(&p.comments[0], "a");
	assert_text(&p.comments[7], "h");
	next(c, &p, 1);
	assert_int_equal(p.ts_ns, 8000000000ll);
	next(c, &p, 0);
	cap_close(c);
	free(f.b);
}

/* Comments and flags of a packet; options that run past the block end the
 * options (libpcap does not read them: the packet stands). */
static void packet_comments_and_flags(void **state)
{
	struct fb f = { 0 };
	struct cap_pkt p;
	struct cap *c;
	size_t at;

	(void)state;
	shb(&f, false);
	idb(&f, 1, 0);
	pkt(&f, 6, 0, 1, f_tcp_syn, sizeof(f_tcp_syn), sizeof(f_tcp_syn),
	    C("1", "2", "3", "4", "5", "6", "7", "8", "9"), 0x80000001);
	at = f.n;
	pkt(&f, 6, 0, 2, f_tcp_syn, 5, 5, C("kept", "cut"), -1);
	/* the second comment's length (at +8 +20 +8 +8) claims 200 bytes */
	f.b[at + 8 + 20 + 8 + 8 + 2] = 200;
	pkt(&f, 6, 0, 3, f_tcp_syn, 0, 0, C(""), 3);
	same_as_libpcap(&f);
	c = open_fb(&f);
	next(c, &p, 1);
	assert_int_equal(p.ncomments, CAP_MAX_COMMENTS);
	assert_text(&p.comments[7], "8");
	assert_int_equal(p.flags, 0x80000001u);
	next(c, &p, 1);
	assert_int_equal(p.caplen, 5);
	assert_int_equal(p.ncomments, 1);
	assert_text(&p.comments[0], "kept");
	next(c, &p, 1);
	assert_int_equal(p.caplen, 0);
	assert_int_equal(p.ncomments, 1);
	assert_text(&p.comments[0], "");
	assert_int_equal(p.flags, 3);
	next(c, &p, 0);
	cap_close(c);
	free(f.b);
}

/* dumpcap -i eth0 -i tun0: Ethernet and raw IP (LINKTYPE 101) interfaces
 * of different snapshot lengths.  libpcap stops at the second interface;
 * each packet carries its own. */
static void mixed_file(struct fb *f)
{
	shb(f, false);
	idb(f, 1, 262144);
	idb_t(f, 101, 128, 6, false, 0);
	EPB(f, 0, 1, f_tcp_syn);
	pkt(f, 6, 1, 2, f_tcp_syn + 14, sizeof(f_tcp_syn) - 14,
	    sizeof(f_tcp_syn) - 14, C("tun0"), -1);
	EPB(f, 0, 3, f_udp4);
	EPB(f, 1, 4, f_raw4);
}

static void mixed_interfaces(void **state)
{
	struct fb f = { 0 };
	struct capcmp_res r;
	struct cap_pkt p;
	struct cap *c;

	(void)state;
	mixed_file(&f);
	r = capcmp_file(save(&f, f.n));
	assert_int_equal(r.verdict, CAPCMP_MIXED);
	assert_int_equal(r.packets, 0);
	assert_int_equal(r.beyond, 4);
	c = open_fb(&f);
	assert_int_equal(cap_datalink(c), DLT_EN10MB);
	assert_int_equal(cap_snaplen(c), 262144);
	next(c, &p, 1);
	assert_int_equal(p.dlt, DLT_EN10MB);
	assert_int_equal(p.ts_ns, 1000);
	next(c, &p, 1);
	assert_int_equal(p.dlt, DLT_RAW);
	assert_int_equal(p.ifid, 1);
	assert_int_equal(p.ts_ns, 2000);
	assert_memory_equal(p.data, f_tcp_syn + 14, p.caplen);
	assert_text(&p.comments[0], "tun0");
	next(c, &p, 1);
	next(c, &p, 1);
	assert_int_equal(p.dlt, DLT_RAW);
	next(c, &p, 0);
	cap_close(c);
	/* each packet against its own interface's snapshot length (128) */
	pkt(&f, 6, 1, 5, f_tcp_data, 150, 150, NULL, -1);
	c = open_fb(&f);
	for (int i = 0; i < 4; i++)
		next(c, &p, 1);
	next_err(c, "invalid packet capture length 150, bigger than snaplen "
		 "of 128");
	cap_close(c);
	free(f.b);
}

/* Filters: compiled for each link type as its first packet comes; one
 * that does not compile for a later type drops that type's packets. */
static int count_filtered(const struct fb *f, const char *expr, int *rc)
{
	char err[CAP_ERRBUF_SIZE];
	struct cap_pkt p;
	struct cap *c = open_fb(f);
	int n = 0, r;

	*rc = cap_set_filter(c, expr, err);
	if (*rc == CAP_OK)
		while ((r = cap_next(c, &p, err)) == 1 || r == CAP_NOTE)
			n += r == 1;
	cap_close(c);
	return n;
}

static void filters(void **state)
{
	struct fb f = { 0 };
	int rc;

	(void)state;
	mixed_file(&f);
	assert_int_equal(count_filtered(&f, "tcp", &rc), 2);
	assert_int_equal(count_filtered(&f, "udp", &rc), 2);
	assert_int_equal(count_filtered(&f, "ip", &rc), 4);
	assert_int_equal(count_filtered(&f, "host 9.9.9.9", &rc), 1);
	/* Ethernet only: raw IP packets never match */
	assert_int_equal(count_filtered(&f, "ether host 02:00:00:99:00:01",
					&rc), 2);
	assert_int_equal(count_filtered(&f, "tcp port", &rc), 0);
	assert_int_equal(rc, CAP_ERR_FILTER);
	free(f.b);
}

/* ---- lying lengths ------------------------------------------------------ */

/* A file whose block k (0: the SHB) is damaged by fn; must read as libpcap
 * reads it, and end with msg after `before` packets (open: -1). */
struct lie {
	const char *name;
	int block;		/* 1: the IDB, 3: the second EPB */
	uint32_t off;		/* field offset in the block */
	uint32_t value;
	int before;
	const char *msg;
};

static size_t block_at(const struct fb *f, int k)
{
	size_t at = 0;

	for (int i = 0; i < k; i++) {
		uint32_t len = f->be ?
			(uint32_t)f->b[at + 4] << 24 | (uint32_t)f->b[at + 5] << 16 |
			(uint32_t)f->b[at + 6] << 8 | f->b[at + 7] :
			(uint32_t)f->b[at + 7] << 24 | (uint32_t)f->b[at + 6] << 16 |
			(uint32_t)f->b[at + 5] << 8 | f->b[at + 4];
		at += len;
	}
	return at;
}

static void lying_lengths(void **state)
{
	static const struct lie lies[] = {
		{ "block length 8", 3, 4, 8, 1, "block in pcapng dump file has "
		  "a length of 8 < 12" },
		{ "block length 98", 3, 4, 98, 1, "block in pcapng dump file "
		  "has a length of 98 that is not a multiple of 4" },
		{ "block over 16 MiB", 3, 4, (16u << 20) + 4, 1, "pcapng block "
		  "size 16777220 > maximum 16777216" },
		{ "block past the end", 3, 4, 4000, 1, "truncated pcapng dump "
		  "file; tried to read 3992 bytes, only got 208" },
		{ "trailer", 3, 4, 100, 1, "block total length in header and "
		  "trailer don't match" },
		{ "undescribed interface", 3, 8, 7, 1, "a packet arrived on "
		  "interface 7, but there's no Interface Description Block "
		  "for that interface" },
		{ "caplen past the block", 3, 20, 120, 1, "block of type 6 in "
		  "pcapng dump file is too short" },
		{ "caplen above snaplen", 3, 20, 70000, 1, "invalid packet "
		  "capture length 70000, bigger than snaplen of 65535" },
		{ "idb options past the block", 1, 14, 0x100, -1, "block of "
		  "type 1 in pcapng dump file is too short" },
		{ "idb trailer", 1, 4, 24, -1, "block total length in header "
		  "and trailer don't match" },
		{ "shb length", 0, 4, 24, -1, "Section Header Block in pcapng "
		  "dump file has invalid length 28 < _24_ < 1048576 "
		  "(BT_SHB_INSANE_MAX)" },
		{ "shb past the end", 0, 4, 1 << 20, -1, "truncated pcapng dump "
		  "file; tried to read 1048564 bytes, only got 392" },
		{ "shb version", 0, 12, 0x00010001, -1, "unsupported pcapng "
		  "savefile version 1.1" },
	};

	(void)state;
	for (int be = 0; be <= 1; be++)
		for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
			const struct lie *l = &lies[i];
			struct fb f = { 0 };
			struct cap_pkt p;
			struct cap *c;
			size_t at;

			shb(&f, be);
			idb_t(&f, 1, 65535, 9, false, 0);
			EPB(&f, 0, 1, f_tcp_syn);
			EPB(&f, 0, 2, f_tcp_syn);
			EPB(&f, 0, 3, f_tcp_syn);
			at = block_at(&f, l->block);
			if (strcmp(l->name, "shb version") == 0)
				f.b[at + 12 + (be ? 3 : 2)] = 1;	/* minor */
			else if (strcmp(l->name, "idb options past the block") == 0)
				f.b[at + 16 + (be ? 2 : 3)] = 1;	/* if_name len */
			else
				patch32(&f, at + l->off, l->value);
			print_message("# %s%s\n", l->name, be ? " (big-endian)" : "");
			same_as_libpcap(&f);
			if (l->before < 0) {
				open_err(&f, l->msg);
			} else {
				c = open_fb(&f);
				for (int k = 0; k < l->before; k++)
					next(c, &p, 1);
				next_err(c, l->msg);
				cap_close(c);
			}
			free(f.b);
		}
}

/* Interface options libpcap refuses, in the first IDB (open) or a later
 * one of the same link type (mid-file). */
static void idb_option_errors(void **state)
{
	static const struct {
		uint16_t code, len;
		uint8_t v[8];
		const char *msg;
	} bad[] = {
		{ 9, 2, { 6, 6 }, "Interface Description Block has if_tsresol "
		  "option with length 2 != 1" },
		{ 9, 1, { 20 }, "Interface Description Block if_tsresol option "
		  "resolution 10^-20 is too high" },
		{ 9, 1, { 0x80 | 64 }, "Interface Description Block if_tsresol "
		  "option resolution 2^-64 is too high" },
		{ 14, 4, { 0 }, "Interface Description Block has if_tsoffset "
		  "option with length 4 != 8" },
		{ 0, 4, { 0 }, "Interface Description Block has opt_endofopt "
		  "option with length 4 != 0" },
		{ 9, 1, { 6 }, "Interface Description Block has more than one "
		  "if_tsresol option" },
		{ 14, 8, { 0 }, "Interface Description Block has more than one "
		  "if_tsoffset option" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (int mid = 0; mid <= 1; mid++) {
			struct fb f = { 0 };
			struct cap_pkt p;
			struct cap *c;

			shb(&f, i % 2);
			if (mid) {
				idb(&f, 1, 65535);
				EPB(&f, 0, 1, f_tcp_syn);
			}
			bopen(&f, 1);
			p16(&f, 1);
			p16(&f, 0);
			p32(&f, 65535);
			if (i == 5)
				opt(&f, 9, "\x06", 1);
			if (i == 6)
				opt(&f, 14, "\0\0\0\0\0\0\0\0", 8);
			opt(&f, bad[i].code, bad[i].v, bad[i].len);
			bclose(&f);
			EPB(&f, 0, 2, f_tcp_syn);
			same_as_libpcap(&f);
			if (!mid) {
				open_err(&f, bad[i].msg);
				free(f.b);
				continue;
			}
			c = open_fb(&f);
			next(c, &p, 1);
			next_err(c, bad[i].msg);
			cap_close(c);
			free(f.b);
		}
}

/* Blocks too short for their fixed part: body of 0 to fixed - 4 bytes. */
static void short_blocks(void **state)
{
	static const struct {
		uint32_t type, fixed;
	} t[] = { { 6, 20 }, { 2, 20 }, { 3, 4 }, { 1, 8 }, { 0x0A0D0D0A, 16 } };

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (uint32_t body = 0; body < t[i].fixed; body += 4) {
			char msg[80];
			struct fb f = { 0 };
			struct cap_pkt p;
			struct cap *c;

			shb(&f, body % 8 == 4);
			idb(&f, 1, 65535);
			EPB(&f, 0, 1, f_arp);
			bopen(&f, t[i].type);
			for (uint32_t k = 0; k < body; k++)
				put(&f, "\0", 1);
			bclose(&f);
			same_as_libpcap(&f);
			c = open_fb(&f);
			next(c, &p, 1);
			snprintf(msg, sizeof(msg), "block of type %u in pcapng "
				 "dump file is too short", t[i].type);
			next_err(c, msg);
			cap_close(c);
			free(f.b);
		}
}

/* Blocks libpcap wants before it will read packets, and sections. */
static void open_and_sections(void **state)
{
	struct fb f = { 0 };
	struct cap_pkt p;
	struct cap *c;
	size_t at;

	(void)state;
	shb(&f, false);
	other(&f, 5, 4);
	open_err(&f, "the capture file has no Interface Description Blocks");
	same_as_libpcap(&f);
	EPB(&f, 0, 1, f_arp);
	open_err(&f, "the capture file has a packet block before any "
		 "Interface Description Blocks");
	same_as_libpcap(&f);
	free(f.b);

	/* a second section: interfaces numbered from 0 again */
	memset(&f, 0, sizeof(f));
	shb(&f, true);
	idb(&f, 1, 65535);
	idb(&f, 1, 65535);
	EPB(&f, 1, 1, f_arp);
	shb(&f, true);
	idb(&f, 1, 65535);
	EPB(&f, 0, 2, f_arp);
	at = f.n;
	EPB(&f, 1, 3, f_arp);
	same_as_libpcap(&f);
	c = open_fb(&f);
	next(c, &p, 1);
	assert_int_equal(p.ifid, 1);
	next(c, &p, 1);
	assert_int_equal(p.ifid, 0);
	next_err(c, "a packet arrived on interface 1, but there's no Interface "
		 "Description Block for that interface");
	cap_close(c);

	/* a section of the other byte order, a bad magic, version 2 */
	f.n = at;
	shb(&f, false);
	same_as_libpcap(&f);
	f.n = at;
	f.be = true;
	shb_v(&f, true, 2, 0);
	same_as_libpcap(&f);
	c = open_fb(&f);
	next(c, &p, 1);
	next(c, &p, 1);
	next_err(c, "unknown pcapng savefile major version number 2");
	cap_close(c);
	patch32(&f, at + 8, 0x11111111);
	same_as_libpcap(&f);
	c = open_fb(&f);
	next(c, &p, 1);
	next(c, &p, 1);
	next_err(c, "the file has a section with a bad byte order magic field");
	cap_close(c);
	free(f.b);

	/* libpcap reads the first SHB's length as it is: a length that is no
	 * multiple of 4 puts the next block off by 2 */
	memset(&f, 0, sizeof(f));
	shb(&f, false);
	idb(&f, 1, 65535);
	EPB(&f, 0, 1, f_arp);
	patch32(&f, 4, 42);
	same_as_libpcap(&f);
	patch32(&f, 4, 36);
	same_as_libpcap(&f);
	free(f.b);

	/* the first 12 bytes decide: not pcapng after all */
	memset(&f, 0, sizeof(f));
	shb(&f, false);
	f.b[8] = 0;
	same_as_libpcap(&f);
	open_err(&f, "unknown file format");
	f.n = 8;
	same_as_libpcap(&f);
	free(f.b);
}

/* Cut a file at every byte: never a crash; what libpcap reads, we read. */
static void truncated_everywhere(void **state)
{
	(void)state;
	for (int be = 0; be <= 1; be++) {
		struct fb f = { 0 };
		long last = -1;

		sample(&f, be);
		for (size_t n = 0; n <= f.n; n++) {
			struct capcmp_res r = capcmp_file(save(&f, n));

			if (r.verdict != CAPCMP_SAME)
				fail_msg("cut at %zu: %s", n, r.why);
			/* a prefix: never fewer packets than a shorter cut */
			assert_true(r.packets >= last);
			last = r.packets;
			assert_int_equal(r.ours, n >= 12);
		}
		assert_int_equal(last, 4);
		free(f.b);
	}
}

/* ---- pseudo-headers ---------------------------------------------------------- */

/* One packet of a link type in a file of the other byte order (big-
 * endian here): libpcap turns its host-order pseudo-header fields into
 * ours; the bytes must be libpcap's, and (the point) not the file's. */
static void pseudo_one(uint16_t lt, const uint8_t *data, uint32_t n, bool be,
		       bool changes)
{
	struct fb f = { 0 };
	struct cap_pkt p;
	struct cap *c;

	shb(&f, be);
	idb(&f, lt, 0);
	pkt(&f, 6, 0, 1, data, n, n, NULL, -1);
	same_as_libpcap(&f);
	c = open_fb(&f);
	next(c, &p, 1);
	if (changes)
		assert_true(memcmp(p.data, data, n) != 0);
	else
		assert_memory_equal(p.data, data, n);
	cap_close(c);
	free(f.b);
}

static void pseudo_headers(void **state)
{
	uint8_t b[256];

	(void)state;
	/* SLL, protocol 0x000C (CAN): the CAN id after the header */
	memset(b, 0x11, sizeof(b));
	b[14] = 0x00, b[15] = 0x0C, b[16] = 1, b[19] = 4;
	pseudo_one(113, b, 24, true, true);
	pseudo_one(113, b, 24, false, false);
	pseudo_one(113, b, 18, true, false);	/* no room for the id */
	b[15] = 0x08;				/* IPv4: untouched */
	pseudo_one(113, b, 24, true, false);
	/* SLL2, CAN FD */
	b[0] = 0x00, b[1] = 0x0D, b[20] = 1, b[23] = 2;
	pseudo_one(276, b, 28, true, true);
	/* PFLOG: a 64-byte header (length 61), uid, pid, rule uid and pid */
	memset(b, 0, sizeof(b));
	b[0] = 61, b[44] = 1, b[48] = 2, b[52] = 3, b[56] = 4;
	pseudo_one(117, b, 64, true, true);
	b[0] = 47;				/* no uid in the header */
	pseudo_one(117, b, 64, true, false);
	/* NFLOG: version 0, TLVs of 8 and 5 (padded to 8) bytes */
	memset(b, 0, sizeof(b));
	b[0] = 2, b[4] = 0, b[5] = 8, b[12] = 0, b[13] = 5;
	pseudo_one(239, b, 20, true, true);
	b[5] = 1;				/* 1 byte, padded to 4 */
	pseudo_one(239, b, 20, true, true);
	/* USB: isochronous, 2 descriptors; setup packets */
	memset(b, 0, sizeof(b));
	for (int i = 0; i < 64; i++)
		b[i] = (uint8_t)i;
	b[9] = 0, b[60] = 0, b[61] = 0, b[62] = 0, b[63] = 2;
	pseudo_one(189, b, 64, true, true);
	pseudo_one(220, b, 96, true, true);
	pseudo_one(220, b, 70, true, true);	/* cut in a descriptor */
	b[9] = 2;
	pseudo_one(220, b, 96, true, true);
	pseudo_one(220, b, 30, true, true);	/* cut in the header */
}

/* DLT_USB_LINUX_MMAPPED in either byte order: an incoming isochronous
 * completion whose wire length came from the URB length gets the one
 * libpcap computes from its descriptors. */
static void usb_wire_length(void **state)
{
	uint8_t b[128] = { 0 };
	uint32_t v;

	(void)state;
	b[8] = 'C', b[9] = 0, b[10] = 0x81, b[15] = 0;
	v = 1000;			/* urb_len */
	memcpy(b + 32, &v, 4);
	v = 2;				/* ndesc */
	memcpy(b + 60, &v, 4);
	v = 0, memcpy(b + 64 + 4, &v, 4);
	v = 10, memcpy(b + 64 + 8, &v, 4);
	v = 500, memcpy(b + 80 + 4, &v, 4);
	v = 300, memcpy(b + 80 + 8, &v, 4);
	for (int be = 0; be <= 1; be++) {
		struct fb f = { 0 };
		struct cap_pkt p;
		struct cap *c;

		shb(&f, be);
		idb(&f, 220, 0);
		/* wire length 64 + 2 * 16 + 1000: the old computation */
		pkt(&f, 6, 0, 1, b, sizeof(b), 1096, NULL, -1);
		same_as_libpcap(&f);
		c = open_fb(&f);
		next(c, &p, 1);
		if (!be)	/* our byte order: 64 + 32 + 800 */
			assert_int_equal(p.len, 896);
		cap_close(c);
		free(f.b);
	}
}

/* ---- sources ------------------------------------------------------------------- */

/* A writer process feeding a pipe a few bytes at a time. */
static pid_t feed(const struct fb *f, int *rd, size_t step)
{
	int fds[2];
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		for (size_t at = 0; at < f->n; at += step) {
			size_t n = f->n - at < step ? f->n - at : step;

			if (write(fds[1], f->b + at, n) != (ssize_t)n)
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	*rd = fds[0];
	return pid;
}

static void pipes_and_stdin(void **state)
{
	char err[CAP_ERRBUF_SIZE];
	struct fb f = { 0 };
	struct cap_pkt p;
	struct cap *c;
	int rd, in = dup(STDIN_FILENO), n, st;
	pid_t pid;

	(void)state;
	sample(&f, false);
	for (int i = 0; i < 60; i++)		/* past the first buffer */
		pkt(&f, 6, 0, (uint64_t)i, f_tcp_data, sizeof(f_tcp_data),
		    sizeof(f_tcp_data), C("x"), -1);
	other(&f, 0xBAD, 2u << 20);		/* larger than the buffer */
	EPB(&f, 0, 99, f_arp);
	for (size_t step = 7; step < 70000; step *= 97) {
		pid = feed(&f, &rd, step);
		assert_true(dup2(rd, STDIN_FILENO) >= 0);
		close(rd);
		assert_int_equal(cap_open_file("-", &c, err), CAP_OK);
		assert_non_null(c->ng);
		n = 0;
		while ((st = cap_next(c, &p, err)) == 1 || st == CAP_NOTE)
			n += st == 1;
		assert_int_equal(st, 0);
		assert_int_equal(n, 4 + 60 + 1);
		assert_int_equal(p.ts_ns, 99);
		cap_close(c);
		assert_int_equal(waitpid(pid, &st, 0), pid);
	}
	/* a cut stream: libpcap's message */
	f.n -= 10;
	pid = feed(&f, &rd, 4096);
	assert_true(dup2(rd, STDIN_FILENO) >= 0);
	close(rd);
	assert_int_equal(cap_open_file("-", &c, err), CAP_OK);
	while ((st = cap_next(c, &p, err)) == 1 || st == CAP_NOTE)
		;
	assert_int_equal(st, CAP_ERR_READ);
	assert_string_equal(err, "truncated pcapng dump file; tried to read "
			    "68 bytes, only got 58");
	cap_close(c);
	waitpid(pid, &st, 0);
	assert_true(dup2(in, STDIN_FILENO) >= 0);
	close(in);
	free(f.b);
}

/* A pcap file goes to libpcap through a cookie stream: ftello works. */
static void progress_pcap(void)
{
	char err[CAP_ERRBUF_SIZE];
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *pd = pcap_dump_open(dead, tpath("t.pcap"));
	struct pcap_pkthdr h = { .caplen = sizeof(f_tcp_syn),
				 .len = sizeof(f_tcp_syn) };
	uint64_t done, total;
	struct cap_pkt p;
	struct cap *c;

	assert_non_null(pd);
	for (int i = 0; i < 3000; i++)
		pcap_dump((u_char *)pd, &h, f_tcp_syn);
	pcap_dump_close(pd);
	pcap_close(dead);
	assert_int_equal(cap_open_file(tpath("t.pcap"), &c, err), CAP_OK);
	assert_null(c->ng);
	next(c, &p, 1);
	assert_int_equal(p.dlt, DLT_EN10MB);
	assert_null(p.comments);
	cap_progress(c, &done, &total);
	assert_int_equal(total, 24 + 3000 * (16 + sizeof(f_tcp_syn)));
	assert_int_equal(done, 24 + 16 + sizeof(f_tcp_syn));
	while (cap_next(c, &p, err) == 1)
		;
	cap_progress(c, &done, &total);
	assert_int_equal(done, total);
	cap_close(c);
	unlink(tpath("t.pcap"));
}

static void progress(void **state)
{
	struct fb f = { 0 };
	struct cap_pkt p;
	uint64_t done, total;
	struct cap *c;

	(void)state;
	sample(&f, true);
	c = open_fb(&f);
	cap_progress(c, &done, &total);
	assert_int_equal(total, f.n);
	assert_true(done > 0 && done < f.n);
	while (cap_next(c, &p, (char[CAP_ERRBUF_SIZE]){ 0 }) > 0)
		;
	cap_progress(c, &done, &total);
	assert_int_equal(done, f.n);
	cap_close(c);
	free(f.b);
	progress_pcap();
}

static struct cap *alarmed;

static void on_alarm(int sig)
{
	(void)sig;
	cap_breakloop(alarmed);
}

/* cap_breakloop: the next cap_next() returns 0, then reading goes on; from
 * a signal handler, a read blocked on a pipe returns 0 too. */
static void breakloop(void **state)
{
	char err[CAP_ERRBUF_SIZE];
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct fb f = { 0 };
	struct cap_pkt p;
	struct cap *c;
	int fds[2];

	(void)state;
	sample(&f, false);
	c = open_fb(&f);
	cap_breakloop(c);
	next(c, &p, 0);
	next(c, &p, CAP_NOTE);
	cap_close(c);

	/* the header only, and a writer that never writes more */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], f.b, block_at(&f, 4)),
			 (ssize_t)block_at(&f, 4));
	int in = dup(STDIN_FILENO);

	assert_true(dup2(fds[0], STDIN_FILENO) >= 0);
	assert_int_equal(cap_open_file("-", &c, err), CAP_OK);
	alarmed = c;
	sigemptyset(&sa.sa_mask);	/* no SA_RESTART: read() stops */
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	next(c, &p, CAP_NOTE);
	alarm(1);
	next(c, &p, 0);
	sigaction(SIGALRM, &old, NULL);
	/* the rest comes: reading goes on where it stopped */
	assert_true(write(fds[1], f.b + block_at(&f, 4), f.n - block_at(&f, 4))
		    > 0);
	close(fds[1]);
	next(c, &p, 1);
	assert_memory_equal(p.data, f_tcp_syn, sizeof(f_tcp_syn));
	cap_close(c);
	assert_true(dup2(in, STDIN_FILENO) >= 0);
	close(in);
	close(fds[0]);
	free(f.b);
}

/* DLT_DBUS allows blocks of 128 MiB; a 17 MiB packet is read. */
static void large_blocks(void **state)
{
	struct fb f = { 0 };
	uint8_t *big = calloc(1, 17u << 20);

	(void)state;
	assert_non_null(big);
	shb(&f, false);
	idb(&f, 231, 0);	/* LINKTYPE_DBUS */
	pkt(&f, 6, 0, 1, big, 17u << 20, 17u << 20, NULL, -1);
	EPB(&f, 0, 2, f_arp);
	assert_int_equal(same_as_libpcap(&f).packets, 2);
	free(big);
	free(f.b);
}

static void linktypes(void **state)
{
	(void)state;
	assert_int_equal(cap_ng_linktype_to_dlt(1), DLT_EN10MB);
	assert_int_equal(cap_ng_linktype_to_dlt(101), DLT_RAW);
	assert_int_equal(cap_ng_linktype_to_dlt(108), DLT_LOOP);
	assert_int_equal(cap_ng_linktype_to_dlt(113), DLT_LINUX_SLL);
	assert_int_equal(cap_ng_linktype_to_dlt(12), 12);
	assert_int_equal(cap_ng_linktype_to_dlt(106), DLT_ATM_CLIP);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/test_cap_pcapng.XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	unlink(tpath("t.pcapng"));
	return rmdir(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(byte_orders),
		cmocka_unit_test(tsresol_decimal),
		cmocka_unit_test(tsresol_binary),
		cmocka_unit_test(tsoffset),
		cmocka_unit_test(simple_packet_block),
		cmocka_unit_test(obsolete_packet_block),
		cmocka_unit_test(name_resolution_notes),
		cmocka_unit_test(packet_comments_and_flags),
		cmocka_unit_test(mixed_interfaces),
		cmocka_unit_test(filters),
		cmocka_unit_test(lying_lengths),
		cmocka_unit_test(idb_option_errors),
		cmocka_unit_test(short_blocks),
		cmocka_unit_test(open_and_sections),
		cmocka_unit_test(truncated_everywhere),
		cmocka_unit_test(pseudo_headers),
		cmocka_unit_test(usb_wire_length),
		cmocka_unit_test(pipes_and_stdin),
		cmocka_unit_test(progress),
		cmocka_unit_test(breakloop),
		cmocka_unit_test(large_blocks),
		cmocka_unit_test(linktypes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
