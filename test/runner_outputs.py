"""
test/runner_outputs.py: the scenario runner_outputs, a check of the
runner's own reports (test/report.py), which graders and CI read.

In one boot it runs two tests through a Runner of its own, writing into a
temporary folder: PASS_TEST, which passes, and FAIL_TEST made to fail (its
metadata is changed to expect a `killed:` line it never prints; its
console has the colour codes of `passed`). Its build folder's fs.img is
empty: the tests boot on fs-tests.img, never on the disk make qemu
uses, so the pair runs as on a fresh build. Then:

- the PASS/FAIL report has the PASS line, a FAIL line naming a log that
  exists, holds the test's console and has no colour code (nor has the
  boot's log), the disk check on a line of its own, and `1 passed, 1
  failed` as its last line; the run's status is 1;
- the same results as TAP: the version, the plan 1..2, `ok 1`, `not ok 2`
  with the reason and a YAML block, `# 1 passed, 1 failed` last;
- the JUnit XML parses, with testsuites/testsuite/testcase, the counts of
  each level right, a failure with its message, and system-out;
- results.json has a score of 1, a test at 1 of 1 (passed) and one at 0
  of 1 (failed) whose output has the reason, the disk check at 0 of 0;
- a failed disk check (made up, fed to a report) is a FAIL line apart:
  the run's status is 1, its last line still `1 passed, 0 failed`;
- `run.py` with a misspelt name exits 2 and suggests the right one (also
  as TAP's `Bail out!`);
- with --jobs 2, two units run at once (the first, made up, waits until
  the second is done) and are still reported in plan order;
- a `test:` comment past the first 40 lines is a metadata error (it used
  to be left out silently: fuzz and sh_script ran with the default
  limit), one on line 40 is read;
- lanes take units longest first by the last run's times (a boot of tests
  counting its boot), in plan order among equals and with no times;
- the tests' QEMU runs the disk with cache=unsafe, a benchmark's with the
  Makefile's write-through (test/runner.py, Lane.new_machine, says why).
"""

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET

from machine import PY_RUN, ROOT, qemu_command, test_image
from report import Report, Result
from runner import Lane, Runner, plan, start_order
from suite import META_LINES, Test, TEST_DIR

PASS_TEST = "syscall_nosys"
FAIL_TEST = "file_read"
FAIL_REASON = "0 killed: line(s), expected 1"
RUN_PY = os.path.join(TEST_DIR, "run.py")
LANE_WAIT = 10.0             # seconds the first unit waits for the second


# The two tests: PASS_TEST as it is, FAIL_TEST expecting a kill it never makes.
def tests():
    good = Test(PASS_TEST, os.path.join(TEST_DIR, PASS_TEST + ".c"))
    bad = Test(FAIL_TEST, os.path.join(TEST_DIR, FAIL_TEST + ".c"))
    bad.expect_killed = 1
    return [good, bad]


# A build folder like run's, but whose fs.img is empty, the worst that
# can be done to it at make qemu's prompt: the tests boot on the untouched
# fs-tests.img (machine.test_image), so the pair runs as on a fresh
# build. It once booted on fs.img, and a student's `rm README` there made
# file_read, readdir_root and disk-files fail.
def used_build(build, tmp):
    used = os.path.join(tmp, "used-build")
    os.mkdir(used)
    open(os.path.join(used, "fs.img"), "x").close()     # first: never through a link
    for f in ("kernel.elf", "mkfs", os.path.basename(test_image(build))):
        os.symlink(os.path.join(build, f), os.path.join(used, f))
    return used


