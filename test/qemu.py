#!/usr/bin/env python3
"""
test/qemu.py: runs QEMU for the Makefile's qemu targets, so that a script
can drive the console as safely as a person at a terminal.

    python3 test/qemu.py stdio IMAGE -- QEMU ARGS...       make qemu and
                                                           make qemu-gdb
    python3 test/qemu.py fifo PATH IMAGE -- QEMU ARGS...   make qemu-test:
                                                           input from
                                                           PATH.in, output
                                                           to PATH.out
    python3 test/qemu.py fail PATH MESSAGE           make qemu-test when no
                                                     machine can start

make runs it with `exec`, so it is make's child, and it runs QEMU as its
own child, relays the input to it and exits with QEMU's status the moment
QEMU exits, whatever state the driver's stdin is in:

- The input (stdin, or the FIFO PATH.in) reaches QEMU through a pipe, one
  NUL byte first. At reset QEMU hands the UART one input byte and OpenSBI's
  UART setup then clears it, so the first byte written before boot would
  be lost; the NUL is lost instead (the console ignores it if it survives).
  The relay stops reading when QEMU does (the console stops the UART while
  its buffer is full), so no byte is ever dropped. PATH.in is opened
  read-write: a grader that closes and reopens it is no end of input.
  PATH.out ends once QEMU has exited and PATH.in is closed, so a grader may
  start the next run the moment it has read PATH.out to its end. QEMU's
  output reaches PATH.out through this process too, so that only it holds
  the pair, and it lets go of both at once on a watched signal (below):
  a grader that kills make and starts the next run at once then meets the
  next machine, not the end of this one's PATH.out.
- On a terminal, the terminal is put in raw mode as QEMU would put it
  (Ctrl-A x still leaves: QEMU's multiplexer reads it from the pipe) and
  restored when QEMU exits, so a byte typed before boot is not lost either.
  A child of ours restores it if we die first (a `kill -9` of make), which
  left the person's shell on a terminal without echo or line editing.
  A terminal whose foreground is another process group stops us at that
  change of mode (SIGTTOU) until we are its foreground: `make qemu &` then
  waits for `fg`, but under `timeout`, which puts make in a process group
  of its own, nothing ever makes it the foreground, and it hung without a
  word until the timeout. So we say so first, on the terminal.
- No machine nobody can reach: in stdio mode, once the input has ended
  and stdout is a pipe whose reader has gone (a grader that drove `make
  qemu` through pipes and died, by an exception or a kill that missed
  make), nothing can type to the machine or see it any more, so QEMU is
  ended as on SIGTERM. It ran on for ever holding the disk image's lock,
  and every later `make qemu` and `make qemu-test` failed ("Failed to get
  "write" lock") until someone found it. A machine whose input has ended
  but whose output is still read runs on (`printf 'ls\rquit\r' | make
  qemu`), and so does one whose output's reader went while its input is
  still open.
- No orphans: this process and QEMU each get the parent-death signal
  SIGKILL (prctl), so if make dies, even by SIGKILL, both die at once and
  QEMU's lock on the disk image goes with it. SIGTERM, SIGINT, SIGHUP or
  SIGQUIT to this process end QEMU with SIGTERM (a clean exit). make
  forwards SIGTERM to us, but on SIGINT, SIGHUP or SIGQUIT sent to make's
  pid alone it waits for its child forever (it expects the terminal to
  signal the whole process group); its handler first resets the signal to
  its default, so when make stops catching one of them we end QEMU.

- A test over is a machine over: once the process that started make has
  exited (the grader's `sh -c` killed by p.kill(), which leaves make
  running), QEMU is ended as on SIGTERM and, in fifo mode, the pair let
  go of at once, within milliseconds: the grader's next make qemu-test
  starts at once and opens the pair, and found this machine's relay
  holding it, which took its lines (the old machine ran them, or was
  ended with them by the next relay: that test scored 0). In stdio mode
  the script that killed its `sh -c` so and started the next make qemu,
  still holding the first one's pipes, met this machine on IMAGE, and
  make qemu refused to start. A make that was an orphan already when we
  started (`make qemu-test &` in a script that exited during the build)
  has no starter to watch, and runs on.
- One machine per disk image: QEMU locks IMAGE (QEMU's -drive file), so
  a second machine on it cannot boot. IMAGE.machine records the machine
  running on it (relay and QEMU, each pid with its start time, which no
  later process of that pid has), written under flock. osv's grader ends
  a test with p.kill() on Popen("make qemu-test", shell=True), which kills
  the sh alone (dash does not exec make): make, this process and QEMU ran
  on, holding IMAGE's lock and the FIFO pair, and every later qemu-test
  failed ('Failed to get "write" lock'). So fifo mode ends an earlier
  machine whose QEMU still runs on IMAGE, as on SIGTERM (its relay lets
  go of its pair at once), says so in one line on stderr, and waits for
  that QEMU to exit (SIGKILL after END_WAIT seconds) before it opens the
  pair and starts its own. stdio mode, a person's `make qemu`, ends
  nobody's machine: it says which one holds IMAGE and exits 1 (that
  machine may be another person's session; docs/console.md).

`fail` stands in for the machine when make could not start one (a program
that does not compile, a bad CPUS=): a grader opens the FIFO pair and
blocks there until the machine's side opens it too, so it hung. It opens
PATH.in, waits for a reader of PATH.out, writes MESSAGE there and ends it,
so the grader reads why and the end, and keeps PATH.in until the grader
closes it (both waits within FAIL_WAIT seconds).
"""

