#!/usr/bin/env bash
# The durable write path of tasks against PostgreSQL itself, in one run: durable task transitions
# next to pgbench -N at the same concurrency (16, 64), once per commit_delay setting (group commit:
# commit_siblings = 5), then the history scenario (p50 of a change at ~10 vs ~1,000 entries).
# Usage: clients/bench/run-write-path.sh [duration-seconds] [commit_delay µs ...]   (default: 15 0 200 1000)
# Ports: COORD_BENCH_PG_PORT (55435), COORD_BENCH_GRPC_PORT (5280); the figures to compare are the
# ratios within one run, as the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pg.sh
source clients/bench/bench-common.sh

DURATION="${1:-15}"
shift || true
if [ $# -gt 0 ]; then DELAYS=("$@"); else DELAYS=(0 200 1000); fi
BENCH_DIR=.bench-data/write-path
PG_PORT="${COORD_BENCH_PG_PORT:-55435}"
GRPC_PORT="${COORD_BENCH_GRPC_PORT:-5280}"
bench_prepare "$BENCH_DIR" "$PG_PORT"

say "Building (Release)"
dotnet build api/Coordination.Api.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build clients/Coordination.LoadGen/Coordination.LoadGen.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
LOADGEN=(dotnet clients/Coordination.LoadGen/bin/Release/net10.0/coord-loadgen.dll)

say "Starting the host"
bench_start_host "$BENCH_DIR" "$GRPC_PORT" $((GRPC_PORT + 6010)) $((GRPC_PORT + 1))
BIN=$(pg_bin_dir)
SQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U coord -d postgres -qAt)
"${SQL[@]}" -c "create database pgbench" >/dev/null
"$BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U coord -i -s 10 -q pgbench >/dev/null 2>&1

for delay in "${DELAYS[@]}"; do
  say "commit_delay = $delay µs, commit_siblings = 5"
  "${SQL[@]}" -c "alter system set commit_delay = $delay" -c "alter system set commit_siblings = 5" -c "select pg_reload_conf()" >/dev/null
  for c in 16 64; do
    "${LOADGEN[@]}" run --scenario transitions --concurrency "$c" --duration "$DURATION" --target "http://127.0.0.1:$GRPC_PORT" \
      --credentials "$BENCH_DIR/dev-credentials.json" --output "$BENCH_DIR/results/transitions-c$c-d$delay.json" | grep -E "^scenario"
    tps=$("$BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U coord -N -c "$c" -j 2 -T "$DURATION" pgbench 2>/dev/null | grep -E "^tps" | grep -oE "[0-9]+\.[0-9]+" | head -1)
    moved=$(python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['TotalPerSecond']))" "$BENCH_DIR/results/transitions-c$c-d$delay.json")
    echo "RESULT delay=$delay c=$c transitions/s=$moved pgbench_tps=$tps ratio=$(python3 -c "print(f'{$moved/$tps:.0%}')")"
  done
done
"${SQL[@]}" -c "alter system reset commit_delay" -c "alter system reset commit_siblings" -c "select pg_reload_conf()" >/dev/null

say "History: p50 of a change at ~10 and at ~1,000 entries"
"${LOADGEN[@]}" run --scenario history --concurrency 4 --events 1000 --target "http://127.0.0.1:$GRPC_PORT" \
  --credentials "$BENCH_DIR/dev-credentials.json" --output "$BENCH_DIR/results/history.json" | tail -4
