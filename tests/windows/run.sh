#!/bin/sh
# tests/windows/run.sh - porttop.exe (make windows) under wine against the
# Linux build:
#   - the offline reports (flows as JSON Lines, ports, procs) of every
#     capture in $SHARED/pcaps (read where they are) and pcaps/, and
#     --batch of pcaps/: stdout, stderr and the exit status byte-identical;
#   - what differs on Windows: without wpcap.dll a pcap file says Npcap is
#     needed (exit 2), so does -D, and a pcapng file is read all the same;
#     -Z and --ipfix say they are not there (exit 2); -w and --events
#     write the Linux build's bytes;
#   - -r -: pcap and pcapng files on standard input, from a file and from
#     a pipe (cap_file_win.c), the Linux build's bytes;
#   - porttop check (TAP, a bad rules file's message, --junit XML) and
#     porttop diff (a baseline, a changed one, two captures, --tolerance
#     and --ignore): stdout, stderr, exit status and XML byte-identical;
#   - RFC 9001 Appendix A's vectors through the QUIC code on CNG
#     (tests/windows/quic_rfc9001.c), so the captures' QUIC server names
#     are the Linux build's too;
#   - process owners (tests/windows/owner.c): names, token users and
#     services as attrib/attr_owner_win.c reads them from wine;
#   - what wine gives a real-time ETW session (tests/windows/etw_probe.c),
#     said as a SKIP: porttop.exe has no ETW back end;
#   - the interactive view in tmux (tests/windows/view.sh): drawn, keys,
#     q and Ctrl-C end it with the terminal restored;
#   - -D and -i on devices named as Npcap names them, through a stand-in
#     wpcap.dll (tests/windows/npf_standin.c): friendly names, -i by
#     friendly name, number or NPF name; and live on its loopback
#     adapter, the listeners a test program holds (tests/windows/listen.c)
#     from IP Helper's tables, in the ports report and the events;
#   - with WIN_CORRUPT=1, the commands the corrupt-input suite runs
#     (tests/corrupt, through tests/windows/record.sh; every 8th,
#     CORRUPT_EVERY): the same exit status and stdout.
# All the Windows runs go through one wine start (tests/windows/winrun.c
# reads the list; a persistent wineserver for this suite's own prefix,
# tests/out/wine, stopped at the end).  Skips, with the reason, when MinGW
# or wine64 is missing; builds porttop.exe when it is not there.
#
# Env: PORTTOP (the Linux binary, default ./porttop), SHARED (../shared),
#      WIN_EXE (build-win/porttop.exe), WIN_QUICK=1 (what differs, check,
#      diff and the view: no captures, no corrupt suite).  Output: "ok NAME", "FAIL NAME:
#      why", "SKIP NAME: why"; details in tests/out/windows/.
set -u
cd "$(dirname "$0")/../.." || exit 2
PORTTOP=${PORTTOP:-./porttop}
SHARED=${SHARED:-../shared}
WIN_EXE=${WIN_EXE:-build-win/porttop.exe}
WIN_CC=${WIN_CC:-x86_64-w64-mingw32-gcc-posix}
WINE=$(command -v wine64 2>/dev/null || echo /usr/lib/wine/wine64)
WINESERVER=$(command -v wineserver 2>/dev/null || echo /usr/lib/wine/wineserver)
start=$(date +%s)

if [ -n "${SAN:-}" ]; then	# make check's sanitizer pass
	echo "SKIP windows: porttop.exe is not built with sanitizers; the plain pass ran it"
	exit 0
fi
if ! command -v "$WIN_CC" >/dev/null 2>&1; then
	echo "SKIP windows: $WIN_CC not found (apt-get install gcc-mingw-w64-x86-64-posix)"
	exit 0
fi
if [ ! -x "$WINE" ]; then
	echo "SKIP windows: wine64 not found (apt-get install wine64)"
	exit 0
fi
out=tests/out/windows
rm -rf "$out/run" && mkdir -p "$out/run"
if [ ! -x "$WIN_EXE" ] && ! make -s -j2 windows > "$out/build.log" 2>&1; then
	echo "FAIL windows-build: make windows failed (see $out/build.log)"
	exit 1