import collections
import ctypes
import errno
import fcntl
import os
import select
import signal
import stat
import sys
import termios
import time

PR_SET_PDEATHSIG = 1
WATCHED = (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM)
POLL = 0.05                # seconds between two looks at make's signals
CHUNK = 65536
FAIL_WAIT = 5.0            # seconds `fail` waits for a grader to open PATH.out
END_WAIT = 5.0             # seconds an earlier machine gets to exit on SIGTERM


def die_with_parent(parent):
    """Makes the kernel SIGKILL this process when its parent exits; exits at
    once if the parent is no longer parent (already gone)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    if os.getppid() != parent:
        os._exit(1)


def foreground_elsewhere(fd):
    """True if terminal fd is our controlling terminal and another process
    group is its foreground: setting its mode or reading it stops us
    (SIGTTOU, SIGTTIN). A terminal that is not ours stops no one."""
    try:
        return os.tcgetpgrp(fd) != os.getpgrp()
    except OSError:
        return False


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


def stat_fields(pid):
    """The fields of /proc/PID/stat after the command's name (the state
    first), or None if there is no such process."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    return s[s.rindex(")") + 2:].split()


def started(pid):
    """Process pid's start time (clock ticks after boot), which names it
    together with its pid, or None once it has exited (a zombie holds no
    file any more)."""
    fields = stat_fields(pid)
    return None if fields is None or fields[0] in ("Z", "X") else int(fields[19])


def pidfd(pid, start):
    """A pidfd of process pid if it is still the one that started at start
    (not a later process given the same pid), else None."""
    try:
        fd = os.pidfd_open(pid)
    except OSError:
        return None
    if started(pid) != start:
        os.close(fd)
        return None
    return fd


Machine = collections.namedtuple("Machine", "relay relay_start qemu qemu_start mode")


class Claim:
    """IMAGE.machine, the record of the machine on disk image IMAGE: one
    line `RELAY START QEMU START MODE` (MODE: the make target, qemu,
    qemu-gdb or qemu-test). It is
    held under flock from the look at the earlier machine to the record of
    ours, so two makes started at once do not both miss each other. A
    folder we may not write in gets no record (fd None)."""

    def __init__(self, image):
        self.path = image + ".machine"
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError:
            self.fd = None
            return
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def earlier(self):
        """The recorded Machine if its QEMU still runs, else None."""
        if self.fd is None:
            return None
        try:
            f = os.read(self.fd, 256).split()
            m = Machine(int(f[0]), int(f[1]), int(f[2]), int(f[3]), f[4].decode())
        except (IndexError, ValueError):
            return None
        return m if started(m.qemu) == m.qemu_start else None

    def record(self, qemu_pid, mode):
        """Records this relay and its QEMU, and lets other makes look."""
        if self.fd is None:
            return
        line = "%d %d %d %d %s\n" % (os.getpid(), started(os.getpid()), qemu_pid,
                                     started(qemu_pid) or 0, mode)
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, line.encode(), 0)
        os.close(self.fd)                # and the flock with it


