#!/usr/bin/env bash
# Reproduces the "Planner" table of docs/PERFORMANCE.md: builds quartier,
# plans every reference instance and the 2×, 5× and 10× seasons on one core
# (GOMAXPROCS=1), with the solver and with the first-fit baseline, checks
# every plan with shared/planning/check.py and prints one Markdown row per
# instance: priority, km per session, time and peak memory.
#
# usage: scripts/plan-bench.sh [WORKDIR]     (default: a temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
mkdir -p "$work"
check=${CHECK:-../shared/planning/check.py}
[ -f "$check" ] || { echo "plan-bench: $check not found (set CHECK=path/to/check.py)" >&2; exit 2; }

go build -o "$work/quartier" ./cmd/quartier
go build -o "$work/plangen" ./planner/internal/plangen
cp planner/testdata/small.json planner/testdata/peak.json planner/testdata/season.json "$work/"
for k in 2 5 10; do
	"$work/plangen" -in planner/testdata/season.json -scale "$k" >"$work/season${k}x.json"
done

# Best known figures (shared/planning/instances/README.md); for k× seasons,
# k times the season's priority and the season's km per session.
declare -A best_prio=([small]=20 [peak]=69 [season]=149 [season2x]=298 [season5x]=745 [season10x]=1490)
declare -A best_km=([small]=339.2 [peak]=262.4 [season]=173.7 [season2x]=173.7 [season5x]=173.7 [season10x]=173.7)

# run NAME MODE: plans NAME.json, checks it, prints "priority assigned km seconds KB".
run() {
	local name=$1 mode=$2 flags=()
	[ "$mode" = baseline ] && flags=(--baseline)
	local plan="$work/$name.$mode.plan.json"
	GOMAXPROCS=1 /usr/bin/time -f "%e %M" -o "$work/$name.$mode.time" \
		"$work/quartier" plan --in "$work/$name.json" --out "$plan" "${flags[@]}" 2>/dev/null
	local figures
	if ! figures=$(python3 "$check" "$work/$name.json" "$plan"); then
		echo "plan-bench: $name ($mode): INVALID PLAN" >&2
		echo "$figures" | head -5 >&2
		exit 1
	fi
	# last line: assigned=N priority=P travel_km=K
	local last=${figures##*$'\n'}
	local n p k
	n=$(sed -E 's/.*assigned=([0-9]+).*/\1/' <<<"$last")
	p=$(sed -E 's/.*priority=([0-9]+).*/\1/' <<<"$last")
	k=$(sed -E 's/.*travel_km=([0-9.]+).*/\1/' <<<"$last")
	echo "$p $n $k $(cat "$work/$name.$mode.time")"
}

echo "| instance | priority (best known) | km/session (best known) | vs best | first-fit km/session (priority) | vs first-fit | time | peak memory |"
echo "|---|---|---|---|---|---|---|---|"
for name in small peak season season2x season5x season10x; do
	read -r p n k secs kb < <(run "$name" solver)
	read -r bp bn bk _ _ < <(run "$name" baseline)
	awk -v name="$name" -v p="$p" -v n="$n" -v k="$k" -v s="$secs" -v kb="$kb" \
		-v bp="$bp" -v bn="$bn" -v bk="$bk" -v best_p="${best_prio[$name]}" -v best_k="${best_km[$name]}" 'BEGIN {
		kps = k / n; bkps = bk / bn
		printf "| %s | %d (%d, %.1f %%) | %.1f (%.1f) | %.2f × | %.1f (%d) | %.2f × | %.2f s | %.0f MB |\n",
			name, p, best_p, 100 * p / best_p, kps, best_k, kps / best_k, bkps, bp, kps / bkps, s, kb / 1024
	}'
done
