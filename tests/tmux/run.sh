#!/bin/sh
# tests/tmux/run.sh - the interactive view in a real terminal: porttop runs
# in a detached tmux pane (private server, 160x40, TERM=xterm-256color);
# keys go in with send-keys, the screen comes out with capture-pane.
#
# Checks: tcp-http-curl.pcap at --speed 0 until "replay ended": the flows
# (addresses, ports, states), s < > r (the first row changes as expected),
# the details box (history), b (exact bytes), the ports view (8080, 2
# conns), the processes view, help, Tab; q.  udp-echo-unreach.pcap: the /
# filter (9999 leaves one row; Esc keeps the old one; empty clears).
# lo-nano.pcap: n shows localhost; zeek-conn-size.pcap (SKIP without
# ../shared): an ended flow (e) keeps its HTTP Host name; at 80 columns
# the status line, too wide with names and ended rows, keeps its row number.
# syn-timeout.pcap at --speed 1: space pauses, . steps one packet, + and -
# change the speed, e lists the ended flow.  SIGTERM; a cut file (footer,
# exit 1, the message after the screen); a fatal error (-w into a missing directory);
# the capture on stdin (keys from /dev/tty).  ndpi-synscan.pcap (SKIP
# without ../shared): ports view, sort by port both ways, End/Home/j,
# resizing to 100x25 and back.  At 80x24 (attrib-lo.pcapng): the header
# (basename, state), the narrow set of column titles on one screen, the
# units and B, s over shown columns only, the display filter (port 8081,
# a bad expression's error and the filter it keeps, a bare word), the
# details box scrolling, the Containers view (C: the sums, the filter,
# details), help; at 200x50 every column (the Containers view's too) and
# whole process names; udp-echo-unreach.pcap: the ICMP message by name.  T
# (SKIP without ../shared): gre.pcap and vxlan.pcap of ../shared/zeek at
# 80x24 and 200x50, each --tunnels mode's header and rows against that
# mode's report; a view started in outer.  As root, a live view on lo at
# 80x24: the packets line ends with the process share, T; a fanout group's
# member says so in its header; with --threads 1 (the view of a device
# without --threads is the pipeline's on 2 CPUs or more) a datagram's flow
# shows with its process.  After every exit: the status, stderr
# empty (no sanitizer report), and `stty -a` shows icanon and echo.
#
# Output: one line per check, "ok NAME", "FAIL NAME: reason" or
# "SKIP NAME: reason" (tests/run.sh adds them up).  Exit 1 when one failed.
# Env: PORTTOP (default ./porttop, e.g. build/san-address-undefined/porttop),
#      SHARED (default ../shared: the bigger captures),
#      WAIT (seconds to wait for a screen, default 20).
set -u
cd "$(dirname "$0")/../.." || exit 2
PORTTOP=${PORTTOP:-./porttop}
SHARED=${SHARED:-../shared}
WAIT=${WAIT:-20}
case $PORTTOP in /*) ;; *) PORTTOP=$(pwd)/$PORTTOP ;; esac

if ! command -v tmux >/dev/null 2>&1; then
	sudo=; [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
	$sudo apt-get install -y -q tmux >/dev/null 2>&1 ||
		{ $sudo apt-get update -q >/dev/null 2>&1 &&
		  $sudo apt-get install -y -q tmux >/dev/null 2>&1; }
fi
if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP tmux: tmux is missing and could not be installed"
	exit 0
fi
if [ ! -x "$PORTTOP" ]; then
	echo "FAIL tmux: PORTTOP=$PORTTOP is not an executable (make first)"
	exit 1
fi

sock=porttop-test-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/porttop-tmux.XXXXXX") || exit 2
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
failed=0

ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; failed=1; }
screen() { T capture-pane -p -t v; }
# The first table row (the line after the column titles).
row1() { screen | awk '/^(PROTO|    PID) /{ getline; print; exit }'; }
keys() { T send-keys -t v "$@"; }
# Type a shell command into the pane.
cmd() { T send-keys -t v -l "$1"; T send-keys -t v Enter; }
# wait_for ERE: poll the screen until a line matches (WAIT seconds).
wait_for() {
	i=0
	while [ $i -lt $((WAIT * 10)) ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# wait_true CMD...: poll until CMD succeeds (WAIT seconds); for checks on
# the whole screen, which may be read between two parts of one redraw.
wait_true() {
	i=0
	while [ $i -lt $((WAIT * 10)) ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	"$@"
}
# wait_gone ERE: poll until no line matches.
wait_gone() {
	i=0
	while [ $i -lt $((WAIT * 10)) ]; do
		screen | grep -Eq -- "$1" || return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# check NAME ERE [REASON]: one result from the screen.
check() {
	if wait_for "$2"; then ok "$1"; else fail "$1" "${3:-no line matches /$2/}"; fi
}
# check_row1 NAME ERE: the first row matches (after the key took effect).
check_row1() {
	i=0
	while [ $i -lt $((WAIT * 10)) ]; do
		row1 | grep -Eq -- "$2" && { ok "$1"; return; }
		sleep 0.1
		i=$((i + 1))
	done
	fail "$1" "first row is '$(row1 | tr -s ' ')', wanted /$2/"
}
# fresh: an empty pane, so that no earlier "rc=" line is taken for news.
fresh() {
	cmd clear
	wait_gone "^(rc|modes)=|^modes:" || fail setup "the pane does not clear"
}
# start FILE [OPTIONS]: run porttop in the pane (its pid in $tmp/pid,
# stderr in $tmp/err) and wait for the end of the replay.
start() {
	f=$1
	shift
	fresh
	cmd "sh -c 'echo \$\$ > $tmp/pid; exec \"\$0\" \"\$@\"' $PORTTOP -r $f $* 2>$tmp/err; echo \"rc=\$?\""
}
# after_exit NAME WANT_RC: porttop has exited with WANT_RC, said nothing
# unexpected on stderr, and left the terminal in cooked mode with echo.
after_exit() {
	if ! wait_for "^rc=[0-9]+"; then
		fail "$1" "porttop did not exit"
		return
	fi
	rc=$(screen | sed -n 's/^rc=\([0-9]*\).*/\1/p' | tail -1)
	cmd "echo \"modes: \$(stty -a | tr ' ;' '\n\n' | grep -x -e -icanon -e icanon -e -echo -e echo | tr '\n' ' ')\""
	if ! wait_for "^modes: "; then
		fail "$1" "the shell does not answer after porttop"
	elif [ "$rc" != "$2" ]; then
		fail "$1" "exit status $rc, wanted $2"
	elif ! screen | grep -q "^modes: icanon echo"; then
		fail "$1" "terminal not restored: $(screen | grep '^modes:')"
	elif [ "$2" = 0 ] && [ -s "$tmp/err" ]; then
		fail "$1" "stderr: $(head -c 300 "$tmp/err")"
	else
		ok "$1"
	fi
}