def end_machine(m):
    """Ends earlier machine m: SIGTERM to its relay (which lets go of its
    FIFO pair at once and ends QEMU cleanly), or to QEMU if the relay is
    gone, then SIGKILL to both if QEMU still runs after END_WAIT. Returns
    once QEMU has exited (its lock on the image gone with it), or after
    a second END_WAIT."""
    qemu = pidfd(m.qemu, m.qemu_start)
    if qemu is None:
        return
    relay = pidfd(m.relay, m.relay_start)
    try:
        for sig, targets in ((signal.SIGTERM, [relay if relay is not None else qemu]),
                             (signal.SIGKILL, [fd for fd in (relay, qemu) if fd is not None])):
            for fd in targets:
                try:
                    signal.pidfd_send_signal(fd, sig)
                except ProcessLookupError:
                    pass
            if select.select([qemu], [], [], END_WAIT)[0]:
                return
    finally:
        for fd in (relay, qemu):
            if fd is not None:
                os.close(fd)


def raw_mode(fd):
    """Puts terminal fd in the mode QEMU gives its stdio terminal (no echo,
    no line editing, no signal keys, output processing kept); returns the
    old mode."""
    old = termios.tcgetattr(fd)
    new = list(old)
    new[0] &= ~(termios.IGNBRK | termios.BRKINT | termios.PARMRK | termios.ISTRIP
                | termios.INLCR | termios.IGNCR | termios.ICRNL | termios.IXON)
    new[1] |= termios.OPOST
    new[2] = (new[2] & ~(termios.CSIZE | termios.PARENB)) | termios.CS8
    new[3] &= ~(termios.ECHO | termios.ECHONL | termios.ICANON | termios.IEXTEN | termios.ISIG)
    new[6] = list(old[6])
    new[6][termios.VMIN] = 1
    new[6][termios.VTIME] = 0
    termios.tcsetattr(fd, termios.TCSANOW, new)
    return old


def mode_keeper(mode):
    """Leaves terminal 0 in mode even if we die before we restore it
    (SIGKILL, to us or to make, which takes us along): the shell that ran
    make got back a terminal that neither echoed nor edited lines. A child
    of ours (it outlives us: no parent-death signal, WATCHED and SIGTTOU
    ignored, holding nothing but the terminal and a pipe) sets mode once
    the pipe ends without a byte in it, at once: before make has exited
    and the shell has taken the terminal back. Returns the pipe's write
    end, to write a byte into and close once we restored mode ourselves."""
    rd, wr = os.pipe()
    if os.fork() == 0:
        try:
            for s in WATCHED + (signal.SIGTTOU,):
                signal.signal(s, signal.SIG_IGN)
            os.closerange(1, rd)         # make's output, the image's claim
            os.closerange(rd + 1, os.sysconf("SC_OPEN_MAX"))
            if not os.read(rd, 1):
                termios.tcsetattr(0, termios.TCSANOW, mode)
        except (OSError, termios.error):
            pass                         # the terminal has gone
        os._exit(0)
    os.close(rd)
    return wr


def start_qemu(qemu, stdin, stdout):
    """Forks QEMU with these stdin and stdout (None: ours); returns its pid."""
    me = os.getpid()
    pid = os.fork()
    if pid == 0:
        try:
            die_with_parent(me)
            os.dup2(stdin, 0)
            if stdout is not None:
                os.dup2(stdout, 1)
            os.execvp(qemu[0], qemu)
        except OSError as e:
            sys.stderr.write("test/qemu.py: %s: %s\n" % (qemu[0], e.strerror))
        os._exit(127)
    return pid


