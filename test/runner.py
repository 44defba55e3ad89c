"""
test/runner.py: runs tests on QEMU machines for test/run.py.

A run is planned as units, in the order they are reported: boots of tests
(tests of the same cpus= and kernel share boots, in name order, at most
BOOT_TESTS to a boot; an own-boot test gets one of its own), then each
scenario (test/scenarios.py). Lanes (--jobs of them, each with one QEMU at
a time) take the units longest first, as long as the last run's times say
(or the typical ones of test/times.json; start_order), so that the lanes
end together (one lane: in plan order); a unit's results are reported
once every unit before it in the plan has been, so the report reads the
same whatever the lanes did.

In a boot, each test is typed at the prompt between two `free` runs (the
leak check) and judged by suite.judge; a panic, a hang or QEMU's exit
fails the test that was running and the next test gets a fresh boot.
After a boot of tests halts, `mkfs --check` checks its disk (the disk
check). docs/testing.md describes all of it from the user's side.
"""

import atexit
import json
import os
import shutil
import tempfile
import threading
import time

from benchmarks import is_figure
from machine import QUIT_TIMEOUT, BootError, Machine, mkfs_check, root_names, test_image
from report import Result
from suite import clean_lines, judge

DEFAULT_TIMEOUT = 30.0       # per test, unless the test says timeout=
# Tests sharing one boot, at most. A boot costs about 0.3 s of a host
# core and 0.4 s of its lane (QEMU's start, OpenSBI, the kernel's, the halt
# and the disk check), so fewer, longer boots: 3 of the common kind (up
# to 144 tests), of 12 to 17 s each, which start first (start_order) and
# leave the lanes enough short units to end together. At 40, the 121st
# test made it 4.
BOOT_TESTS = 48
LEAK_RETRIES = 6             # extra `free` runs before calling it a leak
LEAK_RETRY_DELAY = 0.35      # seconds between them (~2 s in all)
BOOT_SECONDS = 0.5           # a boot and its disk check, for start_order
GUESS_SECONDS = 1.0          # a test the last run did not time, for start_order


# A build directory given on the command line, relative to the root.
def build_path(d, root):
    return d if os.path.isabs(d) else os.path.join(root, d)


# --jobs by default: 2 lanes on a host of 2 cores or more, else 1. A QEMU
# of 4 harts keeps less than a core busy on average (tests wait on sleeps
# and the disk), so two about fill two cores; more would only contend.
def default_jobs():
    return 2 if (os.cpu_count() or 1) >= 2 else 1


class Unit:
    """What one lane runs at a time: tests sharing boots (with cpus harts,
    on the debug kernel if debug, the kernel's memory capped at mem if
    given), or one scenario; and its results, kept until every unit before
    it has been reported."""

    def __init__(self, tests=(), cpus=None, debug=False, results=(), mem=None):
        self.tests = list(tests)
        self.cpus = cpus
        self.mem = mem
        self.debug = debug
        self.results = list(results)
        self.reported = 0            # how many of results the Report has
        self.done = bool(results)    # nothing left to run


