/*
 * main.c - porttop's command line (tcpdump's letters where they exist).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decode/dec_hash.h"
#include "../filters/filter.h"
#include "run.h"

#ifndef PORTTOP_VERSION
#define PORTTOP_VERSION "0.1.0"
#endif

enum { OPT_REPORT = 256, OPT_FORMAT, OPT_MAX_FLOWS, OPT_TIMEOUTS,
       OPT_VERSION };

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "timeouts", required_argument, NULL, OPT_TIMEOUTS },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	struct ft_config c = { 0 };

	fprintf(f,
"Usage: porttop -r FILE [options] [EXPRESSION]\n"
"Which process talks on which port, how much, and how each port behaves.\n"
"\n"
"  -r FILE            read packets from a pcap or pcapng file (- = stdin)\n"
"  -F FILE            read the filter expression from FILE\n"
"  -c COUNT           stop after COUNT packets\n"
"  -n                 no name lookups (always the case)\n"
"  -q                 no progress line on stderr\n"
"  --report KIND      flows (default) or ports\n"
"  --format FMT       text (default), csv or json (JSON Lines)\n"
"  --max-flows N      flows kept at once (default %u, %zu MiB); when full,\n"
"                     the idlest flow is ended early and counted as evicted\n"
"  --timeouts SPEC    inactivity timeouts in seconds, e.g. tcp=300,udp=60,\n"
"                     icmp=60,other=60 (Zeek's defaults)\n"
"  -h, --help         this help\n"
"  --version          version and libraries\n"
"\n"
"EXPRESSION is a capture filter in tcpdump syntax (pcap-filter(7)).\n"
"Exit status: 0 ok, 1 input damaged mid-way (report of what was read),\n"
"2 usage error, unreadable file, bad filter or unsupported link type.\n",
		FT_DEFAULT_FLOWS, ft_memory(&c) >> 20);
}

static int bad_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "porttop: %s%s%s\nTry 'porttop --help'.\n", msg,
		arg ? ": " : "", arg ? arg : "");
	return EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	if (!s || *s == '-' || *s == '\0')
		return -1;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

/* "tcp=300,udp=60": seconds per protocol kind */
static int parse_timeouts(const char *spec, struct ft_config *c)
{
	static const char *const names[FT_NKIND] = { "tcp", "udp", "icmp",
						     "other" };
	char buf[256], *save = NULL;

	if (strlen(spec) >= sizeof(buf))
		return -1;
	strcpy(buf, spec);
	for (char *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '='), *end;
		int k;

		if (!eq)
			return -1;
		*eq = '\0';
		for (k = 0; k < FT_NKIND && strcmp(tok, names[k]); k++)
			;
		double s = strtod(eq + 1, &end);
		/* at least a nanosecond: 0 would mean "the default" */
		if (k == FT_NKIND || *end || !(s >= 1e-9) || s > 1e9)
			return -1;
		c->timeout_ns[k] = (int64_t)(s * 1e9);
	}
	return 0;
}

/* PORTTOP_HASH_SEED (32 hex digits) fixes the hash key, for tests that
 * want repeatable table layouts; outputs never depend on it. */
static int hash_seed(void)
{
	const char *s = getenv("PORTTOP_HASH_SEED");
	uint8_t seed[16];

	if (!s)
		return dec_hash_init(NULL);
	for (int i = 0; i < 16; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		seed[i] = (uint8_t)v;
	}
	return dec_hash_init(seed);
}

int main(int argc, char **argv)
{
	struct run_opts o = { .report = REP_FLOWS, .format = REP_TEXT };
	const char *filter_file = NULL;
	char *filter = NULL, err[256];
	uint64_t v;
	int ch, status;

	opterr = 0;	/* one message of our own per error */
	while ((ch = getopt_long(argc, argv, "+:r:F:c:nqh", long_opts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'r':
			o.read_file = optarg;
			break;
		case 'F':
			filter_file = optarg;
			break;
		case 'c':
			if (parse_u64(optarg, &o.count) < 0 || o.count == 0)
				return bad_usage("invalid packet count", optarg);
			break;
		case 'n':
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case OPT_VERSION:
			printf("porttop %s\n%s\njansson %s\n", PORTTOP_VERSION,
			       pcap_lib_version(), JANSSON_VERSION);
			return EXIT_OK;
		case OPT_REPORT:
			if (!strcmp(optarg, "flows"))
				o.report = REP_FLOWS;
			else if (!strcmp(optarg, "ports"))
				o.report = REP_PORTS;
			else
				return bad_usage("unknown report", optarg);
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "text"))
				o.format = REP_TEXT;
			else if (!strcmp(optarg, "csv"))
				o.format = REP_CSV;
			else if (!strcmp(optarg, "json"))
				o.format = REP_JSON;
			else
				return bad_usage("unknown format", optarg);
			break;
		case OPT_MAX_FLOWS:
			if (parse_u64(optarg, &v) < 0 || v < 16 ||
			    v > (1u << 30))
				return bad_usage("--max-flows must be 16 to 2^30",
						 optarg);
			o.ft.max_flows = (uint32_t)v;
			break;
		case OPT_TIMEOUTS:
			if (parse_timeouts(optarg, &o.ft) < 0)
				return bad_usage("invalid --timeouts", optarg);
			break;
		case ':':
			return bad_usage("option requires an argument",
					 argv[optind - 1]);
		default:
			return bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (!o.read_file)
		return bad_usage("nothing to read: use -r FILE "
				 "(live capture comes in a later version)",
				 NULL);
	if (filter_file) {
		if (optind < argc)
			return bad_usage("give the expression either with -F "
					 "or on the command line, not both",
					 NULL);
		filter = filter_from_file(filter_file, err, sizeof(err));
		if (!filter)
			return bad_usage(err, NULL);
	} else {
		filter = filter_from_args(argc - optind, argv + optind);
		if (!filter)
			return bad_usage("out of memory", NULL);
	}
	if (hash_seed() < 0) {
		free(filter);
		return bad_usage("cannot initialise the hash key "
				 "(PORTTOP_HASH_SEED must be 32 hex digits)",
				 NULL);
	}
	o.filter = filter;
	status = run_offline(&o);
	free(filter);
	return status;
}
