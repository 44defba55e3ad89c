"""
test/scenarios.py: the runner's scenarios, tests written in Python for what
one boot cannot show: the file system across power cuts and halts
(powercut, durability, journal_reuse, journal_cut, mmap_persist), what
meminfo() prints on the console (meminfo_rows), gdb on a real page fault
(gdb_pagefault, in test/gdb_pagefault.py), the debug kernel's lock-order
check on a deliberate out-of-order acquisition (panic_lockorder), make's
qemu targets as graders
and scripts drive them (test/make_targets.py), and the runner's own
reports (runner_outputs, in test/runner_outputs.py), `make bench`'s
table and JSON (dashboard, in test/dashboard_check.py), how make takes
a course's lab folders (lab_folders, in test/lab_folders.py) and whether
the docs name every test (docs_names, in test/docs_check.py), the source
lines they quote are still there (docs_lines, same file), and every file
and function of the project's code has its comment (code_comments).
docs/testing.md says what each checks.

A scenario is a function (runner, test) returning (reason or None, console
excerpt or None); it boots machines through runner.boot_on, so their
consoles go to the scenario's log, and adds lines of detail, reported
under its PASS line, to runner.detail.
"""

import os
import random
import re
import signal
import subprocess
import time

import build_output
import mkfs_parallel
import dashboard_check
import docs_check
import lab_folders
import console_keys
import make_targets
import runner_outputs
from machine import PROMPT_RE, PY_RUN, mkfs_check, strip_ansi
from suite import Test, judge

HALT_TIMEOUT = 30.0          # `quit` to QEMU's exit
WRITER_TIMEOUT = 180.0       # one run of powercut_writer
CHECK_TIMEOUT = 120.0        # one run of powercut_check
GDB_TIMEOUT = 150.0          # test/gdb_pagefault.py, boot included
PANIC_TIMEOUT = 60.0         # boot to the power-off after panic_lockorder's PANIC
ON_DEBUG_KERNEL = {"panic_lockorder", "journal_cut", "console_held_race"}   # scenarios that boot build-debug's kernel

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


# Types `quit`, waits for the power-off and kills what is left (a power
# cut if the halt did not come). Returns a reason if it did not halt.
def halt(m):
    why = m.halt(HALT_TIMEOUT)
    m.kill()
    return why


# Runs powercut_check for round rnd with the writer's last reported steps.
# Returns (reason or None, its output).
def powercut_check(test, m, rnd, last):
    out, why, _ = m.run("powercut_check %d %d %d" % (rnd, last[0], last[1]), CHECK_TIMEOUT)
    return why or judge(test, out), out


# Runs powercut_check for round rnd on m, just booted. Returns (reason,
# console, summary: what the boot repaired and how far the lanes got).
def check_after_boot(test, m, rnd, last):
    boot = m.text
    why, out = powercut_check(test, m, rnd, last)
    if why:
        return "powercut_check: " + why, out, None
    repaired = []
    if JOURNAL_REPLAY_RE.search(boot):
        repaired.append("journal replayed")
    orphans = ORPHANS_RE.search(boot)
    if orphans:
        repaired.append("%s orphan(s) freed" % orphans.group(1))
    reached = " ".join(CHECK_LANE_RE.findall(out))
    return None, None, "%s; check: lanes at %s" % (
        ", ".join(repaired) or "nothing to repair", reached)


# Reboots on image, runs powercut_check, halts, and runs mkfs --check
# (nothing may be left to repair). Returns (reason, console, summary).
def reboot_and_check(run, test, image, label, rnd, last):
    m = run.boot_on(image, label)
    try:
        why, console, summary = check_after_boot(test, m, rnd, last)
        if why:
            return why, console, None
        why = halt(m)
        if why:
            return why, m.text, None
    finally:
        m.kill()
    why, _, _ = mkfs_check(run.build, image, notes_ok=False)
    if why:
        return "after the reboot and halt, " + why, None, None
    return None, None, summary


