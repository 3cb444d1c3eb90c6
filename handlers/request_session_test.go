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

// TestRequestPages_ShowTheLiveSession checks that the coordinator's and
// the admin's request pages read the date from the request's session, and
// say in the history what happened to it.
func TestRequestPages_ShowTheLiveSession(t *testing.T) {
	e := newRequestEnv(t)
	ctx := context.Background()
	coord, admin := e.as(&e.coord), e.as(&e.admin)
	id := e.createRequest(coord, validRequest(e))
	if r := admin.post(fmt.Sprintf("/admin/demandes/%d/accepter", id), url.Values{"comment": {""}}); r.Status != http.StatusSeeOther {
		t.Fatalf("accept: %d", r.Status)
	}
	e.workWeek(e.facil.ID)
	start := time.Date(2027, 1, 11, 13, 0, 0, 0, time.UTC)
	se, err := e.store.ProposeSession(ctx, e.admin.ID, id, models.SessionSlot{FacilitatorID: e.facil.ID, Start: start, End: start.Add(3 * time.Hour), TimeZone: "Europe/Paris"})
	if err != nil {
		t.Fatal(err)
	}
	when := "lundi 11 janvier 2027, 14 h 00 – 17 h 00 (heure de Paris)"
	for _, c := range []struct {
		name string
		get  func(string) string
		path string
	}{
		{"coordinator", func(p string) string { return coord.get(p).Body }, fmt.Sprintf("/demandes/%d", id)},
		{"admin", func(p string) string { return admin.get(p).Body }, fmt.Sprintf("/admin/demandes/%d", id)},
	} {
		body := c.get(c.path)
		for _, want := range []string{"<dt>Séance</dt>", when + " — Date proposée", "a proposé une date"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s page lacks %q", c.name, want)
			}
		}
	}
	if _, err := e.store.CancelSession(ctx, e.admin.ID, se.ID, "Salle indisponible."); err != nil {
		t.Fatal(err)
	}
	body := coord.get(fmt.Sprintf("/demandes/%d", id)).Body
	if !strings.Contains(body, when+" — Annulée (Salle indisponible.)") || !strings.Contains(body, "a annulé la séance") {
		t.Errorf("after the cancellation the page lacks the cancelled session:\n%s", body)
	}
	// The CLSM's page lists the request with its session's date.
	if r := admin.get(fmt.Sprintf("/admin/clsm/%d", e.clsm.ID)); r.Status != http.StatusOK || !strings.Contains(r.Body, "lundi 11 janvier 2027 à 14 h 00") {
		t.Errorf("CLSM page: %d, without the session's date", r.Status)
	}
}
