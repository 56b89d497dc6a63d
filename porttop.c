/*
 * porttop.c - the program: its command line (tcpdump's letters where they
 * exist, top's for the batch view), then one call into the engine
 * (core/engine.h) and one mode: the report (report/report_run.h), --batch
 * (ui/batch.h), the interactive view (ui/view.h) or the verdicts of
 * `porttop check RULES` (rules/check_run.h).  `porttop diff` has a
 * command line of its own (rules/diff.h).
 */
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/clock.h"
#include "core/child.h"
#include "core/engine.h"
#include "core/sig.h"
#include "filters/filter.h"
#include "flowtable/scan.h"
#include "lib/keyhash.h"
#include "lib/os.h"
#include "lib/parse.h"
#include "export/ipfix.h"
#include "report/events.h"
#include "report/report_run.h"
#include "rules/check_run.h"
#include "rules/diff.h"
#include "ui/batch.h"
#include "ui/view.h"

#ifndef PORTTOP_VERSION
#define PORTTOP_VERSION "0.1.0"
#endif

#define RUN_DRAIN_NS 250000000	/* run: capture this long after CMD
				   exits (the last FIN, socket events) */
#define DEFAULT_SNAPLEN 256	/* headers, not payloads: enough for VLAN +
				   IPv6 + extension headers + TCP options */

/* What porttop does while it captures: a report at the end, --batch,
 * the interactive view, only the events on stdout (--events -), or the
 * verdicts of a rules file (check). */
enum run_mode { RUN_REPORT, RUN_BATCH, RUN_VIEW, RUN_EVENTS, RUN_CHECK,
		RUN_DIFF };

/* Everything the command line says. */
struct opts {
	struct engine_opts eng;
	enum run_mode mode;
	enum rep_kind report;
	enum rep_fmt format;
	enum model_view view;
	int group;			/* --view containers: MV_PROCS grouped */
	int64_t delay_ns;		/* -d */
	uint64_t iterations;		/* -n N */
	int quiet, batch, report_set, format_set, list;
	int order, order_set;		/* --order: enum rep_order */
	const char *filter_file;	/* -F */
	const char *events_file;	/* --events */
	const char *dfilter;		/* -Y */
	const char *rules_file;		/* porttop check RULES, --check */
	const char *junit;		/* --junit */
	const char *diff_file;		/* --diff BASELINE */
	struct diff_opts diff;		/* and how it compares (--ignore,
					   --tolerance, --ignore-hosts, --map) */
	int diff_set;			/* one of those was given */
	const char *label;		/* what was captured, for --diff's
					   "+++" line */
	struct rules *rules;		/* read from rules_file */
	struct scan_config scan;	/* --scan */
	struct ipfix_opts ipfix;	/* --ipfix and its --ipfix-* */
	int ipfix_set;			/* an --ipfix-* option was given */
	int argc;			/* for -n's optional number */
	char **argv;
	int run;			/* porttop run ... -- CMD */
	int netns;			/* run --netns private */
};

static void usage_more(FILE *f);

static void usage(FILE *f)
{
	fprintf(f,
"Usage: porttop [-r FILE | -i IFACE] [options] [EXPRESSION]\n"
"       porttop check RULES [-r FILE | -i IFACE] [--junit FILE] [options]\n"
"       porttop diff [--ignore FIELD]... [--tolerance [FIELD=]PCT]...\n"
"                    [--ignore-hosts] [--map FILE] [--format text|json]\n"
"                    [--update] BASELINE CURRENT\n"
"       porttop run [--check RULES] [options] [--] CMD [ARGS...]\n"
"       porttop -D\n"
"Which process talks on which port, how much, and how each port behaves.\n"
"\n"
"Source:\n"
"  -B KIB             kernel capture buffer in KiB (default 8192; below\n"
"                     1024 drops come early at high packet rates)\n"
"  -c COUNT           stop after COUNT packets\n"
"  -D                 list the devices\n"
"  --duration TIME    stop after this long (packet time in a replay);\n"
"                     TIME is seconds or a number with a unit: 90, 1.5,\n"
"                     250ms, 10s, 5m, 1h\n"
"  -F FILE            read the filter expression from FILE\n"
"  -i IFACE           capture on IFACE (\"any\": every device); default: the\n"
"                     first device that is up, as tcpdump picks it\n"
"  -p                 do not put the device in promiscuous mode\n"
"  -r FILE            read a pcap or pcapng file (- = stdin)\n"
"  -s SNAPLEN         bytes kept per packet (default %d: the headers;\n"
"                     QUIC client Initials whole, %d, for their names)\n"
"  -w FILE            also write the packets to FILE (pcapng if it ends in\n"
"                     .pcapng, else pcap)\n"
"Output (default: the interactive view when stdout is a terminal,\n"
"else the flows report):\n"
"  --batch            print the view every -d seconds, no terminal needed\n"
"  --check RULES      judge the input against a rules file (YAML): TAP\n"
"                     on stdout, exit 1 when a check fails (see CHECK in\n"
"                     porttop(8)); `porttop check RULES` is the same\n"
"  -d TIME            refresh interval of the view and --batch (default 1s)\n"
"  --diff BASELINE    compare the input's flows with BASELINE (a capture or\n"
"                     a --format json report) as porttop diff does: exit 1\n"
"                     when they differ; with diff's --ignore FIELD,\n"
"                     --tolerance [FIELD=]PCT, --ignore-hosts (services by\n"
"                     proto and port), --map FILE (BASELINE's addresses\n"
"                     renamed: lines \"BASE_ADDR[/LEN] CUR_ADDR[/LEN]\") and\n"
"                     --format json (one change a line)\n"
"  --fallback-replay FILE  when the device cannot be opened (e.g. not\n"
"                     root), say why and replay FILE instead\n"
"  --format FMT       text (default), csv (reports) or json (JSON Lines)\n"
"  --junit FILE       with --check: also write the verdicts as JUnit XML\n"
"  -n ITERATIONS      --batch: stop after this many refreshes (-n alone,\n"
"                     as in tcpdump, is accepted: names are never looked\n"
"                     up unless asked for in the view)\n"
"  --netns private    run: CMD in a fresh network namespace, loopback only\n"
"  --order ORDER      --report flows, written as flows end: start (default:\n"
"                     by first packet through a window of 131072 ended\n"
"                     flows; one outlived by 65536 that started after it\n"
"                     comes late), end (each flow as it ends, as Zeek\n"
"                     writes conn.log), or all (every flow kept to the\n"
"                     end, then sorted: exact, memory grows with flows)\n"
"  -q                 no progress line on stderr\n"
"  --report KIND      at the end, one row per flow (flows), per port (ports),\n"
"                     per server and port (services: nmap's per-host\n"
"                     states) or per process (procs); none: no report (a\n"
"                     service that exports with --ipfix or writes\n"
"                     --events);\n"
"                     --format alone: flows\n"
"  --speed X          replay at X times real time (default 1; 0: at once)\n"
"  --view VIEW        the view to show: flows (default), ports, processes,\n"
"                     containers (the processes per container, pod, unit)\n"
"  -Y, --display-filter EXPR  write only the rows (of the report, or of\n"
"                     --batch) that match EXPR, e.g. 'port 53',\n"
"                     'conn_state in {REJ, S0}', 'orig_bytes > 1M and\n"
"                     proto tcp' (see DISPLAY FILTERS in porttop(8))\n"
"  -Z USER            once the device is open and eBPF loaded, run as USER,\n"
"                     keeping only CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE\n"
"                     for attribution (output files are created as USER;\n"
"                     porttop run's CMD runs as USER; Linux only)\n",
		DEFAULT_SNAPLEN, CAP_INITIAL_SNAPLEN);
	usage_more(f);
}

