#!/usr/bin/env python3
"""Formats each man page with groff, every warning enabled, and fails on any diagnostic.

  check-man-pages.py PAGE…

Prints TAP, one line per page. groff comes with groff-base (build-aux/install-deps.sh)."""

import shutil
import subprocess
import sys


def check(page):
    groff = shutil.which("groff")
    if groff is None:
        return False, "groff is not installed: run build-aux/install-deps.sh"
    result = subprocess.run([groff, "-man", "-Tutf8", "-K", "utf8", "-ww", "-z", page],
                            capture_output=True, text=True)
    return result.returncode == 0 and not result.stderr.strip(), result.stderr.strip()


def main():
    failed = False
    for number, page in enumerate(sys.argv[1:], 1):
        ok, diagnostics = check(page)
        failed = failed or not ok
        print(f"{'ok' if ok else 'not ok'} {number} - {page} formats without a warning")
        for line in diagnostics.splitlines():
            print(f"# {line}")
    print(f"1..{len(sys.argv) - 1}")
    return 1 if failed or len(sys.argv) < 2 else 0


if __name__ == "__main__":
    sys.exit(main())
