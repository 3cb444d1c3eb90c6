package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quartier/models"
)

// The person form names its CLSM with a search field, not a list of every
// CLSM: no <select>, suggestions from /admin/recherche/clsm, and the
// typed text resolved on the server (the suggestion's label, part of a
// unique name, a choice among the matches), a French message next to the
// field when the text names none or several, nothing stored then.
func TestPersonForm_CLSMIsASearchField(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	ctx := context.Background()
	if _, err := e.store.CreateCLSM(ctx, e.admin.ID, models.CLSMInput{Name: "CLSM de Roubaix-Est", RegionCode: "32", DepartementCode: "59", Communes: []string{"59512"}}); err != nil {
		t.Fatal(err)
	}
	r := c.get("/admin/personnes/nouvelle")
	if strings.Contains(r.Body, `<select id="f-clsm"`) || strings.Contains(r.Body, "CLSM de Cholet") {
		t.Error("the person form still lists every CLSM")
	}
	if !strings.Contains(r.Body, `data-suggest="/admin/recherche/clsm"`) || !strings.Contains(r.Body, `name="chercher" value="clsm"`) {
		t.Error("the CLSM field has no suggestions or no « Rechercher » button")
	}

	// The person's page writes the CLSM as the field reads it back.
	if r := c.get("/admin/personnes/" + itoa(e.coord.ID)); !strings.Contains(r.Body, fmt.Sprintf(`value="CLSM de Roubaix (n° %d)"`, e.clsm.ID)) {
		t.Error("the coordinator's page does not name her CLSM in the field")
	}

	var got []struct{ Value, Label string }
	if r := c.get("/admin/recherche/clsm?q=cholet"); r.Status != http.StatusOK || json.Unmarshal([]byte(r.Body), &got) != nil || len(got) != 1 ||
		got[0].Value != fmt.Sprintf("CLSM de Cholet (n° %d)", e.clsm2.ID) || got[0].Label != "coordination : Sophie Coord" {
		t.Errorf("suggestions for « cholet »: %d %s", r.Status, r.Body)
	}

	person := func(email, clsm string, extra ...string) url.Values {
		v := url.Values{"name": {"Léa Picard"}, "email": {email}, "role": {"coordinator"}, "clsm": {clsm}, "time_zone": {"Europe/Paris"}}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return v
	}
	clsmOf := func(email string) int64 {
		t.Helper()
		us, err := e.store.ListUserRows(ctx, models.UserFilter{Query: email, Limit: 1})
		if err != nil || len(us) != 1 {
			t.Fatalf("%s: %v %d", email, err, len(us))
		}
		mine, err := e.store.CLSMsOfCoordinator(ctx, us[0].ID)
		if err != nil || len(mine) != 1 {
			t.Fatalf("%s coordinates %d CLSMs (%v)", email, len(mine), err)
		}
		return mine[0].ID
	}

	// Refused, nothing stored, the text kept: none, several.
	for _, tc := range []struct{ text, want string }{
		{"Marseille", "Aucun CLSM ne correspond à « Marseille »"},
		{"roubaix", "Plusieurs CLSM correspondent à « roubaix »"},
	} {
		before := e.fingerprint()
		r := c.post("/admin/personnes/nouvelle", person("lea@exemple.fr", tc.text))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(messageOf(r.Body, "f-clsm"), tc.want) {
			t.Errorf("%q: %d, message %q", tc.text, r.Status, messageOf(r.Body, "f-clsm"))
		}
		if !strings.Contains(r.Body, `value="`+tc.text+`"`) || !strings.Contains(r.Body, `value="Léa Picard"`) {
			t.Errorf("%q: the text typed is lost", tc.text)
		}
		if after := e.fingerprint(); after != before {
			t.Errorf("%q: stored something", tc.text)
		}
		if tc.text == "roubaix" && (!strings.Contains(r.Body, fmt.Sprintf(`name="clsm_choix" value="%d"`, e.clsm.ID)) || strings.Contains(r.Body, fmt.Sprintf(`name="clsm_choix" value="%d"`, e.clsm2.ID))) {
			t.Errorf("the matches of « roubaix » are not offered, or Cholet is")
		}
	}

	// Accepted: the suggestion's label, a unique part of a name, the exact
	// name among several, a choice among the matches, a bare id.
	for i, tc := range []struct {
		text  string
		extra []string
		want  int64
	}{
		{fmt.Sprintf("CLSM de Roubaix (n° %d)", e.clsm.ID), nil, e.clsm.ID},
		{"chol", nil, e.clsm2.ID},
		{"clsm de roubaix", nil, e.clsm.ID},
		{"roubaix", []string{"clsm_choix", itoa(e.clsm2.ID)}, e.clsm2.ID},
		{itoa(e.clsm.ID), nil, e.clsm.ID},
	} {
		email := fmt.Sprintf("p%d@exemple.fr", i)
		if r := c.post("/admin/personnes/nouvelle", person(email, tc.text, tc.extra...)); r.Status != http.StatusSeeOther {
			t.Errorf("%q: %d %s", tc.text, r.Status, messageOf(r.Body, "f-clsm"))
			continue
		}
		if got := clsmOf(email); got != tc.want {
			t.Errorf("%q: CLSM %d, want %d", tc.text, got, tc.want)
		}
	}

	// « Rechercher » brings the form back unsaved, with the matches.
	before := e.fingerprint()
	r = c.post("/admin/personnes/nouvelle", person("search@exemple.fr", "roubaix", "chercher", "clsm"))
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "CLSM de Roubaix-Est") || !strings.Contains(r.Body, `value="search@exemple.fr"`) {
		t.Errorf("« Rechercher »: %d, or the matches or the address typed are missing", r.Status)
	}
	if after := e.fingerprint(); after != before {
		t.Error("« Rechercher » stored something")
	}
	if r := c.post("/admin/personnes/nouvelle", person("search@exemple.fr", "zzz", "chercher", "clsm")); !strings.Contains(messageOf(r.Body, "f-clsm"), "Aucun résultat pour « zzz »") {
		t.Errorf("« Rechercher » with no match: %q", messageOf(r.Body, "f-clsm"))
	}
}