T new-session -d -x 160 -y 40 -s v "env TERM=xterm-256color LC_ALL=C TZ=UTC PS1='$ ' ENV= sh" ||
	{ echo "FAIL tmux: cannot start a tmux server"; exit 1; }
sleep 0.3

# ---- the HTTP capture: flows, sorting, details, ports, processes ----------
start pcaps/tcp-http-curl.pcap --speed 0
if ! wait_for "replay ended"; then
	fail flows-replay-ended "no 'replay ended' header: $(screen | head -1)"
fi
check flows-both "^tcp +10\.99\.0\.1:44986 +10\.99\.0\.2:8080 +SF " &&
	check flows-second "^tcp +10\.99\.0\.1:44996 +10\.99\.0\.2:8080 +SF "
check flows-header "flows, tunnels zeek: 2 live / 262144"
check flows-status "^\[Flows\] Ports  Processes  sort: RATE "
keys s s s		# RATE -> RATE10 -> RATE40 -> TOTAL
check sort-s-total "sort: TOTAL  "
check_row1 sort-total-first "10\.99\.0\.1:44986 "	# 1225 bytes > 1159
keys r
check sort-r-reversed "sort: TOTAL \(reversed\)"
check_row1 sort-r-first "10\.99\.0\.1:44996 "
keys '>' '>' r		# PKTS, AGE; oldest first again
check sort-age "sort: AGE  "
check_row1 sort-age-first "10\.99\.0\.1:44986 "
keys '<'
check sort-left "sort: PKTS  "
check_row1 sort-pkts-first "10\.99\.0\.1:44986 "	# 13 packets > 12
keys j Enter
check details-history "history +ShADadfF"
check details-fields "orig +10\.99\.0\.1 port 44996"
check details-dir "payload bytes +87 +264"
check details-behaviour "port state +open"
check details-handshake "handshake +SYN>SYN-ACK 0\.049 ms, SYN-ACK>ACK 0\.025 ms"
check details-missed "missed bytes +0 "
keys Escape
if wait_gone "history +ShADadfF"; then
	ok details-close
