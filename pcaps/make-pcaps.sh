#!/usr/bin/env bash
# make-pcaps.sh [OUTDIR] - regenerate porttop's reference captures.
#
# Every capture is real traffic from real programs (curl, python3 -m http.server,
# small python3 socket clients/servers) between two network namespaces made here:
#
#   ns pt-a (client)                              ns pt-b (server)
#   veth-a  10.99.0.1/24   fd00:99::1/64  <---->  veth-b  10.99.0.2/24   fd00:99::2/64
#   vlan-a  10.99.100.1/24 (802.1Q id 100) <---->  vlan-b  10.99.100.2/24 (802.1Q id 100)
#
# Nothing touches any other interface or the internet. Captures go to OUTDIR
# (default: the directory of this script); see README.md there for what each
# holds. Timestamps, ports, sequence numbers and packet counts may differ a
# little from run to run; the committed files are the reference.
# Must run as root. Namespaces, processes and mounts are removed on exit.
# ONLY="12 13" regenerates only those scenarios (numbers as echoed below).
set -euo pipefail

[[ $EUID -eq 0 ]] || { echo "make-pcaps.sh: must run as root" >&2; exit 1; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "${1:-$HERE}"
OUT=$(cd "${1:-$HERE}" && pwd)

# --- tool dependencies (installed from Debian only when missing) -------------
missing=()
for dep in ip:iproute2 ss:iproute2 tc:iproute2 tcpdump:tcpdump dumpcap:wireshark-common \
           mergecap:wireshark-common \
           curl:curl ethtool:ethtool nft:nftables python3:python3 nmap:nmap ping:iputils-ping; do
  command -v "${dep%%:*}" >/dev/null || missing+=("${dep#*:}")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

NA=${PT_NS_A:-pt-a} NB=${PT_NS_B:-pt-b}   # client and server namespaces
                                         # (other names when others use those)
A4=10.99.0.1 B4=10.99.0.2 A6=fd00:99::1 B6=fd00:99::2
AV=10.99.100.1 BV=10.99.100.2            # addresses on the VLAN 100 link
WORK=$(mktemp -d /tmp/make-pcaps.XXXXXX)
PIDS=()                                  # background processes we started

cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for ns in "$NA" "$NB"; do               # anything left inside our namespaces
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid"; done
    ip netns del "$ns" 2>/dev/null
  done
  mountpoint -q "$WORK/bpffs" && umount "$WORK/bpffs"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

want() { [[ -z ${ONLY:-} || " $ONLY " == *" $1 "* ]]; }  # N: run scenario N?
ina() { ip netns exec "$NA" "$@"; }
inb() { ip netns exec "$NB" "$@"; }
bg() { local ns=$1; shift; ip netns exec "$ns" "$@" & PIDS+=($!); }  # NS CMD...: background, pid kept

# --- helper programs ---------------------------------------------------------
# udp.py serve PORT: dual-stack UDP server on [::]:PORT; echoes datagrams of up
#   to 512 bytes, answers bigger ones with a short "got N bytes".
# udp.py send HOST PORT COUNT SIZE: sends COUNT datagrams of SIZE bytes from one
#   connected socket, waiting up to 2 s for each reply (a closed port gives
#   ICMP port unreachable -> ECONNREFUSED).
cat >"$WORK/udp.py" <<'EOF'
import socket, sys
if sys.argv[1] == 'serve':
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(('::', int(sys.argv[2])))
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data if len(data) <= 512 else b'got %d bytes' % len(data), peer)
host, port, count, size = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.connect((host, port))
for i in range(count):
    s.send((b'porttop datagram %d ' % i).ljust(size, b'.'))
    try:
        print(f'udp {host}:{port} reply of {len(s.recv(65535))} bytes')
    except ConnectionRefusedError:
        print(f'udp {host}:{port} refused (ICMP port unreachable)')
    except socket.timeout:
        print(f'udp {host}:{port} no reply')
EOF

