#!/usr/bin/env bash
# Fault and soak scenarios of docs/RELIABILITY.md, end to end on a clean
# checkout, without a browser:
#   1. the Go fault tests against the real binary (each builds quartier and
#      runs `serve --demo` as a subprocess): kill -9 during concurrent
#      sign-ups, SMTP down then back, disk full (RLIMIT_FSIZE), database
#      locked (held BEGIN IMMEDIATE), backup while writing then restore;
#   2. the soak: quartier built and started on a fresh demo, 100 users on
#      the busiest pages and sign-ups for --soak (30s by default; 10m for
#      the documented run), memory sampled every 5 s, a backup taken in
#      the middle and restored into a scratch database, then a graceful
#      stop. Traffic stays on 127.0.0.1.
# Usage: scripts/faults.sh [--soak 10m] [--users 100] [--no-tests] [--no-soak]
set -euo pipefail
cd "$(dirname "$0")/.."

soak=30s users=100 tests=1 dosoak=1
while [ $# -gt 0 ]; do
  case "$1" in
    --soak) soak=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --no-tests) tests=0; shift ;;
    --no-soak) dosoak=0; shift ;;
    *) echo "usage: $0 [--soak DURATION] [--users N] [--no-tests] [--no-soak]" >&2; exit 2 ;;
  esac
done

if [ "$tests" = 1 ]; then
  echo "== fault scenarios (Go tests against the real binary)"
  log=$(mktemp)
  set +e
  go test -count=1 -timeout 10m -v \
    -run 'TestFaults_|TestBackupWhileWritingThenRestore' ./cmd/quartier/ ./handlers/ >"$log" 2>&1
  rc=$?
  set -e
  grep -E '^(--- |ok|FAIL|panic)|faults_test.go' "$log" | grep -v 'level=' || true
  if [ $rc -ne 0 ]; then echo "fault scenarios failed (full output: $log)"; exit $rc; fi
  rm -f "$log"
fi

[ "$dosoak" = 1 ] || exit 0
echo "== soak: $users users for $soak"
work=$(mktemp -d)
port=${PORT:-18090}
base=http://127.0.0.1:$port
go build -o "$work/quartier" ./cmd/quartier
go build -o "$work/soak" ./scripts/soak
export QUARTIER_SERVER_LISTEN=127.0.0.1:$port QUARTIER_SERVER_BASE_URL=$base \
  QUARTIER_DATABASE_DSN=$work/q.db QUARTIER_MAIL_DIR=$work/mail \
  QUARTIER_SIGNUPS_POSTS_PER_LINK=1000000
"$work/quartier" serve --demo >"$work/serve.out" 2>"$work/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
sleep 2 # let the outbox send the demo's messages

# A backup in the middle of the soak: consistent while the writes go on.
secs=$(awk -v d="$soak" 'BEGIN{n=d+0; if (d ~ /m$/) n*=60; if (d ~ /h$/) n*=3600; print int(n/2)}')
( sleep "$secs"; "$work/quartier" backup --out "$work/mid-soak.db" >"$work/backup.out" 2>&1 ) &
backup=$!

status=0
"$work/soak" -base "$base" -manifest "$work/demo.json" -mail "$work/mail" -users "$users" \
  -duration "$soak" -pid "$pid" -sample 5s || status=$?
wait $backup || { echo "backup during the soak failed:"; cat "$work/backup.out"; status=1; }
cat "$work/backup.out"
if QUARTIER_DATABASE_DSN=$work/restored.db "$work/quartier" restore --from "$work/mid-soak.db" >"$work/restore.out" 2>&1; then
  echo "restore of the mid-soak backup: ok ($(grep -o 'schema version [0-9]*' "$work/restore.out"))"
else
  echo "restore of the mid-soak backup failed:"; cat "$work/restore.out"; status=1
fi
kill -TERM $pid; wait $pid || { echo "serve did not stop cleanly"; status=1; }
if grep -q 'level=ERROR' "$work/serve.log"; then
  echo "serve logged errors:"; grep 'level=ERROR' "$work/serve.log" | head -20; status=1
fi
exit $status
