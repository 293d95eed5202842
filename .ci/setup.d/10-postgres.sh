# PostgreSQL + PostGIS for the store tests (issue 3). Sourced by .ci/run (bash, set -euo pipefail).
#
# Installs Debian's postgresql and postgis (skipped when already there), starts a cluster that
# listens on 127.0.0.1 only, creates the role `ceasefire` (owner of the test database) and the
# database `ceasefire_test` with the postgis extension, then exports
#   CEASEFIRE_TEST_PG_URL=postgresql://ceasefire:ceasefire@127.0.0.1:PORT/ceasefire_test
# Safe to source again: every step checks before it acts. Runs as root (CI and sessions are).

pg_log() { echo "10-postgres: $*"; }

pg_have_postgis() {
  compgen -G "/usr/share/postgresql/*/extension/postgis.control" >/dev/null
}

if ! command -v pg_ctlcluster >/dev/null || ! pg_have_postgis; then
  pg_log "installing postgresql and postgis from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql postgis postgresql-postgis >/dev/null
fi

PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" {found=1} END {exit !found}'; then
  pg_log "creating cluster $PG_VERSION/main"
  pg_createcluster "$PG_VERSION" main -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
fi
# Loopback only, whatever the cluster's configuration file says.
PG_CONF_DIR="/etc/postgresql/$PG_VERSION/main/conf.d"
mkdir -p "$PG_CONF_DIR"
echo "listen_addresses = '127.0.0.1'" > "$PG_CONF_DIR/ceasefire-loopback.conf"
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" && $4 == "online" {found=1} END {exit !found}'; then
  pg_log "starting cluster $PG_VERSION/main"
  pg_ctlcluster "$PG_VERSION" main start
fi
PG_PORT="$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" {print $3}')"

pg_sql() { PGOPTIONS="-c client_min_messages=warning" runuser -u postgres -- psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }

for _ in $(seq 1 30); do  # the server may need a moment after start
  pg_sql -c "SELECT 1" >/dev/null 2>&1 && break
  sleep 1
done
if [ "$(pg_sql -c "SELECT 1 FROM pg_roles WHERE rolname = 'ceasefire'")" != "1" ]; then
  pg_sql -c "CREATE ROLE ceasefire LOGIN PASSWORD 'ceasefire'"
fi
# A role the application would run as in production: may read and insert, never update or
# delete the append-only tables (the tests grant it rights and check the REVOKEs hold).
if [ "$(pg_sql -c "SELECT 1 FROM pg_roles WHERE rolname = 'ceasefire_app'")" != "1" ]; then
  pg_sql -c "CREATE ROLE ceasefire_app NOLOGIN"
fi
pg_sql -c "GRANT ceasefire_app TO ceasefire"
if [ "$(pg_sql -c "SELECT 1 FROM pg_database WHERE datname = 'ceasefire_test'")" != "1" ]; then
  pg_sql -c "CREATE DATABASE ceasefire_test OWNER ceasefire"
fi
pg_sql -d ceasefire_test -c "CREATE EXTENSION IF NOT EXISTS postgis"

export CEASEFIRE_TEST_PG_URL="postgresql://ceasefire:ceasefire@127.0.0.1:${PG_PORT}/ceasefire_test"
pg_log "ready: postgresql $PG_VERSION on 127.0.0.1:$PG_PORT (CEASEFIRE_TEST_PG_URL exported)"
