#!/bin/sh
# tests/fuzz/run.sh DIR SECONDS - run each libFuzzer target built in DIR
# (make fuzz builds them) for SECONDS, from seed corpora made of
# ../shared/pcaps and pcaps/ and of expressions (seeds.py), and fail on the first crash, leak,
# timeout or sanitizer report.  A crash input is left in tests/out/fuzz/
# as TARGET-crash-*; keep it in tests/fuzz/crashes/TARGET/ with a line in
# tests/fuzz/README.md, and `make fuzz-replay` replays it ever after.
set -u
cd "$(dirname "$0")/../.." || exit 2
dir=$1 secs=$2
out=tests/out/fuzz
shared=${SHARED:-../shared}
mkdir -p "$out"
caps=$(ls pcaps/*.pcap pcaps/*.pcapng "$shared"/pcaps/*.pcap \
	"$shared"/pcaps/*.pcapng 2>/dev/null)
rm -rf "$out/seeds"
python3 tests/fuzz/seeds.py "$out/seeds" $caps || exit 2
status=0
for t in decode file filter dfilter; do
	mkdir -p "$out/corpus-$t"
	# a dictionary of the input's words, where the target has one
	dict=
	[ -f "tests/fuzz/$t.dict" ] && dict=-dict=tests/fuzz/$t.dict
	# -close_fd_mask=3: the targets' own stdout/stderr (reports, porttop's
	# summary lines) would drown libFuzzer's; its reports still come
	"$dir/fuzz_$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 \
		-close_fd_mask=3 -print_final_stats=1 $dict \
		-artifact_prefix="$out/$t-" "$out/corpus-$t" "$out/seeds/$t" \
		>"$out/$t.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
	if [ $rc -ne 0 ]; then
		echo "FAIL fuzz-$t: exit $rc after ${runs:-?} runs (see $out/$t.log; input in $out/$t-*)"
		grep -m3 -E 'ERROR|SUMMARY' "$out/$t.log" | sed 's/^/    /'
		status=1
	else
		echo "ok fuzz-$t: ${runs:-?} runs in ${secs} s, no crash"
	fi
done
exit $status
