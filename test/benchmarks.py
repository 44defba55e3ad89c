#!/usr/bin/env python3
"""
test/benchmarks.py: `make bench` as a dashboard.

The benchmarks (test/bench_*.c, run in one boot by `run.py --bench`) print
each figure as a line `bench: KEY=VALUE UNIT` (test/benchlib.h); KEY ends
in its unit (_ns, _mbps, ...). After the run, run.py hands the results
here, and dashboard():

  - prints one table: every figure with its value, its ratio to what it is
    compared with (a null system call, the in-process copy ceiling, the
    raw disk, ...) and the target of that ratio, met or not. Targets are
    reported, never judged: one not met fails nothing;
  - after a run of every benchmark (`make bench`, `run.py --bench`; not
    when some are named), writes the same as JSON to BUILD/bench.json,
    after renaming the last one to BUILD/bench.prev.json: every figure
    and every ratio as a number under its own key, plus "targets",
    "units" and "run" (when, which commit, how many harts).

`python3 test/benchmarks.py PREV.json NOW.json` (`make bench-compare`)
prints each figure of two runs side by side with the change.

ROWS below says which figures are compared with what and their targets
(issue 12's, and the older ones the benchmarks used to print);
docs/performance.md describes how each figure is measured. A figure that
no row names is still shown, at the end of the table, without a ratio.
"""

import json
import os
import re
import subprocess
import sys
import time

FIGURE_RE = re.compile(r"^\s*bench:\s+([a-z][a-z0-9_]*)=(-?[0-9]+(?:\.[0-9]+)?)\s*(\S*)\s*$")

# The journaled 16 MiB write() rate before issue 12 (MB/s): bench_disk on
# this tree before the journal was touched (5636a59 plus the benchmark),
# 4 harts, the 2-core host also running another QEMU; issue 12 asks for 10
# times as much. A constant, so every later run is compared with the same.
FSWRITE_BEFORE_MBPS = 1.8


def stem(key):
    """A figure's key without its unit: fork_tiny_ns -> fork_tiny."""
    for unit in ("_ns", "_mbps", "_syscalls"):
        if key.endswith(unit):
            return key[:-len(unit)]
    return key


class Row:
    """One line of the table: figure KEY, what it is, and what it is
    compared with: OVER, the key of another figure or a fixed number (then
    OVER_LABEL names it); the ratio's name in bench.json (default
    KEY_over_OVER, without the units) and its target, (op, value) with op
    "<=" or ">=". A row without OVER may have a target on the figure
    itself."""

    def __init__(self, key, label, over=None, name=None, target=None, over_label=None):
        self.key = key
        self.label = label
        self.over = over
        self.over_label = over_label
        self.target = target
        if name is None and over is not None:
            name = "%s_over_%s" % (stem(key), stem(over) if isinstance(over, str) else "fixed")
        self.name = name


# What a figure is compared with, as the table says it ("4.6 x null call").
SHORT = {
    "null_syscall_ns": "null call",
    "fork_tiny_ns": "tiny fork",
    "fork_32m_ns": "fork 32M",
    "fork_tiny_cold_ns": "tiny fork",
    "ceiling_mbps": "ceiling",
    "native_ceiling_mbps": "host ceiling",
    "pipe_mbps": "pipe",
    "disk_raw_mbps": "raw disk",
    "mmap_fault_small_ns": "1000 pages",
    "fork_per_region_few_ns": "200 mapped",
}

