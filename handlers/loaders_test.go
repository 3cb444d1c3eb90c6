package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quartier/handlers"
	"quartier/models"
)

// TestRouteWrappers_UnknownOrMalformedIDIsNotFound walks every route of the
// table whose path names an :id, as a role allowed in, with an id that is
// not a number, one that does not exist, and (for the coordinator's
// requests) one of another CLSM: each is the French 404 page, before any
// handler could act on it.
func TestRouteWrappers_UnknownOrMalformedIDIsNotFound(t *testing.T) {
	e := newRequestEnv(t)
	who := map[handlers.Access]*models.User{
		handlers.AccessAdmin: &e.admin, handlers.AccessCoordinator: &e.coord, handlers.AccessFacilitator: &e.facil,
	}
	n := 0
	for _, r := range e.routes {
		if !strings.Contains(r.Path, "/:id") {
			continue
		}
		u, ok := who[r.Access]
		if !ok {
			t.Errorf("%s %s: an :id route outside the admin, coordinator and facilitator groups", r.Method, r.Path)
			continue
		}
		n++
		for _, id := range []string{"abc", "-1", "0", "999999"} {
			c := e.as(u)
			path := strings.Replace(r.Path, ":id", id, 1)
			var res resp
			if r.Method == http.MethodGet {
				res = c.get(path)
			} else {
				res = c.post(path, url.Values{"confirm": {"1"}, "comment": {"Motif."}})
			}
			if res.Status != http.StatusNotFound || !strings.Contains(res.Body, `lang="fr"`) {
				t.Errorf("%s %s: status %d, want the French 404", r.Method, path, res.Status)
			}
		}
	}
	if n < 15 {
		t.Errorf("only %d :id routes checked", n)
	}
	// A request of another CLSM is not the coordinator's: 404, and nothing changes.
	other := e.createRequest(e.as(&e.coord), validRequest(e))
	stranger := e.as(&e.coord2)
	for _, path := range []string{"/demandes/%d", "/demandes/%d/modifier"} {
		if res := stranger.get(fmt.Sprintf(path, other)); res.Status != http.StatusNotFound {
			t.Errorf("GET %s by another CLSM's coordinator: %d", fmt.Sprintf(path, other), res.Status)
		}
	}
	if res := stranger.post(fmt.Sprintf("/demandes/%d/retirer", other), url.Values{"confirm": {"1"}}); res.Status != http.StatusNotFound {
		t.Errorf("withdraw by another CLSM's coordinator: %d", res.Status)
	}
	if st := e.requestState(other); st != models.RequestSubmitted {
		t.Errorf("the other CLSM's request is %s", st)
	}
}
