"""
test/lab_folders.py: the scenario lab_folders, a check of how the Makefile
and the runner take a course's lab folders (user/labN/, docs/api.md's
"Coming from osv") without building or booting anything.

In a temporary tree holding only the Makefile and the header it reads,
`make qemu-cmdline` (which parses the whole Makefile, program lists
included) must:

- accept a course's program named as one of osv-rv's own lab0 programs,
  saying that the course's replaces it on the disk, and the runner's
  test list (suite.course_programs) must then know the name, so it leaves
  that lab0 test out;
- still stop, naming the program, when two of the course's own folders
  hold programs of one name (one disk, one root directory).
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
              "user/lab2/fork-bomb.c", "user/lab2/wait-test.c")
        os.makedirs(os.path.join(tmp, "include", "kernel"))
        shutil.copy(os.path.join(ROOT, "include", "kernel", "config.h"),
                    os.path.join(tmp, "include", "kernel"))

        status, out = parse(tmp)
        if status != 0:
            return "a course's fork-bomb.c beside lab0's stopped the build", out
        if "replaces osv-rv's own user/lab0/fork-bomb.c" not in out:
            return "make did not say that the course's fork-bomb replaces lab0's", out
        names = suite.course_programs(os.path.join(tmp, "user"))
        if names != {"fork-bomb.c", "wait-test.c"}:
            return "the runner sees the course's programs as %s" % sorted(names), out

        touch(tmp, "user/lab3/wait-test.c")
        status, out = parse(tmp)
        if status == 0 or "more than one program is named wait-test" not in out:
            return "two course programs named wait-test did not stop the build", out
        run.detail.append("a course's fork-bomb replaces lab0's; two wait-tests stop the build")
        return None, None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
