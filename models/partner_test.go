package models

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// partnerFixture is a sessFixture whose request has a scheduled session,
// with a recording mail.
type partnerFixture struct {
	*sessFixture
	se   Session
	mail *recordingMail
}

func newPartnerFixture(t *testing.T) *partnerFixture {
	t.Helper()
	ctx := context.Background()
	f := &partnerFixture{sessFixture: newSessFixture(t), mail: &recordingMail{}}
	f.s.UseMail(f.mail)
	if _, err := f.s.ProposeSession(ctx, f.admin.ID, f.req.ID, f.slot()); err != nil {
		t.Fatal(err)
	}
	se, err := f.s.ConfirmSession(ctx, f.coord.ID, f.req.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.se = se
	f.mail.notices = nil
	return f
}

// links returns the partner-link notices recorded since the last call.
func (f *partnerFixture) links() []*PartnerLinkNotice {
	var out []*PartnerLinkNotice
	for _, n := range f.mail.notices {
		if n, ok := n.(*PartnerLinkNotice); ok {
			out = append(out, n)
		}
	}
	f.mail.notices = nil
	return out
}

func (f *partnerFixture) invite(t *testing.T, name string) SessionPartner {
	t.Helper()
	p, err := f.s.InvitePartner(context.Background(), f.coord.ID, f.se.ID, 0, OrganisationInput{Name: name, Kind: OrgAssociation,
		ContactName: "Karim B.", ContactEmail: fmt.Sprintf("contact-%d@exemple.fr", len(name))})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInvitePartner_TwiceIsTheSameInvitationAndOneMessage(t *testing.T) {
	f := newPartnerFixture(t)
	ctx := context.Background()
	p := f.invite(t, "Mission locale")
	sent := f.links()
	if len(sent) != 1 || sent[0].Why != LinkFirst || sent[0].Send != 1 || sent[0].Organisation.ContactEmail != "contact-14@exemple.fr" ||
		sent[0].By.ID != f.coord.ID || sent[0].CLSM.ID != f.clsm.ID || sent[0].Session.ID != f.se.ID {
		t.Fatalf("first invitation notices: %+v", sent)
	}
	again, err := f.s.InvitePartner(ctx, f.coord.ID, f.se.ID, p.OrganisationID, OrganisationInput{})
	if err != nil || again.ID != p.ID {
		t.Fatalf("invite again = %+v, %v; want partner %d", again, err, p.ID)
	}
	typed, err := f.s.InvitePartner(ctx, f.coord.ID, f.se.ID, 0, OrganisationInput{Name: "MISSION LOCALE", Kind: OrgYouthJob, ContactEmail: "contact-14@exemple.fr"})
	if err != nil || typed.ID != p.ID {
		t.Fatalf("typed again = %+v, %v; want partner %d", typed, err, p.ID)
	}
	var ve *ValidationError
	if _, err := f.s.InvitePartner(ctx, f.coord.ID, f.se.ID, 0, OrganisationInput{Name: "Mission Locale", Kind: OrgYouthJob, ContactEmail: "autre@exemple.fr"}); !errors.As(err, &ve) || ve.Fields["name"] == "" {
		t.Errorf("same name, another contact: %v", err)
	}
	if sent := f.links(); len(sent) != 0 {
		t.Errorf("inviting again sent %d messages", len(sent))
	}
	var stored SessionPartner
	if err := f.s.db.Take(&stored, p.ID).Error; err != nil || stored.LinkSentAt == nil {
		t.Errorf("link_sent_at not set: %+v, %v", stored, err)
	}
}

func TestInvitePartner_Refusals(t *testing.T) {
	f := newPartnerFixture(t)
	ctx := context.Background()
	_, err := f.s.InvitePartner(ctx, f.coord.ID, f.se.ID, 0, OrganisationInput{Name: " ", Kind: "club"})
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Fields["name"] == "" || ve.Fields["kind"] == "" || ve.Fields["contact_email"] == "" {
		t.Errorf("empty input: %v", err)
	}
	other, err := f.s.CreateOrganisation(ctx, f.admin.ID, f.clsm2.ID, OrganisationInput{Name: "Régie de Cholet", Kind: OrgOther, ContactEmail: "r@exemple.fr"})
	if err != nil {
		t.Fatal(err)
	}
	var nf *NotFoundError
	if _, err := f.s.InvitePartner(ctx, f.coord.ID, f.se.ID, other.ID, OrganisationInput{}); !errors.As(err, &nf) {
		t.Errorf("another CLSM's organisation: %v", err)
	}
	// A request without a scheduled session: a conflict.
	r := f.accepted(t)
	se, err := f.s.ProposeSession(ctx, f.admin.ID, r.ID, SessionSlot{FacilitatorID: f.fac2.ID, Start: f.slot().Start, End: f.slot().End, TimeZone: "Europe/Paris"})
	if err != nil {
		t.Fatal(err)
	}
	var ce *ConflictError
	if _, err := f.s.InvitePartner(ctx, f.coord.ID, se.ID, 0, OrganisationInput{Name: "X", Kind: OrgOther, ContactEmail: "x@exemple.fr"}); !errors.As(err, &ce) {
		t.Errorf("proposed session: %v", err)
	}
	// Once the session has started, no more invitations.
	f.clock.t = f.se.StartsAt.Add(time.Minute)
	if _, err := f.s.InvitePartner(ctx, f.coord.ID, f.se.ID, 0, OrganisationInput{Name: "Y", Kind: OrgOther, ContactEmail: "y@exemple.fr"}); !errors.As(err, &ce) {
		t.Errorf("started session: %v", err)
	}
	if sent := f.links(); len(sent) != 0 {
		t.Errorf("refusals sent %d messages", len(sent))
	}
}

func TestPartnerLink_RevokeResendReissue(t *testing.T) {
	f := newPartnerFixture(t)
	ctx := context.Background()
	p := f.invite(t, "Collège Anne-Frank")
	f.links()
	keys := map[string]bool{}
	for range 2 {
		if _, err := f.s.ResendPartnerLink(ctx, f.coord.ID, f.se.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		sent := f.links()
		if len(sent) != 1 || sent[0].Why != LinkResent || sent[0].Partner.LinkVersion != 0 {
			t.Fatalf("resend: %+v", sent)
		}
		keys[fmt.Sprint(sent[0].Partner.LinkVersion, ":", sent[0].Send)] = true
	}
	if len(keys) != 2 {
		t.Errorf("two resends share a message number: %v", keys)
	}
	if v, err := f.s.SignupLinkVersion(ctx, p.ID); err != nil || v != 0 {
		t.Fatalf("version before revoking = %d, %v", v, err)
	}
	if _, err := f.s.RevokePartnerLink(ctx, f.coord.ID, f.se.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SignupLinkVersion(ctx, p.ID); !errors.Is(err, ErrLinkRevoked) {
		t.Errorf("revoked link: %v", err)
	}
	var ce *ConflictError
	if _, err := f.s.ResendPartnerLink(ctx, f.coord.ID, f.se.ID, p.ID); !errors.As(err, &ce) {
		t.Errorf("resending a revoked link: %v", err)
	}
	if _, err := f.s.RevokePartnerLink(ctx, f.coord.ID, f.se.ID, p.ID); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	q, err := f.s.ReissuePartnerLink(ctx, f.coord.ID, f.se.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := f.s.SignupLinkVersion(ctx, p.ID); err != nil || v != 1 || q.LinkVersion != 1 || q.Revoked() {
		t.Errorf("after reissue: version %d, %v; partner %+v", v, err, q)
	}
	if sent := f.links(); len(sent) != 1 || sent[0].Why != LinkReissued || sent[0].Partner.LinkVersion != 1 || sent[0].Send != 4 {
		t.Errorf("reissue notices: %+v", sent)
	}
	// A partner of another session is not found through this one.
	var nf *NotFoundError
	if _, err := f.s.RevokePartnerLink(ctx, f.coord.ID, f.se.ID+1, p.ID); !errors.As(err, &nf) {
		t.Errorf("revoke through another session: %v", err)
	}
	trail, err := f.s.AuditTrail(ctx, "session_partner", p.ID)
	if err != nil || len(trail) != 5 { // 4 sends, 1 revocation
		t.Errorf("audit trail: %d lines, %v", len(trail), err)
	}
}

func TestSessionPartners_CountsAndPeople(t *testing.T) {
	f := newPartnerFixture(t)
	ctx := context.Background()
	a, b := f.invite(t, "Association Alma"), f.invite(t, "Bailleur Vilogia")
	f.invite(t, "Centre social")
	now := f.s.Now()
	add := func(p SessionPartner, first string, st RegistrationState) {
		t.Helper()
		r := Registration{SessionID: f.se.ID, PartnerID: p.ID, FirstName: first, LastName: "Martin", Email: first + "@exemple.fr",
			Category: CategoryResident, State: st, CreatedAt: now, UpdatedAt: now}
		if err := f.s.db.Create(&r).Error; err != nil {
			t.Fatal(err)
		}
	}
	add(a, "amina", RegistrationConfirmed)
	add(a, "bruno", RegistrationWaiting)
	add(a, "chloe", RegistrationConfirmed)
	add(a, "david", RegistrationCancelled)
	add(b, "emma", RegistrationWaiting)
	rows, err := f.s.SessionPartners(ctx, f.se.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, r := range rows {
		got += fmt.Sprintf("%s %d/%d [", r.OrgName, r.Confirmed, r.Waiting)
		for _, p := range r.People {
			got += p.FirstName + " "
		}
		got += "] "
	}
	want := "Association Alma 2/1 [amina chloe bruno ] Bailleur Vilogia 0/1 [emma ] Centre social 0/0 [] "
	if got != want {
		t.Errorf("partners:\n got %s\nwant %s", got, want)
	}
	tot, err := f.s.SessionSignupTotals(ctx, f.se.ID)
	if err != nil || tot != (SignupTotals{SessionID: f.se.ID, Capacity: DefaultCapacity, OrgCap: DefaultOrgCap, Confirmed: 2, Waiting: 2, Partners: 3}) {
		t.Errorf("totals = %+v, %v", tot, err)
	}
	up, err := f.s.UpcomingSignupsOf(ctx, f.coord.ID, 5)
	if err != nil || len(up) != 1 || up[0].Confirmed != 2 || up[0].RequestID != f.req.ID || up[0].CLSMName != f.clsm.Name {
		t.Errorf("upcoming = %+v, %v", up, err)
	}
	if up, _ := f.s.UpcomingSignupsOf(ctx, f.coord2.ID, 5); len(up) != 0 {
		t.Errorf("another coordinator sees %+v", up)
	}
}

func TestAddressBook_PickSeveralAllOrNone(t *testing.T) {
	f := newPartnerFixture(t)
	ctx := context.Background()
	var ids []int64
	for i, name := range []string{"Épicerie solidaire", "Maison de quartier", "Mission locale"} {
		o, err := f.s.CreateOrganisation(ctx, f.coord.ID, f.clsm.ID, OrganisationInput{Name: name, Kind: OrgAssociation,
			ContactEmail: fmt.Sprintf("c%d@exemple.fr", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	other, _ := f.s.CreateOrganisation(ctx, f.admin.ID, f.clsm2.ID, OrganisationInput{Name: "Ailleurs", Kind: OrgOther, ContactEmail: "a@exemple.fr"})
	if _, err := f.s.InvitePartners(ctx, f.coord.ID, f.se.ID, []int64{ids[0], other.ID}); err == nil {
		t.Fatal("a pick with another CLSM's organisation was accepted")
	}
	if book, _ := f.s.AddressBook(ctx, f.clsm.ID, f.se.ID); len(book) != 3 {
		t.Fatalf("a refused pick invited someone: %d left in the book", len(book))
	}
	var queued int64
	if err := f.s.db.Model(&OutboxMessage{}).Where("dedup_key LIKE 'partner-link:%'").Count(&queued).Error; err != nil || queued != 0 {
		t.Fatalf("a refused pick left %d messages in the outbox (%v)", queued, err)
	}
	f.links()
	ps, err := f.s.InvitePartners(ctx, f.coord.ID, f.se.ID, ids[:2])
	if err != nil || len(ps) != 2 {
		t.Fatalf("pick two = %v, %v", ps, err)
	}
	book, err := f.s.AddressBook(ctx, f.clsm.ID, f.se.ID)
	if err != nil || len(book) != 1 || book[0].Name != "Mission locale" {
		t.Errorf("address book after the pick = %+v, %v", book, err)
	}
	if sent := f.links(); len(sent) != 2 {
		t.Errorf("pick sent %d messages", len(sent))
	}
	var ve *ValidationError
	if _, err := f.s.InvitePartners(ctx, f.coord.ID, f.se.ID, nil); !errors.As(err, &ve) {
		t.Errorf("empty pick: %v", err)
	}
	// Editing the contact, from the address book.
	o, err := f.s.UpdateOrganisation(ctx, f.coord.ID, f.clsm.ID, ids[2], OrganisationInput{Name: "Mission locale de Roubaix",
		Kind: OrgYouthJob, ContactName: "Inès", ContactEmail: "Ines@Exemple.fr"})
	if err != nil || o.ContactEmail != "ines@exemple.fr" || o.Kind != OrgYouthJob {
		t.Errorf("update = %+v, %v", o, err)
	}
	if _, err := f.s.UpdateOrganisation(ctx, f.coord2.ID, f.clsm2.ID, ids[2], OrganisationInput{Name: "X", Kind: OrgOther}); err == nil {
		t.Error("another CLSM edited the organisation")
	}
	if _, err := f.s.UpdateOrganisation(ctx, f.coord.ID, f.clsm.ID, ids[0], OrganisationInput{Name: "Épicerie", Kind: OrgOther}); !errors.As(err, &ve) {
		t.Errorf("emptying an invited organisation's contact: %v", err)
	}
}
