"""
test/report.py: what test/run.py tells people and programs about a run.

Every result (a test, benchmark or scenario, or the disk check after a
boot) gets a log file of its own, NAME.log in the log folder, without
colour codes, and a line on the console: PASS/FAIL lines for people, or
TAP version 13 (--tap) for programs. At the end of the run the results can
also be written as JUnit XML (--junit FILE) and as Gradescope's
results.json (--gradescope FILE). docs/testing.md shows each format.
"""

import json
import os
import platform
import re
import time
import xml.etree.ElementTree as ET

import symbolize
from machine import strip_ansi

EXCERPT_LINES = 20           # console lines under a FAIL line
GRADESCOPE_LINES = 100       # console lines in a failed test's output
SYSTEM_OUT_BYTES = 65536     # the tail of a log that JUnit's system-out gets
# Characters XML 1.0 cannot hold (a console may print any byte).
XML_BAD_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Result:
    """The outcome of one test, benchmark, scenario or disk check.

    reason: None if it passed, else why it failed. console: the text
    whose last lines a failure shows. log_text: what its log file holds.
    notes: lines reported under it (a benchmark's figures, a scenario's
    detail). label: said after the name (the disk check's tests). elf:
    the kernel it ran on, when not the Report's."""

    def __init__(self, name, kind, reason, seconds, console=None, log_text=None,
                 notes=(), label="", elf=None):
        self.name = name
        self.kind = kind
        self.reason = reason
        self.seconds = seconds
        self.console = console or ""
        self.log_text = log_text if log_text is not None else self.console
        self.notes = list(notes)
        self.label = label
        self.elf = elf
        self.log = None          # the log file's path, once written
        self.excerpt = []        # the console's last lines, symbolized

    @property
    def passed(self):
        return self.reason is None

    @property
    def title(self):
        return self.name + (" " + self.label if self.label else "")


def excerpt(text, n):
    """The last n lines of text, without colour codes."""
    lines = strip_ansi(text).rstrip("\n").split("\n")
    return lines[-n:] if text.strip() else []


# s with what XML cannot hold replaced by "?".
def xml_text(s):
    return XML_BAD_RE.sub("?", s)


