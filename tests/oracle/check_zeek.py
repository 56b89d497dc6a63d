#!/usr/bin/env python3
"""Compare porttop's flow report with Zeek's conn.log for the Zeek trace pairs.

usage: check_zeek.py [--verbose] [FILE...]

Default: every .pcap/.pcapng in $SHARED/zeek (SHARED defaults to ../shared from the
repo root) that has a <name>.conn.log beside it.  porttop is ./porttop at the repo
root, or $PORTTOP.  See README.md in this folder and ../shared/zeek/NOTES.md.

Matching: conn.log rows and porttop flows are compared as multisets keyed on
(orig_h, orig_p, resp_h, resp_p, proto[, ip_proto]).  Zeek prints proto "icmp" for
ICMPv4 and ICMPv6 (ports = ICMP type and counterpart type or code, as porttop does)
and "unknown_transport" with ports 0 for every other protocol, SCTP included (Zeek
has no SCTP analyzer), so porttop's sctp and numeric protocols map to that.  When the
log has an ip_proto column it is part of the key (Zeek keys unknown transports by
it).  VLANs are not part of Zeek's key: porttop flows that differ only by VLAN stay
separate here and show up as unmatched.  Several flows with one key (splits by
timeout or port reuse) are paired best-first: exact matches, then the pairs with the
fewest differing fields, ties in porttop ts order against conn.log order (Zeek's ts
column is masked, and its rows are in removal order).

Compared: orig_pkts, resp_pkts, orig_ip_bytes, resp_ip_bytes, conn_state, history
(G/g content gaps included), missed_bytes, duration (to the microsecond), orig_bytes,
resp_bytes, and tunnel_parents: uids differ between the two tools, so the parents are
compared through the pairing itself (a parent that is a conn.log row must be the
porttop flow paired with that row; one that is not, Zeek's IP tunnel, must be a uid
porttop reports no flow of, the same one wherever Zeek names the same tunnel).
Zeek's history letter X (analyzer and tunnel limits, e.g. Tunnel::max_changes_per_
connection) is removed from Zeek's history before comparing: porttop has no such
limits.  Zeek leaves duration, orig_bytes and resp_bytes unset ("-") when duration is
0: then porttop's duration must be 0 and its byte counts are not compared.
"""
import argparse
import ipaddress
import sys
from decimal import ROUND_HALF_EVEN, Decimal

import common
from common import ep

# Known, reviewed differences between porttop and Zeek.  One entry per difference:
#   (capture file name, difference text as printed by this script, reason)
# In the text '*' matches anything; everything else is literal.  Every entry needs a
# reason, and an entry that matches nothing fails the test (remove it then).
# Everything else in the capture is still checked.
EXCEPTIONS = [
    ("tcp-bad-checksum-default.pcap", "tcp 192.168.1.28:53246 -> 35.221.46.9:80: *",
     "Zeek (without -C) drops the client's packets, whose TCP checksums are bad "
     "(offloaded on the capturing host); porttop never drops on a checksum and "
     "reports the connection as Zeek does when told to ignore checksums "
     "(tcp-bad-checksum-ignored.pcap, which agrees exactly)"),
    ("tcp-bad-checksum-default.pcap", "zeek row missing in porttop: tcp 35.221.46.9:80 -> *",
     "the second Zeek row exists only because Zeek dropped the client's SYN "
     "(bad checksum), so the server's SYN-ACK opened a new connection"),
]

COUNTS = ("orig_pkts", "resp_pkts", "orig_ip_bytes", "resp_ip_bytes", "missed_bytes")
# X: Zeek's analyzer and tunnel limits (Tunnel::max_changes_per_connection: the
# vxlan.pcap inner flow alternates between two outer tunnels more than 5 times);
# porttop has no such limits, so the letter has nothing to match.
IGNORED_HISTORY = "X"
USEC = Decimal("0.000001")


def parse_conn_log(path):
    """(fields, rows as dicts, unset marker, empty marker) of a Zeek ASCII log."""
    sep, fields, unset, empty, rows = "\t", None, "-", "(empty)", []
    for line in path.read_text().splitlines():
        if line.startswith("#separator "):
            sep = line.split(" ", 1)[1].encode().decode("unicode_escape")
        elif line.startswith("#"):
            name, *values = line[1:].split(sep)
            if name == "fields":
                fields = values
            elif name == "unset_field":
                unset = values[0]
            elif name == "empty_field":
                empty = values[0]
        elif line:
            if fields is None:
                raise SystemExit("%s: data before the #fields line" % path)
            values = line.split(sep)
            if len(values) != len(fields):
                raise SystemExit("%s: %d fields in %r" % (path, len(values), line))
            rows.append(dict(zip(fields, values)))
    return fields or [], rows, unset, empty


