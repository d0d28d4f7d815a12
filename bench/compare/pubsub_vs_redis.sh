#!/usr/bin/env bash
# PUBLISH throughput and fan-out, side by side (issue #6): runnel-server
# (release build) and redis-server, each freshly started, one after the other.
#
#   bench/compare/pubsub_vs_redis.sh [messages=200000] [payload_bytes=64]
#
# For 0, 1, 10 and 100 subscribers of channel "ch" (connections held by one
# Python process that only counts the bytes it receives: every message frame
# has the same size, so messages = bytes / frame size, exactly), then
# redis-benchmark (50 clients, -P 16) sends `messages` PUBLISH ch <payload>.
# Prints PUBLISH requests/s and messages delivered per second (all
# subscribers together, over the time from the first PUBLISH to the last
# delivery), and the ratios Runnel/Redis.
set -euo pipefail
cd "$(dirname "$0")/../.."
messages="${1:-200000}"
payload_bytes="${2:-64}"
cmake --preset release -DRUNNEL_BUILD_TESTS=OFF >/dev/null
cmake --build build/release --target runnel-server -j"$(nproc)" >/tmp/pubsub-build.log 2>&1 ||
  { cat /tmp/pubsub-build.log; exit 1; }
. bench/compare/server_helpers.sh  # the scripts run from the repository root
bench_workdir pubsub
payload=$(head -c "$payload_bytes" /dev/zero | tr '\0' 'p')

# subscribe PORT N EXPECTED_MESSAGES: N subscriber connections; prints
# "ready" once subscribed, then, when every connection has received its
# messages (or 60 s passed), the seconds from the first byte to the last.
subscriber() {
  python3 - "$@" <<'PY'
import selectors, socket, sys, time
port, n, expected, payload = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
frame = b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$%d\r\n%s\r\n" % (len(payload), payload.encode())
confirm = b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"
sel = selectors.DefaultSelector()
want = {}
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n")
    got = b""
    while len(got) < len(confirm):
        got += s.recv(4096)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
    want[s] = expected * len(frame) - (len(got) - len(confirm))
print("ready", flush=True)
first = last = None
deadline = time.time() + 60
while any(v > 0 for v in want.values()) and time.time() < deadline:
    for key, _ in sel.select(timeout=1):
        data = key.fileobj.recv(1 << 20)
        now = time.time()
        first = first or now
        last = now
        want[key.fileobj] -= len(data)
print(f"{(last - first) if first else 0:.3f} {sum(1 for v in want.values() if v > 0)}", flush=True)
PY
}

declare -A rps rate
for name in runnel redis; do
  read -r port pid < <(start_server "$name" everysec)
  for subs in 0 1 10 100; do
    if [ "$subs" -gt 0 ]; then
      coproc SUB { subscriber "$port" "$subs" "$messages" "$payload"; }
      read -r ready <&"${SUB[0]}"
    fi
    start=$(date +%s.%N)
    rps[$name,$subs]=$(redis-benchmark -p "$port" -c 50 -n "$messages" -P 16 --csv PUBLISH ch "$payload" 2>/dev/null |
      awk -F'"' 'NR == 2 {printf "%.0f", $4}')
    if [ "$subs" -gt 0 ]; then
      read -r seconds missing <&"${SUB[0]}"
      wait "$SUB_PID" 2>/dev/null || true
      [ "$missing" = 0 ] || echo "$name: $missing subscribers missed messages" >&2
      # From the first PUBLISH (the benchmark's start) to the last delivery.
      elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {print e - s}')
      rate[$name,$subs]=$(awk -v n="$messages" -v k="$subs" -v t="$elapsed" 'BEGIN {printf "%.0f", n * k / t}')
    else
      rate[$name,$subs]=0
    fi
  done
  stop_server "$pid"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
echo
echo "redis-benchmark PUBLISH, 50 clients, -P 16, $messages messages of $payload_bytes B; $(redis-server --version | awk '{print $1, $2, $3}');"
echo "$(nproc) cores; $(uname -r)"
echo
echo "| subscribers | Runnel PUBLISH/s | Redis PUBLISH/s | ratio | Runnel delivered/s | Redis delivered/s | ratio |"
echo "|---|---|---|---|---|---|---|"
for subs in 0 1 10 100; do
  echo "| $subs | ${rps[runnel,$subs]} | ${rps[redis,$subs]} | $(ratio "${rps[runnel,$subs]}" "${rps[redis,$subs]}") \
| ${rate[runnel,$subs]} | ${rate[redis,$subs]} | $(ratio "${rate[runnel,$subs]}" "${rate[redis,$subs]}") |"
done
