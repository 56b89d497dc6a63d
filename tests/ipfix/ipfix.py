"""Collectors, traffic and verdicts for tests/ipfix/run.sh.

  collect udp|tcp PORT FILE     an IPFIX collector on 127.0.0.1:PORT that
                                appends what it receives to FILE (UDP: each
                                datagram, a message; TCP: the stream): the
                                same bytes make an IPFIX file for ipfixDump
  stall PORT                    a TCP listener that never accepts or reads
                                (its receive buffer made small)
  stream PORT SECONDS           a TCP server on 127.0.0.1:PORT that sends
                                1 KiB every 50 ms for SECONDS to its one
                                client, then closes
  read PORT                     a TCP client reading 127.0.0.1:PORT to EOF
  flood PORT0 N                 N UDP datagrams from one socket to
                                127.0.0.1 ports PORT0 .. PORT0+N-1
  nfdump REPORT NFDUMP ERR      porttop's --report flows (JSON Lines)
                                against nfdump -o json of the same export;
                                its stderr (ERR) says every record went out
  owners REPORT DUMP [MODE]     the enterprise elements in ipfixDump's
                                output against the report (MODE biflow or
                                uniflow); --need-comm COMM: a flow whose end
                                is COMM must be there with its pid
  deltas REPORT DUMP PORT MIN   the flow to PORT: at least MIN
                                active-timeout records, adding up to it
  summary ERR WANT              the run's "ipfix ...: N records sent, M
                                lost" lines: WANT is "lost" (M > 0 on every
                                line) or "all=N" (N sent, none lost)
Problems go to stdout, one a line; exit status 1 when there are any.
"""
import datetime
import ipaddress
import json
import re
import socket
import sys
import time

problems = []


def bad(msg):
    problems.append(msg)


def finish():
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


# ---- collectors and traffic -------------------------------------------------

def collect(proto, port, path):
    out = open(path, 'ab', buffering=0)
    if proto == 'udp':
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        s.bind(('127.0.0.1', port))
        while True:
            out.write(s.recv(65535))
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('127.0.0.1', port))
    s.listen(8)
    while True:         # one exporter after another
        c, _ = s.accept()
        while True:
            d = c.recv(65536)
            if not d:
                break
            out.write(d)
        c.close()


