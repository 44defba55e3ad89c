#!/usr/bin/env python3
"""
osv-rv test runner: boots the kernel in QEMU, types each test program's name
at the shell prompt, reads the console protocol and checks that no physical
frames leaked. Standard-library Python 3 only.

Usage
    python3 test/run.py                 every test (test/*.c but bench_* and
                                        helpers, and user/lab0/*.c), then
                                        the scenarios
    python3 test/run.py NAME [NAME...]  only these tests or scenarios
                                        (make test T=NAME)
    python3 test/run.py --bench         the benchmarks (test/bench_*.c)
    python3 test/run.py --fuzz SECONDS  test/fuzz.c for SECONDS, with a new
                                        seed (or --seed), in a boot of its own
                                        (make fuzz SECONDS=N [SEED=S])
    python3 test/run.py --list          list the tests and their metadata
Options
    -v, --verbose      echo the console while it runs
    --timeout SECONDS  time limit of a test without its own timeout= (30)
    --keep-going       run every test even after a failure (the default)
    --stop             stop at the first failure
    --cpus N           harts of the QEMU machine (default: $CPUS or 4)
    --build DIR        where kernel.elf and fs.img are (default: build)
    --seed N           seed of the powercut scenario's random cuts, or of
                       --fuzz's calls (default: a new one each run, printed
                       so a failure can be rerun)
    --cuts N           power cuts in the powercut scenario (default 5)
    --fuzz SECONDS     run only the fuzzer, time-bounded: `fuzz SEED SECONDS
                       WORKERS` at the prompt (--workers, default 4). It
                       fails as a test does (an ERROR line: an impossible
                       result; a PANIC; no prompt within
                       SECONDS + FUZZ_GRACE; a `killed:` line it did not
                       announce (expect-killed=N, below); a leaked frame;
                       then disk_check), and prints the seed to rerun it with

How a test is judged. For each test the runner types `NAME` and waits for
the shell's `$ ` prompt to come back. The output in between (ANSI colour
codes stripped) must have at least one line starting `passed`, no line
with `ERROR` or `Assertion failed`, no `PANIC`, and exactly as many
`killed:` lines as the test declares (0 by default), or as its own line
`expect-killed=N` says, for a test that only knows at run time how many of
its processes it has killed on purpose (test/fuzz.c). Before and after the
test the runner runs `free` (one line `free_pages=N total_pages=M`); the
free_pages value after must equal the one before, retried for ~2 s so that
orphans still being reaped by init can finish.

Metadata. A test declares options in a comment among its first 40 lines:
    // test: expect-killed=3 timeout=60
    // test: own-boot
Keys (several per line, separated by spaces or commas, several lines allowed):
    expect-killed=N   exactly N `killed:` lines are expected (default 0)
    timeout=SECONDS   time limit for the test to bring the prompt back
    own-boot          run in a fresh boot of its own (may panic or wedge
                      the machine, or needs a pristine kernel)
    cpus=N            run on a machine with N harts (implies a boot shared
                      only with tests of the same cpus=)
    no-leak-check     do not compare free_pages before and after
    helper            not a test: a program that a scenario runs (below);
                      never run on its own, not even by name
An unknown key fails the test, so a typo does not go unnoticed.

Boots. Tests without own-boot and with the same cpus share one boot, in
name order; a panic, a hang, or QEMU exiting fails the test that was running
and the runner goes on with a fresh boot. Each boot uses a fresh temporary
copy of fs.img and its full console is saved in build/test-logs/.
The runner ends with `N passed, N failed` alone on a line and exits 1 if
anything failed (2 for a usage or setup error).

After each boot of tests halts cleanly, `mkfs --check` runs on its disk
image (the `disk_check` line): a block or inode that a test leaked, or any
inconsistency it left, fails there.

Benchmarks (test/bench_*.c) run only with --bench, in one boot; the same
rules apply except that no `passed` line is required, and their output is
printed under their PASS line: the numbers are reported, never judged.

Scenarios are tests written here rather than in C, for what one boot cannot
show; they run after the tests, each in boots of its own on one disk image
kept from boot to boot, and report PASS/FAIL like a test (with a few lines
of detail under the PASS line):
    powercut    boots, runs test/powercut_writer (a write-heavy program),
                kills QEMU with SIGKILL at a random moment of it, then: runs
                `mkfs --check` on a copy of the image (it replays a committed
                journal in memory), boots again (the kernel replays and frees
                orphans), runs test/powercut_check, which checks the content
                rules against the steps the writer had reported, halts, and
                runs `mkfs --check` again (clean, nothing left to repair).
                --cuts times, with random moments from --seed.
    durability  writes to the end and halts with `quit`; then writes and
                halts from inside the writer right after its last write
                returns; after each halt `mkfs --check` must find nothing to
                repair and, after a reboot, every reported step must be there.
    gdb_pagefault
                runs test/gdb_pagefault.py: QEMU waiting for gdb, gdb-multiarch
                in batch mode with .gdbinit's pfstop on test/gdb_target, whose
                page fault gdb must stop at and print decoded.
    mmap_persist
                boots, runs test/mmap_persist_write (shared and private file
                mappings, several still live at halt, and write()s into
                pages they map), `quit`, boots on the same image and runs
                test/mmap_persist_check: the shared stores and the write()s
                are in the file, the private stores are not.
"""

