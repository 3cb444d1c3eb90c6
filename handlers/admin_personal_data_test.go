package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quartier/models"
)

func TestPersonalDataPage_AdminOnlyWithCSRF(t *testing.T) {
	e := newEnv(t)
	page := e.as(&e.admin).get("/admin/donnees-personnelles")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "<h1>Données personnelles</h1>") ||
		!strings.Contains(page.Body, "12&nbsp;mois") || !strings.Contains(page.Body, "pas encore passée") {
		t.Fatalf("page: %d\n%s", page.Status, page.Body)
	}
	for _, u := range []*models.User{nil, &e.coord, &e.facil} {
		c := e.as(u)
		if r := c.get("/admin/donnees-personnelles"); r.Status != http.StatusForbidden && r.Status != http.StatusSeeOther {
			t.Errorf("GET as %v: %d", u, r.Status)
		}
	}
	coord := e.as(&e.coord)
	if r := coord.post("/admin/donnees-personnelles/export", url.Values{"email": {"coord@exemple.fr"}}); r.Status != http.StatusForbidden {
		t.Errorf("export as a coordinator: %d", r.Status)
	}
	admin := e.as(&e.admin)
	for _, path := range []string{"/admin/donnees-personnelles/export", "/admin/donnees-personnelles/effacer"} {
		r := admin.post(path, url.Values{"email": {"coord@exemple.fr"}, "confirm": {"1"}, "csrf_token": {"faux"}})
		if r.Status != http.StatusForbidden {
			t.Errorf("%s without a valid CSRF token: %d", path, r.Status)
		}
	}
	if u, err := e.store.UserByEmail(context.Background(), "coord@exemple.fr"); err != nil || !u.Active {
		t.Errorf("the coordinator was touched: %+v %v", u, err)
	}
}

func TestPersonalDataPage_BadInputReRendered(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	for _, tc := range []struct{ email, want string }{
		{"", "Saisissez l’adresse électronique"},
		{"pas une adresse", "Saisissez une adresse électronique valide"},
		{strings.Repeat("a", 300) + "@exemple.fr", "caractères"},
		{"<script>alert(1)</script>@x.fr", "Saisissez une adresse électronique valide"},
	} {
		for _, path := range []string{"/admin/donnees-personnelles/export", "/admin/donnees-personnelles/effacer"} {
			r := c.post(path, url.Values{"email": {tc.email}})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tc.want) {
				t.Errorf("%s %q: %d, want 422 with %q", path, tc.email, r.Status, tc.want)
			}
			if strings.Contains(r.Body, "<script>alert") {
				t.Errorf("%s %q: not escaped", path, tc.email)
			}
			if len(tc.email) < 100 && tc.email != "" && !strings.Contains(r.Body, `value="`+strings.ReplaceAll(tc.email, "<", "&lt;")) && !strings.Contains(r.Body, "&lt;script&gt;") {
				t.Errorf("%s %q: what was typed is not shown back", path, tc.email)
			}
		}
	}
}

func TestPersonalDataPage_ExportThenEraseWithConfirmation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.as(&e.admin)
	r := c.post("/admin/donnees-personnelles/export", url.Values{"email": {" Coord@Exemple.fr "}})
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") || strings.Contains(r.Header.Get("Content-Disposition"), "coord") {
		t.Fatalf("export: %d %v", r.Status, r.Header)
	}
	var x models.SubjectExport
	if err := json.Unmarshal([]byte(r.Body), &x); err != nil || x.User == nil || x.User.Name != "Nadia Coord" || x.Email != "coord@exemple.fr" {
		t.Fatalf("export body: %v %+v", err, x)
	}

	ask := c.post("/admin/donnees-personnelles/effacer", url.Values{"email": {"coord@exemple.fr"}})
	if ask.Status != http.StatusOK || !strings.Contains(ask.Body, "Effacer définitivement") || !strings.Contains(ask.Body, `name="confirm" value="1"`) {
		t.Fatalf("confirmation: %d\n%s", ask.Status, ask.Body)
	}
	if u, err := e.store.UserByEmail(ctx, "coord@exemple.fr"); err != nil || !u.Active {
		t.Fatalf("erased before the confirmation: %+v %v", u, err)
	}
	done := c.post("/admin/donnees-personnelles/effacer", url.Values{"email": {"coord@exemple.fr"}, "confirm": {"1"}})
	if done.Status != http.StatusSeeOther || done.Location != "/admin/donnees-personnelles" {
		t.Fatalf("erase: %d %s", done.Status, done.Location)
	}
	if _, err := e.store.UserByEmail(ctx, "coord@exemple.fr"); err == nil {
		t.Error("the account still holds the address")
	}
	u, err := e.store.UserByID(ctx, e.coord.ID)
	if err != nil || u.Active || u.Name != models.AnonymisedName {
		t.Errorf("account after the erasure: %+v %v", u, err)
	}
	page := c.get("/admin/donnees-personnelles")
	if !strings.Contains(page.Body, "Données effacées") || !strings.Contains(page.Body, "effacement des données d’une personne (empreinte") ||
		!strings.Contains(page.Body, "export des données") || strings.Contains(page.Body, "coord@exemple.fr") {
		t.Errorf("page after the erasure:\n%s", page.Body)
	}
	// Neither the address nor the name went to the logs.
	if l := e.logs.String(); strings.Contains(l, "coord@exemple.fr") || strings.Contains(l, "Nadia") {
		t.Errorf("the logs hold personal data:\n%s", l)
	}
}
