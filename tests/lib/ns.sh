# tests/lib/ns.sh - shell helpers shared by the suites and benchmarks that
# run porttop against real processes in network namespaces (tests/live,
# tests/attrib, tests/bench/attrib_bench.sh).  Sourced by bash, from the
# repo root, after the caller has set:
#   tmp       its work directory (made with mktemp -d)
#   NSLIST    array of the namespaces it made (cleanup deletes them)
#   SUITE     its name, for messages ("live", "attrib", ...)
#   NS_ENTER  how bgrun enters a namespace: "ip" (default; ip netns exec,
#             which also remounts /sys for it) or "nsenter" (the network
#             only: the host's mounts, tracefs and cgroup2 included)
# and defines, for its verdicts, the variable failed=0.

PORTTOP=${PORTTOP:-./porttop}
case $PORTTOP in /*) ;; *) PORTTOP=$PWD/$PORTTOP ;; esac
if [ -z "${PYTHON:-}" ]; then
	# the system python starts in 20 ms; a pyenv shim takes ten times that
	if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
TZ=UTC LC_ALL=C
export TZ LC_ALL
# alive, porttop_ready
# shellcheck source=tests/lib/proc.sh
. "$(dirname "${BASH_SOURCE[0]}")/proc.sh"
PIDS=()			# background processes we started
TIMES=()

skip_all() {	# REASON: every check in CHECKS skipped, which is not a failure
	local c
	for c in "${CHECKS[@]}"; do echo "SKIP $c: $1"; done
	exit 0
}

# need_root_porttop WHY: exit 2 without a porttop binary; every check
# skipped (exit 0) when not root
need_root_porttop() {
	if [ ! -x "$PORTTOP" ]; then
		echo "$0: PORTTOP=$PORTTOP is not an executable (run make first)" >&2
		exit 2
	fi
	[ "$(id -u)" -eq 0 ] || skip_all "$SUITE: needs root ($1)"
}

apt_install() {	# PACKAGE...: install from Debian, quietly; 0 on success
	command -v apt-get >/dev/null 2>&1 || return 1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; }
}

# need_tools COMMAND:PACKAGE...: install what is missing; prints the
# commands still missing afterwards (nothing when all are there).
need_tools() {
	local dep missing=() gone=()
	for dep in "$@"; do
		command -v "${dep%%:*}" >/dev/null 2>&1 || missing+=("${dep#*:}")
	done
	[ ${#missing[@]} -gt 0 ] && apt_install "${missing[@]}"
	for dep in "$@"; do
		command -v "${dep%%:*}" >/dev/null 2>&1 || gone+=("${dep%%:*}")
	done
	echo "${gone[*]}"
}

# ns_cleanup: kill what we started (if still ours) and whatever runs in
# our namespaces, delete them, remove $tmp unless KEEP is set.  For trap.
ns_cleanup() {
	local pid ns
	for pid in "${PIDS[@]}"; do
		[ "$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f2)" = $$ ] &&
			kill "$pid" 2>/dev/null
	done
	for ns in "${NSLIST[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	wait 2>/dev/null
	if [ -n "${KEEP:-}" ]; then
		echo "# $SUITE: work directory kept: $tmp"
	else
		rm -rf "$tmp"
	fi
}

# ns_lo NS: make namespace NS with only its loopback, up, and TIME_WAIT
# reuse off so that no two TCP connections of a run share a tuple (no
# process of the host sees these sysctls).  Prints why on failure.
ns_lo() {
	local err
	# NAME has a pid in it: one left by a killed run whose pid this shell
	# now has (pids wrap) is stale, and goes
	[ -e "/run/netns/$1" ] && ip netns del "$1" 2>/dev/null
	err=$(ip netns add "$1" 2>&1) || { echo "ip netns add failed: ${err%%$'\n'*}"; return 1; }
	ip -n "$1" link set lo up || { echo "cannot bring lo up in $1"; return 1; }
	ip netns exec "$1" sysctl -qw net.ipv4.tcp_tw_reuse=0 ||
		{ echo "sysctl net.ipv4.tcp_tw_reuse in $1 failed"; return 1; }
}

now_us() { echo "${EPOCHREALTIME/./}"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }
timing() { TIMES+=("$1 $(secs "$2" "$(now_us)") s"); }	# NAME START_US

# ok NAME [NOTE] / fail NAME REASON [DETAIL-FILE...] / skip NAME REASON:
# the verdict line; a failure's details (the first lines of each file)
# indented below it.
ok() { echo "ok $1${2:+: $2}"; }
fail() {
	local name=$1 reason=$2 f
	shift 2
	echo "FAIL $name: $reason"
	for f in "$@"; do
		[ -s "$f" ] && sed -n '1,12s/^/    /p' "$f"
	done
	failed=1
}
skip() { echo "SKIP $1: $2"; }

# bgrun NAME NS CMD...: CMD inside namespace NS in the background, stdout
# to $tmp/NAME.out, stderr to $tmp/NAME.err.  BGPID is CMD's own pid (both
# ways of entering exec CMD), so signals go straight to it.
bgrun() {
	local name=$1 ns=$2
	shift 2
	if [ "${NS_ENTER:-ip}" = nsenter ]; then
		nsenter --net="/run/netns/$ns" -- "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	else
		ip netns exec "$ns" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	fi
	BGPID=$!
	PIDS+=("$BGPID")
}

# wait_exit PID SECONDS: wait for PID to end, SECONDS at most (tenths ok).
# RC: its exit status, or 124 when it hung (then it is SIGKILLed);
# EXIT_MS: how long it took.
wait_exit() {
	local pid=$1 t0 deadline
	t0=$(now_us)
	deadline=$((t0 + $(awk -v s="$2" 'BEGIN { printf "%d", s * 1e6 }')))
	while alive "$pid" && [ "$(now_us)" -lt "$deadline" ]; do
		sleep 0.02
	done
	EXIT_MS=$((($(now_us) - t0) / 1000))
	if alive "$pid"; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		RC=124
	else
		wait "$pid"
		RC=$?
	fi
}

# wait_for FILE REGEX [SECONDS] [PID]: until a line of FILE matches
# (default 5 s); gives up early when PID is given and has exited.
wait_for() {
	for _ in $(seq $((${3:-5} * 50))); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		[ -n "${4:-}" ] && ! alive "$4" && { grep -qE "$2" "$1" 2>/dev/null; return; }
		sleep 0.02
	done
	return 1
}

# quiet_file FILE [SECS]: wait until FILE has kept its size for SECS
# (default 0.5) in a row, 30 s at most: a capture written packet by
# packet (tcpdump -U) has taken the last packet of the traffic.
quiet_file() {
	local last=-1 size same=0 need
	need=$(awk -v s="${2:-0.5}" 'BEGIN { printf "%d", s * 50 }')
	for _ in $(seq 1500); do
		size=$(stat -c %s "$1" 2>/dev/null || echo 0)
		if [ "$size" = "$last" ]; then
			same=$((same + 1))
			[ "$same" -ge "$need" ] && return 0
		else
			same=0
			last=$size
		fi
		sleep 0.02
	done
	return 1
}

# no_sanitizer_report FILE...: the files hold no ASan/UBSan/LSan/TSan report
no_sanitizer_report() {
	! grep -lE 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|ThreadSanitizer|runtime error:' \
		"$@" 2>/dev/null | grep -q .
}
