package models

import (
	"context"
	"errors"
	"fmt"
	"quartier/internal/dbtest"
	"sync"
	"testing"
	"time"
)

// signupFixture is a scheduled session of the first CLSM with invited
// partner organisations.
type signupFixture struct {
	*sessFixture
	session  Session
	partners []SessionPartner
	mail     *recordingMail
}

func newSignupFixture(t testing.TB, partners, capacity, orgCap int) *signupFixture {
	t.Helper()
	return newSignupFixtureOn(t, dbtest.DSN(t), partners, capacity, orgCap)
}

// newSignupFixtureOn is newSignupFixture on the database dsn names.
func newSignupFixtureOn(t testing.TB, dsn string, partners, capacity, orgCap int) *signupFixture {
	t.Helper()
	ctx := context.Background()
	f := &signupFixture{sessFixture: newSessFixtureOn(t, dsn), mail: &recordingMail{}}
	f.s.UseMail(f.mail)
	f.mustPropose()
	f.mustConfirm()
	var err error
	if f.session, err = f.s.SetSessionLimits(ctx, f.coord.ID, f.sessionID(), capacity, orgCap); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < partners; i++ {
		p, err := f.s.InvitePartner(ctx, f.coord.ID, f.session.ID, 0, OrganisationInput{
			Name: fmt.Sprintf("Association %d", i+1), Kind: OrgAssociation, ContactEmail: fmt.Sprintf("contact%d@asso.fr", i+1)})
		if err != nil {
			t.Fatal(err)
		}
		f.partners = append(f.partners, p)
	}
	f.mail.notices = nil
	return f
}

func person(n int) RegistrationInput {
	return RegistrationInput{FirstName: "Amina", LastName: fmt.Sprintf("Benali%d", n), Email: fmt.Sprintf("p%d@exemple.fr", n), Category: CategoryResident}
}

func (f *signupFixture) register(t *testing.T, partner, n int) Signup {
	t.Helper()
	su, err := f.s.Register(context.Background(), f.partners[partner].ID, person(n))
	if err != nil {
		t.Fatalf("register %d: %v", n, err)
	}
	return su
}

func (f *signupFixture) states(t testing.TB) (confirmed, waiting int64) {
	t.Helper()
	f.s.db.Model(&Registration{}).Where("session_id = ? AND state = 'confirmed'", f.session.ID).Count(&confirmed)
	f.s.db.Model(&Registration{}).Where("session_id = ? AND state = 'waiting'", f.session.ID).Count(&waiting)
	return
}

func TestRegister_ConfirmsThenWaitsWithRank(t *testing.T) {
	f := newSignupFixture(t, 2, 3, 4)
	want := []struct {
		state RegistrationState
		rank  int
	}{{RegistrationConfirmed, 0}, {RegistrationConfirmed, 0}, {RegistrationConfirmed, 0}, {RegistrationWaiting, 1}, {RegistrationWaiting, 2}}
	for i, w := range want {
		su := f.register(t, i%2, i)
		if su.Registration.State != w.state || su.Rank != w.rank {
			t.Errorf("sign-up %d: %s rank %d, want %s rank %d", i, su.Registration.State, su.Rank, w.state, w.rank)
		}
	}
	if got := f.mail.kinds(); got != "registered registered registered waiting waiting" {
		t.Errorf("notices: %s", got)
	}
}

func TestRegister_Refusals(t *testing.T) {
	f := newSignupFixture(t, 2, 20, 2)
	ctx := context.Background()
	f.register(t, 0, 1)
	f.register(t, 0, 2)
	_, err := f.s.Register(ctx, f.partners[0].ID, person(3))
	var ce *ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("beyond the organisation's cap: %v", err)
	}
	dup := person(1)
	dup.FirstName = "Autre"
	_, err = f.s.Register(ctx, f.partners[1].ID, dup)
	if fieldsOf(t, err)["email"] == "" {
		t.Fatalf("same email twice: %v", err)
	}
	bad := RegistrationInput{FirstName: " ", LastName: string(make([]rune, 0)), Email: "pas-une-adresse", Category: "alien", Accommodations: []string{"step_free", "diabete"}}
	fields := fieldsOf(t, func() error { _, err := f.s.Register(ctx, f.partners[1].ID, bad); return err }())
	for _, k := range []string{"first_name", "last_name", "email", "category", "accommodations"} {
		if fields[k] == "" {
			t.Errorf("no message for %s: %v", k, fields)
		}
	}
	if _, err := f.s.Register(ctx, 9999, person(9)); !errors.Is(err, ErrLinkRevoked) {
		t.Errorf("unknown partner: %v", err)
	}
	// A session that has started takes no more sign-ups.
	f.clock.Add(60 * 24 * time.Hour)
	if _, err := f.s.Register(ctx, f.partners[1].ID, person(10)); !errors.As(err, &ce) {
		t.Errorf("after the start: %v", err)
	}
}

