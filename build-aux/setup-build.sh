#!/usr/bin/env bash
# Configures the meson build folder $1 for this source tree, or reconfigures it when it is
# there already. The options after $1 (and CC from the environment) apply to a new folder; a
# folder being reconfigured keeps its own.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$1"
shift

if [ -f "$build/build.ninja" ]; then
  meson setup --reconfigure "$build" "$top" >/dev/null
else
  meson setup "$build" "$top" "$@" >/dev/null
fi
