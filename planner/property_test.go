package planner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"quartier/planner"
	"quartier/planner/internal/gen"
)

// TestSolve_RandomInstancesAreValid plans random instances (time zones,
// daylight saving, nights past midnight, fixed sessions, limits…) and
// checks every plan with the independent checker: valid, every request
// exactly once, a reason for each request left out, figures as claimed,
// and never less priority than first-fit.
func TestSolve_RandomInstancesAreValid(t *testing.T) {
	seeds := 300
	if testing.Short() {
		seeds = 60
	}
	for seed := 0; seed < seeds; seed++ {
		in := gen.Random(uint64(seed))
		data := mustJSON(t, in)
		decoded, err := planner.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("seed %d: generated instance invalid: %v", seed, err)
		}
		plan, err := planner.Solve(context.Background(), decoded, planner.Options{Steps: 3000 * int64(len(in.Requests)), Seed: uint64(seed)})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		fig, err := checkPlan(data, mustJSON(t, plan))
		if err != nil {
			t.Fatal(err)
		}
		if len(fig.breaches) > 0 {
			t.Fatalf("seed %d: %d breaches, first: %s", seed, len(fig.breaches), fig.breaches[0])
		}
		if fig.priority != plan.Stats.PriorityAssigned || fig.assigned != plan.Stats.Assigned {
			t.Errorf("seed %d: stats %+v, checker counts %d sessions, priority %d", seed, plan.Stats, fig.assigned, fig.priority)
		}
		if d := plan.Stats.TravelKm - fig.travelKm; d > 0.5 || d < -0.5 {
			t.Errorf("seed %d: stats.travel_km %.1f, checker %.1f", seed, plan.Stats.TravelKm, fig.travelKm)
		}
		base, err := planner.FirstFit(decoded)
		if err != nil {
			t.Fatal(err)
		}
		bfig, _ := checkPlan(data, mustJSON(t, base))
		if len(bfig.breaches) > 0 {
			t.Fatalf("seed %d: first-fit: %s", seed, bfig.breaches[0])
		}
		if fig.priority < bfig.priority {
			t.Errorf("seed %d: solver priority %d < first-fit %d", seed, fig.priority, bfig.priority)
		}
	}
}

// TestSolve_Deterministic plans the same instance twice, once from a
// re-decoded copy, and wants byte-identical plans.
func TestSolve_Deterministic(t *testing.T) {
	for _, seed := range []uint64{3, 17, 42} {
		in := gen.Random(seed)
		data := mustJSON(t, in)
		var outs [2][]byte
		for i := range outs {
			decoded, err := planner.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			plan, err := planner.Solve(context.Background(), decoded, planner.Options{Steps: 50000})
			if err != nil {
				t.Fatal(err)
			}
			outs[i], _ = json.Marshal(plan)
		}
		if !bytes.Equal(outs[0], outs[1]) {
			t.Errorf("seed %d: two runs gave different plans", seed)
		}
	}
}

// TestSolve_ScaledSeasonIsValid plans a doubled season on a small budget.
func TestSolve_ScaledSeasonIsValid(t *testing.T) {
	in, _ := loadInstance(t, "season")
	big, err := gen.Scale(in, 2)
	if err != nil {
		t.Fatal(err)
	}
	data := mustJSON(t, big)
	plan, err := planner.Solve(context.Background(), big, planner.Options{Steps: 2000 * int64(len(big.Requests))})
	if err != nil {
		t.Fatal(err)
	}
	fig := validate(t, data, plan)
	if fig.priority < 2*140 {
		t.Errorf("priority %d on a doubled season, want ≥ 280", fig.priority)
	}
}

// TestSolve_Cancelled returns the context's error, never a partial plan.
func TestSolve_Cancelled(t *testing.T) {
	in, _ := loadInstance(t, "peak")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if plan, err := planner.Solve(ctx, in, planner.Options{}); err == nil || plan != nil {
		t.Fatalf("Solve on a cancelled context = %v, %v; want nil, error", plan, err)
	}
}