func TestCancelRegistration_PromotesTheFirstWaitingUntilTheCutoff(t *testing.T) {
	f := newSignupFixture(t, 2, 2, 4)
	ctx := context.Background()
	a := f.register(t, 0, 1)
	f.register(t, 0, 2)
	w1 := f.register(t, 1, 3)
	w2 := f.register(t, 1, 4)
	f.mail.notices = nil

	// The partner cancels a waiting person: nobody is promoted.
	if _, err := f.s.CancelRegistration(ctx, w2.Registration.ID, Canceller{Role: CancelledByPartner, PartnerID: f.partners[0].ID}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another partner's registration: %v", err)
	}
	if _, err := f.s.CancelRegistration(ctx, w2.Registration.ID, Canceller{Role: CancelledByPartner, PartnerID: f.partners[1].ID}); err != nil {
		t.Fatal(err)
	}
	// The participant cancels a place: the first waiting person gets it.
	if _, err := f.s.CancelRegistration(ctx, a.Registration.ID, Canceller{Role: CancelledByParticipant}); err != nil {
		t.Fatal(err)
	}
	if got := f.mail.kinds(); got != "cancelled cancelled promoted" {
		t.Errorf("notices: %s", got)
	}
	var r Registration
	f.s.db.Take(&r, w1.Registration.ID)
	if r.State != RegistrationConfirmed || r.PromotedAt == nil {
		t.Errorf("first waiting: %+v", r)
	}
	// Twice is harmless.
	if _, err := f.s.CancelRegistration(ctx, a.Registration.ID, Canceller{Role: CancelledByParticipant}); err != nil {
		t.Fatal(err)
	}

	// Inside the cut-off, a freed place stays free and a new sign-up waits
	// behind the list.
	w3 := f.register(t, 1, 5)
	f.clock.t = f.session.StartsAt.Add(-23 * time.Hour)
	if _, err := f.s.CancelRegistration(ctx, w1.Registration.ID, Canceller{Role: CancelledByCoordinator, UserID: f.coord.ID}); err != nil {
		t.Fatal(err)
	}
	r = Registration{}
	f.s.db.Take(&r, w3.Registration.ID)
	if r.State != RegistrationWaiting {
		t.Errorf("promoted inside the cut-off: %+v", r)
	}
	if c, w := f.states(t); c != 1 || w != 1 {
		t.Errorf("confirmed %d waiting %d, want 1 and 1", c, w)
	}
	// Another CLSM's coordinator cannot cancel.
	if _, err := f.s.CancelRegistration(ctx, w3.Registration.ID, Canceller{Role: CancelledByCoordinator, UserID: f.coord2.ID}); !errors.Is(err, ErrNotFound) {
		t.Errorf("another CLSM's coordinator: %v", err)
	}
}

