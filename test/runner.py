"""
test/runner.py: runs tests on QEMU machines for test/run.py.

The tests share boots by cpus= and kernel, in name order; an own-boot test
gets a boot of its own; a panic, a hang or QEMU's exit fails the test that
was running and the next test gets a fresh boot. Each test is typed at the
prompt between two `free` runs (the leak check) and judged by suite.judge.
After a boot of tests halts, `mkfs --check` checks its disk (the disk
check). Scenarios (test/scenarios.py) run last, through the same Runner.
docs/testing.md describes all of it from the user's side.
"""

import atexit
import os
import shutil
import tempfile
import time

from benchmarks import is_figure
from machine import QUIT_TIMEOUT, BootError, Machine, kill_all_machines, mkfs_check
from report import Result
from suite import clean_lines, judge

DEFAULT_TIMEOUT = 30.0       # per test, unless the test says timeout=
LEAK_RETRIES = 6             # extra `free` runs before calling it a leak
LEAK_RETRY_DELAY = 0.35      # seconds between them (~2 s in all)


# A build directory given on the command line, relative to the root.
def build_path(d, root):
    return d if os.path.isabs(d) else os.path.join(root, d)


class Runner:
    """Runs tests and scenarios and hands each result to a Report.

    args: run.py's options (build, debug_build, cpus, timeout, stop, seed,
    cuts); echo: a stream the consoles are echoed to (-v), or None."""

    def __init__(self, args, report, root, echo=None):
        self.args = args
        self.report = report
        self.build = build_path(args.build, root)
        self.debug_build = build_path(args.debug_build, root)
        self.echo = echo
        self.boots = 0
        self.boot_failures_in_a_row = 0
        self.stop_now = False
        self.detail = []             # a scenario's lines of detail
        self.scenario_boots = None   # the machines a scenario booted

    # Reports a test's result (symbolized with the kernel it ran on);
    # with --stop, a failure ends the run.
    def record(self, test, reason, seconds, console=None, log_text=None, notes=()):
        elf = os.path.join(self.debug_build, "kernel.elf") if test.debug else None
        self.report.add(Result(test.name, test.kind, reason, seconds, console,
                               log_text, notes, elf=elf))
        if reason and self.args.stop:
            self.stop_now = True

    # A machine whose console goes to boots/NN-FIRST.log in the log folder
    # (on the debug kernel if debug, with the kernel command line bootargs).
    def new_machine(self, cpus, first, image=None, debug=False, bootargs=None):
        self.boots += 1
        log = os.path.join(self.report.logdir, "boots", "%02d-%s.log" % (self.boots, first))
        m = Machine(self.build, cpus, log, self.echo, image,
                    self.debug_build if debug else None, bootargs)
        if self.scenario_boots is not None:
            self.scenario_boots.append(m)
        return m

    # A test's log: its part of the boot's console, saying where it is from.
    def test_log(self, m, test, start):
        return "# %s: console of %s from where it was typed\n%s" % (
            test.name, os.path.relpath(m.log_path, self.report.logdir), m.text[start:])

    # Runs the tests, then the scenarios, reporting each.
    def run_tests(self, tests):
        self.report.begin(tests)
        runnable = []
        for t in tests:
            if t.meta_error:
                self.record(t, t.meta_error, 0)
            elif not t.scenario:
                runnable.append(t)
        # Own-boot tests each get a boot; the others share one per cpus
        # value and kernel, in name order overall.
        groups = []
        shared = {}
        for t in runnable:
            key = (t.cpus or self.args.cpus, t.debug)
            if t.own_boot:
                groups.append(([t], key))
            elif key in shared:
                shared[key].append(t)
            else:
                shared[key] = [t]
                groups.append((shared[key], key))
        for batch, (cpus, debug) in groups:
            if self.stop_now:
                break
            self.run_batch(batch, cpus, debug)
        for t in tests:
            if t.scenario and not t.meta_error and not self.stop_now:
                self.run_scenario(t)

    # Runs a list of tests sharing boots (on the debug kernel if debug);
    # reboots after a crash.
    def run_batch(self, tests, cpus, debug):
        queue = list(tests)
        while queue and not self.stop_now:
            if self.boot_failures_in_a_row >= 2:
                for t in queue:
                    self.record(t, "not run: the kernel did not boot twice in a row", 0)
                return
            m = self.new_machine(cpus, queue[0].name, debug=debug)
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
                while queue and not self.stop_now:
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
    # in ran, and reports it apart from the tests.
    def disk_check(self, m, ran):
        why, _, out = mkfs_check(self.build, m.img, notes_ok=False)
        label = "after " + (ran[0] if len(ran) == 1 else "%s..%s" % (ran[0], ran[-1]))
        self.report.add(Result("disk_check", "disk_check", why, 0, out,
                               "# mkfs --check of the disk of %s, %s\n%s" % (
                                   os.path.relpath(m.log_path, self.report.logdir),
                                   label, out), label=label))

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
    # its log holds the console of every machine it booted.
    def run_scenario(self, test):
        self.detail = []
        self.scenario_boots = []
        t0 = time.monotonic()
        try:
            reason, console = test.scenario(self, test)
        except BootError as e:
            reason, console = str(e), None
        finally:
            kill_all_machines()
        log = "".join("==== %s ====\n%s\n" % (os.path.relpath(m.log_path, self.report.logdir),
                                              m.text) for m in self.scenario_boots)
        if console and not self.scenario_boots:
            log += console + "\n"
        if self.detail:
            log += "==== detail ====\n" + "\n".join(self.detail) + "\n"
        self.scenario_boots = None
        self.record(test, reason, time.monotonic() - t0, console, log, self.detail)

    # A fresh copy of fs.img that outlives boots; removed at exit.
    def scenario_image(self):
        tmpdir = tempfile.mkdtemp(prefix="osv-rv-scenario-")
        atexit.register(shutil.rmtree, tmpdir, True)
        image = os.path.join(tmpdir, "fs.img")
        shutil.copyfile(os.path.join(self.build, "fs.img"), image)
        return image

    # A machine booted on image (BootError if it does not come up).
    def boot_on(self, image, label):
        m = self.new_machine(self.args.cpus, label, image)
        m.boot()
        return m
