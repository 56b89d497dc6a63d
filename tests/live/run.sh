#!/usr/bin/env bash
# tests/live/run.sh - porttop capturing from live network devices.
#
# Usage (from any directory, as root):
#   tests/live/run.sh
#   PORTTOP=build/san-address-undefined/porttop tests/live/run.sh
#   tests/run.sh live                       (with the other suites' totals)
# Environment:
#   PORTTOP  porttop binary, relative to the repo root (default ./porttop)
#   PYTHON   python3 for the helpers (default /usr/bin/python3, else python3)
#   KEEP=1   keep the work directory (captures, outputs) and say where
#
# All traffic stays inside two network namespaces made here, joined by veth
# pairs (nothing touches any other interface):
#
#   ns ptlive-a-PID (client, captures)           ns ptlive-b-PID (servers)
#   vethA 10.98.0.1/24 fd00:98::1/64  <------>  vethB 10.98.0.2/24 fd00:98::2/64
#   vethG 10.98.1.1/24                <------>  vethH 10.98.1.2/24
#
# vethG/vethH exist only to be deleted under a running capture
# (interface-gone).  In ptlive-b run `python3 -m http.server` (TCP 8080) and
# a UDP echo server (9999), both dual-stack; nothing listens on UDP 9998.
# Offloads are off on the veths (ethtool -K), so every capturer sees the
# same real, MTU-sized frames with their checksums.
#
# The link is kept quiet so that two capturers started a moment apart see
# exactly the same packets: no IPv6 DAD or router solicitations, and the
# MLD reports that follow a link coming up are sent within milliseconds
# (unsolicited report interval 10 ms) and awaited before any capture.
# Neighbour caches start empty, so the first check sees ARP and IPv6 ND;
# reachability probes of known neighbours are put off for an hour.
#
# "The burst" is the traffic most checks capture, made by real programs:
#   curl GET http://10.98.0.2:8080/ twice     -> 2 TCP flows, SF
#   3 UDP datagrams to 10.98.0.2:9999, echoed -> 1 UDP flow, 3+3 packets, SF
#   1 UDP datagram to 10.98.0.2:9998 (closed) -> 1 UDP flow (S0) and
#                                                1 ICMP port unreachable
#   curl -6 GET http://[fd00:98::2]:8080/     -> 1 TCP flow over IPv6, SF
#
# Checks (one line each: "ok NAME", "FAIL NAME: reason" with details
# indented below, or "SKIP NAME: reason"):
#   batch-json-vs-tcpdump  porttop --batch --format json and tcpdump -w on
#                          vethA at once, the burst; porttop's last tick
#                          (flows and counters) against porttop -r, tcpdump
#                          -r (and capinfos) on tcpdump's file
#   report-live            --report -c N stops by itself after N packets;
#                          the flows add up to the summary's numbers
#   sigint-and-sigterm     --report stopped by SIGINT, and by SIGTERM: exit
#                          0, the burst's flows reported, the summary printed
#   write-pcap, write-pcapng  -w FILE.pcap / FILE.pcapng: tcpdump (and
#                          tshark, capinfos) read every packet; porttop -r
#                          on the file reports exactly what the live run did
#   filter-live            the capture filter `udp`: only UDP flows
#   interface-gone         the device deleted mid-capture: exit 1 within a
#                          few seconds, one error line, flows so far reported
#   no-such-device         exit 2, one line naming the device
#   permission             as nobody: exit 2, one line naming root/CAP_NET_RAW
#   drops-visible          kernel drop counters in every --batch tick and in
#                          the report's stderr line (none are provoked)
#   sighup                 SIGHUP ends a --report run like SIGINT (exit 0)
#   disk-full              -w on a 4 KiB tmpfs: the capture goes on, the
#                          report is whole, exit 1 with the count of packets
#                          not written, and the file reads back
#   events-live-vs-file    --events of a live run and of porttop -r on its
#                          -w file: the same flow events (port states)
#   stalled-stdout         --batch into a pipe nobody reads: the view blocks,
#                          the capture does not (the burst reaches -w whole)
#   duration-quiet-link    on a quiet link the --batch ticks stay current
#                          and --duration ends the run (added for a bug
#                          found here, see the check)
#   fanout-group           two --report runs in --fanout-group 7 and one
#                          outside it, the burst and 48 UDP flows more (8
#                          fragmented): the two split the flows (each has
#                          some, none has a flow the other has, no orphan
#                          fragment), and together report every flow and
#                          packet the third did
#   fanout-mismatch        joining group 7 on another device while it is
#                          in use: exit 2, one line naming the group
#   threads-live           --report flows with --threads 1 (no table
#                          thread), without --threads (with 2 CPUs or
#                          more, the default: table and consumer
#                          threads; else --threads 3) and with
#                          --threads 2 (a consumer thread, no table
#                          thread), and --batch --threads 2 (a table
#                          thread, no consumer thread), at once, on the
#                          traffic of fanout-group: the same flows,
#                          field for field, and the same packets read;
#                          the last tick's totals are the report's
# Every porttop run must also leave no sanitizer report on stderr.
#
# Not root, or no network namespaces: every check is SKIPped, exit 0.
# Tools (iproute2, tcpdump, ethtool, curl, python3; tshark optional) are
# installed with apt-get when missing.  Takes about 10 s.

set -u
cd "$(dirname "$0")/../.." || exit 2

NSLIST=() SUITE=live
. tests/lib/ns.sh

CHECKS=(batch-json-vs-tcpdump report-live sigint-and-sigterm write-pcap
	write-pcapng filter-live interface-gone no-such-device permission
	drops-visible events-live-vs-file sighup disk-full duration-quiet-link
	stalled-stdout fanout-group fanout-mismatch threads-live)

need_root_porttop "network namespaces, packet capture"

# ---- tools ---------------------------------------------------------------

gone=$(need_tools ip:iproute2 ss:iproute2 tcpdump:tcpdump ethtool:ethtool \
	curl:curl setpriv:util-linux "$PYTHON":python3)
[ -z "$gone" ] || skip_all "live: missing and could not be installed: $gone"
# tshark and capinfos only add a second opinion on the pcapng file
if ! command -v tshark >/dev/null 2>&1 || ! command -v capinfos >/dev/null 2>&1; then
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections 2>/dev/null
	apt_install tshark
fi

# ---- work area, namespaces, cleanup ---------------------------------------

NA=ptlive-a-$$ NB=ptlive-b-$$		# unique names: runs may overlap
A4=10.98.0.1 B4=10.98.0.2 A6=fd00:98::1 B6=fd00:98::2
G4=10.98.1.1 H4=10.98.1.2		# the link deleted by interface-gone
tmp=$(mktemp -d "${TMPDIR:-/tmp}/porttop-live.XXXXXX") || exit 2
NSLIST=("$NA" "$NB")
failed=0
T_START=${EPOCHREALTIME/./}

trap ns_cleanup EXIT
trap 'exit 2' HUP INT TERM

for ns in "$NA" "$NB"; do	# a killed run's, whose pid this shell has now
	[ -e "/run/netns/$ns" ] && ip netns del "$ns" 2>/dev/null
done
if ! err=$(ip netns add "$NA" 2>&1); then
	skip_all "live: ip netns add failed: $(echo "$err" | head -n1)"
fi
ip netns add "$NB" || skip_all "live: ip netns add failed"

ina() { ip netns exec "$NA" "$@"; }

# ---- small helpers --------------------------------------------------------

wait_listen() {	# NS tcp|udp PORT: until something listens there
	for _ in $(seq 250); do
		ip netns exec "$1" ss -Hln --"$2" "sport = :$3" | grep -q . && return 0
		sleep 0.02
	done
	return 1
}

wait_oper_up() {	# NS DEV: until the kernel calls the link up (operstate)
	for _ in $(seq 250); do
		[ "$(ip netns exec "$1" cat "/sys/class/net/$2/operstate" 2>/dev/null)" = up ] &&
			return 0
		sleep 0.02
	done
	return 1
}

# ---- python helpers: traffic and verdicts ----------------------------------