# vlanbpf.py DIR: loads two tiny eBPF tc programs through the bpf() syscall and
# pins them in the bpffs at DIR: "push" does bpf_skb_vlan_push(skb, 0x8100,
# 100), "pop" does bpf_skb_vlan_pop(skb). Needed because this kernel has no
# 802.1Q module (ip link ... type vlan fails); see scenario 6.
cat >"$WORK/vlanbpf.py" <<'EOF'
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
SYS_BPF = {'x86_64': 321, 'aarch64': 280}[os.uname().machine]
PROG_LOAD, OBJ_PIN, SCHED_CLS = 5, 6, 3
def insn(code, dst=0, imm=0):
    return struct.pack('<BBhi', code, dst, 0, imm)
MOV, CALL, EXIT = 0xb7, 0x85, 0x95                         # r_dst = imm; call; exit
PROGS = {'push': insn(MOV, 2, 0x0081) + insn(MOV, 3, 100) + insn(CALL, 0, 18),
         'pop': insn(CALL, 0, 19)}
def bpf(cmd, attr):
    r = libc.syscall(SYS_BPF, cmd, attr, len(attr))
    if r < 0: raise OSError(ctypes.get_errno(), 'bpf(%d) failed' % cmd)
    return r
keep = []
for name, body in PROGS.items():
    code = ctypes.create_string_buffer(body + insn(MOV, 0, 0) + insn(EXIT))  # return TC_ACT_OK
    lic = ctypes.create_string_buffer(b'GPL'); keep += [code, lic]
    attr = ctypes.create_string_buffer(128)
    struct.pack_into('<IIQQ', attr, 0, SCHED_CLS, (len(code) - 1) // 8,
                     ctypes.addressof(code), ctypes.addressof(lic))
    fd = bpf(PROG_LOAD, attr)
    path = ctypes.create_string_buffer(os.path.join(sys.argv[1], name).encode())
    attr = ctypes.create_string_buffer(128)
    struct.pack_into('<QI', attr, 0, ctypes.addressof(path), fd)
    bpf(OBJ_PIN, attr)
EOF

mkdir -p "$WORK/www"                     # files served by http.server
for i in $(seq 1 3); do echo "porttop test file, line $i"; done >"$WORK/www/hello.txt"
for i in $(seq 1 100); do printf 'porttop data line %03d .........................\n' "$i"; done \
  >"$WORK/www/data.bin"                  # 4800 bytes: several full-size segments

# --- namespaces and links ----------------------------------------------------
for ns in "$NA" "$NB"; do ip netns del "$ns" 2>/dev/null || true; done  # stale run
for ns in "$NA" "$NB"; do
  ip netns add "$ns"
  # no IPv6 duplicate address detection and no router solicitations: IPv6 is
  # usable at once and the links stay quiet between scenarios
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
    net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.default.router_solicitations=0
  ip -n "$ns" link set lo up
done
ip -n "$NA" link add veth-a address 02:00:00:99:00:01 type veth \
  peer name veth-b address 02:00:00:99:00:02 netns "$NB"
ip -n "$NA" link add vlan-a address 02:00:00:99:64:01 type veth \
  peer name vlan-b address 02:00:00:99:64:02 netns "$NB"
ip -n "$NA" addr add "$A4/24" dev veth-a
ip -n "$NA" addr add "$A6/64" dev veth-a nodad
ip -n "$NB" addr add "$B4/24" dev veth-b
ip -n "$NB" addr add "$B6/64" dev veth-b nodad
ip -n "$NA" addr add "$AV/24" dev vlan-a
ip -n "$NB" addr add "$BV/24" dev vlan-b
# real checksums and real segment sizes on the wire: no offloads (lo keeps its
# fixed checksum offload, so TCP checksums in lo-nano.pcap are not filled in)
for spec in "$NA:veth-a" "$NA:vlan-a" "$NA:lo" "$NB:veth-b" "$NB:vlan-b"; do
  ip netns exec "${spec%%:*}" ethtool -K "${spec#*:}" tx off rx off tso off gso off \
    gro off >/dev/null 2>&1 || true
  ip netns exec "${spec%%:*}" ethtool -K "${spec#*:}" rxvlan off txvlan off >/dev/null 2>&1 || true
  ip -n "${spec%%:*}" link set "${spec#*:}" up
