#!/bin/sh
# tests/corrupt/run.sh - porttop on damaged files and wrong command lines.
#
# Usage (from any directory):
#   tests/corrupt/run.sh
#   PORTTOP=build/san-address-undefined/porttop tests/corrupt/run.sh
#   tests/run.sh corrupt                    (with the other suites' totals)
# Environment:
#   PORTTOP  porttop binary, relative to the repo root (default ./porttop)
#   SHARED   shared folder with the third-party captures (default ../shared);
#            the cases on its damaged captures SKIP when it is missing.
#
# Every damaged input is made here, in a temporary directory, from our own
# captures in pcaps/ (nothing binary is committed): cut at a chosen byte,
# or with one length or link-type field overwritten.  Each case checks
# porttop's documented behaviour (porttop --help, ui/run.h):
#   - the exit status: 0 ok, 1 input damaged mid-way (with a report of what
#     was read), 2 usage error, unreadable file, bad filter, unsupported DLT;
#   - no crash, and no sanitizer report on stderr ("ERROR: AddressSanitizer",
#     "runtime error:", LeakSanitizer) when PORTTOP is a sanitizer build;
#   - exactly one error line on stderr, naming the problem (besides the two
#     summary lines of a run that read packets, and the "Try 'porttop
#     --help'." hint after a usage error); nothing on stdout after exit 2;
#   - damage mid-way: the flows of the packets read before the damage are
#     still reported, exactly as a run on the undamaged file with -c K (K =
#     the packets before the damage) reports them, the summary says K
#     packets were read, and the error line says "damaged after K packets".
#     When tcpdump is installed, the case also checks that libpcap itself
#     (tcpdump --count) reads those same K packets from the damaged file.
#
# Output: one line per case, "ok NAME", "FAIL NAME: reason" (details
# indented below) or "SKIP NAME: reason".  Exit status 1 if a case failed.

set -u
cd "$(dirname "$0")/../.." || exit 2

. tests/lib/env.sh

if [ ! -x "$PORTTOP" ]; then
	echo "$0: PORTTOP=$PORTTOP is not an executable (run make first)" >&2
	exit 2
fi
have_tcpdump=0
command -v tcpdump >/dev/null 2>&1 && have_tcpdump=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/porttop-corrupt.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
failed=0

# The undamaged captures everything is made from.
PCAP=pcaps/tcp-http-curl.pcap	# pcap, microseconds, EN10MB, 27 packets
NG=pcaps/dumpcap.pcapng		# pcapng: SHB, IDB, 19 EPBs, ISB

# ---- reading and patching binary files with od, printf and dd ------------

# u32le FILE OFFSET: the little-endian 32-bit number at OFFSET.
u32le() {
	od -An -tu1 -j "$2" -N 4 "$1" |
		awk '{ print $1 + 256 * $2 + 65536 * $3 + 16777216 * $4 }'
}

