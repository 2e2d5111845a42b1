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

# bench_start_host DIR GRPC_PORT SILO_PORT HTTP_PORT: the Release host with the demo directory and the
# per-credential rate limit lifted; sets HOST_PID (stopped with the cluster on exit) and waits until it is ready.
bench_start_host() {
  local dir=$1 grpc=$2 silo=$3 http=$4
  COORD_DB="$DB" COORD_GRPC_PORT=$grpc COORD_SILO_PORT=$silo COORD_HTTP_PORT=$http COORD_DATA_DIR="$dir" COORD_SEED_DEMO=1 \
    Logging__LogLevel__Default=Warning Limits__CallsPerSecond=1000000 Limits__Burst=1000000 \
    dotnet api/bin/Release/net10.0/Coordination.Api.dll > "$dir/host.log" 2>&1 &
  HOST_PID=$!
  trap 'kill $HOST_PID 2>/dev/null || true; wait 2>/dev/null || true; pg_stop' EXIT
  for _ in $(seq 1 120); do grep -q "ready" "$dir/host.log" && break; sleep 0.5; done
  grep -q "ready" "$dir/host.log" || { cat "$dir/host.log"; die "host did not start"; }
}
