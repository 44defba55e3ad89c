"""
test/machine.py: one QEMU boot of osv-rv and its console, for test/run.py.

A Machine boots the kernel on a disk image, types command lines at the
shell and reads the console as text (carriage returns removed) until the
next prompt, a PANIC, QEMU's exit or a deadline. Its console is written as
it comes to a log file, without colour codes. QEMU's command line is the
Makefile's (`make qemu-cmdline`, read once), so the tests boot the machine
`make qemu` boots. docs/testing.md describes how the runner uses it.
"""

import codecs
import os
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEM = "256M"                 # tests (info_basic) assume 256 MiB

BOOT_TIMEOUT = 60.0          # OpenSBI banner to the first prompt
FREE_TIMEOUT = 15.0          # one run of `free`
QUIT_TIMEOUT = 5.0           # `quit` to QEMU's exit, after tests

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
FREE_RE = re.compile(r"free_pages=(\d+)\s+total_pages=(\d+)")
PROMPT_RE = re.compile(r"(?:^|\n)\$ ")
HART_UP_RE = re.compile(r"\[hart (\d+)\] up\n")

# The Makefile's variables that a boot sets itself, given to make as
# placeholders and replaced in the command line it prints.
PLACEHOLDERS = {"B": "@B@", "FSIMG": "@FSIMG@", "CPUS": "@CPUS@"}
# How the runner starts a script of ours, as the Makefile does (PY_RUN):
# without site (-S), which only loads installed packages' .pth files
# (0.06 to 0.08 s of CPU a start with pyenv's Python); ours need none.
PY_RUN = [sys.executable, "-S"]
_qemu_template = None
_qemu_template_lock = threading.Lock()   # lanes boot at once (test/runner.py)