cat >"$tmp/live.py" <<'EOF'
"""Traffic makers and output checkers for tests/live/run.sh.

  serve-udp PORT                 dual-stack UDP echo server on [::]:PORT
  send-udp HOST PORT COUNT [GAP] COUNT datagrams of 32 bytes from one
                                 connected socket, GAP seconds apart, each
                                 waiting up to 2 s for its echo (a closed
                                 port answers ICMP port unreachable)
  batch BATCH REPORT NPKTS       porttop --batch's last tick against porttop
                                 -r's report of the same packets (NPKTS:
                                 tcpdump's count)
  report OUT ERR [options]       a --report run's stdout and stderr
  ticks BATCH                    kernel drop counters in every tick
Problems go to stdout, one a line; exit status 1 when there are any.
"""
import json, re, socket, sys, time

A4, B4, A6, B6 = '10.98.0.1', '10.98.0.2', 'fd00:98::1', 'fd00:98::2'
problems = []


def bad(msg):
    problems.append(msg)


def finish():
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


def serve_udp(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(('::', port))
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data, peer)


def send_udp(host, port, count, gap):
    s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET,
                      socket.SOCK_DGRAM)
    s.settimeout(2)
    s.connect((host, port))
    for i in range(count):
        if i and gap:
            time.sleep(gap)
        s.send((b'porttop live %d ' % i).ljust(32, b'.'))
        try:
            s.recv(65535)
        except ConnectionRefusedError:
            pass        # ICMP port unreachable: what a closed port says
        except socket.timeout:
            print('no reply from %s:%d' % (host, port), file=sys.stderr)


def jsonl(path, what):
    """Every line of a JSON Lines file, each an object with "schema": 1."""
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            try:
                o = json.loads(line)
            except ValueError as e:
                bad('%s line %d is not JSON (%s): %.80s' % (what, n, e, line))
                continue
            if not isinstance(o, dict) or o.get('schema') != 1:
                bad('%s line %d: not an object with "schema": 1' % (what, n))
                continue
            rows.append(o)
    return rows


KEY = ('proto', 'orig_h', 'orig_p', 'resp_h', 'resp_p', 'vlan')
# what must agree between a live view of a flow and the file's report
# (ts and duration are the kernel's timestamps, not compared)
FIELDS = ('ip_proto', 'orig_pkts', 'resp_pkts', 'orig_wire_bytes',
          'resp_wire_bytes', 'orig_ip_bytes', 'resp_ip_bytes', 'orig_bytes',
          'resp_bytes', 'conn_state', 'history', 'orig_frag_pkts',
          'orig_frag_wire_bytes', 'resp_frag_pkts', 'resp_frag_wire_bytes')


def key(r):
    return tuple(r.get(k) for k in KEY)


def same_rows(a, b, wa, wb):
    """a and b (5-tuple -> row, from wa and wb) hold the same flows with
    the same FIELDS."""
    for k in sorted(set(a) - set(b), key=str):
        bad('in %s, not in %s: %s' % (wa, wb, name(k)))
    for k in sorted(set(b) - set(a), key=str):
        bad('in %s, not in %s: %s' % (wb, wa, name(k)))
    for k in sorted(set(a) & set(b), key=str):
        for f in FIELDS:
            if f == 'history' and crossed(a[k].get(f), b[k].get(f)):
                continue
            if a[k].get(f) != b[k].get(f):
                bad('%s: %s is %r in %s, %r in %s'
                    % (name(k), f, a[k].get(f), wa, b[k].get(f), wb))


def crossed(x, y):
    """x and y are one history but for adjacent letters of opposite
    directions in the other order: packets that crossed (both ends'
    FINs at once), which two capture sockets may see in either order, as
    the kernel queues a packet to each in turn on whichever CPU sends or
    receives it (seen: 'ShADadFf' in --batch, 'ShADadfF' in tcpdump's
    file)."""
    if not isinstance(x, str) or not isinstance(y, str) or len(x) != len(y):
        return False
    i = 0
    while i < len(x):
        if x[i] == y[i]:
            i += 1
        elif (i + 1 < len(x) and x[i] == y[i + 1] and x[i + 1] == y[i] and
              x[i].isupper() != x[i + 1].isupper()):
            i += 2
        else:
            return False
    return True


def name(k):
    return '%s %s:%s > %s:%s' % k[:5]


def burst(flows, udp_only=False, gets4=2):
    """The burst's flows are all there, with the numbers real programs made."""
    def find(what, **want):
        hits = [r for r in flows if all(r.get(k) == v for k, v in want.items())]
        if not hits:
            bad('missing: %s (%s)' % (what, ', '.join(
                '%s=%s' % kv for kv in want.items())))
        return hits
    if udp_only:
        for r in flows:
            if r.get('proto') != 'udp':
                bad('not UDP: %s' % name(key(r)))
    else:
        http4 = find('HTTP over IPv4', proto='tcp', orig_h=A4, resp_h=B4,
                     resp_p=8080, conn_state='SF')
        if http4 and len(http4) != gets4:
            bad('%d IPv4 HTTP flows, expected %d' % (len(http4), gets4))
        find('HTTP over IPv6', proto='tcp', orig_h=A6, resp_h=B6, resp_p=8080,
             conn_state='SF')
        find('ICMP port unreachable', proto='icmp', orig_h=B4, resp_h=A4,
             orig_p=3, resp_p=3, orig_pkts=1, resp_pkts=0)
    find('UDP echo', proto='udp', orig_h=A4, resp_h=B4, resp_p=9999,
         orig_pkts=3, resp_pkts=3, conn_state='SF')
    find('UDP to a closed port', proto='udp', orig_h=A4, resp_h=B4,
         resp_p=9998, orig_pkts=1, resp_pkts=0, conn_state='S0')


def check_batch(batch_path, report_path, npkts):
    rows = jsonl(batch_path, '--batch output')
    ticks = [r for r in rows if r.get('type') == 'tick']
    if not ticks:
        bad('no tick in the --batch output')
        return
    last = ticks[-1]
    it = last.get('iteration')
    if [t.get('iteration') for t in ticks] != list(range(1, len(ticks) + 1)):
        bad('tick iterations are not 1, 2, 3, ...')
    if rows[-1].get('type') == 'tick' and rows[-1] is not last:
        bad('rows after the last tick')
    if last.get('ended') is not True:
        bad('last tick: "ended" is %r, not true' % last.get('ended'))
    live = [r for r in rows if r.get('type') == 'flow' and r.get('iteration') == it]
    report = jsonl(report_path, 'porttop -r report')
    if last.get('packets') != npkts:
        bad('last tick: %r packets, tcpdump captured %d' % (last.get('packets'), npkts))
    if last.get('flows_ended') != 0:
        bad('last tick: %r flows ended during the capture (the test keeps '
            'every flow alive)' % last.get('flows_ended'))
    if last.get('flows_live') != len(live):
        bad('last tick: flows_live %r, %d flow rows' % (last.get('flows_live'), len(live)))
    for d in ('orig', 'resp'):
        total = sum(r.get(d + '_wire_bytes', 0) for r in live)
        if last.get(d + '_bytes_total') != total:
            bad('last tick: %s_bytes_total %r, its flows add up to %d'
                % (d, last.get(d + '_bytes_total'), total))
    lk = {key(r): r for r in live}
    rk = {key(r): r for r in report}
    if len(lk) != len(live) or len(rk) != len(report):
        bad('a 5-tuple appears twice (tick %d rows, %d keys; report %d rows, '
            '%d keys)' % (len(live), len(lk), len(report), len(rk)))
    same_rows(lk, rk, 'the tick', 'the file')
    burst(report)
    print('# %d packets, %d flows, iteration %s' % (npkts, len(live), it),
          file=sys.stderr)


SUMMARY = re.compile(r'porttop: (\d+) packets? read, (\d+) decoded, (\d+) truncated, '
                     r'(\d+) invalid, (\d+) unsupported, (\d+) flows?$')
SUMMARY2 = re.compile(r'porttop: (\d+) fragments? joined, (\d+) orphan fragments?, '
                      r'(\d+) flows? evicted$')
