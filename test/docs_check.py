"""
test/docs_check.py: three scenarios that read the docs and the sources,
without building or booting anything.

docs_names: the docs name every test, scenario and benchmark the runner
knows.

docs/testing.md is where a student or a TA looks up what a test checks,
and docs/performance.md what a benchmark measures; a test added without
its row was found nine times over in one audit. So:

- every test (test/*.c and user/lab0/*.c, not the helper programs) and
  every scenario must appear in docs/testing.md as `name`, in backticks;
- every benchmark (test/bench_*.c) must be named in docs/performance.md.

A course's own lab programs (user/labN/) are not osv-rv's to document and
are not looked at.

docs_lines: a source line the docs quote as gdb shows it (`42    int fd =
...`, after a `FILE:N` or `file FILE, line N` of the same indented block,
FILE a path or, as gdb often prints it, a name like `cat.c` that one file
of the tree ends in) is still line 42 of that file. docs/gdb.md promises
real output, and its quoted lines had drifted in four places with nothing
to say so. And a frame gdb prints as `FUNC (ARGS) at FILE:N` (in `bt`, at
a breakpoint) names a line of FUNC's body, when FILE defines FUNC: three
frames' lines in docs/gdb.md had drifted out of their functions (sh.c's
wait_foreground, trap.c's user_exception and trap_handler).

code_comments: every source file of the project's own code (kernel/,
include/, mkfs/, user/ but a course's user/labN/) begins with a comment,
and every function defined in it has a comment right above it, saying
why it is there (a program's main excepted: its file's comment is about
it). Seventeen of mkfs's functions and thirteen in user/ had none, with
nothing to say so.
"""

import os
import re

import suite
from machine import ROOT


# The text of docs/NAME.
def doc(name):
    with open(os.path.join(ROOT, "docs", name), encoding="utf-8") as f:
        return f.read()


# The names of tests that the text does not mention as pattern % name.
def unnamed(tests, text, pattern):
    return [t.name for t in tests if not re.search(pattern % re.escape(t.name), text)]


# The scenario, given the scenarios (scenarios.py's list): a reason
# naming what is missing where, or None.
def scenario(run, all_scenarios):
    testing, performance = doc("testing.md"), doc("performance.md")
    missing = []
    tests = suite.discover(bench=False) + all_scenarios
    for name in unnamed(tests, testing, r"`%s`"):
        missing.append("%s has no row in docs/testing.md" % name)
    for name in unnamed(suite.discover(bench=True), performance, r"\b%s\b"):
        missing.append("%s is not described in docs/performance.md" % name)
    if missing:
        return "; ".join(missing), None
    run.detail.append("docs/testing.md names all %d tests and scenarios, docs/performance.md "
                      "all %d benchmarks" % (len(tests), len(suite.discover(bench=True))))
    return None, None


# A place gdb names: FILE:N, or gdb's "file FILE, line N".
PLACE_RE = re.compile(r"([\w./-]+\.[chS]):(\d+)\b|file ([\w./-]+\.[chS]), line (\d+)")
# A source line as gdb echoes it in an indented block: its number (after
# stepi's address), then a tab (and the line's own indent) or two spaces
# or more, then the text.
ECHO_RE = re.compile(r"^ {4}\s*(?:0x[0-9a-f]+\s+)?(\d+)(?:\t\s*| {2,})(\S.*)$")


# The lines of the tree's file path, or None if it has no such file.
def source(path):
    full = os.path.join(ROOT, path)
    if not os.path.isfile(full):
        return None
    with open(full, encoding="utf-8") as f:
        return f.read().split("\n")


