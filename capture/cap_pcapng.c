/*
 * cap_pcapng.c - the pcapng reader (see cap_pcapng.h, cap.h).
 *
 * Why our own: libpcap reads pcapng but gives only what a pcap file could
 * carry.  It refuses files whose interfaces differ in link type or
 * snapshot length (dumpcap -i eth0 -i wlan0 writes them), and hides each
 * packet's interface, flags and comments, and the comments of Name
 * Resolution Blocks, which porttop -w uses to record a flow's owners.
 *
 * The format (draft-ietf-opsawg-pcapng): blocks of type, total length,
 * body, total length again (3.1), in the byte order of their section's
 * Section Header Block (4.1); options as code, length, value padded to 32
 * bits (3.5); Interface Description Blocks (4.2) number a section's
 * interfaces from 0; packets in Enhanced Packet Blocks (4.3), Simple
 * Packet Blocks (4.4, interface 0, no time) and obsolete Packet Blocks
 * (appendix A).
 *
 * Everything else follows libpcap 1.10.3's sf-pcapng.c, so that a file
 * reads here exactly as libpcap reads it: the same checks in the same
 * order with the same messages (tests/corrupt matches them), the same
 * packets, times (if_tsresol, if_tsoffset and libpcap's integer
 * arithmetic), lengths and bytes (libpcap's fix-ups of pseudo-headers in
 * files from the other byte order, pcap-util.c).  The differences, all
 * deliberate: interfaces may differ (libpcap stops with "an interface has
 * a type/snapshot length ... different"), each packet is checked against
 * its own interface's snapshot length, and options libpcap does not read
 * (comments, flags) are read, tolerantly: an option that runs past its
 * block ends the options, as libpcap would not notice it at all.
 *
 * Reading is read(2) into one buffer that blocks are parsed in place from
 * (no copy per packet: libpcap copies each block out of stdio's buffer);
 * a block larger than the buffer grows it, up to libpcap's limit.  Every
 * length is checked before use, through rd.h's spans, never a struct cast.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pcap/dlt.h>

#include "cap_pcapng.h"
#include "../decode/rd.h"

#define BT_SHB 0x0A0D0D0Au	/* the same bytes in either byte order */
#define BT_IDB 1u
#define BT_PB 2u		/* Packet Block, obsolete */
#define BT_SPB 3u
#define BT_NRB 4u
#define BT_EPB 6u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define OPT_END 0
#define OPT_COMMENT 1
#define OPT_FLAGS 2		/* epb_flags, pack_flags */
#define IF_TSRESOL 9
#define IF_TSOFFSET 14

/* libpcap's limits (sf-pcapng.c): an SHB of 28 bytes to 1 MiB; blocks up
 * to 16 MiB, or an EPB of the link type's largest snapshot plus 128 KiB of
 * options when that is more (DLT_DBUS: 128 MiB). */
#define SHB_MIN 28u
#define SHB_MAX (1u << 20)
#define BLOCK_MAX (16u << 20)
#define MAX_SNAPLEN 262144u	/* libpcap's MAXIMUM_SNAPLEN */
#define NS 1000000000u

/* Notes met before the first IDB are copied (open reads past them); a
 * bound, as the file could hold any number. */
#define EARLY_MAX 16
#define EARLY_BYTES (1u << 20)

enum scale { PASS, UP_DEC, DOWN_DEC, BIN };	/* libpcap's tstamp_scale_type_t */

struct ng_if {
	int dlt;
	uint32_t snaplen;	/* as libpcap adjusts it: 1..INT_MAX */
	enum scale scale;
	uint64_t tsresol;	/* time units per second: 10^n or 2^n */
	uint64_t factor;	/* decimal: 10^|9-n| */
	uint64_t tsoffset;	/* seconds added to every time (if_tsoffset) */
};

struct early {			/* an NRB's comments, copied */
	char *bytes;
	struct cap_text text[CAP_MAX_COMMENTS];
	uint32_t n;
};

