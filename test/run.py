#!/usr/bin/env python3
"""
osv-rv's test runner (`make test`): boots the kernel in QEMU, types each
test program's name at the shell prompt, judges what it prints, checks
that no frame leaked, then runs the scenarios. Standard-library Python 3.

    python3 test/run.py [NAME...] [--list] [--tap] [--junit FILE] ...

docs/testing.md is its manual: every option, how a test is judged, the
metadata, the scenarios, the logs and the report formats. The runner is
split by subject: test/machine.py (one QEMU boot and its console),
test/suite.py (finding tests, their metadata, judging), test/runner.py
(running them on machines), test/report.py (logs, PASS/FAIL, TAP, JUnit,
Gradescope), test/scenarios.py (the scenarios) and test/benchmarks.py
(--bench's table of figures and build/bench.json).
"""

import argparse
import atexit
import os
import random
import shutil
import signal
import sys
import time

from benchmarks import dashboard, host_figures
from machine import ROOT, kill_all_machines, test_image
from report import Report
from runner import DEFAULT_TIMEOUT, Runner, build_path, default_jobs, load_times, save_times
from scenarios import scenarios
from suite import discover, programs, unknown_name

CUTS = 5                     # power cuts of the powercut scenario
FUZZ_GRACE = 120.0           # --fuzz: time for the workers to stop and clean up
OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
QEMU = "qemu-system-riscv64"


# The command line (docs/testing.md lists the options).
def parse_args(argv=None):
    ap = argparse.ArgumentParser(
        description="osv-rv test runner (docs/testing.md)")
    ap.add_argument("names", nargs="*", help="tests or scenarios to run (default: all)")
    ap.add_argument("--list", action="store_true", help="list the tests and their metadata")
    ap.add_argument("--bench", action="store_true", help="run the benchmarks")
    ap.add_argument("-v", "--verbose", action="store_true", help="echo the console")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                    help="default time limit per test, seconds")
    ap.add_argument("--stop", action="store_true", help="stop at the first failure")
    ap.add_argument("-j", "--jobs", type=int, default=None,
                    help="machines at once (default 2 on 2 or more cores, else 1; "
                         "1 with -v and for benchmarks)")
    ap.add_argument("--cpus", type=int, default=int(os.environ.get("CPUS") or 4),
                    help="harts of the QEMU machine")
    ap.add_argument("--build", default="build", help="build directory")
    ap.add_argument("--debug-build", default="build-debug",
                    help="build directory of the kernel of the `debug` tests")
    ap.add_argument("--seed", type=int, default=None,
                    help="seed of the powercut scenario (default: random)")
    ap.add_argument("--cuts", type=int, default=CUTS,
                    help="power cuts in the powercut scenario")
    ap.add_argument("--tap", action="store_true",
                    help="report in TAP version 13 on stdout instead of PASS/FAIL lines")
    ap.add_argument("--junit", metavar="FILE", help="also write the results as JUnit XML")
    ap.add_argument("--gradescope", metavar="FILE",
                    help="also write the results as Gradescope's results.json")
    ap.add_argument("--fuzz", type=int, default=None, metavar="SECONDS",
                    help="run only test/fuzz.c, for SECONDS, with --seed or a new seed")
    ap.add_argument("--workers", type=int, default=4,
                    help="--fuzz: worker processes (1 to 8, default 4)")
    return ap.parse_args(argv)


# make fuzz's command line that reruns this fuzz run.
def fuzz_rerun(args):
    return "make fuzz SECONDS=%d SEED=%d WORKERS=%d CPUS=%d" % (
        args.fuzz, args.seed, args.workers, args.cpus)


# test/fuzz.c as --fuzz runs it: `fuzz SEED SECONDS WORKERS` in a boot of
# its own, with time to stop and clean up after SECONDS. Picks and prints
# the seed (args.seed) first.
def fuzz_test(args):
    if args.seed is None:
        args.seed = random.randrange(1, 1 << 63)
    print("fuzz: seed %d, %d s, %d workers, %d harts (rerun: %s)"
          % (args.seed, args.fuzz, args.workers, args.cpus, fuzz_rerun(args)), flush=True)
    t = [t for t in discover(bench=False) if t.name == "fuzz"][0]
    t.command = "fuzz %d %d %d" % (args.seed, args.fuzz, args.workers)
    t.timeout = args.fuzz + FUZZ_GRACE
    t.own_boot = True
    return t


