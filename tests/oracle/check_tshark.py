#!/usr/bin/env python3
"""Compare porttop's flow report with tshark's exact per-flow oracle.

usage: check_tshark.py [--verbose] [FILE...]

Default: every capture in $SHARED/pcaps (SHARED defaults to ../shared from the repo
root) that has a <capture>.flows.tsv, and our tunnel captures pcaps/tun-*.pcap, whose
<capture>.conv.txt tshark wrote when they were made (make-pcaps.sh).  porttop is ./porttop at the repo root, or
$PORTTOP, run with --tunnels outer: the oracle keys flows by the outermost IP header.
See README.md in this folder.

How porttop's flows are matched to tshark's rows (the oracle keys flows by the
OUTERMOST IP header, without IP reassembly, and ignores VLANs):
  * tcp/udp rows: porttop flows of that protocol between the same two (addr, port)
    endpoints, summed over VLANs and over porttop's Zeek-style splits.
  * port-less rows (icmp, icmpv6, igmp, gre, ...): porttop flows of that IP protocol
    between the same two addresses, whatever the ICMP type/code.
  * fragment-or-unknown rows: the non-first fragments (orig_/resp_frag_*) of all
    porttop flows between the two addresses, plus porttop flows of an IP protocol
    tshark does not dissect (not in L4_NAMES).  porttop's joined fragments are
    subtracted from the flow they were joined to, so each packet is compared once.
  * orphan fragments (summary line 2) are in no porttop flow.  They are accounted
    for only as a whole: fragment-or-unknown rows may be short of packets only if
    the total shortfall equals porttop's orphan count exactly (and every short row
    is short of bytes too).  With 0 orphans every fragment row must match exactly.
  * directions are matched by endpoint, never by position: porttop's orig may be
    tshark's B.  A row whose two endpoints are equal (host talking to itself) is all
    "A -> B" in tshark, so both of porttop's directions are added there.
  * every porttop flow must land in some tshark row; per file the packet and byte
    totals must agree (porttop's flows + orphan fragments = tshark's rows).
Tunnels: when the outer flows include a possible tunnel (IP protocols 4, 41, 47, or
UDP to or from 4789, 6081, 2152, 3544, 5072), porttop runs again with the default
--tunnels zeek, and each of its TCP and UDP flows inside a tunnel is checked against
tshark's conversation statistics (<capture>.conv.txt, which count every layer): the
flows between the same endpoints, summed, must have the conversation's frames each
way exactly, and its bytes (frame lengths; tshark writes "N kB" above 9,999, which
is compared in whole kB).
"""
import argparse
import ipaddress
import re
import sys

import common
from common import ep

# Known, reviewed differences between porttop and tshark.  One entry per difference:
#   (capture file name, difference text as printed by this script, reason)
# In the text '*' matches anything; everything else is literal.  Every entry needs a
# reason, and an entry that matches nothing fails the test (remove it then).
# Everything else in the capture is still checked.
EXCEPTIONS = [
    ("ndpi-gnutella.pcap", "non-IP frames: tshark 23, porttop unsupported 22",
     "frame 1 has caplen 4 (len 60): too short to read an EtherType, so porttop "
     "counts it as truncated; tshark calls it a non-IP 'eth' frame"),
]

# Outer flows that may carry a tunnel porttop opens (decode/dec_tunnel.c).
TUNNEL_PROTOS = (4, 41, 47)
TUNNEL_PORTS = (4789, 6081, 2152, 3544, 5072)
CONV_ROW = re.compile(r"^(\S+):(\d+)\s+<->\s+(\S+):(\d+)\s+(\d+) (\d+) (bytes|kB|MB)\s+"
                      r"(\d+) (\d+) (bytes|kB|MB)\s")