def stall(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.bind(('127.0.0.1', port))
    s.listen(1)
    while True:
        time.sleep(3600)


def stream(port, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('127.0.0.1', port))
    s.listen(1)
    c, _ = s.accept()
    end = time.monotonic() + secs
    while time.monotonic() < end:
        c.sendall(b'x' * 1024)
        time.sleep(0.05)
    c.close()


def read(port):
    s = socket.create_connection(('127.0.0.1', port))
    while s.recv(65536):
        pass


def flood(port0, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(n):
        s.sendto(b'porttop flood', ('127.0.0.1', port0 + i))


# ---- porttop's report -------------------------------------------------------

def report(path):
    rows = []
    for line in open(path):
        rows.append(json.loads(line))
    return rows


ICMP_PAIRS = {1: {8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 9: 10,
                  17: 18, 18: 17},
              58: {128: 129, 129: 128, 133: 134, 134: 133, 135: 136,
                   136: 135, 130: 131, 131: 130, 139: 140, 140: 139,
                   144: 145, 145: 144}}


def rep_key(r):
    """The tuple as IPFIX has it: ports, or ICMP type and code."""
    p = r['ip_proto']
    if p in ICMP_PAIRS:
        t, other = r['orig_p'], r['resp_p']
        code = 0 if ICMP_PAIRS[p].get(t) == other else other
        return (p, r['orig_h'], t, r['resp_h'], code, r['vlan'] or 0)
    return (p, r['orig_h'], r['orig_p'] or 0, r['resp_h'], r['resp_p'] or 0,
            r['vlan'] or 0)


def rep_times(r):
    """First and last packet in ms, as porttop exports them."""
    first_us = round(r['ts'] * 1e6)
    last_us = first_us + round(r['duration'] * 1e6)
    return first_us // 1000, last_us // 1000


def name(k):
    return 'proto %s %s:%s > %s:%s vlan %s' % k


# ---- nfdump ---------------------------------------------------------------------

def nf_ms(s):
    d = datetime.datetime.strptime(s, '%Y-%m-%dT%H:%M:%S.%f')
    d = d.replace(tzinfo=datetime.timezone.utc)
    return round(d.timestamp() * 1000)


def nf_key(r):
    p = r['proto']
    sa = r.get('src4_addr') or r.get('src6_addr')
    da = r.get('dst4_addr') or r.get('dst6_addr')
    if p in ICMP_PAIRS:
        return (p, sa, r.get('icmp_type', 0), da, r.get('icmp_code', 0),
                r.get('src_vlan', 0))
    return (p, sa, r.get('src_port', 0), da, r.get('dst_port', 0),
            r.get('src_vlan', 0))


def add(tot, k, first, last, counts):
    t = tot.setdefault(k, [first, last, 0, 0, 0, 0, 0])
    t[0], t[1] = min(t[0], first), max(t[1], last)
    for i, c in enumerate(counts):
        t[2 + i] += c
    t[6] += 1


def check_nfdump(rep_path, nf_path, err_path):
    """Per tuple (a flow, or the flows and deltas sharing it): packets
    and IP bytes each way, first and last packet within 1 ms; and as many
    records as porttop sent, none lost."""
    rep, nf = {}, {}
    for r in report(rep_path):
        first, last = rep_times(r)
        add(rep, rep_key(r), first, last,
            (r['orig_pkts'], r['orig_ip_bytes'], r['resp_pkts'],
             r['resp_ip_bytes']))
    text = open(nf_path).read().strip()
    for r in (json.loads(text) if text else []):
        add(nf, nf_key(r), nf_ms(r['first']), nf_ms(r['last']),
            (r['in_packets'], r['in_bytes'], r['out_packets'],
             r['out_bytes']))
    for k in sorted(set(rep) - set(nf), key=str):
        bad('not in nfdump: %s' % name(k))
    for k in sorted(set(nf) - set(rep), key=str):
        bad('only in nfdump: %s' % name(k))
    same = 0
    for k in sorted(set(rep) & set(nf), key=str):
        a, b = rep[k], nf[k]
        diff = [f for f, x, y in zip(('packets >', 'bytes >', 'packets <',
                                      'bytes <'), a[2:6], b[2:6]) if x != y]
        if abs(a[0] - b[0]) > 1 or abs(a[1] - b[1]) > 1:
            diff.append('times %d-%d ms vs %d-%d' % (a[0], a[1], b[0], b[1]))
        if diff:
            bad('%s: %s (porttop %s, nfdump %s)' % (name(k), ', '.join(diff),
                                                   a[2:6], b[2:6]))
        else:
            same += 1
    nrec = sum(v[6] for v in nf.values())
    sent = summaries(err_path)
    if len(sent) != 1 or sent[0][1:] != (nrec, 0):
        bad('porttop says %s (sent, lost); nfdump has %d records'
            % ([s[1:] for s in sent], nrec))
    print('# %d flows, %d tuples agree, %d nfdump records'
          % (sum(v[6] for v in rep.values()), same, nrec), file=sys.stderr)


# ---- ipfixDump ---------------------------------------------------------------

FIELD = re.compile(r'^\s+\((?:\d+/)?\d+\)\s+(\S+) : (.*)$')


def dump_records(path):
    """The flow records (templates 256, 257) of ipfixDump's output, each a
    dict of element name -> value (strings without their length)."""
    recs, cur = [], None
    for line in open(path, errors='replace'):
        if line.startswith('--- '):
            cur = None
            continue
        m = re.match(r'^\s+count:\s+\d+\s+tid:\s+(\d+)', line)
        if m:
            cur = {} if m.group(1) in ('256', '257') else None
            if cur is not None:
                recs.append(cur)
            continue
        m = FIELD.match(line)
        if m and cur is not None:
            v = re.sub(r'^\(len: \d+\) ?', '', m.group(2).rstrip('\n'))
            cur[m.group(1)] = v
    return recs


def addr(a):
    """An address as the report writes it (ipfixDump says ::0001)."""
    return ipaddress.ip_address(a).compressed


def dump_key(d, src):
    sa = addr(d.get('sourceIPv4Address') or d.get('sourceIPv6Address'))
    da = addr(d.get('destinationIPv4Address') or
              d.get('destinationIPv6Address'))
    return (sa, int(d['sourceTransportPort']), da,
            int(d['destinationTransportPort'])) if src == 'source' else \
        (da, int(d['destinationTransportPort']), sa,
         int(d['sourceTransportPort']))


def owner(d, end):
    pid = int(d['porttop%sPid' % end])
    return (pid or None, d['porttop%sComm' % end] or None)


def check_owners(rep_path, dump_path, mode, need_comm):
    """Each flow's records carry its owners, its state and history."""
    recs = dump_records(dump_path)
    by = {}
    for d in recs:
        fwd = d.get('biflowDirection', '1') == '1'
        k = dump_key(d, 'source' if fwd else 'destination')
        o = owner(d, 'Source'), owner(d, 'Destination')
        by.setdefault(k, []).append((o if fwd else o[::-1], d))
    seen_comm = False
    for r in report(rep_path):
        if r['ip_proto'] not in (6, 17):
            continue
        k = (addr(r['orig_h']), r['orig_p'], addr(r['resp_h']), r['resp_p'])
        want = ((r['orig_pid'], r['orig_comm']), (r['resp_pid'],
                                                  r['resp_comm']))
        got = by.get(k)
        if not got:
            bad('no record for %s:%s > %s:%s' % k)
            continue
        n_want = 1 if mode == 'biflow' else (2 if r['resp_pkts'] and
                                              r['orig_pkts'] else 1)
        if len(got) != n_want:
            bad('%s:%s > %s:%s: %d records, expected %d' % (k + (len(got),
                                                              n_want)))
        for o, d in got:
            if o != want:
                bad('%s:%s > %s:%s: owners %s, report %s' % (k + (o, want)))
            for f, rf in (('porttopConnState', 'conn_state'),
                          ('porttopHistory', 'history'),
                          ('porttopPortState', 'port_state')):
                if d.get(f) != r[rf]:
                    bad('%s:%s > %s:%s: %s %r, report %r' % (k + (f, d.get(f),
                                                                 r[rf])))
        if need_comm and need_comm in (want[0][1], want[1][1]):
            seen_comm = True
    if need_comm and not seen_comm:
        bad('no flow with a %s end known' % need_comm)
    print('# %d flow records checked' % len(recs), file=sys.stderr)


def check_deltas(rep_path, dump_path, port, need):
    flows = [r for r in report(rep_path)
             if r['ip_proto'] == 6 and r['resp_p'] == port]
    if len(flows) != 1:
        bad('%d flows to port %d in the report, expected 1' % (len(flows),
                                                               port))
        return
    r = flows[0]
    recs = [d for d in dump_records(dump_path)
            if int(d['destinationTransportPort']) == port]
    ids = {d['flowId'] for d in recs}
    if len(ids) != 1:
        bad('records of %d flow ids for port %d' % (len(ids), port))
    active = [d for d in recs if d['flowEndReason'] == '2']
    if len(active) < need:
        bad('%d active-timeout records, expected at least %d' % (len(active),
                                                                 need))
    for el, rf in (('packetDeltaCount', 'orig_pkts'),
                   ('octetDeltaCount', 'orig_ip_bytes'),
                   ('reversePacketDeltaCount', 'resp_pkts'),
                   ('reverseOctetDeltaCount', 'resp_ip_bytes')):
        s = sum(int(d[el]) for d in recs)
        if s != r[rf]:
            bad('%s adds up to %d over %d records, report %s %d'
                % (el, s, len(recs), rf, r[rf]))
    print('# %d records (%d active timeout) for one flow of %d packets'
          % (len(recs), len(active), r['orig_pkts'] + r['resp_pkts']),
          file=sys.stderr)


SUMMARY = re.compile(r'^porttop: ipfix (\S+ \S+): (\d+) records sent, (\d+) lost$')


def summaries(err_path):
    """(collector, sent, lost) of each "porttop: ipfix ..." line."""
    out = []
    for line in open(err_path).read().splitlines():
        m = SUMMARY.match(line)
        if m:
            out.append((m.group(1), int(m.group(2)), int(m.group(3))))
    return out


def check_summary(err_path, want):
    lines = summaries(err_path)
    if not lines:
        bad('no "porttop: ipfix ...: N records sent, M lost" line on stderr')
    for coll, sent, lost in lines:
        if want == 'lost' and lost == 0:
            bad('%s: %d sent, none lost' % (coll, sent))
        if want.startswith('all=') and (sent, lost) != (int(want[4:]), 0):
            bad('%s: %d sent, %d lost; expected %s sent, none lost'
                % (coll, sent, lost, want[4:]))
        print('# %s: %d sent, %d lost' % (coll, sent, lost), file=sys.stderr)


def main(a):
    cmd = a[0]
    if cmd == 'collect':
        collect(a[1], int(a[2]), a[3])
    elif cmd == 'stall':
        stall(int(a[1]))
    elif cmd == 'stream':
        stream(int(a[1]), float(a[2]))
    elif cmd == 'read':
        read(int(a[1]))
    elif cmd == 'flood':
        flood(int(a[1]), int(a[2]))
    elif cmd == 'nfdump':
        check_nfdump(a[1], a[2], a[3])
    elif cmd == 'owners':
        need = a[a.index('--need-comm') + 1] if '--need-comm' in a else None
        check_owners(a[1], a[2], a[3], need)
    elif cmd == 'deltas':
        check_deltas(a[1], a[2], int(a[3]), int(a[4]))
    elif cmd == 'summary':
        check_summary(a[1], a[2])
    else:
        sys.exit('unknown command ' + cmd)
    finish()


main(sys.argv[1:])
