package models

import (
	"context"
	"errors"
	"quartier/internal/dbtest"
	"testing"
	"time"
)

// reqFixture is a store with an admin, two CLSMs and their coordinators,
// two quartiers and a current season, the clock at 2026-11-25 09:00 UTC.
type reqFixture struct {
	s                    *Store
	clock                *obClock
	admin, coord, coord2 User
	clsm, clsm2          CLSM
}

func newReqFixture(t testing.TB) *reqFixture {
	t.Helper()
	return newReqFixtureOn(t, dbtest.DSN(t))
}

// newReqFixtureOn is newReqFixture on the database dsn names.
func newReqFixtureOn(t testing.TB, dsn string) *reqFixture {
	t.Helper()
	ctx := context.Background()
	clock := &obClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	s, err := Open(dsn, WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f := &reqFixture{s: s, clock: clock}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.admin, err = s.CreateFirstAdmin(ctx, "admin@exemple.fr", "Alice Admin")
	must(err)
	_, err = s.ImportQPVs(ctx, f.admin.ID, []QPVInput{
		{Line: 1, Code: "QN05901M", Name: "Alma", Communes: []string{"59512"}},
		{Line: 2, Code: "QN04901M", Name: "Jean-Monnet", Communes: []string{"49099"}},
	})
	must(err)
	f.clsm, err = s.CreateCLSM(ctx, f.admin.ID, CLSMInput{Name: "CLSM de Roubaix", RegionCode: "32", DepartementCode: "59", Communes: []string{"59512"}, QPVs: []string{"QN05901M"}})
	must(err)
	f.clsm2, err = s.CreateCLSM(ctx, f.admin.ID, CLSMInput{Name: "CLSM de Cholet", RegionCode: "52", DepartementCode: "49", Communes: []string{"49099"}})
	must(err)
	f.coord, err = s.CreateUser(ctx, f.admin.ID, NewUser{Email: "coord@exemple.fr", Name: "Nadia Coord", Role: RoleCoordinator}, &f.clsm.ID)
	must(err)
	f.coord2, err = s.CreateUser(ctx, f.admin.ID, NewUser{Email: "coord2@exemple.fr", Name: "Sophie Coord", Role: RoleCoordinator}, &f.clsm2.ID)
	must(err)
	_, err = s.CreateSeason(ctx, f.admin.ID, "Saison 2026-2027", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 7, 2, 0, 0, 0, 0, time.UTC))
	must(err)
	return f
}

// input is a complete request with three windows from 2027-01-11 on.
func (f *reqFixture) input() RequestInput {
	today := CalendarDay(f.clock.Now())
	day := func(d int) time.Time { return time.Date(2027, 1, d, 0, 0, 0, 0, time.UTC) }
	return RequestInput{
		CommuneINSEE: "59512", QPVs: []string{"QN05901M"}, VenueName: "Centre social de l’Alma", VenueAddress: "1 rue de l’Alma, 59100 Roubaix",
		StepFree: StepFreeYes, Format: FormatInPerson, AudienceResidents: true, AudienceProfessionals: true, ExpectedCount: 15,
		Partners: []string{"Mission locale", " ", "Collège Anne-Frank"}, TimeZone: "Europe/Paris",
		Windows: []RequestWindow{
			{Kind: WindowDay, DateFrom: day(11), Part: Morning},
			{Kind: WindowDay, DateFrom: day(11), Part: Afternoon},
			{Kind: WindowRange, DateFrom: day(18), DateTo: day(29), Weekdays: "2,4", Part: Afternoon},
		},
		Today: today, Earliest: today.AddDate(0, 0, 28),
	}
}

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a ValidationError", err)
	}
	return ve.Fields
}

func TestCreateRequest_DraftThenSubmit(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	in := f.input()
	in.Windows = in.Windows[:1]
	in.VenueName = ""
	r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, in, false)
	if err != nil {
		t.Fatalf("an incomplete draft is refused: %v", err)
	}
	if r.State != RequestDraft || r.SeasonID == nil || len(r.Windows) != 1 || len(r.PartnerList()) != 2 {
		t.Fatalf("draft = %+v", r)
	}
	if _, err := f.s.UpdateRequest(ctx, f.coord.ID, r.ID, in, true); err == nil {
		t.Fatal("an incomplete request was submitted")
	} else if fs := fieldsOf(t, err); fs["windows"] == "" || fs["venue_name"] == "" {
		t.Errorf("fields = %v", fs)
	}
	if r2, _ := f.s.RequestByID(ctx, r.ID); r2.State != RequestDraft || len(r2.Windows) != 1 {
		t.Errorf("a refused submission changed the request: %+v", r2)
	}
	r, err = f.s.UpdateRequest(ctx, f.coord.ID, r.ID, f.input(), true)
	if err != nil {
		t.Fatal(err)
	}
	if r.State != RequestSubmitted || r.SubmittedAt == nil || len(r.Windows) != 3 || r.Windows[2].Weekdays != "2,4" {
		t.Fatalf("submitted = %+v", r)
	}
	evs, err := f.s.RequestEvents(ctx, r.ID)
	if err != nil || len(evs) != 2 || evs[1].FromState != RequestDraft || evs[1].ToState != RequestSubmitted || evs[1].ActorName != "Nadia Coord" {
		t.Fatalf("events = %+v, %v", evs, err)
	}
}