# put_le FILE OFFSET VALUE [BYTES]: overwrite BYTES (default 4) bytes at
# OFFSET with VALUE, little-endian.
put_le() {
	v=$3 n=${4:-4} fmt=
	while [ "$n" -gt 0 ]; do
		fmt="$fmt\\$(printf %03o $((v & 255)))"
		v=$((v >> 8))
		n=$((n - 1))
	done
	# shellcheck disable=SC2059
	printf "$fmt" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# rec_off FILE N: byte offset of record N (0 = first) of a pcap file: after
# the 24-byte file header, each record is a 16-byte header (caplen at +8)
# and caplen bytes.
rec_off() {
	off=24 i=0
	while [ "$i" -lt "$2" ]; do
		off=$((off + 16 + $(u32le "$1" $((off + 8)))))
		i=$((i + 1))
	done
	echo "$off"
}

# blk_off FILE N: byte offset of block N (0 = the SHB) of a pcapng file
# (each block: type, total length, body, total length again).
blk_off() {
	off=0 i=0
	while [ "$i" -lt "$2" ]; do
		off=$((off + $(u32le "$1" $((off + 4)))))
		i=$((i + 1))
	done
	echo "$off"
}

# garbage FILE N: N pseudo-random bytes, the same on every run and machine
# (a linear congruential generator: no /dev/urandom, no awk differences).
garbage() {
	x=20240601 i=0 fmt=
	while [ "$i" -lt "$2" ]; do
		x=$(((x * 1103515245 + 12345) % 2147483648))
		fmt="$fmt\\$(printf %03o $(((x >> 16) & 255)))"
		i=$((i + 1))
	done
	# shellcheck disable=SC2059
	printf "$fmt" >"$1"
}

# damaged NAME: a fresh copy of a capture to damage, $tmp/NAME.
damaged() {
	cp "$2" "$tmp/$1"
	echo "$tmp/$1"
}

# ---- running porttop and judging what it did ------------------------------

# run [ARG...]: run porttop; stdout, stderr and status go to $tmp/out,
# $tmp/err and $rc.  Standard input is the file $IN (set by the caller for
# one case, then emptied again), /dev/null when empty.
IN=
run() {
	"$PORTTOP" "$@" <"${IN:-/dev/null}" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# fail REASON: report the current case as failed, with stderr below.
fail() {
	echo "FAIL $case: $1"
	sed -n '1,5p' "$tmp/err" | cut -c1-160 | sed 's/^/    /'
	failed=1
}

# common_checks EXPECTED_STATUS: no sanitizer report, no crash, the exit
# status.  Returns 1 (after reporting) when a check failed.
common_checks() {
	san=$(grep -m1 -E 'ERROR: [A-Za-z]*Sanitizer|runtime error:|LeakSanitizer' "$tmp/err")
	if [ -n "$san" ]; then
		fail "sanitizer: $san"
		return 1
	fi
	if [ "$rc" -gt 128 ]; then
		fail "crashed (exit status $rc: signal $((rc - 128)))"
		return 1
	fi
	if [ "$rc" != "$1" ]; then
		fail "exit status $rc, expected $1"
		return 1
	fi
	return 0
}

# The error lines of stderr: without the summary lines (the third when
# tunnels were opened) and the "Try 'porttop --help'." hint.
error_lines() {
	grep -v -E "^porttop: [0-9]+ packets? read, |^porttop: [0-9]+ fragments? joined, |^porttop: [0-9]+ tunnelled packets?, |^porttop: names: |^Try 'porttop --help'\.$" "$tmp/err"
}

# one_error REGEX: stderr has exactly one error line, matching REGEX
# (grep -E).
one_error() {
	n=$(error_lines | wc -l)
	if [ "$n" -ne 1 ]; then
		fail "$n error lines on stderr, expected 1"
		return 1
	fi
	if ! error_lines | grep -q -E "$1"; then
		fail "error line does not match /$1/: $(error_lines | cut -c1-120)"
		return 1
	fi
	return 0
}

# expect_error NAME STATUS REGEX ARG...: porttop ARG... must exit with
# STATUS (2: refused before reading any packet), print nothing on stdout
# and exactly one error line matching REGEX.
expect_error() {
	case=$1 st=$2 re=$3
	shift 3
	run "$@"
	common_checks "$st" || return
	if [ -s "$tmp/out" ]; then
		fail "stdout is not empty: $(head -c 80 "$tmp/out")"
		return
	fi
	one_error "$re" || return
	echo "ok $case"
}

# expect_partial NAME FILE UNDAMAGED K REGEX: FILE is damaged after its
# first K packets, which are those of UNDAMAGED.  porttop -r FILE must
# exit 1, report exactly what porttop -r UNDAMAGED -c K reports, say "K
# packets read" and print one error line "porttop: FILE: damaged after K
# packets: ..." matching REGEX.  When IN is set, FILE is read from stdin
# (-r -) and the error line names "-".
expect_partial() {
	case=$1 file=$2 orig=$3 k=$4 re=$5
	if [ -n "$IN" ]; then
		run -r - --format json
		name=-
		IN=
	else
		run -r "$file" --format json
		name=$file
	fi
	common_checks 1 || return
	one_error "^porttop: $name: damaged after $k packets?: .*($re)" || return
	if ! grep -qE "^porttop: $k packets? read, " "$tmp/err"; then
		fail "summary does not say $k packets read"
		return
	fi
	cp "$tmp/out" "$tmp/partial.out"
	# The reference: the same first K packets, read from a sound file.
	run -r "$orig" --format json -c "$k"
	if [ "$rc" != 0 ]; then
		fail "reference run -r $orig -c $k exited $rc"
		return
	fi
	if ! cmp -s "$tmp/out" "$tmp/partial.out"; then
		echo "FAIL $case: the report differs from the one of the first $k packets (-c $k)"
		diff "$tmp/out" "$tmp/partial.out" | sed -n '1,6p' | cut -c1-160 | sed 's/^/    /'
		failed=1
		return
	fi
	# libpcap itself must stop after the same K packets.
	if [ "$have_tcpdump" = 1 ]; then
		n=$(tcpdump --count -r "$file" 2>/dev/null |
			sed -n 's/^\([0-9]*\) packets*$/\1/p')
		if [ "$n" != "$k" ]; then
			fail "tcpdump --count reads ${n:-?} packets from the damaged file, not $k"
			return
		fi
	fi
	echo "ok $case"
}

# expect_ok NAME SUMMARY_REGEX ARG...: porttop must exit 0 with no error
# line, and its summary must match SUMMARY_REGEX.
expect_ok() {
	case=$1 re=$2
	shift 2
	run "$@"
	common_checks 0 || return
	if [ "$(error_lines | wc -l)" -ne 0 ]; then
		fail "unexpected error line: $(error_lines | head -n 1)"
		return
	fi
	if ! grep -q -E "$re" "$tmp/err"; then
		fail "summary does not match /$re/"
		return
	fi
	echo "ok $case"
}

# ---- the command line ------------------------------------------------------

expect_error no-such-device 2 'nosuchdev0.*(No such device|porttop -D)' -i nosuchdev0 --report flows
expect_error read-and-interface 2 'exclude each other' -r "$PCAP" -i lo
expect_error fanout-with-file 2 'fanout-group shares a live capture.*does not go with -r' -r "$PCAP" --fanout-group 7
expect_error bad-fanout-group 2 'invalid --fanout-group: 65536 \(1 to 65535\)$' -i lo --fanout-group 65536
expect_error unknown-option 2 'unknown option.*-x' -r "$PCAP" -x
expect_error unknown-long-option 2 'unknown option.*--bogus' -r "$PCAP" --bogus
expect_error missing-argument 2 'requires an argument.*-r' -r
expect_error bad-format 2 'unknown format: xml \(text, csv or json\)$' -r "$PCAP" --format xml
expect_error bad-report 2 'unknown report: hosts \(flows, ports, services, procs or none\)$' -r "$PCAP" --report hosts
expect_error bad-view 2 'unknown view: tables \(flows, ports, processes or containers\)$' -r "$PCAP" --view tables
expect_error bad-runtime 2 'invalid --runtime: docker=rel \(podman, docker, cri, auto, KIND=/PATH' -r "$PCAP" --runtime docker=rel
expect_error bad-timeout-key 2 'invalid --timeouts: foo=3 \(.*kinds tcp, udp, icmp, other' -r "$PCAP" --timeouts foo=3
expect_error bad-duration-unit 2 'invalid --duration: 5y \(a duration' -r "$PCAP" --duration 5y
expect_error events-stdout-and-report 2 'events - writes the events to standard output.*give --events a file name' -r "$PCAP" --events - --report ports
# --format alone on a terminal: the flows report, not the view
case=format-alone-on-terminal
if command -v script >/dev/null 2>&1; then
	TERM=xterm timeout 20 script -qec "$PORTTOP -r $PCAP --format json -q" /dev/null \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	if grep -q '^{"schema":1,"ts":' "$tmp/out" &&
	   ! grep -q $'\033\\[' "$tmp/out"; then
		echo "ok $case"
	else
		fail "no JSON flows on the terminal: $(head -c 120 "$tmp/out")"
	fi
else
	echo "SKIP $case: script(1) (util-linux) is not installed"
fi
# options after the expression (GNU getopt permutes, as for tcpdump)
expect_error option-after-expression 2 'invalid packet count: 0' -r "$PCAP" port 80 -c 0
expect_error count-zero 2 'invalid packet count: 0' -r "$PCAP" -c 0
expect_error count-abc 2 'invalid packet count: abc' -r "$PCAP" -c abc
expect_error count-negative 2 'invalid packet count: -5' -r "$PCAP" -c -5
expect_error max-flows-15 2 'max-flows.*15' -r "$PCAP" --max-flows 15
expect_error bad-timeouts 2 'invalid --timeouts: tcp=0' -r "$PCAP" --timeouts tcp=0
expect_error bad-order 2 'unknown --order: begin \(start, end or all\)' -r "$PCAP" --order begin
expect_error order-not-flows 2 'porttop: --order goes with the flows report' -r "$PCAP" --report ports --order end
seed=$PORTTOP_HASH_SEED
PORTTOP_HASH_SEED=xyz
expect_error bad-hash-seed 2 'PORTTOP_HASH_SEED must be 32 hex digits' -r "$PCAP"
PORTTOP_HASH_SEED=$seed

# bash completion (contrib/porttop.bash-completion) offers every option
# --help lists, and each --report, --format, --view, --tunnels, --order
# choice
case=completion-covers-help
"$PORTTOP" --help >"$tmp/help" 2>&1
miss=""
for o in $(grep -oE '^ +(-[A-Za-z]|--[a-z-]+)' "$tmp/help") report:services \
	 report:none format:csv view:processes tunnels:inner attrib:diag \
	 order:all; do
	case $o in
	*:*) w=${o#*:} ;;
	*) w=$o ;;
	esac
	grep -qE -e "(^|[[:space:]\"|])$w([[:space:]\"|)]|\$)" \
		contrib/porttop.bash-completion || miss="$miss $o"
done
if [ -n "$miss" ]; then
	: >"$tmp/err"
	fail "not in contrib/porttop.bash-completion:$miss"
else
	echo "ok $case"
fi

# ---- filters ---------------------------------------------------------------

expect_error bad-filter 2 "bad filter expression 'tcp port': .*syntax error" -r "$PCAP" tcp port
# valid syntax, but not for this link type (Linux cooked capture: no MAC)
expect_error bad-filter-for-link 2 "bad filter expression '.*': ethernet addresses supported only on" \
	-r pcaps/any-sll.pcap ether host 02:00:00:99:00:01
expect_error filter-file-missing 2 "$tmp/no-such-filter: No such file" -r "$PCAP" -F "$tmp/no-such-filter"
echo 'tcp' >"$tmp/tcp.filter"
expect_error filter-file-and-expression 2 'either with -F or on the command line' -r "$PCAP" -F "$tmp/tcp.filter" udp
# (not named nul.*: Windows opens such a name as its NUL device, and the
# windows suite runs this case too)
printf 'tcp\000port 80\n' >"$tmp/nulbyte.filter"
expect_error filter-file-not-text 2 'not a filter expression file' -r "$PCAP" -F "$tmp/nulbyte.filter"
printf '# a comment\ntcp port # and no port number\n' >"$tmp/bad.filter"
expect_error filter-file-bad-expression 2 'bad filter expression' -r "$PCAP" -F "$tmp/bad.filter"

# ---- display filters (-Y) ----------------------------------------------------
# A bad expression: exit 2 before anything is read, one line quoting it with
# the column and what was expected.

# bad_dfilter NAME REGEX EXPR [ARG...]: porttop -r $PCAP ARG... -Y EXPR is
# refused with "porttop: bad display filter '...': " and REGEX.
bad_dfilter() {
	n=$1 re=$2 e=$3
	shift 3
	expect_error "dfilter-$n" 2 "^porttop: bad display filter '.*': $re" \
		-r "$PCAP" "$@" -Y "$e"
}
bad_dfilter unknown-field 'column 1: unknown field "orgi_h" \(did you mean orig_h\?\)$' \
	'orgi_h == 10.0.0.1'
bad_dfilter wrong-type 'column 8: > compares numbers and times, and orig_h is an address' \
	'orig_h > 5'
bad_dfilter unbalanced 'column 9: expected \) to close the \( at column 1, got the end$' \
	'(port 53'
bad_dfilter stray-paren 'column 8: a \) without its \($' 'port 53)'
bad_dfilter bad-size 'column 14: expected a number of bytes: 1500, 64K, 1\.5M, 2G for orig_bytes, got "1X"$' \
	'orig_bytes > 1X'
bad_dfilter bad-time 'column 12: expected a time: seconds, or 250ms' 'duration > 5y'
bad_dfilter bad-network 'column 5: expected an IPv4 or IPv6 address, or NET/PREFIX for net' \
	'net 10.0.0.0/33'
bad_dfilter unterminated 'column 14: this string has no closing "$' 'orig_comm == "curl'
bad_dfilter lone-ampersand 'column 9: a lone &: write and' 'port 53 & tcp'
# fields are the report's: ports rows have no host, procs rows no conn_state
bad_dfilter field-of-flows 'column 1: unknown field "host": ports rows have none of that name$' \
	'host 10.0.0.1' --report ports
bad_dfilter batch-view 'column 1: unknown field "conn_state": procs rows have none' \
	'conn_state == SF' --batch --view processes
bad_dfilter too-deep 'column 65: nested more than 64 deep' \
	"$(printf '(%.0s' $(seq 65))port 80$(printf ')%.0s' $(seq 65))"
bad_dfilter too-long 'column 8193: longer than 8192 characters$' \
	"$(printf '%8193s' '' | tr ' ' a)"
# a newline in the expression: still one line, the column on the same byte
bad_dfilter newline 'column 20: > compares' 'port 53 and
orig_h > 1'
expect_error dfilter-missing 2 'requires an argument.*-Y' -r "$PCAP" -Y
expect_error dfilter-events-stdout 2 'porttop: -Y filters report rows, and --events - writes no report' \
	-r "$PCAP" --events - -Y 'port 80'
case=dfilter-in-the-view
if command -v script >/dev/null 2>&1; then
	TERM=xterm timeout 20 script -qec "$PORTTOP -r $PCAP -Y 'port 80'" /dev/null \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	if grep -q -- '-Y filters the rows of a report or of --batch' "$tmp/out"; then
		echo "ok $case"
	else
		fail "no refusal on the terminal: $(head -c 120 "$tmp/out")"
	fi
else
	echo "SKIP $case: script(1) (util-linux) is not installed"
fi
# --batch rows are filtered too: every flow row of every iteration is the
# second of the capture's two connections to :8080; ticks still come
case=dfilter-batch-rows
run -r "$PCAP" --batch --format json --speed 0 -d 0.05 -Y 'resp_p == 8080 and orig_p == 44996'
rows=$(grep -c '"type":"flow"' "$tmp/out")
ours=$(grep '"type":"flow"' "$tmp/out" | grep -c '"orig_p":44996,"resp_h":"10.99.0.2","resp_p":8080,')
ticks=$(grep -c '"type":"tick"' "$tmp/out")
if common_checks 0 && [ "$rows" -ge 1 ] && [ "$rows" = "$ours" ] && [ "$ticks" -ge 1 ]; then
	echo "ok $case"
elif [ "$rc" = 0 ]; then
	fail "$rows flow rows, $ours of them the one asked for, $ticks ticks"
fi

# ---- files that are no capture at all --------------------------------------

expect_error nonexistent-file 2 "$tmp/no-such.pcap: .*No such file" -r "$tmp/no-such.pcap"
expect_error directory 2 'pcaps: .*[Ii]s a directory' -r pcaps
: >"$tmp/empty.pcap"
expect_error empty-file 2 'empty\.pcap: .*(empty|truncated)' -r "$tmp/empty.pcap"
head -c 10 "$PCAP" >"$tmp/ten.pcap"
expect_error ten-byte-file 2 'ten\.pcap: .*truncated' -r "$tmp/ten.pcap"
garbage "$tmp/garbage.pcap" 512
expect_error garbage-header 2 'garbage\.pcap: unknown file format' -r "$tmp/garbage.pcap"
IN=$tmp/garbage.pcap
expect_error garbage-on-stdin 2 'porttop: -: unknown file format' -r -
IN=
f=$(damaged version-1.pcap "$PCAP")
put_le "$f" 4 1 2	# major version 1 (libpcap: "archaic")
expect_error pcap-major-version-1 2 'version-1\.pcap: .*archaic' -r "$f"

# A valid pcap header and no packet: not damage, an empty report.
head -c 24 "$PCAP" >"$tmp/header-only.pcap"
expect_ok header-only-flows 'porttop: 0 packets read, .* 0 flows' -r "$tmp/header-only.pcap"
# KNOWN BUG under SAN=address,undefined: memcpy(NULL, ..., 0) in
# ui/report.c when no IPv4 flow was seen.
expect_ok header-only-ports 'porttop: 0 packets read, ' -r "$tmp/header-only.pcap" --report ports --format json

# ---- pcap damaged mid-way ----------------------------------------------------
# Record 10 (the 11th packet) is damaged; the first 10 are whole.

r10=$(rec_off "$PCAP" 10)
head -c $((r10 + 7)) "$PCAP" >"$tmp/cut-header.pcap"
expect_partial pcap-cut-in-record-header "$tmp/cut-header.pcap" "$PCAP" 10 \
	'truncated dump file; tried to read 16 header bytes, only got 7'
head -c $((r10 + 16 + 20)) "$PCAP" >"$tmp/cut-body.pcap"
expect_partial pcap-cut-in-record-body "$tmp/cut-body.pcap" "$PCAP" 10 \
	'truncated dump file; tried to read [0-9]+ captured bytes, only got 20'
IN=$tmp/cut-body.pcap
expect_partial pcap-cut-on-stdin "$tmp/cut-body.pcap" "$PCAP" 10 \
	'truncated dump file'
IN=
# caplen above the snapshot length (262144) and libpcap's maximum
f=$(damaged caplen-4m.pcap "$PCAP")
put_le "$f" $((r10 + 8)) 4325376
expect_partial pcap-caplen-absurd "$f" "$PCAP" 10 \
	'invalid packet capture length 4325376, bigger than snaplen of 262144'
f=$(damaged caplen-max.pcap "$PCAP")
put_le "$f" $((r10 + 8)) 4294967295
expect_partial pcap-caplen-4g "$f" "$PCAP" 10 \
	'invalid packet capture length 4294967295'
# A wire length below the captured length is not damage libpcap sees: the
# decoder clamps the frame to it (10 bytes: no Ethernet header) and counts
# the packet as truncated.
f=$(damaged len-below-caplen.pcap "$PCAP")
put_le "$f" $(($(rec_off "$PCAP" 2) + 12)) 10
expect_ok pcap-len-below-caplen 'porttop: 27 packets read, 24 decoded, 1 truncated' -r "$f"

# ---- pcapng with lying block lengths ------------------------------------------
# Blocks: 0 SHB, 1 IDB, 2.. EPBs (block 10 holds the 9th packet), then an ISB.
# libpcap reads the SHB and the first IDB when it opens the file: damage
# there is exit 2; damage in a later block is found by pcap_next_ex: exit 1.

idb=$(blk_off "$NG" 1)
b10=$(blk_off "$NG" 10)
b10len=$(u32le "$NG" $((b10 + 4)))
f=$(damaged shb-length.pcapng "$NG")
put_le "$f" 4 $(($(u32le "$NG" 4) + 4))
expect_error pcapng-shb-length 2 'shb-length\.pcapng: .*(length|block)' -r "$f"
f=$(damaged shb-length-huge.pcapng "$NG")
put_le "$f" 4 2147483392
expect_error pcapng-shb-length-huge 2 'shb-length-huge\.pcapng: .*Section Header Block.*length' -r "$f"
f=$(damaged idb-length.pcapng "$NG")
put_le "$f" $((idb + 4)) $(($(u32le "$NG" $((idb + 4))) + 4))
expect_error pcapng-idb-length 2 "idb-length\\.pcapng: block total length in header and trailer don't match" -r "$f"
f=$(damaged epb-length.pcapng "$NG")
put_le "$f" $((b10 + 4)) $((b10len + 4))
expect_partial pcapng-epb-length "$f" "$NG" 8 \
	"block total length in header and trailer don't match"
f=$(damaged epb-trailer.pcapng "$NG")
put_le "$f" $((b10 + b10len - 4)) $((b10len - 4))
expect_partial pcapng-epb-trailer-length "$f" "$NG" 8 \
	"block total length in header and trailer don't match"
f=$(damaged epb-past-eof.pcapng "$NG")
put_le "$f" $((b10 + 4)) 100000
expect_partial pcapng-epb-length-past-eof "$f" "$NG" 8 \
	'truncated pcapng dump file'
f=$(damaged epb-odd.pcapng "$NG")
put_le "$f" $((b10 + 4)) $((b10len + 2))
expect_partial pcapng-epb-length-not-multiple-of-4 "$f" "$NG" 8 \
	'not a multiple of 4'
f=$(damaged epb-huge.pcapng "$NG")
put_le "$f" $((b10 + 4)) 268435456
expect_partial pcapng-epb-length-huge "$f" "$NG" 8 \
	'pcapng block size 268435456 > maximum'
head -c $((b10 + 40)) "$NG" >"$tmp/cut.pcapng"
expect_partial pcapng-cut-in-block "$tmp/cut.pcapng" "$NG" 8 \
	'truncated pcapng dump file'

# ---- link types porttop does not decode ---------------------------------------
# The pcap header's link type is at byte 20; the IDB's at IDB + 8 (16 bits).

f=$(damaged dlt-10.pcap "$PCAP")
put_le "$f" 20 10
expect_error dlt-fddi 2 'dlt-10\.pcap: unsupported link type DLT_FDDI$' -r "$f"
f=$(damaged dlt-147.pcap "$PCAP")
put_le "$f" 20 147
expect_error dlt-user0 2 'dlt-147\.pcap: unsupported link type (DLT_USER0|DLT 147)' -r "$f"
f=$(damaged dlt-10.pcapng "$NG")
put_le "$f" $((idb + 8)) 10 2
expect_error pcapng-idb-dlt-fddi 2 'dlt-10\.pcapng: unsupported link type DLT_FDDI$' -r "$f"

# ---- damaged third-party captures (../shared/pcaps) ---------------------------
# Their .libpcap.txt oracle (tcpdump --count) says how many packets libpcap
# reads before the damage, and libpcap's message.

shared_error() {	# NAME FILE REGEX: refused at open, exit 2
	if [ ! -f "$SHARED/pcaps/$2" ]; then
		echo "SKIP $1: $SHARED/pcaps/$2 not found (set SHARED)"
		return
	fi
	expect_error "$1" 2 "$3" -r "$SHARED/pcaps/$2"
}
shared_partial() {	# NAME FILE [UNDAMAGED]: exit 1 after K packets
	p=$SHARED/pcaps/$2
	if [ ! -f "$p" ] || [ ! -f "$p.libpcap.txt" ]; then
		echo "SKIP $1: $p or its .libpcap.txt not found (set SHARED)"
		return
	fi
	k=$(sed -n 's/^\([0-9]*\) packets*$/\1/p' "$p.libpcap.txt")
	# libpcap's message, with the ERE special characters escaped
	# shellcheck disable=SC2016
	msg=$(sed -n 's/^tcpdump: pcap_loop: //p' "$p.libpcap.txt" |
		sed 's/[][\\.*^$()+?{}|]/\\&/g')
	if [ -z "$k" ] || [ -z "$msg" ]; then
		echo "FAIL $1: cannot read the packet count and message of $p.libpcap.txt"
		failed=1
		return
	fi
	# Without an undamaged copy, -c K on the damaged file itself stops
	# before the damage and is the reference.
	expect_partial "$1" "$p" "${3:-$p}" "$k" "$msg"
}

shared_error shared-invalid-version-1 libpcap-pcap-invalid-version-1.pcap \
	'archaic pcap savefile format'
shared_error shared-shb-option-too-long libpcap-shb-option-too-long.pcapng \
	"block total length in header and trailer don't match"
shared_partial shared-tls-der-incomplete-header \
	suricata-bug-1450-04-tls_DER-incomplete-header.pcap
shared_partial shared-http-mime-truncated suricata-http-mime-truncated-input.pcap
shared_partial shared-fuzz-2021-10-13 ndpi-fuzz-2021-10-13.pcap
shared_partial shared-sites-headc-200000 ndpi-sites-headc-200000.pcapng \
	"$SHARED/pcaps/ndpi-sites.pcapng"

# ---- outputs through symbolic links ------------------------------------------
# -w and --events replace an existing file (as tcpdump -w) but never follow
# a symbolic link: run as root in a shared directory, a planted link must
# not aim the write at another file.  Exit 2, one line, the target untouched.
ln -s "$tmp/target" "$tmp/link.pcap"
expect_error write-through-symlink 2 'link\.pcap: is a symbolic link' \
	-r "$PCAP" -w "$tmp/link.pcap" --report flows
expect_error events-through-symlink 2 'link\.pcap: is a symbolic link' \
	-r "$PCAP" --events "$tmp/link.pcap" --report flows
if [ -e "$tmp/target" ]; then
	echo "FAIL symlink-target-untouched: $tmp/target was created"
	failed=1
else
	echo "ok symlink-target-untouched"
fi

# ---- mutated captures (zzuf) -------------------------------------------------
# zzuf (Debian) flips bits at random, reproducibly per seed, in our
# captures and the shared ones (up to 1 MB), past their first 64 bytes
# (the file header: else libpcap refuses most of them at once): 20
# mutations of each, 10 at 1 bit in 250 and 10 at 1 in 2,000, each
# through the whole offline path with events.  Every run must end with a
# documented status (0, 1 damaged mid-way, 2 refused), no crash, no
# sanitizer report, and at most one error line, porttop's own.
if ! command -v zzuf >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 &&
   [ "$(id -u)" -eq 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zzuf >/dev/null 2>&1
fi
if ! command -v zzuf >/dev/null 2>&1; then
	echo "SKIP zzuf: zzuf is not installed (apt-get install zzuf)"
else
	for p in pcaps/*.pcap pcaps/*.pcapng "$SHARED"/pcaps/*.pcap \
		 "$SHARED"/pcaps/*.pcapng; do
		[ -f "$p" ] || continue
		[ "$(wc -c <"$p")" -le 1048576 ] || continue
		case=zzuf-$(basename "$p") st0=0 st1=0 st2=0 bad=
		for seed in $(seq 1 20); do
			ratio=0.004
			[ "$seed" -gt 10 ] && ratio=0.0005
			zzuf -s "$seed" -r "$ratio" -b 64- <"$p" >"$tmp/z" 2>/dev/null
			run -r "$tmp/z" --report ports --format json \
				--events /dev/null
			case $rc in
			0|1|2) eval "st$rc=\$((st$rc + 1))" ;;
			esac
			if ! common_checks "$rc" >/dev/null; then
				bad="seed $seed: exit $rc"
			elif [ "$(error_lines | grep -v '^porttop: attribution: ' | wc -l)" -gt 1 ] ||
			     error_lines | grep -v '^porttop: ' | grep -q .; then
				bad="seed $seed: more than one error line, or not porttop's"
			elif [ "$rc" -gt 2 ]; then
				bad="seed $seed: exit status $rc"
			fi
			if [ -n "$bad" ]; then
				cp "$tmp/z" "$tmp/zzuf-kept"
				fail "$bad (zzuf -s $seed -r $ratio -b 64- < $p)"
				break
			fi
		done
		[ -z "$bad" ] && echo "ok $case: 20 mutations: $st0 read whole, $st1 damaged mid-way, $st2 refused"
	done
fi

exit "$failed"
