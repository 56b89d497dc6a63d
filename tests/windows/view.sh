#!/bin/sh
# tests/windows/view.sh - porttop.exe's interactive view under wine in a
# real terminal: wine64 runs in a detached tmux pane (private server,
# 120x40), so wine's console (conhost in its Unix-terminal mode) renders
# what ncurses' Windows console driver draws onto the pane.  Run by
# tests/windows/run.sh (its wine prefix and environment), or alone.
#
# Checks: tcp-http-curl.pcap at --speed 0: the header says the replay
# ended, both flows are drawn, p switches to the ports view (8080, 2
# conns), q quits with status 0, nothing on stderr, and the shell's
# terminal is back in cooked mode with echo (stty -a).  syn-timeout.pcap
# at --speed 1 (a replay still running) with -w: Ctrl-C ends it with
# status 0, the terminal restored, and the -w file is a whole capture the
# Linux build reads with exit 0.
#
# Env: WINE, WIN_EXE, PORTTOP (the Linux build, for the -w file), and the
# WINE* variables of the caller; WAIT (seconds per screen, default 40:
# wine's first start in a prefix is slow).  Output as run.sh's.
set -u
cd "$(dirname "$0")/../.." || exit 2
WINE=${WINE:-$(command -v wine64 2>/dev/null || echo /usr/lib/wine/wine64)}
WIN_EXE=${WIN_EXE:-build-win/porttop.exe}
PORTTOP=${PORTTOP:-./porttop}
WAIT=${WAIT:-40}

if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP windows-view: tmux not found (apt-get install tmux)"
	exit 0
fi
sock=porttop-winview-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/porttop-winview.XXXXXX") || exit 2
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
failed=0
ok() { echo "ok windows-view-$1"; }
fail() { echo "FAIL windows-view-$1: $2"; failed=1; }
screen() { T capture-pane -p -t v; }
cmd() { T send-keys -t v -l "$1"; T send-keys -t v Enter; }
wait_for() {	# ERE: poll the screen until a line matches (WAIT s)
	i=0
	while [ $i -lt $((WAIT * 10)) ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
check() {	# NAME ERE
	if wait_for "$2"; then ok "$1"; else
		fail "$1" "no line matches /$2/: $(screen | head -3 | tr -s ' ')"; fi
}
# after_exit NAME WANT_RC: exited with WANT_RC, stderr empty, the pane's
# terminal in cooked mode with echo again.
after_exit() {
	if ! wait_for "^rc=[0-9]+"; then
		fail "$1" "porttop.exe did not exit: $(screen | tail -3 | tr -s ' ')"
		return
	fi
	rc=$(screen | sed -n 's/^.*rc=\([0-9]*\).*/\1/p' | tail -1)
	cmd "clear; echo \"modes: \$(stty -a | tr ' ;' '\n\n' | grep -x -e -icanon -e icanon -e -echo -e echo | tr '\n' ' ')\""
	if ! wait_for "^modes: "; then
		fail "$1" "the shell does not answer after porttop.exe"
	elif [ "$rc" != "$2" ]; then
		fail "$1" "exit status $rc, wanted $2"
	elif ! screen | grep -q "^modes: icanon echo"; then
		fail "$1" "terminal not restored: $(screen | grep '^modes:')"
	elif [ -s "$tmp/err" ]; then
		fail "$1" "stderr: $(head -c 300 "$tmp/err")"
	else
		ok "$1"
	fi
}
start() {	# ARGS...: porttop.exe in the pane, stderr in $tmp/err
	cmd "clear; $WINE $WIN_EXE $* 2>$tmp/err; printf '\\nrc=%s\\n' \$?"
}

T new-session -d -x 120 -y 40 -s v "env TERM=xterm-256color LC_ALL=C TZ=UTC PS1='$ ' ENV= WINEPREFIX=${WINEPREFIX:-} WINEDEBUG=-all WINEDLLOVERRIDES='${WINEDLLOVERRIDES:-}' sh" ||
	{ echo "FAIL windows-view: cannot start a tmux server"; exit 1; }
sleep 0.3

start -r pcaps/tcp-http-curl.pcap --speed 0
check replay-ended "replay ended"
check flows "^tcp +10\.99\.0\.1:44986 +10\.99\.0\.2:8080 +SF "
T send-keys -t v p
check ports "^tcp +8080 - +open +2 +2 +2 "
T send-keys -t v q
after_exit quit-q 0

start -r pcaps/syn-timeout.pcap --speed 1 -w "$tmp/w.pcap"
check running "^tcp +"
T send-keys -t v C-c
after_exit ctrl-c 0
if "$PORTTOP" -r "$tmp/w.pcap" --report ports > /dev/null 2>&1; then
	ok ctrl-c-w-file
else
	fail ctrl-c-w-file "the -w file after Ctrl-C does not read back"
fi
[ "$failed" -eq 0 ]
