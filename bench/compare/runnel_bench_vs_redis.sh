#!/usr/bin/env bash
# The same runnel-bench workloads against runnel-server and redis-server,
# side by side (issue #8): both servers with the same durability (AOF /
# stream logs, appendfsync POLICY), each workload run on one server then the
# other, alternating which goes first, and a table of the figures and their
# ratios (Runnel / Redis) in Markdown.
#
#   bench/compare/runnel_bench_vs_redis.sh [seconds=5] [policies="everysec"] [runs=1]
#
# policies: any of always, everysec, no. Each cell is the median of `runs`.
# With 2 cores or more the servers are pinned to CPU 0 and runnel-bench to
# the others. A workload a server refuses (cache before Runnel has GET/SET)
# shows "n/a". Writing docs/benchmarks.md and gnuplot plots from these
# figures is a later step.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-5}"
policies="${2:-everysec}"
runs="${3:-1}"
cmake --preset release -DRUNNEL_BUILD_TESTS=OFF >/dev/null
cmake --build build/release --target runnel-server runnel-bench -j2 >/tmp/runnel-bench-vs-redis-build.log 2>&1 ||
  { cat /tmp/runnel-bench-vs-redis-build.log; exit 1; }
. bench/compare/server_helpers.sh  # the scripts run from the repository root
bench_workdir runnel-bench-vs-redis
bench=build/release/tools/runnel_bench/runnel-bench

server_cpus="" client_cpus=""
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  server_cpus=0
  client_cpus=$([ "$(nproc)" = 2 ] && echo 1 || echo "1-$(($(nproc) - 1))")
fi

# name|arguments: the workloads, each run for $seconds after 1 s of warm-up
# (a consume run measures the whole drain: no warm-up).
workloads=(
  "produce P1|produce --connections 50 --pipeline 1"
  "produce P16|produce --connections 50 --pipeline 16"
  "produce 4 KiB|produce --connections 50 --size 4096"
  "consume|consume --prefill 500000 --consumers 4 --count 100 --warmup 0"
  "e2e 5k/s|e2e --connections 10 --consumers 2 --rate 5000"
  "pubsub 10 subs|pubsub --connections 20 --subscribers 10"
  "cache zipf|cache --distribution zipf --keys 100000"
)

# run_bench PORT ARGS -> the JSON line, or nothing when the server refused.
run_bench() {
  local pin=()
  [ -n "$client_cpus" ] && pin=(taskset -c "$client_cpus")
  # shellcheck disable=SC2086
  "${pin[@]}" "$bench" ${2%% *} --port "$1" --duration "$seconds" --warmup 1 --json ${2#* } 2>"$workdir/bench.err" ||
    { sed 's/^/    /' "$workdir/bench.err" >&2; true; }
}

# metric JSON -> "throughput p50_us p99_us" (deliveries where the workload
# delivers, else requests; delivery latency where there is one).
metrics() {
  python3 -c '
import json, sys
r = json.loads(sys.argv[1])
d = r["delivery_latency"] if r["delivery_latency"]["count"] else r["request_latency"]
rate = r["deliveries_per_s"] if r["deliveries"] else r["requests_per_s"]
print("%.0f %.1f %.1f" % (rate, d["p50_us"], d["p99_us"]))' "$1"
}

# The file collecting one cell's runs (workload names may hold "/" and spaces).
cell_file() { echo "$workdir/$(printf '%s' "$1" | tr -c 'A-Za-z0-9-' _)"; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "n/a"}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.2f", a / b}'; }

declare -A cell
for policy in $policies; do
  read -r runnel_port runnel_pid < <(start_server runnel "$policy")
  read -r redis_port redis_pid < <(start_server redis "$policy")
  if [ -n "$server_cpus" ]; then
    taskset -a -pc "$server_cpus" "$runnel_pid" >/dev/null
    taskset -a -pc "$server_cpus" "$redis_pid" >/dev/null
  fi
  for entry in "${workloads[@]}"; do
    name="${entry%%|*}" args="${entry#*|}"
    for run in $(seq 1 "$runs"); do
      order="runnel redis"
      [ $((run % 2)) = 0 ] && order="redis runnel"
      for server in $order; do
        port=$([ "$server" = runnel ] && echo "$runnel_port" || echo "$redis_port")
        echo "$policy $name: $server, run $run" >&2
        json=$(run_bench "$port" "$args")
        file=$(cell_file "$policy-$name-$server")
        touch "$file"
        [ -n "$json" ] && metrics "$json" >>"$file"
      done
    done
    for server in runnel redis; do
      for column in 1 2 3; do
        cell[$policy,$name,$server,$column]=$(awk -v c="$column" '{print $c}' "$(cell_file "$policy-$name-$server")" | median)
      done
    done
  done
  stop_server "$runnel_pid"
  stop_server "$redis_pid"
done

echo
echo "runnel-bench, ${seconds} s per run after 1 s of warm-up, median of $runs; $(redis-server --version | awk '{print $1, $2, $3}');"
echo "$(nproc) cores$([ -n "$server_cpus" ] && echo ", servers on CPU $server_cpus, runnel-bench on CPU $client_cpus"); $(uname -r)"
echo
echo "| appendfsync | workload | Runnel /s | Redis /s | ratio | Runnel p50 us | Redis p50 us | Runnel p99 us | Redis p99 us | p99 ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for policy in $policies; do
  for entry in "${workloads[@]}"; do
    name="${entry%%|*}"
    r1=${cell[$policy,$name,runnel,1]} s1=${cell[$policy,$name,redis,1]}
    r2=${cell[$policy,$name,runnel,2]} s2=${cell[$policy,$name,redis,2]}
    r3=${cell[$policy,$name,runnel,3]} s3=${cell[$policy,$name,redis,3]}
    echo "| $policy | $name | $r1 | $s1 | $(ratio "$r1" "$s1") | $r2 | $s2 | $r3 | $s3 | $(ratio "$r3" "$s3") |"
  done
done
echo
echo "(throughput: entries or messages delivered per second where the workload delivers, else requests per second;"
echo " latency: delivery latency for e2e and pubsub, else request latency; a p99 ratio below 1 means Runnel is faster)"
