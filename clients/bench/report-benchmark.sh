#!/usr/bin/env bash
# Report benchmark (issue 11): loads CASES cases and 3 tasks each over three years straight into a
# fresh PostgreSQL cluster of its own (COPY, not the API; data in .bench-reports/, never the test or
# run data), starts the Release host on it, times GetReport for the city and one ward over a quarter
# (p50/p95, and p95 of each statistic's queries from the host's log), then exports 100,000 case rows
# (time, and the host's peak memory). Usage: clients/bench/report-benchmark.sh [CASES]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pg.sh
source clients/bench/bench-common.sh

CASES=${1:-1000000}
DIR=.bench-reports
PG_PORT_VARIABLE=COORD_BENCH_PG_PORT
bench_prepare "$DIR" "${COORD_BENCH_PG_PORT:-55462}"

say "Building"
[ -n "${COORD_BENCH_SKIP_BUILD:-}" ] || dotnet build CoordinationPlatform.sln -c Release -nologo -v quiet -clp:ErrorsOnly
export Logging__LogLevel__Coordination=Information

say "Starting the host (migrations, working-day calendar, demo directory)"
bench_start_host "$DIR" 5480 11480 5481

say "Generating $CASES cases and $((CASES * 3)) tasks over three years (COPY)"
/usr/bin/time -v dotnet clients/Coordination.ReportBench/bin/Release/net10.0/coord-report-bench.dll generate --db "$DB" --cases "$CASES" --tasks-per-case 3 --wards 100 \
  2> "$DIR/results/generate.time" | tee "$DIR/results/generate.txt"
psql -h 127.0.0.1 -p "${COORD_BENCH_PG_PORT:-55462}" -U coord -d coord -Atc "select relname, n_live_tup, pg_size_pretty(pg_total_relation_size(relid)) from pg_stat_user_tables where relname in ('rm_cases','case_events','case_steps','rm_tasks','reminders') order by 1" | tee "$DIR/results/tables.txt"

say "Timing GetReport: city and one ward, quarter 2026-Q3, 20 runs each after 2 warm-up"
: > "$DIR/host-reports.log"
start_line=$(wc -l < "$DIR/host.log")
dotnet clients/Coordination.ReportBench/bin/Release/net10.0/coord-report-bench.dll measure --target http://127.0.0.1:5480 \
  --credentials "$DIR/dev-credentials.json" --quarter 2026-Q3 --ward wards/bench-w001 --runs 20 | tee "$DIR/results/measure.txt"
tail -n +"$((start_line + 1))" "$DIR/host.log" | grep "computed in" > "$DIR/host-reports.log" || true
python3 - "$DIR/host-reports.log" <<'PY' | tee "$DIR/results/sections.txt"
import re, sys, math
rows = {}
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.search(r"Report (\S+) (\S+) computed in ([\d.]+) ms \((.*)\)", line)
    if not m: continue
    scope = m.group(1)
    for part in m.group(4).split(", "):
        k, v = part.split("=")
        rows.setdefault((scope, k), []).append(float(v))
for (scope, k), v in sorted(rows.items()):
    v = sorted(v[2:]) if len(v) > 2 else sorted(v)
    p95 = v[min(len(v) - 1, math.ceil(0.95 * len(v)) - 1)]
    print(f"{scope:24} {k:12} p50 {v[len(v)//2]:8.1f} ms  p95 {p95:8.1f} ms  ({len(v)} runs)")
PY

say "Exporting about 100,000 case rows (cases reported 1 March to 18 June 2026, open and closed)"
COORD="dotnet clients/Coordination.Cli/bin/Release/net10.0/coord.dll"
grep -E "VmRSS|VmHWM" /proc/$HOST_PID/status | tee "$DIR/results/rss-before.txt"
for format in xlsx csv; do
  /usr/bin/time -f "%e s elapsed (client)" $COORD cases export --target http://127.0.0.1:5480 --credentials "$DIR/dev-credentials.json" \
    --scope city --from 2026-03-01 --to 2026-06-18 --include-closed --format $format --out "$DIR/results/cases.$format" 2>&1 | tail -n 3 | tee -a "$DIR/results/export.txt"
  grep -E "VmRSS|VmHWM" /proc/$HOST_PID/status | tee -a "$DIR/results/rss-after.txt"
done
ls -l "$DIR/results/"