KERNEL = re.compile(r'porttop: (\d+) packets? received by filter, (\d+) packets? '
                    r'dropped by kernel, (\d+) dropped by interface$')
ATTRIB = re.compile(r'porttop: attribution: \S')


def check_report(out, err, opts):
    """A live --report run: stdout the flows, stderr the attribution line
    (which source), the summary (two lines), the kernel line, and `errors`
    other lines."""
    flows = jsonl(out, 'report')
    lines = open(err).read().splitlines()
    s = [SUMMARY.match(l) for l in lines]
    s2 = [SUMMARY2.match(l) for l in lines]
    k = [KERNEL.match(l) for l in lines]
    at = [l for l in lines if ATTRIB.match(l)]
    other = [l for l, a, b, c in zip(lines, s, s2, k)
             if not (a or b or c or ATTRIB.match(l))]
    if len(at) != 1:
        bad('stderr: %d "porttop: attribution: ..." lines, expected 1'
            % len(at))
    s, s2, k = [m for m in s if m], [m for m in s2 if m], [m for m in k if m]
    if len(s) != 1 or len(s2) != 1:
        bad('stderr: not exactly one summary ("N packets read, ...", "N '
            'fragments joined, ...")')
        return
    read, dec, trunc, inval, unsup, nflows = map(int, s[0].groups())
    joined, orphans, evicted = map(int, s2[0].groups())
    if len(k) != 1:
        bad('stderr: no "packets received by filter, ... dropped by kernel" line')
    elif int(k[0].group(1)) < read:
        bad('kernel line: %s received by filter, fewer than the %d read'
            % (k[0].group(1), read))
    if len(other) != opts['errors']:
        bad('stderr: %d lines besides the summary, expected %d: %s'
            % (len(other), opts['errors'], ' | '.join(other)))
    elif other:
        print(other[0])         # the error line, for the shell to look at
    if read != dec + trunc + inval + unsup + orphans:
        bad('summary: %d read != %d decoded + %d truncated + %d invalid + %d '
            'unsupported + %d orphan fragments' % (read, dec, trunc, inval, unsup, orphans))
    pk = sum(r.get('orig_pkts', 0) + r.get('resp_pkts', 0) for r in flows)
    if pk != dec:
        bad('the flows hold %d packets, the summary says %d decoded' % (pk, dec))
    if nflows != len(flows):
        bad('summary: %d flows, the report has %d rows' % (nflows, len(flows)))
    if opts['count'] is not None and read != opts['count']:
        bad('-c %d, but %d packets read' % (opts['count'], read))
    if opts['min'] and read < opts['min']:
        bad('only %d packets read' % read)
    if opts['expect'] == 'burst':
        burst(flows)
    elif opts['expect'] == 'burst-udp':
        burst(flows, udp_only=True)
    elif opts['expect'] == 'udp3':
        hits = [r for r in flows if r.get('proto') == 'udp' and
                r.get('resp_p') == 9999 and r.get('orig_pkts') == 3 and
                r.get('resp_pkts') == 3]
        if len(hits) != 1:
            bad('no UDP flow to port 9999 with 3 packets each way')


def send_flows(host, port, n, size):
    """n UDP flows: a datagram of size bytes from each of n sockets, each
    echoed (above the MTU, fragmented both ways)."""
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        s.connect((host, port))
        s.send(b'f' * size)
        try:
            s.recv(65535)
        except socket.timeout:
            print('no reply from %s:%d' % (host, port), file=sys.stderr)
        s.close()


def summary_read(err):
    """(packets read, packets dropped by kernel, orphan fragments) of a
    --report's stderr."""
    text = open(err).read()
    m = re.search(r'^porttop: (\d+) packets? read,', text, re.M)
    k = re.search(r'^porttop: \d+ packets? received by filter, (\d+) packets? '
                  r'dropped by kernel', text, re.M)
    o = re.search(r'^porttop: \d+ fragments? joined, (\d+) orphan', text, re.M)
    return tuple(int(x.group(1)) if x else None for x in (m, k, o))


def check_fanout(every, shares, wa='the run outside the group',
                 wb='its members'):
    """every: (out, err) of a run outside the group; shares: the group's
    runs (wa, wb: what to call them).  Each share is a sound report with
    some flows; no flow is in two shares; together they hold every flow of
    `every`, field for field, and its packets.  Exit 3 (the check is
    skipped) when a kernel dropped."""
    runs = [every] + shares
    for out, err in runs:
        check_report(out, err, {'errors': 0, 'count': None, 'min': 1,
                                'expect': None})
    counts = [summary_read(err) for _, err in runs]
    if any(d for _, d, _ in counts):
        print('the kernel dropped packets (%s): the counts cannot agree'
              % ', '.join(str(d) for _, d, _ in counts))
        sys.exit(3)
    for i, (_, _, o) in enumerate(counts):
        if o:
            bad('%s: %d orphan fragments (a datagram\'s fragments split)'
                % ('member %d' % i if i else 'outside the group', o))
    if problems:
        finish()
    whole = {key(r): r for r in jsonl(every[0], 'report')}
    seen = {}
    for i, (out, _) in enumerate(shares):
        rows = jsonl(out, 'report')
        if not rows:
            bad('member %d of the group reported no flow' % (i + 1))
        for r in rows:
            k = key(r)
            if k in seen:
                bad('%s: in two members of the group (a flow split)' % name(k))
            seen[k] = r
    same_rows(whole, seen, wa, wb)
    if sum(c[0] for c in counts[1:]) != counts[0][0]:
        bad('%d packets read by %s, %s by %s' % (counts[0][0], wa, ' + '.join(
            str(c[0]) for c in counts[1:]), wb))
    print('# %d flows, %d packets: %s' % (len(whole), counts[0][0], ', '.join(
        '%d packets' % c[0] for c in counts[1:])), file=sys.stderr)


def check_batch_totals(out, err, batch):
    """The last tick of a --batch run on the packets of a --report run
    (out, err): the packets it read, the wire bytes of all its flows
    (ended, and live at the end) each way."""
    ticks = [r for r in jsonl(batch, '--batch output') if r.get('type') == 'tick']
    if not ticks or ticks[-1].get('ended') is not True:
        bad('--batch: no last tick ("ended": true)')
        return
    last, rows = ticks[-1], jsonl(out, 'report')
    if last.get('packets') != summary_read(err)[0]:
        bad('--batch: last tick %r packets, the report read %r'
            % (last.get('packets'), summary_read(err)[0]))
    for d in ('orig', 'resp'):
        total = sum(r.get(d + '_wire_bytes', 0) for r in rows)
        if last.get(d + '_bytes_total') != total:
            bad('--batch: last tick %s_bytes_total %r, the report\'s flows '
                'add up to %d' % (d, last.get(d + '_bytes_total'), total))


def check_ticks(batch):
    ticks = [r for r in jsonl(batch, '--batch output') if r.get('type') == 'tick']
    if not ticks:
        bad('no tick')
    for t in ticks:
        for f in ('kernel_drops', 'if_drops'):
            v = t.get(f)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                bad('tick %s: %s is %r, not a count' % (t.get('iteration'), f, v))
                break


def main(a):
    if a[0] == 'serve-udp':
        serve_udp(int(a[1]))
    elif a[0] == 'send-udp':
        send_udp(a[1], int(a[2]), int(a[3]), float(a[4]) if len(a) > 4 else 0)
        return
    elif a[0] == 'send-flows':
        send_flows(a[1], int(a[2]), int(a[3]), int(a[4]))
        return
    elif a[0] == 'fanout':
        check_fanout((a[1], a[2]), [(a[i], a[i + 1]) for i in range(3, len(a), 2)])
    elif a[0] == 'same':
        check_fanout((a[1], a[2]), [(a[3], a[4])], '--threads 1', 'the pipeline')
        check_batch_totals(a[1], a[2], a[5])
        if len(a) > 7:              # and the flows report on two threads
            check_fanout((a[1], a[2]), [(a[6], a[7])], '--threads 1',
                         'two threads')
    elif a[0] == 'batch':
        check_batch(a[1], a[2], int(a[3]))
    elif a[0] == 'ticks':
        check_ticks(a[1])
    elif a[0] == 'burst':           # a report of the burst, by any run
        burst(jsonl(a[1], 'report'))
    elif a[0] == 'report':
        opts = {'errors': 0, 'count': None, 'min': 1, 'expect': None}
        for o in a[3:]:
            k, v = o.split('=')
            opts[k] = v if k == 'expect' else int(v)
        check_report(a[1], a[2], opts)
    finish()


