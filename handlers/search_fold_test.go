package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quartier/models"
)

// TestSearchFields_AccentAndCaseBlind types each search field of the
// lists without accents or in capitals and expects the accented name:
// people, CLSMs, quartiers (list and suggestions), and the CLSM and
// coordinator search fields of the forms (suggestions, and the typed text
// resolved on the server).
func TestSearchFields_AccentAndCaseBlind(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	ctx := context.Background()
	if _, err := e.store.CreateUser(ctx, e.admin.ID, models.NewUser{Email: "helene.lefevre@exemple.fr", Name: "Hélène Lefèvre", Role: models.RoleCoordinator}, nil); err != nil {
		t.Fatal(err)
	}
	evry, err := e.store.CreateCLSM(ctx, e.admin.ID, models.CLSMInput{Name: "CLSM d’Évry-Courcouronnes", RegionCode: "11", DepartementCode: "91", Communes: []string{"91228"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.ImportQPVs(ctx, e.admin.ID, []models.QPVInput{{Line: 1, Code: "QN09101M", Name: "Les Épinettes", Communes: []string{"91228"}}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want, not string }{
		{"/admin/personnes?q=helene", "Hélène Lefèvre", "Nadia Coord"},
		{"/admin/personnes?q=LEFEVRE", "Hélène Lefèvre", "Nadia Coord"},
		{"/admin/personnes?q=" + url.QueryEscape("hélène") + "&role=coordinator", "Hélène Lefèvre", "Nadia Coord"},
		{"/admin/clsm?q=evry", "CLSM d’Évry-Courcouronnes", "CLSM de Roubaix"},
		{"/admin/clsm?q=" + url.QueryEscape("D'EVRY"), "CLSM d’Évry-Courcouronnes", "CLSM de Roubaix"},
		{"/admin/qpv?q=epinettes", "Les Épinettes", ""},
		{"/admin/recherche/clsm?q=evry", "CLSM d’Évry-Courcouronnes", "Roubaix"},
		{"/admin/recherche/coordination?q=helene", "helene.lefevre@exemple.fr", "coord@exemple.fr"},
		{"/recherche/qpv?q=EPINETTES", "Les Épinettes", ""}, // a coordinator's field
	} {
		c := c
		if strings.HasPrefix(tc.path, "/recherche/") {
			c = e.as(&e.coord)
		}
		r := c.get(tc.path)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, tc.want) || (tc.not != "" && strings.Contains(r.Body, tc.not)) {
			t.Errorf("%s: %d, want %q and not %q", tc.path, r.Status, tc.want, tc.not)
		}
	}

	// The form's CLSM field resolves « clsm d'evry » typed whole, and the
	// coordinator field « helene ».
	r := c.post("/admin/personnes/nouvelle", url.Values{"name": {"Léa Picard"}, "email": {"lea@exemple.fr"}, "role": {"coordinator"},
		"clsm": {"clsm d'evry"}, "time_zone": {"Europe/Paris"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("person with CLSM « clsm d'evry »: %d, %q", r.Status, messageOf(r.Body, "f-clsm"))
	}
	us, err := e.store.ListUserRows(ctx, models.UserFilter{Query: "lea@exemple.fr"})
	if err != nil || len(us) != 1 || us[0].CLSMNames != evry.Name {
		t.Errorf("Léa coordinates %+v (%v), want %s", us, err, evry.Name)
	}
	r = c.post("/admin/clsm/nouveau", url.Values{"name": {"CLSM de Massy"}, "departement": {"91"},
		"communes": {"91300"}, "coordinator": {"helene"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("CLSM with coordinator « helene »: %d, %q", r.Status, messageOf(r.Body, "f-coordinator"))
	}
	massy, err := e.store.ListCLSMs(ctx, models.CLSMFilter{Query: "massy"})
	if err != nil || len(massy) != 1 || massy[0].CoordinatorName != "Hélène Lefèvre" {
		t.Errorf("CLSM de Massy: %+v (%v), want Hélène Lefèvre as its coordinator", massy, err)
	}
}
