# shellcheck shell=bash
# PostgreSQL helpers shared by run.sh and test.sh: install the server from the OS packages when it
# is missing, and run a private cluster on a loopback port (never the system cluster).
# Source this file; it defines functions only.

say() { printf '\033[1m==>\033[0m %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Prints the newest PostgreSQL server bin folder, or nothing.
pg_bin_dir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  done
}

pg_ensure_installed() {
  [ -n "$(pg_bin_dir)" ] && return
  if [ "$(id -u)" -ne 0 ]; then
    die "PostgreSQL server not found: install it with 'sudo apt-get install postgresql', or set COORD_DB to an existing database."
  fi
  command -v apt-get >/dev/null || die "PostgreSQL server not found and apt-get is unavailable: install PostgreSQL 15+ or set COORD_DB."
  say "Installing PostgreSQL from the OS packages (once)"
  # We only ever run private clusters: stop the package from creating and starting its own.
  mkdir -p /etc/postgresql-common
  [ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
  apt-get update -qq >/dev/null || die "apt-get update failed: install PostgreSQL by hand or set COORD_DB."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
    || die "Could not install PostgreSQL (apt-get install postgresql failed): install it by hand or set COORD_DB."
  [ -n "$(pg_bin_dir)" ] || die "PostgreSQL was installed but no server binaries were found under /usr/lib/postgresql."
}

# The OS user that owns and runs the private cluster: ourselves, or 'postgres' when we are root
# (initdb and postgres refuse to run as root).
pg_os_user() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }

pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Resolves where the cluster's files live. Normally "$1" (under the data folder); when the cluster
# owner cannot reach that path (e.g. a checkout under root's private home), a folder under
# /var/lib/coordination-platform keyed by the requested path, with a pointer file left behind.
pg_resolve_dir() {
  local wanted="$1" parent
  mkdir -p "$(dirname "$wanted")"
  parent=$(cd "$(dirname "$wanted")" && pwd)
  if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$parent" 2>/dev/null; then
    echo "$parent/$(basename "$wanted")"
    return
  fi
  local key
  key=$(printf '%s' "$parent/$(basename "$wanted")" | sha256sum | cut -c1-16)
  mkdir -p /var/lib/coordination-platform
  chmod 755 /var/lib/coordination-platform
  echo "/var/lib/coordination-platform/pg-$key" > "$parent/$(basename "$wanted").location"
  echo "/var/lib/coordination-platform/pg-$key"
}

# pg_start DIR PORT [extra postgresql.conf lines...]: initialises (first time) and starts a private
# cluster listening on 127.0.0.1:PORT, with database 'coord' owned by role 'coord'.
pg_start() {
  local dir="$1" port="$2"; shift 2
  local bin; bin=$(pg_bin_dir)
  PG_DATA=$(pg_resolve_dir "$dir")
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    say "Creating a private PostgreSQL cluster in $PG_DATA"
    mkdir -p "$PG_DATA"
    [ "$(id -u)" -eq 0 ] && chown "$(pg_os_user)" "$PG_DATA"
    chmod 700 "$PG_DATA"
    pg_as_owner "$bin/initdb" -D "$PG_DATA" -U coord --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DATA.initdb.log" 2>&1 \
      || { cat "$PG_DATA.initdb.log" >&2; die "initdb failed (log above)"; }
    {
      echo "listen_addresses = '127.0.0.1'"
      echo "unix_socket_directories = ''"
      echo "max_connections = 300"
      echo "timezone = 'UTC'"
      for line in "$@"; do echo "$line"; done
    } | pg_as_owner tee -a "$PG_DATA/postgresql.conf" >/dev/null
  fi
  if pg_as_owner "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    say "PostgreSQL already running ($PG_DATA)"
    PG_STARTED_HERE=0
  else
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "Port $port (PostgreSQL) on 127.0.0.1 is already in use: set ${PG_PORT_VARIABLE:-COORD_PG_PORT} to a free port."
    fi
    say "Starting PostgreSQL on 127.0.0.1:$port"
    local tries=0
    # After a kill -9 the old pid file lingers for a moment and pg_ctl refuses: wait and retry.
    until pg_as_owner "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 -o "-p $port" start >/dev/null 2>&1; do
      tries=$((tries + 1))
      [ "$tries" -ge 10 ] && { tail -n 20 "$PG_DATA/server.log" >&2 || true; die "PostgreSQL did not start (log: $PG_DATA/server.log)"; }
      sleep 1
    done
    PG_STARTED_HERE=1
  fi
  if ! psql -h 127.0.0.1 -p "$port" -U coord -d postgres -tAc "select 1 from pg_database where datname = 'coord'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U coord -d postgres -qc "create database coord" >/dev/null
  fi
}

pg_stop() {
  local bin; bin=$(pg_bin_dir)
  [ -n "${PG_DATA:-}" ] && [ -f "$PG_DATA/PG_VERSION" ] || return 0
  pg_as_owner "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
}
