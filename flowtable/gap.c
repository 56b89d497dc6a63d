/*
 * gap.c - content gaps in one TCP endpoint's byte stream: Zeek's
 * reassembler (src/analyzer/protocol/tcp/TCP_Reassembler.cc and
 * src/Reassem.cc in github.com/zeek/zeek) without the bytes.
 *
 * Zeek hands each data segment to its endpoint's reassembler (DataSent)
 * and each acknowledgment to the acknowledged endpoint's (AckReceived).
 * When the peer acknowledges sequence space that no segment delivered,
 * TrimToSeq finds it undelivered and reports each hole as a content gap
 * (Undelivered, Gap): one `content_gap` event per hole, whose length
 * base/protocols/conn/main.zeek adds to conn.log's `missed_bytes`, and a
 * 'G'/'g' history letter at the 1st, 10th, 100th... gap of that endpoint
 * (TCP_Endpoint::Gap), both only while both endpoints are established or
 * closed after being established.  The rules kept here:
 *  - an acknowledgment beyond the sender's FIN counts only up to it;
 *  - on a partial connection (no SYN seen) an acknowledgment of the first
 *    one or two bytes reports nothing (Zeek's keep-alive case);
 *  - data already acknowledged is not data (DataSent trims it);
 *  - when more than tcp_max_above_hole_without_any_acks (16384) bytes wait
 *    above a hole and nothing was ever acknowledged, or more than
 *    tcp_excessive_data_without_further_acks (10 MiB) wait, Zeek stops
 *    reassembling the endpoint: no more gaps from it.
 * Zeek runs the reassembler when an analyzer wants the stream; with its
 * default scripts (dpd_reassemble_first_packets) that is every TCP
 * connection, as here.
 *
 * One difference, on purpose: Zeek cannot deliver a payload the snapshot
 * length cut (truncated_tcp_payload) and later reports those bytes as a
 * gap.  porttop captures headers only by default (-s 256), so a segment
 * whose header was captured counts as delivered whatever its caplen: a
 * gap here is sequence space that no captured packet covered, which is
 * loss at the capture point (or before it).
 *
 * Sequence numbers are Zeek's relative 64-bit ones (the first data byte
 * is 1).  Data waiting above holes is kept as GAP_BLOCKS ranges; a segment
 * that would need more joins the nearest range, so the hole between them
 * counts as delivered (at worst missed_bytes says too little).
 */
#include <string.h>

#include "conn.h"

#define MAX_ABOVE_HOLE_NO_ACKS 16384u		/* init-bare.zeek */
#define MAX_DATA_NO_ACKS (10u * 1024 * 1024)	/* init-bare.zeek */

void gap_init(struct conn_gap *g)
{
	memset(g, 0, sizeof(*g));
	g->last = g->trim = 1;
}

static void drop(struct gap_blk *b, int *n, int i)
{
	memmove(&b[i], &b[i + 1], (size_t)(*n - i - 1) * sizeof(b[0]));
	(*n)--;
}

/* Blocks that now start at or below the delivered point are delivered
 * (BlockInserted). */
static void deliver(struct conn_gap *g)
{
	int n = g->n;

	while (n && g->blk[0].lo <= g->last) {
		if (g->blk[0].hi > g->last)
			g->last = g->blk[0].hi;
		drop(g->blk, &n, 0);
	}
	g->n = (uint8_t)n;
}

/* Merge block i with i+1 (the hole between them is forgotten). */
static void join(struct gap_blk *b, int *n, int i)
{
	if (b[i + 1].hi > b[i].hi)
		b[i].hi = b[i + 1].hi;
	drop(b, n, i + 1);
}

/* Add [lo, hi) to the sorted, disjoint, non-touching blocks. */
static void insert(struct conn_gap *g, uint64_t lo, uint64_t hi)
{
	struct gap_blk b[GAP_BLOCKS + 1];
	int n = g->n, i = 0;

	memcpy(b, g->blk, (size_t)n * sizeof(b[0]));
	while (i < n && b[i].lo < lo)
		i++;
	memmove(&b[i + 1], &b[i], (size_t)(n - i) * sizeof(b[0]));
	b[i].lo = lo;
	b[i].hi = hi;
	n++;
	for (int k = 0; k + 1 < n;) {		/* overlapping or touching */
		if (b[k + 1].lo <= b[k].hi)
			join(b, &n, k);
		else
			k++;
	}
	while (n > GAP_BLOCKS) {		/* too many: close the
						   smallest hole */
		int best = 0;

		for (int k = 1; k + 1 < n; k++)
			if (b[k + 1].lo - b[k].hi < b[best + 1].lo - b[best].hi)
				best = k;
		join(b, &n, best);
	}
	memcpy(g->blk, b, (size_t)n * sizeof(b[0]));
	g->n = (uint8_t)n;
}

void gap_data(struct conn_gap *g, uint64_t acked, uint64_t seq, uint32_t len,
	      int no_data_acked)
{
	uint64_t hi = seq + len, waiting = 0;

	if (g->skip || len == 0)
		return;
	if (seq < acked) {			/* TCP_Reassembler::DataSent */
		if (hi <= acked)
			return;
		seq = acked;
	}
	if (hi <= g->trim)			/* Reassembler::NewBlock */
		return;
	if (seq < g->trim)
		seq = g->trim;
	if (!g->n && seq <= g->last) {		/* in order: the usual case */
		if (hi > g->last)
			g->last = hi;
		return;
	}
	insert(g, seq, hi);
	deliver(g);
	for (int i = 0; i < g->n; i++)
		waiting += g->blk[i].hi - g->blk[i].lo;
	if ((no_data_acked && g->n &&
	     g->blk[g->n - 1].hi - g->last > MAX_ABOVE_HOLE_NO_ACKS) ||
	    waiting > MAX_DATA_NO_ACKS) {
		g->n = 0;
		g->skip = 1;
	}
}

/* TCP_Reassembler::Undelivered: the holes below up. */
static void undelivered(struct conn_gap *g, uint64_t up, int partial,
			struct gap_found *out)
{
	if (up <= 2 && partial)
		return;
	if (!g->skip) {
		while (g->n && g->blk[0].lo < up) {
			out->events++;
			out->bytes += g->blk[0].lo - g->last;
			g->last = g->blk[0].lo;
			deliver(g);
		}
		if (up > g->last) {
			out->events++;
			out->bytes += up - g->last;
		}
	}
	if (up > g->last)
		g->last = up;
}

void gap_ack(struct conn_gap *g, uint64_t ack, int partial,
	     struct gap_found *out)
{
	out->events = 0;
	out->bytes = 0;
	if (ack <= g->trim)
		return;
	if (ack > g->last)
		undelivered(g, ack, partial, out);
	int n = g->n;

	while (n && g->blk[0].hi <= ack)
		drop(g->blk, &n, 0);
	g->n = (uint8_t)n;
	g->trim = ack;
}