struct cap_ng {
	int fd;
	bool own_fd;
	uint8_t *buf;		/* unread bytes: buf[pos, end) */
	size_t size, pos, end;
	uint64_t off;		/* the file offset of buf[pos] */
	bool be;		/* the section is big-endian */
	bool swapped;		/* ... and this host is not */
	uint32_t max_block;
	bool marked;		/* the first SHB has CAP_PROCESS_MARK */
	int dlt0;		/* the file's first interface: libpcap's */
	uint32_t snap0;		/* pcap_datalink(), pcap_snapshot() */
	struct ng_if *ifs;	/* the section's interfaces */
	uint32_t nifs, ifcap;
	int64_t last_ts;
	atomic_int brk;
	int failed;		/* sticky: CAP_ERR_READ */
	int rerrno;		/* errno of a failed read(2) */
	char err[CAP_ERRBUF_SIZE];
	struct cap_text text[CAP_MAX_COMMENTS];
	struct early early[EARLY_MAX];
	uint32_t nearly, iearly;
	size_t early_bytes;
};

/* A block read whole and checked: its body lies between the two length
 * words, writable (libpcap's fix-ups rewrite pseudo-headers in place). */
struct blk {
	uint32_t type;
	uint8_t *w;
	struct rd_span body;
};

/* ---- bytes --------------------------------------------------------------- */

static uint32_t get32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			    (uint32_t)p[2] << 8 | p[3] :
		    (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
			    (uint32_t)p[1] << 8 | p[0];
}

static uint16_t get16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t pad4(uint32_t n)
{
	return (n + 3) & ~3u;
}

static bool host_is_be(void)
{
	const uint16_t one = 1;
	uint8_t b;

	memcpy(&b, &one, 1);
	return b == 0;
}

/* ---- errors ---------------------------------------------------------------- */

/* fail: the file is damaged (or unreadable): the message into errbuf and,
 * sticky, into g.  Returns CAP_ERR_READ (cap_ng_open turns it into
 * CAP_ERR_OPEN). */
__attribute__((format(printf, 3, 4)))
static int fail(struct cap_ng *g, char *errbuf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->err, sizeof(g->err), fmt, ap);
	va_end(ap);
	snprintf(errbuf, CAP_ERRBUF_SIZE, "%s", g->err);
	g->failed = 1;
	return CAP_ERR_READ;
}

static int too_short(struct cap_ng *g, char *errbuf, uint32_t type)
{
	return fail(g, errbuf,
		    "block of type %u in pcapng dump file is too short", type);
}

/* ---- reading ----------------------------------------------------------------- */

enum { NEED_OK, NEED_EOF, NEED_BREAK, NEED_ERR };

/* need: make n bytes readable at buf + pos, reading as much as the buffer
 * holds.  NEED_EOF when the file ends first (end - pos bytes are there),
 * NEED_BREAK when a read was interrupted after cap_ng_breakloop() (nothing
 * consumed: the next call goes on), NEED_ERR with rerrno. */
static int need(struct cap_ng *g, size_t n)
{
	size_t have = g->end - g->pos;

	if (have >= n)
		return NEED_OK;
	if (g->size - g->pos < n) {
		memmove(g->buf, g->buf + g->pos, have);
		g->pos = 0;
		g->end = have;
		if (g->size < n) {	/* a block larger than the buffer */
			uint8_t *b = realloc(g->buf, n);

			if (!b) {
				g->rerrno = ENOMEM;
				return NEED_ERR;
			}
			g->buf = b;
			g->size = n;
		}
	}
	while (g->end - g->pos < n) {
		ssize_t r = read(g->fd, g->buf + g->end, g->size - g->end);

		if (r > 0) {
			g->end += (size_t)r;
		} else if (r == 0) {
			return NEED_EOF;
		} else if (errno != EINTR) {
			g->rerrno = errno;
			return NEED_ERR;
		} else if (atomic_exchange(&g->brk, 0)) {
			return NEED_BREAK;
		}
	}
	return NEED_OK;
}

static int read_error(struct cap_ng *g, char *errbuf)
{
	return g->rerrno == ENOMEM ? fail(g, errbuf, "out of memory") :
		fail(g, errbuf, "error reading dump file: %s",
		     strerror(g->rerrno));
}

enum { R_ERR = CAP_ERR_READ, R_EOF = 0, R_BLOCK = 1, R_BREAK = 2 };

/* next_block: the next block, whole, its lengths checked as libpcap's
 * read_block() checks them.  R_BLOCK with *b (valid until the next call),
 * R_EOF at the end of the file between blocks, R_BREAK, or R_ERR. */
