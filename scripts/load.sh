#!/usr/bin/env bash
# Load run of the demo's pages: builds quartier, starts it on a fresh demo
# database, signs in as the demo admin (through the real sign-in link), then
# runs wrk against each page and prints req/s and latency percentiles, and
# the server's resident memory idle and after the run.
# Needs wrk (apt-get install -y wrk). Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
work=$(mktemp -d)
port=${PORT:-18080}
base=http://127.0.0.1:$port
go build -o "$work/quartier" ./cmd/quartier
export QUARTIER_SERVER_LISTEN=127.0.0.1:$port QUARTIER_SERVER_BASE_URL=$base \
  QUARTIER_DATABASE_DSN=$work/q.db QUARTIER_MAIL_DIR=$work/mail
"$work/quartier" serve --demo >"$work/serve.out" 2>"$work/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done
sleep 3 # let the outbox send the demo's welcome messages
echo "idle: $(grep VmRSS /proc/$pid/status)"

admin=$(sed -n 's/.*"admin": "\(.*\)".*/\1/p' "$work/demo.json")
jar=$work/jar
csrf() { grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
token=$(curl -s -c "$jar" -b "$jar" "$base/connexion" | csrf)
curl -s -c "$jar" -b "$jar" -d "csrf_token=$token&email=$admin" "$base/connexion" >/dev/null
sleep 3
link=$(grep -o 'http[^" ]*/connexion/lien/[^" ]*' "$(ls -t "$work"/mail/*.eml | head -1)" | head -1)
token=$(curl -s -c "$jar" -b "$jar" "$link" | csrf)
curl -s -c "$jar" -b "$jar" -d "csrf_token=$token" -o /dev/null "$link"
session=$(awk '$6 == "quartier_session" {print $7}' "$jar")

printf '%-24s %10s %9s %9s %9s\n' page req/s p50 p90 p99
for page in /healthz / /connexion /tableau-de-bord /admin/demandes /admin/personnes /admin/clsm/1 /admin/calendriers /admin/courriels; do
  wrk -t1 -c4 -d${SECONDS_PER_PAGE:-4}s --latency -H "Cookie: quartier_session=$session" "$base$page" |
    awk -v p="$page" '/Requests\/sec/{r=$2} /^ +50%/{a=$2} /^ +90%/{b=$2} /^ +99%/{c=$2} /Non-2xx/{bad=" (non-2xx answers!)"}
      END{printf "%-24s %10s %9s %9s %9s%s\n", p, r, a, b, c, bad}'
done
echo "after: $(grep -E 'VmRSS|VmHWM' /proc/$pid/status | tr '\n' ' ')"