main(sys.argv[1:])
EOF
py() { "$PYTHON" "$tmp/live.py" "$@"; }

# ---- the two namespaces and their links ------------------------------------

T0=$(now_us)
for ns in "$NA" "$NB"; do
	# a quiet link: no duplicate address detection, no router
	# solicitations, and the MLD reports of a link coming up all sent at
	# once rather than over a second
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.router_solicitations=0 \
		net.ipv6.conf.default.mldv1_unsolicited_report_interval=10 \
		net.ipv6.conf.default.mldv2_unsolicited_report_interval=10
	ip -n "$ns" link set lo up
done
ip -n "$NA" link add vethA address 02:00:00:98:00:01 type veth \
	peer name vethB address 02:00:00:98:00:02 netns "$NB"
ip -n "$NA" link add vethG address 02:00:00:98:01:01 type veth \
	peer name vethH address 02:00:00:98:01:02 netns "$NB"
ip -n "$NA" addr add "$A4/24" dev vethA
ip -n "$NA" addr add "$A6/64" dev vethA nodad
ip -n "$NB" addr add "$B4/24" dev vethB
ip -n "$NB" addr add "$B6/64" dev vethB nodad
ip -n "$NA" addr add "$G4/24" dev vethG
ip -n "$NB" addr add "$H4/24" dev vethH
setup_ok=1
for spec in "$NA:vethA" "$NB:vethB" "$NA:vethG" "$NB:vethH"; do
	ip netns exec "${spec%%:*}" ethtool -K "${spec#*:}" tx off rx off \
		tso off gso off gro off >/dev/null 2>&1 || setup_ok=0
	# no neighbour reachability probes (a unicast ARP or NS and its
	# answer, 5 s after a neighbour learnt from a request is used with no
	# TCP to confirm it, as by the UDP echo): on a slow host they fell
	# between tcpdump's stop and porttop's, 2 packets more for porttop
	ip netns exec "${spec%%:*}" sysctl -qw \
		"net.ipv4.neigh.${spec#*:}.delay_first_probe_time=3600" \
		"net.ipv6.neigh.${spec#*:}.delay_first_probe_time=3600" ||
		setup_ok=0
	ip -n "${spec%%:*}" link set "${spec#*:}" up || setup_ok=0
done
[ "$setup_ok" = 1 ] || skip_all "live: could not set up the veth pairs (ethtool -K or ip link)"

# the servers start while the links come up
mkdir -p "$tmp/www"
printf 'porttop live test\n' >"$tmp/www/hello.txt"
bgrun http "$NB" "$PYTHON" -m http.server 8080 --bind :: --directory "$tmp/www"
bgrun udpserver "$NB" "$PYTHON" "$tmp/live.py" serve-udp 9999
if ! wait_listen "$NB" tcp 8080 || ! wait_listen "$NB" udp 9999; then
	skip_all "live: the servers did not start: $(cat "$tmp/http.err" "$tmp/udpserver.err" | head -n2)"
fi
for spec in "$NA:vethA" "$NB:vethB" "$NA:vethG" "$NB:vethH"; do
	wait_oper_up "${spec%%:*}" "${spec#*:}" ||
		skip_all "live: ${spec#*:} did not come up"
done
sleep 0.2		# the MLD reports of the links coming up, 10 ms apart
timing setup "$T0"

curl_get() {	# URL [curl options]: one GET from namespace A
	ina curl -sS --max-time 5 -o /dev/null "$@" >/dev/null 2>>"$tmp/traffic.err"
}
udp_send() { ina "$PYTHON" "$tmp/live.py" send-udp "$@" 2>>"$tmp/traffic.err"; }
make_burst() {	# the burst (see the top of this file)
	curl_get "http://$B4:8080/hello.txt"
	curl_get "http://$B4:8080/hello.txt"
	udp_send "$B4" 9999 3
	udp_send "$B4" 9998 1
	curl_get -g -6 "http://[$B6]:8080/hello.txt"
}

# ---- 1. batch-json-vs-tcpdump ---------------------------------------------
# tcpdump and porttop --batch capture the burst on vethA at the same time,
# both started (tcpdump "listening on", porttop's first tick) before it.
# tcpdump is stopped first, then porttop, once its ticks count the packets
# tcpdump captured (a tick every 0.2 s counts what was read by then: 30 s
# at most, for slow builds on a busy host).  The link is
# quiet, nothing else comes, so both saw the same packets: porttop's last
# tick (printed after the stop) must count them, and its flows must be
# what porttop -r reports on tcpdump's file, field by field.

T0=$(now_us)
check1() {
	local n name=batch-json-vs-tcpdump tdpid ptpid pkts
	bgrun tcpdump "$NA" tcpdump -n -U --immediate-mode -s 262144 -i vethA \
		-w "$tmp/b1.pcap"
	tdpid=$BGPID
	if ! wait_for "$tmp/tcpdump.err" 'listening on'; then
		fail $name "tcpdump did not start" "$tmp/tcpdump.err"
		return
	fi
	bgrun b1 "$NA" "$PORTTOP" -i vethA --batch --format json -d 0.2
	ptpid=$BGPID
	if ! wait_for "$tmp/b1.out" '"type":"tick"'; then
		fail $name "porttop --batch printed no tick" "$tmp/b1.err"
		return
	fi
	make_burst
	quiet_file "$tmp/b1.pcap"	# the last FIN's ACK on its way
	kill -INT "$tdpid"
	wait_exit "$tdpid" 5
	# tcpdump's count, twice: its own words and a reading of the file
	n=$(tcpdump -n -r "$tmp/b1.pcap" 2>"$tmp/b1.tcpdump-r.err" | wc -l)
	if ! grep -q "^$n packets captured" "$tmp/tcpdump.err"; then
		fail $name "tcpdump -r reads $n packets, tcpdump said otherwise" \
			"$tmp/tcpdump.err"
		kill -INT "$ptpid"
		return
	fi
	if command -v capinfos >/dev/null 2>&1 &&
	   ! capinfos -M -c "$tmp/b1.pcap" | grep -qE "Number of packets: *$n\$"; then
		fail $name "capinfos does not count $n packets in tcpdump's file"
		kill -INT "$ptpid"
		return
	fi
	# until porttop's ticks count them too (30 s at most)
	for _ in $(seq 1500); do
		pkts=$(grep '"type":"tick"' "$tmp/b1.out" | tail -n1 |
		       sed -n 's/.*"packets":\([0-9]*\).*/\1/p')
		[ "${pkts:-0}" -ge "$n" ] && break
		alive "$ptpid" || break
		sleep 0.02
	done
	kill -INT "$ptpid"
	wait_exit "$ptpid" 5
	if [ "$RC" -ne 0 ]; then
		fail $name "porttop --batch exited $RC after SIGINT" "$tmp/b1.err"
		return
	fi
	if ! no_sanitizer_report "$tmp/b1.err"; then
		fail $name "sanitizer report" "$tmp/b1.err"
		return
	fi
	"$PORTTOP" -r "$tmp/b1.pcap" --report flows --format json \
		>"$tmp/b1-file.json" 2>"$tmp/b1-file.err"
	RC=$?
	if [ "$RC" -ne 0 ] || ! grep -q "^porttop: $n packets read," "$tmp/b1-file.err"; then
		fail $name "porttop -r on tcpdump's file: exit $RC, not $n packets read" \
			"$tmp/b1-file.err"
		return
	fi
	if ! py batch "$tmp/b1.out" "$tmp/b1-file.json" "$n" \
		>"$tmp/b1.verdict" 2>"$tmp/b1.note"; then
		fail $name "$(head -n1 "$tmp/b1.verdict")" "$tmp/b1.verdict"
		return
	fi
	ok $name
}
check1
timing batch-json-vs-tcpdump "$T0"