done
# 802.1Q on vlan-a/vlan-b: tc pushes tag 100 on egress and pops it on ingress,
# so the frames between the two ends carry the tag (what a vlan subinterface
# on a veth would do). The bpffs is only needed until the filters hold the programs.
mkdir "$WORK/bpffs" && mount -t bpf bpf "$WORK/bpffs"
python3 "$WORK/vlanbpf.py" "$WORK/bpffs"
for spec in "$NA:vlan-a" "$NB:vlan-b"; do
  tc -n "${spec%%:*}" qdisc add dev "${spec#*:}" clsact
  tc -n "${spec%%:*}" filter add dev "${spec#*:}" egress bpf da pinned "$WORK/bpffs/push"
  tc -n "${spec%%:*}" filter add dev "${spec#*:}" ingress bpf da pinned "$WORK/bpffs/pop"
done
umount "$WORK/bpffs"

# --- servers in pt-b (dual-stack, also reachable over the VLAN link) --------
wait_listen() {  # NS tcp|udp PORT: wait until something listens there
  local i
  for i in $(seq 50); do
    ip netns exec "$1" ss -Hln --"$2" "sport = :$3" | grep -q . && return 0
    sleep 0.1
  done
  echo "nothing listens on $2 port $3 in $1" >&2; return 1
}
bg "$NB" python3 -m http.server 8080 --bind :: --directory "$WORK/www" >"$WORK/http-b.log" 2>&1
bg "$NB" python3 "$WORK/udp.py" serve 9999
wait_listen "$NB" tcp 8080
wait_listen "$NB" udp 9999
sleep 2          # let the link-up chatter (IPv6 MLD reports) pass before capturing

# --- capture helpers ---------------------------------------------------------
CAP=
start_capture() {  # FILE NS COMMAND...: start a capturer writing OUTDIR/FILE
  local file=$1 ns=$2 i; shift 2
  CAPLOG="$WORK/$file.log" CAPFILE="$OUT/$file"
  if [[ -z ${KEEP_NEIGH:-} ]]; then      # forget neighbours: ARP/ND in each capture
    ip -n "$NA" neigh flush all; ip -n "$NB" neigh flush all
  fi
  rm -f "$CAPFILE"
  ip netns exec "$ns" "$@" -w "$CAPFILE" 2>"$CAPLOG" &
  CAP=$!; PIDS+=("$CAP")
  for i in $(seq 50); do                 # ready once it says so on stderr
    if grep -qE 'listening on|Capturing on|attribution:' "$CAPLOG"; then sleep 0.3; return 0; fi
    sleep 0.1
  done
  echo "capture for $file did not start:" >&2; cat "$CAPLOG" >&2; return 1
}
stop_capture() {   # let the last packets arrive, then SIGINT and wait
  sleep 1
  kill -INT "$CAP"; wait "$CAP" || true
  chmod 644 "$CAPFILE"                   # dumpcap creates its files 0600
  echo "  -> $(grep -E 'packets? captured' "$CAPLOG" || tail -n1 "$CAPLOG")"
}
TCPDUMP=(tcpdump -n -U --immediate-mode -Z root -s 262144)
curl_get() { ina curl -sS --max-time 5 -o /dev/null -w "curl %{url_effective} -> %{http_code}, %{size_download} bytes\n" "$@"; }
udp_send() { ina python3 "$WORK/udp.py" send "$@"; }

# --- scenarios -----------------------------------------------------------------

if want 1; then
  echo "1. tcp-http-curl.pcap: two HTTP GETs, two TCP connections"
  start_capture tcp-http-curl.pcap "$NA" "${TCPDUMP[@]}" -i veth-a
  curl_get "http://$B4:8080/hello.txt"
  curl_get "http://$B4:8080/hello.txt"
  stop_capture
