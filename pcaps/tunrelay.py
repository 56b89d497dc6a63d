#!/usr/bin/env python3
"""tunrelay.py - a tunnel endpoint in user space, for make-pcaps.sh.

usage: tunrelay.py MODE DEV LOCAL REMOTE [IFACE PEER_MAC]

Creates the TUN (IP packets) or TAP (Ethernet frames) device DEV and
relays between it and the underlay: each packet the kernel routes into DEV
leaves towards REMOTE wrapped in MODE's headers, and each wrapped packet
from REMOTE comes out of DEV unwrapped.  The kernel of the machine the
captures were made on has VXLAN but no GRE, IP-in-IP, SIT, Geneve or L2TP
drivers, so the other tunnels are built here, header by header, from their
specifications; the traffic through them is real (ping, curl, python3
sockets).  Modes:

  gre      IPv4/IPv6 in GRE version 0 with key and sequence number (RFC 2890)
  gretap   Ethernet in GRE (0x6558, transparent Ethernet bridging), key
  ip6gre   IPv4 in GRE over IPv6, checksum and key
  pptp     PPP in enhanced GRE version 1 (RFC 2637), with ack numbers
  ipip     IPv4 in IPv4 (protocol 4)        sit    IPv6 in IPv4 (41)
  4in6     IPv4 in IPv6 (4)                 6in6   IPv6 in IPv6 (41)
  geneve   Ethernet in Geneve (UDP 6081), one 4-byte option
  gtpu     IP in GTP-U (UDP 2152): G-PDUs with a PDU session container
           extension header; an echo request first
  teredo   IPv6 in UDP 3544: REMOTE's side adds origin indications; a bubble
  ayiya    IPv6 in AYIYA (UDP 5072), SHA-1-sized signature
  erspan2, erspan3   one way: frames seen on IFACE (an AF_PACKET socket)
           mirrored to REMOTE in GRE + ERSPAN type II, or type III with its
           platform subheader (DEV is not used: give -)
  mpls     IP under two MPLS labels, directly on IFACE (Ethernet 0x8847)
  eompls   Ethernet over MPLS with the RFC 4448 control word, on IFACE
  pppoe    PPP in a PPPoE session on IFACE (0x8864); an LCP echo first
  pbb      Ethernet in 802.1ah PBB (I-TAG, 0x88e7) on IFACE
  vntag    IP behind a VN-Tag (0x8926) on IFACE
  sink     read and drop what arrives for IP protocol 47 at LOCAL (the
           collector of a one-way ERSPAN mirror, so that its host does not
           answer "protocol unreachable"; DEV and REMOTE are not used)

Link-layer modes send frames on IFACE to PEER_MAC through an AF_PACKET
socket; LOCAL and REMOTE are then only names.  Runs until killed.
"""
import fcntl
import os
import select
import socket
import struct
import sys

TUNSETIFF, IFF_TUN, IFF_TAP, IFF_NO_PI = 0x400454CA, 1, 2, 0x1000
ETH_P_ALL = 0x0003
TAP_MODES = ("gretap", "geneve", "eompls", "pbb")
L2_TYPES = {"mpls": 0x8847, "eompls": 0x8847, "pppoe": 0x8864, "pbb": 0x88E7,
            "vntag": 0x8926}
IP_PROTO = {"gre": 47, "gretap": 47, "ip6gre": 47, "pptp": 47, "erspan2": 47,
            "erspan3": 47, "ipip": 4, "sit": 41, "4in6": 4, "6in6": 41}
UDP_PORT = {"geneve": 6081, "gtpu": 2152, "teredo": 3544, "ayiya": 5072}
V6_OUTER = ("ip6gre", "4in6", "6in6", "ayiya")


def open_tun(name, tap):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    flags = (IFF_TAP if tap else IFF_TUN) | IFF_NO_PI
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), flags))
    return fd


def csum(data):
    """RFC 1071 Internet checksum."""
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip_type(pkt):
    return 0x86DD if pkt[0] >> 4 == 6 else 0x0800


