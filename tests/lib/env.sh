# tests/lib/env.sh - what the suites that compare porttop's outputs run
# with (tests/corrupt, tests/check): the binary, the shared captures, UTC,
# the C locale and a fixed hash key, so outputs are the same on every
# machine.  Sourced from the repo root, by sh.
PORTTOP=${PORTTOP:-./porttop}
SHARED=${SHARED:-../shared}
TZ=UTC
LC_ALL=C
PORTTOP_HASH_SEED=000102030405060708090a0b0c0d0e0f
export TZ LC_ALL PORTTOP_HASH_SEED
