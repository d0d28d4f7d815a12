#!/usr/bin/env bash
# Side-by-side PING throughput: redis-benchmark -t ping_mbulk at -P 1 and
# -P 16 against runnel-server (io_uring and epoll backends) and Debian's
# redis-server, in one run on this machine, then the ratios.
#
#   bench/compare/ping_vs_redis.sh [requests=1000000] [clients=50] [runs=3]
#
# Each cell is the median requests/second of `runs` runs. Builds the release
# server first; installs redis-server and redis-tools when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
requests="${1:-1000000}"
clients="${2:-50}"
runs="${3:-3}"

scripts/bootstrap.sh bench
cmake --preset release -DRUNNEL_BUILD_TESTS=OFF >/dev/null
cmake --build build/release --target runnel-server -j"$(nproc)" >/dev/null

workdir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT

free_port() {  # a random port that nothing answers on
  while true; do
    local p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}

wait_ready() {
  for _ in $(seq 1 200); do
    redis-cli -p "$1" ping >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "server on port $1 did not start" >&2
  exit 1
}

start_runnel() {  # backend -> port
  local port; port=$(free_port)
  build/release/server/runnel-server --port "$port" --dir "$workdir/runnel-$1" \
    --io-backend "$1" --loglevel warning >"$workdir/runnel-$1.log" 2>&1 &
  pids+=($!)
  wait_ready "$port"
  echo "$port"
}

start_redis() {
  local port; port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$workdir" --daemonize no --loglevel warning >"$workdir/redis.log" 2>&1 &
  pids+=($!)
  wait_ready "$port"
  echo "$port"
}

measure() {  # port pipeline -> median requests/s
  local results=()
  for _ in $(seq 1 "$runs"); do
    local rps
    rps=$(redis-benchmark -p "$1" -t ping_mbulk -n "$requests" -c "$clients" -P "$2" --csv 2>/dev/null \
      | awk -F'","' '/PING_MBULK/ {print $2}' | tr -d '"')
    results+=("${rps%.*}")
  done
  printf '%s\n' "${results[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

declare -A rps
uring_port=$(start_runnel uring)
epoll_port=$(start_runnel epoll)
redis_port=$(start_redis)
for p in 1 16; do
  rps[redis,$p]=$(measure "$redis_port" "$p")
  rps[uring,$p]=$(measure "$uring_port" "$p")
  rps[epoll,$p]=$(measure "$epoll_port" "$p")
done

echo
echo "redis-benchmark -t ping_mbulk -n $requests -c $clients (median of $runs runs, requests/s)"
echo "$(redis-server --version | awk '{print $1, $2, $3}'); $(nproc) cores; $(uname -r)"
printf '%-24s %14s %14s\n' "server" "-P 1" "-P 16"
printf '%-24s %14s %14s\n' "redis-server" "${rps[redis,1]}" "${rps[redis,16]}"
for b in uring epoll; do
  printf '%-24s %14s %14s\n' "runnel-server ($b)" "${rps[$b,1]}" "${rps[$b,16]}"
done
for b in uring epoll; do
  awk -v name="ratio $b/redis" -v a="${rps[$b,1]}" -v b="${rps[redis,1]}" \
      -v c="${rps[$b,16]}" -v d="${rps[redis,16]}" \
      'BEGIN {printf "%-24s %13.2fx %13.2fx\n", name, a / b, c / d}'
done
