#!/usr/bin/env python3
"""Prints 'N passed, N failed' from one or more of meson's testlog.json files, summed (the normal
build's and the sanitizer build's runs). A file that is missing counts as one failure: its run
did not finish.

Meson's own summary counts test programs, not the checks inside them. Here a TAP program counts
each of its subtests; a TAP program that crashed counts the planned subtests it never reported as
failed; any other test counts as one. Exits 1 when anything failed or nothing ran."""

import json
import re
import sys

PLAN = re.compile(r"^1\.\.(\d+)")
RESULT = re.compile(r"^(not ok|ok)\b(.*)$")


def count_tap(stdout, passed_overall):
    planned = None
    ok = failed = 0
    for line in stdout.splitlines():
        line = line.strip()
        m = PLAN.match(line)
        if m:
            planned = int(m.group(1))
            continue
        m = RESULT.match(line)
        if not m:
            continue
        directive = m.group(2).lower()
        if m.group(1) == "ok":
            if "# skip" in directive:
                # A skipped check is not a pass.
                failed += 1
            else:
                ok += 1
        else:
            if "# todo" in directive:
                failed += 1
            else:
                failed += 1
    if planned is not None and ok + failed < planned:
        failed += planned - (ok + failed)
    if ok + failed == 0:
        return (1, 0) if passed_overall else (0, 1)
    if not passed_overall and failed == 0:
        # The program failed (a crash after its last report, a leak check) although every
        # reported check passed: count the program itself as a failure.
        failed += 1
    return ok, failed


def count_log(path, failures):
    passed = failed = 0
    with open(path, encoding="utf-8") as log:
        for line in log:
            line = line.strip()
            if not line:
                continue
            entry = json.loads(line)
            result = entry.get("result", "")
            good = result in ("OK", "EXPECTEDFAIL")
            if entry.get("protocol") == "tap" or "1.." in (entry.get("stdout") or ""):
                p, f = count_tap(entry.get("stdout") or "", good)
            else:
                p, f = (1, 0) if good else (0, 1)
            passed += p
            failed += f
            if f:
                failures.append(f"{entry.get('name', '?')} ({path})")
    return passed, failed


def main(paths):
    passed = failed = 0
    failures = []
    for path in paths:
        try:
            p, f = count_log(path, failures)
        except FileNotFoundError:
            p, f = 0, 1
            failures.append(f"no test log {path}: that run did not finish")
        passed += p
        failed += f
    for name in failures:
        print(f"failed: {name}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["meson-logs/testlog.json"]))
