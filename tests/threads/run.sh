#!/bin/sh
# tests/threads/run.sh - --threads 2 and 3 write what one thread writes,
# byte for byte (issue 16, "several cores"; core/pipe.h):
#
#   1. every golden test (tests/golden/TESTLIST) again with --threads 3
#      before its own options (the consumers on a thread of their own):
#      the same expected stdout (and stderr);
#   2. every capture of pcaps/ and $SHARED/pcaps/ (the golden and oracle
#      captures) through every report (flows and ports as JSON, services
#      as CSV, procs as text) with --threads 1, --threads 2 (the consumers
#      on the capture thread) and --threads 3: the same stdout, stderr and
#      exit status, and the runs did use the pipeline's two or three
#      threads (PORTTOP_SAY_THREADS says so on stderr; that line is left
#      out of the comparison).  pcapng files with --attrib none: with
#      their comments read for owners they keep one thread.
#
# Output: one line per test, "ok NAME", "FAIL NAME: why" or "SKIP NAME:
# why", as tests/run.sh reads them.  Exit 1 when one failed.
# Env: PORTTOP (default ./porttop), SHARED (default ../shared).

set -u
cd "$(dirname "$0")/../.." || exit 2
PORTTOP=${PORTTOP:-./porttop}
SHARED=${SHARED:-../shared}
TZ=UTC
LC_ALL=C
PORTTOP_HASH_SEED=000102030405060708090a0b0c0d0e0f
export PORTTOP TZ LC_ALL PORTTOP_HASH_SEED SHARED

tmp=$(mktemp -d "${TMPDIR:-/tmp}/porttop-threads.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
failed=0

# 1. The golden tests, named threads3-NAME.
GOLDEN_OPTS="--threads 3" tests/golden/run.sh >"$tmp/golden" 2>&1
rc=$?
sed -n 's/^\(ok\|FAIL\|SKIP\) /\1 threads3-/p' "$tmp/golden"
if [ $rc -ne 0 ]; then
	failed=1
	grep -q '^FAIL' "$tmp/golden" ||
		echo "FAIL threads3-golden: tests/golden/run.sh exited $rc"
fi

# 2. run_pair NAME CAPTURE OPTION...: one thread, then two (NAME), then
# three (NAME with threads3- for threads-).
run_pair() {
	name=$1 cap=$2
	shift 2
	"$PORTTOP" -r "$cap" --threads 1 "$@" >"$tmp/o1" 2>"$tmp/e1" </dev/null
	rc1=$?
	for t in 2 3; do
		[ $t = 2 ] || name=threads3-${name#threads-}
		PORTTOP_SAY_THREADS=1 "$PORTTOP" -r "$cap" --threads $t "$@" \
			>"$tmp/o2" 2>"$tmp/e2raw" </dev/null
		same_as_one $t $?
	done
}

# same_as_one T RC: the run with --threads T (exit status RC) against
# the one thread's.
same_as_one() {
	said=$(sed -n 's/^porttop: threads: //p' "$tmp/e2raw")
	grep -v '^porttop: threads: ' "$tmp/e2raw" >"$tmp/e2"
	if [ "$rc1" != "$2" ]; then
		echo "FAIL $name: exit status $2 with --threads $1, $rc1 with 1"
		failed=1
	elif ! cmp -s "$tmp/o1" "$tmp/o2"; then
		echo "FAIL $name: stdout differs: $(cmp "$tmp/o1" "$tmp/o2" 2>&1)"
		diff "$tmp/o1" "$tmp/o2" | sed -n '1,8p' | cut -c1-160 |
			sed 's/^/    /'
		failed=1
	elif ! cmp -s "$tmp/e1" "$tmp/e2"; then
		echo "FAIL $name: stderr differs"
		diff "$tmp/e1" "$tmp/e2" | sed -n '1,8p' | cut -c1-160 |
			sed 's/^/    /'
		failed=1
	elif [ "$rc1" = 0 ] && [ "${said%% *}" != "$1" ]; then
		echo "FAIL $name: --threads $1 ran on ${said:-?} thread(s)"
		failed=1
	else
		echo "ok $name"
	fi
}

n=0
for cap in pcaps/*.pcap pcaps/*.pcapng "$SHARED"/pcaps/*.pcap \
	   "$SHARED"/pcaps/*.pcapng; do
	[ -f "$cap" ] || continue
	b=$(basename "$cap")
	case $cap in
	pcaps/*) b=own-$b ;;
	esac
	# a pcapng file may name owners in its comments, read as it goes:
	# it keeps one thread (core/pipe.h) unless --attrib none
	set --
	case $(od -An -tx1 -N4 "$cap" | tr -d ' ') in
	0a0d0d0a) set -- --attrib none ;;	# pcapng's section header
	esac
	run_pair "threads-flows-$b" "$cap" "$@" --report flows --format json
	run_pair "threads-ports-$b" "$cap" "$@" --report ports --format json
	run_pair "threads-services-$b" "$cap" "$@" --report services \
		--format csv
	run_pair "threads-procs-$b" "$cap" "$@" --report procs
	n=$((n + 1))
done
[ -d "$SHARED/pcaps" ] ||
	echo "SKIP threads-shared: $SHARED/pcaps not found (set SHARED)"
[ "$n" -gt 0 ] || { echo "FAIL threads: no capture found"; failed=1; }
exit $failed
