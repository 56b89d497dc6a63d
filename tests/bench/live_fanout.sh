#!/usr/bin/env bash
# live_fanout.sh — what --fanout-group divides: one porttop against N
# porttops in one PACKET_FANOUT group, on the same replay.
#
# Usage: tests/bench/live_fanout.sh [--members N] [--rate R] [--seconds S]
#                                   [--runs N] [--pcap FILE]
#   --members N   porttops in the group (default 2)
#   --rate R      tcpreplay --pps rate (k and M suffixes; "top" is
#                 --topspeed, 250000*S packets); default 100k
#   --seconds S   length of a replay (default 5)
#   --runs N      rounds, each one porttop then the group (default 3)
#   --pcap FILE   the capture to replay (default .bench/bench-small.pcap)
# Env: PORTTOP=path overrides the binary (default ./porttop at the repo root).
#
# Every capturer is `porttop -i lrecv --report ports` (with --fanout-group 7
# in the group), on live_loss.sh's namespaces and veth pair (live_lib.sh).
# Each is started, warmed up by one replay (the table's pages touched),
# measured over a second replay (CPU of all its threads from
# /proc/PID/task/TID/schedstat, from before the replay to the end of the
# drain) and stopped with SIGINT; its report's stderr gives the packets it
# read and the kernel's drops.  Said for each: packets (its share of the
# group's), CPU ns per packet, and the group's CPU against the one porttop.
# Exit status: 0 whatever the figures (a benchmark is not a test), also when
# not root (says why); 1 if a tool failed to run; 2 on bad usage.
# See tests/bench/README.md ("Fanout").
set -uo pipefail

export TZ=UTC LC_ALL=C
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="$ROOT/../shared"
RATE=100k; SECS=5; RUNS=3; MEMBERS=2; PCAP=""; BUF=""
TOP_PPS=250000
DRAIN=2
usage() { echo "live_fanout.sh: $1 (see --help)" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --members) MEMBERS="${2:-}"; shift ;;
    --rate) RATE="${2:-}"; shift ;;
    --seconds) SECS="${2:-}"; shift ;;
    --runs) RUNS="${2:-}"; shift ;;
    --pcap) PCAP="${2:-}"; shift ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | grep '^#'; exit 0 ;;
    *) usage "unknown argument $1" ;;
  esac
  shift
done
[[ "$MEMBERS" =~ ^[1-9][0-9]?$ ]] || usage "--members needs 1 to 99"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || usage "--runs needs a positive integer"
[[ "$SECS" =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage "--seconds needs a positive number"
# shellcheck source=tests/bench/live_lib.sh
. "$ROOT/tests/bench/live_lib.sh"
rate_pps "$RATE"
if [ "$(id -u)" != 0 ]; then
  echo "live_fanout.sh: needs root (network namespaces, a veth pair, packet capture); nothing measured" >&2
  exit 0
fi

ME=live_fanout.sh CAPS=(porttop-report)
live_setup

cpu_ns() {  # PID: nanoseconds on a CPU of all its threads
  local t all=0 n
  for t in /proc/"$1"/task/*; do
    read -r n _ <"$t/schedstat" 2>/dev/null && all=$((all + n))
  done
  echo "$all"
}

# start N [GROUP]: N porttops (in GROUP when given); sets P[1..N]
start() {
  local i
  P=()
  for i in $(seq "$1"); do
    ip netns exec "$NS_R" "$PORTTOP" -i lrecv --report ports ${2:+--fanout-group "$2"} \
      >/dev/null 2>"$TMPD/m$i.err" &
    P[$i]=$!
  done
  for i in $(seq "$1"); do
    porttop_ready "${P[$i]}" "$WAIT_TICKS" ||
      { echo "$ME: porttop did not start: $(head -c 300 "$TMPD/m$i.err")" >&2; exit 1; }
  done
}

# measure N [GROUP]: warm-up replay, measured replay, drain, SIGINT; sets
# CPU[i] (ns, the measured replay), PK[i] (packets read, both replays),
# DROP[i] (the kernel's, both)
measure() {
  local i b=() line
  start "$@"
  replay 0 || { echo "$ME: tcpreplay failed: $(head -c 300 "$TMPD/replay.err")" >&2; exit 1; }
  sleep 0.5
  for i in $(seq "$1"); do b[$i]=$(cpu_ns "${P[$i]}"); done
  replay 0 || { echo "$ME: tcpreplay failed" >&2; exit 1; }
  sleep "$DRAIN"
  for i in $(seq "$1"); do CPU[$i]=$(( $(cpu_ns "${P[$i]}") - b[$i] )); done
  kill -INT "${P[@]}"
  for i in $(seq "$1"); do
    wait "${P[$i]}"
    PK[$i]="$(sed -n 's/^porttop: \([0-9]*\) packets\{0,1\} read,.*/\1/p' "$TMPD/m$i.err")"
    line="$(grep '^porttop: [0-9]* packets\{0,1\} received by filter' "$TMPD/m$i.err")"
    DROP[$i]="$(sed -n 's/.*, \([0-9]*\) packets\{0,1\} dropped by kernel,.*/\1/p' <<<"$line")"
  done
}

declare -a CPU PK DROP P
printf 'porttop --fanout-group benchmark %s  %s  %s pps asked, %s s a replay, %s runs, %s members\n' \
  "$(date -u '+%Y-%m-%d %H:%M UTC')" "${PCAP#"$ROOT"/}" "$RATE" "$SECS" "$RUNS" "$MEMBERS"
printf 'cores %s; load average before start %s\n' "$(nproc)" "$LOAD0"
for run in $(seq "$RUNS"); do
  measure 1
  one_cpu=${CPU[1]} one_pk=${PK[1]} one_drop=${DROP[1]} one_pps=$ACH_PPS
  printf 'run %s  one porttop: %8.0f pps, %s packets read (both replays), %s dropped, CPU %d ms\n' \
    "$run" "$one_pps" "$one_pk" "$one_drop" $((one_cpu / 1000000))
  measure "$MEMBERS" 7
  sum_cpu=0 sum_pk=0 sum_drop=0 shares=""
  for i in $(seq "$MEMBERS"); do
    sum_cpu=$((sum_cpu + CPU[i])) sum_pk=$((sum_pk + PK[i])) sum_drop=$((sum_drop + DROP[i]))
    shares+=" ${PK[$i]} read, CPU $((CPU[i] / 1000000)) ms;"
  done
  printf 'run %s  group of %s:  %8.0f pps, %s packets read in all, %s dropped; each:%s\n' \
    "$run" "$MEMBERS" "$ACH_PPS" "$sum_pk" "$sum_drop" "${shares%;}"
  printf 'run %s  the group'"'"'s CPU / one porttop'"'"'s: %s; the busiest member'"'"'s / one porttop'"'"'s: %s\n' \
    "$run" "$(awk -v a="$sum_cpu" -v b="$one_cpu" 'BEGIN {printf "%.2f", a / b}')" \
    "$(printf '%s\n' "${CPU[@]}" | sort -n | tail -n1 | awk -v b="$one_cpu" '{printf "%.2f", $1 / b}')"
done
echo "CPU: all threads' nanoseconds on a CPU (schedstat) over the measured replay and the $DRAIN s drain;"
echo "packets read: each report's count over both replays (warm-up and measured)."