# Reads the writer's output until its progress (the mean over lanes of the
# share of steps reported) reaches frac, or it ends. Returns (reason or
# None, finished).
def write_until(test, m, start, frac):
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


# Power cuts at random moments of powercut_writer (--cuts of them, from
# --seed); after each, mkfs --check, a reboot and powercut_check.
def powercut(run, test):
    args = run.args
    seed = args.seed if args.seed is not None else random.randrange(1 << 31)
    rng = random.Random(seed)
    run.detail.append("seed %d (rerun: test/run.py powercut --seed %d --cuts %d)"
                      % (seed, seed, args.cuts))
    image = run.scenario_image()
    for cut in range(1, args.cuts + 1):
        where = "cut %d of %d (seed %d): " % (cut, args.cuts, seed)
        frac, extra = rng.random(), rng.uniform(0.0, 0.3)
        m = run.boot_on(image, "powercut-%d-write" % cut)
        try:
            start = len(m.text)
            m.send("powercut_writer %d" % cut)
            why, finished = write_until(test, m, start, frac)
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

        # mkfs --check opens the image read-only and replays the journal
        # in a private mapping: the image is the next boot's as it was.
        why, notes, _ = mkfs_check(run.build, image, notes_ok=True)
        if why:
            return where + "right after the cut, " + why, None

        why, console, summary = reboot_and_check(
            run, test, image, "powercut-%d-check" % cut, cut, last)
        if why:
            return where + why, console
        run.detail.append(
            "cut %d: at %2.0f%%+%.2fs, reported lane 0 %d/%d, lane 1 %d/%d%s; mkfs: %s; %s"
            % (cut, 100 * frac, extra, last[0] + 1, plan[0], last[1] + 1, plan[1],
               " (writer had finished)" if finished else "",
               "%d note(s)" % len(notes) if notes else "clean", summary))
    return None, None


# Writes to the end and halts with `quit`; then writes and halts from
# inside the writer right after lane 0's last write returns. After each,
# mkfs --check and, after a reboot, powercut_check. Three boots: the one
# that checks round 1 runs round 2's writer (powercut_check only reads,
# and round 1's quit was checked clean already).
def durability(run, test):
    image = run.scenario_image()
    # Round 1: write everything, then the shell's quit.
    m = run.boot_on(image, "durability-1-write")
    try:
        out, why, _ = m.run("powercut_writer 1", WRITER_TIMEOUT)
        why = why or judge(test, out, need_pass=False)
        if why or "powercut: done" not in out:
            return "powercut_writer 1: " + (why or "no 'powercut: done'"), out
        last, plan = writer_progress(out)
        why = halt(m)
        if why:
            return why, m.text
    finally:
        m.kill()
    why, _, _ = mkfs_check(run.build, image, notes_ok=False)
    if why:
        return "round 1: " + why, None

    # Round 2, after round 1's check in the same boot: the writer halts
    # the machine itself the moment lane 0's last write returns, with
    # lane 1 maybe still writing.
    m = run.boot_on(image, "durability-1-check-2-write")
    try:
        why, console, summary = check_after_boot(test, m, 1, last)
        if why:
            return "round 1: " + why, console
        run.detail.append("round 1 (quit after the writer): %s" % summary)
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
    why, notes, _ = mkfs_check(run.build, image, notes_ok=True)
    if why or any("journal" in n for n in notes):
        return "round 2, after halt(): " + (why or notes[0]), None
    why, console, summary = reboot_and_check(run, test, image, "durability-2-check", 2, last)
    if why:
        return "round 2: " + why, console
    run.detail.append("round 2 (halt() from the writer, lane 1 at %d/%d): %s%s"
                      % (last[1] + 1, plan[1], summary,
                         "; mkfs noted %d orphan(s)" % len(notes) if notes else ""))
    return None, None


