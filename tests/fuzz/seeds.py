"""Seed corpora for the fuzz targets (tests/fuzz/run.sh calls this).

  seeds.py OUTDIR CAPTURE...

OUTDIR/decode: fuzz_decode inputs cut from the captures' packets (the link
type selector, then up to 12 packets each as [len, cut, frame]);
OUTDIR/file: each capture (at most its first 16 KiB) plus the selector byte;
OUTDIR/filter: the golden tests' -F files and some tcpdump expressions;
OUTDIR/dfilter: the display-filter expressions of dfilter-seeds.txt (one
a line: good ones of every kind, and the mistakes the errors name).
Classic pcap is read here; pcapng is converted with tcpdump -w first.
"""
import os, struct, subprocess, sys, tempfile

# fuzz_decode.c's list, in its order
DLTS = [1, 113, 276, 0, 108, 12, 14, 101, 228, 229, 9, 50, 104, 51, 105, 127,
        119, 163, 192, 274]

def pcap_records(path):
    data = open(path, "rb").read()
    if data[:4] not in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4",
                        b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"):
        with tempfile.NamedTemporaryFile(suffix=".pcap") as t:
            r = subprocess.run(["tcpdump", "-r", path, "-w", t.name],
                               capture_output=True)
            if r.returncode != 0:
                return None, []
            data = open(t.name, "rb").read()
    le = data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1")
    e = "<" if le else ">"
    if len(data) < 24:
        return None, []
    dlt = struct.unpack(e + "I", data[20:24])[0] & 0xffff
    out, off = [], 24
    while off + 16 <= len(data) and len(out) < 2000:
        _, _, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        out.append((frame, max(0, min(255, orig - incl))))
        off += 16 + incl
    return dlt, out

def main():
    outdir, caps = sys.argv[1], sys.argv[2:]
    for sub in ("decode", "file", "filter", "dfilter"):
        os.makedirs(os.path.join(outdir, sub), exist_ok=True)
    n = 0
    for cap in caps:
        base = os.path.basename(cap)
        raw = open(cap, "rb").read()[:16384]
        open(os.path.join(outdir, "file", base), "wb").write(raw + b"\x04")
        dlt, recs = pcap_records(cap)
        if dlt not in DLTS:
            continue
        sel = bytes([DLTS.index(dlt)])   # --tunnels zeek (see fuzz_decode.c)
        for i in range(0, min(len(recs), 240), 12):
            body = b"".join(struct.pack(">HB", len(f), c) + f
                            for f, c in recs[i:i + 12])
            open(os.path.join(outdir, "decode", "%s-%d" % (base, i)),
                 "wb").write(sel + body)
            n += 1
    exprs = ["tcp port 80", "udp and not port 53", "ip6 and tcp[tcpflags] & tcp-syn != 0",
             "vlan 100 and host 10.0.0.1", "icmp[icmptype] == icmp-unreach",
             "net 10.0.0.0/8 or portrange 1-1024 # comment\n and less 128"]
    for i, x in enumerate(exprs):
        open(os.path.join(outdir, "filter", "expr-%d" % i), "w").write(x)
    for f in os.listdir("tests/golden"):
        if f.endswith(".filter"):
            open(os.path.join(outdir, "filter", f), "wb").write(
                open(os.path.join("tests/golden", f), "rb").read())
    here = os.path.dirname(os.path.abspath(__file__))
    lines = open(os.path.join(here, "dfilter-seeds.txt")).read().splitlines()
    for i, x in enumerate(lines):
        open(os.path.join(outdir, "dfilter", "expr-%d" % i), "w").write(x)
    print("seeds: %d decode inputs from %d captures, %d expressions"
          % (n, len(caps), len(lines)))

main()