import argparse
import atexit
import codecs
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEST_DIR = os.path.join(ROOT, "test")
# Our own osv-style lab programs (built with osv's flags, named by file).
LAB_DIR = os.path.join(ROOT, "user", "lab0")
OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
QEMU = "qemu-system-riscv64"
MEM = "256M"                 # tests (info) assume 256 MiB

BOOT_TIMEOUT = 60.0          # OpenSBI banner to the first prompt
DEFAULT_TIMEOUT = 30.0       # per test, unless the test says timeout=
FREE_TIMEOUT = 15.0          # one run of `free`
LEAK_RETRIES = 6             # extra `free` runs before calling it a leak
LEAK_RETRY_DELAY = 0.35      # seconds between them (~2 s in all)
QUIT_TIMEOUT = 5.0
FUZZ_GRACE = 120.0           # --fuzz: time for the workers to stop and clean up
HALT_TIMEOUT = 30.0          # scenarios: `quit` to QEMU's exit
WRITER_TIMEOUT = 180.0       # scenarios: one run of powercut_writer
CHECK_TIMEOUT = 120.0        # scenarios: one run of powercut_check
CUTS = 5                     # power cuts of the powercut scenario
EXCERPT_LINES = 20

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
FREE_RE = re.compile(r"free_pages=(\d+)\s+total_pages=(\d+)")
PROMPT_RE = re.compile(r"(?:^|\n)\$ ")
EXPECT_KILLED_RE = re.compile(r"^\s*expect-killed=(\d+)\s*$")
META_RE = re.compile(r"^\s*(?://|/?\*+)\s*test:\s*(.*?)\s*(?:\*/)?\s*$")
META_KEYS = {"expect-killed", "timeout", "own-boot", "cpus", "no-leak-check", "helper"}


# ------------------------------------------------------------------ tests

class Test:
    def __init__(self, name, path):
        self.name = name
        self.path = path
        self.bench = name.startswith("bench_")
        self.expect_killed = 0
        self.timeout = None
        self.own_boot = False
        self.cpus = None
        self.leak_check = True
        self.helper = False
        self.scenario = None     # for scenarios: the Runner method running it
        self.command = name      # what is typed at the prompt
        self.meta_error = None
        if path is not None:
            self.parse_metadata()

    def parse_metadata(self):
        try:
            with open(self.path, encoding="utf-8", errors="replace") as f:
                lines = [next(f, "") for _ in range(40)]
        except OSError as e:
            self.meta_error = str(e)
            return
        for line in lines:
            m = META_RE.match(line)
            if not m:
                continue
            for tok in re.split(r"[,\s]+", m.group(1)):
                if tok:
                    self.apply(tok)

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
                self.own_boot = value in ("", "1", "yes", "true")
            elif key == "cpus":
                self.cpus = int(value)
                if self.cpus < 1:
                    raise ValueError("cpus must be >= 1")
            elif key == "no-leak-check":
                self.leak_check = value not in ("", "1", "yes", "true")
            elif key == "helper":
                self.helper = value in ("", "1", "yes", "true")
        except ValueError as e:
            self.meta_error = "bad metadata '%s' in %s: %s" % (
                tok, os.path.relpath(self.path, ROOT), e)

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
        if not self.leak_check:
            parts.append("no-leak-check")
        if self.helper:
            parts.append("helper")
        if self.scenario:
            parts.append("scenario")
        return " ".join(parts)


