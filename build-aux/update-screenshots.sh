#!/usr/bin/env bash
# Retakes the AppStream screenshots: runs the test-screenshots UI test under Xvfb (the test
# starts its own D-Bus session and gnome-keyring) and copies the PNGs it writes into
# data/screenshots/, where the metainfo points. Look at each one before committing them.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="${VERIFYDESK_BUILD_DIR:-$top/_build}"

bash "$top/build-aux/install-deps.sh"

bash "$top/build-aux/setup-build.sh" "$build"

shots="$build/tests/screenshots"
rm -f "$shots"/appstream-*.png

# No bus and no display of the caller's: a test that finds either could touch the developer's
# keyring or desktop.
env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS \
  xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp -noreset" \
  meson test -C "$build" test-screenshots --print-errorlogs

mkdir -p "$top/data/screenshots"
for png in "$shots"/appstream-*.png; do
  name=$(basename "$png")
  cp "$png" "$top/data/screenshots/${name#appstream-}"
  echo "data/screenshots/${name#appstream-}"
done
