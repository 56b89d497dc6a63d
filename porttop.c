/*
 * main.c - porttop's command line (tcpdump's letters where they exist,
 * top's for the batch view).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/keyhash.h"
#include "filters/filter.h"
#include "ui/model.h"
#include "core/run.h"

#ifndef PORTTOP_VERSION
#define PORTTOP_VERSION "0.1.0"
#endif

#define DEFAULT_SNAPLEN 256	/* headers, not payloads: enough for VLAN +
				   IPv6 + extension headers + TCP options */

enum { OPT_REPORT = 256, OPT_FORMAT, OPT_MAX_FLOWS, OPT_TIMEOUTS,
       OPT_VERSION, OPT_BATCH, OPT_DURATION, OPT_SPEED, OPT_VIEW,
       OPT_FALLBACK, OPT_ATTRIB, OPT_EVENTS, OPT_SCAN };

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "timeouts", required_argument, NULL, OPT_TIMEOUTS },
	{ "batch", no_argument, NULL, OPT_BATCH },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "view", required_argument, NULL, OPT_VIEW },
	{ "fallback-replay", required_argument, NULL, OPT_FALLBACK },
	{ "attrib", required_argument, NULL, OPT_ATTRIB },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "scan", required_argument, NULL, OPT_SCAN },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	struct ft_config c = { 0 };

	fprintf(f,
"Usage: porttop [-r FILE | -i IFACE] [options] [EXPRESSION]\n"
"       porttop -D\n"
"Which process talks on which port, how much, and how each port behaves.\n"
"\n"
"Source:\n"
"  -i IFACE           capture on IFACE (\"any\": every device); default: the\n"
"                     first device that is up, as tcpdump picks it\n"
"  -r FILE            read a pcap or pcapng file (- = stdin)\n"
"  -D                 list the devices\n"
"  -p                 do not put the device in promiscuous mode\n"
"  -s SNAPLEN         bytes kept per packet (default %d: the headers)\n"
"  -B KIB             kernel capture buffer in KiB (default 8192; below\n"
"                     1024 drops come early at high packet rates)\n"
"  -F FILE            read the filter expression from FILE\n"
"  -w FILE            also write the packets to FILE (pcapng if it ends in\n"
"                     .pcapng, else pcap)\n"
"  -c COUNT           stop after COUNT packets\n"
"  --duration SECONDS stop after this long (packet time in a replay)\n"
"Output (default: the interactive view when stdout is a terminal,\n"
"else the flows report):\n"
"  --report KIND      at the end, one row per flow (flows), per port (ports)\n"
"                     or per process (procs)\n"
"  --batch            print the view every -d seconds, no terminal needed\n"
"  --view VIEW        the view to show: flows (default), ports, processes\n"
"  --format FMT       text (default), csv (reports) or json (JSON Lines)\n"
"  -d SECONDS         refresh interval of the view and --batch (default 1)\n"
"  -n ITERATIONS      --batch: stop after this many refreshes (-n alone,\n"
"                     as in tcpdump, is accepted: names are never looked\n"
"                     up unless asked for in the view)\n"
"  --speed X          replay at X times real time (default 1; 0: at once)\n"
"  --fallback-replay FILE  when the device cannot be opened (e.g. not\n"
"                     root), say why and replay FILE instead\n"
"  -q                 no progress line on stderr\n"
"  -Z USER            once the device is open and eBPF loaded, run as USER,\n"
"                     keeping only CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE\n"
"                     for attribution (output files are created as USER)\n"
"Processes (live capture only):\n"
"  --attrib SOURCE    how flows are tied to processes: auto (default: eBPF\n"
"                     when allowed, else sock_diag), bpf, diag (netlink\n"
"                     sock_diag), proc (/proc/net), none\n"
"Events:\n"
"  --events FILE      write events as JSON Lines to FILE (- = stdout): port\n"
"                     state changes, scans (Zeek's thresholds: 15 ports of\n"
"                     a host, 25 hosts on a port, in 5 min), retransmission\n"
"                     spikes, listeners appearing and going (live)\n"
"  --scan SPEC        scan thresholds, e.g. ports=15,hosts=25,interval=300\n"
"                     (distinct ports of a host, hosts on a port, seconds)\n"
"Limits:\n"
"  --max-flows N      flows kept at once (default %u, %zu MiB); when full,\n"
"                     the idlest flow is ended early and counted as evicted\n"
"  --timeouts SPEC    inactivity timeouts in seconds, e.g. tcp=300,udp=60,\n"
"                     icmp=60,other=60 (Zeek's defaults)\n"
"  -h, --help         this help\n"
"  --version          version and libraries\n"
"\n"
"EXPRESSION is a capture filter in tcpdump syntax (pcap-filter(7)).\n"
"Exit status: 0 ok (also when stopped by a signal), 1 input damaged or\n"
"device lost mid-way (report of what was read), 2 usage error, unreadable\n"
"file or device, bad filter or unsupported link type.\n",
		DEFAULT_SNAPLEN, FT_DEFAULT_FLOWS, ft_memory(&c) >> 20);
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

