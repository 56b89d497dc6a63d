"""Shared code for porttop's oracle tests (check_tshark.py, check_zeek.py).

Runs porttop on one capture, parses its JSON Lines flow report and its
two-line stderr summary, validates the report's schema, formats endpoints,
and prints the per-capture verdicts with the table of known differences.
Python 3 standard library only.
"""
import ipaddress
import json
import os
import re
import signal
import subprocess
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def shared_dir():
    """The shared capture folder: $SHARED, else the repo root's sibling `shared`."""
    return Path(os.environ.get("SHARED") or REPO.parent / "shared")


def porttop_path():
    # absolute: Path("./porttop") prints as "porttop", which exec would
    # look up in PATH
    return Path(os.path.abspath(os.environ.get("PORTTOP") or REPO / "porttop"))


def resolve_capture(arg, folder):
    """A FILE argument: a path, or a capture name looked up in folder."""
    p = Path(arg)
    return p if p.exists() or p.parent != Path(".") else folder / arg


def require_porttop():
    p = porttop_path()
    if not os.access(p, os.X_OK):
        raise SystemExit("porttop not found or not executable: %s (build it, or set PORTTOP)" % p)


def timeout():
    """Seconds allowed per porttop run ($PORTTOP_TIMEOUT, default 300)."""
    return float(os.environ.get("PORTTOP_TIMEOUT", "300"))


# --- stderr summary -------------------------------------------------------
SUMMARY1 = re.compile(r"porttop: (\d+) packets? read, (\d+) decoded, (\d+) truncated, "
                      r"(\d+) invalid, (\d+) unsupported, (\d+) flows?$")
SUMMARY2 = re.compile(r"porttop: (\d+) fragments? joined, (\d+) orphan fragments?, "
                      r"(\d+) flows? evicted$")
S1_KEYS = ("read", "decoded", "truncated", "invalid", "unsupported", "flows")
S2_KEYS = ("joined", "orphans", "evicted")
# A third line when tunnels were opened: a frame may then count in several
# flows (a VXLAN datagram and the packet inside it) or in none reported.
SUMMARY3 = re.compile(r"porttop: (\d+) tunnelled packets?, (\d+) with a cut or invalid "
                      r"inner header; the flows count (\d+) packets?$")
S3_KEYS = ("tunnelled", "tunnel_bad", "in_flows")
# A line when the traffic gave names (DNS answers, TLS SNI, HTTP Host):
# counts, not checked here (tests/names compares the names with tshark).
SUMMARY_NAMES = re.compile(r"porttop: names: \d+ DNS answers?, \d+ reverse, \d+ server "
                           r"names? \(SNI\), \d+ HTTP hosts?(; .*)?$")

# --- JSON report schema ---------------------------------------------------
INT_KEYS = ("ip_proto", "orig_pkts", "resp_pkts", "orig_wire_bytes", "resp_wire_bytes",
            "orig_ip_bytes", "resp_ip_bytes", "orig_bytes", "resp_bytes",
            "orig_frag_pkts", "orig_frag_wire_bytes", "resp_frag_pkts", "resp_frag_wire_bytes")
ALL_KEYS = ("schema", "ts", "duration", "proto", "orig_h", "resp_h", "orig_p", "resp_p",
            "vlan", "conn_state", "history", "orig_pid", "orig_comm", "resp_pid",
            "resp_comm", "uid", "tunnel", "tunnel_parents", "missed_bytes") + INT_KEYS
# IANA's keywords ("Assigned Internet Protocol Numbers", lower case; icmp6
# is porttop's, and tcpdump's, for IPv6-ICMP): a protocol with one is never
# written as a number
PROTO_NUMBERS = {"hopopt": 0, "icmp": 1, "igmp": 2, "ipv4": 4, "tcp": 6,
                 "egp": 8, "igp": 9, "udp": 17, "rdp": 27, "dccp": 33,
                 "ipv6": 41, "rsvp": 46, "gre": 47, "esp": 50, "ah": 51,
                 "icmp6": 58, "eigrp": 88, "ospf": 89, "ipip": 94,
                 "etherip": 97, "pim": 103, "ipcomp": 108, "vrrp": 112,
                 "l2tp": 115, "isis": 124, "sctp": 132, "udplite": 136,
                 "mpls": 137, "ethernet": 143}
