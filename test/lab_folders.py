"""
test/lab_folders.py: the scenario lab_folders, a check of how the Makefile
and the runner take a course's lab folders (user/labN/, docs/api.md's
"Coming from osv") without building or booting anything.

In a temporary tree holding only the Makefile and the header it reads,
`make qemu-cmdline` (which parses the whole Makefile, program lists
included) must:

- accept a course's program named as one of osv-rv's own programs, a
  lab0 test, a test of test/ or a command of user/ (osv has none of
  them, so a course may use the name), saying that the course's replaces
  it on the disk (and, for one named exit, cd or kill, the shell's
  builtin at the prompt), and the runner's test list (suite.course_programs) must
  then know the name, so it leaves that test out;
- stop, naming the program, when a course's program is named as one of
  the commands osv-rv keeps (init, sh, ls, cat and echo, which osv has
  too, and free, which make test's leak check runs);
- still stop, naming the program, when two of the course's own folders
  hold programs of one name (one disk, one root directory);
- say which .c files in a folder below a lab folder it does not build
  (a program is a .c file directly in a folder of user/).
"""

import os
import shutil
import subprocess
import tempfile

import suite
from machine import ROOT, make_env


# `make qemu-cmdline` in root: (exit status, output).
def parse(root):
    r = subprocess.run(["make", "-s", "--no-print-directory", "qemu-cmdline"], cwd=root,
                       env=make_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, timeout=60)
    return r.returncode, r.stdout


# Creates the empty source files at the paths (relative to root).
def touch(root, *paths):
    for path in paths:
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        open(full, "w").close()


def scenario(run, test):
    tmp = tempfile.mkdtemp(prefix="osv-rv-labs-")
    try:
        shutil.copy(os.path.join(ROOT, "Makefile"), tmp)
        touch(tmp, "user/lib/crt0.S", "user/lab0/fork-bomb.c", "user/lab0/osv-flags.c",
              "user/lab2/fork-bomb.c", "user/lab2/wait-test.c", "user/sleep.c", "user/free.c",
              "test/orphans.c", "test/wait_basic.c", "user/lab2/orphans.c", "user/lab1/sleep.c",
              "user/lab2/kill.c")
        os.makedirs(os.path.join(tmp, "include", "kernel"))
        shutil.copy(os.path.join(ROOT, "include", "kernel", "config.h"),
                    os.path.join(tmp, "include", "kernel"))

        status, out = parse(tmp)
        if status != 0:
            return "a course's fork-bomb.c, orphans.c and sleep.c stopped the build", out
        for ours in ("user/lab0/fork-bomb.c", "test/orphans.c", "user/sleep.c"):
            if ours not in out.partition("replaces osv-rv's own")[2].partition("\n")[0]:
                return "make did not say that the course's program replaces %s" % ours, out
        if "replaces the shell's builtin kill at the prompt" not in out:
            return "make did not say that the course's kill replaces the shell's builtin", out
        names = suite.course_programs(os.path.join(tmp, "user"))
        if names != {"fork-bomb.c", "wait-test.c", "orphans.c", "sleep.c", "kill.c"}:
            return "the runner sees the course's programs as %s" % sorted(names), out

        touch(tmp, "user/lab4/free.c")
        status, out = parse(tmp)
        if status == 0 or "user/lab4/free.c" not in out:
            return "a course's free.c did not stop the build, naming it", out
        os.remove(os.path.join(tmp, "user/lab4/free.c"))

        touch(tmp, "user/lab1/more/nested.c")
        status, out = parse(tmp)
        if status != 0 or "user/lab1/more/nested.c" not in out:
            return "make did not name the nested user/lab1/more/nested.c it leaves out", out

        touch(tmp, "user/lab3/wait-test.c")
        status, out = parse(tmp)
        if status == 0 or "more than one program is named wait-test" not in out:
            return "two course programs named wait-test did not stop the build", out
        run.detail.append("a course's fork-bomb, orphans, sleep and kill replace ours; its free and "
                          "two wait-tests stop the build; a nested program is named")
        return None, None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
