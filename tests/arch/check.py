"""tests/arch/check.py - see run.sh: file cycles and layering from nm, and
function lengths from the sources."""
import re
import subprocess
import sys

# rules/ (porttop check) reads the reports' rows: a layer of its own just
# above report/, so that nothing at report's level or below may call it.
LAYERS = ["lib", "capture decode filters", "flowtable", "names", "attrib",
          "core", "report export", "rules", "ui", "porttop.c"]
MAX_FUNC_LINES = 90     # "no function much over 80 lines"


def layer(path):
    top = path.split("/")[0]
    for i, names in enumerate(LAYERS):
        if top in names.split():
            return i
    return None


def sources():
    mk = open("Makefile").read()
    m = re.search(r"LIB_SRC :=(.*?)\n(?!\t)", mk, re.S)
    return m.group(1).replace("\\", "").split() + ["porttop.c"]


def win_sources():
    """The Windows build's list (Makefile WIN_SRC, make windows)."""
    # Under make check, make is a sub-make: without --no-print-directory
    # its "make[2]: Entering directory" line would be read as sources.
    out = subprocess.run(["make", "-s", "--no-print-directory",
                          "print-win-src"], capture_output=True, text=True)
    if out.returncode:
        return []
    return [w for w in out.stdout.split() if w.endswith(".c")] + ["porttop.c"]


def call_graph(build, srcs, nm="nm"):
    defs, uses = {}, {}
    for src in srcs:
        obj = "%s/%s.o" % (build, src[:-2])
        out = subprocess.run([nm, obj], capture_output=True, text=True)
        if out.returncode:
            sys.exit("FAIL arch: cannot read %s (build first)" % obj)
        for line in out.stdout.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDBR":
                defs[p[2]] = src
            elif len(p) == 2 and p[0] == "U":
                uses.setdefault(src, set()).add(p[1])
    edges = {}
    for src in srcs:
        for sym in uses.get(src, ()):
            if sym in defs and defs[sym] != src:
                edges.setdefault(src, {}).setdefault(defs[sym], sym)
    return edges


def cycles(edges):
    """Strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(edges):
        if v not in index:
            visit(v)
    return out


def include_graph(srcs):
    """Quoted #include edges between the project's headers and sources."""
    import os
    seen, todo, edges = set(), list(srcs), {}
    while todo:
        f = todo.pop()
        if f in seen or not os.path.exists(f):
            continue
        seen.add(f)
        for inc in re.findall(r'^#include "([^"]+)"', open(f).read(), re.M):
            p = os.path.normpath(os.path.join(os.path.dirname(f), inc))
            if os.path.exists(p):
                edges.setdefault(f, {})[p] = inc
                todo.append(p)
    return edges


def long_functions(srcs):
    bad = []
    for src in srcs:
        lines = open(src).read().split("\n")
        start = None
        for i, l in enumerate(lines):
            if l == "{" and i > 0:
                start = i
            elif l == "}" and start is not None:
                if i - start + 1 > MAX_FUNC_LINES:
                    head = lines[start - 1]
                    bad.append("%s:%d %s (%d lines)" %
                               (src, start, head.strip(), i - start + 1))
                start = None
    return bad


def check_windows():
    """The same rules for the Windows objects (make windows), when built:
    its *_win.c files take the place of the *_linux.c ones."""
    import os
    srcs = win_sources()
    if not srcs or not os.path.exists("build-win/porttop.exe"):
        print("SKIP windows-arch: build-win/porttop.exe not built "
              "(make windows)")
        return 0
    edges = call_graph("build-win", srcs, "x86_64-w64-mingw32-nm")
    bad = ["no-call-cycles: " + " <-> ".join(c) for c in cycles(edges)]
    for a, targets in sorted(edges.items()):
        for b, sym in sorted(targets.items()):
            if layer(b) is None or layer(a) is None or layer(b) > layer(a):
                bad.append("layering: %s calls %s (%s)" % (a, sym, b))
    bad += ["function-length: " + b for b in long_functions(
        [s for s in srcs if s.endswith("_win.c")])]
    for b in bad:
        print("FAIL windows-" + b)
    if not bad:
        print("ok windows-arch (%d files: cycles, layering, lengths)"
              % len(srcs))
    return 1 if bad else 0


def main():
    srcs = sources()
    edges = call_graph(sys.argv[1], srcs)
    loops = cycles(edges)
    if loops:
        for c in loops:
            print("FAIL no-call-cycles: " + " <-> ".join(c))
    else:
        print("ok no-call-cycles (%d files)" % len(srcs))
    inc = cycles(include_graph(srcs))
    for c in inc:
        print("FAIL no-include-cycles: " + " <-> ".join(c))
    if not inc:
        print("ok no-include-cycles")
    wrong = []
    for a, targets in sorted(edges.items()):
        for b, sym in sorted(targets.items()):
            if layer(b) is None or layer(a) is None or layer(b) > layer(a):
                wrong.append("%s calls %s (%s)" % (a, sym, b))
    for w in wrong:
        print("FAIL layering: " + w)
    if not wrong:
        print("ok layering (%s)" % " < ".join(LAYERS))
    bad = long_functions(srcs)
    for b in bad:
        print("FAIL function-length: " + b)
    if not bad:
        print("ok function-length (at most %d lines)" % MAX_FUNC_LINES)
    win = check_windows()
    return 1 if loops or inc or wrong or bad or win else 0


sys.exit(main())
