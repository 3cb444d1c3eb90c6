#!/usr/bin/env bash
# Reproduces the "Planner" table of docs/PERFORMANCE.md: builds quartier,
# plans every reference instance, the 2×, 5× and 10× seasons laid end to
# end and the dense season (10× the requests and officers over the same
# weeks) on one core (GOMAXPROCS=1), with the solver and with the first-fit
# baseline, checks every plan with shared/planning/check.py and prints two
# Markdown tables: one row per instance with priority, km per session, CPU
# time (user + system) and peak memory; then the solver as ratios to
# first-fit in the same run (no time ratio when first-fit takes under
# 0.05 s: that is the process starting and reading its input).
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
"$work/plangen" -in planner/testdata/season.json -dense 10 -seed 1 >"$work/seasondense10x.json"

# Best known figures (shared/planning/instances/README.md); for k× seasons,
# k times the season's priority and the season's km per session; none for
# the dense season (0: printed as "—").
declare -A best_prio=([small]=20 [peak]=69 [season]=149 [season2x]=298 [season5x]=745 [season10x]=1490 [seasondense10x]=0)
declare -A best_km=([small]=339.2 [peak]=262.4 [season]=173.7 [season2x]=173.7 [season5x]=173.7 [season10x]=173.7 [seasondense10x]=0)
names=(small peak season season2x season5x season10x seasondense10x)

# run NAME MODE: plans NAME.json, checks it, prints "priority assigned km seconds KB".
run() {
	local name=$1 mode=$2 flags=()
	[ "$mode" = baseline ] && flags=(--baseline)
	local plan="$work/$name.$mode.plan.json"
	GOMAXPROCS=1 /usr/bin/time -f "%U %S %M" -o "$work/$name.$mode.time" \
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
	# time: user + system CPU seconds, not wall clock, which on a shared
	# machine counts the other programs' turns too.
	local user sys kb
	read -r user sys kb <"$work/$name.$mode.time"
	echo "$p $n $k $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') $kb"
}

ratios=()
echo "| instance | priority (best known) | km/session (best known) | vs best | first-fit km/session (priority) | vs first-fit | time | peak memory |"
echo "|---|---|---|---|---|---|---|---|"
for name in "${names[@]}"; do
	read -r p n k secs kb < <(run "$name" solver)
	read -r bp bn bk bsecs bkb < <(run "$name" baseline)
	awk -v name="$name" -v p="$p" -v n="$n" -v k="$k" -v s="$secs" -v kb="$kb" \
		-v bp="$bp" -v bn="$bn" -v bk="$bk" -v best_p="${best_prio[$name]}" -v best_k="${best_km[$name]}" 'BEGIN {
		kps = k / n; bkps = bk / bn
		if (best_p > 0)
			printf "| %s | %d (%d, %.1f %%) | %.1f (%.1f) | %.2f × | %.1f (%d) | %.2f × | %.2f s | %.0f MB |\n",
				name, p, best_p, 100 * p / best_p, kps, best_k, kps / best_k, bkps, bp, kps / bkps, s, kb / 1024
		else
			printf "| %s | %d (—) | %.1f (—) | — | %.1f (%d) | %.2f × | %.2f s | %.0f MB |\n",
				name, p, kps, bkps, bp, kps / bkps, s, kb / 1024
	}'
	ratios+=("$(awk -v name="$name" -v p="$p" -v n="$n" -v k="$k" -v s="$secs" -v kb="$kb" \
		-v bp="$bp" -v bn="$bn" -v bk="$bk" -v bs="$bsecs" -v bkb="$bkb" 'BEGIN {
		t = sprintf("%.2f s / %.2f s", s, bs)
		t = bs < 0.05 ? t " (—)" : sprintf("%s = %.0f ×", t, s / bs)
		printf "| %s | %s | %.0f / %.0f MB = %.2f × | %d / %d = %.3f × | %.1f / %.1f = %.2f × |",
			name, t, kb / 1024, bkb / 1024, kb / bkb, p, bp, p / bp, k / n, bk / bn, (k / n) / (bk / bn)
	}')")
done
echo
echo "| instance | time: solver / first-fit | peak memory | priority | km/session |"
echo "|---|---|---|---|---|"
printf '%s\n' "${ratios[@]}"
