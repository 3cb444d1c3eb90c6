#!/usr/bin/env bash
# The load run of docs/PERFORMANCE.md: builds quartier once, fills a fresh
# data directory for each dataset (the plain demo, --scale 10, --scale
# 100), starts one `serve` per dataset, each on one core (GOMAXPROCS=1) and
# its own port, and signs in as the demo's admin, coordinator and
# facilitator on each (through the real sign-in links read from the .eml
# files). Then, ROUNDS times, for every signed-in page of every role plus
# /healthz (the baseline of the same run), it runs wrk (2 threads, 16
# connections) on that page on each dataset in turn: the datasets of one
# page are measured seconds apart, so a ratio to the plain demo does not
# compare a quiet minute with a busy one. A page's figure is the median of
# its rounds. It prints, per dataset, each page's p95, requests/s and
# serve's CPU time per request (user + system over the page's run: the
# figure that holds when other programs share the machine), and each
# server's resident memory (idle, peak, and its curve after the run), then
# one table of the datasets with the ratios to the plain demo.
# Needs wrk (apt-get install -y wrk), curl and sqlite3. Loopback only.
#   SCALES="1 10 100"  ROUNDS=3  SECONDS_PER_PAGE=2  IDLE_SAMPLES="0 5 10 20 30"
#   PORT=18080 (the first dataset's; the next ones take the next ports)
#   PAGES=REGEX keeps only the pages it matches (and /healthz), to measure
#   one change quickly; KEEP=DIR keeps each dataset's directory there.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk curl sqlite3; do
  command -v $tool >/dev/null || { echo "$tool is needed (apt-get install -y $tool)" >&2; exit 1; }
done
scales=${SCALES:-1 10 100}
secs=${SECONDS_PER_PAGE:-2}
rounds=${ROUNDS:-3}
idle_samples=${IDLE_SAMPLES:-0 5 10 20 30}
port0=${PORT:-18080}
lua=$PWD/scripts/p95.lua
work=$(mktemp -d)
declare -A pids
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null; done; rm -rf "$work"' EXIT
go build -o "$work/quartier" ./cmd/quartier
results=$work/results.tsv
: >"$results"

# rss, cpu and hwm read serve PID's resident memory (MB), CPU time so far
# (user + system, in clock ticks) and peak resident memory (MB).
rss() { awk '/VmRSS/{printf "%d", $2/1024}' /proc/$1/status; }
cpu() { awk '{print $14 + $15}' /proc/$1/stat; }
hz=$(getconf CLK_TCK)
hwm() { awk '/VmHWM/{printf "%d", $2/1024}' /proc/$1/status; }
# settle waits until serve has answered what wrk left in flight (a page
# slower than the run leaves queued requests that would weigh on the next).
settle() {
  for _ in $(seq 50); do
    [ "$(curl -s -o /dev/null -m 1 -w '%{time_total}' "$base/healthz" | awk '{print ($1 < 0.02)}')" = 1 ] && return
    sleep 0.2
  done
}
csrf() { grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }

