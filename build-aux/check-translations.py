#!/usr/bin/env python3
"""Checks that translation is complete.

  check-translations.py potfiles SRCDIR   every source file with translatable strings is listed in
                                          po/POTFILES.in, and every listed file exists
  check-translations.py complete PO...    no message is untranslated or fuzzy

Prints TAP, so each problem is reported by name."""

import os
import re
import subprocess
import sys

MARKERS = re.compile(r'(\b_\(|\bN_\(|\bC_\(|\bNC_\(|g_dngettext\s*\(|translatable="yes")')


def listed(srcdir):
    with open(os.path.join(srcdir, "po", "POTFILES.in"), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def translatable_files(srcdir):
    found = []
    for root, _dirs, files in os.walk(os.path.join(srcdir, "src")):
        for name in files:
            if not name.endswith((".c", ".ui")):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as f:
                if MARKERS.search(f.read()):
                    found.append(os.path.relpath(path, srcdir))
    return sorted(found)


def check_potfiles(srcdir):
    names = listed(srcdir)
    results = []
    for path in translatable_files(srcdir):
        results.append((path in names, f"{path} is in po/POTFILES.in"))
    for path in names:
        results.append((os.path.exists(os.path.join(srcdir, path)), f"{path} exists"))
    results.append((names == sorted(names), "po/POTFILES.in is sorted"))
    return results


def check_complete(po_files):
    results = []
    for po in po_files:
        out = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, po],
                             capture_output=True, text=True)
        stats = out.stderr.strip()
        ok = out.returncode == 0 and "untranslated" not in stats and "fuzzy" not in stats
        results.append((ok, f"{os.path.basename(po)} is complete ({stats})"))
    return results


def main():
    mode = sys.argv[1]
    results = check_potfiles(sys.argv[2]) if mode == "potfiles" else check_complete(sys.argv[2:])
    for number, (ok, name) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {number} - {name}")
    print(f"1..{len(results)}")
    return 0 if results and all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