# Runs `program STEP` on m for each of steps, each to its `passed` line,
# then halts m if halt_after. Returns (reason, console) or (None, None).
def run_steps(m, test, program, steps, halt_after):
    for step in steps:
        out, why, _ = m.run("%s %s" % (program, step), CHECK_TIMEOUT)
        why = why or judge(test, out)
        if why:
            return "%s %s: %s" % (program, step, why), out
    why = halt(m) if halt_after else None
    if why:
        return "%s %s, halting: %s" % (program, steps[-1], why), m.text
    return None, None


# Boots a machine on one disk image for each (steps, end) of boots, in
# turn: run_boot(m, steps, end, last) does that boot's work (last: the end
# of the boot before, None for the first; an end "halt" is a clean one,
# any other a power cut), then the machine is killed and mkfs --check must
# pass on the image (notes allowed after a cut). The debug kernel boots if
# debug. Returns (reason, console) or (None, None).
def boots_on_one_disk(run, name, program, boots, run_boot, debug=False):
    image = run.scenario_image()
    last = None
    for steps, end in boots:
        m = run.boot_on(image, "%s-%s" % (name, steps[0]), debug)
        try:
            why, out = run_boot(m, steps, end, last)
            if why:
                return why, out
        finally:
            m.kill()
        last = end
        why, _, _ = mkfs_check(run.build, image, notes_ok=end != "halt")
        if why:
            return "after %s %s: %s" % (program, steps[-1], why), None
    return None, None


# A block the journal names, freed and reused for file data, then a power
# cut (test/freed_reuse.c says how it is set up, twice): the replay must
# leave the data alone. Four boots on one disk, each running steps of
# freed_reuse and ending in a clean halt (the journal starts the next
# boot empty) or a power cut; a boot after a cut must replay the journal,
# or nothing was tested.
REUSE_BOOTS = ((("fill",), "halt"), (("write1",), "cut"),
               (("check1", "write2"), "cut"), (("check2",), "halt"))


def journal_reuse(run, test):
    def boot(m, steps, end, last):
        if last == "cut" and not JOURNAL_REPLAY_RE.search(m.text):
            return "the boot after the power cut replayed no journal", m.text
        why, out = run_steps(m, test, "freed_reuse", steps, end == "halt")
        if not why and end == "cut":
            os.kill(m.proc.pid, signal.SIGKILL)      # the power cut
        return why, out
    return boots_on_one_disk(run, "journal_reuse", "freed_reuse", REUSE_BOOTS, boot)


# Two operations in one group and a power cut at its commit, placed by the
# journal_cut hook (test/group_cut.c says how, and what each step checks):
# after the header, the data of the operation that ended first must be
# there; before it, a block the group freed must not have taken the other
# operation's data. Five boots on one disk, each running steps of group_cut
# and ending in a clean halt (the next boot starts with an empty journal)
# or the hook's cut; the boot after a cut after the header must replay the
# journal, the one after a cut before it must not (nothing was committed).
GROUP_CUT_BOOTS = ((("setup",), "halt"), (("ordered",), "after"),
                   (("check_ordered", "fill"), "halt"), (("reuse",), "before"),
                   (("check_reuse",), "halt"))
HOOK_CUT_RE = re.compile(r"^\[fs\] journal: power cut (before|after) the header", re.M)


# Sends `group_cut step` to m, which must end in the hook's power cut at
# point (before or after the header). Returns (reason, console) or (None, None).
def hook_cut(m, test, step, point):
    start = len(m.text)
    m.send("group_cut " + step)
    deadline = time.monotonic() + CHECK_TIMEOUT
    while not m.exited and time.monotonic() < deadline:
        if PROMPT_RE.search(m.text[start:]):
            break                                     # the program returned
        m.pump(0.05)
    out = m.text[start:]
    why = judge(test, out, need_pass=False)
    found = HOOK_CUT_RE.search(out)
    if why or not m.exited or not found or found.group(1) != point:
        return "group_cut %s: %s" % (step, why or "no power cut %s the header" % point), out
    return None, None


