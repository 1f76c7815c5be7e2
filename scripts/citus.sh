#!/usr/bin/env bash
# Citus for the scale-out rehearsal (docs/scale.md): build it from a source tarball when it is missing, and run a
# throwaway local cluster — a coordinator and two workers on loopback ports of their own, never 5432.
#
#   scripts/citus.sh build TARBALL [PATCH]   install citus.so into the server's lib dir if missing (Debian, root)
#   scripts/citus.sh can-run TARBALL         exit 0 if the cluster can run here (Citus installed, or buildable);
#                                            else print why not and exit 1
#   scripts/citus.sh start                   start (or reuse) the cluster under var/citus; prints its DATABASE_URL
#   scripts/citus.sh stop                    stop it and delete its data
#   scripts/citus.sh url                     the coordinator's DATABASE_URL
#   scripts/citus.sh db NAME                 (re)create database NAME on every node, sharded by schema; its URL
#
# Ports: CITUS_PORT (coordinator, default 5441), then +1 and +2 for the workers.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="${CITUS_DIR:-$REPO/var/citus}"
PORT="${CITUS_PORT:-5441}"
PG_BIN="$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)"
[ -x "$PG_BIN/initdb" ] || PG_BIN=/usr/lib/postgresql/15/bin
RUN_AS=()
[ "$(id -u)" = 0 ] && RUN_AS=(runuser -u postgres --)

installed() { [ -f "$("$PG_BIN/pg_config" --pkglibdir 2>/dev/null || pg_config --pkglibdir)/citus.so" ]; }

build() {
  local tarball="$1" patch="${2:-}"
  if installed; then echo "citus already installed"; return; fi
  [ -f "$tarball" ] || { echo "error: no Citus source tarball at $tarball" >&2; exit 2; }
  # Absolute paths: the build below runs from inside the unpacked tree.
  tarball="$(realpath "$tarball")"; [ -z "$patch" ] || patch="$(realpath "$patch")"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    missing=""
    for p in postgresql-server-dev-15 libcurl4-openssl-dev liblz4-dev libzstd-dev libkrb5-dev; do
      dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
    if [ -n "$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null; fi
  fi
  local root src; root="$(mktemp -d)"; src="$root"
  tar xzf "$tarball" -C "$src"
  # The tarball may or may not wrap its tree in one folder.
  [ -f "$src/configure" ] || src="$(dirname "$(find "$src" -maxdepth 2 -name configure | head -1)")"
  if [ -n "$patch" ]; then (cd "$src" && patch -p1 < "$patch" >/dev/null); fi
  # with_llvm=no: no JIT bitcode (it doubles the build time and the cluster runs without JIT inlining of Citus)
  (cd "$src" && ./configure --quiet >/dev/null && make -s -j"$(nproc)" with_llvm=no >/dev/null \
    && make -s install with_llvm=no >/dev/null)
  rm -rf "$root"
  installed && echo "citus installed"
}

can_run() {
  local tarball="${1:-}"
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "no PostgreSQL 15 server binaries here ($PG_BIN/initdb): Citus 13.2 needs them"; return 1
  fi
  installed && return 0
  [ -f "$tarball" ] || { echo "Citus is not installed and there is no source tarball at ${tarball:-(none given)}"; return 1; }
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "Citus is not installed and building it needs root and apt-get (scripts/citus.sh build, docs/scale.md)"; return 1
  fi
}

node_start() {  # dir port
  local dir="$1" port="$2"
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"; [ "$(id -u)" = 0 ] && chown postgres "$dir" "$BASE"
    "${RUN_AS[@]}" "$PG_BIN/initdb" -D "$dir" -A trust -U postgres --locale=C.UTF-8 -E UTF8 >/dev/null
    cat >> "$dir/postgresql.conf" <<CONF
shared_preload_libraries = 'citus'
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
wal_level = logical
max_connections = 200
max_locks_per_transaction = 1024
citus.enable_unsafe_triggers = on
CONF
  fi
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/log" -w status >/dev/null 2>&1 \
    || "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/log" -w start >/dev/null
}

psql_on() { PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -p "$1" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAtc "$2"; }

start() {
  installed || { echo "error: Citus is not installed: scripts/citus.sh build TARBALL [PATCH]" >&2; exit 2; }
  mkdir -p "$BASE"
  for i in 0 1 2; do node_start "$BASE/node$i" "$((PORT + i))"; done
  for i in 0 1 2; do psql_on "$((PORT + i))" "CREATE EXTENSION IF NOT EXISTS citus" ; done
  psql_on "$PORT" "SELECT citus_set_coordinator_host('127.0.0.1', $PORT)" >/dev/null
  for i in 1 2; do
    psql_on "$PORT" "SELECT 1 FROM pg_dist_node WHERE nodeport = $((PORT + i))" | grep -q 1 \
      || psql_on "$PORT" "SELECT citus_add_node('127.0.0.1', $((PORT + i)))" >/dev/null
  done
  url
}

stop() {
  for i in 0 1 2; do
    [ -f "$BASE/node$i/PG_VERSION" ] && "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$BASE/node$i" -m fast -w stop >/dev/null 2>&1 || true
  done
  rm -rf "$BASE"
}

url() { echo "postgresql://postgres@127.0.0.1:$PORT/${1:-postgres}"; }

# A database of its own on the cluster (the tests' one, dropped and made again): the extension on every node,
# the workers registered in it, and every schema created in it distributed (each commune's).
db() {
  local name="$1" on
  for i in 0 1 2; do
    on=$((PORT + i))
    psql_on "$on" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$name'" >/dev/null
    psql_on "$on" "DROP DATABASE IF EXISTS \"$name\"" && psql_on "$on" "CREATE DATABASE \"$name\""
    PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -p "$on" -U postgres -d "$name" -v ON_ERROR_STOP=1 -qAtc "CREATE EXTENSION citus"
  done
  sql_in() { PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -p "$PORT" -U postgres -d "$name" -v ON_ERROR_STOP=1 -qAtc "$1" >/dev/null; }
  sql_in "SELECT citus_set_coordinator_host('127.0.0.1', $PORT)"
  for i in 1 2; do sql_in "SELECT citus_add_node('127.0.0.1', $((PORT + i)))"; done
  sql_in "ALTER DATABASE \"$name\" SET citus.enable_schema_based_sharding = on"
  url "$name"
}

case "${1:-}" in
  build) shift; build "$@" ;;
  can-run) shift; can_run "$@" ;;
  start) start ;;
  stop) stop ;;
  url) url ;;
  db) db "${2:?database name}" ;;
  *) sed -n '2,10p' "$0"; exit 2 ;;
esac