def porttop_key(f, with_ip_proto):
    if f["proto"] in ("tcp", "udp"):
        proto, op, rp = f["proto"], f["orig_p"], f["resp_p"]
    elif f["proto"] in ("icmp", "icmp6"):
        proto, op, rp = "icmp", f["orig_p"], f["resp_p"]
    else:
        proto, op, rp = "unknown_transport", 0, 0
    return (ipaddress.ip_address(f["orig_h"]), op, ipaddress.ip_address(f["resp_h"]), rp,
            proto, f["ip_proto"] if with_ip_proto else None)


def zeek_key(z, with_ip_proto):
    return (ipaddress.ip_address(z["id.orig_h"]), int(z["id.orig_p"]),
            ipaddress.ip_address(z["id.resp_h"]), int(z["id.resp_p"]), z["proto"],
            int(z["ip_proto"]) if with_ip_proto else None)


def key_label(k):
    oh, op, rh, rp, proto, ipp = k
    name = proto if proto != "unknown_transport" or ipp is None else "%s(%d)" % (proto, ipp)
    return "%s %s -> %s" % (name, ep(oh, op), ep(rh, rp))


def field_diffs(p, z, unset, empty):
    """[(field, porttop value, zeek value)] for one porttop flow against one Zeek row."""
    out = []
    for k in COUNTS:
        if z.get(k, unset) != unset and p[k] != int(z[k]):
            out.append((k, p[k], z[k]))
    if z.get("conn_state", unset) != unset and p["conn_state"] != z["conn_state"]:
        out.append(("conn_state", p["conn_state"], z["conn_state"]))
    if "history" in z:
        zh = "" if z["history"] in (unset, empty) else z["history"]
        zh_cmp = "".join(c for c in zh if c not in IGNORED_HISTORY)
        if p["history"] != zh_cmp:
            out.append(("history", p["history"] or "(empty)",
                        (zh_cmp or "(empty)") + (" (Zeek: %s)" % zh if zh != zh_cmp else "")))
    dur = z.get("duration", unset)
    if dur == unset:
        if p["duration"] != 0:
            out.append(("duration", p["duration"], "- (zero)"))
    elif Decimal(p["duration"]).quantize(USEC, ROUND_HALF_EVEN) != Decimal(dur):
        out.append(("duration", p["duration"], dur))
    for k in ("orig_bytes", "resp_bytes"):
        if z.get(k, unset) != unset and p[k] != int(z[k]):
            out.append((k, p[k], z[k]))
    return out


def parent_diffs(paired, flows, unset, empty):
    """tunnel_parents through the pairing: Zeek uid -> porttop uid of the paired flow;
    a parent that is not a row (an IP tunnel) maps to one porttop uid that is not a
    reported flow."""
    row_uid = {z["uid"]: f["uid"] for f, z, _ in paired}
    shown = {f["uid"] for f in flows}
    tunnel_uid, out = {}, []
    for f, z, tag in paired:
        zp = z.get("tunnel_parents", unset)
        zp = [] if zp in (unset, empty) else zp.split(",")
        pp = f["tunnel_parents"] or []
        want = []
        for u in zp:
            if u in row_uid:
                want.append(row_uid[u])
            else:                           # Zeek's IP tunnel: not a conn.log row
                cand = [p for p in pp if p not in shown]
                want.append(tunnel_uid.setdefault(u, cand[0] if cand else "?"))
        if sorted(want) != sorted(pp) or any(p in shown for p in pp if p not in want):
            out.append("%s: tunnel_parents: porttop %s, zeek %s (as porttop uids: %s)" % (
                tag, pp or "-", zp or "-", want or "-"))
    return out


def pair_up(flows, zrows, unset, empty):
    """Best-first pairing of porttop flows and Zeek rows that share one key.
    Returns ([(flow, zeek index, field diffs)], unpaired flows, unpaired zeek indexes)."""
    cands = []
    for i, f in enumerate(flows):
        for j, (zi, z) in enumerate(zrows):
            cands.append((len(field_diffs(f, z, unset, empty)), i, j))
    cands.sort()
    used_f, used_z, pairs = set(), set(), []
    for _, i, j in cands:
        if i not in used_f and j not in used_z:
            used_f.add(i)
            used_z.add(j)
            zi, z = zrows[j]
            pairs.append((flows[i], zi, field_diffs(flows[i], z, unset, empty)))
    return (pairs, [f for i, f in enumerate(flows) if i not in used_f],
            [zi for j, (zi, _) in enumerate(zrows) if j not in used_z])


