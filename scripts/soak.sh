#!/usr/bin/env bash
# The long versions of the crash and fuzz tests that scripts/test.sh runs
# briefly (issue #9). Builds the ASan and fuzz trees as the test command
# does, then:
#   1. the consumer-group SIGKILL test, RUNNEL_CRASH_CYCLES kills per io
#      backend (default 50);
#   2. every libFuzzer target for RUNNEL_FUZZ_SECONDS each (default 600),
#      growing its corpus in a scratch directory.
# Prints "N passed, M failed" last; exits non-zero when anything failed.
#
#   scripts/soak.sh                                  # about 30 minutes
#   RUNNEL_CRASH_CYCLES=200 RUNNEL_FUZZ_SECONDS=3600 scripts/soak.sh
set -uo pipefail
cd "$(dirname "$0")/.."
cycles="${RUNNEL_CRASH_CYCLES:-50}"
fuzz_seconds="${RUNNEL_FUZZ_SECONDS:-600}"
jobs=$(nproc)

scripts/bootstrap.sh test || exit 1
cmake --preset asan >/dev/null && cmake --build build/asan -j"$jobs" --target group_kill_test runnel-server || exit 1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
passed=0
failed=0

echo "== group_kill_test: $cycles SIGKILLs per backend"
if RUNNEL_CRASH_CYCLES="$cycles" build/asan/tests/crash/group_kill_test; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

echo "== fuzz (${fuzz_seconds}s per target)"
if scripts/fuzz.sh "$fuzz_seconds"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
