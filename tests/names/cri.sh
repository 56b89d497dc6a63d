#!/bin/bash
# tests/names/cri.sh - names from the CRI socket (names/nm_cri*.c) against
# a real containerd (Debian 12's, its CRI plugin), run by tests/names/run.sh
# (the names suite; same "ok/FAIL/SKIP NAME" lines).  Needs root.
#
# containerd runs in a network namespace of ours with its own --config,
# root, state and socket under a temp dir (never the system's): runc, the
# cgroupfs driver, the native snapshotter, no CNI; the image is
# busybox-static's rootfs (imported by podman, saved as a docker-archive,
# `ctr image import`ed), also the sandbox ("pause") image.  tests/names/
# cri.py plays the kubelet: a pod sandbox in the node's network namespace
# (so, ours) with the kubelet's cgroup parent (/kubepods/besteffort/
# podUID), and in it a busybox httpd container.  curl asks it; porttop -i
# lo --runtime cri=SOCK:
#
#   names-cri-flows    the flow to httpd: resp_container, resp_image,
#                      resp_pod, resp_namespace as cri.py's own reading of
#                      ListContainers/ListPodSandbox says (the oracle),
#                      resp_container_id and resp_pod_uid from the cgroup
#   names-cri-ports    --report ports: the port's row names the same
#   names-cri-procs    --report procs: httpd's row names the same
#   names-cri-missing  --runtime cri=NOSOCKET,cri=NOCRI: a socket not
#                      there, and a second containerd with its CRI plugin
#                      disabled (as Docker's own containerd is): the
#                      container by id, the reason error (the likelier of
#                      the two), and the summary says each: "No such
#                      file", "gRPC status 12: unknown service ..." (or,
#                      truthful too, libcurl's "Stream error in the HTTP/2
#                      framing layer": grpc-go may reset the stream it
#                      answered before libcurl read the status, twice in
#                      a row about 1 call in 60 here; names/nm_cri_linux.c)
#
# Each also fails on a sanitizer's report (make test SAN=...).
# SKIP with the reason (the error) when containerd, runc or podman is
# missing or containerd cannot run the pod here.
set -u
cd "$(dirname "$0")/../.."
SUITE=names
CHECKS=(names-cri-flows names-cri-ports names-cri-procs names-cri-missing)
tmp=$(mktemp -d)
NSLIST=()
failed=0
. tests/lib/ns.sh
NS_ENTER=nsenter
CTRD_PID="" NOCRI_PID="" POD="" IMG="" UID_=""
KUBEPODS=$(find /sys/fs/cgroup -maxdepth 2 -name kubepods | head -1)	# a node's own
SOCK=$tmp/containerd.sock
CRI=(python3 tests/names/cri.py "$SOCK")
cleanup() {
	if [ -n "$POD" ]; then
		"${CRI[@]}" stoppod "$POD" > /dev/null 2>&1
		"${CRI[@]}" rmpod "$POD" > /dev/null 2>&1
	fi
	# the shims unmount the rootfs as they go: 5 s at most
	for _ in $(seq 250); do
		grep -q " $tmp/" /proc/mounts || break
		sleep 0.02
	done
	[ -n "$CTRD_PID" ] && kill "$CTRD_PID" 2>/dev/null && wait "$CTRD_PID" 2>/dev/null
	[ -n "$NOCRI_PID" ] && kill "$NOCRI_PID" 2>/dev/null && wait "$NOCRI_PID" 2>/dev/null
	[ -n "$IMG" ] && podman rmi "$IMG" > /dev/null 2>&1
	ns_cleanup
	# the pod's cgroup (the containers' own went with them), and its
	# parents when we made them
	[ -n "$UID_" ] && find /sys/fs/cgroup -depth -type d \
		-name "pod$UID_" -exec rmdir {} + 2>/dev/null
	[ -n "$UID_" ] && [ -z "$KUBEPODS" ] && find /sys/fs/cgroup -depth \
		-type d -path "*/kubepods*" -exec rmdir {} + 2>/dev/null
	grep -q " $tmp/" /proc/mounts &&
		awk -v t="$tmp/" 'index($2, t) == 1 { print $2 }' /proc/mounts |
		sort -r | xargs -r umount 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
need_root_porttop "namespaces, containerd"
for t in containerd ctr runc podman curl; do
	command -v "$t" > /dev/null ||
		skip_all "$t is not installed (Debian 12: apt-get install containerd runc podman curl; ./deps.sh --test)"
done

NS=ptcri$$
why=$(ns_lo "$NS") || skip_all "$why"
NSLIST+=("$NS")
inns() { nsenter --net="/run/netns/$NS" -- "$@"; }

# The image: busybox-static's rootfs, PATH set, a command for the sandbox.
image() {
	mkdir -p "$tmp/root/bin" "$tmp/root/www"
	cp /bin/busybox "$tmp/root/bin/" 2>/dev/null || return 1
	for a in sh httpd sleep; do ln -s busybox "$tmp/root/bin/$a"; done
	echo hello > "$tmp/root/www/index.html"
	tar -C "$tmp/root" -cf "$tmp/root.tar" . &&
	podman --runtime runc import --change 'ENV PATH=/bin' \
		--change 'CMD ["/bin/sleep", "100000"]' "$tmp/root.tar" "$1" &&
	IMG=$1 &&
	podman save --format docker-archive -o "$tmp/img.tar" "$1" &&
	ctr -a "$SOCK" -n k8s.io image import "$tmp/img.tar"
}

# config IMAGE [DIR]: containerd's; with DIR a second containerd there,
# its CRI plugin disabled
config() {
	local d=${2:-$tmp} s=${2:+$2/containerd.sock}
	cat <<EOF
version = 2
root = "$d/root.d"
state = "$d/state.d"
${2:+disabled_plugins = [\"io.containerd.grpc.v1.cri\"]}
[grpc]
  address = "${s:-$SOCK}"
[ttrpc]
  address = "${s:-$SOCK}.ttrpc"
[debug]
  address = "$d/debug.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$1"
  disable_apparmor = true
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "native"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$tmp/cni"
    conf_dir = "$tmp/cni"
EOF
}

# start_pod: containerd, the image, the pod and its httpd on 127.0.0.1:8082
# (in our namespace); CTR is the container's id.  Says why not.
start_pod() {
	local img=localhost/porttop-cri-busybox:$$
	mkdir -p "$tmp/cni" "$tmp/logs"
	config "$img" > "$tmp/config.toml"
	bgrun containerd "$NS" containerd --config "$tmp/config.toml"
	CTRD_PID=$BGPID
	mkdir -p "$tmp/nocri"
	config "$img" "$tmp/nocri" > "$tmp/nocri/config.toml"
	bgrun nocri "$NS" containerd --config "$tmp/nocri/config.toml"
	NOCRI_PID=$BGPID
	for _ in $(seq 250); do
		"${CRI[@]}" version > "$tmp/version" 2>/dev/null && break
		alive "$CTRD_PID" || break
		sleep 0.02
	done
	[ -s "$tmp/version" ] || { echo "containerd did not answer the CRI: $(grep -m1 -iE 'level=(error|fatal)' "$tmp/containerd.err")"; return 1; }
	image "$img" > "$tmp/image.log" 2>&1 || { echo "cannot make the image: $(tail -1 "$tmp/image.log")"; return 1; }
	UID_=$(printf '%08x-0000-4000-8000-%012x' $$ "$(date +%s)")
	export CRI_LOG_DIR=$tmp/logs
	POD=$("${CRI[@]}" pod web porttop-cri "$UID_" 2>&1) || { echo "RunPodSandbox: ${POD//$'\n'/ }"; POD=""; return 1; }
	CTR=$("${CRI[@]}" create "$POD" httpd "$img" porttop-cri "$UID_" web \
		/bin/httpd -f -p 127.0.0.1:8082 -h /www 2>&1) || { echo "CreateContainer: ${CTR//$'\n'/ }"; return 1; }
	local err
	err=$("${CRI[@]}" start "$CTR" 2>&1) || { echo "StartContainer: ${err//$'\n'/ }"; return 1; }
	for _ in $(seq 250); do
		inns ss -Hlnt "sport = :8082" | grep -q . && return 0
		sleep 0.02
	done
	echo "httpd did not listen"
	return 1
}

# run NAME REPORT RUNTIME: porttop -i lo in the namespace for 3 s while
# curl asks httpd twice; the report as JSON in $tmp/NAME.out
run() {
	bgrun "$1" "$NS" "$PORTTOP" -i lo --duration 3 --format json -q \
		--report "$2" --runtime "$3"
	local pid=$BGPID
	porttop_ready "$pid" || { echo "porttop did not start"; return 1; }
	sleep 0.3
	inns curl -s -o /dev/null http://127.0.0.1:8082/
	inns curl -s -o /dev/null http://127.0.0.1:8082/
	wait_exit "$pid" 8
}

# verdict FILE PREFIX KEY=VALUE...: the rows of FILE whose PREFIX+KEY
# values are all given (a row per line); "ok N rows" or why not.  The
# rows of other owners (none here: the namespace is ours) would not match.
verdict() {
	python3 - "$@" <<'EOF'
import json, sys
f, pre, want = sys.argv[1], sys.argv[2], dict(a.split("=", 1) for a in sys.argv[3:])
rows = [json.loads(l) for l in open(f) if l.startswith("{")]
hit = [r for r in rows if all(str(r.get(pre + k)) == v for k, v in want.items())]
if hit:
    print("ok %d of %d rows" % (len(hit), len(rows)))
else:
    keys = sorted({k for r in rows for k in r if any(w in k for w in ("container", "image", "pod", "namespace", "comm", "port"))})
    print("FAIL no row with %s; rows: %s" % (want, [{k: r.get(k) for k in keys} for r in rows][:4]))
EOF
}

# reason VERDICT: why a check failed: the verdict's, else the sanitizer's
reason() { [ "${1#ok}" != "$1" ] && echo "a sanitizer's report" || echo "${1#FAIL }"; }

check_cri() {
	local why
	# not in a subshell: cleanup needs what it started
	start_pod > "$tmp/why" || { why=$(cat "$tmp/why"); for c in "${CHECKS[@]}"; do skip "$c" "containerd cannot run the pod here: $why"; done; return; }
	CTR=$("${CRI[@]}" list | python3 -c 'import json, sys
for l in sys.stdin:
    j = json.loads(l)
    if j["name"] == "httpd": print(l.strip())')
	# the oracle: cri.py's own reading of the CRI's lists
	local id name image pod ns uid
	read -r id name image pod ns uid < <(echo "$CTR" | python3 -c 'import json, sys
j = json.loads(sys.stdin.read()); print(j["id"], j["name"], j["image"], j["pod"], j["namespace"], j["pod_uid"])')
	local want=(container="$name" image="$image" pod="$pod" namespace="$ns"
		    container_id="$id")
	run flows flows "cri=$SOCK"
	v=$(verdict "$tmp/flows.out" resp_ comm=httpd p=8082 "${want[@]}" pod_uid="$uid")
	[ "${v#ok}" != "$v" ] && no_sanitizer_report "$tmp/flows.err" && ok names-cri-flows "$name image $image pod $ns/$pod: $v; $(grep -o 'containers: [^;]*' "$tmp/flows.err")" ||
		fail names-cri-flows "$(reason "$v")" "$tmp/flows.err"
	run ports ports "cri=$SOCK"
	v=$(verdict "$tmp/ports.out" "" port=8082 "${want[@]}")
	[ "${v#ok}" != "$v" ] && no_sanitizer_report "$tmp/ports.err" && ok names-cri-ports "$v" || fail names-cri-ports "$(reason "$v")" "$tmp/ports.err"
	run procs procs "cri=$SOCK"
	v=$(verdict "$tmp/procs.out" "" comm=httpd "${want[@]}")
	[ "${v#ok}" != "$v" ] && no_sanitizer_report "$tmp/procs.err" && ok names-cri-procs "$v" || fail names-cri-procs "$(reason "$v")" "$tmp/procs.err"
	for _ in $(seq 250); do [ -S "$tmp/nocri/containerd.sock" ] && break; sleep 0.02; done
	run missing flows "cri=$tmp/no.sock,cri=$tmp/nocri/containerd.sock"
	v=$(verdict "$tmp/missing.out" resp_ comm=httpd container=None container_id="$id" container_miss=error)
	if [ "${v#ok}" != "$v" ] && no_sanitizer_report "$tmp/missing.err" &&
	   grep -qE "containers: no names: $tmp/no.sock: No such file or directory; $tmp/nocri/containerd.sock: (gRPC status 12: unknown service runtime.v1.RuntimeService|Stream error in the HTTP/2 framing layer);" "$tmp/missing.err"; then
		ok names-cri-missing "$v; $(grep -o 'containers: .*' "$tmp/missing.err" | sed "s#$tmp/##g")"
	else
		fail names-cri-missing "$(reason "$v")" "$tmp/missing.out" "$tmp/missing.err"
	fi
}

t0=$(now_us); check_cri; timing cri "$t0"
printf '# %s\n' "${TIMES[@]}"
exit $failed