class Relay:
    def __init__(self, mode, local, remote, iface, peer_mac):
        self.mode, self.local, self.remote = mode, local, remote
        self.seq, self.acked = 0, None
        self.iface, self.peer_mac = iface, peer_mac
        if mode in L2_TYPES or mode.startswith("erspan"):
            self.pkt = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                     socket.htons(ETH_P_ALL))
            self.pkt.bind((iface, 0))
            self.my_mac = self.pkt.getsockname()[4]
        if mode in IP_PROTO:
            fam = socket.AF_INET6 if mode in V6_OUTER else socket.AF_INET
            self.sock = socket.socket(fam, socket.SOCK_RAW, IP_PROTO[mode])
            self.sock.bind((local, 0))
            self.dest = (remote, 0)
        elif mode in UDP_PORT:
            fam = socket.AF_INET6 if mode in V6_OUTER else socket.AF_INET
            self.sock = socket.socket(fam, socket.SOCK_DGRAM)
            self.sock.bind((local, UDP_PORT[mode]))
            self.dest = (remote, UDP_PORT[mode])

    def next_seq(self):
        self.seq += 1
        return self.seq

    # ---- wrapping -----------------------------------------------------------
    def wrap(self, pkt):
        m = self.mode
        if m == "gre":
            return struct.pack(">HHII", 0x3000, ip_type(pkt), 0x1234, self.next_seq()) + pkt
        if m == "gretap":
            return struct.pack(">HHI", 0x2000, 0x6558, 0x42) + pkt
        if m == "ip6gre":
            body = struct.pack(">HHHHI", 0xA000, ip_type(pkt), 0, 0, 7) + pkt
            return body[:4] + struct.pack(">H", csum(body)) + body[6:]
        if m == "pptp":
            ppp = b"\xff\x03" + struct.pack(">H", 0x57 if pkt[0] >> 4 == 6 else 0x21) + pkt
            if self.acked is None:
                return struct.pack(">HHHHI", 0x3001, 0x880B, len(ppp), 0x10,
                                   self.next_seq()) + ppp
            return struct.pack(">HHHHII", 0x3081, 0x880B, len(ppp), 0x10,
                               self.next_seq(), self.acked) + ppp
        if m in ("ipip", "sit", "4in6", "6in6"):
            return pkt
        if m == "geneve":
            opt = struct.pack(">HBB", 0x0102, 0x80, 1) + b"\x00\x00\x00\x2a"
            return struct.pack(">BBHI", 2, 0, 0x6558, 0x000101 << 8) + opt + pkt
        if m == "gtpu":
            ext = b"\x01\x00\x09\x00"              # PDU session container, QFI 9
            body = struct.pack(">HBB", 0, 0, 0x85) + ext + pkt
            return struct.pack(">BBHI", 0x34, 0xFF, len(body), 0x11223344) + body
        if m == "teredo":
            if self.local.endswith(".2"):          # the relay's side: origin
                addr = socket.inet_aton(self.remote)
                org = b"\x00\x00" + struct.pack(">H", 3544 ^ 0xFFFF) + bytes(
                    b ^ 0xFF for b in addr)
                return org + pkt
            return pkt
        if m == "ayiya":
            ident = socket.inet_pton(socket.AF_INET6, self.local)
            return bytes([0x41, 0x52, 0x11, 41]) + struct.pack(">I", 0x5F000000) + \
                ident + b"\x00" * 20 + pkt
        return self.wrap_l2(pkt)

    def wrap_l2(self, pkt):
        m, eth = self.mode, self.peer_mac + self.my_mac
        if m == "mpls":
            return eth + struct.pack(">HII", 0x8847, 16 << 12 | 64, 17 << 12 | 0x100 | 64) + pkt
        if m == "eompls":
            return eth + struct.pack(">HII", 0x8847, 18 << 12 | 0x100 | 64, 0) + pkt
        if m == "pppoe":
            ppp = struct.pack(">H", 0x57 if pkt[0] >> 4 == 6 else 0x21) + pkt
            return eth + struct.pack(">HBBHH", 0x8864, 0x11, 0, 0x42, len(ppp)) + ppp
        if m == "pbb":
            return eth + struct.pack(">HI", 0x88E7, 0x000100) + pkt
        if m == "vntag":
            return eth + struct.pack(">HIH", 0x8926, 0x80010002, ip_type(pkt)) + pkt
        raise SystemExit("unknown mode " + m)

    # ---- unwrapping ----------------------------------------------------------
    def unwrap(self, data):
        m = self.mode
        if m in ("gre", "gretap", "ip6gre", "pptp"):
            flags = struct.unpack(">H", data[:2])[0]
            off = 4 + 4 * sum(bool(flags & b) for b in (0x8000, 0x2000, 0x1000, 0x0080))
            if m == "pptp":
                if flags & 0x1000:
                    self.acked = struct.unpack(">I", data[8:12])[0]
                return data[off + 4:] if len(data) > off else None
            return data[off:]
        if m in ("ipip", "sit", "4in6", "6in6"):
            return data
        if m == "geneve":
            return data[8 + (data[0] & 0x3F) * 4:]
        if m == "gtpu":
            return data[16:] if data[1] == 0xFF else None
        if m == "teredo":
            return data[8:] if data[:2] == b"\x00\x00" else data
        if m == "ayiya":
            return data[44:]
        return None

    def unwrap_l2(self, frame):
        m = self.mode
        body = frame[14:]
        if m == "mpls":                    # labels 16, 17 (the two share
            return body[8:] if body[:2] == b"\x00\x01" else None   # 0x8847)
        if m == "eompls":                  # label 18
            return body[8:] if body[:3] == b"\x00\x01\x21" else None
        if m == "pppoe":
            return body[8:] if body[6:8] in (b"\x00\x21", b"\x00\x57") else None
        if m == "pbb":
            return body[4:]
        if m == "vntag":
            return body[6:]
        return None

    # ---- the loop ----------------------------------------------------------------
    def send(self, pkt):
        if self.mode in L2_TYPES:
            self.pkt.send(self.wrap(pkt))
        else:
            self.sock.sendto(self.wrap(pkt), self.dest)

    def from_underlay(self):
        if self.mode in L2_TYPES:
            frame, addr = self.pkt.recvfrom(65535)
            if addr[2] == socket.PACKET_OUTGOING or frame[12:14] != struct.pack(
                    ">H", L2_TYPES[self.mode]) or frame[:6] != self.my_mac:
                return None
            return self.unwrap_l2(frame)
        data, addr = self.sock.recvfrom(65535)
        if addr[0] != self.remote:
            return None
        if self.sock.family == socket.AF_INET and self.sock.type == socket.SOCK_RAW:
            data = data[(data[0] & 0x0F) * 4:]     # raw IPv4 sockets see the header
        return self.unwrap(data)

    def first_packets(self):
        """What each mode sends once that is not a user packet."""
        m = self.mode
        if m == "gtpu" and self.local.endswith(".1"):        # echo request
            self.sock.sendto(struct.pack(">BBHIHBB", 0x32, 1, 4, 0, 1, 0, 0), self.dest)
        if m == "teredo" and self.local.endswith(".1"):      # a bubble
            bubble = struct.pack(">IHBB", 0x60000000, 0, 59, 255) + \
                b"\x20\x01" + b"\x00" * 13 + b"\x01" + b"\x20\x01" + b"\x00" * 13 + b"\x02"
            self.sock.sendto(bubble, self.dest)
        if m == "pppoe" and self.local.endswith(".1"):       # LCP echo request
            lcp = b"\xc0\x21\x09\x01\x00\x08\x00\x00\x00\x00"
            self.pkt.send(self.peer_mac + self.my_mac + struct.pack(
                ">HBBHH", 0x8864, 0x11, 0, 0x42, len(lcp)) + lcp)