fi
QUIC_TEST=build-win/tests/quic_rfc9001.exe OWNER_TEST=build-win/tests/owner.exe
ETW_PROBE=build-win/tests/etw_probe.exe
make -s "$QUIC_TEST" "$OWNER_TEST" "$ETW_PROBE" >> "$out/build.log" 2>&1 || {
	echo "FAIL windows-build: make $QUIC_TEST $OWNER_TEST $ETW_PROBE failed (see $out/build.log)"
	exit 1; }
"$WIN_CC" -O2 -static -o "$out/winrun.exe" tests/windows/winrun.c || {
	echo "FAIL windows-winrun: cannot build tests/windows/winrun.c"; exit 1; }
"$WIN_CC" -O2 -static -o "$out/listen.exe" tests/windows/listen.c -lws2_32 || {
	echo "FAIL windows-listen: cannot build tests/windows/listen.c"; exit 1; }

TZ=UTC LC_ALL=C PORTTOP_HASH_SEED=000102030405060708090a0b0c0d0e0f
# wpcap=n: wine has a builtin wpcap.dll (over the host's libpcap); the
# test is of the one beside porttop.exe.  No Mono or Gecko prompts.
WINEPREFIX=$PWD/tests/out/wine WINEDEBUG=-all
WINEDLLOVERRIDES="wpcap=n;mscoree=;mshtml="
export TZ LC_ALL PORTTOP_HASH_SEED WINEPREFIX WINEDEBUG WINEDLLOVERRIDES
exe=$(echo "$WIN_EXE" | tr / '\\')
d=$out/run
: > "$d/manifest"

# One report of one capture: Linux now, Windows into the manifest; with
# add_in, STDIN is both builds' standard input (add: none).
add_in() {	# NAME STDIN ARGS...
	name=$1 in=$2
	shift 2
	"$PORTTOP" "$@" < "$in" > "$d/$name.lin.out" 2> "$d/$name.lin.err"
	echo $? > "$d/$name.lin.rc"
	[ "$in" != /dev/null ] || in=-
	printf '@ %s %s %s %s\n%s\n' "$name" "$in" "$d/$name.win.out" \
		"$d/$name.win.err" "$exe" >> "$d/manifest"
	for a in "$@"; do printf '%s\n' "$a" >> "$d/manifest"; done
	echo . >> "$d/manifest"
}
add() {		# NAME ARGS...
	name=$1
	shift
	add_in "$name" /dev/null "$@"
}

# What Windows does differently, each checked on its own (see below).
mkdir -p "$d/nodll"
cp "$WIN_EXE" "$d/nodll/"
nodll=$(echo "$d/nodll/porttop.exe" | tr / '\\')
extra_in() {	# NAME STDIN EXE ARGS...
	name=$1 in=$2 e=$3
	shift 3
	printf '@ %s %s %s %s\n%s\n' "$name" "$in" "$d/$name.win.out" \
		"$d/$name.win.err" "$e" >> "$d/manifest"
	for a in "$@"; do printf '%s\n' "$a" >> "$d/manifest"; done
	echo . >> "$d/manifest"
}
extra() {	# NAME EXE ARGS...
	name=$1
	shift
	extra_in "$name" - "$@"
}
extra x-nodll-pcap "$nodll" -r pcaps/lo-nano.pcap --report ports
extra x-nodll-pcapng "$nodll" -r pcaps/dumpcap.pcapng --report ports
extra x-Z "$exe" -r pcaps/lo-nano.pcap -Z nobody
extra x-ipfix "$exe" -r pcaps/lo-nano.pcap --ipfix 127.0.0.1:4739
extra x-nodll-D "$nodll" -D
extra_in x-nodll-stdin pcaps/lo-nano.pcap "$nodll" -r - --report ports
# A file named nul.* is Windows' NUL device (Win32 path rules, which wine
# follows): -F reads it as empty, no filter, as Linux reads /dev/null.
printf 'tcp\000port 80\n' > "$d/nul.filter"
extra x-nul-name "$exe" -r pcaps/tcp-http-curl.pcap --report ports -F "$d/nul.filter"
"$PORTTOP" -r pcaps/tcp-http-curl.pcap --report ports -F /dev/null \
	> "$d/x-nul-name.lin.out" 2>/dev/null
