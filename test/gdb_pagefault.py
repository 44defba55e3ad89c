#!/usr/bin/env python3
"""
gdb_pagefault: checks every .gdbinit command (test/gdb/osv_commands.py)
in batch gdb, stopped in the kernel and in user code. Boots QEMU waiting
for gdb (as `make qemu-gdb` does), runs gdb-multiarch in batch mode with
.gdbinit and the steps below, and types at the shell when it prompts:

  reset      whoami before boot: the hart is in machine mode, so it says
             it cannot tell the thread
  boot       a stop in the boot thread (a kernel thread): bt ends at
             thread_entry, the outermost frame, not in "corrupt stack?"
  sh         the README's example: `pfstop sh`, `continue`, and the shell
             runs `echo hi | wc`, whose fork makes sh fault: pfinfo's
             decode, whoami (kernel mode, sh), ptwalk of the address, pfbt
             (frames of user/sh.c down to _start)
  user       `ubreak gdb_target _start`; the shell runs `echo filtered`
             (whose _start is at the same address: it must not stop) and
             then gdb_target: stopped in user code, whoami names
             gdb_target, ptwalk $pc ends in a user text page, bt works,
             usym swaps the user symbols, ustr reads argv[0]
  heap       `pfstop gdb_target`: the program writes a fresh sbrk page, so
             the store fault, its address (the one the program printed),
             the heap memregion, $pf_tf->scause and ->stval (the trap
             frame pfinfo sets, a pointer gdb can follow), an unmapped
             leaf in ptwalk, and pfbt
             starting at main in test/gdb_target.c; ustr reads argv[0]
             from the kernel, and whoami's $proc names the process
  make gdb   with no QEMU on the port, `make gdb` says to run make qemu-gdb

Run by test/run.py as the test `gdb_pagefault`; alone:
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

from machine import qemu_command, test_image

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEX = "0x[0-9a-f]+"

# (section, gdb commands): each section's output is checked apart.
STEPS = [
    ("reset", ["delete", "whoami"]),
    ("boot", ["break boot_thread", "continue", "bt", "delete"]),
    ("sh", ["pfstop sh", "continue", "whoami", "ptwalk $pf_addr", "pfbt"]),
    ("user", ["delete", "ubreak gdb_target _start", "continue", "whoami", "ptwalk $pc",
              "bt", "usym sh", "info symbol main", "usym gdb_target", "usym",
              "set $argv0 = *(char **)$a1", "ustr $argv0"]),
    ("heap", ["delete", "pfstop gdb_target", "continue", "pfinfo", "p/x $pf_tf->scause",
              "p/x $pf_tf->stval", "whoami",
              "ptwalk $pf_addr", "pfbt", "ustr $argv0", "p $proc->name"]),
]
# What the shell is given, one line per prompt.
TYPED = ["echo hi | wc", "echo filtered", "gdb_target"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    """True once a socket listens on TCP port of 127.0.0.1 (/proc/net/tcp:
    local address, then state 0A). Looking there, rather than connecting,
    leaves QEMU's gdb stub to gdb alone."""
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port:
                return True
    return False


def fail(msg, *logs):
    print("ERROR: gdb_pagefault: " + msg)
    for name, text in logs:
        print("---- %s ----" % name)
        print(text[-4000:])
    sys.exit(1)


