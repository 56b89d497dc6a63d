"""Real processes making real sockets, and the ground truth of who owned
which end (tests/attrib/run.sh, tests/bench/attrib_bench.sh).

  workload.py server tcp|udp HOST PORT TRUTH [--comm NAME] [--echo]
      A server in this process (one, long-lived): TCP accepts and reads
      every connection until EOF (--echo: sends back what it reads), UDP
      answers every datagram with the same bytes.  One TRUTH line per
      accepted connection / per new UDP peer, written as it comes.  Prints
      "ready PID" on stdout once it listens.  Runs until SIGTERM or SIGINT.

  workload.py clients tcp|udp HOST PORT N TRUTH [options]
      N connections, each from its own short-lived process: the parent
      (which holds no socket) forks a child per connection, at most --par
      at a time.  The child names itself (comm PREFIX + its index: exactly
      what porttop must report), makes one socket, connects (TCP) or sends
      (UDP), sends --bytes bytes, TCP: waits --life ms and closes first; UDP:
      waits for the reply (2 s at most), then closes; writes its TRUTH line
      and exits.  Options:
        --life MS      TCP: time between the connect and the close (default 1)
        --bytes B      bytes sent (default 100)
        --chunks K     TCP: send them in K parts spread over --life (default
                       1: all at once, then wait --life)
        --par K        children at once (default 2)
        --sport BASE   bind the client to port BASE + index (default: the
                       kernel picks)
        --same-sport   bind every client to port BASE itself (SO_REUSEADDR):
                       with --par 1, processes reuse one UDP tuple in turn
        --linger MS    UDP: keep the socket open this long after the reply
                       (default 0), so that a poll can see it
        --comm PREFIX  comm of the children (default "ptc"; the index is
                       appended, 15 characters at most)
        --hold MS      TCP: the child stays alive this long after close
                       (default 0: it exits at once)
        --count-file F write the number of connections made into F at the end
      UDP: even indexes connect() the socket and send(), odd ones sendto() on
      an unconnected socket (both kinds of client exist).

  workload.py long tcp|udp HOST PORT N SECONDS TRUTH [--every MS] [--comm P]
      N processes, each holding one connection (TCP) or one connected UDP
      socket open SECONDS, sending 100 bytes every --every ms (default 200).

  workload.py rate tcp HOST PORT RATE SECONDS SUMMARY [--procs P]
      The CPU benchmark's load: P processes (default 1) making RATE new
      connections per second in total (connect, send 100 bytes, close) for
      SECONDS.  No TRUTH lines (too many); SUMMARY gets one JSON object:
      connections made, wall seconds, the processes' CPU seconds (user +
      system) and their pids (comm "ptrate").

TRUTH lines (JSON Lines, one per socket end):
  {"role": "orig"|"resp", "proto": "tcp"|"udp", "pid": N, "comm": "...",
   "laddr": "...", "lport": N, "raddr": "...", "rport": N,
   "t0": epoch, "t1": epoch, "bytes": N}
(clients: t0 just before connect()/the first send, t1 after close())
check.py joins the two roles into one line per connection.
"""
import json
import os
import selectors
import signal
import socket
import sys
import time


def set_comm(name):
    with open('/proc/self/comm', 'w') as f:
        f.write(name[:15])


def family(host):
    return socket.AF_INET6 if ':' in host else socket.AF_INET


def opts(args, spec):
    """--name VALUE pairs (and bare flags) after the positional args."""
    o = dict(spec)
    i = 0
    pos = []
    while i < len(args):
        a = args[i]
        if a.startswith('--'):
            k = a[2:].replace('-', '_')
            if k not in o:
                sys.exit('workload.py: unknown option ' + a)
            if isinstance(o[k], bool):
                o[k] = True
            else:
                o[k] = type(o[k])(args[i + 1]) if o[k] is not None else args[i + 1]
                i += 1
        else:
            pos.append(a)
        i += 1
    return pos, o


