#!/usr/bin/env bash
# The people's console under load: a fresh durable PostgreSQL, the Release host and console, CASES
# cases opened through the contract, PEOPLE people signed in browsing their home page, the case
# list and case pages for SECONDS seconds. Prints p50/p95/p99 server time and first-load weight per page.
# Usage: clients/bench/console-benchmark.sh [cases=100000] [people=50] [seconds=60] [think-ms=1000]   (figures go to docs/benchmarks.md by hand)
# think-ms: each person waits half to one and a half times this between two pages.
# cases=0 reuses the cases of the previous run (its database is kept in .bench-console/).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pg.sh
source clients/bench/bench-common.sh

CASES="${1:-100000}"
PEOPLE="${2:-50}"
SECONDS_="${3:-60}"
THINK_MS="${4:-1000}"
BENCH_DIR=.bench-console
PG_PORT="${COORD_BENCH_PG_PORT:-55436}"
GRPC_PORT=5480
CONSOLE_PORT=5490
if [ "$CASES" = 0 ] && [ -d "$BENCH_DIR/pg" ]; then
  pg_ensure_installed
  pg_start "$BENCH_DIR/pg" "$PG_PORT"
  DB="Host=127.0.0.1;Port=$PG_PORT;Username=coord;Database=coord;Maximum Pool Size=200"
else
  bench_prepare "$BENCH_DIR" "$PG_PORT"
fi

say "Building (Release)"
for p in api/Coordination.Api.csproj clients/Coordination.Console/Coordination.Console.csproj clients/Coordination.ConsoleBench/Coordination.ConsoleBench.csproj; do
  dotnet build "$p" -c Release -nologo -v quiet -clp:ErrorsOnly
done

say "Starting the host and the console"
bench_start_host "$BENCH_DIR" "$GRPC_PORT" 11490 5481
COORD_PLATFORM_URL="http://127.0.0.1:$GRPC_PORT" COORD_CONSOLE_PORT=$CONSOLE_PORT COORD_DATA_DIR="$BENCH_DIR" Logging__LogLevel__Default=Warning \
  dotnet clients/Coordination.Console/bin/Release/net10.0/coord-console.dll > "$BENCH_DIR/console.log" 2>&1 &
CONSOLE_PID=$!
trap 'kill $HOST_PID $CONSOLE_PID 2>/dev/null || true; wait 2>/dev/null || true; pg_stop' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$CONSOLE_PORT/healthz" >/dev/null && break; sleep 0.5; done

say "$CASES cases, $PEOPLE people, $SECONDS_ s, think time $THINK_MS ms"
dotnet clients/Coordination.ConsoleBench/bin/Release/net10.0/coord-console-bench.dll \
  --console "http://127.0.0.1:$CONSOLE_PORT" --target "http://127.0.0.1:$GRPC_PORT" --credentials "$BENCH_DIR/dev-credentials.json" \
  --cases "$CASES" --people "$PEOPLE" --duration "$SECONDS_" --think-ms "$THINK_MS" --output "$BENCH_DIR/results/console.json"
echo "read model: $(psql -h 127.0.0.1 -p "$PG_PORT" -U coord -d coord -Atc "select count(*) from rm_cases") cases"
echo "console RSS: $(ps -o rss= -p $CONSOLE_PID | awk '{printf "%.0f MB", $1/1024}'), host RSS: $(ps -o rss= -p $HOST_PID | awk '{printf "%.0f MB", $1/1024}')"
