package planner_test

import (
	"context"
	"testing"

	"quartier/planner"
	"quartier/planner/internal/gen"
)

// denseSeed is the seed of the dense instance of the benchmarks and of
// scripts/plan-bench.sh (plangen's default).
const denseSeed = 1

// denseSeason returns ten times the season's requests and facilitators
// over the same weeks (gen.Dense).
func denseSeason(b *testing.B) *planner.Instance {
	in, _ := loadInstance(b, "season")
	dense, err := gen.Dense(in, 10, denseSeed)
	if err != nil {
		b.Fatal(err)
	}
	return dense
}

func benchSolve(b *testing.B, name string) {
	in, _ := loadInstance(b, name)
	solveLoop(b, in)
}

func solveLoop(b *testing.B, in *planner.Instance) {
	b.ReportAllocs()
	var plan *planner.Plan
	for b.Loop() {
		var err error
		if plan, err = planner.Solve(context.Background(), in, planner.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	reportPlan(b, plan)
}

func benchFirstFit(b *testing.B, name string) {
	in, _ := loadInstance(b, name)
	firstFitLoop(b, in)
}

func firstFitLoop(b *testing.B, in *planner.Instance) {
	b.ReportAllocs()
	var plan *planner.Plan
	for b.Loop() {
		var err error
		if plan, err = planner.FirstFit(in); err != nil {
			b.Fatal(err)
		}
	}
	reportPlan(b, plan)
}

// reportPlan adds the plan's figures to the benchmark line, so that solver
// and baseline can be compared side by side.
func reportPlan(b *testing.B, plan *planner.Plan) {
	b.ReportMetric(float64(plan.Stats.PriorityAssigned), "priority")
	b.ReportMetric(float64(plan.Stats.Assigned), "sessions")
	b.ReportMetric(kmPerSession(plan), "km/session")
}

// BenchmarkSolve_Small times the solver on the small reference instance.
func BenchmarkSolve_Small(b *testing.B) { benchSolve(b, "small") }

// BenchmarkSolve_Peak times the solver on the peak reference instance.
func BenchmarkSolve_Peak(b *testing.B) { benchSolve(b, "peak") }

// BenchmarkSolve_Season times the solver on the season reference instance.
func BenchmarkSolve_Season(b *testing.B) { benchSolve(b, "season") }

// BenchmarkFirstFit_Season times the first-fit baseline on season.
func BenchmarkFirstFit_Season(b *testing.B) { benchFirstFit(b, "season") }

// BenchmarkFirstFit_Peak times the first-fit baseline on peak.
func BenchmarkFirstFit_Peak(b *testing.B) { benchFirstFit(b, "peak") }

// BenchmarkSolve_SeasonDense10x times the solver on ten times the season's
// demand and team over the same weeks (about 13 s per plan on one core:
// use -benchtime 1x).
func BenchmarkSolve_SeasonDense10x(b *testing.B) { solveLoop(b, denseSeason(b)) }

// BenchmarkFirstFit_SeasonDense10x times the first-fit baseline on the
// dense season.
func BenchmarkFirstFit_SeasonDense10x(b *testing.B) { firstFitLoop(b, denseSeason(b)) }
