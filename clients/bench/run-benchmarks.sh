#!/usr/bin/env bash
# Benchmarks of the coordination core on this machine, in one run: bare gRPC echo, GetCase on active
# grains, durable task transitions (PostgreSQL fsync on), and pgbench -N for scale.
# Usage: clients/bench/run-benchmarks.sh [duration-seconds]   (figures go to docs/benchmarks.md by hand)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pg.sh
source clients/bench/bench-common.sh

DURATION="${1:-15}"
BENCH_DIR=.bench-data
PG_PORT="${COORD_BENCH_PG_PORT:-55434}"
GRPC_PORT=5180
ECHO_PORT=5199
bench_prepare "$BENCH_DIR" "$PG_PORT"

say "Building (Release)"
dotnet build api/Coordination.Api.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build clients/Coordination.LoadGen/Coordination.LoadGen.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
LOADGEN=(dotnet clients/Coordination.LoadGen/bin/Release/net10.0/coord-loadgen.dll)

say "Starting the host and the echo server"
bench_start_host "$BENCH_DIR" "$GRPC_PORT" 11190 5181
"${LOADGEN[@]}" echo-server --port $ECHO_PORT > "$BENCH_DIR/echo.log" 2>&1 &
ECHO_PID=$!
trap 'kill $HOST_PID $ECHO_PID 2>/dev/null || true; wait 2>/dev/null || true; pg_stop' EXIT

run() {
  local scenario=$1 c=$2 target=$3
  say "$scenario, concurrency $c, ${DURATION}s"
  "${LOADGEN[@]}" run --scenario "$scenario" --concurrency "$c" --duration "$DURATION" --target "$target" \
    --credentials "$BENCH_DIR/dev-credentials.json" --output "$BENCH_DIR/results/$scenario-c$c.json"
}
for c in 16 64; do
  run echo "$c" "http://127.0.0.1:$ECHO_PORT"
  run getcase "$c" "http://127.0.0.1:$GRPC_PORT"
  run transitions "$c" "http://127.0.0.1:$GRPC_PORT"
done
echo "host RSS after the runs: $(( $(ps -o rss= -p $HOST_PID) / 1024 )) MiB"

say "pgbench -N (same server, same concurrency)"
BIN=$(pg_bin_dir)
psql -h 127.0.0.1 -p "$PG_PORT" -U coord -d postgres -qc "create database pgbench" >/dev/null
"$BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U coord -i -s 10 -q pgbench >/dev/null 2>&1
for c in 16 64; do
  echo "pgbench -N -c $c -j 2 -T $DURATION:"
  "$BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U coord -N -c "$c" -j 2 -T "$DURATION" pgbench 2>/dev/null | grep -E "^tps|latency average"
done
