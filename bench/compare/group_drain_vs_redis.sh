#!/usr/bin/env bash
# Consumer-group drain rate, side by side (issue #5): runnel-server and
# Debian's redis-server in one run, one after the other.
#
#   bench/compare/group_drain_vs_redis.sh [entries=1000000] [fsync=everysec]
#
# For each server, freshly started on a fresh data dir (Redis with
# appendonly yes and the same appendfsync):
#   1. fill stream s with `entries` entries of one 100-byte field
#      (redis-benchmark, 10 clients, -P 100);
#   2. for 1 and 4 consumers: XGROUP CREATE s g 0, then bench/group_drain
#      drains it (XACK of a batch pipelined with the next XREADGROUP COUNT
#      100) until empty; entries/s and the server's CPU per entry;
#   3. memory per pending entry: the group afresh, its one consumer reading
#      everything without acknowledging (COUNT 1000), so `entries` entries
#      are pending; the growth of the server's anonymous RSS (RssAnon)
#      divided by `entries`.
# Builds the release server and the client in build/release first.
set -euo pipefail
cd "$(dirname "$0")/../.."
entries="${1:-1000000}"
fsync="${2:-everysec}"

cmake --preset release -DRUNNEL_BUILD_TESTS=OFF >/dev/null
cmake --build build/release --target runnel-server group_drain -j"$(nproc)" >/tmp/group-drain-build.log 2>&1 ||
  { cat /tmp/group-drain-build.log; exit 1; }
drain=build/release/bench/group_drain
. bench/compare/server_helpers.sh  # the scripts run from the repository root
bench_workdir group-drain

payload=$(printf 'p%.0s' $(seq 1 100))

hz=$(getconf CLK_TCK)

declare -A rate cpu pel_bytes
order=(runnel redis)
for name in "${order[@]}"; do
  read -r port pid < <(start_server "$name" "$fsync")
  redis-benchmark -p "$port" -c 10 -n "$entries" -P 100 -q XADD s '*' payload "$payload" >/dev/null 2>&1
  held=$(redis-cli -p "$port" xlen s)
  [ "$held" = "$entries" ] || { echo "$name holds $held entries, not $entries" >&2; exit 1; }
  for consumers in 1 4; do
    redis-cli -p "$port" xgroup destroy s g >/dev/null
    redis-cli -p "$port" xgroup create s g 0 >/dev/null
    ticks=$(cpu_ticks "$pid")
    read -r _ drained _ per_second < <("$drain" "$port" "$consumers" 100 ack)
    [ "$drained" = "$entries" ] || { echo "$name drained $drained of $entries" >&2; exit 1; }
    rate[$name,$consumers]=$per_second
    cpu[$name,$consumers]=$(awk -v t="$(( $(cpu_ticks "$pid") - ticks ))" -v hz="$hz" -v n="$entries" \
      'BEGIN {printf "%.2f", t / hz * 1e6 / n}')
  done
  redis-cli -p "$port" xgroup destroy s g >/dev/null
  redis-cli -p "$port" xgroup create s g 0 >/dev/null
  before=$(rss_kb "$pid" RssAnon)
  "$drain" "$port" 1 1000 pend >/dev/null
  pending=$(redis-cli -p "$port" xpending s g | head -1)
  [ "$pending" = "$entries" ] || { echo "$name has $pending pending, not $entries" >&2; exit 1; }
  after=$(rss_kb "$pid" RssAnon)
  pel_bytes[$name]=$(awk -v a="$after" -v b="$before" -v n="$entries" 'BEGIN {printf "%.1f", (a - b) * 1024 / n}')
  stop_server "$pid"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
echo
echo "group_drain, $entries entries of 100 B, appendfsync $fsync; $(redis-server --version | awk '{print $1, $2, $3}');"
echo "$(nproc) cores; $(uname -r); data under ${RUNNEL_BENCH_DIR:-/tmp}"
echo
echo "| consumers | Runnel entries/s | Redis entries/s | Runnel/Redis | Runnel CPU µs/entry | Redis CPU µs/entry |"
echo "|---|---|---|---|---|---|"
for consumers in 1 4; do
  echo "| $consumers | ${rate[runnel,$consumers]} | ${rate[redis,$consumers]} \
| $(ratio "${rate[runnel,$consumers]}" "${rate[redis,$consumers]}") | ${cpu[runnel,$consumers]} | ${cpu[redis,$consumers]} |"
done
echo
echo "| server | RssAnon growth per pending entry (bytes) |"
echo "|---|---|"
echo "| runnel | ${pel_bytes[runnel]} |"
echo "| redis | ${pel_bytes[redis]} |"
