package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"quartier/models"
)

// workWeek gives facilitator id a Monday-to-Friday week, 8:00 to 19:00 in
// Paris, two sessions a day at most.
func (e *env) workWeek(id int64) {
	e.t.Helper()
	in := models.AvailabilityInput{HomeINSEE: "59350", TimeZone: "Europe/Paris", MaxPerDay: 2, MaxPerWeek: 5}
	for d := range 5 {
		in.Pattern[d] = models.DayPattern{Works: true, StartMinute: 8 * 60, EndMinute: 19 * 60}
	}
	if err := e.store.SaveAvailability(context.Background(), id, in); err != nil {
		e.t.Fatal(err)
	}
}

// proposed creates a request of the coordinator, accepts it and proposes
// Monday 11 January 2027, 14:00 Paris, with e.facil.
func (e *env) proposed(coord *client) (int64, models.Session) {
	e.t.Helper()
	id := e.createRequest(coord, validRequest(e))
	ctx := context.Background()
	if _, err := e.store.DecideRequest(ctx, e.admin.ID, id, models.RequestAccepted, ""); err != nil {
		e.t.Fatal(err)
	}
	e.workWeek(e.facil.ID)
	start := time.Date(2027, 1, 11, 13, 0, 0, 0, time.UTC)
	se, err := e.store.ProposeSession(ctx, e.admin.ID, id, models.SessionSlot{FacilitatorID: e.facil.ID, Start: start,
		End: start.Add(3 * time.Hour), TimeZone: "Europe/Paris"})
	if err != nil {
		e.t.Fatal(err)
	}
	return id, se
}

