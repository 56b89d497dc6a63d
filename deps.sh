#!/bin/sh
# deps.sh - install what porttop needs from Debian 12 packages (apt-get).
#   ./deps.sh          build dependencies
#   ./deps.sh --test   also what `make test` needs
#   ./deps.sh --bench  also the peers `make bench` compares against
# Installs only missing packages; uses sudo when not run as root.
set -eu

pkgs="gcc make pkg-config libpcap-dev libjansson-dev libsodium-dev libncurses-dev
	clang bpftool libbpf-dev libelf-dev zlib1g-dev libcap-dev libfixbuf-dev
	libyaml-dev libxml2-dev libcurl4-openssl-dev libssl-dev
	libprotobuf-c-dev protobuf-c-compiler"
case "${1:-}" in
--test)  pkgs="$pkgs libcmocka-dev python3 tcpdump tmux iproute2 ethtool curl zzuf nftables nmap nfdump libfixbuf-tools python3-junitparser
	tshark podman runc busybox-static dnsmasq openssl containerd
	gcc-mingw-w64-x86-64-posix wine64 cmake dpkg-dev flex bison" ;;
--bench) pkgs="$pkgs tcpdump tshark tcpreplay wireshark-common softflowd argus-server libndpi-bin time nethogs" ;;
"") ;;
*) echo "usage: $0 [--test|--bench]" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	$sudo debconf-set-selections 2>/dev/null || true
echo "deps.sh: installing$missing" >&2
# A fresh machine may have no package lists yet: update and retry once.
$sudo apt-get install -y -q $missing >/dev/null ||
	{ $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q $missing >/dev/null; }
