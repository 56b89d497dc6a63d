/*
 * attr_file.c - the owners a capture file's comments recorded (see
 * attr.h: attr_open_file, attr_file_packet, attr_file_note): the
 * attribution service without a thread or back end, its cache filled by
 * the capture thread as it reads the file, in one pass (standard input
 * too).
 *
 * porttop's own -w FILE.pcapng and ptcpdump write the process that owns a
 * packet into the packet's opt_comment options (the grammar is
 * attr_note.h's); porttop's flow notes (Name Resolution Blocks, read as
 * CAP_NOTE) add the owners learnt after a flow's packets were written.
 * Each record becomes one struct attr_sock: the owner's end of the
 * packet's TCP, UDP or SCTP tuple.
 *
 * Without End:, the end comes from the packet's direction (epb_flags bits
 * 0-1, as ptcpdump writes them: 1 inbound, 2 outbound): inbound, the
 * process owns the destination; outbound, unknown or no flags, the source.
 *
 * Sources: draft-ietf-opsawg-pcapng (4.3.1 epb_flags); ptcpdump's
 * internal/writer/pcapng.go for its comments and direction flags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/cap.h"
#include "attr_int.h"
#include "attr_note.h"

#define DEDUP_SLOTS 4096	/* slot() gives 12 bits */

/* What the file's comments gave so far; one allocation (attr.c frees
 * it with the service). */
struct attr_file {
	struct attr_file_stats st;
	attr_sock_fn tap;		/* tests: every record put */
	void *tap_arg;
	struct attr_sock dedup[DEDUP_SLOTS];	/* the last record per
						   tuple slot */
};

static int same(const struct attr_sock *a, const struct attr_sock *b)
{
	return a->pid == b->pid && a->lport == b->lport &&
	       a->rport == b->rport && a->proto == b->proto &&
	       a->ipv == b->ipv && a->uid == b->uid && a->cgroup == b->cgroup &&
	       a->who == b->who &&
	       !memcmp(a->laddr, b->laddr, 16) &&
	       !memcmp(a->raddr, b->raddr, 16) &&
	       !memcmp(a->comm, b->comm, 16);
}

/* The dedup slot of a tuple as its owner sees it.  Not the keyed hash: a
 * file made to collide here costs a cache store per record, what a file
 * of distinct records costs anyway. */
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
	return (uint32_t)(h >> 52);
}

/* One record of packet p: the owner's end into the cache, unless it is
 * the same as the last one seen for its tuple. */
static void deliver(struct attr *a, const struct dec_pkt *p,
		    const struct attr_note_rec *r, uint32_t flags)
{
	int dst = r->end >= 0 ? r->end : (flags & 3) == 1;
	struct attr_sock s = { .proto = p->proto, .ipv = p->ipv,
			       .pid = r->pid, .uid = r->uid,
			       .cgroup = r->cgroup, .src = ATTR_SRC_PCAPNG };
	struct attr_sock *d;

	/* its container, pod or unit, as the comments named it */
	if (r->cg.id[0] || r->cg.unit[0] || r->rn.name[0])
		s.who = nm_who_recorded(&r->cg, &r->rn);

	memcpy(s.laddr, dst ? p->dst : p->src, 16);
	memcpy(s.raddr, dst ? p->src : p->dst, 16);
	s.lport = dst ? p->dport : p->sport;
	s.rport = dst ? p->sport : p->dport;
	memcpy(s.comm, r->comm, 16);
	d = &a->fs->dedup[slot(&s)];
	if (same(d, &s))
		return;
	*d = s;
	a->fs->st.records++;
	/* readers see attribution on from the first record (attr_lookup.c) */
	__atomic_store_n(&a->file_live, 1, __ATOMIC_RELEASE);
	attr_put_sock(a, &s);
	if (a->fs->tap)
		a->fs->tap(a->fs->tap_arg, &s);
}

/* The records of comments t[0..n-1], bad ones counted. */
static int parse(struct attr *a, const struct cap_text *t, uint32_t n,
		 struct attr_note_rec *r)
{
	int k = 0;

	for (uint32_t i = 0; i < n; i++) {
		int m = attr_note_parse(r, k, ATTR_NOTE_RECS, t[i].s,
					t[i].s + t[i].len);

		if (m < 0)
			a->fs->st.bad_comments++;
		else
			k = m;
	}
	return k;
}

void attr_file_packet(struct attr *a, const struct dec_pkt *p,
		      const struct cap_pkt *pk)
{
	struct attr_note_rec r[ATTR_NOTE_RECS];
	int n;

	if (!a || !a->fs)
		return;
	a->fs->st.packets++;
	if (!pk->ncomments || !(n = parse(a, pk->comments, pk->ncomments, r)))
		return;
	a->fs->st.commented++;
	/* later fragments carry their first fragment's record: not used */
	if (!p || !(p->l4 & DEC_L4_PORTS) || p->frag == DEC_FRAG_LATER ||
	    (p->proto != 6 && p->proto != 17 && p->proto != 132)) {
		a->fs->st.undecoded++;
		return;
	}
	for (int i = 0; i < n; i++)
		deliver(a, p, &r[i], pk->flags);
}

void attr_file_note(struct attr *a, const struct cap_pkt *pk)
{
	if (!a || !a->fs)
		return;
	for (uint32_t i = 0; i < pk->ncomments; i++) {
		const char *s = pk->comments[i].s, *e = s + pk->comments[i].len;
		const char *nl = memchr(s, '\n', pk->comments[i].len);
		struct attr_note_rec r;
		struct dec_pkt p;

		if (!nl || e - s < 14 || memcmp(s, "porttop flow: ", 14))
			continue;	/* not ours */
		if (!attr_note_flow(s, nl, &p) ||
		    attr_note_parse(&r, 0, 1, nl + 1, e) != 1) {
			a->fs->st.bad_comments++;
			continue;
		}
		a->fs->st.flow_notes++;
		deliver(a, &p, &r, 0);
	}
}

int attr_open_file(struct attr **out, int marked)
{
	struct attr *a = calloc(1, sizeof(*a));

	*out = NULL;
	if (!a || !(a->fs = calloc(1, sizeof(*a->fs))) ||
	    !(a->cache = attr_cache_new(CACHE_ENTRIES))) {
		if (a)
			free(a->fs);
		free(a);
		return -1;
	}
	a->file = 1;
	a->file_live = marked;
	a->o.proc_root = "/proc";
	a->st.source = "pcapng";
	*out = a;
	return 0;
}

void attr_file_get_stats(const struct attr *a, struct attr_file_stats *st)
{
	if (a && a->fs)
		*st = a->fs->st;
	else
		memset(st, 0, sizeof(*st));
}

void attr_file_tap(struct attr *a, attr_sock_fn fn, void *arg)
{
	a->fs->tap = fn;
	a->fs->tap_arg = arg;
}

int attr_file_msg(const struct attr *a, char *msg, size_t len)
{
	struct attr_file_stats st;

	attr_file_get_stats(a, &st);
	if (!st.records)
		return 0;
	snprintf(msg, len, "attribution: pcapng comments (%llu of %llu "
		 "packets, %llu flow notes)",
		 (unsigned long long)st.commented,
		 (unsigned long long)st.packets,
		 (unsigned long long)st.flow_notes);
	return 1;
}
