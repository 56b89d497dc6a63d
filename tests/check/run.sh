#!/bin/sh
# tests/check/run.sh - `porttop check` beyond its golden verdicts (those are
# in tests/golden/TESTLIST, "porttop check"): bad rules files, the TAP read
# by prove, the JUnit XML read by junitparser, bad inputs and options.
#
# Usage (from any directory):
#   tests/check/run.sh
#   tests/run.sh check                     (with the other suites' totals)
# Environment:
#   PORTTOP  porttop binary, relative to the repo root (default ./porttop)
#   SHARED   where the third-party captures live (default ../shared)
#
# Output: one line per case, "ok NAME", "FAIL NAME: reason" (details
# indented below) or "SKIP NAME: reason".  Exit status 1 if a case failed.
#
# Cases:
#   bad-NAME     tests/check/bad/NAME.yaml: exit 2, nothing on stdout, and
#                exactly the one line tests/check/bad/EXPECTED gives it on
#                stderr (FILE:LINE:COL: message, reviewed by hand)
#   prove-*      the verdicts as TAP, read by prove: a passing rules file
#                passes, a failing one fails with the failed tests' numbers
#   junit-*      --junit read by python3-junitparser: one testcase per
#                check with the TAP's names, a failure for each "not ok"
#                whose message is the TAP's first "# " line
#   names        a check name with '#', '\', quotes and <&> in TAP and XML
#   input-*      an unreadable or damaged capture is exit 2, not a verdict
#   usage-*      check without rules, --junit without check, check with a
#                report option, --junit through a symbolic link
#   zzuf-*       20 mutations of each rules file of tests/check/rules:
#                exit 0 or 1 with TAP, or 2 with one line FILE:LINE:COL
#   diff-*       porttop diff: a capture against its committed baseline
#                (tests/check/baselines/, --format json) is the same; a
#                changed baseline, two captures, --ignore and --tolerance
#                give tests/check/expected/diff-*.out exactly (reviewed;
#                processes by name with their flows out and in, and the
#                listeners, after the ports; --ignore comm drops them);
#                bad reports and options are exit 2 with one line;
#                --ignore-hosts is --ignore orig_h --ignore resp_h;
#                --format json is the same from porttop diff and from -r
#                --diff (one option parser); --map makes a baseline of
#                other addresses (baselines/attrib-lo-moved.json) the
#                same; a bad map line is exit 2 with FILE:LINE

set -u
cd "$(dirname "$0")/../.." || exit 2

. tests/lib/env.sh
# junitparser is Debian's python3-junitparser, in Debian's python3
PY=/usr/bin/python3
R=tests/check/rules
CAP=pcaps/attrib-lo.pcapng

