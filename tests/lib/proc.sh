# tests/lib/proc.sh - the process checks that the suites (through
# tests/lib/ns.sh) and the live benchmarks (tests/bench/live_lib.sh) share:
# is a process running, has porttop begun to capture.  Sourced by bash.

alive() {	# PID: running (not a zombie)
	local st
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "${st%% *}" != Z ]
}

# porttop_ready PID [TICKS]: wait (TICKS times 20 ms, default 250: 5 s)
# until porttop catches SIGINT and SIGTERM and its capture thread runs
# (a thread named pt-capture: core/engine.c starts it once the device is
# open and its filter set, so from then on every packet on the link is
# its).  The handlers alone are not enough: porttop installs them before it opens
# the device (porttop.c, sig_catch before engine_open, for `porttop
# run`), and a slow start (asking container runtimes, a sanitizer
# build) let a check's traffic pass before the capture began (names-
# runtime-missing: "0 packets read").  A signal from then on ends it
# cleanly.
porttop_ready() {
	local pid=$1 m comm
	for _ in $(seq "${2:-250}"); do
		alive "$pid" || return 1
		comm=$(cat "/proc/$pid/comm" 2>/dev/null)
		m=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
		# SIGINT is bit 1, SIGTERM bit 14 (0x4002)
		if [ "$comm" = porttop ] && [ -n "$m" ] &&
		   [ $((16#$m & 0x4002)) -eq $((0x4002)) ] &&
		   grep -qx pt-capture /proc/"$pid"/task/*/comm 2>/dev/null; then
			return 0
		fi
		sleep 0.02
	done
	return 1
}
