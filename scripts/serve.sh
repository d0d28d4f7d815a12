#!/usr/bin/env bash
# Builds runnel-server (release) and starts it in the foreground on
# 127.0.0.1:6379 with its data in ./data. Extra arguments go to the server:
#   scripts/serve.sh --port 6380 --io-backend epoll
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh build
cmake --preset release -DRUNNEL_BUILD_TESTS=OFF -DRUNNEL_BUILD_BENCH=OFF >/dev/null
cmake --build build/release --target runnel-server runnel-check -j"$(nproc)"
exec build/release/server/runnel-server "$@"
