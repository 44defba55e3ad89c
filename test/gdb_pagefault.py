#!/usr/bin/env python3
"""
gdb_pagefault: checks the .gdbinit page-fault commands against a real
fault. Boots QEMU (the Makefile's command line, through test/machine.py)
waiting for gdb (like `make qemu-gdb`), runs gdb-multiarch in batch mode
with .gdbinit, `pfstop gdb_target`, and types `gdb_target` at the shell. The program writes a fresh sbrk page, so gdb
must stop in pgfault_user and print: a store page fault, the address the
program printed, a pc inside the program, the process name, and the heap
memregion; then `ptwalk` of the address must end in an unmapped level-0
entry (the page is not mapped yet when the fault is taken).

Run by test/run.py as the scenario `gdb_pagefault`; alone:
    python3 test/gdb_pagefault.py [--build DIR]
Prints `passed gdb_pagefault` or `ERROR: ...` and exits 0 or 1.
"""
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from machine import ROOT, qemu_command

CPUS = 2


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fail(msg, *logs):
    print("ERROR: gdb_pagefault: " + msg)
    for name, text in logs:
        print("---- %s ----" % name)
        print(text[-3000:])
    sys.exit(1)


def main():
    build = os.path.join(ROOT, "build")
    if len(sys.argv) == 3 and sys.argv[1] == "--build":
        build = sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="osv-gdb-")
    img = os.path.join(tmp, "fs.img")
    shutil.copy(os.path.join(build, "fs.img"), img)
    port = free_port()
    qemu = subprocess.Popen(
        qemu_command(build, img, CPUS) + ["-S", "-gdb", "tcp:127.0.0.1:%d" % port],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0)
    gdb = None
    console = b""
    try:
        time.sleep(0.5)
        gdb = subprocess.Popen(
            ["gdb-multiarch", "-q", "-nx", "-batch",
             "-iex", "set $osv_port = %d" % port,
             "-iex", 'set $osv_kernel = "%s"' % os.path.join(build, "kernel.elf"),
             "-x", os.path.join(ROOT, ".gdbinit"),
             "-ex", "delete", "-ex", "pfstop gdb_target", "-ex", "continue",
             "-ex", "ptwalk $pf_addr", "-ex", "kill"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0)
        deadline = time.time() + 90
        typed = False
        while gdb.poll() is None and time.time() < deadline:
            r, _, _ = select.select([qemu.stdout], [], [], 0.2)
            if r:
                data = os.read(qemu.stdout.fileno(), 4096)
                if not data:
                    break
                console += data
            if not typed and b"$ " in console:
                qemu.stdin.write(b"gdb_target\r")
                typed = True
        try:
            gdb.wait(timeout=max(1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            fail("gdb did not stop within 90 s", ("console", console.decode(errors="replace")))
        out = gdb.stdout.read().decode(errors="replace")
    finally:
        for p in (gdb, qemu):
            if p and p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(tmp, ignore_errors=True)

    text = console.decode(errors="replace")
    logs = (("gdb", out), ("console", text))
    m = re.search(r"gdb_target: writing 0x([0-9a-f]+)", text)
    if not m:
        fail("the program did not report its address", *logs)
    addr = int(m.group(1), 16)
    checks = [
        (r"page fault: store page fault \(scause 15\)", "the decoded cause"),
        (r"address 0x%x, pc 0x1[0-9a-f]{4}\b" % addr, "the address and a pc in the program"),
        (r"process \d+ \(gdb_target\), from user mode", "the process"),
        (r"memregion \[0x[0-9a-f]+, 0x[0-9a-f]+\) heap, perm rw-, private", "the heap memregion"),
        (r"Sv39 walk of 0x%x" % addr, "the table walk"),
        (r"level 2 \[\s*\d+\] pte 0x[0-9a-f]{16}\s+-+V\s+-> table", "a level-2 table entry"),
        (r"level 0 \[\s*\d+\] pte 0x0000000000000000\s+-+\s+\(not mapped\)", "the unmapped leaf"),
    ]
    for pattern, what in checks:
        if not re.search(pattern, out):
            fail("gdb output lacks %s (/%s/)" % (what, pattern), *logs)
    print("passed gdb_pagefault")


if __name__ == "__main__":
    main()
