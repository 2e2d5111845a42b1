#!/usr/bin/env bash
# Sets up everything (PostgreSQL included) and runs the platform in the foreground. Ctrl-C stops it.
# Settings: COORD_DATA_DIR (.data), COORD_GRPC_PORT (5080), COORD_PG_PORT (55432), COORD_SILO_PORT
# (11111), and COORD_DB (a full connection string: nothing is installed or started, it is used as is).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/pg.sh

export COORD_DATA_DIR="${COORD_DATA_DIR:-.data}"
mkdir -p "$COORD_DATA_DIR"
COORD_DATA_DIR=$(cd "$COORD_DATA_DIR" && pwd)
export COORD_GRPC_PORT="${COORD_GRPC_PORT:-5080}"
PG_PORT="${COORD_PG_PORT:-55432}"

command -v dotnet >/dev/null || die ".NET SDK 10 not found: install it (https://dot.net) and run ./run.sh again."

if [ -z "${COORD_DB:-}" ]; then
  pg_ensure_installed
  pg_start "$COORD_DATA_DIR/pg" "$PG_PORT"
  if [ "$PG_STARTED_HERE" = 1 ]; then trap pg_stop EXIT; fi
  export COORD_DB="Host=127.0.0.1;Port=$PG_PORT;Username=coord;Database=coord"
else
  say "Using the database in COORD_DB"
fi

say "Building"
dotnet build api/Coordination.Api.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
HOST=(dotnet api/bin/Release/net10.0/Coordination.Api.dll)

say "Applying migrations"
"${HOST[@]}" --migrate-only

say "Starting the platform (first run seeds the Da Nang demo directory)"
echo "    gRPC:              http://127.0.0.1:$COORD_GRPC_PORT  (reflection on; try: grpcurl -plaintext 127.0.0.1:$COORD_GRPC_PORT list)"
echo "    demo credentials:  $COORD_DATA_DIR/dev-credentials.json"
echo "    stop:              Ctrl-C"
# Foreground, so Ctrl-C reaches the host directly and it shuts down cleanly.
COORD_SEED_DEMO=1 "${HOST[@]}"