// outboxTo lists "kind recipient" of the outbox's messages, oldest first.
func (e *env) outboxTo() []string {
	e.t.Helper()
	rows, _, err := e.store.ListOutbox(context.Background(), models.OutboxFilter{Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	out := make([]string, 0, len(rows))
	for i := len(rows) - 1; i >= 0; i-- {
		out = append(out, rows[i].Kind+" "+rows[i].Recipient)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestAnswerProposal_ConfirmSendsTheInvitations(t *testing.T) {
	e := newRequestEnv(t)
	coord := e.as(&e.coord)
	id, _ := e.proposed(coord)
	if !contains(e.outboxTo(), "session_proposed coord@exemple.fr") {
		t.Fatalf("no proposal to the coordinator: %v", e.outboxTo())
	}
	page := coord.get(fmt.Sprintf("/demandes/%d", id))
	for _, want := range []string{
		fmt.Sprintf(`<form method="post" action="/demandes/%d/date">`, id), `name="action" value="confirm">Confirmer cette date</button>`,
		`name="action" value="other"`, "lundi 11 janvier 2027, 14 h 00 – 17 h 00 (heure de Paris)", "Camille Facil",
		"Salle Watremez", "mercredi 2 décembre 2026 à 10 h 00", // the clock's 25 November + 7 days, in Paris
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the proposal's page lacks %q", want)
		}
	}
	// Another CLSM's coordinator cannot answer it.
	if r := e.as(&e.coord2).post(fmt.Sprintf("/demandes/%d/date", id), url.Values{"action": {"confirm"}}); r.Status != http.StatusNotFound {
		t.Errorf("another coordinator's confirmation: %d", r.Status)
	}
	if r := coord.post(fmt.Sprintf("/demandes/%d/date", id), url.Values{"action": {"confirm"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", r.Status, r.Body)
	}
	r, _ := e.store.RequestByID(context.Background(), id)
	if r.State != models.RequestScheduled || r.Session.State != models.SessionScheduled {
		t.Errorf("after confirmation: %s / %s", r.State, r.Session.State)
	}
	got := e.outboxTo()
	for _, want := range []string{"invitation coord@exemple.fr", "invitation facil@exemple.fr"} {
		if !contains(got, want) {
			t.Errorf("outbox lacks %q: %v", want, got)
		}
	}
	// Confirming again is refused (409): nothing is sent twice.
	if r := coord.post(fmt.Sprintf("/demandes/%d/date", id), url.Values{"action": {"confirm"}}); r.Status != http.StatusConflict {
		t.Errorf("second confirmation: %d", r.Status)
	}
	if n := len(e.outboxTo()); n != len(got) {
		t.Errorf("a refused confirmation queued %d messages", n-len(got))
	}
}

func TestAnswerProposal_AnotherDateNeedsAComment(t *testing.T) {
	e := newRequestEnv(t)
	coord := e.as(&e.coord)
	id, _ := e.proposed(coord)
	path := fmt.Sprintf("/demandes/%d/date", id)
	r := coord.post(path, url.Values{"action": {"other"}, "comment": {"  "}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Indiquez pourquoi cette date ne convient pas") ||
		!strings.Contains(r.Body, `id="f-other-comment"`) {
		t.Fatalf("empty comment: %d", r.Status)
	}
	if r := coord.post(path, url.Values{"action": {"other"}, "comment": {"Le centre social est fermé le lundi."}}); r.Status != http.StatusSeeOther {
		t.Fatalf("another date: %d\n%s", r.Status, r.Body)
	}
	got, _ := e.store.RequestByID(context.Background(), id)
	if got.State != models.RequestAccepted || got.SessionID != nil {
		t.Errorf("after asking for another date: %s, session %v", got.State, got.SessionID)
	}
	if !contains(e.outboxTo(), "proposal_declined admin@exemple.fr") {
		t.Errorf("the admins are not told: %v", e.outboxTo())
	}
}

func TestAdminSessionForms_ConfirmMoveCancel(t *testing.T) {
	e := newRequestEnv(t)
	coord, admin := e.as(&e.coord), e.as(&e.admin)
	id, se := e.proposed(coord)
	base := fmt.Sprintf("/admin/demandes/%d", id)
	if body := admin.get(base).Body; !strings.Contains(body, "Confirmer pour la coordination") {
		t.Fatal("the admin's page of a proposal has no confirmation on behalf")
	}
	if r := admin.post(base+"/confirmer", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("confirm on behalf: %d\n%s", r.Status, r.Body)
	}
	trail, _ := e.store.AuditTrail(context.Background(), "session", se.ID)
	found := false
	for _, a := range trail {
		found = found || a.Action == "confirm_on_behalf"
	}
	if !found {
		t.Errorf("the audit trail does not say the admin confirmed on the coordinator's behalf: %+v", trail)
	}
	body := admin.get(base).Body
	for _, want := range []string{"Séance programmée", `action="` + base + `/seance/deplacer"`, `action="` + base + `/seance/annuler"`, `value="2027-01-11"`, `value="14:00"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the scheduled session's page lacks %q", want)
		}
	}
	fac := fmt.Sprint(e.facil.ID)
	for _, c := range []struct {
		name, date, start, want string
	}{
		{"no date", "", "14:00", "Indiquez le jour"},
		{"a Saturday", "2027-01-16", "14:00", "n’est pas disponible"},
		{"too late", "2027-01-12", "17:30", "n’est pas disponible"},
	} {
		r := admin.post(base+"/seance/deplacer", url.Values{"date": {c.date}, "start": {c.start}, "facilitator": {fac}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, c.want) || !strings.Contains(r.Body, `value="`+c.start+`"`) {
			t.Errorf("%s: %d, want 422 with %q", c.name, r.Status, c.want)
		}
	}
	if r := admin.post(base+"/seance/deplacer", url.Values{"date": {"2027-01-12"}, "start": {"09:30"}, "facilitator": {fac}}); r.Status != http.StatusSeeOther {
		t.Fatalf("move: %d\n%s", r.Status, r.Body)
	}
	moved, _ := e.store.SessionByID(context.Background(), se.ID)
	if moved.Sequence != 1 || !moved.StartsAt.Equal(time.Date(2027, 1, 12, 8, 30, 0, 0, time.UTC)) || moved.EndsAt.Sub(moved.StartsAt) != 3*time.Hour {
		t.Errorf("moved session: %+v", moved)
	}
	if got := e.outboxTo(); !contains(got, "invitation_update facil@exemple.fr") || !contains(got, "invitation_update coord@exemple.fr") {
		t.Errorf("no updated invitations: %v", got)
	}
	if r := admin.post(base+"/seance/annuler", url.Values{"comment": {""}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Indiquez la raison") {
		t.Errorf("cancel without a reason: %d", r.Status)
	}
	r := admin.post(base+"/seance/annuler", url.Values{"comment": {"Salle inondée."}})
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Confirmer l’annulation") || !strings.Contains(r.Body, "Salle inondée.") {
		t.Fatalf("cancel, first step: %d", r.Status)
	}
	if got, _ := e.store.SessionByID(context.Background(), se.ID); got.State != models.SessionScheduled {
		t.Fatalf("the first step cancelled the session")
	}
	if r := admin.post(base+"/seance/annuler", url.Values{"comment": {"Salle inondée."}, "confirm": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("cancel: %d\n%s", r.Status, r.Body)
	}
	if got, _ := e.store.SessionByID(context.Background(), se.ID); got.State != models.SessionCancelled || got.CancelReason != "Salle inondée." {
		t.Errorf("cancelled session: %+v", got)
	}
	if got := e.outboxTo(); !contains(got, "cancellation facil@exemple.fr") || !contains(got, "cancellation coord@exemple.fr") {
		t.Errorf("no cancellations: %v", got)
	}
	// The coordinator cannot use the admin's forms.
	if r := coord.post(base+"/confirmer", nil); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
		t.Errorf("coordinator on the admin's form: %d", r.Status)
	}
}

func TestDashboard_ListsTheDatesToConfirm(t *testing.T) {
	e := newRequestEnv(t)
	coord := e.as(&e.coord)
	if body := coord.get("/tableau-de-bord").Body; strings.Contains(body, "Dates à confirmer") {
		t.Error("a dashboard without proposals lists dates to confirm")
	}
	id, _ := e.proposed(coord)
	body := coord.get("/tableau-de-bord").Body
	if !strings.Contains(body, "Dates à confirmer") || !strings.Contains(body, fmt.Sprintf(`href="/demandes/%d"`, id)) ||
		!strings.Contains(body, "lundi 11 janvier 2027, 14 h 00 – 17 h 00 (heure de Paris), avec Camille Facil") {
		t.Errorf("the dashboard does not list the proposal:\n%s", body)
	}
	if body := e.as(&e.coord2).get("/tableau-de-bord").Body; strings.Contains(body, "Dates à confirmer") {
		t.Error("another CLSM's coordinator sees the proposal")
	}
}