tmp=$(mktemp -d "${TMPDIR:-/tmp}/porttop-check.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
failed=0

fail() {
	echo "FAIL $1: $2"
	[ -f "$tmp/err" ] && sed -n '1,4p' "$tmp/err" | cut -c1-160 | sed 's/^/    /'
	failed=1
}

# run NAME EXPECTED_STATUS ARGS...: porttop ARGS into $tmp/out, $tmp/err;
# 0 when it exited as expected without a sanitizer report.
run() {
	rname=$1 rwant=$2
	shift 2
	"$PORTTOP" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if grep -q -E 'ERROR: [A-Za-z]*Sanitizer|runtime error:' "$tmp/err"; then
		fail "$rname" "sanitizer report"
		return 1
	fi
	if [ "$rc" != "$rwant" ]; then
		fail "$rname" "exit status $rc, expected $rwant"
		return 1
	fi
	return 0
}

# ---- bad rules files: exit 2 and one line FILE:LINE:COL: message ----------
while IFS="	" read -r file want; do
	n=bad-${file%.yaml}
	run "$n" 2 check "tests/check/bad/$file" -r "$CAP" || continue
	if [ -s "$tmp/out" ]; then
		fail "$n" "wrote to stdout"
	elif [ "$(cat "$tmp/err")" != "$want" ]; then
		fail "$n" "stderr is not: $want"
	else
		echo "ok $n"
	fi
done < tests/check/bad/EXPECTED
for f in tests/check/bad/*.yaml; do
	grep -q "^$(basename "$f")	" tests/check/bad/EXPECTED ||
		fail "bad-list" "$f has no line in tests/check/bad/EXPECTED"
done

# ---- TAP read by prove ------------------------------------------------------
if command -v prove >/dev/null 2>&1; then
	run prove-pass 0 check "$R/attrib-lo-pass.yaml" -r "$CAP" &&
	cp "$tmp/out" "$tmp/pass.tap" &&
	if prove -e cat "$tmp/pass.tap" >"$tmp/prove" 2>&1 &&
	   grep -q '^Result: PASS' "$tmp/prove"; then
		echo "ok prove-pass"
	else
		fail prove-pass "prove did not pass: $(tail -1 "$tmp/prove")"
	fi
	run prove-fail 1 check "$R/attrib-lo-fail.yaml" -r "$CAP" &&
	cp "$tmp/out" "$tmp/fail.tap" &&
	if ! prove -e cat "$tmp/fail.tap" >"$tmp/prove" 2>&1 &&
	   grep -q 'Tests: 10 Failed: 10)' "$tmp/prove"; then
		echo "ok prove-fail"
	else
		fail prove-fail "prove did not see 10 of 10 fail"
	fi
else
	echo "SKIP prove: prove (perl) not installed"
fi

# ---- JUnit XML read by junitparser ------------------------------------------
# junit CASE RULES CAPTURE STATUS: the XML agrees with the TAP of one run.
junit() {
	case $3 in
	../shared/*) [ -f "$SHARED/${3#../shared/}" ] ||
		{ echo "SKIP junit-$1: $3 not found"; return; } ;;
	esac
	run "junit-$1" "$4" check "$2" -r "$3" --junit "$tmp/$1.xml" || return
	if out=$($PY tests/check/junit_agrees.py "$tmp/$1.xml" "$tmp/out" 2>&1); then
		echo "ok junit-$1 ($out)"
	else
		fail "junit-$1" "$out"
	fi
}
if $PY -c 'import junitparser' 2>/dev/null; then
	junit attrib-lo-pass "$R/attrib-lo-pass.yaml" "$CAP" 0
	junit attrib-lo-fail "$R/attrib-lo-fail.yaml" "$CAP" 1
	junit synscan-fail "$R/synscan-fail.yaml" \
		"$SHARED/pcaps/ndpi-synscan.pcap" 1
else
	echo "SKIP junit: python3-junitparser not installed (deps.sh --test)"
fi

# ---- names that TAP and XML must escape --------------------------------------
cat > "$tmp/names.yaml" <<'EOF'
checks:
  - name: 'issue #12 <&> "quoted" back\slash'
    flows: port 22
    count: {min: 1}
EOF
if run names 1 check "$tmp/names.yaml" -r "$CAP" --junit "$tmp/names.xml"; then
	if ! grep -qxF 'not ok 1 - issue \#12 <&> "quoted" back\\slash' "$tmp/out"; then
		fail names "TAP line: $(sed -n 2p "$tmp/out")"
	elif $PY -c 'import junitparser' 2>/dev/null &&
	     ! out=$($PY tests/check/junit_agrees.py "$tmp/names.xml" "$tmp/out" 2>&1); then
		fail names "$out"
	else
		echo "ok names"
	fi
fi

# ---- bad inputs: no verdict --------------------------------------------------
if run input-missing 2 check "$R/attrib-lo-pass.yaml" -r "$tmp/nothing.pcap"; then
	[ -s "$tmp/out" ] && fail input-missing "wrote verdicts" ||
		echo "ok input-missing"
fi
head -c 1500 pcaps/tcp-http-curl.pcap > "$tmp/cut.pcap"
if run input-damaged 2 check "$R/attrib-lo-pass.yaml" -r "$tmp/cut.pcap"; then
	if [ -s "$tmp/out" ]; then
		fail input-damaged "wrote verdicts on part of the input"
	elif ! grep -q 'damaged' "$tmp/err"; then
		fail input-damaged "no word on the damage"
	else
		echo "ok input-damaged"
	fi
fi
if run input-stdin 0 check "$R/attrib-lo-pass.yaml" -r - <"$CAP"; then
	if grep -q '^ok 13 ' "$tmp/out"; then
		echo "ok input-stdin"
	else
		fail input-stdin "no verdicts from stdin"
	fi
fi

# ---- the command line ------------------------------------------------------
usage() {
	n=$1 says=$2
	shift 2
	run "$n" 2 "$@" || return
	if grep -q -e "$says" "$tmp/err" && [ ! -s "$tmp/out" ]; then
		echo "ok $n"
	else
		fail "$n" "stderr does not say: $says"
	fi
}
usage usage-no-rules "check needs a rules file" check
usage usage-junit-alone "--junit goes with check" -r "$CAP" --junit "$tmp/x.xml"
usage usage-report "do not go with it" check "$R/attrib-lo-pass.yaml" \
	-r "$CAP" --report ports
usage usage-no-file "No such file" check "$tmp/none.yaml" -r "$CAP"
ln -s "$tmp/target.xml" "$tmp/link.xml"
usage usage-junit-symlink "symbolic link" check "$R/attrib-lo-pass.yaml" \
	-r "$CAP" --junit "$tmp/link.xml"
[ -e "$tmp/target.xml" ] && fail usage-junit-symlink "followed the link"

# ---- damaged rules files: a verdict or one line, never a crash -------------
if command -v zzuf >/dev/null 2>&1; then
	for f in $R/*.yaml; do
		n=zzuf-$(basename "$f" .yaml) bad=
		for seed in $(seq 1 20); do
			zzuf -s "$seed" -r 0.01 <"$f" >"$tmp/z.yaml"
			"$PORTTOP" check "$tmp/z.yaml" -r "$CAP" >"$tmp/out" \
				2>"$tmp/err"
			rc=$?
			if grep -q -E 'Sanitizer|runtime error' "$tmp/err"; then
				bad="seed $seed: sanitizer report"
			elif [ $rc = 2 ] && { [ "$(wc -l <"$tmp/err")" != 1 ] ||
			     ! grep -q "^porttop: $tmp/z.yaml:[0-9]*:[0-9]*: " "$tmp/err"; }; then
				bad="seed $seed: not one FILE:LINE:COL line"
			elif [ $rc != 2 ] && ! head -1 "$tmp/out" | grep -q '^1\.\.'; then
				bad="seed $seed: exit $rc without a TAP plan"
			fi
			[ -n "$bad" ] && break
		done
		if [ -n "$bad" ]; then
			fail "$n" "$bad (zzuf -s $seed -r 0.01 < $f)"
		else
			echo "ok $n: 20 mutations"
		fi
	done
else
	echo "SKIP zzuf: zzuf not installed (deps.sh --test)"
fi

# ---- porttop diff -----------------------------------------------------------
B=tests/check/baselines
# difft NAME STATUS ARGS...: porttop diff ARGS exits STATUS and writes
# tests/check/expected/NAME.out (nothing when the status is 0).
difft() {
	n=$1 st=$2
	shift 2
	run "$n" "$st" diff "$@" || return
	exp=tests/check/expected/$n.out
	[ "$st" = 0 ] && exp=/dev/null
	if cmp -s "$exp" "$tmp/out"; then
		echo "ok $n"
	else
		fail "$n" "stdout differs from $exp"
		diff -u "$exp" "$tmp/out" | sed -n '3,12p' | sed 's/^/    /'
	fi
}
difft diff-same 0 "$B/attrib-lo.json" "$CAP"
difft diff-changed 1 "$B/attrib-lo.json" "$B/attrib-lo-changed.json"
difft diff-tolerance 1 --tolerance 50% --ignore orig_pkts "$CAP" \
	"$B/attrib-lo-changed.json"
difft diff-ignore-hosts 1 --ignore orig_h --ignore resp_h \
	--ignore conn_state "$CAP" "$B/attrib-lo-changed.json"
difft diff-ignore-hosts 1 --ignore-hosts --ignore conn_state "$CAP" \
	"$B/attrib-lo-changed.json"
difft diff-captures 1 "$CAP" pcaps/tcp-http-curl.pcap
difft diff-ignore-comm 1 --ignore comm "$B/attrib-lo.json" \
	"$B/attrib-lo-changed.json"
if [ -f "$SHARED/pcaps/ndpi-netflix.pcap" ]; then
	"$PORTTOP" -r "$SHARED/pcaps/ndpi-netflix.pcap" --format json \
		>"$tmp/netflix.json" 2>/dev/null
	difft diff-same-netflix 0 "$SHARED/pcaps/ndpi-netflix.pcap" \
		"$tmp/netflix.json"
else
	echo "SKIP diff-same-netflix: $SHARED/pcaps/ndpi-netflix.pcap not found"
fi
# --update: the baseline rewritten from a capture is the committed one
cp "$B/attrib-lo-changed.json" "$tmp/base.json"
if run diff-update 0 diff --update "$tmp/base.json" "$CAP"; then
	if ! cmp -s "$tmp/base.json" "$B/attrib-lo.json"; then
		fail diff-update "the baseline is not the capture's report"
	elif ! grep -q "base.json updated from" "$tmp/err"; then
		fail diff-update "no word on the update"
	else
		run diff-update 0 diff "$tmp/base.json" "$CAP" &&
			echo "ok diff-update"
	fi
fi
# the two-step form and --diff beside -r: one parser, one comparison
if run diff-json 1 diff --format json --map tests/check/maps/moved.map \
	--tolerance flows=50% "$B/attrib-lo-changed.json" "$CAP"; then
	cp "$tmp/out" "$tmp/two-step.json"
	if run diff-json 1 -q -r "$CAP" --diff "$B/attrib-lo-changed.json" \
		--format json --map tests/check/maps/moved.map \
		--tolerance flows=50% && cmp -s "$tmp/out" "$tmp/two-step.json" &&
	   jq -se 'length == 14 and all(.kind == "changed" or .kind == "appeared")' \
		"$tmp/out" >/dev/null; then
		echo "ok diff-json"
	else
		fail diff-json "porttop diff and -r --diff differ, or not 14 changes"
	fi
fi
difft diff-moved-map 0 --map tests/check/maps/moved.map \
	"$B/attrib-lo-moved.json" "$CAP"
printf '10.1.2.0/24 127.0.0.0/24\n\n# two words\n10.1.2.0/24\n' >"$tmp/bad.map"
usage diff-bad-map "bad.map:4: give two addresses" diff --map "$tmp/bad.map" \
	"$CAP" "$CAP"
usage diff-bad-map-run "bad.map:4: give two addresses" -r "$CAP" \
	--diff "$CAP" --map "$tmp/bad.map"
usage diff-bad-tolerance "--tolerance takes" diff --tolerance ts=5% "$CAP" \
	"$CAP"
usage diff-alone "go with --diff" -r "$CAP" --ignore-hosts
usage diff-csv "a diff's --format is text or json" -r "$CAP" --diff "$CAP" \
	--format csv
printf '{"schema":1,"proto":"tcp"}\n' >"$tmp/ports.json"
printf '{"schema":1,\n' >"$tmp/cut.json"
usage diff-bad-report "ports.json:1: not a flow of a flows report" diff \
	"$tmp/ports.json" "$CAP"
usage diff-bad-json "cut.json:1: " diff "$tmp/cut.json" "$CAP"
usage diff-bad-capture "damaged" diff "$tmp/cut.pcap" "$CAP"
usage diff-bad-ignore "--ignore takes" diff --ignore ts "$CAP" "$CAP"
usage diff-one-side "give a BASELINE and a CURRENT" diff "$CAP"

exit "$failed"