# tshark's protocol name (frame.protocols) for IP protocol numbers it dissects.
# Other numbers land in tshark's "fragment-or-unknown" rows.
L4_NAMES = {1: "icmp", 2: "igmp", 4: "ip", 6: "tcp", 17: "udp", 33: "dccp", 41: "ipv6",
            47: "gre", 50: "esp", 51: "ah", 58: "icmpv6", 88: "eigrp", 89: "ospf",
            103: "pim", 112: "vrrp", 132: "sctp", 136: "udplite"}
PORT_L4 = ("tcp", "udp")            # the oracle carries ports only for these
FRAG = "fragment-or-unknown"
TRAILER = re.compile(r"# frames read: (\d+); non-IP frames: (\d+); flows: (\d+); "
                     r"tshark exit status: (\d+)")


class Row:
    def __init__(self, fields):
        self.l4, a_addr, a_port, b_addr, b_port = fields[:5]
        n = [int(x) for x in fields[5:9]]
        port = lambda p: None if p == "-" else int(p)
        self.a = (ipaddress.ip_address(a_addr), port(a_port))
        self.b = (ipaddress.ip_address(b_addr), port(b_port))
        self.text = {self.a[0]: a_addr, self.b[0]: b_addr}
        self.tshark = n                     # pkts a2b, bytes a2b, pkts b2a, bytes b2a
        self.porttop = [0, 0, 0, 0]
        self.flows = set()                  # stdout line numbers of porttop flows here

    def key(self):
        return (self.l4, frozenset((self.a, self.b)))

    def label(self):
        return "%s %s <-> %s" % (self.l4, ep(*self.a), ep(*self.b))

    def add(self, src, opk, oby, rpk, rby):
        """Add porttop counts; (opk, oby) were sent by endpoint src."""
        if self.a == self.b:                # tshark: every packet is A -> B
            n = [opk + rpk, oby + rby, 0, 0]
        elif src == self.a:
            n = [opk, oby, rpk, rby]
        else:
            n = [rpk, rby, opk, oby]
        self.porttop = [x + y for x, y in zip(self.porttop, n)]

    def direction_diffs(self):
        out = []
        for i, (s, d) in enumerate(((self.a, self.b), (self.b, self.a))):
            p, t = self.porttop[2 * i:2 * i + 2], self.tshark[2 * i:2 * i + 2]
            if p != t:
                out.append("%s: %s -> %s: porttop %d pkts %d bytes, tshark %d pkts %d bytes"
                           % (self.label(), ep(*s), ep(*d), p[0], p[1], t[0], t[1]))
        return out


def parse_tsv(path):
    """Rows, trailer dict (frames, non_ip, flows, status) and oracle problems."""
    rows, trailer, problems = [], None, []
    for line in path.read_text().splitlines():
        m = TRAILER.match(line)
        if m:
            trailer = dict(zip(("frames", "non_ip", "flows", "status"), map(int, m.groups())))
        elif line and not line.startswith("#") and not line.startswith("l4\t"):
            fields = line.split("\t")
            if len(fields) != 14:
                problems.append("oracle: bad line %r" % line)
            else:
                rows.append(Row(fields))
    if trailer is None:
        problems.append("oracle: no '# frames read' trailer line")
    elif trailer["flows"] != len(rows):
        problems.append("oracle: trailer says %d flows, file has %d rows"
                        % (trailer["flows"], len(rows)))
    return rows, trailer, problems


def parse_libpcap(path):
    """What libpcap (tcpdump --count) read: count (None if it failed at open),
    link type name, exit status."""
    text = path.read_text()
    m = re.search(r"^(\d+) packets?$", text, re.M)
    lt = re.search(r"link-type (\S+)", text)
    st = re.search(r"^# exit status (\d+)", text, re.M)
    return (int(m.group(1)) if m else None, lt.group(1) if lt else None,
            int(st.group(1)) if st else None)


def flow_label(f):
    vlan = "" if f["vlan"] is None else " vlan %d" % f["vlan"]
    return "%s %s -> %s%s (stdout line %d)" % (
        f["proto"], ep(f["orig_h"], f["orig_p"]), ep(f["resp_h"], f["resp_p"]), vlan, f["line"])