# ---- 2. report-live --------------------------------------------------------
# -c 20 with datagrams flowing (50 a second, each echoed): porttop stops by
# itself after 20 packets and reports them.

T0=$(now_us)
check2() {
	local name=report-live ptpid udpid
	bgrun r2 "$NA" "$PORTTOP" -i vethA --report flows --format json -c 20
	ptpid=$BGPID
	if ! porttop_ready "$ptpid"; then
		fail $name "porttop did not start" "$tmp/r2.err"
		return
	fi
	bgrun r2-traffic "$NA" "$PYTHON" "$tmp/live.py" send-udp "$B4" 9999 500 0.02
	udpid=$BGPID
	wait_exit "$ptpid" 10
	kill "$udpid" 2>/dev/null
	wait "$udpid" 2>/dev/null
	if [ "$RC" -ne 0 ]; then
		fail $name "exit $RC (124: still running after 10 s), expected 0" "$tmp/r2.err"
	elif ! no_sanitizer_report "$tmp/r2.err"; then
		fail $name "sanitizer report" "$tmp/r2.err"
	elif ! py report "$tmp/r2.out" "$tmp/r2.err" count=20 >"$tmp/r2.verdict"; then
		fail $name "$(head -n1 "$tmp/r2.verdict")" "$tmp/r2.verdict" "$tmp/r2.err"
	else
		ok $name
	fi
}
check2
timing report-live "$T0"

# ---- 3, 4, 5: one burst, five porttops --------------------------------------
# All capture the same burst on vethA, each its own way:
#   int, term     --report, stopped with SIGINT / SIGTERM
#   wpcap, wng    --report -w FILE.pcap / FILE.pcapng, stopped with SIGINT
#   udp           --report with the capture filter "udp", SIGINT

T0=$(now_us)
declare -A P READY
bgrun int "$NA" "$PORTTOP" -i vethA --report flows --format json
P[int]=$BGPID
bgrun term "$NA" "$PORTTOP" -i vethA --report flows --format json
P[term]=$BGPID
bgrun wpcap "$NA" "$PORTTOP" -i vethA -w "$tmp/w.pcap" --report flows --format json \
	--events "$tmp/w.events"
P[wpcap]=$BGPID
bgrun wng "$NA" "$PORTTOP" -i vethA -w "$tmp/w.pcapng" --report flows --format json
P[wng]=$BGPID
bgrun udp "$NA" "$PORTTOP" -i vethA --report flows --format json udp
P[udp]=$BGPID
bgrun hup "$NA" "$PORTTOP" -i vethA --report flows --format json
P[hup]=$BGPID
# -w onto a full disk: a 4 KiB tmpfs, less than the burst
mkdir -p "$tmp/full" && mount -t tmpfs -o size=4k porttop-full "$tmp/full" && FULL=1 || FULL=0
bgrun wfull "$NA" "$PORTTOP" -i vethA -w "$tmp/full/w.pcap" --report flows --format json
P[wfull]=$BGPID
RUNS="int term wpcap wng udp hup wfull"
for r in $RUNS; do	# a run that did not start fails
	porttop_ready "${P[$r]}" && READY[$r]=1 || READY[$r]=0	# its own check
done
make_burst
sleep 0.4	# the burst's last ACK on its way (what the kernel has
		# captured by the signal porttop still reads: engine.c, drain)
declare -A PRC PMS
for r in $RUNS; do
	case $r in term) sig=TERM ;; hup) sig=HUP ;; *) sig=INT ;; esac
	kill -$sig "${P[$r]}" 2>/dev/null
done
for r in $RUNS; do
	wait_exit "${P[$r]}" 5
	PRC[$r]=$RC PMS[$r]=$EXIT_MS
done

# report_ok RUN [OPTIONS]: exit 0 after the signal, no sanitizer report,
# a sound report of the burst (live.py report); else VERDICT says why
report_ok() {
	local r=$1
	shift
	if [ "${READY[$r]}" != 1 ]; then
		VERDICT="porttop did not start (exit ${PRC[$r]}): $(head -n1 "$tmp/$r.err")"
	elif [ "${PRC[$r]}" -ne 0 ]; then
		VERDICT="exit ${PRC[$r]} after the signal (124: still running after 5 s)"
	elif ! no_sanitizer_report "$tmp/$r.err"; then
		VERDICT="sanitizer report"
	elif ! py report "$tmp/$r.out" "$tmp/$r.err" "$@" >"$tmp/$r.verdict"; then
		VERDICT=$(head -n1 "$tmp/$r.verdict")
	else
		return 0
	fi
	return 1
}

# sighup: SIGHUP ends a run like SIGINT (exit 0, the report written).
# disk-full: -w on a full tmpfs: the capture goes on and the report of
# the whole burst is written; then exit 1 and one line saying how many
# packets could not be written; what was written reads back (tcpdump -r:
# at least one packet, at most a cut last record).
check_hup_full() {
	if report_ok hup expect=burst; then
		ok sighup
	else
		fail sighup "$VERDICT" "$tmp/hup.verdict" "$tmp/hup.err"
	fi
	local name=disk-full n
	if [ "$FULL" != 1 ]; then
		skip $name "cannot mount a tmpfs"
		return
	fi
	n=$(tcpdump -n -r "$tmp/full/w.pcap" 2>"$tmp/full.tcpdump.err" | wc -l)
	if [ "${READY[wfull]}" != 1 ]; then
		fail $name "porttop did not start" "$tmp/wfull.err"
	elif [ "${PRC[wfull]}" -ne 1 ]; then
		fail $name "exit ${PRC[wfull]}, expected 1" "$tmp/wfull.err"
	elif ! grep -qE '^porttop: -w .*full/w\.pcap: ([0-9]+ packets could not be written|No space left on device)$' "$tmp/wfull.err"; then
		fail $name "no line saying the -w file could not be written" "$tmp/wfull.err"
	elif ! no_sanitizer_report "$tmp/wfull.err" ||
	     ! { PRC[wfull]=0; report_ok wfull expect=burst errors=1; }; then
		fail $name "the report of the burst: $VERDICT" "$tmp/wfull.verdict" "$tmp/wfull.err"
	elif [ "$n" -lt 1 ] || grep -v -e '^reading from file' -e 'truncated dump file' \
			"$tmp/full.tcpdump.err" | grep -q .; then
		fail $name "tcpdump -r on the file: $n packets" "$tmp/full.tcpdump.err"
	else
		ok $name "$(grep '^porttop: -w' "$tmp/wfull.err" | sed 's/.*: //'); tcpdump -r reads the first $n"
	fi
	umount "$tmp/full" 2>/dev/null
}

check3() {
	local name=sigint-and-sigterm r
	for r in int term; do
		if ! report_ok $r expect=burst; then
			fail $name "SIG${r^^}: $VERDICT" "$tmp/$r.verdict" "$tmp/$r.err"
			return
		fi
	done
	ok $name
	echo "# sigint-and-sigterm: both ended within $((PMS[int] + PMS[term])) ms of the signals"
}

# same_flows LIVE.json FILE.json pcap|pcapng: the flows read back from -w's
# file are the live run's, field for field, except the processes: a pcap
# file has none (every end "disabled"); a pcapng file has, in its comments,
# every owner the live run knew (same pid, comm, uid, cgroup; source
# "pcapng").  Differences on stdout.
same_flows() {
	"$PYTHON" - "$@" <<'PY'
import json, sys
live = [json.loads(l) for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2])]
ng = sys.argv[3] == 'pcapng'
OWN = ('pid', 'comm', 'uid', 'cgroup', 'attrib', 'attrib_miss')
bad = 0
if len(live) != len(got):
    print('%d flows live, %d from the file' % (len(live), len(got)))
    sys.exit(1)
