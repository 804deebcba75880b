#!/usr/bin/env bash
# A throwaway PostgreSQL server for bench-history, from Debian's postgresql package:
#
#   eval "$(tests/bench/pg-bench-server.sh start DIR)"   # sets PG_BENCH_URI and PGPASSWORD
#   _build/tests/bench/bench-history --backend postgresql --uri "$PG_BENCH_URI" --rows N
#   tests/bench/pg-bench-server.sh stop DIR              # stops it and removes DIR
#
# DIR must not exist yet. The server listens on 127.0.0.1 only, at a free port, with one role
# "verifydesk" and a random password. As root it runs as "nobody" (PostgreSQL refuses root).
set -euo pipefail

bindir="${VD_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
action="${1:-}"
dir="${2:-}"

if [ -z "$action" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  as_owner=(runuser -u nobody --)
fi

case "$action" in
  start)
    if [ -e "$dir" ]; then
      echo "$dir exists: give a new folder" >&2
      exit 1
    fi
    mkdir -p "$dir"
    chmod 700 "$dir"
    [ "$(id -u)" -eq 0 ] && chown nobody: "$dir"
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    printf %s "$password" > "$dir/password"
    [ "$(id -u)" -eq 0 ] && chown nobody: "$dir/password"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U verifydesk --auth=scram-sha-256 \
      --pwfile="$dir/password" --no-locale -E UTF8 >"$dir/initdb.log"
    rm -f "$dir/password"
    # A little more cache than the default: the store's indexes at a million rows fit in it,
    # as SQLite's page cache holds its upper levels.
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
      -o "-p $port -h 127.0.0.1 -k $dir -c shared_buffers=256MB" start >/dev/null
    PGPASSWORD="$password" "$bindir/psql" -X -q -h 127.0.0.1 -p "$port" -U verifydesk \
      -d postgres -c "CREATE DATABASE verifydesk" >/dev/null
    echo "export PG_BENCH_URI='postgresql://verifydesk@127.0.0.1:$port/verifydesk'"
    echo "export PGPASSWORD='$password'"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -w -m fast stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
