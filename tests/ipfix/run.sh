#!/usr/bin/env bash
# tests/ipfix/run.sh - --ipfix: porttop's flows in real IPFIX collectors.
#
# Usage (from any directory, as root):
#   tests/ipfix/run.sh
#   PORTTOP=build/san-address-undefined/porttop tests/ipfix/run.sh
#   tests/run.sh ipfix                      (with the other suites' totals)
# Environment:
#   PORTTOP  porttop binary (default ./porttop)
#   SHARED   the shared captures (default ../shared)
#   PYTHON   python3 for the helpers (tests/ipfix/ipfix.py)
#   KEEP=1   keep the work directory and say where
#
# Everything runs in one network namespace made here, on its loopback:
# nfcapd (Debian's nfdump 1.7) and small collectors of tests/ipfix/ipfix.py
# that keep what they receive as an IPFIX file for ipfixDump (Debian's
# libfixbuf-tools), which reads porttop's elements from
# contrib/porttop-ipfix.xml.
#
# Checks (one line each: "ok NAME", "FAIL NAME: reason" with details
# indented below, or "SKIP NAME: reason"):
#   nfdump-CAPTURE     porttop -r CAPTURE --report flows --ipfix to nfcapd
#                      (biflows, the default): nfdump -o json shows every
#                      flow of the report with its packets and IP bytes each
#                      way, its first and last packet within a millisecond
#                      (flows sharing a tuple, and delta records, are added
#                      up per tuple); every record sent, none lost.  Our
#                      captures (pcaps/) and shared ones: TCP, UDP, ICMP and
#                      ICMPv6, IPv6, VLAN, fragments, scans
#   owners-file        pcaps/attrib-lo.pcapng (its packets name their
#                      processes) to two collectors at once, TCP biflows and
#                      UDP uniflows: ipfixDump shows each flow's pids and
#                      comms per end, conn_state, history and port state as
#                      the report does, one record per flow (biflow) or per
#                      direction (uniflow); contrib/porttop-flows.awk prints
#                      the two HTTP flows with their processes
#   owners-live        a live capture of curl against python3 http.server
#                      with attribution: ipfixDump shows curl's and the
#                      server's pids and comms, as the report does
#   active-deltas      a 10 s TCP stream with --ipfix-active 2: at least 4
#                      active-timeout records of one flow id, adding up to
#                      the report's packets and bytes each way
#   collector-down     a live capture exporting to a UDP and a TCP port where
#                      nothing listens: the capture goes on (the report has
#                      the traffic), every collector counts losses, exit 0
#   collector-slow     a live capture exporting to a TCP collector that never
#                      reads, while 20,000 flows end: the capture goes on
#                      (every flow in the report), losses counted, exit 0
#                      within seconds of SIGINT
# Every porttop run must also leave no sanitizer report on stderr.
#
# Not root, no network namespaces, or nfcapd/ipfixDump missing (installed
# with apt-get when they can be): the checks concerned are SKIPped.
# Takes about 40 s.

set -u
cd "$(dirname "$0")/../.." || exit 2

NSLIST=() SUITE=ipfix
. tests/lib/ns.sh

SHARED=${SHARED:-../shared}
# ours and shared ones: TCP, UDP + ICMP, IPv6 + ICMPv6, VLAN, fragments,
# a scan, and third-party traffic of several kinds
CAPS=(pcaps/tcp-http-curl.pcap pcaps/udp-echo-unreach.pcap
	pcaps/ipv6-tcp-udp.pcap pcaps/vlan-tcp.pcap pcaps/frag-udp.pcap
	pcaps/nmap-scans.pcap "$SHARED"/pcaps/ndpi-sites.pcapng
	"$SHARED"/pcaps/libpcap-ipv6_ext_headers.pcap
	"$SHARED"/pcaps/ndpi-dns_fragmented.pcap "$SHARED"/pcaps/ndpi-synscan.pcap
	"$SHARED"/pcaps/ndpi-alexa-app.pcapng)
CHECKS=()
for c in "${CAPS[@]}"; do CHECKS+=("nfdump-$(basename "$c")"); done
CHECKS+=(owners-file owners-live active-deltas collector-down collector-slow)

