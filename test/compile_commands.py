#!/usr/bin/env python3
"""
Writes compile_commands.json (for clangd and other editors) from the
commands make would run: `make compile_commands.json` gives this script
the output of `make -n -B all` (every command of a full build, run or not,
so a built tree gives the same list), and it keeps the compiler commands
whose source is a file of the tree. So the flags of each file are
the Makefile's own: the kernel's, user programs', osv lab programs' (osv's
flags) and the host mkfs's.

    make -s -n -B all > cmds && python3 test/compile_commands.py < cmds > compile_commands.json
"""
import json
import os
import shlex
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_SUFFIXES = (".c", ".S")
SHELL_OPERATORS = ("||", "&&", ";", "|", ">", "2>", ">&2")


def compile_command(line):
    """(arguments, source, output) of a compiler command line, or None."""
    try:
        words = shlex.split(line)
    except ValueError:
        return None
    for i, w in enumerate(words):
        if w in SHELL_OPERATORS:
            words = words[:i]
            break
    if not words or not os.path.basename(words[0]).endswith(("gcc", "cc")):
        return None
    sources = [w for w in words[1:] if w.endswith(SOURCE_SUFFIXES)
               and not w.startswith("-") and os.path.isfile(os.path.join(TOP, w))
               and not os.path.isabs(w)]
    if len(sources) != 1 or sources[0].startswith("build"):
        return None
    output = words[words.index("-o") + 1] if "-o" in words[:-1] else None
    return words, sources[0], output


def main():
    entries = {}
    for line in sys.stdin:
        found = compile_command(line.strip())
        if found:
            words, source, output = found
            entry = {"directory": TOP, "arguments": words, "file": source}
            if output:
                entry["output"] = output
            entries[source] = entry
    if not entries:
        sys.exit("compile_commands.py: no compiler command in the input")
    json.dump([entries[s] for s in sorted(entries)], sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