for a, b in zip(live, got):
    for e in ('orig', 'resp'):
        la = {k: a.pop(e + '_' + k) for k in OWN}
        lb = {k: b.pop(e + '_' + k) for k in OWN}
        if not ng and lb['attrib_miss'] != 'disabled':
            print('%s end of %s:%s: %s in a pcap file' % (e, a['orig_h'], a['orig_p'], lb))
            bad += 1
        if ng and la['pid'] is not None and \
           [la[k] for k in OWN[:4]] + ['pcapng'] != [lb[k] for k in OWN[:5]]:
            print('%s end of %s:%s: live %s, file %s' % (e, a['orig_h'], a['orig_p'], la, lb))
            bad += 1
    if a != b:
        print('live %s\nfile %s' % (a, b))
        bad += 1
sys.exit(1 if bad else 0)
PY
}

# check_write RUN FILE NAME: porttop's -w FILE against its own live run
check_write() {
	local r=$1 file=$2 name=$3 read n
	if ! report_ok "$r" expect=burst; then
		fail "$name" "$VERDICT" "$tmp/$r.verdict" "$tmp/$r.err"
		return
	fi
	read=$(sed -n 's/^porttop: \([0-9]*\) packets read,.*/\1/p' "$tmp/$r.err")
	# libpcap (tcpdump) reads every packet, and nothing else, without error
	n=$(tcpdump -n -r "$file" 2>"$tmp/$r.tcpdump.err" | wc -l)
	if grep -v '^reading from file' "$tmp/$r.tcpdump.err" | grep -q .; then
		fail "$name" "tcpdump -r complains" "$tmp/$r.tcpdump.err"
		return
	fi
	if [ "$n" -ne "$read" ]; then
		fail "$name" "tcpdump -r reads $n packets, porttop read $read"
		return
	fi
	if [ "${file##*.}" = pcapng ] && command -v tshark >/dev/null 2>&1; then
		n=$(tshark -n -r "$file" -T fields -e frame.number 2>"$tmp/$r.tshark.err" | wc -l)
		if [ "$n" -ne "$read" ] ||
		   grep -v 'Running as user' "$tmp/$r.tshark.err" | grep -q .; then
			fail "$name" "tshark -r reads $n packets (porttop read $read)" \
				"$tmp/$r.tshark.err"
			return
		fi
	fi
	if command -v capinfos >/dev/null 2>&1 &&
	   ! capinfos -M -c "$file" 2>&1 | grep -qE "Number of packets: *$read\$"; then
		fail "$name" "capinfos does not count $read packets"
		return
	fi
	# and porttop -r on the file reports exactly what the live run did
	"$PORTTOP" -r "$file" --report flows --format json >"$tmp/$r.file.json" \
		2>"$tmp/$r.file.err"
	RC=$?
	if [ "$RC" -ne 0 ]; then
		fail "$name" "porttop -r on the written file: exit $RC" "$tmp/$r.file.err"
	elif ! same_flows "$tmp/$r.out" "$tmp/$r.file.json" "${file##*.}" \
		>"$tmp/$r.diff"; then
		fail "$name" "porttop -r on the file reports other flows than the live run" \
			"$tmp/$r.diff"
	elif ! diff <(grep -E '^porttop: [0-9]+ (packets read|fragments)' "$tmp/$r.err") \
		    <(grep -E '^porttop: [0-9]+ (packets read|fragments)' "$tmp/$r.file.err") \
		    >"$tmp/$r.sdiff"; then
		fail "$name" "porttop -r on the file: another summary" "$tmp/$r.sdiff"
	else
		ok "$name"
	fi
}

check5() {
	local name=filter-live
	if report_ok udp expect=burst-udp; then
		ok $name
	else
		fail $name "$VERDICT" "$tmp/udp.verdict" "$tmp/udp.err"
	fi
}

check3
check_hup_full
check_write wpcap "$tmp/w.pcap" write-pcap
check_write wng "$tmp/w.pcapng" write-pcapng

# events-live-vs-file: the wpcap run also wrote --events; porttop -r on its
# -w file must give the same flow events (port states: :8080 and :9999
# open, :9998 closed by the ICMP port unreachable), at the same packet
# times.  Listener events are the live run's alone, and processes are not
# in a plain pcap: both are left out of the comparison.
check_events() {
	local name=events-live-vs-file
	"$PORTTOP" -r "$tmp/w.pcap" --events "$tmp/wf.events" --report flows \
		>/dev/null 2>"$tmp/wf.err" || { fail $name "porttop -r exit $?" "$tmp/wf.err"; return; }
	if ! "$PYTHON" - "$tmp/w.events" "$tmp/wf.events" >"$tmp/ev.diff" 2>&1 <<'PY'
import json, sys
def load(p):
    out = []
    for l in open(p):
        d = json.loads(l)
        if d["type"].startswith("listener_"):
            continue
        d.pop("pid", None); d.pop("comm", None)
        out.append(json.dumps(d, sort_keys=True))
    return sorted(out)
live, off = load(sys.argv[1]), load(sys.argv[2])
want = {("udp", 9998, "closed"), ("udp", 9999, "open"), ("tcp", 8080, "open")}
got = {(d["proto"], d["port"], d["to"]) for d in map(json.loads, live)
       if d["type"] == "port_state"}
if live != off or not want <= got:
    print("live:", *live, "file:", *off, "wanted port states:", want, sep="\n")
    sys.exit(1)
PY
	then
		fail $name "the live run's events differ from the file's" "$tmp/ev.diff"
	else
		ok $name
	fi
}
check_events
check5
timing sigint/sigterm/write/filter "$T0"

# ---- duration-quiet-link (not in the brief's list: a bug it found) ----------
# Two --batch -d 0.2 runs on an otherwise quiet link.  Both rest on
# cap_next() returning CAP_TIMEOUT on a quiet device, which the engine uses
# to publish its counters and to look at the clock (core/engine.c).
#   The view stays current: 3 datagrams echoed (6 packets), then a tick
#   printed while the capture runs must count them (it does a few tenths
#   of a second later; without the timeouts, only the last tick, after the
#   stop, would).  Waited for, 30 s at most, not a fixed delay: a slow
#   build on a busy host may take longer, a broken one never gets there.
#   --duration 1.5 ends a run on its own, no packet coming: by porttop's
#   own clock (its ticks' "time", so neither its start nor its exit and a
#   sanitizer's leak check count), the last tick ("ended": true) comes at
#   most 3 s after the first; still running 30 s later is a hang.