static int next_block(struct cap_ng *g, struct blk *b, char *errbuf)
{
	int rc = need(g, 8);
	size_t have = g->end - g->pos;
	const uint8_t *h = g->buf + g->pos;
	uint32_t type, len;

	if (rc == NEED_BREAK)
		return R_BREAK;
	if (rc == NEED_ERR)
		return read_error(g, errbuf);
	if (rc == NEED_EOF && have == 0)
		return R_EOF;
	if (rc == NEED_EOF)
		return fail(g, errbuf, "truncated pcapng dump file; tried to "
			    "read 8 bytes, only got %zu", have);
	type = get32(h, g->be);
	len = get32(h + 4, g->be);
	if (len < 12)
		return fail(g, errbuf, "block in pcapng dump file has a length "
			    "of %u < 12", len);
	if (len % 4 != 0)
		return fail(g, errbuf, "block in pcapng dump file has a length "
			    "of %u that is not a multiple of 4", len);
	if (len > g->max_block)
		return fail(g, errbuf, "pcapng block size %u > maximum %u", len,
			    g->max_block);
	rc = need(g, len);
	if (rc == NEED_BREAK)
		return R_BREAK;
	if (rc == NEED_ERR)
		return read_error(g, errbuf);
	if (rc == NEED_EOF)
		return fail(g, errbuf, "truncated pcapng dump file; tried to "
			    "read %u bytes, only got %zu", len - 8,
			    g->end - g->pos - 8);
	h = g->buf + g->pos;	/* the buffer may have moved */
	if (get32(h + len - 4, g->be) != len)
		return fail(g, errbuf, "block total length in header and "
			    "trailer don't match");
	b->type = type;
	b->w = g->buf + g->pos + 8;
	b->body.p = b->w;
	b->body.len = len - 12;
	g->pos += len;
	g->off += len;
	return R_BLOCK;
}

/* ---- interfaces ---------------------------------------------------------------- */

int cap_ng_linktype_to_dlt(uint16_t linktype)
{
	switch (linktype) {
	case 100: return DLT_ATM_RFC1483;
	case 101: return DLT_RAW;
	case 102: return DLT_SLIP_BSDOS;
	case 103: return DLT_PPP_BSDOS;
	case 106: return DLT_ATM_CLIP;
	case 246: return DLT_PFSYNC;
	case 258: return DLT_PKTAP;
	default: return linktype;
	}
}

/* libpcap's max_snaplen_for_dlt() (pcap-common.c). */
static uint32_t max_snaplen(int dlt)
{
	return dlt == DLT_DBUS ? 128u << 20 : dlt == DLT_EBHSCR ? 8u << 20 :
	       dlt == DLT_USBPCAP ? 1u << 20 : MAX_SNAPLEN;
}

/* if_tsresol: bit 7 set, a negative power of 2, else of 10; libpcap
 * refuses what does not fit 64 bits. */
static int tsresol(struct cap_ng *g, uint8_t v, struct ng_if *f, bool *bin,
		   char *errbuf)
{
	if (v & 0x80) {
		if ((v & 0x7F) > 63)
			return fail(g, errbuf, "Interface Description Block "
				    "if_tsresol option resolution 2^-%u is too "
				    "high", v & 0x7F);
		*bin = true;
		f->tsresol = 1ull << (v & 0x7F);
		return 0;
	}
	if (v > 19)
		return fail(g, errbuf, "Interface Description Block if_tsresol "
			    "option resolution 10^-%u is too high", v);
	*bin = false;
	f->tsresol = 1;
	for (unsigned i = 0; i < v; i++)
		f->tsresol *= 10;
	return 0;
}

/* An IDB's options, checked as libpcap's process_idb_options() does: every
 * option must fit the block, and if_tsresol (1 byte) and if_tsoffset (8
 * bytes, signed seconds) appear once at most, with their own lengths. */
static int idb_options(struct cap_ng *g, const struct rd_span *o,
		       struct ng_if *f, bool *bin, char *errbuf)
{
	bool saw_res = false, saw_off = false;
	uint32_t off = 0;

