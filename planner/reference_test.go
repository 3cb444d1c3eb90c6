package planner_test

import (
	"context"
	"testing"

	"quartier/planner"
)

// reference holds the best known figures of shared/planning/instances/README.md.
var references = []struct {
	name        string
	bestPrio    int     // best known total priority
	minPrio     int     // 99 % of it, rounded up (the target)
	bestKmPerSe float64 // best known km per assigned session
}{
	{"small", 20, 20, 339.2},
	{"peak", 69, 69, 262.4},
	{"season", 149, 148, 173.7},
}

// TestSolve_ReferenceTargets is the definition of done: on every reference
// instance the plan is valid, places at least 99 % of the best known
// priority and travels at most 1.3 × the best known km per session. It
// logs the improvement over the first-fit baseline.
func TestSolve_ReferenceTargets(t *testing.T) {
	for _, ref := range references {
		t.Run(ref.name, func(t *testing.T) {
			in, data := loadInstance(t, ref.name)
			plan, err := planner.Solve(context.Background(), in, planner.Options{})
			if err != nil {
				t.Fatal(err)
			}
			fig := validate(t, data, plan)
			if fig.priority < ref.minPrio {
				t.Errorf("priority %d, want ≥ %d (best known %d)", fig.priority, ref.minPrio, ref.bestPrio)
			}
			km := fig.travelKm / float64(fig.assigned)
			if limit := 1.3 * ref.bestKmPerSe; km > limit {
				t.Errorf("%.1f km/session, want ≤ %.1f (1.3 × best known %.1f)", km, limit, ref.bestKmPerSe)
			}
			base, err := planner.FirstFit(in)
			if err != nil {
				t.Fatal(err)
			}
			bfig := validate(t, data, base)
			bkm := bfig.travelKm / float64(bfig.assigned)
			t.Logf("solver: priority %d/%d, %d sessions, %.1f km/session (%.2f × best known); first-fit: priority %d, %.1f km/session; solver/first-fit km/session = %.2f",
				fig.priority, ref.bestPrio, fig.assigned, km, km/ref.bestKmPerSe, bfig.priority, bkm, km/bkm)
			if d := plan.Stats.TravelKm - fig.travelKm; d > 1 || d < -1 {
				t.Errorf("stats.travel_km %.1f, checker measures %.1f", plan.Stats.TravelKm, fig.travelKm)
			}
		})
	}
}