/* The second half of --help: processes, events, export, tunnels, limits. */
static void usage_more(FILE *f)
{
	struct ft_config c = { 0 }, shown = { .publish = true };

	fprintf(f,
"Processes (live capture only):\n"
"  --attrib SOURCE    how flows are tied to processes: auto (default: eBPF\n"
"                     when allowed, else sock_diag), bpf, diag (netlink\n"
"                     sock_diag), proc (/proc/net), none\n"
"  --runtime SPEC     the container runtimes asked for names: auto\n"
"                     (default: $DOCKER_HOST, /run/docker.sock, Podman's\n"
"                     sockets, the CRI's: /run/containerd/containerd.sock,\n"
"                     /run/crio/crio.sock), podman, docker, cri, KIND=PATH\n"
"                     (a socket: cri=/run/k3s/containerd/containerd.sock),\n"
"                     a comma-separated list of those, or none\n"
"Events:\n"
"  --events FILE      write events as JSON Lines to FILE (- = stdout, which\n"
"                     the events then own: no report, no view): port\n"
"                     state changes, scans (Zeek's thresholds: 15 ports of\n"
"                     a host, 25 hosts on a port, in 5 min), retransmission\n"
"                     spikes, listeners appearing and going (live)\n"
"  --scan SPEC        scan thresholds, e.g. ports=15,hosts=25,interval=5m\n"
"                     (distinct ports of a host, hosts on a port, TIME)\n"
"Export (IPFIX, RFC 7011; see \"Many hosts\" in the README; not in the\n"
"Windows build, porttop.exe):\n"
"  --ipfix DEST       send flow records to the collector DEST: HOST:PORT\n"
"                     (UDP), tcp://HOST:PORT; PORT 4739 when left out;\n"
"                     repeat for several collectors\n"
"  --ipfix-uniflow    one record per direction instead of RFC 5103 biflows\n"
"  --ipfix-active TIME  long-lived flows: a delta record this often\n"
"                     (default 60; 0: only when flows end)\n"
"  --ipfix-domain ID  observation domain id (default 0)\n"
"  --ipfix-pen PEN    enterprise number of porttop's elements (default\n"
"                     32473, RFC 5612's number for documentation)\n"
"Tunnels (GRE, ERSPAN, IP-in-IP, VXLAN, Geneve, GTP-U, Teredo, AYIYA):\n"
"  --tunnels MODE     which flows of a tunnelled packet are reported: zeek\n"
"                     (default: as Zeek's conn.log, the flows inside tunnels\n"
"                     and the UDP flows carrying them), outer (the outermost\n"
"                     IP header only, as tcpdump and tshark key flows) or\n"
"                     inner (the innermost flows only); the view's T key\n"
"                     switches between them (each mode's flows since start)\n"
"Several cores:\n"
"  --threads N        N threads (above 3 is 3): a report of a pcap file or\n"
"                     a device, and a device's view and --batch, as a\n"
"                     pipeline: 3, reading, flow table, report or view;\n"
"                     2, the flow table on the second (a flows report:\n"
"                     its rows); the same output as one thread; everything\n"
"                     else keeps one thread: pcapng files (owners in\n"
"                     comments; --attrib none lets them), a file's view\n"
"                     and --batch, -w, --events, checks, --ipfix.\n"
"                     Default: a device 3 when porttop may use 2 or more\n"
"                     CPUs (Linux), else 1\n"
"  --fanout-group ID  live (Linux): join PACKET_FANOUT group ID (1-65535)\n"
"                     in hash mode; run one porttop per core with the same\n"
"                     ID on the same device: each gets whole flows, both\n"
"                     directions, and reports its share\n"
"Limits:\n"
"  --max-flows N      flows kept at once (default %u: %zu MiB, %zu MiB with\n"
"                     the view or --batch); when full, the idlest flow is\n"
"                     ended early and counted as evicted\n"
"  --timeouts SPEC    inactivity timeouts (TIME), e.g. tcp=5m,udp=60,\n"
"                     icmp=60,other=60 (Zeek's defaults)\n"
"  -h, --help         this help\n"
"  --version          version and libraries\n"
"\n"
"EXPRESSION is a capture filter in tcpdump syntax (pcap-filter(7)); options\n"
"may come before or after it, as with tcpdump (-- ends the options).\n"
"\n"
"porttop run starts CMD in a cgroup of its own (eBPF names the cgroup of\n"
"every socket, however short-lived), captures on every interface (-i any)\n"
"and reports or checks only the flows with an end owned by CMD or its\n"
"descendants, until CMD exits and 250 ms more.  Needs root (capture,\n"
"cgroup, eBPF; --netns private: CAP_SYS_ADMIN).  -w keeps only CMD's\n"
"packets: each waits 250 ms for its owner to be known (at most 16384\n"
"packets, 32 MiB: when full, the oldest is decided at once, said on\n"
"stderr).\n"
"Exit status: 0 ok (also when stopped by a signal), 1 input damaged or\n"
"device lost mid-way (report of what was read), 2 usage error, unreadable\n"
"file or device, bad filter or unsupported link type.  check: 1 a check\n"
"failed; --diff: 1 they differ.  run: porttop's own 2 (it could not\n"
"capture, start CMD or read the rules) or 1 (a check failed, --diff\n"
"differs, the capture broke off), else CMD's status as a shell gives it\n"
"(127 not found, 126 not executable, 128+N killed by signal N).\n",
		FT_DEFAULT_FLOWS, ft_memory(&c) >> 20, ft_memory(&shown) >> 20);
}

