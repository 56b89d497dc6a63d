#!/usr/bin/env bash
# live_cpu.sh — CPU per captured packet, live: porttop against tcpdump -w /dev/null.
#
# Usage: tests/bench/live_cpu.sh [--rate R] [--seconds S] [--runs N] [-B KIB]
#                                [--threads N] [--only LIST] [--no-warmup]
#                                [--pcap FILE]
#   --rate R      tcpreplay --pps rate (k and M suffixes; "top" is --topspeed,
#                 250000*S packets); default 100k: a fixed rate, so that every
#                 capturer sees the same packets at the same pace
#   --seconds S   length of a replay (default 5): --limit=R*S packets
#   --runs N      rounds (default 3); each round runs every capturer once,
#                 in order; the medians are reported
#   -B KIB        capture buffer of every capturer (default 8192: porttop's
#                 own default, given to tcpdump too)
#   --threads N   porttop's --threads N for every porttop capturer (none:
#                 porttop's default, on 2 CPUs or more the pipeline, whose
#                 capture thread reads and decodes only; 1: one thread)
#   --only LIST   comma-separated subset of: tcpdump porttop-report porttop
#                 porttop-view (default all four; tcpdump is needed for the
#                 ratios)
#   --no-warmup   measure from the start: by default the same replay runs
#                 once unmeasured first, so that the figures are the steady
#                 state (the flow table's pages touched, every flow of the
#                 file in it), not the first touch of memory
#   --pcap FILE   the capture to replay (default .bench/bench-small.pcap)
# Env: PORTTOP=path overrides the binary (default ./porttop at the repo root).
#
# The namespaces, veth pair and capturers are live_loss.sh's (live_lib.sh).
# Each capturer: start it on lrecv, wait until its socket is open, read its
# threads' CPU time (/proc/PID/task/TID/schedstat: nanoseconds on a CPU,
# user + system), replay, wait DRAIN s, read again, SIGINT (after a warm-up
# replay, unless --no-warmup).  The difference
# over the packets captured is its CPU per packet: start-up (the eBPF load,
# the first table walks) and the exit's reports are left out.  porttop's
# capture thread is the one named pt-capture.
# Exit status: 0 whatever the figures (a benchmark is not a test), also when
# not root (says why); 1 if a tool failed to run; 2 on bad usage.
# See tests/bench/README.md ("Live CPU per packet").
set -uo pipefail

export TZ=UTC LC_ALL=C
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="$ROOT/../shared"
ALL_CAPS=(tcpdump porttop-report porttop porttop-view)
RATE=100k; SECS=5; RUNS=3; WARMUP=1; BUF=8192; THREADS=""; ONLY="tcpdump,porttop-report,porttop,porttop-view"; PCAP=""
TOP_PPS=250000
DRAIN=2
usage() { echo "live_cpu.sh: $1 (see --help)" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE="${2:-}"; shift ;;
    --rate=*) RATE="${1#*=}" ;;
    --seconds) SECS="${2:-}"; shift ;;
    --seconds=*) SECS="${1#*=}" ;;
    --runs) RUNS="${2:-}"; shift ;;
    --runs=*) RUNS="${1#*=}" ;;
    -B) BUF="${2:-}"; shift ;;
    -B*) BUF="${1#-B}" ;;
    --threads) THREADS="${2:-}"; shift ;;
    --threads=*) THREADS="${1#*=}" ;;
    --only) ONLY="${2:-}"; shift ;;
    --only=*) ONLY="${1#*=}" ;;
    --no-warmup) WARMUP=0 ;;
    --pcap) PCAP="${2:-}"; shift ;;
    --pcap=*) PCAP="${1#*=}" ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | grep '^#'; exit 0 ;;
    *) usage "unknown argument $1" ;;
  esac
  shift
done
if ! [[ "$SECS" =~ ^[0-9]+(\.[0-9]+)?$ ]] || ! awk -v s="$SECS" 'BEGIN {exit !(s > 0)}'; then
  usage "--seconds needs a positive number"
