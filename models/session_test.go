package models

import (
	"context"
	"errors"
	"quartier/internal/dbtest"
	"strings"
	"testing"
	"time"
)

// sessFixture is a reqFixture with two facilitators and an accepted
// request of the first CLSM.
type sessFixture struct {
	*reqFixture
	fac, fac2 User
	req       Request
}

func newSessFixture(t testing.TB) *sessFixture {
	t.Helper()
	return newSessFixtureOn(t, dbtest.DSN(t))
}

// newSessFixtureOn is newSessFixture on the database dsn names.
func newSessFixtureOn(t testing.TB, dsn string) *sessFixture {
	t.Helper()
	ctx := context.Background()
	f := &sessFixture{reqFixture: newReqFixtureOn(t, dsn)}
	var err error
	f.fac, err = f.s.CreateUser(ctx, f.admin.ID, NewUser{Email: "camille@exemple.fr", Name: "Camille Lefebvre", Role: RoleFacilitator, HomeINSEE: "59350"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.fac2, err = f.s.CreateUser(ctx, f.admin.ID, NewUser{Email: "ines@exemple.fr", Name: "Inès Martin", Role: RoleFacilitator, HomeINSEE: "59350"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []User{f.fac, f.fac2} {
		workWeek(t, f.s, u.ID, 3, 10)
	}
	f.req = f.accepted(t)
	return f
}

// workWeek gives facilitator id a Monday-to-Friday week, 8:00 to 19:00 in
// Paris, and the given limits.
func workWeek(t testing.TB, s *Store, id int64, perDay, perWeek int) {
	t.Helper()
	in := AvailabilityInput{HomeINSEE: "59350", TimeZone: "Europe/Paris", MaxPerDay: perDay, MaxPerWeek: perWeek}
	for d := 0; d < 5; d++ {
		in.Pattern[d] = DayPattern{Works: true, StartMinute: 8 * 60, EndMinute: 19 * 60}
	}
	if err := s.SaveAvailability(context.Background(), id, in); err != nil {
		t.Fatal(err)
	}
}

// accepted creates a request of the first CLSM and accepts it.
func (f *sessFixture) accepted(t testing.TB) Request {
	t.Helper()
	ctx := context.Background()
	r, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), true)
	if err != nil {
		t.Fatal(err)
	}
	if r, err = f.s.DecideRequest(ctx, f.admin.ID, r.ID, RequestAccepted, ""); err != nil {
		t.Fatal(err)
	}
	return r
}

// scheduledOn schedules a session by fac at 9:00 Paris on each of the
// days of January 2027 (the fixture's request first, then new accepted
// ones), proposed and confirmed, and returns their ids in that order.
func (f *sessFixture) scheduledOn(t testing.TB, days ...int) []int64 {
	t.Helper()
	ctx := context.Background()
	paris := LocationOf("Europe/Paris")
	var ids []int64
	for i, d := range days {
		r := f.req
		if i > 0 {
			r = f.accepted(t)
		}
		st := time.Date(2027, 1, d, 9, 0, 0, 0, paris)
		se, err := f.s.ProposeSession(ctx, f.admin.ID, r.ID, SessionSlot{FacilitatorID: f.fac.ID, Start: st, End: st.Add(DefaultSessionLength), TimeZone: "Europe/Paris"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ConfirmSession(ctx, f.coord.ID, r.ID); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, se.ID)
	}
	return ids
}

// slot is Monday 11 January 2027 from 14:00 Paris, 3 hours, by fac.
func (f *sessFixture) slot() SessionSlot {
	start := time.Date(2027, 1, 11, 13, 0, 0, 0, time.UTC)
	return SessionSlot{FacilitatorID: f.fac.ID, Start: start, End: start.Add(DefaultSessionLength), TimeZone: "Europe/Paris"}
}

// state reads the request's and its session's states straight from the
// database ("" for no session).
func (f *sessFixture) state(t *testing.T, requestID int64) (RequestState, SessionState, int) {
	t.Helper()
	r, err := f.s.RequestByID(context.Background(), requestID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Session == nil {
		return r.State, "", -1
	}
	return r.State, r.Session.State, r.Session.Sequence
}

func (f *sessFixture) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := f.s.db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSession_ProposeConfirmHoldClose(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	se, err := f.s.ProposeSession(ctx, f.admin.ID, f.req.ID, f.slot())
	if err != nil {
		t.Fatal(err)
	}
	if se.State != SessionProposed || se.RequestID != f.req.ID || se.Capacity != 20 || se.OrgCap != 4 || se.Sequence != 0 ||
		se.VenueName != "Centre social de l’Alma" || se.VenueAddress != "1 rue de l’Alma, 59100 Roubaix" || se.StepFree != StepFreeYes ||
		se.TimeZone != "Europe/Paris" || !se.StartsAt.Equal(f.slot().Start) {
		t.Fatalf("proposed session = %+v", se)
	}
	r, _ := f.s.RequestByID(ctx, f.req.ID)
	if r.State != RequestProposed || r.SessionID == nil || *r.SessionID != se.ID || r.Session == nil || r.Session.ID != se.ID {
		t.Fatalf("request after the proposal = %+v", r)
	}
	if trail, _ := f.s.AuditTrail(ctx, "session", se.ID); len(trail) != 1 || trail[0].Action != "propose" ||
		!strings.Contains(trail[0].Detail, "lundi 11 janvier 2027, 14 h 00 – 17 h 00 (heure de Paris), avec Camille Lefebvre") {
		t.Errorf("audit trail = %+v", trail)
	}
	if ss, _ := f.s.ScheduledSessions(ctx, nil, se.StartsAt.Add(-time.Hour), se.EndsAt); len(ss) != 0 {
		t.Errorf("a proposed session is on calendars: %+v", ss)
	}

	if _, err := f.s.ConfirmSession(ctx, f.coord2.ID, f.req.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("confirmed by the coordinator of another CLSM: %v", err)
	}
	if se, err = f.s.ConfirmSession(ctx, f.coord.ID, f.req.ID); err != nil || se.State != SessionScheduled || se.ScheduledAt == nil {
		t.Fatalf("confirm: %+v %v", se, err)
	}
	if rs, ss, _ := f.state(t, f.req.ID); rs != RequestScheduled || ss != SessionScheduled {
		t.Fatalf("after confirmation: %s / %s", rs, ss)
	}
	cal, err := f.s.ScheduledSessions(ctx, []int64{f.fac.ID}, se.StartsAt.Add(-time.Hour), se.EndsAt)
	if err != nil || len(cal) != 1 || cal[0].ID != se.ID || cal[0].SessionID != se.ID || cal[0].RequestID != f.req.ID ||
		cal[0].StepFree != StepFreeYes || cal[0].CLSMName != "CLSM de Roubaix" || cal[0].CoordinatorName != "Nadia Coord" ||
		cal[0].CommuneINSEE != "59512" || cal[0].Format != "in_person" || cal[0].VenueName != se.VenueName || cal[0].State != "scheduled" {
		t.Fatalf("calendar = %+v, %v", cal, err)
	}

	if _, err := f.s.MarkSessionHeld(ctx, f.fac.ID, se.ID); err == nil {
		t.Fatal("held before it started")
	}
	f.clock.Add(time.Date(2027, 1, 11, 16, 0, 0, 0, time.UTC).Sub(f.clock.Now()))
	if _, err := f.s.MarkSessionHeld(ctx, f.fac2.ID, se.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("held by another facilitator: %v", err)
	}
	if se, err = f.s.MarkSessionHeld(ctx, f.fac.ID, se.ID); err != nil || se.State != SessionHeld || se.HeldAt == nil {
		t.Fatalf("held: %+v %v", se, err)
	}
	if _, err := f.s.CloseSession(ctx, f.fac.ID, se.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("closed by the facilitator: %v", err)
	}
	if se, err = f.s.CloseSession(ctx, f.admin.ID, se.ID); err != nil || se.State != SessionClosed || se.ClosedAt == nil {
		t.Fatalf("closed: %+v %v", se, err)
	}
	if rs, ss, seq := f.state(t, f.req.ID); rs != RequestClosed || ss != SessionClosed || seq != 0 {
		t.Fatalf("at the end: %s / %s / %d", rs, ss, seq)
	}
	_, err = f.s.CancelSession(ctx, f.admin.ID, se.ID, "Trop tard")
	var ite *InvalidSessionTransitionError
	if !errors.As(err, &ite) || ite.From != SessionClosed {
		t.Errorf("cancel a closed session: %v", err)
	}
	evs, _ := f.s.RequestEvents(ctx, f.req.ID)
	var path []string
	for _, e := range evs {
		path = append(path, string(e.ToState))
	}
	if got := strings.Join(path, ","); got != "submitted,accepted,proposed,scheduled,held,closed" {
		t.Errorf("request history = %s", got)
	}
	if trail, _ := f.s.AuditTrail(ctx, "session", se.ID); len(trail) != 4 || trail[0].Action != "closed" || trail[3].Action != "propose" {
		t.Errorf("session audit trail = %+v", trail)
	}
}

func TestProposeSession_Refused(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	if _, err := f.s.ProposeSession(ctx, f.admin.ID, f.accepted(t).ID, f.slot()); err != nil {
		t.Fatal(err) // the other request takes fac on 11 January
	}
	coordUser := f.coord.ID
	inactive, err := f.s.CreateUser(ctx, f.admin.ID, NewUser{Email: "old@exemple.fr", Name: "Ancienne", Role: RoleFacilitator}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.db.Model(&User{}).Where("id = ?", inactive.ID).Update("active", false).Error; err != nil {
		t.Fatal(err)
	}
	submitted, err := f.s.CreateRequest(ctx, f.coord.ID, f.clsm.ID, f.input(), true)
	if err != nil {
		t.Fatal(err)
	}
	other := f.slot()
	other.FacilitatorID = f.fac2.ID
	cases := []struct {
		name      string
		actor     int64
		request   int64
		edit      func(*SessionSlot)
		field     string
		wantErrIs error
	}{
		{name: "end before start", edit: func(s *SessionSlot) { s.End = s.Start.Add(-time.Hour) }, field: "end"},
		{name: "too long", edit: func(s *SessionSlot) { s.End = s.Start.Add(13 * time.Hour) }, field: "end"},
		{name: "no start", edit: func(s *SessionSlot) { s.Start = time.Time{} }, field: "start"},
		{name: "unknown zone", edit: func(s *SessionSlot) { s.TimeZone = "Europe/Lile" }, field: "time_zone"},
		{name: "Local is no IANA zone", edit: func(s *SessionSlot) { s.TimeZone = "Local" }, field: "time_zone"},
		{name: "no facilitator", edit: func(s *SessionSlot) { s.FacilitatorID = 0 }, field: "facilitator"},
		{name: "a coordinator", edit: func(s *SessionSlot) { s.FacilitatorID = coordUser }, field: "facilitator"},
		{name: "an inactive facilitator", edit: func(s *SessionSlot) { s.FacilitatorID = inactive.ID }, field: "facilitator"},
		{name: "the facilitator is taken", edit: func(s *SessionSlot) {
			s.FacilitatorID, s.Start, s.End = f.fac.ID, s.Start.Add(time.Hour), s.End.Add(time.Hour)
		}, field: "start"},
		{name: "not an admin", actor: f.coord.ID, edit: func(*SessionSlot) {}, wantErrIs: ErrForbidden},
		{name: "unknown request", request: 9999, edit: func(*SessionSlot) {}, wantErrIs: ErrNotFound},
	}
	before := f.count(t, "sessions")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sl := other
			c.edit(&sl)
			actor, req := f.admin.ID, f.req.ID
			if c.actor != 0 {
				actor = c.actor
			}
			if c.request != 0 {
				req = c.request
			}
			_, err := f.s.ProposeSession(ctx, actor, req, sl)
			if c.wantErrIs != nil {
				if !errors.Is(err, c.wantErrIs) {
					t.Fatalf("err = %v, want %v", err, c.wantErrIs)
				}
			} else if msg := fieldsOf(t, err)[c.field]; msg == "" {
				t.Fatalf("no message for %s: %v", c.field, err)
			}
		})
	}
	t.Run("request not accepted", func(t *testing.T) {
		_, err := f.s.ProposeSession(ctx, f.admin.ID, submitted.ID, other)
		var ite *InvalidTransitionError
		if !errors.As(err, &ite) || ite.From != RequestSubmitted || ite.To != RequestProposed {
			t.Fatalf("err = %v", err)
		}
	})
	if n := f.count(t, "sessions"); n != before {
		t.Errorf("refused proposals wrote %d sessions", n-before)
	}
	if rs, ss, _ := f.state(t, f.req.ID); rs != RequestAccepted || ss != "" {
		t.Errorf("request after refusals: %s / %s", rs, ss)
	}
	// The same slot by the other facilitator is fine.
	if _, err := f.s.ProposeSession(ctx, f.admin.ID, f.req.ID, other); err != nil {
		t.Fatal(err)
	}
}

func TestDeclineProposal_CancelsTheSessionAndKeepsIt(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	first, err := f.s.ProposeSession(ctx, f.admin.ID, f.req.ID, f.slot())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeclineProposal(ctx, f.coord.ID, f.req.ID, "  "); fieldsOf(t, err)["reason"] == "" {
		t.Fatalf("no reason: %v", err)
	}
	if err := f.s.DeclineProposal(ctx, f.coord2.ID, f.req.ID, "Non"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("declined by another CLSM: %v", err)
	}
	if err := f.s.DeclineProposal(ctx, f.coord.ID, f.req.ID, "La salle est prise ce jour-là."); err != nil {
		t.Fatal(err)
	}
	r, _ := f.s.RequestByID(ctx, f.req.ID)
	if r.State != RequestAccepted || r.SessionID != nil || r.Session != nil {
		t.Fatalf("request = %+v", r)
	}
	old, _ := f.s.SessionByID(ctx, first.ID)
	if old.State != SessionCancelled || old.CancelReason != "La salle est prise ce jour-là." || old.Sequence != 1 || old.CancelledAt == nil {
		t.Fatalf("declined session = %+v", old)
	}
	if err := f.s.DeclineProposal(ctx, f.coord.ID, f.req.ID, "Encore"); err == nil {
		t.Fatal("declined an accepted request")
	}
	// The facilitator is free again on that slot: a second proposal.
	second, err := f.s.ProposeSession(ctx, f.admin.ID, f.req.ID, f.slot())
	if err != nil {
		t.Fatal(err)
	}
	all, _ := f.s.SessionsOfRequest(ctx, f.req.ID)
	if len(all) != 2 || all[0].ID != first.ID || all[1].ID != second.ID || all[1].State != SessionProposed {
		t.Fatalf("sessions of the request = %+v", all)
	}
	// An administrator may also take a proposal back.
	if err := f.s.DeclineProposal(ctx, f.admin.ID, f.req.ID, "Erreur de planification."); err != nil {
		t.Fatal(err)
	}
}

func TestMoveSession_RaisesSequenceAndAudits(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	se, err := f.s.ProposeSession(ctx, f.admin.ID, f.req.ID, f.slot())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.ConfirmSession(ctx, f.coord.ID, f.req.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.MoveSession(ctx, f.coord.ID, se.ID, f.slot()); !errors.Is(err, ErrForbidden) {
		t.Errorf("moved by a coordinator: %v", err)
	}
	same, err := f.s.MoveSession(ctx, f.admin.ID, se.ID, f.slot())
	if err != nil || same.Sequence != 0 {
		t.Fatalf("a move to the same slot: %+v %v", same, err)
	}
	later := f.slot()
	later.Start, later.End = later.Start.Add(24*time.Hour), later.End.Add(24*time.Hour+30*time.Minute)
	later.FacilitatorID = f.fac2.ID
	moved, err := f.s.MoveSession(ctx, f.admin.ID, se.ID, later)
	if err != nil || moved.Sequence != 1 || moved.FacilitatorID != f.fac2.ID || !moved.EndsAt.Equal(later.End) || moved.State != SessionScheduled {
		t.Fatalf("moved = %+v %v", moved, err)
	}
	stored, _ := f.s.SessionByID(ctx, se.ID)
	if stored.Sequence != 1 || stored.FacilitatorID != f.fac2.ID || !stored.StartsAt.Equal(later.Start) {
		t.Fatalf("stored = %+v", stored)
	}
	trail, _ := f.s.AuditTrail(ctx, "session", se.ID)
	if len(trail) == 0 || trail[0].Action != "move" ||
		trail[0].Detail != "avant : lundi 11 janvier 2027, 14 h 00 – 17 h 00 (heure de Paris), avec Camille Lefebvre ; après : mardi 12 janvier 2027, 14 h 00 – 17 h 30 (heure de Paris), avec Inès Martin" {
		t.Errorf("audit = %+v", trail)
	}
	evs, _ := f.s.RequestEvents(ctx, f.req.ID)
	if last := evs[len(evs)-1]; last.FromState != RequestScheduled || last.ToState != RequestScheduled || !strings.Contains(last.Comment, "Séance déplacée") {
		t.Errorf("request history: %+v", last)
	}
	bad := later
	bad.TimeZone = "Nowhere/Town"
	if _, err := f.s.MoveSession(ctx, f.admin.ID, se.ID, bad); fieldsOf(t, err)["time_zone"] == "" {
		t.Errorf("bad zone: %v", err)
	}
	// A second session of fac2 cannot be moved onto this one.
	r2 := f.accepted(t)
	se2, err := f.s.ProposeSession(ctx, f.admin.ID, r2.ID, f.slot())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.MoveSession(ctx, f.admin.ID, se2.ID, later); fieldsOf(t, err)["start"] == "" {
		t.Errorf("overlap: %v", err)
	}
	if got, _ := f.s.SessionByID(ctx, se2.ID); got.Sequence != 0 || !got.StartsAt.Equal(f.slot().Start) {
		t.Errorf("a refused move changed the session: %+v", got)
	}
}

func TestCancelSession_CancelsTheRequest(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	se, err := f.s.ProposeSession(ctx, f.admin.ID, f.req.ID, f.slot())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.ConfirmSession(ctx, f.coord.ID, f.req.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.CancelSession(ctx, f.admin.ID, se.ID, " "); !strings.Contains(fieldsOf(t, err)["reason"], "raison de l’annulation") {
		t.Fatalf("no reason: %v", err)
	}
	if _, err := f.s.CancelSession(ctx, f.fac.ID, se.ID, "Malade"); !errors.Is(err, ErrForbidden) {
		t.Errorf("cancelled by the facilitator: %v", err)
	}
	got, err := f.s.CancelSession(ctx, f.admin.ID, se.ID, "Fermeture exceptionnelle de la salle.")
	if err != nil || got.State != SessionCancelled || got.Sequence != 1 || got.CancelReason != "Fermeture exceptionnelle de la salle." {
		t.Fatalf("cancelled = %+v %v", got, err)
	}
	r, _ := f.s.RequestByID(ctx, f.req.ID)
	if r.State != RequestCancelled || r.Session == nil || r.Session.ID != se.ID {
		t.Fatalf("request = %+v", r)
	}
	evs, _ := f.s.RequestEvents(ctx, f.req.ID)
	if last := evs[len(evs)-1]; last.ToState != RequestCancelled || last.Comment != "Fermeture exceptionnelle de la salle." {
		t.Errorf("history: %+v", last)
	}
	if cal, _ := f.s.ScheduledSessions(ctx, nil, se.StartsAt, se.EndsAt); len(cal) != 0 {
		t.Errorf("a cancelled session is on calendars: %+v", cal)
	}
	if _, err := f.s.CancelSession(ctx, f.admin.ID, se.ID, "Encore"); err == nil {
		t.Error("cancelled twice")
	}
}

func TestWithdrawRequest_CancelsItsProposedSession(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	se, err := f.s.ProposeSession(ctx, f.admin.ID, f.req.ID, f.slot())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.WithdrawRequest(ctx, f.coord.ID, f.req.ID, "Le projet est abandonné."); err != nil {
		t.Fatal(err)
	}
	got, _ := f.s.SessionByID(ctx, se.ID)
	if rs, _, _ := f.state(t, f.req.ID); rs != RequestWithdrawn || got.State != SessionCancelled || got.CancelReason != "Le projet est abandonné." || got.Sequence != 1 {
		t.Fatalf("after withdrawal: %s, %+v", rs, got)
	}
}

// TestSession_TwoMoveTogetherOrNeither makes the second write of each
// operation fail (a trigger refuses it) and checks that the first one was
// rolled back with it.
func TestSession_TwoMoveTogetherOrNeither(t *testing.T) {
	cases := []struct {
		name    string
		trigger string
		setup   func(*sessFixture) // what happens before the trigger is set
		op      func(*sessFixture) error
		want    RequestState
		wantSes SessionState
	}{
		{
			name:    "propose: the request's history fails, no session is left",
			trigger: "BEFORE INSERT ON request_events",
			setup:   func(*sessFixture) {},
			op: func(f *sessFixture) error {
				_, err := f.s.ProposeSession(context.Background(), f.admin.ID, f.req.ID, f.slot())
				return err
			},
			want: RequestAccepted, wantSes: "",
		},
		{
			name:    "confirm: the session fails, the request stays proposed",
			trigger: "BEFORE UPDATE ON sessions",
			setup:   func(f *sessFixture) { f.mustPropose() },
			op: func(f *sessFixture) error {
				_, err := f.s.ConfirmSession(context.Background(), f.coord.ID, f.req.ID)
				return err
			},
			want: RequestProposed, wantSes: SessionProposed,
		},
		{
			name:    "decline: the session's audit fails, the request stays proposed",
			trigger: "BEFORE INSERT ON audit_events",
			setup:   func(f *sessFixture) { f.mustPropose() },
			op: func(f *sessFixture) error {
				return f.s.DeclineProposal(context.Background(), f.coord.ID, f.req.ID, "Pas libre")
			},
			want: RequestProposed, wantSes: SessionProposed,
		},
		{
			name:    "cancel: the request's history fails, the session stays scheduled",
			trigger: "BEFORE INSERT ON request_events",
			setup:   func(f *sessFixture) { f.mustPropose(); f.mustConfirm() },
			op: func(f *sessFixture) error {
				_, err := f.s.CancelSession(context.Background(), f.admin.ID, f.sessionID(), "Salle fermée")
				return err
			},
			want: RequestScheduled, wantSes: SessionScheduled,
		},
		{
			name:    "withdraw: the session fails, the request stays proposed",
			trigger: "BEFORE UPDATE ON sessions",
			setup:   func(f *sessFixture) { f.mustPropose() },
			op:      func(f *sessFixture) error { return f.s.WithdrawRequest(context.Background(), f.coord.ID, f.req.ID, "") },
			want:    RequestProposed, wantSes: SessionProposed,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newSessFixture(t)
			c.setup(f)
			evBefore, auBefore := f.count(t, "request_events"), f.count(t, "audit_events")
			drop := failingTrigger(t, f.s, c.trigger)
			if err := c.op(f); err == nil || !strings.Contains(err.Error(), "disk full") {
				t.Fatalf("err = %v, want the trigger's", err)
			}
			drop()
			rs, ss, seq := f.state(t, f.req.ID)
			if rs != c.want || ss != c.wantSes || (ss != "" && seq != 0) {
				t.Errorf("after the failure: %s / %s / sequence %d, want %s / %s / 0", rs, ss, seq, c.want, c.wantSes)
			}
			if ev, au := f.count(t, "request_events"), f.count(t, "audit_events"); ev != evBefore || au != auBefore {
				t.Errorf("history written anyway: %d events (was %d), %d audit (was %d)", ev, evBefore, au, auBefore)
			}
			if c.wantSes == "" && f.count(t, "sessions") != 0 {
				t.Error("a session row was left behind")
			}
			// Without the failure, the same operation goes through.
			if err := c.op(f); err != nil {
				t.Fatalf("without the trigger: %v", err)
			}
		})
	}
}

// failingTrigger makes the statements that "when" names ("BEFORE INSERT
// ON audit_events") fail with "disk full", in each engine's trigger
// language, and returns what removes the trigger.
func failingTrigger(t *testing.T, s *Store, when string) (drop func()) {
	t.Helper()
	fields := strings.Fields(when)
	table := fields[len(fields)-1]
	create := []string{"CREATE TRIGGER fail_second " + when + " BEGIN SELECT RAISE(ABORT, 'disk full'); END"}
	remove := "DROP TRIGGER fail_second"
	if s.Engine() == Postgres {
		create = []string{
			"CREATE OR REPLACE FUNCTION fail_second() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
			"CREATE TRIGGER fail_second " + when + " FOR EACH ROW EXECUTE FUNCTION fail_second()",
		}
		remove = "DROP TRIGGER fail_second ON " + table
	}
	for _, q := range create {
		if err := s.db.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		t.Helper()
		if err := s.db.Exec(remove).Error; err != nil {
			t.Fatal(err)
		}
	}
}

func (f *sessFixture) mustPropose() {
	if _, err := f.s.ProposeSession(context.Background(), f.admin.ID, f.req.ID, f.slot()); err != nil {
		panic(err)
	}
}

func (f *sessFixture) mustConfirm() {
	if _, err := f.s.ConfirmSession(context.Background(), f.coord.ID, f.req.ID); err != nil {
		panic(err)
	}
}

func (f *sessFixture) sessionID() int64 {
	r, err := f.s.RequestByID(context.Background(), f.req.ID)
	if err != nil || r.SessionID == nil {
		panic("no session")
	}
	return *r.SessionID
}