fi

if want 2; then
  echo "2. tcp-refused.pcap: connects to two closed TCP ports (SYN -> RST)"
  start_capture tcp-refused.pcap "$NA" "${TCPDUMP[@]}" -i veth-a
  curl_get "http://$B4:8081/" || true
  curl_get "http://$B4:8082/" || true
  stop_capture
fi

if want 3; then
  echo "3. udp-echo-unreach.pcap: 3 echoed datagrams, 1 to a closed port"
  start_capture udp-echo-unreach.pcap "$NA" "${TCPDUMP[@]}" -i veth-a
  udp_send "$B4" 9999 3 32
  udp_send "$B4" 9998 1 32
  stop_capture
fi

if want 4; then
  echo "4. ipv6-tcp-udp.pcap: scenario 1+3 over IPv6"
  start_capture ipv6-tcp-udp.pcap "$NA" "${TCPDUMP[@]}" -i veth-a
  curl_get -6 "http://[$B6]:8080/hello.txt"
  udp_send "$B6" 9999 3 32
  udp_send "$B6" 9998 1 32
  stop_capture
fi

if want 5; then
  echo "5. frag-udp.pcap: 4000-byte UDP datagrams over a 1500 MTU, IPv4 and IPv6"
  start_capture frag-udp.pcap "$NA" "${TCPDUMP[@]}" -i veth-a
  udp_send "$B4" 9999 2 4000
  udp_send "$B6" 9999 2 4000
  stop_capture
fi

if want 6; then
  echo "6. vlan-tcp.pcap: HTTP GET over the 802.1Q VLAN 100 link"
  start_capture vlan-tcp.pcap "$NA" "${TCPDUMP[@]}" -i vlan-a
  curl_get "http://$BV:8080/hello.txt"
  stop_capture
fi

if want 7; then
  for sll in any-sll:LINUX_SLL any-sll2:LINUX_SLL2; do
    echo "7. ${sll%%:*}.pcap: tcpdump -i any -y ${sll#*:}, one TCP and one UDP exchange"
    start_capture "${sll%%:*}.pcap" "$NA" "${TCPDUMP[@]}" -i any -y "${sll#*:}"
    curl_get "http://$B4:8080/hello.txt"
    udp_send "$B4" 9999 2 32
    stop_capture
  done
fi

if want 8; then
  echo "8. lo-nano.pcap: HTTP GET on 127.0.0.1 inside pt-a, nanosecond timestamps"
  bg "$NA" python3 -m http.server 8081 --bind 127.0.0.1 --directory "$WORK/www" >"$WORK/http-a.log" 2>&1
  LOSRV=$!
  wait_listen "$NA" tcp 8081
  start_capture lo-nano.pcap "$NA" "${TCPDUMP[@]}" -i lo --time-stamp-precision=nano
  curl_get "http://127.0.0.1:8081/hello.txt"
  stop_capture
  kill "$LOSRV"; wait "$LOSRV" 2>/dev/null || true
fi

if want 9; then
  echo "9. dumpcap.pcapng: dumpcap (pcapng), one TCP and one UDP exchange"
  start_capture dumpcap.pcapng "$NA" dumpcap -n -i veth-a -s 262144
  curl_get "http://$B4:8080/hello.txt"
  udp_send "$B4" 9999 2 32
  stop_capture
fi

if want 10; then
  echo "10. snaplen-64.pcap: HTTP GET of 4800 bytes, 64-byte snaplen"
  ina ping -c 1 -q "$B4" >/dev/null        # resolve ARP first: no ARP frame (< 64 bytes)
  KEEP_NEIGH=1 start_capture snaplen-64.pcap "$NA" tcpdump -n -U --immediate-mode -Z root -s 64 -i veth-a
  curl_get "http://$B4:8080/data.bin"
  stop_capture
fi

