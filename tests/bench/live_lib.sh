# live_lib.sh — the parts live_loss.sh and live_cpu.sh share: Debian tools,
# the replayed capture, two network namespaces joined by one veth pair, and
# starting, replaying to and stopping one capturer.  Sourced, not run.
#
# The sourcing script sets ME (its name, for messages), ROOT, SHARED, CAPS
# (the capturers: tcpdump porttop porttop-view porttop-report), PCAP (or ""
# for .bench/bench-small.pcap), BUF (-B KIB or ""), THREADS (porttop's
# --threads N, or "" for none), SECS and TOP_PPS
# (replay), DRAIN (seconds before SIGINT), optionally BEFORE_SIGINT (a
# function stop_cap calls with the capturer's name after the drain, before
# SIGINT), then calls live_setup.
# shellcheck shell=bash disable=SC2034  # variables used by the sourcing script

# Waits for a capturer to start are up to WAIT_TICKS x 0.02 s: 30 s, as a
# loaded machine (load average 16 here) took more than 5 s to start porttop.
WAIT_TICKS=1500

# --- Debian packages, installed only when a command is missing (as bench.sh) --
# shellcheck source=tests/bench/ensure.sh
. "$(dirname "${BASH_SOURCE[0]}")/ensure.sh"
# alive, porttop_ready
# shellcheck source=tests/lib/proc.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/proc.sh"
selected() { [[ " ${CAPS[*]} " == *" $1 "* ]]; }

# cleanup: everything live_setup made (the EXIT trap).
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