T0=$(now_us)
check_quiet() {
	local name=duration-quiet-link ptpid pkts why= span
	bgrun q "$NA" "$PORTTOP" -i vethA --batch --format json -d 0.2
	ptpid=$BGPID
	if ! wait_for "$tmp/q.out" '"type":"tick"' 30 "$ptpid"; then
		fail $name "porttop --batch printed no tick" "$tmp/q.err"
		kill -INT "$ptpid" 2>/dev/null
		return
	fi
	udp_send "$B4" 9999 3
	for _ in $(seq 1500); do
		pkts=$(grep '"type":"tick"' "$tmp/q.out" | tail -n1 |
		       sed -n 's/.*"packets":\([0-9]*\).*/\1/p')
		[ "${pkts:-0}" -ge 6 ] && break
		alive "$ptpid" || break
		sleep 0.02
	done
	kill -INT "$ptpid" 2>/dev/null
	wait_exit "$ptpid" 15
	if [ "${pkts:-0}" -lt 6 ]; then
		why="after 6 packets, the ticks count ${pkts:-none} (30 s)"
	fi
	if [ "$RC" -ne 0 ]; then
		why="${why:+$why; }exit $RC after SIGINT"
	fi
	if ! no_sanitizer_report "$tmp/q.err"; then
		why="${why:+$why; }sanitizer report"
	fi
	bgrun qd "$NA" "$PORTTOP" -i vethA --batch --format json -d 0.2 --duration 1.5
	wait_exit "$BGPID" 30
	span=$("$PYTHON" -c 'import json, sys
t = [r for r in map(json.loads, open(sys.argv[1])) if r.get("type") == "tick"]
print("%.2f" % (t[-1]["time"] - t[0]["time"]) if t and t[-1].get("ended") is True
      else "none")' "$tmp/qd.out" 2>/dev/null)
	if [ "$RC" -eq 124 ]; then
		why="${why:+$why; }--duration 1.5: still running after 30 s on a quiet link"
	elif [ "$RC" -ne 0 ]; then
		why="${why:+$why; }--duration 1.5: exit $RC"
	elif [ "${span:-none}" = none ]; then
		why="${why:+$why; }--duration 1.5: no last tick with \"ended\": true"
	elif ! awk -v s="$span" 'BEGIN { exit !(s <= 3) }'; then
		why="${why:+$why; }--duration 1.5: its last tick ${span} s after its first"
	fi
	if ! no_sanitizer_report "$tmp/qd.err"; then
		why="${why:+$why; }sanitizer report (--duration run)"
	fi
	if [ -n "$why" ]; then
		fail $name "$why" "$tmp/q.err" "$tmp/qd.err"
	else
		ok $name "ticks current; --duration 1.5 run: ${span} s from first to last tick"
	fi
}
check_quiet
timing duration-quiet-link "$T0"

# ---- stalled-stdout ---------------------------------------------------------
# --batch -d 0.05 -w FILE with stdout a FIFO (4 KiB) whose reader reads
# nothing: the view's thread soon blocks in write(); the capture thread
# must not.  While stdout is stalled (checked: a thread of porttop waits in
# pipe_write), the burst must reach the -w file whole (flushed each
# second): porttop -r on it reports the burst (read again until it does,
# 30 s at most: when the flush comes after the burst is the scheduler's
# business).  Then the reader drains, SIGINT: exit 0.
T0=$(now_us)
check_stalled() {
	local name=stalled-stdout ptpid holder n w
	mkfifo "$tmp/stall.fifo"
	"$PYTHON" - "$tmp/stall.fifo" <<'PY' &
import fcntl, os, signal, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    fcntl.fcntl(fd, 1031, 4096)         # F_SETPIPE_SZ: a small pipe
except OSError:
    pass
go = []
signal.signal(signal.SIGUSR1, lambda *a: go.append(1))
while not go:
    time.sleep(0.05)
while os.read(fd, 65536):
    pass
PY
	holder=$!
	PIDS+=("$holder")
	ip netns exec "$NA" "$PORTTOP" -i vethA --batch --format json -d 0.05 \
		-w "$tmp/stall.pcap" >"$tmp/stall.fifo" 2>"$tmp/stall.err" &
	ptpid=$!
	PIDS+=("$ptpid")
	if ! porttop_ready "$ptpid"; then
		fail $name "porttop did not start" "$tmp/stall.err"
		kill "$holder"; return
	fi
	for _ in $(seq 600); do		# until the view's writes block (30 s)
		w=$(cat /proc/"$ptpid"/task/*/wchan 2>/dev/null | tr '\0' ' ')
		case " $w " in *pipe_write*) break ;; esac
		alive "$ptpid" || break
		sleep 0.05
	done
	make_burst
	# until a -w flush (every second) has put the whole burst in the file
	for _ in $(seq 150); do
		sleep 0.2
		"$PORTTOP" -r "$tmp/stall.pcap" --report flows --format json \
			>"$tmp/stallf.out" 2>"$tmp/stallf.err"
		py burst "$tmp/stallf.out" >/dev/null && break
		alive "$ptpid" || break
	done
	w=$(cat /proc/"$ptpid"/task/*/wchan 2>/dev/null | tr '\0' ' ')
	kill -USR1 "$holder"
	kill -INT "$ptpid"
	wait_exit "$ptpid" 5
	case " $w " in
	*pipe_write*) ;;
	*) fail $name "stdout never stalled (threads wait in: $w)"; return ;;
	esac
	if [ "$RC" -ne 0 ]; then
		fail $name "exit $RC after the reader drained and SIGINT" "$tmp/stall.err"
	elif ! py burst "$tmp/stallf.out" >"$tmp/stall.verdict"; then
		fail $name "the -w file, written while stdout was stalled: $(head -n1 "$tmp/stall.verdict")" \
			"$tmp/stall.verdict"
	else
		ok $name "stdout stalled (pipe_write); the burst reached -w whole"
	fi
}
check_stalled
timing stalled-stdout "$T0"

# ---- 6. interface-gone ----------------------------------------------------
# porttop captures on vethG, 3 UDP datagrams are echoed, then vethG is
# deleted: exit 1 (device lost mid-way) within a few seconds, exactly one
# error line naming the device, and the flow seen so far reported.

T0=$(now_us)
check6() {
	local name=interface-gone ptpid line
	bgrun gone "$NA" "$PORTTOP" -i vethG --report flows --format json \
		-w "$tmp/gone.pcap"
	ptpid=$BGPID
	if ! porttop_ready "$ptpid"; then
		fail $name "porttop did not start" "$tmp/gone.err"
		return
	fi
	udp_send "$H4" 9999 3
	# the device goes once porttop has read the datagrams: its -w file
	# (flushed every second) has them; nothing is read after
	for _ in $(seq 1500); do
		[ "$(tcpdump -r "$tmp/gone.pcap" 2>/dev/null | wc -l)" -ge 3 ] &&
			break
		sleep 0.02
	done
	ip -n "$NA" link del vethG
	wait_exit "$ptpid" 5
	if [ "$RC" -ne 1 ]; then
		fail $name "exit $RC (124: still running after 5 s), expected 1" "$tmp/gone.err"
	elif ! no_sanitizer_report "$tmp/gone.err"; then
		fail $name "sanitizer report" "$tmp/gone.err"
	elif ! py report "$tmp/gone.out" "$tmp/gone.err" errors=1 expect=udp3 \
		>"$tmp/gone.verdict"; then
		fail $name "$(head -n1 "$tmp/gone.verdict")" "$tmp/gone.verdict" "$tmp/gone.err"
	else
		line=$(cat "$tmp/gone.verdict")
		case $line in
		"porttop: vethG: "*) ok $name; echo "# interface-gone: exit 1 after ${EXIT_MS} ms: $line" ;;
		*) fail $name "the error line does not name vethG: $line" ;;
		esac
	fi
}
check6
timing interface-gone "$T0"

# ---- 7. no-such-device, permission ------------------------------------------
# open_fails NAME WORDS... -- CMD...: CMD exits 2, prints nothing on stdout
# and one line on stderr, which holds every WORD (case-insensitive)

open_fails() {
	local name=$1 w words=()
	shift
	while [ "$1" != -- ]; do words+=("$1"); shift; done
	shift
	timeout -s KILL 10 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	RC=$?
	if [ "$RC" -ne 2 ]; then
		fail "$name" "exit $RC, expected 2" "$tmp/$name.err"
		return
	fi
	if [ -s "$tmp/$name.out" ]; then
		fail "$name" "something on stdout" "$tmp/$name.out"
		return
	fi
	if [ "$(wc -l <"$tmp/$name.err")" -ne 1 ]; then
		fail "$name" "not one line on stderr" "$tmp/$name.err"
		return
	fi
	for w in "${words[@]}"; do
		if ! grep -qiF -- "$w" "$tmp/$name.err"; then
			fail "$name" "the message does not mention '$w': $(cat "$tmp/$name.err")"
			return
		fi
	done
	ok "$name"
}

T0=$(now_us)
open_fails no-such-device ptlive-none0 "no such device" -- \
	ip netns exec "$NA" "$PORTTOP" -i ptlive-none0 --report flows --format json
if command -v setpriv >/dev/null 2>&1; then
	asuser=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
else
	asuser=(runuser -u nobody --)
fi
if id nobody >/dev/null 2>&1; then
	open_fails permission vethA root CAP_NET_RAW -- \
		ip netns exec "$NA" "${asuser[@]}" "$PORTTOP" -i vethA --report flows --format json
else
	echo "SKIP permission: no user nobody"
fi
timing no-such-device/permission "$T0"