PORTED = ("tcp", "udp", "sctp", "icmp", "icmp6")   # protos whose orig_p/resp_p are ints


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def validate_flow(f, where):
    """Schema problems of one porttop flow object, as a list of strings."""
    missing = [k for k in ALL_KEYS if k not in f]
    if missing:
        return ["%s: missing keys %s" % (where, ", ".join(missing))]
    bad = []
    if f["schema"] != 1:
        bad.append("schema %r" % f["schema"])
    for k in INT_KEYS:
        if not is_int(f[k]) or f[k] < 0:
            bad.append("%s=%r" % (k, f[k]))
    for k in ("ts", "duration"):
        if not isinstance(f[k], (Decimal, int)) or isinstance(f[k], bool) or f[k] < 0:
            bad.append("%s=%r" % (k, f[k]))
    proto = f["proto"]
    if isinstance(proto, str):
        if PROTO_NUMBERS.get(proto) != f["ip_proto"]:
            bad.append("proto %r with ip_proto %r" % (proto, f["ip_proto"]))
    elif not is_int(proto) or proto != f["ip_proto"] or proto in PROTO_NUMBERS.values():
        bad.append("proto %r with ip_proto %r" % (proto, f["ip_proto"]))
    for k in ("orig_p", "resp_p"):
        ok = is_int(f[k]) and 0 <= f[k] <= 65535 if proto in PORTED else f[k] is None
        if not ok:
            bad.append("%s=%r for proto %r" % (k, f[k], proto))
    for k in ("orig_h", "resp_h"):
        try:
            ipaddress.ip_address(f[k])
        except (ValueError, TypeError):
            bad.append("%s=%r" % (k, f[k]))
    if not (f["vlan"] is None or is_int(f["vlan"]) and 0 <= f["vlan"] <= 4095):
        bad.append("vlan=%r" % f["vlan"])
    for k in ("conn_state", "history"):
        if not isinstance(f[k], str):
            bad.append("%s=%r" % (k, f[k]))
    if not (isinstance(f["uid"], str) and re.fullmatch(r"C[0-9A-Za-z]{1,12}", f["uid"])):
        bad.append("uid=%r" % f["uid"])
    if not (f["tunnel"] is None or isinstance(f["tunnel"], str) and f["tunnel"]):
        bad.append("tunnel=%r" % f["tunnel"])
    tp = f["tunnel_parents"]
    if not (tp is None or isinstance(tp, list) and tp and all(isinstance(u, str) for u in tp)):
        bad.append("tunnel_parents=%r" % tp)
    elif (tp is None) != (f["tunnel"] is None):
        bad.append("tunnel %r with tunnel_parents %r" % (f["tunnel"], tp))
    if not is_int(f["missed_bytes"]) or f["missed_bytes"] < 0:
        bad.append("missed_bytes=%r" % f["missed_bytes"])
    for d in ("orig", "resp"):
        if not bad and (f[d + "_frag_pkts"] > f[d + "_pkts"]
                        or f[d + "_frag_wire_bytes"] > f[d + "_wire_bytes"]):
            bad.append("%s fragments exceed the %s totals" % (d, d))
    return ["%s: %s" % (where, "; ".join(bad))] if bad else []


