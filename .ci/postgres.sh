#!/usr/bin/env bash
# A private PostgreSQL server for the service's tests: a new cluster in a temporary
# folder, run by the `postgres` user (initdb refuses root), listening on 127.0.0.1 only.
#   source .ci/postgres.sh start   -> exports TWINSCHEDULE_TEST_POSTGRES_URL
#   .ci/postgres.sh stop DIR        -> stops the cluster in DIR and removes it
set -euo pipefail
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
case "${1:-start}" in
start)
  PGDIR=$(mktemp -d /tmp/twinschedule-pg.XXXXXX)
  PGPORT=${PGPORT:-$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}
  AS=""
  if [ "$(id -u)" = 0 ]; then chown postgres "$PGDIR"; AS="runuser -u postgres --"; fi
  $AS "$BIN/initdb" -D "$PGDIR/data" -U twinschedule --auth=trust -E UTF8 >/dev/null
  $AS "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off" start >/dev/null
  export TWINSCHEDULE_TEST_PGDIR="$PGDIR"
  export TWINSCHEDULE_TEST_POSTGRES_URL="postgresql://twinschedule@127.0.0.1:$PGPORT/postgres"
  echo "PostgreSQL in $PGDIR: $TWINSCHEDULE_TEST_POSTGRES_URL"
  ;;
stop)
  PGDIR=$2
  AS=""; [ "$(id -u)" = 0 ] && AS="runuser -u postgres --"
  $AS "$BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null || true
  rm -rf "$PGDIR"
  ;;
esac
