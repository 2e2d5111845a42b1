#!/usr/bin/env bash
# Sets up everything (PostgreSQL included) and runs the platform and the people's console until
# Ctrl-C, which stops both. Settings: COORD_DATA_DIR (.data), COORD_GRPC_PORT (5080), COORD_PG_PORT
# (55432), COORD_SILO_PORT (11111), COORD_CONSOLE_PORT (5090), and COORD_DB (a full connection
# string: nothing is installed or started, it is used as is).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/pg.sh

export COORD_DATA_DIR="${COORD_DATA_DIR:-.data}"
mkdir -p "$COORD_DATA_DIR"
COORD_DATA_DIR=$(cd "$COORD_DATA_DIR" && pwd)
export COORD_GRPC_PORT="${COORD_GRPC_PORT:-5080}"
export COORD_CONSOLE_PORT="${COORD_CONSOLE_PORT:-5090}"
PG_PORT="${COORD_PG_PORT:-55432}"

command -v dotnet >/dev/null || die ".NET SDK 10 not found: install it (https://dot.net) and run ./run.sh again."

if [ -z "${COORD_DB:-}" ]; then
  pg_ensure_installed
  pg_start "$COORD_DATA_DIR/pg" "$PG_PORT"
  if [ "$PG_STARTED_HERE" = 1 ]; then trap pg_stop EXIT; fi  # replaced by stop_all once the processes start
  export COORD_DB="Host=127.0.0.1;Port=$PG_PORT;Username=coord;Database=coord"
else
  say "Using the database in COORD_DB"
fi

say "Building"
dotnet build api/Coordination.Api.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build clients/Coordination.Console/Coordination.Console.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
# The coord CLI too, so the README's `coord` examples work against this host right away.
dotnet build clients/Coordination.Cli/Coordination.Cli.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
HOST=(dotnet api/bin/Release/net10.0/Coordination.Api.dll)
CONSOLE=(dotnet clients/Coordination.Console/bin/Release/net10.0/coord-console.dll)

say "Applying migrations"
"${HOST[@]}" --migrate-only

say "Starting the platform (first run seeds the Da Nang demo directory) and the console"
echo "    console:           http://127.0.0.1:$COORD_CONSOLE_PORT  (sign in with a demo username and password below)"
echo "    gRPC:              http://127.0.0.1:$COORD_GRPC_PORT  (reflection on; try: grpcurl -plaintext 127.0.0.1:$COORD_GRPC_PORT list)"
echo "    demo credentials:  $COORD_DATA_DIR/dev-credentials.json"
echo "    stop:              Ctrl-C"
COORD_SEED_DEMO=1 "${HOST[@]}" &
HOST_PID=$!
COORD_PLATFORM_URL="http://127.0.0.1:$COORD_GRPC_PORT" "${CONSOLE[@]}" &
CONSOLE_PID=$!
stop_all() {
  kill -TERM "$HOST_PID" "$CONSOLE_PID" 2>/dev/null || true
  wait "$HOST_PID" "$CONSOLE_PID" 2>/dev/null || true
  if [ "${PG_STARTED_HERE:-0}" = 1 ]; then pg_stop; fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# Once the demo credentials are written, say how to sign in as the demo coordinator.
for _ in $(seq 1 120); do
  if command -v python3 >/dev/null && [ -f "$COORD_DATA_DIR/dev-credentials.json" ] && grep -q '"password"' "$COORD_DATA_DIR/dev-credentials.json"; then
    python3 - "$COORD_DATA_DIR/dev-credentials.json" "$COORD_CONSOLE_PORT" <<'PY' || true
import json, sys
users = json.load(open(sys.argv[1], encoding="utf-8"))["users"]
pick = {u["username"]: u for u in users if u.get("username")}
print(f"==> Console ready at http://127.0.0.1:{sys.argv[2]} — demo sign-ins (all in dev-credentials.json):")
for name in ["coordinator", "hai-chau-1-vice-chair", "hai-chau-1-officer", "hai-chau-1-police-liaison"]:
    if name in pick:
        print(f"    {name:28} {pick[name]['password']}   ({pick[name]['displayName']})")
PY
    break
  fi
  kill -0 "$HOST_PID" 2>/dev/null || break
  sleep 1
done
# Runs until Ctrl-C, or until either process ends (then the other is stopped too).
wait -n "$HOST_PID" "$CONSOLE_PID"
