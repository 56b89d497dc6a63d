"""contrib/ci-example/client.py - the client under test: three GETs of
/health, one connection each.  With BROKEN=1 it also tries 127.0.0.1:8001,
where nothing listens: the regression the rules and the baseline catch.
README "Use in CI"."""
import os
import socket
import sys
import urllib.request

for _ in range(3):
    with urllib.request.urlopen("http://127.0.0.1:8000/health", timeout=5) as r:
        if r.read() != b"ok\n":
            sys.exit("client: unexpected answer")
if os.environ.get("BROKEN"):
    try:
        socket.create_connection(("127.0.0.1", 8001), timeout=5)
    except OSError:
        pass
