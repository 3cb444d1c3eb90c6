#!/bin/sh
# Regenerates territory/communes.tsv.gz from the pinned npm packages.
# Needs node/npm (registry access) and Go. Run from anywhere; `go generate
# ./territory/` calls it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund
go run . -in "$here/node_modules" -out "$here/../../territory/communes.tsv.gz"
