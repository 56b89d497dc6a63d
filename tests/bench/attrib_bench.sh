#!/usr/bin/env bash
# tests/bench/attrib_bench.sh - process attribution: how much porttop gets
# right against nethogs as connections get shorter, and what eBPF costs.
# `make bench-attrib`; see tests/bench/README.md, "Attribution".
#
# Usage (root):
#   tests/bench/attrib_bench.sh [--lifetimes 0.1,1,10,100] [--conns N]
#       [--apart] [--rate R] [--seconds S] [--runs K] [--only accuracy,cpu]
#   PORTTOP=build/debug/porttop tests/bench/attrib_bench.sh
#
# 1. Accuracy.  For each connection lifetime L (ms): N TCP connections to a
#    server, each from its own short-lived process (tests/attrib/workload.py
#    clients: fork, comm ptbL-INDEX, connect, send 10,000 bytes - at once
#    for L <= 1, in 10 parts spread over L above - close after L, exit).
#    Three observers watch the same connections at once, in the same
#    network namespace, on its lo: porttop --attrib bpf, porttop --attrib
#    diag (both --report flows --format json) and nethogs -a -t -v 2 -d 1 lo
#    (trace mode, cumulative bytes per process, 1 s refresh).  Scored on the
#    client end (the short-lived process): % of connections and % of the
#    client's bytes (wire bytes it sent, as captured) given to the right pid.
#    porttop: a connection counts when its orig_pid and orig_comm are the
#    client's; its bytes are that flow's orig_wire_bytes.  nethogs: a
#    connection counts when the client's pid has any bytes in nethogs'
#    output; its bytes are nethogs' total for that pid (at most the flow's).
#    Wrong pids are counted too (porttop; nethogs cannot be checked for
#    them beyond its "unknown TCP" line, reported as bytes).  --apart: each
#    observer watches its own pass of the workload instead (nethogs with a
#    porttop --attrib none beside it for the byte counts), so that none
#    takes CPU from another (nethogs takes a whole core while it meets
#    connections it does not know).
# 2. CPU.  workload.py rate: one process making R connections per second
#    (connect, 100 bytes, close) for S seconds to a server, with porttop
#    --attrib none, diag, bpf (each --report flows), and with no porttop;
#    K rounds, the configurations interleaved in each.  Measured: porttop's
#    CPU (user + system of all its threads: the scheduler's run time,
#    /proc/PID/task/*/schedstat) from after its start-up to the end of the
#    load; the load's own CPU (client + server, the same way);
#    and, for bpf, the kernel's run-time statistics of porttop's eBPF
#    programs (BPF_ENABLE_STATS, held only during this script; bpftool).
#    Medians of K.
# Exit 0 whatever the numbers (a benchmark asserts nothing); 1 when a tool
# fails to run; 2 on bad usage.  Not root: says so, exits 0.

set -u
cd "$(dirname "$0")/../.." || exit 2

NSLIST=() SUITE=attrib_bench NS_ENTER=nsenter
. tests/lib/ns.sh

LIFETIMES=0.1,1,10,100 CONNS=500 RATE=1000 SECONDS_=5 RUNS=3 ONLY=accuracy,cpu APART=
usage() { echo "usage: $0 [--lifetimes LIST] [--conns N] [--apart] [--rate R] [--seconds S] [--runs K] [--only accuracy,cpu]" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--lifetimes) LIFETIMES=${2:?}; shift 2 ;;
	--conns) CONNS=${2:?}; shift 2 ;;
	--apart) APART=1; shift ;;
	--rate) RATE=${2:?}; shift 2 ;;
	--seconds) SECONDS_=${2:?}; shift 2 ;;
	--runs) RUNS=${2:?}; shift 2 ;;
	--only) ONLY=${2:?}; shift 2 ;;
	*) usage ;;
	esac
done

if [ "$(id -u)" -ne 0 ]; then
	echo "attrib_bench: needs root (network namespaces, capture, eBPF): nothing measured"
	exit 0
fi
if [ ! -x "$PORTTOP" ]; then
	echo "attrib_bench: PORTTOP=$PORTTOP is not an executable (run make first)" >&2
	exit 1
fi

gone=$(need_tools nethogs:nethogs bpftool:bpftool ip:iproute2 nsenter:util-linux \
	stdbuf:coreutils)