def compare_flows(flows, rows, orphans):
    diffs, notes, texts = [], [], set()
    index = {r.key(): r for r in rows}
    for f in flows:
        oa, ra = ipaddress.ip_address(f["orig_h"]), ipaddress.ip_address(f["resp_h"])
        l4 = L4_NAMES.get(f["ip_proto"], FRAG)
        ports = l4 in PORT_L4
        o, r = (oa, f["orig_p"] if ports else None), (ra, f["resp_p"] if ports else None)
        parts = [(l4, o, r, f["orig_pkts"] - f["orig_frag_pkts"],
                  f["orig_wire_bytes"] - f["orig_frag_wire_bytes"],
                  f["resp_pkts"] - f["resp_frag_pkts"],
                  f["resp_wire_bytes"] - f["resp_frag_wire_bytes"])]
        if f["orig_frag_pkts"] or f["resp_frag_pkts"]:
            parts.append((FRAG, (oa, None), (ra, None), f["orig_frag_pkts"],
                          f["orig_frag_wire_bytes"], f["resp_frag_pkts"],
                          f["resp_frag_wire_bytes"]))
        for n, (l4, o, r, opk, oby, rpk, rby) in enumerate(parts):
            row = index.get((l4, frozenset((o, r))))
            if row is None:
                diffs.append(("porttop flow has no tshark row: %s" if n == 0 else
                              "porttop flow joined fragments that tshark has in no "
                              "fragment-or-unknown row: %s") % flow_label(f))
                continue
            row.add(o, opk, oby, rpk, rby)
            row.flows.add(f["line"])
            for addr, text in ((oa, f["orig_h"]), (ra, f["resp_h"])):
                if row.text[addr] != text and (text, row.text[addr]) not in texts:
                    texts.add((text, row.text[addr]))
                    diffs.append("address text: porttop %r, tshark %r" % (text, row.text[addr]))

    short = []                              # fragment rows porttop is short of
    for row in rows:
        if not row.flows and row.l4 != FRAG:
            t = row.tshark
            hint = "" if row.l4 in L4_NAMES.values() else (
                "; l4 name %r is not in L4_NAMES: add its IP protocol number" % row.l4)
            diffs.append("tshark flow missing in porttop: %s (tshark %d pkts %d bytes A->B, "
                         "%d pkts %d bytes B->A%s)" % (row.label(), *t, hint))
        elif row.l4 != FRAG:
            diffs += row.direction_diffs()
            if len(row.flows) > 1:
                notes.append("%s = %d porttop flows (splits/VLANs), stdout lines %s" % (
                    row.label(), len(row.flows), sorted(row.flows)))
        else:
            d = [t - p for t, p in zip(row.tshark, row.porttop)]
            if d != [0, 0, 0, 0]:
                short.append((row, d))
    missing = sum(d[0] + d[2] for _, d in short)
    consistent = all(x >= 0 for _, d in short for x in d) and all(
        (d[i] == 0) == (d[i + 1] == 0) for _, d in short for i in (0, 2))
    if short and (missing != orphans or not consistent):
        for row, _ in short:
            diffs += row.direction_diffs()
        if missing != orphans:
            diffs.append("orphan accounting: fragment-or-unknown rows short by %d packets, "
                         "porttop reports %d orphan fragments" % (missing, orphans))
        missing_bytes = 0
    else:
        missing_bytes = sum(d[1] + d[3] for _, d in short)
        for row, d in short:
            notes.append("%s: %d fragments (%d bytes) counted as porttop orphans" % (
                row.label(), d[0] + d[2], d[1] + d[3]))
        if orphans and not short:
            diffs.append("porttop reports %d orphan fragments, but every tshark "
                         "fragment-or-unknown row is matched" % orphans)

    tp = sum(r.tshark[0] + r.tshark[2] for r in rows)
    tb = sum(r.tshark[1] + r.tshark[3] for r in rows)
    pp = sum(f["orig_pkts"] + f["resp_pkts"] for f in flows)
    pb = sum(f["orig_wire_bytes"] + f["resp_wire_bytes"] for f in flows)
    if (pp + orphans, pb + missing_bytes) != (tp, tb):
        diffs.insert(0, "totals: porttop %d pkts %d bytes in flows + %d orphan fragments, "
                        "tshark %d pkts %d bytes" % (pp, pb, orphans, tp, tb))
    return diffs, notes