def discover(bench, helpers=False):
    """The tests (or benchmarks) in test/ and user/lab0/, by name; helper
    programs only with helpers."""
    tests = []
    for d in (TEST_DIR, LAB_DIR):
        for fn in (os.listdir(d) if os.path.isdir(d) else []):
            if not fn.endswith(".c"):
                continue
            name = fn[:-2]
            if name.startswith("bench_") != bench:
                continue
            t = Test(name, os.path.join(d, fn))
            if t.helper == helpers:
                tests.append(t)
    return sorted(tests, key=lambda t: t.name)


def scenarios():
    """The scenarios (see the top of this file), in the order they run."""
    out = []
    for name, method in (("durability", "scenario_durability"),
                         ("powercut", "scenario_powercut"),
                         ("gdb_pagefault", "scenario_gdb_pagefault"),
                         ("mmap_persist", "scenario_mmap_persist")):
        t = Test(name, None)
        t.scenario = method
        out.append(t)
    return out


# ---------------------------------------------------------------- console

class BootError(Exception):
    pass


class Machine:
    """One QEMU boot, its console as text, and its log file."""

    live = set()             # every Machine not yet stopped (for atexit)

    # image: the disk image to use and keep; None for a fresh temporary
    # copy of build/fs.img, removed with the machine.
    def __init__(self, build, cpus, log_path, verbose, image=None):
        self.build = build
        self.cpus = cpus
        self.log_path = log_path
        self.verbose = verbose
        self.text = ""           # everything read, '\r' removed
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.proc = None
        self.exited = False
        self.wedged = False      # timed out or panicked: kill, don't `quit`
        self.tmpdir = tempfile.mkdtemp(prefix="osv-rv-test-")
        if image is None:
            self.img = os.path.join(self.tmpdir, "fs.img")
            shutil.copyfile(os.path.join(build, "fs.img"), self.img)
        else:
            self.img = image
        self.log = open(log_path, "w", encoding="utf-8", errors="replace")

    def start(self):
        cmd = [QEMU, "-machine", "virt", "-bios", OPENSBI,
               "-kernel", os.path.join(self.build, "kernel.elf"),
               "-m", MEM, "-smp", str(self.cpus), "-nographic",
               "-global", "virtio-mmio.force-legacy=false",
               "-drive", "file=%s,if=none,format=raw,id=x0" % self.img,
               "-device", "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0"]
        self.log.write("# " + " ".join(cmd) + "\n")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, bufsize=0)
        Machine.live.add(self)
        os.set_blocking(self.proc.stdout.fileno(), False)

    # Reads whatever QEMU printed within `timeout` seconds (at most).
    def pump(self, timeout):
        if self.exited:
            return False
        fd = self.proc.stdout.fileno()
        r, _, _ = select.select([fd], [], [], max(0.0, timeout))
        if not r:
            return False
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return False
        if not data:
            self.exited = True
            self.proc.wait()
            return False
        s = self.decoder.decode(data).replace("\r", "")
        self.text += s
        self.log.write(s)
        self.log.flush()
        if self.verbose:
            sys.stdout.write(s)
            sys.stdout.flush()
        return True

    # Waits until pred(text from `start`) is a match, PANIC shows up, QEMU
    # exits, or the deadline passes. Returns (match or None, reason).
    def wait_for(self, regex, start, timeout):
        deadline = time.monotonic() + timeout
        while True:
            m = regex.search(self.text, start)
            if m:
                return m, None
            if "PANIC" in self.text[start:]:
                # Let the backtrace arrive before reporting.
                end = time.monotonic() + 2.0
                while not self.exited and time.monotonic() < end:
                    self.pump(end - time.monotonic())
                return None, "kernel panic"
            if self.exited:
                return None, "QEMU exited (status %s)" % self.proc.returncode
            left = deadline - time.monotonic()
            if left <= 0:
                return None, "timeout after %gs" % timeout
            self.pump(min(left, 0.5))

    def send(self, line):
        try:
            self.proc.stdin.write((line + "\r").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.exited = True

    def boot(self):
        self.start()
        m, why = self.wait_for(PROMPT_RE, 0, BOOT_TIMEOUT)
        if not m:
            self.wedged = True
            raise BootError("boot failed: " + why)

    # Types a command at the prompt and waits for the next prompt.
    # Returns (output between the echoed command and the prompt, failure
    # reason or None, seconds).
    def run(self, command, timeout):
        start = len(self.text)
        t0 = time.monotonic()
        self.send(command)
        m, why = self.wait_for(PROMPT_RE, start, timeout)
        dt = time.monotonic() - t0
        if not m:
            self.wedged = True
            return self.text[start:], why, dt
        out = self.text[start:m.start()]
        # Drop the echo of what we typed.
        if out.startswith(command):
            out = out[len(command):]
        out = out[1:] if out.startswith("\n") else out
        return out, None, dt

    # Runs `free`; returns (free_pages, output, failure reason).
    def free_pages(self):
        out, why, _ = self.run("free", FREE_TIMEOUT)
        if why:
            return None, out, why
        m = FREE_RE.search(ANSI_RE.sub("", out))
        if not m:
            return None, out, "`free` printed no free_pages= line"
        return int(m.group(1)), out, None

    # Sends `quit`; True if QEMU then exited by itself (a clean halt).
    def quit(self):
        if self.proc and not self.exited and not self.wedged:
            self.send("quit")
            return self.wait_exit(QUIT_TIMEOUT) and "PANIC" not in self.text
        return False

    def stop(self):
        self.quit()
        self.kill()

    # Waits up to timeout seconds for QEMU to exit on its own; True if it did.
    def wait_exit(self, timeout):
        end = time.monotonic() + timeout
        while not self.exited and time.monotonic() < end:
            self.pump(end - time.monotonic())
        return self.exited

    def kill(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        if self.proc:
            # Keep what was still in the pipe for the log.
            try:
                while self.pump(0):
                    pass
            except (OSError, ValueError):
                pass
            for f in (self.proc.stdin, self.proc.stdout):
                try:
                    f.close()
                except OSError:
                    pass
        self.exited = True
        Machine.live.discard(self)
        if not self.log.closed:
            self.log.close()
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def kill_all_machines():
    for m in list(Machine.live):
        m.kill()


# ---------------------------------------------------------------- judging

def clean_lines(out):
    return [ANSI_RE.sub("", l) for l in out.split("\n")]


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
    killed = sum(1 for l in lines if "killed:" in l)
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


def excerpt(text, n=EXCERPT_LINES):
    lines = ANSI_RE.sub("", text).rstrip("\n").split("\n")
    return "\n".join("    | " + l for l in lines[-n:])


# ----------------------------------------------------------------- runner

class Runner:
    def __init__(self, args):
        self.args = args
        self.build = os.path.join(ROOT, args.build) if not os.path.isabs(args.build) else args.build
        self.logdir = os.path.join(self.build, "test-logs")
        self.boots = 0
        self.passed = 0
        self.failed = 0
        self.boot_failures_in_a_row = 0
        self.stop_now = False

    def report(self, test, reason, dt, console=None):
        if self.args.verbose:
            print()
        if reason is None:
            self.passed += 1
            print("PASS %s (%.1fs)" % (test.name, dt), flush=True)
        else:
            self.failed += 1
            print("FAIL %s: %s" % (test.name, reason), flush=True)
            if console is not None and console.strip():
                print(excerpt(console), flush=True)
            if self.args.stop:
                self.stop_now = True

    def new_machine(self, cpus, first, image=None):
        self.boots += 1
        log = os.path.join(self.logdir, "boot-%02d-%s.log" % (self.boots, first))
        return Machine(self.build, cpus, log, self.args.verbose, image)

    # Runs a list of tests sharing boots; reboots after a crash.
    def run_batch(self, tests, cpus):
        queue = list(tests)
        while queue and not self.stop_now:
            if self.boot_failures_in_a_row >= 2:
                for t in queue:
                    self.report(t, "not run: the kernel did not boot twice in a row", 0)
                return
            m = self.new_machine(cpus, queue[0].name)
            try:
                try:
                    m.boot()
                    base, out, why = m.free_pages()
                    if why:
                        raise BootError("`free` after boot: " + why)
                except BootError as e:
                    self.boot_failures_in_a_row += 1
                    self.report(queue.pop(0), str(e), 0, m.text)
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
                if m.quit() and ran:
                    why, _ = self.mkfs_check(m.img, notes_ok=False)
                    self.report(Test("disk_check", None),
                                why and "after %s..%s: %s" % (ran[0], ran[-1], why), 0)
            finally:
                m.stop()

    # Runs one test on a booted machine. Returns (new baseline, machine
    # still usable).
    def run_one(self, m, test, base):
        timeout = test.timeout or self.args.timeout
        start = len(m.text)
        out, why, dt = m.run(test.command, timeout)
        if why:
            self.report(test, why, dt, m.text[start:])
            return None, False
        after, _, fwhy = m.free_pages()
        tries = 0
        while (not fwhy and test.leak_check and base is not None
               and after != base and tries < LEAK_RETRIES):
            time.sleep(LEAK_RETRY_DELAY)
            after, _, fwhy = m.free_pages()
            tries += 1
        if fwhy:
            self.report(test, "after the test, running `free`: " + fwhy, dt,
                        m.text[start:])
            return None, False
        # Judge everything from the test's start to the last `free`: a line
        # printed by an orphan after the prompt came back counts too.
        reason = judge(test, m.text[start:])
        if reason is None and test.leak_check and base is not None and after != base:
            reason = ("leaked %d page(s): free_pages %d before, %d after"
                      % (base - after, base, after))
        if test.bench and reason is None:
            for l in clean_lines(out):
                if l.strip():
                    print("    " + l.rstrip(), flush=True)
        self.report(test, reason, dt, out)
        return after, True

    def run_tests(self, tests):
        if os.path.isdir(self.logdir):
            for fn in os.listdir(self.logdir):
                if fn.endswith(".log"):
                    os.unlink(os.path.join(self.logdir, fn))
        os.makedirs(self.logdir, exist_ok=True)
        runnable = []
        for t in tests:
            if t.meta_error:
                self.report(t, t.meta_error, 0)
            elif not t.scenario:
                runnable.append(t)
        # Own-boot tests each get a boot; the others share one per cpus value,
        # in name order overall.
        groups = []
        shared = {}
        for t in runnable:
            cpus = t.cpus or self.args.cpus
            if t.own_boot:
                groups.append(([t], cpus))
            elif cpus in shared:
                shared[cpus].append(t)
            else:
                shared[cpus] = [t]
                groups.append((shared[cpus], cpus))
        for batch, cpus in groups:
            if self.stop_now:
                break
            self.run_batch(batch, cpus)
        for t in tests:
            if t.scenario and not self.stop_now:
                self.run_scenario(t)

    # ------------------------------------------------------------ scenarios

    # Runs a scenario (a Runner method returning (reason or None, console
    # excerpt or None)) and reports it, with its detail lines under it.
    def run_scenario(self, test):
        self.detail = []
        t0 = time.monotonic()
        try:
            reason, console = getattr(self, test.scenario)(test)
        except BootError as e:
            reason, console = str(e), None
        finally:
            kill_all_machines()
        self.report(test, reason, time.monotonic() - t0, console)
        for line in self.detail:
            print("    " + line, flush=True)

    # A fresh copy of build/fs.img that outlives boots; removed at exit.
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

    # Types `quit` and waits for the machine to power off by itself; a
    # reason if it did not (it is then killed: a power cut, not a halt).
    def halt(self, m):
        start = len(m.text)
        m.send("quit")
        ok = m.wait_exit(HALT_TIMEOUT)
        m.kill()
        if "PANIC" in m.text[start:]:
            return "kernel panic at halt"
        return None if ok else "`quit` did not power the machine off"

    # Runs `mkfs --check` on image. Returns (reason or None, its notes):
    # notes (what the next mount repairs) are fine unless notes_ok is false.
    def mkfs_check(self, image, notes_ok):
        r = subprocess.run([os.path.join(self.build, "mkfs"), "--check", image],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=120)
        lines = r.stdout.strip().split("\n")
        notes = [l.split(": note: ", 1)[1] for l in lines if ": note: " in l]
        if r.returncode != 0:
            problems = [l for l in lines if ": note: " not in l]
            return "mkfs --check: " + " / ".join(problems[:4]), notes
        if notes and not notes_ok:
            return "mkfs --check after a clean halt: " + notes[0], notes
        return None, notes

    # Runs powercut_check for round rnd with the writer's last reported
    # steps. Returns (reason or None, its output).
    def powercut_check(self, test, m, rnd, last):
        out, why, _ = m.run("powercut_check %d %d %d" % (rnd, last[0], last[1]),
                            CHECK_TIMEOUT)
        return why or judge(test, out), out

    # Reboots on image, runs powercut_check, halts, and runs mkfs --check
    # (nothing may be left to repair). Returns (reason, console, summary).
    def reboot_and_check(self, test, image, label, rnd, last):
        m = self.boot_on(image, label)
        try:
            boot = m.text
            why, out = self.powercut_check(test, m, rnd, last)
            if why:
                return "powercut_check: " + why, out, None
            why = self.halt(m)
            if why:
                return why, m.text, None
        finally:
            m.kill()
        why, _ = self.mkfs_check(image, notes_ok=False)
        if why:
            return "after the reboot and halt, " + why, None, None
        repaired = []
        if JOURNAL_REPLAY_RE.search(boot):
            repaired.append("journal replayed")
        orphans = ORPHANS_RE.search(boot)
        if orphans:
            repaired.append("%s orphan(s) freed" % orphans.group(1))
        reached = " ".join(CHECK_LANE_RE.findall(out))
        return None, None, "%s; check: lanes at %s" % (
            ", ".join(repaired) or "nothing to repair", reached)

    # Reads the writer's output until its progress (the mean over lanes of
    # the share of steps reported) reaches frac, or it ends. Returns (reason
    # or None, finished).
    def write_until(self, test, m, start, frac):
        deadline = time.monotonic() + WRITER_TIMEOUT
        while True:
            out = m.text[start:]
            why = judge(test, out, need_pass=False)
            if why:
                return why, False
            last, plan = writer_progress(out)
            if plan and sum((last[i] + 1) / plan[i] for i in range(2)) / 2 >= frac:
                return None, False
            if PROMPT_RE.search(out):
                return None, True
            if m.exited:
                return "QEMU exited", False
            if time.monotonic() > deadline:
                return "timeout after %gs" % WRITER_TIMEOUT, False
            m.pump(0.05)

    def scenario_powercut(self, test):
        seed = self.args.seed if self.args.seed is not None else random.randrange(1 << 31)
        rng = random.Random(seed)
        self.detail.append("seed %d (rerun: test/run.py powercut --seed %d --cuts %d)"
                           % (seed, seed, self.args.cuts))
        image = self.scenario_image()
        for cut in range(1, self.args.cuts + 1):
            where = "cut %d of %d (seed %d): " % (cut, self.args.cuts, seed)
            frac, extra = rng.random(), rng.uniform(0.0, 0.3)
            m = self.boot_on(image, "powercut-%d-write" % cut)
            try:
                start = len(m.text)
                m.send("powercut_writer %d" % cut)
                why, finished = self.write_until(test, m, start, frac)
                if why:
                    return where + "powercut_writer: " + why, m.text[start:]
                end = time.monotonic() + extra
                while time.monotonic() < end:
                    m.pump(end - time.monotonic())
                os.kill(m.proc.pid, signal.SIGKILL)      # the power cut
            finally:
                m.kill()
            out = m.text[start:]
            why = judge(test, out, need_pass=False)
            if why:
                return where + "powercut_writer: " + why, out
            last, plan = writer_progress(out)
            if plan is None:
                return where + "powercut_writer printed no plan", out

            copy = image + ".cut"
            shutil.copyfile(image, copy)
            why, notes = self.mkfs_check(copy, notes_ok=True)
            os.unlink(copy)
            if why:
                return where + "right after the cut, " + why, None

            why, console, summary = self.reboot_and_check(
                test, image, "powercut-%d-check" % cut, cut, last)
            if why:
                return where + why, console
            self.detail.append(
                "cut %d: at %2.0f%%+%.2fs, reported lane 0 %d/%d, lane 1 %d/%d%s; mkfs: %s; %s"
                % (cut, 100 * frac, extra, last[0] + 1, plan[0], last[1] + 1, plan[1],
                   " (writer had finished)" if finished else "",
                   "%d note(s)" % len(notes) if notes else "clean", summary))
        return None, None

    def scenario_mmap_persist(self, test):
        # File mappings across a reboot: test/mmap_persist_write changes a
        # file through shared and private mappings and write()s (several
        # mappings still live when the machine halts), `quit` halts, and
        # after a boot on the same image test/mmap_persist_check finds
        # exactly the shared stores and the write()s.
        image = self.scenario_image()
        for step, program in (("1-write", "mmap_persist_write"), ("2-check", "mmap_persist_check")):
            m = self.boot_on(image, "mmap_persist-" + step)
            try:
                out, why, _ = m.run(program, CHECK_TIMEOUT)
                why = why or judge(test, out)
                if why:
                    return "%s: %s" % (program, why), out
                why = self.halt(m)
                if why:
                    return "%s, halting: %s" % (program, why), m.text
            finally:
                m.kill()
        why, _ = self.mkfs_check(image, notes_ok=False)
        if why:
            return "after the check: " + why, None
        return None, None

    def scenario_gdb_pagefault(self, test):
        # gdb-multiarch in batch mode stops on a user page fault through
        # .gdbinit's pfstop and must print it decoded (test/gdb_pagefault.py
        # boots its own machine, waiting for gdb).
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gdb_pagefault.py")
        try:
            r = subprocess.run([sys.executable, script, "--build", self.build],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=150)
        except subprocess.TimeoutExpired:
            return "gdb_pagefault.py did not finish in 150 s", None
        out = r.stdout.decode(errors="replace")
        if r.returncode != 0 or "passed gdb_pagefault" not in out:
            return "gdb_pagefault.py failed", out
        return None, None

    def scenario_durability(self, test):
        image = self.scenario_image()
        # Round 1: write everything, then the shell's quit.
        m = self.boot_on(image, "durability-1-write")
        try:
            out, why, _ = m.run("powercut_writer 1", WRITER_TIMEOUT)
            why = why or judge(test, out, need_pass=False)
            if why or "powercut: done" not in out:
                return "powercut_writer 1: " + (why or "no 'powercut: done'"), out
            last, plan = writer_progress(out)
            why = self.halt(m)
            if why:
                return why, m.text
        finally:
            m.kill()
        why, _ = self.mkfs_check(image, notes_ok=False)
        if why:
            return "round 1: " + why, None
        why, console, summary = self.reboot_and_check(test, image, "durability-1-check", 1, last)
        if why:
            return "round 1: " + why, console
        self.detail.append("round 1 (quit after the writer): %s" % summary)

        # Round 2: the writer halts the machine itself the moment lane 0's
        # last write returns, with lane 1 maybe still writing.
        m = self.boot_on(image, "durability-2-write")
        try:
            start = len(m.text)
            m.send("powercut_writer 2 halt")
            halted = m.wait_exit(WRITER_TIMEOUT)
            out = m.text[start:]
        finally:
            m.kill()
        why = judge(test, out, need_pass=False)
        last, plan = writer_progress(out)
        if why or not halted or "powercut: halting" not in out or plan is None \
                or last[0] != plan[0] - 1:
            return "powercut_writer 2 halt: " + (why or "did not finish lane 0 and halt"), out
        why, notes = self.mkfs_check(image, notes_ok=True)
        if why or any("journal" in n for n in notes):
            return "round 2, after halt(): " + (why or notes[0]), None
        why, console, summary = self.reboot_and_check(test, image, "durability-2-check", 2, last)
        if why:
            return "round 2: " + why, console
        self.detail.append("round 2 (halt() from the writer, lane 1 at %d/%d): %s%s"
                           % (last[1] + 1, plan[1], summary,
                              "; mkfs noted %d orphan(s)" % len(notes) if notes else ""))
        return None, None


# Whole lines only (with their newline): a line cut short by the power cut
# must not count.
WRITER_STEP_RE = re.compile(r"^powercut: lane (\d) step (\d+)\n", re.M)
WRITER_PLAN_RE = re.compile(r"^powercut: plan (\d+) (\d+)\n", re.M)
JOURNAL_REPLAY_RE = re.compile(r"\[fs\] journal: replayed")
ORPHANS_RE = re.compile(r"\[fs\] freed (\d+) orphan")
CHECK_LANE_RE = re.compile(r"powercut_check: lane \d: (\d+ of \d+)")


def writer_progress(out):
    """The last step powercut_writer reported per lane (-1: none), and its
    plan's step counts (None if not printed yet)."""
    last = [-1, -1]
    for m in WRITER_STEP_RE.finditer(out):
        lane, step = int(m.group(1)), int(m.group(2))
        last[lane] = max(last[lane], step)
    m = WRITER_PLAN_RE.search(out)
    return last, (int(m.group(1)), int(m.group(2))) if m else None


def main():
    ap = argparse.ArgumentParser(description="osv-rv test runner")
    ap.add_argument("names", nargs="*", help="tests to run (default: all)")
    ap.add_argument("--list", action="store_true", help="list the tests")
    ap.add_argument("--bench", action="store_true", help="run the benchmarks")
    ap.add_argument("-v", "--verbose", action="store_true", help="echo the console")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                    help="default time limit per test, seconds")
    ap.add_argument("--keep-going", action="store_true", default=True,
                    help="run every test after a failure (default)")
    ap.add_argument("--stop", action="store_true", help="stop at the first failure")
    ap.add_argument("--cpus", type=int, default=int(os.environ.get("CPUS") or 4),
                    help="harts of the QEMU machine")
    ap.add_argument("--build", default="build", help="build directory")
    ap.add_argument("--seed", type=int, default=None,
                    help="seed of the powercut scenario or of --fuzz (default: random)")
    ap.add_argument("--cuts", type=int, default=CUTS,
                    help="power cuts in the powercut scenario")
    ap.add_argument("--fuzz", type=int, default=None, metavar="SECONDS",
                    help="run only test/fuzz.c, for SECONDS, with --seed or a new seed")
    ap.add_argument("--workers", type=int, default=4,
                    help="--fuzz: worker processes (1 to 8, default 4)")
    args = ap.parse_args()
    if args.fuzz is not None and (args.fuzz < 1 or args.names or args.bench
                                  or not 1 <= args.workers <= 8):
        print("run.py: --fuzz SECONDS takes SECONDS >= 1, --workers 1 to 8, "
              "and no test names or --bench")
        return 2

    every = discover(bench=False) + discover(bench=True) + scenarios()
    helpers = discover(bench=False, helpers=True)
    tests = discover(bench=args.bench) + ([] if args.bench else scenarios())
    if args.names:
        by_name = {t.name: t for t in every}
        for n in args.names:
            if n in {h.name for h in helpers}:
                print("run.py: %s is a helper program that scenarios run, not a test "
                      "(see --list)" % n)
                return 2
        missing = [n for n in args.names if n not in by_name]
        if missing:
            print("run.py: no such test: %s (see --list)" % ", ".join(missing))
            return 2
        tests = [by_name[n] for n in args.names]

    if args.list:
        for t in tests + ([] if args.names or args.bench else helpers):
            d = t.describe()
            print(t.name + ("  [" + d + "]" if d else "")
                  + ("  [" + t.meta_error + "]" if t.meta_error else ""))
        return 0

    runner = Runner(args)
    for f in ("kernel.elf", "fs.img"):
        if not os.path.exists(os.path.join(runner.build, f)):
            print("run.py: %s/%s is missing: run `make` first"
                  % (os.path.relpath(runner.build, ROOT), f))
            return 2
    if shutil.which(QEMU) is None or not os.path.exists(OPENSBI):
        print("run.py: %s or %s is missing: run `make deps`" % (QEMU, OPENSBI))
        return 2

    if args.fuzz is not None:
        tests = [fuzz_test(args)]
    if not tests:
        print("no %s to run" % ("benchmarks" if args.bench else "tests"))
    t0 = time.monotonic()
    try:
        runner.run_tests(tests)
    finally:
        kill_all_machines()
    if tests:
        print("(%d boot(s), %.1fs; console logs in %s)"
              % (runner.boots, time.monotonic() - t0,
                 os.path.relpath(runner.logdir, os.getcwd())))
    if args.fuzz is not None and runner.failed:
        print("fuzz: to rerun: %s  (or `fuzz %d %d %d` at the prompt)"
              % (fuzz_rerun(args), args.seed, args.fuzz, args.workers))
    print("%d passed, %d failed" % (runner.passed, runner.failed), flush=True)
    return 1 if runner.failed else 0


def fuzz_rerun(args):
    return "make fuzz SECONDS=%d SEED=%d WORKERS=%d CPUS=%d" % (
        args.fuzz, args.seed, args.workers, args.cpus)


def fuzz_test(args):
    """test/fuzz.c as --fuzz runs it: `fuzz SEED SECONDS` in a boot of its
    own, with time to stop and clean up after SECONDS. Picks and prints the
    seed (args.seed) first."""
    if args.seed is None:
        args.seed = random.randrange(1, 1 << 63)
    print("fuzz: seed %d, %d s, %d workers, %d harts (rerun: %s)"
          % (args.seed, args.fuzz, args.workers, args.cpus, fuzz_rerun(args)), flush=True)
    t = Test("fuzz", os.path.join(TEST_DIR, "fuzz.c"))
    t.command = "fuzz %d %d %d" % (args.seed, args.fuzz, args.workers)
    t.timeout = args.fuzz + FUZZ_GRACE
    t.own_boot = True
    return t


def on_signal(signum, frame):
    kill_all_machines()
    sys.exit(128 + signum)


if __name__ == "__main__":
    atexit.register(kill_all_machines)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    sys.exit(main())
