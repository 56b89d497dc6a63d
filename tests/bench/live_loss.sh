#!/usr/bin/env bash
# live_loss.sh — live capture loss: porttop against tcpdump -w /dev/null.
#
# Usage: tests/bench/live_loss.sh [--rates LIST] [--seconds S] [-B KIB] [--only LIST]
#                                 [--pcap FILE]
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
RATES="25k,50k,100k,200k,400k,top"; SECS=4; BUF=""; ONLY="tcpdump,porttop,porttop-view"; PCAP=""
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
    --only) ONLY="${2:-}"; shift ;;
    --only=*) ONLY="${1#*=}" ;;
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
[ -z "$BUF" ] || [[ "$BUF" =~ ^[1-9][0-9]*$ ]] || usage "-B needs a positive integer (KiB)"
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

# --- Debian packages, installed only when a command is missing (as bench.sh) --
ensure() {  # args: "command-or-path:package" ...
  local pair c pkgs=()
  for pair in "$@"; do
    c="${pair%%:*}"
    if [[ "$c" == /* ]]; then [ -e "$c" ] && continue; else command -v "$c" >/dev/null && continue; fi
    pkgs+=("${pair#*:}")
  done
  [ ${#pkgs[@]} -gt 0 ] || return 0
  mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort -u)
  echo "live_loss.sh: installing ${pkgs[*]}" >&2
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
  env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" >&2 ||
    { apt-get update -q >&2 && env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" >&2; }
}
selected() { [[ " ${CAPS[*]} " == *" $1 "* ]]; }
NEED=(/usr/bin/time:time ip:iproute2 tcpreplay:tcpreplay)
selected tcpdump && NEED+=(tcpdump:tcpdump)
selected porttop-view && NEED+=(tmux:tmux)
ensure "${NEED[@]}"
for c in /usr/bin/time ip tcpreplay; do
  command -v "$c" >/dev/null || { echo "live_loss.sh: $c is missing and could not be installed" >&2; exit 1; }
done

PORTTOP="${PORTTOP:-$ROOT/porttop}"
[[ "$PORTTOP" == /* ]] || PORTTOP="$PWD/$PORTTOP"
if [[ " ${CAPS[*]} " == *" porttop"* ]] && [ ! -x "$PORTTOP" ]; then
  echo "live_loss.sh: $PORTTOP is not an executable (run make first)" >&2; exit 1
fi
cd "$ROOT" || exit 1

# --- the capture: bench.sh's small one, built the same way if missing ----------
TMPD="$(mktemp -d)"; BUILD=""
NS_S="ptloss-s-$$"; NS_R="ptloss-r-$$"; TMUX_SOCK="$TMPD/tmux.sock"
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  local ns pid
  for ns in "$NS_S" "$NS_R"; do   # anything left inside our namespaces (ours only)
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
  done
  command -v tmux >/dev/null && tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
  for ns in "$NS_S" "$NS_R"; do ip netns del "$ns" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$TMPD" ${BUILD:+"$BUILD"}
}
trap cleanup EXIT
trap 'exit 130' INT; trap 'exit 143' TERM   # so that the EXIT trap cleans up
if [ -z "$PCAP" ]; then
  PCAP="$ROOT/.bench/bench-small.pcap"
  if [ ! -s "$PCAP" ]; then
    mkdir -p .bench
    ensure editcap:wireshark-common mergecap:wireshark-common capinfos:wireshark-common tcprewrite:tcpreplay tcpdump:tcpdump
    echo "live_loss.sh: building $PCAP (once, a few seconds)" >&2
    BUILD="$(mktemp -d "$ROOT/.bench/build.XXXXXX")"
    "$SHARED/bench/make-bench-pcap.sh" --small "$BUILD" >&2 ||
      { echo "live_loss.sh: could not build $PCAP" >&2; exit 1; }
    mv "$BUILD/bench-small.pcap" "$PCAP"
  fi
fi
[ -r "$PCAP" ] || { echo "live_loss.sh: cannot read $PCAP" >&2; exit 1; }

LOAD0="$(cut -d' ' -f1-3 /proc/loadavg)"
awk '$1 > 0.5 {exit 1}' /proc/loadavg ||
  echo "live_loss.sh: load average ${LOAD0%% *} before starting: other processes are busy; results will be noisy" >&2

# --- namespaces and the veth pair --------------------------------------------------
if ! err="$(ip netns add "$NS_S" 2>&1)"; then
  echo "live_loss.sh: cannot make a network namespace ($err); nothing measured" >&2
  exit 0
fi
ip netns add "$NS_R" || exit 1
for ns in "$NS_S" "$NS_R"; do   # no DAD, router or MLD traffic: the link carries only the replay
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
done
if ! { ip -n "$NS_S" link add lsend type veth peer name lrecv netns "$NS_R" &&
       ip -n "$NS_S" link set lsend up && ip -n "$NS_R" link set lrecv up; }; then
  echo "live_loss.sh: cannot set up the veth pair" >&2; exit 1
fi
for _ in $(seq 250); do
  [ "$(ip netns exec "$NS_R" cat /sys/class/net/lrecv/operstate 2>/dev/null)" = up ] && break
  sleep 0.02
done

# --- helpers ---------------------------------------------------------------------
alive() {  # PID: running, not a zombie
  local st
  st="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$st" ] && [ "${st%% *}" != Z ]
}
child_of() {  # PID: its child (the capturer that /usr/bin/time forked), within 5 s
  local c
  for _ in $(seq 250); do
    c="$(cat "/proc/$1/task/$1/children" 2>/dev/null)"
    [ -n "$c" ] || c="$(pgrep -P "$1" 2>/dev/null)"
    c="${c%% *}"; c="${c%%$'\n'*}"
    [ -n "$c" ] && { echo "$c"; return 0; }
    alive "$1" || return 1
    sleep 0.02
  done
  return 1
}
porttop_ready() {  # PID: porttop catches SIGINT and SIGTERM (its device is open)
  local m comm
  for _ in $(seq 250); do
    alive "$1" || return 1
    comm="$(cat "/proc/$1/comm" 2>/dev/null)"
    m="$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)"
    [ "$comm" = porttop ] && [ -n "$m" ] && [ $((16#$m & 0x4002)) -eq $((0x4002)) ] && return 0
    sleep 0.02
  done
  return 1
}
wait_for() {  # FILE REGEX: until a line matches (5 s)
  for _ in $(seq 250); do grep -qaE "$2" "$1" 2>/dev/null && return 0; sleep 0.02; done
  return 1
}
view_pane() { tmux -S "$TMUX_SOCK" capture-pane -p -t ptloss 2>/dev/null; }
wait_gone() {  # PID SECONDS: until it has exited; 1 if still there (then SIGKILLed)
  local n=$(( $2 * 50 ))
  for _ in $(seq "$n"); do alive "$1" || return 0; sleep 0.02; done
  kill -KILL "$1" 2>/dev/null; return 1
}

BOPT=(); BTXT=""; [ -z "$BUF" ] || { BOPT=(-B "$BUF"); BTXT=" -B $BUF"; }
TIMEF='%x %U %S'   # exit status, user s, system s (all threads, at exit)
cmdline() {  # the capturer's command line as documented (for the header)
  case "$1" in
    tcpdump)        echo "tcpdump -i lrecv -n -s 256$BTXT -w /dev/null" ;;
    porttop)        echo "porttop -i lrecv$BTXT --batch --format json -d 0.5 > \$TMP/porttop.out" ;;
    porttop-view)   echo "porttop -i lrecv$BTXT -d 0.5   (the interactive view, in tmux, 200x50)" ;;
    porttop-report) echo "porttop -i lrecv$BTXT --report ports > /dev/null" ;;
  esac
}

# start_cap NAME: start capturer NAME in the receiving namespace, under
# /usr/bin/time.  Sets CPID (the capturer: gets SIGINT) and WPID (what we wait
# for); returns 1 with WHY set if it did not get its device open.
start_cap() {
  local c="$1" w
  rm -f "$TMPD/$c".*
  case "$c" in
    tcpdump)
      ip netns exec "$NS_R" /usr/bin/time -f "$TIMEF" -o "$TMPD/$c.time" \
        tcpdump -i lrecv -n -s 256 "${BOPT[@]}" -w /dev/null >"$TMPD/$c.out" 2>"$TMPD/$c.err" &
      WPID=$! ;;
    porttop)
      ip netns exec "$NS_R" /usr/bin/time -f "$TIMEF" -o "$TMPD/$c.time" \
        "$PORTTOP" -i lrecv "${BOPT[@]}" --batch --format json -d 0.5 >"$TMPD/$c.out" 2>"$TMPD/$c.err" &
      WPID=$! ;;
    porttop-report)
      ip netns exec "$NS_R" /usr/bin/time -f "$TIMEF" -o "$TMPD/$c.time" \
        "$PORTTOP" -i lrecv "${BOPT[@]}" --report ports >/dev/null 2>"$TMPD/$c.err" &
      WPID=$! ;;
    porttop-view)
      w="$TMPD/view.sh"
      { echo '#!/bin/sh'
        printf 'echo $$ >%q\n' "$TMPD/$c.pid"
        printf 'exec ip netns exec %q /usr/bin/time -f %q -o %q %q -i lrecv %s -d 0.5 2>%q\n' \
          "$NS_R" "$TIMEF" "$TMPD/$c.time" "$PORTTOP" "${BOPT[*]}" "$TMPD/$c.err"
      } >"$w"; chmod +x "$w"
      tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s ptloss -x 200 -y 50 "$w" ||
        { WHY="tmux new-session failed"; return 1; }
      for _ in $(seq 250); do [ -s "$TMPD/$c.pid" ] && break; sleep 0.02; done
      WPID="$(cat "$TMPD/$c.pid" 2>/dev/null)"
      [ -n "$WPID" ] || { WHY="the tmux session did not start"; return 1; } ;;
  esac
  if ! CPID="$(child_of "$WPID")"; then
    WHY="did not start: $(head -c 300 "$TMPD/$c.err" 2>/dev/null | tr '\n' ' ')"; return 1
  fi
  case "$c" in
    tcpdump) wait_for "$TMPD/$c.err" '^tcpdump: listening on' ;;
    porttop-view) porttop_ready "$CPID" && for _ in $(seq 250); do
                    view_pane | grep -q '^packets: [0-9]* captured' && break; sleep 0.02; done ;;
    *) porttop_ready "$CPID" ;;
  esac || { WHY="did not open lrecv: $(head -c 300 "$TMPD/$c.err" | tr '\n' ' ')"; kill -KILL "$CPID" 2>/dev/null; return 1; }
  return 0
}

# replay I: tcpreplay at step I; sets SENT ACH_PPS (or returns 1)
replay() {
  local i="$1" n opt
  if [ "${PPS[$i]}" = 0 ]; then
    n="$(awk -v s="$SECS" -v r="$TOP_PPS" 'BEGIN {printf "%d", s * r}')"; opt=(--topspeed)
  else
    n="$(awk -v s="$SECS" -v r="${PPS[$i]}" 'BEGIN {printf "%d", s * r}')"; opt=(--pps="${PPS[$i]}")
  fi
  ip netns exec "$NS_S" tcpreplay -i lsend -K --loop=0 --limit="$n" "${opt[@]}" "$PCAP" \
    >"$TMPD/replay.out" 2>"$TMPD/replay.err"
  SENT="$(sed -n 's/^[[:space:]]*Successful packets:[[:space:]]*\([0-9]*\).*/\1/p' "$TMPD/replay.out")"
  ACH_PPS="$(sed -n 's/^Rated: .*, \([0-9.]*\) pps$/\1/p' "$TMPD/replay.out")"
  [ -n "$SENT" ] && [ -n "$ACH_PPS" ]
}

# stop_cap NAME: drain, read the view (porttop-view), SIGINT, wait, and parse:
# sets CAPTURED KDROP IFDROP CPU (or returns 1 with WHY)
stop_cap() {
  local c="$1" t line rc
  sleep "$DRAIN"
  if [ "$c" = porttop-view ]; then
    view_pane >"$TMPD/$c.pane"
    line="$(grep -m1 '^packets: [0-9]* captured' "$TMPD/$c.pane")"
  fi
  kill -INT "$CPID" 2>/dev/null
  if [ "$c" = porttop-view ]; then
    wait_gone "$WPID" 30 || { WHY="still running 30 s after SIGINT"; return 1; }
  else
    local k=0
    while alive "$WPID" && [ $k -lt 1500 ]; do sleep 0.02; k=$((k + 1)); done
    alive "$WPID" && { kill -KILL "$CPID" 2>/dev/null; wait "$WPID" 2>/dev/null; WHY="still running 30 s after SIGINT"; return 1; }
    wait "$WPID" 2>/dev/null
  fi
  t="$(tail -n1 "$TMPD/$c.time" 2>/dev/null)"
  read -r rc u s <<<"$t"
  if [ "${rc:-x}" != 0 ] || grep -q 'terminated by signal' "$TMPD/$c.time" 2>/dev/null; then
    WHY="exit status ${rc:-?} after SIGINT: $(grep -av '^$' "$TMPD/$c.err" | tail -n2 | tr '\n' ' ')"; return 1
  fi
  CPU="$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}')"
  case "$c" in
    tcpdump)
      CAPTURED="$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' "$TMPD/$c.err")"
      KDROP="$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$TMPD/$c.err")"
      IFDROP="$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by interface$/\1/p' "$TMPD/$c.err")"
      IFDROP="${IFDROP:-0}" ;;
    porttop)
      line="$(grep -aF '"type":"tick"' "$TMPD/$c.out" | tail -n1)"
      [[ "$line" == *'"ended":true'* ]] || { WHY="no final tick (\"ended\":true) in its output"; return 1; }
      CAPTURED="$(sed -n 's/.*"packets":\([0-9]*\).*/\1/p' <<<"$line")"
      KDROP="$(sed -n 's/.*"kernel_drops":\([0-9]*\).*/\1/p' <<<"$line")"
      IFDROP="$(sed -n 's/.*"if_drops":\([0-9]*\).*/\1/p' <<<"$line")"
      rm -f "$TMPD/$c.out" ;;   # hundreds of MB at the high rates
    porttop-report)
      CAPTURED="$(sed -n 's/^porttop: \([0-9]*\) packets\{0,1\} read,.*/\1/p' "$TMPD/$c.err")"
      line="$(grep '^porttop: [0-9]* packets\{0,1\} received by filter' "$TMPD/$c.err")"
      KDROP="$(sed -n 's/.*, \([0-9]*\) packets\{0,1\} dropped by kernel,.*/\1/p' <<<"$line")"
      IFDROP="$(sed -n 's/.*, \([0-9]*\) dropped by interface$/\1/p' <<<"$line")" ;;
    porttop-view)  # the view's header line, read from the pane before SIGINT
      CAPTURED="$(sed -n 's/^packets: \([0-9]*\) captured,.*/\1/p' <<<"$line")"
      # "N captured, D dropped" with "(kernel K, interface I, porttop P)"
      # naming only the sources that dropped any: an absent one is 0
      if grep -q 'captured, [0-9]* dropped' <<<"$line"; then
        KDROP="$(sed -n 's/.* dropped (.*kernel \([0-9]*\).*/\1/p' <<<"$line")"
        IFDROP="$(sed -n 's/.* dropped (.*interface \([0-9]*\).*/\1/p' <<<"$line")"
        KDROP=${KDROP:-0} IFDROP=${IFDROP:-0}
      fi ;;
  esac
  if [ -z "$CAPTURED" ] || [ -z "$KDROP" ] || [ -z "$IFDROP" ]; then
    WHY="no packet counters found in its output"; return 1
  fi
}

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
printf '\nporttop live-loss benchmark %s  %s  %s s a step  %s cores, load before start %s\n' \
  "$(date -u +%Y-%m-%d)" "${PCAP#"$ROOT"/}" "$SECS" "$(nproc)" "$LOAD0"
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