else
	fail details-close "the box is still there"
fi
keys b
check bytes-exact "total >1048 <1336"
keys b
check bytes-human "total >1\.0K <1\.3K"
keys p
check ports-view "^ Flows \[Ports\] Processes"
# a pcap file says nothing of processes: role and process unknown
check ports-8080 "^tcp +8080 - +open +2 +2 +2 +0 +0 +1 .* -$"
keys Enter
check ports-details "conns +2 \(2 live\)"
check ports-details-est "established +2"
check ports-details-state "evidence +open 2, closed 0, filtered 0 flows"
keys Escape P
check procs-view "^ +- +\(unattributed\) +- +2 +2 "	# 2 client ports
keys h
check help "porttop keys"
keys x f
check help-closes "^\[Flows\] "
keys Tab
check tab-cycles "^ Flows \[Ports\] "
keys q
after_exit quit-q 0

# ---- processes from a pcapng's comments (pcaps/README.md, scenario 12) -------
start pcaps/attrib-lo.pcapng --speed 0
check attrib-header "processes \(pcapng\): 100% of bytes"
check attrib-flow "^tcp +127\.0\.0\.1:52202 +127\.0\.0\.1:8081 +SF +curl:30885 "
check attrib-flow-udp "^udp +127\.0\.0\.1:44738 +127\.0\.0\.1:9997 +SF +python3:30970 "
keys p
check attrib-port "^tcp +8081 serve +open +2 .* python3$"
keys P
check attrib-procs "^ +30430 +python3 +root +2 +1 "
check attrib-procs-client "^ +30947 +curl +root +1 +1 "
keys c	# the cgroup column: a file's process shows its cgroup id
check attrib-cgroup "^ +30430 +python3 .* 1$"
keys / c u r l Enter
# the three curl rows alone, once the view has redrawn (a slow build,
# ASan's, may need a few tenths of a second)
i=0
while :; do
	rows=$(screen | awk '/^ +PID /{ f = 1; next } f && /^ +[0-9]+ /')
	if [ "$(echo "$rows" | grep -c .)" = 3 ] && ! echo "$rows" | grep -q python3; then
		break
	fi
	[ $i -ge $((WAIT * 10)) ] && break
	sleep 0.1
	i=$((i + 1))
done
if [ "$(echo "$rows" | grep -c .)" = 3 ] && ! echo "$rows" | grep -q python3; then
	ok attrib-filter-comm
else
	fail attrib-filter-comm "rows: $(echo "$rows" | tr -s ' ' | tr '\n' '|')"
fi
keys Enter
check attrib-details "process +(30885|30921|30947) curl, uid 0 +\(pcapng\)"	# highest rate first
keys Escape f / C-u Enter
check_row1 attrib-filter-cleared "^(tcp|udp) "
keys / 8 0 8 2 Enter Enter
check attrib-details-unrecorded "resp owner +- +\(unrecorded\)"
keys Escape q
after_exit attrib-quit 0

# ---- the display filter -------------------------------------------------------
start pcaps/udp-echo-unreach.pcap --speed 0
check filter-before "^udp +10\.99\.0\.1:55006 +10\.99\.0\.2:9998 "
keys / 9 9 9 9 Enter
check filter-status "filter: '9999'"
# one row, the 9999 flow: polled, as the status line (above the rows) may
# be read before the rest of the same redraw has reached the pane
one_9999_row() {
	rows=$(screen | awk '/^PROTO /{ f = 1; next } f && /^(tcp|udp|icmp)/')
	[ "$(echo "$rows" | grep -c .)" = 1 ] && echo "$rows" | grep -q 9999
}
if wait_true one_9999_row; then
	ok filter-rows