	while (off < o->len) {
		if (!rd_has(o, off, 4))
			return too_short(g, errbuf, BT_IDB);
		uint16_t code = get16(o->p + off, g->be);
		uint16_t len = get16(o->p + off + 2, g->be);
		const uint8_t *v = o->p + off + 4;

		if (!rd_has(o, off + 4, pad4(len)))
			return too_short(g, errbuf, BT_IDB);
		off += 4 + pad4(len);
		if (code == OPT_END && len != 0)
			return fail(g, errbuf, "Interface Description Block has "
				    "opt_endofopt option with length %u != 0",
				    len);
		if (code == OPT_END)
			break;
		if (code == IF_TSRESOL && len != 1)
			return fail(g, errbuf, "Interface Description Block has "
				    "if_tsresol option with length %u != 1", len);
		if (code == IF_TSRESOL && saw_res)
			return fail(g, errbuf, "Interface Description Block has "
				    "more than one if_tsresol option");
		if (code == IF_TSRESOL && tsresol(g, v[0], f, bin, errbuf) < 0)
			return CAP_ERR_READ;
		saw_res |= code == IF_TSRESOL;
		if (code == IF_TSOFFSET && len != 8)
			return fail(g, errbuf, "Interface Description Block has "
				    "if_tsoffset option with length %u != 8", len);
		if (code == IF_TSOFFSET && saw_off)
			return fail(g, errbuf, "Interface Description Block has "
				    "more than one if_tsoffset option");
		if (code == IF_TSOFFSET)
			f->tsoffset = (uint64_t)get32(v + (g->be ? 0 : 4), g->be)
					<< 32 | get32(v + (g->be ? 4 : 0), g->be);
		saw_off |= code == IF_TSOFFSET;
	}
	return 0;
}

/* How libpcap scales a fraction of a second in tsresol units to the
 * nanoseconds asked for (add_interface()). */
static void set_scale(struct ng_if *f, bool bin)
{
	if (f->tsresol == NS)
		f->scale = PASS;
	else if (bin)
		f->scale = BIN;
	else if (f->tsresol > NS) {
		f->scale = DOWN_DEC;
		f->factor = f->tsresol / NS;
	} else {
		f->scale = UP_DEC;
		f->factor = NS / f->tsresol;
	}
}

/* IDB: link type (16 bits), reserved, snapshot length, options.  Added to
 * the section's interfaces whatever its link type and snapshot length. */
static int idb(struct cap_ng *g, const struct blk *b, char *errbuf)
{
	struct ng_if f = { .tsresol = 1000000 };	/* default: 10^-6 */
	bool bin = false;
	uint32_t snap;

	if (b->body.len < 8)
		return too_short(g, errbuf, BT_IDB);
	f.dlt = cap_ng_linktype_to_dlt(get16(b->body.p, g->be));
	snap = get32(b->body.p + 4, g->be);
	/* libpcap's pcap_adjust_snapshot(): 0 or > INT_MAX is bogus */
	f.snaplen = snap == 0 || snap > INT_MAX ? max_snaplen(f.dlt) : snap;

	struct rd_span o = rd_sub(&b->body, 8);

	if (idb_options(g, &o, &f, &bin, errbuf) < 0)
		return CAP_ERR_READ;
	set_scale(&f, bin);
	if (g->nifs == g->ifcap) {
		if (g->ifcap >= (1u << 31))
			return fail(g, errbuf, "more than %u interfaces in the "
				    "file", 0x80000000u);
		uint32_t cap = g->ifcap ? 2 * g->ifcap : 4;
		struct ng_if *n = realloc(g->ifs, cap * sizeof(*n));

		if (!n)
			return fail(g, errbuf, "out of memory for per-interface "
				    "information (%u interfaces)", g->nifs + 1);
		g->ifs = n;
		g->ifcap = cap;
	}
	g->ifs[g->nifs++] = f;
	/* an EPB with the largest packet of this link type fits */
	if (8 + 20 + max_snaplen(f.dlt) + 131072 + 4 > g->max_block)
		g->max_block = 8 + 20 + max_snaplen(f.dlt) + 131072 + 4;
	return 0;
}

/* A Section Header Block after the first: byte-order magic (in the byte
 * order so far: libpcap does not let it change), major version 1; the
 * section's interfaces start again from 0. */