# tests split into about equal runs of at most size, in order.
def boots_of(tests, size):
    n = -(-len(tests) // size)
    return [tests[i * len(tests) // n:(i + 1) * len(tests) // n] for i in range(n)]


def plan(tests, cpus):
    """The units of a run, in report order: first the tests whose metadata
    is wrong (failed at once), then the boots of tests (own-boot tests
    alone, the others by cpus value, mem value and kernel, in the order of
    their first test), then the scenarios."""
    bad = [Result(t.name, t.kind, t.meta_error, 0) for t in tests if t.meta_error]
    units = [Unit(results=bad)] if bad else []
    groups = []
    shared = {}
    for t in tests:
        if t.meta_error or t.scenario:
            continue
        key = (t.cpus or cpus, t.debug, t.mem)
        if t.own_boot:
            groups.append(([t], key))
        elif key in shared:
            shared[key].append(t)
        else:
            shared[key] = [t]
            groups.append((shared[key], key))
    for group, (n, debug, mem) in groups:
        units += [Unit(b, n, debug, mem=mem) for b in boots_of(group, BOOT_TESTS)]
    units += [Unit([t]) for t in tests if t.scenario and not t.meta_error]
    return units


# The file in the build directory that keeps each test's seconds for the
# next run's start_order.
def times_path(build):
    return os.path.join(build, "test-times.json")


# Typical seconds of each test and scenario (a `make test` on the 2-core
# host, kept in the tree): a build that has run nothing yet (a fresh
# clone, CI) orders its lanes by these, so its first run is balanced too.
TYPICAL_TIMES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "times.json")


def read_times(path):
    """The seconds by name in the JSON file at path ({} if there is none,
    or it is unreadable)."""
    try:
        with open(path) as f:
            times = json.load(f)
        return {k: float(v) for k, v in times.items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def load_times(build):
    """The seconds each test, benchmark and scenario took when it last ran
    in build, by name, over the typical ones (TYPICAL_TIMES)."""
    times = read_times(TYPICAL_TIMES)
    times.update(read_times(times_path(build)))
    return times


def save_times(build, results):
    """Adds the seconds of results (the disk checks aside) to the file
    load_times reads, keeping the entries of tests that did not run."""
    times = load_times(build)
    times.update({r.name: round(r.seconds, 2) for r in results if r.kind != "disk_check"})
    tmp = times_path(build) + ".tmp"
    with open(tmp, "w") as f:
        json.dump(times, f, indent=0, sort_keys=True)
    os.replace(tmp, times_path(build))


def start_order(units, times):
    """The indexes of units in the order lanes take them: the longest
    first (so that no long unit starts when the other lanes are almost
    done), by times, the seconds each test took in the last run
    (GUESS_SECONDS for one it did not time); plan order among equals, so
    with no times at all the lanes follow the plan."""
    def seconds(u):
        boot = BOOT_SECONDS if u.tests and not u.tests[0].scenario else 0.0
        return boot + sum(times.get(t.name, GUESS_SECONDS) for t in u.tests)
    return sorted(range(len(units)), key=lambda i: -seconds(units[i]))


class Runner:
    """Runs tests and scenarios on lanes and hands each result, in plan
    order, to a Report.

    args: run.py's options (build, debug_build, cpus, timeout, stop, seed,
    cuts, jobs); echo: a stream the consoles are echoed to (-v), or None;
    times: the seconds each test took in the last run, by name (for
    start_order), or None."""

    def __init__(self, args, report, root, echo=None, times=None):
        self.args = args
        self.report = report
        self.build = build_path(args.build, root)
        self.debug_build = build_path(args.debug_build, root)
        self.echo = echo
        self.boots = 0
        self.stop_now = False
        self.times = times or {}
        self.units = []
        self.order = []              # indexes of units, in the order lanes take them
        self.next_unit = 0           # the next of order a lane takes
        self.head = 0                # the first unit not wholly reported
        self.error = None            # an exception a lane raised
        self.lock = threading.Lock()

    # Runs the tests and the scenarios on --jobs lanes (no more than there
    # are units), reporting each result in plan order.
    def run_tests(self, tests):
        self.report.begin(tests)
        self.units = plan(tests, self.args.cpus)
        self.flush()
        jobs = max(1, min(getattr(self.args, "jobs", 1) or 1, len(self.units)))
        # One lane gains nothing by another order, and reports as it goes.
        self.order = start_order(self.units, self.times) if jobs > 1 else \
            list(range(len(self.units)))
        lanes = [Lane(self) for _ in range(jobs)]
        if jobs == 1:
            lanes[0].work()
        else:
            threads = [threading.Thread(target=lane.work, daemon=True) for lane in lanes]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        if self.error:
            raise self.error

    # The next unit to run, or None when all are taken or the run stops.
    def take(self):
        with self.lock:
            while self.next_unit < len(self.order) and self.units[self.order[self.next_unit]].done:
                self.next_unit += 1
            if self.stop_now or self.next_unit == len(self.order):
                return None
            self.next_unit += 1
            return self.units[self.order[self.next_unit - 1]]

    # A result of unit; with --stop, a failure ends the run.
    def add(self, unit, result):
        with self.lock:
            unit.results.append(result)
            if not result.passed and result.kind != "disk_check" and self.args.stop:
                self.stop_now = True
            self.flush()

    # unit has run (or will not run further).
    def finish(self, unit):
        with self.lock:
            unit.done = True
            self.flush()

    # Reports what can be: the results of the units in order, up to the
    # first one still running (its results so far included).
    def flush(self):
        while self.head < len(self.units):
            u = self.units[self.head]
            while u.reported < len(u.results):
                self.report.add(u.results[u.reported])
                u.reported += 1
            if not u.done:
                return
            self.head += 1

    # The number of a new boot (they are numbered as they start).
    def count_boot(self):
        with self.lock:
            self.boots += 1
            return self.boots


class Lane:
    """One QEMU at a time: runs units its Runner hands out. A scenario gets
    its lane as `run`: args, build, detail (its lines of detail), boot_on,
    new_machine and scenario_image."""

    def __init__(self, runner):
        self.runner = runner
        self.args = runner.args
        self.report = runner.report
        self.build = runner.build
        self.debug_build = runner.debug_build
        self.echo = runner.echo
        self.boot_failures_in_a_row = 0
        self.unit = None             # the unit running
        self.detail = []             # a scenario's lines of detail
        self.scenario_boots = None   # the machines a scenario booted

    # Runs units until none is left; an exception ends the run (the
    # Runner raises it once every lane has stopped).
    def work(self):
        run = self.runner
        while True:
            unit = run.take()
            if unit is None:
                return
            self.unit = unit
            try:
                if unit.tests[0].scenario:
                    self.run_scenario(unit.tests[0])
                else:
                    self.run_batch(unit.tests, unit.cpus, unit.debug, unit.mem)
            except BaseException as e:
                run.error = run.error or e
                run.stop_now = True
            finally:
                run.finish(unit)

    # Reports a test's result (symbolized with the kernel it ran on).
    def record(self, test, reason, seconds, console=None, log_text=None, notes=()):
        elf = os.path.join(self.debug_build, "kernel.elf") if test.debug else None
        self.runner.add(self.unit, Result(test.name, test.kind, reason, seconds, console,
                                          log_text, notes, elf=elf))

    # A machine whose console goes to boots/NN-FIRST.log in the log folder
    # (on the debug kernel if debug, with the kernel command line bootargs).
    # Tests run the disk with QEMU's cache=unsafe: QEMU then skips the host
    # fdatasync after each request (a quarter of `make test`'s time). The
    # guest sees the same disk, write-through, and a power cut here is a
    # SIGKILL of QEMU, after which the host's page cache still holds every
    # request QEMU completed, exactly as after a sync: what a cut can lose
    # is what it could lose before, the requests not yet completed. Only a
    # crash of the host itself would tell the modes apart, and no test makes
    # one. Benchmarks keep the Makefile's write-through disk, the one `make
    # qemu` gives, since its speed is what they measure.
    def new_machine(self, cpus, first, image=None, debug=False, bootargs=None):
        log = os.path.join(self.report.logdir, "boots",
                           "%02d-%s.log" % (self.runner.count_boot(), first))
        m = Machine(self.build, cpus, log, self.echo, image,
                    self.debug_build if debug else None, bootargs,
                    None if self.args.bench else "unsafe")
        if self.scenario_boots is not None:
            self.scenario_boots.append(m)
        return m

    # A test's log: its part of the boot's console, saying where it is from.
    def test_log(self, m, test, start):
        return "# %s: console of %s from where it was typed\n%s" % (
            test.name, os.path.relpath(m.log_path, self.report.logdir), m.text[start:])

    # Runs a list of tests sharing boots (on the debug kernel if debug,
    # with the kernel's memory capped at mem if given); reboots after a crash.
    def run_batch(self, tests, cpus, debug, mem=None):
        queue = list(tests)
        while queue and not self.runner.stop_now:
            if self.boot_failures_in_a_row >= 2:
                for t in queue:
                    self.record(t, "not run: the kernel did not boot twice in a row", 0)
                return
            m = self.new_machine(cpus, queue[0].name, debug=debug,
                                 bootargs="mem=" + mem if mem else None)
            try:
                try:
                    m.boot()
                    base, out, why = m.free_pages()
                    if why:
                        raise BootError("`free` after boot: " + why)
                except BootError as e:
                    self.boot_failures_in_a_row += 1
                    self.record(queue.pop(0), str(e), 0, m.text)
                    continue
                self.boot_failures_in_a_row = 0
                ran = []
                while queue and not self.runner.stop_now:
                    test = queue.pop(0)
                    ran.append(test.name)
                    base, alive = self.run_one(m, test, base)
                    if not alive:
                        break
                # After a clean halt the disk must check clean: no test may
                # leak a block or an inode, or leave the file system broken.
                if ran and m.halt(QUIT_TIMEOUT) is None:
                    self.disk_check(m, ran)
            finally:
                m.stop()

    # Runs `mkfs --check` on the disk of a boot that halted after the tests
    # in ran, and reports it apart from the tests. The files the boot began
    # with must all be there still: a test that named a file of its own as
    # a program (fork_many_maps wrote and removed "/fork_many_maps") took
    # that program off the disk, so it could not run again, and gave the
    # tests after it in the boot a disk with its blocks free (hostile_disk,
    # which fills the disk to its last block, then failed, and left it full
    # for every test after it).
    def disk_check(self, m, ran):
        why, _, out = mkfs_check(self.build, m.img, notes_ok=False)
        gone = sorted(root_names(test_image(self.build)) - root_names(m.img))
        if gone and why is None:
            why = "the boot's tests removed %s from the disk" % ", ".join("/" + n for n in gone)
        label = "after " + (ran[0] if len(ran) == 1 else "%s..%s" % (ran[0], ran[-1]))
        self.runner.add(self.unit, Result(
            "disk_check", "disk_check", why, 0, out,
            "# mkfs --check of the disk of %s, %s\n%s" % (
                os.path.relpath(m.log_path, self.report.logdir), label, out), label=label))

    # Runs one test on a booted machine. Returns (new baseline, machine
    # still usable).
    def run_one(self, m, test, base):
        timeout = test.timeout or self.args.timeout
        start = len(m.text)
        out, why, dt = m.run(test.command, timeout)
        if why:
            self.record(test, why, dt, m.text[start:], self.test_log(m, test, start))
            return None, False
        after, _, fwhy = m.free_pages()
        tries = 0
        while (not fwhy and test.leak_check and base is not None
               and after != base and tries < LEAK_RETRIES):
            time.sleep(LEAK_RETRY_DELAY)
            after, _, fwhy = m.free_pages()
            tries += 1
        if fwhy:
            self.record(test, "after the test, running `free`: " + fwhy, dt,
                        m.text[start:], self.test_log(m, test, start))
            return None, False
        # Judge everything from the test's start to the last `free`: a line
        # printed by an orphan after the prompt came back counts too.
        reason = judge(test, m.text[start:])
        if reason is None and test.leak_check and base is not None and after != base:
            reason = ("leaked %d page(s): free_pages %d before, %d after"
                      % (base - after, base, after))
        notes = []
        if test.bench and reason is None:
            notes = [l.rstrip() for l in clean_lines(out) if l.strip() and not is_figure(l)]
        self.record(test, reason, dt, out, self.test_log(m, test, start), notes)
        return after, True

    # Runs a scenario (a function of test/scenarios.py returning (reason or
    # None, console excerpt or None)) and reports it with its detail lines;
    # its log holds the console of every machine it booted, all killed
    # after it (not the other lanes').
    def run_scenario(self, test):
        self.detail = []
        self.scenario_boots = []
        t0 = time.monotonic()
        try:
            reason, console = test.scenario(self, test)
        except BootError as e:
            reason, console = str(e), None
        finally:
            for m in self.scenario_boots:
                m.kill()
        log = "".join("==== %s ====\n%s\n" % (os.path.relpath(m.log_path, self.report.logdir),
                                              m.text) for m in self.scenario_boots)
        if console and not self.scenario_boots:
            log += console + "\n"
        if self.detail:
            log += "==== detail ====\n" + "\n".join(self.detail) + "\n"
        self.scenario_boots = None
        self.record(test, reason, time.monotonic() - t0, console, log, self.detail)

    # A fresh copy of the tests' disk that outlives boots; removed at exit.
    def scenario_image(self):
        tmpdir = tempfile.mkdtemp(prefix="osv-rv-scenario-")
        atexit.register(shutil.rmtree, tmpdir, True)
        image = os.path.join(tmpdir, "fs.img")
        shutil.copyfile(test_image(self.build), image)
        return image

    # A machine booted on image (BootError if it does not come up), with
    # the debug kernel if debug.
    def boot_on(self, image, label, debug=False):
        m = self.new_machine(self.args.cpus, label, image, debug=debug)
        m.boot()
        return m
