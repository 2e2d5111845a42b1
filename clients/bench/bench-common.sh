# Shared by the benchmark scripts (sourced after scripts/pg.sh): a fresh durable PostgreSQL cluster
# and a Release host on it, stopped again on exit.

# bench_prepare DIR PG_PORT: fresh cluster under DIR/pg (fsync and synchronous commit on); sets DB.
bench_prepare() {
  local dir=$1 port=$2
  mkdir -p "$dir/results"
  pg_ensure_installed
  if [ -d "$dir/pg" ]; then PG_DATA=$(pg_resolve_dir "$dir/pg"); pg_stop; rm -rf "$PG_DATA"; fi
  rm -f "$dir/dev-credentials.json"
  pg_start "$dir/pg" "$port"
  DB="Host=127.0.0.1;Port=$port;Username=coord;Database=coord;Maximum Pool Size=200"
}

# bench_start_host DIR GRPC_PORT SILO_PORT HTTP_PORT [LOG]: the Release host with the demo directory and
# the per-credential rate limit lifted; sets HOST_PID (stopped with the cluster on exit) and waits until
# it is ready. Extra environment for the host can be passed in BENCH_HOST_ENV ("NAME=value ...").
bench_start_host() {
  local dir=$1 grpc=$2 silo=$3 http=$4 log=${5:-$1/host.log}
  # shellcheck disable=SC2086
  env COORD_DB="$DB" COORD_GRPC_PORT=$grpc COORD_SILO_PORT=$silo COORD_HTTP_PORT=$http COORD_DATA_DIR="$dir" COORD_SEED_DEMO=1 \
    Logging__LogLevel__Default=Warning Limits__CallsPerSecond=1000000 Limits__Burst=1000000 ${BENCH_HOST_ENV:-} \
    dotnet api/bin/Release/net10.0/Coordination.Api.dll > "$log" 2>&1 &
  HOST_PID=$!
  HOST_PIDS="${HOST_PIDS:-} $HOST_PID"
  trap 'kill $HOST_PIDS 2>/dev/null || true; wait 2>/dev/null || true; pg_stop' EXIT
  for _ in $(seq 1 120); do grep -q "ready" "$log" && break; sleep 0.5; done
  grep -q "ready" "$log" || { cat "$log"; die "host did not start"; }
}