static int shb_again(struct cap_ng *g, const struct blk *b, char *errbuf)
{
	uint32_t magic;

	if (b->body.len < 16)
		return too_short(g, errbuf, BT_SHB);
	magic = get32(b->body.p, g->be);
	if (magic == __builtin_bswap32(BYTE_ORDER_MAGIC))
		return fail(g, errbuf, "the file has sections with different "
			    "byte orders");
	if (magic != BYTE_ORDER_MAGIC)
		return fail(g, errbuf, "the file has a section with a bad byte "
			    "order magic field");
	if (get16(b->body.p + 4, g->be) != 1)
		return fail(g, errbuf, "unknown pcapng savefile major version "
			    "number %u", get16(b->body.p + 4, g->be));
	g->nifs = 0;
	return 0;
}

/* ---- options and notes ----------------------------------------------------- */

/* A packet's or NRB's options: its comments into g->text (how many are
 * returned) and, when flags is not NULL, the first 4-byte option 2
 * (epb_flags, pack_flags).  Ends quietly at opt_endofopt or at the first
 * option that does not fit: libpcap reads none of these options, so they
 * cannot make a file unreadable. */
static uint32_t options(struct cap_ng *g, const struct rd_span *o,
			uint32_t *flags)
{
	uint32_t off = 0, n = 0;
	bool saw_flags = false;

	while (rd_has(o, off, 4)) {
		uint16_t code = get16(o->p + off, g->be);
		uint16_t len = get16(o->p + off + 2, g->be);
		const uint8_t *v = o->p + off + 4;

		if (code == OPT_END || !rd_has(o, off + 4, len))
			break;
		if (code == OPT_COMMENT && n < CAP_MAX_COMMENTS) {
			g->text[n].s = (const char *)v;
			g->text[n++].len = len;
		} else if (code == OPT_FLAGS && len == 4 && flags && !saw_flags) {
			*flags = get32(v, g->be);
			saw_flags = true;
		}
		off += 4 + pad4(len);
	}
	return n;
}

/* NRB: name records (type, length, value; record type 0 ends them), then
 * options.  Returns how many comments went into g->text; 0 when the
 * records do not fit (the block is skipped, as libpcap skips it). */
static uint32_t nrb(struct cap_ng *g, const struct blk *b)
{
	uint32_t off = 0;
	uint16_t type = 1;

	while (type != 0) {
		if (!rd_has(&b->body, off, 4))
			return 0;
		type = get16(b->body.p + off, g->be);
		uint16_t len = get16(b->body.p + off + 2, g->be);

		if (!rd_has(&b->body, off + 4, pad4(len)))
			return 0;
		off += 4 + pad4(len);
	}

	struct rd_span o = rd_sub(&b->body, off);

	return options(g, &o, NULL);
}

/* An NRB met while cap_ng_open looks for the first IDB: its comments are
 * copied, for the first cap_ng_next() calls. */
static void keep_early(struct cap_ng *g, const struct blk *b)
{
	uint32_t n = nrb(g, b), total = 0;
	struct early *e;

	for (uint32_t i = 0; i < n; i++)
		total += g->text[i].len;
	if (n == 0 || g->nearly == EARLY_MAX ||
	    g->early_bytes + total > EARLY_BYTES)
		return;
	e = &g->early[g->nearly];
	e->bytes = malloc(total ? total : 1);
	if (!e->bytes)
		return;
	total = 0;
	for (uint32_t i = 0; i < n; i++) {
		memcpy(e->bytes + total, g->text[i].s, g->text[i].len);
		e->text[i].s = e->bytes + total;
		e->text[i].len = g->text[i].len;
		total += g->text[i].len;
	}
	e->n = n;
	g->early_bytes += total;
	g->nearly++;
}

static int note(struct cap_pkt *p, const struct cap_text *t, uint32_t n,
		int64_t ts)
{
	memset(p, 0, sizeof(*p));
	p->ts_ns = ts;
	p->comments = t;
	p->ncomments = n;
	return CAP_NOTE;
}

/* ---- packets ----------------------------------------------------------------- */

/* A time in tsresol units as libpcap converts it: seconds and fraction in
 * unsigned 64-bit arithmetic (wrapping as libpcap's does), the fraction
 * scaled to nanoseconds (always below 2^31, so libpcap's int holds it);
 * then cap_ts_ns()'s saturation. */
static int64_t to_ns(const struct ng_if *f, uint64_t t)
{
	uint64_t sec = t / f->tsresol + f->tsoffset, frac = t % f->tsresol;

	if (f->scale == UP_DEC)
		frac *= f->factor;
	else if (f->scale == DOWN_DEC)
		frac /= f->factor;
	else if (f->scale == BIN)
		frac = frac * NS / f->tsresol;
	return cap_ts_ns((int64_t)sec, (int64_t)frac);
}

