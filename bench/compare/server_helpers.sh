# Shared by the bench/compare scripts (sourced, not run): pick a free port,
# wait for a RESP server to answer on it, start and stop the servers being
# compared, and read a process's CPU time and memory.

free_port() {  # a random port that nothing answers on
  while true; do
    local p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}

wait_ready() {  # port: waits up to 10 s for PING, else exits 1
  for _ in $(seq 1 200); do
    redis-cli -p "$1" ping >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "server on port $1 did not start" >&2
  exit 1
}

# start_server NAME FSYNC -> "port pid": runnel-server (release build) or
# redis-server (appendonly yes) with that appendfsync (always, everysec, no),
# on a fresh data dir under $workdir; FSYNC "none" is the fastest each goes:
# runnel-server with appendfsync no, redis-server with appendonly no. The pid
# is also appended to $workdir/pids for cleanup (callers run this in a
# subshell, where variables do not survive).
start_server() {
  local port dir fsync=$2 aof=(--appendonly yes --appendfsync "$2")
  if [ "$2" = none ]; then fsync=no aof=(--appendonly no); fi
  port=$(free_port)
  dir=$(mktemp -d "$workdir/$1-XXXXXX")
  if [ "$1" = runnel ]; then
    build/release/server/runnel-server --port "$port" --dir "$dir" --appendfsync "$fsync" \
      --loglevel warning >"$dir.log" 2>&1 &
  else
    redis-server --port "$port" --bind 127.0.0.1 --save '' "${aof[@]}" \
      --dir "$dir" --daemonize no --loglevel warning >"$dir.log" 2>&1 &
  fi
  echo $! >>"$workdir/pids"
  (wait_ready "$port") || { echo "$1 on port $port did not start; its log:" >&2; cat "$dir.log" >&2; exit 1; }
  echo "$port $!"
}

# choose_cpus: sets server_cpus and client_cpus, taskset CPU lists that keep
# the servers and the load generator off each other's cores (the servers on
# CPU 0, the client on the rest); both empty on one core or without taskset.
choose_cpus() {
  server_cpus="" client_cpus=""
  local cores; cores=$(nproc)
  if [ "$cores" -ge 2 ] && command -v taskset >/dev/null; then
    server_cpus=0
    client_cpus=$([ "$cores" = 2 ] && echo 1 || echo "1-$((cores - 1))")
  fi
}
pin_server() {  # pid: every thread of it onto $server_cpus (nothing when empty)
  if [ -n "$server_cpus" ]; then taskset -a -pc "$server_cpus" "$1" >/dev/null; fi
}
on_client_cpus() {  # command...: runs it on $client_cpus
  if [ -n "$client_cpus" ]; then taskset -c "$client_cpus" "$@"; else "$@"; fi
}

stop_server() {  # pid: SIGTERM, then waits for the exit
  kill "$1" 2>/dev/null || true
  while kill -0 "$1" 2>/dev/null; do sleep 0.05; done
}

# A process's CPU time so far (all its threads, user + system), in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# rss_kb PID FIELD: a /proc/PID/status memory field in KiB (VmRSS, RssAnon...).
rss_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }

# bench_workdir PREFIX: a scratch directory in $workdir, under
# $RUNNEL_BENCH_DIR (default /tmp), removed at exit together with every
# server start_server started. Ctrl-C ends the script too, not only the
# client that was running (runnel-bench catches SIGINT and exits 0).
bench_workdir() {
  workdir=$(mktemp -d "${RUNNEL_BENCH_DIR:-/tmp}/$1-XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}
bench_cleanup() {
  [ -f "$workdir/pids" ] && xargs -r kill <"$workdir/pids" 2>/dev/null || true
  sleep 0.2
  rm -rf "$workdir"
}
