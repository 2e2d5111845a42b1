#!/usr/bin/env bash
# Runs every test: buf lint on the contract, then the whole .NET solution against a throwaway
# PostgreSQL cluster (never the run data). Exits non-zero on any failure.
# Settings: COORD_TEST_PG_PORT (55433), COORD_TEST_DATA_DIR (.test-data).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/pg.sh

command -v dotnet >/dev/null || die ".NET SDK 10 not found: install it and run ./test.sh again."

# The Node sample partner's packages (interoperability test) download while the solution builds.
say "Installing the Node sample partner's packages in the background (interoperability test)"
(cd clients/node-partner && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1) &
NPM_PID=$!

# The console's browser tests drive Debian's Chromium (Playwright cannot download its own here).
if [ ! -x "${COORD_CHROMIUM:-/usr/bin/chromium}" ]; then
  [ "$(id -u)" -eq 0 ] || die "Chromium not found: install it with 'sudo apt-get install chromium' (or set COORD_CHROMIUM)."
  say "Installing Chromium from the OS packages (browser tests of the console)"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    || die "Could not install chromium (apt-get install chromium failed)."
fi

TEST_DIR="${COORD_TEST_DATA_DIR:-.test-data}"
PG_PORT="${COORD_TEST_PG_PORT:-55433}"
PG_PORT_VARIABLE=COORD_TEST_PG_PORT
pg_ensure_installed
# A throwaway cluster: fresh every run, fsync off (tests kill hosts, not machines).
if [ -d "$TEST_DIR" ]; then
  PG_DATA=$(pg_resolve_dir "$TEST_DIR/pg"); pg_stop; rm -rf "$PG_DATA" "$TEST_DIR"
fi
mkdir -p "$TEST_DIR"
pg_start "$TEST_DIR/pg" "$PG_PORT" "fsync = off" "full_page_writes = off"
trap 'pg_stop; rm -rf "$PG_DATA" "$TEST_DIR"' EXIT
export COORD_TEST_DB="Host=127.0.0.1;Port=$PG_PORT;Username=coord;Database=postgres"

say "Building"
dotnet build CoordinationPlatform.sln -c Release -nologo -v quiet -clp:ErrorsOnly

say "Linting the contract (buf)"
if ! command -v npx >/dev/null; then
  [ "$(id -u)" -eq 0 ] || die "npx not found: install Node.js and npm."
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
# buf cannot fetch googleapis here: lint against the copies the Google.Api.CommonProtos package ships.
GOOGLE_PROTOS="$(dotnet nuget locals global-packages -l | sed 's/^global-packages: //')/google.api.commonprotos/2.17.0/content/protos/google/api"
[ -f "$GOOGLE_PROTOS/annotations.proto" ] || die "google/api protos not found at $GOOGLE_PROTOS (did the build restore Google.Api.CommonProtos?)"
mkdir -p protos/google/api && cp "$GOOGLE_PROTOS/annotations.proto" "$GOOGLE_PROTOS/http.proto" protos/google/api/
# One run each: the output is shown, the status kept (PIPESTATUS of the buf command itself).
set +e
(cd protos && npx --yes @bufbuild/buf@1 lint 2>&1) | grep -v 'Unknown user config'
lint_status=${PIPESTATUS[0]}
set -e
[ "$lint_status" -eq 0 ] || die "buf lint found problems in protos/ (listed above)"
# Partners already integrated must keep working: the contract may only grow. The baseline is the
# contract as shipped before issue 12 (git tag contract-v1), committed as a buf image so that a clone
# without tags checks the same thing.
say "Checking the contract against contract-v1 (buf breaking)"
set +e
(cd protos && npx --yes @bufbuild/buf@1 breaking --against baseline/contract-v1.binpb 2>&1) | grep -v 'Unknown user config'
breaking_status=${PIPESTATUS[0]}
set -e
[ "$breaking_status" -eq 0 ] || die "buf breaking: protos/ breaks the shipped contract (listed above); change it additively"

wait "$NPM_PID" || die "npm ci failed in clients/node-partner (run it there by hand to see why)"

say "Running the tests"
set +e
dotnet test CoordinationPlatform.sln -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 \
  | tee .test-output.log \
  | grep --line-buffered -E '^\s*(Failed|Skipped) |Error Message|Assert\.|Expected:|Actual:|Total tests|^\s+(Passed|Failed|Skipped): [0-9]+$|Test Run (Successful|Failed)'
status=${PIPESTATUS[0]}
set -e
passed=$(sed -nE 's/^\s+Passed: ([0-9]+)$/\1/p' .test-output.log | awk '{s+=$1} END {print s+0}')
failed=$(sed -nE 's/^\s+Failed: ([0-9]+)$/\1/p' .test-output.log | awk '{s+=$1} END {print s+0}')
echo "$passed passed, $failed failed"
exit "$status"
