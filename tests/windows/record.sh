#!/bin/sh
# tests/windows/record.sh ARGS... - stands in for porttop while
# tests/windows/run.sh runs another suite (tests/corrupt): runs the Linux
# build ($REC_LINUX) as asked, and records the same command, its standard
# input and the files it names in $REC_DIR, for porttop.exe to run later
# in one wine start.  Files in the suite's temporary directory (gone when
# it ends) are copied, and the arguments naming them rewritten.
set -u
# Not replayable, so run on Linux only and not recorded: a command run
# with another PORTTOP_HASH_SEED than the suite's (the manifest carries no
# environment), one naming a symbolic link (the copy below would be its
# target), and --batch (its lines carry the wall clock's time).
[ "${PORTTOP_HASH_SEED:-}" = "${REC_SEED:-}" ] || exec "$REC_LINUX" "$@"
for a in "$@"; do
	if [ -L "$a" ] || [ "$a" = --batch ]; then
		exec "$REC_LINUX" "$@"
	fi
done
d=$REC_DIR
n=$(($(cat "$d/count" 2>/dev/null || echo 0) + 1))
echo "$n" > "$d/count"
r="$d/c$n"
mkdir -p "$r"
cat > "$r/stdin"
printf '@ corrupt-%s %s %s %s\n' "$n" "$r/stdin" "$r/win.out" "$r/win.err" \
	>> "$d/manifest"
echo 'build-win\porttop.exe' >> "$d/manifest"
for a in "$@"; do
	case $a in
	"${TMPDIR:-/tmp}"/porttop-corrupt.*)
		b="$r/$(basename "$a")"
		[ -f "$a" ] && cp "$a" "$b"
		a=$b ;;
	esac
	printf '%s\n' "$a" >> "$d/manifest"
done
echo . >> "$d/manifest"
"$REC_LINUX" "$@" < "$r/stdin" > "$r/lin.out" 2> "$r/lin.err"
rc=$?
echo "$rc" > "$r/lin.rc"
cat "$r/lin.out"
cat "$r/lin.err" >&2
exit "$rc"