def check_capture(path, timeout):
    rows, trailer, diffs = parse_tsv(path.with_name(path.name + ".flows.tsv"))
    notes = []
    lib_path = path.with_name(path.name + ".libpcap.txt")
    count, linktype, lib_status = parse_libpcap(lib_path) if lib_path.exists() else (None,) * 3
    if not lib_path.exists():
        diffs.append("oracle: %s missing" % lib_path.name)
    if count is None:
        expect, why = 2, "libpcap cannot open the file"
    elif lib_status:
        expect, why = 1, "libpcap reads %d packets, then fails" % count
    else:
        expect, why = 0, "libpcap reads all %d packets" % count
    notes.append("expected exit status %d: %s" % (expect, why))

    run = common.Run(path, timeout, ["--tunnels", "outer"])
    diffs += common.check_run(run, expect, need_summary=(expect == 0))
    s = run.summary
    if expect == 2:
        if run.flows:
            diffs.append("%d flows printed for a file that must be rejected" % len(run.flows))
        notes.append("tshark's %d rows are not compared (%s)" % (len(rows), why))
        return diffs, notes

    if s is not None and count is not None and s["read"] != count:
        diffs.append("packets read: porttop %d, libpcap %d" % (s["read"], count))
    if trailer is not None:
        if trailer["frames"] != count:
            diffs.append("oracle: tshark read %d frames (exit status %d), libpcap %s: flows "
                         "not comparable" % (trailer["frames"], trailer["status"], count))
            return diffs, notes
        if s is not None and s["unsupported"] != trailer["non_ip"]:
            diffs.append("non-IP frames: tshark %d, porttop unsupported %d"
                         % (trailer["non_ip"], s["unsupported"]))
    if run.problems:                        # malformed report: flows cannot be summed
        return diffs, notes
    orphans = s["orphans"] if s else 0
    if s is None:
        notes.append("no summary: orphan fragments taken as 0")
    d, n = compare_flows(run.flows, rows, orphans)
    conv = path.with_name(path.name + ".conv.txt")
    if expect == 0 and conv.exists() and any(may_carry(f) for f in run.flows):
        d2, n2 = compare_inner(path, conv, timeout, expect)
        d, n = d + d2, n + n2
    return diffs + d, notes + n


def may_carry(f):
    return f["ip_proto"] in TUNNEL_PROTOS or f["proto"] == "udp" and (
        f["orig_p"] in TUNNEL_PORTS or f["resp_p"] in TUNNEL_PORTS)


def parse_conv(path):
    """{(l4, frozenset(endpoints)): (a, b, [pkts b2a, bytes b2a, unit, pkts a2b, bytes a2b,
    unit])} from tshark's TCP and UDP conversation tables."""
    rows, l4 = {}, None
    for line in path.read_text().splitlines():
        if line.endswith(" Conversations"):
            l4 = line.split()[0].lower()
            continue
        m = CONV_ROW.match(line)
        if m and l4 in ("tcp", "udp"):
            a = (ipaddress.ip_address(m.group(1).strip("[]")), int(m.group(2)))
            b = (ipaddress.ip_address(m.group(3).strip("[]")), int(m.group(4)))
            rows[(l4, frozenset((a, b)))] = (a, b, m.groups()[4:10])
    return rows


def conv_bytes_ok(n, text, unit):
    if unit == "bytes":
        return n == int(text)
    k = n / (1000 if unit == "kB" else 1000000)
    return abs(k - int(text)) < 1            # tshark rounds its kB and MB


