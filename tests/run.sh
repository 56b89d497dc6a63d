#!/bin/sh
# tests/run.sh [SUITE...] - run porttop's test suites and add them up.
# Suites: arch (no call or include cycles between files, calls along the
# data flow, short functions), unit (cmocka), golden (expected outputs),
# threads (--threads 2 and 3 against one thread, byte for byte, on the
# golden tests and every golden and oracle capture),
# oracle (tshark and Zeek on ../shared), corrupt (damaged inputs), live
# (live capture in network namespaces; needs root, else its checks SKIP),
# attrib (process attribution against real processes' ground truth, in
# network namespaces; needs root), ipfix (--ipfix into nfcapd and
# ipfixDump, in a network namespace; needs root), names (containers,
# units and passive names against real processes, podman and tshark;
# needs root), tmux (the interactive view in a tmux terminal), check
# (`porttop check`: bad rules files, TAP read by prove, JUnit read by
# junitparser, bad inputs), run (`porttop run -- CMD`: only CMD's
# traffic, its exit status, --check and --netns private, in a network
# namespace; needs root, and eBPF for its cgroup checks), windows (porttop.exe, make windows, under
# wine against this build: reports and corrupt inputs; SKIPs without
# MinGW or wine).  Default: all.  Every suite
# prints one line per test: "ok NAME", "FAIL NAME", "SKIP NAME: reason"
# (cmocka binaries print TAP, converted here).  A suite still running
# after SUITE_TIMEOUT seconds (default 1200), or a unit test binary or
# an oracle after UNIT_TIMEOUT (600), is stopped (timeout(1): TERM to its
# process group, KILL 10 s later) and counted as failed: a hung test must
# not take CI's 90 minutes with it.
# Env: PORTTOP (binary, default ./porttop), BUILD (unit test dir),
# SUITE_TIMEOUT, UNIT_TIMEOUT.
set -u
cd "$(dirname "$0")/.."
PORTTOP=${PORTTOP:-./porttop}
BUILD=${BUILD:-build/release}
SUITE_TIMEOUT=${SUITE_TIMEOUT:-1200}
UNIT_TIMEOUT=${UNIT_TIMEOUT:-600}
export PORTTOP TZ=UTC
# why RC SECS: what an exit status says (124, 137: timeout(1) stopped it)
why() {
	case $1 in
	124|137) echo "stopped after $2 s (timed out)" ;;
	*) echo "exited $1" ;;
	esac
}
suites=${*:-arch unit golden threads oracle corrupt check run live attrib ipfix names tmux windows}
out=tests/out
mkdir -p "$out"
pass=0 fail=0 skip=0

for s in $suites; do
	t0=$(date +%s)
	case $s in
	unit)
		for t in "$BUILD"/tests/test_*; do
			[ -x "$t" ] || continue
			n=$(basename "$t")
			# Threaded tests have their own TSan build (make test-tsan).
			CMOCKA_MESSAGE_OUTPUT=TAP timeout -k 10 "$UNIT_TIMEOUT" \
				"$t" > "$out/$n.log" 2>&1
			rc=$?
			# cmocka 1.1 writes a skip() as "not ok N # SKIP NAME";
			# its reason is the test's last "SKIP: why" message.
			awk -v n="$n" '
			/^SKIP: / { why = substr($0, 7); next }
			/^(not )?ok [0-9]+ # SKIP/ {
				sub(/^(not )?ok [0-9]+ # SKIP */, "")
				if (why == "") why = "skipped"
				print "SKIP " n ": " $0 ": " why
				why = ""; next }
			/^(not )?ok [0-9]+ - / {
				sub(/ [0-9]+ - /, " " n ": ")
				if (/^ok .* # SKIP/) {
					sub(/^ok /, "SKIP ")
					sub(/ # SKIP/, ":")
				}
				print }' "$out/$n.log" > "$out/$n.res"
			if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out/$n.res"; then
				echo "FAIL $n: $(why $rc "$UNIT_TIMEOUT") (see $out/$n.log)" >> "$out/$n.res"
			fi
			while IFS= read -r l; do
				case "$l" in
				"ok "*) pass=$((pass + 1)) ;;
				"SKIP"*) skip=$((skip + 1)); echo "  unit: $l" ;;
				*) fail=$((fail + 1)); echo "  unit: $l" ;;
				esac
			done < "$out/$n.res"
		done ;;
	arch|golden|threads|corrupt|check|run|live|attrib|ipfix|names|tmux|windows)
		timeout -k 10 "$SUITE_TIMEOUT" tests/$s/run.sh \
			> "$out/$s.log" 2>&1
		rc=$?
		while IFS= read -r l; do
			case "$l" in
			"ok "*) pass=$((pass + 1)) ;;
			"SKIP"*) skip=$((skip + 1)); echo "  $s: $l" ;;
			"FAIL"*) fail=$((fail + 1)); echo "  $s: $l" ;;
			esac
		done < "$out/$s.log"
		if [ $rc -eq 124 ] || [ $rc -eq 137 ] ||
		   { [ $rc -ne 0 ] && ! grep -q '^FAIL' "$out/$s.log"; }; then
			fail=$((fail + 1))
			echo "  $s: FAIL: $(why $rc "$SUITE_TIMEOUT") (see $out/$s.log)"
		fi ;;
	oracle)
		shared=${SHARED:-../shared}
		if [ ! -d "$shared/pcaps" ]; then
			skip=$((skip + 1))
			echo "  oracle: SKIP: $shared/pcaps not found (set SHARED)"
			continue
		fi
		for o in tshark zeek; do
			timeout -k 10 "$UNIT_TIMEOUT" python3 \
				tests/oracle/check_$o.py > "$out/oracle-$o.log" 2>&1
			rc=$?
			while IFS= read -r l; do
				case "$l" in
				"ok "*|"known difference "*) pass=$((pass + 1)) ;;
				"FAIL"*) fail=$((fail + 1)); echo "  oracle-$o: $l" ;;
				esac
			done < "$out/oracle-$o.log"
			if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$out/oracle-$o.log"; then
				fail=$((fail + 1))
				echo "  oracle-$o: FAIL: $(why $rc "$UNIT_TIMEOUT") (see $out/oracle-$o.log)"
			fi
			grep -E '^[0-9]+ captures' "$out/oracle-$o.log" | sed "s/^/  oracle-$o: /"
		done ;;
	*) echo "tests/run.sh: unknown suite $s" >&2; exit 2 ;;
	esac
	echo "  $s: $(($(date +%s) - t0)) s"	# against SUITE_TIMEOUT
done

echo "tests: $pass passed, $fail failed, $skip skipped (logs in $out/)"
[ "$fail" -eq 0 ]
