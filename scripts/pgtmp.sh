#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL cluster for tests and the
# scale-out setup, from Debian's postgresql package.
#   bash scripts/pgtmp.sh start DIR PORT   prints the server's URL
#   bash scripts/pgtmp.sh stop DIR
# The cluster lives in DIR (created), listens on 127.0.0.1:PORT only, trusts
# local connections and skips fsync: it holds nothing worth keeping. As
# root, initdb and the server run as the postgres user (PostgreSQL refuses
# to run as root).
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?directory}

bindir=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && bindir=$d; done
if [ -z "$bindir" ]; then
  echo "PostgreSQL is not installed: apt-get install postgresql" >&2
  exit 1
fi

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case $cmd in
start)
  port=${3:?port}
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  # The port may be held for a moment by a client connection's ephemeral
  # port (TIME-WAIT, up to a minute on Linux): try again for a while.
  for try in $(seq 15); do
    as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null && break
    if [ $try = 15 ] || ! tail -5 "$dir/server.log" | grep -q 'Address already in use'; then
      cat "$dir/server.log" >&2; exit 1
    fi
    sleep 5
  done
  echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  ;;
stop)
  [ -f "$dir/data/postmaster.pid" ] && as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  ;;
*)
  echo "usage: pgtmp.sh start DIR PORT | stop DIR" >&2
  exit 2
  ;;
esac
