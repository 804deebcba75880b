#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test headless —
# under Xvfb, with a private D-Bus session and a real gnome-keyring daemon that this script
# starts and stops itself. Then the same again in a second build, _build-sanitize beside the first:
# clang with AddressSanitizer and UndefinedBehaviorSanitizer, which also holds the libFuzzer
# targets and runs each for a minute (tests/fuzz). Ends with the line "N passed, N failed",
# summed over both builds.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="${VERIFYDESK_BUILD_DIR:-$top/_build-tests}"
sanitize="$(dirname "$build")/_build-sanitize"

bash "$top/build-aux/install-deps.sh"

bash "$top/build-aux/setup-build.sh" "$build"
ninja -C "$build"

CC=clang bash "$top/build-aux/setup-build.sh" "$sanitize" -Dfuzzing=true \
  -Db_sanitize=address,undefined -Db_lundef=false
ninja -C "$sanitize"

logs=(
  "$build/meson-logs/testlog.json"
  "$sanitize/meson-logs/testlog-sanitize.json"
  "$sanitize/meson-logs/testlog-sanitizeui.json"
  "$sanitize/meson-logs/fuzzlog-sanitize.json"
)
rm -f "${logs[@]}"

# The bus is started OUTSIDE Xvfb: a bus that can see DISPLAY lets gnome-keyring open a
# password prompt on a locked keyring and the test hangs instead of failing
# (headless-testing.md).
set +e
env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS \
  dbus-run-session -- bash "$top/build-aux/test-session.sh" "$build" "$sanitize"
status=$?
set -e

python3 "$top/build-aux/count-tests.py" "${logs[@]}" || status=1
exit $status
