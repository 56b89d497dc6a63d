"""tests/golden/appended.py REV - prove that the expected outputs changed
since git revision REV only by what was appended: JSON Lines objects keep
every key, in order and with its value, and only gain keys at the end;
CSV headers and rows keep every column and only gain columns at the end;
text report lines keep everything and only gain a column at the end (text
outputs that are not reports must be unchanged); stderr files only gain
lines.  Prints one line per changed file and a summary; exit 1 on any
other change."""
import json
import subprocess
import sys

EXP = "tests/golden/expected/"


def old_text(rev, path):
    r = subprocess.run(["git", "show", "%s:%s" % (rev, path)],
                       capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def json_ok(old, new):
    try:
        o, n = json.loads(old), json.loads(new)
    except ValueError:
        return False
    ok, nk = list(o.items()), list(n.items())
    return len(nk) >= len(ok) and nk[:len(ok)] == ok


def line_ok(old, new, kind):
    if kind == "json":
        return json_ok(old, new)
    if kind == "csv":
        o, n = old.split(","), new.split(",")
        return len(n) >= len(o) and n[:len(o)] == o
    # text: the old line, then (after its padding) one more column
    return new == old or (new.startswith(old.rstrip(" ")) and
                          " " in new[len(old.rstrip(" ")):])


def kind_of(lines):
    if lines and lines[0].startswith("{"):
        return "json"
    if lines and lines[0].startswith("schema,"):
        return "csv"
    return "text"


def check(rev, path):
    old, new = old_text(rev, path), open(path).read()
    if old is None:
        return "new file"
    if old == new:
        return None
    ol, nl = old.split("\n"), new.split("\n")
    if path.endswith(".err"):
        it = iter(nl)
        return None if all(l in it for l in ol) else "FAIL stderr lines changed"
    if len(ol) != len(nl):
        return "FAIL %d lines became %d" % (len(ol), len(nl))
    kind = kind_of(ol)
    for i, (o, n) in enumerate(zip(ol, nl)):
        if o != n and not line_ok(o, n, kind):
            return "FAIL line %d is not the old one with more at its end" % (i + 1)
    return "only appended (%s)" % kind


def main():
    rev = sys.argv[1] if len(sys.argv) > 1 else "HEAD"
    files = subprocess.run(["git", "ls-files", "-m", "-o", "--exclude-standard",
                            EXP], capture_output=True, text=True).stdout.split()
    bad = 0
    for f in sorted(files):
        r = check(rev, f)
        if r:
            print("%s: %s" % (f, r))
            bad += r.startswith("FAIL")
    print("%d changed files, %d with other changes" % (len(files), bad))
    return 1 if bad else 0


sys.exit(main())
