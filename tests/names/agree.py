#!/usr/bin/env python3
"""tests/names/agree.py [-d DECODE_AS]... PCAP... - porttop's passive names
against tshark's (-d is tshark's, e.g. tcp.port==4433,tls).

For each capture: porttop's flows report (JSON Lines) and, from tshark,
the server_name of every TLS ClientHello (tls.handshake.extensions_
server_name; over TCP, and in QUIC Initials over UDP), the Host of every HTTP request (http.host, without its port;
IP literals left out, as porttop does) and every DNS answer (dns.qry.name
with dns.a / dns.aaaa).  Then:
  * every flow tshark names by its own ClientHello or request (same
    addresses and ports, either direction) must have that name in porttop,
    with source sni or http: "tshark N, porttop agrees M";
  * every flow porttop names from DNS must have an address tshark saw in
    an answer to that name (porttop names an address by the name that was
    asked, the start of a CNAME chain);
  * no flow porttop names must be named otherwise by tshark.
Prints one line per capture and the differences; exit 1 on any.
Env: PORTTOP (default ./porttop)."""
import ipaddress
import json
import os
import subprocess
import sys

PORTTOP = os.environ.get("PORTTOP", "./porttop")
DECODE_AS = []


def tshark(pcap, display, fields):
    cmd = ["tshark", "-n", "-r", pcap] + DECODE_AS + ["-Y", display, "-T", "fields",
           "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    return [l.split("\t") for l in out.splitlines()]


def norm(addr):
    return str(ipaddress.ip_address(addr))


def conn_names(pcap):
    """(a, ap, b, bp) sorted -> [(time, name, 'sni'|'http')] from tshark."""
    names = {}
    for disp, field, src, l4 in (
            ("tcp and tls.handshake.type == 1",
             "tls.handshake.extensions_server_name", "sni", "tcp"),
            ("quic and tls.handshake.type == 1",
             "tls.handshake.extensions_server_name", "sni", "udp"),
            ("tcp and http.request", "http.host", "http", "tcp")):
        ends = ["ip.src", "ipv6.src", l4 + ".srcport", "ip.dst", "ipv6.dst",
                l4 + ".dstport", "frame.time_epoch"]
        for r in tshark(pcap, disp, ends + [field]):
            if len(r) < 8 or not r[7]:
                continue
            s = (r[0] or r[1]).split(",")[-1]
            d = (r[3] or r[4]).split(",")[-1]
            name = r[7].split(",")[0]
            if src == "http":
                name = host_of(name)
                if name is None:
                    continue
            key = tuple(sorted([(norm(s), int(r[2].split(",")[-1])),
                                (norm(d), int(r[5].split(",")[-1]))]))
            names.setdefault(key, []).append((float(r[6]), name, src))
    return names


def host_of(h):
    """A Host header's name without its port; None for an IP literal."""
    if h.startswith("["):
        return None
    h = h.rsplit(":", 1)[0] if h.count(":") == 1 else h
    try:
        ipaddress.ip_address(h)
        return None
    except ValueError:
        return h.rstrip(".")


def dns_pairs(pcap):
    pairs = set()
    for r in tshark(pcap, "dns.flags.response == 1",
                    ["dns.qry.name", "dns.a", "dns.aaaa"]):
        r += [""] * (3 - len(r))
        q = r[0].split(",")[0].rstrip(".")
        for a in (r[1] + "," + r[2]).split(","):
            if a:
                pairs.add((q.lower(), norm(a)))
    return pairs


def porttop_flows(pcap):
    out = subprocess.run([PORTTOP, "-q", "-r", pcap, "--report", "flows",
                          "--format", "json"], capture_output=True, text=True)
    if out.returncode and not out.stdout:
        sys.exit("porttop failed on %s: %s" % (pcap, out.stderr))
    return [json.loads(l) for l in out.stdout.splitlines()]


def flow_of(flows, key, t):
    """The porttop flow of key that holds time t."""
    for f in flows.get(key, []):
        if f["ts"] - 1e-6 <= t <= f["ts"] + f["duration"] + 1e-6:
            return f
    return None


def check(pcap):
    want, pairs = conn_names(pcap), dns_pairs(pcap)
    flows, bad, by_key = porttop_flows(pcap), [], {}
    agree = nwant = ndns = dns_ok = named = 0
    for f in flows:
        named += f["resp_name"] is not None
        if f["orig_p"] is None:
            continue
        key = tuple(sorted([(norm(f["orig_h"]), f["orig_p"]),
                            (norm(f["resp_h"]), f["resp_p"])]))
        by_key.setdefault(key, []).append(f)
        if f["resp_name_source"] == "dns":
            ndns += 1
            if (f["resp_name"].lower(), norm(f["resp_h"])) in pairs:
                dns_ok += 1
            else:
                bad.append("%s: porttop %s (dns): no such answer in tshark"
                           % (key, f["resp_name"]))
    for key, seen in want.items():
        t, name, src = seen[0]	# the flow's first ClientHello or request
        nwant += 1
        f = flow_of(by_key, key, t)
        got = (f["resp_name"], f["resp_name_source"]) if f else None
        if got == (name, src):
            agree += 1
        else:
            bad.append("%s at %.6f: porttop %s, tshark %s (%s)" %
                       (key, t, got, name, src))
    print("%s: %d flows, %d named; tshark names %d by SNI/Host, porttop "
          "agrees on %d; %d named from DNS, %d of them in tshark's answers "
          "(%d name-address pairs)" % (os.path.basename(pcap), len(flows),
                                      named, nwant, agree, ndns, dns_ok,
                                      len(pairs)))
    for b in bad:
        print("  DIFF " + b)
    return not bad


def main():
    args = sys.argv[1:]
    while len(args) > 1 and args[0] == "-d":
        DECODE_AS.extend(args[:2])
        args = args[2:]
    ok = all([check(p) for p in args])
    return 0 if ok else 1


sys.exit(main())
