"""
test/make_targets.py: the scenarios of test/run.py that drive the
Makefile's qemu targets the way graders and scripts do (test/qemu.py runs
QEMU for those targets): qemu_test_fifo (osv's FIFO pair, on the normal
and the low-memory machine), qemu_test_no_machine (the pair when no
machine can start), qemu_test_killed (the pair let go of when the
machine is killed), qemu_test_sh_killed (a machine whose grader killed
its sh -c alone: the next test gets its own), qemu_test_earlier (a
machine left running, ended by the next), qemu_pipe_script (a 7 KiB script on a stdin
held open), qemu_kill_make (make killed by a signal), qemu_reader_gone
(make qemu whose grader died), qemu_sh_killed (make qemu whose driver
killed its sh -c alone: the next boots), qemu_background_tty
(make qemu on a terminal that is not its foreground), qemu_tty_restored
(the terminal's mode back after a SIGKILL to make), panic_exit (make's
status and the backtrace after a PANIC), kstack_overflow and kernel_map
(deliberate panics: a kernel stack overflow, a load outside the kernel's
map) and disk_safe (mkfs while the machine runs). docs/testing.md says what each checks.

They run make in the project's root on the kernel of the runner's build
directory (B=), with FSIMG= a temporary copy of its fs-tests.img and OSV_TEST=
temporary FIFOs, so a test run or a `make qemu` already using it is not
disturbed. Each takes that directory and a list of lines of detail, to
which it adds its figures, and returns (reason or None, console excerpt or
None).
"""

import errno
import os
import re
import select
import shlex
import shutil
import signal
import stat
import subprocess
import tempfile
import termios
import threading
import time

import report
from gdb_pagefault import free_port
from machine import PY_RUN, ROOT, make_env, strip_ansi, test_image

RUN_TIMEOUT = 60.0        # one make run, boot included
SCRIPT_TIMEOUT = 30.0     # qemu_pipe_script's script, sent to its halt
QUIT_EXIT = 2.0           # the halt line to make's exit
KILL_EXIT = 3.0           # a signal to make to QEMU's end
PANIC_EXIT = 20.0         # a deliberate panic's make run, boot included
# The script: ECHO_LINES echo commands, a comment line of ~5.6 KiB in their
# middle, 7 KiB in all. Each command spawns a process while the rest of
# the script waits in the kernel's 1 KiB buffer and QEMU's pipe, so each
# stops the input; more commands (there were 300: 3 s) only repeat that.
ECHO_LINES = 100
LONG_TOKENS = 640         # "long0000 " each: a comment line of ~5.6 KiB
NO_MACHINE_WAIT = 20.0    # a failed qemu-test's build to the end of .out
# The scenarios that check make, the relay (test/qemu.py) and the disk
# image's record, and not the kernel, boot their machines on one hart:
# QEMU's start and a boot to the prompt cost 0.21 s of CPU against 0.28 s
# on four harts (0.15 s against 0.17 s to OpenSBI's first line), and what
# they check does not depend on the harts. qemu_test_fifo (the IPIs and
# timers of every hart), qemu_pipe_script (the console's input, read on
# one hart while another takes the UART's interrupts) and the deliberate
# panics (the other harts stopped) keep the Makefile's four.
ONE_HART = "CPUS=1"


def make_args(build):
    """make's arguments for the build directory build: B=, relative to the
    root when it is under it (as make's own rules name it). Everything is
    built already, so B= alone (without DEBUG=) rebuilds nothing."""
    rel = os.path.relpath(build, ROOT)
    return ["B=" + (build if rel.startswith("..") else rel)]