extra x-w "$exe" -r pcaps/tcp-http-curl.pcap -w "$d/x-w.win.pcap" \
	--events "$d/x-w.win.jsonl" --report none
"$PORTTOP" -r pcaps/dumpcap.pcapng --report ports > "$d/x-nodll-pcapng.lin.out" 2>/dev/null
"$PORTTOP" -r pcaps/tcp-http-curl.pcap -w "$d/x-w.lin.pcap" \
	--events "$d/x-w.lin.jsonl" --report none 2>/dev/null

# porttop check and diff (rules/): the golden suite's rules files and
# tests/check's baselines give the Linux build's TAP, diff lines and JUnit.
R=tests/check/rules B=tests/check/baselines C=pcaps/attrib-lo.pcapng
add check-attrib-lo-pass check "$R/attrib-lo-pass.yaml" -r "$C"
add check-attrib-lo-fail -r "$C" --check "$R/attrib-lo-fail.yaml"
add check-synscan-fail -r "$SHARED/pcaps/ndpi-synscan.pcap" \
	--check "$R/synscan-fail.yaml"
add check-bad-dup check tests/check/bad/dup-key.yaml -r "$C"
add check-bad-field check tests/check/bad/agg-field.yaml -r "$C"
add diff-same diff "$B/attrib-lo.json" "$C"
add diff-changed diff "$B/attrib-lo.json" "$B/attrib-lo-changed.json"
add diff-tolerance diff --tolerance 50% --ignore orig_pkts "$C" \
	pcaps/tcp-http-curl.pcap
add diff-captures diff "$C" pcaps/tcp-http-curl.pcap
extra x-junit "$exe" check "$R/attrib-lo-fail.yaml" -r "$C" \
	--junit "$d/x-junit.win.xml"
"$PORTTOP" check "$R/attrib-lo-fail.yaml" -r "$C" \
	--junit "$d/x-junit.lin.xml" > /dev/null 2>&1

# -r -: a pcap or pcapng file on standard input (cap_file_win.c pumps it
# into a pipe for wpcap.dll): both byte orders and precisions, the
# largest capture (more than the pipe's 1 MiB), damaged ones, a cut one,
# an empty one, one that is no capture at all.
head -c 1000 pcaps/retrans.pcap > "$d/cut.pcap"
printf 'not a capture file\n' > "$d/garbage.txt"
add_in stdin-lo-nano pcaps/lo-nano.pcap -r - --report ports
add_in stdin-dumpcap pcaps/dumpcap.pcapng -r - --report ports
add_in stdin-cut "$d/cut.pcap" -r - --report flows --format json
add_in stdin-empty /dev/null -r - --report ports
add_in stdin-garbage "$d/garbage.txt" -r - --report ports
STDIN_BIG=suricata-http-mime-truncated-input.pcap
[ -n "${WIN_QUICK:-}" ] || for b in $STDIN_BIG tcpdump-pptp.pcap \
	tcpdump-tcp-handshake-nano.pcap ndpi-fuzz-2021-10-13.pcap \
	ndpi-alexa-app.pcapng ndpi-rtsp.pcap ndpi-sites-headc-200000.pcapng; do
	[ -f "$SHARED/pcaps/$b" ] &&
		add_in "stdin-$b" "$SHARED/pcaps/$b" -r - --report flows \
			--format json
done