else
	fail filter-rows "rows: $(echo "$rows" | tr -s ' ' | tr '\n' '|')"
fi
keys / 9 8 Escape
check filter-esc-keeps "filter: '9999'"
keys / C-u Enter
check filter-cleared "filter: -  .*row 1/3"
keys q
after_exit filter-quit 0

# ---- 80x24: the narrow set of columns, units, the filter language -------------
# The title line (the line above the first row) and the widest line.
titles() { screen | sed -n 6p; }
widest() { screen | awk '{ if (length > m) m = length } END { print m + 0 }'; }
# has_titles T...: the title line has each of these words.
has_titles() {
	for t in "$@"; do
		titles | tr -s ' ' '\n' | grep -qxF -- "$t" || return 1
	done
}
T resize-window -t v -x 80 -y 24
start pcaps/attrib-lo.pcapng --speed 0
check narrow-header "^attrib-lo\.pcapng - replay ended "
check narrow-attrib "^packets: 30 captured; processes \(pcapng\): 100% of bytes"
if wait_true has_titles PROTO ORIG RESP STATE PROCESS 'B/s>' 'B/s<' &&
   [ "$(widest)" -le 80 ] && [ "$(screen | wc -l)" = 24 ]; then
	ok narrow-titles
else
	fail narrow-titles "titles '$(titles)', widest line $(widest)"
fi
check narrow-process "^tcp +127\.0\.0\.1:52202 +127\.0\.0\.1:8081 +SF +curl:30885 "
check narrow-units "^B/s >.* 10s >.* 40s >.*; total >.* bytes$"
keys B
if wait_true has_titles 'bit/s>' 'bit/s<'; then
	ok bits-titles
else
	fail bits-titles "titles '$(titles)'"
fi
check bits-header "^bit/s >[0-9.]+K <"
keys B
if wait_true has_titles 'B/s>' 'B/s<'; then ok bytes-titles; else
	fail bytes-titles "titles '$(titles)'"; fi
keys s	# RATE -> the next key whose column is on the screen
check narrow-sort-shown "sort: (RATE10|AGE|TOTAL|PROTO)  filter"
keys / p o r t Space 8 0 8 1 Enter
check dfilter-status "filter: 'port 8081'"
only_8081() {
	rows=$(screen | awk '/^PROTO /{ f = 1; next } f && /^(tcp|udp)/')
	[ "$(echo "$rows" | grep -c .)" = 2 ] && ! echo "$rows" | grep -qv ':8081 '
}
if wait_true only_8081; then ok dfilter-port; else
	fail dfilter-port "rows: $(echo "$rows" | tr -s ' ' | tr '\n' '|')"; fi
keys / C-u p o r t Space = = Enter
check dfilter-error "^filter error: column 8: expected "
keys Escape
check dfilter-error-keeps "filter: 'port 8081'"
keys / C-u 8 0 8 Enter	# a bare word: a substring, as before
check dfilter-substring "filter: '808'  row 1/3"
keys / C-u Enter
keys Enter
check details-scrolls "details: lines 1-[0-9]+ of [0-9]+"
keys Down
check details-scroll-down "details: lines 2-[0-9]+ of [0-9]+"
keys End
check details-scroll-end "RSTs "
# C, the Containers view: the six processes (none in a container or a
# unit) summed into one row: 7 flow ends, 6 ports, the bytes of all; the
# filter picks the three curl processes first, then they are summed
keys Escape C
check narrow-containers "^ +6 \(no container or unit\) +7 +6 +[0-9.]+K +[0-9.]+K +2\.9K +2\.8K -$"
keys / c u r l Enter
check containers-filter "^ +3 \(no container or unit\) +3 +3 .* 1\.2K +1\.4K -$"
keys Enter
check containers-details "processes +3 "
keys Escape / C-u Enter
keys Escape h
check help-narrow "porttop keys"
check help-bits "^ *.* B +rates in bytes \(B/s\) / bits"
keys x q
after_exit narrow-quit 0

# ---- 200x50: every column, whole process names ---------------------------------
T resize-window -t v -x 200 -y 50
start pcaps/attrib-lo.pcapng --speed 0
if wait_true has_titles PROTO ORIG RESP STATE PROCESS 'B/s>' 'B/s<' 10s 40s \
   'TOTAL>' 'TOTAL<' PKTS AGE; then
	ok wide-titles