ROWS = [
    Row("null_syscall_ns", "null system call (getpid)"),
    Row("demand_zero_fault_ns", "demand-zero fault, a page", "null_syscall_ns"),
    Row("cow_fault_copy_ns", "copy-on-write fault, copying a page", "null_syscall_ns"),
    Row("cow_fault_sole_ns", "copy-on-write fault, sole holder", "null_syscall_ns"),
    Row("mmap_fault_small_ns", "mapped-file fault, 1000 pages mapped", "null_syscall_ns"),
    Row("mmap_fault_big_ns", "mapped-file fault, 25000 pages mapped", "mmap_fault_small_ns",
        "mmap_fault_big_over_small", ("<=", 2)),
    Row("fork_tiny_ns", "fork of a tiny process (the call)", "null_syscall_ns",
        "fork_call_tiny_over_null"),
    Row("fork_1m_ns", "fork, 1 MiB touched", "fork_tiny_ns"),
    Row("fork_8m_ns", "fork, 8 MiB touched", "fork_tiny_ns"),
    Row("fork_32m_ns", "fork, 32 MiB touched", "fork_tiny_ns", "fork_32m_over_warm_tiny"),
    Row("fork_tiny_cold_ns", "tiny fork, right after writing 32 MiB", "null_syscall_ns"),
    Row("fork_32m_ns", "fork, 32 MiB, against the same", "fork_tiny_cold_ns",
        "fork_32m_over_tiny", ("<=", 1.5)),
    Row("fork_exit_wait_tiny_ns", "fork + exit + wait, tiny", "null_syscall_ns",
        "fork_tiny_over_null", ("<=", 100)),
    Row("spawn_exit_wait_ns", "spawn + exit + wait, bench_vm itself", "null_syscall_ns",
        "spawn_over_null", ("<=", 250)),
    Row("fork_exit_wait_1m_ns", "fork + exit + wait, 1 MiB", "null_syscall_ns"),
    Row("fork_exit_wait_8m_ns", "fork + exit + wait, 8 MiB", "null_syscall_ns"),
    Row("fork_exit_wait_32m_ns", "fork + exit + wait, 32 MiB", "null_syscall_ns"),
    Row("fork_exit_wait_bare_ns", "fork + exit + wait, bench_regions bare"),
    Row("fork_exit_wait_few_regions_ns", "the same with 200 mappings more"),
    Row("fork_exit_wait_many_regions_ns", "the same with 4000 mappings more"),
    Row("fork_per_region_few_ns", "fork + exit + wait, per mapping (200)"),
    Row("fork_per_region_many_ns", "fork + exit + wait, per mapping (4000)",
        "fork_per_region_few_ns", "fork_many_regions_over_few", ("<=", 1.5)),
    Row("fork_copy_32m_ns", "fork_copy (every page copied), 32 MiB", "fork_32m_ns",
        "fork_copy_over_fork_32m", (">=", 30)),
    Row("futex_rtt_ns", "futex round trip, two processes", "null_syscall_ns",
        "futex_rtt_over_null", ("<=", 20)),
    Row("pipe_rtt_ns", "pipe round trip, two processes", "null_syscall_ns"),
    Row("wake_polling_ns", "futex wakeup reaching a polling idle hart", "null_syscall_ns"),
    Row("wake_wfi_ns", "futex wakeup reaching an idle hart in wfi", "null_syscall_ns"),
    Row("futex_timeout_1ms_ns", "futex wait with a 1 ms timeout", 1e6,
        "futex_timeout_1ms_over_asked", ("<=", 2), over_label="1 ms"),
    Row("mutex_syscalls", "syscalls of 1000 uncontended mutex pairs", target=("<=", 0)),
    Row("ceiling_mbps", "32 MiB copied in one process"),
    Row("region_mbps", "32 MiB through a shared region", "ceiling_mbps",
        "region_over_ceiling", (">=", 0.9)),
    Row("region_mbps", "the same, against a pipe", "pipe_mbps", "region_over_pipe", (">=", 20)),
    Row("region_spin_mbps", "shared region, spin before sleeping", "ceiling_mbps"),
    Row("pipe_mbps", "32 MiB through a pipe", "ceiling_mbps"),
    Row("native_ceiling_mbps", "host, natively: the ceiling's copy"),
    Row("native_ring_mbps", "host, natively: the region's hand-off", "native_ceiling_mbps",
        "native_ring_over_ceiling"),
    Row("disk_raw_mbps", "raw disk, sequential write"),
    Row("disk_raw_serial_mbps", "raw disk, one request at a time", "disk_raw_mbps"),
    Row("fswrite_mbps", "16 MiB journaled write()", "disk_raw_mbps",
        "fswrite_over_raw", (">=", 1 / 3)),
    Row("fswrite_mbps", "the same, against before issue 12", FSWRITE_BEFORE_MBPS,
        "fswrite_over_before", (">=", 10), over_label="before"),
    Row("fsread_byte_ns", "read() of a byte, its block cached", "null_syscall_ns",
        "fsread_byte_over_null", ("<=", 20)),
]

