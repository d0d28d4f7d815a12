#!/usr/bin/env bash
# PUBLISH throughput and fan-out, side by side (issue #6): runnel-server
# (release build) and redis-server, measured by runnel-bench's pubsub
# workload (docs/runnel-bench.md) with the servers on CPU 0 and the client
# on the other cores.
#
#   bench/compare/pubsub_vs_redis.sh [runs=3] [seconds=5] [payload_bytes=64]
#
# For 0, 1, 10 and 100 subscribers of one channel, 20 publisher connections
# each pipelining 16 PUBLISH; each run starts both servers afresh (no AOF
# for Redis: pub/sub touches no disk on either) and alternates which goes
# first. Prints the medians of PUBLISH/s and of messages delivered per second
# (all subscribers together, counted by the client as they arrive), the
# ratios Runnel/Redis, and each side's CPU use: the server's CPU time per
# message delivered (per PUBLISH with no subscriber) over the whole run, and
# runnel-bench's share of its core. A client near 100% is the bottleneck,
# and then the servers' CPU cost, not the rates, tells them apart.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-3}"
seconds="${2:-5}"
payload_bytes="${3:-64}"
. bench/compare/server_helpers.sh  # the scripts run from the repository root
bench_workdir pubsub
choose_cpus
[ -f build/release/CMakeCache.txt ] || cmake --preset release -DRUNNEL_BUILD_TESTS=OFF >/dev/null
cmake --build build/release --target runnel-server runnel-bench -j"$(nproc)" >"$workdir/build.log" 2>&1 ||
  { cat "$workdir/build.log"; exit 1; }
bench=build/release/tools/runnel_bench/runnel-bench

# measure NAME SUBSCRIBERS RUN: one runnel-bench run; its JSON goes to a
# file, the server's CPU ticks over the run to another.
measure() {
  local port pid ticks
  read -r port pid < <(start_server "$1" none)
  pin_server "$pid"
  ticks=$(cpu_ticks "$pid")
  on_client_cpus "$bench" pubsub --port "$port" --connections 20 --pipeline 16 --subscribers "$2" \
    --size "$payload_bytes" --duration "$seconds" --warmup 1 --json >"$workdir/$1-$2-$3.json" 2>/dev/null
  echo $(($(cpu_ticks "$pid") - ticks)) >"$workdir/$1-$2-$3.ticks"
  stop_server "$pid"
}
ticks_per_second=$(getconf CLK_TCK)

# server_us_per_message FILE_PREFIX: CPU µs per message (delivered, or published with none delivered).
server_us_per_message() {
  python3 - "$1" "$ticks_per_second" <<'PY'
import json, sys
run = json.load(open(sys.argv[1] + ".json"))
ticks = int(open(sys.argv[1] + ".ticks").read())
# The server also ran through the warm-up second: count its messages too.
seconds = run["measured_s"] + run["warmup_s"]
messages = (run["deliveries_per_s"] or run["requests_per_s"]) * seconds
print(f"{ticks / int(sys.argv[2]) * 1e6 / messages:.3f}" if messages else "0")
PY
}

field() { python3 -c 'import json, sys; print(round(json.load(open(sys.argv[1]))[sys.argv[2]]))' "$1" "$2"; }
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }

for run in $(seq 1 "$runs"); do
  order=(runnel redis)
  [ $((run % 2)) -eq 0 ] && order=(redis runnel)
  for subs in 0 1 10 100; do
    for name in "${order[@]}"; do
      echo "run $run/$runs, $subs subscribers: $name" >&2
      measure "$name" "$subs" "$run"
    done
  done
done

declare -A publish deliver cpu client
for name in runnel redis; do
  for subs in 0 1 10 100; do
    publish[$name,$subs]=$(for f in "$workdir/$name-$subs"-*.json; do field "$f" requests_per_s; done | median)
    deliver[$name,$subs]=$(for f in "$workdir/$name-$subs"-*.json; do field "$f" deliveries_per_s; done | median)
    cpu[$name,$subs]=$(for f in "$workdir/$name-$subs"-*.json; do server_us_per_message "${f%.json}"; done | median)
    client[$name,$subs]=$(for f in "$workdir/$name-$subs"-*.json; do field "$f" cpu_percent_of_one_core; done | median)
  done
done

echo
echo "runnel-bench pubsub, 20 publishers x pipeline 16, $payload_bytes B messages, ${seconds} s after 1 s of warm-up,"
echo "median of $runs runs; $(redis-server --version | awk '{print $1, $2, $3}'); $(nproc) cores; $(uname -r);"
echo "servers on CPU ${server_cpus:-any}, runnel-bench on CPU ${client_cpus:-any}"
echo
echo "| subscribers | Runnel PUBLISH/s | Redis PUBLISH/s | ratio | Runnel delivered/s | Redis delivered/s | ratio \
| Runnel server CPU µs/msg | Redis server CPU µs/msg | Redis/Runnel CPU | client CPU % (Runnel, Redis) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for subs in 0 1 10 100; do
  echo "| $subs | ${publish[runnel,$subs]} | ${publish[redis,$subs]} | $(ratio "${publish[runnel,$subs]}" "${publish[redis,$subs]}") \
| ${deliver[runnel,$subs]} | ${deliver[redis,$subs]} | $(ratio "${deliver[runnel,$subs]}" "${deliver[redis,$subs]}") \
| ${cpu[runnel,$subs]} | ${cpu[redis,$subs]} | $(ratio "${cpu[redis,$subs]}" "${cpu[runnel,$subs]}") \
| ${client[runnel,$subs]}, ${client[redis,$subs]} |"
done