class Run:
    """One porttop run: returncode, flows, summary (dict or None), error_lines
    (stderr lines that are not the summary), problems (malformed flow lines: the
    flows cannot be summed) and order_problem (flows not in ts order, or None)."""

    def __init__(self, capture, timeout, extra=()):
        argv = [str(porttop_path()), "-r", str(capture), "--report", "flows",
                "--format", "json", "-q"] + list(extra)
        self.argv = argv
        try:
            p = subprocess.run(argv, capture_output=True, timeout=timeout)
            self.returncode, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            self.returncode, out, err = "timeout", e.stdout or b"", e.stderr or b""
        self.flows, self.problems, self.summary, self.error_lines = [], [], None, []
        self.order_problem = None
        self._parse_stdout(out.decode("utf-8", "replace"))
        self._parse_stderr(err.decode("utf-8", "replace"))

    def _parse_stdout(self, text):
        last_ts, unordered = None, []
        self.lines = text.splitlines()
        for n, line in enumerate(self.lines, 1):
            where = "stdout line %d" % n
            try:
                f = json.loads(line, parse_float=Decimal)
            except ValueError as e:
                self.problems.append("%s: not JSON (%s): %.80s" % (where, e, line))
                continue
            if not isinstance(f, dict):
                self.problems.append("%s: not a JSON object" % where)
                continue
            bad = validate_flow(f, where)
            self.problems += bad
            if bad:
                continue
            if last_ts is not None and f["ts"] < last_ts:
                unordered.append("line %d (ts %s after %s)" % (n, f["ts"], last_ts))
            last_ts = f["ts"]
            f["line"] = n
            self.flows.append(f)
        if unordered:
            self.order_problem = ("report not ordered by first-packet time: %d flow(s) out of "
                                  "order, first at stdout %s" % (len(unordered), unordered[0]))

    def _parse_stderr(self, text):
        lines = [l for l in text.splitlines() if l.strip()]
        s1 = [SUMMARY1.match(l) for l in lines]
        s2 = [SUMMARY2.match(l) for l in lines]
        s3 = [SUMMARY3.match(l) for l in lines]
        i1 = [i for i, m in enumerate(s1) if m]
        i2 = [i for i, m in enumerate(s2) if m]
        i3 = [i for i, m in enumerate(s3) if m]
        if i1 and i2:
            self.summary = dict(zip(S1_KEYS, map(int, s1[i1[-1]].groups())))
            self.summary.update(zip(S2_KEYS, map(int, s2[i2[-1]].groups())))
            if i3:
                self.summary.update(zip(S3_KEYS, map(int, s3[i3[-1]].groups())))
        self.error_lines = [l for i, l in enumerate(lines)
                            if not (s1[i] or s2[i] or s3[i] or SUMMARY_NAMES.match(l))]

    def describe_status(self):
        rc = self.returncode
        if rc == "timeout":
            return "timed out"
        if rc < 0:
            try:
                return "killed by %s" % signal.Signals(-rc).name
            except ValueError:
                return "killed by signal %d" % -rc
        return "exit status %d" % rc


