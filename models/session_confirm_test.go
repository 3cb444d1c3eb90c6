package models

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ruleOf is the hard rule err reports, or "" when it is no SlotRuleError.
func ruleOf(err error) SlotRule {
	var re *SlotRuleError
	if errors.As(err, &re) {
		return re.Rule
	}
	return ""
}

func TestSessionOps_QueueTheirNotices(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	m := &recordingMail{}
	f.s.UseMail(m)
	se, err := f.s.ProposeSession(ctx, f.admin.ID, f.req.ID, f.slot())
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := m.notices[len(m.notices)-1].(*SessionProposedNotice); !ok || n.Recipient.ID != f.coord.ID ||
		n.Facilitator.ID != f.fac.ID || !n.Deadline.Equal(f.clock.Now().Add(DefaultProposalTTL)) {
		t.Fatalf("proposal notice = %+v", m.notices[len(m.notices)-1])
	}
	for _, key := range []string{"proposal-reminder:", "proposal-expiry:"} {
		j, err := f.s.JobByDedupKey(ctx, key+strconv.FormatInt(se.ID, 10))
		if err != nil {
			t.Fatal(err)
		}
		want := f.clock.Now().Add(DefaultProposalTTL)
		if key == "proposal-reminder:" {
			want = f.clock.Now().Add(DefaultProposalTTL / 2)
		}
		if !j.DueAt.Equal(want) {
			t.Errorf("%s due %s, want %s", key, j.DueAt, want)
		}
	}
	if _, err := f.s.ConfirmSession(ctx, f.coord.ID, f.req.ID); err != nil {
		t.Fatal(err)
	}
	later := f.slot()
	later.Start, later.End = later.Start.Add(24*time.Hour), later.End.Add(24*time.Hour)
	if _, err := f.s.MoveSession(ctx, f.admin.ID, se.ID, later); err != nil {
		t.Fatal(err)
	}
	later.FacilitatorID = f.fac2.ID
	if _, err := f.s.MoveSession(ctx, f.admin.ID, se.ID, later); err != nil {
		t.Fatal(err)
	}
	if n := m.notices[len(m.notices)-1].(*SessionInvitationsNotice); n.FormerFacilitator == nil || n.FormerFacilitator.ID != f.fac.ID ||
		n.Facilitator.ID != f.fac2.ID || n.Session.Sequence != 2 || n.Previous == nil || n.Previous.Sequence != 1 {
		t.Errorf("reassignment notice = %+v", n)
	}
	if _, err := f.s.CancelSession(ctx, f.admin.ID, se.ID, "Salle indisponible."); err != nil {
		t.Fatal(err)
	}
	if n := m.notices[len(m.notices)-1].(*SessionInvitationsNotice); n.Reason != "Salle indisponible." || n.Session.Sequence != 3 ||
		n.Session.State != SessionCancelled {
		t.Errorf("cancellation notice = %+v", n)
	}
	r2 := f.accepted(t)
	se2, err := f.s.ProposeSession(ctx, f.admin.ID, r2.ID, f.slot())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeclineProposal(ctx, f.coord.ID, r2.ID, "Pas ce jour-là."); err != nil {
		t.Fatal(err)
	}
	// The jobs of a declined proposal do nothing.
	if err := f.s.RemindProposal(ctx, se2.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.ExpireProposal(ctx, se2.ID); err != nil {
		t.Fatal(err)
	}
	if got, want := m.kinds(), "proposed confirmed moved moved cancelled submitted accepted proposed declined"; !strings.HasSuffix(got, want) {
		t.Errorf("notices %q, want to end with %q", got, want)
	}
}

func TestExpireProposal_BackToAccepted(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	m := &recordingMail{}
	f.s.UseMail(m)
	se, err := f.s.ProposeSession(ctx, f.admin.ID, f.req.ID, f.slot())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.RemindProposal(ctx, se.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.ExpireProposal(ctx, se.ID); err != nil {
		t.Fatal(err)
	}
	if rs, _, _ := f.state(t, f.req.ID); rs != RequestAccepted {
		t.Errorf("request after expiry: %s", rs)
	}
	got, _ := f.s.SessionByID(ctx, se.ID)
	if got.State != SessionCancelled || got.CancelReason != ProposalExpiredReason {
		t.Errorf("session after expiry: %+v", got)
	}
	// Run again (a crash before the job was recorded): nothing more.
	if err := f.s.ExpireProposal(ctx, se.ID); err != nil {
		t.Fatal(err)
	}
	if got, want := m.kinds(), "proposed reminder expired"; !strings.HasSuffix(got, want) {
		t.Errorf("notices %q, want to end with %q", got, want)
	}
}

func TestSlotRules_EveryHardRule(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	paris := LocationOf("Europe/Paris")
	at := func(y int, mo time.Month, d, h int) SessionSlot {
		st := time.Date(y, mo, d, h, 0, 0, 0, paris)
		return SessionSlot{FacilitatorID: f.fac.ID, Start: st, End: st.Add(DefaultSessionLength), TimeZone: "Europe/Paris"}
	}
	workWeek(t, f.s, f.fac.ID, 1, 2)
	// A confirmed session on Monday 11 January 2027, morning.
	first := f.accepted(t)
	if _, err := f.s.ProposeSession(ctx, f.admin.ID, first.ID, at(2027, 1, 11, 9)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.ConfirmSession(ctx, f.coord.ID, first.ID); err != nil {
		t.Fatal(err)
	}
	second := f.accepted(t)
	if _, err := f.s.ProposeSession(ctx, f.admin.ID, second.ID, at(2027, 1, 13, 9)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.ConfirmSession(ctx, f.coord.ID, second.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AddBusyTime(ctx, f.fac.ID, BusyInput{Start: time.Date(2027, 1, 19, 13, 0, 0, 0, paris),
		End: time.Date(2027, 1, 19, 15, 0, 0, 0, paris), Label: "Réunion"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		slot SessionSlot
		want SlotRule
	}{
		{"overlap", at(2027, 1, 11, 10), RuleOverlap},
		{"day limit", at(2027, 1, 11, 14), RuleDayLimit},
		{"week limit", at(2027, 1, 15, 9), RuleWeekLimit},
		{"Saturday", at(2027, 1, 23, 9), RuleAvailability},
		{"before the working day", at(2027, 1, 18, 6), RuleAvailability},
		{"busy time", at(2027, 1, 19, 14), RuleAvailability},
		{"11 November", at(2027, 11, 11, 9), RuleAvailability},
		{"free", at(2027, 1, 19, 9), ""},
	} {
		r := f.accepted(t)
		_, err := f.s.ProposeSession(ctx, f.admin.ID, r.ID, c.slot)
		if got := ruleOf(err); got != c.want || (c.want == "" && err != nil) {
			t.Errorf("%s: error %v (rule %q), want rule %q", c.name, err, got, c.want)
		}
		var ce *ConflictError
		if c.want != "" && !errors.As(err, &ce) {
			t.Errorf("%s: %v is no ConflictError (a 409)", c.name, err)
		}
	}
	var re *SlotRuleError
	if _, err := f.s.ProposeSession(ctx, f.admin.ID, f.req.ID, at(2027, 11, 11, 9)); !errors.As(err, &re) || !strings.Contains(re.Message, "jour férié") {
		t.Errorf("holiday message: %v", err)
	}
}

func TestConfirmSession_RechecksTheCalendar(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	if _, err := f.s.ProposeSession(ctx, f.admin.ID, f.req.ID, f.slot()); err != nil {
		t.Fatal(err)
	}
	// Since the proposal, the facilitator's calendar filled that afternoon.
	if _, err := f.s.AddBusyTime(ctx, f.fac.ID, BusyInput{Start: f.slot().Start.Add(time.Hour), End: f.slot().End, Label: "Rendez-vous"}); err != nil {
		t.Fatal(err)
	}
	_, err := f.s.ConfirmSession(ctx, f.coord.ID, f.req.ID)
	var ce *ConflictError
	if ruleOf(err) != RuleAvailability || !errors.As(err, &ce) || !strings.Contains(ce.Message, "ne peut plus être confirmée") {
		t.Fatalf("confirm over busy time: %v", err)
	}
	if rs, ss, _ := f.state(t, f.req.ID); rs != RequestProposed || ss != SessionProposed {
		t.Errorf("a refused confirmation changed the request: %s / %s", rs, ss)
	}
	// An admin confirming on the coordinator's behalf meets the same rule,
	// and, once the calendar is free again, is recorded as such.
	if _, err := f.s.ConfirmSession(ctx, f.admin.ID, f.req.ID); ruleOf(err) != RuleAvailability {
		t.Errorf("admin confirm over busy time: %v", err)
	}
	busy, _ := f.s.ManualBusyTimes(ctx, f.fac.ID, time.Time{})
	for _, b := range busy {
		if err := f.s.DeleteBusyTime(ctx, f.fac.ID, b.ID); err != nil {
			t.Fatal(err)
		}
	}
	se, err := f.s.ConfirmSession(ctx, f.admin.ID, f.req.ID)
	if err != nil || se.State != SessionScheduled {
		t.Fatalf("admin confirm: %+v %v", se, err)
	}
	trail, _ := f.s.AuditTrail(ctx, "session", se.ID)
	found := false
	for _, a := range trail {
		found = found || a.Action == "confirm_on_behalf"
	}
	if !found {
		t.Errorf("audit trail has no confirmation on behalf: %+v", trail)
	}
}

// raceStores opens n more stores on the fixture's database, as n
// instances of the app would.
func raceStores(t *testing.T, f *sessFixture, n int) []*Store {
	t.Helper()
	return moreInstances(t, f.s, n)
}

// moreInstances opens n more stores on s's database with s's clock, each
// with its own pool, as n more instances of the app would; they close
// when the test ends.
func moreInstances(t testing.TB, s *Store, n int) []*Store {
	t.Helper()
	out := make([]*Store, n)
	for i := range out {
		o, err := Open(obDSN(t, s), WithClock(s.now))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { o.Close() })
		out[i] = o
	}
	return out
}

// race runs fn(i) for i in [0, n) at once, each on its own store, and
// returns the errors.
func race(stores []*Store, fn func(s *Store, i int) error) []error {
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(s, i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// TestConfirmSession_LastPlaceOfTheDayRace: three proposals on one day of
// a facilitator who leads one session a day, confirmed at once by three
// instances: exactly one wins. A check read outside the writing
// transaction would let several through.
func TestConfirmSession_LastPlaceOfTheDayRace(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	workWeek(t, f.s, f.fac.ID, 1, 5)
	paris := LocationOf("Europe/Paris")
	var reqs []int64
	for i, h := range []int{8, 11, 15} {
		r := f.req
		if i > 0 {
			r = f.accepted(t)
		}
		st := time.Date(2027, 1, 12, h, 0, 0, 0, paris)
		if _, err := f.s.ProposeSession(ctx, f.admin.ID, r.ID, SessionSlot{FacilitatorID: f.fac.ID, Start: st, End: st.Add(DefaultSessionLength), TimeZone: "Europe/Paris"}); err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, r.ID)
	}
	errs := race(raceStores(t, f, len(reqs)), func(s *Store, i int) error {
		_, err := s.ConfirmSession(ctx, f.coord.ID, reqs[i])
		return err
	})
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case ruleOf(err) != RuleDayLimit:
			t.Errorf("confirmation %d: %v, want the day limit", i, err)
		}
	}
	var n int64
	f.s.db.Model(&Session{}).Where("facilitator_id = ? AND state = ?", f.fac.ID, SessionScheduled).Count(&n)
	if won != 1 || n != 1 {
		t.Errorf("%d confirmations won, %d sessions scheduled; want exactly 1", won, n)
	}
}

// TestMoveSession_SameSlotRace: two admins move two scheduled sessions of
// one facilitator into the same slot at once: exactly one wins.
func TestMoveSession_SameSlotRace(t *testing.T) {
	f := newSessFixture(t)
	ctx := context.Background()
	paris := LocationOf("Europe/Paris")
	ids := f.scheduledOn(t, 11, 13)
	st := time.Date(2027, 1, 15, 14, 0, 0, 0, paris)
	target := SessionSlot{FacilitatorID: f.fac.ID, Start: st, End: st.Add(DefaultSessionLength), TimeZone: "Europe/Paris"}
	errs := race(raceStores(t, f, 2), func(s *Store, i int) error {
		_, err := s.MoveSession(ctx, f.admin.ID, ids[i], target)
		return err
	})
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case ruleOf(err) != RuleOverlap:
			t.Errorf("move %d: %v, want the overlap", i, err)
		}
	}
	var n int64
	f.s.db.Model(&Session{}).Where("facilitator_id = ? AND starts_at = ?", f.fac.ID, target.Start.UTC()).Count(&n)
	if won != 1 || n != 1 {
		t.Errorf("%d moves won, %d sessions in the slot; want exactly 1", won, n)
	}
}
