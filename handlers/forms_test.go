package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// Every form of several fields says once, at its top, that its fields are
// required unless marked « (facultatif) ».
func TestForms_RequiredNoteAtTheTop(t *testing.T) {
	e := newRequestEnv(t)
	const note = "Sauf mention contraire, tous les champs sont obligatoires."
	tests := []struct {
		who   string
		path  string
		form  string // the action of the form that must carry the note
		label string // an optional field, marked as such
	}{
		{"admin", "/admin/clsm/nouveau", `action="/admin/clsm/nouveau"`, "Description du territoire <small>(facultatif)</small>"},
		{"admin", "/admin/personnes/nouvelle", `action="/admin/personnes/nouvelle"`, ""},
		{"admin", "/admin/saisons", `action="/admin/saisons"`, ""},
		{"admin", "/admin/qpv", `action="/admin/qpv" novalidate`, ""},
		{"coord", "/demandes/nouvelle", `class="request-form"`, "Remarques <small>(facultatif)</small>"},
		{"facil", "/calendrier/disponibilites", `action="/calendrier/disponibilites"`, ""},
		{"facil", "/calendrier/occupations", `action="/calendrier/occupations"`, "Libellé (facultatif)"},
		{"facil", "/calendrier/exceptions", `action="/calendrier/exceptions"`, "Libellé (facultatif)"},
	}
	users := map[string]*client{"admin": e.as(&e.admin), "coord": e.as(&e.coord), "facil": e.as(&e.facil)}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			r := users[tc.who].get(tc.path)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d", r.Status)
			}
			form := strings.Index(r.Body, tc.form)
			if form < 0 {
				t.Fatalf("no form %s", tc.form)
			}
			rest := r.Body[form:]
			end := strings.Index(rest, "</form>")
			at := strings.Index(rest, note)
			if at < 0 || at > end || strings.Contains(rest[:at], "<label") {
				t.Errorf("the form does not open with %q", note)
			}
			if tc.label != "" && !strings.Contains(r.Body, tc.label) {
				t.Errorf("page lacks %q", tc.label)
			}
		})
	}
}