# Runs the two tests in one boot, on used_build; returns (the human
# report, the TAP one, the Report, the run's status).
def run_pair(run, tmp):
    args = argparse.Namespace(**vars(run.args))
    args.stop, args.verbose = False, False
    args.build = used_build(run.build, tmp)
    files = {"junit": os.path.join(tmp, "junit.xml"),
             "gradescope": os.path.join(tmp, "results.json")}
    human = io.StringIO()
    report = Report(human, os.path.join(tmp, "logs"), os.path.join(run.build, "kernel.elf"),
                    junit=files["junit"], gradescope=files["gradescope"])
    inner = Runner(args, report, ROOT)
    inner.run_tests(tests())
    status = report.end(inner.boots, 1.0)
    # The same results again, as TAP.
    tap = io.StringIO()
    again = Report(tap, os.path.join(tmp, "tap-logs"), report.elf, tap=True)
    again.begin(tests())
    for r in report.results + report.disk_checks:
        again.add(r)
    again.end(inner.boots, 1.0)
    return human.getvalue(), tap.getvalue(), report, status, files


# The PASS/FAIL report and its logs; a reason if something is wrong.
def check_human(text, report, status):
    lines = text.rstrip("\n").split("\n")
    if lines[-1] != "1 passed, 1 failed":
        return "the last line is %r, not '1 passed, 1 failed'" % lines[-1]
    if status != 1:
        return "the run's status is %d, not 1" % status
    if not any(l.startswith("PASS %s (" % PASS_TEST) for l in lines):
        return "no PASS %s line" % PASS_TEST
    fail = [l for l in lines if l.startswith("FAIL %s: " % FAIL_TEST)]
    want = "FAIL %s: %s (log: " % (FAIL_TEST, FAIL_REASON)
    if len(fail) != 1 or not fail[0].startswith(want) or not fail[0].endswith(")"):
        return "the FAIL line is %r, not %r...)" % (fail, want)
    log = fail[0][len(want):-1]
    if not os.path.isfile(log):
        return "the FAIL line names %s, which does not exist" % log
    with open(log) as f:
        content = f.read()
    if "\x1b" in content or "passed" not in content or FAIL_TEST not in content:
        return "%s is not %s's console without colour codes" % (log, FAIL_TEST)
    boots = os.path.join(report.logdir, "boots")
    for fn in os.listdir(boots):
        with open(os.path.join(boots, fn)) as f:
            if "\x1b" in f.read():
                return "the boot's log %s has colour codes" % fn
    disk = [l for l in lines if l.startswith("disk_check after ")]
    if len(disk) != 1 or not disk[0].endswith(": clean"):
        return "no disk_check line of its own: %r" % disk
    return None


# The TAP report: version, plan, ok and not ok lines, nothing else.
def check_tap(text):
    lines = text.rstrip("\n").split("\n")
    if lines[:2] != ["TAP version 13", "1..2"]:
        return "TAP begins %r" % lines[:2]
    if "ok 1 - %s" % PASS_TEST not in lines:
        return "no 'ok 1 - %s' line" % PASS_TEST
    nok = "not ok 2 - %s: %s" % (FAIL_TEST, FAIL_REASON)
    if nok not in lines or lines[lines.index(nok) + 1] != "  ---":
        return "no %r line with a YAML block" % nok
    for l in lines[2:]:
        if not l.startswith(("ok ", "not ok ", "# ", "  ")):
            return "a line that is not TAP: %r" % l
    if lines[-1] != "# 1 passed, 1 failed":
        return "TAP ends %r" % lines[-1]
    return None


# The JUnit XML: it parses, and its counts and elements are right.
def check_junit(path):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        return "the JUnit XML does not parse: %s" % e
    if root.tag != "testsuites":
        return "the JUnit root is <%s>" % root.tag
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    tests = suites.get("osv-rv.test")
    if tests is None or (tests.get("tests"), tests.get("failures")) != ("2", "1"):
        return "the JUnit test suite does not have 2 tests, 1 failure"
    total = sum(int(s.get("tests")) for s in suites.values())
    if root.get("tests") != str(total) or root.get("failures") != "1":
        return "<testsuites> counts %s tests, %s failures" % (root.get("tests"),
                                                               root.get("failures"))
    for case in root.iter("testcase"):
        if not case.get("name") or not case.get("classname"):
            return "a testcase without name or classname"
        float(case.get("time"))
        if case.find("system-out") is None:
            return "testcase %s has no system-out" % case.get("name")
    failures = list(root.iter("failure"))
    if len(failures) != 1 or failures[0].get("message") != FAIL_REASON:
        return "the JUnit failures are %r" % [f.get("message") for f in failures]
    return None


