"""tests/check/junit_agrees.py XML TAP - the JUnit XML of `porttop check
--junit XML` read by junitparser (a real consumer, Debian's
python3-junitparser) says what the TAP of the same run says: one testcase
per TAP line, in order, with the same names; a failure exactly for each
"not ok", its message the first "# " line after it without the
FILE:LINE:COL prefix, its text every "# " line of it.  Prints "N tests,
F failures" and exits 0, or prints the first disagreement and exits 1."""
import re
import sys

from junitparser import Failure, JUnitXml


def tap_tests(path):
    tests = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = re.match(r"(not ok|ok) \d+ - (.*)", line)
        if m:
            name = re.sub(r"\\(.)", r"\1", m.group(2))
            tests.append({"ok": m.group(1) == "ok", "name": name, "why": []})
        elif line.startswith("# ") and tests:
            tests[-1]["why"].append(line[2:])
    return tests


def main():
    xml = JUnitXml.fromfile(sys.argv[1])
    tap = tap_tests(sys.argv[2])
    cases = [c for suite in xml for c in suite]
    if len(cases) != len(tap):
        sys.exit("%d testcases, %d TAP tests" % (len(cases), len(tap)))
    fails = 0
    for c, t in zip(cases, tap):
        failures = [r for r in c.result if isinstance(r, Failure)]
        if c.name != t["name"]:
            sys.exit("testcase %r, TAP %r" % (c.name, t["name"]))
        if bool(failures) == t["ok"]:
            sys.exit("%r: JUnit and TAP disagree on the verdict" % c.name)
        if t["ok"]:
            continue
        fails += 1
        why = t["why"]
        first = re.sub(r"^\S+:\d+:\d+: ", "", why[0])
        if failures[0].message != first:
            sys.exit("%r: message %r, TAP %r" % (c.name, failures[0].message,
                                                 first))
        if failures[0].text.rstrip("\n").split("\n") != [first] + why[1:]:
            sys.exit("%r: failure text differs from the TAP" % c.name)
    print("%d tests, %d failures" % (len(cases), fails))


main()
