"""tests/golden/dfilter_review.py - how the display-filter golden outputs
(TESTLIST, "display filters") were reviewed: each filtered report must be
exactly the rows of the unfiltered report that a predicate written here,
in Python, independently of porttop's filter, selects (JSON rows compared
as objects, in order), and each expected text/CSV file must be made of
lines of the unfiltered report (text: blanks normalised, since columns fit
their rows).  Run from the repo root after make:

    python3 tests/golden/dfilter_review.py [PORTTOP]

Prints one line per test; exit 1 when one differs.  Not part of the
suite: the golden tests compare bytes, this says why those bytes are
right.
"""
import ipaddress
import json
import os
import subprocess
import sys

P = sys.argv[1] if len(sys.argv) > 1 else "./porttop"
ENV = dict(os.environ, TZ="UTC", LC_ALL="C",
           PORTTOP_HASH_SEED="000102030405060708090a0b0c0d0e0f")
SHARED = os.environ.get("SHARED", "../shared") + "/pcaps/"
EXPECTED = "tests/golden/expected/"
bad = 0


def run(args):
    return subprocess.run([P] + args, capture_output=True, text=True,
                          env=ENV).stdout


def jrows(cap, args):
    return [json.loads(l) for l in
            run(["-r", cap, "--format", "json"] + args).splitlines()]


def view_text(r):
    """What a bare word searches in a flow (report/row_filter.c)."""
    ends = ["%s:%s" % (r[s + "_h"], r[s + "_p"]) if r[s + "_p"] is not None
            else r[s + "_h"] for s in ("orig", "resp")]
    owners = [str(r[k]) for k in ("orig_comm", "orig_pid", "resp_comm",
                                  "resp_pid") if r[k] is not None]
    return " ".join([str(r["proto"])] + ends + owners).lower()


def in_net(net):
    n = ipaddress.ip_network(net)
    return lambda h: ipaddress.ip_address(h) in n


def check(name, cap, expr, pred, args=()):
    """The JSON rows of -Y expr are the unfiltered rows pred selects."""
    global bad
    args = list(args)
    everything = jrows(cap, args)
    want = [r for r in everything if pred(r)]
    got = jrows(cap, args + ["-Y", expr])
    ok = want == got and len(got) > 0
    bad |= not ok
    print("%s %s: %d of %d rows, -Y '%s'" % ("ok" if ok else "DIFFER", name,
                                              len(got), len(everything),
                                              expr))


def lines_of(name, cap, args):
    """The expected file's lines are lines of the unfiltered report."""
    global bad
    norm = lambda t: [" ".join(l.split()) for l in t.splitlines()]
    full = norm(run(["-r", cap] + args))
    exp = norm(open(EXPECTED + name + ".out").read())
    ok = all(l in full for l in exp)
    bad |= not ok
    print("%s %s: its %d lines are lines of the unfiltered report" %
          ("ok" if ok else "DIFFER", name, len(exp)))


nf = SHARED + "ndpi-netflix.pcap"
check("dfilter-port-53", nf, "port 53",
      lambda r: 53 in (r["orig_p"], r["resp_p"]))
check("dfilter-bare-53", nf, "53", lambda r: "53" in view_text(r))
check("dfilter-conn-state-in", SHARED + "ndpi-alexa-app.pcapng",
      "conn_state in {REJ, S0}", lambda r: r["conn_state"] in ("REJ", "S0"))
check("dfilter-bytes-and-proto", nf, "orig_bytes > 1K and proto == tcp",
      lambda r: r["orig_bytes"] > 1024 and r["proto"] == "tcp")
check("dfilter-ipv6-net", "pcaps/ipv6-tcp-udp.pcap",
      "net fd00:99::/64 and not proto icmp6",
      lambda r: (in_net("fd00:99::/64")(r["orig_h"]) or
                 in_net("fd00:99::/64")(r["resp_h"])) and
      r["proto"] != "icmp6")
check("dfilter-ports-closed", SHARED + "ndpi-synscan.pcap", "state == closed",
      lambda r: r["state"] == "closed", ["--report", "ports"])
check("dfilter-procs-curl", "pcaps/attrib-lo.pcapng", "comm ~ curl",
      lambda r: "curl" in (r["comm"] or "").lower(), ["--report", "procs"])
check("dfilter-with-bpf", "pcaps/attrib-lo.pcapng", "resp_pid == null",
      lambda r: r["resp_pid"] is None, ["tcp"])
lines_of("dfilter-bare-53", nf, [])
lines_of("dfilter-conn-state-in", SHARED + "ndpi-alexa-app.pcapng",
         ["--format", "csv"])
lines_of("dfilter-bytes-and-proto", nf, ["--format", "csv"])
lines_of("dfilter-ports-closed", SHARED + "ndpi-synscan.pcap",
         ["--report", "ports"])
lines_of("dfilter-procs-curl", "pcaps/attrib-lo.pcapng", ["--report", "procs"])
sys.exit(1 if bad else 0)
