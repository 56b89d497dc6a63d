#!/usr/bin/env bash
# bench.sh — time porttop against peer flow tools on one large capture.
#
# Usage: tests/bench/bench.sh [--small] [--runs N] [--only LIST] [--instructions]
#   --small      use the ~200k-packet capture (CI smoke run) instead of the 5M one
#   --runs N     timed runs per tool (default 3); medians are reported
#   --instructions  count each tool's instructions once (valgrind's cachegrind)
#                instead of timing it: the same on every run, however busy the
#                host (default tools: readloop porttop-ports porttop-flows
#                softflowd; one thread only)
#   --only LIST  comma-separated subset of: readloop porttop-flows porttop-flows-t2
#                porttop-flows-t3 porttop-ports porttop-ports-t2 porttop-ports-t3
#                softflowd softflowd-all argus tcpdump ndpiReader tshark
# Env: PORTTOP=path overrides the binary (default ./porttop at the repo root).
#
# The capture is built once into .bench/ with ../shared/bench/make-bench-pcap.sh.
# Each tool first runs once in a form that reports how many packets it read
# (this is also the warm-up: the file is in the page cache afterwards); a tool
# that errors out or reads short is reported as FAILED and not timed. Then N
# timed runs, interleaved across tools, with /usr/bin/time -f '%e %M'.
# Exit status: 0 whatever porttop's numbers are (a benchmark is not a test),
# 1 if any tool failed, 2 on bad usage. See tests/bench/README.md.
set -euo pipefail

# UTC: tcpdump formats a timestamp per packet, and with TZ unset glibc stats
# /etc/localtime every time (doubles tcpdump's run time). C: parseable numbers.
export TZ=UTC LC_ALL=C
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="$ROOT/../shared"
ALL_TOOLS=(readloop porttop-flows porttop-flows-t2 porttop-flows-t3 porttop-ports porttop-ports-t2 porttop-ports-t3 softflowd softflowd-all argus tcpdump ndpiReader tshark)
SMALL=0; RUNS=3; ONLY=""; INSTR=0
while [ $# -gt 0 ]; do
  case "$1" in
    --small) SMALL=1 ;;
    --instructions) INSTR=1 ;;
    --runs) RUNS="${2:-}"; shift ;;
    --runs=*) RUNS="${1#*=}" ;;
    --only) ONLY="${2:-}"; shift ;;
    --only=*) ONLY="${1#*=}" ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | grep '^#'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --runs needs a positive integer" >&2; exit 2; }
TOOLS=("${ALL_TOOLS[@]}")
[ "$INSTR" = 0 ] || TOOLS=(readloop porttop-ports porttop-flows softflowd)
if [ -n "$ONLY" ]; then
  IFS=, read -r -a TOOLS <<<"$ONLY"
  for t in "${TOOLS[@]}"; do
    [[ " ${ALL_TOOLS[*]} " == *" $t "* ]] || { echo "bench.sh: unknown tool '$t' (known: ${ALL_TOOLS[*]})" >&2; exit 2; }
    # valgrind runs threads one at a time, and the pipeline's waits spin
    [[ "$INSTR" = 0 || "$t" != *-t[23] ]] || { echo "bench.sh: --instructions counts one thread only, not $t" >&2; exit 2; }
  done
fi
selected() { [[ " ${TOOLS[*]} " == *" $1 "* ]]; }
LOAD0="$(cut -d' ' -f1-3 /proc/loadavg)"   # before we add our own load
awk '$1 > 0.5 {exit 1}' /proc/loadavg ||
  echo "bench.sh: load average ${LOAD0%% *} before starting: other processes are busy; timings will be noisy" >&2