func TestCreateRequest_OtherCLSMIsNotFound(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	if _, err := f.s.CreateRequest(ctx, f.coord2.ID, f.clsm.ID, f.input(), true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("create for another CLSM: %v", err)
	}
	r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.RequestOfCoordinator(ctx, f.coord2.ID, r.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("read: %v", err)
	}
	if _, err := f.s.UpdateRequest(ctx, f.coord2.ID, r.ID, f.input(), true); !errors.Is(err, ErrNotFound) {
		t.Errorf("update: %v", err)
	}
	if err := f.s.WithdrawRequest(ctx, f.coord2.ID, r.ID, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("withdraw: %v", err)
	}
	rows, err := f.s.ListRequests(ctx, RequestFilter{CoordinatorID: f.coord2.ID})
	if err != nil || len(rows) != 0 {
		t.Errorf("list of the other coordinator: %d rows, %v", len(rows), err)
	}
}

func TestCheckWindows(t *testing.T) {
	today := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	earliest := today.AddDate(0, 0, 28)
	d := func(m, day int) time.Time { return time.Date(2027, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
	ok := []RequestWindow{
		{Kind: WindowDay, DateFrom: d(1, 11), Part: Morning},
		{Kind: WindowDay, DateFrom: d(1, 11), Part: Afternoon},
		{Kind: WindowRange, DateFrom: d(1, 18), DateTo: d(1, 29), Weekdays: "2,4", Part: Morning},
	}
	cases := []struct {
		name    string
		ws      []RequestWindow
		overall bool
		bad     map[int]string
	}{
		{"fine", ok, false, nil},
		{"two only", ok[:2], true, nil},
		{"past", append([]RequestWindow{{Kind: WindowDay, DateFrom: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), Part: Morning}}, ok...), false, map[int]string{0: "date"}},
		{"too soon", append([]RequestWindow{{Kind: WindowDay, DateFrom: time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC), Part: Morning}}, ok...), false, map[int]string{0: "date"}},
		{"overlap day in range", append(ok, RequestWindow{Kind: WindowDay, DateFrom: d(1, 19), Part: Morning}), false, map[int]string{3: "date"}},
		{"same day other part", append(ok, RequestWindow{Kind: WindowDay, DateFrom: d(1, 19), Part: Evening}), false, nil},
		{"day outside weekdays", append(ok, RequestWindow{Kind: WindowDay, DateFrom: d(1, 20), Part: Morning}), false, nil},
		{"range backwards", append(ok, RequestWindow{Kind: WindowRange, DateFrom: d(3, 10), DateTo: d(3, 1), Part: Evening}), false, map[int]string{3: "until"}},
		{"range too long", append(ok, RequestWindow{Kind: WindowRange, DateFrom: d(2, 1), DateTo: d(6, 1), Part: Evening}), false, map[int]string{3: "until"}},
		{"range without its weekdays", append(ok, RequestWindow{Kind: WindowRange, DateFrom: d(3, 1), DateTo: d(3, 3), Weekdays: "5", Part: Evening}), false, map[int]string{3: "weekdays"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			problems, overall := CheckWindows(c.ws, today, earliest)
			if (overall != "") != c.overall {
				t.Errorf("overall = %q", overall)
			}
			got := map[int]string{}
			for _, p := range problems {
				got[p.Index] = p.Field
				if p.Message == "" {
					t.Errorf("window %d: empty message", p.Index)
				}
			}
			if len(got) != len(c.bad) {
				t.Fatalf("problems = %+v, want %v", problems, c.bad)
			}
			for i, field := range c.bad {
				if got[i] != field {
					t.Errorf("window %d: field %q, want %q", i, got[i], field)
				}
			}
		})
	}
}