need_root_porttop "network namespaces, live capture"
gone=$(need_tools ip:iproute2 ss:iproute2 curl:curl "$PYTHON":python3 \
	nfcapd:nfdump nfdump:nfdump ipfixDump:libfixbuf-tools)
[ -z "$gone" ] || skip_all "ipfix: missing and could not be installed: $gone"

NS=ptipfix-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/porttop-ipfix.XXXXXX") || exit 2
NSLIST=("$NS")
failed=0
T_START=$(now_us)
trap ns_cleanup EXIT
trap 'exit 2' HUP INT TERM
why=$(ns_lo "$NS") || skip_all "ipfix: $why"
XML=$PWD/contrib/porttop-ipfix.xml

py() { "$PYTHON" tests/ipfix/ipfix.py "$@"; }
inns() { ip netns exec "$NS" "$@"; }

wait_listen() {	# tcp|udp PORT: until something listens there
	for _ in $(seq 250); do
		inns ss -Hln --"$1" "sport = :$2" | grep -q . && return 0
		sleep 0.02
	done
	return 1
}

stop() {	# PID...: SIGTERM, and reap
	local p
	for p in "$@"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	return 0
}

# sane NAME ERRFILE...: no sanitizer report, else FAIL
sane() {
	local n=$1
	shift
	no_sanitizer_report "$@" && return 0
	fail "$n" "sanitizer report" "$@"
	return 1
}

dump() { ipfixDump -e "$XML" --in "$1" >"$2" 2>&1; }

# ---- nfdump: captures through nfcapd ------------------------------------------

t=$(now_us)
port=4700
for cap in "${CAPS[@]}"; do
	n="nfdump-$(basename "$cap")"
	if [ ! -r "$cap" ]; then skip "$n" "$cap not found (set SHARED)"; continue; fi
	port=$((port + 1))
	d=$tmp/$n
	mkdir -p "$d/nf"
	bgrun "$n-nfcapd" "$NS" nfcapd -p "$port" -b 127.0.0.1 -w "$d/nf" -B 4000000
	cap_pid=$BGPID
	if ! wait_listen udp "$port"; then
		fail "$n" "nfcapd did not start" "$tmp/$n-nfcapd.err"; continue
	fi
	inns "$PORTTOP" -r "$cap" --report flows --format json -q \
		--ipfix "127.0.0.1:$port" >"$d/report" 2>"$d/err"
	rc=$?
	sleep 0.2	# the last datagrams into nfcapd
	stop "$cap_pid"	# nfcapd writes its file as it ends
	sane "$n" "$d/err" || continue
	if [ "$rc" -ne 0 ]; then fail "$n" "porttop exit $rc" "$d/err"; continue; fi
	nfdump -R "$d/nf" -o json >"$d/nfdump.json" 2>"$d/nfdump.err"
	if py nfdump "$d/report" "$d/nfdump.json" "$d/err" >"$d/verdict" \
		2>"$d/note"; then
		ok "$n" "$(grep -h '^# [0-9]* flows' "$d/note" | sed 's/^# //')"
	else
		fail "$n" "nfdump differs from the report" "$d/verdict"
	fi
done
timing nfdump "$t"

# ---- owners: ipfixDump on a capture with processes -----------------------------

# collect NAME PROTO PORT: a collector into $tmp/NAME.ipfix (its pid: CPID)
collect() {
	bgrun "$1-coll" "$NS" "$PYTHON" tests/ipfix/ipfix.py collect "$2" "$3" \
		"$tmp/$1.ipfix"
	CPID=$BGPID
	wait_listen "$2" "$3"
}

