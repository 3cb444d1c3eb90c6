package models

import (
	"context"
	"errors"
	"testing"
	"time"
)

// newCalendarStore returns a migrated store with one facilitator and one
// scheduled session of theirs (Tuesday 8 December 2026, 14:00–17:00 Paris).
func newCalendarStore(t *testing.T) (*Store, *obClock, User) {
	t.Helper()
	s, clock := newOutboxStore(t)
	ctx := context.Background()
	admin, err := s.CreateFirstAdmin(ctx, "admin@exemple.fr", "Alice Admin")
	obMust(t, err)
	f, err := s.CreateUser(ctx, admin.ID, NewUser{Email: "f@exemple.fr", Name: "Camille", Role: RoleFacilitator, HomeINSEE: "59350"}, nil)
	obMust(t, err)
	c, err := s.CreateCLSM(ctx, admin.ID, CLSMInput{Name: "CLSM de Roubaix", RegionCode: "32", DepartementCode: "59", Communes: []string{"59512"}})
	obMust(t, err)
	_, err = s.CreateUser(ctx, admin.ID, NewUser{Email: "c@exemple.fr", Name: "Nadia Benali", Role: RoleCoordinator}, &c.ID)
	obMust(t, err)
	now := s.Now()
	obMust(t, s.db.Exec(`INSERT INTO requests (clsm_id, created_by, state, commune_insee, venue_name, venue_address,
		created_at, updated_at) VALUES (?, ?, 'scheduled', '59512', 'Centre social de l''Alma', '12 rue de l''Alma', ?, ?)`,
		c.ID, admin.ID, now, now).Error)
	obMust(t, s.db.Exec(`INSERT INTO sessions (request_id, facilitator_id, state, starts_at, ends_at, venue_name, venue_address,
		created_at, updated_at) SELECT id, ?, 'scheduled', ?, ?, venue_name, venue_address, ?, ? FROM requests`, f.ID,
		time.Date(2026, 12, 8, 13, 0, 0, 0, time.UTC), time.Date(2026, 12, 8, 16, 0, 0, 0, time.UTC), now, now).Error)
	obMust(t, s.db.Exec(`UPDATE requests SET session_id = (SELECT id FROM sessions WHERE request_id = requests.id)`).Error)
	return s, clock, f
}

func TestSaveAvailability_InvalidSavesNothing(t *testing.T) {
	s, _, f := newCalendarStore(t)
	ctx := context.Background()
	good := AvailabilityInput{HomeINSEE: "59350", TimeZone: "Europe/Paris", MaxPerDay: 1, MaxPerWeek: 3}
	good.Pattern[0] = DayPattern{Works: true, StartMinute: 8 * 60, EndMinute: 19 * 60}
	obMust(t, s.SaveAvailability(ctx, f.ID, good))

	bad := good
	bad.MaxPerDay = 2
	bad.Pattern[1] = DayPattern{Works: true, StartMinute: 18 * 60, EndMinute: 9 * 60}
	err := s.SaveAvailability(ctx, f.ID, bad)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Fields["pattern.2.end"] == "" {
		t.Fatalf("err = %v", err)
	}
	slots, _ := s.WeeklyPattern(ctx, f.ID)
	u, _ := s.UserByID(ctx, f.ID)
	if len(slots) != 1 || slots[0].Weekday != 1 || u.MaxPerDay != 1 {
		t.Errorf("half-saved: slots %+v, max/day %d", slots, u.MaxPerDay)
	}
}

