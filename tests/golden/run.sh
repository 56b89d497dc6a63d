#!/bin/sh
# tests/golden/run.sh - porttop's golden-output tests (tcpdump's TESTLIST
# style): run porttop on a capture with some options and compare what it
# prints, byte for byte, with a reviewed expected output.
#
# Usage (from any directory):
#   tests/golden/run.sh                    run every test in TESTLIST
#   tests/golden/run.sh NAME...            run only these tests
#   tests/golden/run.sh --update [NAME...] rewrite the expected files of these
#                                          tests (all tests when no NAME);
#                                          `make update-test T=NAME` calls this.
#                                          Review the diff before committing!
# Environment:
#   PORTTOP  porttop binary, relative to the repo root (default ./porttop),
#            e.g. PORTTOP=build/san-address-undefined/porttop
#   SHARED   where the third-party captures live (default ../shared); TESTLIST
#            names them ../shared/pcaps/NAME, and their tests SKIP when the
#            file is not there.
#   GOLDEN_OPTS  options put before every test's own (split at spaces):
#            tests/threads/run.sh runs every test with "--threads 3",
#            whose output must be the same expected files.
#
# Output: exactly one line per test, then nothing else:
#   ok NAME
#   FAIL NAME: reason        (followed by a short diff, indented 4 spaces)
#   SKIP NAME: reason
# Exit status: 0 when no test failed, 1 when one did, 2 on a usage error.
#
# The test list format (name, capture, expected output, options, and the
# tokens exit=N, stdin and stderr) is described at the top of TESTLIST.
# Every run uses TZ=UTC, LC_ALL=C and a fixed PORTTOP_HASH_SEED, so the
# output is the same on every machine and every run.

set -u
cd "$(dirname "$0")/../.." || exit 2

PORTTOP=${PORTTOP:-./porttop}
SHARED=${SHARED:-../shared}
GOLDEN=tests/golden
TZ=UTC
LC_ALL=C
PORTTOP_HASH_SEED=000102030405060708090a0b0c0d0e0f
export TZ LC_ALL PORTTOP_HASH_SEED

update=0
if [ "${1:-}" = "--update" ]; then
	update=1
	shift
fi
case "${1:-}" in
-*) echo "usage: $0 [--update] [NAME...]" >&2; exit 2 ;;
esac
# Names asked for on the command line ("" = all), space-separated.
wanted=" $* "
[ $# -eq 0 ] && wanted=""

if [ ! -x "$PORTTOP" ]; then
	echo "$0: PORTTOP=$PORTTOP is not an executable (run make first)" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/porttop-golden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

failed=0
seen=" "

# Every name asked for must be in TESTLIST (checked before running any).
all=" $(sed 's/#.*//' "$GOLDEN/TESTLIST" | awk 'NF { printf "%s ", $1 }')"
for n in $wanted; do
	case $all in
	*" $n "*) ;;
	*) echo "$0: no test named $n in $GOLDEN/TESTLIST" >&2; exit 2 ;;
	esac
done

# Print at most 12 lines of a unified diff (expected -> actual), indented
# so that tests/run.sh does not take them for result lines.
show_diff() {
	diff -u "$1" "$2" | sed -n '3,14p' | cut -c1-160 | sed 's/^/    /'
}

