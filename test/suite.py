"""
test/suite.py: what test/run.py runs and how it judges it: the tests found
in test/ and user/lab0/ with their metadata (`// test: ...` comments), and
the rules a test's console must meet. docs/testing.md is the reference for
both.
"""

import difflib
import os
import re

from machine import ROOT, strip_ansi

TEST_DIR = os.path.join(ROOT, "test")
# Our own osv-style lab programs (built with osv's flags, named by file).
LAB_DIR = os.path.join(ROOT, "user", "lab0")
META_LINES = 40              # metadata is looked for in this many lines
META_RE = re.compile(r"^\s*(?://|/?\*+)\s*test:\s*(.*?)\s*(?:\*/)?\s*$")
EXPECT_KILLED_RE = re.compile(r"^\s*expect-killed=(\d+)\s*$")
# A killed process's line as docs/api.md gives it, from the line's start:
# the pid, the program, the cause, the address and the pc.
KILLED_RE = re.compile(r"^killed: pid \d+ \(.*\): [a-z ]+ at 0x[0-9a-f]+, pc 0x[0-9a-f]+$")
META_KEYS = {"expect-killed", "timeout", "own-boot", "cpus", "mem", "debug", "no-leak-check",
             "helper"}
MEM_RE = re.compile(r"^\d+[KMG]$")
YES = ("", "1", "yes", "true")


class Test:
    """A test program, a benchmark or a scenario, with its metadata."""

    def __init__(self, name, path=None, scenario=None):
        self.name = name
        self.path = path
        self.command = name        # what is typed at the prompt
        self.bench = name.startswith("bench_")
        self.expect_killed = 0
        self.timeout = None
        self.own_boot = False
        self.cpus = None
        self.mem = None            # the kernel's mem= boot argument ("64M"), or None
        self.debug = False
        self.leak_check = True
        self.helper = False
        self.scenario = scenario   # for scenarios: scenario(runner, test)
        self.meta_error = None
        if path is not None:
            self.parse_metadata()

    # What the reports call it: a test, a benchmark or a scenario.
    @property
    def kind(self):
        return "scenario" if self.scenario else "benchmark" if self.bench else "test"

    # Reads the `test:` comments among the first META_LINES lines; one
    # further down is an error, not a limit silently left out.
    def parse_metadata(self):
        try:
            with open(self.path, encoding="utf-8", errors="replace") as f:
                lines = f.readlines()
        except OSError as e:
            self.meta_error = str(e)
            return
        for number, line in enumerate(lines, 1):
            m = META_RE.match(line) if "test:" in line else None
            if not m:
                continue
            if number > META_LINES:
                self.meta_error = "metadata on line %d of %s: only the first %d lines are read" % (
                    number, os.path.relpath(self.path, ROOT), META_LINES)
                return
            for tok in re.split(r"[,\s]+", m.group(1)):
                if tok:
                    self.apply(tok)

    # Applies one `key` or `key=value` token; an unknown key or a bad
    # value sets meta_error, which fails the test.
    def apply(self, tok):
        key, _, value = tok.partition("=")
        try:
            if key not in META_KEYS:
                raise ValueError("unknown metadata key")
            if key == "expect-killed":
                self.expect_killed = int(value)
            elif key == "timeout":
                self.timeout = float(value)
            elif key == "own-boot":
                self.own_boot = value in YES
            elif key == "cpus":
                self.cpus = int(value)
                if self.cpus < 1:
                    raise ValueError("cpus must be >= 1")
            elif key == "mem":
                if not MEM_RE.match(value):
                    raise ValueError("mem takes a size such as 64M")
                self.mem = value
            elif key == "debug":
                self.debug = value in YES
            elif key == "no-leak-check":
                self.leak_check = value not in YES
            elif key == "helper":
                self.helper = value in YES
        except ValueError as e:
            self.meta_error = "bad metadata '%s' in %s: %s" % (
                tok, os.path.relpath(self.path, ROOT), e)

    # The metadata as --list shows it.
    def describe(self):
        parts = []
        if self.expect_killed:
            parts.append("expect-killed=%d" % self.expect_killed)
        if self.timeout:
            parts.append("timeout=%g" % self.timeout)
        if self.own_boot:
            parts.append("own-boot")
        if self.cpus:
            parts.append("cpus=%d" % self.cpus)
        if self.mem:
            parts.append("mem=%s" % self.mem)
        if self.debug:
            parts.append("debug")
        if not self.leak_check:
            parts.append("no-leak-check")
        if self.helper:
            parts.append("helper")
        if self.scenario:
            parts.append("scenario")
        return " ".join(parts)


