#!/usr/bin/env python3
"""Prove that regenerated golden outputs differ from the old ones only by
added report fields.

usage: added-fields.py REV FIELD... [-- NAME...]

For every expected file of tests/golden/expected (or only those of the
named tests), compare the file as committed at REV (git show) with the file
in the working tree:
  * JSON Lines: every line must be the old object plus exactly FIELDs, and
    with FIELDs removed equal to the old one, key order included;
  * CSV (a header line starting with "schema,"): the header and every row
    must be the old one with FIELDs' columns appended at the end;
  * anything else (text reports, events, stderr): byte for byte the same.
Prints one line per file that differs otherwise, and a summary; exit
status 0 only if every file passes.  Used for the review of an added field
(tests/golden/REVIEW.md).
"""
import json
import subprocess
import sys
from collections import OrderedDict
from pathlib import Path

EXPECTED = Path("tests/golden/expected")


def old_text(rev, path):
    r = subprocess.run(["git", "show", "%s:%s" % (rev, path)], capture_output=True)
    return None if r.returncode else r.stdout.decode("utf-8", "replace")


def json_ok(old, new, fields):
    ol, nl = old.splitlines(), new.splitlines()
    if len(ol) != len(nl):
        return "%d lines, was %d" % (len(nl), len(ol))
    for i, (o, n) in enumerate(zip(ol, nl), 1):
        try:
            oj = json.loads(o, object_pairs_hook=OrderedDict)
            nj = json.loads(n, object_pairs_hook=OrderedDict)
        except ValueError:
            if o != n:
                return "line %d: not JSON and not equal" % i
            continue
        if not isinstance(nj, dict) or not isinstance(oj, dict):
            if oj != nj:
                return "line %d differs" % i
            continue
        added = [k for k in nj if k not in oj]
        if added and added != list(fields):
            return "line %d: added %s" % (i, added)
        stripped = OrderedDict((k, v) for k, v in nj.items() if k not in added)
        if list(stripped.items()) != list(oj.items()):
            return "line %d: an old field changed" % i
    return None


def csv_ok(old, new, fields):
    ol, nl = old.splitlines(), new.splitlines()
    if len(ol) != len(nl):
        return "%d lines, was %d" % (len(nl), len(ol))
    if ol and ol[0] == nl[0]:
        return None if ol == nl else "rows differ under the same header"
    if nl[0] != ol[0] + "," + ",".join(fields):
        return "header is not the old one with %s appended" % ",".join(fields)
    for i, (o, n) in enumerate(zip(ol[1:], nl[1:]), 2):
        # the added values hold no commas (uids are separated by spaces)
        if n.rsplit(",", len(fields))[0] != o:
            return "line %d: an old column changed" % i
    return None


def main():
    args = sys.argv[1:]
    if "--" in args:
        k = args.index("--")
        args, names = args[:k], args[k + 1:]
    else:
        names = None
    if len(args) < 2:
        sys.exit(__doc__)
    rev, fields = args[0], args[1:]
    bad = checked = 0
    for p in sorted(EXPECTED.iterdir()):
        if names and not any(p.name.startswith(n + ".") for n in names):
            continue
        old, new = old_text(rev, p), p.read_text()
        if old is None:
            print("new file (not compared): %s" % p)
            continue
        checked += 1
        if new.startswith("{") or old.startswith("{"):
            why = json_ok(old, new, fields)
        elif new.startswith("schema,"):
            why = csv_ok(old, new, fields)
        else:
            why = None if old == new else "differs (not JSON or CSV)"
        if why:
            bad += 1
            print("FAIL %s: %s" % (p, why))
    print("%d files compared with %s: %d differ beyond the added fields %s"
          % (checked, rev, bad, ",".join(fields)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