def run_gdb(build):
    """Boots the machine under gdb; returns (gdb output, console)."""
    tmp = tempfile.mkdtemp(prefix="osv-gdb-")
    img = os.path.join(tmp, "fs.img")
    shutil.copy(test_image(build), img)
    port = free_port()
    qemu = subprocess.Popen(
        qemu_command(build, img, 2) + ["-S", "-gdb", "tcp:127.0.0.1:%d" % port],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0)
    gdb = None
    console = b""
    args = []
    for section, commands in STEPS:
        args += ["-ex", "echo ==== %s\\n" % section]
        for c in commands:
            args += ["-ex", c]
    try:
        end = time.monotonic() + 30          # QEMU's gdb stub listening: gdb may connect
        while not listening(port) and qemu.poll() is None and time.monotonic() < end:
            time.sleep(0.01)
        gdb = subprocess.Popen(
            ["gdb-multiarch", "-q", "-nx", "-batch",
             "-iex", "set $osv_port = %d" % port,
             "-iex", 'set $osv_kernel = "%s"' % os.path.join(build, "kernel.elf"),
             "-x", os.path.join(TOP, ".gdbinit")] + args + ["-ex", "kill"],
            cwd=TOP, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0)
        deadline = time.time() + 90
        typed = list(TYPED)
        while gdb.poll() is None and time.time() < deadline:
            r, _, _ = select.select([qemu.stdout], [], [], 0.2)
            if r:
                data = os.read(qemu.stdout.fileno(), 4096)
                if not data:
                    break
                console += data
            if typed and console.endswith(b"$ "):
                qemu.stdin.write(typed.pop(0).encode() + b"\r")
                console += b"<typed>"
        try:
            gdb.wait(timeout=max(1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            gdb.kill()
            gdb.wait()
            fail("gdb did not finish within 90 s", ("gdb", gdb.stdout.read().decode(errors="replace")),
                 ("console", console.decode(errors="replace")))
        out = gdb.stdout.read().decode(errors="replace")
    finally:
        for p in (gdb, qemu):
            if p and p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return out, console.decode(errors="replace")


def check_make_gdb(build):
    """`make gdb` on a port where nothing listens names make qemu-gdb."""
    port = free_port()
    debug = ["DEBUG=1"] if os.path.basename(os.path.normpath(build)) == "build-debug" else []
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    r = subprocess.run(["make", "-s", "--no-print-directory", "gdb", "GDBPORT=%d" % port] + debug,
                       cwd=TOP, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=60)
    out = r.stdout.decode(errors="replace")
    want = "no QEMU waits for gdb on 127.0.0.1:%d: run 'make qemu-gdb GDBPORT=%d'" % (port, port)
    if r.returncode == 0 or want not in out:
        fail("`make gdb` with no QEMU waiting did not say to run make qemu-gdb", ("make gdb", out))


def main():
    build = os.path.join(TOP, "build")
    if len(sys.argv) == 3 and sys.argv[1] == "--build":
        build = sys.argv[2]
    out, console = run_gdb(build)
    logs = (("gdb", out), ("console", console))
    m = re.search(r"gdb_target: writing 0x([0-9a-f]+)", console)
    if not m:
        fail("the program did not report its address", *logs)
    addr = int(m.group(1), 16)
    b = re.escape(os.path.relpath(build, TOP))   # usym shows paths from the top
    if not re.search(r"<typed>echo filtered\s*\nfiltered\s*\n", console):
        fail("echo did not run to its end under `ubreak gdb_target _start`", *logs)
    sections = dict(re.findall(r"^==== (\w+)\n(.*?)(?=^==== |\Z)", out, re.S | re.M))
    checks = [
        ("reset", r"hart 0, machine mode: cannot tell the thread: ", "whoami in machine mode"),
        ("boot", r"#0 +boot_thread .*\n#1 +0x[0-9a-f]+ in thread_start \(\) at kernel/proc/thread\.c:\d+\n"
                 r"#2 +0x[0-9a-f]+ in thread_entry \(\) at kernel/arch/riscv/swtch\.S:\d+\n(?!Backtrace)",
         "a kernel thread's backtrace ending at thread_entry"),
        ("sh", r"pfstop: breakpoint \d+ stops at the page faults of process sh", "pfstop's line"),
        ("sh", r"page fault: (store|load|instruction) page fault \(scause 1[235]\)\n"
               r"  address (%s), pc 0x1[0-9a-f]{4}\n  process \d+ \(sh\), from user mode\n"
               r"  memregion \[%s, %s\) \w+, perm r[w-][x-], private" % (HEX, HEX, HEX),
         "sh's fault decoded"),
        ("sh", r"hart \d+ \(cpus\[\d+\]\), kernel mode: process \d+ \(sh\), thread sh \(tid \d+\), "
               r"in the kernel", "whoami in the kernel"),
        ("sh", r"Sv39 walk of %s from root %s\n  level 2 \[\s*\d+\] pte 0x[0-9a-f]{16}\s+-+V\s+"
               r"-> table" % (HEX, HEX), "ptwalk at sh's fault"),
        ("sh", r"user backtrace of process \d+ \(sh\), from the trap frame of pgfault_user:\n"
               r"#0\s+0x0*1[0-9a-f]{4} in \w+ \(\).* at user/sh\.c:\d+\n", "pfbt's frame 0 in sh"),
        ("sh", r"#\d+\s+0x0*1000[0-9a-f] in _start \(\) at user/lib/crt0\.S:\d+", "pfbt down to _start"),
        ("user", r"ubreak: breakpoint \d+ stops only in processes named gdb_target", "ubreak's line"),
        ("user", r"hit Breakpoint \d+, _start \(\) at user/lib/crt0\.S", "the stop in user code"),
        ("user", r"hart \d+ \(cpus\[\d+\]\), user mode: process \d+ \(gdb_target\), "
                 r"thread gdb_target \(tid \d+\)\n", "whoami in user mode"),
        ("user", r"Sv39 walk of 0x10000 from root %s\n(  level [21] .*-> table .*\n){2}"
                 r"  level 0 \[ 16\] pte 0x[0-9a-f]{16}  .A-UX-RV  -> page %s: 0x10000 is at %s"
                 % (HEX, HEX, HEX), "ptwalk of $pc in user mode"),
        ("user", r"#0\s+_start \(\) at user/lib/crt0\.S", "bt in user code"),
        ("user", r"user symbols: {b}/user/sh \(in place of {b}/test/gdb_target\)".format(b=b),
         "usym sh"),
        ("user", r"main in section \.text of \S*{b}/user/sh\n".format(b=b), "sh's symbols after usym"),
        ("user", r"user symbols: {b}/test/gdb_target \(in place of {b}/user/sh\)\n"
                 r"user symbols: {b}/test/gdb_target\n".format(b=b), "usym back, and usym alone"),
        ("user", r'\n"gdb_target"\n', "ustr in user mode"),
        ("heap", r"page fault: store page fault \(scause 15\)\n  address 0x%x, pc 0x1[0-9a-f]{4}\n"
                 r"  process \d+ \(gdb_target\), from user mode\n"
                 r"  memregion \[%s, %s\) heap, perm rw-, private\n" % (addr, HEX, HEX),
         "the heap fault decoded (pfstop, then pfinfo)"),
        ("heap", r"\n\$\d+ = 0xf\n\$\d+ = 0x%x\n" % addr, "$pf_tf->scause and $pf_tf->stval"),
        ("heap", r"kernel mode: process \d+ \(gdb_target\), thread gdb_target", "whoami at the fault"),
        ("heap", r"Sv39 walk of 0x%x from root %s\n" % (addr, HEX), "the table walk"),
        ("heap", r"level 0 \[\s*\d+\] pte 0x0000000000000000\s+-+\s+\(not mapped\)", "the unmapped leaf"),
        ("heap", r"user backtrace of process \d+ \(gdb_target\), from the trap frame of pgfault_user:\n"
                 r"#0\s+0x0*1[0-9a-f]{4} in main \(\) at test/gdb_target\.c:\d+\n"
                 r"#1\s+0x0*1000[0-9a-f] in _start \(\)", "pfbt from main"),
        ("heap", r'\n"gdb_target"\n\$\d+ = "gdb_target", ', "ustr and $proc in the kernel"),
    ]
    for section, pattern, what in checks:
        if section not in sections:
            fail("gdb never reached the %s step" % section, *logs)
        if not re.search(pattern, sections[section]):
            fail("gdb output lacks %s (step %s: /%s/)" % (what, section, pattern), *logs)
    if sections["heap"].count("page fault: store page fault") != 2:
        fail("pfstop did not print the fault, or pfinfo did not repeat it", *logs)
    if re.search(r"Python Exception|Error occurred", out):
        fail("a command failed", *logs)
    check_make_gdb(build)
    print("passed gdb_pagefault")


if __name__ == "__main__":
    main()
