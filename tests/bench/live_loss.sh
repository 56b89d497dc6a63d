#!/usr/bin/env bash
# live_loss.sh — live capture loss: porttop against tcpdump -w /dev/null.
#
# Usage: tests/bench/live_loss.sh [--rates LIST] [--seconds S] [-B KIB] [--only LIST]
#                                 [--pcap FILE] [--cpu N] [--threads N]
#   --rates LIST  comma-separated rates for tcpreplay --pps (k and M suffixes);
#                 "top" is --topspeed (default 25k,50k,100k,200k,400k,top)
#   --seconds S   length of a step at the asked rate (default 4): tcpreplay
#                 --limit=RATE*S packets; "top" sends 250000*S packets
#   -B KIB        the capture buffer of every capturer (porttop -B, tcpdump -B);
#                 default: none given, libpcap's 2 MiB
#   --only LIST   comma-separated subset of: tcpdump porttop porttop-view
#                 porttop-report (default: tcpdump,porttop,porttop-view)
#   --pcap FILE   the capture to replay (default .bench/bench-small.pcap, built
#                 by ../shared/bench/make-bench-pcap.sh --small, as bench.sh does)
#   --cpu N       run each capturer, all its threads, on CPU N alone (taskset)
#                 and tcpreplay on the other CPUs: what one core holds
#   --threads N   porttop's --threads N for every porttop capturer (none:
#                 porttop's default, the pipeline when it may use 2 CPUs
#                 or more; with --cpu, one thread)
# Env: PORTTOP=path overrides the binary (default ./porttop at the repo root).
#
# Two network namespaces made here, joined by one veth pair; nothing touches
# any other interface:
#
#   ns ptloss-s-PID: lsend  --(veth)-->  ns ptloss-r-PID: lrecv (the capturers)
#
# Neither end has an address and IPv6 is off in both namespaces, so the link
# carries only the replayed frames: captured + kernel drops must add up to
# what tcpreplay sent ("unseen" in the table says otherwise).  At each rate,
# every capturer in turn: start it on lrecv (with /usr/bin/time), wait until
# its socket is open, replay the capture from lsend with tcpreplay -K --loop=0
# --limit=N, wait 2 s (buffers drained, the last TPACKET_V3 block retired),
# SIGINT, read its counters.  One capturer at a time: there are 2 cores.
# Exit status: 0 whatever the verdict (a benchmark is not a test), also when
# not root (says why); 1 if a tool failed to run; 2 on bad usage.
# See tests/bench/README.md ("Live loss").
set -uo pipefail

export TZ=UTC LC_ALL=C
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="$ROOT/../shared"
ALL_CAPS=(tcpdump porttop porttop-view porttop-report)
RATES="25k,50k,100k,200k,400k,top"; SECS=4; BUF=""; THREADS=""; ONLY="tcpdump,porttop,porttop-view"; PCAP=""; CPU_ONE=""
PIN=()			# the capturers' command prefix (--cpu: taskset)
TOP_PPS=250000		# "top": sized for what tcpreplay reaches on a 2-core VM
DRAIN=2			# seconds after the replay before SIGINT
usage() { echo "live_loss.sh: $1 (see --help)" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --rates) RATES="${2:-}"; shift ;;
    --rates=*) RATES="${1#*=}" ;;
    --seconds) SECS="${2:-}"; shift ;;
    --seconds=*) SECS="${1#*=}" ;;
    -B) BUF="${2:-}"; shift ;;
    -B*) BUF="${1#-B}" ;;
    --threads) THREADS="${2:-}"; shift ;;
    --threads=*) THREADS="${1#*=}" ;;
    --only) ONLY="${2:-}"; shift ;;
    --only=*) ONLY="${1#*=}" ;;
    --pcap) PCAP="${2:-}"; shift ;;
    --pcap=*) PCAP="${1#*=}" ;;
    --cpu) CPU_ONE="${2:-}"; shift ;;
    --cpu=*) CPU_ONE="${1#*=}" ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | grep '^#'; exit 0 ;;
    *) usage "unknown argument $1" ;;
  esac
  shift
done
if ! [[ "$SECS" =~ ^[0-9]+(\.[0-9]+)?$ ]] || ! awk -v s="$SECS" 'BEGIN {exit !(s > 0)}'; then
  usage "--seconds needs a positive number"