n=0
[ -n "${WIN_QUICK:-}" ] || for f in "$SHARED"/pcaps/*.pcap "$SHARED"/pcaps/*.pcapng pcaps/*.pcap \
	 pcaps/*.pcapng; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	b=$(basename "$f")
	add "flows-$b" -r "$f" --report flows --format json
	add "ports-$b" -r "$f" --report ports
	add "procs-$b" -r "$f" --report procs
	# --batch's screens (the view's model, as text), for the repo's own
	# captures: made for each feature, they cover its columns
	case $f in pcaps/*) add "batch-$b" -r "$f" --batch --speed 0 ;; esac
done
[ -d "$SHARED/pcaps" ] ||
	echo "SKIP windows-shared: $SHARED/pcaps not found (set SHARED)"

# The corrupt-input suite's commands, recorded as they run on Linux.
mkdir -p "$d/corrupt"
# Only with WIN_CORRUPT=1: it is most of this suite's time (README
# "Windows" says what differed and why).
[ -n "${WIN_QUICK:-}" ] || [ -z "${WIN_CORRUPT:-}" ] ||
	REC_DIR=$PWD/$d/corrupt REC_LINUX=$PORTTOP REC_SEED=$PORTTOP_HASH_SEED \
	PORTTOP=tests/windows/record.sh \
	tests/corrupt/run.sh > "$d/corrupt.log" 2>&1
export REC_DIR REC_LINUX
# wine starts a process in about half a second here: of the suite's
# commands (1,593, most of them one file cut at each of its bytes) every
# CORRUPT_EVERY-th (default 8) runs on Windows too.
awk -v k="${CORRUPT_EVERY:-8}" '/^@/ { n++; keep = (n - 1) % k == 0 }
	keep' "$d/corrupt/manifest" >> "$d/manifest" 2>/dev/null

# -D's lines: each wine adapter with its friendly name, which is a Linux
# interface's (wine names adapters after them), then Npcap's loopback; -i
# by friendly name (any case), by number and by NPF name opens the same
# device; an unknown name is passed on as it is; no -i picks the first
# device that is up and not a loopback.
npf_checks() {
	sed -n 's/^\([0-9]*\)\.\\Device\\NPF_\({[^}]*}\) (\([^:]*\): stand-in [0-9]*) .*/\1 \2 \3/p' \
		"$npf/D.txt" > "$npf/devs"
	bad=$(while read -r k g f; do [ -e "/sys/class/net/$f" ] || echo "$f"; done < "$npf/devs")
	ndev=$(wc -l < "$npf/devs")
	nguid=$(grep -c 'NPF_{' "$npf/D.txt")
	if [ "$drc" = 0 ] && [ "$ndev" -gt 0 ] && [ "$ndev" = "$nguid" ] &&
	   [ -z "$bad" ] && grep -q '^[0-9]*\.\\Device\\NPF_Loopback (Adapter for loopback traffic capture) \[Up, Running, Loopback\]$' "$npf/D.txt"; then
		echo "ok windows-npf-D ($ndev adapters with their friendly names, and NPF_Loopback)"
	else
		echo "FAIL windows-npf-D: exit $drc, $ndev of $nguid devices named${bad:+, not interfaces: $bad} ($npf/D.*)"
		fails=$((fails + 1))
		return
	fi
	set -- $(tail -n 1 "$npf/devs")
	k=$1 g=$2 f=$3
	first=$(grep -v Loopback "$npf/D.txt" | head -n 1 | sed 's/^[0-9]*\.\([^ ]*\) .*/\1/')
	upper=$(printf '%s' "$f" | tr a-z A-Z)
	: > "$npf/manifest"
	for i in name:"$f" case:"$upper" number:"$k" npf:"\\Device\\NPF_$g" \
		 unknown:nosuch default:; do
		printf '@ %s - %s %s\n%s\n' "${i%%:*}" "$npf/${i%%:*}.out" \
			"$npf/${i%%:*}.err" "$(echo "$npf/porttop.exe" | tr / '\\')"
		[ -z "${i#*:}" ] || printf -- '-i\n%s\n' "${i#*:}"
		printf -- '--report\nports\n.\n'
	done >> "$npf/manifest"
	# --fanout-group is Linux's PACKET_FANOUT: Npcap says no, before
	# opening anything
	printf '@ fanout - %s %s\n%s\n-i\n%s\n--fanout-group\n7\n--report\nports\n.\n' \
		"$npf/fanout.out" "$npf/fanout.err" \
		"$(echo "$npf/porttop.exe" | tr / '\\')" "\\Device\\NPF_$g" >> "$npf/manifest"
	"$WINE" "$out/winrun.exe" "$npf/manifest" "$npf/results" > "$npf/wine.log" 2>&1
	for i in name case number npf; do
		npf_expect "$i" "porttop: \\Device\\NPF_$g: stand-in: no packets"
	done
	npf_expect unknown "porttop: nosuch: No such device exists (porttop -D lists the devices)"
	npf_expect default "porttop: $first: stand-in: no packets"
	npf_expect fanout "porttop: --fanout-group: Npcap has no fanout groups (Linux's PACKET_FANOUT)"
	npf_live
}
# Live on the stand-in's loopback adapter (no packets): the listeners
# tests/windows/listen.c holds, from IP Helper's tables, in the ports
# report (listening-idle) and as listener_new events with their address.
# Wine gives every socket pid 0, so no owner: not checked (README).
npf_live() {
	w() { echo "$1" | tr / '\\'; }
	"$WINE" "$out/listen.exe" "$(w "$npf/ports.txt")" "$(w "$npf/porttop.exe") -i \\Device\\NPF_Loopback --report ports --duration 3 --events $(w "$npf/ev.jsonl")" \
		> "$npf/live.out" 2> "$npf/live.err"
	lrc=$?
	why=
	[ "$lrc" = 0 ] || why="exit $lrc"
	grep -q '^porttop: attribution: iphlp' "$npf/live.err" ||
		why="$why${why:+; }no 'attribution: iphlp'"
	tr -d '\r' < "$npf/ports.txt" > "$npf/ports.lst" 2>/dev/null
	while read -r kind port; do
		proto=${kind%6} addr=127.0.0.1
		[ "$kind" != tcp6 ] || addr=::1
		grep -Eq "^$proto +$port +listening-idle .* - \(listening\)\$" "$npf/live.out" ||
			why="$why${why:+; }no $kind $port line"
		grep -q "\"type\":\"listener_new\",\"proto\":\"$proto\",\"addr\":\"$addr\",\"port\":$port,\"pid\":null,.*\"at_start\":true" "$npf/ev.jsonl" ||
			why="$why${why:+; }no listener_new for $addr $proto $port"
	done < "$npf/ports.lst"
	[ -s "$npf/ports.lst" ] || why="$why${why:+; }no sockets (tests/windows/listen.c)"
	if [ -z "$why" ]; then
		echo "ok windows-npf-live-listeners (tcp 127.0.0.1, tcp ::1, udp 127.0.0.1: ports report and events; wine's pid 0 gives no owner)"
	else
		echo "FAIL windows-npf-live-listeners: $why ($npf/live.*, ev.jsonl)"
		fails=$((fails + 1))
	fi
}
npf_expect() {	# NAME STDERR
	if [ "$(grep "^$1 " "$npf/results" | cut -d' ' -f2 | tr -d '\r')" = 2 ] &&
	   [ "$(tr -d '\r' < "$npf/$1.err")" = "$2" ]; then
		echo "ok windows-npf-i-$1"
	else
		echo "FAIL windows-npf-i-$1: not exit 2 with \"$2\" ($npf/$1.err)"
		fails=$((fails + 1))
	fi
}
fails=0
"$WINESERVER" -p 2>/dev/null
t0=$(date +%s)
"$WINE" "$out/winrun.exe" "$d/manifest" "$d/results" > "$d/wine.log" 2>&1
t1=$(date +%s)
# -r - from a pipe (winrun gives files): the largest capture, through a
# Unix pipe that wine hands porttop.exe as a Windows pipe.
pipe_in=$SHARED/pcaps/$STDIN_BIG
[ -f "$pipe_in" ] || pipe_in=pcaps/tcp-http-curl.pcap
"$PORTTOP" -r - --report flows --format json < "$pipe_in" \
	> "$d/stdin-pipe.lin.out" 2> "$d/stdin-pipe.lin.err"