def journal_cut(run, test):
    def boot(m, steps, end, last):
        replayed = bool(JOURNAL_REPLAY_RE.search(m.text))
        if last in ("before", "after") and replayed != (last == "after"):
            return ("the boot after the cut %s the header %s the journal"
                    % (last, "did not replay" if last == "after" else "replayed"), m.text)
        if end == "halt":
            return run_steps(m, test, "group_cut", steps, True)
        return hook_cut(m, test, steps[0], end)
    return boots_on_one_disk(run, "journal_cut", "group_cut", GROUP_CUT_BOOTS, boot, debug=True)


# Boots a machine on one fresh image for each (step, programs, end) of
# steps in turn: the programs must pass, one after the other, then `quit`
# must halt (end "halt") or QEMU is killed at once (end "cut": a power
# cut); at the end mkfs --check must pass. Returns (reason, console) or
# (None, None).
def halt_then_check(run, test, name, steps):
    image = run.scenario_image()
    for step, programs, end in steps:
        m = run.boot_on(image, "%s-%s" % (name, step))
        try:
            for program in programs:
                out, why, _ = m.run(program, CHECK_TIMEOUT)
                why = why or judge(test, out)
                if why:
                    return "%s: %s" % (program, why), out
            if end == "cut":
                os.kill(m.proc.pid, signal.SIGKILL)      # the power cut
                continue
            why = halt(m)
            if why:
                return "%s, halting: %s" % (program, why), m.text
        finally:
            m.kill()
    why, _, _ = mkfs_check(run.build, image, notes_ok=False)
    if why:
        return "after the check: " + why, None
    return None, None


# File mappings across a halt and a power cut, in three boots on one
# image. test/mmap_persist_write changes a file through shared and
# private mappings and write()s (several mappings still live when the
# machine halts), and test/mmap_halt_write another through killed
# processes, fork children, two processes at the same bytes, and stores
# and write()s at the same bytes; `quit` halts, and after a boot on the
# same image test/mmap_persist_check and test/mmap_halt_check find
# exactly the shared stores and the write()s. In that boot then
# test/mmap_cut_write stores through a shared mapping and unmaps, has a
# child store and exit, and write()s; a power cut (no halt) right after
# it, and after the reboot test/mmap_cut_check finds all of them: a store
# is on the disk once its munmap or its process's exit returned.
def mmap_persist(run, test):
    return halt_then_check(run, test, "mmap_persist", (
        ("1-write", ("mmap_persist_write", "mmap_halt_write"), "halt"),
        ("2-check-cut", ("mmap_persist_check", "mmap_halt_check", "mmap_cut_write"), "cut"),
        ("3-check", ("mmap_cut_check",), "halt")))


# meminfo() prints the caller's regions on the console, where no program
# can read them: the helper meminfo_show prints the rows it expects
# (range, permission, resident pages) and calls it; each must be among the
# rows meminfo printed under its own pid and name (a line of its own, though
# the helper left one open), which must be in address order without
# overlaps, the stack last, ending at USTACK_UPPERBOUND.
MEMINFO_EXPECT_RE = re.compile(r"^meminfo_show: expect 0x([0-9a-f]+) 0x([0-9a-f]+) (\S+) (\d+)$", re.M)
MEMINFO_HEAD_RE = re.compile(r"^meminfo: pid \d+ \(meminfo_show\)$", re.M)
MEMINFO_ROW_RE = re.compile(r"^meminfo: 0x([0-9a-f]+) 0x([0-9a-f]+) (\S+) +(\S+) +(\S+) +(\d+)$", re.M)
USTACK_UPPERBOUND = 0x3FFFFFF000


