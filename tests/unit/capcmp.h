/*
 * capcmp.h - read one capture file with porttop's reader (cap_open_file,
 * cap_next) and with libpcap (pcap_open_offline_with_tstamp_precision at
 * nanoseconds, pcap_next_ex) side by side, and say whether they agree:
 * the same refusal at open (same message), or the same link type and
 * snapshot length, then the same packets (time in ns, caplen, len, bytes),
 * then the same end (end of file, or the same error message).  Notes
 * (CAP_NOTE) are skipped: libpcap has none.
 *
 * One difference is expected: libpcap 1.10 stops at an interface whose
 * link type or snapshot length differs from the first interface's ("an
 * interface has a type ... different", "... a snapshot length ...
 * different"); porttop reads on.  Then the packets before libpcap's stop
 * must agree, and porttop must not have stopped earlier.
 *
 * Used by test_cap_pcapng.c (files built here) and test_cap_pcapng_diff.c
 * (real and mutated captures).
 */
#ifndef PORTTOP_TEST_CAPCMP_H
#define PORTTOP_TEST_CAPCMP_H

#include <stdio.h>
#include <string.h>
#include <pcap/pcap.h>

#include "../../capture/cap.h"
#include "../../capture/cap_int.h"
#include "../../capture/cap_pcapng.h"

enum capcmp {
	CAPCMP_SAME,	/* everything agrees */
	CAPCMP_MIXED,	/* libpcap stopped at a differing interface,
			   porttop read on */
	CAPCMP_DIFFER,	/* see why */
};

struct capcmp_res {
	enum capcmp verdict;
	long packets;		/* agreeing packets */
	long beyond;		/* CAPCMP_MIXED: packets porttop read after
				   libpcap stopped */
	int opened;		/* both opened the file */
	int ours;		/* porttop's pcapng reader read it (not libpcap:
				   cap_ng_probe() on its first bytes) */
	int error;		/* it ended with an error (both; CAPCMP_MIXED:
				   porttop, later) */
	char why[512];
};

static int capcmp_mixed_msg(const char *m)
{
	return strstr(m, "an interface has a type ") ||
	       strstr(m, "an interface has a snapshot length ");
}

/* capcmp_loop: packet after packet until one side ends. */
static void capcmp_loop(pcap_t *p, struct cap *c, struct capcmp_res *r)
{
	char err[CAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *pd;
	struct cap_pkt pk;
	int a, b;

	for (;;) {
		a = pcap_next_ex(p, &h, &pd);
		do
			b = cap_next(c, &pk, err);
		while (b == CAP_NOTE);
		if (a == PCAP_ERROR && capcmp_mixed_msg(pcap_geterr(p))) {
			/* porttop reads the interface and goes on, to the
			 * end or to damage libpcap did not reach (perhaps in
			 * that interface's own options, checked after the
			 * link type and snapshot length by libpcap) */
			r->verdict = CAPCMP_MIXED;
			while (b == 1 || b == CAP_NOTE) {
				r->beyond += b == 1;
				b = cap_next(c, &pk, err);
			}
			r->error = b == CAP_ERR_READ;
			return;
		}
		if (a != 1 || b != 1)
			break;
		if (pk.ts_ns != cap_ts_ns(h->ts.tv_sec, h->ts.tv_usec) ||
		    pk.caplen != h->caplen || pk.len != h->len ||
		    memcmp(pk.data, pd, h->caplen) != 0) {
			snprintf(r->why, sizeof(r->why), "packet %ld: ts %lld/%lld "
				 "caplen %u/%u len %u/%u bytes %s", r->packets + 1,
				 (long long)pk.ts_ns,
				 (long long)cap_ts_ns(h->ts.tv_sec, h->ts.tv_usec),
				 pk.caplen, h->caplen, pk.len, h->len,
				 pk.caplen == h->caplen &&
				 memcmp(pk.data, pd, h->caplen) == 0 ? "same" :
								       "differ");
			r->verdict = CAPCMP_DIFFER;
			return;
		}
		r->packets++;
	}
	if (a == PCAP_ERROR_BREAK && b == 0)
		return;
	if (a == PCAP_ERROR && b == CAP_ERR_READ &&
	    strcmp(pcap_geterr(p), err) == 0) {
		r->error = 1;
		return;
	}
	r->verdict = CAPCMP_DIFFER;
	snprintf(r->why, sizeof(r->why), "after %ld packets: libpcap %d (%s), "
		 "porttop %d (%s)", r->packets, a,
		 a == PCAP_ERROR ? pcap_geterr(p) : "", b,
		 b == CAP_ERR_READ ? err : "");
}

static struct capcmp_res capcmp_file(const char *path)
{
	struct capcmp_res r = { .verdict = CAPCMP_SAME };
	char e1[PCAP_ERRBUF_SIZE] = "", e2[CAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_NANO, e1);
	struct cap *c = NULL;
	int rc = cap_open_file(path, &c, e2);
	uint8_t head[12];
	FILE *f = fopen(path, "rb");

	r.ours = f && cap_ng_probe(head, fread(head, 1, sizeof(head), f));
	if (f)
		fclose(f);
	if (!p || rc != CAP_OK) {
		if (p || rc == CAP_OK || strcmp(e1, e2) != 0) {
			r.verdict = CAPCMP_DIFFER;
			snprintf(r.why, sizeof(r.why), "open: libpcap %s (%s), "
				 "porttop %s (%s)", p ? "ok" : "refuses", e1,
				 rc == CAP_OK ? "ok" : "refuses", e2);
		}
		r.error = 1;
		goto out;
	}
	r.opened = 1;
	if (r.ours != (c->ng != NULL)) {
		r.verdict = CAPCMP_DIFFER;
		snprintf(r.why, sizeof(r.why), "read by the wrong reader");
		goto out;
	}
	if (pcap_datalink(p) != cap_datalink(c) ||
	    pcap_snapshot(p) != cap_snaplen(c)) {
		r.verdict = CAPCMP_DIFFER;
		snprintf(r.why, sizeof(r.why), "link type %d/%d snaplen %d/%d",
			 cap_datalink(c), pcap_datalink(p), cap_snaplen(c),
			 pcap_snapshot(p));
		goto out;
	}
	capcmp_loop(p, c, &r);
out:
	if (p)
		pcap_close(p);
	cap_close(c);
	return r;
}

#endif
