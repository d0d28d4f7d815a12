#!/usr/bin/env bash
# The side-by-side report of issue #8: the same runnel-bench workloads against
# runnel-server (release build) and Debian's redis-server with equivalent
# durability, written into docs/benchmarks.md with gnuplot plots.
#
#   bench/compare/runnel_bench_vs_redis.sh [--quick] [--runs N] [--seconds S]
#       [--durability "always everysec none"] [--doc FILE] [--plots DIR]
#
# For each durability row both servers are started on fresh data dirs under
# $RUNNEL_BENCH_DIR (default /tmp; a real disk: fsync cost is the point):
#   always, everysec  both with that appendfsync (Redis with appendonly yes);
#   none              Runnel with appendfsync no, Redis with appendonly no.
# Each workload of the row (the table below) then runs --runs times (3) on
# each server for --seconds (4) after 1 s of warm-up, the servers alternating
# run by run (who goes first swaps every time). With 2 cores or more the
# servers are pinned to CPU 0 and runnel-bench to the others (taskset).
# bench/compare/runnel_bench_report.py takes the medians, draws SVG plots with
# gnuplot into --plots (docs/bench) and replaces the section of --doc
# (docs/benchmarks.md) between its marker comments, appending it when absent;
# the rest of the file is left alone.
#
# The full default run (102 runs) takes about 11 minutes; run it on a quiet machine.
# --quick (0.5 s runs, one each, a small consume prefill) checks the script in
# about a minute and measures nothing: unless --doc/--plots are given it
# writes into a copy of docs/benchmarks.md under
# $RUNNEL_BENCH_DIR/runnel-bench-report-quick/.
# Needs redis-server, redis-cli, gnuplot, python3 (scripts/bootstrap.sh bench);
# builds runnel-server and runnel-bench in build/release first.
set -euo pipefail
cd "$(dirname "$0")/../.."
script=bench/compare/runnel_bench_vs_redis.sh

# name|durability rows|runnel-bench arguments, in report order. {run} is the
# run's number (a fresh cache keyspace each run), {prefill} consume's entries.
# pubsub and cache touch no disk on Runnel: only the none row compares them.
# e2e may have 16 XADDs in flight per connection so that the offered rate is
# reachable under appendfsync always too (at 1, 10 connections wait on fsyncs).
workloads=(
  "produce P1|always everysec none|produce --connections 50 --pipeline 1"
  "produce P16|always everysec none|produce --connections 50 --pipeline 16"
  "produce 4 KiB|always everysec none|produce --connections 50 --size 4096"
  "consume|always everysec none|consume --prefill {prefill} --consumers 4 --count 100 --warmup 0"
  "e2e 5k/s|always everysec none|e2e --connections 10 --pipeline 16 --consumers 2 --rate 5000"
  "pubsub 10 subs|none|pubsub --connections 20 --subscribers 10"
  "cache zipf|none|cache --distribution zipf --keys 100000 --key-prefix runnel-bench:{run}:"
)

usage() {  # the header comment
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

parse_args() {
  runs=3 seconds=4 warmup=1 prefill=500000 durability="always everysec none" quick=no doc="" plots=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --quick) quick=yes runs=1 seconds=0.5 warmup=0.5 prefill=20000 ;;
      --runs) runs=$2; shift ;;
      --seconds) seconds=$2; shift ;;
      --durability) durability=$2; shift ;;
      --doc) doc=$2; shift ;;
      --plots) plots=$2; shift ;;
      -h | --help) usage; exit 0 ;;
      *) echo "$script: unknown argument '$1' (--help)" >&2; exit 2 ;;
    esac
    shift
  done
  [[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "$script: --runs takes a whole number above 0" >&2; exit 2; }
  [[ "$seconds" =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "$script: --seconds takes a number of seconds" >&2; exit 2; }
  local row
  for row in $durability; do
    case "$row" in always | everysec | none) ;; *) echo "$script: durability '$row' is not always, everysec or none" >&2; exit 2 ;; esac
  done
}

# Quick checks write into a copy of the doc, so that no check's figures land
# in docs/benchmarks.md.
choose_outputs() {
  if [ "$quick" = yes ]; then
    local quick_dir="${RUNNEL_BENCH_DIR:-/tmp}/runnel-bench-report-quick"
    mkdir -p "$quick_dir"
    if [ -z "$doc" ]; then doc=$quick_dir/benchmarks.md; cp docs/benchmarks.md "$doc"; fi
    plots=${plots:-$quick_dir/bench}
  fi
  doc=${doc:-docs/benchmarks.md}
  plots=${plots:-docs/bench}
}

require_tools() {
  local tool missing=()
  for tool in redis-server redis-cli gnuplot python3 cmake; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "$script: not found: ${missing[*]}. scripts/bootstrap.sh bench (as root) installs" \
      "what the report needs (Debian's redis-server, redis-tools, gnuplot-nox)." >&2
    exit 1
  fi
  python3 bench/compare/runnel_bench_report.py --check "$doc"
}

build_binaries() {
  [ -f build/release/CMakeCache.txt ] || cmake --preset release -DRUNNEL_BUILD_TESTS=OFF >/dev/null
  cmake --build build/release --target runnel-server runnel-bench -j2 >"$workdir/build.log" 2>&1 ||
    { cat "$workdir/build.log" >&2; exit 1; }
}

