package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// scheduledDay is a session fixture whose session is scheduled (Monday 11
// January 2027, 14:00 Paris) with participants signed up through one
// partner: confirmed ones, one waiting and one cancelled.
type scheduledDay struct {
	*sessFixture
	mail      *recordingMail
	session   Session
	confirmed []int64
}

func newScheduledDay(t *testing.T, confirmed int) *scheduledDay {
	t.Helper()
	f := &scheduledDay{sessFixture: newSessFixture(t), mail: &recordingMail{}}
	f.s.UseMail(f.mail)
	f.mustPropose()
	f.mustConfirm()
	var err error
	if f.session, err = f.s.SessionByID(context.Background(), f.sessionID()); err != nil {
		t.Fatal(err)
	}
	for i := range confirmed {
		f.confirmed = append(f.confirmed, addRegistration(t, f.s, f.session.ID, fmt.Sprintf("p%d@exemple.fr", i), RegistrationConfirmed))
	}
	addRegistration(t, f.s, f.session.ID, "attente@exemple.fr", RegistrationWaiting)
	addRegistration(t, f.s, f.session.ID, "annule@exemple.fr", RegistrationCancelled)
	return f
}

// addRegistration signs a person up to the session through the partner
// « Association Alma » (invited once), written straight into the table:
// the sign-up operations belong to another part of the code.
func addRegistration(t *testing.T, s *Store, sessionID int64, email string, state RegistrationState) int64 {
	t.Helper()
	ctx := context.Background()
	var admin User
	if err := s.db.Where("role = ?", RoleAdmin).Take(&admin).Error; err != nil {
		t.Fatal(err)
	}
	p, err := s.InvitePartner(ctx, admin.ID, sessionID, 0, OrganisationInput{Name: "Association Alma", Kind: OrgAssociation, ContactEmail: "alma@exemple.fr"})
	if err != nil {
		var existing SessionPartner
		if s.db.Where("session_id = ?", sessionID).Take(&existing).Error != nil {
			t.Fatal(err)
		}
		p = existing
	}
	now := s.Now()
	r := Registration{SessionID: sessionID, PartnerID: p.ID, FirstName: "Prénom", LastName: strings.Split(email, "@")[0],
		Email: email, Category: CategoryResident, State: state, CreatedAt: now, UpdatedAt: now}
	if err := s.db.Create(&r).Error; err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// at moves the fixture's clock to t.
func (f *scheduledDay) at(t time.Time) { f.clock.Add(t.Sub(f.clock.Now())) }

// reminderKeys lists the outbox's reminder keys.
func reminderKeys(t *testing.T, s *Store) []string {
	t.Helper()
	var keys []string
	if err := s.db.Table("outbox_messages").Where("dedup_key LIKE 'reminder:%'").Order("dedup_key").Pluck("dedup_key", &keys).Error; err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestQueueDueReminders_OnceAcrossRestartsAndInstances: a week before,
// then a day before, each reminder batch goes once to the facilitator,
// the coordinator and the confirmed participants (not the waiting or
// cancelled ones), whatever the number of stores (instances) sweeping at
// once and after a store is closed and opened again (a restart).
func TestQueueDueReminders_OnceAcrossRestartsAndInstances(t *testing.T) {
	f := newScheduledDay(t, 3)
	ctx := context.Background()
	start := f.session.StartsAt

	f.at(start.Add(-8 * 24 * time.Hour))
	if n, err := f.s.QueueDueReminders(ctx); err != nil || n != 0 {
		t.Fatalf("eight days before: %d batches, %v", n, err)
	}

	sweep := func(label string, want int) {
		t.Helper()
		stores := raceStores(t, f.sessFixture, 3)
		for _, s := range stores {
			s.UseMail(&recordingMail{})
		}
		var total int
		var mu sync.Mutex
		for _, err := range race(stores, func(s *Store, _ int) error {
			n, err := s.QueueDueReminders(ctx)
			mu.Lock()
			total += n
			mu.Unlock()
			return err
		}) {
			if err != nil {
				t.Fatalf("%s: %v", label, err)
			}
		}
		if total != want {
			t.Errorf("%s: %d batches queued by three instances, want %d", label, total, want)
		}
		// A restart: a new store on the same file sweeps again.
		again := raceStores(t, f.sessFixture, 1)[0]
		again.UseMail(&recordingMail{})
		if n, err := again.QueueDueReminders(ctx); err != nil || n != 0 {
			t.Errorf("%s, after a restart: %d batches, %v", label, n, err)
		}
	}
	f.at(start.Add(-7*24*time.Hour + time.Minute))
	sweep("a week before", 1)
	if got := reminderKeys(t, f.s); len(got) != 5 {
		t.Fatalf("reminder keys after a week before = %v, want the facilitator, the coordinator and 3 participants", got)
	}
	f.at(start.Add(-5 * 24 * time.Hour))
	sweep("five days before", 0)
	f.at(start.Add(-23 * time.Hour))
	sweep("a day before", 1)
	keys := reminderKeys(t, f.s)
	if len(keys) != 10 {
		t.Fatalf("reminder keys = %v, want 10", keys)
	}
	want := fmt.Sprintf("reminder:%d:%d:1d:r%d", f.session.ID, f.session.Sequence, f.confirmed[0])
	if !strings.Contains(strings.Join(keys, " "), want) {
		t.Errorf("no %s in %v", want, keys)
	}
	f.at(start.Add(time.Minute))
	sweep("once started", 0)
}

// TestQueueDueReminders_FollowTheMoveNotTheCancellation: a session moved
// after its week's reminder is reminded again at its new date (its new
// SEQUENCE); a cancelled session is reminded no more.
func TestQueueDueReminders_FollowTheMoveNotTheCancellation(t *testing.T) {
	f := newScheduledDay(t, 1)
	ctx := context.Background()
	f.at(f.session.StartsAt.Add(-7*24*time.Hour + time.Hour))
	if n, err := f.s.QueueDueReminders(ctx); err != nil || n != 1 {
		t.Fatalf("week's reminder: %d %v", n, err)
	}
	slot := f.slot()
	slot.Start, slot.End = slot.Start.AddDate(0, 0, 1), slot.End.AddDate(0, 0, 1) // Tuesday 12 January
	moved, err := f.s.MoveSession(ctx, f.admin.ID, f.session.ID, slot)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.s.QueueDueReminders(ctx); err != nil || n != 0 {
		t.Errorf("just after the move, eight days before the new date: %d %v", n, err)
	}
	f.at(moved.StartsAt.Add(-7*24*time.Hour + time.Hour))
	if n, err := f.s.QueueDueReminders(ctx); err != nil || n != 1 {
		t.Errorf("a week before the new date: %d %v", n, err)
	}
	if _, err := f.s.CancelSession(ctx, f.admin.ID, f.session.ID, "La salle n’est plus disponible."); err != nil {
		t.Fatal(err)
	}
	f.at(moved.StartsAt.Add(-time.Hour))
	if n, err := f.s.QueueDueReminders(ctx); err != nil || n != 0 {
		t.Errorf("cancelled, a day before: %d %v", n, err)
	}
	keys := reminderKeys(t, f.s)
	if len(keys) != 6 || !strings.Contains(keys[0], fmt.Sprintf(":%d:0:7d:", f.session.ID)) || !strings.Contains(keys[5], fmt.Sprintf(":%d:1:7d:", f.session.ID)) {
		t.Errorf("reminder keys = %v", keys)
	}
}

// TestAttendance_TicksMakeTheSessionHeld: the facilitator may record only
// once the session has started; a tick makes it held; ticks are kept and
// changed; walk-ins are added and removed; another facilitator is refused.
func TestAttendance_TicksMakeTheSessionHeld(t *testing.T) {
	f := newScheduledDay(t, 2)
	ctx := context.Background()
	id, reg := f.session.ID, f.confirmed[0]
	var ce *ConflictError
	if err := f.s.MarkPresent(ctx, f.fac.ID, id, reg, true); !errors.As(err, &ce) || !strings.Contains(ce.Message, "pas encore commencé") {
		t.Fatalf("tick before the start: %v", err)
	}
	f.at(f.session.StartsAt.Add(10 * time.Minute))
	if err := f.s.MarkPresent(ctx, f.fac2.ID, id, reg, true); !errors.Is(err, ErrForbidden) {
		t.Errorf("tick by another facilitator: %v", err)
	}
	var waiting int64
	f.s.db.Model(&Registration{}).Where("session_id = ? AND state = ?", id, RegistrationWaiting).Pluck("id", &waiting)
	if err := f.s.MarkPresent(ctx, f.fac.ID, id, waiting, true); !errors.Is(err, ErrNotFound) {
		t.Errorf("tick of a waiting registration: %v", err)
	}
	if err := f.s.MarkPresent(ctx, f.fac.ID, id, reg, true); err != nil {
		t.Fatal(err)
	}
	if rs, ss, _ := f.state(t, f.req.ID); rs != RequestHeld || ss != SessionHeld {
		t.Fatalf("after the first tick: %s / %s", rs, ss)
	}
	if err := f.s.MarkPresent(ctx, f.fac.ID, id, reg, false); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SaveAttendance(ctx, f.fac.ID, id, []int64{f.confirmed[1]}); err != nil {
		t.Fatal(err)
	}
	ps, err := f.s.Participants(ctx, id)
	if err != nil || len(ps) != 2 {
		t.Fatalf("participants = %+v %v", ps, err)
	}
	for _, p := range ps {
		if p.Present != (p.ID == f.confirmed[1]) || p.Organisation != "Association Alma" {
			t.Errorf("participant %+v", p)
		}
	}
	if n := f.count(t, "attendances"); n != 2 {
		t.Errorf("%d attendance rows, want one per registration", n)
	}
	if _, err := f.s.AddWalkIn(ctx, f.fac.ID, id, WalkInInput{FirstName: " ", LastName: "Benali", Category: "x"}); err == nil {
		t.Error("walk-in without a first name nor a category accepted")
	} else if fs := fieldsOf(t, err); fs["first_name"] == "" || fs["category"] == "" {
		t.Errorf("walk-in problems = %v", fs)
	}
	w, err := f.s.AddWalkIn(ctx, f.fac.ID, id, WalkInInput{FirstName: "Amina", LastName: "Benali", Organisation: "Mission locale", Category: CategoryProfessional})
	if err != nil {
		t.Fatal(err)
	}
	if ws, _ := f.s.WalkIns(ctx, id); len(ws) != 1 || ws[0].Organisation != "Mission locale" {
		t.Errorf("walk-ins = %+v", ws)
	}
	if err := f.s.RemoveWalkIn(ctx, f.fac.ID, id, w.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.RemoveWalkIn(ctx, f.fac.ID, id, w.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("removed twice: %v", err)
	}
}

// TestRecordSheetCount_CoordinatorOfTheCLSMOnly: the coordinator types the
// signed sheet's count; another CLSM's coordinator does not find it.
func TestRecordSheetCount_CoordinatorOfTheCLSMOnly(t *testing.T) {
	f := newScheduledDay(t, 1)
	ctx := context.Background()
	f.at(f.session.EndsAt)
	if err := f.s.RecordSheetCount(ctx, f.coord2.ID, f.req.ID, 12); !errors.Is(err, ErrNotFound) {
		t.Errorf("count by another CLSM's coordinator: %v", err)
	}
	if err := f.s.RecordSheetCount(ctx, f.coord.ID, f.req.ID, -1); fieldsOf(t, err)["count"] == "" {
		t.Errorf("negative count: %v", err)
	}
	if err := f.s.RecordSheetCount(ctx, f.coord.ID, f.req.ID, 14); err != nil {
		t.Fatal(err)
	}
	day, _ := f.s.SessionDayOf(ctx, f.session.ID)
	if day.SheetCount == nil || *day.SheetCount != 14 || day.CountedBy == nil || *day.CountedBy != f.coord.ID {
		t.Errorf("day = %+v", day)
	}
	if _, ss, _ := f.state(t, f.req.ID); ss != SessionHeld {
		t.Errorf("session after the count: %s", ss)
	}
}

// TestDebrief_ClosesAfterTheFeedbackPeriod: a debrief makes the session
// held; the sweep closes it only once the debrief is done and the
// feedback period is over.
func TestDebrief_ClosesAfterTheFeedbackPeriod(t *testing.T) {
	f := newScheduledDay(t, 1)
	ctx := context.Background()
	f.s.UseFeedbackPeriod(10 * 24 * time.Hour)
	f.at(f.session.EndsAt)
	if _, err := f.s.SaveDebrief(ctx, f.fac.ID, f.session.ID, Debrief{Topics: strings.Repeat("a", MaxDebriefText+1)}); err == nil {
		t.Error("debrief without atmosphere and with a text over its bound accepted")
	} else if fs := fieldsOf(t, err); fs["atmosphere"] == "" || fs["topics"] == "" {
		t.Errorf("debrief problems = %v", fs)
	}
	f.at(f.session.EndsAt.Add(11 * 24 * time.Hour))
	if err := f.s.MarkPresent(ctx, f.fac.ID, f.session.ID, f.confirmed[0], true); err != nil {
		t.Fatal(err)
	}
	if n, err := f.s.CloseDueSessions(ctx); err != nil || n != 0 {
		t.Errorf("held without a debrief closed: %d %v", n, err)
	}
	day, err := f.s.SaveDebrief(ctx, f.fac.ID, f.session.ID, Debrief{Atmosphere: "Très participative.", Topics: "Harcèlement scolaire",
		Resources: "CMP de Roubaix", FollowUp: "Une séance pour les bailleurs", Notes: "Salle trop petite."})
	if err != nil || !day.Done() || day.Resources != "CMP de Roubaix" {
		t.Fatalf("debrief: %+v %v", day, err)
	}
	f.at(f.session.EndsAt.Add(9 * 24 * time.Hour))
	if n, err := f.s.CloseDueSessions(ctx); err != nil || n != 0 {
		t.Errorf("closed within the feedback period: %d %v", n, err)
	}
	f.at(f.session.EndsAt.Add(10*24*time.Hour + time.Minute))
	if n, err := f.s.CloseDueSessions(ctx); err != nil || n != 1 {
		t.Fatalf("close: %d %v", n, err)
	}
	if rs, ss, _ := f.state(t, f.req.ID); rs != RequestClosed || ss != SessionClosed {
		t.Errorf("after the feedback period: %s / %s", rs, ss)
	}
	var ce *ConflictError
	if _, err := f.s.SaveDebrief(ctx, f.fac.ID, f.session.ID, Debrief{Atmosphere: "Encore"}); !errors.As(err, &ce) {
		t.Errorf("debrief of a closed session: %v", err)
	}
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "",
		"0612345678":           "06 12 34 56 78",
		"06.12.34.56.78":       "06 12 34 56 78",
		"+33 6 12 34 56 78":    "+33 6 12 34 56 78",
		"+33 (0)6 12 34 56 78": "+33 6 12 34 56 78",
		"0033320123456":        "+33 3 20 12 34 56",
		"0590 12 34 56":        "05 90 12 34 56",
		"+590 690 12 34 56":    "+590 690 12 34 56",
		"+262692123456":        "+262 692 12 34 56",
		"+687 12 34 56":        "+687 12 34 56",
		"+689 87 12 34 56":     "+689 87 12 34 56",
	} {
		if got, ok := NormalizePhone(in); !ok || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"12345", "06 12 34 56 7", "0012345678", "+44 20 7946 0958", "06 12 34 56 78 ext", "+590 0690 12 34 56", strings.Repeat("0", 40)} {
		if got, ok := NormalizePhone(bad); ok {
			t.Errorf("NormalizePhone(%q) = %q, accepted", bad, got)
		}
	}
}

// TestSetSessionPhones_InTheReminders: the day's phones are checked,
// written the French way, and carried by the reminders.
func TestSetSessionPhones_InTheReminders(t *testing.T) {
	f := newScheduledDay(t, 0)
	ctx := context.Background()
	if _, err := f.s.SetSessionPhones(ctx, f.coord.ID, f.req.ID, PhonesInput{Facilitator: "06 12", Coordinator: "0320123456"}); fieldsOf(t, err)["facilitator_phone"] == "" {
		t.Errorf("bad phone: %v", err)
	}
	if _, err := f.s.SetSessionPhones(ctx, f.coord2.ID, f.req.ID, PhonesInput{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("phones by another CLSM's coordinator: %v", err)
	}
	day, err := f.s.SetSessionPhones(ctx, f.coord.ID, f.req.ID, PhonesInput{Facilitator: "0612345678", Coordinator: "+33320123456"})
	if err != nil || day.FacilitatorPhone != "06 12 34 56 78" || day.CoordinatorPhone != "+33 3 20 12 34 56" {
		t.Fatalf("phones: %+v %v", day, err)
	}
	f.at(f.session.StartsAt.Add(-2 * time.Hour))
	if _, err := f.s.QueueDueReminders(ctx); err != nil {
		t.Fatal(err)
	}
	var got *SessionReminderNotice
	for _, n := range f.mail.notices {
		if r, ok := n.(*SessionReminderNotice); ok {
			got = r
		}
	}
	if got == nil || got.Kind != Reminder1d || got.Day.FacilitatorPhone != "06 12 34 56 78" || got.Coordinator.ID != f.coord.ID {
		t.Errorf("reminder notice = %+v", got)
	}
}