lrc=$?
cat "$pipe_in" | "$WINE" "$WIN_EXE" -r - --report flows --format json \
	> "$d/stdin-pipe.win.out" 2> "$d/stdin-pipe.win.err"
prc=$?
if [ "$prc" = "$lrc" ] && cmp -s "$d/stdin-pipe.lin.out" "$d/stdin-pipe.win.out" &&
   cmp -s "$d/stdin-pipe.lin.err" "$d/stdin-pipe.win.err"; then
	echo "ok windows-stdin-pipe (-r - from a pipe: $(basename "$pipe_in"))"
else
	echo "FAIL windows-stdin-pipe: exit $prc (Linux $lrc) or other bytes ($d/stdin-pipe.*)"
	fails=$((fails + 1))
fi
# -D and -i (capture/cap_live_win.c) on devices named as Npcap names them:
# tests/windows/npf_standin.c, a wpcap.dll listing wine's adapters as
# \Device\NPF_{GUID} (described "stand-in N", not by name) and failing
# to activate them, so the message names the device -i chose.
npf=$d/npf
mkdir -p "$npf"
cp "$WIN_EXE" "$npf/"
if "$WIN_CC" -O2 -shared -Dpcap_EXPORTS -Ibuild-win/deps/include \
	-o "$npf/wpcap.dll" tests/windows/npf_standin.c -liphlpapi; then
	"$WINE" "$npf/porttop.exe" -D > "$npf/D.out" 2> "$npf/D.err"
	drc=$?
	tr -d '\r' < "$npf/D.out" > "$npf/D.txt"
	npf_checks
