/*
 * attr_pcapng.c - see attr_pcapng.h.
 *
 * The file is hostile input: every block is read whole into a buffer (its
 * lengths checked first), and everything inside it is read through spans
 * that know where the block ends.  Reading is read(2) into one buffer that
 * blocks are parsed in place from, so the walk costs about what copying
 * the file through the page cache costs; only packets with a process
 * record are decoded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <pcap/dlt.h>

#include "attr.h"
#include "attr_note.h"
#include "attr_pcapng.h"
#include "../decode/dec.h"
#include "../decode/rd.h"

#define BT_SHB 0x0A0D0D0Au	/* the same bytes in either byte order */
#define BT_IDB 1u
#define BT_PB 2u		/* Packet Block, obsolete */
#define BT_SPB 3u
#define BT_NRB 4u
#define BT_EPB 6u
#define OPT_END 0
#define OPT_COMMENT 1
#define OPT_FLAGS 2		/* epb_flags, pack_flags */
#define MAX_BLOCK ((16u << 20) + 4096)
#define IN_BUF (1u << 20)
#define CACHE_SLOTS 4096	/* slot() gives 12 bits */

struct walk {
	int fd;
	uint8_t *buf;		/* unread bytes: buf[pos, end) */
	size_t cap, pos, end;
	uint64_t off;		/* the file offset of buf[pos] */
	bool be;		/* the current section is big-endian */
	const struct dec_link **links;	/* the section's interfaces' link
					   decoders (NULL: not decoded) */
	uint32_t nifs, ifcap;
	struct dec dec;
	struct attr_sock *cache;	/* CACHE_SLOTS, by hash of the tuple */
	attr_sock_fn fn;
	void *arg;
	struct attr_pcapng_stats st;
	const char *path;
	char *err;
	size_t errlen;
};

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

/* g16/g32: the checked reads (rd.h's, in the section's byte order). */
static bool g16(const struct rd_span *s, uint32_t off, bool be, uint16_t *v)
{
	if (!rd_has(s, off, 2))
		return false;
	*v = get16(s->p + off, be);
	return true;
}

static bool g32(const struct rd_span *s, uint32_t off, bool be, uint32_t *v)
{
	if (!rd_has(s, off, 4))
		return false;
	*v = get32(s->p + off, be);
	return true;
}

static uint32_t pad4(uint32_t n)
{
	return (n + 3) & ~3u;
}

/* need: make n bytes readable at buf + pos.  0 when they are, 1 when the
 * file ends first (end - pos tells how many there are), or -errno. */
static int need(struct walk *w, size_t n)
{
	size_t have = w->end - w->pos;

	if (have >= n)
		return 0;
	if (w->cap - w->pos < n) {
		memmove(w->buf, w->buf + w->pos, have);
		w->pos = 0;
		w->end = have;
		if (w->cap < n) {	/* a block larger than the buffer */
			uint8_t *b = realloc(w->buf, n);

			if (!b)
				return -ENOMEM;
			w->buf = b;
			w->cap = n;
		}
	}
	while (w->end - w->pos < n) {
		ssize_t r = read(w->fd, w->buf + w->end, w->cap - w->end);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return 1;
		w->end += (size_t)r;
	}
	return 0;
}

__attribute__((format(printf, 3, 4)))
static int damaged(struct walk *w, uint64_t at, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(w->err, w->errlen, "%s: damaged pcapng at byte %llu: %s",
		 w->path, (unsigned long long)at, why);
	return -EINVAL;
}

static int sys_err(struct walk *w, int rc)
{
	snprintf(w->err, w->errlen, "%s: %s", w->path, strerror(-rc));
	return rc;
}

/* A packet's comment: its records, counting the bad ones. */
static int note_comment(struct walk *w, struct attr_note_rec *r, int n,
			const char *s, const char *e)
{
	int m = attr_note_parse(r, n, ATTR_NOTE_RECS, s, e);

	if (m < 0) {
		w->st.bad_comments++;
		return n;
	}
	return m;
}

/* ---- records ----------------------------------------------------------- */