static int bad_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "porttop: %s%s%s\nTry 'porttop --help'.\n", msg,
		arg ? ": " : "", arg ? arg : "");
	return EXIT_USAGE;
}

/* A bad value, and what would have been good: "msg: arg (hint)". */
static int bad_value(const char *msg, const char *arg, const char *hint)
{
	fprintf(stderr, "porttop: %s: %s%s%s%s\nTry 'porttop --help'.\n", msg,
		arg, hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
	return EXIT_USAGE;
}

/* ---- option values ---------------------------------------------------------- */

/* --timeouts tcp=300,udp=60,...: seconds per protocol kind */
static int timeout_pair(void *arg, const char *k, const char *v)
{
	static const char *const names[FT_NKIND] = { "tcp", "udp", "icmp",
						     "other" };
	struct ft_config *c = arg;
	int i = parse_name(k, names, FT_NKIND);

	/* at least a nanosecond: 0 means "the default" */
	return i < 0 ? -1 : parse_seconds(v, &c->timeout_ns[i], 0);
}

/* --scan ports=N,hosts=N,interval=SECONDS (any of them) */
static int scan_pair(void *arg, const char *k, const char *v)
{
	struct scan_config *c = arg;
	uint64_t n;

	if (!strcmp(k, "interval"))
		return parse_seconds(v, &c->interval_ns, 0);
	if (parse_u64(v, &n) < 0 || n < 1 || n > 65536)
		return -1;
	if (!strcmp(k, "ports"))
		c->port_threshold = (uint32_t)n;
	else if (!strcmp(k, "hosts"))
		c->addr_threshold = (uint32_t)n;
	else
		return -1;
	return 0;
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

static const char *const report_names[] = { [REP_FLOWS] = "flows",
	[REP_PORTS] = "ports", [REP_PROCS] = "procs", [REP_SERVICES] = "services",
	[REP_NONE] = "none" };
static const char *const format_names[] = { [REP_TEXT] = "text",
	[REP_CSV] = "csv", [REP_JSON] = "json" };
static const char *const order_names[] = { [REP_ORDER_START] = "start",
	[REP_ORDER_END] = "end", [REP_ORDER_ALL] = "all" };
static const char *const view_names[] = { [MV_FLOWS] = "flows",
	[MV_PORTS] = "ports", [MV_PROCS] = "processes",
	[MV_NUM] = "containers" };	/* the processes grouped */
static const char *const attrib_names[] = { [ATTR_AUTO] = "auto",
	[ATTR_MODE_BPF] = "bpf", [ATTR_MODE_DIAG] = "diag",
	[ATTR_MODE_PROC] = "proc", [ATTR_MODE_NONE] = "none" };
#define NAMES(a) a, (int)(sizeof(a) / sizeof(a[0]))

/* ---- the options table ----------------------------------------------------- */

/* One option's effect: 0, or -1 for a bad value (its `bad` message). */
typedef int (*opt_fn)(struct opts *o, const char *arg);

static int o_read(struct opts *o, const char *a) { o->eng.read_file = a; return 0; }
static int o_iface(struct opts *o, const char *a) { o->eng.live.iface = a; return 0; }
static int o_list(struct opts *o, const char *a) { (void)a; o->list = 1; return 0; }
static int o_nopromisc(struct opts *o, const char *a) { (void)a; o->eng.live.promisc = 0; return 0; }
static int o_write(struct opts *o, const char *a) { o->eng.write_file = a; return 0; }
static int o_ffile(struct opts *o, const char *a) { o->filter_file = a; return 0; }
static int o_quiet(struct opts *o, const char *a) { (void)a; o->quiet = 1; return 0; }
static int o_batch(struct opts *o, const char *a) { (void)a; o->batch = 1; return 0; }
static int o_fallback(struct opts *o, const char *a) { o->eng.fallback_file = a; return 0; }
static int o_events(struct opts *o, const char *a) { o->events_file = a; return 0; }
static int o_user(struct opts *o, const char *a) { o->eng.user = a; return 0; }
static int o_uniflow(struct opts *o, const char *a) { (void)a; o->ipfix.uniflow = o->ipfix_set = 1; return 0; }
static int o_dfilter(struct opts *o, const char *a) { o->dfilter = a; return 0; }
static int o_check(struct opts *o, const char *a) { o->rules_file = a; return 0; }
static int o_junit(struct opts *o, const char *a) { o->junit = a; return 0; }
static int o_diff(struct opts *o, const char *a) { o->diff_file = a; return 0; }

static int o_netns(struct opts *o, const char *a)
{
	o->netns = 1;
	return strcmp(a, "private") ? -1 : 0;
}

static int o_snaplen(struct opts *o, const char *a)
{
	uint64_t v;

	if (parse_u64(a, &v) < 0 || v < 64 || v > 262144)
		return -1;
	o->eng.live.snaplen = (int)v;
	o->eng.live.initial_snaplen = 0;	/* -s N is for every packet */
	return 0;
}

static int o_buffer(struct opts *o, const char *a)
{
	uint64_t v;

	if (parse_u64(a, &v) < 0 || v == 0 || v > (1u << 21))
		return -1;
	o->eng.live.buffer_kib = (int)v;
	return 0;
}

static int o_fanout(struct opts *o, const char *a)
{
	uint64_t v;

	if (parse_u64(a, &v) < 0 || v == 0 || v > 65535)
		return -1;
	o->eng.live.fanout_group = (int)v;
	return 0;
}

static int o_count(struct opts *o, const char *a)
{
	return parse_u64(a, &o->eng.count) < 0 || o->eng.count == 0 ? -1 : 0;
}

/* top's -n ITERATIONS when a number follows; else tcpdump's -n (no name
 * lookups, always the case) */
static int o_n(struct opts *o, const char *a)
{
	(void)a;
	if (optind < o->argc && all_digits(o->argv[optind]))
		return parse_u64(o->argv[optind++], &o->iterations) < 0 ||
		       o->iterations == 0 ? -1 : 0;
	return 0;
}

static int o_delay(struct opts *o, const char *a)
{
	return parse_seconds(a, &o->delay_ns, 0) < 0 ||
	       o->delay_ns < 10000000 ? -1 : 0;
}

static int o_report(struct opts *o, const char *a)
{
	int i = parse_name(a, NAMES(report_names));

	o->report_set = 1;
	o->report = (enum rep_kind)i;
	return i;
}

static int o_format(struct opts *o, const char *a)
{
	int i = parse_name(a, NAMES(format_names));

	o->format_set = 1;
	o->format = (enum rep_fmt)i;
	return i;
}

static int o_order(struct opts *o, const char *a)
{
	int i = parse_name(a, NAMES(order_names));

	o->order = i;
	o->order_set = 1;
	return i;
}

static int o_view(struct opts *o, const char *a)
{
	int i = parse_name(a, NAMES(view_names));

	o->group = i == MV_NUM;
	o->view = o->group ? MV_PROCS : (enum model_view)i;
	return i;
}

static int o_runtime(struct opts *o, const char *a)
{
	return nm_runtime_spec(&o->eng.runtime, a);
}

static int o_attrib(struct opts *o, const char *a)
{
	int i = parse_name(a, NAMES(attrib_names));

	o->eng.attrib = (enum attr_mode)i;
	return i;
}

static int o_tunnels(struct opts *o, const char *a)
{
	int i = parse_name(a, NAMES(engine_tunnels_names));

	o->eng.tunnels = (enum engine_tunnels)i;
	return i;
}

static int o_max_flows(struct opts *o, const char *a)
{
	uint64_t v;

	if (parse_u64(a, &v) < 0 || v < 16 || v > (1u << 30))
		return -1;
	o->eng.ft.max_flows = (uint32_t)v;
	return 0;
}

static int o_timeouts(struct opts *o, const char *a)
{
	return parse_pairs(a, timeout_pair, &o->eng.ft);
}

static int o_threads(struct opts *o, const char *a)
{
	uint64_t v;

	if (parse_u64(a, &v) < 0 || v < 1 || v > ENGINE_MAX_THREADS)
		return -1;
	o->eng.threads = (int)v;
	return 0;
}

static int o_duration(struct opts *o, const char *a)
{
	return parse_seconds(a, &o->eng.duration_ns, 0);
}

static int o_scan(struct opts *o, const char *a)
{
	return parse_pairs(a, scan_pair, &o->scan);
}

static int o_speed(struct opts *o, const char *a)
{
	char *end;

	o->eng.speed = strtod(a, &end);
	return end == a || *end || !(o->eng.speed >= 0) ||
	       o->eng.speed > 1e6 ? -1 : 0;
}

static int o_ipfix(struct opts *o, const char *a)
{
	if (o->ipfix.ndest == IPFIX_MAX_DEST)
		return -1;
	o->ipfix.dest[o->ipfix.ndest++] = a;
	return 0;
}

static int o_ipfix_active(struct opts *o, const char *a)
{
	o->ipfix_set = 1;
	return parse_seconds(a, &o->ipfix.active_ns, 1);
}

/* --ipfix-domain and --ipfix-pen: an unsigned 32-bit number */
static int u32(const char *a, uint32_t *v, uint64_t min)
{
	uint64_t n;

	if (parse_u64(a, &n) < 0 || n < min || n > UINT32_MAX)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

static int o_ipfix_domain(struct opts *o, const char *a)
{
	o->ipfix_set = 1;
	return u32(a, &o->ipfix.domain, 0);
}

static int o_ipfix_pen(struct opts *o, const char *a)
{
	o->ipfix_set = 1;
	return u32(a, &o->ipfix.pen, 1);
}

enum { OPT_HELP = 'h', OPT_VERSION = 256 };

/* Every option: its long name (NULL: a letter only), letter (or a code
 * above 255 for long-only ones), whether it takes a value, what it does,
 * and what a bad value is told. */
static const struct opt_def {
	const char *name;
	int letter, has_arg;
	opt_fn fn;
	const char *bad;	/* what a bad value is told, */
	const char *hint;	/* and what would do */
} opt_defs[] = {
	{ NULL, 'r', 1, o_read, NULL, NULL },
	{ NULL, 'i', 1, o_iface, NULL, NULL },
	{ NULL, 'D', 0, o_list, NULL, NULL },
	{ NULL, 'p', 0, o_nopromisc, NULL, NULL },
	{ NULL, 's', 1, o_snaplen, "invalid -s", "64 to 262144 bytes" },
	{ NULL, 'B', 1, o_buffer, "invalid -B", "1 to 2097152 KiB" },
	{ NULL, 'w', 1, o_write, NULL, NULL },
	{ NULL, 'F', 1, o_ffile, NULL, NULL },
	{ NULL, 'c', 1, o_count, "invalid packet count", "a number above 0" },
	{ NULL, 'n', 0, o_n, "invalid -n iterations", "a number above 0" },
	{ NULL, 'q', 0, o_quiet, NULL, NULL },
	{ NULL, 'd', 1, o_delay, "invalid -d",
	  "a duration of at least 10ms: 1, 0.5, 250ms, 2s" },
	{ NULL, 'Z', 1, o_user, NULL, NULL },
	{ "display-filter", 'Y', 1, o_dfilter, NULL, NULL },
	{ "help", OPT_HELP, 0, NULL, NULL, NULL },
	{ "version", OPT_VERSION, 0, NULL, NULL, NULL },
	{ "report", 257, 1, o_report, "unknown report",
	  "flows, ports, services, procs or none" },
	{ "format", 258, 1, o_format, "unknown format",
	  "text, csv or json" },
	{ "max-flows", 259, 1, o_max_flows, "invalid --max-flows",
	  "16 to 1073741824" },
	{ "timeouts", 260, 1, o_timeouts, "invalid --timeouts",
	  "KIND=TIME,... with kinds tcp, udp, icmp, other: e.g. "
	  "tcp=5m,udp=60s" },
	{ "batch", 261, 0, o_batch, NULL, NULL },
	{ "duration", 262, 1, o_duration, "invalid --duration",
	  "a duration: 90, 1.5, 10s, 5m, 1h" },
	{ "speed", 263, 1, o_speed, "invalid --speed",
	  "a factor: 1 real time, 10 ten times faster, 0 at once" },
	{ "view", 264, 1, o_view, "unknown view",
	  "flows, ports, processes or containers" },
	{ "fallback-replay", 265, 1, o_fallback, NULL, NULL },
	{ "attrib", 266, 1, o_attrib, "unknown --attrib",
	  "auto, bpf, diag, proc or none" },
	{ "events", 267, 1, o_events, NULL, NULL },
	{ "scan", 268, 1, o_scan, "invalid --scan",
	  "ports=N,hosts=N,interval=TIME: e.g. ports=15,hosts=25,"
	  "interval=5m" },
	{ "ipfix", 269, 1, o_ipfix, "too many --ipfix collectors",
	  "at most 8" },
	{ "ipfix-uniflow", 270, 0, o_uniflow, NULL, NULL },
	{ "ipfix-active", 271, 1, o_ipfix_active, "invalid --ipfix-active",
	  "a duration: 60, 2s, 5m; 0: only when flows end" },
	{ "ipfix-domain", 272, 1, o_ipfix_domain, "invalid --ipfix-domain",
	  "0 to 4294967295" },
	{ "ipfix-pen", 273, 1, o_ipfix_pen, "invalid --ipfix-pen",
	  "1 to 4294967295" },
	{ "tunnels", 274, 1, o_tunnels, "unknown --tunnels",
	  "zeek, outer or inner" },
	{ "check", 275, 1, o_check, NULL, NULL },
	{ "junit", 276, 1, o_junit, NULL, NULL },
	{ "order", 277, 1, o_order, "unknown --order", "start, end or all" },
	{ "netns", 278, 1, o_netns, "unknown --netns", "private" },
	{ "diff", 279, 1, o_diff, NULL, NULL },
	{ "runtime", 300, 1, o_runtime, "invalid --runtime",
	  "podman, docker, cri, auto, KIND=/PATH (a comma-separated list, at "
	  "most 8 sockets) or none" },
	{ "threads", 301, 1, o_threads, "invalid --threads", "1 to 16" },
	{ "fanout-group", 302, 1, o_fanout, "invalid --fanout-group",
	  "1 to 65535" },
};
#define NOPTS (sizeof(opt_defs) / sizeof(opt_defs[0]))
#define OPT_DIFF 512	/* + enum diff_opt: --diff's options, defined and
			   parsed by rules/diff.h, as porttop diff has them */

/* getopt_long's tables, made from opt_defs. */
static void getopt_tables(char *shorts, struct option *longs, int run)
{
	int n = 0, k = 0;

	/* no '+': options may follow the expression, as GNU getopt lets
	 * tcpdump users write them; but run's CMD has options of its own */
	if (run)
		shorts[n++] = '+';
	shorts[n++] = ':';	/* a missing value is ours to say */
	for (size_t i = 0; i < NOPTS; i++) {
		const struct opt_def *d = &opt_defs[i];

		if (d->letter < 256 && d->letter != OPT_HELP) {
			shorts[n++] = (char)d->letter;
			if (d->has_arg)
				shorts[n++] = ':';
		}
		if (d->name)
			longs[k++] = (struct option){ d->name, d->has_arg ?
				required_argument : no_argument, NULL,
				d->letter };
	}
	for (int i = 0; i < DIFF_NOPTS; i++)
		if (i != DIFF_OPT_FORMAT && i != DIFF_OPT_UPDATE)
			longs[k++] = (struct option){ diff_optdefs[i].name,
				diff_optdefs[i].has_arg ? required_argument :
				no_argument, NULL, OPT_DIFF + i };
	shorts[n++] = 'h';
	shorts[n] = '\0';
	longs[k] = (struct option){ NULL, 0, NULL, 0 };
}

/* Parse argv into o.  Returns -1 to go on, else the exit status (help,
 * version, a usage error). */
static int parse_options(struct opts *o, int argc, char **argv)
{
	char shorts[2 * NOPTS + 5];
	struct option longs[NOPTS + DIFF_NOPTS + 1];
	char err[512];
	int ch;

	getopt_tables(shorts, longs, o->run);
	opterr = 0;	/* one message of our own per error */
	while ((ch = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct opt_def *d = NULL;

		if (ch == OPT_HELP) {
			usage(stdout);
			return EXIT_OK;
		}
		if (ch == OPT_VERSION) {
			printf("porttop %s\n%s\n%s\n", PORTTOP_VERSION,
			       pcap_lib_version(), ipfix_lib_version());
			return EXIT_OK;
		}
		if (ch == ':')
			return bad_usage("option requires an argument",
					 argv[optind - 1]);
		if (ch >= OPT_DIFF && ch < OPT_DIFF + DIFF_NOPTS) {
			o->diff_set = 1;
			if (diff_option(&o->diff, (enum diff_opt)(ch - OPT_DIFF),
					optarg, err, sizeof(err)) < 0)
				return bad_usage(err, NULL);
			continue;
		}
		for (size_t i = 0; i < NOPTS && !d; i++)
			if (opt_defs[i].letter == ch)
				d = &opt_defs[i];
		if (!d)
			return bad_usage("unknown option", argv[optind - 1]);
		if (d->fn(o, optarg) < 0)
			return bad_value(d->bad, d->has_arg ? optarg :
						 argv[optind - 1], d->hint);
	}
	return -1;
}

/* porttop run: what goes with it (a live capture on every interface
 * by default, a report or verdicts at CMD's end).  -1 to go on, else the
 * exit status. */
static int check_run_options(struct opts *o, int argc)
{
	if (!o->run)
		return o->netns ? bad_usage("--netns goes with porttop run",
					    NULL) : -1;
	if (optind >= argc)
		return bad_usage("run needs a command: porttop run [options] "
				 "-- CMD [ARGS...]", NULL);
	if (o->eng.read_file || o->eng.fallback_file)
		return bad_usage("run captures live: -r and --fallback-replay "
				 "do not go with it", NULL);
	if (o->batch || o->filter_file)
		return bad_usage("run reports when CMD ends and takes the "
				 "words after the options as CMD: --batch and -F "
				 "do not go with it", NULL);
	if (o->eng.attrib == ATTR_MODE_NONE && !o->netns)
		return bad_usage("run tells CMD's flows by their owners: "
				 "--attrib none needs --netns private", NULL);
	if (!o->eng.live.iface)
		o->eng.live.iface = "any";
	return -1;
}

/* The mode and the combinations that cannot work.  -1 to go on, else
 * the exit status. */
static int check_options(struct opts *o)
{
	char err[128];

	if (o->eng.read_file && o->eng.live.iface)
		return bad_usage("-r and -i exclude each other", NULL);
	if (o->eng.read_file && o->eng.live.fanout_group)
		return bad_usage("--fanout-group shares a live capture's "
				 "packets: it does not go with -r", NULL);
	if (o->batch && o->report_set)
		return bad_usage("--batch and --report exclude each other",
				 NULL);
	if (o->events_file && !strcmp(o->events_file, "-") &&
	    (o->batch || o->report_set || o->format_set))
		return bad_usage("--events - writes the events to standard "
				 "output, where --report, --format and --batch "
				 "write too: give --events a file name", NULL);
	if (o->report_set && o->report == REP_NONE && !o->ipfix.ndest &&
	    !o->events_file)
		return bad_usage("--report none: nothing to do without --ipfix "
				 "or --events", NULL);
	if (o->ipfix_set && !o->ipfix.ndest)
		return bad_usage("--ipfix-uniflow, --ipfix-active, "
				 "--ipfix-domain and --ipfix-pen go with "
				 "--ipfix", NULL);
	if (o->junit && !o->rules_file)
		return bad_usage("--junit goes with check RULES (or --check)",
				 NULL);
	if (o->rules_file && (o->batch || o->report_set || o->format_set ||
			      o->dfilter || o->events_file))
		return bad_usage("check writes verdicts: --report, --format, "
				 "--batch, -Y and --events do not go with it",
				 NULL);
	if (o->diff_file && (o->rules_file || o->batch || o->report_set ||
			     o->dfilter || o->events_file))
		return bad_usage("--diff writes differences: --check, --report, "
				 "--batch, -Y and --events do not go with it",
				 NULL);
	if (o->diff_set && !o->diff_file)
		return bad_usage("--ignore, --tolerance, --ignore-hosts and --map "
				 "go with --diff (or porttop diff)", NULL);
	if (o->diff_file && o->format_set &&
	    diff_option(&o->diff, DIFF_OPT_FORMAT, format_names[o->format],
			err, sizeof(err)) < 0)
		return bad_usage(err, NULL);
	if (o->rules_file)
		o->mode = RUN_CHECK;
	else if (o->diff_file)
		o->mode = RUN_DIFF;
	else if (o->batch)
		o->mode = RUN_BATCH;
	else if (o->events_file && !strcmp(o->events_file, "-"))
		o->mode = RUN_EVENTS;	/* the events own stdout */
	else if (o->report_set || o->format_set || o->run ||
		 !isatty(STDOUT_FILENO))
		o->mode = RUN_REPORT;	/* a pipe, a file, a format asked
					   for, or run (CMD has the terminal):
					   the report (flows by default) */
	else
		o->mode = RUN_VIEW;
	if (o->mode == RUN_BATCH && o->format == REP_CSV)
		return bad_usage("--batch writes text or json", NULL);
	if (o->order_set && (o->mode != RUN_REPORT || o->report != REP_FLOWS))
		return bad_usage("--order goes with the flows report", NULL);
	if (o->mode == RUN_REPORT || o->mode == RUN_EVENTS ||
	    o->mode == RUN_CHECK || o->mode == RUN_DIFF) {
		o->eng.speed = 0;	/* a report reads as fast as it can */
	} else {
		o->eng.ft.publish = true;	/* the views read the table */
		o->eng.keep_flows = true;	/* and show what is left */
		/* the interactive view switches --tunnels modes (T) */
		o->eng.switch_tunnels = o->mode == RUN_VIEW;
	}
	return -1;
}

/* -Y: compiled for the rows of the report, or of the --batch view.  NULL
 * when there is none or it does not compile (*status then says why). */
static struct rep_filter *display_filter(const struct opts *o, int *status)
{
	static const enum rep_kind of_view[] = { [MV_FLOWS] = REP_FLOWS,
		[MV_PORTS] = REP_PORTS, [MV_PROCS] = REP_PROCS };
	struct rep_filter *f;
	struct df_error err;

	*status = -1;
	if (!o->dfilter)
		return NULL;
	if (o->mode == RUN_VIEW || o->mode == RUN_EVENTS) {
		*status = bad_usage(o->mode == RUN_VIEW ?
			"-Y filters the rows of a report or of --batch: add "
			"--report, --format or --batch" :
			"-Y filters report rows, and --events - writes no "
			"report", NULL);
		return NULL;
	}
	f = rep_filter_compile(o->mode == RUN_BATCH ? of_view[o->view] :
			       o->report, o->dfilter, &err);
	if (!f) {
		/* one line: a newline typed in the expression is a blank here,
		 * which keeps the column on the same character */
		fputs("porttop: bad display filter '", stderr);
		for (const char *p = o->dfilter; *p; p++)
			fputc((unsigned char)*p < 0x20 ? ' ' : *p, stderr);
		fprintf(stderr, "': column %d: %s\n", err.col, err.msg);
		*status = EXIT_USAGE;
	}
	return f;
}

/* The filter expression, from -F or the words after the options. */
static char *filter_text(const struct opts *o, int argc, char **argv,
			 int *status)
{
	char err[256];
	char *f;

	*status = -1;
	if (!o->filter_file) {
		if (!(f = filter_from_args(argc - optind, argv + optind)))
			*status = bad_usage("out of memory", NULL);
		return f;
	}
	if (optind < argc) {
		*status = bad_usage("give the expression either with -F or on "
				    "the command line, not both", NULL);
		return NULL;
	}
	if (!(f = filter_from_file(o->filter_file, err, sizeof(err))))
		*status = bad_usage(err, NULL);
	return f;
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

/* The mode, with the events stream and the IPFIX exporter beside it when
 * asked for; rows filtered by f (-Y). */
static int run_mode(struct engine *e, const struct opts *o,
		    const struct rep_filter *f)
{
	struct events *ev = NULL;
	struct ipfix *ix = NULL;
	char err[256];
	struct consumer c;
	int status;

	if (o->events_file) {
		if (!(ev = events_open(o->events_file, engine_attr(e),
				       &o->scan, err, sizeof(err)))) {
			fprintf(stderr, "porttop: %s\n", err);
			return EXIT_USAGE;
		}
		c = events_consumer(ev);
		engine_add(e, &c);
	}
	if (o->ipfix.ndest) {
		if (!(ix = ipfix_open(&o->ipfix, e, err, sizeof(err)))) {
			fprintf(stderr, "porttop: %s\n", err);
			events_close(ev);
			return EXIT_USAGE;
		}
		c = ipfix_consumer(ix);
		engine_add(e, &c);
	}
	if (o->mode == RUN_BATCH) {
		struct batch_opts b = { o->format, o->view, o->group,
					o->delay_ns, o->iterations, f };
		status = batch_run(e, &b);
	} else if (o->mode == RUN_VIEW) {
		struct view_opts v = { o->view, o->group, o->delay_ns };
		status = view_run(e, &v);
	} else if (o->mode == RUN_CHECK) {
		struct check_run_opts k = { o->rules, o->junit, o->quiet };
		status = check_run(e, &k);
	} else if (o->mode == RUN_DIFF) {
		status = diff_engine(e, o->diff_file, o->label, &o->diff,
				     o->quiet);
	} else {
		struct report_run_opts r = { o->report, o->format, o->quiet,
					     o->mode == RUN_EVENTS, f,
					     (enum rep_order)o->order };
		status = report_run(e, &r);
	}
	ipfix_close(ix, o->mode != RUN_REPORT);
	events_close(ev);
	return status;
}

/* porttop run, before the engine opens: the private namespace, CMD
 * forked and held in its cgroup (whose id selects the flows).  -1 to go
 * on, else the exit status. */
static int cmd_start(struct opts *o, char **cmd, struct child **c)
{
	char err[PT_MSG_MAX];

	if (o->netns && child_netns(err, sizeof(err)) < 0) {
		fprintf(stderr, "porttop: run: %s\n", err);
		return EXIT_USAGE;
	}
	o->eng.own_netns = o->netns;
	/* in the namespace every flow is CMD's: no cgroup needed */
	if (child_spawn(c, cmd, !o->netns, o->eng.user, &o->eng.own_cgroup,
			err, sizeof(err)) < 0) {
		fprintf(stderr, "porttop: run: %s\n", err);
		return EXIT_USAGE;
	}
	return -1;
}

/* porttop run, the capture open: CMD let go, watched until it exits.
 * -1 to go on, else the exit status (127 CMD not found, 126 not
 * executable, as a shell says them). */
static int cmd_go(const struct opts *o, struct engine *e, struct child *c,
		  const char *cmd)
{
	char err[PT_MSG_MAX];
	struct engine_desc d;
	int rc;

	engine_describe(e, &d);
	if (!o->netns && (!d.attrib || strcmp(d.attrib, "bpf")))
		fprintf(stderr, "porttop: run: without eBPF attribution (%s), "
			"sockets that live less than a sock_diag poll are not "
			"told to be CMD's\n", engine_attrib_msg(e));
	if ((rc = child_release(c, err, sizeof(err))) != 0) {
		fprintf(stderr, "porttop: run: %s: %s\n", cmd, err);
		return rc;
	}
	if (child_watch(c, e, RUN_DRAIN_NS) < 0) {
		fprintf(stderr, "porttop: run: cannot watch %s\n", cmd);
		return EXIT_USAGE;
	}
	return -1;
}

/* porttop run's exit status: porttop's own failure (2: could not do its
 * job; 1: a check failed or the capture broke off) before CMD's. */
static int cmd_status(int porttop, int cmd)
{
	return porttop != EXIT_OK ? porttop : cmd;
}

/* Everything after the options: filters, the engine, the mode. */
static int run(struct opts *op, int argc, char **argv)
{
	struct opts o = *op;
	struct child *child = NULL;
	struct pt_err err;
	struct engine *e;
	struct rep_filter *df;
	char *filter;
	int status;

	if (!(df = display_filter(&o, &status)) && status >= 0)
		return status;
	/* run: the words after the options are CMD, not a filter */
	if (!(filter = filter_text(&o, o.run ? optind : argc, argv,
				   &status))) {
		rep_filter_free(df);
		return status;
	}
	if (hash_seed() < 0) {
		rep_filter_free(df);
		free(filter);
		return bad_usage("cannot initialise the hash key "
				 "(PORTTOP_HASH_SEED must be 32 hex digits)",
				 NULL);
	}
	o.eng.filter = filter;
	sig_catch();
	if (o.run && (status = cmd_start(&o, argv + optind, &child)) >= 0) {
		rep_filter_free(df);
		free(filter);
		return status;
	}
	if (engine_open(&e, &o.eng, &err) != PT_OK) {
		fprintf(stderr, "porttop: %s%s\n", err.msg,
			o.run && (strstr(err.msg, "ermission") ||
				  strstr(err.msg, "not permitted")) ?
			" (porttop run captures "
			"on every interface: run it as root, sudo porttop "
			"run ...)" : "");
		if (child)
			child_end(child);
		rep_filter_free(df);
		free(filter);
		return pt_exit(err.code);
	}
	o.label = o.run ? argv[optind] : o.eng.read_file ? o.eng.read_file :
		  o.eng.live.iface ? o.eng.live.iface : "live capture";
	if (o.run && (status = cmd_go(&o, e, child, argv[optind])) >= 0)
		child_end(child), child = NULL;
	else
		status = run_mode(e, &o, df);
	if (child)
		status = cmd_status(status, child_end(child));
	engine_close(e);
	rep_filter_free(df);
	free(filter);
	return status;
}

/* `porttop check RULES ...`: the subcommand's words out of argv, the
 * rules file in o.  argv keeps its program name. */
static void subcommand(struct opts *o, int *argc, char ***argv)
{
	if (*argc >= 2 && !strcmp((*argv)[1], "run")) {
		o->run = 1;
		(*argv)[1] = (*argv)[0];
		*argv += 1;
		*argc -= 1;
		o->argc = *argc;
		o->argv = *argv;
		return;
	}
	if (*argc >= 3 && !strcmp((*argv)[1], "check")) {
		o->rules_file = (*argv)[2];
		(*argv)[2] = (*argv)[0];
		*argv += 2;
		*argc -= 2;
		o->argc = *argc;
		o->argv = *argv;
	}
}

/* The rules of check, read before any packet: a bad file is exit 2 with
 * FILE:LINE:COL.  0, or the exit status. */
static int load_rules(struct opts *o)
{
	char err[RULES_ERR_MAX];

	if (!o->rules_file)
		return 0;
	if (!(o->rules = rules_load(o->rules_file, err, sizeof(err)))) {
		fprintf(stderr, "porttop: %s\n", err);
		return EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.report = REP_FLOWS, .format = REP_TEXT,
		.delay_ns = NS_PER_S, .argc = argc, .argv = argv,
		.ipfix = { .active_ns = IPFIX_ACTIVE_DEFAULT,
			   .pen = IPFIX_PEN_DEFAULT },
		.eng = { .speed = 1,
			 .live = { .snaplen = DEFAULT_SNAPLEN,
				   .initial_snaplen = CAP_INITIAL_SNAPLEN,
				   .promisc = 1 } },
	};
	int status;

	os_init();
	if (argc >= 2 && !strcmp(argv[1], "diff"))
		return diff_main(argc - 1, argv + 1);
	if (argc == 2 && !strcmp(argv[1], "check"))
		return bad_usage("check needs a rules file: porttop check "
				 "RULES -r FILE", NULL);
	subcommand(&o, &argc, &argv);
	if ((status = parse_options(&o, argc, argv)) >= 0)
		return status;
	if (o.list) {
		char cerr[CAP_ERRBUF_SIZE];

		if (cap_list_devices(stdout, cerr) != CAP_OK) {
			fprintf(stderr, "porttop: %s\n", cerr);
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	if ((status = check_run_options(&o, argc)) >= 0 ||
	    (status = check_options(&o)) >= 0 || (status = load_rules(&o)))
		return status;
	status = run(&o, argc, argv);
	rules_free(o.rules);
	diff_opts_free(&o.diff);
	return status;
}
