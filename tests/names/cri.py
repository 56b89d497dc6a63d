#!/usr/bin/env python3
"""cri.py - a minimal CRI client for the names suite: the kubelet's part.

gRPC over HTTP/2 by the curl command (--http2-prior-knowledge over a
unix socket), protobuf written and read here by hand: an implementation
independent of porttop's (names/nm_cri*.c, protobuf-c and libcurl's
library), so it can be the oracle.  Field numbers: k8s.io/cri-api
pkg/apis/runtime/v1/api.proto (runtime.v1.RuntimeService).

  cri.py SOCK version                  -> runtime name and version
  cri.py SOCK pod NAME NS UID          -> sandbox id (host network, NODE)
  cri.py SOCK create POD NAME IMAGE NS UID PODNAME CMD...  -> container id
  cri.py SOCK start ID
  cri.py SOCK stoppod ID | rmpod ID
  cri.py SOCK list                     -> JSON lines: containers with pods
  cri.py SOCK raw METHOD               -> an empty request's response body
                                          (the 5-byte prefix removed)
Containers' logs go to $CRI_LOG_DIR (default /tmp).
"""
import json
import os
import subprocess
import sys

NODE = 2  # NamespaceMode NODE: the host's namespace (no CNI needed)


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field(num, val):
    """A field: int (varint, wire type 0) or bytes/str/list of fields
    (length-delimited, wire type 2)."""
    if isinstance(val, int):
        return varint(num << 3) + varint(val)
    if isinstance(val, str):
        val = val.encode()
    return varint(num << 3 | 2) + varint(len(val)) + val


def msg(*fields):
    return b"".join(field(n, v) for n, v in fields if v is not None)


def fields(buf):
    """Decode one message: [(num, value)], value int or bytes."""
    out, i = [], 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = read_varint(buf, i)
        elif wt == 2:
            n, i = read_varint(buf, i)
            v, i = buf[i:i + n], i + n
        elif wt == 1:
            v, i = buf[i:i + 8], i + 8
        elif wt == 5:
            v, i = buf[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wt)
        out.append((num, v))
    return out


def read_varint(buf, i):
    n = shift = 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def get(buf, num, default=b""):
    for n, v in fields(buf):
        if n == num:
            return v
    return default


def call(sock, method, body):
    """One unary call; the response message, or exit with grpc-status."""
    frame = b"\0" + len(body).to_bytes(4, "big") + body
    p = subprocess.run(
        ["curl", "-sS", "--max-time", "60", "--http2-prior-knowledge",
         "--unix-socket", sock, "-H", "content-type: application/grpc",
         "-H", "te: trailers", "--data-binary", "@-", "-D", "/dev/stderr",
         "http://localhost/runtime.v1.RuntimeService/" + method],
        input=frame, capture_output=True)
    hdr = p.stderr.decode(errors="replace")
    status = [l.split(":", 1)[1].strip() for l in hdr.splitlines()
              if l.lower().startswith("grpc-status:")]
    if p.returncode or status != ["0"]:
        sys.exit("cri.py %s: curl %d, %s" % (method, p.returncode,
                                             hdr.strip().replace("\r", "")))
    out = p.stdout
    return out[5:5 + int.from_bytes(out[1:5], "big")] if len(out) >= 5 else b""


def pod_config(name, ns, uid):
    """The kubelet's, cgroupfs driver: the pod's cgroup parent
    /kubepods/besteffort/podUID; the host's network namespace."""
    nsopt = msg((1, NODE))
    linux = msg((1, "/kubepods/besteffort/pod" + uid), (2, msg((1, nsopt))))
    return msg((1, msg((1, name), (2, uid), (3, ns), (4, 0))),
               (3, os.environ.get("CRI_LOG_DIR", "/tmp")), (8, linux))


def main():
    sock, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if cmd == "version":
        r = call(sock, "Version", msg((1, "v1")))
        print(get(r, 2).decode(), get(r, 3).decode())
    elif cmd == "pod":
        r = call(sock, "RunPodSandbox", msg((1, pod_config(*args[:3]))))
        print(get(r, 1).decode())
    elif cmd == "create":
        pod, name, image, ns, uid, podname = args[:6]
        nsopt = msg((1, NODE))
        cfg = msg((1, msg((1, name))), (2, msg((1, image))),
                  *[(3, a) for a in args[6:]], (11, name + ".log"),
                  (15, msg((2, msg((3, nsopt))))))
        r = call(sock, "CreateContainer",
                 msg((1, pod), (2, cfg), (3, pod_config(podname, ns, uid))))
        print(get(r, 1).decode())
    elif cmd == "start":
        call(sock, "StartContainer", msg((1, args[0])))
    elif cmd in ("stoppod", "rmpod"):
        call(sock, "StopPodSandbox" if cmd == "stoppod" else
             "RemovePodSandbox", msg((1, args[0])))
    elif cmd == "list":
        pods = {}
        for n, p in fields(call(sock, "ListPodSandbox", b"")):
            md = get(p, 2)
            pods[get(p, 1).decode()] = (get(md, 1).decode(),
                                        get(md, 3).decode(),
                                        get(md, 2).decode())
        for n, c in fields(call(sock, "ListContainers", b"")):
            pod = pods.get(get(c, 2).decode(), ("", "", ""))
            print(json.dumps({"id": get(c, 1).decode(),
                              "name": get(get(c, 3), 1).decode(),
                              "image": get(get(c, 4), 1).decode(),
                              "pod": pod[0], "namespace": pod[1],
                              "pod_uid": pod[2]}))
    elif cmd == "raw":
        sys.stdout.buffer.write(call(sock, args[0], b""))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