else
	fail wide-titles "titles '$(titles)'"
fi
check wide-process "^udp +127\.0\.0\.1:44738 +127\.0\.0\.1:9997 +SF +python3:30970 "
keys P
check wide-procs "^ +PID S COMMAND +USER +FLOWS +PORTS +TX B/s +RX B/s "
keys C
check wide-containers "^PROCS CONTAINER/UNIT +FLOWS +PORTS +TX B/s +RX B/s +10s +40s +SENT +RECV +PKTS IMAGE$"
keys q
after_exit wide-quit 0

# ---- ICMP by name ------------------------------------------------------------------
start pcaps/udp-echo-unreach.pcap --speed 0
check icmp-row "^icmp +10\.99\.0\.2 +10\.99\.0\.1 unreach/port +OTH "
keys / p r o t o Space i c m p Enter Enter
check icmp-details "icmp +dest unreachable/port unreachable +\(type 3"
keys Escape q
after_exit icmp-quit 0
T resize-window -t v -x 160 -y 40

# ---- names: 127.0.0.1 is in /etc/hosts ----------------------------------------
if getent hosts 127.0.0.1 | grep -q localhost; then
	start pcaps/lo-nano.pcap --speed 0
	wait_for "replay ended"
	keys n
	check names-on "^tcp +localhost:41062 +localhost:8081 "
	keys N
	check names-off "^tcp +127\.0\.0\.1:41062 "
	keys q
	after_exit names-quit 0
else
	echo "SKIP names: 127.0.0.1 has no name here"
fi
# An ended flow keeps the name its own traffic gave (an HTTP Host), as a
# live one does (the flow timed out before the end of the file).
if [ -f "$SHARED/pcaps/zeek-conn-size.pcap" ]; then
	start "$SHARED/pcaps/zeek-conn-size.pcap" --speed 0
	wait_for "replay ended"
	keys e n
	check names-ended "^tcp +192\.150\.186\.169:53063 +adserv\.quality-channel\.de:80 +SF "
	# at 80 columns the status line with names and ended rows on is too
	# wide: its end, the row number, stays whole
	T resize-window -t v -x 80 -y 24
	check status-80 "^\[Flows\] .* ended: shown row 1/5$"
	T resize-window -t v -x 160 -y 40
	keys q
	after_exit names-ended-quit 0
else
	echo "SKIP names-ended: no $SHARED/pcaps/zeek-conn-size.pcap"
fi

