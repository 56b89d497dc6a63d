"""contrib/ci-example/server.py - the service under test: HTTP on
127.0.0.1:8000, GET /health answers "ok".  Once it listens it creates
the file named by argv[1], so that the test starts the client without
probing the port (a probe would be a connection of its own in the
report).  Quiet: CI logs show porttop's verdicts, not request lines.
README "Use in CI"."""
import http.server
import sys


class Health(http.server.BaseHTTPRequestHandler):
    # the Server header without Python's version: the baseline's byte
    # counts stay the same on another Python
    server_version = "health/1"
    sys_version = ""

    def do_GET(self):
        body = b"ok\n" if self.path == "/health" else b"not found\n"
        self.send_response(200 if self.path == "/health" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 8000), Health)
open(sys.argv[1], "w").close()
server.serve_forever()
