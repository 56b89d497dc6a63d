#!/usr/bin/env bash
# tests/attrib/run.sh - porttop's process attribution against the ground
# truth of real processes making real sockets.
#
# Usage (from any directory, as root):
#   tests/attrib/run.sh [CHECK...]          (default: every check)
#   PORTTOP=build/san-address-undefined/porttop tests/attrib/run.sh
#   tests/run.sh attrib                     (with the other suites' totals)
# Environment:
#   PORTTOP  porttop binary, relative to the repo root (default ./porttop)
#   PYTHON   python3 for the helpers (default /usr/bin/python3, else python3)
#   KEEP=1   keep the work directory (truths, reports) and say where
#
# All traffic stays on the loopback device of network namespaces made here
# (ptattr-a-PID, and ptattr-b-PID for netns-same-tuple); nothing touches
# any other interface.  porttop runs in the namespace of the workload it
# watches, entered with nsenter --net (the host's mounts stay: tracefs,
# cgroup2, as porttop finds them on a real host; `ip netns exec` would
# remount /sys without them).  tcp_tw_reuse is 0 in the namespaces, so no
# two TCP connections of a run share a tuple.
#
# The workload (workload.py, python3) is real processes: a long-lived
# server (comm "ptsrv...") and clients that each fork from a parent holding
# no socket, name themselves (comm PREFIX + index), make one connection and
# exit: gone before any poll could find them (nethogs' failure mode).  Each
# end writes what it owned (pid, comm, proto, addresses, ports) as JSON
# Lines; check.py joins the two ends into the ground truth ($tmp/NAME.truth,
# one line per connection) and compares porttop's --report flows --format
# json with it.  An end is right (the truth's pid and comm), wrong (another
# pid or comm: never allowed anywhere), or missed (pid null, with the
# reason in *_attrib_miss).
#
# Checks (one line each: "ok NAME: note", "FAIL NAME: reason" with details
# indented below, or "SKIP NAME: reason"):
#   bpf-short-tcp     --attrib bpf; 1000 TCP connections of ~1 ms (connect,
#                     100 bytes, close), each from its own short-lived
#                     process, to one server: every orig end the client's
#                     pid and comm, every resp end the server's (100 %)
#   bpf-short-udp     the same with 1000 UDP request/replies (half of the
#                     clients connect(), half sendto() unconnected) to a UDP
#                     echo server: 100 %
#   bpf-ipv6          200 TCP + 200 UDP as above over ::1: 100 %
#   bpf-tuple-reuse   --attrib bpf; 300 UDP clients, one after another, each
#                     its own process binding the same source port
#                     (SO_REUSEADDR; half connect(), half sendto()), one
#                     datagram to an echo server and its answer: 300 flows,
#                     each 1 packet each way with its own client's pid and
#                     comm, each but the last ended "owner" (the socket
#                     closed, the next process's datagram began a new flow);
#                     when eBPF lost events (dropped, recursion misses) an
#                     orig end may be missed ("gone", "denied"), never wrong
#   one-thread-short-tcp  bpf-short-tcp with --threads 1: the flow table
#                     and the owners' lookups on the capture thread (the
#                     bpf-* checks run without --threads: with 2 CPUs or
#                     more a device's default, the pipeline, whose table
#                     thread takes in the closed sockets before the
#                     datagrams stamped after them; stderr must say which
#                     ran): 100 %
#   one-thread-tuple-reuse  bpf-tuple-reuse with --threads 1: split
#   diag-tuple-reuse  --attrib diag; 3 such clients, each holding its
#                     socket 1.5 s (a sock_diag dump sees each): one flow
#                     (polling cannot tell their datagrams apart), 3+3
#                     packets, orig_pid null, orig_attrib_miss "several"
#   diag-long         --attrib diag; 20 TCP and 10 UDP connections held
#                     open 2 s, sending every 200 ms: 100 %
#   drop-privileges   diag-long again with -Z nobody: every thread runs as
#                     uid 65534 with CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE
#                     alone, and still names every process (100 %)
#   diag-short        --attrib diag on the bpf-short-tcp workload: the rate
#                     is printed (sock_diag misses what closes before its
#                     lookup); passes when no attributed end is wrong
#   unprivileged      porttop as nobody (setpriv; a copy of the binary with
#                     file capabilities cap_net_raw,cap_net_admin only):
#                     stderr says eBPF is off and why (CAP_BPF), exit 0,
#                     flows reported; the server (root) ends are never
#                     named, their miss "denied" (socket found, process
#                     unreadable) or "gone" (closed before the lookup);
#                     the clients, run as nobody too, are attributed (the
#                     long-lived ones all of them) or missed ("gone" or
#                     "denied"); never wrong
#   no-tracefs        --attrib bpf in a private mount namespace with no
#                     tracefs mounted anywhere (unmounted, empty tmpfs over
#                     /sys/kernel/tracing and /sys/kernel/debug): still
#                     100 % on 300 short TCP connections (BTF raw
#                     tracepoints need no tracefs)
#   netns-same-tuple  two namespaces, each with a server and clients using
#                     the same tuples (client ports bound explicitly) at the
#                     same time, one porttop --attrib bpf in each: each flow
#                     gets its own namespace's processes (eBPF sees both)
#   procs-report      --report procs on 1000 short TCP connections: the
#                     server's row counts 1000 flows, every client has a row
#                     (its comm, 1 flow, exited: porttop is stopped once an
#                     attribution dump begun after the last exit is over)
#   batch-processes   --batch --format json --view processes -d 0.5 while
#                     1000 short TCP connections run: every workload pid
#                     shows up with its comm, and before the last tick
#   listener-events   --events: listener_new (at_start for one already
#                     there), listener_gone, with pids and comms
#   pcapng-roundtrip  live -w x.pcapng --attrib bpf (300 short TCP), then
#                     porttop -r x.pcapng: the same pids and comms, from the
#                     file's comments (*_attrib "pcapng")
# Every porttop run must exit 0 after SIGINT and leave no sanitizer report.
#
# Not root, or no network namespaces: every check SKIPs, exit 0.  No eBPF
# (privileges, kernel without BTF or the 6.3 tracepoints): the eBPF checks
# SKIP with porttop's reason.  Takes about 1 minute.

set -u
cd "$(dirname "$0")/../.." || exit 2

NSLIST=() SUITE=attrib NS_ENTER=nsenter
. tests/lib/ns.sh

ALL_CHECKS=(bpf-short-tcp bpf-short-udp bpf-ipv6 bpf-tuple-reuse
	one-thread-short-tcp one-thread-tuple-reuse diag-tuple-reuse diag-long diag-short
	unprivileged no-tracefs netns-same-tuple procs-report batch-processes
	pcapng-roundtrip listener-events drop-privileges)