/* EPB: interface id, time (high, low), captured and wire lengths, data,
 * options; PB the same with a 16-bit id and 16 bits of drop count; SPB
 * the wire length and data (interface 0, time 0, captured: the least of
 * the wire and snapshot lengths).  Checked in libpcap's order. */
static int packet(struct cap_ng *g, const struct blk *b, struct cap_pkt *p,
		  char *errbuf)
{
	const uint8_t *q = b->body.p;
	uint32_t fixed = b->type == BT_SPB ? 4 : 20, ifid, caplen, len;
	uint64_t t = 0;

	if (b->body.len < fixed)
		return too_short(g, errbuf, b->type);
	if (b->type == BT_SPB) {
		ifid = 0;
		caplen = len = get32(q, g->be);
	} else {
		ifid = b->type == BT_PB ? get16(q, g->be) : get32(q, g->be);
		t = (uint64_t)get32(q + 4, g->be) << 32 | get32(q + 8, g->be);
		caplen = get32(q + 12, g->be);
		len = get32(q + 16, g->be);
	}
	if (ifid >= g->nifs)
		return fail(g, errbuf, "a packet arrived on interface %u, but "
			    "there's no Interface Description Block for that "
			    "interface", ifid);
	const struct ng_if *f = &g->ifs[ifid];

	if (b->type == BT_SPB && caplen > f->snaplen)
		caplen = f->snaplen;
	if (caplen > f->snaplen)
		return fail(g, errbuf, "invalid packet capture length %u, "
			    "bigger than snaplen of %d", caplen, (int)f->snaplen);
	if (b->body.len - fixed < caplen)
		return too_short(g, errbuf, b->type);
	cap_fix_pseudo(f->dlt, g->swapped, b->w + fixed, caplen, &len);
	memset(p, 0, sizeof(*p));
	p->ts_ns = g->last_ts = to_ns(f, t);
	p->caplen = caplen;
	p->len = len;
	p->data = b->w + fixed;
	p->dlt = f->dlt;
	p->ifid = ifid;
	if (b->type != BT_SPB) {
		struct rd_span o = rd_sub(&b->body, fixed + pad4(caplen));

		p->ncomments = options(g, &o, &p->flags);
		p->comments = p->ncomments ? g->text : NULL;
	}
	return 1;
}

/* ---- the API ------------------------------------------------------------------- */

bool cap_ng_probe(const uint8_t *b, size_t n)
{
	return n >= 12 && get32(b, false) == BT_SHB &&
	       (get32(b + 8, false) == BYTE_ORDER_MAGIC ||
		get32(b + 8, true) == BYTE_ORDER_MAGIC);
}

/* The first SHB, as libpcap's pcap_ng_check_header() reads it: length
 * 28 bytes to 1 MiB, version 1.0 or 1.2; its trailer and options are not
 * looked at (nor are they by libpcap). */
static int first_shb(struct cap_ng *g, char *errbuf)
{
	uint32_t len = get32(g->buf + 4, g->be);
	uint16_t major, minor;
	int rc;

	if (len < SHB_MIN || len > SHB_MAX)
		return fail(g, errbuf, "Section Header Block in pcapng dump file "
			    "has invalid length %u < _%u_ < %u "
			    "(BT_SHB_INSANE_MAX)", SHB_MIN, len, SHB_MAX);
	rc = need(g, len);
	if (rc == NEED_ERR || rc == NEED_BREAK)
		return read_error(g, errbuf);
	if (rc == NEED_EOF)
		return fail(g, errbuf, "truncated pcapng dump file; tried to "
			    "read %u bytes, only got %zu", len - 12,
			    g->end - g->pos - 12);
	major = get16(g->buf + 12, g->be);
	minor = get16(g->buf + 14, g->be);
	if (major != 1 || (minor != 0 && minor != 2))
		return fail(g, errbuf, "unsupported pcapng savefile version "
			    "%u.%u", major, minor);
	/* options after magic, version and section length; the trailer is
	 * not ours to check (see above) */
	struct rd_span o = { g->buf + g->pos + 24, len - 28 };
	uint32_t n = options(g, &o, NULL);
	size_t ml = strlen(CAP_PROCESS_MARK);

	for (uint32_t i = 0; i < n; i++)
		g->marked |= g->text[i].len == ml &&
			     !memcmp(g->text[i].s, CAP_PROCESS_MARK, ml);
	g->pos += len;
	g->off += len;
	return 0;
}