def meminfo_rows(run, test):
    m = run.boot_on(None, "meminfo_rows")
    try:
        out, why, _ = m.run("meminfo_show", CHECK_TIMEOUT)
        why = why or judge(test, out)
        if why:
            return "meminfo_show: " + why, out
    finally:
        m.kill()
    if not MEMINFO_HEAD_RE.search(out):
        return "no `meminfo: pid N (meminfo_show)` line", out
    rows = [(int(a, 16), int(b, 16), perm, kind, int(res))
            for a, b, perm, kind, _, res in MEMINFO_ROW_RE.findall(out)]
    for prev, row in zip(rows, rows[1:]):
        if not (prev[0] < prev[1] <= row[0] < row[1]):
            return "meminfo's rows overlap or are out of order", out
    if not rows or rows[-1][1] != USTACK_UPPERBOUND or rows[-1][2] != "rw-":
        return "meminfo's last row is not the stack, rw- up to USTACK_UPPERBOUND", out
    wants = MEMINFO_EXPECT_RE.findall(out)
    if len(wants) != 2:
        return "meminfo_show printed %d expected rows, not 2" % len(wants), out
    shown = {(r[0], r[1], r[2], r[4]) for r in rows}
    for a, b, perm, res in wants:
        if (int(a, 16), int(b, 16), perm, int(res)) not in shown:
            return "no meminfo row 0x%s-0x%s %s with %s resident" % (a, b, perm, res), out
    run.detail.append("%d rows: %s" % (len(rows), ", ".join(r[3] for r in rows)))
    return None, None


# The causes of killed: lines a student meets first. A division by zero
# in a lab program (user/lab0/divide-by-zero: four children, each stopped
# by the ebreak gcc plants before a division by zero) must be named so,
# at the pc of the ebreak: they said "breakpoint at 0x0", which told a
# student who had set no breakpoint nothing. An instruction user mode may
# not run (test/killed_illegal: two privileged ones, then a zero word)
# must be named in words at its pc: the lines gave the encoding where
# they give an address ("illegal instruction at 0x100025f3").
KILLED_CAUSES = (
    ("divide-by-zero", ["breakpoint or division by zero"] * 4),
    ("killed_illegal", ["privileged instruction"] * 2 + ["illegal instruction"]),
)


def killed_cause(run, test):
    m = run.boot_on(None, "killed_cause")
    try:
        for program, causes in KILLED_CAUSES:
            out, why, _ = m.run(program, CHECK_TIMEOUT)
            if why:
                return "%s: %s" % (program, why), out
            out = strip_ansi(out)
            if "passed " + program not in out:
                return "%s did not pass" % program, out
            lines = [l for l in out.splitlines() if l.startswith("killed:")]
            got = [re.search(r": ([a-z ]+) at (0x[0-9a-f]+), pc \2$", l) for l in lines]
            got = [g.group(1) if g else None for g in got]
            if got != causes:
                return ("%s: the killed: lines name %s at the pc, expected %s"
                        % (program, got, causes)), out
            run.detail.append(lines[-1])
    finally:
        m.kill()
    return None, None


# gdb-multiarch in batch mode stops on a user page fault through .gdbinit's
# pfstop and must print it decoded (test/gdb_pagefault.py boots its own
# machine, waiting for gdb).
def gdb_pagefault(run, test):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gdb_pagefault.py")
    try:
        r = subprocess.run(PY_RUN + [script, "--build", run.build],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=GDB_TIMEOUT)
    except subprocess.TimeoutExpired:
        return "gdb_pagefault.py did not finish in %g s" % GDB_TIMEOUT, None
    out = r.stdout.decode(errors="replace")
    if r.returncode != 0 or "passed gdb_pagefault" not in out:
        return "gdb_pagefault.py failed", out
    return None, None


# panic=lockorder on the debug kernel: kernel/boot/panic_test.c locks the root
# directory's inode, then its page cache, against the lock order, and the
# check must panic naming both with their ranks (include/kernel/synch.h),
# the lock taken ranked below the lock held, and power the machine off.
LOCKORDER_RE = re.compile(r"PANIC on hart \d+: lock order: taking (\S+) \(rank (\d+)\) "
                          r"while holding (\S+) \(rank (\d+)\)")


