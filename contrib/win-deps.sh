#!/bin/sh
# contrib/win-deps.sh [DIR] - the Windows build's dependencies, cross-built
# with Debian's MinGW-w64 from Debian's own source packages, pinned by
# version, into DIR (default build-win/deps, git-ignored).  Run by
# `make windows`; builds only what DIR does not hold yet (each library
# has its stamp, DIR/.NAME-VERSION: a changed pin rebuilds that one).
#
#   libpcap: its headers, and a file-reading pcap.dll (CMake
#     -DPCAP_TYPE=null: no Npcap SDK; D-Bus, RDMA, DPDK, Bluetooth and USB
#     monitoring off) that stands in for Npcap's wpcap.dll under wine.
#     porttop.exe loads wpcap.dll at run time (capture/pcapdl_win.c), so
#     it links against no pcap library at all.
#   ncurses (static, wide): the view, through ncurses' Windows console
#     driver (--enable-term-driver; ui/term_win.c asks for "#win32con").
#     No terminfo database, programs, C++ or Ada: only libncursesw.
#   libyaml, jansson, libxml2 (static): porttop check and diff (rules/):
#     the rules file, a flows report read back, JUnit output.  libxml2
#     without iconv, zlib, lzma, HTTP/FTP or Python: JUnit is
#     written in UTF-8, which libxml2 speaks without iconv.
# The rest of what Linux takes from libraries is Windows' own: SipHash is
# porttop's (lib/keyhash.c), the key from BCryptGenRandom.
#
# Needs: gcc-mingw-w64-x86-64-posix, cmake, make, flex, bison, dpkg-dev
# and a deb-src line for bookworm (added here when missing, with sudo
# unless root).
set -eu
LIBPCAP_VERSION=1.10.3-1
NCURSES_VERSION=6.4-4
LIBYAML_VERSION=0.2.5-1
JANSSON_VERSION=2.14-2
LIBXML2_VERSION=2.9.14+dfsg-1.3~deb12u6
HOST=x86_64-w64-mingw32
dir=$(cd "$(dirname "$0")/.." && pwd)/${1:-build-win/deps}
have() { [ -f "$dir/.$1-$2" ]; }
if have libpcap $LIBPCAP_VERSION && have ncurses $NCURSES_VERSION &&
   have libyaml $LIBYAML_VERSION && have jansson $JANSSON_VERSION &&
   have libxml2 $LIBXML2_VERSION; then
	touch "$dir/.built"
	exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
need=""
for t in $HOST-gcc-posix:gcc-mingw-w64-x86-64-posix cmake:cmake make:make \
	flex:flex bison:bison dpkg-source:dpkg-dev; do
	command -v "${t%%:*}" >/dev/null 2>&1 || need="$need ${t#*:}"
done
if [ -n "$need" ]; then
	echo "win-deps: installing$need"
	$sudo apt-get install -y --no-install-recommends $need
fi
# The deb-src entry must carry the Signed-By of the deb822 entry for the
# same mirror and suite (Debian 12's debian.sources), or apt refuses every
# source list ("Conflicting values set for option Signed-By"); the one-line
# file an earlier version of this script wrote without it is replaced.
lists=/etc/apt/sources.list.d
update=""
if [ -f $lists/porttop-deb-src.list ]; then
	$sudo rm -f $lists/porttop-deb-src.list
	update=1
fi
if ! grep -rqs '^deb-src .*bookworm' /etc/apt/sources.list $lists/ &&
   ! grep -rqs '^Types:.*deb-src' $lists/; then
	echo "win-deps: adding a deb-src entry for bookworm"
	key=$(cat $lists/*.sources 2>/dev/null | awk -v RS= '
		/URIs:[^\n]*deb\.debian\.org\/debian([\/ ]|\n|$)/ &&
		/Suites:[^\n]* bookworm( |\n|$)/ {
			if (match($0, /Signed-By: *[^\n]*/)) {
				v = substr($0, RSTART, RLENGTH)
				sub(/Signed-By: */, "", v); print v; exit
			}
		}')
	printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n%s' \
		"${key:+Signed-By: $key
}" | $sudo tee $lists/porttop-deb-src.sources >/dev/null
	update=1
fi
[ -z "$update" ] || $sudo apt-get update -qq	# once for either change

mkdir -p "$dir/bin" "$dir/include" "$dir/lib" "$dir/src"
cat > "$dir/src/mingw.cmake" <<EOF
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_C_COMPILER $HOST-gcc-posix)
set(CMAKE_RC_COMPILER $HOST-windres)
set(CMAKE_FIND_ROOT_PATH /usr/$HOST)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
EOF

