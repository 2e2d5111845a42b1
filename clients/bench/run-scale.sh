#!/usr/bin/env bash
# Scale benchmark (issue 14): a fresh durable PostgreSQL of its own (port 55482, data in .bench-scale/,
# never the test or run data), the Release host started once (migrations, calendar, demo directory),
# then `coord-datagen generate` COPYs CASES cases and 3×CASES tasks (read-model and query rows, audit
# trail, timeline entries, follow-ups) over the six demo wards, the host is started again on the
# loaded database (time to gRPC health SERVING), and `coord-datagen bench` times ListCases (ward,
# filter, name search), ListTasks (overdue, one agency), GetWardSummary and the audit trail of one
# case over real gRPC with the demo credentials.
# Usage: clients/bench/run-scale.sh [CASES] [CALLS] [CONCURRENCY]
#   COORD_BENCH_SKIP_BUILD=1 reuses the Release build; COORD_SCALE_KEEP=1 keeps the cluster afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pg.sh
source clients/bench/bench-common.sh

CASES=${1:-1000000}
CALLS=${2:-1000}
CONCURRENCY=${3:-4}
DIR=.bench-scale
PORT=${COORD_BENCH_PG_PORT:-55482}
PG_PORT_VARIABLE=COORD_BENCH_PG_PORT
GRPC=5482 SILO=11482 HTTP=5483
DATAGEN="dotnet tests/Coordination.DataGen/bin/Release/net10.0/coord-datagen.dll"
bench_prepare "$DIR" "$PORT"

say "Building"
[ -n "${COORD_BENCH_SKIP_BUILD:-}" ] || dotnet build CoordinationPlatform.sln -c Release -nologo -v quiet -clp:ErrorsOnly

start_host() {
  COORD_DB="$DB" COORD_GRPC_PORT=$GRPC COORD_SILO_PORT=$SILO COORD_HTTP_PORT=$HTTP COORD_DATA_DIR="$DIR" COORD_SEED_DEMO=1 \
    Logging__LogLevel__Default=Warning Limits__CallsPerSecond=1000000 Limits__Burst=1000000 \
    dotnet api/bin/Release/net10.0/Coordination.Api.dll > "$DIR/$1" 2>&1 &
  HOST_PID=$!
}
stop_host() { kill "$HOST_PID" 2>/dev/null || true; wait "$HOST_PID" 2>/dev/null || true; HOST_PID=; }
trap 'stop_host; [ -n "${COORD_SCALE_KEEP:-}" ] || pg_stop' EXIT

say "First start on the empty database (migrations, working-day calendar, demo directory)"
start_host host-first.log
$DATAGEN wait-serving --target "http://127.0.0.1:$GRPC" --since "$(date +%s.%N)" --timeout 180 | sed 's/^startup:/first start (empty database):/'
stop_host

say "Generating $CASES cases and $((CASES * 3)) tasks (COPY)"
/usr/bin/time -f "%e s elapsed, %M KB peak memory (generator)" $DATAGEN generate --db "$DB" --cases "$CASES" 2>&1 | tee "$DIR/results/generate.txt"
psql -h 127.0.0.1 -p "$PORT" -U coord -d coord -Atc "select relname, n_live_tup, pg_size_pretty(pg_total_relation_size(relid)) from pg_stat_user_tables
  where relname in ('rm_cases','rm_tasks','audit_events','case_events','reminders') order by 1" | tee "$DIR/results/tables.txt"

say "Starting the host on the loaded database"
launched=$(date +%s.%N)
start_host host.log
$DATAGEN wait-serving --target "http://127.0.0.1:$GRPC" --since "$launched" --timeout 180 | tee "$DIR/results/startup.txt"
# The credentials file is rewritten at every start, once the demo seed has run.
for _ in $(seq 1 120); do grep -q "ready" "$DIR/host.log" 2>/dev/null && [ -s "$DIR/dev-credentials.json" ] && break; sleep 0.5; done

say "Timing the four queries: $CALLS calls each, $CONCURRENCY at a time, after 50 warm-up calls"
$DATAGEN bench --target "http://127.0.0.1:$GRPC" --credentials "$DIR/dev-credentials.json" --cases "$CASES" --calls "$CALLS" \
  --concurrency "$CONCURRENCY" | tee "$DIR/results/bench.txt"
echo
grep -h -E "^(scale |startup:|first start)" "$DIR/results/startup.txt" "$DIR/results/bench.txt" || true
uptime