# results.json: the total, each test's score and status, the disk check.
def check_gradescope(path):
    with open(path) as f:
        res = json.load(f)
    if res.get("score") != 1.0 or not isinstance(res.get("execution_time"), int) \
            or "stdout_visibility" not in res:
        return "results.json: score %r, execution_time %r" % (
            res.get("score"), res.get("execution_time"))
    by = {t["name"]: t for t in res["tests"]}
    good, bad = by.get(PASS_TEST), by.get(FAIL_TEST)
    if not good or (good["score"], good["max_score"], good["status"]) != (1.0, 1.0, "passed"):
        return "results.json: %s is %r" % (PASS_TEST, good)
    if not bad or (bad["score"], bad["max_score"], bad["status"]) != (0.0, 1.0, "failed") \
            or FAIL_REASON not in bad["output"]:
        return "results.json: %s is %r" % (FAIL_TEST, bad)
    disks = [t for t in res["tests"] if t["name"].startswith("disk_check")]
    if len(disks) != 1 or disks[0]["max_score"] != 0:
        return "results.json: the disk check is %r" % disks
    return None


# A made-up failed disk check fails the run but is no test.
def check_disk_failure(tmp, elf):
    out = io.StringIO()
    report = Report(out, os.path.join(tmp, "disk-logs"), elf)
    report.begin(tests()[:1])
    report.add(Result(PASS_TEST, "test", None, 0.1))
    report.add(Result("disk_check", "disk_check", "mkfs --check: 1 block lost", 0,
                      label="after " + PASS_TEST))
    status = report.end(1, 1.0)
    lines = out.getvalue().rstrip("\n").split("\n")
    want = "FAIL disk_check after %s: mkfs --check: 1 block lost (log: " % PASS_TEST
    if status != 1 or lines[-1] != "1 passed, 0 failed" \
            or not any(l.startswith(want) for l in lines):
        return "a failed disk check: status %d, report %r" % (status, lines)
    return None


# A misspelt name on run.py's command line gets the right one suggested;
# the name of a program of user/ (a student's own, say) is told apart
# from a test, with where to run it. Both names go in one run for each
# report format (a start of run.py costs 0.15 s of CPU).
def check_misspelt(build):
    misspelt = PASS_TEST[:-1]
    said = "no such test: %s (did you mean %s?), echo is a program (user/echo.c): " \
        "run it at the prompt of make qemu" % (misspelt, PASS_TEST)
    for extra, want in (([], "run.py: "), (["--tap"], "Bail out! ")):
        r = subprocess.run(PY_RUN + [RUN_PY, "--build", build, misspelt, "echo"] + extra,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=60)
        if r.returncode != 2 or want + said not in r.stdout:
            return "run.py %s: status %d, %r, not %r" % (
                " ".join([misspelt, "echo"] + extra), r.returncode, r.stdout.strip(),
                want + said)
    return None


# Two made-up scenarios on two lanes: the first waits until the second is
# done, which only a second lane can do; the report still lists the first
# first.
def check_lanes(run, tmp):
    def first(lane, test):
        end = time.monotonic() + LANE_WAIT
        while not lane.runner.units[1].done:
            if time.monotonic() > end:
                return "the second unit did not run while the first did", None
            time.sleep(0.01)
        lane.detail.append("the second is done")
        return None, None

    def second(lane, test):
        return None, None

    args = argparse.Namespace(**vars(run.args))
    args.stop, args.verbose, args.jobs = False, False, 2
    out = io.StringIO()
    report = Report(out, os.path.join(tmp, "lane-logs"), os.path.join(run.build, "kernel.elf"))
    Runner(args, report, ROOT).run_tests([Test("lane_first", scenario=first),
                                          Test("lane_second", scenario=second)])
    status = report.end(0, 1.0)
    lines = [l for l in out.getvalue().split("\n") if l and not l.startswith("(")]
    want = ["PASS lane_first", "    the second is done", "PASS lane_second", "2 passed, 0 failed"]
    if status != 0 or [l.split(" (")[0] for l in lines] != want:
        return "--jobs 2: status %d, report %r, not %r" % (status, lines, want)
    return None