# where_diff EXPECTED ACTUAL: say where the first difference is, with the
# text around it on both sides ("line 3, column 221: expected "...eof,,,,"
# got "...timeout,,,,""), so that one line is enough to see what changed.
where_diff() {
	pos=$(cmp "$1" "$2" 2>&1 | sed -n \
		's/.*differ: [a-z]* \([0-9]*\), line \([0-9]*\).*/\1 \2/p')
	if [ -z "$pos" ]; then
		# one output is a prefix of the other
		echo "the end: expected $(wc -c <"$1") bytes, got $(wc -c <"$2")"
		return
	fi
	byte=${pos% *} ln=${pos#* }
	# column = byte offset - bytes in the lines before
	col=$((byte - $(head -n $((ln - 1)) "$2" | wc -c)))
	from=$((col > 30 ? col - 30 : 1)) to=$((col + 30))
	e=$(sed -n "${ln}p" "$1" | cut -c "$from-$to")
	g=$(sed -n "${ln}p" "$2" | cut -c "$from-$to")
	echo "line $ln, column $col: expected \"$e\" got \"$g\""
}

# A sanitizer build aborts with its report on stderr: that is a failure
# whatever the exit status and the outputs say.
sanitizer_report() {
	grep -m1 -E 'ERROR: [A-Za-z]*Sanitizer|runtime error:|LeakSanitizer' "$1"
}

# run_test NAME CAPTURE EXPECTED OPTION...
run_test() {
	name=$1 cap=$2 exp=$3
	shift 3
	exp_rc=0 use_stdin=0 cmp_err=0
	# Split run.sh's own tokens from porttop's options.
	nopt=$#
	while [ "$nopt" -gt 0 ]; do
		tok=$1
		shift
		nopt=$((nopt - 1))
		case $tok in
		exit=*) exp_rc=${tok#exit=} ;;
		stdin) use_stdin=1 ;;
		stderr) cmp_err=1 ;;
		\'*)	# 'a phrase': one option, up to the word ending in '
			tok=${tok#\'}
			while case $tok in *\') false ;; esac &&
			      [ "$nopt" -gt 0 ]; do
				tok="$tok $1"
				shift
				nopt=$((nopt - 1))
			done
			set -- "$@" "${tok%\'}" ;;
		*) set -- "$@" "$tok" ;;
		esac
	done
	out=$GOLDEN/$exp
	err=${out%.out}.err

	# Third-party captures are optional: SKIP when they are not here.
	case $cap in
	../shared/*) cap=$SHARED/${cap#../shared/} ;;
	esac
	if [ ! -f "$cap" ]; then
		case $cap in
		/*|../*) echo "SKIP $name: $cap not found (set SHARED)" ;;
		*) echo "FAIL $name: capture $cap missing"; failed=1 ;;
		esac
		return
	fi

	if [ "$use_stdin" = 1 ]; then
		"$PORTTOP" -r - ${GOLDEN_OPTS:-} "$@" <"$cap" >"$tmp/out" \
			2>"$tmp/err"
	else
		"$PORTTOP" -r "$cap" ${GOLDEN_OPTS:-} "$@" </dev/null \
			>"$tmp/out" 2>"$tmp/err"
	fi
	rc=$?

	san=$(sanitizer_report "$tmp/err")
	if [ -n "$san" ]; then
		echo "FAIL $name: sanitizer: $san"
		sed -n '1,6p' "$tmp/err" | cut -c1-160 | sed 's/^/    /'
		failed=1
		return
	fi
	if [ "$rc" != "$exp_rc" ]; then
		echo "FAIL $name: exit status $rc, expected $exp_rc"
		sed -n '1,6p' "$tmp/err" | cut -c1-160 | sed 's/^/    /'
		failed=1
		return
	fi

	if [ "$update" = 1 ]; then
		# Never bless a crash or a wrong exit status (checked above).
		cp "$tmp/out" "$out" || { failed=1; return; }
		if [ "$cmp_err" = 1 ]; then
			cp "$tmp/err" "$err" || { failed=1; return; }
			echo "updated $name: $out $err"
		else
			echo "updated $name: $out"
		fi
		return
	fi

	for pair in "out:$out" "err:$err"; do
		what=${pair%%:*} file=${pair#*:}
		[ "$what" = err ] && [ "$cmp_err" = 0 ] && continue
		if [ ! -f "$file" ]; then
			echo "FAIL $name: $file missing (tests/golden/run.sh --update $name)"
			failed=1
			return
		fi
		if ! cmp -s "$file" "$tmp/$what"; then
			[ "$what" = out ] && stream=stdout || stream=stderr
			echo "FAIL $name: $stream differs from $file at" \
				"$(where_diff "$file" "$tmp/$what")"
			show_diff "$file" "$tmp/$what"
			failed=1
			return
		fi
	done
	echo "ok $name"
}

# Read TESTLIST: '#' starts a comment; fields are whitespace-separated and
# taken literally (no globbing: filter expressions hold [ ] and *).
set -f
while IFS= read -r line || [ -n "$line" ]; do
	line=${line%%#*}
	# shellcheck disable=SC2086
	set -- $line
	[ $# -eq 0 ] && continue
	if [ $# -lt 3 ]; then
		echo "$0: bad TESTLIST line: $line" >&2
		exit 2
	fi
	case $seen in
	*" $1 "*) echo "$0: test $1 is listed twice" >&2; exit 2 ;;
	esac
	seen="$seen$1 "
	if [ -n "$wanted" ]; then
		case $wanted in
		*" $1 "*) ;;
		*) continue ;;
		esac
	fi
	run_test "$@"
done <"$GOLDEN/TESTLIST"
set +f

# CSV and JSON spell every value the same (agree.py), on captures with
# times, fractions, owners and nulls of every kind: only with the whole
# list (not when tests are named, nor when updating).
if [ -z "$wanted" ] && [ "$update" -eq 0 ]; then
	PORTTOP=$PORTTOP python3 "$GOLDEN/agree.py" pcaps/attrib-lo.pcapng \
		pcaps/retrans.pcap pcaps/udp-echo-unreach.pcap \
		pcaps/ipv6-tcp-udp.pcap "$SHARED/pcaps/ndpi-netflix.pcap" ||
		failed=1
fi

exit "$failed"
