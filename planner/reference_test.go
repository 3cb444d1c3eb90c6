package planner_test

import (
	"context"
	"testing"

	"quartier/planner"
	"quartier/planner/internal/gen"
)

// kmSlack is the tolerance on travel per session against what the planner
// reaches today: the plan of the default seed is deterministic (the search
// budget is counted, not timed), so the slack only absorbs floating-point
// differences between platforms and neutral changes to the search order;
// other seeds vary by about 3 % (season: 199–205 km/session).
const kmSlack = 1.03

// references holds, for each instance of shared/planning/instances, the
// best known figures of its README and what the planner reaches with the
// default options.
var references = []struct {
	name        string
	bestPrio    int     // best known total priority (README)
	bestKmPerSe float64 // best known km per assigned session (README)
	prio        int     // priority the planner reaches (all of the best known)
	kmPerSe     float64 // km per assigned session the planner reaches
}{
	{"small", 20, 339.2, 20, 350.1},
	{"peak", 69, 262.4, 69, 279.1},
	{"season", 149, 173.7, 149, 200.7},
}

// TestSolve_ReferenceTargets pins the planner's results on the reference
// instances, so that a regression fails: the plan is valid, places the
// priority the planner reaches today (the best known on every instance),
// travels at most kmSlack × the km per session it reaches today, and stays
// within the README's target of 1.3 × the best known km per session. It
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
			switch {
			case fig.priority < ref.prio:
				t.Errorf("priority %d, want %d (reached before; best known %d)", fig.priority, ref.prio, ref.bestPrio)
			case fig.priority > ref.prio:
				// Off-grid starts may beat the 30-minute grid's optimum.
				t.Logf("priority %d, above the %d reached before: update references", fig.priority, ref.prio)
			}
			km := fig.travelKm / float64(fig.assigned)
			if limit := kmSlack * ref.kmPerSe; km > limit {
				t.Errorf("%.1f km/session, want ≤ %.1f (%.2f × the %.1f reached before)", km, limit, kmSlack, ref.kmPerSe)
			}
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

// TestSolve_DenseValid runs the solver on three times the peak's demand
// and team over the same weeks (gen.Dense, the generator of the dense
// benchmark): the plan is valid, and it is never worse than first-fit by
// (priority, then total travel), the order by which the solver, which may
// start from first-fit's plan, accepts a change.
func TestSolve_DenseValid(t *testing.T) {
	in, _ := loadInstance(t, "peak")
	dense, err := gen.Dense(in, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	data := mustJSON(t, dense)
	plan, err := planner.Solve(context.Background(), dense, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fig := validate(t, data, plan)
	base, err := planner.FirstFit(dense)
	if err != nil {
		t.Fatal(err)
	}
	bfig := validate(t, data, base)
	km, bkm := fig.travelKm/float64(fig.assigned), bfig.travelKm/float64(bfig.assigned)
	if fig.priority < bfig.priority || fig.priority == bfig.priority && fig.travelKm > bfig.travelKm {
		t.Errorf("solver: priority %d, %.0f km; first-fit: %d, %.0f km", fig.priority, fig.travelKm, bfig.priority, bfig.travelKm)
	}
	t.Logf("solver: priority %d, %d sessions, %.1f km/session; first-fit: priority %d, %.1f km/session",
		fig.priority, fig.assigned, km, bfig.priority, bkm)
}
