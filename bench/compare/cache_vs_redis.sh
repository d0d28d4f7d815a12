#!/usr/bin/env bash
# The cache side by side (issue #7): runnel-server and Debian's redis-server,
# both as pure caches (Runnel's strings live in memory; Redis runs with
# `--save '' --appendonly no`), freshly started for each part.
#
#   bench/compare/cache_vs_redis.sh [requests=200000] [keys=1000000] [parts]
#
# `parts` picks what runs, any of "throughput memory hitratio" (default:
# all three; "memory" alone takes seconds, and its figures do not depend on
# what else runs on the machine):
#
#   1. redis-benchmark SET and GET (50 clients, 100,000 random keys) with 3 B
#      and 100 B values, at -P 1 and -P 16: requests/s and the ratio;
#   2. memory per small key: `keys` x `SET key:N xxx` sent by redis-cli
#      --pipe; growth of RssAnon (/proc/PID/status) and of INFO used_memory
#      over the keys;
#   3. hit ratio under eviction: equal maxmemory (32mb), allkeys-lru and
#      allkeys-lfu, runnel-bench cache (Zipf 0.99 over 1,000,000 keys of
#      100 B, a miss followed by a SET) for 20 s after 10 s of warm-up.
# With 2 or more cores the servers run on CPU 0 and the clients on the others.
# Builds the release server and runnel-bench in build/release first.
set -euo pipefail
cd "$(dirname "$0")/../.."
requests="${1:-200000}"
keys="${2:-1000000}"
parts="${3:-throughput memory hitratio}"
runs() { [[ " $parts " == *" $1 "* ]]; }

cmake --preset release -DRUNNEL_BUILD_TESTS=OFF >/dev/null
targets=(runnel-server)
if runs hitratio; then targets+=(runnel-bench); fi
cmake --build build/release --target "${targets[@]}" -j"$(nproc)" >/dev/null
. bench/compare/server_helpers.sh  # the scripts run from the repository root
bench_workdir cache-vs-redis
choose_cpus
bench=build/release/tools/runnel_bench/runnel-bench

# start_cache NAME [args...] -> "port pid": a server holding nothing on disk.
start_cache() {
  local name=$1 port dir
  shift
  port=$(free_port)
  dir=$(mktemp -d "$workdir/$name-XXXXXX")
  if [ "$name" = runnel ]; then
    build/release/server/runnel-server --port "$port" --dir "$dir" --loglevel warning "$@" >"$dir.log" 2>&1 &
  else
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --daemonize no \
      --loglevel warning "$@" >"$dir.log" 2>&1 &
  fi
  echo $! >>"$workdir/pids"
  (wait_ready "$port") || { cat "$dir.log" >&2; exit 1; }
  pin_server $!
  echo "$port $!"
}

rps() {  # port pipeline size test -> requests/second
  on_client_cpus redis-benchmark -p "$1" -c 50 -n "$requests" -r 100000 -P "$2" -d "$3" -t "$4" --csv 2>/dev/null |
    awk -F'"' 'NR == 2 {printf "%.0f", $4}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }

if runs throughput; then
echo "redis-benchmark, 50 clients, $requests requests, 100,000 random keys; $(redis-server --version | cut -d' ' -f3);"
echo "servers on CPU ${server_cpus:-any}, clients on CPU ${client_cpus:-any}"
echo
echo "| command | value | pipeline | Runnel req/s | Redis req/s | ratio |"
echo "|---|---|---|---|---|---|"
for size in 3 100; do
  for pipeline in 1 16; do
    for test in set get; do
      read -r rport rpid < <(start_cache runnel)
      read -r dport dpid < <(start_cache redis)
      # GET reads what SET wrote: fill first, on both.
      if [ "$test" = get ]; then rps "$rport" 16 "$size" set >/dev/null; rps "$dport" 16 "$size" set >/dev/null; fi
      r=$(rps "$rport" "$pipeline" "$size" "$test")
      d=$(rps "$dport" "$pipeline" "$size" "$test")
      stop_server "$rpid"
      stop_server "$dpid"
      echo "| ${test^^} | $size B | $pipeline | $r | $d | $(ratio "$r" "$d") |"
    done
  done
done
fi

if runs memory; then
echo
echo "Memory per key: $keys x SET key:N xxx"
echo
echo "| server | RssAnon bytes/key | used_memory bytes/key |"
echo "|---|---|---|"
for name in runnel redis; do
  read -r port pid < <(start_cache "$name")
  anon_before=$(rss_kb "$pid" RssAnon)
  used_before=$(redis-cli -p "$port" info memory | awk -F: '/^used_memory:/ {print $2+0}')
  awk -v n="$keys" 'BEGIN {for (i = 0; i < n; i++) printf "*3\r\n$3\r\nSET\r\n$%d\r\nkey:%d\r\n$3\r\nxxx\r\n", length("key:" i), i}' |
    redis-cli -p "$port" --pipe >/dev/null
  anon_after=$(rss_kb "$pid" RssAnon)
  used_after=$(redis-cli -p "$port" info memory | awk -F: '/^used_memory:/ {print $2+0}')
  stop_server "$pid"
  echo "| $name | $(( (anon_after - anon_before) * 1024 / keys )) | $(( (used_after - used_before) / keys )) |"
done
fi

if runs hitratio; then
echo
echo "Hit ratio: maxmemory 32mb, runnel-bench cache --distribution zipf --keys 1000000 --size 100"
echo
echo "| policy | Runnel hit ratio | Redis hit ratio | Runnel evicted | Redis evicted |"
echo "|---|---|---|---|---|"
for policy in allkeys-lru allkeys-lfu; do
  line="| $policy"
  evicted=""
  for name in runnel redis; do
    read -r port pid < <(start_cache "$name" --maxmemory 32mb --maxmemory-policy "$policy")
    hit=$(on_client_cpus "$bench" cache --port "$port" --connections 20 --distribution zipf --keys 1000000 --size 100 \
      --warmup 10 --duration 20 --json 2>/dev/null | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["hit_ratio"])')
    evicted="$evicted | $(redis-cli -p "$port" info stats | awk -F: '/^evicted_keys:/ {print $2+0}')"
    stop_server "$pid"
    line="$line | $hit"
  done
  echo "$line$evicted |"
done
fi
