#!/usr/bin/env bash
# Installs the Debian packages Runnel needs, and only those missing; near
# instant when everything is present. Run as root (apt-get) on Debian 12.
#
#   scripts/bootstrap.sh build   compiler, CMake, libraries
#   scripts/bootstrap.sh test    build + GoogleTest, clang (libFuzzer), redis-tools, openssl, Node.js
#   scripts/bootstrap.sh bench   build + Google Benchmark, redis-tools, redis-server, gnuplot-nox
set -euo pipefail

profile="${1:-build}"
packages=(build-essential cmake pkg-config libabsl-dev liburing-dev libxxhash-dev libjemalloc-dev libssl-dev)
case "$profile" in
  build) ;;
  # openssl: the CLI the TLS tests generate their certificates with.
  test) packages+=(libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev redis-tools openssl) ;;
  bench) packages+=(libbenchmark-dev redis-tools redis-server gnuplot-nox) ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js may come from another source than Debian's package; any node >= 18 will do.
if [ "$profile" = test ] && ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: missing packages and not root; run as root or install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # redis-server's package would start a service on port 6379, where
  # runnel-server listens by default: keep it from starting.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod +x "$policy"
    created_policy=1
  fi
  trap '[ "$created_policy" = 1 ] && rm -f "$policy"' EXIT
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
