"""
test/build_output.py: the scenario build_output, a check of what `make`
prints after a change to one user program, as a student sees it at every
rebuild (README: a new user program is one .c file in user/).

make echoes each command it runs. mkfs's command named every file of the
disk image, about 170 of them, some 4 KB on one line, and it ran twice
(fs.img and fs-tests.img), so a one-line change to a program scrolled two
screens of file names past and pushed the compiler's lines out of sight.
mkfs now reads the list from the file make keeps of it ($(B)/fs.list).

On a copy of the runner's build directory, with PROGRAM taken as changed
(make -W), `make all` must rebuild the program and both images and print
no line longer than LINE_MAX characters.
"""

import os
import shutil
import subprocess
import tempfile

from machine import ROOT, make_env

PROGRAM = "user/echo.c"
LINE_MAX = 1000           # a compiler's command is 300 to 700 (a lab program's, osv's flags)


def scenario(run, test):
    tmp = tempfile.mkdtemp(prefix="osv-rv-build-")
    try:
        build = os.path.join(tmp, "build")
        # The images are rebuilt anyway, the FIFOs cannot be copied, the
        # logs are not the build's.
        shutil.copytree(run.build, build, symlinks=True, ignore=shutil.ignore_patterns(
            "*.img", "osv-test.*", "test-logs"))
        r = subprocess.run(["make", "--no-print-directory", "-W", PROGRAM, "B=" + build, "all"],
                           cwd=ROOT, env=make_env(), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True, timeout=300)
        lines = r.stdout.splitlines()
        if r.returncode != 0:
            return "make -W %s all exited %d" % (PROGRAM, r.returncode), r.stdout[-2000:]
        rebuilt = [os.path.join(build, f) for f in ("fs.img", "fs-tests.img")]
        if not all(os.path.exists(f) for f in rebuilt):
            return "make -W %s all did not rebuild both images" % PROGRAM, r.stdout[-2000:]
        longest = max(lines, key=len, default="")
        if len(longest) > LINE_MAX:
            return ("make -W %s all printed a line of %d characters (at most %d): %s..."
                    % (PROGRAM, len(longest), LINE_MAX, longest[:120])), None
        run.detail.append("a change to %s: make printed %d lines, the longest %d characters"
                          % (PROGRAM, len(lines), len(longest)))
        return None, None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
