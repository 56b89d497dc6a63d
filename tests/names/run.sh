#!/bin/bash
# tests/names/run.sh - names people think in (issue 17), against real
# processes, real servers and tshark.  Needs root (network namespaces,
# a cgroup); checks SKIP otherwise.  One line per check (tests/run.sh).
#
#   names-unit-live      a web server in a systemd-style unit cgroup made
#                        here (cgroup v2): porttop -i lo names resp_unit
#   names-pcapng-read    the same run's -w pcapng, read back with -r: the
#                        unit comes from the flow comments
#   names-passive-live   dnsmasq answers web.test, curl sends a Host,
#                        openssl s_client a server_name, all on loopback:
#                        the names porttop gives live, and from its own -w
#                        capture, agree with tshark's (agree.py)
#   names-shared         the shared captures with DNS, TLS, QUIC and HTTP
#                        (ndpi-netflix, ndpi-sites, suricata-tls-
#                        subjectaltname, ndpi-alexa-app, tcpdump-quic_
#                        handshake, zeek-quic-quic_win11_firefox_google)
#                        agree with tshark
#   names-quic-cut       the shared QUIC captures cut to 256 bytes (the
#                        default snaplen): no name, resp_name_miss cut and
#                        the summary's hint (live: no -s); cut to 1500: named
#   names-quic-live      live, the default snaplen: a real client Initial
#                        (the first packet of zeek-quic-quic_win11_firefox_
#                        google, replayed by tcpreplay onto lo) is named as
#                        tshark names it, and kept whole in -w files of lo
#                        and of any (cooked), while 1,400-byte UDP datagrams
#                        that are not Initials (another port, a short
#                        header to 443, RTP) keep 256 bytes; with -s 256
#                        the Initial is cut too (resp_name_miss cut)
#   names-podman         a busybox httpd in a podman container (runc, an
#                        image imported from busybox-static): its name and
#                        image in the flows, and those of a client
#                        container started during the run whose nc has
#                        exited before porttop learns of it; SKIP with
#                        the reason when podman cannot run a container here
#   names-runtime-hangs  the same container, the API socket one that
#                        accepts and never answers: no names, the reason
#                        `timeout`, every packet still counted
#   names-runtime-missing  no socket at all: the reason `noruntime`
#   names-runtime-none   --runtime none: the reason `off`
#   names-batch-containers  --batch --view containers --format json beside
#                        the names-podman run: the server container's row
#                        (its name, image, processes) counts the packets
#                        the flows report gives its httpd
#   names-events         containers that start, make one request and are
#                        removed (podman run --rm, about a second each)
#                        while porttop --runtime podman=SOCK runs: each
#                        one whose id porttop learnt is named (from the
#                        /events stream: the lists no longer have it)
#   names-events-only    the same, the runtime socket a proxy whose lists
#                        are empty (tests/names/emptylists.py): only the
#                        event stream can name them
#   names-cri-*          tests/names/cri.sh: a pod in a real containerd,
#                        named by its CRI socket (run from here)
set -u
cd "$(dirname "$0")/../.."
SUITE=names
CHECKS=(names-unit-live names-pcapng-read names-passive-live names-shared
	names-quic-cut names-quic-live
	names-podman names-runtime-hangs names-runtime-missing
	names-runtime-none names-batch-containers names-events names-events-only
	names-cri-flows names-cri-ports names-cri-procs names-cri-missing)
tmp=$(mktemp -d)
NSLIST=()
failed=0
. tests/lib/ns.sh
NS_ENTER=nsenter	# the host's cgroup2 mount stays visible
CG=""
PODMAN_CTRS=() PODMAN_IMG=""	# what we made
cleanup() {
	local i
	for i in "${PODMAN_CTRS[@]}"; do podman rm -f "$i" > /dev/null 2>&1; done
	[ -n "$PODMAN_IMG" ] && podman rmi "$PODMAN_IMG" > /dev/null 2>&1
	ns_cleanup	# our processes first: a cgroup with one cannot go
	[ -n "$CG" ] && rmdir "$CG" "$(dirname "$CG")" 2>/dev/null
}
trap cleanup EXIT
need_root_porttop "namespaces and cgroups"
SHARED=${SHARED:-../shared}
export PORTTOP