# The tree's file a doc names as path: path itself, or the one file
# whose path ends in it (gdb and the docs often write `cat.c:35` for
# user/cat.c), or None when there is none or more than one.
def resolve(path):
    if source(path) is not None:
        return path
    found = []
    for top in ("kernel", "user", "include", "mkfs", "test"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for f in files:
                rel = os.path.relpath(os.path.join(dirpath, f), ROOT)
                if rel.endswith("/" + path):
                    found.append(rel)
    return found[0] if len(found) == 1 else None


# How many lines of text (doc name's) quote a source line, and what is
# wrong with each that is not its file's line any more.
def stale_quotes(name, text):
    stale, current, quotes = [], None, 0
    for i, line in enumerate(text.split("\n"), 1):
        if not line.startswith("    "):
            current = None                 # prose ends a block
            continue
        echo = ECHO_RE.match(line)
        if echo and current:
            quotes += 1
            n, quoted = int(echo.group(1)), " ".join(echo.group(2).split())
            lines = source(current)
            actual = " ".join(lines[n - 1].split()) if 0 < n <= len(lines) else None
            if actual != quoted:
                stale.append("%s:%d quotes %s:%d as '%s', the file has '%s'"
                             % (name, i, current, n, quoted, actual))
        for m in PLACE_RE.finditer(line):
            path = resolve(m.group(1) or m.group(3))
            if path is not None:
                current = path
    return quotes, stale


# A frame as gdb prints it: FUNC (ARGS), maybe inlined in others, at
# FILE:N; ARGS may hold one level of parentheses.
FRAME_RE = re.compile(r"(?:\bin |#\d+\s+|, )(\w+) \((?:[^()]|\([^()]*\))*\)"
                      r"(?:, inlined in [^@]*?)? at ([\w./-]+\.[chS]):(\d+)")


# The lines [first, last] of func's body in lines: a C function's from its
# definition to its closing brace at column 0, an assembly label's up to
# the next label; None when the file does not define func.
def body(lines, func, assembly):
    if assembly:
        start, end = re.compile(r"^%s:" % re.escape(func)), re.compile(r"^\w+:")
    else:
        start = re.compile(r"^[A-Za-z_][^;]*\b%s\(.*[^;]$" % re.escape(func))
        end = re.compile(r"^}")
    first = next((i for i, l in enumerate(lines, 1) if start.match(l)), None)
    if first is None:
        return None
    after = next((i for i in range(first + 1, len(lines) + 1) if end.match(lines[i - 1])),
                 len(lines) + 1)
    return first, after - 1 if assembly else after


# How many frames of text (doc name's) lie in a function the tree defines,
# and what is wrong with each whose line is outside that function.
def misplaced_frames(name, text):
    wrong, frames = [], 0
    for i, line in enumerate(text.split("\n"), 1):
        for m in FRAME_RE.finditer(line):
            func, n = m.group(1), int(m.group(3))
            path = resolve(m.group(2))
            span = body(source(path), func, path.endswith(".S")) if path else None
            if span is None:
                continue
            frames += 1
            if not span[0] <= n <= span[1]:
                wrong.append("%s:%d puts %s at %s:%d, outside its lines %d-%d"
                             % (name, i, func, path, n, span[0], span[1]))
    return frames, wrong


# The scenario docs_lines: a reason naming every stale quote and misplaced
# frame, or None.
def scenario_lines(run):
    names = ["README.md"] + ["docs/" + f for f in sorted(os.listdir(os.path.join(ROOT, "docs")))
                             if f.endswith(".md")]
    stale, quotes, frames = [], 0, 0
    for name in names:
        with open(os.path.join(ROOT, name), encoding="utf-8") as f:
            text = f.read()
        n, wrong = stale_quotes(name, text)
        quotes, stale = quotes + n, stale + wrong
        n, wrong = misplaced_frames(name, text)
        frames, stale = frames + n, stale + wrong
    if stale:
        return "; ".join(stale), None
    run.detail.append("every source line the docs quote (%d) is its file's, every frame (%d) "
                      "in its function" % (quotes, frames))
    return None, None


# The project's own sources whose comments code_comments checks.
def own_sources():
    files = []
    for top in ("kernel", "include", "mkfs", "user"):
        for base, dirs, names in os.walk(os.path.join(ROOT, top)):
            rel = os.path.relpath(base, ROOT)
            if re.match(r"user/lab\d", rel):
                continue
            files += [os.path.join(rel, n) for n in names if re.search(r"\.[chS]$", n)]
    return sorted(files)


# The functions defined in lines (a C file) with no comment right above
# their signature, as (line number, name). A definition is a "{" alone
# at the start of a line after a signature with "(" (its lines after the
# first indented); a comment ends in "*/" or is a "//" line.
def uncommented(lines):
    found = []
    for i, line in enumerate(lines):
        if line != "{":
            continue
        j = i - 1
        while j > 0 and lines[j][:1] in (" ", "\t"):
            j -= 1
        signature = " ".join(lines[j:i])
        m = re.search(r"(\w+)\s*\(", signature)
        if not m or "=" in signature.split("(")[0]:
            continue
        above = lines[j - 1].strip() if j > 0 else ""
        if not (above.endswith("*/") or above.startswith("//")) and m.group(1) != "main":
            found.append((j + 1, m.group(1)))
    return found


# The scenario code_comments: a reason naming every file without a
# comment at its top and every function without one above it, or None.
def scenario_comments(run):
    files, bare, functions = own_sources(), [], 0
    for path in files:
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            lines = f.read().split("\n")
        if not lines[0].startswith(("/*", "//")):
            bare.append("%s does not begin with a comment" % path)
        for n, name in uncommented(lines):
            bare.append("%s:%d: %s has no comment above it" % (path, n, name))
        functions += sum(1 for line in lines if line == "{")
    if bare:
        return "; ".join(bare), None
    run.detail.append("all %d source files begin with a comment, and every function "
                      "(%d) has one above it" % (len(files), functions))
    return None, None
