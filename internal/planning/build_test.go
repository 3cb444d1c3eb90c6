package planning

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"quartier/internal/dbtest"
	"quartier/models"
	"quartier/planner"
)

// seeded is a small store: two facilitators working Monday to Friday
// 8:00–19:00 from Lille, a CLSM in Roubaix with three accepted requests
// (one remote), and one session already scheduled.
type seeded struct {
	store            *models.Store
	admin, coord     models.User
	facs             []models.User
	season           models.Season
	accepted         []models.Request
	scheduled        models.Session
	scheduledRequest models.Request
}

func seed(t *testing.T) seeded {
	t.Helper()
	ctx := context.Background()
	clock := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	store, err := models.Open(dbtest.DSN(t), models.WithClock(func() time.Time { return clock }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var sd seeded
	sd.store = store
	sd.admin, err = store.CreateFirstAdmin(ctx, "admin@exemple.fr", "Alice Admin")
	must(err)
	_, err = store.ImportQPVs(ctx, sd.admin.ID, []models.QPVInput{{Line: 1, Code: "QN05901M", Name: "Alma", Communes: []string{"59512"}}})
	must(err)
	clsm, err := store.CreateCLSM(ctx, sd.admin.ID, models.CLSMInput{Name: "CLSM de Roubaix", RegionCode: "32", DepartementCode: "59",
		Communes: []string{"59512"}, QPVs: []string{"QN05901M"}})
	must(err)
	sd.coord, err = store.CreateUser(ctx, sd.admin.ID, models.NewUser{Email: "coord@exemple.fr", Name: "Nadia", Role: models.RoleCoordinator}, &clsm.ID)
	must(err)
	sd.season, err = store.CreateSeason(ctx, sd.admin.ID, "Saison 2026-2027", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 7, 2, 0, 0, 0, 0, time.UTC))
	must(err)
	for _, name := range []string{"Camille", "Inès"} {
		u, err := store.CreateUser(ctx, sd.admin.ID, models.NewUser{Email: name + "@exemple.fr", Name: name, Role: models.RoleFacilitator,
			HomeINSEE: "59350", MaxPerDay: 1, MaxPerWeek: 3}, nil)
		must(err)
		in := models.AvailabilityInput{HomeINSEE: "59350", TimeZone: "Europe/Paris", MaxPerDay: 1, MaxPerWeek: 3}
		for d := 0; d < 5; d++ {
			in.Pattern[d] = models.DayPattern{Works: true, StartMinute: 8 * 60, EndMinute: 19 * 60}
		}
		must(store.SaveAvailability(ctx, u.ID, in))
		sd.facs = append(sd.facs, u)
	}
	day := func(d int) time.Time { return time.Date(2027, 1, d, 0, 0, 0, 0, time.UTC) }
	today := models.CalendarDay(clock)
	input := func(remote bool) models.RequestInput {
		in := models.RequestInput{
			CommuneINSEE: "59512", QPVs: []string{"QN05901M"}, VenueName: "Centre social de l’Alma", VenueAddress: "1 rue de l’Alma, 59100 Roubaix",
			StepFree: models.StepFreeYes, Format: models.FormatInPerson, AudienceResidents: true, ExpectedCount: 15, TimeZone: "Europe/Paris",
			Windows: []models.RequestWindow{
				{Kind: models.WindowDay, DateFrom: day(11), Part: models.Afternoon},
				{Kind: models.WindowDay, DateFrom: day(12), Part: models.Morning},
				{Kind: models.WindowRange, DateFrom: day(18), DateTo: day(29), Weekdays: "2,4", Part: models.Afternoon},
			},
			Today: today, Earliest: today.AddDate(0, 0, 28),
		}
		if remote {
			in.Format, in.RemoteURL = models.FormatRemote, "https://visio.exemple.fr/roubaix"
		}
		return in
	}
	for i := 0; i < 4; i++ {
		r, err := store.CreateRequest(ctx, sd.coord.ID, clsm.ID, input(i == 2), true)
		must(err)
		r, err = store.DecideRequest(ctx, sd.admin.ID, r.ID, models.RequestAccepted, "")
		must(err)
		if i < 3 {
			sd.accepted = append(sd.accepted, r)
			continue
		}
		start := time.Date(2027, 1, 13, 13, 0, 0, 0, time.UTC)
		_, err = store.ProposeSession(ctx, sd.admin.ID, r.ID, models.SessionSlot{FacilitatorID: sd.facs[0].ID, Start: start, End: start.Add(3 * time.Hour), TimeZone: "Europe/Paris"})
		must(err)
		sd.scheduled, err = store.ConfirmSession(ctx, sd.coord.ID, r.ID)
		must(err)
		sd.scheduledRequest = r
	}
	return sd
}

var buildPlaces = places{
	"59350": {INSEE: "59350", Name: "Lille", Lat: 50.6311, Lon: 3.0468},
	"59512": {INSEE: "59512", Name: "Roubaix", Lat: 50.6942, Lon: 3.1746},
}

func TestBuild_FromTheStore(t *testing.T) {
	sd := seed(t)
	ctx := context.Background()
	paris, _ := time.LoadLocation("Europe/Paris")
	from, to := time.Date(2027, 1, 4, 0, 0, 0, 0, paris), time.Date(2027, 1, 25, 0, 0, 0, 0, paris)
	in, idx, err := Build(ctx, sd.store, buildPlaces, sd.season.ID, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if in.SessionMinutes != 180 || in.Travel.SpeedKmh != TravelSpeedKmh || len(in.Facilitators) != 2 || len(idx.Facilitators) != 2 ||
		idx.Facilitators[FacilitatorID(sd.facs[1].ID)] != sd.facs[1].ID {
		t.Fatalf("header: %+v, index %+v", in, idx)
	}
	if len(in.Requests) != 3 {
		t.Fatalf("%d requests, want the 3 accepted ones: %+v", len(in.Requests), in.Requests)
	}
	first := in.Requests[0]
	// 11 Jan afternoon, 12 Jan morning, then Tuesdays and Thursdays 19–21 Jan
	// (the 26th–28th are after the period).
	wantWindows := []planner.Interval{
		iv("2027-01-11T14:00:00+01:00", "2027-01-11T17:00:00+01:00"),
		iv("2027-01-12T09:00:00+01:00", "2027-01-12T12:00:00+01:00"),
		iv("2027-01-19T14:00:00+01:00", "2027-01-19T17:00:00+01:00"),
		iv("2027-01-21T14:00:00+01:00", "2027-01-21T17:00:00+01:00"),
	}
	if first.ID != RequestID(sd.accepted[0].ID) || first.Remote || first.Location == nil || first.Location.Lat != 50.6942 ||
		first.Priority == nil || *first.Priority != 1 || len(first.Windows) != len(wantWindows) {
		t.Fatalf("first request = %+v", first)
	}
	for i, w := range wantWindows {
		if first.Windows[i] != w {
			t.Errorf("window %d = %v, want %v", i, first.Windows[i], w)
		}
	}
	if r := in.Requests[2]; !r.Remote || r.Location != nil {
		t.Errorf("remote request = %+v", r)
	}
	if len(in.Fixed) != 1 || in.Fixed[0].ID != FixedID(sd.scheduled.ID) || in.Fixed[0].Facilitator != FacilitatorID(sd.facs[0].ID) ||
		in.Fixed[0].Start != "2027-01-13T14:00:00+01:00" {
		t.Errorf("fixed = %+v", in.Fixed)
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(in); err != nil {
		t.Fatal(err)
	}
	if _, err := planner.Decode(&buf); err != nil {
		t.Fatalf("the planner refuses the instance: %v", err)
	}

	// A request whose commune is unknown is left out, with a reason.
	in2, idx2, err := Build(ctx, sd.store, places{"59350": buildPlaces["59350"]}, sd.season.ID, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(in2.Requests) != 1 || !in2.Requests[0].Remote || len(idx2.SkippedRequests) != 2 || idx2.SkippedRequests[0].Reason == "" {
		t.Errorf("without Roubaix: requests %+v, skipped %+v", in2.Requests, idx2.SkippedRequests)
	}
}

func TestBuildSolvePropose_SavesProposedSessions(t *testing.T) {
	sd := seed(t)
	ctx := context.Background()
	paris, _ := time.LoadLocation("Europe/Paris")
	in, idx, err := Build(ctx, sd.store, buildPlaces, sd.season.ID, time.Date(2027, 1, 4, 0, 0, 0, 0, paris), time.Date(2027, 2, 1, 0, 0, 0, 0, paris))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := planner.Solve(ctx, &in, planner.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Assignments) != 3 {
		t.Fatalf("plan = %+v", plan)
	}
	n, err := Propose(ctx, sd.store, sd.admin.ID, *plan, idx)
	if err != nil || n != 3 {
		t.Fatalf("propose: %d, %v", n, err)
	}
	byRequest := map[string]planner.Assignment{}
	for _, a := range plan.Assignments {
		byRequest[a.Request] = a
	}
	for _, r := range sd.accepted {
		got, err := sd.store.RequestByID(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		a := byRequest[RequestID(r.ID)]
		want, _ := time.Parse(time.RFC3339, a.Start)
		se := got.Session
		if got.State != models.RequestProposed || se == nil || se.State != models.SessionProposed || !se.StartsAt.Equal(want) ||
			se.EndsAt.Sub(se.StartsAt) != 3*time.Hour || FacilitatorID(se.FacilitatorID) != a.Facilitator || se.TimeZone != "Europe/Paris" {
			t.Errorf("request %d after Propose: %s, session %+v, assignment %+v", r.ID, got.State, se, a)
		}
	}
	// The same plan again: the requests are no longer accepted.
	if n, err := Propose(ctx, sd.store, sd.admin.ID, *plan, idx); n != 0 || err == nil {
		t.Errorf("second Propose: %d, %v", n, err)
	}
	// Nothing is left to plan, and the proposed sessions hold their slots
	// as the scheduled one does: the store's overlap rule counts them
	// when a later plan is sent.
	in, _, err = Build(ctx, sd.store, buildPlaces, sd.season.ID, time.Date(2027, 1, 4, 0, 0, 0, 0, paris), time.Date(2027, 2, 1, 0, 0, 0, 0, paris))
	if err != nil || len(in.Requests) != 0 {
		t.Fatalf("after Propose: %d requests, %v", len(in.Requests), err)
	}
	fixed := map[string]planner.FixedSession{}
	for _, x := range in.Fixed {
		fixed[x.ID] = x
	}
	if _, ok := fixed[FixedID(sd.scheduled.ID)]; !ok || len(in.Fixed) != 4 {
		t.Errorf("fixed after Propose = %+v, want the scheduled session and the 3 proposed ones", in.Fixed)
	}
	for _, r := range sd.accepted {
		got, err := sd.store.RequestByID(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, x := byRequest[RequestID(r.ID)], fixed[FixedID(got.Session.ID)]
		if x.Facilitator != a.Facilitator || x.Start != a.Start {
			t.Errorf("proposed session of request %d as fixed = %+v, want %s at %s", r.ID, x, a.Facilitator, a.Start)
		}
	}
}