t=$(now_us)
n=owners-file
v=$tmp/$n.verdict
: >"$v"
# uniflows to two collectors at once (TCP and UDP), then biflows
if collect "$n-tcp" tcp 4801 && p1=$CPID && collect "$n-udp" udp 4802 &&
   p2=$CPID && collect "$n-bi" udp 4803 && p3=$CPID; then
	inns "$PORTTOP" -r pcaps/attrib-lo.pcapng --report flows --format json \
		-q --ipfix tcp://127.0.0.1:4801 --ipfix udp://127.0.0.1:4802 \
		--ipfix-uniflow >"$tmp/$n.report" 2>"$tmp/$n.err"
	rc=$?
	inns "$PORTTOP" -r pcaps/attrib-lo.pcapng --report flows --format json \
		-q --ipfix 127.0.0.1:4803 >"$tmp/$n.report2" 2>"$tmp/$n.err2"
	rc=$((rc | $?))
	sleep 0.2
	stop "$p1" "$p2" "$p3"
	for c in tcp udp bi; do dump "$tmp/$n-$c.ipfix" "$tmp/$n-$c.txt"; done
	if ! sane "$n" "$tmp/$n.err" "$tmp/$n.err2"; then :
	elif [ "$rc" -ne 0 ]; then fail "$n" "porttop exit $rc" "$tmp/$n.err" "$tmp/$n.err2"
	elif py owners "$tmp/$n.report" "$tmp/$n-tcp.txt" uniflow --need-comm curl \
		>>"$v" 2>/dev/null &&
	     py owners "$tmp/$n.report" "$tmp/$n-udp.txt" uniflow --need-comm python3 \
		>>"$v" 2>/dev/null &&
	     py owners "$tmp/$n.report2" "$tmp/$n-bi.txt" biflow --need-comm curl \
		>>"$v" 2>/dev/null &&
	     py summary "$tmp/$n.err" all=4 >>"$v" 2>/dev/null &&
	     py summary "$tmp/$n.err2" all=4 >>"$v" 2>/dev/null &&
	     # the README's one line per flow (contrib/porttop-flows.awk)
	     awk -v port=8081 -f contrib/porttop-flows.awk "$tmp/$n-bi.txt" \
		>"$tmp/$n.awk" &&
	     [ "$(grep -cE ' SF curl\[[0-9]+\] > python3\[30430\]$' \
		  "$tmp/$n.awk")" -eq 2 ]; then
		ok "$n" "$(grep -c . "$tmp/$n.report") flows: uniflows over TCP and UDP, biflows"
	else
		fail "$n" "ipfixDump's records differ from the report" "$v"
	fi
else
	fail "$n" "collectors did not start"
fi
timing "$n" "$t"

# ---- live captures ----------------------------------------------------------

# live_run NAME TRAFFIC [OPTION...]: porttop -i lo in the namespace, its
# flows report in $tmp/NAME.out, the command TRAFFIC once it captures, then
# SIGINT; RC and EXIT_MS as wait_exit sets them.  1 (after a FAIL) when
# porttop did not start.
live_run() {
	local n=$1 traffic=$2 pp
	shift 2
	bgrun "$n" "$NS" "$PORTTOP" -i lo --report flows --format json -q "$@"
	pp=$BGPID
	if ! porttop_ready "$pp"; then
		fail "$n" "porttop did not start" "$tmp/$n.err"
		return 1
	fi
	$traffic
	sleep 0.3
	kill -INT "$pp"
	wait_exit "$pp" 10
}

# ended_ok NAME: the run left no sanitizer report and exited 0; else FAIL.
ended_ok() {
	sane "$1" "$tmp/$1.err" || return 1
	[ "$RC" -eq 0 ] && return 0
	fail "$1" "porttop exit $RC" "$tmp/$1.err"
	return 1
}

t=$(now_us)
n=owners-live
curls() {
	sleep 0.5	# attribution's first look at the sockets
	for _ in 1 2 3; do inns curl -s -o /dev/null http://127.0.0.1:8080/; done
	sleep 0.2
}
collect "$n" udp 4811
pc=$CPID
bgrun "$n-server" "$NS" "$PYTHON" -m http.server 8080 --bind 127.0.0.1 \
	--directory "$tmp"
ps=$BGPID
if ! wait_listen udp 4811 || ! wait_listen tcp 8080; then
	fail "$n" "collector or server did not start" "$tmp/$n-server.err"
elif live_run "$n" curls --ipfix 127.0.0.1:4811 && ended_ok "$n"; then
	sleep 0.2
	dump "$tmp/$n.ipfix" "$tmp/$n.txt"
	if py owners "$tmp/$n.out" "$tmp/$n.txt" biflow --need-comm python3 \
		>"$tmp/$n.verdict" 2>"$tmp/$n.note"; then
		ok "$n" "$(grep -c '"curl"' "$tmp/$n.out") flows with curl's pid, $(grep -c '"python3"' "$tmp/$n.out") with the server's"
	else
		fail "$n" "ipfixDump's owners differ from the report" "$tmp/$n.verdict"
	fi
