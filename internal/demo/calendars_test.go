package demo

import (
	"context"
	"testing"
	"time"

	"quartier/internal/dbtest"
	"quartier/models"
)

// TestSeedCalendars gives two facilitators a pattern, exceptions, typed and
// imported busy time, and checks the planner's view of the week after.
func TestSeedCalendars(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s, err := models.Open(dbtest.DSN(t), models.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin, err := s.CreateFirstAdmin(ctx, "a@exemple.fr", "Admin")
	if err != nil {
		t.Fatal(err)
	}
	var fs []models.User
	for _, n := range demoFacilitators {
		u, err := s.CreateUser(ctx, admin.ID, n, nil)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, u)
	}
	if err := SeedCalendars(ctx, Deps{Store: s, Now: now}, fs); err != nil {
		t.Fatal(err)
	}
	// The week of Monday 30 November 2026.
	from := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	cals, err := s.FacilitatorCalendars(ctx, nil, from, from.AddDate(0, 0, 7))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cals {
		var imported, manual int
		for _, b := range c.Busy {
			if b.Source == models.BusyFile {
				imported++
			} else {
				manual++
			}
		}
		if len(c.Pattern) < 4 || len(c.Exceptions) == 0 || imported < 2 || manual != 1 || len(c.Available(from, from.AddDate(0, 0, 7))) < 4 {
			t.Errorf("%s: pattern %d, exceptions %d, imported %d, manual %d", c.User.Name, len(c.Pattern), len(c.Exceptions), imported, manual)
		}
	}
}