/* Seconds (fractions allowed) as nanoseconds, within (0, 1e9 s]. */
static int parse_seconds(const char *s, int64_t *ns, int zero_ok)
{
	char *end;
	double v = strtod(s, &end);

	if (*end || !(v >= 0) || v > 1e9 || (!zero_ok && !(v >= 1e-9)))
		return -1;
	*ns = (int64_t)(v * 1e9);
	return 0;
}

/* "k=v,k=v": fn(arg, k, v) for each pair; -1 when a pair has no '=' or
 * fn refuses it (--timeouts, --scan). */
static int parse_pairs(const char *spec,
		       int (*fn)(void *arg, const char *k, const char *v),
		       void *arg)
{
	char buf[256], *save = NULL;

	if (strlen(spec) >= sizeof(buf))
		return -1;
	strcpy(buf, spec);
	for (char *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			return -1;
		*eq = '\0';
		if (fn(arg, tok, eq + 1) < 0)
			return -1;
	}
	return 0;
}

/* --timeouts tcp=300,udp=60,...: seconds per protocol kind */
static int timeout_pair(void *arg, const char *k, const char *v)
{
	static const char *const names[FT_NKIND] = { "tcp", "udp", "icmp",
						     "other" };
	struct ft_config *c = arg;

	for (int i = 0; i < FT_NKIND; i++)
		if (!strcmp(k, names[i]))
			/* at least a nanosecond: 0 means "the default" */
			return parse_seconds(v, &c->timeout_ns[i], 0);
	return -1;
}

/* --scan ports=N,hosts=N,interval=SECONDS (any of them) */
static int scan_pair(void *arg, const char *k, const char *v)
{
	struct scan_config *c = arg;
	unsigned long n;
	char *end;

	if (!strcmp(k, "interval"))
		return parse_seconds(v, &c->interval_ns, 0);
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || end == v || n < 1 || n > 65536)
		return -1;
	if (!strcmp(k, "ports"))
		c->port_threshold = (uint32_t)n;
	else if (!strcmp(k, "hosts"))
		c->addr_threshold = (uint32_t)n;
	else
		return -1;
	return 0;
}

/* PORTTOP_HASH_SEED (32 hex digits) fixes the hash key, for tests that
 * want repeatable table layouts; outputs never depend on it. */