NS=ptnames$$
why=$(ns_lo "$NS") || skip_all "$why"
NSLIST+=("$NS")
inns() { nsenter --net="/run/netns/$NS" -- "$@"; }
until_tcp() {	# PORT: until something listens on it in $NS (5 s at most)
	for _ in $(seq 250); do
		inns ss -Hlnt "sport = :$1" | grep -q . && return 0
		sleep 0.02
	done
}

# fields FILE KEY...: "key=value" of each flow whose values are not null
fields() {
	local f=$1
	shift
	python3 - "$f" "$@" <<'EOF'
import json, sys
for l in open(sys.argv[1]):
    j = json.loads(l)
    print(" ".join("%s=%s" % (k, j.get(k)) for k in sys.argv[2:]))
EOF
}

# live NAME SECONDS CMD...: porttop -i lo in the namespace for SECONDS,
# -w $tmp/NAME.pcapng, flows as JSON in $tmp/NAME.out, while CMD runs
live() {
	local name=$1 secs=$2
	shift 2
	bgrun "$name" "$NS" "$PORTTOP" -i lo --duration "$secs" --format json \
		-w "$tmp/$name.pcapng" -q ${SNAPLEN:+-s "$SNAPLEN"} \
		${RUNTIME:+--runtime "$RUNTIME"}
	local pid=$BGPID
	porttop_ready "$pid" || { echo "porttop did not start"; return 1; }
	"$@"
	wait_exit "$pid" $((secs + 5))
}

# ---- a unit: a cgroup of our own, named like systemd's -------------------
unit_traffic() {
	inns curl -s -o /dev/null http://127.0.0.1:8080/ &&
	inns curl -s -o /dev/null http://127.0.0.1:8080/
}
check_unit() {
	local unit=pt-web-$$.service
	CG=/sys/fs/cgroup/unified/porttop-names.slice/$unit
	[ -d /sys/fs/cgroup/unified ] || CG=/sys/fs/cgroup/porttop-names.slice/$unit
	if ! mkdir -p "$CG" 2>"$tmp/cg.err"; then
		skip names-unit-live "cannot make a cgroup: $(cat "$tmp/cg.err")"
		skip names-pcapng-read "no unit to record"
		CG=""
		return
	fi
	bgrun web "$NS" sh -c "echo \$\$ > $CG/cgroup.procs && exec python3 -m http.server 8080 --bind 127.0.0.1"
	until_tcp 8080
	live unit 3 unit_traffic
	fields "$tmp/unit.out" resp_p resp_comm resp_unit resp_container \
		resp_container_miss > "$tmp/unit.f"
	if grep -q "resp_p=8080 resp_comm=python3 resp_unit=$unit resp_container=None resp_container_miss=None" "$tmp/unit.f"; then
		ok names-unit-live "resp_unit=$unit"
	else
		fail names-unit-live "no flow to port 8080 names $unit" "$tmp/unit.f" "$tmp/unit.err"
	fi
	"$PORTTOP" -q -r "$tmp/unit.pcapng" --format json > "$tmp/unitr.out" 2>"$tmp/unitr.err"
	fields "$tmp/unitr.out" resp_p resp_comm resp_unit > "$tmp/unitr.f"
	if grep -q "resp_p=8080 resp_comm=python3 resp_unit=$unit" "$tmp/unitr.f" &&
	   [ "$(grep -c . "$tmp/unitr.f")" = "$(grep -c . "$tmp/unit.f")" ]; then
		ok names-pcapng-read "the -w file's comments name $unit"
	else
		fail names-pcapng-read "-r of the -w file lost the unit" "$tmp/unitr.f" "$tmp/unitr.err"
	fi
}