# --- Debian packages, installed only when a command is missing --------------
ME=bench.sh
# shellcheck source=tests/bench/ensure.sh
. "$(dirname "${BASH_SOURCE[0]}")/ensure.sh"
NEED=(/usr/bin/time:time cc:gcc /usr/include/pcap/pcap.h:libpcap-dev)
selected softflowd && NEED+=(softflowd:softflowd)
selected softflowd-all && NEED+=(softflowd:softflowd)
selected argus && NEED+=(argus:argus-server racount:argus-client)
selected tcpdump && NEED+=(tcpdump:tcpdump)
selected ndpiReader && NEED+=(ndpiReader:libndpi-bin)
selected tshark && NEED+=(tshark:tshark)
[ "$INSTR" = 0 ] || NEED+=(valgrind:valgrind)
ensure "${NEED[@]}"

# --- the capture, the read loop, scratch space --------------------------------
PORTTOP="${PORTTOP:-$ROOT/porttop}"
[[ "$PORTTOP" == /* ]] || PORTTOP="$PWD/$PORTTOP"   # relative to the caller's directory
cd "$ROOT"
mkdir -p .bench
if [ "$SMALL" = 1 ]; then NAME=bench-small.pcap; else NAME=bench-5m.pcap; fi
PCAP="$ROOT/.bench/$NAME"
TMPD="$(mktemp -d)"; BUILD=""
trap 'rm -rf "$TMPD" ${BUILD:+"$BUILD"}' EXIT
trap 'exit 130' INT; trap 'exit 143' TERM   # so that the EXIT trap cleans up
if [ ! -s "$PCAP" ]; then
  ensure editcap:wireshark-common mergecap:wireshark-common capinfos:wireshark-common tcprewrite:tcpreplay tcpdump:tcpdump
  echo "bench.sh: building $PCAP (once; about 30 s for the 5M capture)" >&2
  BUILD="$(mktemp -d "$ROOT/.bench/build.XXXXXX")"   # built aside, moved in whole
  SIZE=(); [ "$SMALL" = 0 ] || SIZE=(--small)
  "$SHARED/bench/make-bench-pcap.sh" "${SIZE[@]}" "$BUILD" >&2
  mv "$BUILD/$NAME" "$PCAP"
fi
READLOOP="$ROOT/.bench/readloop"
if [ ! -x "$READLOOP" ] || [ tests/bench/readloop.c -nt "$READLOOP" ]; then
  cc -O2 -o .bench/readloop tests/bench/readloop.c -lpcap
fi
LIMIT="${BENCH_TIMEOUT:-1200}"   # seconds allowed for each warm-up run

# ndpiReader 4.2 always rewrites /tmp/ses_result.csv and /tmp/des_result.csv
# (built-in self-tests): give it a private /tmp in its own mount namespace.
PRIVTMP=()
if [[ "$PCAP" != /tmp/* ]] && unshare --mount --propagation private true 2>/dev/null; then
  mkdir "$TMPD/ndpi-tmp"
  # shellcheck disable=SC2016  # $1 and $@ belong to the inner sh
  PRIVTMP=(unshare --mount --propagation private sh -c 'mount --bind "$1" /tmp && shift && exec "$@"' sh "$TMPD/ndpi-tmp")
elif selected ndpiReader; then
  echo "bench.sh: no private mount namespace: ndpiReader will write /tmp/ses_result.csv, /tmp/des_result.csv" >&2
fi

# --- the command lines ---------------------------------------------------------
# shellcheck disable=SC2054  # conv,tcp is one argument
set_cmd() {  # CMD = tool $1's timed command; its stdout goes to /dev/null
  case "$1" in
    readloop)      CMD=("$READLOOP" "$PCAP") ;;
    porttop-flows) CMD=("$PORTTOP" -r "$PCAP" --report flows --format json -q) ;;
    porttop-ports) CMD=("$PORTTOP" -r "$PCAP" --report ports -q) ;;
    # issue 16, several cores: the same reports on the pipeline's two threads
    # (the report on the capture thread) and three (on a thread of its own)
    porttop-flows-t2) CMD=("$PORTTOP" -r "$PCAP" --report flows --format json -q --threads 2) ;;
    porttop-flows-t3) CMD=("$PORTTOP" -r "$PCAP" --report flows --format json -q --threads 3) ;;
    porttop-ports-t2) CMD=("$PORTTOP" -r "$PCAP" --report ports -q --threads 2) ;;
    porttop-ports-t3) CMD=("$PORTTOP" -r "$PCAP" --report ports -q --threads 3) ;;
    # -p: keep softflowd out of /var/run (it unlinks its pid file at exit); no -c:
    # with a control socket it waits for softflowctl after EOF instead of exiting
    softflowd)     CMD=(softflowd -r "$PCAP" -d -p "$TMPD/sfd.pid") ;;
    softflowd-all) CMD=(softflowd -r "$PCAP" -d -m 4194304 -p "$TMPD/sfd.pid") ;;
    argus)         CMD=(argus -X -r "$PCAP" -w /dev/null) ;;   # -X: ignore /etc/argus.conf
    tcpdump)       CMD=(tcpdump -nn -q -r "$PCAP") ;;
    ndpiReader)    CMD=("${PRIVTMP[@]}" ndpiReader -i "$PCAP" -q) ;;
    tshark)        CMD=(tshark -n -q -r "$PCAP" -z conv,tcp -z conv,udp) ;;
  esac
}

seen() {  # warm-up run of tool $1; prints how many packets the tool says it read
  local e="$TMPD/check.err"
  set_cmd "$1"; CMD=(timeout "$LIMIT" "${CMD[@]}")   # a hang fails instead of blocking
  case "$1" in
    readloop) "${CMD[@]}" 2>"$e" | awk '$1 == "packets" {print $2}' ;;
    porttop-*)  # its stderr summary, if it names a packet count; else "?"
      "${CMD[@]}" >"$TMPD/check.out" 2>"$e" || return 1
      [ -s "$TMPD/check.out" ] || { echo "no report on stdout" >"$e"; return 1; }
      { grep -oE '[0-9][0-9,]* packets' "$e" || echo '?'; } | head -n1 | tr -d ', packets' ;;
    softflowd*) "${CMD[@]}" 2>"$e" | awk '/^Packets processed:|^Ignored packets:/ {n += $3} END {print n}' ;;
    argus)  # to a file, not a pipe: argus drops records when its reader lags
      "${CMD[@]:0:${#CMD[@]}-1}" "$TMPD/argus.out" 2>"$e" || return 1
      racount -r "$TMPD/argus.out" 2>>"$e" | awk '$1 == "sum" {print $3}'; rm -f "$TMPD/argus.out" ;;
    tcpdump) "${CMD[@]}" 2>"$e" | wc -l ;;
    ndpiReader) "${CMD[@]:0:${#CMD[@]}-1}" 2>"$e" | awk '/packets total/ {print $(NF-2)}' ;;  # without -q
    tshark) "${CMD[@]}" -z io,stat,0 2>"$e" | awk -F'|' '/<>/ {gsub(/ /, "", $3); print $3}' ;;
  esac
}

declare -A WALL RSS STATE MISS
FAILED=0
fail() { STATE[$1]="FAILED: $2"; FAILED=1; echo "bench.sh: $1 FAILED: $2" >&2; }

# The packet count comes from the read loop; it always runs.
PKTS="$(seen readloop)" || { cat "$TMPD/check.err" >&2; echo "bench.sh: cannot read $PCAP" >&2; exit 1; }
for t in "${TOOLS[@]}"; do
  if [[ "$t" == porttop-* ]] && [ ! -x "$PORTTOP" ]; then STATE[$t]="porttop: not built"; continue; fi
  echo "bench.sh: warm-up + check: $t" >&2
  if ! n="$(seen "$t")"; then
    fail "$t" "$( (grep -v -i -E '^$|running as user' "$TMPD/check.err" || echo "exit status non-zero or timed out (${LIMIT} s)") | head -n2 | tr '\n' ' ')"
    continue
  fi
  if [ "$n" = "?" ]; then MISS[$t]="?"; continue; fi
  # argus (racount) and tshark (io,stat) miss a handful of odd packets: allow 0.1 %
  if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -gt "$PKTS" ] || [ $((PKTS - n)) -gt $((PKTS / 1000)) ]; then
    fail "$t" "read ${n:-no} of $PKTS packets"; continue
  fi
  MISS[$t]=$([ "$n" = "$PKTS" ] && echo all || echo "-$((PKTS - n))")
done

# --- or instructions, counted once ----------------------------------------------
# cachegrind without its cache simulation: every instruction a tool's
# threads retire, startup included (porttop's dynamic linking is about 18
# million: 85 a packet on the small capture, 4 on the 5M one).
if [ "$INSTR" = 1 ]; then
  declare -A IR
  for t in "${TOOLS[@]}"; do
    [ -z "${STATE[$t]:-}" ] || continue
    set_cmd "$t"
    echo "bench.sh: counting $t" >&2
    if valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
         "${CMD[@]}" >/dev/null 2>"$TMPD/err"; then
      IR[$t]="$(awk '/ I +refs:/ {gsub(",", "", $NF); print $NF}' "$TMPD/err")"
    else
      fail "$t" "valgrind: exit status $?: $(tail -n2 "$TMPD/err" | tr '\n' ' ')"
    fi
  done
  printf 'porttop instructions %s  .bench/%s: %s packets  (cachegrind, one run each)\n' \
    "$(date -u +%Y-%m-%d)" "$NAME" "$PKTS"
  printf '%-14s %14s %10s %12s\n' tool instructions "per packet" "of ports'"
  for t in "${TOOLS[@]}"; do
    if [ -n "${STATE[$t]:-}" ]; then printf '%-14s %s\n' "$t" "${STATE[$t]}"; continue; fi
    awk -v t="$t" -v i="${IR[$t]}" -v p="$PKTS" -v r="${IR[porttop-ports]:-0}" 'BEGIN {
      printf "%-14s %14.0f %10.0f %12s\n", t, i, i / p, (r > 0 ? sprintf("%.2fx", i / r) : "-") }'
  done
  exit "$FAILED"
fi

# --- timed runs, interleaved ---------------------------------------------------
# Each round also times the read loop pinned to each CPU: a virtual
# machine's CPUs can run at different speeds (a busy host), and
# --threads 2 goes at the pace of the slower one.  The CPUs are the ones
# this script may run on (Cpus_allowed_list: "0-1", or "2,5-7" under
# taskset), not 0 to nproc-1.
allowed_cpus() {
  local list r
  list="$(awk '/^Cpus_allowed_list:/ {print $2}' /proc/self/status)"
  IFS=, read -r -a list <<<"$list"
  for r in "${list[@]}"; do seq "${r%-*}" "${r#*-}"; done
}
declare -A CPUW
CPUS=()
[ -z "${STATE[readloop]:-}" ] && selected readloop && [ "$(nproc)" -gt 1 ] &&
  mapfile -t CPUS < <(allowed_cpus)
for r in $(seq 1 "$RUNS"); do
  for c in "${CPUS[@]}"; do
    /usr/bin/time -f '%e' -o "$TMPD/time" taskset -c "$c" "$READLOOP" "$PCAP" >/dev/null 2>&1 &&
      CPUW[$c]+="$(cat "$TMPD/time") "
  done
  for t in "${TOOLS[@]}"; do
    [ -z "${STATE[$t]:-}" ] || continue
    set_cmd "$t"
    if /usr/bin/time -f '%e %M' -o "$TMPD/time" "${CMD[@]}" >/dev/null 2>"$TMPD/err"; then
      read -r w m <"$TMPD/time"
      WALL[$t]+="$w "; RSS[$t]+="$m "
      echo "bench.sh: run $r/$RUNS $t: $w s, $((m / 1024)) MiB" >&2
    else
      rc=$?; fail "$t" "run $r: exit status $rc: $(grep -v -i -E '^$|running as user' "$TMPD/err" | tail -n2 | tr '\n' ' ')"
    fi
  done
done

# --- report ------------------------------------------------------------------------
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
declare -A PPS MIB
for t in "${TOOLS[@]}"; do
  [ -z "${STATE[$t]:-}" ] || continue
  w="$(median <<<"${WALL[$t]}")"; WALL[$t]="$(printf '%.2f' "$w")"
  MIB[$t]="$(median <<<"${RSS[$t]}" | awk '{printf "%.1f", $1 / 1024}')"
  PPS[$t]="$(awk -v p="$PKTS" -v w="$w" 'BEGIN {print (w > 0) ? p / w : 0}')"
done
ratio() { awk -v a="${PPS[$1]:-0}" -v b="${PPS[$2]:-0}" 'BEGIN {if (a > 0 && b > 0) printf "%.2f", a / b; else print "-"}'; }

printf 'porttop benchmark %s  .bench/%s: %s packets  medians of %s run(s)  %s cores, load before start %s\n' \
  "$(date -u +%Y-%m-%d)" "$NAME" "$PKTS" "$RUNS" "$(nproc)" "$LOAD0"
row() { printf '%-14s %9s %9s %10s %12s %7s\n' "$@"; }
row tool "wall s" Mpps "peak MiB" "pps/ports" seen
for t in "${TOOLS[@]}"; do
  if [ -n "${STATE[$t]:-}" ]; then printf '%-14s %s\n' "$t" "${STATE[$t]}"; continue; fi
  r="$(ratio "$t" porttop-ports)"; [ "$r" = - ] || r="${r}x"
  row "$t" "${WALL[$t]}" "$(awk -v p="${PPS[$t]}" 'BEGIN {printf "%.3f", p / 1e6}')" "${MIB[$t]}" "$r" "${MISS[$t]}"
done

meets() { awk "BEGIN {print ($1) ? \"met\" : \"MISSED\"}"; }   # on unrounded rates
if [ -n "${PPS[porttop-ports]:-}" ]; then
  p="${PPS[porttop-ports]}"; line="porttop --report ports:"
  for ref in softflowd readloop; do
    x="$(ratio porttop-ports "$ref")"
    if [ "$x" = - ]; then line+=" vs $ref: not measured;"; continue; fi
    if [ "$ref" = softflowd ]; then goal=">= 4x"; ok="$(meets "$p >= 4 * ${PPS[$ref]}")"
    else goal=">= 1/2"; ok="$(meets "2 * $p >= ${PPS[$ref]}")"; fi
    line+=" ${x}x $ref (target $goal: $ok);"
  done
  echo "$line peak ${MIB[porttop-ports]} MiB (target < 128 MiB: $(meets "${MIB[porttop-ports]} < 128"))"
else
  st="${STATE[porttop-ports]:-not selected}"
  echo "porttop --report ports: ${st#porttop: }; targets (>= 4x softflowd, >= 1/2 of readloop, < 128 MiB) not evaluated"
fi
x="$(ratio porttop-ports-t2 porttop-ports)"
if [ "$x" = - ]; then
  echo "porttop --report ports --threads 2: not measured; target (>= 1.7x one thread) not evaluated"
else
  echo "porttop --report ports --threads 2: ${x}x one thread (target >= 1.7x: $(meets "${PPS[porttop-ports-t2]} >= 1.7 * ${PPS[porttop-ports]}")); load before start $LOAD0"
fi
for t in ports-t3 flows-t2 flows-t3; do
  r="${t%-t*}"; f=""; [ "$r" = ports ] || f=" --format json"
  x="$(ratio "porttop-$t" "porttop-$r")"
  [ "$x" = - ] || echo "porttop --report $r$f --threads ${t##*-t}: ${x}x one thread"
done
if [ ${#CPUS[@]} -gt 0 ]; then
  line="readloop pinned to each CPU (taskset -c N, medians):"
  for c in "${CPUS[@]}"; do line+=" cpu$c $(median <<<"${CPUW[$c]:-}") s"; done
  echo "$line (--threads 2 goes at the pace of the slower)"
fi
exit "$FAILED"