# live_setup: tools, the capture, TMPD, the namespaces NS_S/NS_R and the
# veth pair lsend -> lrecv, LOAD0 (load average before the work); exits
# 0 when namespaces cannot be made (nothing measured), 1 on a failure.
live_setup() {
  local c err ns NEED
  NEED=(/usr/bin/time:time ip:iproute2 tcpreplay:tcpreplay)
  selected tcpdump && NEED+=(tcpdump:tcpdump)
  selected porttop-view && NEED+=(tmux:tmux)
  ensure "${NEED[@]}"
  for c in /usr/bin/time ip tcpreplay; do
    command -v "$c" >/dev/null || { echo "$ME: $c is missing and could not be installed" >&2; exit 1; }
  done

  PORTTOP="${PORTTOP:-$ROOT/porttop}"
  [[ "$PORTTOP" == /* ]] || PORTTOP="$PWD/$PORTTOP"
  if [[ " ${CAPS[*]} " == *" porttop"* ]] && [ ! -x "$PORTTOP" ]; then
    echo "$ME: $PORTTOP is not an executable (run make first)" >&2; exit 1
  fi
  cd "$ROOT" || exit 1

  TMPD="$(mktemp -d)"; BUILD=""
  NS_S="ptloss-s-$$"; NS_R="ptloss-r-$$"; TMUX_SOCK="$TMPD/tmux.sock"
  trap cleanup EXIT
  trap 'exit 130' INT; trap 'exit 143' TERM   # so that the EXIT trap cleans up
  if [ -z "$PCAP" ]; then
    PCAP="$ROOT/.bench/bench-small.pcap"
    if [ ! -s "$PCAP" ]; then
      mkdir -p .bench
      ensure editcap:wireshark-common mergecap:wireshark-common capinfos:wireshark-common tcprewrite:tcpreplay tcpdump:tcpdump
      echo "$ME: building $PCAP (once, a few seconds)" >&2
      BUILD="$(mktemp -d "$ROOT/.bench/build.XXXXXX")"
      "$SHARED/bench/make-bench-pcap.sh" --small "$BUILD" >&2 ||
        { echo "$ME: could not build $PCAP" >&2; exit 1; }
      mv "$BUILD/bench-small.pcap" "$PCAP"
    fi
  fi
  [ -r "$PCAP" ] || { echo "$ME: cannot read $PCAP" >&2; exit 1; }

  LOAD0="$(cut -d' ' -f1-3 /proc/loadavg)"
  awk '$1 > 0.5 {exit 1}' /proc/loadavg ||
    echo "$ME: load average ${LOAD0%% *} before starting: other processes are busy; results will be noisy" >&2

  # --- namespaces and the veth pair --------------------------------------------------
  if ! err="$(ip netns add "$NS_S" 2>&1)"; then
    echo "$ME: cannot make a network namespace ($err); nothing measured" >&2
    exit 0
  fi
  ip netns add "$NS_R" || exit 1
  for ns in "$NS_S" "$NS_R"; do   # no DAD, router or MLD traffic: the link carries only the replay
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
  done
  if ! { ip -n "$NS_S" link add lsend type veth peer name lrecv netns "$NS_R" &&
         ip -n "$NS_S" link set lsend up && ip -n "$NS_R" link set lrecv up; }; then
    echo "$ME: cannot set up the veth pair" >&2; exit 1
  fi
  for _ in $(seq "$WAIT_TICKS"); do
    [ "$(ip netns exec "$NS_R" cat /sys/class/net/lrecv/operstate 2>/dev/null)" = up ] && break
    sleep 0.02
  done
  BOPT=(); BTXT=""; [ -z "$BUF" ] || { BOPT=(-B "$BUF"); BTXT=" -B $BUF"; }
  POPT=("${BOPT[@]}"); PTXT="$BTXT"   # porttop's: -B and --threads
  [ -z "${THREADS:-}" ] || { POPT+=(--threads "$THREADS"); PTXT+=" --threads $THREADS"; }
}

# rate_pps R: PPS=(the tcpreplay --pps rate of R: k and M suffixes; 0 for
# "top", --topspeed), or usage's message
rate_pps() {
  case "$1" in
    top|topspeed) PPS=(0) ;;
    *[kK]) [[ "${1%?}" =~ ^[1-9][0-9]*$ ]] || usage "bad rate '$1'"; PPS=($((${1%?} * 1000))) ;;
    *M) [[ "${1%?}" =~ ^[1-9][0-9]*$ ]] || usage "bad rate '$1'"; PPS=($((${1%?} * 1000000))) ;;
    *) [[ "$1" =~ ^[1-9][0-9]*$ ]] || usage "bad rate '$1'"; PPS=("$1") ;;
  esac
}

# --- helpers ---------------------------------------------------------------------
child_of() {  # PID: its child (the capturer that /usr/bin/time forked), within 30 s
  local c
  for _ in $(seq "$WAIT_TICKS"); do
    c="$(cat "/proc/$1/task/$1/children" 2>/dev/null)"
    [ -n "$c" ] || c="$(pgrep -P "$1" 2>/dev/null)"
    c="${c%% *}"; c="${c%%$'\n'*}"
    [ -n "$c" ] && { echo "$c"; return 0; }
    alive "$1" || return 1
    sleep 0.02
  done
  return 1
}
wait_for() {  # FILE REGEX: until a line matches (30 s)
  for _ in $(seq "$WAIT_TICKS"); do grep -qaE "$2" "$1" 2>/dev/null && return 0; sleep 0.02; done
  return 1
}
view_pane() { tmux -S "$TMUX_SOCK" capture-pane -p -t ptloss 2>/dev/null; }
wait_gone() {  # PID SECONDS: until it has exited; 1 if still there (then SIGKILLed)
  local n=$(( $2 * 50 ))
  for _ in $(seq "$n"); do alive "$1" || return 0; sleep 0.02; done
  kill -KILL "$1" 2>/dev/null; return 1
}

TIMEF='%x %U %S'   # exit status, user s, system s (all threads, at exit)
cmdline() {  # the capturer's command line as documented (for the header)
  case "$1" in
    tcpdump)        echo "tcpdump -i lrecv -n -s 256$BTXT -w /dev/null" ;;
    porttop)        echo "porttop -i lrecv$PTXT --batch --format json -d 0.5 > \$TMP/porttop.out" ;;
    porttop-view)   echo "porttop -i lrecv$PTXT -d 0.5   (the interactive view, in tmux, 200x50)" ;;
    porttop-report) echo "porttop -i lrecv$PTXT --report ports > /dev/null" ;;
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
        "${PIN[@]}" tcpdump -i lrecv -n -s 256 "${BOPT[@]}" -w /dev/null >"$TMPD/$c.out" 2>"$TMPD/$c.err" &
      WPID=$! ;;
    porttop)
      ip netns exec "$NS_R" /usr/bin/time -f "$TIMEF" -o "$TMPD/$c.time" \
        "${PIN[@]}" "$PORTTOP" -i lrecv "${POPT[@]}" --batch --format json -d 0.5 >"$TMPD/$c.out" 2>"$TMPD/$c.err" &
      WPID=$! ;;
    porttop-report)
      ip netns exec "$NS_R" /usr/bin/time -f "$TIMEF" -o "$TMPD/$c.time" \
        "${PIN[@]}" "$PORTTOP" -i lrecv "${POPT[@]}" --report ports >/dev/null 2>"$TMPD/$c.err" &
      WPID=$! ;;
    porttop-view)
      w="$TMPD/view.sh"
      { echo '#!/bin/sh'
        printf 'echo $$ >%q\n' "$TMPD/$c.pid"
        printf 'exec ip netns exec %q /usr/bin/time -f %q -o %q %s %q -i lrecv %s -d 0.5 2>%q\n' \
          "$NS_R" "$TIMEF" "$TMPD/$c.time" "${PIN[*]}" "$PORTTOP" "${POPT[*]}" "$TMPD/$c.err"
      } >"$w"; chmod +x "$w"
      tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s ptloss -x 200 -y 50 "$w" ||
        { WHY="tmux new-session failed"; return 1; }
      for _ in $(seq "$WAIT_TICKS"); do [ -s "$TMPD/$c.pid" ] && break; sleep 0.02; done
      WPID="$(cat "$TMPD/$c.pid" 2>/dev/null)"
      [ -n "$WPID" ] || { WHY="the tmux session did not start"; return 1; } ;;
  esac
  if ! CPID="$(child_of "$WPID")"; then
    WHY="did not start: $(head -c 300 "$TMPD/$c.err" 2>/dev/null | tr '\n' ' ')"; return 1
  fi
  case "$c" in
    tcpdump) wait_for "$TMPD/$c.err" '^tcpdump: listening on' ;;
    porttop-view) porttop_ready "$CPID" "$WAIT_TICKS" && for _ in $(seq "$WAIT_TICKS"); do
                    view_pane | grep -q '^packets: [0-9]* captured' && break; sleep 0.02; done ;;
    *) porttop_ready "$CPID" "$WAIT_TICKS" ;;
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
  [ -z "${BEFORE_SIGINT:-}" ] || "$BEFORE_SIGINT" "$c"
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

