"""
test/docs_check.py: the scenario docs_names, a check that the docs name
every test, scenario and benchmark the runner knows, without building or
booting anything.

docs/testing.md is where a student or a TA looks up what a test checks,
and docs/performance.md what a benchmark measures; a test added without
its row was found nine times over in one audit. So:

- every test (test/*.c and user/lab0/*.c, not the helper programs) and
  every scenario must appear in docs/testing.md as `name`, in backticks;
- every benchmark (test/bench_*.c) must be named in docs/performance.md.

A course's own lab programs (user/labN/) are not osv-rv's to document and
are not looked at.
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