/* Blocks up to the first IDB, as libpcap reads them at open: a packet
 * before it, or none at all, is an error; others are skipped (NRB notes
 * kept for cap_ng_next). */
static int first_idb(struct cap_ng *g, char *errbuf)
{
	struct blk b;

	for (;;) {
		int rc = next_block(g, &b, errbuf);

		if (rc == R_EOF)
			return fail(g, errbuf, "the capture file has no "
				    "Interface Description Blocks");
		if (rc != R_BLOCK)
			return CAP_ERR_READ;
		if (b.type == BT_IDB)
			return idb(g, &b, errbuf);
		if (b.type == BT_EPB || b.type == BT_SPB || b.type == BT_PB)
			return fail(g, errbuf, "the capture file has a packet "
				    "block before any Interface Description "
				    "Blocks");
		if (b.type == BT_NRB)
			keep_early(g, &b);
	}
}

int cap_ng_open(struct cap_ng **out, int fd, bool own_fd, uint8_t *buf,
		size_t size, size_t have, char *errbuf)
{
	struct cap_ng *g = calloc(1, sizeof(*g));

	if (!g) {
		free(buf);
		if (own_fd)
			close(fd);
		snprintf(errbuf, CAP_ERRBUF_SIZE, "out of memory");
		return CAP_ERR_OPEN;
	}
	g->fd = fd;
	g->own_fd = own_fd;
	g->buf = buf;
	g->size = size;
	g->end = have;
	g->be = get32(buf + 8, true) == BYTE_ORDER_MAGIC;
	g->swapped = g->be != host_is_be();
	g->max_block = BLOCK_MAX;
	atomic_init(&g->brk, 0);
	if (first_shb(g, errbuf) < 0 || first_idb(g, errbuf) < 0) {
		cap_ng_close(g);
		return CAP_ERR_OPEN;
	}
	g->dlt0 = g->ifs[0].dlt;
	g->snap0 = g->ifs[0].snaplen;
	*out = g;
	return CAP_OK;
}

int cap_ng_next(struct cap_ng *g, struct cap_pkt *p, char *errbuf)
{
	struct blk b;

	if (g->failed) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s", g->err);
		return CAP_ERR_READ;
	}
	if (atomic_exchange(&g->brk, 0))
		return 0;
	if (g->iearly < g->nearly) {
		const struct early *e = &g->early[g->iearly++];

		return note(p, e->text, e->n, 0);
	}
	for (;;) {
		int rc = next_block(g, &b, errbuf);
		uint32_t n;

		if (rc != R_BLOCK)
			return rc < 0 ? CAP_ERR_READ : 0;
		switch (b.type) {
		case BT_EPB:
		case BT_SPB:
		case BT_PB:
			return packet(g, &b, p, errbuf);
		case BT_IDB:
			if (idb(g, &b, errbuf) < 0)
				return CAP_ERR_READ;
			break;
		case BT_SHB:
			if (shb_again(g, &b, errbuf) < 0)
				return CAP_ERR_READ;
			break;
		case BT_NRB:
			if ((n = nrb(g, &b)) > 0)
				return note(p, g->text, n, g->last_ts);
			break;
		default:	/* ISB, DSB, custom, unknown: skipped */
			break;
		}
		if (atomic_exchange(&g->brk, 0))
			return 0;
	}
}

void cap_ng_breakloop(struct cap_ng *g)
{
	atomic_store(&g->brk, 1);
}

int cap_ng_datalink(const struct cap_ng *g)
{
	return g->dlt0;
}

bool cap_ng_marked(const struct cap_ng *g)
{
	return g->marked;
}

int cap_ng_snaplen(const struct cap_ng *g)
{
	return (int)g->snap0;
}

uint64_t cap_ng_offset(const struct cap_ng *g)
{
	return g->off;
}

void cap_ng_close(struct cap_ng *g)
{
	if (!g)
		return;
	if (g->own_fd)
		close(g->fd);
	for (uint32_t i = 0; i < g->nearly; i++)
		free(g->early[i].bytes);
	free(g->ifs);
	free(g->buf);
	free(g);
}