workload_name() { echo "${1%%|*}"; }
workload_rows() {  # the workload's durability rows that --durability selects
  local rest=${1#*|} row selected=()
  for row in ${rest%%|*}; do
    case " $durability " in *" $row "*) selected+=("$row") ;; esac
  done
  echo "${selected[*]}"
}
workload_args() { local rest=${1#*|}; rest=${rest#*|}; echo "${rest//\{prefill\}/$prefill}"; }

runs_per_row() {  # durability -> how many runnel-bench runs its row makes
  local entry count=0
  for entry in "${workloads[@]}"; do
    case " $(workload_rows "$entry") " in *" $1 "*) count=$((count + 2 * runs)) ;; esac
  done
  echo "$count"
}

write_meta() {  # the report's header facts, for runnel_bench_report.py
  local command pinning="servers and runnel-bench not pinned (one core)"
  command=$(printf '%q ' "$script" "$@")
  if [ -n "$server_cpus" ]; then pinning="servers on CPU $server_cpus, runnel-bench on CPU $client_cpus"; fi
  {
    printf 'command\t%s\n' "${command% }"
    printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'machine\t%s\n' "$(nproc) cores ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), kernel $(uname -r)"
    printf 'pinning\t%s\n' "$pinning"
    printf 'runnel_version\t%s\n' "$(build/release/server/runnel-server --version)"
    printf 'commit\t%s\n' "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' with local changes')"
    printf 'redis_version\t%s\n' "$(redis-server --version | awk '{print $1, $2, $3}')"
    printf 'data_fs\t%s\n' "$(df -T "$workdir" | awk 'NR == 2 {print $2}')"
    printf 'seconds\t%s\nwarmup\t%s\nruns\t%s\nquick\t%s\n' "$seconds" "$warmup" "$runs" "$quick"
  } >"$results/meta.tsv"
  local entry index=0
  for entry in "${workloads[@]}"; do
    index=$((index + 1))
    [ -n "$(workload_rows "$entry")" ] || continue
    printf '%s\t%s\t%s\t%s\n' "$index" "$(workload_name "$entry")" "$(workload_rows "$entry")" "$(workload_args "$entry")"
  done >"$results/workloads.tsv"
}

# run_bench PORT RUN ARGS OUT: OUT.json (empty when the run failed, e.g. the
# server refused a command: its error goes to stderr) and OUT.hgrm.
run_bench() {
  local args=${3//\{run\}/$2}
  # shellcheck disable=SC2086  # the arguments are words
  if ! on_client_cpus "$bench" ${args%% *} --port "$1" --duration "$seconds" --warmup "$warmup" \
    --histogram "$4.hgrm" --json ${args#* } >"$4.json" 2>"$4.err"; then
    sed 's/^/    /' "$4.err" >&2
    : >"$4.json"
  fi
}

# run_row DURABILITY: both servers up, every workload of the row, alternating.
run_row() {
  local row=$1 entry index=0 run server dir
  declare -A port pid
  for server in runnel redis; do
    read -r "port[$server]" "pid[$server]" < <(start_server "$server" "$row")
    pin_server "${pid[$server]}"
  done
  for entry in "${workloads[@]}"; do
    index=$((index + 1))
    case " $(workload_rows "$entry") " in *" $row "*) ;; *) continue ;; esac
    dir=$results/w$index/$row
    mkdir -p "$dir"
    for run in $(seq 1 "$runs"); do
      turn=$((turn + 1))
      for server in $([ $((turn % 2)) = 1 ] && echo runnel redis || echo redis runnel); do
        done_runs=$((done_runs + 1))
        echo "[$done_runs/$total_runs] $row, $(workload_name "$entry"): $server, run $run" >&2
        run_bench "${port[$server]}" "$run" "$(workload_args "$entry")" "$dir/$server-$run"
      done
    done
  done
  stop_server "${pid[runnel]}"
  stop_server "${pid[redis]}"
}

main() {
  parse_args "$@"
  choose_outputs
  require_tools
  # shellcheck source=bench/compare/server_helpers.sh
  . bench/compare/server_helpers.sh  # the scripts run from the repository root
  bench_workdir runnel-bench-report
  results=$workdir/results
  mkdir -p "$results"
  bench=build/release/tools/runnel_bench/runnel-bench
  build_binaries
  choose_cpus
  write_meta "$@"
  local row
  total_runs=0 done_runs=0 turn=0
  for row in $durability; do total_runs=$((total_runs + $(runs_per_row "$row"))); done
  echo "$total_runs runs of ${seconds} s + ${warmup} s warm-up: about" \
    "$(awk -v n="$total_runs" -v s="$seconds" -v w="$warmup" 'BEGIN {printf "%.0f", n * (s + w + 0.8) / 60}') min," \
    "plus consume's prefills" >&2
  for row in $durability; do run_row "$row"; done
  python3 bench/compare/runnel_bench_report.py "$results" "$doc" "$plots"
  echo "$script: wrote the section of $doc and the plots in $plots" >&2
}

main "$@"