func TestDecideRequest_OneEmailPerDecision(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	mail := &recordingMail{}
	f.s.UseMail(mail)
	check := func(n Notice) {
		if m, ok := n.(*RequestDecisionNotice); ok {
			if m.Recipient.ID != f.coord.ID || m.CLSM.ID != f.clsm.ID || len(m.Request.Windows) != 3 || len(m.Request.QPVs) != 1 || m.Event.ID == 0 {
				t.Errorf("decision notice = %+v", m)
			}
		}
	}
	mail.check = check
	r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.DecideRequest(ctx, f.admin.ID, r.ID, RequestDeclined, "  "); fieldsOf(t, err)["comment"] == "" {
		t.Error("a refusal without a reason was accepted")
	}
	if _, err := f.s.DecideRequest(ctx, f.coord.ID, r.ID, RequestAccepted, ""); !errors.Is(err, ErrForbidden) {
		t.Errorf("a coordinator decided: %v", err)
	}
	if r, err = f.s.DecideRequest(ctx, f.admin.ID, r.ID, RequestChangesRequested, "Précisez la salle."); err != nil || r.State != RequestChangesRequested {
		t.Fatalf("ask for changes: %v, %s", err, r.State)
	}
	if _, err := f.s.DecideRequest(ctx, f.admin.ID, r.ID, RequestAccepted, ""); err == nil {
		t.Fatal("accepted a request waiting for changes")
	} else {
		var ite *InvalidTransitionError
		var ce *ConflictError
		if !errors.As(err, &ite) || ite.From != RequestChangesRequested || ite.To != RequestAccepted || !errors.As(err, &ce) {
			t.Errorf("error = %#v", err)
		}
	}
	f.clock.Add(time.Hour)
	if _, err := f.s.UpdateRequest(ctx, f.coord.ID, r.ID, f.input(), true); err != nil {
		t.Fatal(err)
	}
	if r, err = f.s.DecideRequest(ctx, f.admin.ID, r.ID, RequestAccepted, ""); err != nil || r.State != RequestAccepted || r.DecidedAt == nil {
		t.Fatalf("accept: %v, %+v", err, r)
	}
	if _, err := f.s.UpdateRequest(ctx, f.coord.ID, r.ID, f.input(), true); err == nil {
		t.Error("an accepted request was edited")
	}
	if got, want := mail.kinds(), "submitted changes_requested submitted accepted"; got != want {
		t.Errorf("notices = %s, want %s", got, want)
	}
	_, total, err := f.s.ListOutbox(ctx, OutboxFilter{})
	if err != nil || total != 6 { // two submissions (coordinator + admin), two decisions
		t.Errorf("outbox holds %d messages, want 6: %v", total, err)
	}
	evs, _ := f.s.RequestEvents(ctx, r.ID)
	var path []string
	for _, e := range evs {
		path = append(path, string(e.FromState)+">"+string(e.ToState))
	}
	want := ">submitted submitted>changes_requested changes_requested>submitted submitted>accepted"
	if got := joinSpace(path); got != want {
		t.Errorf("history = %s\nwant      %s", got, want)
	}
	if evs[1].Comment != "Précisez la salle." {
		t.Errorf("comment = %q", evs[1].Comment)
	}
	if err := f.s.WithdrawRequest(ctx, f.coord.ID, r.ID, "Plus de salle."); err != nil {
		t.Fatalf("withdraw an accepted request: %v", err)
	}
	if err := f.s.WithdrawRequest(ctx, f.coord.ID, r.ID, ""); err == nil {
		t.Error("withdrew twice")
	}
	if got, want := mail.kinds(), "submitted changes_requested submitted accepted withdrawn"; got != want {
		t.Errorf("notices = %s, want %s", got, want)
	}
}

func TestSeedRequest_PastAndStateMachine(t *testing.T) {
	f := newReqFixture(t)
	ctx := context.Background()
	in := f.input()
	for i := range in.Windows {
		in.Windows[i].DateFrom = in.Windows[i].DateFrom.AddDate(-1, 0, 0)
		in.Windows[i].DateTo = in.Windows[i].DateTo.AddDate(-1, 0, 0)
	}
	at := time.Date(2025, 10, 1, 10, 0, 0, 0, time.UTC)
	r, err := f.s.SeedRequest(ctx, f.clsm.ID, f.coord.ID, in, at, []SeedStep{
		{To: RequestSubmitted, ActorID: f.coord.ID, At: at.Add(time.Hour)},
		{To: RequestDeclined, ActorID: f.admin.ID, At: at.Add(48 * time.Hour), Comment: "Hors calendrier."},
	})
	if err != nil || r.State != RequestDeclined || !r.CreatedAt.Equal(at) {
		t.Fatalf("seed: %v, %+v", err, r)
	}
	if _, err := f.s.SeedRequest(ctx, f.clsm.ID, f.coord.ID, in, at, []SeedStep{{To: RequestAccepted, ActorID: f.admin.ID, At: at}}); err == nil {
		t.Error("seeded draft → accepted")
	}
	rows, _ := f.s.ListRequests(ctx, RequestFilter{})
	if len(rows) != 1 {
		t.Errorf("a refused seed left %d rows", len(rows))
	}
}

func joinSpace(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}