def course_programs(user=os.path.join(ROOT, "user")):
    """The file names of the programs in a course's lab folders (user/*/
    but user/lib and user/lab0): a test of test/ or lab0 of the same name
    is not on the disk (the Makefile puts the course's there instead)."""
    names = set()
    for d in os.listdir(user):
        path = os.path.join(user, d)
        if d not in ("lib", "lab0") and os.path.isdir(path):
            names.update(fn for fn in os.listdir(path) if fn.endswith(".c"))
    return names


def programs(bench):
    """The test programs (or benchmarks) in test/ and user/lab0/, helpers
    too, by name. A test a course's program of the same name replaces is
    left out."""
    tests = []
    shadowed = course_programs()
    for d in (TEST_DIR, LAB_DIR):
        for fn in (os.listdir(d) if os.path.isdir(d) else []):
            if fn.endswith(".c") and fn not in shadowed and fn.startswith("bench_") == bench:
                tests.append(Test(fn[:-2], os.path.join(d, fn)))
    return sorted(tests, key=lambda t: t.name)


def discover(bench, helpers=False):
    """The tests (or benchmarks) of programs(bench); the helper programs
    instead with helpers."""
    return [t for t in programs(bench) if t.helper == helpers]


def unknown_name(name, names):
    """The message for a name that is no test: with the closest names, or,
    for a program of user/ (a student's first own program, which `make
    test T=` does not run), where it runs instead."""
    user = os.path.join(ROOT, "user")
    for d in [user] + [os.path.join(user, d) for d in sorted(os.listdir(user))
                       if d not in ("lib", "lab0")]:
        if os.path.isfile(os.path.join(d, name + ".c")):
            return "%s is a program (%s): run it at the prompt of make qemu" % (
                name, os.path.relpath(os.path.join(d, name + ".c"), ROOT))
    close = (difflib.get_close_matches(name, names, n=3, cutoff=0.8)
             or difflib.get_close_matches(name, names, n=1, cutoff=0.6))
    return "%s%s" % (name, " (did you mean %s?)" % " or ".join(close) if close else "")


# The lines of a console, without colour codes.
def clean_lines(out):
    return [strip_ansi(l) for l in out.split("\n")]


def judge(test, out, need_pass=None):
    """Returns None if the output passes, else a reason. A `passed` line is
    needed unless need_pass is False (default: for tests, not benchmarks)."""
    lines = clean_lines(out)
    for l in lines:
        if "PANIC" in l:
            return "kernel panic"
    for l in lines:
        if "Assertion failed" in l:
            return l.strip()
    for l in lines:
        if "ERROR" in l:
            return l.strip()
    killed = 0
    for l in lines:
        if "killed:" in l:
            if not KILLED_RE.match(l):
                return "a killed: line not in the documented form: %s" % l.strip()
            killed += 1
    # A test that only learns at run time how many of its processes it
    # killed on purpose (test/fuzz.c) says so in a line `expect-killed=N`.
    expect_killed = test.expect_killed
    for l in lines:
        m = EXPECT_KILLED_RE.match(l)
        if m:
            expect_killed = int(m.group(1))
    if killed != expect_killed:
        return "%d killed: line(s), expected %d" % (killed, expect_killed)
    if need_pass is None:
        need_pass = not test.bench
    if need_pass and not any(re.match(r"\s*passed\b", l) for l in lines):
        return "no 'passed' line"
    return None