fi
[ -z "$BUF" ] || [[ "$BUF" =~ ^[1-9][0-9]*$ ]] || usage "-B needs a positive integer (KiB)"
[ -z "$THREADS" ] || [[ "$THREADS" =~ ^[1-9][0-9]*$ ]] || usage "--threads needs a positive integer"
NCPU="$(nproc --all)"
if [ -n "$CPU_ONE" ]; then
  if ! [[ "$CPU_ONE" =~ ^[0-9]+$ ]] || [ "$CPU_ONE" -ge "$NCPU" ] || [ "$NCPU" -lt 2 ]; then
    usage "--cpu needs a CPU number below $NCPU, on a machine of 2 CPUs or more"
  fi
  PIN=(taskset -c "$CPU_ONE")
  OTHERS="$(seq 0 $((NCPU - 1)) | grep -vx "$CPU_ONE" | paste -sd,)"
  taskset -p -c "$OTHERS" $$ >/dev/null || usage "taskset failed"	# tcpreplay inherits
fi
IFS=, read -r -a CAPS <<<"$ONLY"
[ ${#CAPS[@]} -gt 0 ] || usage "--only needs at least one capturer"
for c in "${CAPS[@]}"; do
  [[ " ${ALL_CAPS[*]} " == *" $c "* ]] || usage "unknown capturer '$c' (known: ${ALL_CAPS[*]})"
done
# rates: label (as asked) and packets/s (0 = --topspeed)
IFS=, read -r -a LABELS <<<"$RATES"
[ ${#LABELS[@]} -gt 0 ] || usage "--rates needs at least one rate"
declare -a PPS
for i in "${!LABELS[@]}"; do
  r="${LABELS[$i]}"
  case "$r" in
    top|topspeed) LABELS[i]=top; PPS[i]=0 ;;
    *[kK]) [[ "${r%?}" =~ ^[0-9]+$ ]] || usage "bad rate '$r'"; PPS[i]=$((${r%?} * 1000)) ;;
    *M) [[ "${r%?}" =~ ^[0-9]+$ ]] || usage "bad rate '$r'"; PPS[i]=$((${r%?} * 1000000)) ;;
    *) [[ "$r" =~ ^[1-9][0-9]*$ ]] || usage "bad rate '$r'"; PPS[i]=$r ;;
  esac
  [ "${LABELS[$i]}" = top ] || [ "${PPS[$i]}" -gt 0 ] || usage "bad rate '$r'"
done

if [ "$(id -u)" != 0 ]; then
  echo "live_loss.sh: needs root (network namespaces, a veth pair, packet capture); nothing measured" >&2
  exit 0
fi

ME=live_loss.sh
# shellcheck source=tests/bench/live_lib.sh
. "$ROOT/tests/bench/live_lib.sh"
live_setup


# --- the runs: at each rate, each capturer in turn -------------------------------
declare -A R_ACH R_SENT R_CAP R_KD R_IFD R_CPU STATE
FAILED=0
fail() { STATE[$1]="FAILED: $2"; FAILED=1; echo "live_loss.sh: $1 FAILED: $2" >&2; }
T0=$SECONDS
for i in "${!LABELS[@]}"; do
  for c in "${CAPS[@]}"; do
    [ -z "${STATE[$c]:-}" ] || continue
    WHY=""
    if ! start_cap "$c"; then
      fail "$c" "at ${LABELS[$i]}: $WHY"
      [ "$c" != porttop-view ] || tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
      continue
    fi
    if ! replay "$i"; then
      kill -INT "$CPID" 2>/dev/null
      echo "live_loss.sh: tcpreplay failed:" >&2; grep -v -e '^Warning' -e 'unsupported DLT' -e '^File Cache' "$TMPD/replay.err" | head -n5 >&2
      exit 1
    fi
    if ! stop_cap "$c"; then fail "$c" "at ${LABELS[$i]}: $WHY"; continue; fi
    k="$c/$i"
    R_ACH[$k]="$ACH_PPS"; R_SENT[$k]="$SENT"
    R_CAP[$k]="$CAPTURED"; R_KD[$k]="$KDROP"; R_IFD[$k]="$IFDROP"; R_CPU[$k]="$CPU"
    printf 'live_loss.sh: %-5s %-14s tcpreplay %8.0f pps, %s sent; captured %s, kernel drops %s, CPU %s s\n' \
      "${LABELS[$i]}" "$c" "$ACH_PPS" "$SENT" "$CAPTURED" "$KDROP" "$CPU" >&2
  done
done

# --- report ------------------------------------------------------------------------
printf '\nporttop live-loss benchmark %s  %s  %s s a step  %s cores%s, load before start %s\n' \
  "$(date -u +%Y-%m-%d)" "${PCAP#"$ROOT"/}" "$SECS" "$NCPU" \
  "${CPU_ONE:+ (capturers on CPU $CPU_ONE alone, tcpreplay on $OTHERS)}" "$LOAD0"
