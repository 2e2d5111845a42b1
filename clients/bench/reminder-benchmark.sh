#!/usr/bin/env bash
# Follow-up reminders at scale: schedules many tasks' follow-ups through the real host (durable
# PostgreSQL, fsync on), makes a burst of them fall due in one minute, and measures the lag between
# due time and delivery into the agencies' feeds, plus host memory.
# Usage: clients/bench/reminder-benchmark.sh [tasks=100000] [burst=10000]   (figures go to docs/benchmarks.md by hand)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pg.sh

TASKS="${1:-100000}"
BURST="${2:-10000}"
BENCH_DIR=.bench-reminders
PG_PORT="${COORD_BENCH_PG_PORT:-55435}"
GRPC_PORT=5280
mkdir -p "$BENCH_DIR/results"

pg_ensure_installed
if [ -d "$BENCH_DIR/pg" ]; then PG_DATA=$(pg_resolve_dir "$BENCH_DIR/pg"); pg_stop; rm -rf "$PG_DATA"; fi
rm -f "$BENCH_DIR/dev-credentials.json"
pg_start "$BENCH_DIR/pg" "$PG_PORT"
DB="Host=127.0.0.1;Port=$PG_PORT;Username=coord;Database=coord;Maximum Pool Size=200"

say "Building (Release)"
dotnet build api/Coordination.Api.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build clients/Coordination.ReminderBench/Coordination.ReminderBench.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

say "Starting the host (default reminder settings: sweep every 5 s)"
# The per-credential rate limit is lifted: one vice-chair credential creates every task.
COORD_DB="$DB" COORD_GRPC_PORT=$GRPC_PORT COORD_SILO_PORT=11290 COORD_HTTP_PORT=5281 COORD_DATA_DIR="$BENCH_DIR" COORD_SEED_DEMO=1 \
  Logging__LogLevel__Default=Warning Limits__CallsPerSecond=1000000 Limits__Burst=1000000 \
  dotnet api/bin/Release/net10.0/Coordination.Api.dll > "$BENCH_DIR/host.log" 2>&1 &
HOST_PID=$!
trap 'kill $HOST_PID 2>/dev/null || true; wait 2>/dev/null || true; pg_stop' EXIT
for _ in $(seq 1 120); do grep -q "ready" "$BENCH_DIR/host.log" && break; sleep 0.5; done
grep -q "ready" "$BENCH_DIR/host.log" || { cat "$BENCH_DIR/host.log"; die "host did not start"; }

say "Scheduling $TASKS tasks' follow-ups, $BURST due in one minute"
status=0
dotnet clients/Coordination.ReminderBench/bin/Release/net10.0/coord-reminder-bench.dll \
  --target "http://127.0.0.1:$GRPC_PORT" --credentials "$BENCH_DIR/dev-credentials.json" \
  --tasks "$TASKS" --burst "$BURST" --host-pid "$HOST_PID" --output "$BENCH_DIR/results/reminders.json" || status=$?
echo "reminder rows: $(psql -h 127.0.0.1 -p "$PG_PORT" -U coord -d coord -Atc "select count(*) filter (where fired_at is null) || ' pending, ' || count(*) filter (where fired_at is not null) || ' fired' from reminders")"
exit $status
