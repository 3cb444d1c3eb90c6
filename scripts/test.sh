#!/usr/bin/env bash
# Runs every test of quartier: unit, HTTP, mail (real local SMTP server),
# iCalendar checked with Mozilla's ical.js, and browser tests in headless
# Chromium with axe-core. Installs what is missing first:
#   - gcc (cgo, for the SQLite driver);
#   - Debian's chromium package (browser tests), through apt-get (needs root or sudo);
#   - Node.js and npm (the ical.js check), through apt-get if absent;
#   - Debian's postgresql package (the PostgreSQL pass), through apt-get.
# Then two passes, run at the same time (each one waits on its database and
# its subprocesses as much as on the CPU, so together they take little more
# than the longer one alone):
#   - SQLite: `go test ./...`, everything, the browser tests included;
#   - PostgreSQL: a throw-away cluster (scripts/pgtmp.sh, stopped on exit)
#     and QUARTIER_TEST_POSTGRES set to it, `go test` on the packages that
#     touch the database (models, handlers, mailer, internal, cmd), without
#     internal/e2e (the browser tests run once, on SQLite).
# QUARTIER_TEST_POSTGRES already set: that server is used, none is started.
# QUARTIER_TEST_PG_PORT (default 25432) is the throw-away cluster's port.
# Arguments are passed to both `go test` runs.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ -z "${QUARTIER_TEST_POSTGRES:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} from Debian's packages…"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
go vet ./...

work=$(mktemp -d)
chmod 755 "$work" # the cluster runs as the postgres user when we are root
pgdir=
cleanup() {
  [ -n "$pgdir" ] && bash scripts/pgtmp.sh stop "$pgdir" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
pg=${QUARTIER_TEST_POSTGRES:-}
if [ -z "$pg" ]; then
  pgdir=$work/pg
  pg=$(bash scripts/pgtmp.sh start "$pgdir" "${QUARTIER_TEST_PG_PORT:-25432}")
fi
pgpkgs=$(go list ./models/... ./handlers/... ./mailer/... ./internal/... ./cmd/... | grep -v '^quartier/internal/e2e$')

# The two passes side by side, each to its own log, shown when it ends.
start=$(date +%s)
env -u QUARTIER_TEST_POSTGRES go test -count=1 -timeout 20m ./... "$@" >"$work/sqlite.log" 2>&1 &
sqlite_pid=$!
QUARTIER_TEST_POSTGRES=$pg go test -count=1 -timeout 20m $pgpkgs "$@" >"$work/postgres.log" 2>&1 &
pg_pid=$!
status=0
wait $sqlite_pid || status=$?
echo "== SQLite pass (everything, browser tests included): $(($(date +%s) - start)) s, exit $status"
cat "$work/sqlite.log"
pgstatus=0
wait $pg_pid || pgstatus=$?
echo "== PostgreSQL pass (models, handlers, mailer, internal, cmd; no browser): $(($(date +%s) - start)) s, exit $pgstatus"
cat "$work/postgres.log"
[ $status -ne 0 ] || status=$pgstatus
exit $status