static bool eq16(const void *a, const void *b)
{
	uint64_t x[2], y[2];

	memcpy(x, a, 16);
	memcpy(y, b, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

static bool same(const struct attr_sock *a, const struct attr_sock *b)
{
	return a->pid == b->pid && a->lport == b->lport &&
	       a->rport == b->rport && a->proto == b->proto &&
	       a->ipv == b->ipv && a->uid == b->uid && a->cgroup == b->cgroup &&
	       eq16(a->laddr, b->laddr) && eq16(a->raddr, b->raddr) &&
	       eq16(a->comm, b->comm);
}

/* The cache slot of a tuple as its owner sees it, so both directions of a
 * flow share one.  Not the keyed keyhash: a file made to collide here
 * costs a callback per record, what a file of distinct records costs. */
static uint32_t slot(const struct attr_sock *s)
{
	uint64_t a[2], b[2], h;

	memcpy(a, s->laddr, 16);
	memcpy(b, s->raddr, 16);
	h = (uint64_t)s->proto << 40 | (uint64_t)s->ipv << 32 |
	    (uint64_t)s->lport << 16 | s->rport;
	h = (h ^ a[0]) * 0x9E3779B97F4A7C15ull;
	h = (h ^ a[1]) * 0x9E3779B97F4A7C15ull;
	h = (h ^ b[0]) * 0x9E3779B97F4A7C15ull;
	h = (h ^ b[1]) * 0x9E3779B97F4A7C15ull;
	return (uint32_t)(h >> 52);	/* the best bits; CACHE_SLOTS 4096 */
}

static void deliver(struct walk *w, const struct dec_pkt *pk,
		    const struct attr_note_rec *r, uint32_t flags)
{
	int dst = r->end >= 0 ? r->end : (flags & 3) == 1;
	struct attr_sock s, *c;

	s.proto = pk->proto;
	s.ipv = pk->ipv;
	s.listener = s.closed = 0;
	s.inode = s.netns = 0;
	memcpy(s.laddr, dst ? pk->dst : pk->src, 16);
	memcpy(s.raddr, dst ? pk->src : pk->dst, 16);
	s.lport = dst ? pk->dport : pk->sport;
	s.rport = dst ? pk->sport : pk->dport;
	s.pid = r->pid;
	s.uid = r->uid;
	s.cgroup = r->cgroup;
	memcpy(s.comm, r->comm, 16);
	s.src = ATTR_SRC_PCAPNG;

	c = &w->cache[slot(&s)];
	if (same(c, &s))
		return;
	*c = s;
	w->st.records++;
	w->fn(w->arg, &s);
}

/* ---- blocks ------------------------------------------------------------ */

/* A packet's options (after its padded data): its records into r (returns
 * how many) and its direction flags. */
static int options(struct walk *w, const struct rd_span *opts,
		   struct attr_note_rec *r, uint32_t *flags)
{
	uint32_t off = 0;
	uint16_t code, len;
	int n = 0;

	*flags = 0;
	while (g16(opts, off, w->be, &code) && code != OPT_END &&
	       g16(opts, off + 2, w->be, &len) && rd_has(opts, off + 4, len)) {
		const uint8_t *v = opts->p + off + 4;

		if (code == OPT_COMMENT)
			n = note_comment(w, r, n, (const char *)v,
					 (const char *)v + len);
		else if (code == OPT_FLAGS && len == 4)
			*flags = get32(v, w->be);
		off += 4 + pad4(len);
	}
	return n;
}

static void packet(struct walk *w, const struct dec_link *lk,
		   const struct rd_span *data, uint32_t wire,
		   const struct rd_span *opts)
{
	struct attr_note_rec r[ATTR_NOTE_RECS];
	uint32_t flags;
	int n = options(w, opts, r, &flags);
	struct dec_pkt pk;

	if (n == 0)
		return;
	w->st.commented++;
	/* Packet times only age the fragment map; later fragments are not
	 * used (their first fragment carries the same record), so 0 does. */
	if (!lk || dec_frame(&w->dec, lk, data->p, data->len, wire, 0, &pk) !=
			   DEC_OK || !(pk.l4 & DEC_L4_PORTS) ||
	    pk.frag == DEC_FRAG_LATER ||
	    (pk.proto != 6 && pk.proto != 17 && pk.proto != 132)) {
		w->st.undecoded++;
		return;
	}
	for (int i = 0; i < n; i++)
		deliver(w, &pk, &r[i], flags);
}

static int shb(struct walk *w, const struct rd_span *b, uint64_t at)
{
	uint16_t major, minor;

	if (!g16(b, 4, w->be, &major) || !g16(b, 6, w->be, &minor) ||
	    !rd_has(b, 8, 8))
		return damaged(w, at, "section header block too short");
	if (major != 1)
		return damaged(w, at, "pcapng version %u.%u", major, minor);
	w->nifs = 0;	/* interface ids are per section */
	return 0;
}

static int idb(struct walk *w, const struct rd_span *b, uint64_t at)
{
	uint16_t lt;

	if (!g16(b, 0, w->be, &lt) || !rd_has(b, 4, 4))
		return damaged(w, at, "interface block too short");
	if (w->nifs == w->ifcap) {
		uint32_t cap = w->ifcap ? 2 * w->ifcap : 8;
		const struct dec_link **l = realloc(w->links, cap * sizeof(*l));

		if (!l)
			return sys_err(w, -ENOMEM);
		w->links = l;
		w->ifcap = cap;
	}
	/* LINKTYPE_ (the file) to DLT_ (the decoder): equal but for the
	 * values that differ between systems. */
	w->links[w->nifs++] = dec_link_find(lt == 101 ? DLT_RAW :
					    lt == 108 ? DLT_LOOP : lt);
	return 0;
}

/* EPB and the obsolete PB: interface id (32 bits; PB: 16, then 16 bits of
 * drop count), timestamp, captured and original lengths, data, options. */
static int epb(struct walk *w, uint32_t type, const struct rd_span *b,
	       uint64_t at)
{
	uint32_t ifid, caplen, wire;

	if (!g32(b, 12, w->be, &caplen) || !g32(b, 16, w->be, &wire))
		return damaged(w, at, "packet block too short");
	ifid = type == BT_PB ? get16(b->p, w->be) : get32(b->p, w->be);
	if (ifid >= w->nifs)
		return damaged(w, at, "packet on interface %u, only %u described",
			       ifid, w->nifs);
	if (caplen > b->len - 20)
		return damaged(w, at, "captured length %u larger than its block",
			       caplen);
	w->st.packets++;
	struct rd_span data = { b->p + 20, caplen };
	struct rd_span opts = rd_sub(b, 20 + pad4(caplen));

	packet(w, w->links[ifid], &data, wire, &opts);
	return 0;
}

/* NRB: porttop -w writes an empty one (no names) whose comments give a
 * flow's owners as it ended ("porttop flow: ..." then a process record),
 * for owners learnt after the flow's packets were written
 * (attr_flow_note).  Name records are skipped. */
static int nrb(struct walk *w, const struct rd_span *b)
{
	uint32_t off = 0;
	uint16_t type = 1, len;

	while (type != 0) {	/* nrb_record_end */
		if (!g16(b, off, w->be, &type) || !g16(b, off + 2, w->be, &len) ||
		    !rd_has(b, off + 4, len))
			return 0;	/* not ours; the packets do not need it */
		off += 4 + pad4(len);
	}
	struct rd_span opts = rd_sub(b, off);
	uint16_t code;

	off = 0;
	while (g16(&opts, off, w->be, &code) && code != OPT_END &&
	       g16(&opts, off + 2, w->be, &len) && rd_has(&opts, off + 4, len)) {
		const char *s = (const char *)opts.p + off + 4, *e = s + len;
		const char *nl = memchr(s, '\n', len);
		struct dec_pkt pk;
		struct attr_note_rec r;

		off += 4 + pad4(len);
		if (code != OPT_COMMENT || !nl || len < 14 || memcmp(s, "porttop flow: ", 14))
			continue;
		if (!attr_note_flow(s, nl, &pk) ||
		    attr_note_parse(&r, 0, 1, nl + 1, e) != 1) {
			w->st.bad_comments++;
			continue;
		}
		w->st.flow_notes++;
		deliver(w, &pk, &r, 0);
	}
	return 0;
}

/* SPB: the original length, then the data (captured length: the least of
 * it, the block and the snaplen), no options: no comment to read. */
static int spb(struct walk *w, const struct rd_span *b, uint64_t at)
{
	if (!rd_has(b, 0, 4))
		return damaged(w, at, "simple packet block too short");
	if (w->nifs == 0)
		return damaged(w, at, "simple packet block, no interface");
	w->st.packets++;
	return 0;
}

static int walk(struct walk *w)
{
	for (;;) {
		uint64_t at = w->off;
		int rc = need(w, 12);

		if (rc < 0)
			return sys_err(w, rc);
		if (rc > 0 && w->end == w->pos)
			return 0;	/* the end, between blocks */
		if (rc > 0)
			return damaged(w, at, "cut in a block header");
		const uint8_t *p = w->buf + w->pos;
		uint32_t type = get32(p, w->be);

		if (type == BT_SHB) {	/* its magic sets the byte order */
			uint32_t magic = get32(p + 8, false);

			if (magic != 0x1A2B3C4Du && magic != 0x4D3C2B1Au)
				return damaged(w, at, "bad byte-order magic");
			w->be = magic == 0x4D3C2B1Au;
		}
		uint32_t len = get32(p + 4, w->be);

		if (len < 12 || len % 4 != 0 || len > MAX_BLOCK)
			return damaged(w, at, "block length %u", len);
		rc = need(w, len);
		if (rc < 0)
			return sys_err(w, rc);
		if (rc > 0)
			return damaged(w, at, "cut: %zu of %u bytes",
				       w->end - w->pos, len);
		p = w->buf + w->pos;	/* the buffer may have moved */
		if (get32(p + len - 4, w->be) != len)
			return damaged(w, at, "trailing length %u, leading %u",
				       get32(p + len - 4, w->be), len);

		struct rd_span body = { p + 8, len - 12 };

		rc = type == BT_SHB ? shb(w, &body, at) :
		     type == BT_IDB ? idb(w, &body, at) :
		     type == BT_EPB || type == BT_PB ? epb(w, type, &body, at) :
		     type == BT_SPB ? spb(w, &body, at) :
		     type == BT_NRB ? nrb(w, &body) : 0;
		if (rc < 0)
			return rc;
		w->pos += len;
		w->off += len;
	}
}

int attr_pcapng_scan(const char *path, attr_sock_fn fn, void *arg,
		     struct attr_pcapng_stats *st, int *is_pcapng, char *err,
		     size_t errlen)
{
	static const uint8_t shb_type[4] = { 0x0A, 0x0D, 0x0D, 0x0A };
	struct walk w = { .fd = -1, .fn = fn, .arg = arg, .path = path,
			  .err = err, .errlen = errlen };
	struct stat sb;
	int rc;

	if (st)
		memset(st, 0, sizeof(*st));
	if (is_pcapng)
		*is_pcapng = 0;
	if (errlen)
		err[0] = '\0';
	/* The main pass needs a pipe's bytes; and stat() comes before open()
	 * because opening a FIFO waits for its writer. */
	if (strcmp(path, "-") == 0 ||
	    (stat(path, &sb) == 0 && S_ISFIFO(sb.st_mode))) {
		snprintf(err, errlen,
			 "process comments cannot be read from a pipe");
		return -ESPIPE;
	}
	w.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (w.fd < 0)
		return sys_err(&w, -errno);
	w.buf = malloc(IN_BUF);
	w.cap = IN_BUF;
	if (!w.buf) {
		rc = sys_err(&w, -ENOMEM);
		goto out;
	}
	rc = need(&w, 4);
	if (rc < 0) {
		rc = sys_err(&w, rc);
		goto out;
	}
	if (rc > 0 || memcmp(w.buf, shb_type, 4) != 0) {
		rc = 0;		/* pcap, or not a capture: not ours */
		goto out;
	}
	if (is_pcapng)
		*is_pcapng = 1;
	w.cache = calloc(CACHE_SLOTS, sizeof(*w.cache));
	if (!w.cache || dec_init(&w.dec, 64) < 0) {
		rc = sys_err(&w, -ENOMEM);
		goto out;
	}
	rc = walk(&w);
	dec_free(&w.dec);
	if (st)
		*st = w.st;
out:
	free(w.cache);
	free(w.links);
	free(w.buf);
	close(w.fd);
	return rc;
}