if want 11; then
  echo "11. syn-timeout.pcap: SYNs to a port that silently drops them"
  inb nft add table inet f
  inb nft add chain inet f in '{ type filter hook input priority 0; }'
  inb nft add rule inet f in tcp dport 7777 drop
  start_capture syn-timeout.pcap "$NA" "${TCPDUMP[@]}" -i veth-a
  ina curl -sS --connect-timeout 8 -o /dev/null "http://$B4:7777/" || true
  stop_capture
  inb nft delete table inet f
fi



if want 12; then
  echo "12. attrib-lo.pcapng: porttop -w with eBPF attribution on lo in pt-a:"
  echo "    HTTP GETs (IPv4, IPv6), UDP echo, a refused connect; process comments"
  # porttop is the capturer: each packet carries its processes as comments.
  # The programs say their pids, which the comments must name (README.md).
  bg "$NA" python3 -m http.server 8081 --bind :: --directory "$WORK/www" >"$WORK/http-a.log" 2>&1
  LOSRV=$!
  bg "$NA" python3 "$WORK/udp.py" serve 9997
  LOUDP=$!
  wait_listen "$NA" tcp 8081
  wait_listen "$NA" udp 9997
  echo "    servers: python3 http.server pid $LOSRV, python3 udp.py pid $LOUDP"
  start_capture attrib-lo.pcapng "$NA" sh -c 'exec "$@" >/dev/null' sh \
    "$HERE/../porttop" -i lo --attrib bpf --report procs
  for url in http://127.0.0.1:8081/hello.txt "http://[::1]:8081/hello.txt" \
             http://127.0.0.1:8082/; do
    ina sh -c 'echo "    curl pid $$: $0"; exec curl -sS --max-time 5 -o /dev/null "$0"' "$url" || true
  done
  ina sh -c 'echo "    udp.py send pid $$"; exec python3 "$0" send 127.0.0.1 9997 2 32' "$WORK/udp.py"
  stop_capture
  kill "$LOSRV" "$LOUDP"; wait "$LOSRV" "$LOUDP" 2>/dev/null || true
fi

if want 13; then
  echo "13. nmap-scans.pcap: nmap SYN scans from pt-a: ports 1-100 and 8080 of"
  echo "    10.99.0.2 (vertical), then port 22 of 30 more addresses of pt-b (horizontal)"
  for i in $(seq 100 129); do ip -n "$NB" addr add "10.99.0.$i/24" dev veth-b; done
  start_capture nmap-scans.pcap "$NA" "${TCPDUMP[@]}" -i veth-a
  ina nmap -n -Pn -sS --max-retries 0 -p 1-100,8080 "$B4" | grep -E '^(8080|Nmap done)' || true
  ina nmap -n -Pn -sS --max-retries 0 -p 22 10.99.0.100-129 | grep -E '^Nmap done' || true
  stop_capture
  for i in $(seq 100 129); do ip -n "$NB" addr del "10.99.0.$i/24" dev veth-b; done
fi

if want 14; then
  echo "14. retrans.pcap: HTTP GET of 200,000 bytes while pt-a's input drops"
  echo "    one in five of the server's segments at random (after the capture)"
  head -c 200000 /dev/zero | tr '\0' 'x' >"$WORK/www/big.bin"
  ina nft add table inet f
  ina nft add chain inet f in '{ type filter hook input priority 0; }'
  ina nft add rule inet f in tcp sport 8080 numgen random mod 5 == 0 drop
  start_capture retrans.pcap "$NA" "${TCPDUMP[@]}" -s 128 -i veth-a
  curl_get --max-time 30 "http://$B4:8080/big.bin"
  stop_capture
  ina nft delete table inet f
fi

