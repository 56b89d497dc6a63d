/*
 * test_attr_file.c - process records from pcapng comments, read in one
 * pass as the engine reads a file (attrib/attr_file.c fed by the capture
 * reader, capture/cap_pcapng.c): files written by porttop's own -w writer
 * (capture/cap_dump.c), a ptcpdump-style file and files built byte by byte
 * here (both byte orders, several sections of several link types, SPB,
 * the obsolete PB, unknown blocks, the comment grammar), a plain pcap, a
 * pipe, and records before damage.  The reader's own checks of every
 * length are test_cap_pcapng.c's.
 * Frames are frames.h's (tcp-http-curl.pcap and friends): 10.99.0.1 and
 * fd00:99::1 are the client, 10.99.0.2 and fd00:99::2 the server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frames.h"
#include "../../attrib/attr.h"
#include "../../attrib/attr_int.h"
#include "../../capture/cap.h"
#include "../../capture/cap_dump.h"

static char tmp[64];

static const char *tpath(const char *name)
{
	static char p[sizeof(tmp) + 256 + 2];

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

static void p16(struct fb *f, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	if (f->be) {
		b[0] = (uint8_t)(v >> 8);
		b[1] = (uint8_t)v;
	}
	put(f, b, 2);
}

static void p32(struct fb *f, uint32_t v)
{
	uint8_t b[4];

	for (int i = 0; i < 4; i++)
		b[f->be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
	put(f, b, 4);
}

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
	size_t at = f->n;

	pad(f);
	uint32_t total = (uint32_t)(f->n - f->start + 4);
	f->n = f->start + 4;
	p32(f, total);
	f->n = at;
	pad(f);
	p32(f, total);
}

static void shb(struct fb *f, bool be)
{
	f->be = be;
	bopen(f, 0x0A0D0D0A);
	p32(f, 0x1A2B3C4D);
	p16(f, 1);
	p16(f, 0);
	p32(f, 0xffffffff);
	p32(f, 0xffffffff);
	bclose(f);
}

static void idb(struct fb *f, uint16_t linktype, uint32_t snaplen)
{
	bopen(f, 1);
	p16(f, linktype);
	p16(f, 0);
	p32(f, snaplen);
	bclose(f);
}

static void opt(struct fb *f, uint16_t code, const void *v, uint16_t len)
{
	p16(f, code);
	p16(f, len);
	put(f, v, len);
	pad(f);
}

/* EPB (type 6) or obsolete PB (type 2): caplen bytes of frame, wire length
 * wire, the NULL-terminated comments, epb_flags unless flags < 0. */
