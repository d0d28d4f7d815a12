# Shared by the bench/compare scripts (sourced, not run): pick a free port
# and wait for a RESP server to answer on it.

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
