#!/usr/bin/env python3
"""
test/qemu.py: starts QEMU for the Makefile's qemu targets, so that a script
can drive the console as safely as a person at a terminal.

    python3 test/qemu.py stdio -- QEMU ARGS...       make qemu
    python3 test/qemu.py fifo PATH -- QEMU ARGS...   make qemu-test: input
                                                     from PATH.in, output
                                                     to PATH.out

The Makefile runs it with `exec`, so its parent is make, and it becomes
QEMU (exec again): QEMU is make's own child, and make exits the moment QEMU
does, whatever state the driver's stdin is in. Besides QEMU there is at most
one helper process, a child of QEMU, which does two things:

- It relays the input (a pipe on stdin, or the FIFO PATH.in) to QEMU,
  putting one NUL byte first. At reset QEMU hands the UART one input byte
  and OpenSBI's UART setup then clears it, so the first byte of input
  written before boot would be lost; the NUL is lost instead (the console
  ignores NUL when it survives). The relay blocks when QEMU stops reading
  (the console stops the UART while its buffer is full), so no byte is ever
  dropped. PATH.in is opened read-write: a grader that closes and reopens
  it is no end of input. On a terminal QEMU reads stdin itself (raw mode,
  Ctrl-A x), and a person types after the prompt.
- It watches make. make forwards SIGTERM to QEMU by itself, but on SIGINT,
  SIGHUP or SIGQUIT sent to make's pid alone it waits for QEMU forever (it
  expects the terminal to signal the whole process group). make's handler
  first resets the signal to its default, so when make stops catching one
  of these signals the helper ends QEMU with SIGTERM.

No orphans: QEMU runs with the parent-death signal SIGKILL (prctl), so if
make dies, even by SIGKILL, QEMU dies at once and releases the disk image's
lock; the helper has the same tie to QEMU, so it never outlives it.
"""

import ctypes
import os
import select
import signal
import sys

PR_SET_PDEATHSIG = 1
WATCHED = (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM)
POLL = 0.2                 # seconds between two looks at make's signals
CHUNK = 65536


def die_with_parent():
    """Makes the kernel SIGKILL this process when its parent exits."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")


def caught(pid):
    """The signals of WATCHED that process pid catches (a frozenset), or
    None once it is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    mask = int(line.split()[1], 16)
                    return frozenset(s for s in WATCHED if mask >> (s - 1) & 1)
    except OSError:
        pass
    return None


def is_make(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip() in ("make", "gmake")
    except OSError:
        return False


def helper(make_pid, qemu_pid, src, dst):
    """The helper's life (see the top): relays src to dst, NUL first, while
    src is not None, and ends QEMU if make is going. Never returns."""
    try:
        die_with_parent()
        if os.getppid() != qemu_pid:
            os._exit(0)                  # QEMU is already gone
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        watch = caught(make_pid) if is_make(make_pid) else None
        pending = b"\0" if src is not None else b""
        if dst is not None:
            os.set_blocking(dst, False)
        while True:
            rlist = [src] if src is not None and not pending else []
            wlist = [dst] if pending else []
            r, w, _ = select.select(rlist, wlist, [], POLL)
            if w:
                pending = pending[os.write(dst, pending):]
            if r:
                pending = os.read(src, CHUNK)
                if not pending:          # stdin closed: so is QEMU's
                    os.close(dst)
                    src = dst = None
            if watch:
                now = caught(make_pid)
                if now is None or not watch <= now:
                    os.kill(qemu_pid, signal.SIGTERM)
                    os._exit(0)
    except OSError:
        os._exit(0)                      # QEMU went away under us


def main(argv):
    if len(argv) >= 3 and argv[0] == "stdio" and argv[1] == "--":
        path, qemu = None, argv[2:]
    elif len(argv) >= 4 and argv[0] == "fifo" and argv[2] == "--":
        path, qemu = argv[1], argv[3:]
    else:
        sys.stderr.write(__doc__)
        return 2

    make_pid = os.getppid()
    qemu_pid = os.getpid()
    out = None
    if path is not None:
        src = os.open(path + ".in", os.O_RDWR)
        out = os.open(path + ".out", os.O_RDWR)
    elif not os.isatty(0):
        src = os.dup(0)
    else:
        src = None
    if src is not None:
        rd, wr = os.pipe()

    if os.fork() == 0:
        if src is not None:
            os.close(rd)
        if out is not None:
            os.close(out)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        helper(make_pid, qemu_pid, src, wr if src is not None else None)

    if src is not None:
        os.close(src)
        os.close(wr)
        os.dup2(rd, 0)
        os.close(rd)
    if out is not None:
        os.dup2(out, 1)
        os.close(out)
    die_with_parent()
    if os.getppid() != make_pid:
        return 1                         # make is already gone
    try:
        os.execvp(qemu[0], qemu)
    except OSError as e:
        sys.stderr.write("test/qemu.py: %s: %s\n" % (qemu[0], e.strerror))
        return 127


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
