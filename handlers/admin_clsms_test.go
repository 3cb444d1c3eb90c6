package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The empty CLSM form names the fields it has, and nothing else: the
// region follows from the département, so no « région » error appears.
func TestAdminCLSM_EmptyFormNamesOnlyItsFields(t *testing.T) {
	e := newEnv(t)
	r := e.as(&e.admin).post("/admin/clsm/nouveau", url.Values{})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.Status)
	}
	for _, want := range []string{"Saisissez le nom du CLSM.", "Choisissez le département du CLSM.", `href="#f-name"`, `href="#f-departement"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(strings.ToLower(r.Body), "région") || strings.Contains(r.Body, "#f-region") {
		t.Errorf("the page reports an error for a region field that does not exist")
	}
}

// A deactivated coordinator is flagged wherever the CLSM names them.
func TestAdminCLSM_DeactivatedCoordinatorIsFlagged(t *testing.T) {
	e := newEnv(t)
	c := e.as(&e.admin)
	for _, p := range []string{"/admin/clsm", "/admin/clsm/" + itoa(e.clsm.ID)} {
		if r := c.get(p); strings.Contains(r.Body, "compte désactivé") {
			t.Errorf("%s flags an active coordinator", p)
		}
	}
	if err := e.store.SetUserActive(context.Background(), e.admin.ID, e.coord.ID, false); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, want string }{
		{"/admin/clsm", `Nadia Coord <span class="badge badge-inactive">compte désactivé</span>`},
		{"/admin/clsm/" + itoa(e.clsm.ID), "le compte de Nadia Coord est désactivé"},
		{"/admin/clsm/" + itoa(e.clsm.ID), `value="Nadia Coord (coord@exemple.fr)"`},
	}
	for _, tc := range tests {
		if r := c.get(tc.path); !strings.Contains(r.Body, tc.want) {
			t.Errorf("%s lacks %q", tc.path, tc.want)
		}
	}
	// The other CLSM's coordinator is still active: no flag on its page.
	if r := c.get("/admin/clsm/" + itoa(e.clsm2.ID)); strings.Contains(r.Body, "est désactivé") {
		t.Errorf("the other CLSM is flagged too")
	}
}