fi
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || usage "--runs needs a positive integer"
[[ "$BUF" =~ ^[1-9][0-9]*$ ]] || usage "-B needs a positive integer (KiB)"
[ -z "$THREADS" ] || [[ "$THREADS" =~ ^[1-9][0-9]*$ ]] || usage "--threads needs a positive integer"
IFS=, read -r -a CAPS <<<"$ONLY"
[ ${#CAPS[@]} -gt 0 ] || usage "--only needs at least one capturer"
for c in "${CAPS[@]}"; do
  [[ " ${ALL_CAPS[*]} " == *" $c "* ]] || usage "unknown capturer '$c' (known: ${ALL_CAPS[*]})"
done
# shellcheck source=tests/bench/live_lib.sh
. "$ROOT/tests/bench/live_lib.sh"
rate_pps "$RATE"

if [ "$(id -u)" != 0 ]; then
  echo "live_cpu.sh: needs root (network namespaces, a veth pair, packet capture); nothing measured" >&2
  exit 0
fi

ME=live_cpu.sh
live_setup

# cpu_ns PID: "ALL CAPTURE": nanoseconds on a CPU of all its threads, and of
# the one named pt-capture (tcpdump has one thread: ALL for both)
cpu_ns() {
  local t all=0 cap="" n name
  for t in /proc/"$1"/task/*; do
    read -r n _ <"$t/schedstat" 2>/dev/null || continue
    all=$((all + n))
    name="$(cat "$t/comm" 2>/dev/null)"
    [ "$name" = pt-capture ] && cap=$n
  done
  echo "$all ${cap:-$all}"
}
# read once the socket is open, and again after the drain (BEFORE_SIGINT)
# shellcheck disable=SC2317  # called by stop_cap
snap_end() { read -r END_ALL END_CAP < <(cpu_ns "$CPID"); }
BEFORE_SIGINT=snap_end

replay_failed() {
  kill -INT "$CPID" 2>/dev/null
  echo "live_cpu.sh: tcpreplay failed:" >&2; head -n5 "$TMPD/replay.err" >&2
  exit 1
}

declare -A V_CAP V_ALL V_PKT V_ACH V_DROP STATE
FAILED=0
fail() { STATE[$1]="FAILED: $2"; FAILED=1; echo "live_cpu.sh: $1 FAILED: $2" >&2; }
T0=$SECONDS
for run in $(seq "$RUNS"); do
  for c in "${CAPS[@]}"; do
    [ -z "${STATE[$c]:-}" ] || continue
    WHY=""
    if ! start_cap "$c"; then
      fail "$c" "run $run: $WHY"
      [ "$c" != porttop-view ] || tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
      continue
    fi
    WARM=0
    if [ "$WARMUP" = 1 ]; then   # every flow of the file in the table once
      replay 0 || replay_failed
      WARM="$SENT"
    fi
    sleep 0.5	# past start-up (or the warm-up's last block)
    read -r B_ALL B_CAP < <(cpu_ns "$CPID")
    replay 0 || replay_failed
    if ! stop_cap "$c"; then fail "$c" "run $run: $WHY"; continue; fi
    k="$c/$run"
    V_CAP[$k]=$((END_CAP - B_CAP)); V_ALL[$k]=$((END_ALL - B_ALL))
    V_PKT[$k]=$((CAPTURED - WARM)); V_ACH[$k]="$ACH_PPS"; V_DROP[$k]="$KDROP"
    printf 'live_cpu.sh: run %s %-15s %8.0f pps, %s sent, %s captured, %s dropped; CPU %d ms (capture thread %d ms)\n' \
      "$run" "$c" "$ACH_PPS" "$SENT" "$CAPTURED" "$KDROP" $(( V_ALL[$k] / 1000000 )) $(( V_CAP[$k] / 1000000 )) >&2
  done
done

# --- report ------------------------------------------------------------------------
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
per() { awk -v c="$1" -v n="$2" 'BEGIN {if (n > 0) printf "%.0f", c / n; else print "-"}'; }
printf '\nporttop live CPU benchmark %s  %s  %s pps asked, %s s a replay, -B %s%s, %s runs\n' \
  "$(date -u '+%Y-%m-%d %H:%M UTC')" "${PCAP#"$ROOT"/}" "$RATE" "$SECS" "$BUF" \
  "${THREADS:+, porttop --threads $THREADS}" "$RUNS"
printf 'cores %s; load average before start %s, at the end %s\n' "$(nproc)" "$LOAD0" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-15s %9s %10s %11s %9s %11s %9s  %s\n' capturer "pps" "packets" "capture ns" "x tcpdump" "process ns" "x tcpdump" "capture-thread ns/packet, each run"
for c in "${CAPS[@]}"; do
  if [ -n "${STATE[$c]:-}" ] && [ -z "${V_PKT[$c/1]:-}" ]; then printf '%-15s %s\n' "$c" "${STATE[$c]}"; continue; fi
  caps=""; alls=""; rc=""; ra=""; pk=""; ach=""; drops=0
  for run in $(seq "$RUNS"); do
    k="$c/$run"; [ -n "${V_PKT[$k]:-}" ] || continue
    pc="$(per "${V_CAP[$k]}" "${V_PKT[$k]}")"; pa="$(per "${V_ALL[$k]}" "${V_PKT[$k]}")"
    caps+=" $pc"; alls+=" $pa"; pk+=" ${V_PKT[$k]}"; ach+=" ${V_ACH[$k]}"
    drops=$((drops + V_DROP[$k]))
    t="tcpdump/$run"
    if [ -n "${V_PKT[$t]:-}" ]; then   # ratios within a round
      tc="$(per "${V_CAP[$t]}" "${V_PKT[$t]}")"
      rc+=" $(awk -v a="$pc" -v b="$tc" 'BEGIN {if (b > 0) printf "%.2f", a / b}')"
      ra+=" $(awk -v a="$pa" -v b="$tc" 'BEGIN {if (b > 0) printf "%.2f", a / b}')"
    fi
  done
  printf '%-15s %9.0f %10s %11s %9s %11s %9s  %s%s\n' "$c" "$(median <<<"$ach")" "$(median <<<"$pk")" \
    "$(median <<<"$caps")" "$(median <<<"$rc")" "$(median <<<"$alls")" "$(median <<<"$ra")" "${caps# }" \
    "$([ "$drops" = 0 ] || echo "  ($drops kernel drops in all)")"
done
echo
echo "ns = CPU nanoseconds per captured packet (user + system, from schedstat), from the start of the"
echo "$([ "$WARMUP" = 1 ] && echo "replay after the warm-up" || echo "replay") to the end of the drain ($DRAIN s after it): 'capture' is porttop's capture thread (tcpdump: its"
echo "one thread), 'process' all threads.  x tcpdump = ratio to tcpdump's ns in the same round (median)."
echo "run time $((SECONDS - T0)) s"
exit "$FAILED"
