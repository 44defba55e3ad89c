"""
test/dashboard_check.py: the scenario dashboard, a check of `make bench`'s
table, build/bench.json and `make bench-compare` (test/benchmarks.py)
without running a benchmark: it boots nothing.

Two made-up runs of benchmark results go through benchmarks.dashboard in
a temporary build folder: each a passing benchmark printing figures among
other lines, and a failing one whose figures must be ignored. Then:

- the table has a row per figure, with its ratio and its target, met or
  not as the numbers say; a figure no row names is shown too, and so are
  the host's own figures (test/host/ring.c's, run before the boot) and
  its notes;
- bench.json holds every figure and the ratios issue 12 names
  (fork_32m_over_tiny, fork_tiny_over_null, futex_rtt_over_null,
  region_over_ceiling, fswrite_over_raw) with the right values, and each
  target with whether it is met; the second run keeps the first one's
  file as bench.prev.json;
- `make bench-compare B=<that folder>` prints both runs' values of a
  figure side by side with the change, and fails with a message when
  there is no earlier run;
- every figure the table names is printed by some test/bench_*.c or,
  for the host's own, test/host/*.c (a renamed figure would otherwise
  silently show as missing).
"""

import glob
import json
import os
import shutil
import subprocess
import tempfile

import benchmarks
from machine import ROOT, make_env
from report import Result
from suite import TEST_DIR

REQUIRED = ("fork_32m_over_tiny", "fork_tiny_over_null", "futex_rtt_over_null",
            "region_over_ceiling", "fswrite_over_raw")

FIGURES = """bench_vm: some words for people
bench: null_syscall_ns=1000.00 ns
bench: fork_tiny_ns=50000.00 ns
bench: fork_32m_ns=%s ns
bench: fork_tiny_cold_ns=64000.00 ns
bench: fork_exit_wait_tiny_ns=90000.00 ns
bench: futex_rtt_ns=30000.00 ns
bench: region_mbps=450.00 MB/s
bench: ceiling_mbps=500.00 MB/s
bench: disk_raw_mbps=30.00 MB/s
bench: fswrite_mbps=6.00 MB/s
bench: made_up_ns=12.00 ns
"""

# What test/host/ring.c prints on a made-up host, a note among the figures.
HOST = """bench: native_ceiling_mbps=20000.00 MB/s
bench: native_ring_mbps=5000.00 MB/s
ring: a note for people
"""


# The made-up results of one run: fork(32 MiB) took fork_32m ns.
def results(fork_32m):
    return [Result("bench_vm", "benchmark", None, 1.0, FIGURES % fork_32m),
            Result("bench_shm", "benchmark", "ERROR: made up", 1.0,
                   "bench: null_syscall_ns=7.00 ns\nbench: futex_rtt_ns=1.00 ns\n")]


# The table's line for the row labelled label.
def row(lines, label):
    found = [l for l in lines if (l.strip() + " ").startswith(label + " ")]
    return found[0] if found else ""


def check_table(lines):
    want = {"fork, 32 MiB touched": ("1.60 x tiny fork", "1.60 x tiny fork"),
            "fork, 32 MiB, against the same": ("1.25 x tiny fork", "met"),
            "fork + exit + wait, tiny": ("90.0 x null call", "met"),
            "futex round trip, two processes": ("30.0 x null call", "NOT met"),
            "32 MiB through a shared region": ("0.90 x ceiling", "met"),
            "16 MiB journaled write()": ("0.20 x raw disk", "NOT met"),
            "host, natively: the region's hand-off": ("0.25 x host ceiling", "0.25 x host ceiling"),
            "ring: a note for people": ("", ""),
            "made_up_ns": ("", "")}
    for label, (ratio, verdict) in want.items():
        line = row(lines, label)
        if not line or ratio not in line or not line.endswith(verdict):
            return "table row %r is %r, expected %r ... %r" % (label, line, ratio, verdict)
    return None


def check_json(build):
    with open(os.path.join(build, "bench.json")) as f:
        data = json.load(f)
    want = {"fork_32m_over_tiny": 1.25, "fork_32m_over_warm_tiny": 1.6,
            "fork_tiny_over_null": 90.0, "futex_rtt_over_null": 30.0,
            "region_over_ceiling": 0.9, "fswrite_over_raw": 0.2, "null_syscall_ns": 1000.0,
            "fork_32m_ns": 80000.0, "made_up_ns": 12.0, "native_ring_over_ceiling": 0.25,
            "native_ceiling_mbps": 20000.0}
    for key, value in want.items():
        if not isinstance(data.get(key), (int, float)) or abs(data[key] - value) > 1e-6:
            return "bench.json: %s is %r, expected %r" % (key, data.get(key), value)
    for key in REQUIRED:
        t = data.get("targets", {}).get(key)
        if not t or t["met"] != (key in ("fork_32m_over_tiny", "fork_tiny_over_null",
                                         "region_over_ceiling")):
            return "bench.json: the target of %s is %r" % (key, t)
    if data.get("units", {}).get("fswrite_mbps") != "MB/s" or not data.get("run", {}).get("date"):
        return "bench.json: units %r, run %r" % (data.get("units"), data.get("run"))
    with open(os.path.join(build, "bench.prev.json")) as f:
        prev = json.load(f)
    if prev.get("fork_32m_ns") != 100000.0:
        return "bench.prev.json is not the first run's: fork_32m_ns %r" % prev.get("fork_32m_ns")
    return None


def check_compare(build):
    def make():
        return subprocess.run(["make", "-s", "--no-print-directory", "bench-compare",
                               "B=" + build], cwd=ROOT, env=make_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True, timeout=60)
    r = make()
    line = [l for l in r.stdout.split("\n") if l.split()[:1] == ["fork_32m_ns"]]
    want = ["fork_32m_ns", "100000", "80000", "-20.0%", "better"]
    if r.returncode != 0 or not line or line[0].split() != want:
        return "make bench-compare: status %d, fork_32m_ns line %r, expected %r" % (
            r.returncode, line, want)
    os.unlink(os.path.join(build, "bench.prev.json"))
    r = make()
    if r.returncode == 0 or "run `make bench` twice" not in r.stdout:
        return "make bench-compare without an earlier run: status %d, %r" % (
            r.returncode, r.stdout.strip())
    return None


def check_sources():
    """Every figure of the table is printed by a benchmark (its key in
    quotes, as benchlib.h's calls name it) or by the host's test/host/*.c
    (its key in a `bench: KEY=` line)."""
    text = ""
    for path in (glob.glob(os.path.join(TEST_DIR, "bench_*.c"))
                 + glob.glob(os.path.join(TEST_DIR, "host", "*.c"))):
        with open(path) as f:
            text += f.read()
    missing = sorted({r.key for r in benchmarks.ROWS
                      if '"%s"' % r.key not in text and "bench: %s=" % r.key not in text})
    return "no test/bench_*.c or test/host/*.c prints %s" % ", ".join(
        missing) if missing else None


# The scenario: two runs, then every check.
def scenario(run, test):
    build = tempfile.mkdtemp(prefix="osv-rv-dashboard-")
    try:
        benchmarks.dashboard(results("100000.00"), build, 4, host=HOST)
        lines = benchmarks.dashboard(results("80000.00"), build, 4, host=HOST)
        for why in (check_table(lines), check_json(build), check_compare(build),
                    check_sources()):
            if why:
                return why, "\n".join(lines)
        run.detail.append("the table, bench.json, bench.prev.json and bench-compare agree")
        return None, None
    finally:
        shutil.rmtree(build, ignore_errors=True)