# ---- passive names: DNS, HTTP Host, TLS server_name on loopback ----------
passive_traffic() {
	inns dig +short +tries=1 +time=2 @127.0.0.1 web.test > "$tmp/dig.out"
	inns curl -s -o /dev/null http://127.0.0.2:8082/	# named by DNS
	inns curl -s -o /dev/null -H "Host: host.test:8082" http://127.0.0.1:8082/
	echo | inns timeout 3 openssl s_client -connect 127.0.0.1:4433 \
		-servername sni.test > /dev/null 2>&1
	sleep 0.3
}
check_passive() {
	local miss
	miss=$(need_tools dnsmasq:dnsmasq dig:bind9-dnsutils openssl:openssl tshark:tshark)
	[ -n "$miss" ] && { skip names-passive-live "missing $miss"; return; }
	inns ip addr add 127.0.0.2/8 dev lo 2>/dev/null
	bgrun dns "$NS" dnsmasq -k --no-resolv --no-hosts --listen-address=127.0.0.1 \
		--bind-interfaces --address=/web.test/127.0.0.2 --local-ttl=300 \
		--pid-file="$tmp/dnsmasq.pid"
	bgrun web2 "$NS" python3 -m http.server 8082 --bind 0.0.0.0
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/k.pem" -out "$tmp/c.pem" \
		-days 1 -subj /CN=sni.test > /dev/null 2>&1
	bgrun tls "$NS" openssl s_server -accept 4433 -cert "$tmp/c.pem" -key "$tmp/k.pem" -www -quiet
	until_tcp 8082
	until_tcp 4433
	SNAPLEN=65535 live passive 4 passive_traffic	# whole: for tshark
	fields "$tmp/passive.out" resp_h resp_p resp_name resp_name_source > "$tmp/passive.f"
	local want=("resp_h=127.0.0.2 resp_p=8082 resp_name=web.test resp_name_source=dns"
		    "resp_h=127.0.0.1 resp_p=8082 resp_name=host.test resp_name_source=http"
		    "resp_h=127.0.0.1 resp_p=4433 resp_name=sni.test resp_name_source=sni") w
	for w in "${want[@]}"; do
		grep -qF "$w" "$tmp/passive.f" || {
			fail names-passive-live "live: no flow with $w" "$tmp/passive.f" "$tmp/passive.err"
			return
		}
	done
	if python3 tests/names/agree.py -d tcp.port==4433,tls -d tcp.port==8082,http "$tmp/passive.pcapng" > "$tmp/agree.out" 2>&1; then
		ok names-passive-live "dns, http and sni names; tshark: $(sed -n 's/^[^:]*: //p' "$tmp/agree.out" | head -1)"
	else
		fail names-passive-live "the capture's names disagree with tshark" "$tmp/agree.out"
	fi
}

