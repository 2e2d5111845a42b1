#!/usr/bin/env bash
# Follow-up reminders at scale: schedules many tasks' follow-ups through the real host (durable
# PostgreSQL, fsync on), makes a burst of them fall due in one minute, and measures the lag between
# due time and delivery into the agencies' feeds, plus host memory.
# Usage: clients/bench/reminder-benchmark.sh [tasks=100000] [burst=10000]   (figures go to docs/benchmarks.md by hand)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pg.sh
source clients/bench/bench-common.sh

TASKS="${1:-100000}"
BURST="${2:-10000}"
BENCH_DIR=.bench-reminders
PG_PORT="${COORD_BENCH_PG_PORT:-55435}"
GRPC_PORT=5280
bench_prepare "$BENCH_DIR" "$PG_PORT"

say "Building (Release)"
dotnet build api/Coordination.Api.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build clients/Coordination.ReminderBench/Coordination.ReminderBench.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

say "Starting the host (default reminder settings: sweep every 5 s)"
bench_start_host "$BENCH_DIR" "$GRPC_PORT" 11290 5281

say "Scheduling $TASKS tasks' follow-ups, $BURST due in one minute"
status=0
dotnet clients/Coordination.ReminderBench/bin/Release/net10.0/coord-reminder-bench.dll \
  --target "http://127.0.0.1:$GRPC_PORT" --credentials "$BENCH_DIR/dev-credentials.json" \
  --tasks "$TASKS" --burst "$BURST" --host-pid "$HOST_PID" --output "$BENCH_DIR/results/reminders.json" || status=$?
echo "reminder rows: $(psql -h 127.0.0.1 -p "$PG_PORT" -U coord -d coord -Atc "select count(*) filter (where fired_at is null) || ' pending, ' || count(*) filter (where fired_at is not null) || ' fired' from reminders")"
exit $status
