#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, build/fuzz) and runs each for SECONDS
# from its corpus in tests/fuzz/corpus, new inputs going to a scratch
# directory. Used by scripts/test.sh (briefly) and scripts/soak.sh (long).
# Prints one line per target and, last, "fuzz: N passed, M failed"; exits
# non-zero when anything failed, including the build.
#
#   scripts/fuzz.sh SECONDS
set -uo pipefail
cd "$(dirname "$0")/.."
seconds="${1:?usage: scripts/fuzz.sh SECONDS}"
passed=0
failed=0
if cmake --preset fuzz >/dev/null && cmake --build build/fuzz -j"$(nproc)" >/dev/null; then
  for target in build/fuzz/tests/fuzz/*_fuzz; do
    [ -x "$target" ] || continue
    name=$(basename "$target")
    scratch=$(mktemp -d)
    options=(-max_total_time="$seconds" -print_final_stats=1)
    dict="tests/fuzz/${name%_fuzz}.dict"
    [ -f "$dict" ] && options+=(-dict="$dict")
    # Extra libFuzzer flags of a target, one per line ('#' comments).
    extra="tests/fuzz/${name%_fuzz}.options"
    [ -f "$extra" ] && options+=($(grep -v '^#' "$extra"))
    if "$target" "${options[@]}" "$scratch" "tests/fuzz/corpus/${name%_fuzz}" \
        >"build/fuzz/$name.log" 2>&1; then
      echo "fuzz $name: ok ($(ls "$scratch" | wc -l) new inputs)"
      passed=$((passed + 1))
    else
      echo "fuzz $name: FAILED"; tail -40 "build/fuzz/$name.log"
      failed=$((failed + 1))
    fi
    rm -rf "$scratch"
  done
else
  echo "fuzz build FAILED"
  failed=$((failed + 1))
fi
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
