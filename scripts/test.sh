#!/usr/bin/env bash
# Builds and runs the whole test suite:
#   1. unit and integration tests under ASan+UBSan, the integration tests
#      once per io backend (uring, epoll), plus the client-library tests
#      (redis-cli, redis-benchmark, ioredis) — all through CTest;
#   2. a short libFuzzer run of every fuzz target (clang).
# Prints "N passed, M failed" last; exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)
fuzz_seconds="${RUNNEL_FUZZ_SECONDS:-15}"

scripts/bootstrap.sh test || exit 1

echo "== npm install (tests/compat)"
(cd tests/compat && npm install --no-audit --no-fund --loglevel=error) || exit 1

echo "== build (asan)"
cmake --preset asan >/dev/null || exit 1
cmake --build build/asan -j"$jobs" || exit 1

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
passed=0
failed=0

echo "== ctest (unit, integration, crash, compat)"
ctest --test-dir build/asan --output-on-failure -j"$jobs" --timeout 300 | tee build/asan/ctest.log
summary=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" build/asan/ctest.log | tail -1)
if [ -z "$summary" ]; then
  echo "ctest printed no summary"
  failed=$((failed + 1))
else
  total=$(echo "$summary" | sed -E 's/.* out of ([0-9]+).*/\1/')
  bad=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests? failed.*/\1/')
  passed=$((passed + total - bad))
  failed=$((failed + bad))
fi

echo "== fuzz (${fuzz_seconds}s per target)"
scripts/fuzz.sh "$fuzz_seconds" | tee build/fuzz.log
counts=$(grep -E "^fuzz: [0-9]+ passed, [0-9]+ failed" build/fuzz.log | tail -1)
if [ -z "$counts" ]; then
  failed=$((failed + 1))
else
  passed=$((passed + $(echo "$counts" | sed -E 's/fuzz: ([0-9]+) passed.*/\1/')))
  failed=$((failed + $(echo "$counts" | sed -E 's/.* ([0-9]+) failed/\1/')))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
