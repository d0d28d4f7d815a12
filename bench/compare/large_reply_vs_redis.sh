#!/usr/bin/env bash
# A large XRANGE reply, side by side (issue #4): runnel-server (release
# build) and redis-server, one after the other, each on a fresh data dir.
#
#   bench/compare/large_reply_vs_redis.sh [entries=1000] [value_kib=64]
#
# Fills stream "big" with `entries` entries of one value_kib KiB field, then
# a client with a small receive buffer sends XRANGE big - + and reads
# nothing for a second: prints the server's RssAnon growth (the reply held
# in its memory: a copy of the data, or references to the segment mappings)
# and its CPU time meanwhile (the command's cost: scanning, and for Runnel
# the first read's verification of the sealed segments); then the time to
# read the whole reply.
set -euo pipefail
cd "$(dirname "$0")/../.."
entries="${1:-1000}"
value_kib="${2:-64}"
cmake --preset release -DRUNNEL_BUILD_TESTS=OFF >/dev/null
cmake --build build/release --target runnel-server -j"$(nproc)" >/tmp/large-reply-build.log 2>&1 ||
  { cat /tmp/large-reply-build.log; exit 1; }
. bench/compare/server_helpers.sh  # the scripts run from the repository root
bench_workdir large-reply

echo "| server | RssAnon growth, reply unread | server CPU | reading the reply |"
echo "|---|---:|---:|---:|"
for name in runnel redis; do
  read -r port pid < <(start_server "$name" everysec)
  python3 - "$port" "$pid" "$entries" "$value_kib" "$name" <<'PY'
import socket, sys, time
port, pid, entries, kib, name = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def rss_kb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("RssAnon"):
            return int(line.split()[1])
def cpu_s():
    f = open(f"/proc/{pid}/stat").read().split()
    return (int(f[13]) + int(f[14])) / 100.0
def enc(*a):
    return b"".join([b"*%d\r\n" % len(a)] + [b"$%d\r\n%s\r\n" % (len(x), x) for x in a])
writer = socket.create_connection(("127.0.0.1", port))
value = b"x" * (kib * 1024)
for done in range(0, entries, 50):
    n = min(50, entries - done)
    writer.sendall(b"".join(enc(b"XADD", b"big", b"*", b"v", value) for _ in range(n)))
    buf = b""
    while buf.count(b"\r\n") < 2 * n:  # n replies of "$N\r\n<id>\r\n"
        buf += writer.recv(1 << 20)
reader = socket.create_connection(("127.0.0.1", port))
reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
before, cpu_before = rss_kb(), cpu_s()
reader.sendall(enc(b"XRANGE", b"big", b"-", b"+"))
time.sleep(1.0)
grown, cpu_ms = (rss_kb() - before) / 1024, (cpu_s() - cpu_before) * 1000
total, start = 0, time.time()
while total < entries * kib * 1024:
    total += len(reader.recv(1 << 22))
print(f"| {name} | {grown:.1f} MB | {cpu_ms:.0f} ms | {time.time() - start:.2f} s |")
PY
  stop_server "$pid"
done