printf 'replay: ip netns exec NS_S tcpreplay -i lsend -K --loop=0 --limit=RATE*%s (--pps=RATE | --topspeed with %s) FILE\n' \
  "$SECS" "$(awk -v s="$SECS" -v r="$TOP_PPS" 'BEGIN {printf "%d", s * r}')"
row() { printf '%-6s %10s %9s %9s %9s %7s %6s %7s %7s %11s\n' "$@"; }
declare -A HOLD HOLD_ACH FIRST_DROP
for c in "${CAPS[@]}"; do
  printf '\n%s: %s\n' "$c" "$(cmdline "$c")"
  if [ -n "${STATE[$c]:-}" ]; then echo "  ${STATE[$c]}"; fi
  row asked "tcpreplay" sent captured "k.drops" "drop%" "ifdrop" unseen "CPU s" "CPU/100kpkt"
  held=1
  for i in "${!LABELS[@]}"; do
    k="$c/$i"
    [ -n "${R_SENT[$k]:-}" ] || continue
    s="${R_SENT[$k]}"; n="${R_CAP[$k]}"; d="${R_KD[$k]}"
    pct="$(awk -v d="$d" -v n="$n" 'BEGIN {t = d + n; printf "%.2f", (t > 0) ? 100 * d / t : 0}')"
    per="$(awk -v c="${R_CPU[$k]}" -v n="$n" 'BEGIN {if (n > 0) printf "%.3f", c * 100000 / n; else print "-"}')"
    unseen=$((s - n - d))
    row "${LABELS[$i]}" "$(printf '%.0f/s' "${R_ACH[$k]}")" "$s" "$n" "$d" "$pct" "${R_IFD[$k]}" "$unseen" "${R_CPU[$k]}" "$per"
    if [ "$held" = 1 ]; then
      if [ "$d" = 0 ] && [ "$unseen" -le 0 ]; then HOLD[$c]=$i; HOLD_ACH[$c]="${R_ACH[$k]}"
      else held=0; FIRST_DROP[$c]=$i; fi
    fi
  done
done
echo
echo "drop% = kernel drops / (captured + kernel drops); unseen = sent - captured - kernel drops (lost before"
echo "the capture socket, or still buffered); CPU s = user + system of the capturer, all threads, start to exit;"
echo "CPU/100kpkt = CPU s per 100,000 captured packets (the share of one core it needs at 100 kpps)."

held_text() {  # CAPTURER: "25k..200k (achieved N/s); first drops at X"
  local c="$1" t
  if [ -n "${STATE[$c]:-}" ] && [ -z "${HOLD[$c]:-}" ]; then echo "not measured"; return; fi
  if [ -z "${HOLD[$c]:-}" ]; then t="none"
  else t="${LABELS[${HOLD[$c]}]} ($(printf '%.0f' "${HOLD_ACH[$c]}") pps achieved)"; fi
  if [ -n "${FIRST_DROP[$c]:-}" ]; then t+=", drops from ${LABELS[${FIRST_DROP[$c]}]}"
  elif [ -z "${STATE[$c]:-}" ]; then t+=", every step"; fi
  echo "$t"
}
line="zero kernel drops up to:"
for c in "${CAPS[@]}"; do line+=" $c $(held_text "$c");"; done
echo "$line"
if selected tcpdump && [ -z "${STATE[tcpdump]:-}" ]; then
  for c in porttop porttop-view porttop-report; do
    selected "$c" || continue
    if [ -n "${STATE[$c]:-}" ]; then echo "$c >= tcpdump: not evaluated (${STATE[$c]%%:*})"; continue; fi
    hp="${HOLD[$c]:--1}"; ht="${HOLD[tcpdump]:--1}"
    if [ "$hp" -ge "$ht" ]; then v=yes; else v=NO; fi
    note=""
    if [ "$hp" -ge 0 ] && [ "$hp" = "$ht" ] &&
       awk -v a="${HOLD_ACH[$c]}" -v b="${HOLD_ACH[tcpdump]}" 'BEGIN {exit !(a < 0.9 * b)}'; then
      note=" (at that step tcpreplay reached $(printf '%.0f' "${HOLD_ACH[$c]}") pps with $c, $(printf '%.0f' "${HOLD_ACH[tcpdump]}") with tcpdump)"
    fi
    if [ -z "${FIRST_DROP[tcpdump]:-}" ] && [ -z "${FIRST_DROP[$c]:-}" ]; then
      note+=" (neither dropped at any step: the generator, not the capturer, is the limit)"
    fi
    echo "$c holds at least tcpdump's zero-drop rate: $v$note"
  done
fi
echo "run time $((SECONDS - T0)) s"
exit "$FAILED"