def panic_lockorder(run, test):
    m = run.new_machine(run.args.cpus, "panic_lockorder", debug=True,
                        bootargs="panic=lockorder")
    try:
        m.start()
        if not m.wait_exit(PANIC_TIMEOUT):
            return "the machine still runs %g s after booting" % PANIC_TIMEOUT, m.text
        found = LOCKORDER_RE.search(m.text)
        if not found:
            return "no `lock order: taking X (rank a) while holding Y (rank b)` PANIC", m.text
        taken, held = found.group(1), found.group(3)
        if (taken, held) != ("pgcache", "inode"):
            return "the PANIC names %s and %s, not pgcache and inode" % (taken, held), m.text
        if int(found.group(2)) >= int(found.group(4)):
            return "the lock taken does not rank below the lock held", m.text
        run.detail.append(found.group(0))
        return None, None
    finally:
        m.kill()


# make's qemu targets (test/make_targets.py), on the build directory's
# kernel and disk.
def make_target(function):
    return lambda run, test: function(run.build, run.detail)


def scenarios():
    """The scenarios, as tests, in the order they run; those that boot the
    debug kernel are marked `debug` (the runner then needs it, and names
    its functions in a backtrace)."""
    tests = [Test(name, scenario=function) for name, function in (
        ("durability", durability),
        ("powercut", powercut),
        ("gdb_pagefault", gdb_pagefault),
        ("mmap_persist", mmap_persist),
        ("meminfo_rows", meminfo_rows),
        ("killed_cause", killed_cause),
        ("journal_reuse", journal_reuse),
        ("journal_cut", journal_cut),
        ("qemu_test_fifo", make_target(make_targets.scenario_qemu_test_fifo)),
        ("qemu_test_no_machine", make_target(make_targets.scenario_qemu_test_no_machine)),
        ("qemu_test_killed", make_target(make_targets.scenario_qemu_test_killed)),
        ("qemu_test_sh_killed", make_target(make_targets.scenario_qemu_test_sh_killed)),
        ("qemu_test_earlier", make_target(make_targets.scenario_qemu_test_earlier)),
        ("qemu_pipe_script", make_target(make_targets.scenario_qemu_pipe_script)),
        ("qemu_kill_make", make_target(make_targets.scenario_qemu_kill_make)),
        ("qemu_reader_gone", make_target(make_targets.scenario_qemu_reader_gone)),
        ("qemu_sh_killed", make_target(make_targets.scenario_qemu_sh_killed)),
        ("qemu_background_tty", make_target(make_targets.scenario_qemu_background_tty)),
        ("qemu_tty_restored", make_target(make_targets.scenario_qemu_tty_restored)),
        ("panic_exit", make_target(make_targets.scenario_panic_exit)),
        ("kstack_overflow", make_target(make_targets.scenario_kstack_overflow)),
        ("kernel_map", make_target(make_targets.scenario_kernel_map)),
        ("panic_lockorder", panic_lockorder),
        ("disk_safe", make_target(make_targets.scenario_disk_safe)),
        ("console_keys", lambda run, test: console_keys.scenario(
            lambda: run.boot_on(None, "console_keys"), run.detail)),
        ("console_held_race", lambda run, test: console_keys.scenario_held_race(
            lambda: run.boot_on(None, "console_held_race", debug=True), run.detail)),
        ("runner_outputs", runner_outputs.scenario),
        ("dashboard", dashboard_check.scenario),
        ("lab_folders", lab_folders.scenario),
        ("build_output", build_output.scenario),
        ("mkfs_parallel", mkfs_parallel.scenario),
        ("docs_names", lambda run, test: docs_check.scenario(run, scenarios())),
        ("docs_lines", lambda run, test: docs_check.scenario_lines(run)),
        ("code_comments", lambda run, test: docs_check.scenario_comments(run)),
    )]
    for t in tests:
        t.debug = t.name in ON_DEBUG_KERNEL
    return tests