fi
stop "$ps" "$pc"
timing "$n" "$t"

# ---- deltas of a long-lived flow -------------------------------------------------

t=$(now_us)
n=active-deltas
read_stream() { inns "$PYTHON" tests/ipfix/ipfix.py read 5432; }
collect "$n" udp 4821
pc=$CPID
bgrun "$n-server" "$NS" "$PYTHON" tests/ipfix/ipfix.py stream 5432 10
ps=$BGPID
if ! wait_listen udp 4821 || ! wait_listen tcp 5432; then
	fail "$n" "collector or stream server did not start" "$tmp/$n-server.err"
elif live_run "$n" read_stream --ipfix 127.0.0.1:4821 --ipfix-active 2 \
		'tcp port 5432' && ended_ok "$n"; then
	sleep 0.2
	dump "$tmp/$n.ipfix" "$tmp/$n.txt"
	if py deltas "$tmp/$n.out" "$tmp/$n.txt" 5432 4 >"$tmp/$n.verdict" \
		2>"$tmp/$n.note"; then
		ok "$n" "$(sed -n 's/^# //p' "$tmp/$n.note")"
	else
		fail "$n" "the deltas do not add up" "$tmp/$n.verdict" "$tmp/$n.note"
	fi
fi
stop "$ps" "$pc"
timing "$n" "$t"

# ---- collectors down and stalled --------------------------------------------------

# losses NAME FLOWS WANT: the report has WANT flows (FLOWS), losses are
# counted: ok, else FAIL.
losses() {
	local n=$1 flows=$2 want=$3
	if [ "$flows" -ne "$want" ]; then
		fail "$n" "$flows flows in the report, expected $want" "$tmp/$n.err"
	elif py summary "$tmp/$n.err" lost >"$tmp/$n.verdict" 2>"$tmp/$n.note"; then
		ok "$n" "$(sed -n 's/^# //p' "$tmp/$n.note" | paste -sd ';' -); ended $EXIT_MS ms after SIGINT"
	else
		fail "$n" "losses not counted" "$tmp/$n.verdict" "$tmp/$n.err"
	fi
}

t=$(now_us)
n=collector-down
curls5() { for _ in 1 2 3 4 5; do inns curl -s -o /dev/null http://127.0.0.1:8081/; done; }
bgrun "$n-server" "$NS" "$PYTHON" -m http.server 8081 --bind 127.0.0.1 \
	--directory "$tmp"
ps=$BGPID
if ! wait_listen tcp 8081; then
	fail "$n" "the server did not start" "$tmp/$n-server.err"
elif live_run "$n" curls5 --ipfix 127.0.0.1:4831 --ipfix tcp://127.0.0.1:4832 \
		'tcp port 8081' && ended_ok "$n"; then
	losses "$n" "$(grep -c '"resp_p":8081' "$tmp/$n.out")" 5
fi
stop "$ps"
timing "$n" "$t"

t=$(now_us)
n=collector-slow
floods() {
	inns "$PYTHON" tests/ipfix/ipfix.py flood 20000 10000
	sleep 2		# they time out: records while the capture runs
	inns "$PYTHON" tests/ipfix/ipfix.py flood 30000 10000
}
bgrun "$n-stall" "$NS" "$PYTHON" tests/ipfix/ipfix.py stall 4841
pst=$BGPID
if ! wait_listen tcp 4841; then
	fail "$n" "the stalled listener did not start" "$tmp/$n-stall.err"
elif live_run "$n" floods --timeouts udp=1 --ipfix tcp://127.0.0.1:4841 \
		'udp and dst portrange 20000-39999' && ended_ok "$n"; then
	if [ "$EXIT_MS" -gt 5000 ]; then
		fail "$n" "took $EXIT_MS ms to end after SIGINT" "$tmp/$n.err"
	else
		losses "$n" "$(grep -c '"proto":"udp"' "$tmp/$n.out")" 20000
	fi
fi
stop "$pst"
timing "$n" "$t"

for x in "${TIMES[@]}"; do echo "# time $x"; done
echo "# ipfix: $(secs "$T_START" "$(now_us)") s"
exit "$failed"
