#!/usr/bin/env bash
# Side-by-side stream command throughput: redis-benchmark (50 clients)
# against runnel-server and Debian's redis-server in one run, alternating
# which goes first, then the ratios Runnel/Redis.
#
#   bench/compare/stream_commands_vs_redis.sh [requests=200000] [fill=1000000]
#
# Workloads, each on freshly started servers with fresh temporary data dirs:
#   XADD s * f <100 B>   at -P 1 and -P 16, for appendfsync always and
#                        everysec on both sides (Redis with appendonly yes);
#   XRANGE s - + COUNT 100 over a stream pre-filled with `fill` entries of
#                        one 100-byte field by redis-benchmark (10 clients,
#                        -P 100; appendfsync everysec), and each
#                        server's VmRSS (and its anonymous part, RssAnon) per
#                        million entries after the fill.
# With 2 or more cores the servers run on CPU 0 and redis-benchmark on the
# others (taskset), so neither steals the other's core.
# Builds the release server in build/release first. Data dirs go under
# $RUNNEL_BENCH_DIR (default /tmp), which must be on a real disk: fsync
# cost is the point of the "always" rows.
set -euo pipefail
cd "$(dirname "$0")/../.."
requests="${1:-200000}"
fill="${2:-1000000}"
clients=50

cmake --preset release -DRUNNEL_BUILD_TESTS=OFF >/dev/null
cmake --build build/release --target runnel-server -j"$(nproc)" >/dev/null
. bench/compare/server_helpers.sh  # the scripts run from the repository root
bench_workdir stream-commands
choose_cpus

payload=$(printf 'p%.0s' $(seq 1 100))  # 100 bytes

ticks_per_second=$(getconf CLK_TCK)

rps() {  # port pipeline command... -> requests/second (redis-benchmark --csv)
  local port=$1 pipeline=$2
  shift 2
  on_client_cpus redis-benchmark -p "$port" -c "$clients" -n "$requests" -P "$pipeline" --csv "$@" 2>/dev/null |
    awk -F'"' 'NR == 2 {printf "%.0f", $4}'
}

# Resident memory (rss_kb): all of it (VmRSS), and the anonymous part (heap,
# RssAnon) apart from mapped files (Runnel's segments are mappings, so their
# pages in the page cache count in its VmRSS once touched).

per_million() {  # after_kb before_kb -> MiB per million filled entries
  awk -v a="$1" -v b="$2" -v n="$fill" 'BEGIN {printf "%.1f", (a - b) / 1024 / (n / 1e6)}'
}

rows=()
case_number=0
measure() {  # label fsync pipeline fill(yes|no) command...
  local label=$1 fsync=$2 pipeline=$3 prefill=$4
  shift 4
  local order=(runnel redis) name port pid before after before_anon after_anon
  case_number=$((case_number + 1))
  [ $((case_number % 2)) -eq 0 ] && order=(redis runnel)
  declare -A result cpu
  for name in "${order[@]}"; do
    read -r port pid < <(start_server "$name" "$fsync")
    pin_server "$pid"
    if [ "$prefill" = yes ]; then
      before=$(rss_kb "$pid" VmRSS)
      before_anon=$(rss_kb "$pid" RssAnon)
      # Bounded pipelining (10 clients x 100): a single --pipe burst would
      # leave the input buffer's high-water mark in the heap and in RssAnon.
      redis-benchmark -p "$port" -c 10 -n "$fill" -P 100 -q XADD s '*' payload "$payload" \
        >"$workdir/fill-$name.log" 2>&1
      local held; held=$(redis-cli -p "$port" xlen s)
      [ "$held" = "$fill" ] || { echo "$name holds $held entries, not $fill" >&2; cat "$workdir/fill-$name.log" >&2; exit 1; }
      after=$(rss_kb "$pid" VmRSS)
      after_anon=$(rss_kb "$pid" RssAnon)
      memory+=("| $name | $((before / 1024)) | $((after / 1024)) | $(per_million "$after" "$before") \
| $(per_million "$after_anon" "$before_anon") |")
    fi
    local ticks_before; ticks_before=$(cpu_ticks "$pid")
    result[$name]=$(rps "$port" "$pipeline" "$@")
    # Server CPU per request: on a small machine the benchmark client is
    # often the bottleneck, and then this, not req/s, shows the server's cost.
    cpu[$name]=$(awk -v t="$(( $(cpu_ticks "$pid") - ticks_before ))" -v hz="$ticks_per_second" -v n="$requests" \
      'BEGIN {printf "%.2f", t / hz * 1e6 / n}')
    stop_server "$pid"
  done
  rows+=("| $label | $fsync | $pipeline | ${result[runnel]} | ${result[redis]} | $(awk -v a="${result[runnel]}" \
    -v b="${result[redis]}" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}') | ${cpu[runnel]} | ${cpu[redis]} \
| $(awk -v a="${cpu[runnel]}" -v b="${cpu[redis]}" 'BEGIN {printf "%.2f", (a > 0 ? b / a : 0)}') |")
}

memory=()
for fsync in always everysec; do
  for pipeline in 1 16; do
    measure "XADD s * f <100 B>" "$fsync" "$pipeline" no XADD s '*' f "$payload"
  done
done
measure "XRANGE s - + COUNT 100 ($fill entries)" everysec 1 yes XRANGE s - + COUNT 100

echo
echo "redis-benchmark, $clients clients, $requests requests per cell; $(redis-server --version | awk '{print $1, $2, $3}');"
echo "$(nproc) cores; $(uname -r); data under ${RUNNEL_BENCH_DIR:-/tmp}; servers on CPU ${server_cpus:-any}, redis-benchmark on CPU ${client_cpus:-any}"
echo
echo "| workload | appendfsync | -P | Runnel req/s | Redis req/s | Runnel/Redis | Runnel CPU µs/req | Redis CPU µs/req | Redis/Runnel CPU |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Resident memory (VmRSS) before and after filling one stream with $fill entries of 100 bytes."
echo "Runnel's VmRSS includes the page cache of its mapped segments (reclaimable file pages);"
echo "its RssAnon growth is mostly fixed (buffers, allocator arenas), so small fills overstate it."
echo
echo "| server | VmRSS before (MiB) | VmRSS after (MiB) | VmRSS MiB per million entries | RssAnon MiB per million entries |"
echo "|---|---|---|---|---|"
printf '%s\n' "${memory[@]}"