func TestFacilitatorCalendars_LoadsEverythingOfThePeriod(t *testing.T) {
	s, _, f := newCalendarStore(t)
	ctx := context.Background()
	in := AvailabilityInput{HomeINSEE: "59350", TimeZone: "Europe/Paris", MaxPerDay: 1, MaxPerWeek: 3}
	in.Pattern[1] = DayPattern{Works: true, StartMinute: 8 * 60, EndMinute: 19 * 60} // Tuesday
	obMust(t, s.SaveAvailability(ctx, f.ID, in))
	_, err := s.AddException(ctx, f.ID, ExceptionInput{Kind: ExceptionUnavailable, From: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC), AllDay: true, Label: "Congé"})
	obMust(t, err)
	_, err = s.AddBusyTime(ctx, f.ID, BusyInput{Start: time.Date(2026, 12, 8, 8, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC), Label: "Réunion"})
	obMust(t, err)
	obMust(t, s.ImportBusyFile(ctx, f.ID, "agenda.ics", []TimeRange{{Start: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 8, 11, 0, 0, 0, time.UTC)}}))

	from := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	cals, err := s.FacilitatorCalendars(ctx, nil, from, from.AddDate(0, 0, 14))
	obMust(t, err)
	if len(cals) != 1 {
		t.Fatalf("calendars = %d", len(cals))
	}
	c := cals[0]
	if len(c.Pattern) != 1 || len(c.Exceptions) != 1 || len(c.Busy) != 2 || len(c.Sessions) != 1 {
		t.Fatalf("calendar = %+v", c)
	}
	if x := c.Sessions[0]; x.CoordinatorName != "Nadia Benali" || x.CLSMName != "CLSM de Roubaix" || x.VenueName == "" {
		t.Errorf("session = %+v", x)
	}
	// Tuesday 8: 8:00–19:00 Paris = 07:00–18:00Z, minus 08:00–09:00Z and 10:00–11:00Z; Tuesday 15: leave.
	got := c.Available(from, from.AddDate(0, 0, 14))
	want := []TimeRange{
		{Start: time.Date(2026, 12, 8, 7, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 8, 8, 0, 0, 0, time.UTC)},
		{Start: time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)},
		{Start: time.Date(2026, 12, 8, 11, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC)},
	}
	if len(got) != len(want) {
		t.Fatalf("available = %v", got)
	}
	for i := range want {
		if !got[i].Start.Equal(want[i].Start) || !got[i].End.Equal(want[i].End) {
			t.Errorf("available[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestSubscription_NotModifiedKeepsAndFailureRecords(t *testing.T) {
	s, clock, f := newCalendarStore(t)
	ctx := context.Background()
	r := TimeRange{Start: time.Date(2026, 12, 9, 8, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 9, 9, 0, 0, 0, time.UTC)}
	obMust(t, s.Subscribe(ctx, f.ID, "https://cal.example.org/a.ics", FetchResult{Ranges: []TimeRange{r}, ETag: `"v1"`}))
	due, err := s.DueSubscriptions(ctx, s.Now(), 10)
	obMust(t, err)
	if len(due) != 1 || due[0].ETag != `"v1"` || due[0].URL != "https://cal.example.org/a.ics" {
		t.Fatalf("due = %+v", due)
	}
	clock.Add(time.Hour)
	obMust(t, s.RecordFetch(ctx, f.ID, "https://cal.example.org/a.ics", FetchResult{NotModified: true}))
	obMust(t, s.RecordFetchFailure(ctx, f.ID, "https://cal.example.org/a.ics", "Le serveur ne répond pas."))
	st, _ := s.CalendarSettingsOf(ctx, f.ID)
	if !st.Failing() || st.SubError == "" || st.SubIntervals != 1 {
		t.Errorf("settings = %+v", st)
	}
	cals, _ := s.FacilitatorCalendars(ctx, []int64{f.ID}, r.Start.Add(-time.Hour), r.End.Add(time.Hour))
	if len(cals[0].Busy) != 1 {
		t.Errorf("busy after failure = %+v", cals[0].Busy)
	}
	// A result for an address no longer subscribed is dropped.
	obMust(t, s.RecordFetch(ctx, f.ID, "https://old.example.org/x.ics", FetchResult{}))
	if cals, _ := s.FacilitatorCalendars(ctx, []int64{f.ID}, r.Start.Add(-time.Hour), r.End.Add(time.Hour)); len(cals[0].Busy) != 1 {
		t.Errorf("stale fetch replaced busy time")
	}
	v, err := s.RegenerateFeed(ctx, f.ID)
	if err != nil || v != 2 {
		t.Errorf("feed version %d, %v", v, err)
	}
}