# The disk's cache mode: a test's QEMU runs cache=unsafe on the disk (the
# pair's boot above, as its log's first line shows), a benchmark's the
# Makefile's write-through disk (a machine made, not started).
def check_disk_cache(run, tmp, report):
    boots = os.path.join(report.logdir, "boots")
    for fn in os.listdir(boots):
        with open(os.path.join(boots, fn)) as f:
            first = f.readline()
        if not re.search(r"-drive file=\S+,cache=unsafe\b", first):
            return "the test boot %s ran QEMU without cache=unsafe: %s" % (fn, first.strip())
    args = argparse.Namespace(**vars(run.args))
    args.bench = True
    bench = Report(io.StringIO(), os.path.join(tmp, "bench-logs"), report.elf)
    m = Lane(Runner(args, bench, ROOT)).new_machine(2, "bench")
    try:
        words = qemu_command(m.kernel_dir, m.img, m.cpus, m.bootargs, m.disk_cache)
    finally:
        m.kill()
    if any("cache=" in w for w in words):
        return "a benchmark's QEMU would not run the Makefile's disk: %s" % " ".join(words)
    return None


# Metadata is read in the first META_LINES lines, and found past them is
# an error, so a limit is never ignored without a word.
def check_late_metadata(tmp):
    for line, want_error in ((META_LINES, False), (META_LINES + 1, True)):
        path = os.path.join(tmp, "late.c")
        with open(path, "w") as f:
            f.write("/*\n" + " *\n" * (line - 3) + " */\n// test: timeout=90\n")
        t = Test("late", path)
        if bool(t.meta_error) != want_error or (not want_error and t.timeout != 90):
            return "a test: line on line %d: meta_error %r, timeout %r" % (
                line, t.meta_error, t.timeout)
    return None


# start_order on made-up units: two scenarios and a boot of two tests.
def check_start_order():
    def nothing(run, test):
        return None, None

    units = plan([Test("order_a", scenario=nothing), Test(PASS_TEST),
                  Test(FAIL_TEST), Test("order_c", scenario=nothing)], 4)
    names = [[t.name for t in u.tests] for u in units]
    if names != [[PASS_TEST, FAIL_TEST], ["order_a"], ["order_c"]]:
        return "plan: units %r" % names
    # No times: 1 s a test, so the boot, then the scenarios in plan order;
    # the longest first; a boot counts its boot too (4.5 s against 4.4).
    for times, want in (({}, [0, 1, 2]),
                        ({PASS_TEST: 0.1, FAIL_TEST: 0.1, "order_c": 3.0}, [2, 1, 0]),
                        ({PASS_TEST: 2.0, FAIL_TEST: 2.0, "order_a": 4.4}, [0, 1, 2])):
        got = start_order(units, times)
        if got != want:
            return "start_order with times %r: %r, not %r" % (times, got, want)
    return None


# The scenario: the run, then every check.
def scenario(run, test):
    tmp = tempfile.mkdtemp(prefix="osv-rv-outputs-")
    try:
        human, tap, report, status, files = run_pair(run, tmp)
        for why in (check_human(human, report, status), check_tap(tap),
                    check_junit(files["junit"]), check_gradescope(files["gradescope"]),
                    check_disk_failure(tmp, report.elf), check_misspelt(run.build),
                    check_lanes(run, tmp), check_start_order(), check_late_metadata(tmp),
                    check_disk_cache(run, tmp, report)):
            if why:
                return why, human + "\n" + tap
        run.detail.append("PASS/FAIL, TAP, JUnit and results.json agree: 1 passed, 1 failed")
        run.detail.append("--jobs 2: two units at once, reported in plan order; "
                          "units start longest first; tests' disk cache=unsafe, benchmarks' not")
        return None, None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