// The CLSM form names its coordinator with a search field in the same way,
// by name or address; the model still refuses a person who is not a
// coordinator (TestCLSM_CoordinatorMustBeACoordinator).
func TestCLSMForm_CoordinatorIsASearchField(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	ctx := context.Background()
	if _, err := e.store.CreateUser(ctx, e.admin.ID, models.NewUser{Email: "nadia.b@exemple.fr", Name: "Nadia Benali", Role: models.RoleCoordinator}, nil); err != nil {
		t.Fatal(err)
	}
	r := c.get("/admin/clsm/nouveau")
	if strings.Contains(r.Body, `<select id="f-coordinator"`) || strings.Contains(r.Body, "Sophie Coord") {
		t.Error("the CLSM form still lists every coordinator")
	}
	if !strings.Contains(r.Body, `data-suggest="/admin/recherche/coordination"`) {
		t.Error("the coordinator field has no suggestions")
	}
	var got []struct{ Value, Label string }
	if r := c.get("/admin/recherche/coordination?q=coord2@"); json.Unmarshal([]byte(r.Body), &got) != nil || len(got) != 1 || got[0].Value != "Sophie Coord (coord2@exemple.fr)" {
		t.Errorf("suggestions for « coord2@ »: %s", r.Body)
	}
	if r := c.get("/admin/recherche/coordination?q=camille"); strings.TrimSpace(r.Body) != "[]" {
		t.Errorf("a facilitator is suggested as a coordinator: %s", r.Body)
	}

	clsm := func(coordinator string, extra ...string) url.Values {
		v := url.Values{"name": {"CLSM d'Amiens"}, "departement": {"80"}, "communes": {"Amiens"}, "coordinator": {coordinator}}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return v
	}
	path := "/admin/clsm/" + itoa(e.clsm.ID)
	for _, tc := range []struct{ text, want string }{
		{"Zoé Inconnue", "Aucune personne chargée de coordination ne correspond à « Zoé Inconnue »"},
		{"nadia", "Plusieurs personnes correspondent à « nadia »"},
	} {
		before := e.fingerprint()
		r := c.post(path, clsm(tc.text))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(messageOf(r.Body, "f-coordinator"), tc.want) || !strings.Contains(r.Body, `value="CLSM d&#39;Amiens"`) {
			t.Errorf("%q: %d, message %q", tc.text, r.Status, messageOf(r.Body, "f-coordinator"))
		}
		if after := e.fingerprint(); after != before {
			t.Errorf("%q: stored something", tc.text)
		}
	}
	coordinatorOf := func() int64 {
		t.Helper()
		cl, err := e.store.CLSMByID(ctx, e.clsm.ID)
		if err != nil || cl.CoordinatorID == nil {
			t.Fatalf("CLSM %d: %v, no coordinator", e.clsm.ID, err)
		}
		return *cl.CoordinatorID
	}
	var benali int64
	if us, err := e.store.FindCoordinators(ctx, "nadia.b@", 2); err != nil || len(us) != 1 {
		t.Fatalf("Nadia Benali: %v", err)
	} else {
		benali = us[0].ID
	}
	for _, tc := range []struct {
		text  string
		extra []string
		want  int64
	}{
		{"Nadia Benali (nadia.b@exemple.fr)", nil, benali},
		{"sophie", nil, e.coord2.ID},
		{"nadia", []string{"coordinator_choix", itoa(e.coord.ID)}, e.coord.ID},
		{"coord2@exemple.fr", nil, e.coord2.ID},
	} {
		if r := c.post(path, clsm(tc.text, tc.extra...)); r.Status != http.StatusSeeOther {
			t.Errorf("%q: %d %s", tc.text, r.Status, messageOf(r.Body, "f-coordinator"))
			continue
		}
		if got := coordinatorOf(); got != tc.want {
			t.Errorf("%q: coordinator %d, want %d", tc.text, got, tc.want)
		}
	}
	r = c.post(path, clsm("nadia", "chercher", "coordination"))
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `name="coordinator_choix" value="`+itoa(benali)+`"`) {
		t.Errorf("« Rechercher »: %d, or Nadia Benali is not offered", r.Status)
	}
}
