#!/usr/bin/env python3
"""Checks that translation is complete.

  check-translations.py potfiles SRCDIR   every source file with translatable strings is listed in
                                          po/POTFILES.in, and every listed file exists
  check-translations.py complete SRCDIR   po/zh_CN.po, merged with the strings the sources have
                                          now, has no untranslated or fuzzy message

Prints TAP, so each problem is reported by name."""

import os
import re
import subprocess
import sys
import tempfile

from tap_report import report

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


# The same keywords as meson's "glib" gettext preset.
XGETTEXT_KEYWORDS = ["--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
                     "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3",
                     "--keyword=g_dpgettext2:2c,3", "--flag=N_:1:pass-c-format",
                     "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
                     "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
                     "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
                     "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
                     "--flag=g_markup_printf_escaped:1:c-format"]


def check_complete(srcdir):
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        pot = os.path.join(scratch, "verifydesk.pot")
        subprocess.run(["xgettext", "--from-code=UTF-8", "--add-comments=TRANSLATORS",
                        f"--directory={srcdir}", f"--files-from={os.path.join(srcdir, 'po', 'POTFILES.in')}",
                        "-o", pot, *XGETTEXT_KEYWORDS], check=True, capture_output=True)
        for lingua in open(os.path.join(srcdir, "po", "LINGUAS"), encoding="utf-8").read().split():
            po = os.path.join(srcdir, "po", f"{lingua}.po")
            merged = os.path.join(scratch, f"{lingua}.po")
            subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", merged, po, pot],
                           check=True, capture_output=True)
            out = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, merged],
                                 capture_output=True, text=True)
            stats = out.stderr.strip().splitlines()[-1] if out.stderr.strip() else ""
            ok = out.returncode == 0 and "untranslated" not in stats and "fuzzy" not in stats
            results.append((ok, f"{lingua}.po is complete ({stats})"))
            if out.returncode != 0:
                for line in out.stderr.strip().splitlines()[:20]:
                    print(f"# {line}")
    return results


def main():
    mode, path = sys.argv[1], sys.argv[2]
    return report(check_potfiles(path) if mode == "potfiles" else check_complete(path))


if __name__ == "__main__":
    sys.exit(main())
