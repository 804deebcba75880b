#!/usr/bin/env python3
"""Checks offline what can be checked of the Flatpak manifest.

  check-flatpak.py SRCDIR APP_ID

- flatpak-builder 1.2.3 reads the manifest without a warning (G_DEBUG=fatal-warnings turns its
  "Unknown property" warnings into a crash);
- the finish-args are exactly the five the app needs, and no D-Bus name is talked to or owned:
  libsecret reaches the keyring through the secret portal;
- the app ID is the same in the manifest, the metainfo (id and launchable), the desktop file's
  name, the D-Bus service, the icons' file names and the GSettings schema;
- the module runs the tests that can run inside flatpak-builder (see README, "Building the
  Flatpak"): its test rule is a target the build defines.

Prints TAP."""

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from tap_report import report

ALLOWED_FINISH_ARGS = ["--share=network", "--share=ipc", "--socket=wayland",
                       "--socket=fallback-x11", "--device=dri"]


def show_manifest(path):
    flatpak_builder = shutil.which("flatpak-builder")
    if flatpak_builder is None:
        return None, "flatpak-builder is not installed: run build-aux/install-deps.sh"
    env = dict(os.environ, G_DEBUG="fatal-warnings")
    # It keeps a .flatpak-builder state folder in its working folder: not in the sources.
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run([flatpak_builder, "--show-manifest", path], env=env,
                                capture_output=True, text=True, cwd=scratch)
    if result.returncode != 0 or result.stderr.strip():
        return None, result.stderr.strip() or f"exit status {result.returncode}"
    return json.loads(result.stdout), ""


def desktop_entry(path):
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser


def check(srcdir, app_id):
    results = []
    data = os.path.join(srcdir, "data")
    manifest_path = os.path.join(srcdir, "flatpak", f"{app_id}.json")

    manifest, diagnostics = show_manifest(manifest_path)
    results.append((manifest is not None,
                    "flatpak-builder --show-manifest reads the manifest without a warning"))
    for line in diagnostics.splitlines():
        print(f"# {line}")
    if manifest is None:
        return results

    results.append((manifest.get("id") == app_id, f"the manifest's id is {app_id}"))
    results.append((manifest.get("runtime") == "org.gnome.Platform"
                    and manifest.get("sdk") == "org.gnome.Sdk",
                    "the runtime is org.gnome.Platform with org.gnome.Sdk"))
    results.append((manifest.get("command") == "verifydesk", "the command is verifydesk"))

    finish_args = manifest.get("finish-args", [])
    results.append((sorted(finish_args) == sorted(ALLOWED_FINISH_ARGS),
                    f"the finish-args are exactly {' '.join(ALLOWED_FINISH_ARGS)}"))
    results.append((not any(arg.startswith(("--talk-name", "--own-name", "--system-talk-name"))
                            for arg in finish_args), "no D-Bus name is talked to or owned"))

    modules = [m for m in manifest.get("modules", []) if isinstance(m, dict)]
    app_module = modules[-1] if modules else {}
    results.append((app_module.get("buildsystem") == "meson"
                    and app_module.get("run-tests") is True,
                    "the app's module is built with meson and runs its tests"))
    with open(os.path.join(srcdir, "meson.build"), encoding="utf-8") as f:
        targets = re.findall(r"run_target\('([^']+)'", f.read())
    test_rule = app_module.get("test-rule")
    results.append((test_rule in targets,
                    f"the test rule “{test_rule}” is a run_target of meson.build"))
    results.append((bool(manifest.get("cleanup")), "the manifest has a cleanup list"))

    metainfo = ET.parse(os.path.join(data, f"{app_id}.metainfo.xml.in")).getroot()
    results.append((metainfo.findtext("id") == app_id, "the metainfo's id is the app ID"))
    results.append((metainfo.findtext("launchable") == f"{app_id}.desktop",
                    "the metainfo's launchable is the app ID's desktop file"))

    desktop_path = os.path.join(data, f"{app_id}.desktop.in")
    results.append((os.path.isfile(desktop_path), f"data/{app_id}.desktop.in exists"))
    if os.path.isfile(desktop_path):
        entry = desktop_entry(desktop_path)["Desktop Entry"]
        results.append((entry.get("Icon") == app_id, "the desktop file's icon is the app ID"))
        results.append((entry.get("Exec", "").split()[0] == manifest.get("command"),
                        "the desktop file runs the manifest's command"))

    service_path = os.path.join(data, f"{app_id}.service.in")
    results.append((os.path.isfile(service_path)
                    and f"Name={app_id}\n" in open(service_path, encoding="utf-8").read(),
                    "the D-Bus service is named after the app ID"))

    for icon in (f"scalable/apps/{app_id}.svg", f"symbolic/apps/{app_id}-symbolic.svg"):
        results.append((os.path.isfile(os.path.join(data, "icons", "hicolor", icon)),
                        f"the icon hicolor/{icon} exists"))

    schema = ET.parse(os.path.join(data, f"{app_id}.gschema.xml")).getroot().find("schema")
    results.append((schema is not None and schema.get("id") == app_id
                    and schema.get("path") == "/" + app_id.replace(".", "/") + "/",
                    "the GSettings schema's id and path are the app ID's"))
    return results


def main():
    return report(check(sys.argv[1], sys.argv[2]))


if __name__ == "__main__":
    sys.exit(main())