# Figures where more is better; for the others (times, counts) less is.
MORE_IS_BETTER = ("_mbps",)


def parse(text):
    """The figures in a console: {key: (value, unit)}, in order."""
    figures = {}
    for line in text.split("\n"):
        m = FIGURE_RE.match(line)
        if m:
            figures[m.group(1)] = (float(m.group(2)), m.group(3))
    return figures


def is_figure(line):
    """Whether a console line is a figure (the table shows it, the PASS
    line's notes need not)."""
    return FIGURE_RE.match(line) is not None


def met(value, target):
    op, want = target
    return value <= want + 1e-9 if op == "<=" else value >= want - 1e-9


def target_text(target):
    op, want = target
    return "%s %s" % (op, "1/3" if abs(want - 1 / 3) < 1e-9 else "%g" % want)


def show_value(key, value):
    """A figure as people read it: times in us, rates in MB/s."""
    if key.endswith("_ns"):
        return "%.2f us" % (value / 1000)
    if key.endswith("_mbps"):
        return "%.1f MB/s" % value
    return "%g" % value


def show_ratio(r):
    return "%.2f" % r if r < 10 else "%.1f" % r if r < 100 else "%.0f" % r


def evaluate(figures):
    """The table's rows with numbers: (row, value or None, ratio or None,
    met or None) for every row, then (None-row) the figures no row names."""
    out = []
    for row in ROWS:
        value = figures.get(row.key, (None,))[0]
        ratio = None
        if row.over is None:
            checked = value
        else:
            den = row.over if not isinstance(row.over, str) else figures.get(row.over, (None,))[0]
            ratio = value / den if value is not None and den else None
            checked = ratio
        ok = met(checked, row.target) if row.target and checked is not None else None
        out.append((row, value, ratio, ok))
    named = {row.key for row in ROWS}
    for key, (value, _) in figures.items():
        if key not in named:
            out.append((Row(key, key), value, None, None))
    return out


def table(figures):
    """The dashboard's lines."""
    lines = ["%-40s %12s  %-20s %s" % ("figure", "value", "ratio", "target")]
    for row, value, ratio, ok in evaluate(figures):
        over = (row.over_label or SHORT.get(row.over, row.over)) if row.over is not None else ""
        line = "%-40s %12s  %-20s %-9s %s" % (
            row.label,
            show_value(row.key, value) if value is not None else "-",
            "%s x %s" % (show_ratio(ratio), over) if ratio is not None else
            ("- x %s" % over if row.over is not None else ""),
            target_text(row.target) if row.target else "",
            "" if not row.target else "-" if ok is None else "met" if ok else "NOT met")
        lines.append(line.rstrip())
    return lines


def commit():
    """The tree's commit, with -dirty when it has changes; "" outside git."""
    try:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        rev = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=root,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             universal_newlines=True, timeout=10)
        return rev.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def as_json(figures, cpus, names):
    """bench.json's content for these figures."""
    data = {key: value for key, (value, _) in figures.items()}
    targets = {}
    for row, value, ratio, ok in evaluate(figures):
        if ratio is not None:
            data[row.name] = round(ratio, 4)
        if row.target:
            targets[row.name or row.key] = {"target": target_text(row.target), "met": ok}
    data["targets"] = targets
    data["units"] = {key: unit for key, (_, unit) in figures.items()}
    data["run"] = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "commit": commit(),
                   "cpus": cpus, "benchmarks": names}
    return data


def write_json(data, build):
    """Writes BUILD/bench.json, keeping the last one as bench.prev.json."""
    path = os.path.join(build, "bench.json")
    if os.path.exists(path):
        os.replace(path, os.path.join(build, "bench.prev.json"))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    return path


