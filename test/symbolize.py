#!/usr/bin/env python3
"""
test/symbolize.py: adds file:line to the addresses of a kernel PANIC.

    python3 test/symbolize.py build/kernel.elf [LOG]    (make symbolize)

reads a console log (LOG, or stdin), and prints it with ` at FILE:LINE`
after every line of a panic that names a kernel address: the `at` line
(the pc that trapped) and each backtrace line. The kernel prints function
names itself, from a table it carries; the file and line need the debug
information, which only the host has (build/kernel.elf, through binutils'
addr2line). A backtrace holds return addresses, the instruction after a
call: each is looked up one byte earlier, inside the call, so the line is
the call's own line. The runner uses symbolize() on the console excerpt of
a test that panicked.
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDR2LINE = "riscv64-unknown-elf-addr2line"
# "  #3 0xffffffc080201234 name+0x1c" (a return address) and
# "  at 0xffffffc080201234 name+0x1c" (a trapping pc).
FRAME_RE = re.compile(r"^(\s*(#\d+|at)\s+0x([0-9a-f]+)\b.*?)\s*$")


def lookup(elf, addrs):
    """file:line for each address (strings of hex), '' where unknown."""
    if not addrs or not os.path.exists(elf):
        return [""] * len(addrs)
    try:
        out = subprocess.run([ADDR2LINE, "-e", elf] + ["0x" + a for a in addrs],
                             capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return [""] * len(addrs)
    lines = out.splitlines()
    result = []
    for i in range(len(addrs)):
        where = lines[i].split(" (discriminator")[0] if i < len(lines) else ""
        if where.startswith("??") or where.endswith(":0") or ":" not in where:
            result.append("")
            continue
        path, _, line = where.rpartition(":")
        if path.startswith(ROOT + os.sep):
            path = os.path.relpath(path, ROOT)
        result.append("%s:%s" % (path, line))
    return result


def symbolize(text, elf):
    """text with ' at FILE:LINE' added to each panic frame line."""
    lines = text.split("\n")
    spots = []                       # (line index, address to look up)
    for i, line in enumerate(lines):
        m = FRAME_RE.match(line)
        if m:
            addr = int(m.group(3), 16)
            if m.group(2) != "at":
                addr -= 1            # a return address: name the call
            spots.append((i, "%x" % addr))
    places = lookup(elf, [a for _, a in spots])
    for (i, _), place in zip(spots, places):
        if place:
            lines[i] = FRAME_RE.match(lines[i]).group(1) + " at " + place
    return "\n".join(lines)


def main():
    if len(sys.argv) not in (2, 3):
        sys.stderr.write("usage: symbolize.py KERNEL.ELF [LOG]\n")
        return 2
    if len(sys.argv) == 3:
        with open(sys.argv[2], errors="replace") as f:
            text = f.read()
    else:
        text = sys.stdin.read()
    sys.stdout.write(symbolize(text, sys.argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
