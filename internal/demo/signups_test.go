package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"quartier/links"
	"quartier/models"
)

// TestSeed_SignupRaceContract checks the manifest's signup_race: 25 links
// of different organisations of one scheduled session of the demo
// coordinator's CLSM, with exactly 5 places left and a cap of 4, and
// that the demo also has a session with a waiting list.
func TestSeed_SignupRaceContract(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	l := testLinks(t)
	s, _, m := seedDemo(t, now, l)
	race := m.SignupRace
	if race == nil || len(race.Links) != 25 || race.PlacesLeft != 5 || race.PerLink < 4 {
		t.Fatalf("signup_race = %+v", race)
	}
	coord, err := s.UserByEmail(ctx, m.Accounts.Coordinator)
	if err != nil {
		t.Fatal(err)
	}
	sessions, orgs := map[int64]bool{}, map[int64]bool{}
	var view models.SignupView
	for _, p := range race.Links {
		if !strings.HasPrefix(p, "/inscription/") {
			t.Fatalf("link %q", p)
		}
		id, err := l.Verify(links.Signup, strings.TrimPrefix(p, "/inscription/"), func(id int64) (int, error) { return s.SignupLinkVersion(ctx, id) })
		if err != nil {
			t.Fatalf("link %q: %v", p, err)
		}
		if view, err = s.SignupPageOf(ctx, id); err != nil {
			t.Fatal(err)
		}
		sessions[view.Session.ID], orgs[view.Organisation.ID] = true, true
		if len(view.People) != 0 || view.Session.OrgCap < race.PerLink {
			t.Errorf("link %q: %d people, cap %d", p, len(view.People), view.Session.OrgCap)
		}
	}
	if len(sessions) != 1 || len(orgs) != 25 || view.Session.State != models.SessionScheduled || view.PlacesLeft() != 5 {
		t.Fatalf("%d sessions, %d organisations, state %s, %d places left", len(sessions), len(orgs), view.Session.State, view.PlacesLeft())
	}
	if _, err := s.RequestOfCoordinator(ctx, coord.ID, view.Session.RequestID); err != nil {
		t.Errorf("the race session is not the demo coordinator's: %v", err)
	}
	var waiting int64
	if err := s.ForEachRegistrationState(ctx, func(st models.RegistrationState, n int64) {
		if st == models.RegistrationWaiting {
			waiting = n
		}
	}); err != nil || waiting == 0 {
		t.Errorf("no waiting list in the demo (%v)", err)
	}
}
