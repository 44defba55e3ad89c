#!/usr/bin/env python3
"""
`make check-clangd`: runs `clangd --check` on every source file of
compile_commands.json and every header of the tree, two at a time, and
fails naming each file where clangd (with the project's .clangd) reports an
error, with clangd's error lines. --check-lines=1 skips clangd's slow test
of its features at every token: the file is still parsed whole, which is
what finds a flag clangd does not know or a header it cannot find.

    python3 test/check_clangd.py [compile_commands.json]
"""
import concurrent.futures
import json
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER_DIRS = ("include", "kernel", "user", "test", "mkfs")


def files(database):
    with open(database) as f:
        sources = [e["file"] for e in json.load(f)]
    headers = []
    for d in HEADER_DIRS:
        for root, _, names in os.walk(os.path.join(TOP, d)):
            headers += [os.path.relpath(os.path.join(root, n), TOP) for n in names if n.endswith(".h")]
    return sorted(set(sources)) + sorted(headers)


def check(path):
    r = subprocess.run(["clangd", "--check=" + path, "--check-lines=1"], cwd=TOP,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    out = r.stdout.decode(errors="replace")
    errors = [line for line in out.splitlines() if line.startswith("E[")]
    return path, r.returncode, errors


def main():
    database = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "compile_commands.json")
    sources = files(database)
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for path, rc, errors in pool.map(check, sources):
            if rc != 0 or errors:
                failed += 1
                print("clangd --check=%s: %d error(s)" % (path, max(len(errors), 1)))
                for line in errors[:5]:
                    print("    " + line)
    print("check-clangd: %d files, %d with errors" % (len(sources), failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