def make_env():
    """The environment for a make run by the runner: without the make
    variables of a `make test` around it (its B=, DEBUG=, MEM=...), and
    with PYTHON the interpreter running us, which the Makefile's qemu
    targets start test/qemu.py with: `python3` may be a version manager's
    shim (pyenv's is a bash script that looks the interpreter up), which
    cost 0.4 s of CPU a start on machines that have one."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    env["PYTHON"] = sys.executable
    return env


def qemu_template():
    """The Makefile's QEMU and QEMUOPTS with placeholders for PLACEHOLDERS
    (a list), from `make -s qemu-cmdline` with MEM=256M and no boot
    arguments; BootError if make fails."""
    r = subprocess.run(
        ["make", "-s", "--no-print-directory", "qemu-cmdline", "MEM=" + MEM, "BOOTARGS="]
        + ["%s=%s" % kv for kv in PLACEHOLDERS.items()],
        cwd=ROOT, env=make_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        universal_newlines=True, timeout=60)
    words = shlex.split(r.stdout.strip().split("\n")[-1]) if r.stdout.strip() else []
    if r.returncode != 0 or "-kernel" not in words:
        raise BootError("`make qemu-cmdline` failed: " + r.stdout.strip()[-300:])
    return words


def qemu_command(kernel_dir, image, cpus, bootargs=None, disk_cache=None):
    """QEMU's command line (a list) for the kernel of kernel_dir on disk
    image with cpus harts: qemu_template(), asked of make once, then
    bootargs (the kernel's command line, as BOOTARGS=) if given.
    disk_cache, if given, is the disk's QEMU cache mode (cache=)."""
    global _qemu_template
    with _qemu_template_lock:
        if _qemu_template is None:
            _qemu_template = qemu_template()
    values = {"@B@": kernel_dir, "@FSIMG@": image, "@CPUS@": str(cpus)}
    cmd = []
    for w in _qemu_template:
        if disk_cache and w.startswith("file=@FSIMG@,"):
            w += ",cache=" + disk_cache
        for k, v in values.items():
            w = w.replace(k, v)
        cmd.append(w)
    if bootargs:
        cmd += ["-append", bootargs]
    return cmd


# text without colour codes (the logs and the judging never see them).
def strip_ansi(text):
    return ANSI_RE.sub("", text)


# The disk the tests boot copies of: the Makefile's build/fs-tests.img,
# made with build/fs.img but never booted, so whatever a person did on
# build/fs.img at make qemu's prompt is not what the tests find.
def test_image(build):
    return os.path.join(build, "fs-tests.img")


# The machine did not come up: no prompt, or not every hart.
class BootError(Exception):
    pass


class Machine:
    """One QEMU boot, its console as text, and its log file."""

    live = set()             # every Machine not yet stopped (for atexit)

    # build: where the disk images are; kernel_dir: where kernel.elf is
    # (build if None); image: the disk image to use and keep, None for a
    # fresh temporary copy of test_image(build), removed with the machine. echo: a
    # stream to echo the console to (-v), or None. bootargs: the kernel's
    # command line (e.g. "panic=lockorder"), or None. disk_cache: QEMU's
    # cache mode for the disk (see Lane.new_machine), or None for the
    # Makefile's.
    def __init__(self, build, cpus, log_path, echo=None, image=None, kernel_dir=None,
                 bootargs=None, disk_cache=None):
        self.build = build
        self.kernel_dir = kernel_dir or build
        self.bootargs = bootargs
        self.disk_cache = disk_cache
        self.cpus = cpus
        self.log_path = log_path
        self.echo = echo
        self.text = ""           # everything read, '\r' removed
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.unlogged = ""       # an escape sequence not yet complete
        self.proc = None
        self.exited = False
        self.wedged = False      # timed out or panicked: kill, don't `quit`
        self.tmpdir = tempfile.mkdtemp(prefix="osv-rv-test-")
        if image is None:
            self.img = os.path.join(self.tmpdir, "fs.img")
            shutil.copyfile(test_image(build), self.img)
        else:
            self.img = image
        os.makedirs(os.path.dirname(log_path), exist_ok=True)
        self.log = open(log_path, "w", encoding="utf-8", errors="replace")

    # Starts QEMU (the Makefile's command line, noted first in the log).
    def start(self):
        cmd = qemu_command(self.kernel_dir, self.img, self.cpus, self.bootargs,
                           self.disk_cache)
        self.log.write("# " + " ".join(shlex.quote(w) for w in cmd) + "\n")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, bufsize=0)
        Machine.live.add(self)
        os.set_blocking(self.proc.stdout.fileno(), False)

    # Writes console text to the log without colour codes; an escape
    # sequence cut by a read waits for its end.
    def write_log(self, s):
        s = self.unlogged + s
        cut = s.rfind("\x1b")
        if cut >= 0 and not ANSI_RE.match(s, cut) and len(s) - cut < 16:
            s, self.unlogged = s[:cut], s[cut:]
        else:
            self.unlogged = ""
        self.log.write(strip_ansi(s))
        self.log.flush()

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
        self.write_log(s)
        if self.echo:
            self.echo.write(s)
            self.echo.flush()
        return True

    # Waits until regex matches the text from `start`, PANIC shows up, QEMU
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

    # Types line and Enter; a machine that is gone counts as exited.
    def send(self, line):
        try:
            self.proc.stdin.write((line + "\r").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.exited = True

    # Boots to the first prompt with every hart up; BootError if not.
    def boot(self):
        self.start()
        m, why = self.wait_for(PROMPT_RE, 0, BOOT_TIMEOUT)
        if not m:
            self.wedged = True
            raise BootError("boot failed: " + why)
        up = set(HART_UP_RE.findall(self.text[:m.start()]))
        if len(up) != self.cpus:
            self.wedged = True
            raise BootError("boot: %d of %d harts came up" % (len(up), self.cpus))

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
        m = FREE_RE.search(strip_ansi(out))
        if not m:
            return None, out, "`free` printed no free_pages= line"
        return int(m.group(1)), out, None

    # Types `quit` and waits for the machine to power off by itself.
    # Returns None after a clean halt, else a reason.
    def halt(self, timeout):
        if self.exited or self.wedged:
            return "the machine was not running"
        start = len(self.text)
        self.send("quit")
        ok = self.wait_exit(timeout)
        if "PANIC" in self.text[start:]:
            return "kernel panic at halt"
        return None if ok else "`quit` did not power the machine off"

    # Halts the machine if it still runs, then kills what is left.
    def stop(self):
        if not self.exited and not self.wedged and self.proc:
            self.halt(QUIT_TIMEOUT)
        self.kill()

    # Waits up to timeout seconds for QEMU to exit on its own; True if it did.
    def wait_exit(self, timeout):
        end = time.monotonic() + timeout
        while not self.exited and time.monotonic() < end:
            self.pump(end - time.monotonic())
        return self.exited

    # Ends QEMU at once (SIGKILL), keeps its last output in the log, closes
    # the log and removes the temporary disk. Safe to call twice.
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
            self.log.write(strip_ansi(self.unlogged))
            self.log.close()
        shutil.rmtree(self.tmpdir, ignore_errors=True)


# Kills every machine still running (at exit, on a signal, after a scenario).
def kill_all_machines():
    for m in list(Machine.live):
        m.kill()


def root_names(image):
    """The names in the root directory of the sfs image (include/kernel/
    sfs.h: the superblock in block 1, the root's inode, its entries of 32
    bytes, a name of 28 bytes and an inode number), "." and ".." aside."""
    block = 4096
    with open(image, "rb") as f:
        def read(n):
            f.seek(n * block)
            return f.read(block)
        sb = struct.unpack_from("<15I", read(1))
        inode_start, root = sb[7], sb[12]
        table = read(inode_start + root * 64 // block)
        at = root * 64 % block
        size = struct.unpack_from("<Q", table, at + 8)[0]
        blocks = list(struct.unpack_from("<10I", table, at + 16))
        indirect = struct.unpack_from("<I", table, at + 56)[0]
        if indirect:
            blocks += struct.unpack_from("<1024I", read(indirect))
        names = set()
        for k in range((size + block - 1) // block):
            data = read(blocks[k])
            for at in range(0, min(block, size - k * block), 32):
                name, inum = struct.unpack_from("<28si", data, at)
                name = name.split(b"\0")[0].decode("latin-1")
                if inum and name not in (".", ".."):
                    names.add(name)
        return names


def mkfs_check(build, image, notes_ok):
    """Runs `mkfs --check` on image. Returns (reason or None, its notes,
    its output): notes (what the next mount repairs) are fine unless
    notes_ok is false."""
    r = subprocess.run([os.path.join(build, "mkfs"), "--check", image],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, timeout=120)
    lines = r.stdout.strip().split("\n")
    notes = [l.split(": note: ", 1)[1] for l in lines if ": note: " in l]
    if r.returncode != 0:
        problems = [l for l in lines if ": note: " not in l]
        return "mkfs --check: " + " / ".join(problems[:4]), notes, r.stdout
    if notes and not notes_ok:
        return "mkfs --check after a clean halt: " + notes[0], notes, r.stdout
    return None, notes, r.stdout

