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
# Servers start inside $(...) subshells, so their pids go to a file.
cleanup() {
  [ -f "$workdir/pids" ] && xargs -r kill <"$workdir/pids" 2>/dev/null || true
  sleep 0.2
  rm -rf "$workdir"
}
trap cleanup EXIT

. bench/compare/server_helpers.sh  # the scripts run from the repository root

start_runnel() {  # backend -> "port pid"
  local port; port=$(free_port)
  build/release/server/runnel-server --port "$port" --dir "$workdir/runnel-$1" \
    --io-backend "$1" --loglevel warning >"$workdir/runnel-$1.log" 2>&1 &
  echo $! >>"$workdir/pids"
  wait_ready "$port"
  echo "$port $!"
}

start_redis() {  # -> "port pid"
  local port; port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$workdir" --daemonize no --loglevel warning >"$workdir/redis.log" 2>&1 &
  echo $! >>"$workdir/pids"
  wait_ready "$port"
  echo "$port $!"
}

cpu_ticks() {  # utime + stime of a process, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# Median requests/s of `runs` runs, and the server's CPU time per request
# (microseconds) over all of them: the client shares the machine and is
# often the bottleneck, so CPU per request shows the server's own cost.
measure() {  # port pid pipeline -> "rps cpu_us_per_request"
  local results=() start end
  start=$(cpu_ticks "$2")
  for _ in $(seq 1 "$runs"); do
    local rps
    rps=$(redis-benchmark -p "$1" -t ping_mbulk -n "$requests" -c "$clients" -P "$3" --csv 2>/dev/null \
      | awk -F'","' '/PING_MBULK/ {print $2}' | tr -d '"')
    results+=("${rps%.*}")
  done
  end=$(cpu_ticks "$2")
  local median
  median=$(printf '%s\n' "${results[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  awk -v m="$median" -v t=$((end - start)) -v hz="$(getconf CLK_TCK)" -v n=$((requests * runs)) \
    'BEGIN {printf "%s %.2f\n", m, t / hz * 1e6 / n}'
}

declare -A rps cpu pid port
read -r port[uring] pid[uring] < <(start_runnel uring)
read -r port[epoll] pid[epoll] < <(start_runnel epoll)
read -r port[redis] pid[redis] < <(start_redis)
for p in 1 16; do
  for s in redis uring epoll; do
    read -r rps[$s,$p] cpu[$s,$p] < <(measure "${port[$s]}" "${pid[$s]}" "$p")
  done
done

echo
echo "redis-benchmark -t ping_mbulk -n $requests -c $clients (median of $runs runs)"
echo "$(redis-server --version | awk '{print $1, $2, $3}'); $(nproc) cores; $(uname -r)"
printf '%-22s %12s %12s %14s %14s\n' "server" "req/s -P 1" "req/s -P 16" "CPU us/req P1" "CPU us/req P16"
for s in redis uring epoll; do
  name=$([ "$s" = redis ] && echo "redis-server" || echo "runnel-server ($s)")
  printf '%-22s %12s %12s %14s %14s\n' "$name" "${rps[$s,1]}" "${rps[$s,16]}" "${cpu[$s,1]}" "${cpu[$s,16]}"
done
for s in uring epoll; do
  awk -v name="ratio $s/redis" -v a="${rps[$s,1]}" -v b="${rps[redis,1]}" \
      -v c="${rps[$s,16]}" -v d="${rps[redis,16]}" -v e="${cpu[redis,1]}" -v f="${cpu[$s,1]}" \
      -v g="${cpu[redis,16]}" -v h="${cpu[$s,16]}" \
      'BEGIN {printf "%-22s %11.2fx %11.2fx %13.2fx %13.2fx\n", name, a / b, c / d, e / f, g / h}'
done
echo "(CPU ratios are redis/runnel: above 1 means runnel spends less CPU per request)"