class Link:
    """One direction of the relay: bytes read from src are written to dst.
    pending holds bytes read and not yet written (the input's NUL at
    first); src is None once it ended. close_dst: dst is closed when src
    ends (QEMU's stdin, so QEMU sees the end of input too)."""

    def __init__(self, src, dst, first=b"", close_dst=False):
        self.src, self.dst, self.pending, self.close_dst = src, dst, first, close_dst
        os.set_blocking(dst, False)

    def done(self):
        return self.src is None and not self.pending

    def step(self, r, w):
        """Writes what select found room for, reads what it found ready."""
        try:
            if self.dst in w:
                self.pending = self.pending[os.write(self.dst, self.pending):]
            if self.src is not None and self.src in r:
                self.pending = os.read(self.src, CHUNK)
                if not self.pending:
                    self.src = None
                    if self.close_dst:
                        os.close(self.dst)
        except BrokenPipeError:          # the reader has gone (QEMU exiting)
            self.pending, self.src = b"", None


def reader_gone(fd):
    """True if fd is the write end of a pipe (or a FIFO) whose every reader
    has closed it: Linux then reports POLLERR on it."""
    if not stat.S_ISFIFO(os.fstat(fd).st_mode):
        return False
    p = select.poll()
    p.register(fd, 0)
    return any(ev & select.POLLERR for _, ev in p.poll(0))


def make_starter(make_pid):
    """A pidfd of the process that started make (make's parent), or None
    if our parent is no make, or make is an orphan already (its parent
    init: there is no one to watch)."""
    if not is_make(make_pid):
        return None
    fields = stat_fields(make_pid)
    parent = int(fields[1]) if fields else 0
    try:
        return os.pidfd_open(parent) if parent > 1 else None
    except OSError:
        return None


def relay(qemu_pid, to_qemu, from_qemu, make_pid, end, out=None, starter=None):
    """Copies the input to QEMU (link to_qemu) and, in fifo mode, QEMU's
    output to PATH.out (link from_qemu, or None) until QEMU exits, then
    what QEMU wrote last; calls end() if make stops catching a watched
    signal, once the input has ended while out (QEMU's own stdout in
    stdio mode, or None) has lost its reader, or once the process of
    pidfd starter (or None) has exited. Returns QEMU's wait status."""
    watch = caught(make_pid) if is_make(make_pid) else None
    qemu_exit = os.pidfd_open(qemu_pid)
    status = None
    while status is None or (from_qemu is not None and not from_qemu.done()):
        links = [l for l in (to_qemu if status is None else None, from_qemu) if l is not None]
        rlist = ([qemu_exit] if status is None else []) + \
            ([starter] if status is None and starter is not None else []) + \
            [l.src for l in links if l.src is not None and not l.pending]
        wlist = [l.dst for l in links if l.pending]
        r, w, _ = select.select(rlist, wlist, [], POLL)
        if qemu_exit in r:
            status = os.waitpid(qemu_pid, 0)[1]
        if starter is not None and starter in r:
            end(None, None)
            starter = None
        for l in links:
            l.step(r, w)
        if watch:
            now = caught(make_pid)
            if now is None or not watch <= now:
                end(None, None)
                watch = None
        if status is None and out is not None and to_qemu.src is None and reader_gone(out):
            end(None, None)
            out = None
    return status


def fail(path, message):
    """Serves a grader the FIFO pair of a machine that never started:
    PATH.in opened (the grader's open for writing returns), MESSAGE into
    PATH.out once someone reads it, then PATH.out closed (the end of the
    output), and PATH.in kept, its lines read and dropped, until the grader
    closes it: a grader that writes its lines only once it has opened
    PATH.out must not find the pipe gone. Both waits end FAIL_WAIT seconds
    after the start, grader or not. Returns 1."""
    deadline = time.monotonic() + FAIL_WAIT
    src = os.open(path + ".in", os.O_RDONLY | os.O_NONBLOCK)
    out = None
    while out is None and time.monotonic() < deadline:
        try:                             # ENXIO until a reader opens it
            out = os.open(path + ".out", os.O_WRONLY | os.O_NONBLOCK)
        except OSError as e:
            if e.errno != errno.ENXIO:
                raise
            time.sleep(POLL)
    if out is not None:
        os.set_blocking(out, True)
        try:
            os.write(out, (message + "\n").encode())
        except BrokenPipeError:          # the reader has gone already
            pass
        os.close(out)
    # Readable means lines or, once a writer has come, its close (Linux
    # reports no hangup on a FIFO no writer has opened since we did).
    while time.monotonic() < deadline:
        r, _, _ = select.select([src], [], [], POLL)
        if r and not os.read(src, CHUNK):
            break
    os.close(src)
    return 1