if [ $# -gt 0 ]; then CHECKS=("$@"); else CHECKS=("${ALL_CHECKS[@]}"); fi
for c in "${CHECKS[@]}"; do
	case " ${ALL_CHECKS[*]} " in *" $c "*) ;;
	*) echo "$0: no check $c (checks: ${ALL_CHECKS[*]})" >&2; exit 2 ;;
	esac
done
want() { case " ${CHECKS[*]} " in *" $1 "*) return 0 ;; esac; return 1; }

need_root_porttop "network namespaces, packet capture, eBPF"

# ---- tools ---------------------------------------------------------------

gone=$(need_tools ip:iproute2 nsenter:util-linux unshare:util-linux \
	setpriv:util-linux setcap:libcap2-bin "$PYTHON":python3)
[ -z "$gone" ] || skip_all "attrib: missing and could not be installed: $gone"

# ---- work area, namespaces, cleanup ---------------------------------------

NA=ptattr-a-$$ NB=ptattr-b-$$		# unique names: runs may overlap
tmp=$(mktemp -d "${TMPDIR:-/tmp}/porttop-attrib.XXXXXX") || exit 2
chmod 755 "$tmp"			# the unprivileged check runs as nobody
NSLIST=("$NA" "$NB")
failed=0
T_START=${EPOCHREALTIME/./}

trap ns_cleanup EXIT
trap 'exit 2' HUP INT TERM

for ns in "$NA" "$NB"; do
	err=$(ns_lo "$ns") || skip_all "attrib: $err"
done
HAVE6=1
ip -n "$NA" -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/' || HAVE6=0