static void pkt(struct fb *f, uint32_t type, uint32_t ifid, const uint8_t *frame,
		uint32_t caplen, uint32_t wire, const char *const *comments,
		int64_t flags)
{
	bool any = false;

	bopen(f, type);
	if (type == 2) {
		p16(f, (uint16_t)ifid);
		p16(f, 0);
	} else {
		p32(f, ifid);
	}
	p32(f, 0);
	p32(f, 0);
	p32(f, caplen);
	p32(f, wire);
	put(f, frame, caplen);
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
#define EPB(f, fr, comments, flags) \
	pkt(f, 6, 0, fr, sizeof(fr), sizeof(fr), comments, flags)

static void spb(struct fb *f, const uint8_t *frame, uint32_t len)
{
	bopen(f, 3);
	p32(f, len);
	put(f, frame, len);
	bclose(f);
}

/* A block we do not read: type and n bytes of body. */
static void other(struct fb *f, uint32_t type, size_t n)
{
	bopen(f, type);
	for (size_t i = 0; i < n; i++)
		put(f, "\x5a", 1);
	bclose(f);
}

static void save(const char *path, const uint8_t *b, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(b, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/* ---- reading, as the engine reads ------------------------------------- */

struct got {
	struct attr_sock s[64];
	int n;
	struct attr_file_stats st;
	int is_ng;		/* the reader is pcapng's */
	int active;		/* attr_active after the file */
	char err[CAP_ERRBUF_SIZE];
};

static void collect(void *arg, const struct attr_sock *s)
{
	struct got *g = arg;

	if (g->n < 64)		/* the first ones; all are counted */
		g->s[g->n] = *s;
	g->n++;
}

/* Read path through a file service: every packet decoded by its own link
 * type and given to attr_file_packet, every note to attr_file_note.  0 at
 * the end of the file, -1 when it cannot be opened or breaks (g->err);
 * *out, when not NULL, keeps the service for lookups. */
static int scan_keep(const char *path, struct got *g, struct attr **out)
{
	struct attr *a = NULL;
	struct cap *c;
	struct cap_pkt pk;
	struct dec dec;
	int rc;

	memset(g, 0, sizeof(*g));
	if (cap_open_file(path, &c, g->err) != CAP_OK) {
		print_message("scan %s: %s\n", path, g->err);
		return -1;
	}
	g->is_ng = cap_comments(c);
	assert_int_equal(attr_open_file(&a, cap_process_comments(c)), 0);
	attr_file_tap(a, collect, g);
	assert_int_equal(dec_init(&dec, 64), 0);
	while ((rc = cap_next(c, &pk, g->err)) > 0) {
		const struct dec_link *lk = dec_link_find(pk.dlt);
		struct dec_pkt p;

		if (rc == CAP_NOTE) {
			attr_file_note(a, &pk);
			continue;
		}
		attr_file_packet(a, lk && dec_frame(&dec, lk, pk.data, pk.caplen,
						    pk.len, pk.ts_ns, &p) ==
					     DEC_OK ? &p : NULL, &pk);
	}
	dec_free(&dec);
	cap_close(c);
	attr_file_get_stats(a, &g->st);
	g->active = attr_active(a);
	if (out)
		*out = a;
	else
		attr_stop(a);
	return rc < 0 ? -1 : 0;
}

static int scan(const char *path, struct got *g)
{
	return scan_keep(path, g, NULL);
}

static int scan_fb(struct fb *f, size_t n, struct got *g)
{
	save(tpath("t.pcapng"), f->b, n);
	return scan(tpath("t.pcapng"), g);
}

static void assert_stats(const struct got *g, uint64_t packets,
			 uint64_t commented, uint64_t records,
			 uint64_t undecoded, uint64_t bad)
{
	assert_int_equal(g->st.packets, packets);
	assert_int_equal(g->st.commented, commented);
	assert_int_equal(g->st.records, records);
	assert_int_equal(g->st.undecoded, undecoded);
	assert_int_equal(g->st.bad_comments, bad);
	assert_int_equal(g->n, records);
}

/* s is the record: proto, the owner's end l:lp, the other r:rp, owner. */
static void assert_rec(const struct attr_sock *s, int proto, const char *l,
		       uint16_t lp, const char *r, uint16_t rp, int32_t pid,
		       const char *comm, uint32_t uid, uint64_t cgroup)
{
	uint8_t la[16] = { 0 }, ra[16] = { 0 };
	int af = strchr(l, ':') ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(af, l, la), 1);
	assert_int_equal(inet_pton(af, r, ra), 1);
	assert_int_equal(s->proto, proto);
	assert_int_equal(s->ipv, af == AF_INET ? 4 : 6);
	assert_memory_equal(s->laddr, la, 16);
	assert_memory_equal(s->raddr, ra, 16);
	assert_int_equal(s->lport, lp);
	assert_int_equal(s->rport, rp);
	assert_int_equal(s->pid, pid);
	assert_string_equal(s->comm, comm);
	assert_int_equal(s->uid, uid);
	assert_int_equal(s->cgroup, cgroup);
	assert_int_equal(s->listener, 0);
	assert_int_equal(s->closed, 0);
	assert_int_equal(s->inode, 0);
	assert_int_equal(s->netns, 0);
	assert_int_equal(s->src, ATTR_SRC_PCAPNG);
}

#define NOUID UINT32_MAX
#define C1 "10.99.0.1"
#define S1 "10.99.0.2"
#define C6 "fd00:99::1"
#define S6 "fd00:99::2"

/* ---- files porttop writes (-w) ----------------------------------------- */

static void wr(struct cap_dump *dump, const uint8_t *f, uint32_t len,
	       const char *c0, const char *c1, uint32_t flags)
{
	struct cap_pkt p = { .ts_ns = 1700000000000000000LL, .caplen = len,
			     .len = len, .data = f };
	struct cap_note n = { { c0, c1 }, flags };

	assert_int_equal(cap_dump_write(dump, &p, &n), CAP_OK);
}

static void porttop_writer(void **state)
{
	char eb[CAP_ERRBUF_SIZE];
	struct cap *src;
	struct cap_dump *dump;
	struct got g;
	const char *curl = "PID: 100\nCmd: /usr/bin/curl\nUserId: 1000\n"
			   "CgroupId: 1234\nEnd: src\nSource: bpf";

	(void)state;
	assert_int_equal(cap_open_file("pcaps/tcp-http-curl.pcap", &src, eb),
			 CAP_OK);
	assert_int_equal(cap_dump_open(tpath("w.pcapng"), src, 1, &dump, eb),
			 CAP_OK);
	wr(dump, f_tcp_syn, sizeof(f_tcp_syn), curl, NULL, 2);
	wr(dump, f_tcp_rst, sizeof(f_tcp_rst), "PID: 200\nCmd: nginx\nEnd: src",
	   NULL, 0);
	wr(dump, f_udp4, sizeof(f_udp4), "PID: 300\r\nCmd: dig\r\nEnd: dst\r\n",
	   NULL, 1);
	wr(dump, f_tcp6_syn, sizeof(f_tcp6_syn), "PID: 400\nCmd: wget\nEnd: dst",
	   NULL, 0);
	/* both ends known (loopback): one comment each */
	wr(dump, f_udp6, sizeof(f_udp6),
	   "PID: 500\nCmd: ntpd\nUserId: 0\nCgroupId: 0\nEnd: src",
	   "PID: 501\nCmd: chronyd\nUserId: 4294967295\nEnd: dst", 2);
	wr(dump, f_tcp_syn, sizeof(f_tcp_syn), curl, NULL, 2);	/* a repeat */
	wr(dump, f_tcp_data, sizeof(f_tcp_data), NULL, NULL, 0);
	wr(dump, f_arp, sizeof(f_arp), NULL, NULL, 0);
	assert_int_equal(cap_dump_close(dump, eb), CAP_OK);
	cap_close(src);

	assert_int_equal(scan(tpath("w.pcapng"), &g), 0);
	assert_int_equal(g.is_ng, 1);
	assert_true(g.active);	/* marked by the writer, and records came */
	assert_stats(&g, 8, 6, 6, 0, 0);
	assert_rec(&g.s[0], 6, C1, 44986, S1, 8080, 100, "curl", 1000, 1234);
	assert_rec(&g.s[1], 6, S1, 8081, C1, 60060, 200, "nginx", NOUID, 0);
	assert_rec(&g.s[2], 17, S1, 9999, C1, 33012, 300, "dig", NOUID, 0);
	assert_rec(&g.s[3], 6, S6, 8080, C6, 40502, 400, "wget", NOUID, 0);
	assert_rec(&g.s[4], 17, C6, 36579, S6, 9999, 500, "ntpd", 0, 0);
	assert_rec(&g.s[5], 17, S6, 9999, C6, 36579, 501, "chronyd", NOUID, 0);
}

/* A file with thousands of records: every one is found afterwards (a
 * full cache bucket forgets the least recently seen record: with 6,000
 * records in 131,072 slots of 8-way buckets none is). */
static void many_records(void **state)
{
	char eb[CAP_ERRBUF_SIZE], c[64];
	struct cap *src;
	struct cap_dump *dump;
	struct attr *a = NULL;
	struct got g;
	uint8_t f[sizeof(f_udp4)];
	enum { N = 6000 };

	(void)state;
	assert_int_equal(cap_open_file("pcaps/tcp-http-curl.pcap", &src, eb),
			 CAP_OK);
	assert_int_equal(cap_dump_open(tpath("many.pcapng"), src, 1, &dump, eb),
			 CAP_OK);
	memcpy(f, f_udp4, sizeof(f));
	for (int i = 0; i < N; i++) {
		f[34] = (uint8_t)((1024 + i) >> 8);	/* UDP source port */
		f[35] = (uint8_t)(1024 + i);
		snprintf(c, sizeof(c), "PID: %d\nCmd: p%d\nEnd: src", 10 + i, i);
		wr(dump, f, sizeof(f), c, NULL, 2);
	}
	assert_int_equal(cap_dump_close(dump, eb), CAP_OK);
	cap_close(src);
	assert_int_equal(scan_keep(tpath("many.pcapng"), &g, &a), 0);
	assert_int_equal(g.st.records, N);
	for (int i = 0; i < N; i++) {
		struct dec_pkt p;
		struct attr_end ends[2];

		memset(&p, 0, sizeof(p));
		p.proto = 17;
		p.ipv = 4;
		assert_int_equal(inet_pton(AF_INET, C1, p.src), 1);
		assert_int_equal(inet_pton(AF_INET, S1, p.dst), 1);
		p.sport = (uint16_t)(1024 + i);
		p.dport = 9999;
		attr_packet(a, &p, ends);
		assert_int_equal(ends[0].pid, 10 + i);
	}
	attr_stop(a);
}

/* porttop's flow notes: an empty NRB whose comments name a flow's owners
 * as it ended (attr_flow_note), for owners no packet comment carried.
 * Bad notes count; name records before the end are skipped. */
static void flow_notes(void **state)
{
	char eb[CAP_ERRBUF_SIZE];
	struct cap *src;
	struct cap_dump *dump;
	struct got g;
	const char *n1[2] = {
		"porttop flow: tcp 10.99.0.1 44986 10.99.0.2 8080\n"
		"PID: 100\nCmd: curl\nUserId: 1000\nCgroupId: 7\nEnd: src\n"
		"Source: bpf",
		"porttop flow: tcp 10.99.0.1 44986 10.99.0.2 8080\n"
		"PID: 200\nCmd: nginx\nEnd: dst",
	};
	const char *n2[2] = {
		"porttop flow: udp fd00:99::1 36579 fd00:99::2 9999\n"
		"PID: 300\nCmd: dig\nEnd: src",
		"porttop flow: tcp 10.99.0.1 99999 10.99.0.2 80\nPID: 1",
	};
	const char *n3[1] = { "porttop flow: tcp 10.99.0.1 1 10.99.0.2 2\n"
			      "Cmd: no pid" };

	(void)state;
	assert_int_equal(cap_open_file("pcaps/tcp-http-curl.pcap", &src, eb),
			 CAP_OK);
	assert_int_equal(cap_dump_open(tpath("n.pcapng"), src, 0, &dump, eb),
			 CAP_OK);
	wr(dump, f_tcp_syn, sizeof(f_tcp_syn), NULL, NULL, 0);
	assert_int_equal(cap_dump_note(dump, n1, 2), CAP_OK);
	assert_int_equal(cap_dump_note(dump, n2, 2), CAP_OK);
	assert_int_equal(cap_dump_note(dump, n3, 1), CAP_OK);
	assert_int_equal(cap_dump_close(dump, eb), CAP_OK);
	cap_close(src);

	assert_int_equal(scan(tpath("n.pcapng"), &g), 0);
	assert_int_equal(g.is_ng, 1);
	assert_true(g.active);	/* not marked, but records came */
	assert_int_equal(g.st.packets, 1);
	assert_int_equal(g.st.commented, 0);
	assert_int_equal(g.st.flow_notes, 3);
	assert_int_equal(g.st.bad_comments, 2);	/* port 99999; no PID */
	assert_int_equal(g.n, 3);
	assert_rec(&g.s[0], 6, C1, 44986, S1, 8080, 100, "curl", 1000, 7);
	assert_rec(&g.s[1], 6, S1, 8080, C1, 44986, 200, "nginx", NOUID, 0);
	assert_rec(&g.s[2], 17, C6, 36579, S6, 9999, 300, "dig", NOUID, 0);
}

/* ---- ptcpdump ---------------------------------------------------------- */

/* f with its IPv4 addresses and ports swapped: the other direction. */
static void reverse4(uint8_t *f)
{
	uint8_t t[4];

	memcpy(t, f + 26, 4);
	memcpy(f + 26, f + 30, 4);
	memcpy(f + 30, t, 4);
	memcpy(t, f + TCP4, 2);
	memcpy(f + TCP4, f + TCP4 + 2, 2);
	memcpy(f + TCP4 + 2, t, 2);
}

static void ptcpdump(void **state)
{
	const char *const *c = C("PID: 4242\nCmd: /usr/bin/curl\nArgs: curl "
				 "http://x", "UserId: 1000\nGroupId: 1000");
	uint8_t back[sizeof(f_tcp_syn)];
	struct fb f = { 0 };
	struct got g;

	(void)state;
	memcpy(back, f_tcp_syn, sizeof(back));
	reverse4(back);
	shb(&f, false);
	idb(&f, 1, 262144);
	EPB(&f, f_tcp_syn, c, 2);	/* outbound: curl sent it */
	EPB(&f, back, c, 1);		/* inbound: curl's end again (cached) */
	EPB(&f, f_tcp_syn, c, 1);	/* inbound: curl is the server here */
	EPB(&f, back, C("PID: 4242\nCmd: curl"), -1);	/* no flags: sender */
	EPB(&f, back, C("PID: 4242\nCmd: curl"), 0);
	assert_int_equal(scan_fb(&f, f.n, &g), 0);
	assert_stats(&g, 5, 5, 3, 0, 0);
	assert_rec(&g.s[0], 6, C1, 44986, S1, 8080, 4242, "curl", 1000, 0);
	assert_rec(&g.s[1], 6, S1, 8080, C1, 44986, 4242, "curl", 1000, 0);
	assert_rec(&g.s[2], 6, S1, 8080, C1, 44986, 4242, "curl", NOUID, 0);
	free(f.b);
}

/* ---- the format's corners ---------------------------------------------- */

/* Sections of one byte order (libpcap refuses a file whose sections
 * change it), each with its own interfaces of several link types: every
 * packet is decoded by its own interface's link type. */
static void sections(void **state)
{
	uint8_t ip[sizeof(f_udp4) - 14];
	struct fb f = { 0 };
	struct got g;

	(void)state;
	memcpy(ip, f_udp4 + 14, sizeof(ip));
	for (int be = 0; be < 2; be++) {
		f.n = 0;
		shb(&f, be);
		idb(&f, 1, 0);
		EPB(&f, f_udp4, C("PID: 1\nCmd: a"), -1);
		shb(&f, be);
		idb(&f, 105, 65535);	/* 802.11: not decoded */
		idb(&f, 101, 65535);	/* LINKTYPE_RAW */
		pkt(&f, 6, 1, ip, sizeof(ip), sizeof(ip), C("PID: 2\nCmd: b"),
		    1);
		pkt(&f, 6, 0, f_udp4, sizeof(f_udp4), sizeof(f_udp4),
		    C("PID: 3"), -1);
		shb(&f, be);
		idb(&f, 1, 0);
		EPB(&f, f_tcp6_syn, C("PID: 4\nCmd: c\nEnd: dst"), -1);
		assert_int_equal(scan_fb(&f, f.n, &g), 0);
		assert_stats(&g, 4, 4, 3, 1, 0);
		assert_rec(&g.s[0], 17, C1, 33012, S1, 9999, 1, "a", NOUID, 0);
		assert_rec(&g.s[1], 17, S1, 9999, C1, 33012, 2, "b", NOUID, 0);
		assert_rec(&g.s[2], 6, S6, 8080, C6, 40502, 4, "c", NOUID, 0);
	}

	/* a new section forgets the interfaces of the one before: the
	 * reader stops there, the records before it stand */
	f.n = 0;
	shb(&f, true);
	idb(&f, 1, 0);
	idb(&f, 1, 0);
	EPB(&f, f_udp4, C("PID: 5"), -1);
	shb(&f, true);
	idb(&f, 1, 0);
	pkt(&f, 6, 1, f_udp4, sizeof(f_udp4), sizeof(f_udp4), C("PID: 6"), -1);
	assert_int_equal(scan_fb(&f, f.n, &g), -1);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.s[0].pid, 5);
	assert_non_null(strstr(g.err, "interface 1"));
	free(f.b);
}

static void spb_pb_unknown(void **state)
{
	struct fb f = { 0 };
	struct got g;

	(void)state;
	shb(&f, true);
	other(&f, 0x00000BAD, 20);
	other(&f, 4, 0);		/* NRB */
	idb(&f, 1, 128);	/* libpcap refuses packets beyond it */
	spb(&f, f_tcp_syn, sizeof(f_tcp_syn));
	other(&f, 0x40000BAD, 13);	/* custom block */
	pkt(&f, 2, 0, f_udp6, sizeof(f_udp6), sizeof(f_udp6),
	    C("PID: 7\nCmd: x"), 1);	/* PB, pack_flags inbound */
	other(&f, 5, 8);		/* ISB */
	other(&f, 0x80000001, 4);	/* local use */
	assert_int_equal(scan_fb(&f, f.n, &g), 0);
	assert_stats(&g, 2, 1, 1, 0, 0);
	assert_rec(&g.s[0], 17, S6, 9999, C6, 36579, 7, "x", NOUID, 0);
	free(f.b);
}

static void undecoded(void **state)
{
	struct fb f = { 0 };
	struct got g;

	(void)state;
	shb(&f, false);
	idb(&f, 1, 0);
	EPB(&f, f_icmp4_unreach, C("PID: 1"), -1);
	EPB(&f, f_icmp6_unreach, C("PID: 1"), -1);
	EPB(&f, f_arp, C("PID: 1"), -1);
	pkt(&f, 6, 0, f_tcp_syn, 30, 74, C("PID: 1"), -1);	/* cut in IP */
	pkt(&f, 6, 0, f_frag4_first, sizeof(f_frag4_first), F_FRAG4_FIRST_WIRE,
	    C("PID: 9\nCmd: iperf"), -1);
	pkt(&f, 6, 0, f_frag4_mid, sizeof(f_frag4_mid), F_FRAG4_MID_WIRE,
	    C("PID: 9\nCmd: iperf"), -1);
	EPB(&f, f_icmp4_unreach, NULL, -1);	/* no comment: not counted */
	assert_int_equal(scan_fb(&f, f.n, &g), 0);
	assert_stats(&g, 7, 6, 1, 5, 0);
	assert_rec(&g.s[0], 17, C1, 58253, S1, 9999, 9, "iperf", NOUID, 0);
	free(f.b);
}

static void grammar(void **state)
{
	struct fb f = { 0 };
	struct got g;

	(void)state;
	shb(&f, false);
	idb(&f, 1, 0);
	EPB(&f, f_tcp_syn, C("PID: abc", "PID: -3", "PID: 99999999999",
			     "PID:", "PID: 12x", "hello", "UserId: 5",
			     "ParentPID: 9\nParentCmd: init"), 2);
	EPB(&f, f_udp4, C("PID:8\nCmd: a/b/c/averyveryverylongname\n"
			  "End: sideways\nUserId: 12x\nCgroupId: 18446744073709551615"),
	    -1);
	/* two records, a UserId comment for the last, blanks, \r\n */
	EPB(&f, f_tcp_rst, C("PID: 10 \r\nEnd:  src\t", "PID: 11\nEnd: dst",
			     "UserId:\t77\r\nGroupId: 77"), -1);
	EPB(&f, f_tcp6_syn, C("PID: 2147483647\nCmd: /\nUserId: 4294967294"), -1);
	assert_int_equal(scan_fb(&f, f.n, &g), 0);
	assert_stats(&g, 4, 3, 4, 0, 5);
	assert_rec(&g.s[0], 17, C1, 33012, S1, 9999, 8, "averyveryverylo", NOUID,
		   UINT64_MAX);
	assert_rec(&g.s[1], 6, S1, 8081, C1, 60060, 10, "", NOUID, 0);
	assert_rec(&g.s[2], 6, C1, 60060, S1, 8081, 11, "", 77, 0);
	assert_rec(&g.s[3], 6, C6, 40502, S6, 8080, INT32_MAX, "", 4294967294u,
		   0);
	free(f.b);
}

/* ---- damage ------------------------------------------------------------ */

/* A file cut in its last packet: the reader stops with an error, and the
 * records before it stand (the reader's checks of every length are
 * test_cap_pcapng.c's). */
static void damaged(void **state)
{
	struct fb f = { 0 };
	struct got g;
	size_t victim;

	(void)state;
	shb(&f, false);
	idb(&f, 1, 0);
	EPB(&f, f_tcp_syn, C("PID: 1\nCmd: first"), -1);
	victim = f.n;
	EPB(&f, f_udp4, C("PID: 2\nCmd: victim"), -1);
	for (size_t cut = victim + 1; cut < f.n; cut++) {
		assert_int_equal(scan_fb(&f, cut, &g), -1);
		assert_int_equal(g.n, 1);
		assert_string_equal(g.s[0].comm, "first");
		assert_true(*g.err != '\0');
	}
	free(f.b);
}

/* ---- not ours ---------------------------------------------------------- */

static void not_pcapng(void **state)
{
	struct got g;

	(void)state;
	/* a pcap file cannot carry comments */
	assert_int_equal(scan("pcaps/tcp-http-curl.pcap", &g), 0);
	assert_int_equal(g.is_ng, 0);
	assert_int_equal(g.n, 0);
	assert_false(g.active);
	/* a pcapng file from dumpcap: no comments, attribution stays off */
	assert_int_equal(scan("pcaps/dumpcap.pcapng", &g), 0);
	assert_int_equal(g.is_ng, 1);
	assert_stats(&g, 19, 0, 0, 0, 0);
	assert_false(g.active);
}

/* A pipe is read once, comments and all (the reader reads no file
 * twice). */
static void pipes(void **state)
{
	struct got g;
	pid_t pid;

	(void)state;
	assert_int_equal(mkfifo(tpath("fifo"), 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *in = fopen("pcaps/attrib-lo.pcapng", "rb");
		FILE *out = fopen(tpath("fifo"), "wb");
		char b[4096];
		size_t n;

		while (in && out && (n = fread(b, 1, sizeof(b), in)) > 0)
			if (fwrite(b, 1, n, out) != n)
				break;
		_exit(out && fclose(out) == 0 ? 0 : 1);	/* (_exit does
							   not flush) */
	}
	assert_int_equal(scan(tpath("fifo"), &g), 0);
	waitpid(pid, NULL, 0);
	assert_int_equal(g.st.packets, 30);
	assert_int_equal(g.st.commented, 28);
	assert_int_equal(g.st.flow_notes, 7);
	assert_true(g.active);
	assert_int_equal(scan(tpath("missing"), &g), -1);
	assert_non_null(strstr(g.err, "No such file"));
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/porttop-pcapng-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	return keyhash_init(t_seed) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	DIR *dir = opendir(tmp);
	struct dirent *e;

	(void)state;
	while (dir && (e = readdir(dir)))
		if (e->d_name[0] != '.')
			unlink(tpath(e->d_name));
	if (dir)
		closedir(dir);
	rmdir(tmp);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(porttop_writer),
		cmocka_unit_test(flow_notes),
		cmocka_unit_test(many_records),
		cmocka_unit_test(ptcpdump),
		cmocka_unit_test(sections),
		cmocka_unit_test(spb_pb_unknown),
		cmocka_unit_test(undecoded),
		cmocka_unit_test(grammar),
		cmocka_unit_test(damaged),
		cmocka_unit_test(not_pcapng),
		cmocka_unit_test(pipes),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
