#!/usr/bin/env bash
# Runs every test of quartier: unit, HTTP, mail (real local SMTP server),
# iCalendar checked with Mozilla's ical.js, and browser tests in headless
# Chromium with axe-core. Installs what is missing first:
#   - gcc (cgo, for the SQLite driver);
#   - Debian's chromium package (browser tests), through apt-get (needs root or sudo);
#   - Node.js and npm (the ical.js check), through apt-get if absent.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
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
go test -count=1 -timeout 20m ./... "$@"