cp tests/attrib/workload.py tests/attrib/check.py tests/attrib/bpfstats.py "$tmp/" &&
	chmod 644 "$tmp"/*.py

# inns NS CMD...: CMD in namespace NS's network, with the host's mounts.
# nsenter execs CMD without forking, so $! of `inns ... &` is CMD's pid.
inns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" -- "$@"; }

# ---- small helpers --------------------------------------------------------

details() { sed 1d "$1" >"$1.details"; echo "$1.details"; }	# VERDICT-FILE

py() { "$PYTHON" "$tmp/check.py" "$@"; }
W=("$PYTHON" "$tmp/workload.py")

# ---- servers, clients, porttop runs ------------------------------------------

# srv_start NAME NS PROTO HOST PORT [OPTIONS]: a workload server; its truth
# in $tmp/NAME.truth; waits until it listens.  SRV[NAME] is its pid.
declare -A SRV PT PTBPF
srv_start() {
	local name=$1 ns=$2 proto=$3 host=$4 port=$5
	shift 5
	: >"$tmp/$name.truth"
	chmod 666 "$tmp/$name.truth"
	bgrun "$name" "$ns" "${W[@]}" server "$proto" "$host" "$port" \
		"$tmp/$name.truth" "$@"
	SRV[$name]=$BGPID
	wait_for "$tmp/$name.out" '^ready' 5 "$BGPID" ||
		{ VERDICT="the $proto server did not start: $(head -n1 "$tmp/$name.err")"; return 1; }
}

# srv_stop NAME [LINES]: once its truth has LINES lines (30 s at most: the
# TCP server writes a line when it has read a connection to its end, which
# a busy host may let it do some time after the clients are gone; a line
# missing would make its connection's server end look wrong)
srv_stop() {
	local name=$1 n=${2:-0}
	for _ in $(seq 1500); do
		[ "$(wc -l <"$tmp/$name.truth")" -ge "$n" ] && break
		alive "${SRV[$name]}" || break
		sleep 0.02
	done
	kill "${SRV[$name]}" 2>/dev/null
	wait "${SRV[$name]}" 2>/dev/null
}

# clients NS TRUTH ARGS...: workload.py clients|long ... in NS, in the
# foreground; its stderr appended to $tmp/clients.err.  1000 clients take
# 10-30 s (each a fork of python); the limit, 300 s, only catches a hang.
clients() {
	local ns=$1 truth=$2
	shift 2
	[ -e "$truth" ] || { : >"$truth"; chmod 666 "$truth"; }
	inns "$ns" "${CLIENT_WRAP[@]}" timeout 300 "${W[@]}" "$@" 2>>"$tmp/clients.err"
}
CLIENT_WRAP=()
# the truth file is the one but last positional argument of clients/long
# (see workload.py); callers pass it explicitly for clarity.

# pt_start RUN NS ARGS...: porttop -i lo ARGS in NS, in the background
# (PT_WRAP: a command put before it, which must exec it); waits until it
# captures and, for reports, has said which attribution it uses.
PT_WRAP=()
PT_OPTS=()	# options for every run (--threads 1); stderr says the
		# threads each run used (PORTTOP_SAY_THREADS, threads_ok)
pt_start() {
	local run=$1 ns=$2 pid
	shift 2
	bgrun "$run" "$ns" "${PT_WRAP[@]}" env PORTTOP_SAY_THREADS=1 "$PORTTOP" -i lo \
		"${PT_OPTS[@]}" "$@"
	pid=$BGPID
	PT[$run]=$pid
	case " $* " in *" --attrib bpf "*) PTBPF[$run]=1 ;; *) PTBPF[$run]= ;; esac
	case " $* " in
	*" --report "*)
		wait_for "$tmp/$run.err" 'porttop: attribution' 10 "$pid" ||
			{ VERDICT="porttop said nothing about attribution: $(head -n2 "$tmp/$run.err" | tr '\n' ' ')"; return 1; } ;;
	*" --batch "*)
		wait_for "$tmp/$run.out" '"type":"tick"' 10 "$pid" ||
			{ VERDICT="porttop --batch printed no tick: $(head -n2 "$tmp/$run.err" | tr '\n' ' ')"; return 1; } ;;
	esac
	porttop_ready "$pid" ||
		{ VERDICT="porttop did not start: $(head -n2 "$tmp/$run.err" | tr '\n' ' ')"; return 1; }
}

# pt_stop RUN: SIGINT after a settle time (events drained: the service
# polls every 20 ms, lookups follow), wait for the exit; VERDICT and 1
# when it did not exit 0 or left a sanitizer report.  For --attrib bpf
# runs, $tmp/RUN.bpf first gets what porttop's eBPF programs lost: events
# dropped (ring full) and runs the kernel skipped (recursion misses).
pt_stop() {
	local run=$1
	# no settling sleep: on SIGINT porttop still reads what the kernel
	# had captured and waits for the socket events it had reported
	# (core/engine.c: drain, attr_sync)
	# what its eBPF side lost, for the verdict (bpfstats.py counters)
	[ -n "${PTBPF[$run]}" ] && "$PYTHON" "$tmp/bpfstats.py" counters "${PT[$run]}" \
		>"$tmp/$run.bpf" 2>/dev/null
	kill -INT "${PT[$run]}" 2>/dev/null
	wait_exit "${PT[$run]}" 15
	if [ "$RC" -ne 0 ]; then
		VERDICT="porttop exited $RC after SIGINT (124: still running after 15 s)"
		return 1
	fi
	if ! no_sanitizer_report "$tmp/$run.err"; then
		VERDICT="sanitizer report on porttop's stderr"
		return 1
	fi
}

# judge NAME RUN TRUTH... -- CHECK-OPTIONS: check.py flows on RUN's report;
# "ok NAME: summary" or the failure with check.py's problems
judge() {
	local name=$1 run=$2 truths=()
	shift 2
	while [ "$1" != -- ]; do truths+=("$1"); shift; done
	shift
	local lost=
	[ -s "$tmp/$run.bpf" ] && lost="eBPF $(sed 's/_/ /' "$tmp/$run.bpf")"
	if py flows "${truths[@]}" -- "$tmp/$run.out" --merged "$tmp/$run.truth" "$@" \
		>"$tmp/$run.verdict" 2>&1; then
		ok "$name" "$(head -n1 "$tmp/$run.verdict")${NOTE:+; $NOTE}${lost:+; $lost}"
	else
		[ -n "$lost" ] && echo "$lost" >>"$tmp/$run.verdict"
		fail "$name" "$(head -n1 "$tmp/$run.verdict")" "$(details "$tmp/$run.verdict")"
	fi
}

# attrib_line RUN REGEX: porttop's "attribution:" line matches REGEX
# threads_ok RUN: RUN used one thread with --threads 1 in PT_OPTS, else
# a device's default: the pipeline's three with 2 CPUs or more (nproc
# counts the affinity mask porttop counts)
threads_ok() {
	local want=1
	[ "${PT_OPTS[*]}" = "--threads 1" ] || [ "$(nproc)" -lt 2 ] || want=3
	grep -q "^porttop: threads: $want\b" "$tmp/$1.err" ||
		{ VERDICT="${PT_OPTS[*]:-no --threads, $(nproc) CPUs}: stderr does not say $want thread(s) ran: $(grep -m1 '^porttop: threads' "$tmp/$1.err")"; return 1; }
}

attrib_line() {
	local l
	l=$(grep -m1 '^porttop: attribution' "$tmp/$1.err")
	if ! echo "$l" | grep -qE "$2"; then
		VERDICT="stderr says '${l:-nothing about attribution}', expected /$2/"
		return 1
	fi
}

# ---- waiting on porttop's --events ---------------------------------------------

# ev_seen FILE TYPE PROTO PORT: FILE (porttop --events) has a TYPE line
# (listener_new, listener_gone) for PROTO PORT
ev_seen() {
	grep -F "\"type\":\"$2\"" "$1" 2>/dev/null | grep -F "\"proto\":\"$3\"" |
		grep -qE "\"port\":$4[,}]"
}

# ev_wait RUN TYPE PROTO PORT: until porttop RUN's events ($tmp/RUN.events)
# have that line; 1 with VERDICT after 30 s, or when porttop has ended.
# Listeners are compared every second (events.c), so this is usually a
# second or two; the deadline is for slow builds on a busy host.
ev_wait() {
	local run=$1
	shift
	for _ in $(seq 1500); do
		ev_seen "$tmp/$run.events" "$@" && return 0
		alive "${PT[$run]}" || break
		sleep 0.02
	done
	ev_seen "$tmp/$run.events" "$@" && return 0
	VERDICT="no $1 $2 $3 in porttop's --events within 30 s"
	return 1
}

# silent_udp NAME NS PORT: a process holding a UDP socket bound to
# 127.0.0.1:PORT that it never sends or receives on.  No eBPF event names
# such a socket (they come with a send or a receive, attr.bpf.c), so
# porttop learns of it, and of its close, only from its sock_diag table
# dumps.  SRV[NAME] is its pid; stop it with kill (SIGTERM kills it).
silent_udp() {
	bgrun "$1" "$2" "$PYTHON" -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
time.sleep(600)' "$3"
	SRV[$1]=$BGPID
	wait_for "$tmp/$1.out" '^ready' 5 "$BGPID" ||
		{ VERDICT="the silent UDP socket did not start: $(head -n1 "$tmp/$1.err")"; return 1; }
}

# dump_passed RUN NS PORT: returns once porttop RUN (with --events
# $tmp/RUN.events) has finished a table dump that began after the call.
# Each dump marks the processes gone by then as exited (attr.c, full_dump
# then mark_exited), so a report written after this says "exited" for
# every process that had exited before the call, however late the dumps
# run.  How it knows: a silent UDP socket opened now; its listener_new
# says a dump D saw it (so D began after the call); then closed, its
# listener_gone says a later dump aged it out, so D was over by then.
dump_passed() {
	local run=$1 ns=$2 port=$3 rc=0
	silent_udp "$run-mark" "$ns" "$port" || return 1
	ev_wait "$run" listener_new udp "$port" || rc=1
	kill "${SRV[$run-mark]}" 2>/dev/null
	wait "${SRV[$run-mark]}" 2>/dev/null
	[ $rc -eq 0 ] && ev_wait "$run" listener_gone udp "$port"
}

# ---- is eBPF available here? ---------------------------------------------------

BPF_SKIP=
BPF_FAIL=
probe_bpf() {
	inns "$NA" timeout 20 "$PORTTOP" -i lo --attrib bpf --report flows --duration 0.2 \
		>/dev/null 2>"$tmp/probe.err"
	local rc=$? l
	l=$(grep -m1 'attribution' "$tmp/probe.err")
	if [ $rc -eq 0 ] && echo "$l" | grep -q 'attribution: bpf'; then
		return
	fi
	case $l in
	*"needs CAP_"*|*"no kernel BTF"*|*"kernel BTF unreadable"*|*"tracepoint in this kernel"*)
		BPF_SKIP="eBPF not available here: ${l#porttop: }" ;;
	*)	BPF_FAIL="--attrib bpf: exit $rc: $(head -n1 "$tmp/probe.err")" ;;
	esac
}
probe_bpf
bpf_ok() {	# NAME: 0 when the eBPF check can run, else SKIP/FAIL said
	if [ -n "$BPF_SKIP" ]; then skip "$1" "$BPF_SKIP"; return 1; fi
	if [ -n "$BPF_FAIL" ]; then fail "$1" "$BPF_FAIL" "$tmp/probe.err"; return 1; fi
	return 0
}

# short_run NAME NS MODE PROTO HOST N PORT [CLIENT-OPTIONS]: the common
# shape: a server, porttop --attrib MODE --report flows, N short-lived
# clients, stop; truths in $tmp/NAME-srv.truth and $tmp/NAME-cli.truth
short_run() {
	local name=$1 ns=$2 mode=$3 proto=$4 host=$5 n=$6 port=$7
	shift 7
	srv_start "$name-srv" "$ns" "$proto" "$host" "$port" --comm "ptsrv-$proto" ||
		return 1
	if ! pt_start "$name" "$ns" --attrib "$mode" --report flows --format json; then
		srv_stop "$name-srv"
		return 1
	fi
	if ! clients "$ns" "$tmp/$name-cli.truth" clients "$proto" "$host" "$port" "$n" \
		"$tmp/$name-cli.truth" "$@"; then
		VERDICT="the workload failed: $(tail -n1 "$tmp/clients.err")"
		pt_stop "$name"; srv_stop "$name-srv"
		return 1
	fi
	local rc=0
	pt_stop "$name" || rc=1
	srv_stop "$name-srv" "$n"
	return $rc
}

# ---- 1-3. the eBPF checks on short-lived processes ---------------------------------

check_bpf_short() {	# NAME PROTO HOST N PORT [CLIENT-OPTIONS]
	local name=$1 proto=$2 host=$3 n=$4 port=$5
	shift 5
	bpf_ok "$name" || return
	if ! short_run "$name" "$NA" bpf "$proto" "$host" "$n" "$port" "$@"; then
		fail "$name" "$VERDICT" "$tmp/$name.err"
	elif ! attrib_line "$name" 'attribution: bpf' || ! threads_ok "$name"; then
		fail "$name" "$VERDICT"
	else
		judge "$name" "$name" "$tmp/$name-srv.truth" "$tmp/$name-cli.truth" -- --need all
	fi
}

T0=$(now_us)
want bpf-short-tcp && check_bpf_short bpf-short-tcp tcp 127.0.0.1 1000 7001
want bpf-short-tcp && timing bpf-short-tcp "$T0"
T0=$(now_us)
want bpf-short-udp && check_bpf_short bpf-short-udp udp 127.0.0.1 1000 7002 --sport 24000
want bpf-short-udp && timing bpf-short-udp "$T0"

check_ipv6() {
	local name=bpf-ipv6
	bpf_ok $name || return
	[ "$HAVE6" = 1 ] || { skip $name "no ::1 on lo (IPv6 disabled?)"; return; }
	srv_start v6-tcp "$NA" tcp ::1 7003 --comm ptsrv6-tcp || { fail $name "$VERDICT"; return; }
	srv_start v6-udp "$NA" udp ::1 7004 --comm ptsrv6-udp || { fail $name "$VERDICT"; srv_stop v6-tcp; return; }
	if ! pt_start $name "$NA" --attrib bpf --report flows --format json; then
		fail $name "$VERDICT" "$tmp/$name.err"; srv_stop v6-tcp; srv_stop v6-udp; return
	fi
	clients "$NA" "$tmp/v6-cli.truth" clients tcp ::1 7003 200 "$tmp/v6-cli.truth" --comm pt6t &&
	clients "$NA" "$tmp/v6-cli.truth" clients udp ::1 7004 200 "$tmp/v6-cli.truth" --comm pt6u --sport 25000
	local wrc=$? rc=0
	pt_stop $name || rc=1
	srv_stop v6-tcp 200; srv_stop v6-udp 200
	if [ $wrc -ne 0 ]; then
		fail $name "the workload failed: $(tail -n1 "$tmp/clients.err")"
	elif [ $rc -ne 0 ]; then
		fail $name "$VERDICT" "$tmp/$name.err"
	else
		judge $name $name "$tmp/v6-tcp.truth" "$tmp/v6-udp.truth" "$tmp/v6-cli.truth" -- --need all
	fi
}
T0=$(now_us)
want bpf-ipv6 && { check_ipv6; timing bpf-ipv6 "$T0"; }

# check_reuse NAME MODE N PORT SPORT VERDICT [CLIENT-OPTIONS]: N clients
# binding SPORT in turn; check.py reuse's VERDICT (split, merged)
check_reuse() {
	local name=$1 mode=$2 n=$3 port=$4 sport=$5 verdict=$6
	shift 6
	[ "$mode" = bpf ] && { bpf_ok "$name" || return; }
	local rc=0
	srv_start "$name-srv" "$NA" udp 127.0.0.1 "$port" --comm ptsrv-reuse ||
		{ fail "$name" "$VERDICT"; return; }
	if pt_start "$name" "$NA" --attrib "$mode" --report flows --format json; then
		clients "$NA" "$tmp/$name-cli.truth" clients udp 127.0.0.1 "$port" \
			"$n" "$tmp/$name-cli.truth" --par 1 --sport "$sport" \
			--same-sport --comm ptr "$@" ||
			{ VERDICT="the workload failed: $(tail -n1 "$tmp/clients.err")"; rc=1; }
		pt_stop "$name" || rc=1
	else
		rc=1
	fi
	srv_stop "$name-srv"	# one peer (the reused tuple): one truth line
	# what eBPF lost (bpfstats.py, written by pt_stop): a socket whose
	# events were lost may be missed, never named wrong
	local lost= lossy=
	[ -s "$tmp/$name.bpf" ] && lost="eBPF $(sed 's/_/ /' "$tmp/$name.bpf")"
	grep -qE '[1-9]' "$tmp/$name.bpf" 2>/dev/null && lossy=--lossy
	if [ $rc -ne 0 ]; then
		fail "$name" "$VERDICT" "$tmp/$name.err"
	elif ! attrib_line "$name" "attribution: $mode" || ! threads_ok "$name"; then
		fail "$name" "$VERDICT"
	elif py reuse "$tmp/$name-cli.truth" -- "$tmp/$name.out" "$sport" \
		"$verdict" $lossy >"$tmp/$name.verdict" 2>&1; then
		ok "$name" "$(head -n1 "$tmp/$name.verdict")${lost:+; $lost}"
	else
		fail "$name" "$(head -n1 "$tmp/$name.verdict")" "$(details "$tmp/$name.verdict")"
	fi
}
T0=$(now_us)
want bpf-tuple-reuse && { check_reuse bpf-tuple-reuse bpf 300 7040 26000 split; timing bpf-tuple-reuse "$T0"; }
T0=$(now_us)
want one-thread-short-tcp && { PT_OPTS=(--threads 1)
	check_bpf_short one-thread-short-tcp tcp 127.0.0.1 1000 7050
	PT_OPTS=(); timing one-thread-short-tcp "$T0"; }
T0=$(now_us)
want one-thread-tuple-reuse && { PT_OPTS=(--threads 1)
	check_reuse one-thread-tuple-reuse bpf 300 7051 27000 split
	PT_OPTS=(); timing one-thread-tuple-reuse "$T0"; }
T0=$(now_us)
want diag-tuple-reuse && { check_reuse diag-tuple-reuse diag 3 7041 26100 merged --linger 1500; timing diag-tuple-reuse "$T0"; }

# ---- 4. sock_diag ------------------------------------------------------------------

# check_diag_long NAME PORT [PORTTOP-ARG...]: the diag-long workload on
# PORT (TCP) and PORT+1 (UDP); with -Z, porttop's threads must also run
# as that user with CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE alone.
check_diag_long() {
	local name=$1 port=$2 rc=0 wrc=0 p1 p2 st=
	shift 2
	local t=$tmp/$name
	srv_start $name-tcp "$NA" tcp 127.0.0.1 "$port" --comm ptsrv-long --echo || { fail $name "$VERDICT"; return; }
	srv_start $name-udp "$NA" udp 127.0.0.1 $((port + 1)) --comm ptsrv-ulong || { fail $name "$VERDICT"; srv_stop $name-tcp; return; }
	if ! pt_start $name "$NA" --attrib diag --report flows --format json "$@"; then
		fail $name "$VERDICT" "$tmp/$name.err"; srv_stop $name-tcp; srv_stop $name-udp; return
	fi
	: >"$t-cli.truth"; chmod 666 "$t-cli.truth"
	clients "$NA" "$t-cli.truth" long tcp 127.0.0.1 "$port" 20 2 "$t-cli.truth" --comm ptlt &
	p1=$!
	clients "$NA" "$t-cli.truth" long udp 127.0.0.1 $((port + 1)) 10 2 "$t-cli.truth" --comm ptlu &
	p2=$!
	case " $* " in *" -Z "*)
		sleep 0.5	# every thread: uid and effective capabilities
		for task in /proc/"${PT[$name]}"/task/*; do
			st="$st $(awk '/^Uid:/ { u = $2 } /^CapEff:/ { c = $2 } END { print u "/" c }' "$task/status")"
		done ;;
	esac
	wait $p1 || wrc=1
	wait $p2 || wrc=1
	pt_stop $name || rc=1
	srv_stop $name-tcp 20; srv_stop $name-udp 10
	if [ $wrc -ne 0 ]; then
		fail $name "the workload failed: $(tail -n1 "$tmp/clients.err")"
	elif [ $rc -ne 0 ]; then
		fail $name "$VERDICT" "$tmp/$name.err"
	elif ! attrib_line $name 'attribution: diag$'; then
		fail $name "$VERDICT"
	elif [ -n "$st" ] && echo "$st" | tr ' ' '\n' | grep . | grep -qv '^65534/0000000000080004$'; then
		fail $name "after -Z, threads' uid/CapEff:$st (want 65534/0000000000080004 each)"
	else
		NOTE="${st:+threads uid/CapEff:$st}" \
			judge $name $name "$t-tcp.truth" "$t-udp.truth" "$t-cli.truth" -- --need all
	fi
}
T0=$(now_us)
want diag-long && { check_diag_long diag-long 7005; timing diag-long "$T0"; }
T0=$(now_us)
want drop-privileges && { check_diag_long drop-privileges 7030 -Z nobody; timing drop-privileges "$T0"; }

check_diag_short() {
	local name=diag-short
	if ! short_run $name "$NA" diag tcp 127.0.0.1 1000 7007; then
		fail $name "$VERDICT" "$tmp/$name.err"
	elif ! attrib_line $name 'attribution: diag$'; then
		fail $name "$VERDICT"
	else
		NOTE="sock_diag alone catches only what is still open at its lookup (no wrong pid is what is required)" \
			judge $name $name "$tmp/$name-srv.truth" "$tmp/$name-cli.truth" -- --need nowrong
	fi
}
T0=$(now_us)
want diag-short && { check_diag_short; timing diag-short "$T0"; }

# ---- 5. unprivileged ---------------------------------------------------------------
# porttop as nobody: a copy of the binary with file capabilities
# cap_net_raw,cap_net_admin=eip (capture only; no CAP_BPF, CAP_PERFMON,
# CAP_SYS_PTRACE or CAP_DAC_READ_SEARCH), started by setpriv with no
# inheritable capabilities.  The clients run as nobody (porttop's user):
# 100 short-lived (found or missed, never wrong) and 5 long-lived (2 s:
# sock_diag finds them all).
# What is true of each end, and so accepted (attrib/attr.h, enum attr_why):
#   resp (the server, root): its /proc/PID/fd is not nobody's to read and
#     there is no eBPF, so porttop can never name it: a pid there is wrong
#     (even the server's own).  The miss is "denied" when porttop's lookup
#     still found the socket (held by a process it may not read) and
#     "gone" when the server had already closed it: the server closes a
#     connection as soon as it reads the client's EOF, a millisecond after
#     a short client's close, and which of the two comes first (that
#     close or porttop's lookup) is the scheduler's choice, all the more
#     under a slow (sanitizer) build.  "pending" (the lookup still queued
#     when porttop stopped) is true of a flow seen in its last moments
#     (this porttop says "gone" then).  Any other reason is wrong:
#     127.0.0.1 is local ("remote"), the socket is in porttop's own
#     namespace ("netns"), attribution is on ("disabled"), TCP has
#     sockets ("nosocket"), it is a live capture ("unrecorded").
#   orig (the clients, nobody's): the client's pid and comm, or a miss:
#     "gone" (the client closed and exited before the lookup), "denied"
#     (the socket was still there but no process porttop can read held it
#     any more at its /proc scan; with processes it may not read on the
#     host, porttop cannot tell that from a holder it may not read) or
#     "pending" (as above).  Any other pid or comm, or another reason, is
#     wrong.
#   The long-lived clients (open 2 s, looked up at their first packet and
#     at each 1 s sock_diag dump) must all be named.

check_unpriv() {
	local name=unprivileged bin=$tmp/bin/porttop l rc=0 wrc=0 p1 p2
	if ! id nobody >/dev/null 2>&1; then skip $name "no user nobody"; return; fi
	if ! command -v setcap >/dev/null 2>&1 || ! command -v setpriv >/dev/null 2>&1; then
		skip $name "setcap or setpriv missing"; return
	fi
	mkdir -p "$tmp/bin" && chmod 755 "$tmp/bin" && cp "$PORTTOP" "$bin" && chmod 755 "$bin"
	if ! setcap cap_net_raw,cap_net_admin=eip "$bin" 2>"$tmp/setcap.err"; then
		skip $name "setcap on $tmp failed: $(head -n1 "$tmp/setcap.err")"; return
	fi
	srv_start up-srv "$NA" tcp 127.0.0.1 7008 --comm ptsrv-root || { fail $name "$VERDICT"; return; }
	local save=$PORTTOP
	PORTTOP=$bin
	PT_WRAP=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
	pt_start $name "$NA" --report flows --format json || rc=1
	PT_WRAP=()
	PORTTOP=$save
	if [ $rc -ne 0 ]; then
		fail $name "$VERDICT" "$tmp/$name.err"; srv_stop up-srv; return
	fi
	CLIENT_WRAP=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
	clients "$NA" "$tmp/up-short.truth" clients tcp 127.0.0.1 7008 100 "$tmp/up-short.truth" --comm ptn &
	p1=$!
	clients "$NA" "$tmp/up-long.truth" long tcp 127.0.0.1 7008 5 2 "$tmp/up-long.truth" --comm ptnl &
	p2=$!
	wait $p1 || wrc=1
	wait $p2 || wrc=1
	CLIENT_WRAP=()
	pt_stop $name || rc=1
	srv_stop up-srv 105
	l=$(grep -m1 '^porttop: attribution' "$tmp/$name.err")
	if [ $wrc -ne 0 ]; then
		fail $name "the workload failed: $(tail -n1 "$tmp/clients.err")"
	elif [ $rc -ne 0 ]; then
		fail $name "$VERDICT" "$tmp/$name.err"
	elif ! echo "$l" | grep -qE 'eBPF off: .*CAP_BPF'; then
		fail $name "stderr does not say eBPF is off for want of CAP_BPF: '${l:-nothing}'" "$tmp/$name.err"
	elif ! py flows "$tmp/up-srv.truth" "$tmp/up-short.truth" "$tmp/up-long.truth" -- \
		"$tmp/$name.out" --need nowrong --miss 'resp=denied|gone|pending' --why 'orig=gone|denied|pending' \
		>"$tmp/$name.verdict" 2>&1; then
		fail $name "$(head -n1 "$tmp/$name.verdict")" "$(details "$tmp/$name.verdict")"
	elif ! py flows "$tmp/up-long.truth" -- "$tmp/$name.out" --need all --ends orig --partial \
		--allow-unseen 0 >"$tmp/$name-long.verdict" 2>&1; then
		fail $name "long-lived clients (nobody's): $(head -n1 "$tmp/$name-long.verdict")" \
			"$(details "$tmp/$name-long.verdict")"
	else
		ok $name "${l#porttop: }; all: $(head -n1 "$tmp/$name.verdict"); of which long-lived: $(head -n1 "$tmp/$name-long.verdict" | sed 's/; [0-9]* other flows//')"
	fi
}
T0=$(now_us)
want unprivileged && { check_unpriv; timing unprivileged "$T0"; }

# ---- 6. no tracefs ------------------------------------------------------------------
# A private mount namespace (unshare -m, propagation private) in which
# every tracefs and debugfs mount is lazily unmounted and an empty tmpfs
# covers /sys/kernel/tracing and /sys/kernel/debug; the script refuses to
# start porttop (exit 99) if tracefs is still mounted anywhere in it.

check_notracefs() {
	local name=no-tracefs had
	bpf_ok $name || return
	had=$(grep -c ' - tracefs ' /proc/self/mountinfo)
	cat >"$tmp/notracefs.sh" <<'EOF'
# in a new private mount namespace: no tracefs, then exec porttop "$@"
awk '$0 ~ / - (tracefs|debugfs) / { print $5 }' /proc/self/mountinfo |
	sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
for d in /sys/kernel/tracing /sys/kernel/debug; do
	[ -d "$d" ] && mount -t tmpfs -o size=4k,mode=0 pt-no-tracefs "$d"
done
if grep -q ' - tracefs ' /proc/self/mountinfo; then
	echo "notracefs.sh: tracefs still mounted" >&2; exit 99
fi
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	[ -e "$d/events" ] && { echo "notracefs.sh: $d/events exists" >&2; exit 99; }
done
exec "$@"
EOF
	PT_WRAP=(unshare -m --propagation private sh "$tmp/notracefs.sh")
	short_run $name "$NA" bpf tcp 127.0.0.1 300 7009
	local rc=$?
	PT_WRAP=()
	if [ $rc -ne 0 ]; then
		fail $name "$VERDICT" "$tmp/$name.err"
	elif ! attrib_line $name 'attribution: bpf'; then
		fail $name "$VERDICT"
	else
		NOTE="tracefs was mounted $had time(s) outside, none inside" \
			judge $name $name "$tmp/$name-srv.truth" "$tmp/$name-cli.truth" -- --need all
	fi
}
T0=$(now_us)
want no-tracefs && { check_notracefs; timing no-tracefs "$T0"; }

# ---- 7. the same tuples in two namespaces -----------------------------------------------
# In each of NA and NB: a TCP server on 127.0.0.1:7010, a UDP one on :7011,
# 200 TCP clients bound to ports 30000-30199 and 100 UDP clients bound to
# 31000-31099 (below the ephemeral range: the TIME_WAIT sockets of the
# other checks' clients, made without SO_REUSEADDR, would refuse the bind),
# all started at once in both namespaces: the same tuples,
# other processes (comms ptA.../ptB...), at the same moments.  A porttop
# --attrib bpf in each: eBPF reports the sockets of both namespaces, each
# with its namespace, so each porttop must give each flow its own
# namespace's processes.

check_netns() {
	local name=netns-same-tuple ns x rc=0 wrc=0 pids=()
	bpf_ok $name || return
	for x in a b; do
		ns=$NA; [ $x = b ] && ns=$NB
		srv_start nt-$x-tcp "$ns" tcp 127.0.0.1 7010 --comm "ptsrv${x^^}-tcp" || { fail $name "$VERDICT"; return; }
		srv_start nt-$x-udp "$ns" udp 127.0.0.1 7011 --comm "ptsrv${x^^}-udp" || { fail $name "$VERDICT"; return; }
		pt_start nt-$x "$ns" --attrib bpf --report flows --format json ||
			{ fail $name "$VERDICT" "$tmp/nt-$x.err"; return; }
	done
	for x in a b; do
		ns=$NA; [ $x = b ] && ns=$NB
		clients "$ns" "$tmp/nt-$x-cli.truth" clients tcp 127.0.0.1 7010 200 "$tmp/nt-$x-cli.truth" \
			--comm "pt${x^^}t" --sport 30000 &
		pids+=($!)
		clients "$ns" "$tmp/nt-$x-cli.truth" clients udp 127.0.0.1 7011 100 "$tmp/nt-$x-cli.truth" \
			--comm "pt${x^^}u" --sport 31000 &
		pids+=($!)
	done
	for x in "${pids[@]}"; do wait "$x" || wrc=1; done
	for x in a b; do
		pt_stop nt-$x || { rc=1; VERDICT="namespace $x: $VERDICT"; }
		srv_stop nt-$x-tcp 200; srv_stop nt-$x-udp 100
	done
	if [ $wrc -ne 0 ]; then
		fail $name "the workload failed: $(tail -n1 "$tmp/clients.err")"; return
	elif [ $rc -ne 0 ]; then
		fail $name "$VERDICT" "$tmp/nt-a.err" "$tmp/nt-b.err"; return
	fi
	local notes=()
	for x in a b; do
		if ! py flows "$tmp/nt-$x-tcp.truth" "$tmp/nt-$x-udp.truth" "$tmp/nt-$x-cli.truth" -- \
			"$tmp/nt-$x.out" --need all --merged "$tmp/nt-$x.truth" >"$tmp/nt-$x.verdict" 2>&1; then
			[ -s "$tmp/nt-$x.bpf" ] && echo "eBPF $(sed 's/_/ /' "$tmp/nt-$x.bpf")" >>"$tmp/nt-$x.verdict"
			fail $name "namespace ${x^^}: $(head -n1 "$tmp/nt-$x.verdict")" "$(details "$tmp/nt-$x.verdict")"
			return
		fi
		notes+=("${x^^}: $(head -n1 "$tmp/nt-$x.verdict")${PTBPF[nt-$x]:+; eBPF $(sed 's/_/ /' "$tmp/nt-$x.bpf")}")
	done
	# the test means something only if the tuples really are the same
	if ! cmp -s <("$PYTHON" -c 'import json,sys
for l in open(sys.argv[1]): r = json.loads(l); print(r["proto"], r["orig_p"], r["resp_p"])' "$tmp/nt-a.truth" | sort) \
		<("$PYTHON" -c 'import json,sys
for l in open(sys.argv[1]): r = json.loads(l); print(r["proto"], r["orig_p"], r["resp_p"])' "$tmp/nt-b.truth" | sort); then
		fail $name "the two namespaces' workloads did not use the same tuples"
		return
	fi
	ok $name "${notes[0]} | ${notes[1]}"
}
T0=$(now_us)
want netns-same-tuple && { check_netns; timing netns-same-tuple "$T0"; }

# ---- 8. --report procs ------------------------------------------------------------------
# porttop marks a process exited only at its table dumps (every second,
# attr.c mark_exited): a report written before the first dump after a
# client's exit says "exited": false for it (reported as a porttop bug,
# not asserted here).  When that dump comes is the scheduler's business
# (later under a slow build on a busy host), so porttop is stopped not
# after a fixed sleep but once a dump that began after the last client
# exited is over (dump_passed: what --events shows of a socket only the
# dumps see); every client must then be marked exited.

check_procs() {
	local name=procs-report rc=0
	bpf_ok $name || return
	srv_start pr-srv "$NA" tcp 127.0.0.1 7012 --comm ptsrv-procs || { fail $name "$VERDICT"; return; }
	pt_start $name "$NA" --attrib bpf --report procs --format json --events "$tmp/$name.events" ||
		{ fail $name "$VERDICT" "$tmp/$name.err"; srv_stop pr-srv; return; }
	clients "$NA" "$tmp/pr-cli.truth" clients tcp 127.0.0.1 7012 1000 "$tmp/pr-cli.truth" --comm ptp || rc=2
	# every client has exited (and been reaped): wait for a whole dump
	[ $rc -eq 0 ] && { dump_passed $name "$NA" 7015 || rc=3; }
	pt_stop $name || rc=1
	srv_stop pr-srv 1000
	if [ $rc -eq 2 ]; then
		fail $name "the workload failed: $(tail -n1 "$tmp/clients.err")"
	elif [ $rc -eq 3 ]; then
		fail $name "no attribution dump seen after the clients exited: $VERDICT" "$tmp/$name.err"
	elif [ $rc -eq 1 ]; then
		fail $name "$VERDICT" "$tmp/$name.err"
	elif py procs "$tmp/pr-srv.truth" "$tmp/pr-cli.truth" -- "$tmp/$name.out" >"$tmp/$name.verdict" 2>&1; then
		ok $name "$(head -n1 "$tmp/$name.verdict")"
	else
		fail $name "$(head -n1 "$tmp/$name.verdict")" "$(details "$tmp/$name.verdict")"
	fi
}
T0=$(now_us)
want procs-report && { check_procs; timing procs-report "$T0"; }

# ---- listener events (--events, issue 5) ---------------------------------------------
# A TCP server listening before porttop starts comes once as listener_new
# with at_start; a TCP and a UDP server started later come as listener_new
# (their pids and comms), and the TCP one, stopped, as listener_gone.
# Listeners are compared every second, a UDP one seen only at the table
# dumps (every second too): each step waits for its line (ev_wait, 30 s at
# most) rather than a fixed time; whatever is missing then, the verdict
# says.  The new servers start 3 s after porttop: past at_start's window
# (2.5 s from porttop's start, events.c AT_START_NS), so at_start on them
# is wrong however late porttop sees them.
check_listeners() {
	local name=listener-events rc=0
	bpf_ok $name || return
	srv_start ls-old "$NA" tcp 127.0.0.1 7020 --comm ptls-old || { fail $name "$VERDICT"; return; }
	pt_start $name "$NA" --attrib bpf --report ports --events "$tmp/$name.events" ||
		{ fail $name "$VERDICT" "$tmp/$name.err"; srv_stop ls-old; return; }
	sleep 3		# past the start (events.c, AT_START_NS)
	ev_wait $name listener_new tcp 7020
	srv_start ls-new "$NA" tcp 127.0.0.1 7021 --comm ptls-new || rc=2
	srv_start ls-udp "$NA" udp 127.0.0.1 7022 --comm ptls-udp || rc=2
	ev_wait $name listener_new tcp 7021 && ev_wait $name listener_new udp 7022
	local newpid=${SRV[ls-new]} udppid=${SRV[ls-udp]}
	srv_stop ls-new
	ev_wait $name listener_gone tcp 7021
	pt_stop $name || rc=1
	srv_stop ls-udp
	srv_stop ls-old
	if [ $rc -eq 2 ]; then
		fail $name "a server did not start"
	elif [ $rc -eq 1 ]; then
		fail $name "$VERDICT" "$tmp/$name.err"
	elif "$PYTHON" - "$tmp/$name.events" "${SRV[ls-old]}" "$newpid" "$udppid" \
		>"$tmp/$name.verdict" 2>&1 <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
old, new, udp = map(int, sys.argv[2:5])
def find(t, proto, port, **kw):
    return [e for e in ev if e["type"] == t and e["proto"] == proto and
            e["port"] == port and all(e.get(k) == v for k, v in kw.items())]
want = [("listener_new", "tcp", 7020, dict(pid=old, comm="ptls-old", at_start=True)),
        ("listener_new", "tcp", 7021, dict(pid=new, comm="ptls-new")),
        ("listener_gone", "tcp", 7021, dict(pid=new, comm="ptls-new")),
        ("listener_new", "udp", 7022, dict(pid=udp, comm="ptls-udp"))]
bad = [w for w in want if len(find(w[0], w[1], w[2], **w[3])) != 1]
late = find("listener_new", "tcp", 7021, at_start=True)
if bad or late:
    print("missing or repeated:", bad, "| at_start on a later listener:", late)
    for e in ev:
        print(json.dumps(e))
    sys.exit(1)
print("4 listener events right (at start, new TCP and UDP, gone)")
PY
	then
		ok $name "$(head -n1 "$tmp/$name.verdict")"
	else
		fail $name "$(head -n1 "$tmp/$name.verdict")" "$(details "$tmp/$name.verdict")"
	fi
}
T0=$(now_us)
want listener-events && { check_listeners; timing listener-events "$T0"; }

# ---- 9. --batch --view processes ----------------------------------------------------------

check_batch() {
	local name=batch-processes rc=0
	bpf_ok $name || return
	srv_start bp-srv "$NA" tcp 127.0.0.1 7013 --comm ptsrv-batch || { fail $name "$VERDICT"; return; }
	pt_start $name "$NA" --attrib bpf --batch --format json --view processes -d 0.5 ||
		{ fail $name "$VERDICT" "$tmp/$name.err"; srv_stop bp-srv; return; }
	clients "$NA" "$tmp/bp-cli.truth" clients tcp 127.0.0.1 7013 1000 "$tmp/bp-cli.truth" --comm ptb || rc=2
	sleep 0.6	# one more tick while running, after the last connection
	pt_stop $name || rc=1
	srv_stop bp-srv 1000
	if [ $rc -eq 2 ]; then
		fail $name "the workload failed: $(tail -n1 "$tmp/clients.err")"
	elif [ $rc -eq 1 ]; then
		fail $name "$VERDICT" "$tmp/$name.err"
	elif py batch "$tmp/bp-srv.truth" "$tmp/bp-cli.truth" -- "$tmp/$name.out" >"$tmp/$name.verdict" 2>&1; then
		ok $name "$(head -n1 "$tmp/$name.verdict")"
	else
		fail $name "$(head -n1 "$tmp/$name.verdict")" "$(details "$tmp/$name.verdict")"
	fi
}
T0=$(now_us)
want batch-processes && { check_batch; timing batch-processes "$T0"; }

# ---- 10. pcapng round trip -----------------------------------------------------------------
# porttop -w x.pcapng --attrib bpf live, then porttop -r x.pcapng.  The
# comments are written with each packet, as known at that moment, so a
# flow that is over before the attribution service has taken in its
# client's event (it drains the eBPF ring every 20 ms) carries no comment
# for its client end, though the live report (attributed when the flow
# ends) has it.  So two workloads at once: 200 TCP connections of 100 ms,
# whose every end the file must record (the same pid and comm as the
# truth, *_attrib "pcapng"), and 300 of 1 ms, whose recorded ends must be
# right (how many are recorded is printed).  The live report must be right
# for all 500.

check_pcapng() {
	local name=pcapng-roundtrip rc=0 wrc=0 p1 p2
	bpf_ok $name || return
	srv_start pn-srv "$NA" tcp 127.0.0.1 7014 --comm ptsrv-pcapng || { fail $name "$VERDICT"; return; }
	pt_start $name "$NA" --attrib bpf -w "$tmp/pn.pcapng" --report flows --format json ||
		{ fail $name "$VERDICT" "$tmp/$name.err"; srv_stop pn-srv; return; }
	clients "$NA" "$tmp/pn-long.truth" clients tcp 127.0.0.1 7014 200 "$tmp/pn-long.truth" \
		--comm ptwl --life 100 --par 20 &
	p1=$!
	clients "$NA" "$tmp/pn-short.truth" clients tcp 127.0.0.1 7014 300 "$tmp/pn-short.truth" --comm ptws &
	p2=$!
	wait $p1 || wrc=1
	wait $p2 || wrc=1
	pt_stop $name || rc=1
	srv_stop pn-srv 500
	if [ $wrc -ne 0 ]; then
		fail $name "the workload failed: $(tail -n1 "$tmp/clients.err")"; return
	elif [ $rc -ne 0 ]; then
		fail $name "live run: $VERDICT" "$tmp/$name.err"; return
	fi
	if ! py flows "$tmp/pn-srv.truth" "$tmp/pn-long.truth" "$tmp/pn-short.truth" -- \
		"$tmp/$name.out" --need all >"$tmp/$name-live.verdict" 2>&1; then
		fail $name "live run: $(head -n1 "$tmp/$name-live.verdict")" "$(details "$tmp/$name-live.verdict")"
		return
	fi
	"$PORTTOP" -r "$tmp/pn.pcapng" --report flows --format json >"$tmp/$name-file.out" \
		2>"$tmp/$name-file.err"
	rc=$?
	if [ $rc -ne 0 ] || ! no_sanitizer_report "$tmp/$name-file.err"; then
		fail $name "porttop -r on the pcapng: exit $rc" "$tmp/$name-file.err"
	elif ! py flows "$tmp/pn-srv.truth" "$tmp/pn-long.truth" -- "$tmp/$name-file.out" --need all --partial \
		--src pcapng >"$tmp/$name-long.verdict" 2>&1; then
		fail $name "from the file, 100 ms connections: $(head -n1 "$tmp/$name-long.verdict")" \
			"$(details "$tmp/$name-long.verdict")"
	elif ! py flows "$tmp/pn-srv.truth" "$tmp/pn-short.truth" -- "$tmp/$name-file.out" \
		--need nowrong --partial --src pcapng >"$tmp/$name-short.verdict" 2>&1; then
		fail $name "from the file, 1 ms connections: $(head -n1 "$tmp/$name-short.verdict")" \
			"$(details "$tmp/$name-short.verdict")"
	else
		ok $name "from the file: 100 ms: $(head -n1 "$tmp/$name-long.verdict" | sed 's/; [0-9]* other flows//') | 1 ms: $(head -n1 "$tmp/$name-short.verdict" | sed 's/; [0-9]* other flows//')"
	fi
}
T0=$(now_us)
want pcapng-roundtrip && { check_pcapng; timing pcapng-roundtrip "$T0"; }

timing total "$T_START"
for t in "${TIMES[@]}"; do echo "# time: $t"; done
exit $failed