else
	echo "FAIL windows-npf: cannot build tests/windows/npf_standin.c"
	fails=$((fails + 1))
fi
# Test programs on the Windows code itself, TAP lines, exit 1 when one is
# "not ok"; their "# SKIP" lines said as SKIP.
tap() {		# NAME EXE WHAT
	"$WINE" "$2" > "$out/$1.tap" 2> "$out/$1.err"
	rc=$?
	nt=$(grep -c '^ok ' "$out/$1.tap")
	if [ "$rc" = 0 ] && [ "$nt" -gt 0 ] && ! grep -q '^not ok' "$out/$1.tap"
	then
		echo "ok windows-$1 ($nt checks: $3)"
	else
		echo "FAIL windows-$1: exit $rc ($out/$1.tap, $out/$1.err)"
		fails=$((fails + 1))
	fi
	sed -n "s/^# SKIP \([^:]*\): /SKIP windows-$1-\1: /p" "$out/$1.tap"
}
# RFC 9001 Appendix A through the QUIC code on CNG (wine's bcrypt.dll,
# over GnuTLS).
tap quic-rfc9001 "$QUIC_TEST" "A.1 keys, A.2 mask and packet, A.3"
# Process owners (attrib/attr_owner_win.c): wine's tables give pid 0 to
# every socket, so this asks for processes the program names itself.
tap owner "$OWNER_TEST" "its own name and user, the services' processes"
# ETW (short-lived sockets' owners): what this wine gives a real-time
# session on Microsoft-Windows-Kernel-Network (tests/windows/etw_probe.c).
"$WINE" "$ETW_PROBE" > "$out/etw.txt" 2>/dev/null
erc=$?
etw=$(tr -d '\r' < "$out/etw.txt")
case $erc in
0) echo "SKIP windows-etw: porttop.exe has no ETW back end, and this wine gives no events to test one: $etw" ;;
3) echo "SKIP windows-etw: this wine opens real-time ETW sessions ($etw): an ETW back end could be tested here now" ;;
*) echo "FAIL windows-etw: $ETW_PROBE did not run: $etw"; fails=$((fails + 1)) ;;
esac
# The view, in tmux, on the same wine server (tests/windows/view.sh).
WINE=$WINE WIN_EXE=$WIN_EXE PORTTOP=$PORTTOP tests/windows/view.sh ||
	fails=$((fails + 1))
t2=$(date +%s)
"$WINESERVER" -k 2>/dev/null

