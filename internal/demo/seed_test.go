package demo

import (
	"context"
	"testing"
	"time"

	"quartier/models"
)

// TestSeed_SessionsFollowTheirRequests seeds the whole demo and checks
// that every request that has reached a date has a session in the same
// state (a cancelled request keeps its cancelled session), and that the
// others have none.
func TestSeed_SessionsFollowTheirRequests(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s, _, _ := seedDemo(t, now, nil)
	rows, err := s.ListRequests(ctx, models.RequestFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[models.RequestState]models.SessionState{
		models.RequestProposed: models.SessionProposed, models.RequestScheduled: models.SessionScheduled,
		models.RequestHeld: models.SessionHeld, models.RequestClosed: models.SessionClosed, models.RequestCancelled: models.SessionCancelled,
	}
	seen := map[models.RequestState]int{}
	for _, row := range rows {
		seen[row.State]++
		r, err := s.RequestByID(ctx, row.ID)
		if err != nil {
			t.Fatal(err)
		}
		ws, ok := want[r.State]
		switch {
		case !ok && r.Session != nil:
			t.Errorf("request %d (%s) has a session", r.ID, r.State)
		case ok && (r.Session == nil || r.Session.State != ws || r.Session.TimeZone != r.TimeZone):
			t.Errorf("request %d (%s): session %+v", r.ID, r.State, r.Session)
		}
	}
	for _, st := range models.RequestStates() {
		if seen[st] == 0 {
			t.Errorf("no demo request in state %s", st)
		}
	}
	cal, err := s.ScheduledSessions(ctx, nil, now.AddDate(-2, 0, 0), now.AddDate(1, 0, 0))
	if err != nil || len(cal) != seen[models.RequestScheduled]+seen[models.RequestHeld]+seen[models.RequestClosed] {
		t.Errorf("calendars show %d sessions (%v)", len(cal), err)
	}
}
