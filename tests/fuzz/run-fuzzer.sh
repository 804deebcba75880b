#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time, as the test of suite "fuzz":
#   run-fuzzer.sh FUZZER CORPUS ARTIFACTS [DICTIONARY]
# The committed corpus is copied to a scratch folder first, so a run never grows it. Fails on
# a crash, a broken invariant (__builtin_trap), a leak or a timeout; the input that did it is
# kept in ARTIFACTS and printed in base64, so it can be turned into a regression test.
# VD_FUZZ_SECONDS overrides the time (default 60 s).
set -uo pipefail

fuzzer="$1"
corpus="$2"
artifacts="$3"
dictionary="${4:-}"

# The test setup's slow unwinder (for whole leak stacks) would cost most of the fuzzing time.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=1"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/corpus" "$scratch/artifacts" "$artifacts"
cp -R "$corpus"/. "$scratch/corpus/"

args=(
  -max_total_time="${VD_FUZZ_SECONDS:-60}"
  -timeout=10
  -rss_limit_mb=2048
  -detect_leaks=1
  -print_final_stats=1
  -artifact_prefix="$scratch/artifacts/"
)
if [ -n "$dictionary" ]; then
  args+=(-dict="$dictionary")
fi

"$fuzzer" "${args[@]}" "$scratch/corpus"
status=$?
# libFuzzer's exit status for a crash is 77, which meson reads as "skipped".
if [ "$status" -eq 77 ]; then
  status=1
fi

for found in "$scratch"/artifacts/*; do
  [ -e "$found" ] || continue
  cp "$found" "$artifacts/"
  echo "input that failed ($(basename "$found"), kept in $artifacts):"
  base64 "$found"
  if [ "$status" -eq 0 ]; then status=1; fi
done

exit "$status"
