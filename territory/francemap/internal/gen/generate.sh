#!/bin/sh
# Regenerates territory/francemap/outlines_gen.go from the pinned npm
# packages. Needs node/npm (registry access) and Go. Run from anywhere;
# `go generate ./territory/francemap/` calls it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund
cd "$here/../../../.."
go run ./territory/francemap/internal/gen -in "$here/node_modules" -out territory/francemap/outlines_gen.go