[ -z "$gone" ] || { echo "attrib_bench: missing and could not be installed: $gone" >&2; exit 1; }

NS=ptbench-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/porttop-attrib-bench.XXXXXX") || exit 1
NSLIST=("$NS")
trap ns_cleanup EXIT
trap 'exit 2' HUP INT TERM
err=$(ns_lo "$NS") || { echo "attrib_bench: $err" >&2; exit 1; }
W=("$PYTHON" tests/attrib/workload.py)
CHECK=("$PYTHON" tests/attrib/check.py)

# cpu_of PID: CPU time of all its threads, user and system, in ns: the
# scheduler's run time (/proc/PID/task/*/schedstat), else utime + stime
# (clock ticks: 10 ms resolution)
if [ -r /proc/self/schedstat ]; then
	cpu_of() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%d\n", s }'; }
	CPU_NS=1
else
	cpu_of() { sed 's/^.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" '{ printf "%d\n", ($12 + $13) * 1e9 / hz }'; }
	CPU_NS=0
fi
HZ=1000000000	# cpu_of's unit
bg() { bgrun "$1" "$NS" "${@:2}"; }	# NAME CMD...: in the namespace; BGPID
stop() { kill -INT "$1" 2>/dev/null; wait_exit "$1" 15; }	# PID: SIGINT; RC
server() {	# NAME PORT COMM: a TCP server; SRVPID
	bg "$1" "${W[@]}" server tcp 127.0.0.1 "$2" "$tmp/$1.truth" --comm "$3"
	SRVPID=$BGPID
	wait_for "$tmp/$1.out" '^ready' 5 || { echo "attrib_bench: server did not start" >&2; exit 1; }
}
porttop_start() {	# NAME ARGS...: PTPID, once it captures
	bg "$1" "$PORTTOP" -i lo "${@:2}"
	PTPID=$BGPID
	# (--attrib none says nothing about attribution)
	if { [ "$3" != none ] && ! wait_for "$tmp/$1.err" 'porttop: attribution' 10; } ||
	   ! porttop_ready "$PTPID"; then
		echo "attrib_bench: porttop $* did not start: $(head -n2 "$tmp/$1.err")" >&2
		exit 1
	fi
}

echo "# attrib_bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs," \
	"load $(cut -d' ' -f1-3 /proc/loadavg); porttop $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet 2>/dev/null || echo +changes);" \
	"$(nethogs -V 2>&1 | head -n1 | sed 's/^ *//')"

# ---- 1. accuracy against lifetime ------------------------------------------------

# one_pass TAG L PORT OBSERVER...: one run of the workload for lifetime L
# under the given observers (bpf, diag: porttop --attrib X; none: porttop
# --attrib none, only for the capture's byte counts; nethogs); outputs
# $tmp/TAG-OBSERVER.*, the observers' CPU seconds in $tmp/TAG.cpu
one_pass() {
	local tag=$1 l=$2 port=$3 o par chunks srv pids=() p rep
	shift 3
	# children at once: one for the shortest (the observers share the
	# 2 CPUs), enough to keep about 500 connections a second above
	par=$(awk -v l="$l" 'BEGIN { p = int(l / 2); print (p < 1 ? 1 : (p > 50 ? 50 : p)) }')
	chunks=$(awk -v l="$l" 'BEGIN { print (l > 1 ? 10 : 1) }')
	server "$tag-srv" "$port" "ptsrv-$tag"
	srv=$SRVPID
	for o in "$@"; do
		if [ "$o" = nethogs ]; then
			bg "$tag-nethogs" stdbuf -oL nethogs -a -t -v 2 -d 1 lo
			pids+=("$BGPID")
			wait_for "$tmp/$tag-nethogs.out" '^Refreshing' 10 ||
				{ echo "attrib_bench: nethogs did not start: $(head -n2 "$tmp/$tag-nethogs.err")" >&2; exit 1; }
		else
			porttop_start "$tag-$o" --attrib "$o" --report flows --format json
			pids+=("$PTPID")
		fi
	done
	nsenter --net="/run/netns/$NS" -- "${W[@]}" clients tcp 127.0.0.1 "$port" "$CONNS" \
		"$tmp/$tag-cli.truth" --life "$l" --bytes 10000 --chunks "$chunks" --par "$par" \
		--comm "ptb$port-" 2>>"$tmp/clients.err" ||
		{ echo "attrib_bench: the workload failed: $(tail -n1 "$tmp/clients.err")" >&2; exit 1; }
	sleep 2.2	# two nethogs refreshes after the last connection
	: >"$tmp/$tag.cpu"
	for p in "${pids[@]}"; do cpu_of "$p" >>"$tmp/$tag.cpu"; done
	for p in "${pids[@]}"; do
		stop "$p"
		[ "$RC" -eq 0 ] || { echo "attrib_bench: an observer exited $RC (see $tmp)" >&2; KEEP=1; exit 1; }
	done
	kill "$srv"; wait "$srv" 2>/dev/null
	for o in "$@"; do
		case $o in
		bpf|diag|none)
			"${CHECK[@]}" flows "$tmp/$tag-srv.truth" "$tmp/$tag-cli.truth" -- "$tmp/$tag-$o.out" \
				--need nowrong --ends orig --json "$tmp/$tag-$o.json" >"$tmp/$tag-$o.verdict" ;;
		esac
	done
	for o in "$@"; do
		if [ "$o" = nethogs ]; then
			rep=$tmp/$tag-bpf.out
			[ -e "$rep" ] || rep=$tmp/$tag-none.out
			"${CHECK[@]}" nethogs "$tmp/$tag-cli.truth" -- "$tmp/$tag-nethogs.out" "$rep" \
				--json "$tmp/$tag-nethogs.json" >"$tmp/$tag-nethogs.verdict"
		fi
	done
}