class Truth:
    """Appends one line per write: O_APPEND and a single write(2) of a
    short line, so lines from many processes never interleave."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def put(self, **kw):
        os.write(self.fd, (json.dumps(kw, sort_keys=True) + '\n').encode())


def ends(s):
    la = s.getsockname()
    ra = s.getpeername()
    return la[0], la[1], ra[0], ra[1]


# ---- servers ----------------------------------------------------------------

def server(proto, host, port, truth_path, comm, echo):
    set_comm(comm)
    truth = Truth(truth_path)
    pid = os.getpid()
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    signal.signal(signal.SIGINT, lambda *a: os._exit(0))
    fam = family(host)
    if proto == 'tcp':
        ls = socket.socket(fam, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((host, port))
        ls.listen(1024)
    else:
        ls = socket.socket(fam, socket.SOCK_DGRAM)
        ls.bind((host, port))
    print('ready %d' % pid, flush=True)
    if proto == 'udp':
        peers = set()
        while True:
            data, peer = ls.recvfrom(65535)
            if peer[:2] not in peers:
                peers.add(peer[:2])
                la = ls.getsockname()
                truth.put(role='resp', proto='udp', pid=pid, comm=comm,
                          laddr=host, lport=la[1], raddr=peer[0],
                          rport=peer[1], t0=time.time(), t1=time.time(),
                          bytes=len(data))
            ls.sendto(data, peer)
    sel = selectors.DefaultSelector()
    ls.setblocking(False)
    sel.register(ls, selectors.EVENT_READ, None)
    info = {}
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if s is ls:
                while True:
                    try:
                        c, _ = ls.accept()
                    except BlockingIOError:
                        break
                    c.setblocking(False)
                    la, lp, ra, rp = ends(c)
                    info[c] = dict(role='resp', proto='tcp', pid=pid,
                                   comm=comm, laddr=la, lport=lp, raddr=ra,
                                   rport=rp, t0=time.time(), bytes=0)
                    sel.register(c, selectors.EVENT_READ, None)
                continue
            try:
                data = s.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b''
            if data:
                info[s]['bytes'] += len(data)
                if echo:
                    try:
                        s.sendall(data)
                    except OSError:
                        pass
                continue
            sel.unregister(s)
            d = info.pop(s)
            d['t1'] = time.time()
            truth.put(**d)
            s.close()


# ---- short-lived clients ------------------------------------------------------

def client_once(proto, host, port, i, o, truth):
    """The child: one connection, its truth line, exit."""
    set_comm('%s%d' % (o['comm'], i))
    fam = family(host)
    payload = b'p' * o['bytes']
    if proto == 'tcp':
        s = socket.socket(fam, socket.SOCK_STREAM)
        if o['sport']:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, o['sport'] + i))
        t0 = time.time()
        s.connect((host, port))
        la, lp, ra, rp = ends(s)
        k = max(1, o['chunks'])
        step = len(payload) // k
        for j in range(k):
            s.sendall(payload[j * step:] if j == k - 1 else
                      payload[j * step:(j + 1) * step])
            if o['life'] > 0:
                time.sleep(o['life'] / 1000.0 / k)
        s.close()
    else:
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.settimeout(2)
        sport = o['sport'] + (0 if o['same_sport'] else i) if o['sport'] else 0
        if o['same_sport']:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, sport))
        t0 = time.time()
        if i % 2 == 0:
            s.connect((host, port))
            s.send(payload)
        else:
            s.sendto(payload, (host, port))
        la, lp = s.getsockname()[:2]
        ra, rp = host, port
        try:
            s.recv(65535)
        except OSError:
            pass
        if o['linger'] > 0:
            time.sleep(o['linger'] / 1000.0)
        s.close()
    t1 = time.time()
    truth.put(role='orig', proto=proto, pid=os.getpid(),
              comm=('%s%d' % (o['comm'], i))[:15], laddr=la, lport=lp,
              raddr=ra, rport=rp, t0=t0, t1=t1, bytes=len(payload))
    if o['hold'] > 0:
        time.sleep(o['hold'] / 1000.0)


def clients(proto, host, port, n, truth_path, o):
    truth = Truth(truth_path)
    running = 0
    made = 0
    failed = 0
    for i in range(n):
        if running >= o['par']:
            _, st = os.wait()
            running -= 1
            failed += st != 0
        pid = os.fork()
        if pid == 0:
            rc = 0
            try:
                client_once(proto, host, port, i, o, truth)
            except Exception as e:  # noqa: BLE001 - report, exit non-zero
                os.write(2, ('client %d: %s\n' % (i, e)).encode())
                rc = 1
            os._exit(rc)
        running += 1
        made += 1
    while running:
        _, st = os.wait()
        running -= 1
        failed += st != 0
    if o['count_file']:
        with open(o['count_file'], 'w') as f:
            f.write('%d\n' % (made - failed))
    if failed:
        print('workload.py: %d of %d clients failed' % (failed, made),
              file=sys.stderr)
        sys.exit(1)


# ---- long-lived clients ----------------------------------------------------------

def long_once(proto, host, port, i, secs, every, comm, truth):
    name = '%s%d' % (comm, i)
    set_comm(name)
    fam = family(host)
    t0 = time.time()
    if proto == 'tcp':
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.connect((host, port))
    else:
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.settimeout(1)
        s.connect((host, port))
    la, lp, ra, rp = ends(s)
    sent = 0
    end = t0 + secs
    while time.time() < end:
        s.send(b'l' * 100)
        sent += 100
        if proto == 'udp':
            try:
                s.recv(65535)
            except OSError:
                pass
        time.sleep(every / 1000.0)
    s.close()
    truth.put(role='orig', proto=proto, pid=os.getpid(), comm=name[:15],
              laddr=la, lport=lp, raddr=ra, rport=rp, t0=t0, t1=time.time(),
              bytes=sent)


def long_clients(proto, host, port, n, secs, truth_path, o):
    truth = Truth(truth_path)
    pids = []
    for i in range(n):
        pid = os.fork()
        if pid == 0:
            rc = 0
            try:
                long_once(proto, host, port, i, secs, o['every'], o['comm'],
                          truth)
            except Exception as e:  # noqa: BLE001
                os.write(2, ('long client %d: %s\n' % (i, e)).encode())
                rc = 1
            os._exit(rc)
        pids.append(pid)
    bad = sum(os.waitpid(p, 0)[1] != 0 for p in pids)
    if bad:
        print('workload.py: %d long clients failed' % bad, file=sys.stderr)
        sys.exit(1)


# ---- a connection rate, for the CPU benchmark -----------------------------------

def cpu_of(pid='self'):
    """CPU seconds of a process's main thread, user and system: the
    scheduler's run time (ns) when it is there, else utime + stime (clock
    ticks, 10 ms)."""
    try:
        with open('/proc/%s/schedstat' % pid) as f:
            return int(f.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        with open('/proc/%s/stat' % pid) as f:
            st = f.read().rsplit(')', 1)[1].split()
        return (int(st[11]) + int(st[12])) / os.sysconf('SC_CLK_TCK')


def rate_worker(host, port, rate, secs, summary_fd):
    fam = family(host)
    payload = b'r' * 100
    t0 = time.monotonic()
    made = 0
    while True:
        now = time.monotonic()
        if now - t0 >= secs:
            break
        due = t0 + made / rate
        if due > now:
            time.sleep(due - now)
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.connect((host, port))
        s.sendall(payload)
        s.close()
        made += 1
    wall = time.monotonic() - t0
    os.write(summary_fd, (json.dumps(dict(made=made, wall=wall, cpu=cpu_of(),
                                          pid=os.getpid())) + '\n').encode())


def rate(host, port, total_rate, secs, summary_path, procs):
    r, w = os.pipe()
    pids = []
    for _ in range(procs):
        pid = os.fork()
        if pid == 0:
            os.close(r)
            set_comm('ptrate')
            rate_worker(host, port, total_rate / procs, secs, w)
            os._exit(0)
        pids.append(pid)
    os.close(w)
    for p in pids:
        os.waitpid(p, 0)
    rows = [json.loads(l) for l in os.fdopen(r).read().splitlines()]
    res = dict(made=sum(x['made'] for x in rows),
               wall=max(x['wall'] for x in rows),
               cpu=sum(x['cpu'] for x in rows),
               pids=[x['pid'] for x in rows])
    with open(summary_path, 'w') as f:
        json.dump(res, f)
        f.write('\n')


def main(a):
    if not a:
        sys.exit(__doc__)
    cmd = a[0]
    if cmd == 'server':
        pos, o = opts(a[1:], {'comm': 'ptsrv', 'echo': False})
        server(pos[0], pos[1], int(pos[2]), pos[3], o['comm'], o['echo'])
    elif cmd == 'clients':
        pos, o = opts(a[1:], {'life': 1.0, 'bytes': 100, 'par': 2,
                              'sport': 0, 'comm': 'ptc', 'hold': 0.0, 'chunks': 1,
                              'count_file': '', 'same_sport': False,
                              'linger': 0.0})
        clients(pos[0], pos[1], int(pos[2]), int(pos[3]), pos[4], o)
    elif cmd == 'long':
        pos, o = opts(a[1:], {'every': 200.0, 'comm': 'ptl'})
        long_clients(pos[0], pos[1], int(pos[2]), int(pos[3]),
                     float(pos[4]), pos[5], o)
    elif cmd == 'rate':
        pos, o = opts(a[1:], {'procs': 1})
        rate(pos[1], int(pos[2]), float(pos[3]), float(pos[4]), pos[5],
             o['procs'])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