def host_figures(build):
    """What BUILD/host/ring (test/host/ring.c) prints: the host's own copy
    and cross-core hand-off, measured natively before the benchmarks boot,
    as `bench:` lines; a line saying why when it cannot run."""
    ring = os.path.join(build, "host", "ring")
    try:
        r = subprocess.run([ring], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        return "ring: cannot run %s (%s; `make all` builds it)" % (ring, e)
    return r.stdout if r.returncode == 0 else "ring: exit %d: %s" % (r.returncode, r.stdout)


def dashboard(results, build, cpus, write=True, host=""):
    """The table of the figures of results (the passed benchmarks') and of
    host (host_figures' output), and with write, bench.json written in
    build. Returns the lines to print."""
    figures = {}
    names = []
    for r in results:
        if r.kind == "benchmark" and r.passed:
            found = parse(r.console)
            if found:
                names.append(r.name)
                figures.update(found)
    if not figures:
        return ["bench: no figures (no benchmark passed)%s" % (
            ": bench.json not written" if write else "")]
    figures.update(parse(host))
    notes = [l for l in host.split("\n") if l.strip() and not is_figure(l)]
    if write:
        where = "also in %s; `make bench-compare` compares it with the last run's" % (
            write_json(as_json(figures, cpus, names), build))
    else:
        where = "not written to bench.json: only a run of every benchmark writes it"
    return (["bench: the figures of one boot (targets are reported, not judged; %s)" % where]
            + ["  " + l for l in table(figures)] + ["  " + l for l in notes])


# ------------------------------------------------------------- compare

def better_when_more(key, data):
    """Whether a larger value of key (a figure or a ratio of data) is better."""
    targets = data.get("targets", {})
    if key in targets:
        return targets[key]["target"].startswith(">=")
    for row in ROWS:
        if key in (row.key, row.name):
            return row.key.endswith(MORE_IS_BETTER)
    return key.endswith(MORE_IS_BETTER)


def compare(prev, now, prev_name, now_name):
    """Lines with each number of two bench.json contents side by side."""
    def numbers(d):
        return [k for k, v in d.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]

    def about(d):
        run = d.get("run", {})
        return "%s, %s" % (run.get("date", "?"), run.get("commit", "?") or "?")

    def show(v):
        if not isinstance(v, (int, float)):
            return "-"
        return "%.0f" % v if abs(v) >= 1000 else ("%.4f" % v).rstrip("0").rstrip(".")

    keys = numbers(now) + [k for k in numbers(prev) if k not in now]
    lines = ["bench-compare: %s (%s) -> %s (%s)" % (prev_name, about(prev), now_name, about(now)),
             "  %-38s %12s %12s %9s" % ("figure", "before", "now", "change")]
    for key in keys:
        a, b = prev.get(key), now.get(key)
        change = verdict = ""
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a:
            pct = (b - a) / abs(a) * 100
            change = "%+.1f%%" % pct
            if abs(pct) >= 0.5:
                verdict = "better" if (pct > 0) == better_when_more(key, now) else "worse"
        target = now.get("targets", {}).get(key)
        if target and target["met"] is not None:
            verdict += "%s(target %s: %s)" % (" " * (8 - len(verdict)), target["target"],
                                               "met" if target["met"] else "NOT met")
        line = "  %-38s %12s %12s %9s  %s" % (key, show(a), show(b), change, verdict)
        lines.append(line.rstrip())
    return lines


def main(argv):
    if len(argv) != 3:
        print("usage: benchmarks.py PREV.json NOW.json (make bench-compare)", file=sys.stderr)
        return 2
    loaded = []
    for path in argv[1:]:
        try:
            with open(path, encoding="utf-8") as f:
                loaded.append(json.load(f))
        except (OSError, ValueError) as e:
            print("bench-compare: %s: %s (run `make bench` twice: each run keeps the last "
                  "one's figures as bench.prev.json)" % (path, e.strerror if isinstance(e, OSError)
                                                          else e))
            return 1
    for line in compare(loaded[0], loaded[1], argv[1], argv[2]):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
