#!/usr/bin/env bash
# Start a local PostgreSQL server with PostGIS for the ledger tests (idempotent).
#
# Installs the Debian packages postgresql + postgis when missing, creates/starts the newest
# cluster, a role `landkit` and a database `landkit_test` with the postgis extension, then
# prints one line on stdout:
#
#     export LANDKIT_TEST_PG_URL=postgresql://landkit:landkit@127.0.0.1:PORT/landkit_test
#
# Use:  eval "$(bash .ci/start-postgis.sh)"
# Runs as root (CI) or as a user with sudo. Logs go to stderr. Safe to run many times.
set -euo pipefail

log() { echo "start-postgis: $*" >&2; }
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

PG_USER=${LANDKIT_PG_ROLE:-landkit}
PG_PASS=${LANDKIT_PG_PASSWORD:-landkit}
PG_DB=${LANDKIT_PG_DB:-landkit_test}

have_postgis() {
    ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 && command -v pg_ctlcluster >/dev/null
}

if ! have_postgis; then
    log "installing postgresql + postgis (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq postgresql postgis >&2
fi

# newest server version that has postgis
VER=""
for d in $(ls -d /usr/lib/postgresql/*/ | sort -V); do
    v=$(basename "$d")
    if [ -f "/usr/share/postgresql/$v/extension/postgis.control" ]; then VER=$v; fi
done
if [ -z "$VER" ]; then
    log "no PostgreSQL version with the postgis extension found"; exit 1
fi

$SUDO install -d -o postgres -g postgres -m 2775 /var/run/postgresql

if ! pg_lsclusters -h | awk -v v="$VER" '$1==v && $2=="main" {found=1} END {exit !found}'; then
    log "creating cluster $VER/main"
    $SUDO pg_createcluster "$VER" main >&2
fi
STATUS=$(pg_lsclusters -h | awk -v v="$VER" '$1==v && $2=="main" {print $4}')
if [ "$STATUS" != "online" ]; then
    log "starting cluster $VER/main"
    $SUDO pg_ctlcluster "$VER" main start >&2
fi
PORT=$(pg_lsclusters -h | awk -v v="$VER" '$1==v && $2=="main" {print $3}')

# wait until it accepts connections
for _ in $(seq 1 30); do
    if $SUDO runuser -u postgres -- pg_isready -q -p "$PORT"; then break; fi
    sleep 1
done

psql_pg() { $SUDO runuser -u postgres -- psql -p "$PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }

if [ "$(psql_pg -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != "1" ]; then
    log "creating role $PG_USER"
    psql_pg -c "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASS'" >&2
fi
if [ "$(psql_pg -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != "1" ]; then
    log "creating database $PG_DB"
    psql_pg -c "CREATE DATABASE $PG_DB OWNER $PG_USER" >&2
fi
psql_pg -d "$PG_DB" -c "CREATE EXTENSION IF NOT EXISTS postgis" >&2

URL="postgresql://$PG_USER:$PG_PASS@127.0.0.1:$PORT/$PG_DB"
log "PostgreSQL $VER with PostGIS ready on port $PORT, database $PG_DB"
echo "export LANDKIT_TEST_PG_URL=$URL"
