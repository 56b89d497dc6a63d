#!/bin/sh
# contrib/win-deps.sh [DIR] - the Windows build's dependencies, cross-built
# with Debian's MinGW-w64 from Debian's own source packages, pinned by
# version, into DIR (default build-win/deps, git-ignored).  Run by
# `make windows`; does nothing when DIR already holds this pinned set.
#
# Only one library is needed: libpcap, for its headers and for a
# file-reading pcap.dll (CMake -DPCAP_TYPE=null: no Npcap SDK; D-Bus,
# RDMA, DPDK, Bluetooth and USB monitoring off) that stands in for
# Npcap's wpcap.dll under wine.  porttop.exe loads wpcap.dll at run time
# (capture/pcapdl_win.c), so it links against no pcap library at all.
# The rest of what Linux takes from libraries is Windows' own: SipHash is
# porttop's (lib/keyhash.c), the key from BCryptGenRandom.
#
# Needs: gcc-mingw-w64-x86-64-posix, cmake, flex, bison, dpkg-dev and a
# deb-src line for bookworm (added here when missing, with sudo unless
# root).
set -eu
LIBPCAP_VERSION=1.10.3-1
HOST=x86_64-w64-mingw32
dir=$(cd "$(dirname "$0")/.." && pwd)/${1:-build-win/deps}
stamp="$dir/.libpcap-$LIBPCAP_VERSION"
[ -f "$stamp" ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
need=""
for t in $HOST-gcc-posix:gcc-mingw-w64-x86-64-posix cmake:cmake flex:flex \
	bison:bison dpkg-source:dpkg-dev; do
	command -v "${t%%:*}" >/dev/null 2>&1 || need="$need ${t#*:}"
done
if [ -n "$need" ]; then
	echo "win-deps: installing$need"
	$sudo apt-get install -y --no-install-recommends $need
fi
if ! grep -rqs '^deb-src .*bookworm' /etc/apt/sources.list /etc/apt/sources.list.d/ &&
   ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/; then
	echo "win-deps: adding a deb-src line for bookworm"
	echo "deb-src http://deb.debian.org/debian bookworm main" |
		$sudo tee /etc/apt/sources.list.d/porttop-deb-src.list >/dev/null
	$sudo apt-get update -qq
fi

src="$dir/src"
rm -rf "$src" && mkdir -p "$src"
(cd "$src" && apt-get source -qq "libpcap=$LIBPCAP_VERSION" 2>&1 |
	grep -v '^W: Download is performed unsandboxed' || true)
top=$(find "$src" -maxdepth 1 -type d -name 'libpcap-*' | head -n 1)
[ -n "$top" ] || { echo "win-deps: apt-get source libpcap failed" >&2; exit 1; }

cat > "$src/mingw.cmake" <<EOF
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_C_COMPILER $HOST-gcc-posix)
set(CMAKE_RC_COMPILER $HOST-windres)
set(CMAKE_FIND_ROOT_PATH /usr/$HOST)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
EOF
cmake -S "$top" -B "$src/build" -DCMAKE_TOOLCHAIN_FILE="$src/mingw.cmake" \
	-DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$dir" \
	-DPCAP_TYPE=null -DENABLE_REMOTE=OFF -DDISABLE_DBUS=ON \
	-DDISABLE_RDMA=ON -DDISABLE_DPDK=ON -DDISABLE_BLUETOOTH=ON \
	-DDISABLE_USB=ON -DDISABLE_NETMAP=ON -DDISABLE_DAG=ON \
	-DDISABLE_SEPTEL=ON -DDISABLE_SNF=ON -DDISABLE_TC=ON \
	-DUSE_STATIC_RT=OFF -DBUILD_SHARED_LIBS=ON >"$src/cmake.log" 2>&1 ||
	{ tail -n 30 "$src/cmake.log" >&2; exit 1; }
cmake --build "$src/build" -j2 --target pcap >"$src/build.log" 2>&1 ||
	{ tail -n 30 "$src/build.log" >&2; exit 1; }
mkdir -p "$dir/bin" "$dir/include"
cp -r "$top/pcap" "$top/pcap.h" "$dir/include/"
cp "$src/build/run/pcap.dll" "$dir/bin/wpcap.dll"
touch "$stamp"
echo "win-deps: libpcap $LIBPCAP_VERSION -> $dir/bin/wpcap.dll"