# --- tunnels (scenarios 15-21) ------------------------------------------------
# This kernel builds VXLAN devices (scenario 15) but has no GRE, IP-in-IP,
# SIT, Geneve or L2TP drivers: the other tunnels are run by tunrelay.py, a
# tunnel endpoint in user space over a TUN or TAP device, on each side
# (its header explains each mode).  The packets through them are real
# (ping, curl, udp.py); only the encapsulation is the relay's.  Every
# tunnel has its own inner subnet, 10.90.N.0/24 or fd90:N::/64, and the
# servers of pt-b answer on them too.  Captured on the underlay, veth-a.
RELAYS=()
tun_up() {  # NS DEV ADDR/LEN: address a tunnel device once it exists
  local i
  for i in $(seq 50); do ip -n "$1" link show "$2" >/dev/null 2>&1 && break; sleep 0.1; done
  ip -n "$1" link set "$2" addrgenmode none 2>/dev/null || true   # no IPv6 chatter
  ip -n "$1" addr add "$3" dev "$2"
  ip -n "$1" link set "$2" up mtu 1400
}
relay() {   # MODE DEV N LOCAL_A LOCAL_B [L2]: both ends, inner .1 / .2 of subnet N
  local mode=$1 dev=$2 n=$3 la=$4 lb=$5 xa=() xb=()
  if [[ ${6:-} == l2 ]]; then xa=(veth-a 02:00:00:99:00:02) xb=(veth-b 02:00:00:99:00:01); fi
  ip netns exec "$NA" python3 "$HERE/tunrelay.py" "$mode" "$dev" "$la" "$lb" "${xa[@]}" >/dev/null 2>&1 &
  RELAYS+=($!); PIDS+=($!)
  ip netns exec "$NB" python3 "$HERE/tunrelay.py" "$mode" "$dev" "$lb" "$la" "${xb[@]}" >/dev/null 2>&1 &
  RELAYS+=($!); PIDS+=($!)
  case $n in
  fd*) tun_up "$NA" "$dev" "$n::1/64"; tun_up "$NB" "$dev" "$n::2/64" ;;
  *)   tun_up "$NA" "$dev" "10.90.$n.1/24"; tun_up "$NB" "$dev" "10.90.$n.2/24" ;;
  esac
}
relays_down() {
  kill "${RELAYS[@]}" 2>/dev/null; wait "${RELAYS[@]}" 2>/dev/null || true
  RELAYS=()
}
vxlan_dev() {  # DEV VNI LOCAL_A LOCAL_B UNDER_A UNDER_B SUBNET MTU: the kernel's VXLAN, both
  # ends, MAC addresses 02:00:00:<third byte of SUBNET>:00:01 and :02
  local dev=$1 vni=$2 la=$3 lb=$4 ua=$5 ub=$6 net=$7 mtu=$8 ns m
  m=${net#*.}; m=${m%.*}
  ip -n "$NA" link add "$dev" address "02:00:00:$m:00:01" type vxlan id "$vni" local "$la" \
    remote "$lb" dstport 4789 dev "$ua"
  ip -n "$NB" link add "$dev" address "02:00:00:$m:00:02" type vxlan id "$vni" local "$lb" \
    remote "$la" dstport 4789 dev "$ub"
  ip -n "$NA" addr add "$net.1/24" dev "$dev"; ip -n "$NB" addr add "$net.2/24" dev "$dev"
  for ns in "$NA" "$NB"; do
    ip -n "$ns" link set "$dev" addrgenmode none; ip -n "$ns" link set "$dev" up mtu "$mtu"
  done
}
through() {  # HOST: a ping, an HTTP GET and two echoed datagrams through a tunnel
  local url=$1
  [[ $1 == *:* ]] && url="[$1]"
  ina ping -n -q -c 1 -W 2 "$1" >/dev/null || echo "    ping $1 failed"
  curl_get -g "http://$url:8080/hello.txt"
  udp_send "$1" 9999 2 32
}

if want 15; then
  echo "15. tun-vxlan.pcap: the kernel's VXLAN (VNI 42, UDP 4789) between pt-a and pt-b"
  vxlan_dev vx0 42 "$A4" "$B4" veth-a veth-b 10.91.0 1400
  start_capture tun-vxlan.pcap "$NA" "${TCPDUMP[@]}" -i veth-a
  through 10.91.0.2
  stop_capture
  ip -n "$NA" link del vx0; ip -n "$NB" link del vx0
fi

if want 16; then
  echo "16. tun-gre.pcap: GRE with key and sequence (IP), gretap (Ethernet), ip6gre (GRE over"
  echo "    IPv6, checksum), PPTP's enhanced GRE (PPP): tunrelay.py"
  relay gre t-gre 1 "$A4" "$B4"
  relay gretap t-gretap 2 "$A4" "$B4"
  relay ip6gre t-ip6gre 3 "$A6" "$B6"
  relay pptp t-pptp 4 "$A4" "$B4"
  start_capture tun-gre.pcap "$NA" "${TCPDUMP[@]}" -i veth-a
  for n in 1 2 3 4; do through "10.90.$n.2"; done
  stop_capture
  relays_down
fi

if want 17; then
  echo "17. tun-ipip.pcap: IPv4 in IPv4, IPv6 in IPv4 (sit), IPv4 in IPv6, IPv6 in IPv6: tunrelay.py"
  relay ipip t-ipip 5 "$A4" "$B4"
  relay sit t-sit fd90:6 "$A4" "$B4"
  relay 4in6 t-4in6 7 "$A6" "$B6"
  relay 6in6 t-6in6 fd90:8 "$A6" "$B6"
  start_capture tun-ipip.pcap "$NA" "${TCPDUMP[@]}" -i veth-a
  for h in 10.90.5.2 fd90:6::2 10.90.7.2 fd90:8::2; do through "$h"; done
  stop_capture
  relays_down
fi

if want 18; then
  echo "18. tun-udp.pcap: Geneve (Ethernet, an option), GTP-U (a PDU session container),"
  echo "    Teredo (origin indications, a bubble), AYIYA over IPv6: tunrelay.py"
  relay geneve t-geneve 9 "$A4" "$B4"
  relay gtpu t-gtpu 10 "$A4" "$B4"
  relay teredo t-teredo fd90:11 "$A4" "$B4"
  relay ayiya t-ayiya fd90:12 "$A6" "$B6"
  start_capture tun-udp.pcap "$NA" "${TCPDUMP[@]}" -i veth-a
  for h in 10.90.9.2 10.90.10.2 fd90:11::2 fd90:12::2; do through "$h"; done
  stop_capture
  relays_down
fi

if want 19; then
  echo "19. tun-erspan.pcap: an HTTP GET over a third veth pair (mir-a/mir-b) mirrored by"
  echo "    pt-a to pt-b as ERSPAN type II, then type III (platform subheader): tunrelay.py"
  ip -n "$NA" link add mir-a address 02:00:00:99:c8:01 type veth peer name mir-b \
    address 02:00:00:99:c8:02 netns "$NB"
  ip -n "$NA" addr add 10.99.200.1/24 dev mir-a; ip -n "$NB" addr add 10.99.200.2/24 dev mir-b
  for spec in "$NA:mir-a" "$NB:mir-b"; do
    ip netns exec "${spec%%:*}" ethtool -K "${spec#*:}" tx off rx off tso off gso off \
      gro off >/dev/null 2>&1 || true
    ip -n "${spec%%:*}" link set "${spec#*:}" addrgenmode none
    ip -n "${spec%%:*}" link set "${spec#*:}" up
  done
  ip netns exec "$NB" python3 "$HERE/tunrelay.py" sink - "$B4" - >/dev/null 2>&1 &
  RELAYS+=($!); PIDS+=($!)
  start_capture tun-erspan.pcap "$NA" "${TCPDUMP[@]}" -i veth-a
  for v in erspan2 erspan3; do
    ip netns exec "$NA" python3 "$HERE/tunrelay.py" $v - "$A4" "$B4" mir-a >/dev/null 2>&1 &
    m=$!; PIDS+=($m); sleep 1
    curl_get "http://10.99.200.2:8080/hello.txt"
    sleep 0.5; kill $m; wait $m 2>/dev/null || true
  done
  stop_capture
  relays_down
  ip -n "$NA" link del mir-a
fi

if want 20; then
  echo "20. tun-l2.pcap: IP under MPLS labels, Ethernet over MPLS (control word), PPPoE,"
  echo "    802.1ah PBB, VN-Tag, each straight on veth-a: tunrelay.py"
  relay mpls t-mpls 13 a b l2
  relay eompls t-eompls 14 a b l2
  relay pppoe t-pppoe 15 a b l2
  relay pbb t-pbb 16 a b l2
  relay vntag t-vntag 17 a b l2
  start_capture tun-l2.pcap "$NA" "${TCPDUMP[@]}" -i veth-a
  for n in 13 14 15 16 17; do through "10.90.$n.2"; done
  stop_capture
  relays_down
fi

if want 21; then
  echo "21. tun-nested.pcap: the kernel's VXLAN (VNI 43) inside the GRE tunnel of tunrelay.py"
  relay gre t-gre 1 "$A4" "$B4"
  vxlan_dev vx1 43 10.90.1.1 10.90.1.2 t-gre t-gre 10.92.0 1300
  start_capture tun-nested.pcap "$NA" "${TCPDUMP[@]}" -i veth-a
  through 10.92.0.2
  stop_capture
  ip -n "$NA" link del vx1; ip -n "$NB" link del vx1
  relays_down
fi

if want 22; then
  echo "22. mixed-links.pcapng: one pcapng of four interfaces of three link types and two"
  echo "    snapshot lengths (what dumpcap writes for -i eth0 -i wlan0), by mergecap from"
  echo "    tun-vxlan.pcap, any-sll2.pcap, snaplen-64.pcap and tcp-refused.pcap with its"
  echo "    frames made IEEE 802.3br express mPackets (DLT_ETHERNET_MPACKET, 274)"
  # the mPacket form: 7 preamble bytes, SMD-E (0xd5), the frame, a 4-byte mCRC
  python3 - "$OUT/tcp-refused.pcap" "$WORK/mpacket.pcap" <<'PYEOF'
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
out = [struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 274)]
off = 24
while off + 16 <= len(d):
    sec, usec, incl, orig = struct.unpack('<IIII', d[off:off + 16])
    frame = d[off + 16:off + 16 + incl]
    m = b'\x55' * 7 + b'\xd5' + frame + struct.pack('<I', zlib.crc32(frame))
    out.append(struct.pack('<IIII', sec, usec, len(m), orig + 12) + m)
    off += 16 + incl