def mirror(relay):
    """ERSPAN: every frame on IFACE, both ways, to REMOTE."""
    sess = 7
    print("tunrelay %s ready" % relay.mode, flush=True)
    while True:
        frame, addr = relay.pkt.recvfrom(65535)
        if relay.mode == "erspan2":
            hdr = struct.pack(">HHI", 0x1000, 0x1800 | sess, 0)
            gre = struct.pack(">HHI", 0x1000, 0x88BE, relay.next_seq())
        else:
            hdr = struct.pack(">HHIHH", 0x2000, 0x1800 | sess, relay.seq * 1000, 0, 0x0027) + \
                struct.pack(">II", 0x18000001, relay.seq)
            gre = struct.pack(">HHI", 0x1000, 0x22EB, relay.next_seq())
        relay.sock.sendto(gre + hdr + frame, relay.dest)


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    mode, dev, local, remote = sys.argv[1:5]
    iface = sys.argv[5] if len(sys.argv) > 5 else None
    peer = bytes.fromhex(sys.argv[6].replace(":", "")) if len(sys.argv) > 6 else None
    if mode == "sink":
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
        sock.bind((local, 0))
        print("tunrelay sink ready", flush=True)
        while True:
            sock.recv(65535)
    relay = Relay(mode, local, remote, iface, peer)
    if mode.startswith("erspan"):
        mirror(relay)
    fd = open_tun(dev, mode in TAP_MODES)
    under = relay.pkt if mode in L2_TYPES else relay.sock
    print("tunrelay %s %s ready" % (mode, dev), flush=True)
    first = True
    while True:
        r, _, _ = select.select([fd, under], [], [])
        if first:
            relay.first_packets()
            first = False
        if fd in r:
            relay.send(os.read(fd, 65535))
        if under in r:
            pkt = relay.from_underlay()
            if pkt:
                try:
                    os.write(fd, pkt)
                except OSError:             # DEV not up yet: dropped
                    pass


if __name__ == "__main__":
    main()