# The tests the names on the command line ask for (all by default), or a
# message saying why there are none. Each file's metadata is read once
# (programs: 0.03 s a look).
def select(args):
    found = programs(bench=False)
    tests = [t for t in found if not t.helper]
    benches = discover(bench=True)
    if not args.names:
        return (benches if args.bench else tests + scenarios()), None
    every = tests + benches + scenarios()
    helpers = {t.name for t in found if t.helper}
    by_name = {t.name: t for t in every}
    listed = "`python3 test/run.py --list` lists the tests"
    for n in args.names:
        if n in helpers:
            return None, ("%s is a helper program that scenarios run, not a test; %s"
                          % (n, listed))
    missing = [n for n in args.names if n not in by_name]
    if missing:
        return None, "no such test: %s; %s" % (", ".join(
            unknown_name(n, sorted(by_name)) for n in missing), listed)
    return [by_name[n] for n in args.names], None


# What must exist before the tests run; a message if something is missing.
def missing_parts(tests, build, debug_build):
    for f in ("kernel.elf", os.path.basename(test_image(build))):
        if not os.path.exists(os.path.join(build, f)):
            return "%s/%s is missing: run `make` first" % (os.path.relpath(build, ROOT), f)
    debug_kernel = os.path.join(debug_build, "kernel.elf")
    if any(t.debug for t in tests) and not os.path.exists(debug_kernel):
        return "%s is missing: run `make DEBUG=1` first" % os.path.relpath(debug_kernel, ROOT)
    if shutil.which(QEMU) is None or not os.path.exists(OPENSBI):
        return "%s or %s is missing: run `make deps`" % (QEMU, OPENSBI)
    return None


# Runs what the command line asks; returns the exit status (0 all passed,
# 1 a failure, 2 could not run).
def main():
    args = parse_args()

    def refuse(message):
        print(("Bail out! " if args.tap else "run.py: ") + message, flush=True)
        return 2

    if args.fuzz is not None and (args.fuzz < 1 or args.names or args.bench
                                  or not 1 <= args.workers <= 8):
        return refuse("--fuzz SECONDS takes SECONDS >= 1, --workers 1 to 8, "
                      "and no test names or --bench")
    if args.jobs is not None and args.jobs < 1:
        return refuse("--jobs takes a number >= 1")
    tests, why = select(args) if args.fuzz is None else ([fuzz_test(args)], None)
    if why:
        return refuse(why)
    # Benchmarks measure alone; -v's echo is readable from one console only.
    if any(t.bench for t in tests):
        args.jobs = 1
    elif args.jobs is None:
        args.jobs = 1 if args.verbose else default_jobs()
    if args.list:
        helpers = [] if args.names or args.bench else discover(bench=False, helpers=True)
        for t in tests + helpers:
            d = t.describe()
            print(t.name + ("  [" + d + "]" if d else "")
                  + ("  [" + t.meta_error + "]" if t.meta_error else ""))
        return 0

    build = build_path(args.build, ROOT)
    why = missing_parts(tests, build, build_path(args.debug_build, ROOT))
    if why:
        return refuse(why)
    report = Report(sys.stdout, os.path.join(build, "test-logs"),
                    os.path.join(build, "kernel.elf"), args.tap, args.junit, args.gradescope)
    echo = (sys.stderr if args.tap else sys.stdout) if args.verbose else None
    runner = Runner(args, report, ROOT, echo, load_times(build))
    if not tests and not args.tap:
        print("no %s to run" % ("benchmarks" if args.bench else "tests"))
    t0 = time.monotonic()
    # The host's own figures first, while no machine runs beside them.
    host = host_figures(build) if any(t.bench for t in tests) else ""
    try:
        runner.run_tests(tests)
    finally:
        kill_all_machines()
    save_times(build, report.results)      # the next run's start order
    # The table after benchmarks; bench.json only after all of them.
    if any(t.bench for t in tests):
        every = args.bench and not args.names
        for line in dashboard(report.results, build, args.cpus, write=every, host=host):
            report.say(("# " if args.tap else "") + line)
    status = report.end(runner.boots, time.monotonic() - t0)
    if args.fuzz is not None and status != 0:
        print("fuzz: to rerun: %s  (or `fuzz %d %d %d` at the prompt)"
              % (fuzz_rerun(args), args.seed, args.fuzz, args.workers))
    return status


# SIGTERM, SIGINT, SIGHUP: no QEMU may outlive the runner.
def on_signal(signum, frame):
    kill_all_machines()
    sys.exit(128 + signum)


if __name__ == "__main__":
    atexit.register(kill_all_machines)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    sys.exit(main())
