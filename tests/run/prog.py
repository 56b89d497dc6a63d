"""tests/run/prog.py - the programs tests/run/run.sh runs under (or beside)
`porttop run`: real sockets on loopback, addresses and ports fixed so that
each program's flows can be told apart in a report.

  prog.py echo PORT              UDP echo server on 127.0.0.1:PORT
  prog.py noise PORT SRC         forever: a UDP datagram from 127.0.0.1:SRC
                                 to PORT every 50 ms (traffic that is not
                                 the command's)
  prog.py fork PORT N BASE PIDF  forks N children, child i sends one
                                 datagram from port BASE+i to PORT and
                                 waits for the echo; the parent writes its
                                 pid to PIDF, reaps them, then lingers
                                 0.2 s (its children are gone before it)
  prog.py http-self PORT         an HTTP server on 127.0.0.1:PORT in a
                                 thread, one GET to it, then stops
  prog.py flood PORT N           N datagrams of 20 bytes, as fast as it
                                 can, to its own socket on 127.0.0.1:PORT
                                 (never read: the kernel drops what its
                                 buffer cannot hold, after capture)
"""
import os
import socket
import sys
import threading
import time


def udp_once(port, src):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", src))
    s.settimeout(2)
    s.sendto(b"ping", ("127.0.0.1", port))
    try:
        s.recvfrom(64)
    except socket.timeout:
        pass
    s.close()


def echo(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    while True:
        data, peer = s.recvfrom(2048)
        s.sendto(data, peer)


def noise(port, src):
    while True:
        udp_once(port, src)
        time.sleep(0.05)


def fork(port, n, base, pidfile):
    with open(pidfile, "w") as f:
        f.write("%d\n" % os.getpid())
    kids = []
    for i in range(n):
        pid = os.fork()
        if pid == 0:
            udp_once(port, base + i)
            os._exit(0)
        kids.append(pid)
    for pid in kids:
        os.waitpid(pid, 0)
    time.sleep(0.2)


def http_self(port):
    import http.server
    import urllib.request

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", port), Quiet)
    t = threading.Thread(target=srv.serve_forever)
    t.start()
    urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=5).read()
    srv.shutdown()
    srv.server_close()


def flood(port, n):
    r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r.bind(("127.0.0.1", port))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(n):
        s.sendto(b"x" * 20, ("127.0.0.1", port))


def main(a):
    if a[0] == "echo":
        echo(int(a[1]))
    elif a[0] == "noise":
        noise(int(a[1]), int(a[2]))
    elif a[0] == "fork":
        fork(int(a[1]), int(a[2]), int(a[3]), a[4])
    elif a[0] == "flood":
        flood(int(a[1]), int(a[2]))
    elif a[0] == "http-self":
        http_self(int(a[1]))
    else:
        sys.exit("prog.py: unknown program " + a[0])


if __name__ == "__main__":
    main(sys.argv[1:])
