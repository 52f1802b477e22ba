#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (issue 14): `pg_cluster.sh start|stop|url DIR`.
#
#   start DIR  initdb a cluster in DIR (if not there yet), start it listening on a unix socket in DIR only (no TCP),
#              trust authentication, UTF-8 with C.UTF-8 collation (text sorts by code point, as in SQLite);
#              prints the server URL to use as STATION_APP_TEST_PG_URL.
#   url DIR    prints that URL again.
#   stop DIR   stops the server (the directory is left for the caller to delete).
#
# PG_PASSWORD=secret (optional): password authentication (scram-sha-256) instead of trust, with that password for the
# superuser; the printed URL never holds it (give it in PGPASSWORD or ~/.pgpass).
#
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` system user (Debian's postgresql
# package makes it), which then owns DIR. As any other user it runs as that user.
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
if [ -z "$cmd" ] || [ -z "$dir" ]; then
    echo "usage: $0 start|stop|url DIR" >&2
    exit 2
fi

find_bin() {
    if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/initdb" ]; then echo "$PG_BIN"; return; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
    # Debian keeps the server binaries out of PATH, one folder per major version: take the newest.
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
    echo "initdb not found: install Debian's postgresql package (or set PG_BIN)" >&2
    exit 1
}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "${PG_USER:-postgres}" -- "$@"
    else
        "$@"
    fi
}

owner_name() {
    if [ "$(id -u)" -eq 0 ]; then echo "${PG_USER:-postgres}"; else id -un; fi
}

url() {
    local abs
    abs="$(cd "$dir" && pwd)"
    # libpq takes a socket directory as host; the path is percent-encoded in the host part.
    local host
    host="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$abs/run")"
    echo "postgresql+psycopg://$(owner_name)@/postgres?host=$host"
}

case "$cmd" in
start)
    bin="$(find_bin)"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown "${PG_USER:-postgres}" "$dir"
    fi
    abs="$(cd "$dir" && pwd)"
    if [ ! -f "$abs/data/PG_VERSION" ]; then
        auth=(-A trust)
        if [ -n "${PG_PASSWORD:-}" ]; then
            printf '%s\n' "$PG_PASSWORD" >"$abs/pwfile"
            chmod 600 "$abs/pwfile"
            if [ "$(id -u)" -eq 0 ]; then chown "${PG_USER:-postgres}" "$abs/pwfile"; fi
            auth=(-A scram-sha-256 --pwfile="$abs/pwfile")
        fi
        as_owner "$bin/initdb" -D "$abs/data" "${auth[@]}" -E UTF8 --locale=C.UTF-8 -U "$(owner_name)" >"$abs/initdb.log" 2>&1 \
            || { rm -f "$abs/pwfile"; cat "$abs/initdb.log" >&2; exit 1; }
        rm -f "$abs/pwfile"
    fi
    as_owner mkdir -p "$abs/run"
    # fsync off: a test cluster is thrown away; durability on a real hub is the server's configuration.
    as_owner "$bin/pg_ctl" -D "$abs/data" -l "$abs/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$abs/run' -c fsync=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { cat "$abs/server.log" >&2; exit 1; }
    url
    ;;
stop)
    bin="$(find_bin)"
    abs="$(cd "$dir" && pwd)"
    if [ -f "$abs/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$abs/data" -m fast -w stop >/dev/null
    fi
    ;;
url)
    url
    ;;
*)
    echo "usage: $0 start|stop|url DIR" >&2
    exit 2
    ;;
esac
