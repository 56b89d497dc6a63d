/*
 * attr_file.c - the owners a capture file's comments recorded
 * (attr_open_file, see attr.h): the attribution service without a thread
 * or back end, its cache filled from the file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "attr_int.h"
#include "attr_pcapng.h"

int attr_open_file(struct attr **out, const char *path, char *msg, size_t len)
{
	struct attr_pcapng_stats st;
	uint32_t entries = 1024;	/* a pcap, or few comments: small; else
					   sized to the count and read again */
	char err[256] = "";
	int is_ng = 0, rc;
	struct attr *a;

	*out = NULL;
	for (;;) {
		if (!(a = calloc(1, sizeof(*a))) ||
		    !(a->cache = attr_cache_new(entries))) {
			free(a);
			snprintf(msg, len, "attribution: none (out of memory)");
			return -1;
		}
		a->file = 1;
		a->o.proc_root = "/proc";
		a->st.source = "pcapng";
		rc = attr_pcapng_scan(path, attr_put_sock, a, &st, &is_ng, err,
				      sizeof(err));
		/* the cache must hold every record: the file is all there is.
		 * A full bucket forgets one (counted in evicted) even when
		 * the cache as a whole has room: then a larger one, up to 16M
		 * sockets, and read again */
		if ((st.records <= entries / 2 && !a->st.evicted) ||
		    entries >= (1u << 24))
			break;
		attr_stop(a);
		entries *= 4;
		while (entries / 2 < st.records && entries < (1u << 24))
			entries *= 2;
	}
	if (!is_ng || !st.records) {	/* damage is libpcap's to report */
		snprintf(msg, len, "attribution: none (%s)", !is_ng ?
			 (rc == -ESPIPE ? "comments cannot be read from a pipe"
					: "a pcap file has no process comments")
			 : "no process comments in the file");
		attr_stop(a);
		return 0;
	}
	__atomic_store_n(&a->st.sockets, attr_cache_each(a->cache, NULL, NULL),
			 __ATOMIC_RELAXED);
	snprintf(msg, len, "attribution: pcapng comments (%llu of %llu "
		 "packets, %llu flow notes)%s%.200s",
		 (unsigned long long)st.commented,
		 (unsigned long long)st.packets,
		 (unsigned long long)st.flow_notes, rc ? "; stopped early: " : "",
		 rc ? err : "");
	*out = a;
	return 0;
}