open(sys.argv[2], 'wb').write(b''.join(out))
PYEOF
  mergecap -F pcapng -w "$OUT/mixed-links.pcapng" "$OUT/tun-vxlan.pcap" "$OUT/any-sll2.pcap" \
    "$OUT/snaplen-64.pcap" "$WORK/mpacket.pcap"
  chmod 644 "$OUT/mixed-links.pcapng"
fi

# tshark's conversations (every layer) of the tunnel captures: the oracle the
# tshark check compares porttop's flows inside tunnels with
# (tests/oracle/check_tshark.py)
if command -v tshark >/dev/null; then
  for f in "$OUT"/tun-*.pcap; do
    [[ -f $f ]] && tshark -n -r "$f" -q -z conv,tcp -z conv,udp >"$f.conv.txt" 2>/dev/null
  done
fi

echo "done; captures in $OUT"
if command -v capinfos >/dev/null; then
  (cd "$OUT" && capinfos -T -t -E -c -r tcp-http-curl.pcap tcp-refused.pcap udp-echo-unreach.pcap \
    ipv6-tcp-udp.pcap frag-udp.pcap vlan-tcp.pcap any-sll.pcap any-sll2.pcap lo-nano.pcap \
    dumpcap.pcapng snaplen-64.pcap syn-timeout.pcap attrib-lo.pcapng nmap-scans.pcap \
    retrans.pcap tun-vxlan.pcap tun-gre.pcap tun-ipip.pcap tun-udp.pcap tun-erspan.pcap \
    tun-l2.pcap tun-nested.pcap mixed-links.pcapng)
fi