func TestSetSessionLimits_BoundsAndPromotion(t *testing.T) {
	f := newSignupFixture(t, 2, 2, 4)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		f.register(t, i%2, i)
	}
	for _, c := range []struct {
		capacity, orgCap int
		field            string
	}{{0, 4, "capacity"}, {MaxCapacity + 1, 4, "capacity"}, {10, 0, "org_cap"}, {10, MaxOrgCap + 1, "org_cap"}, {1, 1, "capacity"}} {
		_, err := f.s.SetSessionLimits(ctx, f.coord.ID, f.session.ID, c.capacity, c.orgCap)
		if fieldsOf(t, err)[c.field] == "" {
			t.Errorf("limits %d/%d: %v", c.capacity, c.orgCap, err)
		}
	}
	if _, err := f.s.SetSessionLimits(ctx, f.coord2.ID, f.session.ID, 10, 4); !errors.Is(err, ErrNotFound) {
		t.Errorf("another CLSM's coordinator: %v", err)
	}
	f.mail.notices = nil
	if _, err := f.s.SetSessionLimits(ctx, f.coord.ID, f.session.ID, 4, 4); err != nil {
		t.Fatal(err)
	}
	if c, w := f.states(t); c != 4 || w != 1 {
		t.Errorf("confirmed %d waiting %d, want 4 and 1", c, w)
	}
	if got := f.mail.kinds(); got != "promoted promoted" {
		t.Errorf("notices: %s", got)
	}
	var audits int64
	f.s.db.Table("audit_events").Where("object_type = 'session' AND object_id = ? AND action = 'limits'", f.session.ID).Count(&audits)
	if audits != 2 {
		t.Errorf("audit lines: %d", audits)
	}
}

// TestRegister_LastPlaceRace: 100 sign-ups at once for the last 5 places
// give exactly 5 confirmed and 95 waiting with ranks 1 to 95.
func TestRegister_LastPlaceRace(t *testing.T) {
	f := newSignupFixture(t, 25, 25, 4)
	for i := 0; i < 20; i++ {
		if _, err := f.s.Register(context.Background(), f.partners[i%25].ID, person(1000+i)); err != nil {
			t.Fatal(err)
		}
	}
	// 20 of 25 places taken by 20 partners; each partner registers up
	// to 4, so the first 20 partners have 3 left, the last 5 have 4.
	var wg sync.WaitGroup
	results := make(chan Signup, 100)
	errs := make(chan error, 100)
	n := 0
	for p := 0; p < 25; p++ {
		left := 4
		if p < 20 {
			left = 3
		}
		for k := 0; k < left && n < 100; k++ {
			n++
			wg.Add(1)
			go func(p, i int) {
				defer wg.Done()
				su, err := f.s.Register(context.Background(), f.partners[p].ID, person(i))
				if err != nil {
					errs <- err
					return
				}
				results <- su
			}(p, n)
		}
	}
	wg.Wait()
	close(results)
	close(errs)
	for err := range errs {
		t.Errorf("sign-up refused: %v", err)
	}
	ranks := map[int]bool{}
	confirmed := 0
	for su := range results {
		if su.Registration.State == RegistrationConfirmed {
			confirmed++
		} else {
			ranks[su.Rank] = true
		}
	}
	if n != 80 || confirmed != 5 || len(ranks) != 75 {
		t.Errorf("%d sign-ups: %d confirmed, %d distinct ranks; want 80, 5, 75", n, confirmed, len(ranks))
	}
	if c, w := f.states(t); c != 25 || w != 75 {
		t.Errorf("in the database: %d confirmed, %d waiting", c, w)
	}
}

func TestCancelAndMoveSession_TellParticipants(t *testing.T) {
	f := newSignupFixture(t, 1, 1, 4)
	ctx := context.Background()
	f.register(t, 0, 1)
	f.register(t, 0, 2)
	f.mail.notices = nil
	sl := f.slot()
	sl.Start, sl.End = sl.Start.Add(24*time.Hour), sl.End.Add(24*time.Hour)
	if _, err := f.s.MoveSession(ctx, f.admin.ID, f.session.ID, sl); err != nil {
		t.Fatal(err)
	}
	n := f.mail.notices[0].(*SessionInvitationsNotice)
	if len(n.Participants) != 1 || n.Participants[0].Organisation != "Association 1" {
		t.Errorf("move tells %+v, want the one confirmed participant", n.Participants)
	}
	if _, err := f.s.CancelSession(ctx, f.admin.ID, f.session.ID, "Salle indisponible"); err != nil {
		t.Fatal(err)
	}
	n = f.mail.notices[1].(*SessionInvitationsNotice)
	if len(n.Participants) != 2 || n.Session.Sequence != 2 {
		t.Errorf("cancellation tells %d people at SEQUENCE %d", len(n.Participants), n.Session.Sequence)
	}
	if c, w := f.states(t); c != 0 || w != 0 {
		t.Errorf("live registrations after the cancellation: %d, %d", c, w)
	}
}
