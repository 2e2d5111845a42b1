#!/usr/bin/env bash
# Feed latency across hosts: two hosts of one cluster on a fresh durable PostgreSQL; ward vice-chairs
# comment on tasks through host A at a fixed rate, the ward police systems watch their feeds on host B.
# Usage: clients/bench/run-feedlag.sh [rate-per-second] [duration-seconds]
# COORD_FEEDLAG_ONE_HOST=1: one host only, writer and watchers on it (separates the cross-host hop).
# FEEDLAG_ARGS: more options for coord-loadgen feedlag, e.g. "--wards xuan-ha --tasks-per-ward 240"
# (every comment into one feed instead of six).
# FEEDLAG_WAITS=1: while it runs, what PostgreSQL's active backends wait on is sampled every 100 ms and
# summed up at the end ("CPU" = running, "Lock:transactionid"/"Lock:tuple" = queued behind another
# transaction's row lock, "IO:WALSync" = flushing the commit). Off by default: a psql every 100 ms
# costs CPU that the run itself needs. vmstat's figures during the run are printed either way.
# Prints "feedlag across hosts, R events/s: p50 …, p95 …, p99 …" and host B's own feed-lag histogram.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pg.sh
source clients/bench/bench-common.sh

RATE="${1:-1000}"
DURATION="${2:-20}"
BENCH_DIR=.bench-data
PG_PORT="${COORD_BENCH_PG_PORT:-55434}"
bench_prepare "$BENCH_DIR" "$PG_PORT"
# Two hosts share the server's 300 connections.
DB="${DB/Maximum Pool Size=200/Maximum Pool Size=100}"

say "Building (Release)"
dotnet build api/Coordination.Api.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build clients/Coordination.LoadGen/Coordination.LoadGen.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
LOADGEN=(dotnet clients/Coordination.LoadGen/bin/Release/net10.0/coord-loadgen.dll)

WATCHER_GRPC=5182 WATCHER_HTTP=5183
if [ -n "${COORD_FEEDLAG_ONE_HOST:-}" ]; then
  say "Starting one host (writer and watchers)"
  bench_start_host "$BENCH_DIR" 5180 11190 5181 "$BENCH_DIR/host-a.log"
  WATCHER_GRPC=5180 WATCHER_HTTP=5181
else
  say "Starting host A (writer) and host B (watcher), one cluster"
  bench_start_host "$BENCH_DIR" 5180 11190 5181 "$BENCH_DIR/host-a.log"
  bench_start_host "$BENCH_DIR" 5182 11191 5183 "$BENCH_DIR/host-b.log"
fi

say "feedlag at $RATE/s, ${DURATION}s ${FEEDLAG_ARGS:-}"
WAITS="$BENCH_DIR/results/feedlag-waits.txt"
status=0
: > "$WAITS"
SAMPLER=
if [ "${FEEDLAG_WAITS:-0}" = 1 ]; then
  (
    while sleep 0.1; do
      psql -h 127.0.0.1 -p "$PG_PORT" -U coord -d coord -Atc "select coalesce(wait_event_type || ':' || wait_event, 'CPU') from pg_stat_activity
        where state = 'active' and datname = 'coord' and pid <> pg_backend_pid() and query not ilike 'listen%'" >> "$WAITS" 2>/dev/null || true
    done
  ) &
  SAMPLER=$!
fi
vmstat 5 > "$BENCH_DIR/results/feedlag-vmstat.txt" &
VMSTAT=$!
# shellcheck disable=SC2086
"${LOADGEN[@]}" feedlag --writer http://127.0.0.1:5180 --watcher "http://127.0.0.1:$WATCHER_GRPC" --rate "$RATE" --duration "$DURATION" \
  --credentials "$BENCH_DIR/dev-credentials.json" --output "$BENCH_DIR/results/feedlag-$RATE.json" ${FEEDLAG_ARGS:-} || status=$?
[ -z "$SAMPLER" ] || kill "$SAMPLER" 2>/dev/null || true
kill "$VMSTAT" 2>/dev/null || true

say "The machine during the run (vmstat every 5 s: r = runnable threads, us/sy/id = CPU %)"
cat "$BENCH_DIR/results/feedlag-vmstat.txt"
if [ -n "$SAMPLER" ]; then
  say "What PostgreSQL's active backends waited on during the run (samples every 100 ms)"
  sort "$WAITS" | uniq -c | sort -rn | head -12
fi

say "The watcher host's coordination_feed_lag_seconds (append to stream write)"
curl -s "http://127.0.0.1:$WATCHER_HTTP/metrics" | grep -E '^coordination_feed_lag_seconds_(bucket|count|sum)' | grep -vE 'le="(\+Inf)"' | head -30 || true
exit "$status"
