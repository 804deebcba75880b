#!/usr/bin/env bash
# Inside a private D-Bus session: starts a gnome-keyring daemon with a fresh keyring, then runs
# the test suite under Xvfb, then stops the daemon. Called by run-tests.sh. With a second
# argument, the sanitizer build: its suites run after the first build's, in the same session
# (tests/meson.build has the setups; the fuzzers run last, alone, for their minute each).
set -uo pipefail

build="$1"
sanitize="${2:-}"
scratch=$(mktemp -d)
keyring_pid=""

cleanup() {
  if [ -n "$keyring_pid" ]; then
    kill "$keyring_pid" 2>/dev/null
    wait "$keyring_pid" 2>/dev/null
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT

# A fresh data folder: a stale login keyring with another password would stay locked.
export XDG_DATA_HOME="$scratch/data"
export XDG_CONFIG_HOME="$scratch/config"
export XDG_CACHE_HOME="$scratch/cache"
export XDG_RUNTIME_DIR="$scratch/runtime"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

printf %s "verifydesk-test-keyring" |
  gnome-keyring-daemon --foreground --unlock --components=secrets >"$scratch/keyring.log" 2>&1 &
keyring_pid=$!

for _ in $(seq 1 100); do
  owner=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
            --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null)
  [ "$owner" = "(true,)" ] && break
  sleep 0.1
done
if [ "${owner:-}" != "(true,)" ]; then
  echo "gnome-keyring did not come up on the private bus:" >&2
  cat "$scratch/keyring.log" >&2
  exit 1
fi

run_tests() {
  xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp -noreset" \
    meson test --print-errorlogs --num-processes 2 "$@"
}

status=0
run_tests -C "$build" || status=1
if [ -n "$sanitize" ]; then
  run_tests -C "$sanitize" --setup sanitize --no-suite ui --no-suite fuzz || status=1
  run_tests -C "$sanitize" --setup sanitizeui --suite ui || status=1
  run_tests -C "$sanitize" --setup sanitize --suite fuzz --logbase fuzzlog || status=1
fi
exit $status