# signin EMAIL JAR: signs EMAIL in through the link mailed to it and prints
# the session cookie.
signin() {
  local email=$1 jar=$2 token link before
  before=$(ls "$mail" 2>/dev/null | wc -l)
  token=$(curl -s -c "$jar" -b "$jar" "$base/connexion" | csrf)
  curl -s -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" --data-urlencode "email=$email" "$base/connexion" >/dev/null
  link=
  for _ in $(seq 100); do
    link=$(grep -l -- "$email" $(ls -t "$mail"/*.eml | head -5) 2>/dev/null | head -1 | xargs -r grep -ho 'http[^" <>]*/connexion/lien/[A-Za-z0-9_-]*' | head -1) || true
    [ -n "$link" ] && [ "$(ls "$mail" | wc -l)" -gt "$before" ] && break
    link=; sleep 0.1
  done
  [ -n "$link" ] || { echo "no sign-in link for $email" >&2; exit 1; }
  token=$(curl -s -c "$jar" -b "$jar" "$link" | csrf)
  curl -s -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" -o /dev/null "$link"
  awk '$6 == "quartier_session" {print $7}' "$jar"
}

i=0
for k in $scales; do
  dir=$work/scale$k
  mail=$dir/mail
  port=$((port0 + i)); i=$((i + 1))
  base=http://127.0.0.1:$port
  mkdir -p "$dir"
  echo "$port" >"$dir/port"
  export QUARTIER_SERVER_LISTEN=127.0.0.1:$port QUARTIER_SERVER_BASE_URL=$base \
    QUARTIER_DATABASE_DSN=$dir/quartier.db QUARTIER_MAIL_DIR=$mail
  "$work/quartier" demo --scale "$k" >"$dir/demo.out" 2>&1
  db=$dir/quartier.db
  GOMAXPROCS=1 "$work/quartier" serve >"$dir/serve.out" 2>"$dir/serve.log" &
  pids[$k]=$!
  for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done
  sleep 3 # the outbox sends the demo's queued messages

  admin=$(sed -n 's/.*"admin": "\(.*\)".*/\1/p' "$dir/demo.json")
  coord=$(sed -n 's/.*"coordinator": "\(.*\)".*/\1/p' "$dir/demo.json" | head -1)
  facil=$(sed -n 's/.*"facilitator": "\(.*\)".*/\1/p' "$dir/demo.json" | head -1)
  signin "$admin" "$dir/jar.admin" >"$dir/session.admin"
  signin "$coord" "$dir/jar.coord" >"$dir/session.coordinator"
  signin "$facil" "$dir/jar.facil" >"$dir/session.facilitator"
  : >"$dir/session.anonymous"

  # The demo's own rows: the same ids on every dataset, so each page is
  # the same page at every scale.
  q() { sqlite3 "file:$db?mode=ro" "$1"; }
  coord_id=$(q "SELECT id FROM users WHERE email = '$coord'")
  facil_id=$(q "SELECT id FROM users WHERE email = '$facil'")
  creq=$(q "SELECT MAX(r.id) FROM requests r JOIN clsms c ON c.id = r.clsm_id WHERE c.coordinator_id = $coord_id AND r.state <> 'draft'")
  cdraft=$(q "SELECT MAX(r.id) FROM requests r JOIN clsms c ON c.id = r.clsm_id WHERE c.coordinator_id = $coord_id AND r.state IN ('draft', 'changes_requested')")
  clsm=$(q "SELECT clsm_id FROM requests WHERE created_by = $coord_id LIMIT 1")
  areq=$(q "SELECT MAX(id) FROM requests WHERE clsm_id = $clsm AND state <> 'draft'")
  season=$(q "SELECT id FROM seasons WHERE is_current")
  msg=$(q "SELECT MIN(id) FROM outbox_messages WHERE payload LIKE '%\"html\":%'")

  pages="anonymous /healthz
admin /tableau-de-bord
admin /admin/demandes
admin /admin/demandes/$areq
admin /admin/personnes
admin /admin/personnes/nouvelle
admin /admin/personnes/$facil_id
admin /admin/clsm
admin /admin/clsm/nouveau
admin /admin/clsm/$clsm
admin /admin/recherche/clsm?q=de
admin /admin/recherche/coordination?q=an
admin /admin/saisons
admin /admin/saisons/$season
admin /admin/qpv
admin /admin/courriels
admin /admin/courriels/$msg
admin /admin/courriels/$msg/html
admin /admin/calendriers
coordinator /tableau-de-bord
coordinator /demandes
coordinator /demandes/nouvelle
coordinator /demandes/$creq
coordinator /demandes/$cdraft/modifier
facilitator /tableau-de-bord
facilitator /calendrier
facilitator /calendrier/mois
facilitator /calendrier/disponibilites
facilitator /calendrier/exceptions
facilitator /calendrier/occupations
facilitator /calendrier/import
facilitator /calendrier/flux"
  if [ -n "${PAGES:-}" ]; then
    pages=$(grep -E -- "/healthz\$|${PAGES}" <<<"$pages")
  fi
  echo "$pages" >"$dir/pages"
  echo "$(rss ${pids[$k]})" >"$dir/idle"
  echo "== scale $k: $(tail -1 "$dir/demo.out")"
  for role in admin coordinator facilitator anonymous; do
    s=$(cat "$dir/session.$role")
    while read -r r page; do
      [ "$r" = "$role" ] || continue
      code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: quartier_session=$s" "$base$page")
      [ "$code" = 200 ] || { echo "scale $k: $role $page: status $code" >&2; exit 1; }
    done <"$dir/pages"
  done
done

# The measure: round after round, each page on every dataset in turn.
raw=$work/raw.tsv
: >"$raw"
first=$(awk '{print $1; exit}' <<<"$scales")
npages=$(wc -l <"$work/scale$first/pages")
echo "== measuring: $npages pages × $(wc -w <<<"$scales") datasets × $rounds rounds, ${secs} s each"
for round in $(seq "$rounds"); do
  for n in $(seq "$npages"); do
    for k in $scales; do
      dir=$work/scale$k
      base=http://127.0.0.1:$(cat "$dir/port")
      pid=${pids[$k]}
      read -r role page < <(sed -n "${n}p" "$dir/pages")
      s=$(cat "$dir/session.$role")
      c0=$(cpu $pid)
      out=$(wrk -t2 -c16 -d"${secs}s" --timeout 10s -s "$lua" -H "Cookie: quartier_session=$s" "$base$page" | grep '^p95_us')
      c1=$(cpu $pid)
      p95=$(awk '{printf "%.1f", $2/1000}' <<<"$out"); rps=$(awk '{print $4}' <<<"$out"); bad=$(awk '{print $6}' <<<"$out")
      # serve's CPU per request: what the page costs whatever else runs on
      # the machine (p95 and req/s also count the waits for a core).
      cpums=$(awk -v c="$((c1 - c0))" -v hz="$hz" -v r="$rps" -v d="$secs" 'BEGIN { printf "%.2f", (r > 0 ? c * 1000 / hz / (r * d) : 0) }')
      [ "$bad" = 0 ] || echo "  ($bad non-2xx or failed requests on $page at scale $k)" >&2
      # Pages are named by route in the summary, so ids may differ.
      route=$(sed -E 's#/[0-9]+(/|$)#/:id\1#' <<<"$page")
      printf '%s\t%s %s\t%s\t%s\t%s\t%s\n' "$k" "$role" "$route" "$p95" "$rps" "$cpums" "$page" >>"$raw"
      settle
    done
  done
done

# After the run: every server's peak, then its resident memory as it idles.
for k in $scales; do hwm ${pids[$k]} >"$work/scale$k/peak"; : >"$work/scale$k/curve"; done
last=0
for t in $idle_samples; do sleep $((t - last)); last=$t; for k in $scales; do printf ' %ss:%s' "$t" "$(rss ${pids[$k]})" >>"$work/scale$k/curve"; done; done

# Medians of the rounds, per dataset and page, in the pages' order.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
results=$work/results.tsv
: >"$results"
for k in $scales; do
  dir=$work/scale$k
  echo "== scale $k: median of $rounds rounds"
  printf '%-12s %-32s %9s %9s %9s\n' role page p95_ms req/s cpu_ms/req
  while read -r role page; do
    route=$(sed -E 's#/[0-9]+(/|$)#/:id\1#' <<<"$page")
    sel() { awk -F'\t' -v k="$k" -v r="$role $route" -v c="$1" '$1 == k && $2 == r { print $c }' "$raw"; }
    p95=$(sel 3 | median); rps=$(sel 4 | median); cpums=$(sel 5 | median)
    printf '%-12s %-32s %9.1f %9.1f %9.2f\n' "$role" "$page" "$p95" "$rps" "$cpums"
    printf '%s\t%s %s\t%.1f\t%.1f\t%.2f\n' "$k" "$role" "$route" "$p95" "$rps" "$cpums" >>"$results"
  done <"$dir/pages"
  echo "serve RSS (MB): idle $(cat "$dir/idle"), peak (VmHWM) $(cat "$dir/peak"), after the run:$(cat "$dir/curve")"
  printf '%s\trss\t%s\t%s\t%s\n' "$k" "$(cat "$dir/idle")" "$(cat "$dir/peak")" "$(cat "$dir/curve")" >>"$results"
done
for k in $scales; do kill ${pids[$k]}; wait ${pids[$k]} 2>/dev/null || true; done
pids=()
if [ -n "${KEEP:-}" ]; then
  for k in $scales; do mkdir -p "$KEEP" && rm -rf "$KEEP/scale$k" && cp -r "$work/scale$k" "$KEEP/scale$k"; done
  cp "$raw" "$KEEP/raw.tsv"
fi

echo
echo "== summary: p95 in ms (ratio to the plain demo), requests/s"
awk -F'\t' -v scales="$scales" '
  BEGIN { n = split(scales, ks, " ") }
  $2 == "rss" { rss[$1] = "idle " $3 " MB, peak " $4 " MB, after:" $5; next }
  { if (!($2 in seen)) { seen[$2] = 1; order[++m] = $2 } p95[$1, $2] = $3; rps[$1, $2] = $4; cms[$1, $2] = $5 }
  END {
    printf "| page |"; for (i = 1; i <= n; i++) printf " p95 ×%s |", ks[i]
    for (i = 2; i <= n; i++) printf " ratio ×%s |", ks[i]
    printf " req/s"; for (i = 1; i <= n; i++) printf " ×%s", ks[i]
    printf " | CPU ms/req"; for (i = 1; i <= n; i++) printf " ×%s", ks[i]
    printf " |\n|---|"; for (i = 1; i <= 2 * n + 1; i++) printf "---|"; print ""
    for (j = 1; j <= m; j++) {
      pg = order[j]; printf "| %s |", pg
      for (i = 1; i <= n; i++) printf " %s |", p95[ks[i], pg]
      for (i = 2; i <= n; i++) printf " %.2f |", p95[ks[i], pg] / (p95[ks[1], pg] > 0 ? p95[ks[1], pg] : 1)
      printf " "; for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? " / " : ""), rps[ks[i], pg]
      printf " | "; for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? " / " : ""), cms[ks[i], pg]
      print " |"
    }
    for (i = 1; i <= n; i++) printf "serve RSS at ×%s: %s\n", ks[i], rss[ks[i]]
  }' "$results"