def check_capture(path, log_path, timeout):
    fields, zrows, unset, empty = parse_conn_log(log_path)
    with_ipp = "ip_proto" in fields
    run = common.Run(path, timeout)
    diffs, notes = common.check_run(run, 0), []
    if run.problems:
        return diffs, notes
    groups = {}                             # key -> ([porttop flows], [(zeek index, row)])
    for f in run.flows:
        groups.setdefault(porttop_key(f, with_ipp), ([], []))[0].append(f)
    for zi, z in enumerate(zrows):
        groups.setdefault(zeek_key(z, with_ipp), ([], []))[1].append((zi, z))
    tags, missing, extra, paired = {}, [], [], []
    for key in sorted(groups, key=lambda k: min([f["line"] for f in groups[k][0]] +
                                                [zi + 10 ** 9 for zi, _ in groups[k][1]])):
        flows, zs = groups[key]
        for n, (zi, _) in enumerate(zs):
            tags[zi] = ("%s [conn.log row %d, %d of %d with this key]" % (
                key_label(key), zi + 1, n + 1, len(zs)) if len(zs) > 1 else key_label(key))
        pairs, unpaired_f, unpaired_z = pair_up(flows, zs, unset, empty)
        paired += [(f, zrows[zi], tags[zi]) for f, zi, _ in pairs]
        for f, zi, fd in pairs:
            for name, pv, zv in fd:
                diffs.append("%s: %s: porttop %s, zeek %s" % (tags[zi], name, pv, zv))
            if len(zs) > 1:
                notes.append("%s paired with stdout line %d" % (tags[zi], f["line"]))
        missing += [(key, zi) for zi in unpaired_z]
        extra += [(key, f) for f in unpaired_f]
    diffs += parent_diffs(paired, run.flows, unset, empty)
    for key, f in list(extra):              # same connection, opposite orientation?
        oh, op, rh, rp, proto, ipp = key
        hit = [m for m in missing if m[0] == (rh, rp, oh, op, proto, ipp)]
        if hit:
            missing.remove(hit[0])
            extra.remove((key, f))
            diffs.append("orientation: porttop's %s (stdout line %d) is zeek's %s reversed"
                         % (key_label(key), f["line"], tags[hit[0][1]]))
    for key, zi in missing:
        z = zrows[zi]
        diffs.append("zeek row missing in porttop: %s (%s %s, %s+%s pkts)" % (
            tags[zi], z.get("conn_state"), z.get("history"), z.get("orig_pkts"),
            z.get("resp_pkts")))
    for key, f in extra:
        vlan = "" if f["vlan"] is None else " vlan %d" % f["vlan"]
        diffs.append("porttop flow not in zeek's conn.log: %s%s (stdout line %d, %s %s, "
                     "%d+%d pkts)" % (key_label(key), vlan, f["line"], f["conn_state"],
                                      f["history"] or "(empty)", f["orig_pkts"], f["resp_pkts"]))
    return diffs, notes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument("files", nargs="*", metavar="FILE")
    args = ap.parse_args()
    folder = common.shared_dir() / "zeek"
    log_of = lambda p: p.with_name(p.name.rsplit(".", 1)[0] + ".conn.log")
    if not folder.is_dir():
        sys.exit("%s is not a directory: set SHARED to the shared folder" % folder)
    if args.files:
        paths = [common.resolve_capture(f, folder) for f in args.files]
    else:
        paths = sorted(p for p in folder.iterdir()
                       if p.suffix in (".pcap", ".pcapng") and log_of(p).exists())
        if not paths:
            sys.exit("no Zeek trace + conn.log pairs in %s (set SHARED?)" % folder)
    common.require_porttop()
    report = common.Report(EXCEPTIONS, args.verbose)
    for path in paths:
        if not log_of(path).exists():
            report.capture(path.name, ["no oracle %s" % log_of(path).name])
            continue
        report.capture(path.name, *check_capture(path, log_of(path), common.timeout()))
    return report.finish(None if args.files else {p.name for p in paths})


if __name__ == "__main__":
    sys.exit(main())