def compare_inner(path, conv, timeout, expect, every=False):
    """porttop's flows inside tunnels (every TCP/UDP flow when `every`, and then
    every conversation must be met) against tshark's conversations."""
    run = common.Run(path, timeout)
    diffs = ["--tunnels zeek: " + d for d in common.check_run(run, expect)]
    conv_rows, sums, notes = parse_conv(conv), {}, []
    for f in run.flows:
        if (f["tunnel"] is None and not every) or f["proto"] not in ("tcp", "udp"):
            continue
        o = (ipaddress.ip_address(f["orig_h"]), f["orig_p"])
        r = (ipaddress.ip_address(f["resp_h"]), f["resp_p"])
        key = (f["proto"], frozenset((o, r)))
        if key not in conv_rows:
            diffs.append("inner flow %s %s -> %s (%s) has no tshark conversation"
                         % (f["proto"], ep(*o), ep(*r), f["tunnel"]))
            continue
        acc = sums.setdefault(key, {o: [0, 0], r: [0, 0]})
        acc[o][0] += f["orig_pkts"]
        acc[o][1] += f["orig_wire_bytes"]
        acc[r][0] += f["resp_pkts"]
        acc[r][1] += f["resp_wire_bytes"]
    for key, acc in sums.items():
        a, b, (bp, bb, bu, ap, ab, au) = conv_rows[key]
        got_a, got_b = acc.get(a, [0, 0]), acc.get(b, [0, 0])
        label = "%s %s <-> %s" % (key[0], ep(*a), ep(*b))
        if got_a[0] != int(ap) or got_b[0] != int(bp) or not conv_bytes_ok(
                got_a[1], ab, au) or not conv_bytes_ok(got_b[1], bb, bu):
            diffs.append("inner %s: porttop %d pkts %d bytes / %d pkts %d bytes, tshark "
                         "conv %s pkts %s %s / %s pkts %s %s" % (
                             label, got_a[0], got_a[1], got_b[0], got_b[1], ap, ab, au, bp,
                             bb, bu))
        else:
            notes.append("inner %s agrees with tshark's conversation" % label)
    if every:
        for key, (a, b, _) in conv_rows.items():
            if key not in sums:
                diffs.append("tshark conversation %s %s <-> %s has no porttop flow"
                             % (key[0], ep(*a), ep(*b)))
    return diffs, notes


def check_ours(path, timeout):
    """Our tunnel captures (pcaps/tun-*.pcap): every TCP and UDP flow of the
    default --tunnels zeek against the conversations tshark counted when the
    capture was made (<capture>.conv.txt)."""
    return compare_inner(path, path.with_name(path.name + ".conv.txt"), timeout, 0,
                         every=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument("files", nargs="*", metavar="FILE")
    args = ap.parse_args()
    pcaps = common.shared_dir() / "pcaps"
    if not pcaps.is_dir():
        sys.exit("%s is not a directory: set SHARED to the shared folder" % pcaps)
    if args.files:
        paths = [common.resolve_capture(f, pcaps) for f in args.files]
    else:
        paths = sorted(p for p in pcaps.iterdir()
                       if p.with_name(p.name + ".flows.tsv").exists())
        paths += sorted((common.REPO / "pcaps").glob("tun-*.pcap"))
        if not paths:
            sys.exit("no captures with a .flows.tsv in %s (set SHARED?)" % pcaps)
    common.require_porttop()
    report = common.Report(EXCEPTIONS, args.verbose)
    for path in paths:
        if path.with_name(path.name + ".conv.txt").exists() and \
                not path.with_name(path.name + ".flows.tsv").exists():
            report.capture(path.name, *check_ours(path, common.timeout()))
            continue
        if not path.with_name(path.name + ".flows.tsv").exists():
            report.capture(path.name, ["no oracle %s.flows.tsv" % path.name])
            continue
        report.capture(path.name, *check_capture(path, common.timeout()))
    return report.finish(None if args.files else {p.name for p in paths})


if __name__ == "__main__":
    sys.exit(main())
