#!/usr/bin/env bash
# Bytes per stream entry: Runnel's log on disk vs Redis's memory, for the
# same data, and the cost of many small streams.
#
#   bench/compare/stream_bytes_vs_redis.sh
#
# Data, both sides: 1,000,000 XADDs of one field, "payload" -> 100 random
# bytes, to one stream; then 100,000 streams of one such entry each.
#   Redis:  Debian's redis-server on a free port (--save '' --appendonly no,
#           a temporary --dir), fed with redis-cli --pipe; used_memory before
#           and after, divided by the entries (or streams).
#   Runnel: bench/log_footprint_bench (BM_BytesPerEntry, BM_ManyStreams): the
#           log engine writes the same entries; see that file for the counters.
# Builds log_footprint_bench in $BUILD_DIR (default build/release, configured
# with the release preset when missing). Scratch files go under
# $RUNNEL_BENCH_DIR (default /tmp), which must be on a real disk.
set -euo pipefail
cd "$(dirname "$0")/../.."
entries=1000000
streams=100000
build_dir="${BUILD_DIR:-build/release}"

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake --preset release -DRUNNEL_BUILD_TESTS=OFF >/dev/null
  build_dir=build/release
fi
cmake --build "$build_dir" --target log_footprint_bench -j"$(nproc)" >/dev/null

workdir=$(mktemp -d)
redis_pid=
cleanup() {
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT

. bench/compare/server_helpers.sh  # the scripts run from the repository root

port=$(free_port)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$workdir" --daemonize no --loglevel warning >"$workdir/redis.log" 2>&1 &
redis_pid=$!
wait_ready "$port"

used_memory() {
  redis-cli -p "$port" info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r'
}

# RESP for XADD <key> * payload <100 random bytes>, one per key produced by
# the key pattern: "one" -> n entries to stream "s"; "many" -> key s:<i>.
xadd_commands() {  # mode count
  python3 - "$1" "$2" <<'EOF'
import os, sys
mode, count = sys.argv[1], int(sys.argv[2])
out = sys.stdout.buffer
chunk = []
for i in range(count):
    key = b"s" if mode == "one" else b"s:%d" % i
    value = os.urandom(100)
    chunk.append(b"*5\r\n$4\r\nXADD\r\n$%d\r\n%s\r\n$1\r\n*\r\n$7\r\npayload\r\n$100\r\n%s\r\n" % (len(key), key, value))
    if len(chunk) == 10000:
        out.write(b"".join(chunk))
        chunk = []
out.write(b"".join(chunk))
EOF
}

before=$(used_memory)
xadd_commands one "$entries" | redis-cli -p "$port" --pipe >"$workdir/pipe1.log"
after=$(used_memory)
xlen=$(redis-cli -p "$port" xlen s)
usage=$(redis-cli -p "$port" memory usage s samples 0)
[ "$xlen" = "$entries" ] || { echo "redis holds $xlen entries, expected $entries" >&2; exit 1; }
redis_entry=$(awk -v a="$after" -v b="$before" -v n="$entries" 'BEGIN {printf "%.1f", (a - b) / n}')
redis_usage=$(awk -v u="$usage" -v n="$entries" 'BEGIN {printf "%.1f", u / n}')
redis-cli -p "$port" flushall >/dev/null

before=$(used_memory)
xadd_commands many "$streams" | redis-cli -p "$port" --pipe >"$workdir/pipe2.log"
after=$(used_memory)
keys=$(redis-cli -p "$port" dbsize)
[ "$keys" = "$streams" ] || { echo "redis holds $keys keys, expected $streams" >&2; exit 1; }
redis_stream=$(awk -v a="$after" -v b="$before" -v n="$streams" 'BEGIN {printf "%.0f", (a - b) / n}')
redis_streams_mb=$(awk -v a="$after" -v b="$before" 'BEGIN {printf "%.1f", (a - b) / 1e6}')
kill "$redis_pid"
wait "$redis_pid" 2>/dev/null || true
redis_pid=

"$build_dir/bench/log_footprint_bench" --benchmark_filter='BM_BytesPerEntry|BM_ManyStreams/' \
  --benchmark_format=json >"$workdir/runnel.json" 2>"$workdir/runnel.err"
read -r record sealed disk create_us du_stream du_mb fds maps open_ms < <(python3 - "$workdir/runnel.json" <<'EOF'
import json, sys
runs = {b["name"].split("/")[0]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
e, s = runs["BM_BytesPerEntry"], runs["BM_ManyStreams"]
print("%.1f %.1f %.1f %.0f %.0f %.1f %d %d %.0f" % (
    e["record_bytes_per_entry"], e["sealed_segment_bytes_per_entry"], e["disk_bytes_per_entry"],
    s["create_us_per_stream"], s["du_bytes_per_stream"], s["du_MB"], s["fds"], s["maps"], s["open_all_ms"]))
EOF
)

echo
echo "One stream, $entries entries of one field (\"payload\" -> 100 random bytes)"
echo "$(redis-server --version | awk '{print $1, $2, $3}'); $(nproc) cores; $(uname -r)"
printf '%-58s %10s\n' "" "bytes/entry"
printf '%-58s %10s\n' "redis-server: used_memory delta / entries" "$redis_entry"
printf '%-58s %10s\n' "redis-server: MEMORY USAGE of the stream / entries" "$redis_usage"
printf '%-58s %10s\n' "runnel log: record bytes / entries" "$record"
printf '%-58s %10s\n' "runnel log: sealed segment file bytes / their entries" "$sealed"
printf '%-58s %10s\n' "runnel log: st_blocks of all files / entries (+ tail prealloc)" "$disk"
echo
echo "$streams streams of one entry each"
printf '%-58s %10s\n' "redis-server: used_memory delta / streams (bytes)" "$redis_stream"
printf '%-58s %10s\n' "redis-server: used_memory delta (MB)" "$redis_streams_mb"
printf '%-58s %10s\n' "runnel log: disk (du) per stream (bytes)" "$du_stream"
printf '%-58s %10s\n' "runnel log: disk (du) of the data directory (MB)" "$du_mb"
printf '%-58s %10s\n' "runnel log: create + append per stream (us)" "$create_us"
printf '%-58s %10s\n' "runnel log: open descriptors while all are open" "$fds"
printf '%-58s %10s\n' "runnel log: /proc/self/maps lines while all are open" "$maps"
printf '%-58s %10s\n' "runnel log: LogManager::OpenAll of all of them, warm (ms)" "$open_ms"