accuracy() {
	local l i=0
	printf '\n%-9s %5s %-17s | %-16s | %-16s | %-28s | %s\n' lifetime conns "life p50 (ms)" \
		"bpf: flows bytes" "diag: flows bytes" "nethogs: flows bytes (unkn.)" \
		"CPU s: bpf diag nethogs"
	for l in ${LIFETIMES//,/ }; do
		i=$((i + 1))
		if [ -n "$APART" ]; then
			one_pass "a$i-1" "$l" $((7300 + 3 * i)) bpf
			one_pass "a$i-2" "$l" $((7301 + 3 * i)) diag
			one_pass "a$i-3" "$l" $((7302 + 3 * i)) nethogs none
			set -- "$tmp/a$i-1" "$tmp/a$i-2" "$tmp/a$i-3"
		else
			one_pass "a$i" "$l" $((7300 + 3 * i)) bpf diag nethogs
			set -- "$tmp/a$i" "$tmp/a$i" "$tmp/a$i"
		fi
		"$PYTHON" - "$l" "$HZ" "$@" <<'EOF'
import json, os, sys
l, hz, pb, pd, ph = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
b = json.load(open(pb + '-bpf.json'))
d = json.load(open(pd + '-diag.json'))
h = json.load(open(ph + '-nethogs.json'))
def cpus(base):
    return [int(x) / hz for x in open(base + '.cpu').read().split()]
if pb == pd:
    cpu = cpus(pb)                  # bpf diag nethogs, in that order
    life = '%.2f' % b['life_ms']
else:
    cpu = [cpus(pb)[0], cpus(pd)[0], cpus(ph)[0]]
    life = '%.2f/%.2f/%.2f' % (b['life_ms'], d['life_ms'],
                               json.load(open(ph + '-none.json'))['life_ms'])
def pc(x, n):
    return 100.0 * x / n if n else 0.0
def porttop(j):
    o = j['ends']['orig']
    s = '%5.1f %% %5.1f %%' % (pc(o.get('right', 0), j['n']),
                               pc(j['wire_right'], j['wire_total']))
    if o.get('wrong'):
        s += ' %d WRONG' % o['wrong']
    return s
print('%-9s %5d %-17s | %-16s | %-16s | %-28s | %.2f %.2f %.2f' % (
    l + ' ms', b['n'], life, porttop(b), porttop(d),
    '%5.1f %% %5.1f %% (%4.1f %%)' % (
        pc(h['seen'], h['n']), pc(h['wire_right'], h['wire_total']),
        pc(h['unknown'], h['wire_total'])), cpu[0], cpu[1], cpu[2]))
EOF
	done
	echo "# nethogs' bytes for a pid / porttop's wire bytes of its connection (median, per lifetime): $(
		for f in "$tmp"/a*-nethogs.json; do "$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["ratio"])' "$f"; done | tr '\n' ' ')"
}

# ---- 2. CPU per connection -----------------------------------------------------------

cpu() {
	local r cfg port=7400 hold srv p c0 cm c1 s0 s1 b0 b1 load
	"$PYTHON" tests/attrib/bpfstats.py hold >"$tmp/hold.out" 2>"$tmp/hold.err" &
	hold=$!
	PIDS+=("$hold")
	wait_for "$tmp/hold.out" '^ready' 5 || echo "# BPF run-time statistics unavailable: $(head -n1 "$tmp/hold.err")"
	: >"$tmp/cpu.jsonl"
	for r in $(seq "$RUNS"); do
		for cfg in nothing none diag bpf; do
			port=$((port + 1))
			server "c-$cfg-$r-srv" "$port" ptsrv-cpu
			srv=$SRVPID
			p=
			if [ $cfg != nothing ]; then
				porttop_start "c-$cfg-$r" --attrib "$cfg" --report flows --format json
				p=$PTPID
			fi
			sleep 0.5	# start-up over (eBPF load, first dump)
			c0=$([ -n "$p" ] && cpu_of "$p" || echo 0)
			s0=$(cpu_of "$srv")
			b0='{}'
			[ $cfg = bpf ] && b0=$("$PYTHON" tests/attrib/bpfstats.py read "$p" 2>/dev/null || echo '{}')
			nsenter --net="/run/netns/$NS" -- "${W[@]}" rate tcp 127.0.0.1 "$port" "$RATE" "$SECONDS_" \
				"$tmp/c-$cfg-$r.sum" 2>>"$tmp/clients.err" &
			load=$!
			# porttop's CPU at half time too: does its cost per
			# connection grow as its tables fill?
			sleep "$(awk -v s="$SECONDS_" 'BEGIN { print s / 2 }')"
			cm=$([ -n "$p" ] && cpu_of "$p" || echo 0)
			wait $load || { echo "attrib_bench: the rate workload failed" >&2; exit 1; }
			sleep 0.5	# the last events and lookups
			c1=$([ -n "$p" ] && cpu_of "$p" || echo 0)
			s1=$(cpu_of "$srv")
			b1='{}'
			[ $cfg = bpf ] && b1=$("$PYTHON" tests/attrib/bpfstats.py read "$p" 2>/dev/null || echo '{}')
			[ $cfg = bpf ] && "$PYTHON" tests/attrib/bpfstats.py counters "$p" >"$tmp/c-$cfg-$r.lost" 2>/dev/null
			if [ -n "$p" ]; then
				stop "$p"
				[ "$RC" -eq 0 ] || { echo "attrib_bench: porttop exited $RC" >&2; exit 1; }
			fi
			kill "$srv"; wait "$srv" 2>/dev/null
			"$PYTHON" - "$cfg" "$tmp/c-$cfg-$r" "$((c1 - c0))" "$((s1 - s0))" "$HZ" "$b0" "$b1" "$port" "$((cm - c0))" "$((c1 - cm))" \
				>>"$tmp/cpu.jsonl" <<'EOF'
import json, os, sys
cfg, base, pt, srv, hz, b0, b1, port, h1, h2 = sys.argv[1:11]
s = json.load(open(base + '.sum'))
res = dict(cfg=cfg, made=s['made'], wall=s['wall'], porttop_cpu=int(pt) / int(hz),
           load_cpu=s['cpu'] + int(srv) / int(hz),
           half1=int(h1) / int(hz), half2=int(h2) / int(hz))
b0, b1 = json.loads(b0), json.loads(b1)
if b1.get('run_cnt') is not None and b0.get('run_cnt') is not None:
    res['bpf_cnt'] = b1['run_cnt'] - b0['run_cnt']
    res['bpf_ns'] = b1['run_time_ns'] - b0['run_time_ns']
if os.path.exists(base + '.lost'):
    w = open(base + '.lost').read().split()
    res['lost'] = dict(zip(w[::2], w[1::2]))
if cfg != 'nothing' and os.path.exists(base + '.out'):
    pids = set(s['pids'])
    n = right = 0
    for l in open(base + '.out'):
        f = json.loads(l)
        if f.get('proto') == 'tcp' and f.get('resp_p') == int(port):
            n += 1
            right += f.get('orig_pid') in pids and f.get('resp_comm') == 'ptsrv-cpu'
    res['flows'] = n
    res['attributed'] = right
print(json.dumps(res))
EOF
		done
	done
	kill "$hold" 2>/dev/null
	"$PYTHON" - "$tmp/cpu.jsonl" "$RATE" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rate = float(sys.argv[2])
med = statistics.median
def m(cfg, f):
    v = [r[f] for r in rows if r['cfg'] == cfg and f in r]
    return med(v) if v else None
print()
print('%-8s %7s %9s | %-26s | %-10s | %-22s | %s' % (
    'porttop', 'conns', 'conn/s', 'porttop CPU s/s at 1k c/s', 'us/conn',
    'load CPU us/conn', 'attributed (orig + resp)'))
base = {}
for cfg in ('nothing', 'none', 'diag', 'bpf'):
    made = m(cfg, 'made')
    wall = m(cfg, 'wall')
    pt = m(cfg, 'porttop_cpu')
    load = m(cfg, 'load_cpu')
    per = [r['porttop_cpu'] / r['made'] * 1e6 for r in rows if r['cfg'] == cfg]
    lper = [r['load_cpu'] / r['made'] * 1e6 for r in rows if r['cfg'] == cfg]
    base[cfg] = (med(per), med(lper))
    att = [100.0 * r['attributed'] / r['flows'] for r in rows
           if r['cfg'] == cfg and r.get('flows')]
    print('%-8s %7d %9.0f | %26s | %10s | %22.1f | %s' % (
        'off' if cfg == 'nothing' else cfg,
        made, made / wall,
        '-' if cfg == 'nothing' else '%.4f (%.4f per 1k c/s)' % (pt / wall, pt / wall / (made / wall / 1000)),
        '-' if cfg == 'nothing' else '%.1f' % med(per), med(lper),
        ' '.join('%.1f %%' % a for a in att) if att else '-'))
lost = [r['lost'] for r in rows if r['cfg'] == 'bpf' and 'lost' in r]
if lost:
    print('bpf runs, what porttop\'s eBPF side lost (ring full / runs skipped): ' +
          ', '.join('%s / %s' % (x.get('dropped'), x.get('recursion_misses')) for x in lost))
ns = [r['bpf_ns'] / r['made'] for r in rows if r['cfg'] == 'bpf' and 'bpf_ns' in r]
cnt = [r['bpf_cnt'] / r['made'] for r in rows if r['cfg'] == 'bpf' and 'bpf_cnt' in r]
print()
print('eBPF path per connection (medians of %d runs):' % len([r for r in rows if r['cfg'] == 'bpf']))
print('  porttop (all its threads, user + system), bpf - none: %.1f us' % (base['bpf'][0] - base['none'][0]))
print('  (diag - none: %.1f us)' % (base['diag'][0] - base['none'][0]))
for cfg in ('none', 'diag', 'bpf'):
    h = [(r['half1'] / (r['made'] / 2) * 1e6, r['half2'] / (r['made'] / 2) * 1e6)
         for r in rows if r['cfg'] == cfg]
    if h:
        print('  porttop %-4s us/conn in the first half of the load, second half (+0.5 s): %.1f, %.1f'
              % (cfg, med([x[0] for x in h]), med([x[1] for x in h])))
if ns:
    print('  kernel, porttop\'s eBPF programs (BPF run-time stats): %.2f us in %.1f runs '
          '(%.0f ns a run; includes every socket event on the host)' % (
              med(ns) / 1000, med(cnt), med(ns) / med(cnt) if med(cnt) else 0))
print('  the load\'s own CPU, bpf - none: %.1f us (noisy: the difference of two ~%.0f us figures)'
      % (base['bpf'][1] - base['none'][1], base['none'][1]))
print('  the load\'s own CPU, none - off: %.1f us (the capture itself)'
      % (base['none'][1] - base['nothing'][1]))
EOF
}

case ",$ONLY," in *,accuracy,*) accuracy ;; esac
case ",$ONLY," in *,cpu,*) cpu ;; esac
exit 0
