#!/bin/sh
# tests/arch/run.sh - the shape of the code, checked on the objects the
# build made (nm): no two source files call each other, directly or in a
# loop, and calls go one way along the data flow, folder by folder:
#
#   lib < capture, decode, filters < flowtable < attrib < core
#       < report, export < ui < porttop.c
#
# A call from a folder into a later one (say core/ calling report/) is a
# layering break: the engine would know its consumers by name.  Also no
# function much over 80 lines (tests excepted), as the project's style
# asks.  Prints "ok NAME" / "FAIL NAME: why" lines like the other suites.
# Env: BUILD (object directory, default build/release).
set -u
cd "$(dirname "$0")/../.." || exit 2
exec python3 tests/arch/check.py "${BUILD:-build/release}"
