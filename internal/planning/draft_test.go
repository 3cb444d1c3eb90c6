package planning_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"quartier/internal/dbtest"
	"quartier/internal/demo"
	"quartier/internal/planning"
	"quartier/models"
	"quartier/territory"
)

// demoStore seeds the plain demo at a fixed date and returns the store,
// the directory, the current season and the admin.
func demoStore(t testing.TB, now time.Time) (*models.Store, *territory.Directory, models.Season, models.User) {
	t.Helper()
	ctx := context.Background()
	s, err := models.Open(dbtest.DSN(t), models.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	geo, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	m, err := demo.Seed(ctx, demo.Deps{Store: s, Geo: geo, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	se, err := s.CurrentSeason(ctx)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := s.UserByEmail(ctx, m.Accounts.Admin)
	if err != nil {
		t.Fatal(err)
	}
	return s, geo, se, admin
}

// TestSolve_DemoPlacesThreeRequestsInTwoCLSMs is the demo's promise to the
// planning page: from today to the season's end, the planner places at
// least three accepted requests of at least two CLSMs; the timelines add up
// to the plan's travel; every alternative offered is accepted by Move and
// a slot not offered is refused.
func TestSolve_DemoPlacesThreeRequestsInTwoCLSMs(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC),
		time.Date(2027, 3, 2, 9, 0, 0, 0, time.UTC),
	} {
		t.Run(now.Format(time.DateOnly), func(t *testing.T) {
			ctx := context.Background()
			s, geo, se, _ := demoStore(t, now)
			to := se.EndsOn.AddDate(0, 0, 1)
			run, err := planning.Solve(ctx, s, geo, se.ID, now, to)
			if err != nil {
				t.Fatal(err)
			}
			if len(run.Plan.Assignments) < 3 {
				t.Fatalf("placed %d requests, want ≥ 3; unassigned %+v", len(run.Plan.Assignments), run.Plan.Unassigned)
			}
			clsms := map[int64]bool{}
			for _, a := range run.Plan.Assignments {
				r, err := s.RequestByID(ctx, run.Index.Requests[a.Request].ID)
				if err != nil {
					t.Fatal(err)
				}
				clsms[r.CLSMID] = true
			}
			if len(clsms) < 2 {
				t.Errorf("placed requests of %d CLSM, want ≥ 2", len(clsms))
			}
			if got := planning.TotalKm(planning.Trips(run.Instance, run.Plan)); got != run.Plan.Stats.TravelKm {
				t.Errorf("timelines add up to %v km, plan says %v", got, run.Plan.Stats.TravelKm)
			}
			if ok, err := planning.Current(ctx, s, geo, models.PlanDraft{SeasonID: se.ID, PeriodFrom: now.UTC(), PeriodTo: to.UTC(), InputsHash: run.Hash}); err != nil || !ok {
				t.Errorf("a fresh run is not current: %v, %v", ok, err)
			}

			a := run.Plan.Assignments[0]
			alts, err := planning.Alternatives(run.Instance, run.Plan, a.Request)
			if err != nil {
				t.Fatal(err)
			}
			if len(alts) == 0 {
				t.Fatalf("no alternative for %s", a.Request)
			}
			for _, alt := range alts {
				moved, err := planning.Move(run.Instance, run.Plan, alt)
				if err != nil {
					t.Fatalf("move to %+v: %v", alt, err)
				}
				// No two sessions of one facilitator overlap (fixed ones
				// included), the moved one at the place asked.
				type span struct{ start, end time.Time }
				byFac := map[string][]span{}
				length := time.Duration(run.Instance.SessionMinutes) * time.Minute
				add := func(f, start string) {
					t0, _ := time.Parse(time.RFC3339, start)
					for _, o := range byFac[f] {
						if t0.Before(o.end) && o.start.Before(t0.Add(length)) {
							t.Errorf("move to %+v: two sessions of %s overlap at %s", alt, f, start)
						}
					}
					byFac[f] = append(byFac[f], span{t0, t0.Add(length)})
				}
				for _, x := range run.Instance.Fixed {
					add(x.Facilitator, x.Start)
				}
				found := false
				for _, m := range moved.Assignments {
					add(m.Facilitator, m.Start)
					found = found || (m.Request == alt.Request && m.Facilitator == alt.Facilitator && m.Start == alt.Start)
				}
				if !found || len(moved.Assignments) != len(run.Plan.Assignments) {
					t.Errorf("move to %+v: plan %+v", alt, moved.Assignments)
				}
			}
			forged := a
			forged.Start = "2031-01-06T03:00:00+01:00"
			if _, err := planning.Move(run.Instance, run.Plan, forged); !errors.Is(err, planning.ErrNotAnAlternative) {
				t.Errorf("forged move: err = %v, want ErrNotAnAlternative", err)
			}
		})
	}
}
