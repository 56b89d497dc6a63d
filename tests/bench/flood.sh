#!/usr/bin/env bash
# tests/bench/flood.sh - porttop under floods (issue 6): `make bench-flood`.
#
#  1. A SYN flood with spoofed sources: N SYNs (default 2,000,000), each a
#     new tuple (tests/bench/flood.c random), against normal traffic (the
#     benchmark capture .bench/bench-small.pcap, ../shared/bench), both with
#     --max-flows 65536: packets/s, flows created/s, flows evicted, peak
#     RSS, against the flow table's size for that cap (ft_memory).
#  2. Hash flooding: K = 4000 tuples crafted so that their flow-table keys
#     all land in one index slot under a known key (PORTTOP_HASH_SEED), sent
#     100 times each, read with --max-flows 4096 twice: under that known key
#     (what an attacker who knew it could do) and under a random per-run key
#     (what porttop does): the ratio of the two times.
#  3. The view under the flood: --batch -d 0.2 --view ports (one row: the
#     flooded port; the flows view would print 65,536 rows a refresh) replaying the flood capture
#     as fast as it can (--speed 0): the largest gap between two refreshes,
#     as they arrive, against the 0.2 s asked (the capture thread never
#     waits on the view; this shows the view is not starved either).
# Medians of 3 interleaved runs.  Exit 0 whatever the numbers (a
# benchmark); 1 when a run fails.
set -u
cd "$(dirname "$0")/../.." || exit 2
N=${N:-2000000} RUNS=${RUNS:-3}
SEED=000102030405060708090a0b0c0d0e0f
mkdir -p .bench
[ -x ./porttop ] || { echo "flood: build porttop first (make)" >&2; exit 1; }
cc -O2 -D_GNU_SOURCE -o .bench/flood tests/bench/flood.c \
	build/release/lib/keyhash.o build/release/lib/rand_linux.o -lsodium || exit 1
[ -f .bench/bench-small.pcap ] ||
	../shared/bench/make-bench-pcap.sh --small .bench >/dev/null || exit 1
[ -f .bench/flood-random-$N.pcap ] ||
	.bench/flood random "$N" >.bench/flood-random-$N.pcap || exit 1
[ -f .bench/flood-collide.pcap ] ||
	.bench/flood collide $SEED 4000 100 >.bench/flood-collide.pcap || exit 1

# run NAME ENV... -- ARGS...: one timed run; appends "name wall rss pkts
# flows evicted" to $out
out=$(mktemp) && trap 'rm -f "$out" "$out.err"' EXIT
run() {
	local name=$1 envs=()
	shift
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env "${envs[@]}" /usr/bin/time -f 'TIME %e %M' ./porttop -q "$@" \
		--report ports >/dev/null 2>"$out.err" || { cat "$out.err" >&2; exit 1; }
	awk -v n="$name" '
	/^TIME/ { w = $2; r = $3 }
	/packets? read,/ { p = $2; f = $(NF - 1) }
	/flows? evicted/ { e = $(NF - 2) }
	END { print n, w, r, p, f, e }' "$out.err" >>"$out"
}
echo "# flood bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, porttop $(git rev-parse --short HEAD)$(git diff --quiet || echo +changes)"
for r in $(seq "$RUNS"); do
	run normal -- -r .bench/bench-small.pcap --max-flows 65536
	run flood -- -r .bench/flood-random-$N.pcap --max-flows 65536
	run collide-known PORTTOP_HASH_SEED=$SEED -- -r .bench/flood-collide.pcap --max-flows 4096
	run collide-random -- -r .bench/flood-collide.pcap --max-flows 4096
done
python3 - "$out" <<'PY'
import sys, statistics
rows = {}
for l in open(sys.argv[1]):
    n, w, r, p, f, e = l.split()
    rows.setdefault(n, []).append((float(w), int(r), int(p), int(f), int(e)))
def med(n, i):
    return statistics.median(x[i] for x in rows[n])
table = 65536 * 512 + 131072 * 8
print("%-15s %9s %8s %9s %10s %10s %9s %8s" % ("run", "packets", "wall s", "Mpps",
      "flows", "flows/s", "evicted", "RSS MiB"))
for n in ("normal", "flood", "collide-known", "collide-random"):
    w, r, p, f, e = (med(n, i) for i in range(5))
    print("%-15s %9d %8.2f %9.2f %10d %10.0f %9d %8.1f" % (n, p, w, p / w / 1e6, f, f / w, e, r / 1024))
print("flow table for --max-flows 65536: %.1f MiB (records and index)" % (table / 2**20))
print("flood / normal, packets/s: %.2f; flows/s: %.2f" % (
    (med("flood", 2) / med("flood", 0)) / (med("normal", 2) / med("normal", 0)),
    (med("flood", 3) / med("flood", 0)) / (med("normal", 3) / med("normal", 0))))
print("crafted collisions, known key / random key, wall time: %.1fx" % (
    med("collide-known", 0) / med("collide-random", 0)))
PY
python3 - .bench/flood-random-$N.pcap <<'PY'
import subprocess, sys, time
p = subprocess.Popen(["./porttop", "--batch", "-d", "0.2", "--format", "json",
                      "--speed", "0", "--max-flows", "65536", "--view", "ports",
                      "-r", sys.argv[1]],
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
times = []
for line in p.stdout:
    if b'"type":"tick"' in line:
        times.append(time.monotonic())
p.wait()
gaps = [b - a for a, b in zip(times, times[1:])]
if gaps:
    print("view under the flood (--batch -d 0.2, replay at full speed): %d refreshes, "
          "largest gap %.3f s, median %.3f s" % (len(times), max(gaps),
          sorted(gaps)[len(gaps) // 2]))
PY
