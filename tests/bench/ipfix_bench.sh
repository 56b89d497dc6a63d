#!/usr/bin/env bash
# tests/bench/ipfix_bench.sh - what one IPFIX exporter costs: CPU per
# 100,000 flows and bytes on the wire per flow.  Part of `make bench`;
# see tests/bench/README.md, "IPFIX export".
#
# Usage (root: a network namespace of its own):
#   tests/bench/ipfix_bench.sh [--small] [--runs N]
#   PORTTOP=path tests/bench/ipfix_bench.sh
#
# porttop reads the benchmark capture (.bench/bench-5m.pcap, ~1M flows;
# --small: .bench/bench-small.pcap; bench.sh builds them) with
# --report procs (a report that keeps almost nothing) three ways: without
# --ipfix, with --ipfix to a UDP collector (RFC 5103 biflows, the
# default), and with --ipfix-uniflow.  The collector is a socket bound on
# the namespace's loopback that never reads (the kernel drops what it
# cannot hold: no collector's CPU in the figures).  Measured per run: user
# + system CPU of porttop (all its threads, the sender's included) and
# wall time, /usr/bin/time; the loopback's transmit counters (packets and
# bytes: each datagram is 14 + 20 + 8 bytes of headers on lo, plus the
# IPFIX message); the records porttop says it sent.  Medians of N runs
# (default 3), interleaved.  The exporter's cost is the difference with
# the run without --ipfix.
set -euo pipefail
export TZ=UTC LC_ALL=C
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SMALL=0 RUNS=3
while [ $# -gt 0 ]; do
	case "$1" in
	--small) SMALL=1 ;;
	--runs) RUNS="${2:-}"; shift ;;
	-h|--help) sed -n '2,/^set -e/p' "$0" | grep '^#'; exit 0 ;;
	*) echo "ipfix_bench.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "ipfix_bench.sh: --runs needs a positive integer" >&2; exit 2; }
if [ "$(id -u)" -ne 0 ]; then
	echo "ipfix_bench.sh: not root: IPFIX export not measured (needs a network namespace)" >&2
	exit 0
fi
PORTTOP="${PORTTOP:-$ROOT/porttop}"
[[ "$PORTTOP" == /* ]] || PORTTOP="$PWD/$PORTTOP"
cd "$ROOT"
if [ "$SMALL" = 1 ]; then PCAP=.bench/bench-small.pcap; else PCAP=.bench/bench-5m.pcap; fi
if [ ! -s "$PCAP" ]; then	# bench.sh builds it
	tests/bench/bench.sh --only readloop --runs 1 $([ "$SMALL" = 1 ] && echo --small) >/dev/null
fi
command -v /usr/bin/time >/dev/null || { echo "ipfix_bench.sh: /usr/bin/time missing (apt install time)" >&2; exit 1; }

NS=ptipfixb-$$ PORT=4739
TMPD="$(mktemp -d)"
SINK=
cleanup() {
	[ -z "$SINK" ] || kill "$SINK" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', $PORT))
time.sleep(86400)" &
SINK=$!
for _ in $(seq 100); do
	ip netns exec "$NS" ss -Hlun "sport = :$PORT" | grep -q . && break
	sleep 0.05
done

lo_tx() {	# "packets bytes" sent on the namespace's loopback so far
	ip netns exec "$NS" sh -c 'echo $(cat /sys/class/net/lo/statistics/tx_packets) $(cat /sys/class/net/lo/statistics/tx_bytes)'
}

declare -A CPU WALL PK BY REC
FLOWS=
MODES=(none biflow uniflow)
for r in $(seq 1 "$RUNS"); do
	for m in "${MODES[@]}"; do
		args=()
		case $m in
		biflow) args=(--ipfix "127.0.0.1:$PORT") ;;
		uniflow) args=(--ipfix "127.0.0.1:$PORT" --ipfix-uniflow) ;;
		esac
		read -r p0 b0 < <(lo_tx)
		ip netns exec "$NS" /usr/bin/time -f '%U %S %e' -o "$TMPD/time" \
			"$PORTTOP" -r "$PCAP" --report procs -q "${args[@]}" \
			>/dev/null 2>"$TMPD/err"
		read -r p1 b1 < <(lo_tx)
		read -r u s w <"$TMPD/time"
		CPU[$m]+="$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}') "
		WALL[$m]+="$w "
		PK[$m]=$((p1 - p0)) BY[$m]=$((b1 - b0))
		REC[$m]=$(sed -n 's/^porttop: ipfix .*: \([0-9]*\) records sent.*/\1/p' "$TMPD/err")
		FLOWS=$(sed -n 's/^porttop: .* unsupported, \([0-9]*\) flows$/\1/p' "$TMPD/err")
		echo "ipfix_bench.sh: run $r/$RUNS $m: cpu $u + $s s, wall $w s" >&2
	done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
printf 'porttop IPFIX export %s  %s: %s flows  medians of %s run(s)  %s cores, load %s\n' \
	"$(date -u +%Y-%m-%d)" "$PCAP" "$FLOWS" "$RUNS" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %8s %8s %14s %10s %10s %14s %12s\n' mode "cpu s" "wall s" "cpu/100k flows" records datagrams "IPFIX B/flow" "lo B/flow"
c0=$(median <<<"${CPU[none]}")
for m in "${MODES[@]}"; do
	c=$(median <<<"${CPU[$m]}") w=$(median <<<"${WALL[$m]}")
	if [ "$m" = none ]; then
		printf '%-8s %8.2f %8.2f %14s %10s %10s %14s %12s\n' "$m" "$c" "$w" - - - - -
		continue
	fi
	awk -v m="$m" -v c="$c" -v w="$w" -v c0="$c0" -v f="$FLOWS" -v rec="${REC[$m]}" \
	    -v pk="${PK[$m]}" -v by="${BY[$m]}" 'BEGIN {
		printf "%-8s %8.2f %8.2f %12.3f s %10d %10d %14.1f %12.1f\n", m, c, w,
		       (c - c0) / f * 1e5, rec, pk, (by - 42 * pk) / f, by / f }'
done
echo "(IPFIX B/flow: the messages' bytes per flow, templates included; lo B/flow adds Ethernet, IP and UDP headers as lo counts them)"
