package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"quartier/models"
)

// TestAllCalendars_PagesOfFacilitators: the admin's calendars show
// calendarsPerPage facilitators a page, by name, with links between the
// pages; a page past the end says so.
func TestAllCalendars_PagesOfFacilitators(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := range 15 { // with Camille Facil: 16 facilitators, two pages
		if _, err := e.store.CreateUser(ctx, e.admin.ID, models.NewUser{Email: fmt.Sprintf("f%02d@exemple.fr", i), Name: fmt.Sprintf("Zoé Facil %02d", i),
			Role: models.RoleFacilitator, HomeINSEE: "59350"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	admin := e.as(&e.admin)
	for _, tc := range []struct {
		path      string
		want, not []string
	}{
		{"/admin/calendriers", []string{"Camille Facil", "Zoé Facil 13", "Page 1 sur 2", "page=2"}, []string{"Zoé Facil 14", "Page précédente"}},
		{"/admin/calendriers?page=2", []string{"Zoé Facil 14", "Page 2 sur 2", "Page précédente"}, []string{"Camille Facil", "Page suivante"}},
		{"/admin/calendriers?page=9", []string{"Cette page est vide", "Page précédente"}, []string{"Zoé Facil"}},
		{"/admin/calendriers?page=abc", []string{"Camille Facil", "Page 1 sur 2"}, nil},
	} {
		r := admin.get(tc.path)
		if r.Status != 200 {
			t.Fatalf("%s: status %d", tc.path, r.Status)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.Body, w) {
				t.Errorf("%s: no %q", tc.path, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(r.Body, n) {
				t.Errorf("%s: %q should not be there", tc.path, n)
			}
		}
	}
}