def check_run(run, expect_status, need_summary=True):
    """Differences in exit status, stderr and summary bookkeeping, common to both tests."""
    diffs = list(run.problems) + ([run.order_problem] if run.order_problem else [])
    errs = " | ".join(run.error_lines[:3])
    if run.returncode != expect_status:     # the rest of stderr's shape follows from this
        diffs.append("porttop %s, expected exit status %d%s" % (
            run.describe_status(), expect_status, (" (stderr: %s)" % errs) if errs else ""))
    elif expect_status == 0 and run.error_lines:
        diffs.append("unexpected stderr line(s): %s" % errs)
    elif expect_status != 0 and len(run.error_lines) != 1:
        diffs.append("expected a one-line error on stderr, got %d line(s)%s" % (
            len(run.error_lines), (": " + errs) if errs else ""))
    s = run.summary
    if s is None:
        if need_summary and run.returncode == expect_status:
            diffs.append("no two-line summary on stderr")
        return diffs
    parts = s["decoded"] + s["truncated"] + s["invalid"] + s["unsupported"] + s["orphans"]
    if s["read"] != parts:
        diffs.append("summary: %d packets read != decoded+truncated+invalid+unsupported+orphans = %d"
                     % (s["read"], parts))
    if s["flows"] != len(run.lines):
        diffs.append("summary: %d flows, but %d lines on stdout" % (s["flows"], len(run.lines)))
    if not run.problems:
        pk = sum(f["orig_pkts"] + f["resp_pkts"] for f in run.flows)
        fr = sum(f["orig_frag_pkts"] + f["resp_frag_pkts"] for f in run.flows)
        if "in_flows" in s:                 # tunnels: the third line counts them
            if pk != s["in_flows"]:
                diffs.append("summary: the flows count %d packets, but hold %d"
                             % (s["in_flows"], pk))
        elif pk != s["decoded"]:
            diffs.append("summary: %d decoded, but the flows hold %d packets" % (s["decoded"], pk))
        if fr != s["joined"] and "in_flows" not in s:
            diffs.append("summary: %d fragments joined, but the flows hold %d" % (s["joined"], fr))
        uids = [f["uid"] for f in run.flows]
        if len(set(uids)) != len(uids):
            diffs.append("uids: %d flows share a uid with another" % (len(uids) - len(set(uids))))
    return diffs


# --- formatting -----------------------------------------------------------
def ep(addr, port=None):
    """Endpoint text: 1.2.3.4:80, [2001:db8::1]:80, or the bare address."""
    addr = str(addr)
    if port is None:
        return addr
    return ("[%s]:%s" if ":" in addr else "%s:%s") % (addr, port)


def pattern_matches(pattern, text):
    """Exception patterns: '*' matches any text, everything else is literal."""
    rx = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(rx, text, re.S) is not None


class Report:
    """Prints one line per capture and the final summary; applies the exceptions
    table (entries: capture file name, difference pattern, reason)."""

    def __init__(self, exceptions, verbose, shown=5):
        for e in exceptions:
            if len(e) != 3 or not all(isinstance(x, str) and x.strip() for x in e):
                raise SystemExit("bad exceptions entry %r: need (capture, pattern, reason), "
                                 "all non-empty" % (e,))
        self.exceptions, self.verbose, self.shown = exceptions, verbose, shown
        self.counts = {"ok": 0, "FAIL": 0, "known difference": 0}
        self.table_errors = 0

    def capture(self, name, diffs, notes=()):
        mine = [e for e in self.exceptions if e[0] == name]
        used, known, failed = set(), [], []
        for d in diffs:
            hits = [i for i, e in enumerate(mine) if pattern_matches(e[1], d)]
            if hits:
                used.update(hits)
                known.append("known difference: %s  [reason: %s]" % (d, mine[hits[0]][2]))
            else:
                failed.append(d)
        for i, e in enumerate(mine):
            if i not in used:
                failed.append("exception matches no difference (remove it?): %r" % e[1])
        verdict = "FAIL" if failed else "known difference" if known else "ok"
        self.counts[verdict] += 1
        print("%-17s%s%s" % (verdict, name, (": %d difference(s)" % len(failed)) if failed else ""))
        limit = None if self.verbose else self.shown
        for d in failed[:limit]:
            print("    " + d)
        if limit is not None and len(failed) > limit:
            print("    ... %d more (use --verbose)" % (len(failed) - limit))
        for d in known if (self.verbose or not failed) else ():
            print("    " + d)
        if self.verbose:
            for n in notes:
                print("    note: " + n)

    def finish(self, all_captures=None):
        """Print the summary line and return the exit status."""
        if all_captures is not None:
            for e in self.exceptions:
                if e[0] not in all_captures:
                    print("exceptions table names a capture that is not in the set: %r" % e[0])
                    self.table_errors += 1
        c = self.counts
        print("%d captures: %d ok, %d failed, %d with known differences" % (
            sum(c.values()), c["ok"], c["FAIL"], c["known difference"]))
        return 1 if c["FAIL"] or self.table_errors else 0
