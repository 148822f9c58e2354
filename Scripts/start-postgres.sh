#!/usr/bin/env bash
# Starts Debian's PostgreSQL for the tests (installing it when missing) and makes the role and database they
# use; prints the server's URL, which the tests read from COGNATE_TEST_POSTGRES_URL. Nothing may be running
# already on a fresh machine, so this does not assume it.
set -euo pipefail
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
if ! command -v pg_lsclusters >/dev/null; then
    echo "==> postgresql: the backend several Cognate nodes share" >&2
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
fi
read -r version cluster port status _ < <(pg_lsclusters --no-header | head -1)
if [ -z "${version:-}" ]; then
    version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
    cluster=main
    $sudo pg_createcluster "$version" "$cluster" >&2
    read -r version cluster port status _ < <(pg_lsclusters --no-header | head -1)
fi
if [ "$status" != "online" ]; then $sudo pg_ctlcluster "$version" "$cluster" start >&2; fi
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
for _ in $(seq 1 50); do as_postgres psql -p "$port" -qAt -c "SELECT 1" >/dev/null 2>&1 && break; sleep 0.2; done
as_postgres psql -p "$port" -qAt -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cognate') THEN
    CREATE ROLE cognate LOGIN CREATEDB PASSWORD 'cognate'; END IF; END \$\$;" >&2
if ! as_postgres psql -p "$port" -qAt -c "SELECT 1 FROM pg_database WHERE datname = 'cognate'" | grep -q 1; then
    as_postgres psql -p "$port" -qAt -c "CREATE DATABASE cognate OWNER cognate" >&2
fi
echo "postgres://cognate:cognate@127.0.0.1:$port/cognate?sslmode=disable"
