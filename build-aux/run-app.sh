#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and starts VerifyDesk. On a
# desktop that is the window (in training mode until an AccessKey is configured); without a
# display, the command line's training demo: a sample verification against the built-in
# simulator, then the list of sample customers to try next.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="${VERIFYDESK_BUILD_DIR:-$top/_build}"

bash "$top/build-aux/install-deps.sh"

bash "$top/build-aux/setup-build.sh" "$build"
ninja -C "$build" >/dev/null

# Translations and settings straight from the build folder, so a Chinese desktop gets Chinese
# and nothing needs installing.
export VERIFYDESK_LOCALEDIR="$build/po"
export GSETTINGS_SCHEMA_DIR="$build/data"
cli="$build/src/cli/verifydesk-cli"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$build/src/ui/verifydesk"
fi

set +e
"$cli" verify --training --name 张三 --id-number 11010519491231002X \
  --face-url https://example.com/face.jpg \
  --front-url https://example.com/card-front.jpg --back-url https://example.com/card-back.jpg
status=$?
set -e
echo
"$cli" samples
echo
echo "$cli verify --training --name NAME --id-number NUMBER --face-url URL   # try one"
exit $status