static int hash_seed(void)
{
	const char *s = getenv("PORTTOP_HASH_SEED");
	uint8_t seed[16];

	if (!s)
		return keyhash_init(NULL);
	for (int i = 0; i < 16; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		seed[i] = (uint8_t)v;
	}
	return keyhash_init(seed);
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int parse_attrib(const char *s, int *mode)
{
	static const char *const names[] = {
		[ATTR_AUTO] = "auto", [ATTR_MODE_BPF] = "bpf",
		[ATTR_MODE_DIAG] = "diag", [ATTR_MODE_PROC] = "proc",
		[ATTR_MODE_NONE] = "none",
	};

	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (!strcmp(s, names[i])) {
			*mode = i;
			return 0;
		}
	return -1;
}

int main(int argc, char **argv)
{
	struct run_opts o = {
		.report = REP_FLOWS, .format = REP_TEXT, .speed = 1,
		.delay_ns = 1000000000LL,
		.live = { .snaplen = DEFAULT_SNAPLEN, .promisc = 1 },
	};
	const char *filter_file = NULL;
	char *filter = NULL, err[CAP_ERRBUF_SIZE];
	int report_set = 0, batch = 0, list = 0, ch, status;
	uint64_t v;

	opterr = 0;	/* one message of our own per error */
	while ((ch = getopt_long(argc, argv, "+:r:i:Dps:B:w:F:c:nqd:hZ:",
				 long_opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			o.read_file = optarg;
			break;
		case 'i':
			o.live.iface = optarg;
			break;
		case 'D':
			list = 1;
			break;
		case 'p':
			o.live.promisc = 0;
			break;
		case 's':
			if (parse_u64(optarg, &v) < 0 || v < 64 || v > 262144)
				return bad_usage("-s must be 64 to 262144",
						 optarg);
			o.live.snaplen = (int)v;
			break;
		case 'B':
			if (parse_u64(optarg, &v) < 0 || v == 0 ||
			    v > (1u << 21))
				return bad_usage("-B must be 1 to 2097152 KiB",
						 optarg);
			o.live.buffer_kib = (int)v;
			break;
		case 'w':
			o.write_file = optarg;
			break;
		case 'F':
			filter_file = optarg;
			break;
		case 'c':
			if (parse_u64(optarg, &o.count) < 0 || o.count == 0)
				return bad_usage("invalid packet count", optarg);
			break;
		case 'n':
			/* top's -n ITERATIONS when a number follows; else
			 * tcpdump's -n (no name lookups, always the case) */
			if (optind < argc && all_digits(argv[optind])) {
				if (parse_u64(argv[optind++], &o.iterations) < 0 ||
				    o.iterations == 0)
					return bad_usage("invalid -n iterations",
							 argv[optind - 1]);
			}
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'd':
			if (parse_seconds(optarg, &o.delay_ns, 0) < 0 ||
			    o.delay_ns < 10000000)
				return bad_usage("-d must be at least 0.01 s",
						 optarg);
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case OPT_VERSION:
			printf("porttop %s\n%s\njansson %s\n", PORTTOP_VERSION,
			       pcap_lib_version(), JANSSON_VERSION);
			return EXIT_OK;
		case OPT_REPORT:
			report_set = 1;
			if (!strcmp(optarg, "flows"))
				o.report = REP_FLOWS;
			else if (!strcmp(optarg, "ports"))
				o.report = REP_PORTS;
			else if (!strcmp(optarg, "procs"))
				o.report = REP_PROCS;
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
			if (parse_pairs(optarg, timeout_pair, &o.ft) < 0)
				return bad_usage("invalid --timeouts", optarg);
			break;
		case OPT_BATCH:
			batch = 1;
			break;
		case OPT_DURATION:
			if (parse_seconds(optarg, &o.duration_ns, 0) < 0)
				return bad_usage("invalid --duration", optarg);
			break;
		case OPT_FALLBACK:
			o.fallback_file = optarg;
			break;
		case OPT_EVENTS:
			o.events_file = optarg;
			break;
		case 'Z':
			o.user = optarg;
			break;
		case OPT_SCAN:
			if (parse_pairs(optarg, scan_pair, &o.scan) < 0)
				return bad_usage("invalid --scan", optarg);
			break;
		case OPT_ATTRIB:
			if (parse_attrib(optarg, &o.attrib) < 0)
				return bad_usage("--attrib must be auto, bpf, "
						 "diag, proc or none", optarg);
			break;
		case OPT_VIEW:
			if (!strcmp(optarg, "flows"))
				o.view = MV_FLOWS;
			else if (!strcmp(optarg, "ports"))
				o.view = MV_PORTS;
			else if (!strcmp(optarg, "processes"))
				o.view = MV_PROCS;
			else
				return bad_usage("unknown view", optarg);
			break;
		case OPT_SPEED:
			if (parse_seconds(optarg, &(int64_t){ 0 }, 1) < 0)
				return bad_usage("invalid --speed", optarg);
			o.speed = strtod(optarg, NULL);
			break;
		case ':':
			return bad_usage("option requires an argument",
					 argv[optind - 1]);
		default:
			return bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (list) {
		if (cap_list_devices(stdout, err) != CAP_OK) {
			fprintf(stderr, "porttop: %s\n", err);
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	if (o.read_file && o.live.iface)
		return bad_usage("-r and -i exclude each other", NULL);
	if (batch && report_set)
		return bad_usage("--batch and --report exclude each other", NULL);
	if (batch)
		o.mode = RUN_BATCH;
	else if (report_set || !isatty(STDOUT_FILENO))
		o.mode = RUN_REPORT;	/* a pipe or file gets the report */
	else
		o.mode = RUN_VIEW;
	if (o.mode == RUN_VIEW && o.format != REP_TEXT)
		return bad_usage("--format is for --report and --batch", NULL);
	if (o.mode == RUN_BATCH && o.format == REP_CSV)
		return bad_usage("--batch writes text or json", NULL);
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
	status = run(&o);
	free(filter);
	return status;
}