check() {	# NAME LINUX-PREFIX WINDOWS-PREFIX WIN-RC STDERR-TOO
	why=""
	[ "$(cat "$2.rc" 2>/dev/null)" = "$4" ] ||
		why="exit $4, Linux $(cat "$2.rc" 2>/dev/null)"
	cmp -s "$2.out" "$3.out" || why="$why${why:+; }stdout differs"
	[ "$5" = 0 ] || cmp -s "$2.err" "$3.err" ||
		why="$why${why:+; }stderr differs"
	if [ -z "$why" ]; then
		echo "ok windows-$1"
	else
		echo "FAIL windows-$1: $why ($2.*, $3.*)"
		fails=$((fails + 1))
	fi
}
# x-NAME: exit status and a word of the message, or the Linux bytes.
expect() {	# NAME RC REGEX
	if [ "$(grep "^$1 " "$d/results" | cut -d' ' -f2)" = "$2" ] &&
	   grep -Eq -e "$3" "$d/$1.win.err"; then
		echo "ok windows-$1"
	else
		echo "FAIL windows-$1: not exit $2 with /$3/ ($d/$1.win.err)"
		fails=$((fails + 1))
	fi
}
expect x-nodll-pcap 2 'Npcap is needed \(https://npcap.com\)'
expect x-nodll-pcapng 0 'packets read'
expect x-Z 2 '-Z is Linux-only'
expect x-ipfix 2 'IPFIX export is not in this build'
expect x-nodll-D 2 'Npcap is needed'
expect x-nodll-stdin 2 'Npcap is needed \(https://npcap.com\)'
if cmp -s "$d/x-junit.lin.xml" "$d/x-junit.win.xml" &&
   [ "$(grep "^x-junit " "$d/results" | cut -d' ' -f2 | tr -d '\r')" = 1 ]; then
	echo "ok windows-x-junit (the Linux build's JUnit XML, exit 1)"
else
	echo "FAIL windows-x-junit: $d/x-junit.*.xml differ, or not exit 1"
	fails=$((fails + 1))
fi
if cmp -s "$d/x-nul-name.lin.out" "$d/x-nul-name.win.out" &&
   [ "$(grep "^x-nul-name " "$d/results" | cut -d' ' -f2 | tr -d '\r')" = 0 ]; then
	echo "ok windows-x-nul-name (-F DIR/nul.filter reads the NUL device: no filter, as -F /dev/null on Linux)"
else
	echo "FAIL windows-x-nul-name: $d/x-nul-name.*.out differ, or not exit 0"
	fails=$((fails + 1))
fi
if cmp -s "$d/x-nodll-pcapng.lin.out" "$d/x-nodll-pcapng.win.out" &&
   cmp -s "$d/x-w.lin.pcap" "$d/x-w.win.pcap" &&
   cmp -s "$d/x-w.lin.jsonl" "$d/x-w.win.jsonl"; then
	echo "ok windows-x-same-bytes (pcapng without wpcap.dll, -w, --events)"
else
	echo "FAIL windows-x-same-bytes: $d/x-nodll-pcapng.*.out, x-w.*"
	fails=$((fails + 1))
fi
tr -d '\r' < "$d/results" > "$d/results.txt"
while read -r name rc; do
	case $name in
	x-*) ;;
	corrupt-*)
		r=$d/corrupt/c${name#corrupt-}
		check "$name" "$r/lin" "$r/win" "$rc" 0 ;;
	*)	check "$name" "$d/$name.lin" "$d/$name.win" "$rc" 1 ;;
	esac
done < "$d/results.txt"
want=$(grep -c '^@' "$d/manifest")
got=$(wc -l < "$d/results" 2>/dev/null || echo 0)
[ "$got" -eq "$want" ] || {
	echo "FAIL windows-wine: $got of $want commands ran (see $d/wine.log)"
	fails=$((fails + 1)); }
echo "windows: $n captures, $want commands; wine $((t1 - t0)) s, view $((t2 - t1)) s, suite $(( $(date +%s) - start )) s" >&2
[ "$fails" -eq 0 ]
