"""tests/golden/agree.py CAPTURE... - the CSV and JSON reports of each
capture agree digit for digit: for every report kind, every row and every
field, the CSV text is the JSON value's own text (strings unquoted, null
empty, booleans true/false), so a number is never spelled two ways
(issue 11: JSON used to print 0.07600999999999999 where CSV printed
0.076010).  One line per capture: "ok agree-NAME" or "FAIL agree-NAME: why".
Env: PORTTOP."""
import csv
import io
import json
import os
import re
import subprocess
import sys

TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(-?[0-9][0-9.eE+-]*|true|false|null)')


def raw_values(line, keys):
    """The JSON object's values as they are spelled in the line (a flat
    object of scalars), in key order."""
    obj = json.loads(line)
    assert list(obj) == keys, "key order differs"
    vals = []
    pos = 1
    for k in keys:
        m = re.compile(r'"%s":' % re.escape(k)).match(line, pos)
        assert m, "cannot find key " + k
        t = TOKEN.match(line, m.end())
        vals.append(json.loads('"%s"' % t.group(1)) if t.group(1) is not None
                    else ('' if t.group(2) == 'null' else t.group(2)))
        pos = t.end() + 1
    return vals


def check(porttop, cap):
    for kind in ("flows", "ports", "procs"):
        run = lambda fmt: subprocess.run(
            [porttop, "-q", "-r", cap, "--report", kind, "--format", fmt],
            capture_output=True, text=True).stdout
        rows = list(csv.reader(io.StringIO(run("csv"))))
        keys, rows = rows[0], rows[1:]
        lines = run("json").splitlines()
        if len(lines) != len(rows):
            return "%s: %d JSON rows, %d CSV rows" % (kind, len(lines),
                                                      len(rows))
        for n, (line, row) in enumerate(zip(lines, rows)):
            vals = raw_values(line, keys)
            for k, a, b in zip(keys, vals, row):
                if a != b:
                    return "%s row %d %s: JSON %r, CSV %r" % (kind, n + 1,
                                                              k, a, b)
    return None


def main():
    porttop = os.environ.get("PORTTOP", "./porttop")
    bad = 0
    for cap in sys.argv[1:]:
        name = "agree-" + os.path.basename(cap)
        if not os.path.exists(cap):
            print("SKIP %s: %s not found" % (name, cap))
            continue
        why = check(porttop, cap)
        print("ok " + name if not why else "FAIL %s: %s" % (name, why))
        bad += why is not None
    return 1 if bad else 0


sys.exit(main())