# ---- T: the --tunnels modes of a replay, at 80x24 and 200x50 -------------------
# In each mode (T: zeek -> outer -> inner) the header names it, and the rows
# (live and ended: e) are those `--tunnels MODE --report flows` gives for
# the whole file: as many, with the same protocols and originators.
report_rows() {	# FILE MODE: "proto orig_h" per row (orig_h only when
		# the screen has no PROTO column: $withp), sorted
	$PORTTOP -r "$1" --tunnels "$2" --report flows --format csv 2>/dev/null |
		awk -F, -v p="$withp" 'NR > 1 { print (p ? $4 " " : "") $6 }' | sort
}
screen_rows() {	# the table's rows the same way
	screen | screen_rows_of
}
screen_rows_of() {	# screen_rows of the screen text on stdin
	awk '/^(PROTO|ORIG) /{ t = 1; p = $1 == "PROTO"; next }
		t && /^ *$/ { exit }	# the rows end before the footer
		t { o = $(1 + p); if (o ~ /^[0-9.]+:[0-9]+$/)
		sub(/:[0-9]+$/, "", o); print (p ? $1 " " : "") o }' | sort
}
tunnel_mode() {	# NAME FILE MODE: the screen shows MODE's rows
	tm=$3
	if ! wait_for "^flows, tunnels $tm: "; then
		fail "$1" "no 'flows, tunnels $tm:' header: $(screen | sed -n 3p)"
		return
	fi
	# both ways: the table may drop its PROTO column as wider rows come
	# in, so which one the screen shows is read at each look
	want_p=$(withp=1; report_rows "$2" "$tm")
	want_o=$(withp=0; report_rows "$2" "$tm")
	n=$(printf '%s\n' "$want_p" | grep -c .)
	if [ "$n" -gt 0 ] && wait_true tunnel_same; then
		ok "$1"
	else
		fail "$1" "header '$(screen | sed -n 3p)', rows '$(screen_rows | tr '\n' ';')', report ($n) '$(printf '%s' "$want" | tr '\n' ';')'"
	fi
}
tunnel_same() {	# live + ended in the header, and the rows, are the report's
	local s
	s=$(screen)
	want=$want_o
	printf '%s\n' "$s" | grep -q "^PROTO " && want=$want_p
	h=$(printf '%s\n' "$s" | sed -n "s/^flows, tunnels $tm: \([0-9]*\) live .*, \([0-9]*\) ended,.*/\1 \2/p")
	[ -n "$h" ] && [ $(( ${h% *} + ${h#* } )) = "$n" ] &&
	[ "$(printf '%s\n' "$s" | screen_rows_of)" = "$want" ]
}
for size in 80x24 200x50; do
	T resize-window -t v -x "${size%x*}" -y "${size#*x}"
	for tf in gre vxlan; do
		cap=$SHARED/zeek/$tf.pcap
		if [ ! -f "$cap" ]; then
			echo "SKIP tunnels-$size-$tf: $cap not found (set SHARED)"
			continue
		fi
		start "$cap" --speed 0
		wait_for "replay ended" || fail "tunnels-$size-$tf" "no 'replay ended'"
		keys e
		tunnel_mode "tunnels-$size-$tf-zeek" "$cap" zeek
		keys T
		check "tunnels-$size-$tf-said" "tunnels outer: the outermost IP headers"
		tunnel_mode "tunnels-$size-$tf-outer" "$cap" outer
		keys T
		tunnel_mode "tunnels-$size-$tf-inner" "$cap" inner
		keys T
		tunnel_mode "tunnels-$size-$tf-back" "$cap" zeek
		keys q
		after_exit "tunnels-$size-$tf-quit" 0
	done
	# a view started in outer (tunnels opened for T all the same)
	cap=$SHARED/zeek/gre.pcap
	if [ -f "$cap" ]; then
		start "$cap" --speed 0 --tunnels outer
		wait_for "replay ended"
		keys e
		tunnel_mode "tunnels-$size-start-outer" "$cap" outer
		keys T
		tunnel_mode "tunnels-$size-outer-inner" "$cap" inner
		keys h NPage	# below the first page of help at 80x24
		check "tunnels-$size-help" "T +tunnels: zeek -> outer -> inner"
		keys q q
		after_exit "tunnels-$size-start-outer-quit" 0
	fi
done
T resize-window -t v -x 160 -y 40

# ---- a live view at 80x24: the packets line keeps the process share; T -------
if [ "$(id -u)" = 0 ]; then
	T resize-window -t v -x 80 -y 24
	fresh
	cmd "$PORTTOP -i lo 2>$tmp/err; echo \"rc=\$?\""
	check live-80-packets "^packets: [0-9]+ captured, [0-9]+ dropped(;| \()"
	check live-80-share "^packets: .*; processes \([a-z]+\): [0-9]+% of bytes, [0-9]+ events lost$"
	keys T
	check live-80-tunnels "^flows, tunnels outer: [0-9]+ live "
	keys q
	after_exit live-80-quit 0
	# a member of a fanout group says it sees its share
	fresh
	cmd "$PORTTOP -i lo --fanout-group 9 2>$tmp/err; echo \"rc=\$?\""
	check live-80-fanout "^lo - live [0-9:]+ - fanout group 9 - no filter - porttop$"
	keys q
	after_exit live-80-fanout-quit 0
	# --threads 1: the view reads the table that the capture thread
	# writes (the default's is the table thread's, on 2 CPUs or more);
	# a datagram's flow shows, with its process, and ends
	fresh
	cmd "$PORTTOP -i lo --threads 1 2>$tmp/err; echo \"rc=\$?\""
	wait_for "^packets: [0-9]+ captured"
	python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", 9))'
	check live-80-one-thread-row "^udp +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:9 +[A-Z0]+ +python3:[0-9]+ "
	keys q
	after_exit live-80-one-thread-quit 0
	T resize-window -t v -x 160 -y 40
else
	echo "SKIP live-80: capturing on lo needs root"
fi

# ---- pause and step (a replay in real time) -----------------------------------
start pcaps/syn-timeout.pcap --speed 1
if wait_for "replay x1 "; then
	keys Space
	if wait_for "replay paused"; then
		n=$(screen | sed -n 's/^packets: \([0-9]*\) captured.*/\1/p')
		keys .
		check pause-step "^packets: $((n + 1)) captured"
		keys . .	# two steps at once: two packets
		check pause-steps "^packets: $((n + 3)) captured"
		keys Space
		check pause-resume "replay (x1|ended) "
	else
		fail pause "no 'replay paused'"
	fi
else
	fail pause "no 'replay x1' header"
fi
keys +
check speed-up "replay x2 "
keys - -
check speed-down "replay x0\.5 "
keys + + + + + + + + + + +
check speed-full "replay (, full speed|ended) "
wait_for "replay ended"
keys e	# the ended flow (the first SYN's, timed out) comes back
check ended-shown "ended: shown  row 1/2$"
keys e
check ended-hidden "filter: -  row 1/1$"
keys q
after_exit pause-quit 0

# ---- a stop signal: exit 0, terminal restored ----------------------------------
start pcaps/tcp-http-curl.pcap --speed 0
wait_for "replay ended"
kill -TERM "$(cat "$tmp/pid")" 2>/dev/null
after_exit sigterm 0

# ---- a damaged file: the view stays; exit 1, the message after the screen ------
head -c 1500 pcaps/tcp-http-curl.pcap > "$tmp/cut.pcap"
start "$tmp/cut.pcap" --speed 0
check damaged-footer "^input error: .*truncated"
keys q
after_exit damaged-exit 1
if grep -q "^porttop: .*cut\.pcap: .*truncated" "$tmp/err"; then
	ok damaged-message
else
	fail damaged-message "stderr: $(head -c 300 "$tmp/err")"
fi

# ---- a fatal error after the screen was taken: message, terminal restored -------
start pcaps/tcp-http-curl.pcap -w /nonexistent/dir/x.pcap
after_exit fatal-exit 2
if grep -q "^porttop: /nonexistent/dir/x.pcap: " "$tmp/err"; then
	ok fatal-message
else
	fail fatal-message "stderr: $(head -c 300 "$tmp/err")"
fi

# ---- the capture on stdin: keys come from /dev/tty -------------------------------
fresh
cmd "cat pcaps/tcp-http-curl.pcap | $PORTTOP -r - --speed 0 2>$tmp/err; echo \"rc=\$?\""
check stdin-replay "replay ended"
keys p
check stdin-keys "^tcp +8080 - +open +2 "
keys q
after_exit stdin-quit 0

# ---- a bigger capture: ports, sorting, moving, resizing ------------------------
scan=$SHARED/pcaps/ndpi-synscan.pcap
if [ -f "$scan" ]; then
	start "$scan" --speed 0
	wait_for "replay ended"
	keys p
	check scan-ports "^tcp +80 - +open +[0-9]+ "
	keys '<' '<'	# RATE -> CONNS -> PORT
	check scan-sort-port "sort: PORT  "
	check_row1 scan-port-first "^tcp +1 - "
	keys r
	check_row1 scan-port-last "^tcp +65389 - "
	keys End
	check scan-end "row ([0-9]+)/\1$"
	keys Home j
	check scan-down "row 2/[0-9]+$"
	T resize-window -t v -x 100 -y 25
	# all of it on one screen, once porttop has redrawn for SIGWINCH (the
	# footer of the old screen may still be there before that)
	resized() {
		[ "$(screen | wc -l)" = 25 ] &&
		[ "$(screen | awk '{ if (length > m) m = length } END { print m }')" -le 100 ] &&
		screen | sed -n 25p | grep -q "^q quit"
	}
	if wait_true resized; then
		ok resize
	else
		fail resize "screen after resizing to 100x25: $(screen | sed -n '1p;$p' | tr '\n' '|')"
	fi
	T resize-window -t v -x 160 -y 40
	check resize-back "^PROTO  PORT ROLE .* PROCESS$"
	keys q
	after_exit scan-quit 0
else
	echo "SKIP scan: $scan not found (set SHARED)"
fi

exit $failed