check_shared() {
	local p=$SHARED/pcaps f list=()
	for f in ndpi-netflix.pcap ndpi-sites.pcapng suricata-tls-subjectaltname-input.pcap \
		 ndpi-alexa-app.pcapng tcpdump-quic_handshake.pcap \
		 zeek-quic-quic_win11_firefox_google.pcap; do
		[ -f "$p/$f" ] && list+=("$p/$f")
	done
	[ ${#list[@]} -eq 0 ] && { skip names-shared "$p: no shared captures"; return; }
	command -v tshark >/dev/null || { skip names-shared "no tshark"; return; }
	if python3 tests/names/agree.py "${list[@]}" > "$tmp/shared.out" 2>&1; then
		ok names-shared "$(awk -F'porttop agrees on ' '{split($2, a, ";"); s += a[1]} END {print s}' "$tmp/shared.out") names agree with tshark in ${#list[@]} captures"
	else
		fail names-shared "names disagree with tshark" "$tmp/shared.out"
	fi
	cat "$tmp/shared.out" | sed 's/^/# /'
}

# ---- QUIC under a file's snaplen: 256 cuts every client Initial ---------
# The shared QUIC captures cut by editcap -s as a capture with that
# snaplen would be: at 256 (the default) the name is lost, said per flow
# (resp_name_miss cut) and in the summary with the hint; at 1500
# the flow is named as from the whole capture.
check_quic_cut() {
	local p=$SHARED/pcaps f s got=() bad=""
	command -v editcap >/dev/null || { skip names-quic-cut "no editcap"; return; }
	for f in tcpdump-quic_handshake.pcap zeek-quic-quic_win11_firefox_google.pcap; do
		[ -f "$p/$f" ] || continue
		for s in 256 1500; do
			editcap -s "$s" "$p/$f" "$tmp/q$s.pcap" > /dev/null 2>&1
			"$PORTTOP" -r "$tmp/q$s.pcap" --format json > "$tmp/q$s.out" 2> "$tmp/q$s.err"
		done
		"$PORTTOP" -r "$p/$f" --format json 2>/dev/null > "$tmp/qall.out"
		local want; want=$(fields "$tmp/qall.out" resp_name | sort -u)
		if [ "$(fields "$tmp/q256.out" resp_name resp_name_miss | sort -u)" = "resp_name=None resp_name_miss=cut" ] &&
		   grep -q "QUIC Initials\? cut by the snaplen: live, porttop keeps them whole without -s (or with -s 1536)" "$tmp/q256.err" &&
		   [ "$(fields "$tmp/q1500.out" resp_name | sort -u)" = "$want" ] &&
		   [ "$want" != "resp_name=None" ]; then
			got+=("$f: ${want#resp_name=}")
		else
			bad="$f"
			break
		fi
	done
	if [ -n "$bad" ]; then
		fail names-quic-cut "$bad: not cut at -s 256, or not named at -s 1500" "$tmp/q256.out" "$tmp/q256.err" "$tmp/q1500.out"
	elif [ ${#got[@]} -eq 0 ]; then
		skip names-quic-cut "$p: no shared QUIC captures"
	else
		ok names-quic-cut "at -s 256 miss cut and the hint, at -s 1500 named: ${got[*]}"
	fi
}

# ---- QUIC live: a snaplen per kind of packet (capture/cap_snap.c) ----------
quic_live_traffic() {
	inns tcpreplay -q -i lo "$tmp/initial.pcap" > /dev/null 2>&1
	inns python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"x" * 1400, ("127.0.0.1", 9999))		# not QUIC
s.sendto(b"\x40" + b"x" * 1399, ("127.0.0.1", 443))	# a short header
s.sendto(b"\x80" + b"x" * 1399, ("127.0.0.1", 5004))	# RTP version 2'
	sleep 0.3
}
# lens FILE: "wire/captured" of each UDP datagram (not ICMP's quotes)
lens() {
	tshark -r "$1" -Y 'udp && !icmp && !icmpv6' -T fields -e udp.srcport \
		-e udp.dstport -e frame.len -e frame.cap_len 2>/dev/null |
		awk '{ print $1 ">" $2 " " $3 "/" $4 }'
}
check_quic_live() {
	local f=$SHARED/pcaps/zeek-quic-quic_win11_firefox_google.pcap miss sni
	[ -f "$f" ] || { skip names-quic-live "no $f"; return; }
	miss=$(need_tools tcpreplay:tcpreplay tshark:tshark editcap:wireshark-common)
	[ -n "$miss" ] && { skip names-quic-live "missing $miss"; return; }
	editcap -r "$f" "$tmp/initial.pcap" 1 > /dev/null 2>&1
	sni=$(tshark -r "$tmp/initial.pcap" -T fields -e tls.handshake.extensions_server_name 2>/dev/null)
	[ -n "$sni" ] || { fail names-quic-live "tshark names no server in frame 1 of $f"; return; }
	bgrun qany "$NS" "$PORTTOP" -i any --duration 3 -q -w "$tmp/qany.pcap" --report flows
	local apid=$BGPID
	porttop_ready "$apid" || { fail names-quic-live "porttop -i any did not start" "$tmp/qany.err"; return; }
	live qlive 3 quic_live_traffic
	wait_exit "$apid" 5
	SNAPLEN=256 live qs256 3 quic_live_traffic
	fields "$tmp/qlive.out" resp_p resp_name resp_name_source | grep "^resp_p=443 resp_name=[^N]" > "$tmp/qlive.f"
	fields "$tmp/qs256.out" resp_h resp_name resp_name_miss | grep "^resp_h=4.3.2.1 " > "$tmp/qs256.f"
	lens "$tmp/qlive.pcapng" > "$tmp/qlive.len"
	lens "$tmp/qany.pcap" > "$tmp/qany.len"
	lens "$tmp/qs256.pcapng" > "$tmp/qs256.len"
	# the Initial whole (N/N), the three 1,400-byte datagrams, 43 bytes
	# more on the wire, cut to 256 (any: the header is SLL's or SLL2's)
	shape() {
		awk 'NR == 1 { split($2, a, "/"); n = a[1]; ok = $1 == "49369>443" && a[1] == a[2] }
		     NR > 1 { ok = ok && $2 == n + 43 "/256" && $1 ~ ">(9999|443|5004)$" }
		     END { exit !(ok && NR == 4) }' "$1"
	}
	if [ "$(cat "$tmp/qlive.f")" != "resp_p=443 resp_name=$sni resp_name_source=sni" ]; then
		fail names-quic-live "live, default snaplen: the Initial's flow is not named $sni" "$tmp/qlive.out" "$tmp/qlive.err"
	elif ! shape "$tmp/qlive.len" || [ "$(sed -n 1p "$tmp/qlive.len")" != "49369>443 1399/1399" ]; then
		fail names-quic-live "-i lo -w: want the Initial whole, the rest 256 bytes (wire/captured)" "$tmp/qlive.len"
	elif ! shape "$tmp/qany.len"; then
		fail names-quic-live "-i any -w: want the Initial whole, the rest 256 bytes (wire/captured)" "$tmp/qany.len" "$tmp/qany.err"
	elif [ "$(cat "$tmp/qs256.f")" != "resp_h=4.3.2.1 resp_name=None resp_name_miss=cut" ] ||
	     [ "$(sed -n 1p "$tmp/qs256.len")" != "49369>443 1399/256" ]; then
		fail names-quic-live "-s 256: the Initial should be cut" "$tmp/qs256.f" "$tmp/qs256.len"
	else
		ok names-quic-live "named $sni; wire/captured bytes: Initial $(sed -n '1s/.* //p' "$tmp/qlive.len") (any: $(sed -n '1s/.* //p' "$tmp/qany.len")), other UDP $(sed -n '2s/.* //p' "$tmp/qlive.len"); -s 256: cut"
	fi
}

# ---- podman: a container's name and image -----------------------------------
# The containers share our namespace (--network ns:), so porttop -i lo
# sees their traffic and sock_diag their sockets; the API socket is
# `podman system service`'s, given to porttop by $DOCKER_HOST.  runc must
# not raise rlimits here (a sandbox without CAP_SYS_RESOURCE): the
# containers get modest ones.
PODMAN_RUN=(podman --runtime runc run --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
podman_image() {	# IMG: busybox-static's rootfs, imported
	mkdir -p "$tmp/root/bin" "$tmp/root/www"
	cp /bin/busybox "$tmp/root/bin/" 2>/dev/null || return 1
	for a in sh httpd wget nc printf sleep; do ln -s busybox "$tmp/root/bin/$a"; done
	echo hello > "$tmp/root/www/index.html"
	tar -C "$tmp/root" -cf "$tmp/root.tar" . &&
	podman --runtime runc import "$tmp/root.tar" "$1" > /dev/null 2>&1 &&
	PODMAN_IMG=$1
}
podman_traffic() {
	sleep 0.5	# the runtime thread's first list
	inns curl -s -o /dev/null http://127.0.0.1:8081/
	# The client container's nc lives a few milliseconds (httpd answers
	# and closes), so porttop learns its owner after it has exited: the
	# container is then found by the cgroup id eBPF gave.  The container
	# itself stays until porttop ends, so its runtime knows it all along
	# and naming it right is the only truthful outcome.
	"${PODMAN_RUN[@]}" -d --network "ns:/run/netns/$NS" --replace --name "$CLI" \
		--cidfile "$tmp/client.cid" "$IMG" sh -c 'printf "GET / HTTP/1.0\r\n\r\n" |
			nc 127.0.0.1 8081 > /dev/null; sleep 60' > "$tmp/client.out" 2>&1
	sleep 1
}
skip_podman() {
	local c
	for c in names-podman names-runtime-hangs names-runtime-missing \
		 names-runtime-none names-batch-containers names-events \
		 names-events-only; do
		skip "$c" "$1"
	done
}
# client_verdict OUT ID NAME IMAGE: "ok ..." or "FAIL ..." for the flow
# of the client container (the later of the two to port 8081: the
# host's curl came first).  Truthful: its owner nc in container ID, named NAME with IMAGE,
# or (the runtime failing that request) ID with the reason timeout or
# error.  An owner not learnt at all (an eBPF event lost, then nc gone
# before sock_diag asked) is truthful too, and said.
client_verdict() {
	python3 - "$@" <<'EOF'
import json, sys
out, cid, name, image = sys.argv[1:5]
flows = sorted((j for j in map(json.loads, open(out)) if j.get("resp_p") == 8081),
               key=lambda j: j["ts"])
if len(flows) != 2:
    sys.exit(print("FAIL %d flows to port 8081, not 2" % len(flows)))
f = flows[1]
got = " ".join("%s=%s" % (k, f.get(k)) for k in ("orig_comm",
    "orig_container_id", "orig_container", "orig_image", "orig_container_miss"))
if f.get("orig_comm") is None and f.get("orig_container_id") is None:
    print("ok the client's owner was not learnt (said: %s)" % f.get("orig_why"))
elif f.get("orig_comm") != "nc" or f.get("orig_container_id") != cid:
    print("FAIL the client's owner is not nc in %s: %s" % (cid[:12], got))
elif f.get("orig_container") == name and f.get("orig_image") == image:
    print("ok the client container %s named too" % name)
elif f.get("orig_container") is None and f.get("orig_container_miss") in ("timeout", "error"):
    print("ok the client container by id, its runtime failing (%s)" % f["orig_container_miss"])
else:
    print("FAIL the client container misnamed: " + got)
EOF
}
check_podman() {
	command -v podman >/dev/null || { skip_podman "no podman"; return; }
	IMG=localhost/porttop-names-busybox:$$
	local ctr=pt-names-web-$$ sock=$tmp/podman.sock
	podman_image "$IMG" || { skip_podman "cannot import busybox-static's rootfs"; return; }
	if ! "${PODMAN_RUN[@]}" -d --network "ns:/run/netns/$NS" --replace --name "$ctr" "$IMG" \
		/bin/httpd -f -p 8081 -h /www > "$tmp/podman.out" 2>&1; then
		skip_podman "podman cannot run a container here: $(tail -1 "$tmp/podman.out")"
		return
	fi
	CLI=pt-names-client-$$
	PODMAN_CTRS+=("$ctr" "$CLI")
	bgrun podsvc "$NS" podman system service --time=0 "unix://$sock"
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
	bgrun batch "$NS" "$PORTTOP" -i lo --duration 12 --batch --view containers \
		--format json -q --runtime "podman=$sock"
	local bpid=$BGPID
	porttop_ready "$bpid" || echo "porttop --batch did not start" >> "$tmp/batch.err"
	DOCKER_HOST=unix://$sock live pod 12 podman_traffic
	wait_exit "$bpid" 10
	fields "$tmp/pod.out" orig_container orig_image resp_p resp_comm resp_container resp_image \
		> "$tmp/pod.f"
	"$PORTTOP" -q -r "$tmp/pod.pcapng" --report procs --format json > "$tmp/podp.out" 2>"$tmp/podp.err"
	fields "$tmp/podp.out" comm container image > "$tmp/podp.f"
	local srv="resp_p=8081 resp_comm=httpd resp_container=$ctr resp_image=$IMG" cli
	podman rm -f -t 0 "$CLI" > /dev/null 2>&1	# its part is over
	cli=$(client_verdict "$tmp/pod.out" "$(cat "$tmp/client.cid" 2>/dev/null)" "$CLI" "$IMG")
	if grep -qF "orig_container=None orig_image=None $srv" "$tmp/pod.f" &&
	   [ "$(grep -cF "$srv" "$tmp/pod.f")" -eq 2 ] &&
	   grep -qF "comm=httpd container=$ctr image=$IMG" "$tmp/podp.f" &&
	   [ "${cli#ok }" != "$cli" ]; then
		ok names-podman "$ctr ($IMG) answers the host and a second container; the server named live and from -w's comments; ${cli#ok }"
	else
		echo "$cli" > "$tmp/cli.v"
		fail names-podman "containers not named" "$tmp/cli.v" "$tmp/pod.f" "$tmp/podp.f" "$tmp/pod.err" "$tmp/client.out"
	fi
	check_batch "$ctr"
	check_runtime_down hangs "unix://$tmp/hang.sock" timeout "$ctr"
	check_runtime_down missing "unix://$tmp/none.sock" noruntime "$ctr"
	check_runtime_none "$ctr"
	PODSOCK=$sock
	check_events events "$sock"
	bgrun empty "$NS" python3 tests/names/emptylists.py "$tmp/empty.sock" "$sock"
	for _ in $(seq 100); do [ -S "$tmp/empty.sock" ] && break; sleep 0.05; done
	check_events events-only "$tmp/empty.sock"
}

# check_batch CTR: the last iteration's "container" row of CTR against
# the flows report of the same run (both porttops saw every packet of
# the flows to port 8081, made once both were ready)
check_batch() {
	local v
	v=$(python3 - "$tmp/batch.out" "$tmp/pod.out" "$1" "$IMG" <<'EOF'
import json, sys
batch, flows, ctr, img = sys.argv[1:5]
rows = [json.loads(l) for l in open(batch)]
last = max((r["iteration"] for r in rows), default=0)
g = [r for r in rows if r["iteration"] == last and r["type"] == "container"
     and r.get("container") == ctr]
f = [j for j in map(json.loads, open(flows)) if j.get("resp_container") == ctr]
if len(g) != 1:
    sys.exit(print("FAIL %d rows of %s in iteration %d" % (len(g), ctr, last)))
g = g[0]
want = (sum(j["resp_pkts"] for j in f), sum(j["orig_pkts"] for j in f))
got = (g["tx_pkts"], g["rx_pkts"])
if g["image"] != img or not g["group"].startswith(ctr) or g["procs"] < 1 or got != want or not f:
    sys.exit(print("FAIL row %s: image %s group %s procs %d tx/rx packets %s, the flows' %s"
                   % (ctr, g["image"], g["group"], g["procs"], got, want)))
print("ok %s: %d processes, %d/%d packets sent/received as in its %d flows, %d iterations"
      % (g["group"], g["procs"], got[0], got[1], len(f), last))
EOF
)
	if [ "${v#ok }" != "$v" ]; then
		ok names-batch-containers "${v#ok }"
	else
		echo "$v" > "$tmp/batch.v"
		fail names-batch-containers "the container's row is not the flows'" "$tmp/batch.v" "$tmp/batch.err"
	fi
}

# ---- events: containers that live less than the lists see -------------
SHORT_N=3
short_traffic() {
	local i t0
	sleep 0.5	# the first list, the event stream
	for i in $(seq "$SHORT_N"); do
		PODMAN_CTRS+=("$SHORT-$i")	# gone unless it failed
		t0=$(now_us)
		"${PODMAN_RUN[@]}" --rm --network "ns:/run/netns/$NS" --replace --name "$SHORT-$i" "$IMG" \
			sh -c 'printf "GET / HTTP/1.0\r\n\r\n" | nc 127.0.0.1 8081 > /dev/null' \
			>> "$tmp/short.run" 2>&1
		echo "$(secs "$t0" "$(now_us)")" >> "$tmp/short.secs"
	done
	sleep 1
}
# short_verdict OUT PREFIX IMAGE: each flow to 8081 owned by nc is named
# PREFIX-N with IMAGE; an owner not learnt, or its container id not (its
# cgroup gone first), is truthful and counted; at least one named
short_verdict() {
	python3 - "$@" <<'EOF'
import json, sys
out, prefix, image = sys.argv[1:4]
flows = [j for j in map(json.loads, open(out)) if j.get("resp_p") == 8081]
named = noid = noowner = 0
bad = []
for f in flows:
    if f.get("orig_comm") is None:
        noowner += 1
    elif f.get("orig_container_id") is None:
        noid += 1
    elif (f.get("orig_container") or "").startswith(prefix + "-") and f.get("orig_image") == image:
        named += 1
    else:
        bad.append("%s %s %s" % (f["orig_container_id"][:12], f.get("orig_container"),
                                 f.get("orig_container_miss")))
say = "%d flows: %d named, %d owner not learnt, %d container id not learnt" % (
    len(flows), named, noowner, noid)
print(("FAIL " + say + "; unnamed: " + "; ".join(bad)) if bad or not named else "ok " + say)
EOF
}
# lifetimes SOCK SINCE PREFIX: each PREFIX- container's time from its
# create event to its remove event, from the runtime's own events
lifetimes() {
	curl -s --max-time 5 --unix-socket "$1" "http://d/v1.41/events?since=$2&stream=false" |
		python3 -c 'import json, sys
t = {}
for l in sys.stdin:
    e = json.loads(l)
    n = e.get("Actor", {}).get("Attributes", {}).get("name", "")
    if n.startswith(sys.argv[1] + "-") and e.get("Action") in ("create", "remove"):
        t.setdefault(n, {})[e["Action"]] = e["timeNano"]
print(" ".join("%.2f" % ((v["remove"] - v["create"]) / 1e9) for v in t.values() if len(v) == 2))' "$3"
}
# check_events NAME SOCK: short-lived containers, porttop asking SOCK
check_events() {
	local name=$1 sock=$2 v t0
	SHORT=pt-names-$name-$$
	: > "$tmp/short.secs"
	t0=$(date +%s)
	RUNTIME=podman=$sock live "$name" 12 short_traffic
	v=$(short_verdict "$tmp/$name.out" "$SHORT" "$IMG")
	if [ "${v#ok }" != "$v" ]; then
		ok "names-$name" "${v#ok }; created to removed in $(lifetimes "$PODSOCK" "$t0" "$SHORT") s; $(grep -o 'events: [^;]*' "$tmp/$name.err" | tail -1)"
	else
		echo "$v" > "$tmp/$name.v"
		fail "names-$name" "short-lived containers not named" "$tmp/$name.v" "$tmp/$name.err" "$tmp/short.run"
	fi
}

# check_runtime_none CTR: --runtime none asks no runtime: the container by
# id, the reason `off`, no containers line
check_runtime_none() {
	RUNTIME=none live rtnone 4 hang_traffic
	fields "$tmp/rtnone.out" resp_comm resp_container resp_container_id resp_container_miss \
		> "$tmp/rtnone.f"
	local id; id=$(podman inspect -f '{{.Id}}' "$1")
	if grep -qx "resp_comm=httpd resp_container=None resp_container_id=$id resp_container_miss=off" "$tmp/rtnone.f" &&
	   ! grep -q "containers:" "$tmp/rtnone.err"; then
		ok names-runtime-none "resp_container_miss=off, no runtime asked"
	else
		fail names-runtime-none "expected the id and off" "$tmp/rtnone.f" "$tmp/rtnone.err"
	fi
}

# check_runtime_down NAME DOCKER_HOST MISS CTR: porttop asks a runtime
# that hangs or is not there: the container keeps its id, has no name, and
# says why; the capture counts what the one with names counted
hang_traffic() { inns curl -s -o /dev/null http://127.0.0.1:8081/; sleep 2.5; }
check_runtime_down() {
	local name=$1 miss=$3 ctr=$4
	if [ "$name" = hangs ]; then
		bgrun hang "$NS" python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8); c = []
while True: c.append(s.accept()[0])' "$tmp/hang.sock"
		for _ in $(seq 100); do [ -S "$tmp/hang.sock" ] && break; sleep 0.05; done
	fi
	local t0; t0=$(now_us)
	# docker: $DOCKER_HOST (and /run/docker.sock) only, not auto: a CRI
	# socket that answers on this host (a containerd service) would name
	# nothing here but make the runtimes "answered"
	RUNTIME=docker XDG_RUNTIME_DIR=$tmp DOCKER_HOST=$2 live "rt$name" 5 hang_traffic
	local secs; secs=$(secs "$t0" "$(now_us)")
	fields "$tmp/rt$name.out" orig_pkts resp_pkts resp_comm resp_container resp_container_id \
		resp_container_miss > "$tmp/rt$name.f"
	local id; id=$(podman inspect -f '{{.Id}}' "$ctr")
	if grep -qE "^orig_pkts=[1-9][0-9]* resp_pkts=[1-9][0-9]* resp_comm=httpd resp_container=None resp_container_id=$id resp_container_miss=$miss$" "$tmp/rt$name.f" &&
	   grep -q "containers: no names" "$tmp/rt$name.err"; then
		ok "names-runtime-$name" "resp_container_miss=$miss, porttop ran ${secs} s for --duration 5; $(grep -o 'containers: .*' "$tmp/rt$name.err" | cut -c1-90)"
	else
		fail "names-runtime-$name" "expected no name and $miss" "$tmp/rt$name.f" "$tmp/rt$name.err"
	fi
}

t0=$(now_us); check_unit; timing unit "$t0"
t0=$(now_us); check_passive; timing passive "$t0"
t0=$(now_us); check_shared; timing shared "$t0"
t0=$(now_us); check_quic_cut; timing quic-cut "$t0"
t0=$(now_us); check_quic_live; timing quic-live "$t0"
t0=$(now_us); check_podman; timing podman "$t0"
t0=$(now_us); tests/names/cri.sh || failed=1; timing cri "$t0"
printf '# %s\n' "${TIMES[@]}"
exit $failed
