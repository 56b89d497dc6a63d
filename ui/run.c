/*
 * run.c - the offline pipeline (see run.h): one thread, one direction.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../capture/cap.h"
#include "../decode/dec.h"
#include "run.h"

/* A progress line only for files worth waiting for. */
#define PROGRESS_MIN_BYTES (64u << 20)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct progress {
	int on;
	double start, last;
};

static void progress_show(struct progress *pg, const struct cap *c,
			  const struct run_counts *n, const struct ft_table *t,
			  int final)
{
	uint64_t done, total;
	struct ft_stats st;
	double now;

	if (!pg->on)
		return;
	if (final) {
		fputs("\r\033[K", stderr);
		return;
	}
	now = now_s();
	if (now - pg->last < 0.5)
		return;
	pg->last = now;
	cap_progress(c, &done, &total);
	ft_get_stats(t, &st);
	fprintf(stderr, "\rporttop: %3.0f%%  %llu packets  %.2f Mpkt/s  %llu flows\033[K",
		total ? 100.0 * (double)done / (double)total : 0.0,
		(unsigned long long)n->read,
		(double)n->read / (now - pg->start) / 1e6,
		(unsigned long long)st.created);
}

static void summary(const struct run_counts *n, const struct dec *d,
		    const struct ft_stats *st)
{
	fprintf(stderr,
		"porttop: %llu packets read, %llu decoded, %llu truncated, "
		"%llu invalid, %llu unsupported, %llu flows\n",
		(unsigned long long)n->read, (unsigned long long)n->decoded,
		(unsigned long long)n->truncated,
		(unsigned long long)n->invalid,
		(unsigned long long)n->unsupported,
		(unsigned long long)st->ended);
	fprintf(stderr,
		"porttop: %llu fragments joined, %llu orphan fragments, "
		"%llu flows evicted\n",
		(unsigned long long)d->frags_joined,
		(unsigned long long)d->frags_orphaned,
		(unsigned long long)st->evicted);
}

int run_offline(const struct run_opts *o)
{
	char err[CAP_ERRBUF_SIZE], dlt[64];
	struct run_counts n = { 0 };
	struct progress pg = { 0 };
	const struct dec_link *lk;
	struct report *rep = NULL;
	struct ft_table *t = NULL;
	struct ft_stats st;
	struct cap *c = NULL;
	struct dec d = { 0 };
	struct cap_pkt pk;
	/* Decoded packets go to the flow table in batches (see ft_packets);
	 * a decoded record needs nothing from the frame it came from. */
	struct dec_pkt batch[FT_BATCH];
	unsigned nb = 0;
	int status = EXIT_OK, rc;
	uint64_t done, total;

	if (cap_open_file(o->read_file, &c, err) != CAP_OK) {
		fprintf(stderr, "porttop: %s: %s\n", o->read_file, err);
		return EXIT_USAGE;
	}
	lk = dec_link_find(cap_datalink(c));
	if (!lk) {
		fprintf(stderr, "porttop: %s: unsupported link type %s\n",
			o->read_file,
			cap_dlt_name(cap_datalink(c), dlt, sizeof(dlt)));
		cap_close(c);
		return EXIT_USAGE;
	}
	if (o->filter && *o->filter &&
	    cap_set_filter(c, o->filter, err) != CAP_OK) {
		fprintf(stderr, "porttop: bad filter expression: %s\n", err);
		cap_close(c);
		return EXIT_USAGE;
	}
	if (dec_init(&d, 0) < 0 || !(rep = report_new(o->report, o->format)) ||
	    !(t = ft_create(&o->ft, report_add, rep))) {
		fprintf(stderr, "porttop: cannot allocate the flow table "
			"(%zu bytes): %s\n", ft_memory(&o->ft), strerror(errno));
		status = EXIT_USAGE;
		goto out;
	}
	cap_progress(c, &done, &total);
	pg.on = !o->quiet && isatty(STDERR_FILENO) &&
		total >= PROGRESS_MIN_BYTES;
	pg.start = pg.last = now_s();

	/* Reports can be millions of lines: buffer them in large blocks. */
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	while ((rc = cap_next(c, &pk, err)) == 1) {
		n.read++;
		switch (dec_frame(&d, lk, pk.data, pk.caplen, pk.len, pk.ts_ns,
				  &batch[nb])) {
		case DEC_OK:
			n.decoded += 1 + batch[nb].held_pkts;
			if (++nb == FT_BATCH) {
				ft_packets(t, batch, nb);
				nb = 0;
			}
			break;
		case DEC_TRUNCATED:
			n.truncated++;
			break;
		case DEC_INVALID:
			n.invalid++;
			break;
		case DEC_UNSUPPORTED:
			n.unsupported++;
			break;
		default:	/* DEC_FRAG_HELD: counted when joined or
				   orphaned */
			break;
		}
		if ((n.read & 0xffff) == 0)
			progress_show(&pg, c, &n, t, 0);
		if (o->count && n.read >= o->count)
			break;
	}
	ft_packets(t, batch, nb);
	progress_show(&pg, c, &n, t, 1);
	if (rc < 0)
		status = EXIT_DAMAGED;
	dec_flush(&d);
	ft_flush(t);
	if (report_write(rep, stdout) < 0) {
		fprintf(stderr, "porttop: writing the report: %s\n",
			strerror(errno));
		status = EXIT_DAMAGED;
	}
	ft_get_stats(t, &st);
	summary(&n, &d, &st);
	if (rc < 0)
		fprintf(stderr, "porttop: %s: damaged after %llu packet%s: %s\n",
			o->read_file, (unsigned long long)n.read,
			n.read == 1 ? "" : "s", err);
out:
	ft_destroy(t);
	report_free(rep);
	dec_free(&d);
	cap_close(c);
	return status;
}
