#!/usr/bin/env bash
# Benchmarks of the coordination core on this machine, in one run: bare gRPC echo, GetCase on active
# grains, durable task transitions (PostgreSQL fsync on), and pgbench -N for scale.
# Usage: clients/bench/run-benchmarks.sh [duration-seconds]   (figures go to docs/benchmarks.md by hand)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pg.sh

DURATION="${1:-15}"
BENCH_DIR=.bench-data
PG_PORT="${COORD_BENCH_PG_PORT:-55434}"
GRPC_PORT=5180
ECHO_PORT=5199
mkdir -p "$BENCH_DIR/results"

pg_ensure_installed
if [ -d "$BENCH_DIR/pg" ]; then PG_DATA=$(pg_resolve_dir "$BENCH_DIR/pg"); pg_stop; rm -rf "$PG_DATA"; fi
rm -f "$BENCH_DIR/dev-credentials.json"
# Durable: fsync and synchronous_commit stay at their defaults (on).
pg_start "$BENCH_DIR/pg" "$PG_PORT"
DB="Host=127.0.0.1;Port=$PG_PORT;Username=coord;Database=coord;Maximum Pool Size=200"

say "Building (Release)"
dotnet build api/Coordination.Api.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build clients/Coordination.LoadGen/Coordination.LoadGen.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
LOADGEN=(dotnet clients/Coordination.LoadGen/bin/Release/net10.0/coord-loadgen.dll)

say "Starting the host and the echo server"
COORD_DB="$DB" COORD_GRPC_PORT=$GRPC_PORT COORD_SILO_PORT=11190 COORD_DATA_DIR="$BENCH_DIR" COORD_SEED_DEMO=1 \
  Logging__LogLevel__Default=Warning Limits__CallsPerSecond=1000000 Limits__Burst=1000000 \
  dotnet api/bin/Release/net10.0/Coordination.Api.dll > "$BENCH_DIR/host.log" 2>&1 &
HOST_PID=$!
"${LOADGEN[@]}" echo-server --port $ECHO_PORT > "$BENCH_DIR/echo.log" 2>&1 &
ECHO_PID=$!
trap 'kill $HOST_PID $ECHO_PID 2>/dev/null || true; wait 2>/dev/null || true; pg_stop' EXIT
for _ in $(seq 1 120); do grep -q "ready" "$BENCH_DIR/host.log" && break; sleep 0.5; done
grep -q "ready" "$BENCH_DIR/host.log" || { cat "$BENCH_DIR/host.log"; die "host did not start"; }

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