# ---- fanout-group, fanout-mismatch -------------------------------------------
# Three --report runs on vethA: fa and fb in PACKET_FANOUT group 7, every
# outside it (a socket outside a group gets every packet).  The burst, 40
# UDP flows and 8 of one 3000-byte datagram each way (3 fragments each):
# the kernel hands each flow, both directions, to fa or fb by its hash,
# and a datagram's fragments by their addresses (no orphan fragment);
# together they must report what every reports (live.py fanout).  With
# 55 flows or so, a member with none has odds of 2^-54.
# While the group is in use, joining it on lo (another device) fails.

# flows_and_stop NAME RUN=PID...: the burst and 48 UDP flows more (8 of
# 3000-byte datagrams, fragmented), then SIGINT to every run; 1 (said with
# fail) when one did not exit 0 or left a sanitizer report
flows_and_stop() {
	local name=$1 r pids=() errs=()
	shift
	for r in "$@"; do pids+=("${r#*=}"); errs+=("$tmp/${r%%=*}.err"); done
	make_burst
	ina "$PYTHON" "$tmp/live.py" send-flows "$B4" 9999 40 32 2>>"$tmp/traffic.err"
	ina "$PYTHON" "$tmp/live.py" send-flows "$B4" 9999 8 3000 2>>"$tmp/traffic.err"
	sleep 0.4	# the last ACKs on their way
	kill -INT "${pids[@]}"
	for r in "$@"; do
		wait_exit "${r#*=}" 5
		if [ "$RC" -ne 0 ]; then
			fail $name "porttop ${r%%=*}: exit $RC after SIGINT" "$tmp/${r%%=*}.err"
			return 1
		fi
	done
	no_sanitizer_report "${errs[@]}" ||
		{ fail $name "sanitizer report" "${errs[@]}"; return 1; }
}

# py_verdict NAME VERB ARGS...: live.py VERB ARGS judges; its exit 3 is a
# skip (the kernel dropped), its "# " lines are notes
py_verdict() {
	local name=$1 verb=$2 rc
	shift 2
	py "$verb" "$@" >"$tmp/$verb.verdict" 2>"$tmp/$verb.note"
	rc=$?
	if [ $rc -eq 3 ]; then
		skip $name "$(head -n1 "$tmp/$verb.verdict")"
	elif [ $rc -ne 0 ]; then
		fail $name "$(head -n1 "$tmp/$verb.verdict")" "$tmp/$verb.verdict"
	else
		ok $name
		sed "s/^# /# $name: /" "$tmp/$verb.note"
	fi
}

T0=$(now_us)
check_fanout() {
	local name=fanout-group r
	declare -A FP
	for r in fa fb every; do
		bgrun $r "$NA" "$PORTTOP" -i vethA --report flows --format json \
			$([ $r = every ] || echo --fanout-group 7)
		FP[$r]=$BGPID
	done
	for r in fa fb every; do
		if ! porttop_ready "${FP[$r]}"; then
			fail $name "porttop $r did not start" "$tmp/$r.err"
			kill -INT "${FP[@]}" 2>/dev/null
			skip fanout-mismatch "the group did not start"
			return
		fi
	done
	open_fails fanout-mismatch "fanout group 7" -- \
		ip netns exec "$NA" "$PORTTOP" -i lo --fanout-group 7 --report flows
	flows_and_stop $name fa="${FP[fa]}" fb="${FP[fb]}" every="${FP[every]}" ||
		return
	py_verdict $name fanout "$tmp/every.out" "$tmp/every.err" \
		"$tmp/fa.out" "$tmp/fa.err" "$tmp/fb.out" "$tmp/fb.err"
}
check_fanout
timing fanout-group "$T0"

# ---- threads-live -------------------------------------------------------------
# Three --report runs on vethA, one with --threads 1, one without
# --threads (a device's default: three threads when porttop may use two
# CPUs; nproc counts the same affinity mask; else --threads 3) and one
# with --threads 2, and --batch --threads 2, at once.  Their threads
# (named in /proc/PID/task/*/comm): the first has no table thread
# (pt-table); the second a table thread and a consumer thread
# (pt-consumers); the flows report on two threads a consumer thread and
# no table thread (its rows outweigh the table: core/pipe.h); --batch on
# two a table thread and no consumer thread.  The second and third must
# report what the first does (live.py same: fanout-group's check with
# one member), the last tick must count its packets and bytes.

# thread_is PID NAME yes|no: PID has (yes: within 5 s, as a thread names
# itself once it runs) or has not a thread named NAME
thread_is() {
	local n
	for n in $(seq 250); do
		grep -qx "$2" /proc/"$1"/task/*/comm 2>/dev/null && break
		[ "$3" = no ] && return 0
		sleep 0.02
	done
	if grep -qx "$2" /proc/"$1"/task/*/comm 2>/dev/null; then
		[ "$3" = yes ]
	else
		[ "$3" = no ]
	fi
}

T0=$(now_us)
check_threads_live() {
	local name=threads-live r want t2=()
	declare -A TP
	[ "$(nproc)" -gt 1 ] || t2=(--threads 3)
	for r in t1 t2 tf tb; do
		case $r in
		tb) bgrun $r "$NA" "$PORTTOP" -i vethA --batch --format json \
			-d 0.2 --threads 2 ;;
		t1) bgrun $r "$NA" "$PORTTOP" -i vethA --report flows \
			--format json --threads 1 ;;
		t2) bgrun $r "$NA" "$PORTTOP" -i vethA --report flows \
			--format json "${t2[@]}" ;;
		tf) bgrun $r "$NA" "$PORTTOP" -i vethA --report flows \
			--format json --threads 2 ;;
		esac
		TP[$r]=$BGPID
		if ! porttop_ready "${TP[$r]}"; then
			fail $name "porttop $r did not start" "$tmp/$r.err"
			kill -INT "${TP[@]}" 2>/dev/null
			return
		fi
	done
	for want in "t1 pt-table no" "t2 pt-table yes" "t2 pt-consumers yes" \
		    "tf pt-consumers yes" "tf pt-table no" "tb pt-table yes" \
		    "tb pt-consumers no"; do
		set -- $want
		thread_is "${TP[$1]}" "$2" "$3" && continue
		fail $name "$1 ($(tr '\0' ' ' </proc/"${TP[$1]}"/cmdline | cut -d' ' -f3-), $(nproc) CPUs): a $2 thread: $3, expected (threads: $(cat /proc/"${TP[$1]}"/task/*/comm 2>/dev/null | tr '\n' ' '))"
		kill -INT "${TP[@]}" 2>/dev/null
		return
	done
	flows_and_stop $name t1="${TP[t1]}" t2="${TP[t2]}" tf="${TP[tf]}" \
		tb="${TP[tb]}" || return
	py_verdict $name same "$tmp/t1.out" "$tmp/t1.err" "$tmp/t2.out" \
		"$tmp/t2.err" "$tmp/tb.out" "$tmp/tf.out" "$tmp/tf.err"
}
check_threads_live
timing threads-live "$T0"

# ---- 8. drops-visible -------------------------------------------------------
# The kernel's drop counters: kernel_drops and if_drops in every tick of
# check 1's --batch run, and the "received by filter, dropped by kernel"
# line of check 2's report (live.py report has checked its numbers).

check8() {
	local name=drops-visible
	if [ ! -s "$tmp/b1.out" ] || [ ! -s "$tmp/r2.err" ]; then
		fail $name "no --batch or --report output to look at (see above)"
	elif ! py ticks "$tmp/b1.out" >"$tmp/ticks.verdict"; then
		fail $name "$(head -n1 "$tmp/ticks.verdict")" "$tmp/ticks.verdict"
	elif ! grep -qE '^porttop: [0-9]+ packets received by filter, [0-9]+ packets dropped by kernel, [0-9]+ dropped by interface$' \
		"$tmp/r2.err"; then
		fail $name "no kernel counters line on the report's stderr" "$tmp/r2.err"
	else
		ok $name
	fi
}
check8

timing total "$T_START"
for t in "${TIMES[@]}"; do echo "# time: $t"; done
exit $failed
