#!/bin/sh
# contrib/ci-example/test.sh - the integration test: start the server,
# run the client against it, stop the server.  Run under porttop run
# (README "Use in CI"); says nothing on stdout, which carries porttop's
# report or TAP after this script has exited.
cd "$(dirname "$0")" || exit 2
ready=$(mktemp -u "${TMPDIR:-/tmp}/ci-example.XXXXXX")
python3 server.py "$ready" >&2 &
server=$!
for _ in $(seq 100); do		# until it listens (10 s at most)
	[ -e "$ready" ] && break
	sleep 0.1
done
python3 client.py >&2
status=$?
kill "$server"
wait "$server" 2>/dev/null
rm -f "$ready"
exit $status
