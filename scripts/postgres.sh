#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests (docs/store.md):
#   scripts/postgres.sh start    initdb (once) + start; prints the URL. Idempotent: prints the URL when running.
#   scripts/postgres.sh url      prints the URL of the running server (exit 1 when none runs)
#   scripts/postgres.sh status   exit 0 when running, 1 otherwise
#   scripts/postgres.sh stop     stops it and deletes the cluster. Idempotent.
# The cluster lives in $HIRELM_PG_DIR (default ${TMPDIR:-/tmp}/hirelm-pg-<uid>), listens on 127.0.0.1 only
# (port 55432, or the next free one), trusts every local login (throwaway data only!), keeps fsync on, and
# has a role and database `hirelm` (the role may CREATE DATABASE, so each test makes its own).
# As root the server runs as user `postgres` (initdb refuses root); otherwise as ourselves.
set -euo pipefail

dir="${HIRELM_PG_DIR:-${TMPDIR:-/tmp}/hirelm-pg-$(id -u)}"
data="$dir/data"
bin="${HIRELM_PG_BIN:-}"
if [ -z "$bin" ]; then
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do bin="$d"; break; done
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "postgres.sh: no PostgreSQL server binaries (apt-get install postgresql, or set HIRELM_PG_BIN)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

url() { echo "postgresql://hirelm@127.0.0.1:$(cat "$dir/port")/hirelm"; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  if running; then url; return; fi
  mkdir -p "$dir"
  chmod 700 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"
    as_owner "$bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C --auth=trust >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    {
      echo "listen_addresses = '127.0.0.1'"
      echo "unix_socket_directories = '$dir'"
      echo "fsync = on"
      echo "max_connections = 200"
    } | as_owner tee -a "$data/postgresql.conf" >/dev/null
    # Local socket and 127.0.0.1 only; nothing from other hosts.
    printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_owner tee "$data/pg_hba.conf" >/dev/null
  fi
  local port="${HIRELM_PG_PORT:-55432}"
  while port_in_use "$port"; do port=$((port + 1)); done
  echo "$port" | as_owner tee "$dir/port" >/dev/null
  as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -o "-p $port" -w -t 60 start >/dev/null ||
    { tail -20 "$dir/server.log" >&2; exit 1; }
  as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q >/dev/null <<'SQL'
SELECT 'CREATE ROLE hirelm LOGIN CREATEDB' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hirelm')
\gexec
SELECT 'CREATE DATABASE hirelm OWNER hirelm' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'hirelm')
\gexec
SQL
  url
}

stop() {
  if running; then as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) running || { echo "postgres.sh: not running" >&2; exit 1; }; url ;;
  status) running ;;
  *) echo "usage: scripts/postgres.sh start|stop|url|status" >&2; exit 2 ;;
esac
