#!/usr/bin/env bash
# Streams at full scale through the real runnel-server (release build):
#
#   bench/compare/stream_scale.sh [GB_BIG] [GB_MANY]
#
# 1. A stream bigger than the heap: GB_BIG (default 2) GB of 1 KB entries
#    written with redis-benchmark (4 clients, -P 64), then read back whole
#    with XRANGE pages of 1,000; prints the server's RssAnon and RssFile
#    (/proc/PID/status) before, after writing and after reading. The goal
#    (#4): RssAnon grows by no more than ~50 MB.
# 2. Start-up: GB_MANY (default 3) GB of 1 KB entries spread over 1,000
#    streams, the server killed with SIGKILL (no clean-shutdown shortcut),
#    then restarted; prints the time from exec to the first PONG. Goal: < 1 s.
#
# Scratch data goes under $RUNNEL_BENCH_DIR (default /tmp; needs GB_BIG +
# GB_MANY GB free on a real disk). The same scale at a small size is
# tests/integration/stream_scale_test.cc.
set -euo pipefail
cd "$(dirname "$0")/../.."
gb_big="${1:-2}"
gb_many="${2:-3}"
build_dir="${BUILD_DIR:-build/release}"
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake --preset release -DRUNNEL_BUILD_TESTS=OFF >/dev/null
  build_dir=build/release
fi
cmake --build "$build_dir" --target runnel-server -j"$(nproc)" >/dev/null
server="$build_dir/server/runnel-server"

. bench/compare/server_helpers.sh  # the scripts run from the repository root

workdir=$(mktemp -d "${RUNNEL_BENCH_DIR:-/tmp}/runnel-scale-XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$workdir"
}
trap cleanup EXIT

start() {  # data dir; sets pid, port
  port=$(free_port)
  "$server" --port "$port" --bind 127.0.0.1 --dir "$1" --loglevel warning >>"$workdir/server.log" 2>&1 &
  pid=$!
}
memory() {  # "RssAnon N kB, RssFile N kB"
  awk '/^RssAnon|^RssFile/ {printf "%s %s kB  ", $1, $2}' "/proc/$pid/status"
}
value=$(head -c 1024 /dev/zero | tr '\0' 'x')

echo "== 1. one stream of ${gb_big} GB (1 KB entries)"
start "$workdir/big"
wait_ready "$port"
redis-benchmark -p "$port" -n 16384 -c 4 -P 64 -q XADD warm '*' v "$value" >/dev/null
echo "before:        $(memory)"
entries=$((gb_big * 1024 * 1024))
redis-benchmark -p "$port" -n "$entries" -c 4 -P 64 -q XADD big '*' v "$value" | tr '\r' '\n' | tail -1
echo "after writing: $(memory)"
echo "XLEN big: $(redis-cli -p "$port" xlen big)"
python3 - "$port" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb", buffering=1 << 20)
def cmd(*args):
    s.sendall(b"".join([b"*%d\r\n" % len(args)] + [b"$%d\r\n%s\r\n" % (len(a), a) for a in args]))
def read():
    line = f.readline()
    t = line[:1]
    if t == b"*":
        return [read() for _ in range(int(line[1:]))]
    if t == b"$":
        data = f.read(int(line[1:]) + 2)
        return data[:-2]
    return line
start, last, total = time.time(), b"-", 0
while True:
    cmd(b"XRANGE", b"big", last if last == b"-" else b"(" + last, b"+", b"COUNT", b"1000")
    page = read()
    if not page:
        break
    total += len(page)
    last = page[-1][0]
secs = time.time() - start
print(f"read back {total} entries in {secs:.1f} s ({total / secs / 1e3:.0f}k entries/s, one client)")
PY
echo "after reading: $(memory)"
redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
wait "$pid" 2>/dev/null || true
pid=

echo "== 2. start-up over 1,000 streams, ${gb_many} GB"
start "$workdir/many"
wait_ready "$port"
entries=$((gb_many * 1024 * 1024))
redis-benchmark -p "$port" -n "$entries" -r 1000 -c 4 -P 64 -q XADD 's:__rand_int__' '*' v "$value" |
  tr '\r' '\n' | tail -1
echo "streams: $(redis-cli -p "$port" dbsize), data: $(du -sh "$workdir/many" | cut -f1)"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
time_to_ping() {  # label: starts the server on the 1,000 streams, times exec -> first PONG
  local t0 t1
  t0=$(date +%s%N)
  start "$workdir/many"
  until redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; do sleep 0.005; done
  t1=$(date +%s%N)
  echo "PING answered $(((t1 - t0) / 1000000)) ms after exec ($1; streams: $(redis-cli -p "$port" dbsize))"
}
sync
time_to_ping "page cache warm"
redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
wait "$pid" 2>/dev/null || true
pid=
sync
if echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then
  time_to_ping "page cache dropped"
fi