# fetch NAME VERSION: Debian's source unpacked in $src (DIR/src/NAME);
# $top is its tree.  A security update takes the pinned version off the
# mirror (libxml2's ~deb12uN): then the version the mirror offers is
# built, said on stderr, rather than failing the whole Windows build.
fetch() {
	src="$dir/src/$1"
	rm -rf "$src" && mkdir -p "$src"
	(cd "$src" && apt-get source -qq "$1=$2" 2>&1 |
		grep -v '^W: Download is performed unsandboxed' || true)
	top=$(find "$src" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	if [ -z "$top" ]; then
		echo "win-deps: $1 $2 is not on the mirror; building the" \
			"version it offers (bump the pin)" >&2
		(cd "$src" && apt-get source -qq "$1" 2>&1 |
			grep -v '^W: Download is performed unsandboxed' || true)
		top=$(find "$src" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	fi
	[ -n "$top" ] || { echo "win-deps: apt-get source $1 failed" >&2; exit 1; }
	echo "win-deps: building $1 $2"
}

# cmake_build OPTIONS...: $top configured and built in $src/build, then
# installed into DIR (logs in $src, their tail on failure).
cmake_build() {
	cmake -S "$top" -B "$src/build" \
		-DCMAKE_TOOLCHAIN_FILE="$dir/src/mingw.cmake" \
		-DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$dir" \
		"$@" >"$src/cmake.log" 2>&1 ||
		{ tail -n 30 "$src/cmake.log" >&2; exit 1; }
	{ cmake --build "$src/build" -j2 && cmake --install "$src/build"; } \
		>"$src/build.log" 2>&1 ||
		{ tail -n 30 "$src/build.log" >&2; exit 1; }
}

if ! have libpcap $LIBPCAP_VERSION; then
	fetch libpcap $LIBPCAP_VERSION
	cmake -S "$top" -B "$src/build" \
		-DCMAKE_TOOLCHAIN_FILE="$dir/src/mingw.cmake" \
		-DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$dir" \
		-DPCAP_TYPE=null -DENABLE_REMOTE=OFF -DDISABLE_DBUS=ON \
		-DDISABLE_RDMA=ON -DDISABLE_DPDK=ON -DDISABLE_BLUETOOTH=ON \
		-DDISABLE_USB=ON -DDISABLE_NETMAP=ON -DDISABLE_DAG=ON \
		-DDISABLE_SEPTEL=ON -DDISABLE_SNF=ON -DDISABLE_TC=ON \
		-DUSE_STATIC_RT=OFF -DBUILD_SHARED_LIBS=ON >"$src/cmake.log" 2>&1 ||
		{ tail -n 30 "$src/cmake.log" >&2; exit 1; }
	cmake --build "$src/build" -j2 --target pcap >"$src/build.log" 2>&1 ||
		{ tail -n 30 "$src/build.log" >&2; exit 1; }
	cp -r "$top/pcap" "$top/pcap.h" "$dir/include/"
	cp "$src/build/run/pcap.dll" "$dir/bin/wpcap.dll"
	touch "$dir/.libpcap-$LIBPCAP_VERSION"
fi

# ncurses: autoconf; the library and its headers only (README.MinGW).
if ! have ncurses $NCURSES_VERSION; then
	fetch ncurses $NCURSES_VERSION
	mkdir -p "$src/build"
	(cd "$src/build" && "$top/configure" --host=$HOST CC=$HOST-gcc-posix \
		--prefix="$dir" --without-ada --without-cxx --without-cxx-binding \
		--without-progs --without-tests --without-manpages \
		--disable-shared --with-normal --without-debug --enable-widec \
		--enable-sp-funcs --enable-term-driver --disable-termcap \
		--disable-database --without-fallbacks --disable-home-terminfo \
		--without-libtool --disable-macros --disable-pc-files \
		>"$src/configure.log" 2>&1) ||
		{ tail -n 30 "$src/configure.log" >&2; exit 1; }
	(cd "$src/build" && make -C include && make -C ncurses -j2 libs &&
		make -C include install.includes &&
		make -C ncurses install.libs) >"$src/build.log" 2>&1 ||
		{ tail -n 30 "$src/build.log" >&2; exit 1; }
	touch "$dir/.ncurses-$NCURSES_VERSION"
fi

if ! have libyaml $LIBYAML_VERSION; then
	fetch libyaml $LIBYAML_VERSION
	cmake_build -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF
	touch "$dir/.libyaml-$LIBYAML_VERSION"
fi

if ! have jansson $JANSSON_VERSION; then
	fetch jansson $JANSSON_VERSION
	cmake_build -DJANSSON_BUILD_SHARED_LIBS=OFF -DJANSSON_EXAMPLES=OFF \
		-DJANSSON_BUILD_DOCS=OFF -DJANSSON_WITHOUT_TESTS=ON \
		-DUSE_URANDOM=OFF
	touch "$dir/.jansson-$JANSSON_VERSION"
fi

if ! have libxml2 $LIBXML2_VERSION; then
	fetch libxml2 $LIBXML2_VERSION
	cmake_build -DBUILD_SHARED_LIBS=OFF -DLIBXML2_WITH_ICONV=OFF \
		-DLIBXML2_WITH_ZLIB=OFF -DLIBXML2_WITH_LZMA=OFF \
		-DLIBXML2_WITH_PYTHON=OFF -DLIBXML2_WITH_PROGRAMS=OFF \
		-DLIBXML2_WITH_TESTS=OFF -DLIBXML2_WITH_HTTP=OFF \
		-DLIBXML2_WITH_FTP=OFF -DLIBXML2_WITH_MODULES=OFF \
		-DLIBXML2_WITH_CATALOG=OFF \
		-DLIBXML2_WITH_DOCB=OFF -DLIBXML2_WITH_LEGACY=OFF
	touch "$dir/.libxml2-$LIBXML2_VERSION"
fi
touch "$dir/.built"
echo "win-deps: libpcap $LIBPCAP_VERSION, ncurses $NCURSES_VERSION," \
	"libyaml $LIBYAML_VERSION, jansson $JANSSON_VERSION," \
	"libxml2 $LIBXML2_VERSION -> $dir"