def main(argv):
    if len(argv) == 3 and argv[0] == "fail":
        return fail(argv[1], argv[2])
    if len(argv) >= 4 and argv[0] == "stdio" and argv[2] == "--":
        path, image, qemu = None, argv[1], argv[3:]
    elif len(argv) >= 5 and argv[0] == "fifo" and argv[3] == "--":
        path, image, qemu = argv[1], argv[2], argv[4:]
    else:
        sys.stderr.write(__doc__)
        return 2

    make_pid = os.getppid()
    die_with_parent(make_pid)
    mode = "qemu-test" if path is not None else "qemu-gdb" if "-gdb" in qemu else "qemu"
    claim = Claim(image)
    earlier = claim.earlier()
    if earlier is not None:
        who = "the machine of an earlier make %s (QEMU pid %d, relay pid %d)" % (
            earlier.mode, earlier.qemu, earlier.relay)
        if path is None:
            sys.stderr.write("osv-rv: %s is in use by %s: quit it there, or end it "
                             "(kill %d); make qemu ends no one's machine\n"
                             % (image, who, earlier.relay))
            return 1
        sys.stderr.write("osv-rv: ended %s, which still held %s\n" % (who, image))
        end_machine(earlier)
    out = tty = None
    if path is not None:
        src = os.open(path + ".in", os.O_RDWR)
        out = os.open(path + ".out", os.O_RDWR)
    else:
        src = 0
        if os.isatty(0):
            if foreground_elsewhere(0):
                sys.stderr.write("osv-rv: make qemu is not the terminal's foreground job: it "
                                 "stops until it is (fg); under timeout, run timeout "
                                 "--foreground\n")
            tty = raw_mode(0)
            restored = mode_keeper(tty)
    rd, wr = os.pipe()
    # In fifo mode QEMU writes to a pipe of ours, not to PATH.out itself,
    # so that only this process ever holds the pair (see end_qemu).
    out_rd, out_wr = os.pipe() if out is not None else (None, None)
    qemu_pid = start_qemu(qemu, rd, out_wr)
    claim.record(qemu_pid, mode)
    os.close(rd)
    if out_wr is not None:
        os.close(out_wr)

    # A grader that ends a test by killing make (SIGTERM to its process
    # group) and starts the next make qemu-test at once opens the pair
    # while this machine is still going: its open of PATH.out found this
    # side's writer and then read the end of it as this process exited
    # (no output for that test at all), and its lines went into this
    # side's PATH.in. So the pair is let go of first, at once (both fds
    # become /dev/null: no fd number changes under the relay), and the
    # grader's opens wait for the next machine's side.
    def end_qemu(signum, frame):
        if out is not None:
            null = os.open(os.devnull, os.O_RDWR)
            os.dup2(null, src)
            os.dup2(null, out)
            os.close(null)
        try:
            os.kill(qemu_pid, signal.SIGTERM)
        except ProcessLookupError:
            pass                         # already reaped
    for s in WATCHED:
        signal.signal(s, end_qemu)
    try:
        status = relay(qemu_pid, Link(src, wr, b"\0", close_dst=True),
                       Link(out_rd, out) if out is not None else None, make_pid, end_qemu,
                       out=1 if path is None else None, starter=make_starter(make_pid))
    finally:
        if tty is not None:
            termios.tcsetattr(0, termios.TCSADRAIN, tty)
            os.write(restored, b"k")
            os.close(restored)
    if out is not None:
        # PATH.out ends only now, QEMU gone, its last output copied and
        # PATH.in let go of: a grader that starts the next make qemu-test
        # as soon as PATH.out ends then writes its lines to the next relay,
        # not into this one's PATH.in, where they were lost as this
        # process exited.
        os.close(src)
        os.close(out)
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code     # killed: 128 + signal


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