class Report:
    """Collects the results of a run and writes them out.

    out: the stream of the console report; tap: TAP there instead of
    PASS/FAIL lines; logdir: where the logs go (emptied by begin); elf:
    the kernel whose symbols name a panic's frames; junit, gradescope:
    files written by end(), or None."""

    def __init__(self, out, logdir, elf, tap=False, junit=None, gradescope=None):
        self.out = out
        self.logdir = logdir
        self.elf = elf
        self.tap = tap
        self.junit = junit
        self.gradescope = gradescope
        self.planned = []
        self.results = []        # the tests', benchmarks' and scenarios'
        self.disk_checks = []
        self.started = time.time()

    def say(self, line):
        self.out.write(line + "\n")
        self.out.flush()

    # Empties the log folder and announces the tests about to run.
    def begin(self, tests):
        self.planned = list(tests)
        self.started = time.time()
        if os.path.isdir(self.logdir):
            for dirpath, _, files in os.walk(self.logdir):
                for fn in files:
                    if fn.endswith(".log"):
                        os.unlink(os.path.join(dirpath, fn))
        os.makedirs(self.logdir, exist_ok=True)
        if self.tap:
            self.say("TAP version 13")
            self.say("1..%d" % len(self.planned))

    # The log of the test name.
    def log_path(self, name):
        return os.path.join(self.logdir, name + ".log")

    # Writes the result's log and reports it.
    def add(self, result):
        elf = result.elf or self.elf
        text = strip_ansi(result.log_text)
        if "PANIC" in text:
            text = symbolize.symbolize(text, elf)
        result.log = self.log_path(result.name if result.kind != "disk_check"
                                   else "disk_check-%d" % (len(self.disk_checks) + 1))
        with open(result.log, "w", encoding="utf-8", errors="replace") as f:
            f.write(text if text.endswith("\n") or not text else text + "\n")
        console = result.console
        if "PANIC" in console:
            console = symbolize.symbolize(strip_ansi(console), elf)
        result.excerpt = excerpt(console, GRADESCOPE_LINES)
        if result.kind == "disk_check":
            self.disk_checks.append(result)
        else:
            self.results.append(result)
        if self.tap:
            self.tap_line(result)
        else:
            self.human_line(result)

    # A path as the reports show it: relative to the current directory
    # when it is under it.
    def shown_path(self, path):
        rel = os.path.relpath(path, os.getcwd())
        return path if rel.startswith("..") else rel

    # PASS/FAIL: a failure with its log and the console's last lines.
    def human_line(self, r):
        if r.passed and r.kind == "disk_check":
            self.say("%s: clean" % r.title)
        elif r.passed:
            self.say("PASS %s (%.1fs)" % (r.title, r.seconds))
        else:
            self.say("FAIL %s: %s (log: %s)" % (r.title, r.reason, self.shown_path(r.log)))
            for l in r.excerpt[-EXCERPT_LINES:]:
                self.say("    | " + l)
        for l in r.notes:
            self.say("    " + l)

    # TAP: ok / not ok with a YAML block; a disk check is a comment.
    def tap_line(self, r):
        if r.kind == "disk_check":
            self.say("# %s: %s" % (r.title, "clean" if r.passed else "FAILED: %s (log: %s)"
                                   % (r.reason, self.shown_path(r.log))))
            return
        n = len(self.results)
        desc = r.title.replace("#", "\\#")
        if r.passed:
            self.say("ok %d - %s" % (n, desc))
        else:
            self.say("not ok %d - %s: %s" % (n, desc, r.reason.replace("#", "\\#")))
            self.say("  ---")
            self.say("  message: " + json.dumps(r.reason))
            self.say("  severity: fail")
            self.say("  log: " + json.dumps(self.shown_path(r.log)))
            self.say("  duration_ms: %d" % round(r.seconds * 1000))
            if r.excerpt:
                self.say("  console: |")
                for l in r.excerpt[-EXCERPT_LINES:]:
                    self.say("    " + xml_text(l))
            self.say("  ...")
        for l in r.notes:
            self.say("# " + l)

    @property
    def passed(self):
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self):
        return sum(1 for r in self.results if not r.passed)

    # The planned tests without a result (after --stop).
    def not_run(self):
        done = {r.name for r in self.results}
        return [t for t in self.planned if t.name not in done]

    # Reports the tests that never ran (--stop) and the totals, writes the
    # result files, and returns the runner's exit status: 0 if every test
    # and every disk check passed, else 1.
    def end(self, boots, seconds):
        skipped = self.not_run()
        bad_disks = sum(1 for r in self.disk_checks if not r.passed)
        if self.tap:
            for i, t in enumerate(skipped, len(self.results) + 1):
                self.say("ok %d - %s # SKIP not run (--stop)" % (i, t.name))
        elif skipped:
            self.say("(%d not run after the first failure: --stop)" % len(skipped))
        if self.planned:
            self.say("%s(%d boot(s), %.1fs; console logs in %s)" % (
                "# " if self.tap else "", boots, seconds, self.shown_path(self.logdir)))
        if self.disk_checks:
            self.say("%sdisk_check: %d of %d boot(s) clean%s" % (
                "# " if self.tap else "", len(self.disk_checks) - bad_disks,
                len(self.disk_checks), ", the run fails" if bad_disks else ""))
        if self.junit:
            self.write_junit(skipped, seconds)
        if self.gradescope:
            self.write_gradescope(skipped, seconds)
        self.say("%s%d passed, %d failed" % ("# " if self.tap else "", self.passed,
                                             self.failed))
        return 1 if self.failed or bad_disks else 0

    # JUnit XML: one testsuite per kind of result, a testcase each.
    def write_junit(self, skipped, seconds):
        suites = ET.Element("testsuites", name="osv-rv")
        groups = [(kind, [r for r in self.results + self.disk_checks if r.kind == kind])
                  for kind in ("test", "benchmark", "scenario", "disk_check")]
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self.started))
        totals = {"tests": 0, "failures": 0, "skipped": 0}
        for kind, results in groups:
            skip = [t for t in skipped if t.kind == kind]
            if not results and not skip:
                continue
            failures = sum(1 for r in results if not r.passed)
            suite = ET.SubElement(suites, "testsuite", {
                "name": "osv-rv." + kind, "tests": str(len(results) + len(skip)),
                "failures": str(failures), "errors": "0", "skipped": str(len(skip)),
                "time": "%.3f" % sum(r.seconds for r in results),
                "timestamp": stamp, "hostname": platform.node() or "localhost"})
            totals["tests"] += len(results) + len(skip)
            totals["failures"] += failures
            totals["skipped"] += len(skip)
            for r in results:
                case = ET.SubElement(suite, "testcase", name=r.title,
                                     classname="osv-rv." + kind, time="%.3f" % r.seconds)
                if not r.passed:
                    fail = ET.SubElement(case, "failure", message=xml_text(r.reason),
                                         type="failure")
                    fail.text = xml_text("\n".join(r.excerpt[-EXCERPT_LINES:]))
                with open(r.log, encoding="utf-8", errors="replace") as f:
                    log = f.read()
                out = ET.SubElement(case, "system-out")
                out.text = xml_text(log[-SYSTEM_OUT_BYTES:])
            for t in skip:
                case = ET.SubElement(suite, "testcase", name=t.name,
                                     classname="osv-rv." + kind, time="0")
                ET.SubElement(case, "skipped", message="not run (--stop)")
        suites.set("tests", str(totals["tests"]))
        suites.set("failures", str(totals["failures"]))
        suites.set("errors", "0")
        suites.set("skipped", str(totals["skipped"]))
        suites.set("time", "%.3f" % seconds)
        ET.ElementTree(suites).write(self.junit, encoding="UTF-8", xml_declaration=True)

    # Gradescope's results.json: one point per test, benchmark and
    # scenario; the disk checks are listed with no points (a failed one
    # fails the run, not a test).
    def write_gradescope(self, skipped, seconds):
        tests = []
        for r in self.results + self.disk_checks:
            scored = r.kind != "disk_check"
            if r.passed:
                output = "\n".join(r.notes)
            else:
                output = "%s\n\n%s\n\n(the whole console: %s)" % (
                    r.reason, "\n".join(r.excerpt), self.shown_path(r.log))
            tests.append({"name": r.title, "score": 1.0 if scored and r.passed else 0.0,
                          "max_score": 1.0 if scored else 0.0,
                          "status": "passed" if r.passed else "failed",
                          "output": output, "visibility": "visible"})
        for t in skipped:
            tests.append({"name": t.name, "score": 0.0, "max_score": 1.0,
                          "status": "failed", "output": "not run (--stop)",
                          "visibility": "visible"})
        bad_disks = sum(1 for r in self.disk_checks if not r.passed)
        results = {
            "score": float(self.passed),
            "execution_time": int(round(seconds)),
            "output": "%d passed, %d failed%s%s" % (
                self.passed, self.failed,
                ", %d not run" % len(skipped) if skipped else "",
                "; %d disk check(s) failed" % bad_disks if bad_disks else ""),
            "stdout_visibility": "visible",
            "visibility": "visible",
            "tests": tests,
        }
        with open(self.gradescope, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)
            f.write("\n")