class Make:
    """`make TARGET` in the project's root on a private copy of build's
    disk: its output collected by a thread, its stdin a pipe held open.
    With sh, make runs as osv's grader runs it, Popen(COMMAND, shell=True):
    under a `sh -c` that does not exec it (dash), so that proc is the sh."""

    def __init__(self, target, tmpdir, build, *extra, sh=False):
        self.tmpdir = tmpdir
        image = os.path.join(tmpdir, "fs.img")
        if not os.path.exists(image):
            shutil.copyfile(test_image(build), image)
        self.family = {}                 # pid -> comm of processes to end with make
        args = ["make", target, "FSIMG=" + image] + make_args(build) + list(extra)
        self.proc = subprocess.Popen(
            shlex.join(args) if sh else args, shell=sh, cwd=ROOT, env=make_env(),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.out = Reader(self.proc.stdout.fileno())

    def send(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    # Waits for make to exit; True if it did within timeout.
    def wait(self, timeout):
        try:
            self.proc.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    # Notes make's descendants now, to end them with make even if they are
    # orphaned later (a failure of qemu_kill_make).
    def note_family(self):
        self.family = descendants(self.proc.pid)
        return self.family

    # Ends make and everything under it that is still there (checking the
    # name, so that no reused pid is hit).
    def kill(self):
        doomed = dict(self.family)
        doomed.update(descendants(self.proc.pid))
        kill_family(doomed)
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdin.close()
        self.out.thread.join(5)


class Reader:
    """Collects what an fd delivers, in a thread, until end of file."""

    def __init__(self, fd):
        self.fd = fd
        self.data = b""
        self.eof = False
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while True:
            try:
                d = os.read(self.fd, 65536)
            except OSError:
                d = b""
            with self.cond:
                if not d:
                    self.eof = True
                else:
                    self.data += d
                self.cond.notify_all()
            if not d:
                return

    def text(self):
        with self.cond:
            return self.data.decode(errors="replace").replace("\r", "")

    # Waits until pattern (bytes, regex) is in the data; returns the time
    # it was found, or None.
    def wait_for(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not re.search(pattern, self.data.replace(b"\r", b"")):
                left = deadline - time.monotonic()
                if self.eof or left <= 0:
                    return None
                self.cond.wait(left)
            return time.monotonic()


def comm(pid):
    """The name of process pid while it runs, or None once it has exited
    (a zombie runs no more)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    end = s.rindex(")")
    return None if s[end + 2] in "ZX" else s[s.index("(") + 1:end]


# Whether this host's kernel keeps each task's list of children
# (/proc/PID/task/TID/children, CONFIG_PROC_CHILDREN): most do; without it
# descendants scans every process.
HAS_CHILDREN_LISTS = os.path.exists("/proc/%d/task/%d/children" % (os.getpid(), os.getpid()))


def children_by_scan():
    """{ppid: [pid, ...]} of every running process, from every stat."""
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name) as f:
                    s = f.read()
            except OSError:
                continue
            fields = s[s.rindex(")") + 2:].split()
            out.setdefault(int(fields[1]), []).append(int(name))
    return out


def children(pid, scan):
    """The children of process pid: from the kernel's lists of each of its
    threads' children, or from scan (children_by_scan) without them."""
    if scan is not None:
        return scan.get(pid, [])
    kids = []
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return kids
    for t in tasks:
        try:
            with open("/proc/%d/task/%s/children" % (pid, t)) as f:
                kids += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return kids


def descendants(pid):
    """{pid: comm} of the running descendants of process pid, from the
    kernel's lists of each one's children where it keeps them: a scan of
    every process's stat cost the runner 10 ms a look, and some scenarios
    look every 50 ms."""
    scan = None if HAS_CHILDREN_LISTS else children_by_scan()
    found, pending = {}, [pid]
    while pending:
        for c in children(pending.pop(), scan):
            name = comm(c)
            if name is not None:
                found[c] = name
                pending.append(c)
    return found


def read_until(fd, pattern, timeout):
    """Reads fd (a FIFO's read end) until pattern (bytes, regex) is in what
    it read; returns that, or None at its end or after timeout."""
    data, deadline = b"", time.monotonic() + timeout
    while not re.search(pattern, data.replace(b"\r", b"")):
        r, _, _ = select.select([fd], [], [], max(0, deadline - time.monotonic()))
        chunk = os.read(fd, 65536) if r else b""
        if not chunk:
            return None
        data += chunk
    return data


def fifo_pair():
    """A temporary folder with a FIFO pair in it: (folder, PATH), the pair
    being PATH.in and PATH.out, as qemu-test's build leaves them."""
    tmpdir = tempfile.mkdtemp(prefix="osv-rv-make-")
    fifo = os.path.join(tmpdir, "osv-test")
    for end in (".in", ".out"):
        os.mkfifo(fifo + end)
    return tmpdir, fifo


def running(family):
    """Those of family ({pid: comm}) still running under their name (a
    reused pid is not one of them), as 'comm (pid N)'."""
    return ["%s (pid %d)" % (name, p) for p, name in family.items() if comm(p) == name]


def kill_family(family):
    """SIGKILL to those of family ({pid: comm}) still running."""
    for pid, name in family.items():
        if comm(pid) == name:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def excerpt(text, n=report.EXCERPT_LINES):
    return "\n".join(report.excerpt(text, n))


# ------------------------------------------------------------ qemu-test

def low_mem_cap(build):
    """The frames `make qemu-test-low-mem` caps the kernel at (its mem=)."""
    r = subprocess.run(["make", "-n", "qemu-test-low-mem"] + make_args(build), cwd=ROOT,
                       env=make_env(),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, timeout=60)
    m = re.search(r"mem=(\d+)([KMG]?)\b", r.stdout)
    if not m:
        return None
    return int(m.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30}[m.group(2)] >> 12


# A grader's `make` before its first run: it must leave the FIFO pair at
# fifo (.in, .out) for the grader to open at once. Returns a reason or None.
def make_fifos(build, fifo):
    built = subprocess.run(["make"] + make_args(build) + ["OSV_TEST=" + fifo], cwd=ROOT,
                           env=make_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=RUN_TIMEOUT)
    if built.returncode != 0:
        return "make exited %d: %s" % (built.returncode,
                                      excerpt(built.stdout.decode(errors="replace"), 5))
    for end in (".in", ".out"):
        if not (os.path.exists(fifo + end) and stat.S_ISFIFO(os.stat(fifo + end).st_mode)):
            return "make left no FIFO %s%s for a grader to open" % (fifo, end)
    return None


# Plays osv's grader on one qemu-test target: starts `make TARGET` on the
# FIFO pair at fifo and at once, without waiting for anything, writes
# `lines` into .in, closes it and reads .out to its end; it does not wait
# for make to exit (the caller does), as a grader starting its next run
# does not.
# Returns (reason or None, console, the Make).
def grade(target, tmpdir, build, fifo, lines, *extra):
    make = Make(target, tmpdir, build, "OSV_TEST=" + fifo, *extra)
    got = {"out": b"", "error": None}

    # .in is closed before .out is read: lines written while the relay of
    # the run before still held .in, and nobody after it, were lost.
    def grader():
        try:
            with open(fifo + ".in", "wb") as fin:
                fin.write("".join(l + "\n" for l in lines).encode())
            with open(fifo + ".out", "rb") as fout:
                got["out"] = fout.read()
        except OSError as e:
            got["error"] = "the grader's FIFO I/O failed: %s" % e

    g = threading.Thread(target=grader, daemon=True)
    g.start()
    deadline = time.monotonic() + RUN_TIMEOUT
    while g.is_alive() and make.proc.poll() is None and time.monotonic() < deadline:
        g.join(0.05)
    g.join(5)                            # make is gone: .out ends soon
    stuck = g.is_alive()
    if stuck:                            # unblock its opens and reads
        for end in (".in", ".out"):
            os.close(os.open(fifo + end, os.O_RDWR | os.O_NONBLOCK))
        g.join(5)
    console = got["out"].decode(errors="replace").replace("\r", "")
    if make.proc.poll() not in (None, 0):
        return make_exited(make, target), console, make
    if stuck:
        return "%s: .out did not end within %gs" % (target, RUN_TIMEOUT), console, make
    if got["error"]:
        return got["error"], console, make
    lines_out = strip_ansi(console).split("\n")
    bad = [l for l in lines_out if "ERROR" in l or "PANIC" in l or "Assertion" in l]
    if bad:
        return "%s: %s" % (target, bad[0].strip()), console, make
    if not any("passed" in l for l in lines_out):
        return "%s: no 'passed' line in %s.out" % (target, fifo), console, make
    return None, console, make


# make must exit, with status 0, once its machine has halted.
def make_exited(make, target):
    if not make.wait(RUN_TIMEOUT):
        return "make %s did not exit within %gs" % (target, RUN_TIMEOUT)
    if make.proc.returncode != 0:
        return "make %s exited %d: %s" % (target, make.proc.returncode,
                                          excerpt(make.out.text(), 5))
    return None


# A grader on one FIFO pair: `make` (which must leave the pair), then
# `make qemu-test` and, started the moment .out of that one ended (before
# its make exited), `make qemu-test-low-mem`: the second run's lines must
# reach its own machine (they went into the first relay's .in and were
# lost, and the machine waited for input).
def scenario_qemu_test_fifo(build, detail):
    cap = low_mem_cap(build)
    if cap is None:
        return "`make -n qemu-test-low-mem` shows no mem= argument", None
    tmpdir = tempfile.mkdtemp(prefix="osv-rv-make-")
    fifo = os.path.join(tmpdir, "osv-test")
    makes = []
    try:
        why = make_fifos(build, fifo)
        if why:
            return why, None
        # fork_basic and timer_harts also run on the board without the
        # ACLINT SSWI, where the harts wake each other through SBI
        # (include/kernel/ipi.h; its boot line names as many harts twice,
        # group 2), and on harts without Sstc, whose timers are set through
        # SBI (include/kernel/trap.h): every hart's timer must fire.
        for target, programs, extra, ipis, timer in (
                ("qemu-test", ["fork_basic", "timer_harts"],
                 ["MACHINE=virt", "QEMU_CPU=rv64,sstc=off"],
                 r"IPIs through SBI for (\d+) of \2 harts",
                 r"timer through SBI for (\d+) of \2 harts \(no Sstc\)"),
                ("qemu-test-low-mem", ["lowmem_fill %d" % cap], ["QEMU_CPU=rv64"],
                 r"IPIs through the ACLINT SSWI",
                 r"timer through stimecmp \(Sstc\)")):
            # The program first: it is the byte OpenSBI would drop.
            why, console, make = grade(target, tmpdir, build, fifo,
                                       programs + ["free", "quit"], *extra)
            makes.append((make, target))
            if why and makes[1:]:
                why = ("%s, started as .out of the run before ended: %s"
                       % (target, why))
            if why:
                return why, excerpt(console)
            found = []
            for want in (ipis, timer):
                line = re.search(r"\[boot\] (" + want + ")", console)
                if not line:
                    return "%s %s: no `[boot] %s` line" % (target, " ".join(extra), want), \
                        excerpt(console)
                found.append(line.group(1))
            passed = len(re.findall(r"^(?:\$ )*passed ", strip_ansi(console), re.M))
            if passed != len(programs):
                return "%s %s: %d passed lines for %s" % (
                    target, " ".join(extra), passed, ", ".join(programs)), excerpt(console)
            free = re.search(r"free_pages=\d+ total_pages=\d+", console)
            detail.append("%s: %s after it; %s passed; %s" % (
                " ".join([target] + extra), free.group(0) if free else "no free line",
                ", ".join(programs), "; ".join(found)))
        for make, target in makes:
            why = make_exited(make, target)
            if why:
                return why, None
        detail.append("the second started as .out of the first ended: it got its lines")
        return None, None
    finally:
        for make, _ in makes:
            make.kill()
        shutil.rmtree(tmpdir, ignore_errors=True)


# A grader that ends a test by killing make's process group (SIGTERM)
# and at once starts the next make qemu-test opens the pair while the
# killed machine's side may still hold it: its open of .out then found
# that side's writer, and read the end of .out as that side exited, with
# no output for the next test (half of such a grader's tests, each second
# one, in a run of 20). So on the signal the relay must let go of the pair
# at once, whatever QEMU does. Here QEMU is stopped (it cannot exit) and
# the relay alone gets SIGTERM: within KILL_EXIT no one may read .in (a
# grader's open for writing fails, ENXIO: it would wait for the next
# machine) nor write .out (a read finds its end, not EAGAIN). That is
# done once QEMU's first line (OpenSBI's) has come through .out: the relay
# holds the pair, its signal handlers set, and QEMU runs; the boot after
# it would change nothing (qemu_test_fifo runs programs through the pair).
# Returns (reason or None, console excerpt).
def scenario_qemu_test_killed(build, detail):
    tmpdir, fifo = fifo_pair()
    make = qemu = None
    try:
        make = Make("qemu-test", tmpdir, build, "OSV_TEST=" + fifo, ONE_HART)
        out = os.open(fifo + ".out", os.O_RDONLY)
        if read_until(out, rb"OpenSBI", RUN_TIMEOUT) is None:
            return "make qemu-test: no line from QEMU on .out", None
        family = make.note_family()
        relay = [p for p, comm in family.items() if comm.startswith("python")]
        qemu = [p for p, comm in family.items() if comm.startswith("qemu-system")]
        if len(relay) != 1 or len(qemu) != 1:
            return "make qemu-test's processes are not one relay and one QEMU: %s" % family, None
        qemu = qemu[0]
        os.kill(qemu, signal.SIGSTOP)
        os.kill(relay[0], signal.SIGTERM)
        os.set_blocking(out, False)
        reader = writer = True
        t0 = time.monotonic()
        while (reader or writer) and time.monotonic() - t0 < KILL_EXIT:
            try:
                os.close(os.open(fifo + ".in", os.O_WRONLY | os.O_NONBLOCK))
            except OSError as e:
                reader = e.errno != errno.ENXIO
            try:
                while os.read(out, 65536):
                    pass
                writer = False           # the end: no writer left
            except BlockingIOError:
                pass
            time.sleep(0.01)
        os.close(out)
        held = [what for what, held in ((".in read", reader), (".out written", writer)) if held]
        if held:
            return ("SIGTERM to the relay, QEMU stopped: %s still %s by the killed machine "
                    "after %gs (a grader starting the next run meets it)"
                    % (fifo, " and ".join(held), KILL_EXIT)), None
        detail.append("the relay let go of the pair %.3fs after SIGTERM, QEMU stopped"
                      % (time.monotonic() - t0))
        return None, None
    finally:
        if qemu is not None:
            try:
                os.kill(qemu, signal.SIGCONT)
            except ProcessLookupError:
                pass
        if make is not None:
            make.kill()
        shutil.rmtree(tmpdir, ignore_errors=True)


# osv's grader ends a test that ran too long with p.kill() on its
# Popen("make qemu-test", shell=True): that kills the `sh -c` alone (dash
# does not exec make). Here the first make qemu-test runs under `sh -c`
# and is given `sleep 1000` (a test that hangs); once QEMU's first line
# has come through .out, the sh alone is killed and at once the next
# test is graded: a second make qemu-test on the same image and pair,
# with fork_basic and quit written into .in as soon as it opens. Its
# `passed` line must come (from the second machine: the first sleeps),
# and the first's make, relay and QEMU must be gone. They ran on, holding
# the disk image's lock ('Failed to get "write" lock': every later test
# scored 0) and the pair, whose next lines then went to the first machine.
# Returns (reason or None, console excerpt).
def scenario_qemu_test_sh_killed(build, detail):
    tmpdir, fifo = fifo_pair()
    image = os.path.join(tmpdir, "fs.img")
    first = second = None
    family = {}
    out = None
    try:
        shutil.copyfile(test_image(build), image)
        args = ["make", "qemu-test", "FSIMG=" + image, "OSV_TEST=" + fifo, ONE_HART] \
            + make_args(build)
        first = subprocess.Popen(shlex.join(args), shell=True, cwd=ROOT,
                                 env=make_env(), stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = os.open(fifo + ".out", os.O_RDONLY | os.O_NONBLOCK)
        if read_until(out, rb"OpenSBI", RUN_TIMEOUT) is None:
            return "the first make qemu-test: no line from QEMU on .out", None
        fin = os.open(fifo + ".in", os.O_WRONLY | os.O_NONBLOCK)
        os.write(fin, b"sleep 1000\n")
        os.close(fin)
        family = descendants(first.pid)
        if not any(comm.startswith("qemu-system") for comm in family.values()):
            return "the first make qemu-test runs no QEMU under sh: %s" % family, None
        first.kill()                     # the sh -c alone, as the grader's p.kill()
        first.wait()
        os.close(out)
        out = None
        t0 = time.monotonic()
        why, console, second = grade("qemu-test", tmpdir, build, fifo, ["fork_basic", "quit"],
                                     ONE_HART)
        if why:
            return "the next test after the sh of the first was killed: %s" % why, \
                excerpt(console)
        alive = running(family)
        if alive:
            return "the sh of the first make qemu-test killed: its %s still running" \
                % ", ".join(alive), None
        why = make_exited(second, "qemu-test (the second)")
        if why:
            return why, excerpt(second.out.text(), 5)
        detail.append("the next test passed on its own machine %.1fs after the sh was killed"
                      % (time.monotonic() - t0))
        return None, None
    finally:
        if out is not None:
            os.close(out)
        kill_family(family)
        if first is not None and first.poll() is None:
            first.kill()
            first.wait()
        if second is not None:
            second.kill()
        shutil.rmtree(tmpdir, ignore_errors=True)


# A machine left running by a grader that moved on without ending it (or
# whose kill missed make after the machine had started, when make was an
# orphan already): the next make qemu-test on the same image must end it
# (its make, relay and QEMU all gone), say so in one line, and boot to the
# prompt on the pair; it failed on the disk image's lock. A make qemu then
# started on the image must fail, naming that machine, and leave it
# running: a person's make qemu ends no one's machine. Returns (reason or
# None, console excerpt).
def scenario_qemu_test_earlier(build, detail):
    tmpdir, fifo = fifo_pair()
    first = second = None
    out = None
    try:
        first = Make("qemu-test", tmpdir, build, "OSV_TEST=" + fifo, ONE_HART)
        out = os.open(fifo + ".out", os.O_RDONLY | os.O_NONBLOCK)
        if read_until(out, rb"OpenSBI", RUN_TIMEOUT) is None:
            return "the first make qemu-test: no line from QEMU on .out", None
        family = first.note_family()
        if not any(name.startswith("qemu-system") for name in family.values()):
            return "the first make qemu-test runs no QEMU under it: %s" % family, None
        os.close(out)
        out = None
        t0 = time.monotonic()
        second = Make("qemu-test", tmpdir, build, "OSV_TEST=" + fifo, ONE_HART)
        while running(family) and time.monotonic() - t0 < RUN_TIMEOUT \
                and second.proc.poll() is None:
            time.sleep(0.05)
        alive = running(family)
        if alive:
            return ("a second make qemu-test on the image of a running one: the first's "
                    "%s still running, the second %s" % (
                        ", ".join(alive), "exited %d" % second.proc.returncode
                        if second.proc.poll() is not None else "still waiting")), \
                excerpt(second.out.text(), 5)
        gone = time.monotonic() - t0
        out = os.open(fifo + ".out", os.O_RDONLY | os.O_NONBLOCK)
        if read_until(out, rb"\n\$ ", RUN_TIMEOUT) is None:
            return "the second make qemu-test gave no prompt on .out", \
                excerpt(second.out.text(), 5)
        person = Make("qemu", tmpdir, build)
        refused = person.wait(RUN_TIMEOUT) and person.proc.returncode != 0
        person.kill()
        if not refused or "is in use by the machine of an earlier make qemu-test" \
                not in person.out.text() or second.proc.poll() is not None:
            return "make qemu on the image of a running make qemu-test did not fail, " \
                "naming it, and leave it running", excerpt(person.out.text(), 5)
        with open(fifo + ".in", "wb") as fin:
            fin.write(b"quit\n")
        why = make_exited(second, "qemu-test (the second)")
        if why:
            return why, excerpt(second.out.text(), 5)
        said = [l for l in second.out.text().split("\n") if "ended the machine of an earlier" in l]
        if len(said) != 1:
            return "the second make qemu-test did not say in one line what it ended", \
                excerpt(second.out.text(), 5)
        detail.append("the first machine gone %.2fs after the second make started: %s"
                      % (gone, said[0].strip()))
        return None, None
    finally:
        if out is not None:
            os.close(out)
        for make in (first, second):
            if make is not None:
                make.kill()
        shutil.rmtree(tmpdir, ignore_errors=True)


# Plays osv's grader on `make TARGET extra` that cannot start a machine: it
# opens .in, then .out, and only then writes its lines (the order that
# needs .in still open once .out has ended), and reads .out to its end.
# The grader must get the line saying that no machine started and the end
# within NO_MACHINE_WAIT, without a broken pipe, and make must fail, naming
# the reason. Returns (reason or None, what .out held).
def no_machine(target, build, extra):
    tmpdir, fifo = fifo_pair()
    make = None
    try:
        make = Make(target, tmpdir, build, "OSV_TEST=" + fifo, *extra)
        got = {"out": b"", "error": None}

        def grader():
            try:
                with open(fifo + ".in", "wb") as fin:
                    with open(fifo + ".out", "rb") as fout:
                        fin.write(b"fork_basic\nquit\n")
                        fin.flush()
                        got["out"] = fout.read()
            except OSError as e:
                got["error"] = "the grader's FIFO I/O failed: %s" % e

        g = threading.Thread(target=grader, daemon=True)
        g.start()
        g.join(NO_MACHINE_WAIT)
        what = " ".join([target] + extra)
        if g.is_alive():
            for end in (".in", ".out"):      # unblock its opens and reads
                os.close(os.open(fifo + end, os.O_RDWR | os.O_NONBLOCK))
            g.join(5)
            return "%s: the grader still waited on the FIFO pair after %gs" % (
                what, NO_MACHINE_WAIT), got["out"].decode(errors="replace")
        out = got["out"].decode(errors="replace")
        if got["error"]:
            return "%s: %s" % (what, got["error"]), out
        if "no machine started" not in out:
            return "%s: .out ended without saying that no machine started" % what, out
        if not make.wait(QUIT_EXIT) or make.proc.returncode == 0:
            return "%s: make did not fail within %gs of .out's end" % (what, QUIT_EXIT), \
                make.out.text()
        make.out.thread.join(5)
        if extra[0] not in make.out.text():
            return "%s: make's output does not name %s" % (what, extra[0]), make.out.text()
        return None, out
    finally:
        if make is not None:
            make.kill()
        shutil.rmtree(tmpdir, ignore_errors=True)


def scenario_qemu_test_no_machine(build, detail):
    # A bad MEM= through one target and a bad CPUS= through the other: the
    # two targets share their build step, and check-machine both checks.
    for target, extra in (("qemu-test", ["MEM=4M"]), ("qemu-test-low-mem", ["CPUS=0"])):
        start = time.monotonic()
        why, out = no_machine(target, build, extra)
        if why:
            return why, excerpt(out)
        detail.append("%s: the grader read %r and the end in %.1fs" % (
            " ".join([target] + extra), out.strip(), time.monotonic() - start))
    return None, None


# ------------------------------------------------------------ make qemu

def script():
    """(first line, rest): the qemu_pipe_script input, '\\r' line ends."""
    first = "echo tok0000  \r"
    lines = ["echo tok%04d  \r" % i for i in range(1, ECHO_LINES)]
    half = len(lines) // 2
    comment = "# " + " ".join("long%04d" % i for i in range(LONG_TOKENS)) + "\r"
    rest = "".join(lines[:half]) + comment + "".join(lines[half:]) + "quit\r"
    return first, rest


def scenario_qemu_pipe_script(build, detail):
    first, rest = script()
    tmpdir = tempfile.mkdtemp(prefix="osv-rv-make-")
    make = Make("qemu", tmpdir, build)
    try:
        # Before boot: the first byte must survive (the NUL goes first).
        make.send(first.encode())
        make.out.wait_for(rb"tok0000\n|not found", RUN_TIMEOUT)
        if "tok0000\n" not in make.out.text():
            return "`%s` typed before boot did not run" % first.strip(), excerpt(make.out.text())
        start = len(make.out.text())
        make.send(rest.encode())
        halted = make.out.wait_for(rb"\[halt\] requested", SCRIPT_TIMEOUT)
        exited = halted is not None and make.wait(QUIT_EXIT)
        gone = time.monotonic()
        text = make.out.text()
        tokens = [int(t) for t in re.findall(r"tok(\d{4})\n", text)]
        if tokens != list(range(ECHO_LINES)):
            missing = sorted(set(range(ECHO_LINES)) - set(tokens))
            return ("echo printed %d of %d tokens in order (missing: %s)"
                    % (sum(1 for i, t in enumerate(tokens) if t == i), ECHO_LINES,
                       " ".join("tok%04d" % t for t in missing[:5])), excerpt(text))
        if halted is None:
            return "no halt within %gs of the script's `quit`" % SCRIPT_TIMEOUT, excerpt(text)
        if not exited:
            return ("make qemu still running %gs after the halt, stdin open"
                    % QUIT_EXIT, excerpt(text))
        # What is left once whole writes (echo's lines, the prompts) are
        # taken out is the console's echo of the input, byte by byte.
        echoed = re.sub(r"tok\d{4}\n|\$ ", "", text[start:])
        want = rest.replace("\r", "\n")
        if want not in echoed:
            n = next(i for i in range(len(want)) if want[:i + 1] not in echoed)
            return ("the console's echo of the script differs after %d of %d bytes"
                    % (n, len(want)), excerpt(text))
        detail.append("%d bytes piped in (%d after boot, at once), none lost; "
                      "make exited %.2fs after the halt"
                      % (len(first) + len(rest), len(rest), gone - halted))
        return None, None
    finally:
        make.kill()
        shutil.rmtree(tmpdir, ignore_errors=True)


# make qemu, once QEMU runs, killed by each of SIGKILL, SIGTERM, SIGINT,
# SIGHUP and SIGQUIT to make's pid alone, and make qemu-gdb, its QEMU
# waiting for gdb, by SIGKILL (a driver's or an editor's kill): make, the
# relay and QEMU must all be gone within KILL_EXIT s. qemu-gdb ran QEMU
# itself, which ran on after make's SIGKILL holding the disk image and the
# gdb port: the next make qemu failed ('Failed to get "write" lock').
def scenario_qemu_kill_make(build, detail):
    tmpdir = tempfile.mkdtemp(prefix="osv-rv-make-")
    try:
        took = []
        for target, sig in [("qemu", s) for s in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT,
                                                  signal.SIGHUP, signal.SIGQUIT)] \
                + [("qemu-gdb", signal.SIGKILL)]:
            extra = ["GDBPORT=%d" % free_port()] if target == "qemu-gdb" else []
            make = Make(target, tmpdir, build, ONE_HART, *extra)
            what = "%s to the pid of make %s" % (signal.Signals(sig).name, target)
            try:
                # QEMU's first line (OpenSBI's): make, the relay (its signal
                # handlers set, and make's looked at) and QEMU all run, as
                # at the prompt; the boot after it would change nothing.
                # QEMU waiting for gdb prints nothing: SIGKILL, which the
                # relay and QEMU meet from their start (die_with_parent),
                # goes once QEMU is there.
                t0 = time.monotonic()
                while target == "qemu-gdb" and make.proc.poll() is None \
                        and "qemu-system" not in " ".join(make.note_family().values()) \
                        and time.monotonic() - t0 < RUN_TIMEOUT:
                    time.sleep(0.05)
                if target == "qemu" and make.out.wait_for(rb"OpenSBI", RUN_TIMEOUT) is None:
                    return "make qemu did not start QEMU", excerpt(make.out.text())
                left = make.note_family()
                if not any(name.startswith("qemu-system") for name in left.values()):
                    return "make %s runs no QEMU under it: %s" % (target, left), \
                        excerpt(make.out.text())
                os.kill(make.proc.pid, sig)
                t0 = time.monotonic()
                while time.monotonic() - t0 < KILL_EXIT:
                    if not running(left) and make.proc.poll() is not None:
                        break
                    time.sleep(0.05)
                alive = running(left)
                if alive:
                    return ("%s: %s still running after %gs"
                            % (what, ", ".join(alive), KILL_EXIT)), None
                if not make.wait(0):
                    return "%s: make still running after %gs" % (what, KILL_EXIT), None
                took.append("%s %.2fs" % (what, time.monotonic() - t0))
            finally:
                make.kill()
        detail.append("QEMU gone after " + ", ".join(took))
        return None, None
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


# make qemu driven through two pipes by a grader that dies at the prompt
# (an exception, or a kill that reached `sh -c` and not make): both pipes
# close, make gets no signal. Nobody can reach the machine any more, so
# QEMU, its relay and make must end; QEMU ran on for ever, holding the
# disk image's lock, and every later make qemu failed on it. The same
# machine must run on while its input alone has ended (a script piped in).
def scenario_qemu_reader_gone(build, detail):
    tmpdir = tempfile.mkdtemp(prefix="osv-rv-make-")
    image = os.path.join(tmpdir, "fs.img")
    shutil.copyfile(test_image(build), image)
    out_rd, out_wr = os.pipe()
    proc = subprocess.Popen(["make", "qemu", "FSIMG=" + image, ONE_HART] + make_args(build),
                            cwd=ROOT, env=make_env(), stdin=subprocess.PIPE,
                            stdout=out_wr, stderr=out_wr)
    os.close(out_wr)
    family = {}
    try:
        data = b""
        deadline = time.monotonic() + RUN_TIMEOUT
        while not re.search(rb"\n\$ ", data.replace(b"\r", b"")):
            r, _, _ = select.select([out_rd], [], [], max(0, deadline - time.monotonic()))
            chunk = os.read(out_rd, 65536) if r else b""
            if not chunk:
                return "no prompt from make qemu", excerpt(data.decode(errors="replace"))
            data += chunk
        family = descendants(proc.pid)
        # The input ends with a command that answers a second later: its
        # answer shows the machine ran on, its output still read. (Typed
        # with three spaces, echoed with one: the typed line's echo is no
        # answer.)
        proc.stdin.write(b"sleep 1; echo ran   on\r")
        proc.stdin.close()
        data = b""
        deadline = time.monotonic() + KILL_EXIT + 1
        while not re.search(rb"\nran on\r?\n", data):
            r, _, _ = select.select([out_rd], [], [], max(0, deadline - time.monotonic()))
            chunk = os.read(out_rd, 65536) if r else b""
            if not chunk:
                return ("make qemu stopped answering when its input ended, its output still read",
                        excerpt(data.decode(errors="replace")))
            data += chunk
        if proc.poll() is not None:
            return "make qemu exited when its input ended, its output still read", None
        os.close(out_rd)                 # and now nobody reads it either
        out_rd = None
        t0 = time.monotonic()
        try:
            proc.wait(KILL_EXIT)
        except subprocess.TimeoutExpired:
            return ("make qemu still running %gs after its grader's pipes closed: %s"
                    % (KILL_EXIT, ", ".join(running(family)))), None
        detail.append("make qemu gone %.2fs after its pipes closed" % (time.monotonic() - t0))
        return None, None
    finally:
        kill_family(family)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if out_rd is not None:
            os.close(out_rd)
        shutil.rmtree(tmpdir, ignore_errors=True)


# make qemu driven through pipes by a script that started it as osv's
# grader starts make qemu-test, Popen("make qemu", shell=True), ended it
# with p.kill(), which kills the `sh -c` alone, and started the next make
# qemu at once, its pipes to the first still open (the Popen object still
# held). make, the relay and QEMU ran on, holding the disk image, and the
# next make qemu failed at once ("... is in use by the machine of an
# earlier make qemu ..."): the script could start no machine until it let
# go of the dead one's pipes. The first machine must end, and the next
# make qemu on the same image must boot to its prompt and exit on quit.
# Returns (reason or None, console excerpt).
def scenario_qemu_sh_killed(build, detail):
    tmpdir = tempfile.mkdtemp(prefix="osv-rv-make-")
    first = second = None
    try:
        first = Make("qemu", tmpdir, build, ONE_HART, sh=True)
        if first.out.wait_for(rb"\n\$ ", RUN_TIMEOUT) is None:
            return "no prompt from the first make qemu", excerpt(first.out.text())
        family = first.note_family()
        if not any(name.startswith("qemu-system") for name in family.values()):
            return "the first make qemu runs no QEMU under sh: %s" % family, None
        first.proc.kill()                # the sh -c alone, as p.kill()
        first.proc.wait()
        t0 = time.monotonic()
        second = Make("qemu", tmpdir, build, ONE_HART)
        if second.out.wait_for(rb"\n\$ ", RUN_TIMEOUT) is None:
            return ("the next make qemu, the sh of the first killed and its pipes still "
                    "open: no prompt"), excerpt(second.out.text(), 5)
        booted = time.monotonic() - t0
        alive = running(family)
        if alive:
            return "the sh of the first make qemu killed: its %s still running" \
                % ", ".join(alive), None
        second.send(b"quit\n")
        why = make_exited(second, "qemu (the second)")
        if why:
            return why, excerpt(second.out.text(), 5)
        detail.append("the next make qemu at its prompt %.1fs after the sh of the first "
                      "was killed" % booted)
        return None, None
    finally:
        for make in (first, second):
            if make is not None:
                make.kill()
        shutil.rmtree(tmpdir, ignore_errors=True)


# The helper of qemu_background_tty and qemu_tty_restored, run in a
# session of its own, as a person's shell: opening the terminal (argv[1])
# makes it the session's, with the helper's process group in its
# foreground; then make (argv[3:]) runs on it, in that process group
# (argv[2] "foreground", as a shell runs it) or in one of its own
# ("background", as `timeout` runs it). Prints make's pid, and stays once
# make has exited, as a shell does: its exit would hang the terminal up.
TTY_HELPER = """
import os, signal, subprocess, sys
tty = os.open(sys.argv[1], os.O_RDWR)
make = subprocess.Popen(sys.argv[3:], stdin=tty, stdout=tty, stderr=tty,
                        preexec_fn=lambda: os.setpgid(0, 0) if sys.argv[2] == "background" else None)
print(make.pid, flush=True)
make.wait()
signal.pause()
"""


# make qemu on a terminal whose foreground is another process group, as
# under `timeout`: test/qemu.py is stopped (SIGTTOU) as it sets the
# terminal's mode, and must first say why on the terminal; it had hung
# silently. Nothing boots: make and the relay are stopped before QEMU
# starts, and killed here.
def scenario_qemu_background_tty(build, detail):
    tmpdir = tempfile.mkdtemp(prefix="osv-rv-make-")
    master, slave = os.openpty()
    helper = out = None
    try:
        shutil.copyfile(test_image(build), os.path.join(tmpdir, "fs.img"))
        helper = subprocess.Popen(
            PY_RUN + ["-c", TTY_HELPER, os.ttyname(slave), "background", "make", "qemu",
             "FSIMG=" + os.path.join(tmpdir, "fs.img")] + make_args(build),
            cwd=ROOT, env=make_env(), start_new_session=True,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
        os.close(slave)
        make_pid = int(helper.stdout.readline() or 0)
        out = Reader(master)
        said = out.wait_for(rb"not the terminal's foreground job", RUN_TIMEOUT)
        if make_pid:
            os.killpg(make_pid, signal.SIGKILL)
        if said is None:
            return ("make qemu in a background process group said nothing on its terminal "
                    "in %gs" % RUN_TIMEOUT), excerpt(out.text())
        detail.append(out.text().strip().splitlines()[-1])
        return None, None
    finally:
        if helper is not None:
            helper.kill()
            helper.wait()
        if out is not None:
            out.thread.join(5)           # the terminal's end read, before it closes
        os.close(master)
        shutil.rmtree(tmpdir, ignore_errors=True)


# make qemu on a terminal, as a person runs it (a pty, make in its
# foreground): the relay puts the terminal in raw mode, as QEMU would, and
# must leave it as it found it even when it dies without a word: a `kill
# -9` of make (the relay and QEMU die with it) left the person's shell on a
# terminal that neither echoed nor edited lines, until `stty sane`. Once
# QEMU runs, make gets SIGKILL; within KILL_EXIT the terminal must echo
# and edit lines again. Returns (reason or None, console excerpt).
def scenario_qemu_tty_restored(build, detail):
    tmpdir = tempfile.mkdtemp(prefix="osv-rv-make-")
    master, slave = os.openpty()
    helper = out = None
    family = {}
    cooked = termios.ECHO | termios.ICANON
    try:
        shutil.copyfile(test_image(build), os.path.join(tmpdir, "fs.img"))
        helper = subprocess.Popen(
            PY_RUN + ["-c", TTY_HELPER, os.ttyname(slave), "foreground", "make", "qemu",
                      "FSIMG=" + os.path.join(tmpdir, "fs.img"), ONE_HART] + make_args(build),
            cwd=ROOT, env=make_env(), start_new_session=True,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
        make_pid = int(helper.stdout.readline() or 0)
        out = Reader(master)
        if not make_pid or out.wait_for(rb"OpenSBI", RUN_TIMEOUT) is None:
            return "make qemu on a terminal started no QEMU", excerpt(out.text())
        family = descendants(make_pid)
        if termios.tcgetattr(slave)[3] & cooked:
            return "make qemu left its terminal in line mode (echo, line editing)", None
        os.kill(make_pid, signal.SIGKILL)
        t0 = time.monotonic()
        while termios.tcgetattr(slave)[3] & cooked != cooked and time.monotonic() - t0 < KILL_EXIT:
            time.sleep(0.02)
        if termios.tcgetattr(slave)[3] & cooked != cooked:
            return ("SIGKILL to make qemu's make: its terminal still without echo and line "
                    "editing after %gs" % KILL_EXIT), None
        detail.append("the terminal's mode back %.2fs after SIGKILL to make"
                      % (time.monotonic() - t0))
        return None, None
    finally:
        kill_family(family)
        if helper is not None:
            helper.kill()
            helper.wait()
        os.close(slave)
        if out is not None:
            out.thread.join(5)           # the terminal's end read, before it closes
        os.close(master)
        shutil.rmtree(tmpdir, ignore_errors=True)


# make qemu BOOTARGS=panic=boot: the kernel panics once the disk is up.
# make must fail (QEMU exits 1 through the sifive,test finisher), the
# backtrace must name boot_thread, the caller of panic, and
# `make symbolize` must place that frame on its line of kernel/boot/main.c.
def scenario_panic_exit(build, detail):
    tmpdir = tempfile.mkdtemp(prefix="osv-rv-make-")
    try:
        make = Make("qemu", tmpdir, build, "BOOTARGS=panic=boot")
        try:
            if not make.wait(RUN_TIMEOUT):
                return "make qemu did not exit after the panic", excerpt(make.out.text())
            out = make.out.text()
            if "PANIC" not in out:
                return "no PANIC line", excerpt(out)
            if make.proc.returncode == 0:
                return "make qemu exited 0 after a PANIC", excerpt(out)
            frame = re.search(r"^\s*#\d+ 0x[0-9a-f]+ boot_thread\+0x[0-9a-f]+\s*$", out, re.M)
            if not frame:
                return "the backtrace does not name boot_thread", excerpt(out)
        finally:
            make.kill()
        log = os.path.join(tmpdir, "panic.log")
        with open(log, "w") as f:
            f.write(out)
        sym = subprocess.run(["make", "-s", "symbolize", "LOG=" + log] + make_args(build),
                             cwd=ROOT, env=make_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             universal_newlines=True, timeout=60).stdout
        placed = re.search(r"boot_thread\+0x[0-9a-f]+ at (kernel/boot/main\.c:\d+)", sym)
        if not placed:
            return "make symbolize gave no kernel/boot/main.c line for boot_thread", excerpt(sym)
        detail.append("make exited %d; boot_thread at %s"
                      % (make.proc.returncode, placed.group(1)))
        return None, None
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


# One `make qemu BOOTARGS=panic=WHAT` (extra: more make variables): it
# must exit within PANIC_EXIT s, non-zero, with exactly one PANIC line (a
# fault while panicking would add lines or hang). Returns (reason or None,
# console, seconds make took).
def deliberate_panic(build, what, *extra):
    tmpdir = tempfile.mkdtemp(prefix="osv-rv-make-")
    try:
        make = Make("qemu", tmpdir, build, "BOOTARGS=panic=" + what, *extra)
        try:
            t0 = time.monotonic()
            exited = make.wait(PANIC_EXIT)
            took = time.monotonic() - t0
            out = strip_ansi(make.out.text())
            if not exited:
                return "panic=%s: make qemu still running after %gs" % (what, PANIC_EXIT), out, took
            panics = [l for l in out.split("\n") if "PANIC" in l]
            if len(panics) != 1:
                return "panic=%s: %d PANIC lines, not 1" % (what, len(panics)), out, took
            if make.proc.returncode == 0:
                return "panic=%s: make qemu exited 0 after a PANIC" % what, out, took
            return None, out, took
        finally:
            make.kill()
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


# make qemu BOOTARGS=panic=stack: the boot thread recurses until its kernel
# stack's guard page stops it. The trap entry must notice and panic from
# the hart's emergency stack: one PANIC naming the overflow and the thread,
# trapped in the recursion itself (not in the trap entry: no nested fault),
# and a backtrace of the thread's own frames down to boot_thread. On one
# hart the boot thread has kernel-stack slot 0, with nothing mapped below
# it; on four, the slot below is another hart's stack.
def scenario_kstack_overflow(build, detail):
    for cpus in ("1", "4"):
        why, out, took = deliberate_panic(build, "stack", "CPUS=" + cpus)
        if why:
            return "CPUS=%s: %s" % (cpus, why), excerpt(out)
        if not re.search(r"PANIC on hart \d+: kernel stack overflow in thread boot\b", out):
            return "CPUS=%s: the PANIC does not name a stack overflow in thread boot" % cpus, \
                excerpt(out)
        if not re.search(r"^\s*at 0x[0-9a-f]+ recurse\b", out, re.M):
            return "CPUS=%s: the trap is not in the recursion (a nested fault?)" % cpus, excerpt(out)
        if not re.search(r"^\s*#\d+ 0x[0-9a-f]+ boot_thread\+", out, re.M):
            return "CPUS=%s: the backtrace does not reach boot_thread" % cpus, excerpt(out)
        detail.append("CPUS=%s: one PANIC, make exited %.1fs after it started" % (cpus, took))
    return None, None


# make qemu BOOTARGS=panic=wild: the boot thread loads from the direct map
# just past the end of RAM. The kernel half maps only RAM and devices, so
# that is a load page fault at that address (with every physical address
# mapped it was a read of whatever is there, or an access fault).
def scenario_kernel_map(build, detail):
    why, out, took = deliberate_panic(build, "wild")
    if why:
        return why, excerpt(out)
    addr = re.search(r"panic=wild: loading from (0x[0-9a-f]+)", out)
    if not addr:
        return "no 'panic=wild: loading from' line", excerpt(out)
    if not re.search(r"PANIC on hart \d+: kernel page fault at %s\b" % addr.group(1), out) or \
            not re.search(r"\(load page fault\).* stval %s\b" % addr.group(1), out):
        return "the load from %s was not a load page fault there" % addr.group(1), excerpt(out)
    detail.append("a load from %s: load page fault; make exited %.1fs after it started"
                  % (addr.group(1), took))
    return None, None


# make (mkfs) while make qemu runs on the image: mkfs writes a new image and
# renames it over the old, so the running machine keeps its disk. A hard
# link keeps the running image's inode after the rename; the machine writes
# a file after the rebuild and halts; that disk must check clean and hold
# the file's inode, and the path must hold the new, clean image.
def scenario_disk_safe(build, detail):
    tmpdir = tempfile.mkdtemp(prefix="osv-rv-make-")
    try:
        image = os.path.join(tmpdir, "fs.img")
        running = os.path.join(tmpdir, "running.img")
        mkfs = os.path.join(build, "mkfs")
        with open(os.path.join(build, "fs.list")) as f:
            files = f.read().split()
        make = Make("qemu", tmpdir, build, ONE_HART)
        try:
            if make.out.wait_for(rb"\n\$ ", RUN_TIMEOUT) is None:
                return "make qemu did not boot", excerpt(make.out.text())
            os.link(image, running)
            r = subprocess.run([mkfs, image] + files, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, universal_newlines=True, timeout=60)
            if r.returncode != 0:
                return "mkfs failed while the machine ran", excerpt(r.stdout)
            make.send(b"echo still here > safe.txt\rcat safe.txt\rquit\r")
            if not make.wait(RUN_TIMEOUT):
                return "make qemu did not exit after quit", excerpt(make.out.text())
            out = make.out.text()
            if not re.search(r"^(\$ )?still here$", out, re.M):
                return "the machine could not write after the rebuild", excerpt(out)
        finally:
            make.kill()
        for path, what in ((running, "the running machine's disk"), (image, "the new image")):
            r = subprocess.run([mkfs, "--check", path], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, universal_newlines=True, timeout=60)
            if r.returncode != 0 or "note:" in r.stdout:
                return "%s does not check clean after make during make qemu" % what, \
                    excerpt(r.stdout)
        if os.stat(running).st_ino == os.stat(image).st_ino:
            return "mkfs rewrote the running image in place", None
        detail.append("the running disk and the new image both check clean")
        return None, None
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
