#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 for the tests (and for trying team mode).
#
#     eval "$(bash .ci/postgres.sh)"     # starts it, then exports QTC_TEST_POSTGRESQL_URL
#     bash .ci/postgres.sh stop          # stops it and removes its data
#
# Installs Debian's postgresql package when no server is on the machine (as root, unless
# QTC_PG_NO_INSTALL is set), keeps
# its data in $QTC_PG_DIR (default /tmp/qtc-postgresql), listens only on 127.0.0.1:$QTC_PG_PORT
# (default 54329) with trust authentication for local connections, and creates the role
# `qtc` and the database `qtc_test`. fsync is off: this server is for tests, not for data.
# Everything it says goes to stderr; stdout carries only the export line.
set -euo pipefail
PORT="${QTC_PG_PORT:-54329}"
DIR="${QTC_PG_DIR:-/tmp/qtc-postgresql}"

say() { echo "postgres: $*" >&2; }

bindir() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$found" ] && command -v pg_config >/dev/null 2>&1; then
        found=$(pg_config --bindir)
    fi
    echo "$found"
}

as_owner() {  # initdb and postgres refuse to run as root
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

BIN=$(bindir)
if [ "${1:-start}" = stop ]; then
    if [ -n "$BIN" ] && [ -f "$DIR/data/postmaster.pid" ]; then
        as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >&2 || true
    fi
    rm -rf "$DIR"
    exit 0
fi

if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    if [ "$(id -u)" != 0 ] || [ -n "${QTC_PG_NO_INSTALL:-}" ]; then
        say "no PostgreSQL server here; install Debian's postgresql package (or run this as root)"
        exit 1
    fi
    say "installing Debian's postgresql package"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    BIN=$(bindir)
fi

if ! as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    rm -rf "$DIR"
    mkdir -p "$DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$DIR"; fi
    as_owner "$BIN/initdb" -D "$DIR/data" --auth=trust --username=postgres --encoding=UTF8 \
        --locale=C.UTF-8 >/dev/null
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >&2
    psql_() { "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
    psql_ -c "CREATE ROLE qtc LOGIN CREATEDB" >&2
    # The tests drop their databases WITH (FORCE), which ends sessions a leaked engine left open.
    psql_ -c "GRANT pg_signal_backend TO qtc" >&2
    psql_ -c "CREATE DATABASE qtc_test OWNER qtc" >&2
    say "server started on 127.0.0.1:$PORT (data in $DIR)"
else
    say "server already running on 127.0.0.1:$PORT"
fi
echo "export QTC_TEST_POSTGRESQL_URL=postgresql+psycopg://qtc@127.0.0.1:$PORT/qtc_test"
