/*
 * attr_gen.c - the sockets a tuple had one after another (a UDP port
 * bound by processes in turn, within a flow's timeout): the writer keeps
 * the previous ones as older generations of the tuple (attr_history),
 * readers pick the one whose time covered a flow (attr_pick).
 *
 * Socket i of a tuple (0 the newest) held it from the close of socket
 * i + 1 (the beginning of time for the oldest), or with eBPF from its
 * first sighting (less OPEN_SLACK_NS) when that came later, to its own
 * close (open: until now).  eBPF stamps opens and closes in the kernel,
 * so with it these spans are exact; the tables (sock_diag, /proc/net)
 * only notice a socket and its close at a poll, so their spans are wide,
 * and a flow that crossed a change is said to have had several owners.
 */
#include <string.h>

#include "attr_int.h"

/* eBPF reports a socket just after its first packet (the send and receive
 * tracepoints fire as the call returns): its span begins this much
 * before its first sighting. */
#define OPEN_SLACK_NS (1000 * 1000)

/* The generations of e's tuple, newest first, e itself as the first:
 * how many (1 to ATTR_GENS). */
static int chain(const struct attr *a, const struct attr_entry *e,
		 struct attr_entry c[ATTR_GENS])
{
	struct attr_key k = e->key;
	int n = 1;

	c[0] = *e;
	for (k.gen = 1; k.gen < ATTR_GENS; k.gen++, n++)
		if (!attr_cache_get(a->cache, &k, &c[n]))
			break;
	return n;
}

int attr_history(struct attr *a, struct attr_entry *e)
{
	struct attr_entry c[ATTR_GENS];
	int n;

	e->key.gen = 0;
	if (!e->inode || !attr_cache_get(a->cache, &e->key, &c[0]) ||
	    !c[0].inode || c[0].inode == e->inode)
		return 0;	/* the same socket, or none known before */
	n = chain(a, &c[0], c);
	if (e->closed_ns) {	/* a close: of an older generation? */
		for (int i = 1; i < n; i++)
			if (c[i].inode == e->inode) {
				c[i].closed_ns = e->closed_ns;
				attr_cache_put(a->cache, &c[i]);
				return 1;
			}
		return 1;	/* of a socket the tuple no longer has */
	}
	if (!c[0].closed_ns)	/* replaced while open (SO_REUSEADDR) */
		c[0].closed_ns = e->seen_ns;
	for (int i = n < ATTR_GENS ? n : ATTR_GENS - 1; i > 0; i--) {
		c[i - 1].key.gen = (uint8_t)i;
		attr_cache_put(a->cache, &c[i - 1]);
	}
	return 0;
}

int attr_pick(const struct attr *a, struct attr_entry *e,
	      int64_t first_mono, int64_t last_mono)
{
	struct attr_entry c[ATTR_GENS];
	int n = chain(a, e, c), pick = -1, owners = 0, unknown = -1;
	int64_t from = INT64_MIN;

	for (int i = 0; i < n; i++) {
		int64_t to = c[i].closed_ns ? c[i].closed_ns : INT64_MAX;

		from = c[i].owner.src == ATTR_SRC_BPF ?
		       c[i].opened_ns - OPEN_SLACK_NS : INT64_MIN;
		if (i + 1 < n && c[i + 1].closed_ns > from)
			from = c[i + 1].closed_ns;
		if (from > last_mono || to < first_mono)
			continue;
		if (c[i].owner.pid < 0) {	/* tells nothing of whose */
			unknown = i;
			continue;
		}
		owners += pick < 0 || c[i].owner.pid != c[pick].owner.pid;
		pick = i;
	}
	if (owners > 1)
		return -1;
	if (pick < 0)
		pick = unknown;
	if (pick < 0)	/* from: the oldest remembered socket's start */
		return n == ATTR_GENS && last_mono < from ? -2 : 0;
	*e = c[pick];
	return 1;
}
