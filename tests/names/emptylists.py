#!/usr/bin/env python3
# tests/names/emptylists.py LISTEN REAL: a container runtime socket at
# LISTEN whose lists are always empty (as if every container were removed
# before it is listed), and whose /events stream is REAL's (names-events-only).
import socket, sys, threading
listen, real = sys.argv[1:3]
def serve(c):
    req = b""
    while b"\r\n\r\n" not in req:
        d = c.recv(4096)
        if not d:
            return c.close()
        req += d
    path = req.split(b" ")[1]
    if b"/events" not in path:
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 2\r\nConnection: close\r\n\r\n[]")
        return c.close()
    u = socket.socket(socket.AF_UNIX)
    u.connect(real)
    u.sendall(req)
    while True:
        d = u.recv(65536)
        if not d:
            break
        try:
            c.sendall(d)
        except OSError:
            break
    u.close()
    c.close()
s = socket.socket(socket.AF_UNIX)
s.bind(listen)
s.listen(16)
while True:
    threading.Thread(target=serve, args=(s.accept()[0],), daemon=True).start()
